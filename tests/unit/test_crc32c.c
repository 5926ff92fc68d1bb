/* test_crc32c.c - CRC-32C against the check value and RFC 3720 B.4. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sp_crc32c.h"

START_TEST(check_value)
{
    ck_assert_uint_eq(sp_crc32c(0, guard_copy("123456789", 9), 9), 0xE3069283u);
    ck_assert_uint_eq(sp_crc32c(0, "", 0), 0);
}
END_TEST

/* RFC 3720 B.4: 32 bytes of zeros, of 0xFF, and ascending 0..31. */
START_TEST(iscsi_vectors)
{
    unsigned char b[32];
    memset(b, 0, sizeof b);
    ck_assert_uint_eq(sp_crc32c(0, b, sizeof b), 0x8A9136AAu);
    memset(b, 0xff, sizeof b);
    ck_assert_uint_eq(sp_crc32c(0, b, sizeof b), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        b[i] = (unsigned char)i;
    ck_assert_uint_eq(sp_crc32c(0, b, sizeof b), 0x46DD794Eu);
}
END_TEST

START_TEST(continues_across_splits)
{
    const char *s = "the journal's record, in two parts";
    size_t n = strlen(s);
    uint32_t whole = sp_crc32c(0, s, n);
    for (size_t i = 0; i <= n; i++)
        ck_assert_uint_eq(sp_crc32c(sp_crc32c(0, s, i), s + i, n - i), whole);
}
END_TEST

static Suite *crc32c_suite(void)
{
    Suite *s = suite_create("crc32c");
    TCase *t = tcase_create("crc32c");
    tcase_add_test(t, check_value);
    tcase_add_test(t, iscsi_vectors);
    tcase_add_test(t, continues_across_splits);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(crc32c_suite)
