/* test_pap_build.c - the documents the gateway writes, the PAP date form,
 * the code and state names, and the outcome table row by row. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "push_pap.h"
#include "push_status.h"

static char mem[8192];
static sp_buf b;

static void start(void) { sp_buf_init(&b, mem, sizeof mem - 1); }

/* The document as a C string, checked well-formed by the reader (DOCTYPE allowed). */
static const char *done(void)
{
    long n = sp_buf_finish(&b);
    ck_assert_int_ge(n, 0);
    mem[n] = '\0';
    push_xml_limits lim = {sizeof mem, 8, 16, true};
    push_xml x;
    push_xml_init(&x, mem, (size_t)n, &lim);
    push_xml_token t;
    sp_error e;
    do
        ck_assert_msg(push_xml_next(&x, &t, &e) == 0, "not well-formed (%s): %s", e.reason, mem);
    while (t.kind != PUSH_XML_END);
    return mem;
}

static void has(const char *doc, const char *piece)
{
    ck_assert_msg(strstr(doc, piece), "'%s' not in:\n%s", piece, doc);
}

START_TEST(push_response_every_field)
{
    start();
    push_pap_push_response r = {SP_LIT("id-1"), SP_LIT("http://ppg.example.com/pap"), SP_LIT("sippush"), 1893456000,
                           PUSH_PAP_ACCEPTED, SP_STR_NULL};
    push_pap_build_push_response(&b, PUSH_PAP_V1_0, &r);
    const char *d = done();
    has(d, "<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 1.0//EN\" \"http://www.wapforum.org/DTD/pap_1.0.dtd\">");
    has(d, "<push-response push-id=\"id-1\" sender-address=\"http://ppg.example.com/pap\" sender-name=\"sippush\" "
           "reply-time=\"2030-01-01T00:00:00Z\">");
    has(d, "<response-result code=\"1001\" desc=\"Accepted for Processing\"/>");
    ck_assert_ptr_null(strstr(d, "wap-pap-ver"));
    /* Absent values are not written; a desc given is. */
    start();
    push_pap_push_response r2 = {SP_LIT("id-2"), SP_STR_NULL, SP_STR_NULL, -1, PUSH_PAP_ADDRESS_ERROR, SP_LIT("bad address")};
    push_pap_build_push_response(&b, PUSH_PAP_V2_0, &r2);
    d = done();
    has(d, "\"-//WAPFORUM//DTD PAP 2.0//EN\" \"http://www.wapforum.org/DTD/pap_2.0.dtd\"");
    has(d, "[<?wap-pap-ver supported-versions=\"2.1,2.0,1.*\"?>]>");
    has(d, "<push-response push-id=\"id-2\">");
    has(d, "<response-result code=\"2002\" desc=\"bad address\"/>");
    start();
    push_pap_build_push_response(&b, PUSH_PAP_V2_1, &r2);
    has(done(), "\"-//WAPFORUM//DTD PAP 2.1//EN\"");
}
END_TEST

START_TEST(push_response_with_progress_notes)
{
    push_pap_progress_note notes[2] = {{SP_LIT("queued"), SP_LIT("held until deliver-after"), 1893456000},
                                  {SP_LIT("sent"), SP_STR_NULL, -1}};
    push_pap_push_response r = {SP_LIT("n1"), SP_STR_NULL, SP_STR_NULL, -1, PUSH_PAP_ACCEPTED, SP_STR_NULL};
    start();
    push_pap_build_push_response_notes(&b, PUSH_PAP_V2_0, &r, notes, 2);
    has(done(), "<push-response push-id=\"n1\">\n<progress-note stage=\"queued\" note=\"held until deliver-after\" "
                "time=\"2030-01-01T00:00:00Z\"/>\n<progress-note stage=\"sent\"/>\n"
                "<response-result code=\"1001\" desc=\"Accepted for Processing\"/>\n</push-response>");
}
END_TEST

START_TEST(values_escaped)
{
    start();
    push_pap_push_response r = {SP_LIT("a&b<c>\"d'\te\nf\rg\x01h\xff" "\xc3\xa9"), SP_STR_NULL, SP_STR_NULL, -1, 1000,
                           SP_STR_NULL};
    push_pap_build_push_response(&b, PUSH_PAP_V1_0, &r);
    has(done(), "push-id=\"a&amp;b&lt;c&gt;&quot;d'&#9;e&#10;f&#13;g?h?\xc3\xa9\"");
    /* Invalid UTF-8 of every kind becomes '?'. */
    start();
    push_pap_push_response bad = {SP_LIT("\xc3\x28|\xe2\x82|\xf0\x9f\x98|\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xef\xbf\xbe"),
                             SP_STR_NULL, SP_STR_NULL, -1, 1000, SP_STR_NULL};
    push_pap_build_push_response(&b, PUSH_PAP_V1_0, &bad);
    has(done(), "push-id=\"?(|??|???|??|???|????|???\"");
}
END_TEST

START_TEST(cancel_response)
{
    push_pap_result res[2] = {
        {SP_LIT("WAPPUSH=sip:a@b/TYPE=USER@ppg"), PUSH_PAP_OK, SP_STR_NULL, PUSH_PAP_STATE_CANCELLED, -1},
        {SP_STR_NULL, PUSH_PAP_CANCELLATION_NOT_POSSIBLE, SP_LIT("already delivered"), PUSH_PAP_STATE_DELIVERED, -1},
    };
    start();
    push_pap_build_cancel_response(&b, PUSH_PAP_V2_0, SP_LIT("c1"), res, 2);
    const char *d = done();
    has(d, "<cancel-response push-id=\"c1\">\n<cancel-result code=\"1000\" desc=\"OK\">\n"
           "<address address-value=\"WAPPUSH=sip:a@b/TYPE=USER@ppg\"/>\n</cancel-result>\n"
           "<cancel-result code=\"2008\" desc=\"already delivered\"/>\n</cancel-response>");
    ck_assert_ptr_null(strstr(d, "message-state"));
}
END_TEST

START_TEST(statusquery_response_every_state)
{
    for (int s = PUSH_PAP_STATE_PENDING; s <= PUSH_PAP_STATE_UNKNOWN; s++) {
        push_pap_result r = {SP_LIT("WAPPUSH=+1/TYPE=PLMN@ppg"), PUSH_PAP_OK, SP_STR_NULL, (push_pap_state)s, 1893456000};
        start();
        push_pap_build_statusquery_response(&b, PUSH_PAP_V1_0, SP_LIT("s1"), &r, 1);
        const char *d = done();
        char want[160];
        snprintf(want, sizeof want, "<statusquery-result event-time=\"2030-01-01T00:00:00Z\" message-state=\"%s\" "
                 "code=\"1000\"", push_pap_state_name((push_pap_state)s));
        has(d, want);
        has(d, "<statusquery-response push-id=\"s1\">");
    }
    static const char *const names[] = {"pending", "delivered", "undeliverable", "expired",
                                        "aborted", "timeout",   "cancelled",     "unknown"};
    for (int s = 0; s < 8; s++)
        ck_assert_str_eq(push_pap_state_name((push_pap_state)s), names[s]);
    ck_assert_str_eq(push_pap_state_name((push_pap_state)99), "unknown");
}
END_TEST

START_TEST(resultnotification_message)
{
    push_pap_notification n = {SP_LIT("p1"), SP_LIT("http://ppg/pap"), SP_LIT("sippush"),
                          SP_LIT("WAPPUSH=sip:a%40b/TYPE=USER@ppg"), PUSH_PAP_STATE_DELIVERED, PUSH_PAP_OK,
                          SP_STR_NULL, 1893456000, 1893456001};
    start();
    push_pap_build_resultnotification(&b, PUSH_PAP_V2_0, &n);
    const char *d = done();
    has(d, "<resultnotification-message push-id=\"p1\" sender-address=\"http://ppg/pap\" sender-name=\"sippush\" "
           "received-time=\"2030-01-01T00:00:00Z\" event-time=\"2030-01-01T00:00:01Z\" message-state=\"delivered\" "
           "code=\"1000\" desc=\"OK\">\n<address address-value=\"WAPPUSH=sip:a%40b/TYPE=USER@ppg\"/>\n"
           "</resultnotification-message>");
}
END_TEST

START_TEST(ccq_response)
{
    push_pap_result r = {SP_LIT("WAPPUSH=+1/TYPE=PLMN@ppg"), PUSH_PAP_OK, SP_STR_NULL, PUSH_PAP_STATE_UNKNOWN, -1};
    start();
    push_pap_build_ccq_response(&b, PUSH_PAP_V1_0, SP_LIT("q1"), &r);
    has(done(), "<ccq-response query-id=\"q1\">\n<address address-value=\"WAPPUSH=+1/TYPE=PLMN@ppg\"/>\n"
                "<query-result code=\"1000\" desc=\"OK\"/>\n</ccq-response>");
    char ct[128];
    start();
    ck_assert_int_eq(push_pap_build_ccq_multipart(&b, ct, sizeof ct, PUSH_PAP_V1_0, SP_LIT("q1"), &r, SP_LIT("application/rdf+xml"),
                                             SP_LIT("<rdf/>"), SP_LIT("bNd-1")), 0);
    ck_assert_str_eq(ct, "multipart/related; boundary=bNd-1; type=\"application/xml\"");
    mem[b.len] = '\0';
    ck_assert(!strncmp(mem, "--bNd-1\r\nContent-Type: application/xml\r\n\r\n<?xml", 47));
    has(mem, "</pap>\n\r\n--bNd-1\r\nContent-Type: application/rdf+xml\r\n\r\n<rdf/>\r\n--bNd-1--\r\n");
    /* The body reads back as a PAP multipart (its root is the ccq-response, not a request). */
    push_pap_address a[1];
    char text[64];
    push_pap_store st = {a, 1, text, sizeof text};
    push_pap_request req;
    push_pap_error err;
    ck_assert_int_eq(push_pap_parse(sp_str_cstr(ct), sp_str_make(mem, b.len), NULL, &st, &req, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.reason, "not a PAP request"));
    /* Refused: a boundary inside a part, a bad boundary, a type with a line break, no room. */
    start();
    ck_assert_int_eq(push_pap_build_ccq_multipart(&b, ct, sizeof ct, PUSH_PAP_V1_0, SP_LIT("q1"), &r, SP_LIT("a/b"),
                                             SP_LIT("x\r\n--bNd-1--"), SP_LIT("bNd-1")), -1);
    start();
    ck_assert_int_eq(push_pap_build_ccq_multipart(&b, ct, sizeof ct, PUSH_PAP_V1_0, SP_LIT("--x"), &r, SP_LIT("a/b"),
                                             SP_LIT("c"), SP_LIT("x")), -1);
    start();
    ck_assert_int_eq(push_pap_build_ccq_multipart(&b, ct, sizeof ct, PUSH_PAP_V1_0, SP_LIT("q"), &r, SP_LIT("a/b"), SP_LIT("c"),
                                             SP_LIT("b d")), -1);
    start();
    ck_assert_int_eq(push_pap_build_ccq_multipart(&b, ct, sizeof ct, PUSH_PAP_V1_0, SP_LIT("q"), &r, SP_LIT("a/b\r\nX: y"),
                                             SP_LIT("c"), SP_LIT("bd")), -1);
    start();
    ck_assert_int_eq(push_pap_build_ccq_multipart(&b, ct, 10, PUSH_PAP_V1_0, SP_LIT("q"), &r, SP_LIT("a/b"), SP_LIT("c"),
                                             SP_LIT("bd")), -1);
}
END_TEST

START_TEST(badmessage_response)
{
    start();
    push_pap_build_badmessage_response(&b, PUSH_PAP_V1_0, PUSH_PAP_BAD_REQUEST, SP_STR_NULL, SP_LIT("<pap><push-mess"));
    has(done(), "<badmessage-response code=\"2000\" desc=\"Bad Request\" bad-message-fragment=\"&lt;pap&gt;&lt;push-mess\"/>");
    start();
    push_pap_build_badmessage_response(&b, PUSH_PAP_V2_0, PUSH_PAP_VERSION_NOT_SUPPORTED, SP_LIT("PAP version not supported"),
                                  SP_STR_NULL);
    const char *d = done();
    has(d, "<badmessage-response code=\"3002\" desc=\"PAP version not supported\"/>");
}
END_TEST

START_TEST(overflow_reported)
{
    char small[64];
    sp_buf_init(&b, small, sizeof small);
    push_pap_push_response r = {SP_LIT("id"), SP_STR_NULL, SP_STR_NULL, -1, 1000, SP_STR_NULL};
    push_pap_build_push_response(&b, PUSH_PAP_V1_0, &r);
    ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
}
END_TEST

START_TEST(pap_times)
{
    int64_t t;
    ck_assert(push_pap_time_parse(SP_LIT("1970-01-01T00:00:00Z"), &t) && t == 0);
    ck_assert(push_pap_time_parse(SP_LIT("2000-02-29T23:59:59Z"), &t) && t == 951868799);
    ck_assert(push_pap_time_parse(SP_LIT("1969-12-31T23:59:59Z"), &t) && t == -1);
    ck_assert(push_pap_time_parse(SP_LIT("2002-11-01T06:45:00Z"), &t) && t == 1036133100);
    static const char *const bad[] = {
        "2001-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2030-13-01T00:00:00Z", "2030-00-01T00:00:00Z",
        "2030-01-00T00:00:00Z", "2030-04-31T00:00:00Z", "2030-01-01T24:00:00Z", "2030-01-01T00:60:00Z",
        "2030-01-01T00:00:60Z", "2030-01-01T00:00:00",  "2030-01-01T00:00:00+00", "2030-01-01 00:00:00Z",
        "2030-1-01T00:00:00Z",  "2030-01-01T00:00:00z", "203a-01-01T00:00:00Z", "2030-01-01T00:00:00ZZ", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!push_pap_time_parse(sp_str_cstr(bad[i]), &t), "%s accepted", bad[i]);
    char s[PUSH_PAP_TIME_LEN + 1];
    ck_assert_uint_eq(push_pap_time_format(951868799, s, sizeof s), PUSH_PAP_TIME_LEN);
    ck_assert_str_eq(s, "2000-02-29T23:59:59Z");
    ck_assert_uint_eq(push_pap_time_format(0, s, PUSH_PAP_TIME_LEN), 0); /* no room for the NUL */
    ck_assert_uint_eq(push_pap_time_format(253402300800, s, sizeof s), 0); /* year 10000 */
    for (int64_t v = 0; v < 4102444800; v += 86399 * 37) {
        ck_assert_uint_eq(push_pap_time_format(v, s, sizeof s), PUSH_PAP_TIME_LEN);
        ck_assert(push_pap_time_parse(sp_str_cstr(s), &t) && t == v);
    }
}
END_TEST

START_TEST(code_descriptions)
{
    static const unsigned codes[] = {1000, 1001, 2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 3000, 3001,
                                     3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009, 3010, 3011, 4000, 4001};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        ck_assert_str_ne(push_pap_code_desc(codes[i]), "Unknown");
    ck_assert_str_eq(push_pap_code_desc(2007), "Duplicate Push ID");
    ck_assert_str_eq(push_pap_code_desc(5028), "Mobile Client Aborted");
    ck_assert_str_eq(push_pap_code_desc(1002), "Unknown");
    ck_assert_str_eq(push_pap_code_desc(6000), "Unknown");
    ck_assert_str_eq(push_pap_version_name(PUSH_PAP_V2_1), "2.1");
    ck_assert_str_eq(push_pap_kind_name(PUSH_PAP_KIND_STATUS_QUERY), "status-query");
}
END_TEST

/* The table of push/README.md: status → message-state, code without retry, code with retry. */
static const struct {
    unsigned status;
    push_pap_state state;
    unsigned final_code, retry_code;
} table[] = {
    {200, PUSH_PAP_STATE_DELIVERED, 1000, 1000},     {400, PUSH_PAP_STATE_UNDELIVERABLE, 2000, 4000},
    {401, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000}, {403, PUSH_PAP_STATE_UNDELIVERABLE, 2001, 4000},
    {404, PUSH_PAP_STATE_UNDELIVERABLE, 2003, 4000}, {407, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000},
    {408, PUSH_PAP_STATE_TIMEOUT, 3003, 4000},       {410, PUSH_PAP_STATE_UNDELIVERABLE, 2003, 4000},
    {413, PUSH_PAP_STATE_UNDELIVERABLE, 2005, 4000}, {415, PUSH_PAP_STATE_UNDELIVERABLE, 2005, 4000},
    {420, PUSH_PAP_STATE_UNDELIVERABLE, 3007, 4000}, {421, PUSH_PAP_STATE_UNDELIVERABLE, 3007, 4000},
    {423, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000}, {480, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4001},
    {481, PUSH_PAP_STATE_UNDELIVERABLE, 3007, 4000}, {484, PUSH_PAP_STATE_UNDELIVERABLE, 2002, 4000},
    {486, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4001}, {487, PUSH_PAP_STATE_CANCELLED, 1000, 1000},
    {488, PUSH_PAP_STATE_UNDELIVERABLE, 2005, 4000}, {489, PUSH_PAP_STATE_UNDELIVERABLE, 3007, 4000},
    {491, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000}, {500, PUSH_PAP_STATE_UNDELIVERABLE, 3000, 4000},
    {501, PUSH_PAP_STATE_UNDELIVERABLE, 3007, 4000}, {502, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000},
    {503, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4001}, {504, PUSH_PAP_STATE_TIMEOUT, 3003, 4000},
    {505, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000}, {513, PUSH_PAP_STATE_UNDELIVERABLE, 2005, 4000},
    {600, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4001}, {603, PUSH_PAP_STATE_ABORTED, 5000, 5000},
    {604, PUSH_PAP_STATE_UNDELIVERABLE, 2003, 4000}, {606, PUSH_PAP_STATE_UNDELIVERABLE, 2005, 4000},
    /* statuses no row names: by class */
    {302, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000}, {499, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000},
    {599, PUSH_PAP_STATE_UNDELIVERABLE, 3000, 4000}, {699, PUSH_PAP_STATE_UNDELIVERABLE, 3003, 4000},
    {0, PUSH_PAP_STATE_UNDELIVERABLE, 3000, 4000},   {700, PUSH_PAP_STATE_UNDELIVERABLE, 3000, 4000},
};

static push_pap_outcome outcome(unsigned status, bool retry, const char *reason)
{
    push_psa_result r;
    memset(&r, 0, sizeof r);
    r.method = PUSH_METHOD_MESSAGE;
    r.delivered = status / 100 == 2;
    r.status = status;
    r.retry = retry;
    r.reason = reason;
    return push_pap_outcome_of(&r);
}

START_TEST(outcome_rows)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        for (int retry = 0; retry < 2; retry++) {
            push_pap_outcome o = outcome(table[i].status, retry, NULL);
            unsigned want = retry ? table[i].retry_code : table[i].final_code;
            ck_assert_msg(o.code == want, "%u retry %d: code %u, want %u", table[i].status, retry, o.code, want);
            ck_assert_msg(o.state == table[i].state, "%u: state %s", table[i].status, push_pap_state_name(o.state));
            ck_assert(o.retry == (bool)retry);
            ck_assert_str_eq(o.desc, push_pap_code_desc(o.code));
        }
}
END_TEST

/* With push_status's own retry decision (a SIP answer to a MESSAGE), the
 * code's class says it: 4xxx and 5xxx may be resubmitted, the rest not. */
START_TEST(outcome_class_follows_push_status)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        unsigned st = table[i].status;
        push_status ps = push_status_of(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, st);
        push_pap_outcome o = outcome(st, ps.retry, ps.reason);
        bool temporary = o.code / 1000 == 4 || o.code / 1000 == 5;
        ck_assert_msg(temporary == ps.retry, "%u: code %u but retry %d", st, o.code, ps.retry);
        ck_assert_str_eq(o.desc, ps.reason);
    }
}
END_TEST

START_TEST(outcome_delivered_and_expired)
{
    push_psa_result r;
    memset(&r, 0, sizeof r);
    r.delivered = true;
    r.status = 202;
    push_pap_outcome o = push_pap_outcome_of(&r);
    ck_assert_uint_eq(o.code, PUSH_PAP_OK);
    ck_assert_int_eq(o.state, PUSH_PAP_STATE_DELIVERED);
    /* A 2xx the PSA did not count as delivered is not reported as one. */
    r.delivered = false;
    o = push_pap_outcome_of(&r);
    ck_assert_int_eq(o.state, PUSH_PAP_STATE_UNDELIVERABLE);
    ck_assert_uint_eq(o.code, PUSH_PAP_INTERNAL_ERROR);
    o = push_pap_outcome_expired();
    ck_assert_int_eq(o.state, PUSH_PAP_STATE_EXPIRED);
    ck_assert(!o.retry);
}
END_TEST

static Suite *pap_build_suite(void)
{
    Suite *s = suite_create("push_pap_build");
    TCase *tc = tcase_create("documents");
    tcase_add_test(tc, push_response_every_field);
    tcase_add_test(tc, push_response_with_progress_notes);
    tcase_add_test(tc, values_escaped);
    tcase_add_test(tc, cancel_response);
    tcase_add_test(tc, statusquery_response_every_state);
    tcase_add_test(tc, resultnotification_message);
    tcase_add_test(tc, ccq_response);
    tcase_add_test(tc, badmessage_response);
    tcase_add_test(tc, overflow_reported);
    suite_add_tcase(s, tc);
    TCase *v = tcase_create("values");
    tcase_add_test(v, pap_times);
    tcase_add_test(v, code_descriptions);
    tcase_add_test(v, outcome_rows);
    tcase_add_test(v, outcome_class_follows_push_status);
    tcase_add_test(v, outcome_delivered_and_expired);
    suite_add_tcase(s, v);
    return s;
}

CHECK_MAIN(pap_build_suite)
