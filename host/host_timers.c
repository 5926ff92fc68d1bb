/* host_timers.c - see host_timers.h. */
#include <stdlib.h>

#include "host_timers.h"
#include "push_invite.h"

struct host_timer {
    tp_timer t;
    uint64_t cookie;
    host_timers *owner;
    struct host_timer *prev, *next;
};

static void unlink_timer(host_timers *t, struct host_timer *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        t->armed = r->next;
    if (r->next)
        r->next->prev = r->prev;
}

static void fired(tp_timer *tt, void *ctx)
{
    (void)tt;
    struct host_timer *r = ctx;
    host_timers *t = r->owner;
    uint64_t cookie = r->cookie;
    unlink_timer(t, r);
    free(r);
    t->fire(t->ctx, cookie);
}

static uint64_t env_now(void *ctx) { return tp_loop_now(((host_timers *)ctx)->loop); }

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    host_timers *t = ctx;
    struct host_timer *r = calloc(1, sizeof *r);
    if (!r)
        return 0;
    r->owner = t;
    r->cookie = cookie;
    tp_timer_init(&r->t, fired, r);
    if (tp_timer_start(tp_loop_timers(t->loop), &r->t, delay_ms) != 0) {
        free(r);
        return 0;
    }
    r->next = t->armed;
    if (t->armed)
        t->armed->prev = r;
    t->armed = r;
    return (uint64_t)(uintptr_t)r;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    host_timers *t = ctx;
    struct host_timer *r = (struct host_timer *)(uintptr_t)handle;
    tp_timer_stop(tp_loop_timers(t->loop), &r->t);
    unlink_timer(t, r);
    free(r);
}

static void env_log(void *ctx, const char *line)
{
    host_timers *t = ctx;
    if (t->log)
        t->log(t->ctx, line);
}

void host_timers_init(host_timers *t, tp_loop *loop, void (*fire)(void *ctx, uint64_t cookie),
                      void (*log)(void *ctx, const char *line), void *ctx)
{
    *t = (host_timers){.loop = loop, .fire = fire, .log = log, .ctx = ctx};
}

push_env host_timers_env(host_timers *t)
{
    return (push_env){.ctx = t, .now_ms = env_now, .timer_start = env_timer_start,
                      .timer_cancel = env_timer_cancel, .log = env_log};
}

void host_timers_free(host_timers *t)
{
    while (t->armed)
        env_timer_cancel(t, (uint64_t)(uintptr_t)t->armed);
}

bool host_timer_is_session(uint64_t cookie)
{
    unsigned k = push_cookie_kind(cookie);
    return k == PUSH_TMR_INVITE_SENDER || k == PUSH_TMR_INVITE_RX || k == PUSH_TMR_MSRP_CONNECT;
}
