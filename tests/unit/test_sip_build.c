/* test_sip_build.c - the bounded buffer, start lines, bodies, reason phrases
 * and responses built from parsed requests, checked by parsing them back. */
#include <stdio.h>

#include "check_main.h"
#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_msg.h"
#include "sip_test_util.h"

#define MAXH 32

static const char request[] =
    "MESSAGE sip:bob@192.0.2.4:5060;transport=tcp SIP/2.0\r\n"
    "Via: SIP/2.0/TCP pcscf.example.com:5060;branch=z9hG4bKpc1;received=10.0.0.9,\r\n"
    " SIP/2.0/TCP scscf.example.com:5060;branch=z9hG4bKsc1\r\n"
    "Max-Forwards: 66\r\n"
    "v: SIP/2.0/TCP psa.example.com:5060;branch=z9hG4bK776sgd99\r\n"
    "f: <sip:psa@example.com>;tag=fo9912\r\n"
    "t: \"Bob\" <sip:bob@example.com>\r\n"
    "i: 0d3a7f11c2@psa.example.com\r\n"
    "CSeq: 4 MESSAGE\r\n"
    "Content-Length: 0\r\n\r\n";

/* Writes a whole message with every builder call, into b. */
static void build_all(sp_buf *b)
{
    sip_build_request_line(b, SP_LIT("MESSAGE"), SP_LIT("sip:bob@example.com"));
    sip_build_header(b, SP_LIT("Via"), SP_LIT("SIP/2.0/UDP h;branch=z9hG4bK1"));
    sip_build_header_cstr(b, "From", "<sip:a@h>;tag=1");
    sip_build_header_cstr(b, "To", "<sip:bob@example.com>");
    sp_buf_printf(b, "CSeq: %u %s\r\n", 7u, "MESSAGE");
    sp_buf_puts(b, "Call-ID: c1@h\r\n");
    sp_buf_put(b, SP_LIT("Max-Forwards: 70\r\n"));
    sip_build_body(b, SP_LIT("text/plain"), SP_LIT("hello"));
}

static const char built_all[] = "MESSAGE sip:bob@example.com SIP/2.0\r\n"
                                "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
                                "From: <sip:a@h>;tag=1\r\n"
                                "To: <sip:bob@example.com>\r\n"
                                "CSeq: 7 MESSAGE\r\n"
                                "Call-ID: c1@h\r\n"
                                "Max-Forwards: 70\r\n"
                                "Content-Type: text/plain\r\n"
                                "Content-Length: 5\r\n\r\n"
                                "hello";

START_TEST(builds_a_whole_message)
{
    char mem[512];
    sp_buf b;
    sp_buf_init(&b, mem, sizeof mem);
    build_all(&b);
    ck_assert_int_eq(sp_buf_finish(&b), (long)strlen(built_all));
    ck_assert(memcmp(mem, built_all, strlen(built_all)) == 0);

    /* parse(build(x)) == x */
    sip_msg m;
    sip_header h[MAXH];
    const char *g = guard_copy(mem, b.len);
    ck_assert_int_eq(sip_msg_parse(g, b.len, &m, h, MAXH, NULL, SIP_FRAME_STREAM, NULL), (int)b.len);
    ck_assert(m.is_request);
    ck_assert_slice(m.method, "MESSAGE");
    ck_assert_slice(m.uri, "sip:bob@example.com");
    ck_assert_slice(m.body, "hello");
    ck_assert_uint_eq(m.content_length, 5);
    sip_cseq c;
    ck_assert_int_eq(sip_cseq_parse(sip_msg_find(&m, SIP_H_CSEQ)->value, &c, NULL), 0);
    ck_assert_uint_eq(c.seq, 7);
    sip_via v;
    ck_assert_int_eq(sip_via_parse(sip_msg_find(&m, SIP_H_VIA)->value, &v, NULL), 0);
    ck_assert_slice(v.branch, "z9hG4bK1");
}
END_TEST

START_TEST(every_capacity_is_respected)
{
    size_t full = strlen(built_all);
    for (size_t cap = 0; cap <= full; cap++) {
        /* the buffer ends at a guard page: one byte past cap crashes */
        char *at = (char *)guard_copy(built_all, cap);
        memset(at, '#', cap);
        sp_buf b;
        sp_buf_init(&b, at, cap);
        build_all(&b);
        if (cap < full) {
            ck_assert_msg(sp_buf_finish(&b) == SP_ENOSPC, "cap %zu reported no overflow", cap);
            ck_assert(b.overflow);
            ck_assert(b.len <= cap);
        } else {
            ck_assert_int_eq(sp_buf_finish(&b), (long)full);
            ck_assert(memcmp(at, built_all, full) == 0);
        }
    }
    sp_buf b;
    sp_buf_init(&b, NULL, 10);
    sp_buf_puts(&b, "x");
    ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
    sp_buf_init(&b, NULL, 0);
    ck_assert_int_eq(sp_buf_finish(&b), 0);
}
END_TEST

START_TEST(printf_limit)
{
    static char mem[2048], text[1024];
    sp_buf b;
    memset(text, 'a', sizeof text);
    sp_buf_init(&b, mem, sizeof mem);
    sp_buf_printf(&b, "%.*s", 512, text);
    ck_assert_int_eq(sp_buf_finish(&b), 512);
    sp_buf_printf(&b, "%.*s", 513, text);
    ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
    /* after an overflow everything is ignored, even what would fit */
    sp_buf_puts(&b, "x");
    ck_assert_uint_eq(b.len, 512);
    /* an exact fit is not an overflow */
    sp_buf_init(&b, mem, 3);
    sp_buf_printf(&b, "%d", 123);
    ck_assert_int_eq(sp_buf_finish(&b), 3);
    sp_buf_printf(&b, "%s", "");
    ck_assert_int_eq(sp_buf_finish(&b), 3);
}
END_TEST

START_TEST(status_lines_and_bodies)
{
    char mem[256];
    sp_buf b;
    sp_buf_init(&b, mem, sizeof mem);
    sip_build_status_line(&b, 489, SP_STR_NULL);
    sip_build_status_line(&b, 200, SP_LIT("Fine"));
    sip_build_status_line(&b, 180, SP_LIT(""));
    sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
    const char want[] = "SIP/2.0 489 Bad Event\r\nSIP/2.0 200 Fine\r\nSIP/2.0 180 \r\nContent-Length: 0\r\n\r\n";
    ck_assert_int_eq(sp_buf_finish(&b), (long)strlen(want));
    ck_assert(memcmp(mem, want, strlen(want)) == 0);
}
END_TEST

START_TEST(reason_phrases)
{
    static const unsigned rfc3261[] = {100, 180, 181, 182, 183, 200, 300, 301, 302, 305, 380, 400, 401,
                                       402, 403, 404, 405, 406, 407, 408, 410, 413, 414, 415, 416, 420,
                                       421, 423, 480, 481, 482, 483, 484, 485, 486, 487, 488, 491, 493,
                                       500, 501, 502, 503, 504, 505, 513, 600, 603, 604, 606};
    const char *prev = NULL;
    for (size_t k = 0; k < sizeof rfc3261 / sizeof rfc3261[0]; k++) {
        const char *p = sip_reason_phrase(rfc3261[k]);
        ck_assert_ptr_nonnull(p);
        ck_assert_msg(p != prev && strcmp(p, "Unknown") != 0, "%u has no phrase of its own", rfc3261[k]);
        prev = p;
    }
    ck_assert_str_eq(sip_reason_phrase(200), "OK");
    ck_assert_str_eq(sip_reason_phrase(202), "Accepted");
    ck_assert_str_eq(sip_reason_phrase(204), "No Notification");
    ck_assert_str_eq(sip_reason_phrase(420), "Bad Extension");
    ck_assert_str_eq(sip_reason_phrase(421), "Extension Required");
    ck_assert_str_eq(sip_reason_phrase(422), "Session Interval Too Small");
    ck_assert_str_eq(sip_reason_phrase(489), "Bad Event");
    ck_assert_str_eq(sip_reason_phrase(494), "Security Agreement Required");
    ck_assert_str_eq(sip_reason_phrase(404), "Not Found");
    /* unknown codes take their class's x00 phrase (§21) */
    ck_assert_str_eq(sip_reason_phrase(299), "OK");
    ck_assert_str_eq(sip_reason_phrase(499), "Bad Request");
    ck_assert_str_eq(sip_reason_phrase(699), "Busy Everywhere");
    ck_assert_str_eq(sip_reason_phrase(99), "Unknown");
    ck_assert_str_eq(sip_reason_phrase(700), "Unknown");
    ck_assert_str_eq(sip_reason_phrase(0), "Unknown");
}
END_TEST

/* Builds a response to the request above and parses it back. */
static void respond(unsigned status, sp_str reason, sp_str tag, char *mem, size_t cap, sip_msg *resp,
                    sip_header *rh)
{
    static sip_msg req;
    static sip_header h[MAXH];
    ck_assert_int_eq(sip_msg_parse(request, strlen(request), &req, h, MAXH, NULL, SIP_FRAME_STREAM, NULL),
                     (int)strlen(request));
    sp_buf b;
    sp_buf_init(&b, mem, cap);
    sip_build_response_head(&b, &req, status, reason, tag);
    sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
    long n = sp_buf_finish(&b);
    ck_assert_int_gt(n, 0);
    const char *g = guard_copy(mem, (size_t)n);
    ck_assert_int_eq(sip_msg_parse(g, (size_t)n, resp, rh, MAXH, NULL, SIP_FRAME_STREAM, NULL), (int)n);
}

START_TEST(response_head_round_trip)
{
    char mem[1024];
    sip_msg r;
    sip_header h[MAXH];
    respond(200, SP_STR_NULL, SP_LIT("as83kd"), mem, sizeof mem, &r, h);
    ck_assert(!r.is_request);
    ck_assert_uint_eq(r.status, 200);
    ck_assert_slice(r.reason, "OK");
    /* every Via line, in order, the folded one included */
    ck_assert_uint_eq(r.count[SIP_H_VIA], 2);
    const sip_header *v = sip_msg_find(&r, SIP_H_VIA);
    sp_str rest = v->value, item;
    sip_via via;
    const char *branches[] = {"z9hG4bKpc1", "z9hG4bKsc1", "z9hG4bK776sgd99"};
    size_t k = 0;
    for (; v; v = sip_msg_find_next(&r, v)) {
        rest = v->value;
        while (sip_list_next(&rest, &item)) {
            ck_assert_int_lt(k, 3);
            ck_assert_int_eq(sip_via_parse(item, &via, NULL), 0);
            ck_assert_slice(via.branch, branches[k]);
            k++;
        }
    }
    ck_assert_uint_eq(k, 3);
    sip_addr a;
    ck_assert_int_eq(sip_addr_parse(sip_msg_find(&r, SIP_H_TO)->value, &a, NULL), 0);
    ck_assert_slice(a.tag, "as83kd");
    ck_assert_slice(a.display, "\"Bob\"");
    ck_assert_int_eq(sip_addr_parse(sip_msg_find(&r, SIP_H_FROM)->value, &a, NULL), 0);
    ck_assert_slice(a.tag, "fo9912");
    sp_str id;
    ck_assert_int_eq(sip_callid_parse(sip_msg_find(&r, SIP_H_CALL_ID)->value, &id, NULL), 0);
    ck_assert_slice(id, "0d3a7f11c2@psa.example.com");
    sip_cseq c;
    ck_assert_int_eq(sip_cseq_parse(sip_msg_find(&r, SIP_H_CSEQ)->value, &c, NULL), 0);
    ck_assert_uint_eq(c.seq, 4);
    ck_assert_slice(c.method, "MESSAGE");
    ck_assert(sip_msg_check(&r, mem, NULL) == 0);

    /* 100 Trying gets no tag (§8.2.6.2) */
    respond(100, SP_LIT("Trying"), SP_LIT("as83kd"), mem, sizeof mem, &r, h);
    ck_assert_int_eq(sip_addr_parse(sip_msg_find(&r, SIP_H_TO)->value, &a, NULL), 0);
    ck_assert_absent(a.tag);
    /* an absent tag adds nothing */
    respond(486, SP_STR_NULL, SP_STR_NULL, mem, sizeof mem, &r, h);
    ck_assert_slice(r.reason, "Busy Here");
    ck_assert_int_eq(sip_addr_parse(sip_msg_find(&r, SIP_H_TO)->value, &a, NULL), 0);
    ck_assert_absent(a.tag);
}
END_TEST

START_TEST(response_keeps_existing_tag)
{
    static const char req_text[] = "BYE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\n"
                                   "From: <sip:a@h>;tag=1\r\nTo: sip:b@h;tag=2\r\nCall-ID: x\r\n"
                                   "CSeq: 2 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
    sip_msg req, r;
    sip_header h[MAXH], rh[MAXH];
    ck_assert_int_gt(sip_msg_parse(req_text, strlen(req_text), &req, h, MAXH, NULL, SIP_FRAME_STREAM, NULL), 0);
    char mem[512];
    sp_buf b;
    sp_buf_init(&b, mem, sizeof mem);
    sip_build_response_head(&b, &req, 200, SP_STR_NULL, SP_LIT("other"));
    sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
    long n = sp_buf_finish(&b);
    ck_assert_int_gt(n, 0);
    ck_assert_int_eq(sip_msg_parse(mem, (size_t)n, &r, rh, MAXH, NULL, SIP_FRAME_STREAM, NULL), (int)n);
    ck_assert_slice(sip_msg_find(&r, SIP_H_TO)->value, "sip:b@h;tag=2");
    /* a response head at every too-small capacity reports the overflow */
    for (size_t cap = 0; cap < (size_t)n; cap++) {
        char *at = (char *)guard_copy(mem, cap);
        sp_buf_init(&b, at, cap);
        sip_build_response_head(&b, &req, 200, SP_STR_NULL, SP_LIT("other"));
        sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
        ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
    }
}
END_TEST

static Suite *sip_build_suite(void)
{
    Suite *s = suite_create("sip_build");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, builds_a_whole_message);
    tcase_add_test(tc, every_capacity_is_respected);
    tcase_add_test(tc, printf_limit);
    tcase_add_test(tc, status_lines_and_bodies);
    tcase_add_test(tc, reason_phrases);
    tcase_add_test(tc, response_head_round_trip);
    tcase_add_test(tc, response_keeps_existing_tag);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_build_suite)
