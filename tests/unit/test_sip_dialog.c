/* test_sip_dialog.c - dialogs (RFC 3261 §12, §13.2.2.4) and subscription
 * usages (RFC 6665): creation, route sets, in-dialog requests, routing,
 * CSeq rules, termination. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_dialog.h"
#include "sip_msg.h"

typedef struct parsed {
    sip_msg m;
    sip_header h[64];
} parsed;

static void parse(parsed *p, const char *text)
{
    ck_assert_int_ge(sip_msg_parse(text, strlen(text), &p->m, p->h, 64, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
}

/* Parsed from a copy that ends at a guard page (valid until the next one). */
static void parse_guarded(parsed *p, const char *text)
{
    size_t n = strlen(text);
    const char *g = guard_copy(text, n);
    ck_assert_int_ge(sip_msg_parse(g, n, &p->m, p->h, 64, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
}

static const char INVITE[] = "INVITE sip:bob@b.example.com SIP/2.0\r\n"
                             "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKi1\r\n"
                             "Max-Forwards: 70\r\n"
                             "From: \"Alice\" <sip:alice@example.com>;tag=at1\r\n"
                             "To: <sip:bob@example.com>\r\n"
                             "Call-ID: dlg-1@a\r\n"
                             "CSeq: 10 INVITE\r\n"
                             "Contact: <sip:alice@10.0.0.1:5060>\r\n"
                             "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
                             "Record-Route: <sip:p3.example.com;lr>\r\n"
                             "Content-Length: 0\r\n\r\n";

static const char OK200[] = "SIP/2.0 200 OK\r\n"
                            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKi1\r\n"
                            "From: \"Alice\" <sip:alice@example.com>;tag=at1\r\n"
                            "To: <sip:bob@example.com>;tag=bt9\r\n"
                            "Call-ID: dlg-1@a\r\n"
                            "CSeq: 10 INVITE\r\n"
                            "Contact: <sip:bob@10.0.0.2:5070;transport=udp>\r\n"
                            "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\n"
                            "Record-Route: <sip:p3.example.com;lr>\r\n"
                            "Content-Length: 0\r\n\r\n";

static const sip_dialog_req BYE = {.method = SP_LIT("BYE"), .via = SP_LIT("SIP/2.0/UDP a.example.com;branch=z9hG4bKb")};

START_TEST(uac_dialog_reverses_the_route_set_and_builds_requests)
{
    parsed req, resp;
    parse(&req, INVITE);
    parse(&resp, OK200);
    sip_dialog *d;
    ck_assert_int_eq(sip_dialog_uac_new(&d, &req.m, &resp.m, SP_LIT("<sip:alice@10.0.0.1:5060>"), false), 0);
    ck_assert_int_eq(d->state, SIP_DIALOG_CONFIRMED);
    ck_assert(d->is_uac && !d->secure);
    ck_assert(sp_str_eq(d->local_tag, SP_LIT("at1")) && sp_str_eq(d->remote_tag, SP_LIT("bt9")));
    ck_assert(sp_str_eq(d->remote_target, SP_LIT("sip:bob@10.0.0.2:5070;transport=udp")));
    ck_assert_uint_eq(d->nroutes, 3);
    ck_assert(sp_str_eq(d->routes[0], SP_LIT("<sip:p3.example.com;lr>")));
    ck_assert(sp_str_eq(d->routes[2], SP_LIT("<sip:p1.example.com;lr>")));
    ck_assert(sp_str_eq(sip_dialog_next_hop(d), SP_LIT("sip:p3.example.com;lr")));
    char out[2048];
    long n = sip_dialog_build(d, &BYE, out, sizeof out);
    ck_assert_int_gt(n, 0);
    out[n] = 0;
    ck_assert(strstr(out, "BYE sip:bob@10.0.0.2:5070;transport=udp SIP/2.0\r\n") == out);
    ck_assert_ptr_nonnull(strstr(out, "Route: <sip:p3.example.com;lr>\r\nRoute: <sip:p2.example.com;lr>\r\n"
                                      "Route: <sip:p1.example.com;lr>\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "From: \"Alice\" <sip:alice@example.com>;tag=at1\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "To: <sip:bob@example.com>;tag=bt9\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "CSeq: 11 BYE\r\n"));
    ck_assert_ptr_null(strstr(out, "Contact:"));
    /* the result parses and passes the checks a UAS makes */
    parsed back;
    parse(&back, out);
    ck_assert_int_eq(sip_msg_check(&back.m, out, NULL), 0);
    /* ACK for the 2xx: the INVITE's number, not a new one (§13.2.2.4) */
    sip_dialog_req ack = {.method = SP_LIT("ACK"), .via = SP_LIT("SIP/2.0/UDP a;branch=z9hG4bKa"), .cseq = 10};
    n = sip_dialog_build(d, &ack, out, sizeof out);
    out[n] = 0;
    ck_assert_ptr_nonnull(strstr(out, "CSeq: 10 ACK\r\n"));
    ack.cseq = 0;
    ck_assert_int_eq(sip_dialog_build(d, &ack, out, sizeof out), SP_EINVAL);
    /* a re-INVITE carries Contact and the next number */
    sip_dialog_req reinvite = {.method = SP_LIT("INVITE"), .via = SP_LIT("SIP/2.0/UDP a;branch=z9hG4bKr"),
                               .content_type = SP_LIT("application/sdp"), .body = SP_LIT("v=0\r\n")};
    n = sip_dialog_build(d, &reinvite, out, sizeof out);
    out[n] = 0;
    ck_assert_ptr_nonnull(strstr(out, "CSeq: 12 INVITE\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "Contact: <sip:alice@10.0.0.1:5060>\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "Content-Length: 5\r\n\r\nv=0\r\n"));
    /* too small: SP_ENOSPC and the number is not spent */
    ck_assert_int_eq(sip_dialog_build(d, &BYE, out, 40), SP_ENOSPC);
    n = sip_dialog_build(d, &BYE, out, sizeof out);
    out[n] = 0;
    ck_assert_ptr_nonnull(strstr(out, "CSeq: 13 BYE\r\n"));
    sip_dialog_free(d);
}
END_TEST

START_TEST(strict_router_takes_the_request_uri)
{
    char resp_text[2048];
    snprintf(resp_text, sizeof resp_text, "%s", OK200);
    char *rr = strstr(resp_text, "Record-Route: <sip:p1");
    const char *tail = strstr(OK200, "Content-Length");
    sprintf(rr, "Record-Route: <sip:strict.example.com>\r\n%s", tail);
    parsed req, resp;
    parse(&req, INVITE);
    parse(&resp, resp_text);
    sip_dialog *d;
    ck_assert_int_eq(sip_dialog_uac_new(&d, &req.m, &resp.m, SP_STR_NULL, false), 0);
    char out[2048];
    long n = sip_dialog_build(d, &BYE, out, sizeof out);
    out[n] = 0;
    ck_assert(strstr(out, "BYE sip:strict.example.com SIP/2.0\r\n") == out);
    ck_assert_ptr_nonnull(strstr(out, "Route: <sip:bob@10.0.0.2:5070;transport=udp>\r\n"));
    ck_assert_ptr_null(strstr(out, "Route: <sip:strict"));
    sip_dialog_free(d);
}
END_TEST

START_TEST(uas_dialog_keeps_route_order_and_adds_its_tag)
{
    parsed req;
    parse(&req, INVITE);
    sip_dialog *d;
    ck_assert_int_eq(sip_dialog_uas_new(&d, &req.m, SP_STR_NULL, SP_STR_NULL, false, false), SP_EINVAL);
    ck_assert_int_eq(sip_dialog_uas_new(&d, &req.m, SP_LIT("bt9"), SP_LIT("<sip:bob@10.0.0.2>"), false, false), 0);
    ck_assert(!d->is_uac);
    ck_assert(sp_str_eq(d->local, SP_LIT("<sip:bob@example.com>;tag=bt9")));
    ck_assert(sp_str_eq(d->remote_tag, SP_LIT("at1")));
    ck_assert(sp_str_eq(d->remote_target, SP_LIT("sip:alice@10.0.0.1:5060")));
    ck_assert(sp_str_eq(d->routes[0], SP_LIT("<sip:p1.example.com;lr>")));
    ck_assert_uint_eq(d->remote_seq, 10);
    char out[2048];
    long n = sip_dialog_build(d, &BYE, out, sizeof out);
    out[n] = 0;
    ck_assert(strstr(out, "BYE sip:alice@10.0.0.1:5060 SIP/2.0\r\n") == out);
    ck_assert_ptr_nonnull(strstr(out, "From: <sip:bob@example.com>;tag=bt9\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "To: \"Alice\" <sip:alice@example.com>;tag=at1\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "Route: <sip:p1.example.com;lr>\r\nRoute: <sip:p2"));
    ck_assert_ptr_nonnull(strstr(out, "CSeq: 1 BYE\r\n"));
    sip_dialog_free(d);
}
END_TEST

static const char *in_dialog(const char *method, unsigned cseq, const char *contact)
{
    static char buf[2][1024];
    static int turn;
    char *b = buf[turn++ % 2];
    snprintf(b, sizeof buf[0],
             "%s sip:bob@10.0.0.2 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKx%u\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:alice@example.com>;tag=at1\r\n"
             "To: <sip:bob@example.com>;tag=bt9\r\n"
             "Call-ID: dlg-1@a\r\n"
             "CSeq: %u %s\r\n"
             "%s%s%s"
             "Content-Length: 0\r\n\r\n",
             method, cseq, cseq, method, contact ? "Contact: " : "", contact ? contact : "", contact ? "\r\n" : "");
    return b;
}

START_TEST(routing_cseq_order_and_target_refresh)
{
    parsed req;
    parse(&req, INVITE);
    sip_dialog *d;
    ck_assert_int_eq(sip_dialog_uas_new(&d, &req.m, SP_LIT("bt9"), SP_STR_NULL, false, false), 0);
    sip_dialog_set *set = sip_dialog_set_new(0);
    ck_assert_int_eq(sip_dialog_set_add(set, d), 0);
    unsigned status;
    parsed m;
    parse_guarded(&m, in_dialog("BYE", 9, NULL));
    ck_assert_ptr_eq(sip_dialog_set_route(set, &m.m, &status), d);
    ck_assert_uint_eq(status, 500); /* lower than 10 */
    parse_guarded(&m, in_dialog("ACK", 10, NULL));
    ck_assert_ptr_eq(sip_dialog_set_route(set, &m.m, &status), d);
    ck_assert_uint_eq(status, 0);
    parse_guarded(&m, in_dialog("INVITE", 12, "<sip:alice@192.0.2.50:5090>"));
    ck_assert_ptr_eq(sip_dialog_set_route(set, &m.m, &status), d);
    ck_assert_uint_eq(status, 0);
    ck_assert(sp_str_eq(d->remote_target, SP_LIT("sip:alice@192.0.2.50:5090")));
    ck_assert_uint_eq(d->remote_seq, 12);
    /* OPTIONS is no target refresh: the Contact is ignored */
    parse_guarded(&m, in_dialog("OPTIONS", 13, "<sip:elsewhere@192.0.2.99>"));
    sip_dialog_set_route(set, &m.m, &status);
    ck_assert(sp_str_eq(d->remote_target, SP_LIT("sip:alice@192.0.2.50:5090")));
    /* tags compare without case; an unknown tag is 481 */
    char other[1024];
    snprintf(other, sizeof other, "%s", in_dialog("BYE", 20, NULL));
    memcpy(strstr(other, "tag=bt9"), "tag=BT9", 7);
    parse(&m, other);
    ck_assert_ptr_eq(sip_dialog_set_route(set, &m.m, &status), d);
    memcpy(strstr(other, "tag=BT9"), "tag=zz9", 7);
    parse(&m, other);
    ck_assert_ptr_null(sip_dialog_set_route(set, &m.m, &status));
    ck_assert_uint_eq(status, 481);
    /* no To tag: not in a dialog */
    parse(&m, INVITE);
    ck_assert_ptr_null(sip_dialog_set_route(set, &m.m, &status));
    ck_assert_uint_eq(status, 0);
    sip_dialog_set_remove(set, d);
    ck_assert_uint_eq(sip_dialog_set_count(set), 0);
    sip_dialog_set_free(set);
    sip_dialog_free(d);
}
END_TEST

START_TEST(dialog_set_limit)
{
    parsed req;
    parse(&req, INVITE);
    sip_dialog_set *set = sip_dialog_set_new(2);
    sip_dialog *d[3];
    const char *tags[] = {"x1", "x2", "x3"};
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(sip_dialog_uas_new(&d[i], &req.m, sp_str_cstr(tags[i]), SP_STR_NULL, false, false), 0);
    ck_assert_int_eq(sip_dialog_set_add(set, d[0]), 0);
    ck_assert_int_eq(sip_dialog_set_add(set, d[1]), 0);
    ck_assert_int_eq(sip_dialog_set_add(set, d[2]), SP_ELIMIT);
    ck_assert_ptr_eq(sip_dialog_set_find(set, SP_LIT("dlg-1@a"), SP_LIT("x2"), SP_LIT("at1")), d[1]);
    ck_assert_ptr_null(sip_dialog_set_find(set, SP_LIT("DLG-1@a"), SP_LIT("x2"), SP_LIT("at1")));
    sip_dialog_set_free(set);
    for (int i = 0; i < 3; i++)
        sip_dialog_free(d[i]);
}
END_TEST

START_TEST(early_dialog_confirmed_by_2xx_recomputes_routes)
{
    char ringing[2048];
    snprintf(ringing, sizeof ringing, "%s", OK200);
    memcpy(ringing, "SIP/2.0 180 Ring", 16);
    char *rr = strstr(ringing, "Record-Route: <sip:p1");
    sprintf(rr, "Content-Length: 0\r\n\r\n");
    parsed req, r180, r200, r486;
    parse(&req, INVITE);
    parse(&r180, ringing);
    sip_dialog *d;
    ck_assert_int_eq(sip_dialog_uac_new(&d, &req.m, &r180.m, SP_STR_NULL, false), 0);
    ck_assert_int_eq(d->state, SIP_DIALOG_EARLY);
    ck_assert_uint_eq(d->nroutes, 0);
    parse(&r200, OK200);
    ck_assert_int_eq(sip_dialog_on_response(d, SP_LIT("INVITE"), &r200.m), SIP_DIALOG_CONFIRMED);
    ck_assert_uint_eq(d->nroutes, 3);
    ck_assert(sp_str_eq(d->routes[0], SP_LIT("<sip:p3.example.com;lr>")));
    /* a 481 to a later request ends it */
    char gone[2048];
    snprintf(gone, sizeof gone, "%s", OK200);
    memcpy(gone, "SIP/2.0 481 Gone", 16);
    parse(&r486, gone);
    ck_assert_int_eq(sip_dialog_on_response(d, SP_LIT("BYE"), &r486.m), SIP_DIALOG_TERMINATED);
    sip_dialog_free(d);
    /* an early dialog dies with a non-2xx final to its INVITE */
    ck_assert_int_eq(sip_dialog_uac_new(&d, &req.m, &r180.m, SP_STR_NULL, false), 0);
    memcpy(gone, "SIP/2.0 486 Busy", 16);
    parse(&r486, gone);
    ck_assert_int_eq(sip_dialog_on_response(d, SP_LIT("INVITE"), &r486.m), SIP_DIALOG_TERMINATED);
    sip_dialog_free(d);
    /* no To tag: no dialog; a 2xx without Contact: no dialog */
    parse(&r180, INVITE);
    ck_assert_int_eq(sip_dialog_uac_new(&d, &req.m, &req.m, SP_STR_NULL, false), SP_EINVAL);
    char nocontact[2048];
    snprintf(nocontact, sizeof nocontact, "%s", OK200);
    memcpy(strstr(nocontact, "Contact:"), "Xontact:", 8);
    parse(&r200, nocontact);
    ck_assert_int_eq(sip_dialog_uac_new(&d, &req.m, &r200.m, SP_STR_NULL, false), SP_EINVAL);
}
END_TEST

START_TEST(secure_flag_and_route_limit)
{
    char tls[2048];
    snprintf(tls, sizeof tls, "INVITE sips:%s", INVITE + strlen("INVITE sip:"));
    parsed req;
    parse(&req, tls);
    sip_dialog *d;
    ck_assert_int_eq(sip_dialog_uas_new(&d, &req.m, SP_LIT("t"), SP_STR_NULL, true, false), 0);
    ck_assert(d->secure);
    sip_dialog_free(d);
    ck_assert_int_eq(sip_dialog_uas_new(&d, &req.m, SP_LIT("t"), SP_STR_NULL, false, false), 0);
    ck_assert(!d->secure);
    sip_dialog_free(d);
    /* SIP_DIALOG_MAX_ROUTES entries pass, one more is refused */
    for (int extra = 0; extra < 2; extra++) {
        char msg[4096];
        int n = snprintf(msg, sizeof msg, "%s", INVITE);
        char *rr = strstr(msg, "Record-Route");
        n = (int)(rr - msg);
        for (int i = 0; i < SIP_DIALOG_MAX_ROUTES + extra; i++)
            n += snprintf(msg + n, sizeof msg - (size_t)n, "Record-Route: <sip:r%d.example.com;lr>\r\n", i);
        snprintf(msg + n, sizeof msg - (size_t)n, "Content-Length: 0\r\n\r\n");
        parse(&req, msg);
        int rc = sip_dialog_uas_new(&d, &req.m, SP_LIT("t"), SP_STR_NULL, false, false);
        if (extra == 0) {
            ck_assert_int_eq(rc, 0);
            ck_assert_uint_eq(d->nroutes, SIP_DIALOG_MAX_ROUTES);
            sip_dialog_free(d);
        } else {
            ck_assert_int_eq(rc, SP_ELIMIT);
        }
    }
}
END_TEST

/* --- subscriptions ----------------------------------------------------------- */

static const char SUBSCRIBE[] = "SUBSCRIBE sip:psa@example.com SIP/2.0\r\n"
                                "Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKs1\r\n"
                                "Max-Forwards: 70\r\n"
                                "From: <sip:pra@example.com>;tag=sub1\r\n"
                                "To: <sip:psa@example.com>\r\n"
                                "Call-ID: sub-call\r\n"
                                "CSeq: 4 SUBSCRIBE\r\n"
                                "Event: ua-profile;profile-type=application;id=7\r\n"
                                "Contact: <sip:pra@10.0.0.1>\r\n"
                                "Expires: 3600\r\n"
                                "Content-Length: 0\r\n\r\n";

static const char *notify(const char *from_tag, const char *event, const char *state)
{
    static char buf[2][1024];
    static int turn;
    char *b = buf[turn++ % 2];
    snprintf(b, sizeof buf[0],
             "NOTIFY sip:pra@10.0.0.1 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKn%s\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:psa@example.com>;tag=%s\r\n"
             "To: <sip:pra@example.com>;tag=sub1\r\n"
             "Call-ID: sub-call\r\n"
             "CSeq: 1 NOTIFY\r\n"
             "Event: %s\r\n"
             "Subscription-State: %s\r\n"
             "Contact: <sip:psa@10.0.0.2>\r\n"
             "Record-Route: <sip:rr1.example.com;lr>, <sip:rr2.example.com;lr>\r\n"
             "Content-Length: 0\r\n\r\n",
             from_tag, from_tag, event, state);
    return b;
}

START_TEST(notify_before_200_and_forks_make_their_own_dialogs)
{
    parsed sub, n1, n2;
    parse(&sub, SUBSCRIBE);
    parse(&n1, notify("fork1", "ua-profile;id=7", "active;expires=600"));
    parse(&n2, notify("fork2", "UA-Profile;id=7", "pending"));
    ck_assert(sip_sub_notify_matches(&sub.m, &n1.m));
    ck_assert(sip_sub_notify_matches(&sub.m, &n2.m)); /* the package without case */
    sip_dialog_set *set = sip_dialog_set_new(8);
    sip_dialog *d1, *d2;
    /* the NOTIFY makes the subscriber's dialog: our tag kept, routes as the NOTIFY has them */
    ck_assert_int_eq(sip_dialog_uas_new(&d1, &n1.m, SP_STR_NULL, SP_STR_NULL, false, false), 0);
    d1->local_seq = 4;
    ck_assert(sp_str_eq(d1->local_tag, SP_LIT("sub1")) && sp_str_eq(d1->remote_tag, SP_LIT("fork1")));
    ck_assert(sp_str_eq(d1->routes[0], SP_LIT("<sip:rr1.example.com;lr>")));
    ck_assert(sp_str_eq(d1->remote_target, SP_LIT("sip:psa@10.0.0.2")));
    ck_assert_int_eq(sip_dialog_uas_new(&d2, &n2.m, SP_STR_NULL, SP_STR_NULL, false, false), 0);
    sip_dialog_set_add(set, d1);
    sip_dialog_set_add(set, d2);
    ck_assert_ptr_eq(sip_dialog_set_find(set, SP_LIT("sub-call"), SP_LIT("sub1"), SP_LIT("fork2")), d2);
    uint32_t expires = 0;
    ck_assert_int_eq(sip_sub_on_notify(SIP_SUB_NOTIFY_WAIT, &n1.m, &expires), SIP_SUB_ACTIVE);
    ck_assert_uint_eq(expires, 600);
    ck_assert_int_eq(sip_sub_on_notify(SIP_SUB_NOTIFY_WAIT, &n2.m, &expires), SIP_SUB_PENDING);
    /* the 200 that arrives later names an existing dialog: found, not made again */
    const char *ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKs1\r\n"
                     "From: <sip:pra@example.com>;tag=sub1\r\nTo: <sip:psa@example.com>;tag=fork1\r\n"
                     "Call-ID: sub-call\r\nCSeq: 4 SUBSCRIBE\r\nContact: <sip:psa@10.0.0.2>\r\n"
                     "Expires: 1800\r\nContent-Length: 0\r\n\r\n";
    parsed r;
    parse(&r, ok);
    ck_assert_ptr_eq(sip_dialog_set_find(set, SP_LIT("sub-call"), SP_LIT("sub1"), SP_LIT("fork1")), d1);
    ck_assert(sip_sub_accepted_expires(&r.m, &expires));
    ck_assert_uint_eq(expires, 1800);
    /* an in-dialog refresh goes to the dialog's target with the next CSeq */
    sip_dialog_req refresh = {.method = SP_LIT("SUBSCRIBE"), .via = SP_LIT("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKs2"),
                              .headers = SP_LIT("Event: ua-profile;id=7\r\nExpires: 3600\r\n")};
    char out[2048];
    long n = sip_dialog_build(d1, &refresh, out, sizeof out);
    out[n] = 0;
    ck_assert(strstr(out, "SUBSCRIBE sip:psa@10.0.0.2 SIP/2.0\r\n") == out);
    ck_assert_ptr_nonnull(strstr(out, "CSeq: 5 SUBSCRIBE\r\n"));
    ck_assert_ptr_nonnull(strstr(out, "Route: <sip:rr1.example.com;lr>\r\n"));
    sip_dialog_set_free(set);
    sip_dialog_free(d1);
    sip_dialog_free(d2);
}
END_TEST

START_TEST(notify_matching_rules)
{
    parsed sub, n;
    parse(&sub, SUBSCRIBE);
    parse(&n, notify("f", "ua-profile", "active"));
    ck_assert(!sip_sub_notify_matches(&sub.m, &n.m)); /* id absent vs 7 */
    parse(&n, notify("f", "ua-profile;id=8", "active"));
    ck_assert(!sip_sub_notify_matches(&sub.m, &n.m));
    parse(&n, notify("f", "reg;id=7", "active"));
    ck_assert(!sip_sub_notify_matches(&sub.m, &n.m));
    char wrong[1024];
    snprintf(wrong, sizeof wrong, "%s", notify("f", "ua-profile;id=7", "active"));
    memcpy(strstr(wrong, "tag=sub1"), "tag=sub2", 8);
    parse(&n, wrong);
    ck_assert(!sip_sub_notify_matches(&sub.m, &n.m)); /* not our From tag */
    /* What matches: same Call-ID, our From tag in To, the package and the id;
     * the notifier's own tag is free (forks, §4.1.4) and other Event
     * parameters take no part. */
    parse(&n, notify("f", "ua-profile;id=7", "active"));
    ck_assert(sip_sub_notify_matches(&sub.m, &n.m));
    parse(&n, notify("fork2", "ua-profile;id=7", "pending"));
    ck_assert(sip_sub_notify_matches(&sub.m, &n.m));
    parse(&n, notify("f", "ua-profile;profile-type=application;id=7", "active"));
    ck_assert(sip_sub_notify_matches(&sub.m, &n.m));
    snprintf(wrong, sizeof wrong, "%s", notify("f", "ua-profile;id=7", "active"));
    memcpy(strstr(wrong, "Call-ID: sub-call"), "Call-ID: sub-cals", 17);
    parse(&n, wrong);
    ck_assert(!sip_sub_notify_matches(&sub.m, &n.m)); /* another dialog's Call-ID */
    /* no id on either side matches */
    char no_id[1024];
    snprintf(no_id, sizeof no_id, "%s", SUBSCRIBE);
    char *ev = strstr(no_id, ";id=7\r\n");
    memmove(ev, ev + 5, strlen(ev + 5) + 1);
    parsed sub2;
    parse(&sub2, no_id);
    parse(&n, notify("f", "ua-profile", "active"));
    ck_assert(sip_sub_notify_matches(&sub2.m, &n.m));
    parse(&n, notify("f", "ua-profile;id=7", "active"));
    ck_assert(!sip_sub_notify_matches(&sub2.m, &n.m)); /* id present vs absent */
}
END_TEST

START_TEST(subscription_termination_rules)
{
    parsed n;
    uint32_t expires = 5;
    parse(&n, notify("f", "ua-profile;id=7", "terminated;reason=noresource;expires=99"));
    ck_assert_int_eq(sip_sub_on_notify(SIP_SUB_ACTIVE, &n.m, &expires), SIP_SUB_TERMINATED);
    ck_assert_uint_eq(expires, 5); /* expires means nothing with terminated */
    parse(&n, notify("f", "ua-profile;id=7", "active"));
    ck_assert_int_eq(sip_sub_on_notify(SIP_SUB_TERMINATED, &n.m, &expires), SIP_SUB_TERMINATED);
    parse(&n, notify("f", "ua-profile;id=7", "somethingnew"));
    ck_assert_int_eq(sip_sub_on_notify(SIP_SUB_PENDING, &n.m, &expires), SIP_SUB_PENDING);
    /* refresh failures */
    ck_assert(sip_sub_refresh_ends(481));
    ck_assert(sip_sub_refresh_ends(408));
    ck_assert(sip_sub_refresh_ends(489));
    ck_assert(sip_sub_refresh_ends(604));
    ck_assert(!sip_sub_refresh_ends(401));
    ck_assert(!sip_sub_refresh_ends(407));
    ck_assert(!sip_sub_refresh_ends(500));
    ck_assert(!sip_sub_refresh_ends(503));
    ck_assert(!sip_sub_refresh_ends(486));
    ck_assert(sip_sub_notify_failure_ends(481));
    ck_assert(sip_sub_notify_failure_ends(408));
    ck_assert(!sip_sub_notify_failure_ends(401));
    ck_assert(!sip_sub_notify_failure_ends(407));
    /* a 2xx says nothing of the state, and without Expires nothing at all */
    parsed r;
    parse(&r, "SIP/2.0 202 Accepted\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nCSeq: 1 SUBSCRIBE\r\n\r\n");
    ck_assert(!sip_sub_accepted_expires(&r.m, &expires));
    parse(&r, "SIP/2.0 489 Bad Event\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nExpires: 10\r\n\r\n");
    ck_assert(!sip_sub_accepted_expires(&r.m, &expires));
}
END_TEST

static Suite *dialog_suite(void)
{
    Suite *s = suite_create("sip_dialog");
    TCase *tc = tcase_create("dialog");
    tcase_add_test(tc, uac_dialog_reverses_the_route_set_and_builds_requests);
    tcase_add_test(tc, strict_router_takes_the_request_uri);
    tcase_add_test(tc, uas_dialog_keeps_route_order_and_adds_its_tag);
    tcase_add_test(tc, routing_cseq_order_and_target_refresh);
    tcase_add_test(tc, dialog_set_limit);
    tcase_add_test(tc, early_dialog_confirmed_by_2xx_recomputes_routes);
    tcase_add_test(tc, secure_flag_and_route_limit);
    TCase *ts = tcase_create("subscription");
    tcase_add_test(ts, notify_before_200_and_forks_make_their_own_dialogs);
    tcase_add_test(ts, notify_matching_rules);
    tcase_add_test(ts, subscription_termination_rules);
    suite_add_tcase(s, tc);
    suite_add_tcase(s, ts);
    return s;
}

CHECK_MAIN(dialog_suite)
