/* test_sip_txn_match.c - matching rules: §17.1.3 for responses, §17.2.3
 * for requests (magic cookie and the RFC 2543 fallback), ACK and CANCEL. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "txn_fake.h"

static const sip_peer CLIENT = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.1"};
static const sip_peer SERVER = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.2"};

static fake_net *server_net(void)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[0].deaf = true;
    return net;
}

/* A request whose top Via has this sent-by and branch (NULL: no branch). */
static const char *req_via(const char *method, const char *sent_by, const char *branch, unsigned cseq,
                           const char *to_tag)
{
    static char buf[4][1024];
    static unsigned turn;
    char *b = buf[turn++ % 4];
    snprintf(b, sizeof buf[0],
             "%s sip:bob@10.0.0.2 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP %s%s%s\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:alice@example.com>;tag=alice1\r\n"
             "To: <sip:bob@example.com>%s%s\r\n"
             "Call-ID: call-2543@10.0.0.1\r\n"
             "CSeq: %u %s\r\n"
             "Content-Length: 0\r\n\r\n",
             method, sent_by, branch ? ";branch=" : "", branch ? branch : "", to_tag ? ";tag=" : "",
             to_tag ? to_tag : "", cseq, method);
    return b;
}

START_TEST(branch_sent_by_and_method_make_a_server_transaction)
{
    fake_net *net = server_net();
    fake_inject(net, 1, req_via("MESSAGE", "10.0.0.1:5060", "z9hG4bKabc", 1, NULL), &CLIENT);
    fake_inject(net, 1, req_via("MESSAGE", "10.0.0.1:5060", "z9hG4bKABC", 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1); /* branch compared without case (§7.3.1) */
    fake_inject(net, 1, req_via("MESSAGE", "10.0.0.3:5060", "z9hG4bKabc", 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 2); /* another sent-by */
    fake_inject(net, 1, req_via("MESSAGE", "10.0.0.1", "z9hG4bKabc", 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 3); /* sent-by without the port is another one */
    fake_inject(net, 1, req_via("OPTIONS", "10.0.0.1:5060", "z9hG4bKabc", 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 4); /* another method */
    ck_assert_uint_eq(sip_txn_count(net->ep[1].L), 4);
    fake_net_free(net);
}
END_TEST

START_TEST(responses_match_by_branch_and_cseq_method)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    sip_txn_id a = fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKone", 1, NULL));
    sip_txn_id b = fake_request(net, 0, fake_req("OPTIONS", "z9hG4bKtwo", 2, NULL));
    fake_inject(net, 0, fake_resp(200, "OPTIONS", "z9hG4bKone", 1, "x"), &SERVER); /* wrong method */
    fake_inject(net, 0, fake_resp(200, "MESSAGE", "z9hG4bKnone", 1, "x"), &SERVER); /* unknown branch */
    ck_assert_uint_eq(net->ep[0].nresp, 0);
    ck_assert_uint_eq(net->ep[0].nstray, 2);
    fake_inject(net, 0, fake_resp(200, "OPTIONS", "z9hG4bKTWO", 2, "x"), &SERVER);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert(net->ep[0].resp[0].id == b);
    fake_inject(net, 0, fake_resp(202, "MESSAGE", "z9hG4bKone", 1, "x"), &SERVER);
    ck_assert(net->ep[0].resp[1].id == a && net->ep[0].resp[1].status == 202);
    fake_net_free(net);
}
END_TEST

/* A request that asked rport (RFC 3581 §4) is answered from where it went:
 * a response with its branch from any other address or port changes
 * nothing, over IPv4 and IPv6 (addresses compared, not their texts). */
static void answered_only_from(const char *to_host, const char *same_host, const char *other_host)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    sip_peer dest = fake_peer(to_host, 5070, SIP_TP_UDP);
    char req[512];
    snprintf(req, sizeof req, "MESSAGE sip:bob@example.com SIP/2.0\r\n"
                              "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKrp1;rport\r\n"
                              "From: <sip:alice@example.com>;tag=alice1\r\nTo: <sip:bob@example.com>\r\n"
                              "Call-ID: call-1@10.0.0.1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n");
    sip_txn_id id;
    ck_assert_int_eq(sip_txn_request(net->ep[0].L, req, strlen(req), &dest, fake_client_cb, &net->ep[0], &id), 0);
    const char *ok = fake_resp(200, "MESSAGE", "z9hG4bKrp1", 1, "x");
    sip_peer other = fake_peer(other_host, 5070, SIP_TP_UDP), port = fake_peer(to_host, 5071, SIP_TP_UDP);
    fake_inject(net, 0, ok, &other);
    fake_inject(net, 0, ok, &port);
    ck_assert_uint_eq(net->ep[0].nresp, 0);
    ck_assert_uint_eq(net->ep[0].nstray, 0);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, id), SIP_TXN_TRYING);
    sip_peer same = fake_peer(same_host, 5070, SIP_TP_UDP);
    fake_inject(net, 0, fake_resp(486, "MESSAGE", "z9hG4bKrp1", 1, "x"), &same);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 486);
    fake_net_free(net);
}

START_TEST(responses_come_from_where_the_request_went)
{
    answered_only_from("10.0.0.2", "10.0.0.2", "10.0.0.9");
    answered_only_from("127.0.0.1", "127.0.0.1", "127.0.0.2");
    answered_only_from("::1", "0:0:0:0:0:0:0:1", "::2");
}
END_TEST

/* Without rport, or to a destination named rather than numbered, the
 * address is not held against the answer (§17.1.3 alone). */
START_TEST(responses_without_rport_match_on_branch)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKnr", 1, NULL));
    sip_peer elsewhere = fake_peer("10.0.0.9", 5060, SIP_TP_UDP);
    fake_inject(net, 0, fake_resp(200, "MESSAGE", "z9hG4bKnr", 1, "x"), &elsewhere);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    fake_net_free(net);
}
END_TEST

START_TEST(rfc2543_requests_match_by_their_fields)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, req_via("INVITE", "10.0.0.1:5060", NULL, 5, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    sip_txn_id st = net->ep[1].req[0].id;
    fake_inject(net, 1, req_via("INVITE", "10.0.0.1:5060", NULL, 5, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1); /* the same fields: a retransmission */
    fake_inject(net, 1, req_via("INVITE", "10.0.0.1:5060", NULL, 6, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 2); /* another CSeq: another transaction */
    fake_inject(net, 1, req_via("INVITE", "10.0.0.1:5070", NULL, 5, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 3); /* another top Via */
    sip_txn_reply busy = {.status = 486, .to_tag = SP_LIT("bt")};
    ck_assert_int_eq(sip_txn_respond(L, st, &busy), 0);
    /* the ACK matches with the To tag of our answer */
    fake_inject(net, 1, req_via("ACK", "10.0.0.1:5060", NULL, 5, "wrong"), &CLIENT);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_COMPLETED);
    ck_assert_uint_eq(net->ep[1].nreq, 4); /* to the TU as an ACK of nothing known */
    fake_inject(net, 1, req_via("ACK", "10.0.0.1:5060", NULL, 5, "bt"), &CLIENT);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_CONFIRMED);
    ck_assert_uint_eq(net->ep[1].nreq, 4);
    /* CANCEL of the second INVITE (CSeq 6), still proceeding */
    sip_txn_id st6 = net->ep[1].req[1].id;
    fake_inject(net, 1, req_via("CANCEL", "10.0.0.1:5060", NULL, 6, NULL), &CLIENT);
    ck_assert_int_eq(sip_txn_state_of(L, st6), SIP_TXN_COMPLETED);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 487"), 1);
    /* a CANCEL for a CSeq nobody has */
    fake_inject(net, 1, req_via("CANCEL", "10.0.0.1:5060", NULL, 9, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 481"), 1);
    fake_net_free(net);
}
END_TEST

START_TEST(ack_for_2xx_matches_by_dialog_not_branch)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, req_via("INVITE", "10.0.0.1:5060", "z9hG4bKinv", 3, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("d1")};
    sip_txn_respond(L, st, &ok);
    /* another CSeq: not this INVITE's ACK */
    fake_inject(net, 1, req_via("ACK", "10.0.0.1:5060", "z9hG4bKa1", 4, "d1"), &CLIENT);
    fake_advance(net, 600);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 2);
    fake_inject(net, 1, req_via("ACK", "10.0.0.1:5060", "z9hG4bKa2", 3, "D1"), &CLIENT);
    fake_advance(net, 5000);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 2);
    ck_assert_uint_eq(net->ep[1].nreq, 3); /* both ACKs reach the TU */
    fake_net_free(net);
}
END_TEST

START_TEST(stale_timer_cookies_are_ignored)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKx", 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply ok = {.status = 200};
    sip_txn_respond(net->ep[1].L, st, &ok);
    fake_advance(net, 40000);
    ck_assert_uint_eq(sip_txn_count(net->ep[1].L), 0);
    /* cookies of a gone transaction, of no transaction, of a reused slot */
    sip_txn_timer(net->ep[1].L, st << 1);
    sip_txn_timer(net->ep[1].L, (st << 1) | 1);
    sip_txn_timer(net->ep[1].L, 0);
    sip_txn_timer(net->ep[1].L, ~0ull);
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKy", 2, NULL), &CLIENT);
    sip_txn_timer(net->ep[1].L, st << 1);
    ck_assert_uint_eq(sip_txn_count(net->ep[1].L), 1);
    ck_assert(net->ep[1].req[1].id != st);
    fake_net_free(net);
}
END_TEST

static Suite *txn_match_suite(void)
{
    Suite *s = suite_create("sip_txn_match");
    TCase *tc = tcase_create("match");
    tcase_add_test(tc, branch_sent_by_and_method_make_a_server_transaction);
    tcase_add_test(tc, responses_match_by_branch_and_cseq_method);
    tcase_add_test(tc, responses_come_from_where_the_request_went);
    tcase_add_test(tc, responses_without_rport_match_on_branch);
    tcase_add_test(tc, rfc2543_requests_match_by_their_fields);
    tcase_add_test(tc, ack_for_2xx_matches_by_dialog_not_branch);
    tcase_add_test(tc, stale_timer_cookies_are_ignored);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_match_suite)
