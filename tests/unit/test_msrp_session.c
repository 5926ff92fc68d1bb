/* test_msrp_session.c - two sessions over loopback TCP through the real
 * session code: whole messages in chunks of many sizes and windows, from
 * memory and from files, interleaved messages, abort, 413, 415, Failure-
 * Report variants, a content hash mismatch, and the idle footprint. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "msrp_pair.h"
#include "msrp_testdir.h"
#include "msrp_tp.h"
#include "sp_sha1.h"

#define WAIT_MS 10000

static void configs(msrp_session_config *txc, msrp_session_config *rxc)
{
    msrp_session_config_default(txc);
    msrp_session_config_default(rxc);
}

static uint8_t *content(size_t n, uint64_t seed)
{
    uint8_t *d = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(d);
    pair_fill(d, n, seed);
    return d;
}

/* Sends n bytes in chunks of 'chunk' with window 'window' and checks both ends. */
static void transfer(size_t n, uint32_t chunk, uint32_t window, bool success_report)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    txc.chunk_size = chunk;
    txc.window = window;
    pair p;
    pair_open(&p, &txc, &rxc);
    uint8_t *d = content(n, n ^ chunk);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.data = d;
    m.size = n;
    m.success_report = success_report;
    uint64_t h = 0;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, &h), 0);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SENT, WAIT_MS));
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    ck_assert_int_eq(p.tx.counts[MSRP_EV_BOUND], 1);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_BOUND], 1);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 0);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SENT].msg, h);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SENT].bytes, n);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_REPORT], success_report ? 1 : 0);
    if (success_report) {
        ck_assert_int_eq(p.tx.last[MSRP_EV_REPORT].status, 200);
        ck_assert_int_eq(p.tx.last[MSRP_EV_REPORT].range_start, 1);
        ck_assert_int_eq(p.tx.last[MSRP_EV_REPORT].range_end, n);
        ck_assert_int_eq(p.tx.last[MSRP_EV_REPORT].range_total, n);
    }
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(p.rx.size, n);
    ck_assert(n == 0 || memcmp(p.rx.data, d, n) == 0);
    uint8_t sha[SP_SHA1_LEN];
    sp_sha1(d, n, sha);
    ck_assert(p.rx.has_sha1);
    ck_assert_mem_eq(p.rx.sha1, sha, SP_SHA1_LEN);
    ck_assert_int_eq(msrp_session_pending(p.tx.s), 0);
    ck_assert_int_eq(msrp_session_pending(p.rx.s), 0);
    pair_close(&p);
    free(d);
}

START_TEST(whole_small) { transfer(10, 0, 0, true); }
END_TEST

START_TEST(one_byte_chunks) { transfer(300, 1, 4, false); }
END_TEST

START_TEST(default_chunks) { transfer(100000, 0, 0, true); }
END_TEST

START_TEST(window_one) { transfer(50000, 2048, 1, true); }
END_TEST

START_TEST(big_chunks) { transfer(3u << 20, 1u << 20, 2, true); }
END_TEST

START_TEST(odd_chunks) { transfer(1234567, 65537, 7, false); }
END_TEST

START_TEST(empty_message) { transfer(0, 0, 0, true); }
END_TEST

START_TEST(from_file)
{
    char dir[256], path[300];
    testdir_create(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/content", dir);
    size_t n = (5u << 20) + 17;
    uint8_t *d = content(n, 5);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, d, n), (ssize_t)n);

    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    txc.chunk_size = 300000; /* more than the sender's staging buffer holds in one piece */
    rxc.rx_dir = dir;
    rxc.rx_name = SP_LIT("got.bin");
    rxc.rx_expect.has_size = true;
    rxc.rx_expect.size = n;
    rxc.rx_expect.has_sha1 = true;
    sp_sha1(d, n, rxc.rx_expect.sha1);
    pair p;
    pair_open(&p, &txc, &rxc);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.fd = fd;
    m.size = n;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SENT, WAIT_MS));
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    ck_assert_int_eq(p.rx.size, n);
    ck_assert_ptr_null(p.rx.data); /* a file sink */
    char got[320];
    snprintf(got, sizeof got, "%s/got.bin", dir);
    int gfd = open(got, O_RDONLY);
    ck_assert_int_ge(gfd, 0);
    uint8_t *back = malloc(n);
    ck_assert_int_eq(read(gfd, back, n), (ssize_t)n);
    ck_assert_mem_eq(back, d, n);
    close(gfd);
    close(fd);
    free(back);
    free(d);
    pair_close(&p);
    testdir_remove(dir);
}
END_TEST

/* Two messages queued at once take turns chunk by chunk: the long one is
 * interrupted ('+') by the short one and resumed; both arrive intact. */
START_TEST(interleaved)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    txc.window = 2;
    pair p;
    pair_open(&p, &txc, &rxc);
    size_t n1 = 200000, n2 = 5000;
    uint8_t *d1 = content(n1, 1), *d2 = content(n2, 2);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d1;
    m.size = n1;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    m.data = d2;
    m.size = n2;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    p.rx.done = false;
    p.rx.done_on = MSRP_EV_RECEIVED;
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    /* the short one completes first */
    ck_assert_int_eq(p.rx.size, n2);
    ck_assert_mem_eq(p.rx.data, d2, n2);
    for (int i = 0; i < 1000 && p.rx.counts[MSRP_EV_RECEIVED] < 2; i++)
        tp_loop_run_once(p.loop, 10);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 2);
    ck_assert_int_eq(p.rx.size, n1);
    ck_assert_mem_eq(p.rx.data, d1, n1);
    for (int i = 0; i < 100 && p.tx.counts[MSRP_EV_SENT] < 2; i++)
        tp_loop_run_once(p.loop, 10);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 2);
    pair_close(&p);
    free(d1);
    free(d2);
}
END_TEST

START_TEST(abort_message)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    txc.window = 1;
    pair p;
    pair_open(&p, &txc, &rxc);
    size_t n = 100000;
    uint8_t *d = content(n, 3);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d;
    m.size = n;
    uint64_t h;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, &h), 0);
    /* let a few chunks through, then abort */
    for (int i = 0; i < 5; i++)
        tp_loop_run_once(p.loop, 10);
    ck_assert_int_eq(msrp_session_abort(p.tx.s, h), 0);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SEND_FAILED, WAIT_MS));
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_DISCARDED, WAIT_MS));
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 0);
    ck_assert_int_lt(p.tx.last[MSRP_EV_SEND_FAILED].bytes, n);
    ck_assert_int_eq(msrp_session_pending(p.rx.s), 0);
    pair_close(&p);
    free(d);
}
END_TEST

/* max-size below the message: the first chunk declaring the total gets 413
 * (§10.5); the sender stops and reports the message not delivered. */
START_TEST(too_large)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    rxc.rx_limits.max_size = 10000;
    pair p;
    pair_open(&p, &txc, &rxc);
    size_t n = 10001;
    uint8_t *d = content(n, 4);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d;
    m.size = n;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SEND_FAILED, WAIT_MS));
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 413);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 0);
    /* the limit itself passes */
    m.size = 10000;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    ck_assert_int_eq(p.rx.size, 10000);
    pair_close(&p);
    free(d);
}
END_TEST

START_TEST(unsupported_type)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    rxc.accept = "text/* application/json";
    pair p;
    pair_open(&p, &txc, &rxc);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("image/png");
    m.data = "xyz";
    m.size = 3;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SEND_FAILED, WAIT_MS));
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 415);
    /* §10.6: not again in this session */
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), -EPROTO);
    m.content_type = SP_LIT("text/html; charset=utf-8");
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    m.content_type = SP_LIT("application/json");
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    for (int i = 0; i < 100 && p.tx.counts[MSRP_EV_SENT] < 2; i++)
        tp_loop_run_once(p.loop, 10);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 2);
    pair_close(&p);
}
END_TEST

/* Failure-Report no: no response at all; partial: none for success. The
 * message is sent once written. */
static void failure_report(msrp_report fr)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    pair p;
    pair_open(&p, &txc, &rxc);
    size_t n = 30000;
    uint8_t *d = content(n, 6);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d;
    m.size = n;
    m.failure_report = fr;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SENT, WAIT_MS));
    ck_assert_mem_eq(p.rx.data, d, n);
    pair_close(&p);
    free(d);
}

START_TEST(failure_report_no) { failure_report(MSRP_REPORT_NO); }
END_TEST

START_TEST(failure_report_partial) { failure_report(MSRP_REPORT_PARTIAL); }
END_TEST

/* The offer's hash does not match: a failure REPORT for the whole message
 * (RFC 5547 §8.2.2); nothing is delivered. */
START_TEST(hash_mismatch)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    rxc.rx_expect.has_sha1 = true;
    memset(rxc.rx_expect.sha1, 0x42, SP_SHA1_LEN);
    pair p;
    pair_open(&p, &txc, &rxc);
    size_t n = 9000;
    uint8_t *d = content(n, 7);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d;
    m.size = n;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SEND_FAILED, WAIT_MS));
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 400);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 0);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_DISCARDED], 1);
    pair_close(&p);
    free(d);
}
END_TEST

/* The application refuses a complete message: the REPORT carries its
 * status about the whole message, never a 200 (seed 000 §8.2.5.2). */
START_TEST(refused_by_the_application)
{
    static const unsigned codes[] = {400, 413, 415};
    for (size_t k = 0; k < sizeof codes / sizeof codes[0]; k++) {
        msrp_session_config txc, rxc;
        configs(&txc, &rxc);
        pair p;
        pair_open(&p, &txc, &rxc);
        p.rx.refuse = codes[k];
        size_t n = 9000;
        uint8_t *d = content(n, 9);
        msrp_message m;
        msrp_message_init(&m);
        m.content_type = SP_LIT("text/plain");
        m.data = d;
        m.size = n;
        m.success_report = true;
        ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
        ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SEND_FAILED, WAIT_MS));
        ck_assert_uint_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, codes[k]);
        ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0);
        ck_assert_int_eq(p.tx.counts[MSRP_EV_REPORT], 1);
        ck_assert_uint_eq(p.tx.last[MSRP_EV_REPORT].status, codes[k]);
        ck_assert_uint_eq(p.tx.last[MSRP_EV_REPORT].range_start, 1);
        ck_assert_uint_eq(p.tx.last[MSRP_EV_REPORT].range_end, n);
        ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 1);
        pair_close(&p);
        free(d);
    }
}
END_TEST

/* The receiving session freed from inside its RECEIVED event: nothing of
 * the message is touched afterwards, and no REPORT goes out. */
START_TEST(freed_while_received)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    pair p;
    pair_open(&p, &txc, &rxc);
    p.rx.free_on_received = true;
    uint8_t *d = content(5000, 10);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d;
    m.size = 5000;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    ck_assert_ptr_null(p.rx.s);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_REPORT], 0);
    pair_close(&p);
    free(d);
}
END_TEST

/* An idle session, before and after a transfer, holds at most 4 KiB. */
START_TEST(idle_footprint)
{
    msrp_session_config txc, rxc;
    configs(&txc, &rxc);
    pair p;
    pair_open(&p, &txc, &rxc);
    ck_assert_int_le(msrp_session_footprint(p.tx.s), 4096);
    ck_assert_int_le(msrp_session_footprint(p.rx.s), 4096);
    uint8_t *d = content(100000, 8);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = d;
    m.size = 100000;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert_int_gt(msrp_session_footprint(p.tx.s), sizeof(void *)); /* it counts what it holds */
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SENT, WAIT_MS));
    ck_assert(pair_wait(&p, &p.rx, MSRP_EV_RECEIVED, WAIT_MS));
    tp_loop_run_once(p.loop, 10);
    ck_assert_int_le(msrp_session_footprint(p.tx.s), 4096);
    ck_assert_int_le(msrp_session_footprint(p.rx.s), 4096);
    pair_close(&p);
    free(d);
}
END_TEST

static Suite *msrp_session_suite(void)
{
    Suite *s = suite_create("msrp_session");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, whole_small);
    tcase_add_test(tc, one_byte_chunks);
    tcase_add_test(tc, default_chunks);
    tcase_add_test(tc, window_one);
    tcase_add_test(tc, big_chunks);
    tcase_add_test(tc, odd_chunks);
    tcase_add_test(tc, empty_message);
    tcase_add_test(tc, from_file);
    tcase_add_test(tc, interleaved);
    tcase_add_test(tc, abort_message);
    tcase_add_test(tc, too_large);
    tcase_add_test(tc, unsupported_type);
    tcase_add_test(tc, failure_report_no);
    tcase_add_test(tc, failure_report_partial);
    tcase_add_test(tc, hash_mismatch);
    tcase_add_test(tc, refused_by_the_application);
    tcase_add_test(tc, freed_while_received);
    tcase_add_test(tc, idle_footprint);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_session_suite)
