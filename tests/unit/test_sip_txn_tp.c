/* test_sip_txn_tp.c - the layer on the real loop: a client and a server
 * adapter over loopback UDP and TCP. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "sip_txn_tp.h"

typedef struct side {
    sip_txn_tp *a;
    int requests, finals;
    unsigned last_status;
    sip_peer last_src;
} side;

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    side *s = ctx;
    (void)req;
    s->requests++;
    s->last_src = *src;
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

START_TEST(unreachable_tcp_peer_times_out_without_retransmitting)
{
    tp_loop *loop = tp_loop_new();
    side client = {0};
    make_side(loop, &client, false);
    tp_addr nowhere;
    tp_addr_loopback(&nowhere, AF_INET, 0);
    sip_txn_tp_local(client.a, SIP_TP_UDP, &nowhere); /* a UDP port: nobody listens on its TCP twin */
    sip_peer dest;
    sip_txn_tp_peer(&nowhere, SIP_TP_TCP, &dest);
    const char *req = "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKtcpfail\r\n"
                      "Max-Forwards: 70\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:x@y>\r\nCall-ID: f\r\n"
                      "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(sip_txn_tp_layer(client.a), req, strlen(req), &dest, on_response, &client,
                                     &id), 0);
    for (int i = 0; i < 10; i++)
        tp_loop_run_once(loop, 5);
    ck_assert_uint_eq(sip_txn_retransmissions(sip_txn_tp_layer(client.a)), 0);
    sip_txn_tp_free(client.a);
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
    tcase_add_test(tc, unreachable_tcp_peer_times_out_without_retransmitting);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_tp_suite)
