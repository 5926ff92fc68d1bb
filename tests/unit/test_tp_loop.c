/* test_tp_loop.c - the event loop: deferred calls, the before-sleep hook,
 * descriptor dispatch (and removal during it, and many descriptors added
 * and removed out of order), timers on the real clock, SIGTERM/SIGINT as
 * events for a clean shutdown. The suite runs on each backend (epoll,
 * poll) and with the signal self-pipe (make test-poll, test-portable). */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "loop_run.h"
#include "tp_loop.h"

typedef struct log {
    int calls[16];
    int n;
} log_t;

typedef struct step {
    tp_defer d;
    log_t *log;
    int id;
    tp_loop *loop;
    struct step *also; /* queued from this call, if set */
    struct step *cancel;
} step;

static void on_step(void *ctx)
{
    step *s = ctx;
    s->log->calls[s->log->n++] = s->id;
    if (s->also)
        tp_loop_defer(s->loop, &s->also->d);
    if (s->cancel)
        tp_defer_cancel(&s->cancel->d);
}

/* A sentinel timer far beyond any poll: it fires within an iteration only
 * when that iteration waited for it, so "the loop did not sleep" is asserted
 * without reading the clock (a bound that would not scale under valgrind). */
#define SENTINEL_MS 60000

static void on_sentinel(tp_timer *t, void *ctx)
{
    (void)t;
    *(bool *)ctx = true;
}

START_TEST(deferred_calls_run_in_order_after_dispatch)
{
    tp_loop *loop = tp_loop_new();
    ck_assert_ptr_nonnull(loop);
    log_t lg = {0};
    step s[5];
    for (int i = 0; i < 5; i++) {
        s[i] = (step){.log = &lg, .id = i, .loop = loop};
        tp_defer_init(&s[i].d, on_step, &s[i]);
    }
    s[0].also = &s[3];  /* queued during the drain: next iteration */
    s[1].cancel = &s[2]; /* cancelled before its turn */
    tp_loop_defer(loop, &s[0].d);
    tp_loop_defer(loop, &s[1].d);
    tp_loop_defer(loop, &s[2].d);
    tp_loop_defer(loop, &s[1].d); /* already queued: no second call */
    tp_loop_defer(loop, &s[4].d);
    tp_defer_cancel(&s[4].d);
    ck_assert(tp_defer_queued(&s[0].d));
    ck_assert(!tp_defer_queued(&s[4].d));

    /* The call queued during the drain keeps the loop from sleeping. */
    bool slept = false;
    tp_timer sentinel;
    tp_timer_init(&sentinel, on_sentinel, &slept);
    tp_loop_update_time(loop);
    ck_assert_int_eq(tp_timer_start(tp_loop_timers(loop), &sentinel, SENTINEL_MS), 0);
    ck_assert_int_eq(tp_loop_run_once(loop, -1), 0);
    ck_assert(!slept);
    ck_assert_int_eq(lg.n, 2);
    ck_assert_int_eq(lg.calls[0], 0);
    ck_assert_int_eq(lg.calls[1], 1);
    ck_assert_int_eq(tp_loop_run_once(loop, 0), 0);
    ck_assert_int_eq(lg.n, 3);
    ck_assert_int_eq(lg.calls[2], 3);
    ck_assert(!slept);
    tp_timer_stop(tp_loop_timers(loop), &sentinel);
    /* A queued node left at free is unlinked, not dangling. */
    tp_loop_defer(loop, &s[4].d);
    tp_loop_free(loop);
    ck_assert(!tp_defer_queued(&s[4].d));
}
END_TEST

typedef struct sleeper {
    int before;
    tp_defer d;
    tp_loop *loop;
    bool deferred_ran;
} sleeper;

static void on_late(void *ctx) { ((sleeper *)ctx)->deferred_ran = true; }

static void on_before_sleep(tp_loop *loop, void *ctx)
{
    sleeper *s = ctx;
    (void)loop;
    if (s->before++ == 0)
        tp_loop_defer(s->loop, &s->d);
}

START_TEST(before_sleep_runs_every_iteration)
{
    tp_loop *loop = tp_loop_new();
    sleeper s = {.loop = loop};
    tp_defer_init(&s.d, on_late, &s);
    tp_loop_set_before_sleep(loop, on_before_sleep, &s);
    bool slept = false;
    tp_timer sentinel;
    tp_timer_init(&sentinel, on_sentinel, &slept);
    tp_loop_update_time(loop);
    ck_assert_int_eq(tp_timer_start(tp_loop_timers(loop), &sentinel, SENTINEL_MS), 0);
    /* The call queued by the hook makes the first wait a poll. */
    tp_loop_run_once(loop, -1);
    ck_assert(!slept);
    ck_assert_int_eq(s.before, 1);
    tp_loop_run_once(loop, 0);
    ck_assert(s.deferred_ran);
    ck_assert_int_eq(s.before, 2);
    tp_loop_set_before_sleep(loop, NULL, NULL);
    tp_loop_run_once(loop, 0);
    ck_assert_int_eq(s.before, 2);
    ck_assert(!slept);
    tp_timer_stop(tp_loop_timers(loop), &sentinel);
    tp_loop_free(loop);
}
END_TEST

typedef struct pipes {
    int a[2], b[2];
    int a_events, b_events;
    bool drop_b; /* a's callback removes b */
    tp_loop *loop;
} pipes;

static void on_a(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    pipes *p = ctx;
    char c;
    ck_assert(events & TP_EV_READ);
    ck_assert_int_eq(read(fd, &c, 1), 1);
    p->a_events++;
    if (p->drop_b)
        tp_loop_fd_del(loop, p->b[0]);
}

static void on_b(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    pipes *p = ctx;
    char c;
    (void)loop, (void)events;
    ck_assert_int_eq(read(fd, &c, 1), 1);
    p->b_events++;
}

START_TEST(fd_removed_during_dispatch_gets_no_event)
{
    tp_loop *loop = tp_loop_new();
    pipes p = {.loop = loop};
    ck_assert_int_eq(pipe(p.a), 0);
    ck_assert_int_eq(pipe(p.b), 0);
    ck_assert_int_eq(tp_loop_fd_add(loop, p.a[0], TP_EV_READ, on_a, &p), 0);
    ck_assert_int_eq(tp_loop_fd_add(loop, p.b[0], TP_EV_READ, on_b, &p), 0);
    ck_assert_int_eq(tp_loop_fd_add(loop, p.b[0], TP_EV_READ, on_b, &p), -EEXIST);
    ck_assert_int_eq(write(p.a[1], "x", 1), 1);
    ck_assert_int_eq(write(p.b[1], "y", 1), 1);
    tp_loop_run_once(loop, 1000);
    ck_assert_int_eq(p.a_events, 1);
    ck_assert_int_eq(p.b_events, 1);

    /* Both ready again; whichever is dispatched first, b's event must not
     * arrive after a's callback removed it. Mute b if it goes first. */
    p.drop_b = true;
    ck_assert_int_eq(write(p.a[1], "x", 1), 1);
    ck_assert_int_eq(write(p.b[1], "y", 1), 1);
    tp_loop_run_once(loop, 1000);
    ck_assert_int_eq(p.a_events, 2);
    ck_assert_int_le(p.b_events, 2);
    int after = p.b_events;
    tp_loop_run_once(loop, 50);
    ck_assert_int_eq(p.b_events, after);

    /* Watching for nothing: no event even though readable. */
    ck_assert_int_eq(tp_loop_fd_set(loop, p.a[0], 0), 0);
    ck_assert_int_eq(write(p.a[1], "x", 1), 1);
    tp_loop_run_once(loop, 30);
    ck_assert_int_eq(p.a_events, 2);
    ck_assert_int_eq(tp_loop_fd_set(loop, p.b[0], TP_EV_READ), -EBADF);
    tp_loop_fd_del(loop, p.a[0]);
    for (int i = 0; i < 2; i++) {
        close(p.a[i]);
        close(p.b[i]);
    }
    tp_loop_free(loop);
}
END_TEST

#define MANY 150 /* more than one epoll_wait reports, more than the tables start with */

typedef struct many {
    int fds[MANY][2];
    int events[MANY];
} many;

static void on_many(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)loop;
    ck_assert(events & TP_EV_READ);
    int *count = ctx;
    char c;
    ck_assert_int_eq(read(fd, &c, 1), 1);
    (*count)++;
}

/* Runs the loop until 'want' events arrived (a wait reports a bounded
 * number), then once more to see that nothing else comes. */
static void drain(tp_loop *loop, const many *m, int want)
{
    int got = 0;
    for (int round = 0; round < 20 && got < want; round++) {
        tp_loop_run_once(loop, 1000);
        got = 0;
        for (int i = 0; i < MANY; i++)
            got += m->events[i];
    }
    ck_assert_int_eq(got, want);
    tp_loop_run_once(loop, 20);
    got = 0;
    for (int i = 0; i < MANY; i++)
        got += m->events[i];
    ck_assert_int_eq(got, want);
}

static void write_all(const many *m)
{
    for (int i = 0; i < MANY; i++)
        ck_assert_int_eq(write(m->fds[i][1], "x", 1), 1);
}

START_TEST(many_descriptors_added_and_removed_out_of_order)
{
    tp_loop *loop = tp_loop_new();
    static many m;
    memset(&m, 0, sizeof m);
    for (int i = 0; i < MANY; i++) {
        ck_assert_int_eq(pipe(m.fds[i]), 0);
        ck_assert_int_eq(tp_loop_fd_add(loop, m.fds[i][0], TP_EV_READ, on_many, &m.events[i]), 0);
    }
    write_all(&m);
    drain(loop, &m, MANY);
    for (int i = 0; i < MANY; i++)
        ck_assert_int_eq(m.events[i], 1);

    /* Every third one removed, from the middle first: the others keep
     * their events, the removed ones get none though readable. */
    int removed = 0;
    for (int i = MANY / 2; i < MANY + MANY / 2; i++)
        if ((i % MANY) % 3 == 0) {
            tp_loop_fd_del(loop, m.fds[i % MANY][0]);
            removed++;
        }
    write_all(&m);
    drain(loop, &m, 2 * MANY - removed);
    for (int i = 0; i < MANY; i++)
        ck_assert_int_eq(m.events[i], i % 3 == 0 ? 1 : 2);

    /* Back again: the byte left in each fires once. */
    for (int i = 0; i < MANY; i += 3)
        ck_assert_int_eq(tp_loop_fd_add(loop, m.fds[i][0], TP_EV_READ, on_many, &m.events[i]), 0);
    drain(loop, &m, 2 * MANY);
    for (int i = 0; i < MANY; i++) {
        ck_assert_int_eq(m.events[i], 2);
        tp_loop_fd_del(loop, m.fds[i][0]);
        close(m.fds[i][0]);
        close(m.fds[i][1]);
    }
    tp_loop_free(loop);
}
END_TEST

typedef struct clocked {
    tp_loop *loop;
    tp_timer t;
    tp_ms fired_at;
    bool done;
} clocked;

static void on_clocked(tp_timer *t, void *ctx)
{
    clocked *c = ctx;
    (void)t;
    c->fired_at = tp_loop_now(c->loop);
    c->done = true;
    tp_loop_stop(c->loop);
}

START_TEST(loop_timer_fires_on_the_real_clock)
{
    tp_loop *loop = tp_loop_new();
    clocked c = {.loop = loop};
    tp_timer_init(&c.t, on_clocked, &c);
    /* Timers count from the loop's time, which the loop refreshes once per
     * iteration: arming from outside a run refreshes it first. */
    tp_loop_update_time(loop);
    tp_ms t0 = tp_loop_now(loop);
    ck_assert_uint_ge(tp_clock_ms(), t0);
    ck_assert_int_eq(tp_timer_start(tp_loop_timers(loop), &c.t, 30), 0);
    /* Bounded by a watchdog timer in case the first never fires. */
    clocked dog = {.loop = loop};
    tp_timer_init(&dog.t, on_clocked, &dog);
    tp_timer_start(tp_loop_timers(loop), &dog.t, 3000);
    ck_assert_int_eq(tp_loop_run(loop), 0);
    ck_assert(c.done);
    ck_assert(!dog.done);
    ck_assert_uint_ge(c.fired_at - t0, 30); /* no upper bound: the watchdog's order says "on time" */
    tp_timer_stop(tp_loop_timers(loop), &dog.t);
    tp_loop_free(loop);
}
END_TEST

typedef struct shutdown_ctx {
    int signo;
    int count;
} shutdown_ctx;

static void on_signal(tp_loop *loop, int signo, void *ctx)
{
    shutdown_ctx *s = ctx;
    s->signo = signo;
    s->count++;
    tp_loop_stop(loop);
}

static void on_watchdog(tp_timer *t, void *ctx)
{
    (void)t;
    tp_loop_stop(ctx);
}

static void shutdown_on(int signo)
{
    struct sigaction before;
    ck_assert_int_eq(sigaction(signo, NULL, &before), 0);
    tp_loop *loop = tp_loop_new();
    shutdown_ctx s = {0};
    ck_assert_int_eq(tp_loop_signal(loop, SIGTERM, on_signal, &s), 0);
    ck_assert_int_eq(tp_loop_signal(loop, SIGINT, on_signal, &s), 0);
    ck_assert_int_eq(tp_loop_signal(loop, SIGKILL, on_signal, &s), -EINVAL);
    tp_timer dog;
    tp_timer_init(&dog, on_watchdog, loop);
    tp_timer_start(tp_loop_timers(loop), &dog, 3000);
    ck_assert_int_eq(raise(signo), 0); /* blocked: queued for the signalfd */
    ck_assert_int_eq(tp_loop_run(loop), 0);
    ck_assert_int_eq(s.count, 1);
    ck_assert_int_eq(s.signo, signo);
    tp_timer_stop(tp_loop_timers(loop), &dog);
    tp_loop_free(loop);
    /* The mask is restored: the signals are deliverable again. */
    sigset_t now;
    pthread_sigmask(SIG_BLOCK, NULL, &now);
    ck_assert(!sigismember(&now, SIGTERM));
    ck_assert(!sigismember(&now, SIGINT));
    /* and their disposition is the one found (a self-pipe's handler is gone) */
    struct sigaction after;
    ck_assert_int_eq(sigaction(signo, NULL, &after), 0);
    ck_assert(after.sa_handler == before.sa_handler);
}

START_TEST(sigterm_stops_the_loop) { shutdown_on(SIGTERM); }
END_TEST

START_TEST(sigint_stops_the_loop) { shutdown_on(SIGINT); }
END_TEST

static Suite *tp_loop_suite(void)
{
    Suite *s = suite_create("tp_loop");
    TCase *tc = tcase_create("loop");
    tcase_add_test(tc, deferred_calls_run_in_order_after_dispatch);
    tcase_add_test(tc, before_sleep_runs_every_iteration);
    tcase_add_test(tc, fd_removed_during_dispatch_gets_no_event);
    tcase_add_test(tc, many_descriptors_added_and_removed_out_of_order);
    tcase_add_test(tc, loop_timer_fires_on_the_real_clock);
    tcase_add_test(tc, sigterm_stops_the_loop);
    tcase_add_test(tc, sigint_stops_the_loop);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(tp_loop_suite)
