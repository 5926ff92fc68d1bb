/* test_msrp_hdr.c - header names, Byte-Range rules, Status, report values. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "msrp_hdr.h"

static int range(const char *s, msrp_range *r, sp_error *err)
{
    return msrp_range_parse(sp_str_make(guard_str(s), strlen(s)), r, err);
}

START_TEST(byte_range_values)
{
    msrp_range r;
    sp_error err;
    ck_assert_int_eq(range("1-4092/4092", &r, &err), 0);
    ck_assert(r.start == 1 && r.end == 4092 && r.total == 4092 && !r.end_star && !r.total_star);
    ck_assert_int_eq(range("1-*/8", &r, &err), 0);
    ck_assert(r.end_star && r.total == 8);
    ck_assert_int_eq(range("5-*/*", &r, &err), 0);
    ck_assert(r.end_star && r.total_star);
    ck_assert_int_eq(range("1-0/0", &r, &err), 0);  /* empty: end = start - 1 */
    ck_assert_int_eq(range("9-8/*", &r, &err), 0);
    ck_assert_int_eq(range("9-8/8", &r, &err), 0);  /* empty range right after the last byte */
    ck_assert_int_eq(range("10-*/8", &r, &err), SP_EINVAL);
    ck_assert_int_eq(range("8-8/8", &r, &err), 0);
    /* 64-bit bounds: UINT64_MAX fits, one more overflows */
    ck_assert_int_eq(range("1-18446744073709551615/18446744073709551615", &r, &err), 0);
    ck_assert(r.end == UINT64_MAX && r.total == UINT64_MAX);
    ck_assert_int_eq(range("1-18446744073709551616/*", &r, &err), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 21);
    ck_assert_int_eq(range("18446744073709551615-*/*", &r, &err), 0);
    ck_assert_int_eq(range("18446744073709551616-*/*", &r, &err), SP_EINVAL);
}
END_TEST

/* Numbers of nineteen digits are read without overflow checks: longer ones
 * (leading zeros included) are still read exactly and refused at the digit
 * that overflows. */
START_TEST(byte_range_long_numbers)
{
    msrp_range r;
    sp_error err;
    ck_assert_int_eq(range("0000000000000000000000000001-*/*", &r, &err), 0);
    ck_assert_uint_eq(r.start, 1);
    ck_assert_int_eq(range("1-9999999999999999999/*", &r, &err), 0); /* nineteen nines */
    ck_assert(r.end == 9999999999999999999ull);
    ck_assert_int_eq(range("1-0018446744073709551615/*", &r, &err), 0);
    ck_assert(r.end == UINT64_MAX);
    ck_assert_int_eq(range("1-0018446744073709551616/*", &r, &err), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 23);
    ck_assert_int_eq(range("1-99999999999999999999/*", &r, &err), SP_EINVAL); /* twenty nines */
    ck_assert_uint_eq(err.offset, 21);
}
END_TEST

START_TEST(byte_range_errors)
{
    static const struct {
        const char *s;
        size_t offset;
    } bad[] = {
        {"", 0}, {"0-1/1", 0}, {"a-1/1", 0}, {"1", 1}, {"1-", 2}, {"1-2", 3}, {"1-2/", 4},
        {"1-2/x", 4}, {"1-2/3 ", 5}, {"5-3/9", 2}, {"1-9/8", 4}, {"-1-2/3", 0}, {"1-**/3", 3},
        {" 1-2/3", 0}, {"1 -2/3", 1}, {"10-*/8", 5},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msrp_range r;
        sp_error err = {0, NULL, 0};
        ck_assert_msg(range(bad[i].s, &r, &err) == SP_EINVAL, "%s", bad[i].s);
        ck_assert_msg(err.offset == bad[i].offset, "%s: offset %zu", bad[i].s, err.offset);
        ck_assert_int_eq(err.status, 400);
    }
}
END_TEST

START_TEST(status_values)
{
    msrp_status st;
    sp_error err;
    ck_assert_int_eq(msrp_status_parse(sp_str_make(guard_str("000 200 OK"), 10), &st, &err), 0);
    ck_assert(st.ns == 0 && st.code == 200 && sp_str_eq(st.comment, SP_LIT("OK")));
    ck_assert_int_eq(msrp_status_parse(sp_str_make(guard_str("000 415"), 7), &st, &err), 0);
    ck_assert(st.code == 415 && !sp_str_present(st.comment));
    static const struct {
        const char *s;
        size_t offset;
    } bad[] = {{"00 200", 0}, {"000", 3}, {"000 20", 4}, {"000 2000", 4}, {"0000 200", 0},
               {"000 200 a\x01", 9}, {"abc 200", 0}, {"000-200", 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(msrp_status_parse(sp_str_make(guard_str(bad[i].s), strlen(bad[i].s)), &st, &err) == SP_EINVAL,
                      "%s", bad[i].s);
        ck_assert_msg(err.offset == bad[i].offset, "%s: offset %zu", bad[i].s, err.offset);
    }
}
END_TEST

START_TEST(report_values_and_defaults)
{
    msrp_report r;
    ck_assert_int_eq(msrp_success_report_parse(SP_STR_NULL, &r, NULL), 0);
    ck_assert_int_eq(r, MSRP_REPORT_NO);
    ck_assert_int_eq(msrp_failure_report_parse(SP_STR_NULL, &r, NULL), 0);
    ck_assert_int_eq(r, MSRP_REPORT_YES);
    ck_assert_int_eq(msrp_success_report_parse(SP_LIT("yes"), &r, NULL), 0);
    ck_assert_int_eq(r, MSRP_REPORT_YES);
    ck_assert_int_eq(msrp_success_report_parse(SP_LIT("No"), &r, NULL), 0);
    ck_assert_int_eq(r, MSRP_REPORT_NO);
    ck_assert_int_eq(msrp_success_report_parse(SP_LIT("partial"), &r, NULL), SP_EINVAL);
    ck_assert_int_eq(msrp_failure_report_parse(SP_LIT("partial"), &r, NULL), 0);
    ck_assert_int_eq(r, MSRP_REPORT_PARTIAL);
    ck_assert_int_eq(msrp_failure_report_parse(SP_LIT("no"), &r, NULL), 0);
    ck_assert_int_eq(r, MSRP_REPORT_NO);
    ck_assert_int_eq(msrp_failure_report_parse(SP_LIT("yes "), &r, NULL), SP_EINVAL);
    ck_assert_int_eq(msrp_failure_report_parse(SP_LIT(""), &r, NULL), SP_EINVAL);
    ck_assert_str_eq(msrp_report_name(MSRP_REPORT_PARTIAL), "partial");
}
END_TEST

START_TEST(names_and_idents)
{
    for (int id = 1; id < MSRP_H__COUNT; id++) {
        const char *name = msrp_hdr_name((msrp_hdr_id)id);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(msrp_hdr_id_of(sp_str_cstr(name)), id);
        char upper[64];
        size_t n = strlen(name);
        for (size_t i = 0; i < n; i++)
            upper[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
        ck_assert_int_eq(msrp_hdr_id_of(sp_str_make(upper, n)), id);
        ck_assert_int_eq(msrp_hdr_id_of(sp_str_make(name, n - 1)), MSRP_H_OTHER);
    }
    ck_assert_int_eq(msrp_hdr_id_of(SP_LIT("Content-Length")), MSRP_H_OTHER);
    ck_assert_int_eq(msrp_hdr_id_of(SP_LIT("X")), MSRP_H_OTHER);
    ck_assert_ptr_null(msrp_hdr_name(MSRP_H_OTHER));
    ck_assert(msrp_ident_valid(SP_LIT("a1b2")));
    ck_assert(msrp_ident_valid(SP_LIT("9.-+%=")));
    ck_assert(msrp_ident_valid(SP_LIT("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")));
    ck_assert(!msrp_ident_valid(SP_LIT("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456")));
    ck_assert(!msrp_ident_valid(SP_LIT("abc")));
    ck_assert(!msrp_ident_valid(SP_LIT(".abc")));
    ck_assert(!msrp_ident_valid(SP_LIT("ab_c")));
}
END_TEST

static Suite *msrp_hdr_suite(void)
{
    Suite *s = suite_create("msrp_hdr");
    TCase *tc = tcase_create("hdr");
    tcase_add_test(tc, byte_range_values);
    tcase_add_test(tc, byte_range_errors);
    tcase_add_test(tc, byte_range_long_numbers);
    tcase_add_test(tc, status_values);
    tcase_add_test(tc, report_values_and_defaults);
    tcase_add_test(tc, names_and_idents);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_hdr_suite)
