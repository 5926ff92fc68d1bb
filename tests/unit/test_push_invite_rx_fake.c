/* test_push_invite_rx_fake.c - the Push Receiver Agent's session-mode side
 * on a fake clock and network (txn_fake.h) against a sender played by
 * hand: the 200 to the INVITE carries the SDP answer, the answers to
 * session refreshes (re-INVITE, UPDATE) carry the session timer, an INVITE
 * past max_sessions gets 486 with Retry-After, a 200 never ACKed ends in a
 * BYE at Timer L (64*T1), refusals for size and name length; an offer whose
 * offerer connects is answered passive with the listener's address (IPv4
 * and IPv6), and a session nobody connects to ends with BYE at the
 * connection watch. No MSRP connection is made: the loop never runs. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "invite_clock.h"
#include "msrp_tp.h"
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
    f->ctx.msrp_port = 2860; /* the listener a passive answer names */
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

/* What the host does with the layer's server ends (push_pra.c). */
static void forward_ends(rxf *f, size_t *done)
{
    for (; *done < f->net->ep[1].nends; (*done)++)
        push_invite_rx_server_end(f->rx, f->net->ep[1].ends[*done].id, (sip_txn_end)f->net->ep[1].ends[*done].end);
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

/* the offer's a=setup line ("" for none) */
static const char *offer_setup = "a=setup:passive\r\n";
static const char offer_fmt[] = "v=0\r\no=psa 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                            "m=message 2855 TCP/MSRP *\r\n%sa=sendonly\r\n"
                            "a=accept-types:message/cpim\r\na=path:msrp://10.0.0.1:2855/s1;tcp\r\n"
                            "a=file-transfer-id:ft0001\r\n"
                            "a=file-selector:name:\"a.txt\" type:text/plain size:5 "
                            "hash:sha-1:AA:F4:C6:1D:DC:C5:E8:A2:DA:BE:DE:0F:3B:48:2C:D9:AE:A9:43:4D\r\n";

/* method in the session call-id (to_tag NULL: a new INVITE), with body
 * (NULL: the offer above) for INVITE. */
static void send_body(rxf *f, const char *method, const char *call_id, unsigned cseq, const char *to_tag,
                      const char *body)
{
    static unsigned branch;
    static char m[16384];
    char offer[1024];
    bool sdp = !strcmp(method, "INVITE");
    snprintf(offer, sizeof offer, offer_fmt, offer_setup);
    const char *sdp_body = body ? body : offer;
    snprintf(m, sizeof m,
             "%s sip:bob@10.0.0.2:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKrx%u\r\n"
             "Max-Forwards: 70\r\nFrom: <sip:psa@10.0.0.1>;tag=psa1\r\nTo: <sip:bob@10.0.0.2>%s%s\r\n"
             "Call-ID: %s\r\nCSeq: %u %s\r\nContact: <sip:psa@10.0.0.1:5060>\r\nSupported: timer\r\n"
             "Session-Expires: 1800;refresher=uac\r\nAllow: INVITE, ACK, CANCEL, BYE, UPDATE\r\n"
             "%sContent-Length: %zu\r\n\r\n%s",
             method, ++branch, to_tag ? ";tag=" : "", to_tag ? to_tag : "", call_id, cseq, method,
             sdp ? "Content-Type: application/sdp\r\n" : "", sdp ? strlen(sdp_body) : 0, sdp ? sdp_body : "");
    if (!strcmp(method, "ACK")) { /* no transaction: straight to the receiver's layer */
        sip_peer src = fake_peer("10.0.0.1", 5060, SIP_TP_UDP);
        fake_inject(f->net, 1, m, &src);
    } else {
        ck_assert_uint_ne(fake_request(f->net, 0, m), 0);
    }
    advance(f, 50);
}

static void send_req(rxf *f, const char *method, const char *call_id, unsigned cseq, const char *to_tag)
{
    send_body(f, method, call_id, cseq, to_tag, NULL);
}

/* The To tag of a response. */
static void to_tag_of(const fake_event *r, char *out, size_t cap)
{
    const char *to = strstr(r->msg->buf, "\r\nTo: ");
    ck_assert_ptr_nonnull(to);
    const char *tag = strstr(to, ";tag=");
    ck_assert_ptr_nonnull(tag);
    snprintf(out, cap, "%.*s", (int)strcspn(tag + 5, ";\r"), tag + 5);
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

START_TEST(sessions_past_the_limit_get_486)
{
    rxf f;
    rxf_open(&f, 2);
    send_req(&f, "INVITE", "lim1@x", 1, NULL);
    ck_assert_uint_eq(last_final(&f)->status, 200);
    send_req(&f, "INVITE", "lim2@x", 1, NULL);
    ck_assert_uint_eq(last_final(&f)->status, 200);
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 2);
    /* seed 002 §7.3.1.1 step 2: lacking resources, with a time to come back;
     * RFC 3261 §21.4.24: this end system is busy (a 503 is a server's) */
    send_req(&f, "INVITE", "lim3@x", 1, NULL);
    const fake_event *no = last_final(&f);
    ck_assert_uint_eq(no->status, 486);
    ck_assert(fake_has(no->msg->buf, "Retry-After: 30\r\n"));
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 2);
    ck_assert_uint_eq(f.rejected, 1);
    rxf_close(&f);
}
END_TEST

/* RFC 3261 §13.3.1.4: the 200 is retransmitted for 64*T1; without an ACK
 * by then the session ends with a BYE and its slot is free. An ACKed one
 * stays. */
START_TEST(unacked_200_ends_with_bye)
{
    rxf f;
    rxf_open(&f, 1);
    f.net->ep[0].auto_status = 200; /* the sender answers the BYE */
    size_t ends = 0;
    send_req(&f, "INVITE", "noack@x", 1, NULL);
    ck_assert_uint_eq(last_final(&f)->status, 200);
    advance(&f, 31000);
    forward_ends(&f, &ends);
    ck_assert_uint_eq(fake_count_sent(f.net, 1, "BYE "), 0);
    ck_assert_uint_gt(fake_count_sent(f.net, 1, "SIP/2.0 200"), 4); /* retransmitted meanwhile */
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 1);
    send_req(&f, "INVITE", "busy@x", 1, NULL);
    ck_assert_uint_eq(last_final(&f)->status, 486); /* the slot is still taken */
    advance(&f, 2000);
    forward_ends(&f, &ends);
    ck_assert_uint_eq(fake_count_sent(f.net, 1, "BYE "), 1);
    ck_assert(fake_has(fake_sent(f.net, 1, f.net->ep[1].nsent - 1), "Call-ID: noack@x\r\n"));
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 0);
    ck_assert_uint_eq(f.rejected, 2); /* the 486, the lost ACK */
    /* acknowledged: Timer L passes quietly (the fake makes no MSRP
     * connection, so the watch, which runs from the ACK, is set beyond) */
    f.ctx.msrp_connect_timeout_ms = 120000;
    send_req(&f, "INVITE", "acked@x", 1, NULL);
    const fake_event *ok = last_final(&f);
    ck_assert_uint_eq(ok->status, 200);
    char tag[64];
    to_tag_of(ok, tag, sizeof tag);
    send_req(&f, "ACK", "acked@x", 1, tag);
    advance(&f, 40000);
    forward_ends(&f, &ends);
    ck_assert_uint_eq(fake_count_sent(f.net, 1, "BYE "), 1);
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 1);
    rxf_close(&f);
}
END_TEST

/* RFC 4975 §5.4, RFC 6135 §4.2: an offer active, or without a=setup (the
 * offerer opens the connection), is answered passive with the address and
 * port the receiver listens on, in the m-line, the path and c=. */
static void answered_passive(const char *setup_line, const char *host, const char *path, const char *c_line)
{
    rxf f;
    rxf_open(&f, 0);
    f.ctx.msrp_host = host;
    offer_setup = setup_line;
    send_req(&f, "INVITE", "role1@x", 1, NULL);
    offer_setup = "a=setup:passive\r\n";
    const fake_event *ok = last_final(&f);
    ck_assert_ptr_nonnull(ok);
    ck_assert_uint_eq(ok->status, 200);
    ck_assert(fake_has(ok->msg->buf, "a=setup:passive\r\n"));
    ck_assert(fake_has(ok->msg->buf, "m=message 2860 TCP/MSRP *\r\n"));
    ck_assert(fake_has(ok->msg->buf, path));
    ck_assert(fake_has(ok->msg->buf, c_line));
    rxf_close(&f);
}

START_TEST(active_offer_answered_passive)
{
    answered_passive("a=setup:active\r\n", "10.0.0.2", "a=path:msrp://10.0.0.2:2860/", "c=IN IP4 10.0.0.2\r\n");
}
END_TEST

START_TEST(offer_without_setup_answered_passive)
{
    answered_passive("", "10.0.0.2", "a=path:msrp://10.0.0.2:2860/", "c=IN IP4 10.0.0.2\r\n");
    /* holdconn is read as no a=setup (RFC 6135 §4.2.1) */
    answered_passive("a=setup:holdconn\r\n", "10.0.0.2", "a=path:msrp://10.0.0.2:2860/", "c=IN IP4 10.0.0.2\r\n");
}
END_TEST

START_TEST(passive_answer_over_ipv6)
{
    answered_passive("a=setup:active\r\n", "::1", "a=path:msrp://[::1]:2860/", "c=IN IP6 ::1\r\n");
    answered_passive("", "2001:db8::7", "a=path:msrp://[2001:db8::7]:2860/", "c=IN IP6 2001:db8::7\r\n");
}
END_TEST

/* actpass and passive offers are answered active as before: port 9. */
START_TEST(actpass_offer_answered_active)
{
    rxf f;
    rxf_open(&f, 0);
    offer_setup = "a=setup:actpass\r\n";
    send_req(&f, "INVITE", "role2@x", 1, NULL);
    offer_setup = "a=setup:passive\r\n";
    const fake_event *ok = last_final(&f);
    ck_assert_uint_eq(ok->status, 200);
    ck_assert(fake_has(ok->msg->buf, "a=setup:active\r\n"));
    ck_assert(fake_has(ok->msg->buf, "m=message 9 TCP/MSRP *\r\n"));
    rxf_close(&f);
}
END_TEST

static const char big_offer[] = "v=0\r\no=psa 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
                                "m=message 2855 TCP/MSRP *\r\na=setup:passive\r\na=sendonly\r\n"
                                "a=accept-types:message/cpim\r\na=path:msrp://10.0.0.1:2855/s1;tcp\r\n"
                                "a=file-transfer-id:ft0002\r\n"
                                "a=file-selector:name:\"a.txt\" type:text/plain size:1000000000000000\r\n";

/* RFC 5547 §8.5 through RFC 3261 §21.4.26: a lone file over max-size gets
 * a 488 whose SDP says what would be taken. */
START_TEST(oversized_offer_gets_488_with_max_size)
{
    rxf f;
    push_invite_rx_config cfg = {.max_size = 0}; /* the default */
    rxf_open_with(&f, &cfg);
    send_body(&f, "INVITE", "big@x", 1, NULL, big_offer);
    const fake_event *no = last_final(&f);
    ck_assert_uint_eq(no->status, 488);
    ck_assert(fake_has(no->msg->buf, "Content-Type: application/sdp\r\n"));
    ck_assert(fake_has(no->msg->buf, "m=message 0 TCP/MSRP *\r\n"));
    ck_assert(fake_has(no->msg->buf, "a=accept-types:message/cpim *\r\n"));
    ck_assert(fake_has(no->msg->buf, "a=max-size:67108864\r\n"));
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 0);
    rxf_close(&f);
}
END_TEST

/* Without a listener the receiver cannot be passive: the stream is
 * refused (488 for a lone one). */
START_TEST(no_listener_no_passive_answer)
{
    rxf f;
    rxf_open(&f, 0);
    f.ctx.msrp_port = 0;
    offer_setup = "a=setup:active\r\n";
    send_req(&f, "INVITE", "role3@x", 1, NULL);
    offer_setup = "a=setup:passive\r\n";
    ck_assert_uint_eq(last_final(&f)->status, 488);
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 0);
    rxf_close(&f);
}
END_TEST

/* An offer of one file whose name is len bytes of 'n'. */
static const char *named_offer(size_t len)
{
    static char body[12000], name[10001];
    static unsigned id;
    ck_assert_uint_le(len, sizeof name - 1);
    memset(name, 'n', len);
    name[len] = '\0';
    snprintf(body, sizeof body,
             "v=0\r\no=psa 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
             "m=message 2855 TCP/MSRP *\r\na=setup:passive\r\na=sendonly\r\n"
             "a=accept-types:message/cpim\r\na=path:msrp://10.0.0.1:2855/s1;tcp\r\n"
             "a=file-transfer-id:ftn%u\r\na=file-selector:name:\"%s\" type:text/plain size:5\r\n",
             ++id, name);
    return body;
}

/* The status answering an INVITE with a name of len bytes. */
static unsigned offer_named(rxf *f, size_t len)
{
    char call[32];
    snprintf(call, sizeof call, "name%zu@x", len);
    send_body(f, "INVITE", call, 1, NULL, named_offer(len));
    return last_final(f)->status;
}

/* max_name: an offered name of the limit is taken, one byte more refused
 * with 488; a 10,000-byte one as well (not a 500 from an answer too big).
 * Without one configured the limit is PUSH_RX_NAME_MAX_DEFAULT. */
START_TEST(name_length_boundary)
{
    rxf f;
    push_invite_rx_config cfg = {.max_name = 100};
    rxf_open_with(&f, &cfg);
    ck_assert_uint_eq(offer_named(&f, 100), 200);
    ck_assert_uint_eq(offer_named(&f, 101), 488);
    ck_assert_uint_eq(offer_named(&f, 10000), 488);
    rxf_close(&f);
    cfg.max_name = 0;
    rxf_open_with(&f, &cfg);
    ck_assert_uint_eq(offer_named(&f, PUSH_RX_NAME_MAX_DEFAULT), 200);
    ck_assert_uint_eq(offer_named(&f, PUSH_RX_NAME_MAX_DEFAULT + 1), 488);
    ck_assert_uint_eq(offer_named(&f, 10000), 488);
    rxf_close(&f);
}
END_TEST

/* Nobody connects within the watch (30 s by default, or the context's):
 * BYE, and the session's slot is free again. */
START_TEST(no_connection_ends_with_bye)
{
    rxf f;
    rxf_open(&f, 0);
    uint32_t watch = _i ? 2000 : PUSH_MSRP_CONNECT_TIMEOUT_MS;
    f.ctx.msrp_connect_timeout_ms = _i ? watch : 0;
    offer_setup = _i ? "" : "a=setup:active\r\n";
    send_req(&f, "INVITE", "nobody@x", 1, NULL);
    offer_setup = "a=setup:passive\r\n";
    ck_assert_uint_eq(last_final(&f)->status, 200);
    advance(&f, watch - 200);
    ck_assert_uint_eq(fake_count_sent(f.net, 1, "BYE "), 0);
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 1);
    advance(&f, 300);
    ck_assert_uint_eq(fake_count_sent(f.net, 1, "BYE "), 1);
    ck_assert_uint_eq(push_invite_rx_sessions(f.rx), 0);
    rxf_close(&f);
}
END_TEST

static Suite *push_invite_rx_fake_suite(void)
{
    Suite *s = suite_create("push_invite_rx_fake");
    TCase *t = tcase_create("receiver");
    tcase_add_test(t, the_200_carries_the_sdp_answer);
    tcase_add_test(t, refresh_answers_carry_the_session_timer);
    tcase_add_test(t, sessions_past_the_limit_get_486);
    tcase_add_test(t, unacked_200_ends_with_bye);
    tcase_add_test(t, oversized_offer_gets_488_with_max_size);
    tcase_add_test(t, name_length_boundary);
    tcase_add_test(t, active_offer_answered_passive);
    tcase_add_test(t, offer_without_setup_answered_passive);
    tcase_add_test(t, passive_answer_over_ipv6);
    tcase_add_test(t, actpass_offer_answered_active);
    tcase_add_test(t, no_listener_no_passive_answer);
    tcase_add_loop_test(t, no_connection_ends_with_bye, 0, 2);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_invite_rx_fake_suite)
