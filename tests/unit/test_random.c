/* test_random.c - random bytes and tokens: lengths, alphabet, spread; the
 * generator after fork; an injected source, failing. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
    ck_assert_int_eq(sp_random_token(t, 5, ""), -EINVAL);
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

/* Small draws come from the generator: many of them never repeat, and
 * every byte value shows up among them. */
START_TEST(small_draws_differ)
{
    static uint64_t v[4096];
    unsigned seen[256] = {0};
    size_t failed = 0, repeats = 0; /* counted, asserted once: a check per pair costs a pipe write */
    for (size_t i = 0; i < 4096; i++) {
        failed += sp_random_bytes(&v[i], sizeof v[i]) != 0;
        for (int b = 0; b < 8; b++)
            seen[(v[i] >> (8 * b)) & 0xff]++;
        for (size_t j = i >= 64 ? i - 64 : 0; j < i; j++)
            repeats += v[i] == v[j];
    }
    ck_assert_uint_eq(failed, 0);
    ck_assert_uint_eq(repeats, 0);
    for (int b = 0; b < 256; b++)
        ck_assert_uint_gt(seen[b], 0);
}
END_TEST

/* A child of fork() draws its own bytes, not its parent's next ones. */
START_TEST(fork_child_does_not_repeat_the_parent)
{
    uint64_t warm, mine, theirs;
    ck_assert_int_eq(sp_random_bytes(&warm, sizeof warm), 0);
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        uint64_t v = 0;
        sp_random_bytes(&v, sizeof v);
        _exit(write(fd[1], &v, sizeof v) == sizeof v ? 0 : 1);
    }
    ck_assert_int_eq(sp_random_bytes(&mine, sizeof mine), 0);
    ck_assert_int_eq(read(fd[0], &theirs, sizeof theirs), (int)sizeof theirs);
    int status;
    waitpid(pid, &status, 0);
    close(fd[0]);
    close(fd[1]);
    ck_assert(mine != theirs);
}
END_TEST

static int refuse(void *ctx, void *buf, size_t n)
{
    (void)buf, (void)n;
    ++*(int *)ctx;
    return -1;
}

static int fixed(void *ctx, void *buf, size_t n)
{
    memset(buf, *(int *)ctx, n);
    return 0;
}

START_TEST(an_injected_source_is_used_and_may_fail)
{
    int calls = 0;
    uint8_t b[16];
    char t[13];
    sp_random_set_source(refuse, &calls);
    ck_assert_int_eq(sp_random_bytes(b, sizeof b), -EIO);
    ck_assert_int_eq(sp_random_bytes(b, 1000), -EIO);
    ck_assert_int_eq(sp_random_token(t, 12, SP_RANDOM_ALNUM), -EIO);
    ck_assert_int_eq(calls, 3);
    int fill = 7;
    sp_random_set_source(fixed, &fill);
    ck_assert_int_eq(sp_random_bytes(b, sizeof b), 0);
    ck_assert_int_eq(b[0], 7);
    ck_assert_int_eq(b[15], 7);
    sp_random_set_source(NULL, NULL);
    ck_assert_int_eq(sp_random_bytes(b, sizeof b), 0);
    ck_assert_int_eq(sp_random_token(t, 12, SP_RANDOM_ALNUM), 0);
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
    tcase_add_test(tc, small_draws_differ);
    tcase_add_test(tc, fork_child_does_not_repeat_the_parent);
    tcase_add_test(tc, an_injected_source_is_used_and_may_fail);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(random_suite)
