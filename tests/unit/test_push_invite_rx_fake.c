/* test_push_invite_rx_fake.c - the Push Receiver Agent's session-mode side
 * on a fake clock and network (txn_fake.h) against a sender played by
 * hand: the 200 to the INVITE carries the SDP answer, the answers to
 * session refreshes (re-INVITE, UPDATE) carry the
 * session timer, and an INVITE past max_sessions gets 503 with
 * Retry-After. No MSRP connection is made: no ACK is sent and the loop
 * never runs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "invite_clock.h"
#include "push_invite_receiver.h"
#include "tp_loop.h"
#include "txn_fake.h"

typedef struct rxf {
    fake_net *net;
    tp_loop *loop;
    msrp_endpoint *ep;
    invite_clock clock;
    push_invite_ctx ctx;
    push_invite_rx *rx;
    unsigned rejected;
} rxf;

static void route(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    rxf *f = ctx;
    if (!push_invite_rx_route(f->rx, st, req, src) && st) {
        sip_txn_reply r = {.status = 481};
        sip_txn_respond(f->net->ep[1].L, st, &r);
    }
}

static void rejected(void *ctx, unsigned status, const char *reason)
{
    (void)status;
    (void)reason;
    ((rxf *)ctx)->rejected++;
}

/* The receiver is endpoint 1 (10.0.0.2); the test sends from endpoint 0. */
static void rxf_open_with(rxf *f, const push_invite_rx_config *cfg)
{
    memset(f, 0, sizeof *f);
    f->net = fake_net_new(NULL);
    f->loop = tp_loop_new();
    ck_assert_int_eq(msrp_endpoint_new(f->loop, NULL, &f->ep), 0);
    invite_clock_init(&f->clock, f->net, &f->ctx);
    f->ctx.sip = f->net->ep[1].L;
    f->ctx.msrp = f->ep;
    f->ctx.msrp_host = "10.0.0.2";
    snprintf(f->ctx.local.host, sizeof f->ctx.local.host, "10.0.0.2");
    f->ctx.local.udp_port = 5060;
    f->ctx.tp = SIP_TP_UDP;
    push_invite_rx_cb cb = {.ctx = f, .rejected = rejected};
    f->rx = push_invite_rx_new(&f->ctx, cfg, &cb);
    ck_assert_ptr_nonnull(f->rx);
    f->net->ep[1].on_request = route;
    f->net->ep[1].on_request_ctx = f;
}

static void rxf_open(rxf *f, size_t max_sessions)
{
    push_invite_rx_config cfg = {.max_sessions = max_sessions};
    rxf_open_with(f, &cfg);
}

static void rxf_close(rxf *f)
{
    push_invite_rx_free(f->rx);
    invite_clock_free(&f->clock);
    fake_net_free(f->net);
    msrp_endpoint_free(f->ep);
    tp_loop_run_once(f->loop, 0);
    tp_loop_free(f->loop);
}

static void advance(rxf *f, uint64_t ms)
{
    invite_clock_advance(&f->clock, ms);
}

static const char offer[] = "v=0\r\no=psa 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                            "m=message 2855 TCP/MSRP *\r\na=setup:passive\r\na=sendonly\r\n"
                            "a=accept-types:message/cpim\r\na=path:msrp://10.0.0.1:2855/s1;tcp\r\n"
                            "a=file-transfer-id:ft0001\r\n"
                            "a=file-selector:name:\"a.txt\" type:text/plain size:5 "
                            "hash:sha-1:AA:F4:C6:1D:DC:C5:E8:A2:DA:BE:DE:0F:3B:48:2C:D9:AE:A9:43:4D\r\n";

/* method in the session call-id (to_tag NULL: a new INVITE), with the offer
 * for INVITE. */
static void send_req(rxf *f, const char *method, const char *call_id, unsigned cseq, const char *to_tag)
{
    static unsigned branch;
    char m[4096];
    bool sdp = !strcmp(method, "INVITE");
    snprintf(m, sizeof m,
             "%s sip:bob@10.0.0.2:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKrx%u\r\n"
             "Max-Forwards: 70\r\nFrom: <sip:psa@10.0.0.1>;tag=psa1\r\nTo: <sip:bob@10.0.0.2>%s%s\r\n"
             "Call-ID: %s\r\nCSeq: %u %s\r\nContact: <sip:psa@10.0.0.1:5060>\r\nSupported: timer\r\n"
             "Session-Expires: 1800;refresher=uac\r\nAllow: INVITE, ACK, CANCEL, BYE, UPDATE\r\n"
             "%sContent-Length: %zu\r\n\r\n%s",
             method, ++branch, to_tag ? ";tag=" : "", to_tag ? to_tag : "", call_id, cseq, method,
             sdp ? "Content-Type: application/sdp\r\n" : "", sdp ? strlen(offer) : 0, sdp ? offer : "");
    ck_assert_uint_ne(fake_request(f->net, 0, m), 0);
    advance(f, 50);
}

/* The last final response endpoint 0 heard. */
static const fake_event *last_final(rxf *f)
{
    fake_ep *e = &f->net->ep[0];
    for (size_t i = e->nresp; i-- > 0;)
        if (e->resp[i].final && e->resp[i].msg)
            return &e->resp[i];
    return NULL;
}

/* Seed 002 §7.3.1.1 steps 6, 6a, 6b (RFC 3264, RFC 4975, RFC 6135): the
 * receiver's own 200 carries the SDP answer: the stream accepted on its
 * place, the active end (it connects), recvonly, its MSRP path, the same
 * file-transfer-id, and the max-size it takes. */
START_TEST(the_200_carries_the_sdp_answer)
{
    push_invite_rx_config cfg = {.max_size = 5000};
    rxf f;
    rxf_open_with(&f, &cfg);
    send_req(&f, "INVITE", "ans1@x", 1, NULL);
    const fake_event *ok = last_final(&f);
    ck_assert_ptr_nonnull(ok);
    ck_assert_uint_eq(ok->status, 200);
    const char *m = ok->msg->buf;
    ck_assert(fake_has(m, "Content-Type: application/sdp\r\n"));
    const char *sdp = strstr(m, "\r\n\r\n");
    ck_assert_ptr_nonnull(sdp);
    ck_assert_msg(strstr(sdp, "\r\nv=0\r\n") == sdp + 2, "%s", m);
    const char *media = strstr(sdp, "\r\nm=message ");
    ck_assert_ptr_nonnull(media);
    ck_assert_ptr_null(strstr(media + 2, "\r\nm=")); /* one stream for the one offered */
    ck_assert(strncmp(media, "\r\nm=message 0 ", 16) != 0);
    ck_assert(fake_has(media, " TCP/MSRP *\r\n"));
    ck_assert(fake_has(media, "\r\na=setup:active\r\n"));
    ck_assert(fake_has(media, "\r\na=recvonly\r\n"));
    ck_assert(fake_has(media, "\r\na=path:msrp://10.0.0.2:"));
    ck_assert(fake_has(media, "\r\na=file-transfer-id:ft0001\r\n"));
    ck_assert_msg(fake_has(media, "\r\na=max-size:5000\r\n"), "%s", m);
    rxf_close(&f);
}
END_TEST

START_TEST(refresh_answers_carry_the_session_timer)
{
    rxf f;
    rxf_open(&f, 0);
    send_req(&f, "INVITE", "se1@x", 1, NULL);
    const fake_event *ok = last_final(&f);
    ck_assert_ptr_nonnull(ok);
    ck_assert_uint_eq(ok->status, 200);
    ck_assert(fake_has(ok->msg->buf, "Session-Expires: 1800;refresher=uac\r\n"));
    const char *tag = strstr(ok->msg->buf, "\r\nTo: ");
    ck_assert_ptr_nonnull(tag);
    tag = strstr(tag, ";tag=");
    ck_assert_ptr_nonnull(tag);
    char to_tag[64];
    snprintf(to_tag, sizeof to_tag, "%.*s", (int)strcspn(tag + 5, ";\r"), tag + 5);
    /* seed 002 §7.3.1.1 step 9, RFC 4028 §9: the answer to an UPDATE refresh */
    send_req(&f, "UPDATE", "se1@x", 2, to_tag);
    ok = last_final(&f);
    ck_assert_uint_eq(ok->status, 200);
    ck_assert(fake_has(ok->msg->buf, "CSeq: 2 UPDATE\r\n"));
    ck_assert(fake_has(ok->msg->buf, "Session-Expires: 1800;refresher=uac\r\n"));
    ck_assert(fake_has(ok->msg->buf, "Require: timer\r\n"));
    /* and to a re-INVITE */
    send_req(&f, "INVITE", "se1@x", 3, to_tag);
    ok = last_final(&f);
    ck_assert_uint_eq(ok->status, 200);
    ck_assert(fake_has(ok->msg->buf, "CSeq: 3 INVITE\r\n"));
    ck_assert(fake_has(ok->msg->buf, "Session-Expires: 1800;refresher=uac\r\n"));
    ck_assert(fake_has(ok->msg->buf, "Require: timer\r\n"));
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 1);
    rxf_close(&f);
}
END_TEST

START_TEST(sessions_past_the_limit_get_503)
{
    rxf f;
    rxf_open(&f, 2);
    send_req(&f, "INVITE", "lim1@x", 1, NULL);
    ck_assert_uint_eq(last_final(&f)->status, 200);
    send_req(&f, "INVITE", "lim2@x", 1, NULL);
    ck_assert_uint_eq(last_final(&f)->status, 200);
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 2);
    /* seed 002 §7.3.1.1 step 2: lacking resources, with a time to come back */
    send_req(&f, "INVITE", "lim3@x", 1, NULL);
    const fake_event *no = last_final(&f);
    ck_assert_uint_eq(no->status, 503);
    ck_assert(fake_has(no->msg->buf, "Retry-After: 30\r\n"));
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 2);
    ck_assert_uint_eq(f.rejected, 1);
    rxf_close(&f);
}
END_TEST

static Suite *push_invite_rx_fake_suite(void)
{
    Suite *s = suite_create("push_invite_rx_fake");
    TCase *t = tcase_create("receiver");
    tcase_add_test(t, the_200_carries_the_sdp_answer);
    tcase_add_test(t, refresh_answers_carry_the_session_timer);
    tcase_add_test(t, sessions_past_the_limit_get_503);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_invite_rx_fake_suite)
