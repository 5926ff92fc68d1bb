/* test_push_cpim.c - message/cpim (RFC 3862): unwrap, wrap, round trips and
 * malformed messages. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_cpim.h"

static push_cpim_header hdrs[PUSH_CPIM_DEFAULT_MAX_HEADERS];
static push_cpim m;

static int unwrap_n(const char *s, size_t n, size_t max_headers, sp_error *e)
{
    m.headers = hdrs;
    m.max_headers = max_headers;
    return push_cpim_parse(guard_copy(s, n), n, &m, e);
}
static int unwrap(const char *s, sp_error *e) { return unwrap_n(s, strlen(s), PUSH_CPIM_DEFAULT_MAX_HEADERS, e); }

static const char rfc_example[] =
    "From: MR SANDERS <im:piglet@100akerwood.com>\r\n"
    "To: Depressed Donkey <im:eeyore@100akerwood.com>\r\n"
    "DateTime: 2000-12-13T13:40:00-08:00\r\n"
    "Subject: the weather will be fine today\r\n"
    "Subject:;lang=fr beau temps prevu pour aujourd'hui\r\n"
    "NS: MyFeatures <mid:MessageFeatures@id.foo.com>\r\n"
    "Require: MyFeatures.VitalMessageOption\r\n"
    "MyFeatures.VitalMessageOption: Confirmation-requested\r\n"
    "MyFeatures.WackyMessageOption: Use-silly-font\r\n"
    "\r\n"
    "Content-type: text/xml; charset=utf-8\r\n"
    "Content-ID: <1234567890@foo.com>\r\n"
    "\r\n"
    "<body>\r\nHere is the text of my message.\r\n</body>";

START_TEST(rfc3862_example)
{
    sp_error e;
    ck_assert_int_eq(unwrap(rfc_example, &e), (int)strlen(rfc_example));
    ck_assert(sp_str_eq(m.from.name, SP_LIT("MR SANDERS")));
    ck_assert(sp_str_eq(m.from.uri, SP_LIT("im:piglet@100akerwood.com")));
    ck_assert(sp_str_eq(m.to.uri, SP_LIT("im:eeyore@100akerwood.com")));
    ck_assert_uint_eq(m.nto, 1);
    ck_assert(sp_str_eq(m.datetime, SP_LIT("2000-12-13T13:40:00-08:00")));
    ck_assert_uint_eq(m.nheaders, 9);
    ck_assert(sp_str_eq(hdrs[4].params, SP_LIT(";lang=fr")));
    ck_assert(sp_str_eq(hdrs[4].value, SP_LIT("beau temps prevu pour aujourd'hui")));
    ck_assert(sp_str_eq(hdrs[7].prefix, SP_LIT("MyFeatures")));
    ck_assert(sp_str_eq(hdrs[7].name, SP_LIT("VitalMessageOption")));
    sp_str uri;
    ck_assert(push_cpim_ns(&m, SP_LIT("MyFeatures"), &uri));
    ck_assert(sp_str_eq(uri, SP_LIT("mid:MessageFeatures@id.foo.com")));
    ck_assert(!push_cpim_ns(&m, SP_STR_NULL, &uri));
    ck_assert(sp_str_eq(m.content_type, SP_LIT("text/xml; charset=utf-8")));
    sp_str v;
    ck_assert(push_cpim_mime_header(&m, "content-id", &v));
    ck_assert(sp_str_eq(v, SP_LIT("<1234567890@foo.com>")));
    ck_assert(!push_cpim_mime_header(&m, "Content-Language", &v));
    ck_assert(sp_str_eq(m.body, SP_LIT("<body>\r\nHere is the text of my message.\r\n</body>")));
}
END_TEST

START_TEST(minimal_and_quoted_forms)
{
    sp_error e;
    const char *s = "From: \"Push <Sender> \\\"PSA\\\"\" <sip:psa@example.com>\r\n"
                    "To: <sip:bob@example.com>\r\nTo: <sip:amy@example.com>\r\n"
                    "X:;p=\"a b\" value\r\n"
                    "NS: <urn:default>\r\n\r\n"
                    "Content-Type: application/vnd.wap.sic\r\n\r\n";
    ck_assert_int_eq(unwrap(s, &e), (int)strlen(s));
    ck_assert(sp_str_eq(m.from.name, SP_LIT("\"Push <Sender> \\\"PSA\\\"\"")));
    ck_assert(sp_str_eq(m.from.uri, SP_LIT("sip:psa@example.com")));
    ck_assert_uint_eq(m.nto, 2);
    ck_assert(sp_str_eq(m.to.uri, SP_LIT("sip:bob@example.com")));
    ck_assert_ptr_null(m.to.name.p);
    ck_assert(sp_str_eq(hdrs[3].params, SP_LIT(";p=\"a b\"")));
    ck_assert(sp_str_eq(hdrs[3].value, SP_LIT("value")));
    sp_str uri;
    ck_assert(push_cpim_ns(&m, SP_STR_NULL, &uri));
    ck_assert(sp_str_eq(uri, SP_LIT("urn:default")));
    ck_assert_uint_eq(m.body.n, 0);
    /* no message headers at all, LF line ends */
    const char *bare = "\nContent-Type: text/plain\n\nhi";
    ck_assert_int_eq(unwrap(bare, &e), (int)strlen(bare));
    ck_assert_uint_eq(m.nheaders, 0);
    ck_assert(sp_str_eq(m.body, SP_LIT("hi")));
}
END_TEST

START_TEST(malformed_cpim)
{
    static const char *bad[] = {
        "",
        "From: <sip:a>\r\n",
        "From: <sip:a>\r\n\r\n",
        "From: <sip:a>\r\n\r\nContent-Type: text/plain\r\n",
        "From: <sip:a>\r\n\r\nContent-ID: <x>\r\n\r\nbody",
        "From:<sip:a>\r\n\r\nContent-Type: a/b\r\n\r\n",
        "From: sip:a\r\n\r\nContent-Type: a/b\r\n\r\n",
        "From: <>\r\n\r\nContent-Type: a/b\r\n\r\n",
        "From: <sip:<a>\r\n\r\nContent-Type: a/b\r\n\r\n",
        "To: \"unterminated <sip:a>\r\n\r\nContent-Type: a/b\r\n\r\n",
        "Bad Name: x\r\n\r\nContent-Type: a/b\r\n\r\n",
        ": x\r\n\r\nContent-Type: a/b\r\n\r\n",
        "Subject: tab\there\r\n\r\nContent-Type: a/b\r\n\r\n",
        "Subject: no line end",
        "X:;p=\"open value\r\n\r\nContent-Type: a/b\r\n\r\n",
        ".x: y\r\n\r\nContent-Type: a/b\r\n\r\n",
        "p.: y\r\n\r\nContent-Type: a/b\r\n\r\n",
        "\r\nno colon\r\n\r\n",
    };
    sp_error e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e.reason = NULL;
        ck_assert_msg(unwrap(bad[i], &e) == SP_EINVAL, "%zu", i);
        ck_assert_ptr_nonnull(e.reason);
        ck_assert_int_eq(e.status, 400);
    }
    static const char nul[] = "Subject: a\0b\r\n\r\nContent-Type: a/b\r\n\r\n";
    ck_assert_int_eq(unwrap_n(nul, sizeof nul - 1, 4, &e), SP_EINVAL);
    static const char nul2[] = "\r\nContent-Type: a\0/b\r\n\r\n";
    ck_assert_int_eq(unwrap_n(nul2, sizeof nul2 - 1, 4, &e), SP_EINVAL);
}
END_TEST

START_TEST(header_limit_at_the_boundary)
{
    const char *s = "A: 1\r\nB: 2\r\nC: 3\r\n\r\nContent-Type: a/b\r\n\r\nx";
    sp_error e;
    ck_assert_int_eq(unwrap_n(s, strlen(s), 3, &e), (int)strlen(s));
    ck_assert_int_eq(unwrap_n(s, strlen(s), 2, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
}
END_TEST

START_TEST(every_truncation_is_refused_or_shorter)
{
    sp_error e;
    size_t n = strlen(rfc_example);
    size_t body_at = (size_t)(strstr(rfc_example, "<body>") - rfc_example);
    for (size_t cut = 0; cut < n; cut++) {
        int rc = unwrap_n(rfc_example, cut, PUSH_CPIM_DEFAULT_MAX_HEADERS, &e);
        if (cut >= body_at) {
            ck_assert_int_eq(rc, (int)cut);
            ck_assert_uint_eq(m.body.n, cut - body_at);
        } else {
            ck_assert_msg(rc == SP_EINVAL, "cut %zu: %d", cut, rc);
        }
    }
}
END_TEST

START_TEST(wrap_and_round_trip)
{
    char out[512];
    sp_error e;
    push_cpim_in in = {{SP_STR_NULL, SP_LIT("sip:psa@example.com")},
                       {SP_LIT("Bob"), SP_LIT("sip:bob@example.com")},
                       true,
                       (time_t)996574380,
                       SP_LIT("text/vnd.wap.si"),
                       SP_LIT("<si/>")};
    int n = push_cpim_wrap(&in, out, sizeof out, &e);
    const char *want = "From: <sip:psa@example.com>\r\nTo: Bob <sip:bob@example.com>\r\n"
                       "DateTime: 2001-07-31T10:13:00Z\r\n\r\nContent-Type: text/vnd.wap.si\r\n\r\n<si/>";
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(n, (int)strlen(want));
    ck_assert_int_eq(unwrap(out, &e), n);
    ck_assert(sp_str_eq(m.from.uri, SP_LIT("sip:psa@example.com")));
    ck_assert(sp_str_eq(m.to.name, SP_LIT("Bob")));
    ck_assert(sp_str_eq(m.content_type, SP_LIT("text/vnd.wap.si")));
    ck_assert(sp_str_eq(m.body, SP_LIT("<si/>")));
    /* a name needing quotes; binary content with CRLFs survives */
    static const char bin[] = "\r\n\r\n\0\xff";
    in.from.name = SP_LIT("The \"PSA\" <1>");
    in.has_datetime = false;
    in.body = sp_str_make(bin, sizeof bin - 1);
    n = push_cpim_wrap(&in, out, sizeof out, &e);
    ck_assert_int_gt(n, 0);
    const char *from = "From: \"The \\\"PSA\\\" <1>\" <sip:psa@example.com>\r\n";
    ck_assert(strncmp(out, from, strlen(from)) == 0);
    ck_assert_int_eq(unwrap_n(out, (size_t)n, 8, &e), n);
    ck_assert(sp_str_eq(m.from.uri, SP_LIT("sip:psa@example.com")));
    ck_assert(sp_str_eq(m.body, sp_str_make(bin, sizeof bin - 1)));
    /* buffer boundary */
    ck_assert_int_eq(push_cpim_wrap(&in, out, (size_t)n + 1, &e), n);
    ck_assert_int_eq(push_cpim_wrap(&in, out, (size_t)n, &e), SP_ELIMIT);
}
END_TEST

START_TEST(wrap_refuses_bad_values)
{
    char out[256];
    sp_error e;
    push_cpim_in in = {{SP_STR_NULL, SP_LIT("sip:a")}, {SP_STR_NULL, SP_LIT("sip:b")}, false, 0, SP_LIT("a/b"),
                       SP_LIT("x")};
    ck_assert_int_gt(push_cpim_wrap(&in, out, sizeof out, &e), 0);
    in.to.uri = SP_LIT("sip:b>");
    ck_assert_int_eq(push_cpim_wrap(&in, out, sizeof out, &e), SP_EINVAL);
    in.to.uri = SP_LIT("");
    ck_assert_int_eq(push_cpim_wrap(&in, out, sizeof out, &e), SP_EINVAL);
    in.to.uri = SP_LIT("sip:b");
    in.to.name = SP_LIT("evil\r\nX: y");
    ck_assert_int_eq(push_cpim_wrap(&in, out, sizeof out, &e), SP_EINVAL);
    in.to.name = SP_STR_NULL;
    in.content_type = SP_LIT("a/b\r\nX: y");
    ck_assert_int_eq(push_cpim_wrap(&in, out, sizeof out, &e), SP_EINVAL);
    in.content_type = SP_LIT("nope");
    ck_assert_int_eq(push_cpim_wrap(&in, out, sizeof out, &e), SP_EINVAL);
}
END_TEST

static Suite *push_cpim_suite(void)
{
    Suite *s = suite_create("push_cpim");
    TCase *tc = tcase_create("cpim");
    tcase_add_test(tc, rfc3862_example);
    tcase_add_test(tc, minimal_and_quoted_forms);
    tcase_add_test(tc, malformed_cpim);
    tcase_add_test(tc, header_limit_at_the_boundary);
    tcase_add_test(tc, every_truncation_is_refused_or_shorter);
    tcase_add_test(tc, wrap_and_round_trip);
    tcase_add_test(tc, wrap_refuses_bad_values);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_cpim_suite)
