/* test_pap_parse.c - PAP requests: every request kind and attribute, the
 * versions, multipart/related framing, the content entity, and every way a
 * request is refused (code, readable or not, where). */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_pap.h"

#define DT10 "<?xml version=\"1.0\"?>\n<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 1.0//EN\" " \
             "\"http://www.wapforum.org/DTD/pap_1.0.dtd\">\n"
#define DT20 "<?xml version=\"1.0\"?>\n<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 2.0//EN\" " \
             "\"http://www.wapforum.org/DTD/pap_2.0.dtd\" [<?wap-pap-ver supported-versions=\"2.0,1.*\"?>]>\n"
#define ADDR "<address address-value=\"WAPPUSH=sip:alice%40example.com/TYPE=USER@ppg.example.com\"/>"
#define ADDR_F "<address address-value=\"WAPPUSH=sip:alice%%40example.com/TYPE=USER@ppg.example.com\"/>"
#define XML "application/xml"
#define MP "multipart/related; boundary=B0; type=\"application/xml\""

static push_pap_address addrs[4];
static char text[4096];
static push_pap_request req;
static push_pap_error err;

static int parse_with(const char *ct, const char *body, const push_pap_limits *lim)
{
    push_pap_store st = {addrs, sizeof addrs / sizeof addrs[0], text, sizeof text};
    memset(&err, 0, sizeof err);
    return push_pap_parse(sp_str_cstr(ct), sp_str_make(guard_str(body), strlen(body)), lim, &st, &req, &err);
}

static int parse(const char *ct, const char *body) { return parse_with(ct, body, NULL); }

/* A push-message request: control document ctl, content entity part. */
static const char *push_body(const char *ctl, const char *part)
{
    static char b[8192];
    snprintf(b, sizeof b, "--B0\r\nContent-Type: application/xml\r\n\r\n%s\r\n--B0\r\n%s\r\n--B0--\r\n", ctl, part);
    return b;
}

static void expect_ok(int rc)
{
    ck_assert_msg(rc == 0, "refused: %u %s", err.code, err.reason ? err.reason : "");
}

static void expect_fail(int rc, unsigned code, bool unreadable, const char *why)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(err.code == code, "code %u (%s), want %u", err.code, err.reason, code);
    ck_assert_msg(err.unreadable == unreadable, "unreadable %d (%s)", err.unreadable, err.reason);
    ck_assert_msg(strstr(err.reason, why), "reason '%s' lacks '%s'", err.reason, why);
    ck_assert(err.fragment.n <= PUSH_PAP_FRAGMENT_MAX);
}

static bool eq(sp_str s, const char *c) { return s.p && sp_str_eq(s, sp_str_cstr(c)); }

static sp_str content_header(const char *name)
{
    sp_str rest = req.content.headers, n, v;
    while (push_pap_header_next(&rest, &n, &v))
        if (sp_str_caseeq_cstr(n, name))
            return v;
    return SP_STR_NULL;
}

START_TEST(push_message_every_attribute)
{
    const char *ctl = DT20 "<pap product-name=\"x\"><push-message push-id=\"id&amp;1\" replace-push-id=\"old\" "
                      "replace-method=\"pending-only\" deliver-before-timestamp=\"2030-01-02T03:04:05Z\" "
                      "deliver-after-timestamp=\"2030-01-01T00:00:00Z\" source-reference=\"src\" "
                      "ppg-notify-requested-to=\"http://127.0.0.1:9/n\" progress-notes-requested=\"true\" "
                      "future-attribute=\"ignored\">\n" ADDR "\n"
                      "<address address-value=\"WAPPUSH=+15551234567/TYPE=PLMN@ppg\"/>\n"
                      "<quality-of-service priority=\"high\" delivery-method=\"preferconfirmed\" network=\"GSM\" "
                      "network-required=\"true\" bearer=\"SMS\" bearer-required=\"true\"/>\n</push-message></pap>";
    expect_ok(parse(MP, push_body(ctl, "Content-Type: text/vnd.wap.si\r\nX-Wap-Application-Id: 1\r\n\r\n<si/>")));
    ck_assert_int_eq(req.kind, PUSH_PAP_KIND_PUSH);
    ck_assert_int_eq(req.version, PUSH_PAP_V2_0);
    ck_assert(eq(req.push_id, "id&1"));
    ck_assert(eq(req.replace_push_id, "old"));
    ck_assert(req.replace_pending_only);
    ck_assert(req.has_deliver_before && req.has_deliver_after);
    ck_assert_int_eq(req.deliver_before, 1893553445);
    ck_assert_int_eq(req.deliver_after, 1893456000);
    ck_assert(eq(req.source_reference, "src"));
    ck_assert(eq(req.ppg_notify_requested_to, "http://127.0.0.1:9/n"));
    ck_assert(req.progress_notes_requested);
    ck_assert(req.qos.present);
    ck_assert_int_eq(req.qos.priority, PUSH_PAP_PRIORITY_HIGH);
    ck_assert_int_eq(req.qos.delivery_method, PUSH_PAP_DELIVERY_PREFERCONFIRMED);
    ck_assert(eq(req.qos.network, "GSM") && req.qos.network_required);
    ck_assert(eq(req.qos.bearer, "SMS") && req.qos.bearer_required);
    ck_assert_uint_eq(req.n_addr, 2);
    ck_assert(eq(req.addr[0].value, "WAPPUSH=sip:alice%40example.com/TYPE=USER@ppg.example.com"));
    ck_assert(eq(req.addr[1].value, "WAPPUSH=+15551234567/TYPE=PLMN@ppg"));
    ck_assert(eq(req.content.content_type, "text/vnd.wap.si"));
    ck_assert(eq(req.content.body, "<si/>"));
    ck_assert(eq(content_header("x-wap-application-id"), "1"));
}
END_TEST

START_TEST(push_message_defaults)
{
    expect_ok(parse(MP, push_body("<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>",
                                  "Content-Type: text/plain\r\n\r\nhi")));
    ck_assert_int_eq(req.version, PUSH_PAP_V1_0); /* no DOCTYPE */
    ck_assert(!req.has_deliver_before && !req.has_deliver_after && !req.progress_notes_requested);
    ck_assert(!req.replace_pending_only && !req.replace_push_id.p && !req.source_reference.p);
    ck_assert(!req.qos.present);
    expect_ok(parse(MP, push_body("<pap><push-message push-id=\"p\">" ADDR
                                  "<quality-of-service/></push-message></pap>", "\r\nno headers")));
    ck_assert(req.qos.present);
    ck_assert_int_eq(req.qos.priority, PUSH_PAP_PRIORITY_MEDIUM);
    ck_assert_int_eq(req.qos.delivery_method, PUSH_PAP_DELIVERY_NOTSPECIFIED);
    ck_assert(!req.content.content_type.p);
    ck_assert(eq(req.content.body, "no headers"));
}
END_TEST

START_TEST(every_enumerated_value)
{
    static const char *const prio[] = {"medium", "high", "low"};
    static const char *const dm[] = {"notspecified", "confirmed", "preferconfirmed", "unconfirmed"};
    char ctl[512];
    for (int i = 0; i < 3; i++) {
        snprintf(ctl, sizeof ctl, "<pap><push-message push-id=\"p\">" ADDR_F
                 "<quality-of-service priority=\"%s\"/></push-message></pap>", prio[i]);
        expect_ok(parse(MP, push_body(ctl, "\r\nx")));
        ck_assert_int_eq(req.qos.priority, i);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(ctl, sizeof ctl, "<pap><push-message push-id=\"p\">" ADDR_F
                 "<quality-of-service delivery-method=\"%s\"/></push-message></pap>", dm[i]);
        expect_ok(parse(MP, push_body(ctl, "\r\nx")));
        ck_assert_int_eq(req.qos.delivery_method, i);
    }
    expect_ok(parse(MP, push_body("<pap><push-message push-id=\"p\" replace-method=\"all\" "
                                  "progress-notes-requested=\"false\">" ADDR "</push-message></pap>", "\r\nx")));
    ck_assert(!req.replace_pending_only && !req.progress_notes_requested);
}
END_TEST

START_TEST(bad_attribute_values_refused_readable)
{
    static const struct {
        const char *attrs, *qos, *why;
    } cases[] = {
        {"deliver-before-timestamp=\"2030-01-01 00:00:00\"", "", "deliver-before-timestamp"},
        {"deliver-after-timestamp=\"2030-02-30T00:00:00Z\"", "", "deliver-after-timestamp"},
        {"deliver-before-timestamp=\"2030-01-01T00:00:00Z\" deliver-after-timestamp=\"2030-01-01T00:00:01Z\"", "",
         "earlier than"},
        {"progress-notes-requested=\"yes\"", "", "progress-notes-requested"},
        {"replace-method=\"some\"", "", "replace-method"},
        {"", "priority=\"urgent\"", "priority"},
        {"", "delivery-method=\"maybe\"", "delivery-method"},
        {"", "network-required=\"1\"", "network-required"},
        {"", "bearer-required=\"0\"", "bearer-required"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char ctl[512];
        snprintf(ctl, sizeof ctl, DT10 "<pap><push-message push-id=\"p9\" %s>" ADDR_F
                 "<quality-of-service %s/></push-message></pap>", cases[i].attrs, cases[i].qos);
        expect_fail(parse(MP, push_body(ctl, "\r\nx")), PUSH_PAP_BAD_REQUEST, false, cases[i].why);
        /* A refusal keeps what the answer needs. */
        ck_assert_int_eq(req.kind, PUSH_PAP_KIND_PUSH);
        ck_assert(eq(req.push_id, "p9"));
    }
}
END_TEST

START_TEST(refusal_points_at_the_raw_value)
{
    const char *body = push_body("<pap><push-message push-id=\"p\" progress-notes-requested=\"&#116;rue!\">" ADDR
                                 "</push-message></pap>", "\r\nx");
    expect_fail(parse(MP, body), PUSH_PAP_BAD_REQUEST, false, "progress-notes-requested");
    ck_assert_uint_eq(err.offset, (size_t)(strstr(body, "&#116;") - body));
    ck_assert(err.fragment.n >= 6 && !memcmp(err.fragment.p, "&#116;", 6));
    expect_fail(parse("multipart/related; boundary=B0; start=\"<>\"", body), PUSH_PAP_BAD_REQUEST, true, "empty start");
}
END_TEST

START_TEST(equal_deliver_times_accepted)
{
    expect_ok(parse(MP, push_body("<pap><push-message push-id=\"p\" deliver-before-timestamp=\"2030-01-01T00:00:00Z\" "
                                  "deliver-after-timestamp=\"2030-01-01T00:00:00Z\">" ADDR "</push-message></pap>",
                                  "\r\nx")));
}
END_TEST

START_TEST(addresses)
{
    expect_fail(parse(MP, push_body("<pap><push-message push-id=\"p\"><address address-value=\"WAPPUSH=1.2.3.4/"
                                    "TYPE=IPv4@ppg\"/></push-message></pap>", "\r\nx")),
                PUSH_PAP_ADDRESS_ERROR, false, "address-value");
    ck_assert(err.fragment.n > 0 && !memcmp(err.fragment.p, "WAPPUSH=1.2.3.4", 15));
    expect_fail(parse(MP, push_body("<pap><push-message push-id=\"p\"><address/></push-message></pap>", "\r\nx")),
                PUSH_PAP_BAD_REQUEST, false, "without address-value");
    expect_fail(parse(MP, push_body("<pap><push-message push-id=\"p\"></push-message></pap>", "\r\nx")),
                PUSH_PAP_BAD_REQUEST, false, "no address");
    /* Four fit the store, the fifth is 3005. */
    expect_ok(parse(MP, push_body("<pap><push-message push-id=\"p\">" ADDR ADDR ADDR ADDR "</push-message></pap>",
                                  "\r\nx")));
    ck_assert_uint_eq(req.n_addr, 4);
    expect_fail(parse(MP, push_body("<pap><push-message push-id=\"p\">" ADDR ADDR ADDR ADDR ADDR
                                    "</push-message></pap>", "\r\nx")),
                PUSH_PAP_MULTIPLE_ADDRESSES_NOT_SUPPORTED, false, "too many addresses");
}
END_TEST

/* PUSH_PAP_URI_MAX bytes of URI are read, one more is 2002. */
START_TEST(address_uri_limit)
{
    static char doc[4096], user[PUSH_PAP_URI_MAX + 2];
    for (size_t extra = 0; extra < 2; extra++) {
        size_t n = PUSH_PAP_URI_MAX - strlen("sip:@b") + extra;
        memset(user, 'a', n);
        user[n] = '\0';
        snprintf(doc, sizeof doc, "<pap><cancel-message push-id=\"c\"><address address-value=\"WAPPUSH=sip:%s@b"
                 "/TYPE=USER@ppg\"/></cancel-message></pap>", user);
        if (extra == 0)
            expect_ok(parse(XML, doc));
        else
            expect_fail(parse(XML, doc), PUSH_PAP_ADDRESS_ERROR, false, "address-value");
    }
}
END_TEST

START_TEST(cancel_message)
{
    expect_ok(parse(XML, DT20 "<pap><cancel-message push-id=\"c1\">" ADDR "</cancel-message></pap>"));
    ck_assert_int_eq(req.kind, PUSH_PAP_KIND_CANCEL);
    ck_assert(eq(req.push_id, "c1"));
    ck_assert_uint_eq(req.n_addr, 1);
    expect_ok(parse("text/xml", "<pap><cancel-message push-id=\"c2\"/></pap>"));
    ck_assert_uint_eq(req.n_addr, 0);
    expect_fail(parse(XML, "<pap><cancel-message/></pap>"), PUSH_PAP_BAD_REQUEST, true, "push-id missing");
    expect_fail(parse(XML, "<pap><cancel-message push-id=\"\"/></pap>"), PUSH_PAP_BAD_REQUEST, true, "push-id missing");
}
END_TEST

START_TEST(statusquery_message)
{
    expect_ok(parse(XML, DT10 "<pap><statusquery-message push-id=\"s1\">" ADDR "</statusquery-message></pap>"));
    ck_assert_int_eq(req.kind, PUSH_PAP_KIND_STATUS_QUERY);
    ck_assert(eq(req.push_id, "s1"));
    ck_assert_uint_eq(req.n_addr, 1);
}
END_TEST

START_TEST(ccq_message)
{
    expect_ok(parse(XML, "<pap><ccq-message query-id=\"q\" app-id=\"wml.ua\">" ADDR "</ccq-message></pap>"));
    ck_assert_int_eq(req.kind, PUSH_PAP_KIND_CCQ);
    ck_assert(eq(req.push_id, "q") && eq(req.app_id, "wml.ua"));
    expect_ok(parse(XML, "<pap><ccq-message>" ADDR "</ccq-message></pap>")); /* query-id is optional */
    expect_fail(parse(XML, "<pap><ccq-message query-id=\"q\"/></pap>"), PUSH_PAP_BAD_REQUEST, false, "no address");
    expect_fail(parse(XML, "<pap><ccq-message query-id=\"q\">" ADDR ADDR "</ccq-message></pap>"), PUSH_PAP_BAD_REQUEST,
                false, "more than one address");
}
END_TEST

START_TEST(resultnotification_response)
{
    expect_ok(parse(XML, "<pap><resultnotification-response push-id=\"r\" code=\"1000\" desc=\"fine\">" ADDR
                         "</resultnotification-response></pap>"));
    ck_assert_int_eq(req.kind, PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE);
    ck_assert_uint_eq(req.code, 1000);
    ck_assert(eq(req.desc, "fine"));
    expect_fail(parse(XML, "<pap><resultnotification-response push-id=\"r\">" ADDR
                           "</resultnotification-response></pap>"), PUSH_PAP_BAD_REQUEST, false, "code missing");
    expect_fail(parse(XML, "<pap><resultnotification-response push-id=\"r\" code=\"999\">" ADDR
                           "</resultnotification-response></pap>"), PUSH_PAP_BAD_REQUEST, false, "status code");
    expect_fail(parse(XML, "<pap><resultnotification-response push-id=\"r\" code=\"6000\">" ADDR
                           "</resultnotification-response></pap>"), PUSH_PAP_BAD_REQUEST, false, "status code");
}
END_TEST

START_TEST(versions)
{
    static const struct {
        const char *doctype;
        push_pap_version v;
    } ok[] = {
        {"<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 1.0//EN\" \"x\">", PUSH_PAP_V1_0},
        {"<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP//EN\" \"http://www.wapforum.org/DTD/pap_1.0.dtd\">", PUSH_PAP_V1_0},
        {"<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 2.0//EN\" \"x\" [<?wap-pap-ver supported-versions=\"2.0,1.*\"?>]>",
         PUSH_PAP_V2_0},
        {"<!DOCTYPE pap PUBLIC \"  -//WAPFORUM//DTD\n PAP 2.1//EN \" \"x\">", PUSH_PAP_V2_1},
        {"<!DOCTYPE pap SYSTEM \"http://www.wapforum.org/DTD/pap_2.0.dtd\">", PUSH_PAP_V2_0},
        {"<!DOCTYPE pap>", PUSH_PAP_V1_0},
    };
    char doc[512];
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        snprintf(doc, sizeof doc, "%s<pap><statusquery-message push-id=\"s\"/></pap>", ok[i].doctype);
        expect_ok(parse(XML, doc));
        ck_assert_msg(req.version == ok[i].v, "%s: version %d", ok[i].doctype, req.version);
    }
    expect_fail(parse(XML, "<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 3.0//EN\" \"x\"><pap/>"),
                PUSH_PAP_VERSION_NOT_SUPPORTED, true, "version");
    expect_fail(parse(XML, "<!DOCTYPE pap SYSTEM \"pap_9.9.dtd\"><pap/>"), PUSH_PAP_VERSION_NOT_SUPPORTED, true,
                "version");
    expect_fail(parse(XML, "<!DOCTYPE pap PUBLIC \"-//W3C//DTD XHTML 1.0//EN\" \"x\"><pap/>"), PUSH_PAP_BAD_REQUEST,
                true, "PAP document type");
    expect_fail(parse(XML, "<!DOCTYPE pap SYSTEM \"other.dtd\"><pap/>"), PUSH_PAP_BAD_REQUEST, true, "PAP document type");
    expect_fail(parse(XML, "<!DOCTYPE html><pap/>"), PUSH_PAP_BAD_REQUEST, true, "pap element");
}
END_TEST

START_TEST(unreadable_documents)
{
    static const struct {
        const char *doc, *why;
    } cases[] = {
        {"", "root element"},
        {"<pap>", "closed"},
        {"<html/>", "root element is not pap"},
        {"<pap/>", "no message"},
        {"<pap><push-response push-id=\"x\"/></pap>", "not a PAP request"},
        {"<pap><badmessage-response code=\"2000\"/></pap>", "not a PAP request"},
        {"<pap><cancel-message push-id=\"a\"/><cancel-message push-id=\"b\"/></pap>", "more than one message"},
        {"<pap><cancel-message push-id=\"a&bogus;\"/></pap>", "reference"},
        {"<pap><cancel-message push-id=\"a\x01\"/></pap>", "control character"},
        {"<pap><cancel-message push-id=\"a\"></pap>", "end tag"},
        {"<!DOCTYPE pap [<!ENTITY e \"x\">]><pap><cancel-message push-id=\"&e;\"/></pap>", "entity declarations"},
        {"<!DOCTYPE pap [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><pap/>", "entity declarations"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse(XML, cases[i].doc);
        ck_assert_msg(rc == -1 && err.unreadable, "%s accepted", cases[i].doc);
        ck_assert_msg(strstr(err.reason, cases[i].why), "%s: '%s'", cases[i].doc, err.reason);
        ck_assert_uint_eq(err.code, PUSH_PAP_BAD_REQUEST);
        ck_assert_int_eq(err.http_status, 400);
    }
}
END_TEST

START_TEST(dtd_violations_refused_readable)
{
    expect_fail(parse(XML, "<pap><cancel-message push-id=\"a\"><quality-of-service/></cancel-message></pap>"),
                PUSH_PAP_BAD_REQUEST, false, "not allowed here");
    expect_fail(parse(XML, "<pap><cancel-message push-id=\"a\">" "<address address-value=\"WAPPUSH=sip:a@b/TYPE=USER@p\">"
                           "<x/></address></cancel-message></pap>"), PUSH_PAP_BAD_REQUEST, false, "not allowed here");
    expect_fail(parse(XML, "<pap><cancel-message push-id=\"a\">text</cancel-message></pap>"), PUSH_PAP_BAD_REQUEST, false,
                "text");
    expect_fail(parse(MP, push_body("<pap><push-message push-id=\"p\">" ADDR "<quality-of-service/>"
                                    "<quality-of-service/></push-message></pap>", "\r\nx")),
                PUSH_PAP_BAD_REQUEST, false, "more than one quality-of-service");
    /* A later well-formedness error outweighs an earlier refusal. */
    expect_fail(parse(XML, "<pap><cancel-message push-id=\"a\"><bogus/></cancel-message>"), PUSH_PAP_BAD_REQUEST, true,
                "closed");
}
END_TEST

START_TEST(content_types)
{
    const char *doc = "<pap><cancel-message push-id=\"c\"/></pap>";
    expect_fail(parse("text/plain", doc), PUSH_PAP_BAD_REQUEST, true, "neither");
    ck_assert_int_eq(err.http_status, 415);
    expect_fail(parse("", doc), PUSH_PAP_BAD_REQUEST, true, "Content-Type");
    ck_assert_int_eq(err.http_status, 415);
    push_pap_store st = {addrs, 4, text, sizeof text};
    ck_assert_int_eq(push_pap_parse(SP_STR_NULL, SP_LIT(""), NULL, &st, &req, &err), -1);
    ck_assert_int_eq(err.http_status, 415);
    expect_ok(parse("application/xml; charset=utf-8", doc));
    expect_ok(parse("Application/XML", doc));
}
END_TEST

START_TEST(multipart_framing)
{
    const char *ctl = "<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>";
    char b[4096];
    /* Preamble, LF line ends, transport padding, an epilogue, a capabilities entity. */
    snprintf(b, sizeof b, "preamble\n--B0  \nContent-Type: application/xml\n\n%s\n--B0\nContent-Type: text/plain\n\n"
             "body\n--B0\nContent-Type: application/rdf+xml\n\n<caps/>\n--B0--\nepilogue", ctl);
    expect_ok(parse(MP, b));
    ck_assert(eq(req.content.body, "body"));
    ck_assert(eq(req.content.content_type, "text/plain"));
    /* The start parameter picks the control entity, wherever it is. */
    snprintf(b, sizeof b, "--B0\r\nContent-Type: text/plain\r\n\r\ncontent\r\n--B0\r\nContent-ID: <c@x>\r\n"
             "Content-Type: application/xml\r\n\r\n%s\r\n--B0--", ctl);
    expect_ok(parse("multipart/related; boundary=\"B0\"; type=\"application/xml\"; start=\"<c@x>\"", b));
    ck_assert(eq(req.content.body, "content"));
    expect_fail(parse("multipart/related; boundary=B0; start=\"<none@x>\"", b), PUSH_PAP_BAD_REQUEST, true, "start");
    /* Folded Content-Type as Kannel's initiator writes it. */
    expect_ok(parse("multipart/related; boundary=B0;\r\n type=\"application/xml\"", push_body(ctl, "\r\nx")));

    static const struct {
        const char *ct, *body, *why;
    } bad[] = {
        {"multipart/related", "--B0--", "without a boundary"},
        {"multipart/related; boundary=B0; type=text/plain", "--B0--", "not application/xml"},
        {MP, "no delimiter at all", "no multipart delimiter"},
        {"multipart/related; boundary=WRONG", "--B0\r\n\r\nx\r\n--B0--", "no multipart delimiter"},
        {MP, "--B0--\r\n", "without parts"},
        {MP, "--B0junk\r\n\r\nx\r\n--B0--", "delimiter line"},
        {MP, "--B0\r\nContent-Type: application/xml\r\n\r\n<pap/>", "truncated"},
        {MP, "--B0\r\nContent-Type: application/xml\r\n\r\n<pap/>\r\n--B0", "delimiter line"},
        {MP, "--B0\r\nno colon here\r\n\r\nx\r\n--B0--", "malformed header"},
        {MP, "--B0\r\nContent-Type: text/plain\r\n\r\nx\r\n--B0--", "control entity"},
        {MP, "--B0\r\n\r\nx\r\n--B0--", "control entity"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse(bad[i].ct, bad[i].body);
        ck_assert_msg(rc == -1 && err.unreadable && err.code == PUSH_PAP_BAD_REQUEST, "%zu accepted", i);
        ck_assert_msg(strstr(err.reason, bad[i].why), "%zu: '%s'", i, err.reason);
    }
    char boundary71[128];
    snprintf(boundary71, sizeof boundary71, "multipart/related; boundary=%071d", 0);
    expect_fail(parse(boundary71, "x"), PUSH_PAP_BAD_REQUEST, true, "boundary");
}
END_TEST

START_TEST(multipart_part_limit)
{
    const char *ctl = "<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>";
    char b[4096];
    snprintf(b, sizeof b, "--B0\r\nContent-Type: application/xml\r\n\r\n%s\r\n--B0\r\n\r\n1\r\n--B0\r\n\r\n2\r\n--B0--",
             ctl);
    push_pap_limits three = {PUSH_PAP_DEFAULT_MAX_CONTROL, 3}, two = {PUSH_PAP_DEFAULT_MAX_CONTROL, 2};
    expect_ok(parse_with(MP, b, &three));
    expect_fail(parse_with(MP, b, &two), PUSH_PAP_BAD_REQUEST, true, "too many multipart parts");
    ck_assert_int_eq(err.http_status, 413);
}
END_TEST

START_TEST(control_size_limit)
{
    const char *doc = "<pap><cancel-message push-id=\"c\"/></pap>";
    size_t n = strlen(doc);
    push_pap_limits at = {n, PUSH_PAP_DEFAULT_MAX_PARTS}, below = {n - 1, PUSH_PAP_DEFAULT_MAX_PARTS};
    expect_ok(parse_with(XML, doc, &at));
    expect_fail(parse_with(XML, doc, &below), PUSH_PAP_BAD_REQUEST, true, "too large");
    ck_assert_int_eq(err.http_status, 413);
}
END_TEST

START_TEST(push_needs_content)
{
    expect_fail(parse(XML, "<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>"), PUSH_PAP_BAD_REQUEST, false,
                "content entity");
    char b[1024];
    snprintf(b, sizeof b, "--B0\r\nContent-Type: application/xml\r\n\r\n%s\r\n--B0--",
             "<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>");
    expect_fail(parse(MP, b), PUSH_PAP_BAD_REQUEST, false, "content entity");
}
END_TEST

START_TEST(content_transfer_encodings)
{
    const char *ctl = "<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>";
    expect_ok(parse(MP, push_body(ctl, "Content-Transfer-Encoding: base64\r\n\r\naGVs\r\nbG8=\r\n")));
    ck_assert(eq(req.content.body, "hello"));
    ck_assert(req.content.body.p >= text && req.content.body.p < text + sizeof text);
    expect_ok(parse(MP, push_body(ctl, "Content-Transfer-Encoding: 8bit\r\n\r\nraw")));
    ck_assert(eq(req.content.body, "raw"));
    expect_fail(parse(MP, push_body(ctl, "Content-Transfer-Encoding: base64\r\n\r\naGVsbG8")), PUSH_PAP_BAD_REQUEST, false,
                "inside a quad");
    expect_fail(parse(MP, push_body(ctl, "Content-Transfer-Encoding: base64\r\n\r\naGU=aGVs")), PUSH_PAP_BAD_REQUEST,
                false, "after its padding");
    expect_fail(parse(MP, push_body(ctl, "Content-Transfer-Encoding: base64\r\n\r\na!Vs")), PUSH_PAP_BAD_REQUEST, false,
                "base64");
    expect_fail(parse(MP, push_body(ctl, "Content-Transfer-Encoding: quoted-printable\r\n\r\nx")),
                PUSH_PAP_NOT_IMPLEMENTED, false, "Content-Transfer-Encoding");
}
END_TEST

START_TEST(references_resolved_into_the_store)
{
    expect_ok(parse(XML, "<pap><cancel-message push-id=\"&lt;&#x41;&#66;&quot;&apos;&gt;\"/></pap>"));
    ck_assert(eq(req.push_id, "<AB\"'>"));
    ck_assert(req.push_id.p >= text && req.push_id.p < text + sizeof text);
    /* No store room: refused, never written past. */
    push_pap_store st = {addrs, 4, text, 3};
    ck_assert_int_eq(push_pap_parse(SP_LIT(XML), SP_LIT("<pap><cancel-message push-id=\"&amp;&amp;\"/></pap>"), NULL,
                               &st, &req, &err), -1);
    ck_assert_uint_eq(err.code, PUSH_PAP_INTERNAL_ERROR);
}
END_TEST

/* Every prefix of a valid push request is refused, never read past its end
 * (guard page). */
START_TEST(every_cut_of_a_push)
{
    const char *body = push_body(DT20 "<pap><push-message push-id=\"p\">" ADDR "</push-message></pap>",
                                 "Content-Type: text/plain\r\n\r\nhello");
    char copy[4096];
    size_t n = strlen(body);
    memcpy(copy, body, n);
    push_pap_store st = {addrs, 4, text, sizeof text};
    for (size_t cut = 0; cut < n; cut++) {
        const char *g = guard_copy(copy, cut);
        int rc = push_pap_parse(SP_LIT(MP), sp_str_make(g, cut), NULL, &st, &req, &err);
        /* A cut inside the epilogue ("\r\n" after the close delimiter) still holds every part. */
        if (cut >= n - 2)
            continue;
        ck_assert_msg(rc == -1, "cut %zu accepted", cut);
    }
    ck_assert_int_eq(push_pap_parse(SP_LIT(MP), sp_str_make(guard_copy(copy, n), n), NULL, &st, &req, &err), 0);
}
END_TEST

static Suite *pap_parse_suite(void)
{
    Suite *s = suite_create("push_pap_parse");
    TCase *tc = tcase_create("requests");
    tcase_add_test(tc, push_message_every_attribute);
    tcase_add_test(tc, push_message_defaults);
    tcase_add_test(tc, every_enumerated_value);
    tcase_add_test(tc, bad_attribute_values_refused_readable);
    tcase_add_test(tc, refusal_points_at_the_raw_value);
    tcase_add_test(tc, equal_deliver_times_accepted);
    tcase_add_test(tc, addresses);
    tcase_add_test(tc, address_uri_limit);
    tcase_add_test(tc, cancel_message);
    tcase_add_test(tc, statusquery_message);
    tcase_add_test(tc, ccq_message);
    tcase_add_test(tc, resultnotification_response);
    tcase_add_test(tc, versions);
    tcase_add_test(tc, unreadable_documents);
    tcase_add_test(tc, dtd_violations_refused_readable);
    suite_add_tcase(s, tc);
    TCase *mp = tcase_create("framing");
    tcase_add_test(mp, content_types);
    tcase_add_test(mp, multipart_framing);
    tcase_add_test(mp, multipart_part_limit);
    tcase_add_test(mp, control_size_limit);
    tcase_add_test(mp, push_needs_content);
    tcase_add_test(mp, content_transfer_encodings);
    tcase_add_test(mp, references_resolved_into_the_store);
    tcase_add_test(mp, every_cut_of_a_push);
    suite_add_tcase(s, mp);
    return s;
}

CHECK_MAIN(pap_parse_suite)
