/* test_msrp_session_wire.c - a receiving session fed hand-made frames over
 * a real socket: the seed 000 exchange, random chunkings in random orders,
 * interruptions and resumes at any point, bad Byte-Ranges, an unknown
 * session (481), a wrong From-Path (403 and close), other methods (501),
 * and the connection cut at every byte of a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "msrp_frame.h"
#include "msrp_tp.h"
#include "msrp_uri.h"
#include "msrp_wire.h"
#include "sp_sha1.h"

#define SEEDS "tests/seeds/msrp"

static char *read_seed(const char *name, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", SEEDS, name);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[2][8192];
    static int slot;
    char *b = buf[slot++ % 2];
    *len = fread(b, 1, 8192, f);
    fclose(f);
    return b;
}

/* Replaces the first occurrence of 'from' in buf by 'to'. */
static size_t replace(char *out, size_t cap, const char *buf, size_t len, const char *from, const char *to)
{
    const char *at = memmem(buf, len, from, strlen(from));
    ck_assert_ptr_nonnull(at);
    size_t pre = (size_t)(at - buf), fl = strlen(from), tl = strlen(to);
    ck_assert(len - fl + tl <= cap);
    memcpy(out, buf, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, len - pre - fl);
    return len - fl + tl;
}

/* The bodies of a SEND frame file: after the blank line, before the end-line. */
static sp_str body_of(const char *buf, size_t len)
{
    const char *b = memmem(buf, len, "\r\n\r\n", 4);
    const char *e = memmem(buf, len, "\r\n-------", 9);
    ck_assert(b && e && e >= b + 4);
    return sp_str_make(b + 4, (size_t)(e - b - 4));
}

/* Seed 000 §8.3.7.2: two chunks, their 200s, then the success REPORT over
 * the whole message (the To-Path names our session instead of the seed's). */
START_TEST(seed_exchange)
{
    wire w;
    wire_open(&w, NULL, "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp");
    const char *seed_to = "msrp://userpc.domain.com:8888/9di4ea;tcp";
    size_t l1, l2;
    char *c1 = read_seed("01_send_chunk1.msrp", &l1);
    char *c2 = read_seed("03_send_chunk2.msrp", &l2);
    static char f1[9000], f2[9000];
    size_t n1 = replace(f1, sizeof f1, c1, l1, seed_to, wire_uri(&w));
    size_t n2 = replace(f2, sizeof f2, c2, l2, seed_to, wire_uri(&w));
    wire_send(&w, f1, n1);
    wire_send(&w, f2, n2);
    for (int i = 0; i < 200 && wire_count(&w, "-------dkei") + wire_count(&w, " REPORT\r\n") == 0; i++)
        wire_pump(&w, 10);
    wire_pump(&w, 10);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_BOUND], 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 1);
    sp_str b1 = body_of(f1, n1), b2 = body_of(f2, n2);
    ck_assert_int_eq(w.rx.size, 1624);
    ck_assert_uint_eq(b1.n + b2.n, 1624);
    ck_assert_mem_eq(w.rx.data, b1.p, b1.n);
    ck_assert_mem_eq(w.rx.data + b1.n, b2.p, b2.n);

    /* What came back parses as the seed's 02, 04 and 05 do. */
    msrp_parser p;
    msrp_parser_init(&p, NULL);
    msrp_event ev;
    sp_error err;
    size_t off = 0;
    int heads = 0;
    struct { bool req; unsigned status; const char *tid_or_method; } want[3] = {
        {false, 200, "d93kswow"}, {false, 200, "op2nc9a"}, {true, 0, "REPORT"}};
    while (off < w.in_len) {
        int n = msrp_parse(&p, w.in + off, w.in_len - off, &ev, &err);
        ck_assert_int_gt(n, 0);
        if (ev.kind == MSRP_EV_HEAD) {
            ck_assert_int_lt(heads, 3);
            const msrp_head *h = &p.head;
            ck_assert_int_eq(h->is_request, want[heads].req);
            ck_assert_int_eq(msrp_head_check(h, &err), 0);
            if (!h->is_request) {
                ck_assert_int_eq(h->status, want[heads].status);
                ck_assert(sp_str_eq(msrp_head_str(h, h->tid), sp_str_cstr(want[heads].tid_or_method)));
                ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_TO_PATH),
                                    SP_LIT("msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp")));
            } else {
                ck_assert(sp_str_eq(msrp_head_str(h, h->method), SP_LIT("REPORT")));
                ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_MESSAGE_ID), SP_LIT("12339sdqwer")));
                ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_BYTE_RANGE), SP_LIT("1-1624/1624")));
                ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_STATUS), SP_LIT("000 200 OK")));
            }
            heads++;
        }
        off += (size_t)n;
    }
    ck_assert_int_eq(heads, 3);
    wire_close(&w);
}
END_TEST

static void shuffle(size_t *v, size_t n, unsigned *seed)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rand_r(seed) % i;
        size_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* A message cut at random points, chunks sent in a random order, some with
 * "*" ends, some repeated: it arrives whole, exactly once. */
START_TEST(random_chunkings)
{
    unsigned seed = 1234u + (unsigned)_i;
    size_t n = 1 + (size_t)rand_r(&seed) % 20000;
    uint8_t *d = malloc(n);
    pair_fill(d, n, seed);
    for (size_t i = 0; i < n; i++)
        if (d[i] == '-')
            d[i] = '+'; /* end-lines are the framing layer's concern, tested there */
    size_t cuts[66], k = 1;
    cuts[0] = 0;
    size_t want = 1 + (size_t)rand_r(&seed) % 64;
    while (k < want) {
        size_t c = (size_t)rand_r(&seed) % n;
        bool dup = false;
        for (size_t i = 0; i < k; i++)
            dup |= cuts[i] == c;
        if (!dup)
            cuts[k++] = c;
    }
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
            size_t t = cuts[j];
            cuts[j] = cuts[j - 1];
            cuts[j - 1] = t;
        }
    cuts[k] = n;
    size_t order[65];
    for (size_t i = 0; i < k; i++)
        order[i] = i;
    shuffle(order, k, &seed);
    wire w;
    wire_open(&w, NULL, NULL);
    static char frame[40000];
    for (size_t i = 0; i <= k; i++) {
        size_t c = order[i < k ? i : (size_t)rand_r(&seed) % k]; /* the last one is a repeat */
        size_t a = cuts[c], b = cuts[c + 1];
        char range[80], tid[20];
        bool star = rand_r(&seed) % 2;
        if (star)
            snprintf(range, sizeof range, "%zu-*/%zu", a + 1, n);
        else
            snprintf(range, sizeof range, "%zu-%zu/%zu", a + 1, b, n);
        snprintf(tid, sizeof tid, "t%zux%u", i, seed % 1000);
        size_t len = wire_chunk(frame, sizeof frame, &w, tid, "randMsg1", range, d + a, b - a,
                                b == n ? '$' : '+', NULL);
        wire_send(&w, frame, len);
        wire_pump(&w, 1);
    }
    wire_pump(&w, 20);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_DISCARDED], 0);
    ck_assert_int_eq(w.rx.size, n);
    ck_assert_mem_eq(w.rx.data, d, n);
    ck_assert_int_eq(wire_count(&w, " 200 OK\r\n"), (int)k + 1);
    wire_close(&w);
    free(d);
}
END_TEST

/* Chunks interrupted ('+') at every point of a small message, then resumed. */
START_TEST(interrupt_anywhere)
{
    const char *text = "The time has come, the Walrus said, to talk of many things";
    size_t n = strlen(text);
    for (size_t cut = 0; cut <= n; cut++) {
        wire w;
        wire_open(&w, NULL, NULL);
        char f[2048], range[64];
        snprintf(range, sizeof range, "1-*/%zu", n);
        size_t len = wire_chunk(f, sizeof f, &w, "first1", "walrus12", range, text, cut, '+', NULL);
        wire_send(&w, f, len);
        snprintf(range, sizeof range, "%zu-%zu/%zu", cut + 1, n, n);
        len = wire_chunk(f, sizeof f, &w, "second2", "walrus12", range, text + cut, n - cut, '$', NULL);
        wire_send(&w, f, len);
        wire_pump(&w, 5);
        ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 1);
        ck_assert_int_eq(w.rx.size, n);
        ck_assert_mem_eq(w.rx.data, text, n);
        wire_close(&w);
    }
}
END_TEST

static void expect_status(const char *range, int status)
{
    wire w;
    wire_open(&w, NULL, NULL);
    char f[2048], want[64];
    size_t len = wire_chunk(f, sizeof f, &w, "badrng1", "msgBad1", range, "0123456789", 10, '$', NULL);
    wire_send(&w, f, len);
    wire_pump(&w, 10);
    snprintf(want, sizeof want, "MSRP badrng1 %d ", status);
    ck_assert_msg(wire_count(&w, want) == 1, "range %s: want %d, got %.*s", range, status, (int)w.in_len, w.in);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], status == 200 ? 1 : 0);
    wire_close(&w);
}

START_TEST(bad_ranges)
{
    expect_status("0-9/10", 400);     /* start 0 */
    expect_status("5-2/10", 400);     /* end before start */
    expect_status("1-20/10", 400);    /* past the total */
    expect_status("12-*/10", 400);    /* start past the total */
    expect_status("1-10/x", 400);     /* junk */
    expect_status("1-10/18446744073709551616", 400); /* overflow */
    expect_status("1-10/10", 200);    /* and the right one passes */
}
END_TEST

/* max-size 10: a total of 11 is refused with 413, 10 passes. */
START_TEST(max_size_boundary)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.rx_limits.max_size = 10;
    for (int total = 10; total <= 11; total++) {
        wire w;
        wire_open(&w, &c, NULL);
        char f[2048], range[32];
        snprintf(range, sizeof range, "1-5/%d", total);
        size_t len = wire_chunk(f, sizeof f, &w, "maxsz1", "msgMax1", range, "01234", 5, '+', NULL);
        wire_send(&w, f, len);
        wire_pump(&w, 10);
        ck_assert_int_eq(wire_count(&w, total == 10 ? "MSRP maxsz1 200" : "MSRP maxsz1 413"), 1);
        ck_assert_int_eq(w.rx.counts[MSRP_EV_DISCARDED], total == 10 ? 0 : 1);
        wire_close(&w);
    }
}
END_TEST

/* 413 in the middle of a message whose total was unknown: the failure
 * REPORT says which part was received. */
START_TEST(too_large_mid_message)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.rx_limits.max_size = 100;
    wire w;
    wire_open(&w, &c, NULL);
    char f[4096], body[80];
    memset(body, 'a', sizeof body);
    size_t len = wire_chunk(f, sizeof f, &w, "part1x", "msgBig1", "1-80/*", body, 80, '+', NULL);
    wire_send(&w, f, len);
    len = wire_chunk(f, sizeof f, &w, "part2x", "msgBig1", "81-160/*", body, 80, '$', NULL);
    wire_send(&w, f, len);
    wire_pump(&w, 10);
    ck_assert_int_eq(wire_count(&w, "MSRP part1x 200"), 1);
    ck_assert_int_eq(wire_count(&w, "MSRP part2x 413"), 1);
    ck_assert_int_eq(wire_count(&w, " REPORT\r\n"), 1);
    ck_assert_int_eq(wire_count(&w, "Byte-Range: 1-80/*\r\n"), 1);
    ck_assert_int_eq(wire_count(&w, "Status: 000 413 "), 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_DISCARDED], 1);
    ck_assert_int_eq(w.rx.last[MSRP_EV_DISCARDED].status, 413);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 0);
    wire_close(&w);
}
END_TEST

/* A message of known size refused in its middle: the failure REPORT refers
 * to the entire message (seed 000 §8.2.5.2), not to the part received. */
START_TEST(refused_mid_message_reports_the_whole)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.rx_limits.max_intervals = 1;
    wire w;
    wire_open(&w, &c, NULL);
    char f[4096], body[80];
    memset(body, 'a', sizeof body);
    /* two disjoint intervals need two: the second chunk is refused */
    size_t len = wire_chunk(f, sizeof f, &w, "gap1x", "msgGap1", "1-80/400", body, 80, '+', NULL);
    wire_send(&w, f, len);
    len = wire_chunk(f, sizeof f, &w, "gap2x", "msgGap1", "201-280/400", body, 80, '+', NULL);
    wire_send(&w, f, len);
    for (int i = 0; i < 2000 && wire_count(&w, " REPORT\r\n") == 0; i++)
        wire_pump(&w, 1);
    wire_pump(&w, 10); /* nothing more may follow */
    ck_assert_int_eq(wire_count(&w, "MSRP gap1x 200"), 1);
    ck_assert_int_eq(wire_count(&w, "MSRP gap2x 200"), 0);
    ck_assert_int_eq(wire_count(&w, " REPORT\r\n"), 1);
    ck_assert_int_eq(wire_count(&w, "Byte-Range: 1-400/400\r\n"), 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_DISCARDED], 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 0);
    wire_close(&w);
}
END_TEST

START_TEST(unknown_session)
{
    wire w;
    wire_open(&w, NULL, NULL);
    const char *f = "MSRP nosess1 SEND\r\nTo-Path: msrp://127.0.0.1:1234/notOurs99;tcp\r\n"
                    "From-Path: " WIRE_PEER "\r\nMessage-ID: m12345\r\nByte-Range: 1-0/0\r\n-------nosess1$\r\n";
    wire_send(&w, f, strlen(f));
    wire_pump(&w, 10);
    ck_assert_int_eq(wire_count(&w, "MSRP nosess1 481"), 1);
    ck_assert_int_eq(wire_count(&w, "To-Path: " WIRE_PEER "\r\n"), 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_BOUND], 0);
    ck_assert(!w.peer_closed);
    wire_close(&w);
}
END_TEST

START_TEST(wrong_from_path)
{
    wire w;
    wire_open(&w, NULL, NULL);
    char f[1024];
    int n = snprintf(f, sizeof f,
                     "MSRP intrud1 SEND\r\nTo-Path: %s\r\nFrom-Path: msrp://10.0.0.66:9/intruder;tcp\r\n"
                     "Message-ID: m12345\r\nByte-Range: 1-0/0\r\n-------intrud1$\r\n",
                     wire_uri(&w));
    wire_send(&w, f, (size_t)n);
    wire_pump(&w, 20);
    ck_assert_int_eq(wire_count(&w, "MSRP intrud1 403"), 1);
    ck_assert(w.peer_closed);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_BOUND], 0);
    ck_assert(!msrp_session_bound(w.rx.s));
    wire_close(&w);
}
END_TEST

/* A session bound to one connection answers 506 on another (§5.4); REPORT
 * gets no response, an unknown method 501. */
START_TEST(other_methods_and_506)
{
    wire w;
    wire_open(&w, NULL, NULL);
    char f[2048];
    int n = snprintf(f, sizeof f,
                     "MSRP first01 SEND\r\nTo-Path: %s\r\nFrom-Path: " WIRE_PEER "\r\nMessage-ID: m12345\r\n"
                     "Byte-Range: 1-0/0\r\n-------first01$\r\n"
                     "MSRP rep0001 REPORT\r\nTo-Path: %s\r\nFrom-Path: " WIRE_PEER "\r\nMessage-ID: unknown1\r\n"
                     "Status: 000 200 OK\r\n-------rep0001$\r\n"
                     "MSRP meth001 FROB\r\nTo-Path: %s\r\nFrom-Path: " WIRE_PEER "\r\n-------meth001$\r\n",
                     wire_uri(&w), wire_uri(&w), wire_uri(&w));
    wire_send(&w, f, (size_t)n);
    wire_pump(&w, 10);
    ck_assert_int_eq(wire_count(&w, "MSRP first01 200"), 1);
    ck_assert_int_eq(wire_count(&w, "rep0001"), 0);
    ck_assert_int_eq(wire_count(&w, "MSRP meth001 501"), 1);
    ck_assert(msrp_session_bound(w.rx.s));
    /* a second connection naming the same session */
    int fd2 = socket(AF_INET, SOCK_STREAM, 0);
    tp_addr to;
    sp_str u = msrp_session_local_uri(w.rx.s);
    msrp_uri pu;
    ck_assert_int_eq(msrp_uri_parse(u.p, u.n, &pu, NULL), (int)u.n);
    tp_addr_loopback(&to, AF_INET, pu.port);
    ck_assert_int_eq(connect(fd2, tp_addr_sa(&to), to.len), 0);
    n = snprintf(f, sizeof f,
                 "MSRP other01 SEND\r\nTo-Path: %s\r\nFrom-Path: " WIRE_PEER "\r\nMessage-ID: m12345\r\n"
                 "Byte-Range: 1-0/0\r\n-------other01$\r\n",
                 wire_uri(&w));
    ck_assert_int_eq(send(fd2, f, (size_t)n, 0), n);
    char got[512];
    ssize_t r = -1;
    for (int turns = 0; turns < 10000 && r <= 0; turns++) { /* the answer awaited, not slept for */
        wire_pump(&w, 1);
        r = recv(fd2, got, sizeof got - 1, MSG_DONTWAIT);
    }
    ck_assert_int_gt(r, 0);
    got[r] = '\0';
    ck_assert_ptr_nonnull(strstr(got, "MSRP other01 506"));
    close(fd2);
    wire_close(&w);
}
END_TEST

/* The connection cut after every byte of a two-chunk message: nothing is
 * ever handed over in part; the partial message is discarded once and the
 * session closes. */
START_TEST(cut_anywhere)
{
    wire probe;
    wire_open(&probe, NULL, NULL);
    static char stream[4096];
    size_t total = wire_chunk(stream, sizeof stream, &probe, "cut0001", "cutMsg1", "1-30/60",
                              "abcdefghijklmnopqrstuvwxyz0123", 30, '+', NULL);
    /* wire_chunk writes the session's URI, which differs per session: build
     * per run below; this run only gives the length of the first chunk. */
    size_t first_len = total;
    wire_close(&probe);
    for (size_t cut = 0; cut < 2 * first_len + 8; cut += 3) {
        wire w;
        wire_open(&w, NULL, NULL);
        size_t a = wire_chunk(stream, sizeof stream, &w, "cut0001", "cutMsg1", "1-30/60",
                              "abcdefghijklmnopqrstuvwxyz0123", 30, '+', NULL);
        size_t b = wire_chunk(stream + a, sizeof stream - a, &w, "cut0002", "cutMsg1", "31-60/60",
                              "4567890ABCDEFGHIJKLMNOPQRSTUVW", 30, '$', NULL);
        size_t len = cut < a + b ? cut : a + b;
        if (len)
            wire_send(&w, stream, len);
        wire_pump(&w, 2);
        wire_hangup(&w);
        wire_pump(&w, 5);
        bool whole = len == a + b;
        ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], whole ? 1 : 0);
        ck_assert_int_le(w.rx.counts[MSRP_EV_DISCARDED], 1);
        if (!whole && w.rx.counts[MSRP_EV_BOUND])
            ck_assert_int_eq(w.rx.counts[MSRP_EV_CLOSED], 1);
        ck_assert_int_eq(msrp_session_pending(w.rx.s), 0);
        wire_close(&w);
    }
}
END_TEST

static Suite *msrp_session_wire_suite(void)
{
    Suite *s = suite_create("msrp_session_wire");
    TCase *tc = tcase_create("wire");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, seed_exchange);
    tcase_add_loop_test(tc, random_chunkings, 0, 40);
    tcase_add_test(tc, interrupt_anywhere);
    tcase_add_test(tc, bad_ranges);
    tcase_add_test(tc, max_size_boundary);
    tcase_add_test(tc, too_large_mid_message);
    tcase_add_test(tc, refused_mid_message_reports_the_whole);
    tcase_add_test(tc, unknown_session);
    tcase_add_test(tc, wrong_from_path);
    tcase_add_test(tc, other_methods_and_506);
    tcase_add_test(tc, cut_anywhere);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_session_wire_suite)
