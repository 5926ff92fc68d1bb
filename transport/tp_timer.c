/* tp_timer.c - see tp_timer.h. The heap is 0-based; a timer's 'slot' is its
 * index + 1 so that a zeroed timer reads as unarmed. */
#include "tp_timer.h"

#include <errno.h>
#include <stdlib.h>

#define TP_TIMERS_MIN_CAP 16

void tp_timers_init(tp_timers *h, tp_ms now)
{
    h->heap = NULL;
    h->count = h->cap = 0;
    h->seq = 0;
    h->now = now;
}

void tp_timers_free(tp_timers *h)
{
    for (size_t i = 0; i < h->count; i++)
        h->heap[i]->slot = 0;
    free(h->heap);
    h->heap = NULL;
    h->count = h->cap = 0;
}

void tp_timer_init(tp_timer *t, tp_timer_fn fn, void *ctx)
{
    t->due = 0;
    t->seq = 0;
    t->slot = 0;
    t->fn = fn;
    t->ctx = ctx;
}

static bool earlier(const tp_timer *a, const tp_timer *b)
{
    return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void place(tp_timers *h, size_t i, tp_timer *t)
{
    h->heap[i] = t;
    t->slot = i + 1;
}

static void sift_up(tp_timers *h, size_t i)
{
    tp_timer *t = h->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!earlier(t, h->heap[parent]))
            break;
        place(h, i, h->heap[parent]);
        i = parent;
    }
    place(h, i, t);
}

static void sift_down(tp_timers *h, size_t i)
{
    tp_timer *t = h->heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->count)
            break;
        if (child + 1 < h->count && earlier(h->heap[child + 1], h->heap[child]))
            child++;
        if (!earlier(h->heap[child], t))
            break;
        place(h, i, h->heap[child]);
        i = child;
    }
    place(h, i, t);
}

void tp_timer_stop(tp_timers *h, tp_timer *t)
{
    if (!t->slot)
        return;
    size_t i = t->slot - 1;
    t->slot = 0;
    h->count--;
    if (i == h->count)
        return;
    tp_timer *last = h->heap[h->count];
    place(h, i, last);
    /* The moved timer may belong above or below its new place. */
    if (i > 0 && earlier(last, h->heap[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}

int tp_timer_start(tp_timers *h, tp_timer *t, tp_ms delay_ms)
{
    tp_timer_stop(h, t);
    if (h->count == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : TP_TIMERS_MIN_CAP;
        tp_timer **grown = realloc(h->heap, cap * sizeof *grown);
        if (!grown)
            return -ENOMEM;
        h->heap = grown;
        h->cap = cap;
    }
    if (delay_ms == 0)
        delay_ms = 1;
    t->due = delay_ms > TP_MS_NEVER - 1 - h->now ? TP_MS_NEVER - 1 : h->now + delay_ms;
    t->seq = h->seq++;
    place(h, h->count++, t);
    sift_up(h, h->count - 1);
    return 0;
}

tp_ms tp_timers_next(const tp_timers *h)
{
    return h->count ? h->heap[0]->due : TP_MS_NEVER;
}

size_t tp_timers_advance(tp_timers *h, tp_ms now)
{
    if (now > h->now)
        h->now = now;
    uint64_t started_before = h->seq;
    size_t fired = 0;
    while (h->count) {
        tp_timer *t = h->heap[0];
        if (t->due > h->now || t->seq >= started_before)
            break;
        tp_timer_stop(h, t);
        fired++;
        t->fn(t, t->ctx);
    }
    return fired;
}

size_t tp_timers_run_until(tp_timers *h, tp_ms until)
{
    size_t fired = 0;
    for (;;) {
        tp_ms next = tp_timers_next(h);
        if (next > until)
            break;
        size_t n = tp_timers_advance(h, next);
        if (n == 0)
            break; /* only at the clock's very end: nothing can progress */
        fired += n;
    }
    return fired + tp_timers_advance(h, until);
}
