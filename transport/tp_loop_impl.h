/* tp_loop_impl.h - the loop's private state, shared by tp_loop.c and
 * tp_signal.c. */
#ifndef SIPPUSH_TP_LOOP_IMPL_H
#define SIPPUSH_TP_LOOP_IMPL_H

#include <signal.h>
#include <stddef.h>
#include <sys/epoll.h>

#include "tp_loop.h"

/* Descriptors reported by one epoll_wait. */
#define TP_LOOP_EVENTS 128
/* Signals numbered below this can be watched. */
#define TP_LOOP_NSIG 65

typedef struct tp_fd_slot {
    tp_fd_fn fn;
    void *ctx;
    unsigned events;
    uint32_t gen; /* registration number, 0 when free: guards fd reuse */
} tp_fd_slot;

struct tp_loop {
    int epfd;
    tp_fd_slot *fds;
    size_t nfds;
    uint32_t gen;
    tp_timers timers;
    tp_ms (*clock)(void *ctx); /* NULL: tp_clock_ms */
    void *clock_ctx;
    tp_defer deferred; /* sentinel of a circular list */
    tp_loop_fn before_sleep;
    void *before_sleep_ctx;
    bool stopping;

    int sigfd;           /* -1 until the first tp_loop_signal */
    sigset_t sigwatched; /* signals read from sigfd */
    sigset_t sigblocked; /* those this loop blocked (to unblock on free) */
    struct {
        tp_signal_fn fn;
        void *ctx;
    } sig[TP_LOOP_NSIG];

    struct epoll_event events[TP_LOOP_EVENTS];
};

/* Drops the signalfd and restores the mask (tp_loop_free). */
void tp_signal_release(tp_loop *loop);

#endif
