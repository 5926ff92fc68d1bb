/* test_msrp_bigfile.c - a 256 MiB message into a file sink in 64 KiB chunks
 * with constant memory: the resident set may not grow with the transfer,
 * whether the SHA-1 is computed as bytes arrive (in order) or read back from
 * the file at the end (out of order).
 * SIPPUSH_TEST_SHRINK divides the sizes (big_size.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "big_size.h"
#include "check_main.h"
#include "msrp_reassembly.h"
#include "msrp_testdir.h"

#define CHUNK (64u << 10)
#define RSS_GROWTH_MAX (16u << 20) /* far below any transfer size used here */

/* The resident set now, in bytes. */
static uint64_t resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    ck_assert_ptr_nonnull(f);
    unsigned long size, resident;
    ck_assert_int_eq(fscanf(f, "%lu %lu", &size, &resident), 2);
    fclose(f);
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Chunk k of the content: a cheap generator, so chunks can be made again in
 * any order without holding the content. */
static void make_chunk(uint64_t k, uint8_t *buf)
{
    uint64_t x = 0x9e3779b97f4a7c15ull * (k + 1);
    for (size_t i = 0; i < CHUNK; i += 8) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        memcpy(buf + i, &x, 8);
    }
}

/* Sends chunks 0..n-1 (the last one first when last_first), each as one
 * SEND with its body in two pieces, and checks the outcome. */
static void transfer(uint64_t total, bool last_first)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    uint64_t n = total / CHUNK;
    uint8_t *buf = malloc(CHUNK);
    ck_assert_ptr_nonnull(buf);

    msrp_expect expect = {.has_size = true, .size = total, .has_sha1 = true};
    sp_sha1_ctx want;
    sp_sha1_init(&want);
    for (uint64_t k = 0; k < n; k++) {
        make_chunk(k, buf);
        sp_sha1_update(&want, buf, CHUNK);
    }
    sp_sha1_final(&want, expect.sha1);

    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("big.bin"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, &expect);

    uint64_t base = resident_bytes(), peak = base;
    int completions = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t k = last_first ? (i == 0 ? n - 1 : i - 1) : i;
        uint64_t start = k * CHUNK + 1;
        make_chunk(k, buf);
        ck_assert_int_eq(msrp_reassembly_begin(&r, start, start + CHUNK - 1, total, &e), MSRP_RX_OK);
        int rc1 = msrp_reassembly_write(&r, start, buf, CHUNK / 2, &e);
        int rc2 = msrp_reassembly_write(&r, start + CHUNK / 2, buf + CHUNK / 2, CHUNK / 2, &e);
        ck_assert_int_eq(rc1, MSRP_RX_OK);
        ck_assert_msg(rc2 == MSRP_RX_OK || rc2 == MSRP_RX_COMPLETE, "chunk %llu: %d %s", (unsigned long long)k,
                      rc2, rc2 < 0 ? e.reason : "");
        completions += rc2 == MSRP_RX_COMPLETE;
        int rc3 = msrp_reassembly_end(&r, k == n - 1 ? '$' : '+', &e);
        completions += rc3 == MSRP_RX_COMPLETE;
        if (i % 256 == 0) {
            uint64_t now = resident_bytes();
            peak = now > peak ? now : peak;
        }
    }
    uint64_t now = resident_bytes();
    peak = now > peak ? now : peak; /* after the read-back, when there was one */

    ck_assert_int_eq(completions, 1);
    ck_assert_int_eq(r.state, MSRP_RX_DONE);
    ck_assert(r.streaming == !last_first);
    ck_assert(!memcmp(r.sha1, expect.sha1, SP_SHA1_LEN));
    ck_assert_msg(peak - base < RSS_GROWTH_MAX, "resident set grew by %llu bytes",
                  (unsigned long long)(peak - base));

    /* spot-check the file against the generator */
    FILE *f = fopen(msrp_sink_path(&sink), "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    ck_assert_uint_eq((uint64_t)ftell(f), total);
    uint8_t *got = malloc(CHUNK);
    ck_assert_ptr_nonnull(got);
    uint64_t probes[] = {0, n / 2, n - 1};
    for (size_t p = 0; p < 3; p++) {
        ck_assert_int_eq(fseek(f, (long)(probes[p] * CHUNK), SEEK_SET), 0);
        ck_assert_uint_eq(fread(got, 1, CHUNK, f), CHUNK);
        make_chunk(probes[p], buf);
        ck_assert(!memcmp(got, buf, CHUNK));
    }
    fclose(f);
    free(got);
    free(buf);
    msrp_sink_close(&sink);
    testdir_remove(dir);
}

START_TEST(in_order_256_mib_hashed_on_arrival)
{
    transfer(big_size(256ull << 20, CHUNK), false);
}
END_TEST

START_TEST(last_chunk_first_64_mib_read_back)
{
    transfer(big_size(64ull << 20, CHUNK), true);
}
END_TEST

static Suite *msrp_bigfile_suite(void)
{
    Suite *s = suite_create("msrp_bigfile");
    TCase *tc = tcase_create("bigfile");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, in_order_256_mib_hashed_on_arrival);
    tcase_add_test(tc, last_chunk_first_64_mib_read_back);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_bigfile_suite)
