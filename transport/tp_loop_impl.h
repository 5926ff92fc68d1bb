/* tp_loop_impl.h - the loop's private state, shared by the portable core
 * (tp_loop.c), the signal delivery (tp_signal.c) and the backend that
 * waits for readiness: tp_loop_epoll.c or tp_loop_poll.c, one of them
 * compiled in (SP_HAVE_EPOLL, sp_platform.h). */
#ifndef SIPPUSH_TP_LOOP_IMPL_H
#define SIPPUSH_TP_LOOP_IMPL_H

#include <signal.h>
#include <stddef.h>

#include "sp_platform.h"
#include "tp_loop.h"

/* Signals numbered below this can be watched. */
#define TP_LOOP_NSIG 65

typedef struct tp_fd_slot {
    tp_fd_fn fn;
    void *ctx;
    unsigned events;
    uint32_t gen; /* registration number, 0 when free: guards fd reuse */
} tp_fd_slot;

/* One descriptor the backend found ready: the registration it was ready
 * for, so the core drops it if that registration ended since. */
typedef struct tp_fired {
    int fd;
    uint32_t gen;
    unsigned events; /* TP_EV_* */
} tp_fired;

typedef struct tp_poller tp_poller; /* the backend's own state */

struct tp_loop {
    tp_poller *poller;
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

    int sigfd;           /* signalfd, or the self-pipe's read end; -1 until the first tp_loop_signal */
    int sigpipe_wr;      /* the self-pipe's write end (no signalfd); -1: none */
    sigset_t sigwatched; /* signals delivered to this loop */
    sigset_t sigblocked; /* those this loop blocked (to unblock on free) */
    struct {
        tp_signal_fn fn;
        void *ctx;
    } sig[TP_LOOP_NSIG];
#if !SP_HAVE_SIGNALFD
    struct sigaction *sigold; /* TP_LOOP_NSIG dispositions to restore on free, with the pipe */
#endif
};

/* Drops the signal descriptors and restores the mask (tp_loop_free). */
void tp_signal_release(tp_loop *loop);

/* The backend. Each returns 0 or a negative errno. The slot of 'fd'
 * (loop->fds[fd]) is already filled when add and set are called, and still
 * filled when del is. */
int tp_poller_new(tp_loop *loop);
void tp_poller_free(tp_loop *loop);
int tp_poller_add(tp_loop *loop, int fd);
int tp_poller_set(tp_loop *loop, int fd);
void tp_poller_del(tp_loop *loop, int fd);
/* Waits up to timeout_ms (-1: no limit) and points *fired at the
 * descriptors found ready (owned by the backend, valid until the next
 * wait). Returns their count (0 on EINTR) or a negative errno. */
int tp_poller_wait(tp_loop *loop, int timeout_ms, const tp_fired **fired);

#endif
