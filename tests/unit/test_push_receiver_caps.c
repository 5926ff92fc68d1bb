/* test_push_receiver_caps.c - what the PSA keeps of receivers' OPTIONS
 * answers (which are kept, the table's bound and replacement, the Accept
 * limit at its boundary) and the Accept matching a push's type is checked
 * with (RFC 3261 §20.1, RFC 9110 §12.4.2). */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "push_receiver_caps.h"

static push_psa_caps answer(unsigned status, const char *accept)
{
    return (push_psa_caps){.status = status, .accept = accept ? sp_str_cstr(accept) : SP_STR_NULL};
}

START_TEST(kept_from_a_2xx_with_accept)
{
    push_receiver_caps *rc = push_receiver_caps_new(0);
    push_psa_caps ok = answer(200, "text/plain, image/*");
    ck_assert_ptr_null(push_receiver_caps_accept(rc, SP_LIT("sip:a@x")));
    push_receiver_caps_put(rc, SP_LIT("sip:a@x"), &ok);
    ck_assert_str_eq(push_receiver_caps_accept(rc, SP_LIT("sip:a@x")), "text/plain, image/*");
    ck_assert_ptr_null(push_receiver_caps_accept(rc, SP_LIT("sip:b@x")));
    /* a later answer replaces the earlier */
    push_psa_caps later = answer(202, "application/xml");
    push_receiver_caps_put(rc, SP_LIT("sip:a@x"), &later);
    ck_assert_str_eq(push_receiver_caps_accept(rc, SP_LIT("sip:a@x")), "application/xml");
    /* a failure, a provisional, and a 2xx without Accept say nothing of types */
    push_psa_caps no[] = {answer(404, "text/plain"), answer(180, "text/plain"), answer(300, "text/plain"),
                          answer(200, NULL), answer(200, "")};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        push_receiver_caps_put(rc, SP_LIT("sip:a@x"), &no[i]);
    ck_assert_str_eq(push_receiver_caps_accept(rc, SP_LIT("sip:a@x")), "application/xml");
    push_receiver_caps_free(rc);
}
END_TEST

START_TEST(accept_limit_boundary)
{
    push_receiver_caps *rc = push_receiver_caps_new(0);
    char accept[PUSH_RECEIVER_CAPS_ACCEPT_MAX + 1];
    memset(accept, 'a', sizeof accept - 1);
    accept[PUSH_RECEIVER_CAPS_ACCEPT_MAX - 1] = '\0'; /* the longest kept */
    push_psa_caps c = answer(200, accept);
    push_receiver_caps_put(rc, SP_LIT("sip:fits@x"), &c);
    ck_assert_uint_eq(strlen(push_receiver_caps_accept(rc, SP_LIT("sip:fits@x"))), PUSH_RECEIVER_CAPS_ACCEPT_MAX - 1);
    accept[PUSH_RECEIVER_CAPS_ACCEPT_MAX - 1] = 'a';
    accept[PUSH_RECEIVER_CAPS_ACCEPT_MAX] = '\0';
    c = answer(200, accept);
    push_receiver_caps_put(rc, SP_LIT("sip:over@x"), &c);
    ck_assert_ptr_null(push_receiver_caps_accept(rc, SP_LIT("sip:over@x")));
    /* a URI too long for the table is not kept either */
    char uri[PUSH_URI_MAX + 1];
    memset(uri, 'u', PUSH_URI_MAX);
    uri[PUSH_URI_MAX] = '\0';
    c = answer(200, "text/plain");
    push_receiver_caps_put(rc, sp_str_cstr(uri), &c);
    ck_assert_ptr_null(push_receiver_caps_accept(rc, sp_str_cstr(uri)));
    uri[PUSH_URI_MAX - 1] = '\0';
    push_receiver_caps_put(rc, sp_str_cstr(uri), &c);
    ck_assert_str_eq(push_receiver_caps_accept(rc, sp_str_cstr(uri)), "text/plain");
    push_receiver_caps_free(rc);
}
END_TEST

START_TEST(bounded_the_oldest_replaced)
{
    push_receiver_caps *rc = push_receiver_caps_new(2);
    push_psa_caps c = answer(200, "text/plain");
    push_receiver_caps_put(rc, SP_LIT("sip:a@x"), &c);
    push_receiver_caps_put(rc, SP_LIT("sip:b@x"), &c);
    push_receiver_caps_put(rc, SP_LIT("sip:a@x"), &c); /* a learnt again: b is now the oldest */
    push_receiver_caps_put(rc, SP_LIT("sip:c@x"), &c);
    ck_assert_ptr_nonnull(push_receiver_caps_accept(rc, SP_LIT("sip:a@x")));
    ck_assert_ptr_null(push_receiver_caps_accept(rc, SP_LIT("sip:b@x")));
    ck_assert_ptr_nonnull(push_receiver_caps_accept(rc, SP_LIT("sip:c@x")));
    push_receiver_caps_free(rc);
    /* 0: the default bound */
    rc = push_receiver_caps_new(0);
    char uri[32];
    for (unsigned i = 0; i <= PUSH_RECEIVER_CAPS_MAX_DEFAULT; i++) {
        snprintf(uri, sizeof uri, "sip:u%u@x", i);
        push_receiver_caps_put(rc, sp_str_cstr(uri), &c);
    }
    ck_assert_ptr_null(push_receiver_caps_accept(rc, SP_LIT("sip:u0@x")));
    ck_assert_ptr_nonnull(push_receiver_caps_accept(rc, SP_LIT("sip:u1@x")));
    snprintf(uri, sizeof uri, "sip:u%u@x", PUSH_RECEIVER_CAPS_MAX_DEFAULT);
    ck_assert_ptr_nonnull(push_receiver_caps_accept(rc, sp_str_cstr(uri)));
    push_receiver_caps_free(rc);
}
END_TEST

static bool takes(const char *accept, const char *type)
{
    return push_receiver_caps_takes(sp_str_cstr(accept), sp_str_cstr(type));
}

START_TEST(accept_matching)
{
    ck_assert(takes("text/plain", "text/plain"));
    ck_assert(takes("TEXT/Plain", "text/PLAIN"));                 /* case-insensitive */
    ck_assert(takes("text/plain", "text/plain; charset=utf-8"));   /* parameters aside */
    ck_assert(takes("text/plain;level=1", "text/plain"));
    ck_assert(takes("application/xml, text/plain", "text/plain"));
    ck_assert(takes(" application/xml ,  text/plain ", "text/plain"));
    ck_assert(takes("image/*", "image/png"));
    ck_assert(!takes("image/*", "imagex/png"));
    ck_assert(!takes("image/*", "text/png"));
    ck_assert(takes("*/*", "application/vnd.wap.sic"));
    ck_assert(!takes("text/plain", "text/html"));
    ck_assert(!takes("text/plain", "text/plainx"));
    ck_assert(!takes("text/plainx", "text/plain"));
    ck_assert(!takes("", "text/plain"));
    /* q=0 is not an acceptance; any other weight is */
    ck_assert(!takes("text/plain;q=0", "text/plain"));
    ck_assert(!takes("text/plain; q=0.000", "text/plain"));
    ck_assert(!takes("image/*;Q=0", "image/png"));
    ck_assert(!takes("*/*;q=0", "image/png"));
    ck_assert(takes("text/plain;q=0.5", "text/plain"));
    ck_assert(takes("text/plain;q=0.001", "text/plain"));
    ck_assert(takes("text/plain;level=1;q=1", "text/plain"));
    ck_assert(takes("image/png;q=0, image/*", "image/png"));
}
END_TEST

static Suite *receiver_caps_suite(void)
{
    Suite *s = suite_create("push_receiver_caps");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, kept_from_a_2xx_with_accept);
    tcase_add_test(tc, accept_limit_boundary);
    tcase_add_test(tc, bounded_the_oldest_replaced);
    suite_add_tcase(s, tc);
    TCase *m = tcase_create("matching");
    tcase_add_test(m, accept_matching);
    suite_add_tcase(s, m);
    return s;
}

CHECK_MAIN(receiver_caps_suite)
