/* test_sip_txn_client.c - the client machines (RFC 3261 §17.1) on a fake
 * clock: every timer path, the ACK for a non-2xx, CANCEL, local outcomes. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "txn_fake.h"

#define B1 "z9hG4bKclient1"
static const sip_peer SERVER = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.2"};

/* Times (ms from the start) at which ep 0 sent something starting with prefix. */
static size_t send_times(const fake_net *net, const char *prefix, uint64_t *at, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < net->ep[0].nsent && n < max; i++)
        if (!strncmp(net->ep[0].sent[i].buf, prefix, strlen(prefix)))
            at[n++] = net->ep[0].sent[i].at;
    return n;
}

static size_t finals(const fake_ep *e)
{
    size_t n = 0;
    for (size_t i = 0; i < e->nresp; i++)
        n += e->resp[i].final;
    return n;
}

START_TEST(non_invite_timer_e_doubles_to_t2_then_f_gives_408)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true; /* nobody answers: datagrams to 10.0.0.2 are lost */
    sip_txn_id id = fake_request(net, 0, fake_req("MESSAGE", B1, 1, NULL));
    ck_assert(id != 0);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, id), SIP_TXN_TRYING);
    fake_advance(net, 40000);
    uint64_t at[32];
    size_t n = send_times(net, "MESSAGE", at, 32);
    /* sent at 0, then E: 500, 1000, 2000, 4000, 4000... until F at 32000 */
    uint64_t want[] = {0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500};
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(at[i], want[i]);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 408);
    ck_assert(net->ep[0].resp[0].final && net->ep[0].resp[0].local);
    ck_assert_uint_eq(net->ep[0].resp[0].msg->at, 32000);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, id), SIP_TXN_TERMINATED);
    ck_assert_uint_eq(sip_txn_count(net->ep[0].L), 0);
    ck_assert_uint_eq(sip_txn_retransmissions(net->ep[0].L), 10);
    ck_assert(fake_logged(net, 0, "Trying -> Terminated (timer F)"));
    fake_net_free(net);
}
END_TEST

START_TEST(non_invite_provisional_keeps_retransmitting_at_t2)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_layer *L = net->ep[0].L;
    net->ep[1].deaf = true;
    sip_txn_id id = fake_request(net, 0, fake_req("MESSAGE", B1, 1, NULL));
    fake_advance(net, 100);
    fake_inject(net, 0, fake_resp(100, "MESSAGE", B1, 1, NULL), &SERVER);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_PROCEEDING);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert(!net->ep[0].resp[0].final);
    fake_advance(net, 400);  /* E fires at 500: next interval is T2 */
    fake_advance(net, 4000); /* 4500 */
    uint64_t at[8];
    size_t n = send_times(net, "MESSAGE", at, 8);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(at[1], 500);
    ck_assert_uint_eq(at[2], 4500);
    fake_inject(net, 0, fake_resp(200, "MESSAGE", B1, 1, "t1"), &SERVER);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_COMPLETED);
    fake_inject(net, 0, fake_resp(200, "MESSAGE", B1, 1, "t1"), &SERVER);
    ck_assert_uint_eq(finals(&net->ep[0]), 1); /* the retransmitted 200 is absorbed */
    fake_advance(net, 4999);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_COMPLETED);
    fake_advance(net, 1); /* K = T4 */
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_TERMINATED);
    ck_assert_uint_eq(fake_count_sent(net, 0, "MESSAGE"), 3);
    ck_assert_uint_eq(fake_timers_armed(net), 0);
    fake_net_free(net);
}
END_TEST

START_TEST(reliable_transport_never_retransmits)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_layer *L = net->ep[0].L;
    sip_peer tcp = fake_peer("10.0.0.9", 5060, SIP_TP_TCP);
    sip_txn_id id = 0;
    const char *m = fake_req("OPTIONS", B1, 1, NULL);
    ck_assert_int_eq(sip_txn_request(L, m, strlen(m), &tcp, fake_client_cb, &net->ep[0], &id), 0);
    fake_advance(net, 31999);
    ck_assert_uint_eq(fake_count_sent(net, 0, "OPTIONS"), 1);
    ck_assert_uint_eq(net->ep[0].nresp, 0);
    fake_advance(net, 1);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 408);
    /* a final over a reliable transport ends the transaction at once (K = 0) */
    const char *m2 = fake_req("OPTIONS", "z9hG4bKtwo", 2, NULL);
    ck_assert_int_eq(sip_txn_request(L, m2, strlen(m2), &tcp, fake_client_cb, &net->ep[0], &id), 0);
    fake_inject(net, 0, fake_resp(200, "OPTIONS", "z9hG4bKtwo", 2, "x"), &tcp);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_TERMINATED);
    ck_assert_uint_eq(finals(&net->ep[0]), 2);
    fake_net_free(net);
}
END_TEST

START_TEST(transport_error_gives_503_outside_the_call)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[0].fail_sends = 1;
    sip_txn_id id = fake_request(net, 0, fake_req("MESSAGE", B1, 1, NULL));
    ck_assert(id != 0);
    ck_assert_uint_eq(net->ep[0].nresp, 0); /* not from inside sip_txn_request */
    fake_advance(net, 0);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 503);
    ck_assert(net->ep[0].resp[0].local && net->ep[0].resp[0].final);
    ck_assert(fake_has(net->ep[0].resp[0].msg->buf, "CSeq: 1 MESSAGE"));
    /* a failure on a retransmission ends it the same way */
    net->ep[1].deaf = true;
    id = fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKsecond", 2, NULL));
    net->ep[0].fail_sends = 1;
    fake_advance(net, 500);
    ck_assert_uint_eq(net->ep[0].nresp, 2);
    ck_assert_uint_eq(net->ep[0].resp[1].status, 503);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, id), SIP_TXN_TERMINATED);
    fake_net_free(net);
}
END_TEST

START_TEST(invite_timer_a_doubles_without_cap_and_b_times_out)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[1].deaf = true;
    sip_txn_id id = fake_request(net, 0, fake_req("INVITE", B1, 1, NULL));
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, id), SIP_TXN_CALLING);
    fake_advance(net, 40000);
    uint64_t at[16];
    size_t n = send_times(net, "INVITE", at, 16);
    uint64_t want[] = {0, 500, 1500, 3500, 7500, 15500, 31500};
    ck_assert_uint_eq(n, 7);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(at[i], want[i]);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 408);
    ck_assert_uint_eq(net->ep[0].resp[0].msg->at, 32000);
    fake_net_free(net);
}
END_TEST

static const char INVITE_ROUTED[] =
    "INVITE sip:bob@10.0.0.2 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=" B1 "\r\n"
    "Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKolder\r\n"
    "Route: <sip:p1.example.com;lr>\r\n"
    "Route: <sip:p2.example.com;lr>\r\n"
    "Max-Forwards: 70\r\n"
    "From: <sip:alice@example.com>;tag=alice1\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: call-1@10.0.0.1\r\n"
    "CSeq: 7 INVITE\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 4\r\n\r\n"
    "v=0\n";

START_TEST(invite_non_2xx_gets_ack_and_timer_d)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_layer *L = net->ep[0].L;
    net->ep[1].deaf = true;
    sip_txn_id id = fake_request(net, 0, INVITE_ROUTED);
    fake_inject(net, 0, fake_resp(180, "INVITE", B1, 7, "bob9"), &SERVER);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_PROCEEDING);
    fake_advance(net, 5000);
    ck_assert_uint_eq(fake_count_sent(net, 0, "INVITE"), 1); /* A stopped by the 180 */
    fake_inject(net, 0, fake_resp(486, "INVITE", B1, 7, "bob9"), &SERVER);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_COMPLETED);
    ck_assert_uint_eq(fake_count_sent(net, 0, "ACK"), 1);
    const char *ack = fake_sent(net, 0, 1);
    /* §17.1.1.3: same Request-URI, top Via only, Routes kept, To from the response */
    ck_assert(fake_has(ack, "ACK sip:bob@10.0.0.2 SIP/2.0\r\n"));
    ck_assert(fake_has(ack, "branch=" B1));
    ck_assert(!fake_has(ack, "z9hG4bKolder"));
    ck_assert(fake_has(ack, "Route: <sip:p1.example.com;lr>\r\nRoute: <sip:p2.example.com;lr>\r\n"));
    ck_assert(fake_has(ack, "To: <sip:bob@example.com>;tag=bob9\r\n"));
    ck_assert(fake_has(ack, "CSeq: 7 ACK\r\n"));
    ck_assert(fake_has(ack, "Content-Length: 0\r\n"));
    ck_assert_uint_eq(net->ep[0].nresp, 2);
    ck_assert(net->ep[0].resp[1].final && net->ep[0].resp[1].status == 486);
    /* the 486 again: the ACK again, the TU hears nothing */
    fake_inject(net, 0, fake_resp(486, "INVITE", B1, 7, "bob9"), &SERVER);
    ck_assert_uint_eq(fake_count_sent(net, 0, "ACK"), 2);
    ck_assert_str_eq(fake_sent(net, 0, 2), ack);
    ck_assert_uint_eq(net->ep[0].nresp, 2);
    fake_advance(net, SIP_TIMER_D_MS - 1);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_COMPLETED);
    fake_advance(net, 1);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_TERMINATED);
    fake_net_free(net);
}
END_TEST

START_TEST(invite_2xx_goes_to_tu_and_retransmissions_are_repeats)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_layer *L = net->ep[0].L;
    net->ep[1].deaf = true;
    sip_txn_id id = fake_request(net, 0, fake_req("INVITE", B1, 1, NULL));
    fake_inject(net, 0, fake_resp(200, "INVITE", B1, 1, "bob1"), &SERVER);
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_ACCEPTED);
    ck_assert_uint_eq(fake_count_sent(net, 0, "ACK"), 0); /* the TU ACKs a 2xx */
    fake_inject(net, 0, fake_resp(200, "INVITE", B1, 1, "bob1"), &SERVER);
    fake_inject(net, 0, fake_resp(200, "INVITE", B1, 1, "fork2"), &SERVER);
    ck_assert_uint_eq(net->ep[0].nresp, 3);
    ck_assert(net->ep[0].resp[0].final && !net->ep[0].resp[0].repeat);
    ck_assert(!net->ep[0].resp[1].final && net->ep[0].resp[1].repeat);
    ck_assert(!net->ep[0].resp[2].final && net->ep[0].resp[2].repeat);
    fake_advance(net, 5000);
    ck_assert_uint_eq(fake_count_sent(net, 0, "INVITE"), 1); /* no A after the 2xx */
    fake_advance(net, 27000); /* M = 64*T1 */
    ck_assert_int_eq(sip_txn_state_of(L, id), SIP_TXN_TERMINATED);
    fake_inject(net, 0, fake_resp(200, "INVITE", B1, 1, "bob1"), &SERVER);
    ck_assert_uint_eq(net->ep[0].nstray, 1); /* now the core's */
    ck_assert_uint_eq(net->ep[0].stray[0].status, 200);
    fake_net_free(net);
}
END_TEST

START_TEST(cancel_waits_for_a_provisional)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_layer *L = net->ep[0].L;
    net->ep[1].deaf = true;
    sip_txn_id id = fake_request(net, 0, INVITE_ROUTED);
    ck_assert_int_eq(sip_txn_cancel(L, id, fake_client_cb, &net->ep[0]), 0);
    ck_assert_int_eq(sip_txn_cancel(L, id, NULL, NULL), SIP_TXN_ESTATE);
    ck_assert_uint_eq(fake_count_sent(net, 0, "CANCEL"), 0);
    fake_inject(net, 0, fake_resp(180, "INVITE", B1, 7, "bob9"), &SERVER);
    ck_assert_uint_eq(fake_count_sent(net, 0, "CANCEL"), 1);
    const char *c = fake_sent(net, 0, 1);
    /* §9.1: same Request-URI, Call-ID, From, To (no tag of the response), branch, Routes */
    ck_assert(fake_has(c, "CANCEL sip:bob@10.0.0.2 SIP/2.0\r\n"));
    ck_assert(fake_has(c, "branch=" B1));
    ck_assert(!fake_has(c, "z9hG4bKolder"));
    ck_assert(fake_has(c, "To: <sip:bob@example.com>\r\n"));
    ck_assert(fake_has(c, "CSeq: 7 CANCEL\r\n"));
    ck_assert(fake_has(c, "Route: <sip:p1.example.com;lr>\r\n"));
    /* responses are told apart by CSeq method on the shared branch (§17.1.3) */
    fake_inject(net, 0, fake_resp(200, "CANCEL", B1, 7, "bob9"), &SERVER);
    fake_inject(net, 0, fake_resp(487, "INVITE", B1, 7, "bob9"), &SERVER);
    ck_assert_uint_eq(net->ep[0].nresp, 3); /* 180, 200 (CANCEL), 487 */
    ck_assert_uint_eq(net->ep[0].resp[1].status, 200);
    ck_assert(net->ep[0].resp[1].id != id);
    ck_assert_uint_eq(net->ep[0].resp[2].status, 487);
    ck_assert(net->ep[0].resp[2].id == id && net->ep[0].resp[2].final);
    ck_assert_uint_eq(fake_count_sent(net, 0, "ACK"), 1);
    ck_assert_int_eq(sip_txn_cancel(L, id, NULL, NULL), SIP_TXN_ESTATE);
    fake_net_free(net);
}
END_TEST

START_TEST(cancel_without_final_gives_up_after_64_t1)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_layer *L = net->ep[0].L;
    net->ep[1].deaf = true;
    sip_txn_id id = fake_request(net, 0, fake_req("INVITE", B1, 1, NULL));
    fake_inject(net, 0, fake_resp(100, "INVITE", B1, 1, NULL), &SERVER);
    ck_assert_int_eq(sip_txn_cancel(L, id, NULL, NULL), 0);
    ck_assert_uint_eq(fake_count_sent(net, 0, "CANCEL"), 1);
    fake_advance(net, 31999);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    fake_advance(net, 1);
    ck_assert_uint_eq(net->ep[0].nresp, 2);
    ck_assert_uint_eq(net->ep[0].resp[1].status, 487);
    ck_assert(net->ep[0].resp[1].local && net->ep[0].resp[1].final);
    ck_assert_int_eq(sip_txn_cancel(L, id, NULL, NULL), SIP_TXN_EGONE);
    ck_assert_int_eq(sip_txn_cancel(L, 12345, NULL, NULL), SIP_TXN_EGONE);
    fake_net_free(net);
}
END_TEST

START_TEST(requests_without_a_usable_branch_are_refused)
{
    fake_net *net = fake_net_new(NULL);
    sip_txn_id id = 0;
    sip_txn_layer *L = net->ep[0].L;
    const char *m = fake_req("MESSAGE", "oldstyle", 1, NULL);
    ck_assert_int_eq(sip_txn_request(L, m, strlen(m), &SERVER, fake_client_cb, NULL, &id), SP_EINVAL);
    m = fake_req("ACK", B1, 1, NULL);
    ck_assert_int_eq(sip_txn_request(L, m, strlen(m), &SERVER, fake_client_cb, NULL, &id), SP_EINVAL);
    ck_assert_int_eq(sip_txn_request(L, "junk", 4, &SERVER, fake_client_cb, NULL, &id), SP_EINVAL);
    ck_assert_uint_eq(sip_txn_count(L), 0);
    char br[SIP_BRANCH_SIZE], br2[SIP_BRANCH_SIZE];
    sip_txn_branch_new(L, br);
    sip_txn_branch_new(L, br2);
    ck_assert_uint_eq(strlen(br), SIP_BRANCH_SIZE - 1);
    ck_assert(!strncmp(br, "z9hG4bK", 7));
    ck_assert_str_ne(br, br2);
    fake_net_free(net);
}
END_TEST

START_TEST(client_table_limit)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.max_txns = 2;
    fake_net *net = fake_net_new(&cfg);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKa1", 1, NULL)) != 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKa2", 2, NULL)) != 0);
    sip_txn_id id = 0;
    const char *m = fake_req("MESSAGE", "z9hG4bKa3", 3, NULL);
    ck_assert_int_eq(sip_txn_request(net->ep[0].L, m, strlen(m), &SERVER, fake_client_cb, NULL, &id), SP_ELIMIT);
    fake_net_free(net);
}
END_TEST

/* A TU refused for a full table hears once when one ends (tu.on_room);
 * one never refused hears nothing. */
START_TEST(a_full_table_tells_the_tu_when_room_frees)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.max_txns = 2;
    fake_net *net = fake_net_new(&cfg);
    net->ep[1].auto_status = 200;
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb1", 1, NULL)) != 0);
    fake_advance(net, 6000); /* answered, then timer K */
    ck_assert_uint_eq(net->ep[0].nroom, 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb2", 2, NULL)) != 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb3", 3, NULL)) != 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb4", 4, NULL)) == 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb5", 5, NULL)) == 0);
    fake_advance(net, 1000); /* answered: Completed, still in the table */
    ck_assert_uint_eq(net->ep[0].nroom, 0);
    fake_advance(net, 5000); /* timer K ends both: told once */
    ck_assert_uint_eq(net->ep[0].nroom, 1);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb6", 6, NULL)) != 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb7", 7, NULL)) != 0);
    ck_assert(fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKb8", 8, NULL)) == 0);
    fake_advance(net, 6000);
    ck_assert_uint_eq(net->ep[0].nroom, 2);
    fake_net_free(net);
}
END_TEST

static Suite *txn_client_suite(void)
{
    Suite *s = suite_create("sip_txn_client");
    TCase *tc = tcase_create("client");
    tcase_add_test(tc, non_invite_timer_e_doubles_to_t2_then_f_gives_408);
    tcase_add_test(tc, non_invite_provisional_keeps_retransmitting_at_t2);
    tcase_add_test(tc, reliable_transport_never_retransmits);
    tcase_add_test(tc, transport_error_gives_503_outside_the_call);
    tcase_add_test(tc, invite_timer_a_doubles_without_cap_and_b_times_out);
    tcase_add_test(tc, invite_non_2xx_gets_ack_and_timer_d);
    tcase_add_test(tc, invite_2xx_goes_to_tu_and_retransmissions_are_repeats);
    tcase_add_test(tc, cancel_waits_for_a_provisional);
    tcase_add_test(tc, cancel_without_final_gives_up_after_64_t1);
    tcase_add_test(tc, requests_without_a_usable_branch_are_refused);
    tcase_add_test(tc, client_table_limit);
    tcase_add_test(tc, a_full_table_tells_the_tu_when_room_frees);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_client_suite)
