/* test_push_session_timer.c - RFC 4028 as the push agents use it: the
 * UAC's request lines, the UAS's answer (422, refresher choice, lowering,
 * the 90 s floor), the UAC's reading of the 2xx and the 422, when each end
 * acts. Messages sit right before a guard page. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_session_timer.h"

typedef struct parsed {
    sip_msg m;
    sip_header h[64];
} parsed;

static const sip_msg *parse(parsed *p, const char *head)
{
    char text[2048];
    snprintf(text, sizeof text,
             "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n"
             "From: <sip:psa@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
             "Max-Forwards: 70\r\n%sContent-Length: 0\r\n\r\n",
             head);
    size_t n = strlen(text);
    const char *g = guard_copy(text, n);
    ck_assert_int_ge(sip_msg_parse(g, n, &p->m, p->h, 64, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
    return &p->m;
}

START_TEST(request_lines)
{
    char out[PUSH_SE_HEADERS_MAX];
    ck_assert_int_gt(push_se_request_headers(1800, 0, out, sizeof out), 0);
    ck_assert_str_eq(out, "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
    ck_assert_int_gt(push_se_request_headers(3600, 3600, out, sizeof out), 0);
    ck_assert_str_eq(out, "Supported: timer\r\nSession-Expires: 3600;refresher=uac\r\nMin-SE: 3600\r\n");
    int n = push_se_request_headers(1800, 0, out, sizeof out);
    ck_assert_int_eq(push_se_request_headers(1800, 0, out, (size_t)n + 1), n); /* exactly fits */
    ck_assert_int_eq(push_se_request_headers(1800, 0, out, (size_t)n), SP_ELIMIT);
}
END_TEST

START_TEST(uas_keeps_the_uac_refresher)
{
    parsed p;
    push_se_answer a;
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n"), 0, 0, &a);
    ck_assert_uint_eq(a.status, 0);
    ck_assert(a.require);
    ck_assert(a.uac_refreshes);
    ck_assert(a.se.on);
    ck_assert(!a.se.local_refresh);
    ck_assert_uint_eq(a.se.interval_s, 1800);
    char out[PUSH_SE_HEADERS_MAX];
    ck_assert_int_gt(push_se_answer_headers(&a, out, sizeof out), 0);
    ck_assert_str_eq(out, "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
    /* a refresher=uas request is kept too */
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 1800;refresher=uas\r\n"), 0, 0, &a);
    ck_assert(!a.uac_refreshes);
    ck_assert(a.se.local_refresh);
}
END_TEST

START_TEST(uas_shortens_never_lengthens_below_min)
{
    parsed p;
    push_se_answer a;
    /* the UAS prefers 600: it may lower 1800 to it */
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 1800\r\n"), 0, 600, &a);
    ck_assert_uint_eq(a.se.interval_s, 600);
    ck_assert(a.uac_refreshes); /* no refresher asked: the UAC, which supports timer */
    /* but never below the request's Min-SE */
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 1800\r\nMin-SE: 1000\r\n"), 0, 600, &a);
    ck_assert_uint_eq(a.se.interval_s, 1000);
}
END_TEST

/* Min-SE boundary: the minimum passes, one second less is a 422 */
START_TEST(uas_422_boundary)
{
    parsed p;
    push_se_answer a;
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 3600\r\n"), 3600, 3600, &a);
    ck_assert_uint_eq(a.status, 0);
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 3599\r\n"), 3600, 3600, &a);
    ck_assert_uint_eq(a.status, 422);
    ck_assert_uint_eq(a.min_se_s, 3600);
    char out[PUSH_SE_HEADERS_MAX];
    push_se_answer_headers(&a, out, sizeof out);
    ck_assert_str_eq(out, "Min-SE: 3600\r\n");
    /* a UAC without the extension cannot retry: it gets the longer interval */
    push_se_uas_answer(parse(&p, "Session-Expires: 100\r\n"), 3600, 3600, &a);
    ck_assert_uint_eq(a.status, 0);
    ck_assert_uint_eq(a.se.interval_s, 3600);
    ck_assert(!a.require);
    ck_assert(!a.uac_refreshes); /* §9: it cannot refresh */
    ck_assert(a.se.local_refresh);
}
END_TEST

START_TEST(uas_without_session_expires)
{
    parsed p;
    push_se_answer a;
    push_se_uas_answer(parse(&p, ""), 0, 0, &a);
    ck_assert_uint_eq(a.status, 0);
    ck_assert_uint_eq(a.se.interval_s, PUSH_SE_DEFAULT_S);
    ck_assert(!a.require);
    ck_assert(a.se.local_refresh);
    /* a local Min-SE below the floor is raised to 90 */
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 90\r\n"), 10, 0, &a);
    ck_assert_uint_eq(a.status, 0);
    push_se_uas_answer(parse(&p, "Supported: timer\r\nSession-Expires: 89\r\n"), 10, 0, &a);
    ck_assert_uint_eq(a.status, 422);
    ck_assert_uint_eq(a.min_se_s, 90);
}
END_TEST

START_TEST(uas_malformed_is_400)
{
    parsed p;
    push_se_answer a;
    push_se_uas_answer(parse(&p, "Session-Expires: soon\r\n"), 0, 0, &a);
    ck_assert_uint_eq(a.status, 400);
    push_se_uas_answer(parse(&p, "Session-Expires: 1800\r\nSession-Expires: 900\r\n"), 0, 0, &a);
    ck_assert_uint_eq(a.status, 400);
    push_se_uas_answer(parse(&p, "Session-Expires: 99999999999\r\n"), 0, 0, &a);
    ck_assert_uint_eq(a.status, 400); /* past 32 bits */
}
END_TEST

START_TEST(uac_reads_2xx)
{
    parsed p;
    push_se se;
    sp_error err;
    ck_assert_int_eq(push_se_uac_2xx(parse(&p, "Require: timer\r\nSession-Expires: 1200;refresher=uac\r\n"), &se, &err), 0);
    ck_assert(se.on && se.local_refresh);
    ck_assert_uint_eq(se.interval_s, 1200);
    ck_assert_int_eq(push_se_uac_2xx(parse(&p, "Session-Expires: 1200;refresher=uas\r\n"), &se, &err), 0);
    ck_assert(se.on && !se.local_refresh);
    ck_assert_int_eq(push_se_uac_2xx(parse(&p, ""), &se, &err), 0);
    ck_assert(!se.on);
    ck_assert_uint_eq(push_se_due_ms(&se), 0);
    ck_assert_int_eq(push_se_uac_2xx(parse(&p, "Session-Expires: 89\r\n"), &se, &err), SP_EINVAL);
    ck_assert_int_eq(push_se_uac_2xx(parse(&p, "Session-Expires: 90\r\n"), &se, &err), 0);
    ck_assert_int_eq(push_se_uac_2xx(parse(&p, "Session-Expires: 90;refresher=both\r\n"), &se, &err), SP_EINVAL);
}
END_TEST

START_TEST(uac_reads_422)
{
    parsed p;
    uint32_t r;
    ck_assert(push_se_uac_422(parse(&p, "Min-SE: 3600\r\n"), 1800, &r));
    ck_assert_uint_eq(r, 3600);
    ck_assert(push_se_uac_422(parse(&p, "Min-SE: 60\r\n"), 1800, &r));
    ck_assert_uint_eq(r, 1800); /* never below what was asked */
    ck_assert(push_se_uac_422(parse(&p, "Min-SE: 60\r\n"), 30, &r));
    ck_assert_uint_eq(r, 90);   /* nor below the floor */
    ck_assert(!push_se_uac_422(parse(&p, ""), 1800, &r));
    ck_assert(!push_se_uac_422(parse(&p, "Min-SE: x\r\n"), 1800, &r));
    ck_assert(push_se_uac_422(parse(&p, "Min-SE: 86400\r\n"), 1800, &r));
    ck_assert(!push_se_uac_422(parse(&p, "Min-SE: 86401\r\n"), 1800, &r)); /* past PUSH_SE_MAX_S */
}
END_TEST

START_TEST(when_to_act)
{
    push_se se = {.on = true, .interval_s = 1800, .local_refresh = true};
    ck_assert_uint_eq(push_se_due_ms(&se), 900000);
    se.local_refresh = false;
    ck_assert_uint_eq(push_se_due_ms(&se), (1800 - 32) * 1000);
    se.interval_s = 90;
    ck_assert_uint_eq(push_se_due_ms(&se), (90 - 30) * 1000);
}
END_TEST

static Suite *push_session_timer_suite(void)
{
    Suite *s = suite_create("push_session_timer");
    TCase *t = tcase_create("rfc4028");
    tcase_add_test(t, request_lines);
    tcase_add_test(t, uas_keeps_the_uac_refresher);
    tcase_add_test(t, uas_shortens_never_lengthens_below_min);
    tcase_add_test(t, uas_422_boundary);
    tcase_add_test(t, uas_without_session_expires);
    tcase_add_test(t, uas_malformed_is_400);
    tcase_add_test(t, uac_reads_2xx);
    tcase_add_test(t, uac_reads_422);
    tcase_add_test(t, when_to_act);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_session_timer_suite)
