/* test_random.c - random bytes and tokens: lengths, alphabet, spread. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "check_main.h"
#include "sp_random.h"

START_TEST(bytes_fill_and_differ)
{
    uint8_t a[4096 + 3], b[sizeof a];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    ck_assert_int_eq(sp_random_bytes(a, sizeof a), 0);
    ck_assert_int_eq(sp_random_bytes(b, sizeof b), 0);
    ck_assert(memcmp(a, b, sizeof a) != 0);
    /* Every byte value should show up in 4 KiB (missing one has odds ~1e-7). */
    unsigned seen[256] = {0};
    for (size_t i = 0; i < sizeof a; i++)
        seen[a[i]]++;
    size_t distinct = 0;
    for (int v = 0; v < 256; v++)
        distinct += seen[v] != 0;
    ck_assert_uint_ge(distinct, 250);
    ck_assert_int_eq(sp_random_bytes(a, 0), 0);
}
END_TEST

START_TEST(tokens_use_only_the_alphabet)
{
    char t[201];
    memset(t, 'x', sizeof t);
    ck_assert_int_eq(sp_random_token(t, 200, "ab7"), 0);
    ck_assert_uint_eq(strlen(t), 200);
    unsigned count[3] = {0};
    for (int i = 0; i < 200; i++) {
        const char *at = strchr("ab7", t[i]);
        ck_assert_ptr_nonnull(at);
        count[at - "ab7"]++;
    }
    for (int k = 0; k < 3; k++) /* each near 67 of 200; 20 is far below chance */
        ck_assert_uint_gt(count[k], 20);

    char empty[1] = {'x'};
    ck_assert_int_eq(sp_random_token(empty, 0, SP_RANDOM_ALNUM), 0);
    ck_assert_int_eq(empty[0], '\0');
    errno = 0;
    ck_assert_int_eq(sp_random_token(t, 5, ""), -1);
    ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(tokens_are_not_all_equal)
{
    size_t n = sp_random_token_len(80, strlen(SP_RANDOM_ALNUM));
    char a[32], b[32];
    ck_assert_int_eq(sp_random_token(a, n, SP_RANDOM_ALNUM), 0);
    ck_assert_int_eq(sp_random_token(b, n, SP_RANDOM_ALNUM), 0);
    ck_assert_str_ne(a, b);
    bool varied = false;
    for (size_t i = 1; i < n; i++)
        varied |= a[i] != a[0];
    ck_assert(varied);
}
END_TEST

START_TEST(token_length_for_bits)
{
    ck_assert_uint_eq(sp_random_token_len(80, 62), 14); /* 13 * 5.954 = 77.4 < 80 */
    ck_assert_uint_eq(sp_random_token_len(80, 64), 14); /* 6 bits each: 13.33 */
    ck_assert_uint_eq(sp_random_token_len(84, 64), 14); /* exactly 14 */
    ck_assert_uint_eq(sp_random_token_len(32, 16), 8);
    ck_assert_uint_eq(sp_random_token_len(33, 16), 9);
    ck_assert_uint_eq(sp_random_token_len(8, 256), 1);
    ck_assert_uint_eq(sp_random_token_len(0, 62), 0);
    ck_assert_uint_eq(sp_random_token_len(80, 1), 0);
}
END_TEST

static Suite *random_suite(void)
{
    Suite *s = suite_create("random");
    TCase *tc = tcase_create("random");
    tcase_add_test(tc, bytes_fill_and_differ);
    tcase_add_test(tc, tokens_use_only_the_alphabet);
    tcase_add_test(tc, tokens_are_not_all_equal);
    tcase_add_test(tc, token_length_for_bits);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(random_suite)
