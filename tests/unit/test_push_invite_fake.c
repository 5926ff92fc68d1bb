/* test_push_invite_fake.c - the Push Sender Agent's SIP side on a fake clock
 * and network (txn_fake.h) against a receiver played by hand: every final
 * answer and the delivery status it ends in (seed 004 Appendix Q), the 422
 * round, CANCEL on timeout, the CANCEL/200 race, 2xx retransmissions, the
 * session timer as refresher (re-INVITE without UPDATE in Allow) and as
 * the side that watches, a BYE from the receiver; the connection roles
 * the answer may give (RFC 6135 §4.2) and the connection watch. The MSRP
 * sessions are made but never connect: no test here runs the loop. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "invite_clock.h"
#include "msrp_tp.h"
#include "push_invite_sender.h"
#include "push_invite_sender_impl.h" /* PUSH_SENDER_MAX_491 */
#include "tp_loop.h"
#include "txn_fake.h"

typedef struct fx {
    fake_net *net;
    tp_loop *loop;
    msrp_endpoint *ep;
    invite_clock clock;
    push_invite_ctx ctx;
    push_invite_sender *s;
    bool done;
    push_invite_result r;
    int ndone;
} fx;

static void route(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    fx *f = ctx;
    if (!push_invite_sender_route(&f->ctx, st, req, src) && st) {
        sip_txn_reply r = {.status = 481};
        sip_txn_respond(f->net->ep[0].L, st, &r);
    }
}

static void on_done(void *ctx, push_invite_sender *s, const push_invite_result *r)
{
    (void)s;
    fx *f = ctx;
    f->r = *r;
    f->done = true;
    f->ndone++;
}

static const uint8_t content[] = "You have 4 new emails";
/* >= 0: the push is this file instead of content */
static int fx_fd = -1;
/* the role offered */
static sdp_setup fx_setup = SDP_SETUP_NONE;
/* the connection watch (ms); 0: the default. Other tests never connect and
 * run for longer, so their watch is beyond their span. */
static uint32_t fx_connect_ms = UINT32_MAX;

static void fx_open(fx *f, uint32_t answer_timeout_ms, bool deaf)
{
    memset(f, 0, sizeof *f);
    f->net = fake_net_new(NULL);
    f->loop = tp_loop_new();
    ck_assert_int_eq(msrp_endpoint_new(f->loop, NULL, &f->ep), 0);
    invite_clock_init(&f->clock, f->net, &f->ctx);
    f->ctx.sip = f->net->ep[0].L;
    f->ctx.msrp = f->ep;
    f->ctx.msrp_host = "10.0.0.1";
    f->ctx.msrp_port = 2855;
    snprintf(f->ctx.local.host, sizeof f->ctx.local.host, "10.0.0.1");
    f->ctx.local.udp_port = 5060;
    f->ctx.tp = SIP_TP_UDP;
    f->ctx.msrp_connect_timeout_ms = fx_connect_ms;
    f->net->ep[0].on_request = route;
    f->net->ep[0].on_request_ctx = f;
    f->net->ep[1].deaf = deaf;
    push_invite_file file = {.type = SP_LIT("text/plain"), .data = content, .fd = -1, .size = sizeof content - 1};
    if (fx_fd >= 0)
        file = (push_invite_file){.type = SP_LIT("text/plain"), .fd = fx_fd, .size = sizeof content - 1};
    push_invite_params p = {.target = SP_LIT("sip:bob@10.0.0.2:5060"), .from = SP_LIT("sip:psa@10.0.0.1"),
                            .next_hop = fake_peer("10.0.0.2", 5060, SIP_TP_UDP), .app = SP_LIT("wml.ua"),
                            .files = &file, .nfiles = 1, .answer_timeout_ms = answer_timeout_ms,
                            .setup = fx_setup};
    push_invite_sender_cb cb = {.ctx = f, .done = on_done};
    ck_assert_int_eq(push_invite_sender_new(&f->ctx, &p, &cb, &f->s), 0);
    ck_assert_int_eq(push_invite_sender_start(f->s), 0);
}

static void fx_close(fx *f)
{
    push_invite_sender_free(f->s);
    invite_clock_free(&f->clock);
    fake_net_free(f->net);
    msrp_endpoint_free(f->ep);
    tp_loop_run_once(f->loop, 0);
    tp_loop_free(f->loop);
}

/* Moves both clocks forward in 10 ms steps. */
static void advance(fx *f, uint64_t ms)
{
    invite_clock_advance(&f->clock, ms);
}

/* The nth request of a method the receiver heard. */
static const fake_event *heard(fx *f, const char *method, size_t nth)
{
    fake_ep *e = &f->net->ep[1];
    for (size_t i = 0; i < e->nreq; i++)
        if (!strcmp(e->req[i].method, method) && nth-- == 0)
            return &e->req[i];
    return NULL;
}

static const char answer_sdp[] = "v=0\r\no=bob 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
                                 "m=message 9 TCP/MSRP *\r\na=setup:active\r\na=recvonly\r\n"
                                 "a=accept-types:message/cpim *\r\na=path:msrp://10.0.0.2:9/rx1;tcp\r\n";

static void answer(fx *f, const fake_event *ev, unsigned status, const char *hdrs, bool sdp)
{
    sip_txn_reply r = {.status = status, .to_tag = SP_LIT("rxtag"), .headers = sp_str_cstr(hdrs)};
    if (sdp) {
        r.content_type = SP_LIT("application/sdp");
        r.body = SP_LIT(answer_sdp);
    }
    ck_assert_int_eq(sip_txn_respond(f->net->ep[1].L, ev->id, &r), 0);
}

#define OK_HEADERS(se) "Contact: <sip:bob@10.0.0.2:5060>\r\nAllow: INVITE, ACK, BYE\r\nRequire: timer\r\n" se

static void to_transfer(fx *f, const char *se_line)
{
    advance(f, 50);
    const fake_event *inv = heard(f, "INVITE", 0);
    ck_assert_ptr_nonnull(inv);
    answer(f, inv, 200, se_line, true);
    advance(f, 50);
    ck_assert_int_eq(push_invite_sender_state(f->s), PUSH_SENDER_TRANSFER);
    ck_assert_ptr_nonnull(heard(f, "ACK", 0));
}

START_TEST(final_answers_read_through_appendix_q)
{
    static const struct {
        unsigned code;
        bool retry;
    } rows[] = {{486, true}, {603, true}, {404, false}, {488, false}, {480, true}, {500, true}, {403, false}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fx f;
        fx_open(&f, 0, false);
        advance(&f, 50);
        answer(&f, heard(&f, "INVITE", 0), rows[i].code, "", false);
        advance(&f, 50);
        ck_assert(f.done);
        ck_assert_int_eq(f.r.status.outcome, PUSH_OUTCOME_FAILED);
        ck_assert_uint_eq(f.r.code, rows[i].code);
        ck_assert_msg(f.r.status.retry == rows[i].retry, "retry of %u", rows[i].code);
        ck_assert_ptr_null(heard(&f, "BYE", 0));
        fx_close(&f);
    }
}
END_TEST

START_TEST(file_date_without_last_modified)
{
    /* seed 000 §8.2.5.1: a=file-date in every offer; memory content: the push's creation */
    fx f;
    fx_open(&f, 0, false);
    advance(&f, 50);
    const fake_event *inv = heard(&f, "INVITE", 0);
    ck_assert_ptr_nonnull(inv);
    ck_assert(fake_has(inv->msg->buf, "a=file-date:creation:\""));
    ck_assert(!fake_has(inv->msg->buf, "modification:"));
    fx_close(&f);
    /* a file: its modification time */
    char path[] = "/tmp/push-fd-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(write(fd, content, sizeof content - 1), (ssize_t)(sizeof content - 1));
    struct timespec times[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
    ck_assert_int_eq(futimens(fd, times), 0);
    fx_fd = fd;
    fx_open(&f, 0, false);
    fx_fd = -1;
    advance(&f, 50);
    inv = heard(&f, "INVITE", 0);
    ck_assert_ptr_nonnull(inv);
    ck_assert(fake_has(inv->msg->buf, "a=file-date:modification:\"Sun, 09 Sep 2001 01:46:40 GMT\"\r\n"));
    fx_close(&f);
    close(fd);
}
END_TEST

START_TEST(no_answer_at_all_is_408_with_retry)
{
    fx f;
    fx_open(&f, 0, true);
    advance(&f, 40000); /* timer B: 64*T1 */
    ck_assert_uint_ge(fake_count_sent(f.net, 0, "INVITE "), 6); /* timer A doubled from T1 */
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 408);
    ck_assert(f.r.source == PUSH_SRC_SIP_TIMEOUT);
    ck_assert(f.r.status.retry);
    fx_close(&f);
}
END_TEST

START_TEST(retry_after_422)
{
    fx f;
    fx_open(&f, 0, false);
    advance(&f, 50);
    answer(&f, heard(&f, "INVITE", 0), 422, "Min-SE: 2400\r\n", false);
    advance(&f, 50);
    const fake_event *again = heard(&f, "INVITE", 1);
    ck_assert_ptr_nonnull(again);
    ck_assert(fake_has(again->msg->buf, "Session-Expires: 2400;refresher=uac\r\n"));
    ck_assert(fake_has(again->msg->buf, "Min-SE: 2400\r\n"));
    ck_assert(fake_has(again->msg->buf, "CSeq: 2 INVITE\r\n"));
    ck_assert(!f.done);
    /* a second 422 is tried once more, a third ends it */
    answer(&f, again, 422, "Min-SE: 3000\r\n", false);
    advance(&f, 50);
    answer(&f, heard(&f, "INVITE", 2), 422, "Min-SE: 3600\r\n", false);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 422);
    fx_close(&f);
}
END_TEST

START_TEST(timeout_sends_cancel)
{
    fx f;
    fx_open(&f, 2000, false);
    advance(&f, 50);
    const fake_event *inv = heard(&f, "INVITE", 0);
    answer(&f, inv, 180, "", false);
    advance(&f, 1000);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "CANCEL "), 0);
    advance(&f, 1100);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "CANCEL "), 1);
    /* the receiver's layer answered the CANCEL 200 and the INVITE 487 */
    advance(&f, 100);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 408);
    ck_assert(f.r.status.retry);
    ck_assert_uint_eq(f.net->ep[1].nends, 1);
    ck_assert_int_eq(f.net->ep[1].ends[0].end, SIP_TXN_END_CANCELLED);
    fx_close(&f);
}
END_TEST

/* RFC 3261 §17.1.1.2: no timer runs in Proceeding; without an answer
 * timeout of its own the sender still gives up at the default. */
START_TEST(ringing_for_ever_is_cancelled_at_the_default)
{
    fx f;
    fx_open(&f, 0, false);
    advance(&f, 50);
    answer(&f, heard(&f, "INVITE", 0), 180, "", false);
    advance(&f, PUSH_INVITE_ANSWER_TIMEOUT_DEFAULT_MS - 100);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "CANCEL "), 0);
    ck_assert(!f.done);
    advance(&f, 100);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "CANCEL "), 1);
    advance(&f, 100);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 408);
    ck_assert(f.r.status.retry);
    fx_close(&f);
}
END_TEST

/* Without a session timer only the connection watch (its default here)
 * bounds the session: the receiver never connects, BYE and 408. */
START_TEST(a_receiver_that_never_connects_is_given_up)
{
    fx_connect_ms = 0; /* the default watch */
    fx f;
    fx_open(&f, 0, false);
    fx_connect_ms = UINT32_MAX;
    to_transfer(&f, "Contact: <sip:bob@10.0.0.2:5060>\r\nAllow: INVITE, ACK, BYE\r\n"); /* no Session-Expires */
    advance(&f, PUSH_MSRP_CONNECT_TIMEOUT_MS - 200); /* the connection watch */
    ck_assert(!heard(&f, "BYE", 0));
    ck_assert(!f.done);
    advance(&f, 200);
    const fake_event *bye = heard(&f, "BYE", 0);
    ck_assert_ptr_nonnull(bye);
    answer(&f, bye, 200, "", false);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 408);
    ck_assert(f.r.status.retry);
    fx_close(&f);
}
END_TEST

/* RFC 3261 §9.1: the 200 crosses the CANCEL; the sender ACKs and hangs up. */
START_TEST(cancel_and_200_cross)
{
    fx f;
    fx_open(&f, 0, false);
    advance(&f, 50);
    const fake_event *inv = heard(&f, "INVITE", 0);
    answer(&f, inv, 180, "", false);
    advance(&f, 50);
    f.net->ep[1].deaf = true; /* the CANCEL is lost on its way: the 200 wins */
    push_invite_sender_abort(f.s);
    advance(&f, 5);
    f.net->ep[1].deaf = false;
    answer(&f, inv, 200, OK_HEADERS("Session-Expires: 1800;refresher=uac\r\n"), true);
    advance(&f, 100);
    ck_assert_ptr_nonnull(heard(&f, "ACK", 0));
    const fake_event *bye = heard(&f, "BYE", 0);
    ck_assert_ptr_nonnull(bye);
    ck_assert(!f.done); /* until the BYE is answered */
    answer(&f, bye, 200, "", false);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_int_eq(f.ndone, 1);
    ck_assert_uint_eq(f.r.code, 487);
    ck_assert(!f.r.status.retry);
    fx_close(&f);
}
END_TEST

START_TEST(every_2xx_retransmission_is_acked)
{
    fx f;
    fx_open(&f, 0, false);
    to_transfer(&f, OK_HEADERS("Session-Expires: 1800;refresher=uac\r\n"));
    /* the receiver's layer retransmits its 200 until an ACK arrives: lose the first ACKs */
    size_t acks = fake_count_sent(f.net, 0, "ACK ");
    ck_assert_uint_eq(acks, 1);
    fake_inject(f.net, 0, f.net->ep[1].sent[f.net->ep[1].nsent - 1].buf, &f.net->ep[1].self);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "ACK "), 2);
    fx_close(&f);
}
END_TEST

/* The receiver refreshes (refresher=uas): no refresh comes, the sender
 * ends the session at the interval minus a third (RFC 4028 §10). */
START_TEST(watching_side_ends_an_expired_session)
{
    fx f;
    fx_open(&f, 0, false);
    to_transfer(&f, OK_HEADERS("Session-Expires: 90;refresher=uas\r\n"));
    bool refresh = true;
    ck_assert_uint_eq(push_invite_sender_interval(f.s, &refresh), 90);
    ck_assert(!refresh);
    advance(&f, 59000);
    ck_assert_ptr_null(heard(&f, "BYE", 0));
    advance(&f, 1100);
    const fake_event *bye = heard(&f, "BYE", 0);
    ck_assert_ptr_nonnull(bye);
    ck_assert_ptr_null(heard(&f, "INVITE", 1)); /* it never refreshed */
    answer(&f, bye, 200, "", false);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 408);
    ck_assert(f.r.status.retry);
    fx_close(&f);
}
END_TEST

/* The sender refreshes at half the interval; without UPDATE in the
 * receiver's Allow it re-INVITEs with the same offer; a 481 ends it. */
START_TEST(refresher_reinvites_then_481)
{
    fx f;
    fx_open(&f, 0, false);
    to_transfer(&f, OK_HEADERS("Session-Expires: 120;refresher=uac\r\n"));
    advance(&f, 59000);
    ck_assert_ptr_null(heard(&f, "INVITE", 1));
    advance(&f, 1100);
    const fake_event *re = heard(&f, "INVITE", 1);
    ck_assert_ptr_nonnull(re);
    ck_assert_ptr_null(heard(&f, "UPDATE", 0));
    ck_assert(fake_has(re->msg->buf, ";tag=rxtag"));
    ck_assert(fake_has(re->msg->buf, "Session-Expires: 120;refresher=uac\r\n"));
    ck_assert(fake_has(re->msg->buf, "a=file-transfer-id:"));
    answer(&f, re, 200, OK_HEADERS("Session-Expires: 120;refresher=uac\r\n"), true);
    advance(&f, 100);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "ACK "), 2); /* the re-INVITE's 2xx too */
    ck_assert(!f.done);
    advance(&f, 60000);
    const fake_event *re2 = heard(&f, "INVITE", 2);
    ck_assert_ptr_nonnull(re2);
    answer(&f, re2, 481, "", false);
    advance(&f, 100);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 481);
    fx_close(&f);
}
END_TEST

/* The refresh answered 491 is sent again after 2.1 to 4 s (RFC 3261 §14.1:
 * the sender chose the Call-ID), each time it is answered 491. */
static const fake_event *refresh_after_491(fx *f, size_t nth)
{
    const fake_event *re = heard(f, "INVITE", nth);
    ck_assert_ptr_nonnull(re);
    answer(f, re, 491, "", false);
    advance(f, 2050);
    ck_assert_ptr_null(heard(f, "INVITE", nth + 1));
    ck_assert_int_eq(push_invite_sender_state(f->s), PUSH_SENDER_TRANSFER);
    advance(f, 2000);
    return heard(f, "INVITE", nth + 1);
}

START_TEST(refresh_answered_491_is_sent_again)
{
    fx f;
    fx_open(&f, 0, false);
    to_transfer(&f, OK_HEADERS("Session-Expires: 120;refresher=uac\r\n"));
    advance(&f, 60100);
    const fake_event *again = refresh_after_491(&f, 1);
    ck_assert_ptr_nonnull(again);
    ck_assert(fake_has(again->msg->buf, "Session-Expires: 120;refresher=uac\r\n"));
    answer(&f, again, 200, OK_HEADERS("Session-Expires: 120;refresher=uac\r\n"), true);
    advance(&f, 100);
    /* the first 2xx, the 491 (by the transaction) and the 2xx to the retry */
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "ACK "), 3);
    /* a new interval from that 2xx: the next refresh at its half, not the BYE
     * the old interval would have brought at 88 s */
    advance(&f, 59000);
    ck_assert_ptr_null(heard(&f, "BYE", 0));
    ck_assert_ptr_null(heard(&f, "INVITE", 3));
    advance(&f, 1100);
    ck_assert_ptr_nonnull(heard(&f, "INVITE", 3));
    ck_assert(!f.done);
    fx_close(&f);
}
END_TEST

START_TEST(refresh_answered_491_every_time_lets_the_session_run_out)
{
    fx f;
    fx_open(&f, 0, false);
    to_transfer(&f, OK_HEADERS("Session-Expires: 120;refresher=uac\r\n"));
    advance(&f, 60100);
    for (size_t n = 1; n <= PUSH_SENDER_MAX_491; n++)
        ck_assert_ptr_nonnull(refresh_after_491(&f, n));
    const fake_event *last = heard(&f, "INVITE", PUSH_SENDER_MAX_491 + 1);
    answer(&f, last, 491, "", false);
    advance(&f, 100);
    ck_assert(!f.done);
    ck_assert_ptr_null(heard(&f, "BYE", 0));
    /* no more tries: the sender ends it as the watching side does, where the
     * interval started at the 2xx ends (120 s less the 32 s margin) */
    advance(&f, 4000);
    ck_assert_ptr_null(heard(&f, "INVITE", PUSH_SENDER_MAX_491 + 2));
    advance(&f, 88000 - 60100 - 3 * 4050 - 100 - 4000 - 200);
    ck_assert_ptr_null(heard(&f, "BYE", 0));
    advance(&f, 1500);
    const fake_event *bye = heard(&f, "BYE", 0);
    ck_assert_ptr_nonnull(bye);
    answer(&f, bye, 200, "", false);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 408);
    fx_close(&f);
}
END_TEST

START_TEST(bye_from_the_receiver)
{
    fx f;
    fx_open(&f, 0, false);
    to_transfer(&f, OK_HEADERS("Session-Expires: 1800;refresher=uac\r\n"));
    char bye[1024];
    /* the dialog's identifiers as the INVITE carried them */
    const char *inv = heard(&f, "INVITE", 0)->msg->buf;
    const char *cid = strstr(inv, "Call-ID: ") + 9, *ftag = strstr(inv, ";tag=") + 5;
    char callid[64], tag[64];
    snprintf(callid, sizeof callid, "%.*s", (int)strcspn(cid, "\r"), cid);
    snprintf(tag, sizeof tag, "%.*s", (int)strcspn(ftag, "\r;>"), ftag);
    snprintf(bye, sizeof bye,
             "BYE sip:psa@10.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKbye1\r\n"
             "Max-Forwards: 70\r\nFrom: <sip:bob@10.0.0.2:5060>;tag=rxtag\r\nTo: <sip:psa@10.0.0.1>;tag=%s\r\n"
             "Call-ID: %s\r\nCSeq: 7 BYE\r\nContent-Length: 0\r\n\r\n",
             tag, callid);
    fake_inject(f.net, 0, bye, &f.net->ep[1].self);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 487);
    ck_assert_uint_eq(fake_count_sent(f.net, 0, "SIP/2.0 200"), 1);
    fx_close(&f);
}
END_TEST

START_TEST(answer_refusing_every_stream)
{
    fx f;
    fx_open(&f, 0, false);
    advance(&f, 50);
    const fake_event *inv = heard(&f, "INVITE", 0);
    static const char refused[] = "v=0\r\no=bob 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
                                  "m=message 0 TCP/MSRP *\r\n";
    sip_txn_reply r = {.status = 200, .to_tag = SP_LIT("rxtag"),
                       .headers = SP_LIT(OK_HEADERS("Session-Expires: 1800;refresher=uac\r\n")),
                       .content_type = SP_LIT("application/sdp"), .body = SP_LIT(refused)};
    sip_txn_respond(f.net->ep[1].L, inv->id, &r);
    advance(&f, 50);
    const fake_event *bye = heard(&f, "BYE", 0);
    ck_assert_ptr_nonnull(bye);
    answer(&f, bye, 200, "", false);
    advance(&f, 50);
    ck_assert(f.done);
    ck_assert_uint_eq(f.r.code, 488);
    ck_assert(!f.r.status.retry);
    fx_close(&f);
}
END_TEST

/* A 200 to the INVITE whose answer has the role given ("" for no a=setup). */
static void answer_role(fx *f, const char *setup_line)
{
    advance(f, 50);
    const fake_event *inv = heard(f, "INVITE", 0);
    ck_assert_ptr_nonnull(inv);
    char sdp[512];
    snprintf(sdp, sizeof sdp,
             "v=0\r\no=bob 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
             "m=message 2856 TCP/MSRP *\r\n%sa=recvonly\r\na=accept-types:message/cpim *\r\n"
             "a=path:msrp://10.0.0.2:2856/rx1;tcp\r\n",
             setup_line);
    sip_txn_reply r = {.status = 200, .to_tag = SP_LIT("rxtag"),
                       .headers = SP_LIT(OK_HEADERS("Session-Expires: 1800;refresher=uac\r\n")),
                       .content_type = SP_LIT("application/sdp"), .body = sp_str_cstr(sdp)};
    ck_assert_int_eq(sip_txn_respond(f->net->ep[1].L, inv->id, &r), 0);
    advance(f, 50);
}

/* The push ended with BYE (answered here) and code, retry as given. */
static void ends_with_bye(fx *f, unsigned code, bool retry)
{
    ck_assert_ptr_nonnull(heard(f, "ACK", 0));
    const fake_event *bye = heard(f, "BYE", 0);
    ck_assert_ptr_nonnull(bye);
    answer(f, bye, 200, "", false);
    advance(f, 50);
    ck_assert(f->done);
    ck_assert_uint_eq(f->r.code, code);
    ck_assert(f->r.status.retry == retry);
}

/* RFC 4145 §4.1: a passive answer to our passive offer leaves no one to
 * connect; refused at once with BYE, 488 and no retry. */
START_TEST(passive_answer_to_a_passive_offer)
{
    fx f;
    fx_open(&f, 0, false);
    advance(&f, 50);
    ck_assert(fake_has(heard(&f, "INVITE", 0)->msg->buf, "a=setup:passive\r\n"));
    answer_role(&f, "a=setup:passive\r\n");
    ends_with_bye(&f, 488, false);
    ck_assert_str_eq(f.r.status.reason, "a=setup:passive in the answer: no end would connect");
    fx_close(&f);
}
END_TEST

/* An active offer (port 9, RFC 6135 §4.2.2) answered active: both would
 * connect; refused the same way. */
START_TEST(active_answer_to_an_active_offer)
{
    fx_setup = SDP_SETUP_ACTIVE;
    fx f;
    fx_open(&f, 0, false);
    fx_setup = SDP_SETUP_NONE;
    advance(&f, 50);
    const char *inv = heard(&f, "INVITE", 0)->msg->buf;
    ck_assert(fake_has(inv, "a=setup:active\r\n"));
    ck_assert(fake_has(inv, "m=message 9 TCP/MSRP *\r\n"));
    answer_role(&f, "a=setup:active\r\n");
    ends_with_bye(&f, 488, false);
    fx_close(&f);
}
END_TEST

/* actpass in an answer is no role (RFC 4145 §4.1); with an actpass offer. */
START_TEST(actpass_answer_is_refused)
{
    fx_setup = SDP_SETUP_ACTPASS;
    fx f;
    fx_open(&f, 0, false);
    fx_setup = SDP_SETUP_NONE;
    advance(&f, 50);
    ck_assert(fake_has(heard(&f, "INVITE", 0)->msg->buf, "a=setup:actpass\r\n"));
    ck_assert(fake_has(heard(&f, "INVITE", 0)->msg->buf, "m=message 2855 TCP/MSRP *\r\n"));
    answer_role(&f, "a=setup:actpass\r\n");
    ends_with_bye(&f, 488, false);
    fx_close(&f);
}
END_TEST

/* An active answer to a passive or actpass offer: we wait for the
 * receiver's connection, up to the watch (30 s by default); without it the
 * push ends with BYE and 408, retry allowed (nothing was sent). */
START_TEST(no_connection_from_an_active_answerer)
{
    fx_connect_ms = 0;
    fx_setup = _i ? SDP_SETUP_ACTPASS : SDP_SETUP_NONE;
    fx f;
    fx_open(&f, 0, false);
    fx_connect_ms = UINT32_MAX;
    fx_setup = SDP_SETUP_NONE;
    answer_role(&f, "a=setup:active\r\n");
    ck_assert_int_eq(push_invite_sender_state(f.s), PUSH_SENDER_TRANSFER);
    advance(&f, PUSH_MSRP_CONNECT_TIMEOUT_MS - 200);
    ck_assert_ptr_null(heard(&f, "BYE", 0));
    ck_assert(!f.done);
    advance(&f, 300);
    ends_with_bye(&f, 408, true);
    ck_assert_str_eq(f.r.status.reason, "no MSRP connection in time");
    fx_close(&f);
}
END_TEST

/* The watch is the context's: a shorter one ends sooner. */
START_TEST(connection_watch_follows_the_context)
{
    fx_connect_ms = 1000;
    fx f;
    fx_open(&f, 0, false);
    fx_connect_ms = UINT32_MAX;
    answer_role(&f, "a=setup:active\r\n");
    advance(&f, 800);
    ck_assert_ptr_null(heard(&f, "BYE", 0));
    advance(&f, 300);
    ends_with_bye(&f, 408, true);
    fx_close(&f);
}
END_TEST

static Suite *push_invite_fake_suite(void)
{
    Suite *s = suite_create("push_invite_fake");
    TCase *t = tcase_create("sender");
    tcase_add_test(t, final_answers_read_through_appendix_q);
    tcase_add_test(t, no_answer_at_all_is_408_with_retry);
    tcase_add_test(t, file_date_without_last_modified);
    tcase_add_test(t, retry_after_422);
    tcase_add_test(t, timeout_sends_cancel);
    tcase_add_test(t, ringing_for_ever_is_cancelled_at_the_default);
    tcase_add_test(t, a_receiver_that_never_connects_is_given_up);
    tcase_add_test(t, cancel_and_200_cross);
    tcase_add_test(t, every_2xx_retransmission_is_acked);
    tcase_add_test(t, watching_side_ends_an_expired_session);
    tcase_add_test(t, refresher_reinvites_then_481);
    tcase_add_test(t, bye_from_the_receiver);
    tcase_add_test(t, refresh_answered_491_is_sent_again);
    tcase_add_test(t, refresh_answered_491_every_time_lets_the_session_run_out);
    tcase_add_test(t, answer_refusing_every_stream);
    tcase_add_test(t, passive_answer_to_a_passive_offer);
    tcase_add_test(t, active_answer_to_an_active_offer);
    tcase_add_test(t, actpass_answer_is_refused);
    tcase_add_loop_test(t, no_connection_from_an_active_answerer, 0, 2);
    tcase_add_test(t, connection_watch_follows_the_context);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_invite_fake_suite)
