/* test_sip_hdr_ext.c - Event, Subscription-State, Accept-Contact and feature
 * tags, Session-Expires / Min-SE, Date and the auth headers. */
#include <stdio.h>
#include <time.h>

#include "check_main.h"
#include "sip_hdr.h"
#include "sip_test_util.h"

static sp_error err;

#define ck_bad(call, off)                                                                     \
    do {                                                                                      \
        err = (sp_error){0};                                                                  \
        ck_assert_int_eq((call), SP_EINVAL);                                                  \
        ck_assert_msg(err.offset == (size_t)(off), "offset %zu, wanted %d (%s)", err.offset, \
                      (int)(off), err.reason);                                                \
        ck_assert_int_eq(err.status, 400);                                                    \
        ck_assert_ptr_nonnull(err.reason);                                                    \
    } while (0)

START_TEST(event_values)
{
    sip_event ev;
    ck_assert_int_eq(sip_event_parse(G("ua-profile;profile-type=oma-app;event-app-id=\"wml.ua\";vendor=\"acme\";"
                                       "model=\"pc100\";version=\"1.0\";effective-by=3600"),
                                     &ev, &err),
                     0);
    ck_assert_slice(ev.package, "ua-profile");
    ck_assert_absent(ev.id);
    sp_str v;
    ck_assert(sip_param_find(ev.params, "profile-type", &v));
    ck_assert_slice(v, "oma-app");
    ck_assert(sip_param_find(ev.params, "vendor", &v));
    ck_assert_slice(sip_unquote(v), "acme");
    ck_assert_int_eq(sip_event_parse(G("presence.winfo.x ; id = 7a"), &ev, &err), 0);
    ck_assert_slice(ev.package, "presence.winfo.x");
    ck_assert_slice(ev.id, "7a");
    ck_assert_int_eq(sip_event_parse(G("refer"), &ev, &err), 0);
    ck_assert_absent(ev.params);
    ck_bad(sip_event_parse(G(""), &ev, &err), 0);
    ck_bad(sip_event_parse(G(".reg"), &ev, &err), 0);
    ck_bad(sip_event_parse(G("reg."), &ev, &err), 4);
    ck_bad(sip_event_parse(G("a..b"), &ev, &err), 2);
    ck_bad(sip_event_parse(G("reg x"), &ev, &err), 4);
    ck_bad(sip_event_parse(G("reg;id"), &ev, &err), 4);
    ck_bad(sip_event_parse(G("reg;id=\"1\""), &ev, &err), 4);
    ck_bad(sip_event_parse(G("reg;id=1;id=2"), &ev, &err), 9);
    ck_bad(sip_event_parse(G("reg;"), &ev, &err), 4);
}
END_TEST

START_TEST(subscription_states)
{
    sip_subscription_state ss;
    ck_assert_int_eq(sip_subscription_state_parse(G("active;expires=3542"), &ss, &err), 0);
    ck_assert_int_eq(ss.state, SIP_SUBSTATE_ACTIVE);
    ck_assert(ss.has_expires);
    ck_assert_uint_eq(ss.expires, 3542);
    ck_assert(!ss.has_retry_after);
    ck_assert_absent(ss.reason);
    ck_assert_int_eq(sip_subscription_state_parse(G("terminated;reason=noresource;retry-after=4294967295"), &ss, &err), 0);
    ck_assert_int_eq(ss.state, SIP_SUBSTATE_TERMINATED);
    ck_assert_slice(ss.reason, "noresource");
    ck_assert_uint_eq(ss.retry_after, 4294967295u);
    ck_assert_int_eq(sip_subscription_state_parse(G("Pending"), &ss, &err), 0);
    ck_assert_int_eq(ss.state, SIP_SUBSTATE_PENDING);
    ck_assert_int_eq(sip_subscription_state_parse(G("waiting;x=1"), &ss, &err), 0);
    ck_assert_int_eq(ss.state, SIP_SUBSTATE_OTHER);
    ck_assert_slice(ss.state_str, "waiting");
    ck_assert_slice(ss.params, "x=1");
    ck_bad(sip_subscription_state_parse(G("active;expires=4294967296"), &ss, &err), 7);
    ck_bad(sip_subscription_state_parse(G("active;expires"), &ss, &err), 7);
    ck_bad(sip_subscription_state_parse(G("active;expires=1;expires=2"), &ss, &err), 17);
    ck_bad(sip_subscription_state_parse(G("terminated;reason=\"x\""), &ss, &err), 11);
    ck_bad(sip_subscription_state_parse(G("terminated;reason=a;reason=b"), &ss, &err), 20);
    ck_bad(sip_subscription_state_parse(G("active;retry-after=-1"), &ss, &err), 7);
    ck_bad(sip_subscription_state_parse(G(";expires=1"), &ss, &err), 0);
    ck_bad(sip_subscription_state_parse(G("active expires"), &ss, &err), 7);
}
END_TEST

START_TEST(accept_contact_values)
{
    sip_ac_value ac;
    ck_assert_int_eq(sip_ac_value_parse(G("*;+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push\";"
                                          "+g.oma.pusheventapp=\"wml.ua\";require;explicit"),
                                        &ac, &err),
                     0);
    ck_assert(ac.require);
    ck_assert(ac.explicit_);
    sp_str v;
    ck_assert(sip_feature_find(ac.params, "+g.oma.pusheventapp", &v));
    ck_assert_slice(v, "wml.ua");
    ck_assert(sip_feature_find(ac.params, "+g.3gpp.icsi_ref", &v));
    ck_assert_slice(v, "urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push");
    ck_assert_int_eq(sip_ac_value_parse(G(" * ; +g.oma.pusheventapp=\"wml.ua\";methods=\"NOTIFY\""), &ac, &err), 0);
    ck_assert(!ac.require);
    ck_assert(!ac.explicit_);
    ck_assert_int_eq(sip_ac_value_parse(G("*"), &ac, &err), 0);
    ck_assert_absent(ac.params);
    ck_bad(sip_ac_value_parse(G(""), &ac, &err), 0);
    ck_bad(sip_ac_value_parse(G("<sip:h>"), &ac, &err), 0);
    ck_bad(sip_ac_value_parse(G("*x"), &ac, &err), 1);
    ck_bad(sip_ac_value_parse(G("*;require=1"), &ac, &err), 2);
    ck_bad(sip_ac_value_parse(G("*;explicit=\"x\""), &ac, &err), 2);
    ck_bad(sip_ac_value_parse(G("*;a=\"b"), &ac, &err), 4);
}
END_TEST

START_TEST(feature_tags)
{
    sp_str params = G("+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";+g.oma.pusheventapp=\"mms.ua,wml.ua\";"
                      "methods=\"INVITE,ACK,MESSAGE\";audio;+x.s=\"<A,b>\";reg-id=1");
    sp_str v;
    ck_assert(sip_feature_find(params, "+sip.instance", &v));
    ck_assert_slice(v, "<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>");
    ck_assert(sip_feature_find(params, "AUDIO", &v));
    ck_assert_slice(v, "TRUE");
    ck_assert(!sip_feature_find(params, "video", &v));
    ck_assert(sip_feature_has(params, "methods", SP_LIT("MESSAGE")));
    ck_assert(sip_feature_has(params, "methods", SP_LIT("message")));
    ck_assert(!sip_feature_has(params, "methods", SP_LIT("NOTIFY")));
    ck_assert(sip_feature_has(params, "+g.oma.pusheventapp", SP_LIT("wml.ua")));
    ck_assert(sip_feature_has(params, "+g.oma.pusheventapp", SP_LIT("mms.ua")));
    ck_assert(!sip_feature_has(params, "+g.oma.pusheventapp", SP_LIT("wml")));
    ck_assert(sip_feature_has(params, "audio", SP_LIT("TRUE")));
    /* string values compare case-sensitively, and a comma inside <...> does not split */
    ck_assert(sip_feature_has(params, "+x.s", SP_LIT("<A,b>")));
    ck_assert(!sip_feature_has(params, "+x.s", SP_LIT("<a,b>")));
    ck_assert(!sip_feature_has(params, "+nope", SP_LIT("x")));
    ck_assert(sip_feature_has(params, "+sip.instance", SP_LIT("<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>")));
}
END_TEST

START_TEST(session_expires_values)
{
    sip_session_expires se;
    ck_assert_int_eq(sip_session_expires_parse(G("1800;refresher=uac"), &se, &err), 0);
    ck_assert_uint_eq(se.delta, 1800);
    ck_assert_slice(se.refresher, "uac");
    ck_assert_slice(se.params, "refresher=uac");
    ck_assert_int_eq(sip_session_expires_parse(G("90"), &se, &err), 0);
    ck_assert_uint_eq(se.delta, 90);
    ck_assert_absent(se.refresher);
    ck_assert_int_eq(sip_session_expires_parse(G("4294967295 ; Refresher = UAS ; x"), &se, &err), 0);
    ck_assert_uint_eq(se.delta, 4294967295u);
    ck_assert_slice(se.refresher, "UAS");
    ck_bad(sip_session_expires_parse(G("4294967296"), &se, &err), 0);
    ck_bad(sip_session_expires_parse(G(""), &se, &err), 0);
    ck_bad(sip_session_expires_parse(G("x"), &se, &err), 0);
    ck_bad(sip_session_expires_parse(G("90 x"), &se, &err), 3);
    ck_bad(sip_session_expires_parse(G("90;refresher=me"), &se, &err), 3);
    ck_bad(sip_session_expires_parse(G("90;refresher"), &se, &err), 3);
    ck_bad(sip_session_expires_parse(G("90;refresher=uac;refresher=uas"), &se, &err), 17);
}
END_TEST

/* The reference: libc's timegm for the same broken-down time. */
static time_t reference(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s};
    return timegm(&tm);
}

START_TEST(dates)
{
    time_t t;
    ck_assert_int_eq(sip_date_parse(G("Tue, 31 Jul 2001 10:13:01 GMT"), &t, &err), 0);
    ck_assert_int_eq(t, 996574381);
    ck_assert_int_eq(sip_date_parse(G("Thu, 01 Jan 1970 00:00:00 GMT"), &t, &err), 0);
    ck_assert_int_eq(t, 0);
    ck_assert_int_eq(sip_date_parse(G("sat, 29 feb 2000 23:59:59 gmt"), &t, &err), 0);
    ck_assert_int_eq(t, reference(2000, 1, 29, 23, 59, 59));
    ck_assert_int_eq(sip_date_parse(G("Wed, 31 Dec 1969 23:59:59 GMT"), &t, &err), 0);
    ck_assert_int_eq(t, -1);
    /* every month boundary of a leap and a common year, and far dates */
    static const int years[] = {1, 1600, 1900, 1999, 2024, 2100, 2400, 9999};
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    for (size_t k = 0; k < sizeof years / sizeof years[0]; k++)
        for (int m = 0; m < 12; m++) {
            static const char *mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
            int y = years[k];
            int last = mdays[m] + (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
            char buf[64];
            snprintf(buf, sizeof buf, "Mon, %02d %s %04d 12:34:56 GMT", last, mon[m], y);
            ck_assert_msg(sip_date_parse(G(buf), &t, &err) == 0, "%s: %s", buf, err.reason);
            ck_assert_msg(t == reference(y, m, last, 12, 34, 56), "%s", buf);
            snprintf(buf, sizeof buf, "Mon, %02d %s %04d 12:34:56 GMT", last + 1, mon[m], y);
            ck_bad(sip_date_parse(G(buf), &t, &err), 5);
        }
    ck_assert_int_eq(sip_date_parse(G(" Tue,\r\n 31  Jul 2001 10:13:01 GMT "), &t, &err), 0);
    ck_bad(sip_date_parse(G(""), &t, &err), 0);
    ck_bad(sip_date_parse(G("Tuesday, 31 Jul 2001 10:13:01 GMT"), &t, &err), 3);
    ck_bad(sip_date_parse(G("Xyz, 31 Jul 2001 10:13:01 GMT"), &t, &err), 0);
    ck_bad(sip_date_parse(G("Tue,31 Jul 2001 10:13:01 GMT"), &t, &err), 4);
    ck_bad(sip_date_parse(G("Tue, 1 Jul 2001 10:13:01 GMT"), &t, &err), 5);
    ck_bad(sip_date_parse(G("Tue, 00 Jul 2001 10:13:01 GMT"), &t, &err), 5);
    ck_bad(sip_date_parse(G("Tue, 31 Jux 2001 10:13:01 GMT"), &t, &err), 8);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 01 10:13:01 GMT"), &t, &err), 12);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 24:00:00 GMT"), &t, &err), 17);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 10:60:00 GMT"), &t, &err), 17);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 10:00:60 GMT"), &t, &err), 17);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 10-00:00 GMT"), &t, &err), 17);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 10:13:01 UTC"), &t, &err), 26);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 10:13:01 GMT+1"), &t, &err), 26);
    ck_bad(sip_date_parse(G("Tue, 31 Jul 2001 10:13:01"), &t, &err), 25);
    ck_bad(sip_date_parse(G("Tue, 31 Jul"), &t, &err), 11);
    ck_bad(sip_date_parse(G("Tu"), &t, &err), 0);
}
END_TEST

START_TEST(auth_headers)
{
    sip_auth a;
    ck_assert_int_eq(sip_auth_parse(G("Digest realm=\"atlanta.com\", domain=\"sip:ss1.carrier.com\",\r\n qop=\"auth,auth-int\", "
                                      "nonce=\"f84f1cec41e6cbe5aea9c8e88d359\",opaque=\"\", stale=FALSE, algorithm=MD5"),
                                    &a, &err),
                     0);
    ck_assert_slice(a.scheme, "Digest");
    sp_str v;
    ck_assert(sip_auth_param(&a, "realm", &v));
    ck_assert_slice(v, "atlanta.com");
    ck_assert(sip_auth_param(&a, "QOP", &v));
    ck_assert_slice(v, "auth,auth-int");
    ck_assert(sip_auth_param(&a, "opaque", &v));
    ck_assert_slice(v, "");
    ck_assert(sip_auth_param(&a, "algorithm", &v));
    ck_assert_slice(v, "MD5");
    ck_assert(sip_auth_param(&a, "stale", &v));
    ck_assert_slice(v, "FALSE");
    ck_assert(!sip_auth_param(&a, "nc", &v));
    ck_assert(!sip_auth_param(&a, "real", &v));
    ck_assert_int_eq(sip_auth_parse(G("Digest username=\"bob\",realm=\"b.com\",nonce=\"x\",uri=\"sip:b.com\","
                                      "response=\"42ce3cef44b22f50c6a6071bc8\",nc=00000001,cnonce=\"0a4f113b\""),
                                    &a, &err),
                     0);
    ck_assert(sip_auth_param(&a, "nc", &v));
    ck_assert_slice(v, "00000001");
    ck_assert(sip_auth_param(&a, "uri", &v));
    ck_assert_slice(v, "sip:b.com");
    ck_bad(sip_auth_parse(G(""), &a, &err), 0);
    ck_bad(sip_auth_parse(G("Digest"), &a, &err), 6);
    ck_bad(sip_auth_parse(G("Digest "), &a, &err), 6);
    ck_bad(sip_auth_parse(G("Digest realm"), &a, &err), 12);
    ck_bad(sip_auth_parse(G("Digest realm="), &a, &err), 13);
    ck_bad(sip_auth_parse(G("Digest realm=\"x"), &a, &err), 13);
    ck_bad(sip_auth_parse(G("Digest realm=a b=c"), &a, &err), 15);
    ck_bad(sip_auth_parse(G("Digest realm=a,"), &a, &err), 15);
    ck_bad(sip_auth_parse(G("Digest realm=<a>"), &a, &err), 13);
}
END_TEST

static Suite *sip_hdr_ext_suite(void)
{
    Suite *s = suite_create("sip_hdr_ext");
    TCase *tc = tcase_create("ext");
    tcase_add_test(tc, event_values);
    tcase_add_test(tc, subscription_states);
    tcase_add_test(tc, accept_contact_values);
    tcase_add_test(tc, feature_tags);
    tcase_add_test(tc, session_expires_values);
    tcase_add_test(tc, dates);
    tcase_add_test(tc, auth_headers);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_hdr_ext_suite)
