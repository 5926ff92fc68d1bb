/* test_base64.c - RFC 4648 §10 vectors, round trips, strict decoding. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sp_base64.h"

static const struct {
    const char *plain, *encoded;
} vectors[] = {
    {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
};

START_TEST(rfc4648_vectors)
{
    for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
        size_t n = strlen(vectors[v].plain);
        char enc[16];
        ck_assert_uint_eq(SP_BASE64_LEN(n), strlen(vectors[v].encoded));
        sp_base64_encode(guard_copy(vectors[v].plain, n), n, enc);
        ck_assert(!memcmp(enc, vectors[v].encoded, SP_BASE64_LEN(n)));

        uint8_t dec[16];
        sp_error e;
        size_t len = strlen(vectors[v].encoded);
        long got = sp_base64_decode(guard_copy(vectors[v].encoded, len), len, dec, sizeof dec, &e);
        ck_assert_int_eq(got, (long)n);
        ck_assert(!memcmp(dec, vectors[v].plain, n));
    }
}
END_TEST

START_TEST(round_trip_every_byte_and_length)
{
    uint8_t data[256], dec[256];
    char enc[SP_BASE64_LEN(256)];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(255 - i);
    for (size_t n = 0; n <= sizeof data; n++) {
        sp_base64_encode(data, n, enc);
        sp_error e;
        const char *g = guard_copy(enc, SP_BASE64_LEN(n));
        long got = sp_base64_decode(g, SP_BASE64_LEN(n), dec, n, &e);
        ck_assert_int_eq(got, (long)n);
        ck_assert(!memcmp(dec, data, n));
    }
}
END_TEST

static void expect_invalid(const char *s, size_t offset)
{
    uint8_t out[64];
    sp_error e = {0};
    long got = sp_base64_decode(guard_str(s), strlen(s), out, sizeof out, &e);
    ck_assert_msg(got == SP_EINVAL, "'%s' decoded to %ld", s, got);
    ck_assert_uint_eq(e.offset, offset);
    ck_assert_int_eq(e.status, 400);
    ck_assert_ptr_nonnull(e.reason);
}

START_TEST(strict_decoding)
{
    expect_invalid("Zg=", 3);       /* length not a multiple of 4 */
    expect_invalid("Zm9", 3);
    expect_invalid("Zm 9v", 5);
    expect_invalid("Zm9v\n", 5);
    expect_invalid("Zm 9", 2);      /* whitespace */
    expect_invalid("Z===", 1);      /* too much padding */
    expect_invalid("====", 0);
    expect_invalid("Zg==Zg==", 2);  /* padding in the middle */
    expect_invalid("Zh==", 1);      /* non-zero pad bits: 'h' leaves bits set */
    expect_invalid("Zm9=", 2);
    expect_invalid("Zm-v", 2);      /* URL-safe alphabet is not this one */
    expect_invalid("Zm_v", 2);
    char nul[] = "Zm\0v";
    uint8_t out[8];
    sp_error e;
    ck_assert_int_eq(sp_base64_decode(guard_copy(nul, 4), 4, out, sizeof out, &e), SP_EINVAL);
    ck_assert_uint_eq(e.offset, 2);
}
END_TEST

START_TEST(output_capacity_boundary)
{
    uint8_t out[6];
    sp_error e;
    ck_assert_int_eq(sp_base64_decode(guard_str("Zm9vYmFy"), 8, out, 6, &e), 6);
    ck_assert_int_eq(sp_base64_decode(guard_str("Zm9vYmFy"), 8, out, 5, &e), SP_ELIMIT);
    ck_assert_int_eq(sp_base64_decode(guard_str("Zm9vYg=="), 8, out, 4, &e), 4);
    ck_assert_int_eq(sp_base64_decode(guard_str("Zm9vYg=="), 8, out, 3, &e), SP_ELIMIT);
}
END_TEST

static Suite *base64_suite(void)
{
    Suite *s = suite_create("base64");
    TCase *tc = tcase_create("base64");
    tcase_add_test(tc, rfc4648_vectors);
    tcase_add_test(tc, round_trip_every_byte_and_length);
    tcase_add_test(tc, strict_decoding);
    tcase_add_test(tc, output_capacity_boundary);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(base64_suite)
