/* test_push_content_store.c - the content the PSA serves by reference: tokens
 * from the CSPRNG (at least 96 bits), gone at their expiration, and the
 * store's bounds at their boundary. */
#include <string.h>

#include "check_main.h"
#include "push_content_store.h"
#include "sp_error.h"
#include "sp_random.h"

#define T0 1000000

static push_content_store *s;
static char tok[PUSH_CONTENT_STORE_TOKEN_MAX + 1];

static void setup(void) { s = push_content_store_new(0, 0); }
static void teardown(void)
{
    push_content_store_free(s);
    sp_random_set_source(NULL, NULL);
}

static int put(const char *body, int64_t expires)
{
    return push_content_store_put(s, SP_LIT("text/plain"), sp_str_cstr(body), expires, T0, tok, sizeof tok);
}

START_TEST(token_is_random_and_long_enough)
{
    size_t want = sp_random_token_len(96, strlen(SP_RANDOM_ALNUM));
    char first[sizeof tok];
    ck_assert_int_eq(put("a", T0 + 60), 0);
    memcpy(first, tok, sizeof tok);
    ck_assert_uint_ge(strlen(first), want);
    ck_assert_uint_eq(strspn(first, SP_RANDOM_ALNUM), strlen(first));
    ck_assert_int_eq(put("b", T0 + 60), 0);
    ck_assert_str_ne(first, tok);
    push_content c;
    ck_assert(push_content_store_get(s, sp_str_cstr(first), T0, &c));
    ck_assert(sp_str_eq(c.body, SP_LIT("a")));
    ck_assert(sp_str_eq(c.type, SP_LIT("text/plain")));
    ck_assert(push_content_store_get(s, sp_str_cstr(tok), T0, &c) && sp_str_eq(c.body, SP_LIT("b")));
    /* a prefix of a token, or a token one character longer, is not it */
    ck_assert(!push_content_store_get(s, sp_str_make(tok, strlen(tok) - 1), T0, &c));
    char longer[sizeof tok + 1];
    memcpy(longer, tok, strlen(tok));
    longer[strlen(tok)] = 'A';
    longer[strlen(tok) + 1] = '\0';
    ck_assert(!push_content_store_get(s, sp_str_cstr(longer), T0, &c));
}
END_TEST

static int zeros(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    memset(buf, 0, n);
    return 0;
}

static int refuse(void *ctx, void *buf, size_t n)
{
    (void)ctx;
    (void)buf;
    (void)n;
    return 1;
}

START_TEST(token_comes_from_the_csprng)
{
    /* the token is what the random source gives: a constant source, a constant token */
    sp_random_set_source(zeros, NULL);
    ck_assert_int_eq(put("a", T0 + 60), 0);
    char first[sizeof tok];
    memcpy(first, tok, sizeof tok);
    ck_assert_int_eq(put("b", T0 + 60), 0);
    ck_assert_str_eq(first, tok);
    /* no randomness: nothing kept */
    sp_random_set_source(refuse, NULL);
    ck_assert_int_lt(put("c", T0 + 60), 0);
    ck_assert_uint_eq(push_content_store_count(s), 2);
}
END_TEST

START_TEST(gone_at_its_expiration)
{
    ck_assert_int_eq(put("x", T0 + 10), 0);
    push_content c;
    ck_assert(push_content_store_get(s, sp_str_cstr(tok), T0 + 9, &c));
    ck_assert_int_eq(c.expires, T0 + 10);
    ck_assert(!push_content_store_get(s, sp_str_cstr(tok), T0 + 10, &c));
    ck_assert_uint_eq(push_content_store_count(s), 0);
    ck_assert_uint_eq(push_content_store_bytes(s), 0);
    /* put already expired: gone at the next look */
    ck_assert_int_eq(put("y", T0), 0);
    ck_assert(!push_content_store_get(s, sp_str_cstr(tok), T0, &c));
}
END_TEST

START_TEST(bounded_in_pieces)
{
    push_content_store_free(s);
    s = push_content_store_new(3, 0);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(put("p", T0 + 10), 0);
    ck_assert_int_eq(put("p", T0 + 10), SP_ELIMIT);
    ck_assert_uint_eq(push_content_store_count(s), 3);
    /* the expired make room */
    ck_assert_int_eq(push_content_store_put(s, SP_LIT("t/x"), SP_LIT("p"), T0 + 20, T0 + 10, tok, sizeof tok), 0);
    ck_assert_uint_eq(push_content_store_count(s), 1);
}
END_TEST

START_TEST(bounded_in_bytes)
{
    push_content_store_free(s);
    s = push_content_store_new(0, 10);
    ck_assert_int_eq(put("123456", T0 + 10), 0);
    ck_assert_int_eq(put("12345", T0 + 10), SP_ELIMIT); /* 11 bytes */
    ck_assert_int_eq(put("1234", T0 + 10), 0);          /* 10 bytes: the limit */
    ck_assert_uint_eq(push_content_store_bytes(s), 10);
    ck_assert_int_eq(put("1", T0 + 10), SP_ELIMIT);
    ck_assert_int_eq(put("", T0 + 10), 0);              /* empty content takes no bytes */
    ck_assert_uint_eq(push_content_store_count(s), 3);
}
END_TEST

START_TEST(token_buffer_bound)
{
    size_t tlen = sp_random_token_len(PUSH_CONTENT_STORE_TOKEN_BITS, strlen(SP_RANDOM_ALNUM));
    char small[PUSH_CONTENT_STORE_TOKEN_MAX + 1];
    ck_assert_int_eq(push_content_store_put(s, SP_LIT("t/x"), SP_LIT("b"), T0 + 10, T0, small, tlen), SP_ENOSPC);
    ck_assert_uint_eq(push_content_store_count(s), 0);
    ck_assert_int_eq(push_content_store_put(s, SP_LIT("t/x"), SP_LIT("b"), T0 + 10, T0, small, tlen + 1), 0);
    ck_assert_uint_eq(strlen(small), tlen);
}
END_TEST

START_TEST(content_is_a_copy)
{
    char body[] = "original";
    ck_assert_int_eq(push_content_store_put(s, SP_LIT("t/x"), sp_str_cstr(body), T0 + 10, T0, tok, sizeof tok), 0);
    memset(body, 'X', strlen(body));
    push_content c;
    ck_assert(push_content_store_get(s, sp_str_cstr(tok), T0, &c) && sp_str_eq(c.body, SP_LIT("original")));
}
END_TEST

static Suite *content_store_suite(void)
{
    Suite *su = suite_create("push_content_store");
    TCase *tc = tcase_create("store");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, token_is_random_and_long_enough);
    tcase_add_test(tc, token_comes_from_the_csprng);
    tcase_add_test(tc, gone_at_its_expiration);
    tcase_add_test(tc, bounded_in_pieces);
    tcase_add_test(tc, bounded_in_bytes);
    tcase_add_test(tc, token_buffer_bound);
    tcase_add_test(tc, content_is_a_copy);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(content_store_suite)
