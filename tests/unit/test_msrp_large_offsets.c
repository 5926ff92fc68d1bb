/* test_msrp_large_offsets.c - totals and offsets past 4 GiB, where a size_t
 * or an off_t of 32 bits would wrap (the suite runs in the -m32 build too):
 * the last bytes of a 5 GiB message land at their offset in a file sink, and
 * a memory sink of 1 MiB refuses the last bytes of a message of 4 GiB + 100
 * bytes, which a 32-bit size would put at offset 90. The file is sparse: nothing near its size is written to disk. */
#include <string.h>
#include <sys/stat.h>

#include "check_main.h"
#include "msrp_reassembly.h"
#include "msrp_testdir.h"

#define GIB (1ull << 30)

START_TEST(last_bytes_of_a_5_gib_message_land_at_their_offset)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    const uint64_t total = 5 * GIB;
    msrp_reassembly_limits lim = {.max_size = total, .hash_thread_min = MSRP_HASH_THREAD_NEVER};
    msrp_expect expect = {.has_size = true, .size = total, .skip_sha1 = true};
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("big.bin"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, &lim, &expect);
    /* Byte-Range: (total-2)-total/total, 1-based (RFC 4975 §9) */
    ck_assert_int_eq(msrp_reassembly_begin(&r, total - 2, total, total, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, total - 2, "xyz", 3, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_end(&r, '+', &e), MSRP_RX_OK);
    ck_assert_int_eq(r.state, MSRP_RX_RECEIVING);

    char back[4] = {0};
    ck_assert_int_eq(msrp_sink_read(&sink, total - 3, back, 3), 3);
    ck_assert_str_eq(back, "xyz");
    struct stat st;
    ck_assert_int_eq(stat(sink.temp, &st), 0);
    ck_assert(sizeof st.st_size >= 8);
    ck_assert_uint_eq((uint64_t)st.st_size, total);
    char range[64];
    ck_assert_int_gt(msrp_reassembly_byte_range(&r, 0, range, sizeof range), 0);
    ck_assert_str_eq(range, "5368709118-5368709120/5368709120");

    msrp_reassembly_abort(&r);
    msrp_sink_close(&sink);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 0);
    testdir_remove(dir);
}
END_TEST

START_TEST(memory_sink_refuses_bytes_past_4_gib)
{
    const uint64_t total = (1ull << 32) + 100;
    msrp_reassembly_limits lim = {.max_size = 8 * GIB};
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_memory_open(&sink, 1u << 20), SP_OK);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, total - 9, total, total, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, total - 9, "0123456789", 10, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    msrp_reassembly_abort(&r);
    msrp_sink_close(&sink);
    /* the same bytes at offset 90 fit */
    ck_assert_int_eq(msrp_sink_memory_open(&sink, 1u << 20), SP_OK);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 91, 100, 100, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 91, "0123456789", 10, &e), MSRP_RX_OK);
    msrp_reassembly_abort(&r);
    msrp_sink_close(&sink);
}
END_TEST

static Suite *msrp_large_offsets_suite(void)
{
    Suite *s = suite_create("msrp_large_offsets");
    TCase *tc = tcase_create("offsets");
    tcase_add_test(tc, last_bytes_of_a_5_gib_message_land_at_their_offset);
    tcase_add_test(tc, memory_sink_refuses_bytes_past_4_gib);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_large_offsets_suite)
