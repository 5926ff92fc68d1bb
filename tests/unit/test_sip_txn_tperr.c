/* test_sip_txn_tperr.c - transport errors reaching client transactions
 * (RFC 3261 §8.1.3.1, §18.4) and the size rule of §18.1.1, on the fake
 * network: one 503 per waiting transaction, TCP for large requests, UDP
 * again when TCP cannot be had. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "txn_fake.h"

static size_t finals(const fake_ep *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->nresp; i++)
        n += e->resp[i].final;
    return n;
}

/* A MESSAGE of exactly 'size' bytes (the body pads it), top Via over UDP. */
static const char *sized_req(const char *branch, size_t size)
{
    static char buf[FAKE_MSG_MAX];
    static char body[FAKE_MSG_MAX];
    const char *fmt = "MESSAGE sip:bob@10.0.0.2 SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=%s\r\n"
                      "Max-Forwards: 70\r\n"
                      "From: <sip:alice@example.com>;tag=a1\r\n"
                      "To: <sip:bob@example.com>\r\n"
                      "Call-ID: %s@10.0.0.1\r\n"
                      "CSeq: 1 MESSAGE\r\n"
                      "Content-Type: text/plain\r\n"
                      "Content-Length: %5zu\r\n\r\n%s";
    int head = snprintf(buf, sizeof buf, fmt, branch, branch, (size_t)0, "");
    ck_assert_int_gt(head, 0);
    ck_assert_uint_ge(size, (size_t)head);
    size_t n = size - (size_t)head;
    memset(body, 'x', n);
    body[n] = 0;
    int len = snprintf(buf, sizeof buf, fmt, branch, branch, n, body);
    ck_assert_uint_eq((size_t)len, size);
    return buf;
}

static sip_peer peer_of(const fake_net *net, int ep) { return net->ep[ep].self; }

START_TEST(icmp_error_ends_waiting_transaction_with_one_503)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    sip_txn_id a = fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKicmp1", 1, NULL));
    sip_txn_id b = fake_request(net, 0, fake_req("INVITE", "z9hG4bKicmp2", 2, NULL));
    ck_assert(a && b);
    fake_advance(net, 700); /* one retransmission of each */
    sip_peer where = peer_of(net, 1);
    sip_txn_transport_error(net->ep[0].L, &where, false);
    ck_assert_uint_eq(finals(&net->ep[0]), 2);
    for (size_t i = 0; i < net->ep[0].nresp; i++) {
        ck_assert_uint_eq(net->ep[0].resp[i].status, 503);
        ck_assert(net->ep[0].resp[i].local);
    }
    /* a second report and the timers that would have said 408 change nothing */
    sip_txn_transport_error(net->ep[0].L, &where, false);
    fake_advance(net, 40000);
    ck_assert_uint_eq(net->ep[0].nresp, 2);
    ck_assert_uint_eq(sip_txn_count(net->ep[0].L), 0);
    ck_assert_uint_eq(fake_timers_armed(net), 0);
    fake_net_free(net);
}
END_TEST

START_TEST(error_for_another_destination_changes_nothing)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    sip_txn_id a = fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKother", 1, NULL));
    sip_peer where = fake_peer("10.0.0.2", 5070, SIP_TP_UDP); /* another port */
    sip_txn_transport_error(net->ep[0].L, &where, false);
    where = fake_peer("10.0.0.2", 5060, SIP_TP_TCP); /* another transport */
    sip_txn_transport_error(net->ep[0].L, &where, false);
    where = fake_peer("10.0.0.9", 5060, SIP_TP_UDP); /* another host */
    sip_txn_transport_error(net->ep[0].L, &where, false);
    ck_assert_uint_eq(net->ep[0].nresp, 0);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, a), SIP_TXN_TRYING);
    fake_advance(net, 40000);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 408); /* timer F, as before */
    fake_net_free(net);
}
END_TEST

START_TEST(error_after_the_final_answer_is_ignored)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].auto_status = 200;
    sip_txn_id a = fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKdone", 1, NULL));
    fake_advance(net, 100);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, a), SIP_TXN_COMPLETED);
    sip_peer where = peer_of(net, 1);
    sip_txn_transport_error(net->ep[0].L, &where, false);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 200);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, a), SIP_TXN_COMPLETED);
    fake_net_free(net);
}
END_TEST

START_TEST(connection_error_matches_by_connection_id)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    sip_peer dest = fake_peer("10.0.0.2", 5060, SIP_TP_TCP);
    dest.conn = 77;
    const char *req = fake_req("OPTIONS", "z9hG4bKconn", 1, NULL);
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(net->ep[0].L, req, strlen(req), &dest, fake_client_cb, &net->ep[0], &id), 0);
    sip_peer where = fake_peer("", 0, SIP_TP_TCP);
    where.conn = 78; /* another connection */
    sip_txn_transport_error(net->ep[0].L, &where, false);
    ck_assert_uint_eq(net->ep[0].nresp, 0);
    where.conn = 77;
    sip_txn_transport_error(net->ep[0].L, &where, false);
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 503);
    fake_net_free(net);
}
END_TEST

/* The TU starts a new request to the failed peer from its callback: that one is not ended by the same report. */
static fake_net *restart_net;
static int restarts;
static void restart_cb(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    fake_client_cb(ctx, ct, r);
    if (r->final && restarts++ == 0)
        ck_assert(fake_request(restart_net, 0, fake_req("MESSAGE", "z9hG4bKagain", 2, NULL)) != 0);
}

START_TEST(transactions_started_from_the_callback_are_not_concerned)
{
    fake_net *net = fake_net_new(NULL);
    restart_net = net;
    restarts = 0;
    net->ep[1].deaf = true;
    const char *req = fake_req("MESSAGE", "z9hG4bKfirst", 1, NULL);
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(net->ep[0].L, req, strlen(req), &net->ep[1].self, restart_cb, &net->ep[0], &id),
                     0);
    sip_peer where = peer_of(net, 1);
    sip_txn_transport_error(net->ep[0].L, &where, false);
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    ck_assert_uint_eq(sip_txn_count(net->ep[0].L), 1); /* the new one lives on */
    fake_net_free(net);
}
END_TEST

/* --- §18.1.1 ------------------------------------------------------------- */

START_TEST(request_of_1300_bytes_stays_on_udp)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].auto_status = 200;
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKs1300", 1300)));
    ck_assert_uint_eq(net->ep[0].nsent, 1);
    ck_assert_uint_eq(net->ep[0].sent[0].len, 1300);
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_UDP);
    ck_assert(fake_has(fake_sent(net, 0, 0), "Via: SIP/2.0/UDP "));
    fake_net_free(net);
}
END_TEST

START_TEST(request_of_1301_bytes_goes_over_tcp_and_the_next_small_one_over_udp)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true; /* no answers: a reliable transport must not retransmit */
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKs1301", 1301)));
    ck_assert_uint_eq(net->ep[0].nsent, 1);
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_TCP);
    ck_assert_str_eq(net->ep[0].sent[0].peer.host, "10.0.0.2");
    ck_assert_uint_eq(net->ep[0].sent[0].peer.port, 5060);
    ck_assert(fake_has(fake_sent(net, 0, 0), "Via: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKs1301"));
    fake_advance(net, 5000);
    ck_assert_uint_eq(net->ep[0].nsent, 1);
    ck_assert_uint_eq(sip_txn_retransmissions(net->ep[0].L), 0);
    /* no sticky TCP: the next small request to the same peer is a datagram */
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKsmall", 600)));
    ck_assert_int_eq(net->ep[0].sent[1].peer.tp, SIP_TP_UDP);
    ck_assert(fake_has(fake_sent(net, 0, 1), "Via: SIP/2.0/UDP "));
    fake_net_free(net);
}
END_TEST

START_TEST(force_udp_keeps_a_large_request_on_udp)
{
    fake_net *net = fake_net_new(NULL);
    sip_peer dest = net->ep[1].self;
    dest.force_udp = true;
    const char *req = sized_req("z9hG4bKforce", 2000);
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(net->ep[0].L, req, strlen(req), &dest, fake_client_cb, &net->ep[0], &id), 0);
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_UDP);
    ck_assert(fake_has(fake_sent(net, 0, 0), "Via: SIP/2.0/UDP "));
    fake_net_free(net);
}
END_TEST

START_TEST(known_path_mtu_moves_the_limit)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.path_mtu = 1000; /* within 200 bytes of it: 800 and more */
    fake_net *net = fake_net_new(&cfg);
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKm799", 799)));
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKm800", 800)));
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_UDP);
    ck_assert_int_eq(net->ep[0].sent[1].peer.tp, SIP_TP_TCP);
    fake_net_free(net);
}
END_TEST

START_TEST(via_naming_another_transport_is_left_alone)
{
    fake_net *net = fake_net_new(NULL);
    char req[2048];
    snprintf(req, sizeof req, "%s", sized_req("z9hG4bKsctp", 1400));
    memcpy(strstr(req, "UDP"), "XYZ", 3);
    ck_assert(fake_request(net, 0, req));
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_UDP);
    fake_net_free(net);
}
END_TEST

START_TEST(refused_connection_falls_back_to_udp)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].auto_status = 200;
    sip_txn_id id = fake_request(net, 0, sized_req("z9hG4bKfall", 1500));
    ck_assert(id);
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_TCP);
    sip_peer where = fake_peer("10.0.0.2", 5060, SIP_TP_TCP);
    where.conn = 5;
    sip_txn_transport_error(net->ep[0].L, &where, true);
    ck_assert_uint_eq(net->ep[0].nresp, 0);
    ck_assert_uint_ge(net->ep[0].nsent, 2);
    ck_assert_int_eq(net->ep[0].sent[1].peer.tp, SIP_TP_UDP);
    ck_assert(fake_has(fake_sent(net, 0, 1), "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKfall"));
    fake_advance(net, 1000);
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 200);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    fake_net_free(net);
}
END_TEST

START_TEST(closed_connection_after_it_opened_is_a_503)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKreset", 1500)));
    sip_peer where = fake_peer("10.0.0.2", 5060, SIP_TP_TCP);
    sip_txn_transport_error(net->ep[0].L, &where, false); /* not a connect failure: no fallback */
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 503);
    ck_assert_uint_eq(net->ep[0].nsent, 1);
    fake_net_free(net);
}
END_TEST

START_TEST(tcp_send_failing_at_once_falls_back_to_udp)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].auto_status = 200;
    net->ep[0].fail_sends = 1; /* the TCP attempt */
    ck_assert(fake_request(net, 0, sized_req("z9hG4bKsync", 1400)));
    ck_assert_uint_eq(net->ep[0].nsent, 1);
    ck_assert_int_eq(net->ep[0].sent[0].peer.tp, SIP_TP_UDP);
    fake_advance(net, 1000);
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 200);
    fake_net_free(net);
}
END_TEST

static Suite *txn_tperr_suite(void)
{
    Suite *s = suite_create("sip_txn_tperr");
    TCase *tc = tcase_create("errors");
    tcase_add_test(tc, icmp_error_ends_waiting_transaction_with_one_503);
    tcase_add_test(tc, error_for_another_destination_changes_nothing);
    tcase_add_test(tc, error_after_the_final_answer_is_ignored);
    tcase_add_test(tc, connection_error_matches_by_connection_id);
    tcase_add_test(tc, transactions_started_from_the_callback_are_not_concerned);
    suite_add_tcase(s, tc);
    tc = tcase_create("size");
    tcase_add_test(tc, request_of_1300_bytes_stays_on_udp);
    tcase_add_test(tc, request_of_1301_bytes_goes_over_tcp_and_the_next_small_one_over_udp);
    tcase_add_test(tc, force_udp_keeps_a_large_request_on_udp);
    tcase_add_test(tc, known_path_mtu_moves_the_limit);
    tcase_add_test(tc, via_naming_another_transport_is_left_alone);
    tcase_add_test(tc, refused_connection_falls_back_to_udp);
    tcase_add_test(tc, closed_connection_after_it_opened_is_a_503);
    tcase_add_test(tc, tcp_send_failing_at_once_falls_back_to_udp);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_tperr_suite)
