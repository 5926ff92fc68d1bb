/* tp_timer.h - millisecond timers in a binary min-heap, driven by an
 * explicit clock.
 *
 * A tp_timers heap knows nothing of epoll or of the system clock: whoever
 * owns it says what time it is (tp_timers_advance). The event loop drives its
 * heap from CLOCK_MONOTONIC; unit tests (and tests of the layers above) drive
 * a heap of their own with a fake clock, e.g. tp_timers_run_until().
 *
 * Ownership: a tp_timer is caller-owned memory, usually embedded in the
 * object it times (a transaction, a connection). The heap only holds
 * pointers to armed timers, so starting a timer never allocates once the
 * heap has grown to its high-water size. A timer must be stopped before its
 * memory is freed. The heap's own array is freed by tp_timers_free().
 *
 * Re-entrancy: a callback may start, re-arm or stop any timer, its own
 * included, and may free the memory of a timer it has stopped (or that has
 * just fired and not been re-armed). Add, stop and re-arm are O(log n). */
#ifndef SIPPUSH_TP_TIMER_H
#define SIPPUSH_TP_TIMER_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds on a monotonic clock whose origin does not matter. */
typedef uint64_t tp_ms;

/* The due time of a heap with nothing armed. */
#define TP_MS_NEVER UINT64_MAX

typedef struct tp_timer tp_timer;
typedef void (*tp_timer_fn)(tp_timer *t, void *ctx);

struct tp_timer {
    tp_ms due;
    uint64_t seq;    /* start order: ties on 'due' fire first-started first */
    size_t slot;     /* index in the heap + 1; 0 when not armed */
    tp_timer_fn fn;
    void *ctx;
};

typedef struct tp_timers {
    tp_timer **heap;
    size_t count, cap;
    uint64_t seq;    /* next start order number */
    tp_ms now;       /* the clock as of the last advance */
} tp_timers;

/* An empty heap whose clock reads 'now'. */
SP_API void tp_timers_init(tp_timers *h, tp_ms now);
/* Frees the heap array. Armed timers are forgotten, not called. */
SP_API void tp_timers_free(tp_timers *h);

/* Prepares a timer (not armed). Must be called once before first use. */
SP_API void tp_timer_init(tp_timer *t, tp_timer_fn fn, void *ctx);
/* Arms t to fire 'delay_ms' after the heap's clock, re-arming it if it is
 * already armed. A delay of 0 counts as 1: a timer never fires in the same
 * advance that started it, so a callback re-arming itself cannot spin.
 * Returns 0, or -ENOMEM when the heap could not grow (t is left unarmed). */
SP_API int tp_timer_start(tp_timers *h, tp_timer *t, tp_ms delay_ms);
/* Disarms t; harmless when t is not armed. */
SP_API void tp_timer_stop(tp_timers *h, tp_timer *t);
static inline bool tp_timer_armed(const tp_timer *t) { return t->slot != 0; }

/* The clock as of the last advance. */
static inline tp_ms tp_timers_now(const tp_timers *h) { return h->now; }
/* Due time of the earliest armed timer, or TP_MS_NEVER. */
SP_API tp_ms tp_timers_next(const tp_timers *h);
static inline size_t tp_timers_count(const tp_timers *h) { return h->count; }

/* Sets the clock to 'now' (it never goes back) and fires, earliest first,
 * every timer due by then that was armed before this call. Timers armed by
 * the callbacks wait for the next advance. Returns how many fired. */
SP_API size_t tp_timers_advance(tp_timers *h, tp_ms now);
/* For fake clocks: moves the clock forward to 'until' in steps, stopping at
 * each due time, so every callback sees the clock read its own due time and
 * timers re-armed on the way fire in order too. Returns how many fired. */
SP_API size_t tp_timers_run_until(tp_timers *h, tp_ms until);

#endif
