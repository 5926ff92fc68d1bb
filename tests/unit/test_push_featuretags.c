/* test_push_featuretags.c - Contact feature parameters, Accept-Contact
 * values and matching (RFC 3840, RFC 3841, seeds 000-003). */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_featuretags.h"

static sp_str g(const char *s) { return sp_str_make(guard_str(s), strlen(s)); }

START_TEST(contact_features_of_a_receiver)
{
    char out[512];
    sp_error e;
    sp_str apps[] = {SP_LIT("sms.ua"), SP_LIT("mms.ua"), SP_LIT("wml.ua")};
    push_features f = {SP_LIT("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), apps, 3,
                       PUSH_M_MESSAGE | PUSH_M_NOTIFY | PUSH_M_INVITE, SP_STR_NULL};
    int n = push_contact_features_build(&f, out, sizeof out, &e);
    const char *want = ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\""
                       ";+g.oma.pusheventapp=\"sms.ua,mms.ua,wml.ua\";methods=\"INVITE,MESSAGE,NOTIFY\"";
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(n, (int)strlen(want));
    /* a bare UUID becomes urn:uuid:, the ICSI is percent-encoded (IMS mode) */
    push_features ims = {SP_LIT("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), apps, 1, 0, SP_LIT(PUSH_ICSI_OMA_PUSH)};
    ck_assert_int_gt(push_contact_features_build(&ims, out, sizeof out, &e), 0);
    ck_assert_str_eq(out, ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\""
                          ";+g.oma.pusheventapp=\"sms.ua\""
                          ";+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push\"");
    push_features none = {SP_STR_NULL, NULL, 0, 0, SP_STR_NULL};
    ck_assert_int_eq(push_contact_features_build(&none, out, sizeof out, &e), 0);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(contact_features_refuse_bad_values)
{
    char out[256];
    sp_error e;
    sp_str bad_app[] = {SP_LIT("wml\"ua")};
    push_features f = {SP_STR_NULL, bad_app, 1, 0, SP_STR_NULL};
    ck_assert_int_eq(push_contact_features_build(&f, out, sizeof out, &e), SP_EINVAL);
    sp_str empty_app[] = {SP_LIT("")};
    f.apps = empty_app;
    ck_assert_int_eq(push_contact_features_build(&f, out, sizeof out, &e), SP_EINVAL);
    sp_str comma_app[] = {SP_LIT("a,b")};
    f.apps = comma_app;
    ck_assert_int_eq(push_contact_features_build(&f, out, sizeof out, &e), SP_EINVAL);
    sp_str twice[] = {SP_LIT("wml.ua"), SP_LIT("WML.ua")};
    f.apps = twice, f.napps = 2;
    ck_assert_int_eq(push_contact_features_build(&f, out, sizeof out, &e), SP_EINVAL);
    push_features i1 = {SP_LIT("uuid:1234"), NULL, 0, 0, SP_STR_NULL};
    ck_assert_int_eq(push_contact_features_build(&i1, out, sizeof out, &e), SP_EINVAL);
    push_features i2 = {SP_LIT("urn:x:a>b"), NULL, 0, 0, SP_STR_NULL};
    ck_assert_int_eq(push_contact_features_build(&i2, out, sizeof out, &e), SP_EINVAL);
    push_features i3 = {SP_LIT("urn:x:a b"), NULL, 0, 0, SP_STR_NULL};
    ck_assert_int_eq(push_contact_features_build(&i3, out, sizeof out, &e), SP_EINVAL);
}
END_TEST

START_TEST(output_buffer_boundary)
{
    char out[64];
    sp_error e;
    sp_str apps[] = {SP_LIT("wml.ua")};
    push_features f = {SP_STR_NULL, apps, 1, 0, SP_STR_NULL};
    size_t need = strlen(";+g.oma.pusheventapp=\"wml.ua\"");
    ck_assert_int_eq(push_contact_features_build(&f, out, need + 1, &e), (int)need);
    ck_assert_int_eq(push_contact_features_build(&f, out, need, &e), SP_ELIMIT);
    ck_assert_int_eq(push_contact_features_build(&f, out, 0, &e), SP_ELIMIT);
}
END_TEST

START_TEST(accept_contact_of_a_sender)
{
    char out[256];
    sp_error e;
    ck_assert_int_gt(push_accept_contact_build(SP_LIT("mms.ua"), SP_STR_NULL, 0, true, true, out, sizeof out, &e), 0);
    ck_assert_str_eq(out, "*;+g.oma.pusheventapp=\"mms.ua\";require;explicit");
    ck_assert_int_gt(push_accept_contact_build(SP_LIT("wml.ua"), SP_LIT(PUSH_ICSI_OMA_PUSH), PUSH_M_NOTIFY, false,
                                               false, out, sizeof out, &e),
                     0);
    ck_assert_str_eq(out, "*;+g.oma.pusheventapp=\"wml.ua\";+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi."
                          "oma.push\";methods=\"NOTIFY\"");
    ck_assert_int_eq(push_accept_contact_build(SP_LIT("w l"), SP_STR_NULL, 0, true, true, out, sizeof out, &e),
                     SP_EINVAL);
}
END_TEST

static push_match match(const char *ac, const char *contact)
{
    push_match m = {PUSH_MATCH_DROP, -1};
    sp_error e;
    sp_str a = g(ac);
    sp_str c = g(contact);
    ck_assert_int_eq(push_accept_contact_match(a, c, &m, &e), 0);
    return m;
}

static const char corpus_contact[] =
    ";+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";+g.oma.pusheventapp=\"mms.ua\""
    ";+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push\""
    ";methods=\"INVITE,ACK,BYE,CANCEL,MESSAGE,NOTIFY,REFER,OPTIONS\";reg-id=1";

START_TEST(matching_the_served_application)
{
    push_match m = match("*;+g.oma.pusheventapp=\"mms.ua\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    ck_assert(m.score == 1.0);
    m = match("*;+g.oma.pusheventapp=\"wml.ua\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_DROP);
    m = match("*;+g.oma.pusheventapp=\"wml.ua\"", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_FALLBACK);
    /* several apps in one parameter; tokens compare case-insensitively */
    m = match("*;+g.oma.pusheventapp=\"MMS.UA\";require;explicit", ";+g.oma.pusheventapp=\"sms.ua,mms.ua\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    /* a requested list means any of them */
    m = match("*;+g.oma.pusheventapp=\"x.ua,mms.ua\";require", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    ck_assert(push_contact_serves(g(corpus_contact), SP_LIT("mms.ua")));
    ck_assert(!push_contact_serves(g(corpus_contact), SP_LIT("wml.ua")));
}
END_TEST

START_TEST(matching_without_the_tag)
{
    /* the contact says nothing about apps: explicit needs it said */
    push_match m = match("*;+g.oma.pusheventapp=\"mms.ua\";require;explicit", ";methods=\"MESSAGE\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_DROP);
    m = match("*;+g.oma.pusheventapp=\"mms.ua\";explicit", ";methods=\"MESSAGE\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_FALLBACK);
    m = match("*;+g.oma.pusheventapp=\"mms.ua\";require", ";methods=\"MESSAGE\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    ck_assert(m.score == 0.0);
    m = match("*;+g.oma.pusheventapp=\"mms.ua\";methods=\"MESSAGE\"", ";methods=\"MESSAGE\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    ck_assert(m.score == 0.5);
    m = match("*", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    ck_assert(m.score == 1.0);
}
END_TEST

START_TEST(matching_icsi_methods_and_negation)
{
    push_match m = match("*;+g.3gpp.icsi_ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push\";"
                         "+g.oma.pusheventapp=\"mms.ua\";require;explicit",
                         corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    /* the 3GPP spelling on either side */
    m = match("*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    m = match("*;+g.3gpp.icsi_ref=\"urn%3Ax\";require;explicit", ";+g.3gpp.icsi-ref=\"urn%3Ax\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    /* methods are a plain feature tag */
    m = match("*;methods=\"NOTIFY\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    m = match("*;methods=\"SUBSCRIBE\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_DROP);
    m = match("*;+g.oma.pusheventapp=\"!wml.ua\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    m = match("*;+g.oma.pusheventapp=\"!mms.ua\";require;explicit", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_DROP);
    /* a boolean tag without value is TRUE; numerics never match */
    m = match("*;audio;require;explicit", ";audio");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
    m = match("*;+x.n=\"#>=2\";require;explicit", ";+x.n=\"#=3\"");
    ck_assert_int_eq(m.verdict, PUSH_MATCH_DROP);
    /* strings compare exactly */
    m = match("*;+sip.instance=\"<urn:uuid:F81D4FAE-7dec-11d0-a765-00a0c91e6bf6>\";require", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_DROP);
    m = match("*;+sip.instance=\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\";require", corpus_contact);
    ck_assert_int_eq(m.verdict, PUSH_MATCH_YES);
}
END_TEST

START_TEST(malformed_accept_contact)
{
    push_match m;
    sp_error e;
    ck_assert_int_eq(push_accept_contact_match(g("+g.oma.pusheventapp=\"x\""), g(corpus_contact), &m, &e), SP_EINVAL);
    ck_assert_int_eq(push_accept_contact_match(g("*;require=1"), g(corpus_contact), &m, &e), SP_EINVAL);
    ck_assert_int_eq(push_accept_contact_match(g(""), g(""), &m, &e), SP_EINVAL);
}
END_TEST

static Suite *push_featuretags_suite(void)
{
    Suite *s = suite_create("push_featuretags");
    TCase *tc = tcase_create("featuretags");
    tcase_add_test(tc, contact_features_of_a_receiver);
    tcase_add_test(tc, contact_features_refuse_bad_values);
    tcase_add_test(tc, output_buffer_boundary);
    tcase_add_test(tc, accept_contact_of_a_sender);
    tcase_add_test(tc, matching_the_served_application);
    tcase_add_test(tc, matching_without_the_tag);
    tcase_add_test(tc, matching_icsi_methods_and_negation);
    tcase_add_test(tc, malformed_accept_contact);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_featuretags_suite)
