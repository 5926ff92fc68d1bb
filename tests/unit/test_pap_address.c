/* test_pap_address.c - PPG client addresses to URIs, the push application
 * of X-Wap-Application-Id, and the fate of each content entity header. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_pap.h"

static const char *uri_of(const char *addr, const char *domain)
{
    static char out[PUSH_PAP_URI_MAX + 1];
    size_t n = push_pap_address_to_uri(sp_str_make(guard_str(addr), strlen(addr)), sp_str_cstr(domain), out, sizeof out);
    if (!n)
        return NULL;
    ck_assert_uint_eq(n, strlen(out));
    return out;
}

static void expect_uri(const char *addr, const char *domain, const char *want)
{
    const char *got = uri_of(addr, domain);
    ck_assert_msg(got && !strcmp(got, want), "%s: got %s, want %s", addr, got ? got : "(refused)", want);
}

START_TEST(user_addresses)
{
    expect_uri("WAPPUSH=sip:alice%40example.com/TYPE=USER@ppg.example.com", NULL, "sip:alice@example.com");
    expect_uri("WAPPUSH=sip:alice@example.com/TYPE=USER@ppg.example.com", NULL, "sip:alice@example.com");
    expect_uri("WAPPUSH=sips:bob%40example.com;transport=tls/TYPE=USER@ppg", NULL, "sips:bob@example.com;transport=tls");
    expect_uri("WAPPUSH=tel:+15551234567/TYPE=USER@ppg", NULL, "tel:+15551234567");
    expect_uri("wappush=SIP:a%2eb@x/type=user@ppg", NULL, "SIP:a.b@x");
    /* The domain only applies to PLMN numbers. */
    expect_uri("WAPPUSH=sip:a@b/TYPE=USER@ppg", "example.net", "sip:a@b");
}
END_TEST

START_TEST(plmn_addresses)
{
    expect_uri("WAPPUSH=+358408676001/TYPE=PLMN@ppg.carrier.com", NULL, "tel:+358408676001");
    expect_uri("WAPPUSH=+358408676001/TYPE=PLMN@ppg.carrier.com", "ims.example.com",
               "sip:+358408676001@ims.example.com;user=phone");
    expect_uri("WAPPUSH=%2B1/TYPE=PLMN@ppg", NULL, "tel:+1");
    expect_uri("WAPPUSH=+123456789012345/TYPE=PLMN@ppg", NULL, "tel:+123456789012345"); /* 15 digits */
    ck_assert_ptr_null(uri_of("WAPPUSH=+1234567890123456/TYPE=PLMN@ppg", NULL));     /* 16 */
    ck_assert_ptr_null(uri_of("WAPPUSH=358408676001/TYPE=PLMN@ppg", NULL));
    ck_assert_ptr_null(uri_of("WAPPUSH=+/TYPE=PLMN@ppg", NULL));
    ck_assert_ptr_null(uri_of("WAPPUSH=+35-84/TYPE=PLMN@ppg", NULL));
}
END_TEST

START_TEST(other_addresses_refused)
{
    static const char *const bad[] = {
        "",
        "sip:alice@example.com",
        "WAPPUSH=sip:a@b/TYPE=USER",        /* no ppg part: the last '@' is the client's */
        "WAPPUSH=sip:a/TYPE=USER@",         /* empty ppg part */
        "WAPPUSH=sip:a/TYPE=USER@pp g",
        "WAPPUSH=sip:a/TYPE=USER@ppg/x",
        "WAPPUSH=1.2.3.4/TYPE=IPv4@ppg",
        "WAPPUSH=::1/TYPE=IPv6@ppg",
        "WAPPUSH=x/TYPE=user-defined@ppg",
        "WAPPUSH=/TYPE=USER@ppg",
        "WAPPUSH=mailto:a%40b/TYPE=USER@ppg",
        "WAPPUSH=sip:/TYPE=USER@ppg",
        "WAPPUSH=tel:/TYPE=USER@ppg",
        "WAPPUSH=sip:a%4/TYPE=USER@ppg",
        "WAPPUSH=sip:a%zz/TYPE=USER@ppg",
        "WAPPUSH=sip:a%20b/TYPE=USER@ppg",   /* a space once decoded */
        "WAPPUSH=sip:a%0d%0aX:y/TYPE=USER@ppg",
        "WAPPUSH=sip:a%3eb/TYPE=USER@ppg",
        "WAPPUSH=sip:a\"b/TYPE=USER@ppg",
        "WAPPUSHsip:a/TYPE=USER@ppg",
        "TYPE=USER@ppg",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!uri_of(bad[i], NULL), "%s accepted", bad[i]);
    ck_assert_uint_eq(push_pap_address_to_uri(SP_STR_NULL, SP_STR_NULL, NULL, 0), 0);
}
END_TEST

START_TEST(address_output_bounds)
{
    const char *a = "WAPPUSH=sip:ab@c/TYPE=USER@ppg";
    char out[16];
    ck_assert_uint_eq(push_pap_address_to_uri(sp_str_cstr(a), SP_STR_NULL, out, 9), 8); /* "sip:ab@c" + NUL fits... */
    ck_assert_str_eq(out, "sip:ab@c");
    ck_assert_uint_eq(push_pap_address_to_uri(sp_str_cstr(a), SP_STR_NULL, out, 8), 0);  /* ...one less does not */
    const char *p = "WAPPUSH=+12/TYPE=PLMN@ppg";
    ck_assert_uint_eq(push_pap_address_to_uri(sp_str_cstr(p), SP_STR_NULL, out, 8), 7);
    ck_assert_uint_eq(push_pap_address_to_uri(sp_str_cstr(p), SP_STR_NULL, out, 7), 0);
}
END_TEST

static void expect_app(const char *value, const char *want)
{
    char out[64];
    size_t n = push_pap_application_id(sp_str_make(guard_str(value), strlen(value)), out, sizeof out);
    if (!want) {
        ck_assert_msg(n == 0, "%s gave %s", value, out);
        return;
    }
    ck_assert_msg(n && !strcmp(out, want), "%s: got %s, want %s", value, n ? out : "(none)", want);
}

START_TEST(application_ids)
{
    expect_app("x-wap-application:wml.ua", "wml.ua");
    expect_app("x-wap-application:push.sia", "push.sia");
    expect_app("  x-wap-application:mms.ua ", "mms.ua");
    expect_app("http://www.wiral.com:wml.ua", "wml.ua"); /* Kannel's initiator */
    expect_app("urn:oma:app:x", "x");
    expect_app("x-wap-application:*", "*");
    /* The registered numbers (OMNA Push Application ID registry). */
    static const struct {
        const char *num, *name;
    } registered[] = {
        {"0", "*"},          {"1", "push.sia"},  {"2", "wml.ua"},          {"3", "wta.ua"},
        {"4", "mms.ua"},     {"5", "push.syncml"}, {"6", "loc.ua"},        {"7", "syncml.dm"},
        {"8", "drm.ua"},     {"9", "emn.ua"},    {"10", "wv.ua"},          {"0x0A", "wv.ua"},
        {"0x04", "mms.ua"},  {"0x8000", "localcontent.ua"}, {"36866", "call.ua"},
    };
    for (size_t i = 0; i < sizeof registered / sizeof registered[0]; i++)
        expect_app(registered[i].num, registered[i].name);
    expect_app("11", NULL);       /* unassigned */
    expect_app("0x", NULL);
    expect_app("99999999999", NULL);
    expect_app("wml.ua", NULL);   /* not an absolute URI */
    expect_app(":wml.ua", NULL);
    expect_app("1http://x:y", NULL);
    expect_app("x-wap-application:", NULL);
    expect_app("x-wap-application:a b", NULL);
    expect_app("x-wap-application:a\"b", NULL);
    char small[6];
    ck_assert_uint_eq(push_pap_application_id(SP_LIT("x-wap-application:wml.ua"), small, sizeof small), 0);
    ck_assert_uint_eq(push_pap_application_id(SP_LIT("x-wap-application:wml.u"), small, sizeof small), 5);
}
END_TEST

START_TEST(header_classes)
{
    static const struct {
        const char *name;
        push_pap_hdr_class c;
    } rows[] = {
        {"Content-Type", PUSH_PAP_HDR_CONTENT},
        {"content-language", PUSH_PAP_HDR_CONTENT},
        {"Content-ID", PUSH_PAP_HDR_CONTENT},
        {"Content-Disposition", PUSH_PAP_HDR_CONTENT},
        {"Content-Length", PUSH_PAP_HDR_DROP},
        {"Content-Transfer-Encoding", PUSH_PAP_HDR_DROP},
        {"Content-", PUSH_PAP_HDR_DROP},
        {"Last-Modified", PUSH_PAP_HDR_LAST_MODIFIED},
        {"X-Wap-Application-Id", PUSH_PAP_HDR_APPLICATION_ID},
        {"x-wap-application-id", PUSH_PAP_HDR_APPLICATION_ID},
        {"X-Wap-Push-OTA-Version", PUSH_PAP_HDR_DROP},
        {"X-Wap-Push-OTA-Delivery", PUSH_PAP_HDR_DROP},
        {"X-Wap-Initiator-URI", PUSH_PAP_HDR_DROP},
        {"X-Wap-Content-URI", PUSH_PAP_HDR_DROP},
        {"Expires", PUSH_PAP_HDR_DROP},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        ck_assert_msg(push_pap_header_class(sp_str_cstr(rows[i].name)) == rows[i].c, "%s", rows[i].name);
}
END_TEST

START_TEST(header_walk)
{
    sp_str rest = SP_LIT("Content-Type: text/plain\r\nX-A: 1\r\n  continued\r\nB:2\n"), n, v;
    ck_assert(push_pap_header_next(&rest, &n, &v));
    ck_assert(sp_str_eq(n, SP_LIT("Content-Type")) && sp_str_eq(v, SP_LIT("text/plain")));
    ck_assert(push_pap_header_next(&rest, &n, &v));
    ck_assert(sp_str_eq(n, SP_LIT("X-A")));
    ck_assert(push_pap_header_next(&rest, &n, &v));
    ck_assert(sp_str_eq(n, SP_LIT("B")) && sp_str_eq(v, SP_LIT("2")));
    ck_assert(!push_pap_header_next(&rest, &n, &v));
    sp_str bad = SP_LIT("no colon\r\n");
    ck_assert(!push_pap_header_next(&bad, &n, &v));
    ck_assert_uint_eq(bad.n, 0);
}
END_TEST

static Suite *pap_address_suite(void)
{
    Suite *s = suite_create("push_pap_address");
    TCase *tc = tcase_create("addresses");
    tcase_add_test(tc, user_addresses);
    tcase_add_test(tc, plmn_addresses);
    tcase_add_test(tc, other_addresses_refused);
    tcase_add_test(tc, address_output_bounds);
    suite_add_tcase(s, tc);
    TCase *h = tcase_create("headers");
    tcase_add_test(h, application_ids);
    tcase_add_test(h, header_classes);
    tcase_add_test(h, header_walk);
    suite_add_tcase(s, h);
    return s;
}

CHECK_MAIN(pap_address_suite)
