/* test_sip_txn_net.c - a client layer and a server layer over a fake
 * datagram network that drops, duplicates, delays and reorders: each TU
 * hears each request and each final outcome exactly once. */
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

/* Datagram numbers to drop, as a bit mask (policy_ctx). */
static void drop_some(fake_net *net, size_t seq, const fake_msg *m, int *copies, uint64_t *delay)
{
    (void)m;
    (void)delay;
    unsigned mask = *(unsigned *)net->policy_ctx;
    if (seq < 32 && (mask >> seq) & 1)
        *copies = 0;
}

static void duplicate_all(fake_net *net, size_t seq, const fake_msg *m, int *copies, uint64_t *delay)
{
    (void)net, (void)seq, (void)m, (void)delay;
    *copies = 3;
}

/* Provisional answers arrive late, after the final one. */
static void late_provisionals(fake_net *net, size_t seq, const fake_msg *m, int *copies, uint64_t *delay)
{
    (void)net, (void)seq, (void)copies;
    if (!strncmp(m->buf, "SIP/2.0 1", 9))
        *delay = 300;
}

START_TEST(lost_request_is_retransmitted)
{
    fake_net *net = fake_net_new(NULL);
    unsigned mask = 1u << 0;
    net->policy = drop_some;
    net->policy_ctx = &mask;
    net->ep[1].auto_status = 200;
    sip_txn_id id = fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKlost", 1, NULL));
    fake_advance(net, 40000);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 200);
    ck_assert(net->ep[0].resp[0].id == id);
    ck_assert_uint_eq(sip_txn_count(net->ep[0].L) + sip_txn_count(net->ep[1].L), 0);
    fake_net_free(net);
}
END_TEST

START_TEST(lost_response_is_answered_again)
{
    fake_net *net = fake_net_new(NULL);
    unsigned mask = 1u << 1; /* the 200 */
    net->policy = drop_some;
    net->policy_ctx = &mask;
    net->ep[1].auto_status = 200;
    fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKlost2", 1, NULL));
    fake_advance(net, 40000);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 2); /* resent from Completed */
    fake_net_free(net);
}
END_TEST

START_TEST(duplicates_reach_each_tu_once)
{
    fake_net *net = fake_net_new(NULL);
    net->policy = duplicate_all;
    net->ep[1].auto_status = 202;
    fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKdup", 1, NULL));
    fake_request(net, 0, fake_req("INVITE", "z9hG4bKdupi", 2, NULL));
    fake_advance(net, 60000);
    ck_assert_uint_eq(net->ep[1].nreq, 2);
    ck_assert_uint_eq(finals(&net->ep[0]), 2);
    /* the INVITE's 2xx copies: one final, the rest repeats */
    size_t repeats = 0;
    for (size_t i = 0; i < net->ep[0].nresp; i++)
        repeats += net->ep[0].resp[i].repeat;
    ck_assert_uint_ge(repeats, 2);
    fake_net_free(net);
}
END_TEST

START_TEST(provisional_after_final_is_ignored)
{
    fake_net *net = fake_net_new(NULL);
    net->policy = late_provisionals;
    fake_request(net, 0, fake_req("MESSAGE", "z9hG4bKre", 1, NULL));
    fake_advance(net, 20);
    sip_txn_reply trying = {.status = 180, .to_tag = SP_LIT("t")}, ok = {.status = 200, .to_tag = SP_LIT("t")};
    sip_txn_respond(net->ep[1].L, net->ep[1].req[0].id, &trying);
    sip_txn_respond(net->ep[1].L, net->ep[1].req[0].id, &ok);
    fake_advance(net, 1000);
    ck_assert_uint_eq(net->ep[0].nresp, 1);
    ck_assert_uint_eq(net->ep[0].resp[0].status, 200);
    fake_net_free(net);
}
END_TEST

START_TEST(lost_ack_is_resent_on_the_repeated_final)
{
    fake_net *net = fake_net_new(NULL);
    unsigned mask = 1u << 2; /* INVITE, 486, ACK(lost) */
    net->policy = drop_some;
    net->policy_ctx = &mask;
    net->ep[1].auto_status = 486;
    sip_txn_id id = fake_request(net, 0, fake_req("INVITE", "z9hG4bKack", 1, NULL));
    fake_advance(net, 100);
    ck_assert_int_eq(sip_txn_state_of(net->ep[0].L, id), SIP_TXN_COMPLETED);
    sip_txn_id st = net->ep[1].req[0].id;
    ck_assert_int_eq(sip_txn_state_of(net->ep[1].L, st), SIP_TXN_COMPLETED);
    fake_advance(net, 600); /* G fires, 486 again, ACK again */
    ck_assert_int_eq(sip_txn_state_of(net->ep[1].L, st), SIP_TXN_CONFIRMED);
    ck_assert_uint_eq(fake_count_sent(net, 0, "ACK"), 2);
    ck_assert_uint_eq(finals(&net->ep[0]), 1);
    fake_advance(net, 40000);
    ck_assert_uint_eq(net->ep[1].nends, 0);
    ck_assert_uint_eq(sip_txn_count(net->ep[0].L) + sip_txn_count(net->ep[1].L), 0);
    ck_assert_uint_eq(fake_timers_armed(net), 0);
    fake_net_free(net);
}
END_TEST

static Suite *txn_net_suite(void)
{
    Suite *s = suite_create("sip_txn_net");
    TCase *tc = tcase_create("net");
    tcase_add_test(tc, lost_request_is_retransmitted);
    tcase_add_test(tc, lost_response_is_answered_again);
    tcase_add_test(tc, duplicates_reach_each_tu_once);
    tcase_add_test(tc, provisional_after_final_is_ignored);
    tcase_add_test(tc, lost_ack_is_resent_on_the_repeated_final);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_net_suite)
