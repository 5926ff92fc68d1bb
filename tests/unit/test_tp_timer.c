/* test_tp_timer.c - the timer heap on a fake clock: order, ties, cancel and
 * re-arm from callbacks, thousands of timers, no spinning on delay 0. */
#include <stdlib.h>

#include "check_main.h"
#include "tp_timer.h"

#define MANY 5000

typedef struct rec {
    tp_timers *h;
    tp_ms fired_at[MANY];
    size_t order[MANY];
    size_t nfired;
} rec;

typedef struct item {
    tp_timer t;
    rec *r;
    size_t index;
} item;

static void on_fire(tp_timer *t, void *ctx)
{
    item *it = ctx;
    ck_assert_ptr_eq(t, &it->t);
    ck_assert(!tp_timer_armed(t));
    it->r->fired_at[it->r->nfired] = tp_timers_now(it->r->h);
    it->r->order[it->r->nfired++] = it->index;
}

static item *items_new(rec *r, tp_timers *h, size_t n)
{
    item *items = calloc(n, sizeof *items);
    ck_assert_ptr_nonnull(items);
    r->h = h;
    r->nfired = 0;
    for (size_t i = 0; i < n; i++) {
        items[i].r = r;
        items[i].index = i;
        tp_timer_init(&items[i].t, on_fire, &items[i]);
    }
    return items;
}

START_TEST(thousands_fire_in_due_order)
{
    static rec r;
    tp_timers h;
    tp_timers_init(&h, 1000);
    item *items = items_new(&r, &h, MANY);
    srand(7);
    for (size_t i = 0; i < MANY; i++) {
        ck_assert(!tp_timer_armed(&items[i].t));
        ck_assert_int_eq(tp_timer_start(&h, &items[i].t, 1 + (tp_ms)(rand() % 3000)), 0);
        ck_assert(tp_timer_armed(&items[i].t)); /* and disarmed as it fires (on_fire) */
    }
    ck_assert_uint_eq(tp_timers_count(&h), MANY);
    ck_assert_uint_eq(tp_timers_run_until(&h, 1000 + 3000), MANY);
    ck_assert_uint_eq(r.nfired, MANY);
    for (size_t k = 0; k < MANY; k++) {
        item *it = &items[r.order[k]];
        ck_assert_uint_eq(r.fired_at[k], it->t.due);
        if (k) {
            item *prev = &items[r.order[k - 1]];
            /* Earlier due first; on a tie, the one started first. */
            ck_assert(prev->t.due < it->t.due || (prev->t.due == it->t.due && prev->t.seq < it->t.seq));
        }
    }
    ck_assert_uint_eq(tp_timers_count(&h), 0);
    ck_assert_uint_eq(tp_timers_next(&h), TP_MS_NEVER);
    tp_timers_free(&h);
    free(items);
}
END_TEST

START_TEST(ties_fire_in_start_order)
{
    static rec r;
    tp_timers h;
    tp_timers_init(&h, 0);
    item *items = items_new(&r, &h, 50);
    for (size_t i = 0; i < 50; i++)
        tp_timer_start(&h, &items[i].t, 10);
    ck_assert_uint_eq(tp_timers_advance(&h, 9), 0);
    ck_assert_uint_eq(tp_timers_advance(&h, 10), 50);
    for (size_t i = 0; i < 50; i++)
        ck_assert_uint_eq(r.order[i], i);
    tp_timers_free(&h);
    free(items);
}
END_TEST

START_TEST(cancelled_timers_never_fire)
{
    static rec r;
    tp_timers h;
    tp_timers_init(&h, 0);
    item *items = items_new(&r, &h, MANY);
    srand(11);
    for (size_t i = 0; i < MANY; i++)
        tp_timer_start(&h, &items[i].t, 1 + (tp_ms)(rand() % 1000));
    /* Stop every third, in an order unrelated to the heap's. */
    for (size_t i = 0; i < MANY; i += 3)
        tp_timer_stop(&h, &items[i].t);
    tp_timer_stop(&h, &items[0].t); /* twice: harmless */
    tp_timers_run_until(&h, 2000);
    ck_assert_uint_eq(r.nfired, MANY - (MANY + 2) / 3);
    for (size_t k = 0; k < r.nfired; k++) {
        ck_assert_uint_ne(r.order[k] % 3, 0);
        if (k)
            ck_assert_uint_le(r.fired_at[k - 1], r.fired_at[k]);
    }
    tp_timers_free(&h);
    free(items);
}
END_TEST

START_TEST(restart_moves_an_armed_timer)
{
    static rec r;
    tp_timers h;
    tp_timers_init(&h, 0);
    item *items = items_new(&r, &h, 3);
    tp_timer_start(&h, &items[0].t, 100);
    tp_timer_start(&h, &items[1].t, 200);
    tp_timer_start(&h, &items[2].t, 300);
    tp_timer_start(&h, &items[2].t, 50); /* re-arm earlier */
    tp_timer_start(&h, &items[0].t, 400); /* re-arm later */
    ck_assert_uint_eq(tp_timers_count(&h), 3);
    tp_timers_run_until(&h, 1000);
    ck_assert_uint_eq(r.nfired, 3);
    ck_assert_uint_eq(r.order[0], 2);
    ck_assert_uint_eq(r.order[1], 1);
    ck_assert_uint_eq(r.order[2], 0);
    ck_assert_uint_eq(r.fired_at[0], 50);
    ck_assert_uint_eq(r.fired_at[2], 400);
    tp_timers_free(&h);
    free(items);
}
END_TEST

/* A retransmission timer that doubles its interval, RFC 3261 Timer A style. */
typedef struct doubling {
    tp_timer t;
    tp_timers *h;
    tp_ms interval;
    tp_ms at[16];
    int n;
} doubling;

static void on_double(tp_timer *t, void *ctx)
{
    doubling *d = ctx;
    d->at[d->n++] = tp_timers_now(d->h);
    d->interval *= 2;
    if (d->n < 6)
        ck_assert_int_eq(tp_timer_start(d->h, t, d->interval), 0);
}

START_TEST(rearm_from_own_callback)
{
    tp_timers h;
    tp_timers_init(&h, 0);
    doubling d = {.h = &h, .interval = 500};
    tp_timer_init(&d.t, on_double, &d);
    tp_timer_start(&h, &d.t, d.interval);
    tp_timers_run_until(&h, 100000);
    ck_assert_int_eq(d.n, 6);
    const tp_ms want[6] = {500, 1500, 3500, 7500, 15500, 31500};
    for (int i = 0; i < 6; i++)
        ck_assert_uint_eq(d.at[i], want[i]);
    ck_assert(!tp_timer_armed(&d.t));
    ck_assert_uint_eq(tp_timers_now(&h), 100000);
    tp_timers_free(&h);
}
END_TEST

/* One callback stops a timer due in the same advance and re-arms another. */
typedef struct meddler {
    tp_timer self, victim, moved;
    tp_timers *h;
    int self_n, victim_n, moved_n;
} meddler;

static void on_meddler(tp_timer *t, void *ctx)
{
    meddler *m = ctx;
    (void)t;
    m->self_n++;
    tp_timer_stop(m->h, &m->victim);
    tp_timer_start(m->h, &m->moved, 100);
}
static void on_victim(tp_timer *t, void *ctx) { (void)t, ((meddler *)ctx)->victim_n++; }
static void on_moved(tp_timer *t, void *ctx) { (void)t, ((meddler *)ctx)->moved_n++; }

START_TEST(cancel_and_rearm_others_during_dispatch)
{
    tp_timers h;
    tp_timers_init(&h, 0);
    meddler m = {.h = &h};
    tp_timer_init(&m.self, on_meddler, &m);
    tp_timer_init(&m.victim, on_victim, &m);
    tp_timer_init(&m.moved, on_moved, &m);
    tp_timer_start(&h, &m.self, 10);
    tp_timer_start(&h, &m.victim, 10); /* same due, started later */
    tp_timer_start(&h, &m.moved, 20);
    ck_assert_uint_eq(tp_timers_advance(&h, 30), 1);
    ck_assert_int_eq(m.self_n, 1);
    ck_assert_int_eq(m.victim_n, 0);
    ck_assert_int_eq(m.moved_n, 0); /* pushed back to 130 before it was due */
    ck_assert_uint_eq(tp_timers_next(&h), 130);
    tp_timers_advance(&h, 130);
    ck_assert_int_eq(m.moved_n, 1);
    tp_timers_free(&h);
}
END_TEST

typedef struct spinner {
    tp_timers *h;
    int n;
} spinner;

static void on_spin(tp_timer *t, void *ctx)
{
    spinner *s = ctx;
    s->n++;
    tp_timer_start(s->h, t, 0);
}

START_TEST(zero_delay_rearm_does_not_spin)
{
    tp_timers h;
    tp_timers_init(&h, 0);
    spinner s = {.h = &h};
    tp_timer t;
    tp_timer_init(&t, on_spin, &s);
    tp_timer_start(&h, &t, 0);
    ck_assert_uint_eq(tp_timers_next(&h), 1); /* 0 counts as 1 ms */
    ck_assert_uint_eq(tp_timers_advance(&h, 5), 1);
    ck_assert_uint_eq(tp_timers_advance(&h, 5), 0); /* due at 6 now */
    ck_assert_uint_eq(tp_timers_run_until(&h, 105), 100);
    ck_assert_int_eq(s.n, 101);
    tp_timer_stop(&h, &t);
    tp_timers_free(&h);
}
END_TEST

START_TEST(clock_never_goes_back)
{
    tp_timers h;
    tp_timers_init(&h, 500);
    tp_timers_advance(&h, 100);
    ck_assert_uint_eq(tp_timers_now(&h), 500);
    static rec r;
    item it = {.r = &r};
    r.h = &h;
    tp_timer_init(&it.t, on_fire, &it);
    tp_timer_start(&h, &it.t, 10);
    ck_assert_uint_eq(it.t.due, 510);
    ck_assert(tp_timer_armed(&it.t));
    tp_timers_free(&h);
    ck_assert(!tp_timer_armed(&it.t)); /* free disarms what it forgets */
}
END_TEST

static Suite *tp_timer_suite(void)
{
    Suite *s = suite_create("tp_timer");
    TCase *tc = tcase_create("heap");
    tcase_add_test(tc, thousands_fire_in_due_order);
    tcase_add_test(tc, ties_fire_in_start_order);
    tcase_add_test(tc, cancelled_timers_never_fire);
    tcase_add_test(tc, restart_moves_an_armed_timer);
    tcase_add_test(tc, rearm_from_own_callback);
    tcase_add_test(tc, cancel_and_rearm_others_during_dispatch);
    tcase_add_test(tc, zero_delay_rearm_does_not_spin);
    tcase_add_test(tc, clock_never_goes_back);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(tp_timer_suite)
