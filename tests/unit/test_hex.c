/* test_hex.c - lower-case hex and the colon-separated upper-case form. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sp_hex.h"

START_TEST(encode_forms)
{
    const uint8_t b[] = {0x72, 0x24, 0x5f, 0x00, 0xff, 0xa0};
    char out[32];
    sp_hex_encode(b, sizeof b, out);
    ck_assert(!memcmp(out, "72245f00ffa0", SP_HEX_LEN(sizeof b)));
    sp_hex_encode_colon(b, sizeof b, out);
    ck_assert_uint_eq(SP_HEX_COLON_LEN(sizeof b), 17);
    ck_assert(!memcmp(out, "72:24:5F:00:FF:A0", 17));
    ck_assert_uint_eq(SP_HEX_COLON_LEN(0), 0);
    ck_assert_uint_eq(SP_HEX_COLON_LEN(1), 2);
}
END_TEST

START_TEST(round_trips)
{
    uint8_t data[64], back[64];
    char text[3 * 64];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 97 + 3);
    for (size_t n = 0; n <= sizeof data; n++) {
        sp_error e;
        sp_hex_encode(data, n, text);
        ck_assert_int_eq(sp_hex_decode(guard_copy(text, 2 * n), 2 * n, back, n, &e), (long)n);
        ck_assert(!memcmp(back, data, n));
        sp_hex_encode_colon(data, n, text);
        ck_assert_int_eq(sp_hex_decode_colon(guard_copy(text, SP_HEX_COLON_LEN(n)), SP_HEX_COLON_LEN(n), back, n, &e),
                         (long)n);
        ck_assert(!memcmp(back, data, n));
    }
}
END_TEST

START_TEST(decode_accepts_either_case)
{
    uint8_t b[4];
    sp_error e;
    ck_assert_int_eq(sp_hex_decode(guard_str("aBcD"), 4, b, sizeof b, &e), 2);
    ck_assert_uint_eq(b[0], 0xab);
    ck_assert_uint_eq(b[1], 0xcd);
    ck_assert_int_eq(sp_hex_decode_colon(guard_str("ab:CD"), 5, b, sizeof b, &e), 2);
    ck_assert_uint_eq(b[0], 0xab);
    ck_assert_uint_eq(b[1], 0xcd);
}
END_TEST

static void expect_bad(long (*decode)(const char *, size_t, uint8_t *, size_t, sp_error *), const char *s,
                       int code, size_t offset)
{
    uint8_t b[8];
    sp_error e = {0};
    long got = decode(guard_str(s), strlen(s), b, sizeof b, &e);
    ck_assert_msg(got == code, "'%s' gave %ld", s, got);
    ck_assert_msg(e.offset == offset, "'%s' offset %zu", s, e.offset);
    ck_assert_ptr_nonnull(e.reason);
}

START_TEST(malformed)
{
    expect_bad(sp_hex_decode, "abc", SP_EINVAL, 3);
    expect_bad(sp_hex_decode, "ag", SP_EINVAL, 1);
    expect_bad(sp_hex_decode, "g0", SP_EINVAL, 0);
    expect_bad(sp_hex_decode, "00 1", SP_EINVAL, 2);
    expect_bad(sp_hex_decode, "000000000000000000", SP_ELIMIT, 16); /* 9 bytes into 8 */
    expect_bad(sp_hex_decode_colon, ":AB", SP_EINVAL, 0);
    expect_bad(sp_hex_decode_colon, "AB:", SP_EINVAL, 3);
    expect_bad(sp_hex_decode_colon, "AB::CD", SP_EINVAL, 3);
    expect_bad(sp_hex_decode_colon, "ABCD", SP_EINVAL, 2);
    expect_bad(sp_hex_decode_colon, "A:BC", SP_EINVAL, 1);
    expect_bad(sp_hex_decode_colon, "AB:C", SP_EINVAL, 4);
    expect_bad(sp_hex_decode_colon, "AB-CD", SP_EINVAL, 2);
    expect_bad(sp_hex_decode_colon, "00:00:00:00:00:00:00:00:00", SP_ELIMIT, 24);
    uint8_t b[8];
    sp_error e;
    ck_assert_int_eq(sp_hex_decode_colon(guard_str("00:00:00:00:00:00:00:00"), 23, b, 8, &e), 8);
    ck_assert_int_eq(sp_hex_decode_colon(guard_copy("", 0), 0, b, 8, &e), 0);
    ck_assert_int_eq(sp_hex_decode(guard_copy("A\0", 2), 2, b, 8, &e), SP_EINVAL);
}
END_TEST

static Suite *hex_suite(void)
{
    Suite *s = suite_create("hex");
    TCase *tc = tcase_create("hex");
    tcase_add_test(tc, encode_forms);
    tcase_add_test(tc, round_trips);
    tcase_add_test(tc, decode_accepts_either_case);
    tcase_add_test(tc, malformed);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(hex_suite)
