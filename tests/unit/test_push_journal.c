/* test_push_journal.c - the journal's records: round trips, a torn tail at
 * every byte, a flipped bit at every byte, limits, and replay (what is live
 * after accepted and ended pushes, a compacted journal replaying the same). */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_journal.h"
#include "sp_crc32c.h"

static push_jrec sample_push(uint64_t id, const char *body)
{
    push_jrec r = {.kind = PUSH_JREC_PUSH, .id = id};
    r.push.ask = PUSH_ASK_MESSAGE;
    r.push.to = SP_LIT("sip:bob@example.com");
    r.push.app = SP_LIT("mms.ua");
    r.push.content_type = SP_LIT("text/plain");
    r.push.body = sp_str_cstr(body);
    r.push.headers = SP_LIT("Content-Language: en\r\n");
    r.push.call_id = SP_LIT("a84b4c76e66710");
    r.push.from_tag = SP_LIT("1928301774");
    r.push.cseq = 7;
    r.push.confirm = true;
    return r;
}

static push_jrec sample_end(uint64_t id, unsigned status)
{
    push_jrec r = {.kind = PUSH_JREC_END, .id = id, .status = status, .delivered = status < 300};
    return r;
}

static size_t put(char *buf, size_t at, const push_jrec *r)
{
    long n = push_journal_encode(r, buf + at, 4096 - at);
    ck_assert_int_eq(n, (long)push_journal_size(r));
    return at + (size_t)n;
}

static void eq_str(sp_str a, sp_str b)
{
    ck_assert_uint_eq(a.n, b.n);
    if (a.n)
        ck_assert(!memcmp(a.p, b.p, a.n));
}

START_TEST(round_trip)
{
    char buf[4096];
    push_jrec a = sample_push(42, "hello"), e = sample_end(42, 200), back;
    size_t n = put(buf, 0, &a), m = put(buf, n, &e);
    sp_error err;
    const char *g = guard_copy(buf, m);
    ck_assert_int_eq(push_journal_decode(g, m, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err), (long)n);
    ck_assert_int_eq(back.kind, PUSH_JREC_PUSH);
    ck_assert_uint_eq(back.id, 42);
    ck_assert_int_eq(back.push.ask, PUSH_ASK_MESSAGE);
    ck_assert(back.push.confirm && !back.push.indirect);
    ck_assert_uint_eq(back.push.cseq, 7);
    eq_str(back.push.to, a.push.to);
    eq_str(back.push.app, a.push.app);
    eq_str(back.push.body, a.push.body);
    eq_str(back.push.headers, a.push.headers);
    eq_str(back.push.call_id, a.push.call_id);
    eq_str(back.push.from_tag, a.push.from_tag);
    ck_assert(!sp_str_present(back.push.target) && !sp_str_present(back.push.transfer_id));
    ck_assert_int_eq(push_journal_decode(g + n, m - n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err), (long)(m - n));
    ck_assert_int_eq(back.kind, PUSH_JREC_END);
    ck_assert_uint_eq(back.id, 42);
    ck_assert_uint_eq(back.status, 200);
    ck_assert(back.delivered);
}
END_TEST

START_TEST(encode_room)
{
    char buf[4096];
    push_jrec a = sample_push(1, "x");
    size_t need = push_journal_size(&a);
    ck_assert_int_eq(push_journal_encode(&a, buf, need - 1), SP_ENOSPC);
    ck_assert_int_eq(push_journal_encode(&a, buf, need), (long)need);
}
END_TEST

/* A power cut leaves any prefix of the last record: never read as one. */
START_TEST(torn_at_every_byte)
{
    char buf[4096];
    push_jrec a = sample_push(3, "a body that travels"), back;
    size_t n = put(buf, 0, &a);
    for (size_t cut = 0; cut < n; cut++) {
        sp_error err;
        ck_assert_int_eq(push_journal_decode(guard_copy(buf, cut), cut, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err),
                         SP_AGAIN);
    }
}
END_TEST

/* Any one byte changed, at any position, is seen (CRC-32C catches every
 * burst of 32 bits or fewer). */
START_TEST(corrupt_at_every_byte)
{
    char buf[4096];
    push_jrec a = sample_push(9, "the body"), back;
    size_t n = put(buf, 0, &a);
    for (size_t at = 0; at < n; at++)
        for (unsigned flip = 1; flip < 256; flip <<= 1) {
            char copy[4096];
            memcpy(copy, buf, n);
            copy[at] ^= (char)flip;
            sp_error err;
            long rc = push_journal_decode(guard_copy(copy, n), n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err);
            /* a changed length reads as a record not all there, or over the limit */
            ck_assert_msg(rc == SP_EINVAL || (at < 4 && rc == SP_AGAIN), "byte %zu flip %u: %ld", at, flip, rc);
        }
}
END_TEST

START_TEST(length_limit)
{
    char buf[4096];
    push_jrec a = sample_push(5, "12345"), back;
    size_t n = put(buf, 0, &a);
    size_t payload = n - PUSH_JOURNAL_HEAD;
    sp_error err;
    ck_assert_int_eq(push_journal_decode(buf, n, payload, &back, &err), (long)n);
    ck_assert_int_eq(push_journal_decode(buf, n, payload - 1, &back, &err), SP_EINVAL);
}
END_TEST

/* A record with a good checksum but fields that lie is refused too. */
static long reseal_decode(char *buf, size_t n, push_jrec *back)
{
    uint32_t crc = sp_crc32c(sp_crc32c(0, buf, 4), buf + PUSH_JOURNAL_HEAD, n - PUSH_JOURNAL_HEAD);
    for (int i = 0; i < 4; i++)
        buf[4 + i] = (char)(crc >> (8 * i));
    sp_error err;
    return push_journal_decode(guard_copy(buf, n), n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, back, &err);
}

START_TEST(sealed_lies)
{
    char buf[4096];
    push_jrec a = sample_push(5, "body"), e = sample_end(5, 200), back;
    size_t n = put(buf, 0, &a);
    buf[PUSH_JOURNAL_HEAD] = 7; /* kind */
    ck_assert_int_eq(reseal_decode(buf, n, &back), SP_EINVAL);
    n = put(buf, 0, &a);
    buf[PUSH_JOURNAL_HEAD + 9] = 9; /* ask */
    ck_assert_int_eq(reseal_decode(buf, n, &back), SP_EINVAL);
    n = put(buf, 0, &a);
    buf[PUSH_JOURNAL_HEAD + 15] = 0x7f; /* the first string's length runs past the record */
    ck_assert_int_eq(reseal_decode(buf, n, &back), SP_EINVAL);
    n = put(buf, 0, &e);
    buf[n - 1] = 2; /* delivered is 0 or 1 */
    ck_assert_int_eq(reseal_decode(buf, n, &back), SP_EINVAL);
    e.id = 0; /* ids start at 1 */
    n = put(buf, 0, &e);
    ck_assert_int_eq(reseal_decode(buf, n, &back), SP_EINVAL);
}
END_TEST

typedef struct seen {
    uint64_t ids[16];
    size_t n;
} seen;

static void on_live(void *ctx, const push_jrec *r)
{
    seen *s = ctx;
    ck_assert_uint_lt(s->n, 16);
    s->ids[s->n++] = r->id;
}

/* Three accepted, one delivered, one failed: one left, in order. */
static size_t three_pushes(char *buf)
{
    push_jrec r1 = sample_push(1, "one"), r2 = sample_push(2, "two"), r3 = sample_push(3, "three");
    push_jrec e2 = sample_end(2, 200), e1 = sample_end(1, 480);
    size_t at = put(buf, 0, &r1);
    at = put(buf, at, &r2);
    at = put(buf, at, &e2);
    at = put(buf, at, &r3);
    return put(buf, at, &e1);
}

START_TEST(replay_live)
{
    char buf[4096];
    size_t n = three_pushes(buf);
    seen s = {0};
    push_journal_replay_stats st;
    ck_assert_int_eq(push_journal_replay(guard_copy(buf, n), n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, on_live, &s, &st), 0);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 3);
    ck_assert_uint_eq(st.valid, n);
    ck_assert_uint_eq(st.records, 5);
    ck_assert_uint_eq(st.accepted, 3);
    ck_assert_uint_eq(st.ended, 2);
    ck_assert_uint_eq(st.live, 1);
    ck_assert_uint_eq(st.next_id, 4);
    ck_assert_int_eq(st.stop, 0);
}
END_TEST

/* Cut anywhere: the records before the cut count, the torn one does not,
 * and what is live follows (an END torn off leaves its push live). */
START_TEST(replay_torn_everywhere)
{
    char buf[4096];
    size_t n = three_pushes(buf);
    size_t bounds[6], nb = 0, at = 0;
    bounds[nb++] = 0;
    while (at < n) {
        push_jrec r;
        sp_error err;
        at += (size_t)push_journal_decode(buf + at, n - at, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &r, &err);
        bounds[nb++] = at;
    }
    static const uint64_t live_after[6] = {0, 1, 2, 1, 2, 1};
    for (size_t cut = 0; cut <= n; cut++) {
        size_t whole = 0;
        while (whole + 1 < nb && bounds[whole + 1] <= cut)
            whole++;
        seen s = {0};
        push_journal_replay_stats st;
        ck_assert_int_eq(push_journal_replay(guard_copy(buf, cut), cut, PUSH_JOURNAL_MAX_RECORD_DEFAULT, on_live, &s, &st), 0);
        ck_assert_uint_eq(st.valid, bounds[whole]);
        ck_assert_uint_eq(st.records, whole);
        ck_assert_uint_eq(st.live, live_after[whole]);
        ck_assert_int_eq(st.stop, cut == bounds[whole] ? 0 : SP_AGAIN);
    }
}
END_TEST

/* A bad byte in the middle: replay keeps the records before it only. */
START_TEST(replay_stops_at_corruption)
{
    char buf[4096];
    size_t n = three_pushes(buf);
    push_jrec r1 = sample_push(1, "one");
    size_t first = push_journal_size(&r1);
    buf[first + 20] ^= 0x40;
    seen s = {0};
    push_journal_replay_stats st;
    ck_assert_int_eq(push_journal_replay(buf, n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, on_live, &s, &st), 0);
    ck_assert_int_eq(st.stop, SP_EINVAL);
    ck_assert_uint_eq(st.valid, first);
    ck_assert_uint_eq(s.n, 1);
    ck_assert_uint_eq(s.ids[0], 1);
}
END_TEST

/* Compaction writes the live pushes again: the result replays to the same
 * live set, and the next id still passes every id ever given (ENDs of
 * the dropped pushes are gone, so the host carries next_id: see
 * tools/psa_journal.c). */
typedef struct compact {
    char out[4096];
    size_t n;
} compact;

static void copy_live(void *ctx, const push_jrec *r)
{
    compact *c = ctx;
    c->n += (size_t)push_journal_encode(r, c->out + c->n, sizeof c->out - c->n);
}

START_TEST(compaction_replays_the_same)
{
    char buf[4096];
    size_t n = three_pushes(buf);
    compact c = {.n = 0};
    push_journal_replay_stats st, st2;
    ck_assert_int_eq(push_journal_replay(buf, n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, copy_live, &c, &st), 0);
    ck_assert_uint_lt(c.n, n);
    seen s = {0};
    ck_assert_int_eq(push_journal_replay(c.out, c.n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, on_live, &s, &st2), 0);
    ck_assert_uint_eq(st2.live, 1);
    ck_assert_uint_eq(s.ids[0], 3);
    ck_assert_uint_eq(st2.records, 1);
    ck_assert_int_eq(st2.stop, 0);
}
END_TEST

START_TEST(replay_empty)
{
    seen s = {0};
    push_journal_replay_stats st;
    ck_assert_int_eq(push_journal_replay("", 0, PUSH_JOURNAL_MAX_RECORD_DEFAULT, on_live, &s, &st), 0);
    ck_assert_uint_eq(st.records, 0);
    ck_assert_uint_eq(st.next_id, 1);
    ck_assert_int_eq(st.stop, 0);
}
END_TEST

static push_jrec sample_bind(const char *aor, const char *contact, uint64_t until)
{
    push_jrec r = {.kind = PUSH_JREC_BIND};
    r.bind.aor = sp_str_cstr(aor);
    r.bind.contact = sp_str_cstr(contact);
    r.bind.params = SP_LIT(";+sip.instance=\"<urn:uuid:1>\";expires=600");
    r.bind.gruu = true;
    r.bind.until_ms = until;
    r.id = push_journal_binding_id(r.bind.aor, r.bind.contact);
    return r;
}

START_TEST(binding_round_trip)
{
    char buf[4096];
    push_jrec b = sample_bind("sip:bob@example.com", "sip:bob@10.0.0.1:5060", 1700000000123ull), back;
    push_jrec u = {.kind = PUSH_JREC_UNBIND, .id = b.id, .bind = {.aor = b.bind.aor, .contact = b.bind.contact}};
    size_t n = put(buf, 0, &b), m = put(buf, n, &u);
    sp_error err;
    ck_assert_int_eq(push_journal_decode(guard_copy(buf, n), n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err), (long)n);
    ck_assert_int_eq(back.kind, PUSH_JREC_BIND);
    ck_assert(back.bind.gruu && !back.bind.third_party);
    ck_assert_uint_eq(back.bind.until_ms, 1700000000123ull);
    eq_str(back.bind.aor, b.bind.aor);
    eq_str(back.bind.contact, b.bind.contact);
    eq_str(back.bind.params, b.bind.params);
    ck_assert_int_eq(push_journal_decode(guard_copy(buf + n, m - n), m - n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err),
                     (long)(m - n));
    ck_assert_int_eq(back.kind, PUSH_JREC_UNBIND);
    eq_str(back.bind.contact, b.bind.contact);
    ck_assert(b.id & PUSH_JOURNAL_BINDING_BIT);
    ck_assert(push_journal_binding_id(SP_LIT("sip:a@x"), SP_LIT("sip:b@y")) !=
              push_journal_binding_id(SP_LIT("sip:a@xsip:b"), SP_LIT("@y")));
    /* under another id, or a push under a binding's id: refused */
    b.id ^= 1;
    n = put(buf, 0, &b);
    ck_assert_int_eq(push_journal_decode(buf, n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err), SP_EINVAL);
    push_jrec p = sample_push(PUSH_JOURNAL_BINDING_BIT | 5, "x");
    n = put(buf, 0, &p);
    ck_assert_int_eq(push_journal_decode(buf, n, PUSH_JOURNAL_MAX_RECORD_DEFAULT, &back, &err), SP_EINVAL);
}
END_TEST

typedef struct kinds {
    uint64_t contact_n[8];
    size_t n;
    size_t pushes;
} kinds;

static void on_live_kind(void *ctx, const push_jrec *r)
{
    kinds *k = ctx;
    if (r->kind == PUSH_JREC_PUSH) {
        k->pushes++;
        return;
    }
    ck_assert_int_eq(r->kind, PUSH_JREC_BIND);
    ck_assert_uint_lt(k->n, 8);
    k->contact_n[k->n++] = r->bind.until_ms;
}

/* The last record of a binding says what is live: a refresh replaces, an
 * UNBIND removes, a BIND after the UNBIND makes it again. */
START_TEST(replay_bindings)
{
    char buf[4096];
    push_jrec a1 = sample_bind("sip:bob@x", "sip:bob@10.0.0.1", 100), b1 = sample_bind("sip:bob@x", "sip:bob@10.0.0.2", 200);
    push_jrec a2 = sample_bind("sip:bob@x", "sip:bob@10.0.0.1", 300), c1 = sample_bind("sip:carol@x", "sip:c@10.0.0.3", 400);
    push_jrec ub = {.kind = PUSH_JREC_UNBIND, .id = b1.id, .bind = {.aor = b1.bind.aor, .contact = b1.bind.contact}};
    push_jrec uc = {.kind = PUSH_JREC_UNBIND, .id = c1.id, .bind = {.aor = c1.bind.aor, .contact = c1.bind.contact}};
    push_jrec c2 = sample_bind("sip:carol@x", "sip:c@10.0.0.3", 500), p1 = sample_push(1, "one");
    size_t at = put(buf, 0, &a1);
    at = put(buf, at, &b1);
    at = put(buf, at, &p1);
    at = put(buf, at, &a2);
    at = put(buf, at, &c1);
    at = put(buf, at, &ub);
    at = put(buf, at, &uc);
    at = put(buf, at, &c2);
    kinds k = {.n = 0};
    push_journal_replay_stats st;
    ck_assert_int_eq(push_journal_replay(guard_copy(buf, at), at, PUSH_JOURNAL_MAX_RECORD_DEFAULT, on_live_kind, &k, &st), 0);
    ck_assert_uint_eq(st.bindings, 2);
    ck_assert_uint_eq(k.n, 2);
    ck_assert_uint_eq(k.contact_n[0], 300); /* the refresh, not the first */
    ck_assert_uint_eq(k.contact_n[1], 500); /* made again after its removal */
    ck_assert_uint_eq(k.pushes, 1);
    ck_assert_uint_eq(st.next_id, 2); /* bindings' ids are not push numbers */
}
END_TEST

static Suite *push_journal_suite(void)
{
    Suite *s = suite_create("push_journal");
    TCase *t = tcase_create("records");
    tcase_add_test(t, round_trip);
    tcase_add_test(t, encode_room);
    tcase_add_test(t, torn_at_every_byte);
    tcase_add_test(t, corrupt_at_every_byte);
    tcase_add_test(t, length_limit);
    tcase_add_test(t, sealed_lies);
    tcase_add_test(t, binding_round_trip);
    suite_add_tcase(s, t);
    TCase *r = tcase_create("replay");
    tcase_add_test(r, replay_live);
    tcase_add_test(r, replay_torn_everywhere);
    tcase_add_test(r, replay_stops_at_corruption);
    tcase_add_test(r, compaction_replays_the_same);
    tcase_add_test(r, replay_empty);
    tcase_add_test(r, replay_bindings);
    suite_add_tcase(s, r);
    return s;
}

CHECK_MAIN(push_journal_suite)
