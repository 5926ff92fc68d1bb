/* test_sip_txn_server.c - the server machines (RFC 3261 §17.2), CANCEL
 * (§9.2), the 2xx retransmission (§13.3.1.4), memory per transaction. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "sip_msg.h"
#include "txn_fake.h"

#define B1 "z9hG4bKsrv1"
static const sip_peer CLIENT = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.1"};

/* Endpoint 1 is the server under test; endpoint 0 is deaf, we inject for it. */
static fake_net *server_net(void)
{
    fake_net *net = fake_net_new(NULL);
    net->ep[0].deaf = true;
    return net;
}

static size_t count_sent_at(const fake_net *net, const char *prefix, uint64_t *at, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < net->ep[1].nsent && n < max; i++)
        if (!strncmp(net->ep[1].sent[i].buf, prefix, strlen(prefix)))
            at[n++] = net->ep[1].sent[i].at;
    return n;
}

START_TEST(non_invite_absorbs_then_repeats_final_until_j)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, fake_req("MESSAGE", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    sip_txn_id st = net->ep[1].req[0].id;
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_TRYING);
    fake_inject(net, 1, fake_req("MESSAGE", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);  /* exactly once to the TU */
    ck_assert_uint_eq(net->ep[1].nsent, 0); /* Trying absorbs */
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("srv")};
    ck_assert_int_eq(sip_txn_respond(L, st, &ok), 0);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_COMPLETED);
    ck_assert_int_eq(sip_txn_respond(L, st, &ok), SIP_TXN_ESTATE);
    const char *r = fake_sent(net, 1, 0);
    ck_assert(fake_has(r, "SIP/2.0 200 OK\r\n"));
    ck_assert(fake_has(r, "To: <sip:bob@example.com>;tag=srv\r\n"));
    ck_assert(fake_has(r, "CSeq: 1 MESSAGE\r\n"));
    fake_inject(net, 1, fake_req("MESSAGE", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nsent, 2);
    ck_assert_str_eq(fake_sent(net, 1, 1), r);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    fake_advance(net, 31999);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_COMPLETED);
    fake_advance(net, 1);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_TERMINATED);
    ck_assert_int_eq(sip_txn_respond(L, st, &ok), SIP_TXN_EGONE);
    ck_assert(fake_logged(net, 1, "Completed -> Terminated (timer J)"));
    fake_net_free(net);
}
END_TEST

START_TEST(non_invite_provisional_is_repeated_and_reliable_ends_at_once)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, fake_req("SUBSCRIBE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply ringing = {.status = 183};
    ck_assert_int_eq(sip_txn_respond(L, st, &ringing), 0);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_PROCEEDING);
    fake_inject(net, 1, fake_req("SUBSCRIBE", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 183"), 2);
    /* over TCP the final answer ends the transaction (J = 0) */
    sip_peer tcp = fake_peer("10.0.0.1", 40000, SIP_TP_TCP);
    tcp.conn = 77;
    fake_inject(net, 1, fake_req("OPTIONS", "z9hG4bKtcp", 2, NULL), &tcp);
    st = net->ep[1].req[1].id;
    sip_txn_reply ok = {.status = 200};
    ck_assert_int_eq(sip_txn_respond(L, st, &ok), 0);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_TERMINATED);
    const fake_msg *m = &net->ep[1].sent[net->ep[1].nsent - 1];
    ck_assert_uint_eq(m->peer.conn, 77); /* the same connection (§18.2.2) */
    ck_assert(fake_has(m->buf, "To: <sip:bob@example.com>;tag=")); /* a tag even when the TU gave none */
    fake_net_free(net);
}
END_TEST

START_TEST(non_invite_abandoned_by_the_tu_ends)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("MESSAGE", B1, 1, NULL), &CLIENT);
    fake_advance(net, 64 * 500);
    ck_assert_uint_eq(net->ep[1].nends, 1);
    ck_assert_int_eq(net->ep[1].ends[0].end, SIP_TXN_END_ABANDONED);
    ck_assert_uint_eq(sip_txn_count(net->ep[1].L), 0);
    fake_net_free(net);
}
END_TEST

START_TEST(invite_gets_automatic_100_after_200ms)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    ck_assert_int_eq(sip_txn_state_of(net->ep[1].L, st), SIP_TXN_PROCEEDING);
    fake_advance(net, 199);
    ck_assert_uint_eq(net->ep[1].nsent, 0);
    fake_advance(net, 1);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 100 Trying"), 1);
    ck_assert(fake_has(fake_sent(net, 1, 0), "To: <sip:bob@example.com>\r\n")); /* no tag on 100 */
    /* a retransmitted INVITE gets the last provisional again */
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 100 Trying"), 2);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    /* an INVITE the TU answers at once gets no 100 */
    fake_inject(net, 1, fake_req("INVITE", "z9hG4bKquick", 2, NULL), &CLIENT);
    sip_txn_reply ringing = {.status = 180, .to_tag = SP_LIT("b2")};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, net->ep[1].req[1].id, &ringing), 0);
    fake_advance(net, 1000);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 100 Trying"), 2);
    fake_net_free(net);
}
END_TEST

START_TEST(invite_non_2xx_g_retransmits_until_ack_then_i)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply busy = {.status = 486, .to_tag = SP_LIT("b1")};
    ck_assert_int_eq(sip_txn_respond(L, st, &busy), 0);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_COMPLETED);
    fake_advance(net, 11500);
    uint64_t at[16];
    size_t n = count_sent_at(net, "SIP/2.0 486", at, 16);
    uint64_t want[] = {0, 500, 1500, 3500, 7500, 11500}; /* G doubles to T2 */
    ck_assert_uint_eq(n, 6);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(at[i], want[i]);
    /* the ACK for a non-2xx carries the INVITE's branch: the transaction takes it */
    fake_inject(net, 1, fake_req("ACK", B1, 1, "b1"), &CLIENT);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_CONFIRMED);
    ck_assert_uint_eq(net->ep[1].nreq, 1); /* not to the TU */
    fake_inject(net, 1, fake_req("ACK", B1, 1, "b1"), &CLIENT);
    fake_advance(net, 4999);
    ck_assert_uint_eq(count_sent_at(net, "SIP/2.0 486", at, 16), 6);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_CONFIRMED);
    fake_advance(net, 1); /* I = T4 */
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_TERMINATED);
    ck_assert_uint_eq(net->ep[1].nends, 0);
    fake_net_free(net);
}
END_TEST

START_TEST(invite_timer_h_without_ack)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply busy = {.status = 603};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, st, &busy), 0);
    fake_advance(net, 31999);
    ck_assert_uint_eq(net->ep[1].nends, 0);
    fake_advance(net, 1);
    ck_assert_uint_eq(net->ep[1].nends, 1);
    ck_assert_int_eq(net->ep[1].ends[0].end, SIP_TXN_END_NO_ACK);
    ck_assert(net->ep[1].ends[0].id == st);
    ck_assert_uint_eq(fake_timers_armed(net), 0);
    fake_net_free(net);
}
END_TEST

START_TEST(invite_2xx_retransmitted_until_its_ack)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("bob7")};
    ck_assert_int_eq(sip_txn_respond(L, st, &ok), 0);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_ACCEPTED);
    fake_advance(net, 1500);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 3); /* 0, 500, 1500 */
    /* a retransmitted INVITE is absorbed */
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 3);
    /* the ACK for a 2xx is a new transaction (new branch): it goes to the TU and stops the 2xx */
    fake_inject(net, 1, fake_req("ACK", "z9hG4bKack", 1, "bob7"), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 2);
    ck_assert_str_eq(net->ep[1].req[1].method, "ACK");
    ck_assert(net->ep[1].req[1].id == 0);
    fake_advance(net, 10000);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 3);
    fake_advance(net, 32000);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_TERMINATED);
    ck_assert_uint_eq(net->ep[1].nends, 0); /* it was ACKed */
    fake_net_free(net);
}
END_TEST

START_TEST(invite_2xx_never_acked_reports_no_ack)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("bob7")};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, net->ep[1].req[0].id, &ok), 0);
    /* an ACK of another dialog (other To tag) does not stop it */
    fake_inject(net, 1, fake_req("ACK", "z9hG4bKack", 1, "other"), &CLIENT);
    fake_advance(net, 32000);
    /* 0, .5, 1.5, 3.5, 7.5, then every 4 s to 31.5: 11 sends */
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 11);
    ck_assert_uint_eq(net->ep[1].nends, 1);
    ck_assert_int_eq(net->ep[1].ends[0].end, SIP_TXN_END_NO_ACK);
    fake_net_free(net);
}
END_TEST

START_TEST(cancel_of_proceeding_invite)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply ringing = {.status = 180, .to_tag = SP_LIT("ring5")};
    ck_assert_int_eq(sip_txn_respond(L, st, &ringing), 0);
    fake_inject(net, 1, fake_req("CANCEL", B1, 1, NULL), &CLIENT);
    /* 200 for the CANCEL, 487 for the INVITE, both with the To tag already used (§9.2) */
    ck_assert_uint_eq(net->ep[1].nsent, 3);
    ck_assert(fake_has(fake_sent(net, 1, 1), "SIP/2.0 200 OK\r\n"));
    ck_assert(fake_has(fake_sent(net, 1, 1), "CSeq: 1 CANCEL\r\n"));
    ck_assert(fake_has(fake_sent(net, 1, 1), ";tag=ring5\r\n"));
    ck_assert(fake_has(fake_sent(net, 1, 2), "SIP/2.0 487 Request Terminated\r\n"));
    ck_assert(fake_has(fake_sent(net, 1, 2), "CSeq: 1 INVITE\r\n"));
    ck_assert(fake_has(fake_sent(net, 1, 2), ";tag=ring5\r\n"));
    ck_assert_uint_eq(net->ep[1].nends, 1);
    ck_assert_int_eq(net->ep[1].ends[0].end, SIP_TXN_END_CANCELLED);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_COMPLETED);
    sip_txn_reply ok = {.status = 200};
    ck_assert_int_eq(sip_txn_respond(L, st, &ok), SIP_TXN_ESTATE); /* too late */
    ck_assert_uint_eq(net->ep[1].nreq, 1); /* the CANCEL is the layer's own business */
    /* a retransmitted CANCEL gets its 200 again, no second 487 */
    fake_inject(net, 1, fake_req("CANCEL", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 2);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 487"), 1);
    fake_inject(net, 1, fake_req("ACK", B1, 1, "ring5"), &CLIENT);
    ck_assert_int_eq(sip_txn_state_of(L, st), SIP_TXN_CONFIRMED);
    fake_net_free(net);
}
END_TEST

START_TEST(cancel_without_tag_shares_a_generated_one)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("INVITE", B1, 1, NULL), &CLIENT);
    fake_inject(net, 1, fake_req("CANCEL", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nsent, 2);
    const char *ok = fake_sent(net, 1, 0), *term = fake_sent(net, 1, 1);
    const char *t1 = strstr(ok, "tag="), *t2 = strstr(term, "tag=");
    ck_assert_ptr_nonnull(t1);
    ck_assert_ptr_nonnull(t2);
    ck_assert(strncmp(t1, t2, 20) == 0);
    fake_net_free(net);
}
END_TEST

START_TEST(cancel_matching_nothing_gets_481_and_late_cancel_200)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("CANCEL", B1, 1, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 481"), 1);
    /* after the final answer the CANCEL is answered 200 and does nothing else */
    fake_inject(net, 1, fake_req("INVITE", "z9hG4bKdone", 2, NULL), &CLIENT);
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("x")};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, net->ep[1].req[0].id, &ok), 0);
    fake_inject(net, 1, fake_req("CANCEL", "z9hG4bKdone", 2, NULL), &CLIENT);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 200"), 2);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 487"), 0);
    ck_assert_uint_eq(net->ep[1].nends, 0);
    fake_net_free(net);
}
END_TEST

START_TEST(transport_error_while_answering)
{
    fake_net *net = server_net();
    sip_txn_layer *L = net->ep[1].L;
    fake_inject(net, 1, fake_req("MESSAGE", B1, 1, NULL), &CLIENT);
    net->ep[1].fail_sends = 1;
    sip_txn_reply ok = {.status = 200};
    ck_assert_int_eq(sip_txn_respond(L, net->ep[1].req[0].id, &ok), SIP_TXN_ETRANSPORT);
    ck_assert_uint_eq(sip_txn_count(L), 0);
    /* the automatic 100 failing ends the INVITE and tells the TU */
    fake_inject(net, 1, fake_req("INVITE", "z9hG4bKinv", 2, NULL), &CLIENT);
    net->ep[1].fail_sends = 1;
    fake_advance(net, 200);
    ck_assert_uint_eq(net->ep[1].nends, 1);
    ck_assert_int_eq(net->ep[1].ends[0].end, SIP_TXN_END_TRANSPORT);
    ck_assert_int_eq(sip_txn_respond(L, net->ep[1].req[1].id, &ok), SIP_TXN_EGONE);
    fake_net_free(net);
}
END_TEST

START_TEST(respond_checks_its_arguments)
{
    fake_net *net = server_net();
    fake_inject(net, 1, fake_req("MESSAGE", B1, 1, NULL), &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    sip_txn_reply bad = {.status = 99};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, st, &bad), SP_EINVAL);
    bad.status = 700;
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, st, &bad), SP_EINVAL);
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, st, NULL), SP_EINVAL);
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, 0, &bad), SIP_TXN_EGONE);
    /* client transactions are not answered */
    sip_txn_id ct = fake_request(net, 1, fake_req("OPTIONS", "z9hG4bKc", 3, NULL));
    sip_txn_reply ok = {.status = 200};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, ct, &ok), SIP_TXN_EGONE);
    /* headers and a body go out as given */
    sip_txn_reply full = {.status = 200, .headers = SP_LIT("Expires: 60\r\n"),
                          .content_type = SP_LIT("text/plain"), .body = SP_LIT("hello")};
    ck_assert_int_eq(sip_txn_respond(net->ep[1].L, st, &full), 0);
    const char *r = fake_sent(net, 1, net->ep[1].nsent - 1);
    ck_assert(fake_has(r, "Expires: 60\r\n"));
    ck_assert(fake_has(r, "Content-Type: text/plain\r\n"));
    ck_assert(fake_has(r, "Content-Length: 5\r\n\r\nhello"));
    fake_net_free(net);
}
END_TEST

/* Memory of a live server non-INVITE transaction: its record and its copy
 * of the request stay within 1 KiB beyond the request's own bytes; once
 * Completed (the 64*T1 of timer J over UDP) it keeps its record and the
 * answer it repeats, and the request copy is gone. */
START_TEST(memory_per_non_invite_server_transaction)
{
    fake_net *net = server_net();
    const char *m = fake_req("MESSAGE", B1, 1, NULL);
    fake_inject(net, 1, m, &CLIENT);
    sip_txn_id st = net->ep[1].req[0].id;
    size_t bytes = sip_txn_footprint(net->ep[1].L, st);
    ck_assert_uint_gt(bytes, strlen(m));
    ck_assert_uint_le(bytes - strlen(m), 1024);
    sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("t")};
    sip_txn_respond(net->ep[1].L, st, &ok);
    ck_assert_int_eq(sip_txn_state_of(net->ep[1].L, st), SIP_TXN_COMPLETED);
    const char *answer = fake_sent(net, 1, 0);
    size_t after = sip_txn_footprint(net->ep[1].L, st);
    ck_assert_uint_gt(after, strlen(answer));
    ck_assert_uint_le(after - strlen(answer), 1024);
    ck_assert_uint_le(after, bytes - strlen(m) + strlen(answer)); /* no request bytes left */
    /* what it keeps still matches a retransmission and repeats the answer */
    fake_inject(net, 1, m, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nsent, 2);
    ck_assert_str_eq(fake_sent(net, 1, 1), answer);
    fake_net_free(net);
}
END_TEST

START_TEST(table_full_gets_stateless_503_at_the_limit)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.max_txns = 3;
    fake_net *net = fake_net_new(&cfg);
    net->ep[0].deaf = true;
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKm1", 1, NULL), &CLIENT);
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKm2", 2, NULL), &CLIENT);
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKm3", 3, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 3); /* the limit itself is accepted */
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKm4", 4, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 3);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 503"), 1);
    ck_assert(fake_has(fake_sent(net, 1, 0), "CSeq: 4 MESSAGE"));
    ck_assert_uint_eq(sip_txn_count(net->ep[1].L), 3);
    fake_net_free(net);
}
END_TEST

START_TEST(layer_refuses_unusable_configuration)
{
    sip_txn_env env = {0};
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    ck_assert_ptr_null(sip_txn_layer_new(&cfg, &env, NULL)); /* no send/timers */
    fake_net *net = fake_net_new(NULL);
    ck_assert_str_eq(sip_txn_state_name(SIP_TXN_ACCEPTED), "Accepted");
    fake_net_free(net);
}
END_TEST

static Suite *txn_server_suite(void)
{
    Suite *s = suite_create("sip_txn_server");
    TCase *tc = tcase_create("server");
    tcase_add_test(tc, non_invite_absorbs_then_repeats_final_until_j);
    tcase_add_test(tc, non_invite_provisional_is_repeated_and_reliable_ends_at_once);
    tcase_add_test(tc, non_invite_abandoned_by_the_tu_ends);
    tcase_add_test(tc, invite_gets_automatic_100_after_200ms);
    tcase_add_test(tc, invite_non_2xx_g_retransmits_until_ack_then_i);
    tcase_add_test(tc, invite_timer_h_without_ack);
    tcase_add_test(tc, invite_2xx_retransmitted_until_its_ack);
    tcase_add_test(tc, invite_2xx_never_acked_reports_no_ack);
    tcase_add_test(tc, cancel_of_proceeding_invite);
    tcase_add_test(tc, cancel_without_tag_shares_a_generated_one);
    tcase_add_test(tc, cancel_matching_nothing_gets_481_and_late_cancel_200);
    tcase_add_test(tc, transport_error_while_answering);
    tcase_add_test(tc, respond_checks_its_arguments);
    tcase_add_test(tc, memory_per_non_invite_server_transaction);
    tcase_add_test(tc, table_full_gets_stateless_503_at_the_limit);
    tcase_add_test(tc, layer_refuses_unusable_configuration);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_server_suite)
