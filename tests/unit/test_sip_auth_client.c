/* test_sip_auth_client.c - the Digest client: RFC 2617 §3.5's example,
 * no qop, nonce counts, several realms, proxies, when to stop. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_auth_client.h"
#include "sp_hex.h"
#include "sp_md5.h"

typedef struct parsed {
    sip_msg m;
    sip_header h[32];
} parsed;

static void parse_resp(parsed *p, unsigned status, const char *auth_headers)
{
    static char text[2048];
    snprintf(text, sizeof text,
             "SIP/2.0 %u Challenge\r\n"
             "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa\r\n"
             "From: <sip:alice@example.com>;tag=a\r\n"
             "To: <sip:alice@example.com>;tag=b\r\n"
             "Call-ID: reg\r\n"
             "CSeq: 1 REGISTER\r\n"
             "%s"
             "Content-Length: 0\r\n\r\n",
             status, auth_headers);
    size_t n = strlen(text);
    const char *g = guard_copy(text, n);
    ck_assert_int_ge(sip_msg_parse(g, n, &p->m, p->h, 32, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
}

static const sip_credentials MUFASA = {.username = SP_LIT("Mufasa"), .password = SP_LIT("Circle Of Life")};

START_TEST(rfc2617_example)
{
    sip_auth_client a;
    sip_auth_client_init(&a, &MUFASA, 1);
    a.fixed_cnonce = SP_LIT("0a4f113b");
    parsed r;
    parse_resp(&r, 401,
               "WWW-Authenticate: Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\",\r\n"
               " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    char out[1024];
    long n = sip_auth_client_headers(&a, SP_LIT("GET"), SP_LIT("/dir/index.html"), out, sizeof out);
    ck_assert_int_gt(n, 0);
    out[n] = 0;
    /* §3.5 of RFC 2617 */
    ck_assert(strstr(out, "Authorization: Digest username=\"Mufasa\", realm=\"testrealm@host.com\"") == out);
    ck_assert_ptr_nonnull(strstr(out, "response=\"6629fae49393a05397450978507c4ef1\""));
    ck_assert_ptr_nonnull(strstr(out, "nc=00000001"));
    ck_assert_ptr_nonnull(strstr(out, "cnonce=\"0a4f113b\""));
    ck_assert_ptr_nonnull(strstr(out, "qop=auth,"));
    ck_assert_ptr_nonnull(strstr(out, "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""));
    ck_assert(!strcmp(out + n - 2, "\r\n"));
    /* the next request with the same nonce counts one more */
    n = sip_auth_client_headers(&a, SP_LIT("GET"), SP_LIT("/dir/index.html"), out, sizeof out);
    out[n] = 0;
    ck_assert_ptr_nonnull(strstr(out, "nc=00000002"));
    ck_assert_ptr_null(strstr(out, "6629fae49393a05397450978507c4ef1"));
    ck_assert_int_eq(sip_auth_client_headers(&a, SP_LIT("GET"), SP_LIT("/"), out, 20), SP_ENOSPC);
}
END_TEST

/* MD5 hex of a string, computed here without the digest module. */
static void md5_hex(const char *s, char out[33])
{
    uint8_t d[SP_MD5_LEN];
    sp_md5(s, strlen(s), d);
    sp_hex_encode(d, sizeof d, out);
    out[32] = 0;
}

START_TEST(no_qop_uses_the_rfc2069_form)
{
    sip_credentials c = {.realm = SP_LIT("example.com"), .username = SP_LIT("alice"), .password = SP_LIT("s3cret")};
    sip_auth_client a;
    sip_auth_client_init(&a, &c, 1);
    parsed r;
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"example.com\", nonce=\"abc123\", algorithm=MD5\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    char out[1024];
    long n = sip_auth_client_headers(&a, SP_LIT("REGISTER"), SP_LIT("sip:example.com"), out, sizeof out);
    out[n] = 0;
    char ha1[33], ha2[33], want[33], line[256];
    md5_hex("alice:example.com:s3cret", ha1);
    md5_hex("REGISTER:sip:example.com", ha2);
    snprintf(line, sizeof line, "%s:abc123:%s", ha1, ha2);
    md5_hex(line, want);
    char expect[64];
    snprintf(expect, sizeof expect, "response=\"%s\"", want);
    ck_assert_ptr_nonnull(strstr(out, expect));
    ck_assert_ptr_null(strstr(out, "cnonce"));
    ck_assert_ptr_null(strstr(out, "nc="));
    ck_assert_ptr_null(strstr(out, "opaque"));
}
END_TEST

START_TEST(same_nonce_again_means_wrong_credentials)
{
    sip_auth_client a;
    sip_auth_client_init(&a, &MUFASA, 1);
    parsed r;
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\", qop=\"auth\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    /* stale=true with a new nonce: try again, the count starts over */
    char out[1024];
    sip_auth_client_headers(&a, SP_LIT("REGISTER"), SP_LIT("sip:r"), out, sizeof out);
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=TRUE\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    long n = sip_auth_client_headers(&a, SP_LIT("REGISTER"), SP_LIT("sip:r"), out, sizeof out);
    out[n] = 0;
    ck_assert_ptr_nonnull(strstr(out, "nonce=\"n2\""));
    ck_assert_ptr_nonnull(strstr(out, "nc=00000001"));
    /* the same nonce without stale: stop */
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"r\", nonce=\"n2\", qop=\"auth\", stale=false\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), SIP_AUTH_EFAILED);
}
END_TEST

START_TEST(a_server_changing_nonces_forever_is_stopped)
{
    sip_auth_client a;
    sip_auth_client_init(&a, &MUFASA, 1);
    parsed r;
    char hdr[128];
    int rc = 0, i;
    for (i = 0; i < 10 && rc == 0; i++) {
        snprintf(hdr, sizeof hdr, "WWW-Authenticate: Digest realm=\"r\", nonce=\"n%d\"\r\n", i);
        parse_resp(&r, 401, hdr);
        rc = sip_auth_client_challenge(&a, &r.m);
    }
    ck_assert_int_eq(rc, SIP_AUTH_EFAILED);
    ck_assert_int_eq(i, SIP_AUTH_MAX_TRIES + 1); /* the limit passes, one more fails */
    /* after a success the count starts again */
    sip_auth_client_accepted(&a);
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"r\", nonce=\"fresh\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
}
END_TEST

START_TEST(several_realms_and_proxies)
{
    sip_credentials creds[] = {
        {.realm = SP_LIT("home.example"), .username = SP_LIT("u1"), .password = SP_LIT("p1")},
        {.realm = SP_LIT("proxy.example"), .username = SP_LIT("u2"), .password = SP_LIT("p2")},
    };
    sip_auth_client a;
    sip_auth_client_init(&a, creds, 2);
    parsed r;
    parse_resp(&r, 407,
               "Proxy-Authenticate: Digest realm=\"proxy.example\", nonce=\"pn\", qop=\"auth\"\r\n"
               "Proxy-Authenticate: Digest realm=\"nobody.example\", nonce=\"xx\"\r\n"
               "Proxy-Authenticate: Basic realm=\"proxy.example\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"home.example\", nonce=\"hn\", algorithm=MD5-sess, "
                        "qop=\"auth\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    char out[2048];
    long n = sip_auth_client_headers(&a, SP_LIT("INVITE"), SP_LIT("sip:bob@home.example"), out, sizeof out);
    out[n] = 0;
    ck_assert(strstr(out, "Proxy-Authorization: Digest username=\"u2\", realm=\"proxy.example\"") == out);
    ck_assert_ptr_nonnull(strstr(out, "\r\nAuthorization: Digest username=\"u1\", realm=\"home.example\""));
    ck_assert_ptr_nonnull(strstr(out, "algorithm=MD5-sess"));
    ck_assert_ptr_null(strstr(out, "nobody.example"));
    /* realms nobody has credentials for */
    sip_auth_client b;
    sip_auth_client_init(&b, creds, 2);
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"nobody.example\", nonce=\"xx\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&b, &r.m), SIP_AUTH_ENOCREDS);
    /* nothing this client can answer */
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"home.example\", nonce=\"x\", qop=\"auth-int\"\r\n"
                        "WWW-Authenticate: Digest realm=\"home.example\", nonce=\"x\", algorithm=SHA-256\r\n"
                        "WWW-Authenticate: Digest nonce=\"x\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&b, &r.m), SP_EINVAL);
    parse_resp(&r, 403, "");
    ck_assert_int_eq(sip_auth_client_challenge(&b, &r.m), SP_EINVAL);
}
END_TEST

START_TEST(oversized_or_unsafe_values_are_not_kept)
{
    sip_auth_client a;
    sip_auth_client_init(&a, &MUFASA, 1);
    char hdr[1024], nonce[SIP_AUTH_NONCE_MAX + 1];
    memset(nonce, 'n', sizeof nonce - 1);
    nonce[SIP_AUTH_NONCE_MAX] = 0;
    snprintf(hdr, sizeof hdr, "WWW-Authenticate: Digest realm=\"r\", nonce=\"%s\"\r\n", nonce);
    parsed r;
    parse_resp(&r, 401, hdr);
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), SP_EINVAL);
    nonce[SIP_AUTH_NONCE_MAX - 1] = 0; /* the longest kept */
    snprintf(hdr, sizeof hdr, "WWW-Authenticate: Digest realm=\"r\", nonce=\"%s\"\r\n", nonce);
    parse_resp(&r, 401, hdr);
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), 0);
    sip_auth_client_init(&a, &MUFASA, 1);
    parse_resp(&r, 401, "WWW-Authenticate: Digest realm=\"r\", nonce=\"a\\\"b\"\r\n");
    ck_assert_int_eq(sip_auth_client_challenge(&a, &r.m), SP_EINVAL);
}
END_TEST

static Suite *auth_client_suite(void)
{
    Suite *s = suite_create("sip_auth_client");
    TCase *tc = tcase_create("digest");
    tcase_add_test(tc, rfc2617_example);
    tcase_add_test(tc, no_qop_uses_the_rfc2069_form);
    tcase_add_test(tc, same_nonce_again_means_wrong_credentials);
    tcase_add_test(tc, a_server_changing_nonces_forever_is_stopped);
    tcase_add_test(tc, several_realms_and_proxies);
    tcase_add_test(tc, oversized_or_unsafe_values_are_not_kept);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(auth_client_suite)
