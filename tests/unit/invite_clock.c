/* invite_clock.c - a push_invite_ctx's timers on a fake network's clock. */
#include "invite_clock.h"

#include <check.h>
#include <stdlib.h>

typedef struct clock_timer {
    tp_timer t;
    uint64_t cookie;
    invite_clock *c;
} clock_timer;

static void fired(tp_timer *t, void *ctx)
{
    (void)t;
    clock_timer *rec = ctx;
    push_invite_ctx *pc = rec->c->ctx;
    uint64_t cookie = rec->cookie;
    free(rec);
    push_invite_timer(pc, cookie);
}

static uint64_t env_now(void *ctx) { return ((invite_clock *)ctx)->net->now; }

static uint64_t env_start(void *ctx, uint64_t delay, uint64_t cookie)
{
    invite_clock *c = ctx;
    clock_timer *rec = calloc(1, sizeof *rec);
    ck_assert_ptr_nonnull(rec);
    rec->c = c;
    rec->cookie = cookie;
    tp_timer_init(&rec->t, fired, rec);
    ck_assert_int_eq(tp_timer_start(&c->heap, &rec->t, delay), 0);
    return (uint64_t)(uintptr_t)rec;
}

static void env_cancel(void *ctx, uint64_t h)
{
    invite_clock *c = ctx;
    clock_timer *rec = (clock_timer *)(uintptr_t)h;
    tp_timer_stop(&c->heap, &rec->t);
    free(rec);
}

void invite_clock_init(invite_clock *c, fake_net *net, push_invite_ctx *ctx)
{
    c->net = net;
    c->ctx = ctx;
    tp_timers_init(&c->heap, 0);
    ctx->env = (push_env){.ctx = c, .now_ms = env_now, .timer_start = env_start, .timer_cancel = env_cancel};
}

void invite_clock_advance(invite_clock *c, uint64_t ms)
{
    for (uint64_t t = 0; t < ms; t += 10) {
        fake_advance(c->net, 10);
        tp_timers_run_until(&c->heap, c->net->now);
    }
}

void invite_clock_free(invite_clock *c)
{
    while (tp_timers_count(&c->heap)) {
        clock_timer *rec = (clock_timer *)c->heap.heap[0]->ctx;
        tp_timer_stop(&c->heap, &rec->t);
        free(rec);
    }
    tp_timers_free(&c->heap);
}
