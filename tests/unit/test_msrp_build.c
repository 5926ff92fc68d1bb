/* test_msrp_build.c - the builder: round trips through the parser, no
 * overflow at any capacity, transaction ids that do not occur in the body. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "msrp_build.h"
#include "msrp_feed.h"
#include "msrp_uri.h"

#define TO_P "msrp://192.0.2.4:20000/jshA7weztas;tcp"
#define FROM_P "msrp://198.51.100.7:7654/a3cd20b8ae7f;tcp"

/* Parses a whole frame at once; returns the END event's body. */
static int parse_frame(const char *buf, size_t len, msrp_parser *p, msrp_event *end)
{
    msrp_parser_init(p, NULL);
    size_t pos = 0;
    while (pos < len) {
        int rc = msrp_parse(p, buf + pos, len - pos, end, NULL);
        if (rc < 0)
            return rc;
        pos += (size_t)rc;
        if (end->kind == MSRP_EV_HEAD && msrp_head_check(&p->head, NULL) < 0)
            return SP_EINVAL;
        if (end->kind == MSRP_EV_END)
            return pos == len ? 0 : -10;
    }
    return SP_AGAIN;
}

START_TEST(send_round_trip)
{
    static const char body[] = "a body\r\n-------other$\r\nwith lookalikes";
    char tid[MSRP_TID_LEN];
    ck_assert_int_eq(msrp_tid_make(tid, SP_LIT(body)), 0);
    const sp_str extra[1][2] = {{SP_LIT("Content-Disposition"), SP_LIT("render")}};
    msrp_send m = {.to_path = SP_LIT(TO_P),
                   .from_path = SP_LIT(FROM_P),
                   .message_id = SP_LIT("12339sdqwer"),
                   .range = {.start = 11, .end = 10 + sizeof body - 1, .total = 100},
                   .success_report = true,
                   .failure_report = MSRP_REPORT_PARTIAL,
                   .extra = extra,
                   .nextra = 1,
                   .content_type = SP_LIT("text/vnd.wap.si")};
    char head[512], end[MSRP_END_LINE_MAX], frame[1024];
    sp_buf h, e;
    sp_buf_init(&h, head, sizeof head);
    msrp_build_send_head(&h, sp_str_make(tid, MSRP_TID_LEN), &m);
    sp_buf_init(&e, end, sizeof end);
    msrp_build_end_line(&e, sp_str_make(tid, MSRP_TID_LEN), '+', true);
    long hn = sp_buf_finish(&h), en = sp_buf_finish(&e);
    ck_assert_int_gt(hn, 0);
    ck_assert_int_eq(en, 2 + 7 + MSRP_TID_LEN + 1 + 2);
    /* what writev would put on the wire */
    memcpy(frame, head, (size_t)hn);
    memcpy(frame + hn, body, sizeof body - 1);
    memcpy(frame + hn + sizeof body - 1, end, (size_t)en);
    size_t n = (size_t)hn + sizeof body - 1 + (size_t)en;
    msrp_parser p;
    msrp_event ev;
    ck_assert_int_eq(parse_frame(guard_copy(frame, n), n, &p, &ev), 0);
    const msrp_head *ph = &p.head;
    ck_assert(sp_str_eq(msrp_head_str(ph, ph->tid), sp_str_make(tid, MSRP_TID_LEN)));
    ck_assert(sp_str_eq(msrp_head_get(ph, MSRP_H_TO_PATH), SP_LIT(TO_P)));
    ck_assert(sp_str_eq(msrp_head_get(ph, MSRP_H_FROM_PATH), SP_LIT(FROM_P)));
    ck_assert(sp_str_eq(msrp_head_get(ph, MSRP_H_MESSAGE_ID), SP_LIT("12339sdqwer")));
    ck_assert(sp_str_eq(msrp_head_get(ph, MSRP_H_CONTENT_DISPOSITION), SP_LIT("render")));
    ck_assert(sp_str_eq(msrp_head_get(ph, MSRP_H_CONTENT_TYPE), SP_LIT("text/vnd.wap.si")));
    /* Content-Type is the last header (RFC 4975 §7.1) */
    ck_assert_int_eq(ph->headers[ph->nheaders - 1].id, MSRP_H_CONTENT_TYPE);
    msrp_range r;
    ck_assert_int_eq(msrp_range_parse(msrp_head_get(ph, MSRP_H_BYTE_RANGE), &r, NULL), 0);
    ck_assert(r.start == m.range.start && r.end == m.range.end && r.total == 100);
    msrp_report rep;
    msrp_success_report_parse(msrp_head_get(ph, MSRP_H_SUCCESS_REPORT), &rep, NULL);
    ck_assert_int_eq(rep, MSRP_REPORT_YES);
    msrp_failure_report_parse(msrp_head_get(ph, MSRP_H_FAILURE_REPORT), &rep, NULL);
    ck_assert_int_eq(rep, MSRP_REPORT_PARTIAL);
    ck_assert(sp_str_eq(ev.body, SP_LIT(body)));
    ck_assert_int_eq(ev.flag, '+');
}
END_TEST

START_TEST(bodiless_send_and_star_ranges)
{
    msrp_send m = {.to_path = SP_LIT(TO_P), .from_path = SP_LIT(FROM_P), .message_id = SP_LIT("mid00001"),
                   .range = {.start = 1, .end_star = true, .total_star = true}, .failure_report = MSRP_REPORT_YES};
    char buf[512];
    sp_buf b;
    sp_buf_init(&b, buf, sizeof buf);
    msrp_build_send_head(&b, SP_LIT("abcd1234"), &m);
    msrp_build_end_line(&b, SP_LIT("abcd1234"), '$', false);
    long n = sp_buf_finish(&b);
    ck_assert_int_gt(n, 0);
    ck_assert_ptr_nonnull(memmem(buf, (size_t)n, "Byte-Range: 1-*/*\r\n", 19));
    ck_assert_ptr_null(memmem(buf, (size_t)n, "Failure-Report", 14)); /* the default is not written */
    msrp_parser p;
    msrp_event ev;
    ck_assert_int_eq(parse_frame(guard_copy(buf, (size_t)n), (size_t)n, &p, &ev), 0);
    ck_assert(!p.head.has_body && ev.body.n == 0 && ev.flag == '$');
}
END_TEST

START_TEST(response_and_report_round_trip)
{
    char buf[512];
    sp_buf b;
    sp_buf_init(&b, buf, sizeof buf);
    msrp_build_response(&b, SP_LIT("d93kswow"), 200, SP_LIT("OK"), SP_LIT(FROM_P), SP_LIT(TO_P));
    long n = sp_buf_finish(&b);
    msrp_parser p;
    msrp_event ev;
    ck_assert_int_eq(parse_frame(guard_copy(buf, (size_t)n), (size_t)n, &p, &ev), 0);
    ck_assert(!p.head.is_request && p.head.status == 200);
    ck_assert(sp_str_eq(msrp_head_str(&p.head, p.head.comment), SP_LIT("OK")));
    sp_buf_init(&b, buf, sizeof buf);
    msrp_build_response(&b, SP_LIT("d93kswow"), 481, SP_STR_NULL, SP_LIT(FROM_P), SP_LIT(TO_P));
    n = sp_buf_finish(&b);
    ck_assert_int_eq(parse_frame(guard_copy(buf, (size_t)n), (size_t)n, &p, &ev), 0);
    ck_assert(p.head.status == 481 && !p.head.has_comment);

    msrp_range r = {.start = 1, .end = 1624, .total = 1624};
    sp_buf_init(&b, buf, sizeof buf);
    msrp_build_report(&b, SP_LIT("dkei38sd"), SP_LIT(FROM_P), SP_LIT(TO_P), SP_LIT("12339sdqwer"), &r, 200,
                      SP_LIT("OK"));
    n = sp_buf_finish(&b);
    ck_assert_int_eq(parse_frame(guard_copy(buf, (size_t)n), (size_t)n, &p, &ev), 0);
    ck_assert(sp_str_eq(msrp_head_get(&p.head, MSRP_H_STATUS), SP_LIT("000 200 OK")));
    ck_assert(sp_str_eq(msrp_head_get(&p.head, MSRP_H_BYTE_RANGE), SP_LIT("1-1624/1624")));
}
END_TEST

/* A response from a template is byte for byte the one built whole, for
 * every mix of tid, status, comment and paths, and it overflows exactly
 * where the whole one does; the template is kept while the paths repeat
 * and holds paths up to MSRP_RESPONSE_TMPL_MAX bytes of lines. */
START_TEST(response_from_template)
{
    static const char *tids[] = {"abcd", "d93kswow", "0123456789abcdef0123456789abcdef"};
    static const unsigned codes[] = {200, 400, 413, 481, 7};
    static const char *comments[] = {NULL, "", "OK", "Not The Negotiated Peer"};
    static const char *paths[][2] = {{FROM_P, TO_P}, {TO_P, FROM_P}, {"msrp://a:1/x;tcp", FROM_P " " TO_P}};
    msrp_response_tmpl *t = calloc(1, sizeof *t);
    ck_assert_ptr_nonnull(t);
    for (size_t pi = 0; pi < 3; pi++) {
        sp_str to = sp_str_cstr(paths[pi][0]), from = sp_str_cstr(paths[pi][1]);
        ck_assert(msrp_response_tmpl_set(t, to, from));
        uint16_t len = t->len;
        ck_assert(msrp_response_tmpl_set(t, to, from));
        ck_assert_uint_eq(t->len, len);
        for (size_t ti = 0; ti < 3; ti++)
            for (size_t ci = 0; ci < 5; ci++)
                for (size_t mi = 0; mi < 4; mi++) {
                    sp_str tid = sp_str_cstr(tids[ti]);
                    sp_str comment = comments[mi] ? sp_str_cstr(comments[mi]) : SP_STR_NULL;
                    char whole[512], part[512];
                    sp_buf a, b;
                    sp_buf_init(&a, whole, sizeof whole);
                    msrp_build_response(&a, tid, codes[ci], comment, to, from);
                    long n = sp_buf_finish(&a);
                    ck_assert_int_gt(n, 0);
                    for (size_t cap = (size_t)n - 1; cap <= (size_t)n + 1; cap++) {
                        sp_buf_init(&b, part, cap);
                        msrp_build_response_tmpl(&b, t, tid, codes[ci], comment);
                        if (cap < (size_t)n) {
                            ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
                            continue;
                        }
                        ck_assert_int_eq(sp_buf_finish(&b), n);
                        ck_assert(memcmp(whole, part, (size_t)n) == 0);
                    }
                }
    }
    /* Lines of exactly MSRP_RESPONSE_TMPL_MAX bytes fit, one more does not. */
    char big[MSRP_RESPONSE_TMPL_MAX];
    size_t fixed = strlen("To-Path: \r\nFrom-Path: x\r\n-------");
    memset(big, 'p', sizeof big);
    ck_assert(msrp_response_tmpl_set(t, sp_str_make(big, MSRP_RESPONSE_TMPL_MAX - fixed), SP_LIT("x")));
    ck_assert_uint_eq(t->len, MSRP_RESPONSE_TMPL_MAX);
    ck_assert(!msrp_response_tmpl_set(t, sp_str_make(big, MSRP_RESPONSE_TMPL_MAX - fixed + 1), SP_LIT("x")));
    ck_assert_uint_eq(t->len, 0);
    free(t);
}
END_TEST

/* Byte-Range numbers at every digit count and its edges, as printf writes
 * them; a buffer one byte short overflows. */
START_TEST(range_numbers_like_printf)
{
    uint64_t vals[90];
    size_t k = 0;
    uint64_t p = 1;
    for (int i = 0; i < 20; i++) {
        vals[k++] = p, vals[k++] = p - 1, vals[k++] = p + 1, vals[k++] = p * 9 + (p - 1);
        if (i < 19)
            p *= 10;
    }
    vals[k++] = UINT64_MAX;
    for (size_t i = 0; i < k; i++) {
        char want[128], got[128];
        msrp_range r = {.start = vals[i], .end = vals[i] / 3, .total = vals[i]};
        int n = snprintf(want, sizeof want, "Byte-Range: %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n", r.start, r.end,
                         r.total);
        sp_buf b;
        sp_buf_init(&b, got, sizeof got);
        msrp_build_range(&b, &r);
        ck_assert_int_eq(sp_buf_finish(&b), n);
        ck_assert(memcmp(got, want, (size_t)n) == 0);
        sp_buf_init(&b, got, (size_t)n - 1);
        msrp_build_range(&b, &r);
        ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
        /* in its two parts, as a sender's template keeps them */
        sp_buf_init(&b, got, sizeof got);
        msrp_build_range_start(&b, &r);
        msrp_build_range_total(&b, &r);
        ck_assert_int_eq(sp_buf_finish(&b), n);
        ck_assert(memcmp(got, want, (size_t)n) == 0);
    }
}
END_TEST

START_TEST(never_overflows)
{
    char full[512];
    sp_buf b;
    msrp_range r = {.start = 1, .end = 1624, .total = 1624};
    sp_buf_init(&b, full, sizeof full);
    msrp_build_report(&b, SP_LIT("dkei38sd"), SP_LIT(FROM_P), SP_LIT(TO_P), SP_LIT("mid00001"), &r, 415,
                      SP_LIT("Unsupported"));
    long need = sp_buf_finish(&b);
    ck_assert_int_gt(need, 0);
    for (size_t cap = 0; cap <= (size_t)need; cap++) {
        char mem[600];
        memset(mem, 0x5a, sizeof mem);
        sp_buf_init(&b, mem, cap);
        msrp_build_report(&b, SP_LIT("dkei38sd"), SP_LIT(FROM_P), SP_LIT(TO_P), SP_LIT("mid00001"), &r, 415,
                          SP_LIT("Unsupported"));
        ck_assert_int_eq(sp_buf_finish(&b), cap == (size_t)need ? need : SP_ENOSPC);
        for (size_t k = cap; k < sizeof mem; k++)
            ck_assert_int_eq(mem[k], 0x5a);
    }
}
END_TEST

/* A source that first yields the bytes of a tid that the body contains. */
typedef struct scripted {
    int calls;
} scripted;

static int scripted_random(void *ctx, uint8_t *out, size_t n)
{
    scripted *s = ctx;
    /* byte k maps to alnum[k % 62]: 0..25 'A'..'Z' */
    for (size_t i = 0; i < n; i++)
        out[i] = s->calls == 0 ? 0 : (uint8_t)(26 + i); /* "AAAA..." first, then "abcd..." */
    s->calls++;
    return 0;
}

static int failing_random(void *ctx, uint8_t *out, size_t n)
{
    (void)ctx, (void)out, (void)n;
    return -1;
}

START_TEST(tid_not_in_body)
{
    static const char body[] = "text\r\n-------AAAAAAAAAAAAAAAA$\r\nmore";
    char tid[MSRP_TID_LEN];
    scripted s = {0};
    ck_assert(msrp_body_has_tid(SP_LIT(body), SP_LIT("AAAAAAAAAAAAAAAA")));
    ck_assert_int_eq(msrp_tid_make_with(tid, SP_LIT(body), scripted_random, &s), 0);
    ck_assert_int_eq(s.calls, 2); /* the first choice was refused */
    ck_assert(sp_str_eq(sp_str_make(tid, MSRP_TID_LEN), SP_LIT("abcdefghijklmnop")));
    ck_assert(!msrp_body_has_tid(SP_LIT(body), sp_str_make(tid, MSRP_TID_LEN)));
    ck_assert_int_eq(msrp_tid_make_with(tid, SP_LIT(body), failing_random, NULL), -EIO);
    /* kernel randomness: valid idents, and two in a row differ */
    char t2[MSRP_TID_LEN];
    ck_assert_int_eq(msrp_tid_make(tid, SP_STR_NULL), 0);
    ck_assert_int_eq(msrp_tid_make(t2, SP_STR_NULL), 0);
    ck_assert(msrp_ident_valid(sp_str_make(tid, MSRP_TID_LEN)));
    ck_assert(memcmp(tid, t2, MSRP_TID_LEN) != 0);
    ck_assert(!msrp_body_has_tid(SP_LIT("-------AAAA"), SP_LIT("AAAAB")));
    ck_assert(msrp_body_has_tid(SP_LIT("x-------AAAAB"), SP_LIT("AAAAB")));
}
END_TEST

/* The first run of seven hyphens, found the slow way. */
static size_t naive_hyphens(const char *p, size_t n)
{
    for (size_t i = 0; i + 7 <= n; i++)
        if (memcmp(p + i, "-------", 7) == 0)
            return i;
    return n;
}

/* Every length up to 300 (several 64-byte blocks of the vector search and
 * its tail) of dense and sparse mixes of hyphens and other bytes from a
 * seeded generator, each ending at a guard page: the finder agrees with the
 * naive one, including runs of six, seven and eight at the start, the end,
 * across sample points and across blocks. */
START_TEST(hyphen_runs_found_like_naive)
{
    char buf[300];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 30000; round++) {
        size_t n = (size_t)(round % 301);
        unsigned sparse = round % 3 == 0 ? 97 : round % 3 == 1 ? 8 : 3;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[i] = (x % sparse) ? '-' : (char)('a' + x % 26);
            if (sparse == 97)
                buf[i] = (x % sparse) ? (char)('a' + x % 26) : '-';
        }
        if (sparse == 97 && n > 20 && round % 2) /* one run of seven somewhere */
            memset(buf + (x % (n - 7)), '-', 7);
        const char *g = guard_copy(buf, n);
        ck_assert_uint_eq(msrp_hyphens_find(g, n), naive_hyphens(g, n));
    }
    static const char *fixed[] = {"", "------", "-------", "x-------", "------x-------", "--------",
                                  "ab------c------d-------", "-------x", "x------", "x------\n------"};
    for (size_t k = 0; k < sizeof fixed / sizeof *fixed; k++) {
        size_t n = strlen(fixed[k]);
        ck_assert_uint_eq(msrp_hyphens_find(guard_copy(fixed[k], n), n), naive_hyphens(fixed[k], n));
    }
}
END_TEST

/* Long stretches (several 128-byte blocks of the word search) of random
 * bytes with one run of six, seven or eight hyphens put at every offset
 * around block boundaries, and stray "----" words that are not runs: the
 * finder agrees with the naive one. */
START_TEST(hyphen_runs_across_blocks)
{
    enum { N = 1100 };
    static char buf[N];
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (size_t i = 0; i < N; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (char)('a' + x % 26);
    }
    for (size_t run = 6; run <= 8; run++)
        for (size_t at = 0; at + run <= N; at++) {
            size_t near = at % 64;
            if (near > 8 && near < 56 && at % 97)
                continue; /* around every 64-byte boundary, and a spread elsewhere */
            char save[8];
            memcpy(save, buf + at, run);
            memset(buf + at, '-', run);
            /* Cut inside the run, right after it, and blocks later. */
            static const size_t past[] = {0, 1, 2, 3, 5, 8, 61, 64, 125, 128, 131, 200, N};
            for (size_t k = 0; k < sizeof past / sizeof *past; k++) {
                size_t n = at + run - 1 + past[k];
                if (n > N)
                    n = N;
                const char *g = guard_copy(buf, n);
                ck_assert_uint_eq(msrp_hyphens_find(g, n), naive_hyphens(g, n));
            }
            memcpy(buf + at, save, run);
        }
    /* "----" words everywhere, never seven in a row. */
    for (size_t i = 0; i + 5 <= N; i += 5)
        memcpy(buf + i, "----x", 5);
    ck_assert_uint_eq(msrp_hyphens_find(guard_copy(buf, N), N), N);
    memcpy(buf + 1000, "-------", 7);
    ck_assert_uint_eq(msrp_hyphens_find(guard_copy(buf, N), N), naive_hyphens(buf, N));
}
END_TEST

/* A chunk head built from the kept parts is the head built whole. */
START_TEST(send_head_in_parts)
{
    msrp_send m = {.to_path = SP_LIT(TO_P),
                   .from_path = SP_LIT(FROM_P),
                   .message_id = SP_LIT("partsMsg1"),
                   .range = {.start = 2049, .end = 4096, .total = 1 << 20, .end_star = true},
                   .success_report = true,
                   .failure_report = MSRP_REPORT_NO,
                   .content_type = SP_LIT("application/octet-stream")};
    char whole[512], parts[512];
    sp_buf w, b;
    sp_buf_init(&w, whole, sizeof whole);
    msrp_build_send_head(&w, SP_LIT("tid0001"), &m);
    sp_buf_init(&b, parts, sizeof parts);
    msrp_build_request_line(&b, SP_LIT("tid0001"), SP_LIT("SEND"));
    msrp_build_send_before_range(&b, &m);
    msrp_build_range(&b, &m.range);
    msrp_build_send_after_range(&b, &m);
    ck_assert_int_gt(sp_buf_finish(&w), 0);
    ck_assert_int_eq(sp_buf_finish(&b), sp_buf_finish(&w));
    ck_assert_mem_eq(parts, whole, w.len);
    static const char mid[] = "Byte-Range: 2049-*/1048576\r\nSuccess-Report: yes\r\nFailure-Report: no\r\n";
    ck_assert(memmem(whole, w.len, mid, sizeof mid - 1) != NULL);
}
END_TEST

static Suite *msrp_build_suite(void)
{
    Suite *s = suite_create("msrp_build");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, send_round_trip);
    tcase_add_test(tc, bodiless_send_and_star_ranges);
    tcase_add_test(tc, response_and_report_round_trip);
    tcase_add_test(tc, response_from_template);
    tcase_add_test(tc, range_numbers_like_printf);
    tcase_add_test(tc, never_overflows);
    tcase_add_test(tc, tid_not_in_body);
    tcase_add_test(tc, hyphen_runs_found_like_naive);
    tcase_add_test(tc, hyphen_runs_across_blocks);
    tcase_add_test(tc, send_head_in_parts);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_build_suite)
