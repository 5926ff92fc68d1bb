/* test_push_reginfo.c - the XML tokenizer, reginfo documents (RFC 3680) and
 * the binding table: full/partial state, versions, malformed input, limits. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_reginfo.h"

static push_reginfo_reg regs[8];
static push_reginfo_contact contacts[8];
static push_reginfo_param params[8];
static push_reginfo ri;

static int parse_lim(const char *doc, const push_xml_limits *lim, sp_error *e)
{
    ri = (push_reginfo){0};
    ri.regs = regs, ri.max_regs = 8;
    ri.contacts = contacts, ri.max_contacts = 8;
    ri.params = params, ri.max_params = 8;
    return push_reginfo_parse(guard_str(doc), strlen(doc), &ri, lim, e);
}
static int parse(const char *doc, sp_error *e) { return parse_lim(doc, NULL, e); }

static const char rfc_example[] =
    "<?xml version=\"1.0\"?>\r\n"
    "<reginfo xmlns=\"urn:ietf:params:xml:ns:reginfo\"\r\n"
    "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" version=\"0\" state=\"full\">\r\n"
    "  <registration aor=\"sip:user@example.com\" id=\"as9\" state=\"active\">\r\n"
    "    <contact id=\"76\" state=\"active\" event=\"registered\" duration-registered=\"7322\" q=\"0.8\">\r\n"
    "      <uri>sip:user@pc887.example.com</uri>\r\n"
    "      <unknown-param name=\"+sip.instance\">\"&lt;urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6&gt;\"</unknown-param>\r\n"
    "      <unknown-param name=\"+g.oma.pusheventapp\">\"mms.ua,sms.ua\"</unknown-param>\r\n"
    "      <unknown-param name='audio'/>\r\n"
    "    </contact>\r\n"
    "    <!-- a comment -->\r\n"
    "    <contact id='77' state='terminated' event='expired' expires='0'>\r\n"
    "      <uri> sip:user@university.edu </uri>\r\n"
    "    </contact>\r\n"
    "  </registration>\r\n"
    "</reginfo>\r\n";

START_TEST(rfc3680_example_with_push_params)
{
    sp_error e;
    ck_assert_int_eq(parse(rfc_example, &e), (int)strlen(rfc_example));
    ck_assert_uint_eq(ri.version, 0);
    ck_assert(ri.full);
    ck_assert_uint_eq(ri.nregs, 1);
    ck_assert(sp_str_eq(regs[0].aor, SP_LIT("sip:user@example.com")));
    ck_assert(sp_str_eq(regs[0].id, SP_LIT("as9")));
    ck_assert_int_eq(regs[0].state, PUSH_REG_ACTIVE);
    ck_assert_uint_eq(regs[0].contact_count, 2);
    ck_assert(sp_str_eq(contacts[0].id, SP_LIT("76")));
    ck_assert(contacts[0].active);
    ck_assert(sp_str_eq(contacts[0].event, SP_LIT("registered")));
    ck_assert(sp_str_eq(contacts[0].uri, SP_LIT("sip:user@pc887.example.com")));
    ck_assert(!contacts[0].has_expires);
    ck_assert_uint_eq(contacts[0].param_count, 3);
    sp_str v;
    ck_assert(push_reginfo_contact_param(&ri, &contacts[0], "+SIP.instance", &v));
    char out[128];
    size_t n = push_xml_decode(v, out, sizeof out);
    ck_assert_uint_eq(n, strlen("\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\""));
    ck_assert(memcmp(out, "\"<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>\"", n) == 0);
    ck_assert(push_reginfo_contact_param(&ri, &contacts[0], "audio", &v));
    ck_assert_uint_eq(v.n, 0);
    ck_assert(!push_reginfo_contact_param(&ri, &contacts[0], "video", &v));
    ck_assert(!contacts[1].active);
    ck_assert(contacts[1].has_expires);
    ck_assert_uint_eq(contacts[1].expires, 0);
    ck_assert(sp_str_eq(contacts[1].uri, SP_LIT("sip:user@university.edu")));
}
END_TEST

START_TEST(prefixed_names_and_foreign_elements)
{
    static const char doc[] =
        "<r:reginfo xmlns:r='urn:ietf:params:xml:ns:reginfo' xmlns:x='urn:x' version='4294967295' state='partial'>"
        "<x:other><contact id='1' state='active' event='created'><uri>sip:a@b</uri></contact></x:other>"
        "<r:registration aor='sip:a@b' id='r1' state='init'/>"
        "<![CDATA[ ignored <text> ]]>"
        "</r:reginfo>";
    sp_error e;
    ck_assert_int_eq(parse(doc, &e), (int)strlen(doc));
    ck_assert_uint_eq(ri.version, 4294967295u);
    ck_assert(!ri.full);
    ck_assert_uint_eq(ri.nregs, 1);
    ck_assert_int_eq(regs[0].state, PUSH_REG_INIT);
    ck_assert_uint_eq(ri.ncontacts, 0);
}
END_TEST

static void expect_bad(const char *doc, int code)
{
    sp_error e = {0, NULL, 0};
    int rc = parse(doc, &e);
    ck_assert_msg(rc == code, "%s: got %d", doc, rc);
    ck_assert_ptr_nonnull(e.reason);
    ck_assert(e.offset <= strlen(doc));
    ck_assert_int_eq(e.status, code == SP_ELIMIT ? 413 : 400);
}

START_TEST(malformed_documents)
{
    expect_bad("", SP_EINVAL);
    expect_bad("   ", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'></reg>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'/><reginfo version='1' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'/>junk", SP_EINVAL);
    expect_bad("junk<reginfo version='1' state='full'/>", SP_EINVAL);
    expect_bad("<!DOCTYPE r [<!ENTITY a 'b'>]><reginfo version='1' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><!-- open </reginfo>", SP_EINVAL);
    expect_bad("<?xml version='1.0'<reginfo version='1' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><![CDATA[x</reginfo>", SP_EINVAL);
    expect_bad("<reginfo version='1' state=full/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full/>", SP_EINVAL);
    expect_bad("<reginfo version='1'state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' version='2' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='<1' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full' <a/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><1/></reginfo>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'></ reginfo>", SP_EINVAL);
    expect_bad("<other version='1' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='4294967296' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='-1' state='full'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='half'/>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1'/></reginfo>", SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='gone'/></reginfo>",
               SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='active'>"
               "<contact id='1' state='active' event='registered'/></registration></reginfo>",
               SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='active'>"
               "<contact id='1' state='on' event='registered'><uri>u</uri></contact></registration></reginfo>",
               SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='active'>"
               "<contact id='1' state='active' event='registered' expires='x'><uri>u</uri></contact>"
               "</registration></reginfo>",
               SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='active'>"
               "<contact id='1' state='active' event='registered'><uri>u<!--c-->v</uri></contact>"
               "</registration></reginfo>",
               SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='active'>"
               "<contact id='1' state='active' event='registered'><uri>u</uri><uri>v</uri></contact>"
               "</registration></reginfo>",
               SP_EINVAL);
    expect_bad("<reginfo version='1' state='full'><registration aor='a' id='1' state='active'>"
               "<contact id='1' state='active' event='registered'><uri>u</uri><unknown-param>x</unknown-param>"
               "</contact></registration></reginfo>",
               SP_EINVAL);
}
END_TEST

START_TEST(embedded_nul_is_refused)
{
    static const char doc[] = "<reginfo version='1' state='full'>\0</reginfo>";
    sp_error e;
    ri = (push_reginfo){0};
    ri.regs = regs, ri.max_regs = 8, ri.contacts = contacts, ri.max_contacts = 8, ri.params = params,
    ri.max_params = 8;
    /* a NUL is character data XML does not allow; here it is text inside the
     * root that nobody reads, and inside a value it fails to decode */
    ck_assert_int_eq(push_reginfo_parse(guard_copy(doc, sizeof doc - 1), sizeof doc - 1, &ri, NULL, &e),
                     (int)sizeof doc - 1);
    static const char v[] = "a&#0;b";
    char out[8];
    ck_assert_uint_eq(push_xml_decode(sp_str_make(guard_copy(v, 6), 6), out, sizeof out), (size_t)-1);
}
END_TEST

/* Builds "<a><a>...</a></a>" nested depth times inside a reginfo root. */
static const char *nested(unsigned depth, char *buf, size_t cap)
{
    size_t o = (size_t)snprintf(buf, cap, "<reginfo version='1' state='full'>");
    for (unsigned i = 1; i < depth; i++)
        o += (size_t)snprintf(buf + o, cap - o, "<a>");
    for (unsigned i = 1; i < depth; i++)
        o += (size_t)snprintf(buf + o, cap - o, "</a>");
    snprintf(buf + o, cap - o, "</reginfo>");
    return buf;
}

START_TEST(limits_at_the_boundary)
{
    char buf[4096];
    sp_error e;
    ck_assert_int_gt(parse(nested(PUSH_XML_DEFAULT_MAX_DEPTH, buf, sizeof buf), &e), 0);
    ck_assert_int_eq(parse(nested(PUSH_XML_DEFAULT_MAX_DEPTH + 1, buf, sizeof buf), &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    push_xml_limits deep = {PUSH_XML_DEFAULT_MAX_SIZE, PUSH_XML_MAX_DEPTH, PUSH_XML_DEFAULT_MAX_ATTRS, false};
    ck_assert_int_gt(parse_lim(nested(PUSH_XML_MAX_DEPTH, buf, sizeof buf), &deep, &e), 0);
    ck_assert_int_eq(parse_lim(nested(PUSH_XML_MAX_DEPTH + 1, buf, sizeof buf), &deep, &e), SP_ELIMIT);

    const char *doc = "<reginfo version='1' state='full'/>";
    push_xml_limits size = {strlen(doc), 4, 2, false};
    ck_assert_int_gt(parse_lim(doc, &size, &e), 0);
    size.max_size--;
    ck_assert_int_eq(parse_lim(doc, &size, &e), SP_ELIMIT);
    size.max_size++;
    size.max_attrs = 1;
    ck_assert_int_eq(parse_lim(doc, &size, &e), SP_ELIMIT);

    /* caller arrays: 8 registrations fit, the 9th does not */
    size_t o = (size_t)snprintf(buf, sizeof buf, "<reginfo version='1' state='full'>");
    for (int i = 0; i < 8; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "<registration aor='a' id='%d' state='init'/>", i);
    snprintf(buf + o, sizeof buf - o, "</reginfo>");
    ck_assert_int_gt(parse(buf, &e), 0);
    ck_assert_uint_eq(ri.nregs, 8);
    snprintf(buf + o, sizeof buf - o, "<registration aor='a' id='8' state='init'/></reginfo>");
    ck_assert_int_eq(parse(buf, &e), SP_ELIMIT);
}
END_TEST

START_TEST(every_truncation_fails_cleanly)
{
    sp_error e;
    size_t n = strlen(rfc_example);
    /* the document stays valid down to its last element's '>' and the
     * trailing CRLF; every shorter prefix is refused, never over-read */
    for (size_t cut = 0; cut < n - 2; cut++) {
        ri = (push_reginfo){0};
        ri.regs = regs, ri.max_regs = 8, ri.contacts = contacts, ri.max_contacts = 8, ri.params = params,
        ri.max_params = 8;
        int rc = push_reginfo_parse(guard_copy(rfc_example, cut), cut, &ri, NULL, &e);
        ck_assert_msg(rc == SP_EINVAL, "cut %zu: %d", cut, rc);
    }
}
END_TEST

static size_t dec(const char *raw, char *out, size_t cap)
{
    return push_xml_decode(sp_str_make(guard_str(raw), strlen(raw)), out, cap);
}

START_TEST(entity_decoding)
{
    char out[64];
    size_t n = dec("a&lt;b&gt;c&amp;d&quot;e&apos;f", out, sizeof out);
    ck_assert_uint_eq(n, 11);
    ck_assert(memcmp(out, "a<b>c&d\"e'f", 11) == 0);
    n = dec("&#65;&#x42;&#xe9;&#x20AC;&#x1F600;", out, sizeof out);
    ck_assert_uint_eq(n, 2 + 2 + 3 + 4);
    ck_assert(memcmp(out, "AB\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", n) == 0);
    ck_assert_uint_eq(dec("&#x10FFFF;", out, sizeof out), 4);
    ck_assert_uint_eq(dec("&#x110000;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&#xD800;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&#1;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&#99999999999999999999;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&#;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&#x;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&nbsp;", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&amp", out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(dec("&", out, sizeof out), (size_t)-1);
    /* output capacity at the boundary */
    ck_assert_uint_eq(dec("abc", out, 3), 3);
    ck_assert_uint_eq(dec("abc", out, 2), (size_t)-1);
    ck_assert_uint_eq(dec("&#xe9;", out, 2), 2);
    ck_assert_uint_eq(dec("&#xe9;", out, 1), (size_t)-1);
    ck_assert_uint_eq(dec("&lt;", out, 0), (size_t)-1);
}
END_TEST

/* --- binding table --------------------------------------------------------- */

static push_binding rows[4];
static push_regtab tab;

static const char *doc_of(char *buf, size_t cap, unsigned version, const char *state, const char *body)
{
    snprintf(buf, cap, "<reginfo xmlns='urn:ietf:params:xml:ns:reginfo' version='%u' state='%s'>%s</reginfo>",
             version, state, body);
    return buf;
}

static int apply(unsigned version, const char *state, const char *body, sp_error *e)
{
    char buf[4096];
    int rc = parse(doc_of(buf, sizeof buf, version, state, body), e);
    ck_assert_int_gt(rc, 0);
    return push_regtab_apply(&tab, &ri, e);
}

static size_t count_aor(const char *aor)
{
    size_t it = 0, n = 0;
    while (push_regtab_next(&tab, sp_str_cstr(aor), &it))
        n++;
    return n;
}

#define C(id, state, uri) \
    "<contact id='" id "' state='" state "' event='registered'><uri>" uri "</uri>" \
    "<unknown-param name='+g.oma.pusheventapp'>&quot;wml.ua&quot;</unknown-param></contact>"
#define REG(aor, id, state, contacts) "<registration aor='" aor "' id='" id "' state='" state "'>" contacts "</registration>"

START_TEST(full_then_partial_updates)
{
    sp_error e;
    push_regtab_init(&tab, rows, 4);
    ck_assert_int_eq(apply(0, "full", REG("sip:bob@x", "r1", "active", C("c1", "active", "sip:bob@1.2.3.4")
                                          C("c2", "active", "sip:bob@[::1]"))
                                          REG("sip:amy@x", "r2", "active", C("c3", "active", "sip:amy@h")),
                           &e),
                     PUSH_REGTAB_APPLIED);
    ck_assert_uint_eq(tab.n, 3);
    ck_assert(!tab.want_refresh);
    ck_assert_uint_eq(count_aor("sip:bob@x"), 2);
    size_t it = 0;
    const push_binding *b = push_regtab_next(&tab, SP_LIT("sip:amy@x"), &it);
    ck_assert_ptr_nonnull(b);
    ck_assert_str_eq(b->uri, "sip:amy@h");
    ck_assert_str_eq(b->apps, "wml.ua");
    ck_assert_str_eq(b->instance, "");

    /* partial: c1 terminated, c4 added, c2 updated */
    ck_assert_int_eq(apply(1, "partial", REG("sip:bob@x", "r1", "active", C("c1", "terminated", "sip:bob@1.2.3.4")
                                             C("c4", "active", "sip:bob@new") C("c2", "active", "sip:bob@moved")),
                           &e),
                     PUSH_REGTAB_APPLIED);
    ck_assert_uint_eq(count_aor("sip:bob@x"), 2);
    it = 0;
    bool moved = false;
    while ((b = push_regtab_next(&tab, SP_LIT("sip:bob@x"), &it)))
        moved |= !strcmp(b->uri, "sip:bob@moved");
    ck_assert(moved);
    ck_assert(!tab.want_refresh);

    /* older and repeated versions are ignored */
    ck_assert_int_eq(apply(1, "full", "", &e), PUSH_REGTAB_STALE);
    ck_assert_int_eq(apply(0, "full", "", &e), PUSH_REGTAB_STALE);
    ck_assert_uint_eq(tab.n, 3);

    /* a terminated registration takes its contacts with it */
    ck_assert_int_eq(apply(2, "partial", REG("sip:amy@x", "r2", "terminated", ""), &e), PUSH_REGTAB_APPLIED);
    ck_assert_uint_eq(count_aor("sip:amy@x"), 0);
    ck_assert_uint_eq(tab.n, 2);

    /* a gap: applied, and a refresh is wanted */
    ck_assert_int_eq(apply(5, "partial", REG("sip:amy@x", "r2", "active", C("c9", "active", "sip:amy@k")), &e),
                     PUSH_REGTAB_APPLIED);
    ck_assert(tab.want_refresh);
    ck_assert_uint_eq(tab.version, 5);

    /* full state replaces everything and clears the refresh wish */
    ck_assert_int_eq(apply(6, "full", REG("sip:cy@x", "r3", "active", C("c1", "active", "sip:cy@h")), &e),
                     PUSH_REGTAB_APPLIED);
    ck_assert_uint_eq(tab.n, 1);
    ck_assert(!tab.want_refresh);
    ck_assert_uint_eq(count_aor("sip:bob@x"), 0);
    ck_assert_uint_eq(count_aor("sip:cy@x"), 1);
}
END_TEST

START_TEST(first_partial_wants_refresh)
{
    sp_error e;
    push_regtab_init(&tab, rows, 4);
    ck_assert_int_eq(apply(7, "partial", REG("sip:bob@x", "r1", "active", C("c1", "active", "sip:b@h")), &e),
                     PUSH_REGTAB_APPLIED);
    ck_assert(tab.want_refresh);
    ck_assert_uint_eq(tab.n, 1);
}
END_TEST

START_TEST(table_capacity_and_bad_values)
{
    sp_error e;
    push_regtab_init(&tab, rows, 2);
    ck_assert_int_eq(apply(0, "full", REG("sip:bob@x", "r1", "active", C("c1", "active", "u1") C("c2", "active", "u2")),
                           &e),
                     PUSH_REGTAB_APPLIED);
    ck_assert_int_eq(apply(1, "partial", REG("sip:bob@x", "r1", "active", C("c3", "active", "u3")), &e), SP_ELIMIT);
    ck_assert_uint_eq(tab.n, 2);
    ck_assert(tab.want_refresh);
    /* a value that does not decode changes nothing, not even the version */
    ck_assert_int_eq(apply(2, "full", REG("sip:bob@x", "r1", "active", C("c1", "active", "a&bogus;b")), &e),
                     SP_EINVAL);
    ck_assert_uint_eq(tab.version, 1);
    ck_assert_uint_eq(tab.n, 2);
    /* the longest URI that fits, and one byte more */
    char uri[PUSH_BINDING_URI_MAX + 1], body[1024];
    memset(uri, 'u', sizeof uri);
    uri[PUSH_BINDING_URI_MAX - 1] = '\0';
    snprintf(body, sizeof body, REG("a", "r", "active", "<contact id='c' state='active' event='registered'><uri>%s</uri></contact>"), uri);
    ck_assert_int_eq(apply(3, "full", body, &e), PUSH_REGTAB_APPLIED);
    ck_assert_uint_eq(strlen(rows[0].uri), PUSH_BINDING_URI_MAX - 1);
    uri[PUSH_BINDING_URI_MAX - 1] = 'u';
    uri[PUSH_BINDING_URI_MAX] = '\0';
    snprintf(body, sizeof body, REG("a", "r", "active", "<contact id='c' state='active' event='registered'><uri>%s</uri></contact>"), uri);
    ck_assert_int_eq(apply(4, "full", body, &e), SP_EINVAL);
}
END_TEST

static Suite *push_reginfo_suite(void)
{
    Suite *s = suite_create("push_reginfo");
    TCase *tc = tcase_create("reginfo");
    tcase_add_test(tc, rfc3680_example_with_push_params);
    tcase_add_test(tc, prefixed_names_and_foreign_elements);
    tcase_add_test(tc, malformed_documents);
    tcase_add_test(tc, embedded_nul_is_refused);
    tcase_add_test(tc, limits_at_the_boundary);
    tcase_add_test(tc, every_truncation_fails_cleanly);
    tcase_add_test(tc, entity_decoding);
    tcase_add_test(tc, full_then_partial_updates);
    tcase_add_test(tc, first_partial_wants_refresh);
    tcase_add_test(tc, table_capacity_and_bad_values);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_reginfo_suite)
