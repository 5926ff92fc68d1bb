/* tp_loop.c - the portable core of the loop: fd table, deferred calls,
 * timers and the iteration (see tp_loop.h for its order). Waiting for
 * readiness is the backend's (tp_loop_impl.h). */
#include "tp_loop_impl.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define TP_LOOP_MIN_FDS 64

tp_ms tp_clock_ms(void) { return sp_clock_ms(); }

tp_loop *tp_loop_new(void)
{
    tp_loop *loop = calloc(1, sizeof *loop);
    if (!loop)
        return NULL;
    int r = tp_poller_new(loop);
    if (r < 0) {
        free(loop);
        errno = -r;
        return NULL;
    }
    loop->sigfd = loop->sigpipe_wr = -1;
    sigemptyset(&loop->sigwatched);
    sigemptyset(&loop->sigblocked);
    loop->deferred.prev = loop->deferred.next = &loop->deferred;
    tp_timers_init(&loop->timers, tp_clock_ms());
    return loop;
}

void tp_loop_free(tp_loop *loop)
{
    if (!loop)
        return;
    tp_signal_release(loop);
    /* Unlink what is still queued so the callers' nodes do not point here. */
    while (loop->deferred.next != &loop->deferred)
        tp_defer_cancel(loop->deferred.next);
    tp_timers_free(&loop->timers);
    tp_poller_free(loop);
    free(loop->fds);
    free(loop);
}

int tp_loop_fd_add(tp_loop *loop, int fd, unsigned events, tp_fd_fn fn, void *ctx)
{
    if (fd < 0 || !fn)
        return -EBADF;
    if ((size_t)fd >= loop->nfds) {
        size_t n = loop->nfds ? loop->nfds : TP_LOOP_MIN_FDS;
        while (n <= (size_t)fd)
            n *= 2;
        tp_fd_slot *grown = realloc(loop->fds, n * sizeof *grown);
        if (!grown)
            return -ENOMEM;
        memset(grown + loop->nfds, 0, (n - loop->nfds) * sizeof *grown);
        loop->fds = grown;
        loop->nfds = n;
    }
    tp_fd_slot *s = &loop->fds[fd];
    if (s->gen)
        return -EEXIST;
    if (++loop->gen == 0) /* 0 marks a free slot */
        loop->gen = 1;
    *s = (tp_fd_slot){.fn = fn, .ctx = ctx, .events = events, .gen = loop->gen};
    int r = tp_poller_add(loop, fd);
    if (r < 0)
        s->gen = 0;
    return r;
}

int tp_loop_fd_set(tp_loop *loop, int fd, unsigned events)
{
    if (fd < 0 || (size_t)fd >= loop->nfds || !loop->fds[fd].gen)
        return -EBADF;
    if (loop->fds[fd].events == events)
        return 0;
    loop->fds[fd].events = events;
    return tp_poller_set(loop, fd);
}

void tp_loop_fd_del(tp_loop *loop, int fd)
{
    if (fd < 0 || (size_t)fd >= loop->nfds || !loop->fds[fd].gen)
        return;
    tp_poller_del(loop, fd);
    loop->fds[fd].gen = 0;
}

tp_timers *tp_loop_timers(tp_loop *loop) { return &loop->timers; }
tp_ms tp_loop_now(const tp_loop *loop) { return tp_timers_now(&loop->timers); }

static tp_ms loop_clock(const tp_loop *loop)
{
    return loop->clock ? loop->clock(loop->clock_ctx) : tp_clock_ms();
}

void tp_loop_set_clock(tp_loop *loop, tp_ms (*clock)(void *ctx), void *ctx)
{
    loop->clock = clock;
    loop->clock_ctx = ctx;
    loop->timers.now = loop_clock(loop);
}

void tp_loop_update_time(tp_loop *loop)
{
    tp_ms now = loop_clock(loop);
    if (now > loop->timers.now)
        loop->timers.now = now;
}

void tp_defer_init(tp_defer *d, void (*fn)(void *ctx), void *ctx)
{
    d->prev = d->next = NULL;
    d->fn = fn;
    d->ctx = ctx;
}

void tp_loop_defer(tp_loop *loop, tp_defer *d)
{
    if (d->next)
        return;
    d->prev = loop->deferred.prev;
    d->next = &loop->deferred;
    d->prev->next = d;
    loop->deferred.prev = d;
}

void tp_defer_cancel(tp_defer *d)
{
    if (!d->next)
        return;
    d->prev->next = d->next;
    d->next->prev = d->prev;
    d->prev = d->next = NULL;
}

static bool defer_pending(const tp_loop *loop) { return loop->deferred.next != &loop->deferred; }

static void run_deferred(tp_loop *loop)
{
    if (!defer_pending(loop))
        return;
    /* Move the queue aside: calls queued from now on wait a turn. */
    tp_defer batch;
    batch.next = loop->deferred.next;
    batch.prev = loop->deferred.prev;
    batch.next->prev = batch.prev->next = &batch;
    loop->deferred.prev = loop->deferred.next = &loop->deferred;
    while (batch.next != &batch) {
        tp_defer *d = batch.next;
        tp_defer_cancel(d);
        d->fn(d->ctx);
    }
}

void tp_loop_set_before_sleep(tp_loop *loop, tp_loop_fn fn, void *ctx)
{
    loop->before_sleep = fn;
    loop->before_sleep_ctx = ctx;
}

static int wait_ms(tp_loop *loop, int max_wait_ms)
{
    if (defer_pending(loop))
        return 0;
    tp_ms next = tp_timers_next(&loop->timers), now = loop_clock(loop);
    if (next == TP_MS_NEVER)
        return max_wait_ms;
    tp_ms until = next > now ? next - now : 0;
    if (until > INT_MAX)
        until = INT_MAX;
    return max_wait_ms >= 0 && (tp_ms)max_wait_ms < until ? max_wait_ms : (int)until;
}

int tp_loop_run_once(tp_loop *loop, int max_wait_ms)
{
    tp_loop_update_time(loop);
    run_deferred(loop);
    if (loop->before_sleep)
        loop->before_sleep(loop, loop->before_sleep_ctx);
    const tp_fired *fired;
    int n = tp_poller_wait(loop, wait_ms(loop, max_wait_ms), &fired);
    if (n < 0)
        return n;
    /* Callbacks see the time the wait ended. */
    tp_loop_update_time(loop);
    tp_ms now = tp_loop_now(loop);
    for (int i = 0; i < n; i++) {
        int fd = fired[i].fd;
        /* An earlier callback of this batch may have removed the fd. */
        if ((size_t)fd >= loop->nfds || loop->fds[fd].gen != fired[i].gen)
            continue;
        tp_fd_slot *s = &loop->fds[fd];
        s->fn(loop, fd, fired[i].events, s->ctx);
    }
    tp_timers_advance(&loop->timers, now);
    return 0;
}

int tp_loop_run(tp_loop *loop)
{
    loop->stopping = false;
    while (!loop->stopping) {
        int r = tp_loop_run_once(loop, -1);
        if (r < 0)
            return r;
    }
    loop->stopping = false;
    return 0;
}

void tp_loop_stop(tp_loop *loop) { loop->stopping = true; }
