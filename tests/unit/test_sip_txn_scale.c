/* test_sip_txn_scale.c - the transaction layer with many transactions at
 * once: timers of one duration share one environment timer and still fire
 * at their exact times (RFC 3261 §17 Table 4), the index stays right
 * through growth and removals in any order, and max_txns at its boundary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "sip_txn_impl.h"

/* A fake clock and at most MAX_ENV_TIMERS environment timers: far fewer
 * than the transactions the tests keep alive. */
#define MAX_ENV_TIMERS 8

typedef struct env_timer {
    bool armed;
    uint64_t handle, due, cookie;
} env_timer;

typedef struct world {
    sip_txn_layer *L;
    uint64_t now, next_handle;
    env_timer timers[MAX_ENV_TIMERS];
    size_t sent, answered, finals, timeouts;
    sip_txn_id *ids; /* server transactions in arrival order */
    size_t nids, cap;
} world;

static world W;

static uint64_t w_now(void *ctx) { return (void)ctx, W.now; }

static int w_send(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    (void)ctx, (void)dest, (void)buf, (void)len;
    W.sent++;
    return 0;
}

static uint64_t w_timer_start(void *ctx, uint64_t delay, uint64_t cookie)
{
    (void)ctx;
    for (size_t i = 0; i < MAX_ENV_TIMERS; i++) {
        if (!W.timers[i].armed) {
            W.timers[i] = (env_timer){true, ++W.next_handle, W.now + delay, cookie};
            return W.timers[i].handle;
        }
    }
    ck_abort_msg("more environment timers than queues");
    return 0;
}

static void w_timer_cancel(void *ctx, uint64_t handle)
{
    (void)ctx;
    for (size_t i = 0; i < MAX_ENV_TIMERS; i++)
        if (W.timers[i].armed && W.timers[i].handle == handle)
            W.timers[i].armed = false;
}

static size_t env_timers_armed(void)
{
    size_t n = 0;
    for (size_t i = 0; i < MAX_ENV_TIMERS; i++)
        n += W.timers[i].armed;
    return n;
}

/* Fires every environment timer due by 'until', earliest first. */
static void w_advance_to(uint64_t until)
{
    for (;;) {
        env_timer *e = NULL;
        for (size_t i = 0; i < MAX_ENV_TIMERS; i++)
            if (W.timers[i].armed && W.timers[i].due <= until && (!e || W.timers[i].due < e->due))
                e = &W.timers[i];
        if (!e)
            break;
        W.now = e->due;
        e->armed = false;
        sip_txn_timer(W.L, e->cookie);
    }
    W.now = until;
}

static void w_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)ctx, (void)req, (void)src;
    if (W.nids == W.cap) {
        W.cap = W.cap ? 2 * W.cap : 256;
        W.ids = realloc(W.ids, W.cap * sizeof *W.ids);
    }
    W.ids[W.nids++] = st;
    static const sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("scale")};
    ck_assert_int_eq(sip_txn_respond(W.L, st, &ok), 0);
    W.answered++;
}

static void w_client_cb(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    (void)ctx, (void)ct;
    if (!r->final)
        return;
    W.finals++;
    W.timeouts += r->status == 408 && r->local;
}

static void world_new(uint32_t max_txns)
{
    free(W.ids);
    memset(&W, 0, sizeof W);
    W.now = 1000;
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.max_txns = max_txns;
    sip_txn_env env = {.now_ms = w_now, .send = w_send, .timer_start = w_timer_start, .timer_cancel = w_timer_cancel};
    sip_txn_tu tu = {.on_request = w_request};
    W.L = sip_txn_layer_new(&cfg, &env, &tu);
    ck_assert_ptr_nonnull(W.L);
}

static void world_free(void)
{
    sip_txn_layer_free(W.L);
    ck_assert_uint_eq(env_timers_armed(), 0);
    free(W.ids);
    memset(&W, 0, sizeof W);
}

static const char *request(char *buf, size_t cap, const char *method, unsigned n)
{
    snprintf(buf, cap,
             "%s sip:bob@10.0.0.2 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKscale%u\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:alice@example.com>;tag=a%u\r\n"
             "To: <sip:bob@example.com>\r\n"
             "Call-ID: scale-%u@10.0.0.1\r\n"
             "CSeq: 1 %s\r\n"
             "Content-Length: 0\r\n\r\n",
             method, n, n, n, method);
    return buf;
}

static const sip_peer CLIENT = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.1"};
static const sip_peer SERVER = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.2"};

#define SCALE_N 3000u

/* 3000 MESSAGEs 7 ms apart, each answered at once: each transaction ends
 * exactly 64*T1 after its answer (timer J), not a millisecond before, and
 * a retransmission up to then gets the answer again. */
START_TEST(timer_j_ends_each_server_transaction_on_time)
{
    world_new(SCALE_N);
    char buf[512];
    for (unsigned i = 0; i < SCALE_N; i++) {
        const char *m = request(buf, sizeof buf, "MESSAGE", i);
        sip_txn_receive(W.L, m, strlen(m), &CLIENT);
        ck_assert_uint_le(env_timers_armed(), 1);
        w_advance_to(W.now + 7);
    }
    ck_assert_uint_eq(W.nids, SCALE_N);
    ck_assert_uint_eq(sip_txn_count(W.L), SCALE_N); /* none has ended yet */
    uint64_t start = 1000, j = 64ull * SIP_T1_MS_DEFAULT;
    for (unsigned i = 0; i < SCALE_N; i += 97) {
        uint64_t answered_at = start + 7ull * i;
        w_advance_to(answered_at + j - 1);
        ck_assert_int_eq(sip_txn_state_of(W.L, W.ids[i]), SIP_TXN_COMPLETED);
        size_t sent = W.sent;
        const char *m = request(buf, sizeof buf, "MESSAGE", i);
        sip_txn_receive(W.L, m, strlen(m), &CLIENT);
        ck_assert_uint_eq(W.sent, sent + 1); /* the answer again */
        ck_assert_uint_eq(W.nids, SCALE_N);  /* not a new request */
        w_advance_to(answered_at + j);
        ck_assert_int_eq(sip_txn_state_of(W.L, W.ids[i]), SIP_TXN_TERMINATED);
        ck_assert_uint_eq(sip_txn_count(W.L), SCALE_N - 1 - i);
    }
    w_advance_to(start + 7ull * SCALE_N + j);
    ck_assert_uint_eq(sip_txn_count(W.L), 0);
    ck_assert_uint_eq(env_timers_armed(), 0);
    world_free();
}
END_TEST

/* Client MESSAGEs to a silent server, one started per millisecond: every
 * other one is answered at once, which takes its timers out from the head
 * of their queues; the others still retransmit on time (timer E) and time
 * out exactly 64*T1 after their start (timer F, §17.1.2.2). */
START_TEST(stopped_timers_leave_the_others_on_time)
{
    world_new(SCALE_N);
    char buf[512];
    enum { N = 400 };
    sip_txn_id ids[N];
    uint64_t started[N];
    for (unsigned i = 0; i < N; i++) {
        const char *m = request(buf, sizeof buf, "OPTIONS", i);
        started[i] = W.now;
        ck_assert_int_eq(sip_txn_request(W.L, m, strlen(m), &SERVER, w_client_cb, NULL, &ids[i]), 0);
        if (i % 2 == 0) {
            char resp[512];
            snprintf(resp, sizeof resp,
                     "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKscale%u\r\n"
                     "From: <sip:alice@example.com>;tag=a%u\r\nTo: <sip:bob@example.com>;tag=b\r\n"
                     "Call-ID: scale-%u@10.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
                     i, i, i);
            sip_txn_receive(W.L, resp, strlen(resp), &SERVER);
            ck_assert_int_eq(sip_txn_state_of(W.L, ids[i]), SIP_TXN_COMPLETED);
        }
        w_advance_to(W.now + 1);
    }
    ck_assert_uint_eq(W.finals, N / 2);
    ck_assert_uint_le(env_timers_armed(), 4);
    /* E: T1, 2T1, 4T1, then T2: sends at 0, 500, 1500, 3500, 7500 ms */
    size_t sent = W.sent;
    w_advance_to(started[N - 1] + 7500);
    ck_assert_uint_eq(W.sent - sent, (size_t)(N / 2) * 4);
    for (unsigned i = 1; i < N; i += 2) {
        w_advance_to(started[i] + 64ull * SIP_T1_MS_DEFAULT - 1);
        ck_assert_int_ne(sip_txn_state_of(W.L, ids[i]), SIP_TXN_TERMINATED);
        w_advance_to(started[i] + 64ull * SIP_T1_MS_DEFAULT);
        ck_assert_int_eq(sip_txn_state_of(W.L, ids[i]), SIP_TXN_TERMINATED);
    }
    ck_assert_uint_eq(W.timeouts, N / 2);
    ck_assert_uint_eq(W.finals, N);
    world_free();
}
END_TEST

/* The index alone: colliding and spread hashes, grown from empty, entries
 * removed in a scrambled order; every entry left is found under its hash. */
START_TEST(index_finds_every_entry_through_growth_and_removals)
{
    enum { N = 2000 };
    txn_index ix = {0};
    uint32_t hash[N + 1];
    bool present[N + 1] = {false};
    for (uint32_t rec = 1; rec <= N; rec++) {
        hash[rec] = rec % 3 == 0 ? 7u : rec * 2654435761u; /* a third share one hash */
        ck_assert_int_eq(txn_index_add(&ix, hash[rec], rec), 0);
        present[rec] = true;
    }
    ck_assert_uint_eq(ix.count, N);
    ck_assert_uint_le(2ull * ix.count, (uint64_t)ix.mask + 1); /* at most half full */
    for (uint32_t k = 0; k < N; k++) {
        uint32_t rec = (k * 1237u) % N + 1; /* 1237 is prime to N: each once */
        txn_index_del(&ix, hash[rec], rec);
        present[rec] = false;
        if (k % 50 != 0)
            continue;
        for (uint32_t r = 1; r <= N; r++) {
            bool found = false;
            for (uint32_t pos = txn_index_start(&ix, hash[r]), got; (got = txn_index_next(&ix, hash[r], &pos));)
                found |= got == r;
            ck_assert_int_eq(found, present[r]);
        }
    }
    ck_assert_uint_eq(ix.count, 0);
    for (uint32_t i = 0; i <= ix.mask; i++)
        ck_assert_uint_eq(ix.e[i].rec, 0);
    txn_index_free(&ix);
}
END_TEST

/* Branches compare without case (§7.3.1 tokens): they must hash alike. */
START_TEST(key_hash_folds_case_and_sees_every_byte)
{
    const char *a = "z9hG4bK776asdhds-Long-Enough", *b = "Z9HG4BK776ASDHDS-long-enough";
    ck_assert_uint_eq(txn_key_hash(sp_str_cstr(a), true), txn_key_hash(sp_str_cstr(b), true));
    ck_assert_uint_ne(txn_key_hash(sp_str_cstr(a), false), txn_key_hash(sp_str_cstr(b), false));
    /* a change in any byte, the tail of the last word included, moves the hash */
    char c[32];
    for (size_t i = 0; i < strlen(a); i++) {
        strcpy(c, a);
        c[i] = c[i] == '1' ? '2' : '1';
        ck_assert_uint_ne(txn_key_hash(sp_str_cstr(c), true), txn_key_hash(sp_str_cstr(a), true));
    }
    ck_assert_uint_ne(txn_key_hash(sp_str_make(a, 9), true), txn_key_hash(sp_str_make(a, 10), true));
    ck_assert_uint_eq(txn_key_hash(SP_STR_NULL, true), txn_key_hash(sp_str_make("", 0), true));
}
END_TEST

START_TEST(max_txns_limit_is_accepted_and_one_more_refused)
{
    sip_txn_env env = {.now_ms = w_now, .send = w_send, .timer_start = w_timer_start, .timer_cancel = w_timer_cancel};
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.max_txns = SIP_MAX_TXNS_LIMIT;
    sip_txn_layer *L = sip_txn_layer_new(&cfg, &env, NULL);
    ck_assert_ptr_nonnull(L);
    sip_txn_layer_free(L);
    cfg.max_txns = SIP_MAX_TXNS_LIMIT + 1;
    ck_assert_ptr_null(sip_txn_layer_new(&cfg, &env, NULL));
    /* the clock is needed: timers are kept by due time */
    cfg.max_txns = 16;
    env.now_ms = NULL;
    ck_assert_ptr_null(sip_txn_layer_new(&cfg, &env, NULL));
}
END_TEST

static Suite *txn_scale_suite(void)
{
    Suite *s = suite_create("sip_txn_scale");
    TCase *tc = tcase_create("scale");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, timer_j_ends_each_server_transaction_on_time);
    tcase_add_test(tc, stopped_timers_leave_the_others_on_time);
    tcase_add_test(tc, index_finds_every_entry_through_growth_and_removals);
    tcase_add_test(tc, key_hash_folds_case_and_sees_every_byte);
    tcase_add_test(tc, max_txns_limit_is_accepted_and_one_more_refused);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_scale_suite)
