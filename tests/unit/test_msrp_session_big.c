/* test_msrp_session_big.c - a 256 MiB file through two sessions over a
 * real socket into a file sink, its SHA-1 checked against the offer, with
 * the resident set bounded (the sender reads in pieces, the receiver
 * writes as bytes arrive); and a transfer cut off, kept and resumed with
 * a=file-range (RFC 5547 §8).
 * SIPPUSH_TEST_SHRINK divides the size (big_size.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "big_size.h"
#include "check_main.h"
#include "loop_run.h"
#include "msrp_pair.h"
#include "msrp_testdir.h"
#include "msrp_tp.h"
#include "msrp_wire.h"
#include "sp_sha1.h"

#define RSS_GROWTH_MAX (16u << 20)

/* Freed blocks stay out of reuse (and resident) in AddressSanitizer's
 * quarantine; keep it small so the resident set measures the code. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "quarantine_size_mb=4"; }

START_TEST(big_file)
{
    uint64_t size = big_size(256u << 20, 1u << 20);
    char dir[256], src[300], dst[300];
    testdir_create(dir, sizeof dir);
    snprintf(src, sizeof src, "%s/source.bin", dir);
    int fd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    static uint8_t piece[1 << 20];
    sp_sha1_ctx sha;
    sp_sha1_init(&sha);
    for (uint64_t off = 0; off < size; off += sizeof piece) {
        pair_fill(piece, sizeof piece, off);
        sp_sha1_update(&sha, piece, sizeof piece);
        ck_assert_int_eq(write(fd, piece, sizeof piece), (ssize_t)sizeof piece);
    }
    msrp_session_config txc, rxc;
    msrp_session_config_default(&txc);
    msrp_session_config_default(&rxc);
    txc.chunk_size = 65536;
    rxc.rx_dir = dir;
    rxc.rx_name = SP_LIT("../../received.bin"); /* made safe by the sink */
    rxc.rx_expect.has_size = true;
    rxc.rx_expect.size = size;
    rxc.rx_expect.has_sha1 = true;
    sp_sha1_final(&sha, rxc.rx_expect.sha1);
    pair p;
    pair_open(&p, &txc, &rxc);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_BOUND, 5000));
    uint64_t before = pair_resident_bytes();
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.fd = fd;
    m.size = size;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    uint64_t peak = before;
    tp_ms end = tp_clock_ms() + 240000;
    while (!p.tx.counts[MSRP_EV_SENT] && !p.tx.counts[MSRP_EV_SEND_FAILED] && tp_clock_ms() < end) {
        tp_loop_run_once(p.loop, 10);
        uint64_t now = pair_resident_bytes();
        if (now > peak)
            peak = now;
    }
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(p.rx.size, size);
    ck_assert(p.rx.has_sha1);
    ck_assert_mem_eq(p.rx.sha1, rxc.rx_expect.sha1, SP_SHA1_LEN);
    ck_assert_msg(peak - before < RSS_GROWTH_MAX, "resident set grew by %llu bytes",
                  (unsigned long long)(peak - before));
    snprintf(dst, sizeof dst, "%s/received.bin", dir);
    ck_assert_int_eq(access(dst, R_OK), 0);
    close(fd);
    pair_close(&p);
    testdir_remove(dir);
}
END_TEST

/* The connection drops after the first half: the partial file is kept
 * (RFC 5547 §8), a new session resumes into it from the next byte with the
 * same Message-ID, and the whole file is verified. */
START_TEST(resume_after_drop)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    static uint8_t d[10000];
    pair_fill(d, sizeof d, 77);
    for (size_t i = 0; i < sizeof d; i++)
        if (d[i] == '-')
            d[i] = '_';
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.rx_dir = dir;
    c.rx_name = SP_LIT("resumed.bin");
    c.rx_keep_partial = true;
    c.rx_expect.has_sha1 = true;
    sp_sha1(d, sizeof d, c.rx_expect.sha1);
    wire w;
    wire_open(&w, &c, NULL);
    static char f[20000];
    size_t len = wire_chunk(f, sizeof f, &w, "half0001", "resumeMsg1", "1-4000/10000", d, 4000, '+', NULL);
    wire_send(&w, f, len);
    wire_pump(&w, 5);
    wire_hangup(&w);
    wire_pump(&w, 10);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_DISCARDED], 1);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 0);
    ck_assert_int_eq(w.rx.last[MSRP_EV_DISCARDED].bytes, 4000);
    ck_assert(w.rx.has_kept);
    msrp_ranges kept = w.rx.kept;
    ck_assert_int_eq(kept.count, 1);
    ck_assert_int_eq(kept.received, 4000);
    char temp[MSRP_SINK_PATH_MAX];
    snprintf(temp, sizeof temp, "%s", w.rx.kept_temp);
    ck_assert_int_eq(access(temp, R_OK), 0);
    wire_close(&w);

    c.rx_resume_temp = temp;
    c.rx_resume_ranges = &kept;
    wire_open(&w, &c, NULL);
    len = wire_chunk(f, sizeof f, &w, "rest0001", "resumeMsg1", "4001-10000/10000", d + 4000, 6000, '$', NULL);
    wire_send(&w, f, len);
    wire_pump(&w, 20);
    ck_assert_int_eq(w.rx.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(w.rx.size, sizeof d);
    char path[300];
    snprintf(path, sizeof path, "%s/resumed.bin", dir);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    static uint8_t back[10000];
    ck_assert_int_eq(read(fd, back, sizeof back), (ssize_t)sizeof back);
    ck_assert_mem_eq(back, d, sizeof d);
    close(fd);
    wire_close(&w);
    testdir_remove(dir);
}
END_TEST

static Suite *msrp_session_big_suite(void)
{
    Suite *s = suite_create("msrp_session_big");
    TCase *tc = tcase_create("big");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, big_file);
    tcase_add_test(tc, resume_after_drop);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_session_big_suite)
