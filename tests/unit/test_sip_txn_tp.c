/* test_sip_txn_tp.c - the layer on the real loop: a client and a server
 * adapter over loopback UDP and TCP. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "sip_txn_tp.h"
#include "sp_platform.h"
#include "tp_udp.h"

typedef struct side {
    sip_txn_tp *a;
    int requests, finals;
    unsigned last_status;
    bool last_local;
    sip_peer last_src;
    char last_via[64];
} side;

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    side *s = ctx;
    s->requests++;
    s->last_src = *src;
    const sip_header *via = sip_msg_find(req, SIP_H_VIA);
    snprintf(s->last_via, sizeof s->last_via, "%.*s", via ? (int)via->value.n : 0, via ? via->value.p : "");
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("srv")};
    if (st)
        ck_assert_int_eq(sip_txn_respond(sip_txn_tp_layer(s->a), st, &ok), 0);
}

static void on_response(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    side *s = ctx;
    (void)ct;
    if (r->final) {
        s->finals++;
        s->last_status = r->status;
        s->last_local = r->local;
    }
}

static void make_side(tp_loop *loop, side *s, bool tcp_listen)
{
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    sip_txn_tp_config cfg = {.udp = &any, .tcp = tcp_listen ? &any : NULL};
    sip_txn_config_default(&cfg.txn);
    cfg.tu.ctx = s;
    cfg.tu.on_request = on_request;
    ck_assert_int_eq(sip_txn_tp_new(loop, &cfg, &s->a), 0);
}

static void run_until(tp_loop *loop, const int *what, int want)
{
    for (int i = 0; i < 200 && *what < want; i++)
        tp_loop_run_once(loop, 20);
}

static void exchange(sip_tp tp)
{
    tp_loop *loop = tp_loop_new();
    ck_assert_ptr_nonnull(loop);
    side client = {0}, server = {0};
    make_side(loop, &client, false);
    make_side(loop, &server, true);
    tp_addr to;
    ck_assert_int_eq(sip_txn_tp_local(server.a, tp, &to), 0);
    sip_peer dest;
    sip_txn_tp_peer(&to, tp, &dest);
    for (int k = 0; k < 3; k++) {
        char branch[SIP_BRANCH_SIZE], req[1024];
        sip_txn_branch_new(sip_txn_tp_layer(client.a), branch);
        int n = snprintf(req, sizeof req,
                         "MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n"
                         "Via: SIP/2.0/%s 127.0.0.1:5999;branch=%s;rport\r\n"
                         "Max-Forwards: 70\r\n"
                         "From: <sip:alice@example.com>;tag=a%d\r\n"
                         "To: <sip:bob@example.com>\r\n"
                         "Call-ID: tp-%d\r\n"
                         "CSeq: 1 MESSAGE\r\n"
                         "Content-Type: text/plain\r\n"
                         "Content-Length: 5\r\n\r\nhello",
                         tp == SIP_TP_UDP ? "UDP" : "TCP", branch, k, k);
        sip_txn_id id;
        ck_assert_int_eq(sip_txn_request(sip_txn_tp_layer(client.a), req, (size_t)n, &dest, on_response, &client,
                                         &id), 0);
    }
    run_until(loop, &client.finals, 3);
    ck_assert_int_eq(server.requests, 3);
    ck_assert_int_eq(client.finals, 3);
    ck_assert_uint_eq(client.last_status, 200);
    ck_assert_str_eq(server.last_src.host, "127.0.0.1");
    if (tp == SIP_TP_TCP)
        ck_assert(server.last_src.conn != 0);
    sip_txn_tp_free(client.a);
    sip_txn_tp_free(server.a);
    tp_loop_free(loop);
}

START_TEST(message_over_udp) { exchange(SIP_TP_UDP); }
END_TEST

START_TEST(message_over_tcp) { exchange(SIP_TP_TCP); }
END_TEST

/* A loopback port nobody listens on (for either transport): bound, read, closed. */
static uint16_t closed_port(void)
{
    tp_addr any, got;
    tp_addr_loopback(&any, AF_INET, 0);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(bind(fd, tp_addr_sa(&any), any.len), 0);
    socklen_t len = sizeof got.ss;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&got.ss, &len), 0);
    got.len = len;
    close(fd);
    return tp_addr_port(&got);
}

static const char *small_options(sip_tp tp, const char *branch)
{
    static char req[512];
    snprintf(req, sizeof req,
             "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/%s 127.0.0.1;branch=%s\r\n"
             "Max-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: %s\r\n"
             "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
             tp == SIP_TP_UDP ? "UDP" : "TCP", branch, branch);
    return req;
}

/* §8.1.3.1: a refused connection is a 503 at once, not a 408 after 64*T1. */
START_TEST(refused_tcp_connection_is_a_503_without_retransmitting)
{
    tp_loop *loop = tp_loop_new();
    side client = {0};
    make_side(loop, &client, false);
    tp_addr nowhere;
    tp_addr_loopback(&nowhere, AF_INET, closed_port());
    sip_peer dest;
    sip_txn_tp_peer(&nowhere, SIP_TP_TCP, &dest);
    const char *req = small_options(SIP_TP_TCP, "z9hG4bKtcpfail");
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(sip_txn_tp_layer(client.a), req, strlen(req), &dest, on_response, &client,
                                     &id), 0);
    run_until(loop, &client.finals, 1);
    ck_assert_int_eq(client.finals, 1);
    /* 503 from the layer, not timer F's 408: the refused connection ended it. */
    ck_assert_uint_eq(client.last_status, 503);
    ck_assert(client.last_local);
    for (int i = 0; i < 10; i++)
        tp_loop_run_once(loop, 5);
    ck_assert_int_eq(client.finals, 1);
    ck_assert_uint_eq(sip_txn_retransmissions(sip_txn_tp_layer(client.a)), 0);
    ck_assert_uint_eq(sip_txn_count(sip_txn_tp_layer(client.a)), 0);
    sip_txn_tp_free(client.a);
    tp_loop_free(loop);
}
END_TEST

#if SP_HAVE_ERRQUEUE
/* §18.4: the ICMP port unreachable of a closed UDP port is a 503 too
 * (a build without the error queue hears of none: Timer F ends it). */
START_TEST(closed_udp_port_is_a_503)
{
    tp_loop *loop = tp_loop_new();
    side client = {0};
    make_side(loop, &client, false);
    tp_addr nowhere;
    tp_addr_loopback(&nowhere, AF_INET, closed_port());
    sip_peer dest;
    sip_txn_tp_peer(&nowhere, SIP_TP_UDP, &dest);
    sip_txn_layer *L = sip_txn_tp_layer(client.a);
    sip_txn_id a, b;
    const char *req = small_options(SIP_TP_UDP, "z9hG4bKudpfail1");
    ck_assert_int_eq(sip_txn_request(L, req, strlen(req), &dest, on_response, &client, &a), 0);
    req = small_options(SIP_TP_UDP, "z9hG4bKudpfail2");
    ck_assert_int_eq(sip_txn_request(L, req, strlen(req), &dest, on_response, &client, &b), 0);
    run_until(loop, &client.finals, 2);
    ck_assert_int_eq(client.finals, 2);
    ck_assert_uint_eq(client.last_status, 503);
    ck_assert(client.last_local);
    for (int i = 0; i < 10; i++)
        tp_loop_run_once(loop, 5);
    ck_assert_int_eq(client.finals, 2);
    ck_assert_uint_eq(sip_txn_count(L), 0);
    sip_txn_tp_free(client.a);
    tp_loop_free(loop);
}
END_TEST
#endif

/* A request for an IPv6 peer over an IPv4-only layer cannot leave: a 503
 * from the first send (RFC 3261 §8.1.3.1), not the 408 of Timer F after
 * retransmissions that never went out; the IPv6 server hears nothing. */
START_TEST(udp_to_the_other_family_is_a_503_at_the_first_send)
{
    tp_loop *loop = tp_loop_new();
    side client = {0}, server = {0};
    make_side(loop, &client, false);
    tp_addr v6;
    tp_addr_loopback(&v6, AF_INET6, 0);
    sip_txn_tp_config cfg = {.udp = &v6};
    sip_txn_config_default(&cfg.txn);
    cfg.tu.ctx = &server;
    cfg.tu.on_request = on_request;
    ck_assert_int_eq(sip_txn_tp_new(loop, &cfg, &server.a), 0);
    tp_addr to;
    ck_assert_int_eq(sip_txn_tp_local(server.a, SIP_TP_UDP, &to), 0);
    sip_peer dest;
    sip_txn_tp_peer(&to, SIP_TP_UDP, &dest);
    ck_assert_str_eq(dest.host, "::1");
    sip_txn_layer *L = sip_txn_tp_layer(client.a);
    sip_txn_id a;
    const char *req = small_options(SIP_TP_UDP, "z9hG4bKfamily1");
    ck_assert_int_eq(sip_txn_request(L, req, strlen(req), &dest, on_response, &client, &a), 0);
    ck_assert_int_eq(client.finals, 0); /* never from inside the call */
    run_until(loop, &client.finals, 1);
    ck_assert_int_eq(client.finals, 1);
    ck_assert_uint_eq(client.last_status, 503);
    ck_assert(client.last_local);
    ck_assert_int_eq(server.requests, 0);
    ck_assert_uint_eq(sip_txn_count(L), 0);
    sip_txn_tp_free(client.a);
    sip_txn_tp_free(server.a);
    tp_loop_free(loop);
}
END_TEST

/* A datagram the kernel refuses (broadcast, not permitted) is a 503 as
 * soon as the queue is flushed, not the 408 of Timer F. */
START_TEST(udp_refused_by_the_kernel_is_a_503)
{
    tp_loop *loop = tp_loop_new();
    side client = {0};
    make_side(loop, &client, false);
    tp_addr bcast;
    ck_assert_int_eq(tp_addr_parse("255.255.255.255:5060", 20, 0, &bcast), 20);
    sip_peer dest;
    sip_txn_tp_peer(&bcast, SIP_TP_UDP, &dest);
    sip_txn_layer *L = sip_txn_tp_layer(client.a);
    sip_txn_id a;
    const char *req = small_options(SIP_TP_UDP, "z9hG4bKbcast1");
    ck_assert_int_eq(sip_txn_request(L, req, strlen(req), &dest, on_response, &client, &a), 0);
    run_until(loop, &client.finals, 1);
    ck_assert_int_eq(client.finals, 1);
    ck_assert_uint_eq(client.last_status, 503);
    ck_assert(client.last_local);
    ck_assert_uint_eq(sip_txn_count(L), 0);
    sip_txn_tp_free(client.a);
    tp_loop_free(loop);
}
END_TEST

/* A server with UDP and TCP on one port, as §18.1.1 expects of a peer. */
static void make_dual_side(tp_loop *loop, side *s, bool with_tcp, tp_addr *at)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        tp_addr_loopback(at, AF_INET, closed_port());
        sip_txn_tp_config cfg = {.udp = at, .tcp = with_tcp ? at : NULL};
        sip_txn_config_default(&cfg.txn);
        cfg.tu.ctx = s;
        cfg.tu.on_request = on_request;
        if (sip_txn_tp_new(loop, &cfg, &s->a) == 0)
            return;
    }
    ck_abort_msg("no free port pair");
}

static const char *sized_message(const char *branch, size_t size)
{
    static char buf[4096], body[4096];
    const char *fmt = "MESSAGE sip:bob@127.0.0.1 SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 127.0.0.1:5999;branch=%s;rport\r\n"
                      "Max-Forwards: 70\r\n"
                      "From: <sip:alice@example.com>;tag=a\r\n"
                      "To: <sip:bob@example.com>\r\n"
                      "Call-ID: %s\r\n"
                      "CSeq: 1 MESSAGE\r\n"
                      "Content-Type: text/plain\r\n"
                      "Content-Length: %5zu\r\n\r\n%s";
    int head = snprintf(buf, sizeof buf, fmt, branch, branch, (size_t)0, "");
    size_t n = size - (size_t)head;
    memset(body, 'y', n);
    body[n] = 0;
    ck_assert_uint_eq((size_t)snprintf(buf, sizeof buf, fmt, branch, branch, n, body), size);
    return buf;
}

static void send_sized(side *client, const tp_addr *to, const char *branch, size_t size, bool force_udp)
{
    sip_peer dest;
    sip_txn_tp_peer(to, SIP_TP_UDP, &dest);
    dest.force_udp = force_udp;
    const char *req = sized_message(branch, size);
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(sip_txn_tp_layer(client->a), req, size, &dest, on_response, client, &id), 0);
}

START_TEST(size_rule_over_loopback_at_1300_and_1301)
{
    tp_loop *loop = tp_loop_new();
    side client = {0}, server = {0};
    tp_addr at;
    make_side(loop, &client, false);
    make_dual_side(loop, &server, true, &at);

    send_sized(&client, &at, "z9hG4bKlb1300", 1300, false);
    run_until(loop, &client.finals, 1);
    ck_assert_int_eq(client.finals, 1);
    ck_assert_int_eq(server.last_src.tp, SIP_TP_UDP);
    ck_assert_ptr_nonnull(strstr(server.last_via, "SIP/2.0/UDP"));

    send_sized(&client, &at, "z9hG4bKlb1301", 1301, false);
    run_until(loop, &client.finals, 2);
    ck_assert_int_eq(client.finals, 2);
    ck_assert_uint_eq(client.last_status, 200);
    ck_assert_int_eq(server.last_src.tp, SIP_TP_TCP);
    ck_assert_ptr_nonnull(strstr(server.last_via, "SIP/2.0/TCP"));

    /* no sticky TCP */
    send_sized(&client, &at, "z9hG4bKlbagain", 1300, false);
    run_until(loop, &client.finals, 3);
    ck_assert_int_eq(client.finals, 3);
    ck_assert_int_eq(server.last_src.tp, SIP_TP_UDP);

    /* the per-target knob */
    send_sized(&client, &at, "z9hG4bKlbforce", 1301, true);
    run_until(loop, &client.finals, 4);
    ck_assert_int_eq(client.finals, 4);
    ck_assert_int_eq(server.last_src.tp, SIP_TP_UDP);
    ck_assert_ptr_nonnull(strstr(server.last_via, "SIP/2.0/UDP"));
    ck_assert_int_eq(server.requests, 4);
    ck_assert_uint_eq(sip_txn_retransmissions(sip_txn_tp_layer(client.a)), 0);

    sip_txn_tp_free(client.a);
    sip_txn_tp_free(server.a);
    tp_loop_free(loop);
}
END_TEST

START_TEST(size_rule_falls_back_to_udp_when_tcp_is_refused)
{
    tp_loop *loop = tp_loop_new();
    side client = {0}, server = {0};
    tp_addr at;
    make_side(loop, &client, false);
    make_dual_side(loop, &server, false, &at); /* UDP only: the connection is refused */
    send_sized(&client, &at, "z9hG4bKlbfall", 1400, false);
    run_until(loop, &client.finals, 1);
    ck_assert_int_eq(client.finals, 1);
    ck_assert_uint_eq(client.last_status, 200);
    ck_assert(!client.last_local);
    ck_assert_int_eq(server.requests, 1);
    ck_assert_int_eq(server.last_src.tp, SIP_TP_UDP);
    ck_assert_ptr_nonnull(strstr(server.last_via, "SIP/2.0/UDP"));
    sip_txn_tp_free(client.a);
    sip_txn_tp_free(server.a);
    tp_loop_free(loop);
}
END_TEST

static Suite *txn_tp_suite(void)
{
    Suite *s = suite_create("sip_txn_tp");
    TCase *tc = tcase_create("loopback");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, message_over_udp);
    tcase_add_test(tc, message_over_tcp);
    tcase_add_test(tc, refused_tcp_connection_is_a_503_without_retransmitting);
#if SP_HAVE_ERRQUEUE
    tcase_add_test(tc, closed_udp_port_is_a_503);
#endif
    tcase_add_test(tc, udp_to_the_other_family_is_a_503_at_the_first_send);
    tcase_add_test(tc, udp_refused_by_the_kernel_is_a_503);
    tcase_add_test(tc, size_rule_over_loopback_at_1300_and_1301);
    tcase_add_test(tc, size_rule_falls_back_to_udp_when_tcp_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_tp_suite)
