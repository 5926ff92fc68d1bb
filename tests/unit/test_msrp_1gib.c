/* test_msrp_1gib.c - 1 GiB through a sending and a receiving session over a
 * real loopback socket: the sender reads the file in pieces, the receiver
 * writes into a file sink as bytes arrive and checks the SHA-1 the offer
 * gave; the whole file is intact and the resident set of the process grows
 * by less than 16 MiB on the way.
 * SIPPUSH_TEST_SHRINK divides the size (big_size.h). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "big_size.h"
#include "check_main.h"
#include "msrp_pair.h"
#include "msrp_testdir.h"
#include "msrp_tp.h"
#include "sp_sha1.h"

#define RSS_GROWTH_MAX (16u << 20)
#define PIECE (1u << 20)

/* Freed blocks stay resident in AddressSanitizer's quarantine; keep it
 * small so the resident set measures the code. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "quarantine_size_mb=4"; }

/* Writes size bytes of deterministic content to path; its SHA-1 in sha. */
static int make_source(const char *path, uint64_t size, uint8_t sha[SP_SHA1_LEN])
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    ck_assert_int_ge(fd, 0);
    uint8_t *piece = malloc(PIECE);
    ck_assert_ptr_nonnull(piece);
    sp_sha1_ctx c;
    sp_sha1_init(&c);
    for (uint64_t off = 0; off < size; off += PIECE) {
        pair_fill(piece, PIECE, off / PIECE);
        sp_sha1_update(&c, piece, PIECE);
        ck_assert_int_eq(write(fd, piece, PIECE), (ssize_t)PIECE);
    }
    sp_sha1_final(&c, sha);
    free(piece);
    return fd;
}

START_TEST(one_gib_through_sockets)
{
    uint64_t size = big_size(1u << 30, PIECE);
    char dir[256], src[300], dst[300];
    testdir_create(dir, sizeof dir);
    snprintf(src, sizeof src, "%s/source.bin", dir);
    msrp_session_config txc, rxc;
    msrp_session_config_default(&txc);
    msrp_session_config_default(&rxc);
    int fd = make_source(src, size, rxc.rx_expect.sha1);
    txc.chunk_size = 65536;
    rxc.rx_dir = dir;
    rxc.rx_name = SP_LIT("received.bin");
    rxc.rx_limits.max_size = size;
    rxc.rx_expect.has_size = true;
    rxc.rx_expect.size = size;
    rxc.rx_expect.has_sha1 = true;
    pair p;
    pair_open(&p, &txc, &rxc);
    ck_assert(pair_wait(&p, &p.tx, MSRP_EV_BOUND, 5000));
    uint64_t before = pair_resident_bytes(), peak = before;
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.fd = fd;
    m.size = size;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    tp_ms end = tp_clock_ms() + 400000;
    while (!p.tx.counts[MSRP_EV_SENT] && !p.tx.counts[MSRP_EV_SEND_FAILED] && tp_clock_ms() < end) {
        tp_loop_run_once(p.loop, 10);
        uint64_t now = pair_resident_bytes();
        if (now > peak)
            peak = now;
    }
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SENT].bytes, size);
    ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(p.rx.size, size);
    ck_assert(p.rx.has_sha1);
    ck_assert_mem_eq(p.rx.sha1, rxc.rx_expect.sha1, SP_SHA1_LEN);
    ck_assert_msg(peak - before < RSS_GROWTH_MAX, "resident set grew by %llu bytes",
                  (unsigned long long)(peak - before));
    /* The file in place holds the same bytes: read back and hashed again. */
    snprintf(dst, sizeof dst, "%s/received.bin", dir);
    int in = open(dst, O_RDONLY);
    ck_assert_int_ge(in, 0);
    struct stat st;
    ck_assert_int_eq(fstat(in, &st), 0);
    ck_assert_int_eq((uint64_t)st.st_size, size);
    uint8_t *piece = malloc(PIECE), sha[SP_SHA1_LEN];
    ck_assert_ptr_nonnull(piece);
    sp_sha1_ctx c;
    sp_sha1_init(&c);
    for (ssize_t r; (r = read(in, piece, PIECE)) > 0;)
        sp_sha1_update(&c, piece, (size_t)r);
    sp_sha1_final(&c, sha);
    ck_assert_mem_eq(sha, rxc.rx_expect.sha1, SP_SHA1_LEN);
    free(piece);
    close(in);
    close(fd);
    pair_close(&p);
    testdir_remove(dir);
}
END_TEST

static Suite *msrp_1gib_suite(void)
{
    Suite *s = suite_create("msrp_1gib");
    TCase *tc = tcase_create("1gib");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, one_gib_through_sockets);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_1gib_suite)
