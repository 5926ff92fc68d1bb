/* host_timers.h - the agents' clock and one-shot timers (push_env) on an
 * event loop's heap: each timer that fires is removed and its cookie handed
 * to one callback, which gives it to the agent that armed it
 * (host_timer_is_session tells the session-mode agents' cookies apart).
 *
 * Ownership: the caller holds the host_timers (its address must not change
 * while timers are armed); host_timers_free stops and frees those still
 * armed, before the loop goes. */
#ifndef SIPPUSH_HOST_TIMERS_H
#define SIPPUSH_HOST_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

#include "sp_export.h"
#include "push_agent.h"
#include "tp_loop.h"

typedef struct host_timers {
    tp_loop *loop;
    void (*fire)(void *ctx, uint64_t cookie);
    void (*log)(void *ctx, const char *line); /* may be NULL */
    void *ctx;                                /* of fire and log */
    struct host_timer *armed;                 /* private */
} host_timers;

/* Timers on loop, fired into fire(ctx, cookie); the agents' log lines go
 * to log(ctx, line) when it is not NULL. */
SP_API void host_timers_init(host_timers *t, tp_loop *loop, void (*fire)(void *ctx, uint64_t cookie),
                             void (*log)(void *ctx, const char *line), void *ctx);
/* The environment to make agents with: the loop's clock, these timers, log. */
SP_API push_env host_timers_env(host_timers *t);
SP_API void host_timers_free(host_timers *t);

/* Whether a cookie is one of the session-mode agents' (push_invite_timer),
 * not the page-mode agent's. */
SP_API bool host_timer_is_session(uint64_t cookie);

#endif
