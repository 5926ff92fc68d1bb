/* test_sip_digest.c - RFC 2617 §3.5's example and the other forms, checked
 * against digests computed independently. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_digest.h"

#define NONCE "dcd98b7102dd2f0e8b11d0f600bfb0c093"

/* A guarded slice of a literal: reading past its end crashes. */
static sp_str g(const char *s)
{
    return sp_str_make(guard_str(s), strlen(s));
}

START_TEST(rfc2617_example)
{
    char ha1[SIP_DIGEST_HEX_SIZE], ha2[SIP_DIGEST_HEX_SIZE], resp[SIP_DIGEST_HEX_SIZE];
    sip_digest_ha1(SP_LIT("Mufasa"), SP_LIT("testrealm@host.com"), g("Circle Of Life"), ha1);
    ck_assert_str_eq(ha1, "939e7578ed9e3c518a452acee763bce9");
    sip_digest_ha2(SP_LIT("GET"), g("/dir/index.html"), ha2);
    ck_assert_str_eq(ha2, "39aff3a2bab6126f332b942af96d3366");
    sip_digest_response(ha1, SP_LIT(NONCE), SP_LIT("00000001"), SP_LIT("0a4f113b"), SP_LIT("auth"), ha2, resp);
    ck_assert_str_eq(resp, "6629fae49393a05397450978507c4ef1");
}
END_TEST

START_TEST(without_qop)
{
    char ha1[SIP_DIGEST_HEX_SIZE], ha2[SIP_DIGEST_HEX_SIZE], resp[SIP_DIGEST_HEX_SIZE];
    sip_digest_ha1(SP_LIT("Mufasa"), SP_LIT("testrealm@host.com"), SP_LIT("Circle Of Life"), ha1);
    sip_digest_ha2(SP_LIT("GET"), SP_LIT("/dir/index.html"), ha2);
    /* nc and cnonce are not part of the RFC 2069 form even when given */
    sip_digest_response(ha1, SP_LIT(NONCE), SP_LIT("00000001"), SP_LIT("0a4f113b"), SP_STR_NULL, ha2, resp);
    ck_assert_str_eq(resp, "670fd8c2df070c60b045671b8b24ff02");
}
END_TEST

START_TEST(compute_all_forms)
{
    sip_digest_input in = {
        .username = SP_LIT("Mufasa"), .realm = SP_LIT("testrealm@host.com"), .password = SP_LIT("Circle Of Life"),
        .method = SP_LIT("GET"), .uri = SP_LIT("/dir/index.html"), .nonce = SP_LIT(NONCE),
        .cnonce = SP_LIT("0a4f113b"), .nc = SP_LIT("00000001"), .qop = SP_LIT("auth"),
    };
    char resp[SIP_DIGEST_HEX_SIZE];
    ck_assert_int_eq(sip_digest_compute(&in, resp), 0);
    ck_assert_str_eq(resp, "6629fae49393a05397450978507c4ef1");

    in.algorithm = SP_LIT("md5");
    ck_assert_int_eq(sip_digest_compute(&in, resp), 0);
    ck_assert_str_eq(resp, "6629fae49393a05397450978507c4ef1");

    in.algorithm = SP_LIT("MD5-sess");
    ck_assert_int_eq(sip_digest_compute(&in, resp), 0);
    ck_assert_str_eq(resp, "8e3825c57e897f5a0dec6c2d4e5059d0");

    in.algorithm = SP_STR_NULL;
    in.qop = SP_LIT("auth-int");
    in.method = SP_LIT("INVITE");
    in.uri = SP_LIT("sip:bob@example.com");
    in.nc = SP_LIT("0000000a");
    in.body = SP_LIT("v=0\r\n");
    ck_assert_int_eq(sip_digest_compute(&in, resp), 0);
    ck_assert_str_eq(resp, "a27f9f285d46161bb83a2d925c500f72");

    in.qop = SP_LIT("auth-conf");
    ck_assert_int_eq(sip_digest_compute(&in, resp), SP_EINVAL);
    in.qop = SP_LIT("auth");
    in.algorithm = SP_LIT("SHA-256");
    ck_assert_int_eq(sip_digest_compute(&in, resp), SP_EINVAL);
}
END_TEST

START_TEST(sess_key_may_overwrite_its_input)
{
    char ha1[SIP_DIGEST_HEX_SIZE];
    sip_digest_ha1(SP_LIT("Mufasa"), SP_LIT("testrealm@host.com"), SP_LIT("Circle Of Life"), ha1);
    sip_digest_ha1_sess(ha1, SP_LIT(NONCE), SP_LIT("0a4f113b"), ha1);
    ck_assert_str_eq(ha1, "5edb191b66dce1584c16cb7e7346fcee");
}
END_TEST

START_TEST(empty_values_still_joined)
{
    char ha1[SIP_DIGEST_HEX_SIZE];
    sip_digest_ha1(SP_STR_NULL, sp_str_make("", 0), SP_STR_NULL, ha1);
    ck_assert_str_eq(ha1, "4501c091b0366d76ea3218b6cfdd8097"); /* MD5("::") */
}
END_TEST

START_TEST(nonce_count_and_cnonce)
{
    char nc[SIP_DIGEST_NC_SIZE];
    sip_digest_nc(1, nc);
    ck_assert_str_eq(nc, "00000001");
    sip_digest_nc(0xabcdef12u, nc);
    ck_assert_str_eq(nc, "abcdef12");
    sip_digest_nc(255, nc);
    ck_assert_str_eq(nc, "000000ff");

    char a[SIP_DIGEST_CNONCE_LEN + 1], b[SIP_DIGEST_CNONCE_LEN + 1];
    ck_assert_int_eq(sip_digest_cnonce(a), 0);
    ck_assert_int_eq(sip_digest_cnonce(b), 0);
    ck_assert_uint_eq(strlen(a), SIP_DIGEST_CNONCE_LEN);
    ck_assert_str_ne(a, b);
    for (size_t i = 0; i < SIP_DIGEST_CNONCE_LEN; i++)
        ck_assert_ptr_nonnull(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", a[i]));
}
END_TEST

static Suite *sip_digest_suite(void)
{
    Suite *s = suite_create("sip_digest");
    TCase *tc = tcase_create("digest");
    tcase_add_test(tc, rfc2617_example);
    tcase_add_test(tc, without_qop);
    tcase_add_test(tc, compute_all_forms);
    tcase_add_test(tc, sess_key_may_overwrite_its_input);
    tcase_add_test(tc, empty_values_still_joined);
    tcase_add_test(tc, nonce_count_and_cnonce);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_digest_suite)
