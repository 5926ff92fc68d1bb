/* tp_loop.h - the single-threaded event loop under both push agents.
 *
 * One loop per thread, no locks: file-descriptor readiness callbacks in an
 * fd-indexed table (level-triggered; epoll on Linux, poll() elsewhere or
 * with make LOOP=poll), millisecond timers in a binary heap (tp_timer.h),
 * deferred calls, a before-sleep hook and signals delivered as events
 * (through a signalfd, or a self-pipe). The loop knows nothing of SIP or
 * MSRP; the sockets on top of it are in tp_udp.h and tp_tcp.h.
 *
 * One iteration (tp_loop_run_once):
 *   1. run the deferred calls queued so far;
 *   2. call the before-sleep hook (the place to flush batched writes);
 *   3. wait for readiness until the earliest timer (no wait when deferred
 *      calls are queued);
 *   4. dispatch the ready descriptors, then the timers now due.
 *
 * Ownership: the loop owns its backend's and signal descriptors, its fd table
 * and its timer heap array. Callers own the descriptors they register (the
 * loop never closes them), their tp_timer and tp_defer structs, and every
 * context pointer. Everything registered must be removed (or its owner
 * freed: tp_udp_close, tp_tcp_free) before tp_loop_free.
 *
 * Errors are negative errno values (-ENOMEM, -EBADF...). */
#ifndef SIPPUSH_TP_LOOP_H
#define SIPPUSH_TP_LOOP_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "tp_timer.h"

typedef struct tp_loop tp_loop;

/* Readiness flags, both asked for and reported. TP_EV_ERROR is only
 * reported (a pending socket error, e.g. an ICMP report on UDP); it comes
 * with TP_EV_READ so that a reader notices it. */
enum { TP_EV_READ = 1, TP_EV_WRITE = 2, TP_EV_ERROR = 4 };

typedef void (*tp_fd_fn)(tp_loop *loop, int fd, unsigned events, void *ctx);
typedef void (*tp_loop_fn)(tp_loop *loop, void *ctx);
typedef void (*tp_signal_fn)(tp_loop *loop, int signo, void *ctx);

/* A deferred call: caller-owned, usually embedded in the object it serves,
 * so queueing never allocates and never fails. */
typedef struct tp_defer {
    struct tp_defer *prev, *next; /* NULL when not queued */
    void (*fn)(void *ctx);
    void *ctx;
} tp_defer;

/* The monotonic clock in milliseconds (CLOCK_MONOTONIC). */
SP_API tp_ms tp_clock_ms(void);

/* A new loop, or NULL (errno set) when the system refuses resources. */
SP_API tp_loop *tp_loop_new(void);
/* Frees the loop; restores the signal mask changed by tp_loop_signal. */
SP_API void tp_loop_free(tp_loop *loop);

/* Watches fd for 'events' (TP_EV_READ | TP_EV_WRITE, possibly 0). One
 * registration per fd: -EEXIST if fd is already watched. */
SP_API int tp_loop_fd_add(tp_loop *loop, int fd, unsigned events, tp_fd_fn fn, void *ctx);
/* Changes the events watched on a registered fd. */
SP_API int tp_loop_fd_set(tp_loop *loop, int fd, unsigned events);
/* Stops watching fd (call before closing it). Events already collected for
 * it in the current dispatch are dropped, even if the number is reused. */
SP_API void tp_loop_fd_del(tp_loop *loop, int fd);

/* The loop's timer heap, driven by tp_clock_ms(). */
SP_API tp_timers *tp_loop_timers(tp_loop *loop);
/* Replaces CLOCK_MONOTONIC as the loop's clock (NULL restores it): tests
 * drive connection timeouts with a fake clock and real sockets. The loop's
 * time is set from it at once; call it before arming any timer. */
SP_API void tp_loop_set_clock(tp_loop *loop, tp_ms (*clock)(void *ctx), void *ctx);
/* The time as of the current iteration (cheap: no system call). */
SP_API tp_ms tp_loop_now(const tp_loop *loop);
/* Re-reads the clock into the loop's time: for code that arms timers after
 * blocking outside the loop (the loop does it itself on every wake-up). */
SP_API void tp_loop_update_time(tp_loop *loop);

/* Deferred calls run after the current dispatch, before the loop sleeps,
 * in the order queued. Queueing a call already queued does nothing; a call
 * queued while deferred calls run waits for the next iteration. */
SP_API void tp_defer_init(tp_defer *d, void (*fn)(void *ctx), void *ctx);
SP_API void tp_loop_defer(tp_loop *loop, tp_defer *d);
SP_API void tp_defer_cancel(tp_defer *d);
static inline bool tp_defer_queued(const tp_defer *d) { return d->next != NULL; }

/* Called before every wait (NULL removes it). */
SP_API void tp_loop_set_before_sleep(tp_loop *loop, tp_loop_fn fn, void *ctx);

/* Delivers 'signo' as an event (fn NULL stops); the callback runs in the
 * loop like any other, not in a signal handler. With a signalfd
 * (SP_HAVE_SIGNALFD) the signal is blocked in the calling thread and read
 * from the descriptor: call before starting other threads, which inherit the
 * mask; a signal sent to a thread that has not blocked it is not seen by the
 * loop. Without one, a handler (SA_RESTART) writes the signal's number into
 * a pipe the loop reads; the last loop to watch a signal gets it, and
 * tp_loop_free restores the disposition it found. */
SP_API int tp_loop_signal(tp_loop *loop, int signo, tp_signal_fn fn, void *ctx);

/* One iteration, waiting at most max_wait_ms (-1: until the next timer or
 * event). Returns 0, or a negative errno when the wait fails. */
SP_API int tp_loop_run_once(tp_loop *loop, int max_wait_ms);
/* Iterates until tp_loop_stop is called (from a callback) or the wait fails. */
SP_API int tp_loop_run(tp_loop *loop);
/* Makes tp_loop_run return after the current iteration. */
SP_API void tp_loop_stop(tp_loop *loop);

#endif
