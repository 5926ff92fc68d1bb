/* test_sip_txn_stateless.c - stateless answers (400, 405, 501, 420, 513),
 * the Via stamp (§18.2.1, RFC 3581) and response routing (§18.2.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_stateless.h"
#include "txn_fake.h"

static const sip_peer CLIENT = {.tp = SIP_TP_UDP, .port = 5060, .host = "10.0.0.1"};

static fake_net *server_net(const sip_txn_config *cfg)
{
    fake_net *net = fake_net_new(cfg);
    net->ep[0].deaf = true;
    return net;
}

START_TEST(unparseable_request_gets_400_saying_why)
{
    fake_net *net = server_net(NULL);
    /* a header line without a colon */
    const char *bad = "MESSAGE sip:bob@10.0.0.2 SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbad\r\n"
                      "From: <sip:alice@example.com>;tag=a\r\n"
                      "To: <sip:bob@example.com>\r\n"
                      "Call-ID: c1\r\n"
                      "CSeq: 1 MESSAGE\r\n"
                      "this is not a header\r\n"
                      "Content-Length: 0\r\n\r\n";
    fake_inject(net, 1, bad, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nsent, 1);
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    const char *r = fake_sent(net, 1, 0);
    ck_assert(!strncmp(r, "SIP/2.0 400 ", 12));
    ck_assert(strncmp(r + 12, "Bad Request\r\n", 13) != 0); /* the parser's reason, not the default */
    ck_assert(fake_has(r, "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbad\r\n"));
    ck_assert(fake_has(r, "CSeq: 1 MESSAGE\r\n"));
    ck_assert(fake_has(r, "Call-ID: c1\r\n"));
    ck_assert(fake_has(r, "To: <sip:bob@example.com>;tag="));
    ck_assert(net->ep[1].sent[0].peer.port == 5060 && !strcmp(net->ep[1].sent[0].peer.host, "10.0.0.1"));
    fake_net_free(net);
}
END_TEST

START_TEST(unanswerable_input_is_dropped)
{
    fake_net *net = server_net(NULL);
    /* no Via */
    fake_inject(net, 1, "MESSAGE sip:b@h SIP/2.0\r\nbroken\r\nCSeq: 1 MESSAGE\r\n\r\n", &CLIENT);
    /* a response */
    fake_inject(net, 1, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nbroken\r\n\r\n", &CLIENT);
    /* an ACK, unparseable or failing the checks */
    fake_inject(net, 1, "ACK sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nbroken\r\n\r\n", &CLIENT);
    fake_inject(net, 1, "ACK sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", &CLIENT);
    /* NULs, nothing, garbage */
    sip_txn_receive(net->ep[1].L, "\0\0\0\0", 4, &CLIENT);
    sip_txn_receive(net->ep[1].L, "", 0, &CLIENT);
    fake_inject(net, 1, "\r\n\r\n", &CLIENT);
    ck_assert_uint_eq(net->ep[1].nsent, 0);
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    fake_net_free(net);
}
END_TEST

START_TEST(failed_checks_get_400_with_reason)
{
    fake_net *net = server_net(NULL);
    const char *no_callid = "OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\n"
                            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnc\r\n"
                            "Max-Forwards: 70\r\n"
                            "From: <sip:alice@example.com>;tag=a\r\n"
                            "To: <sip:bob@example.com>\r\n"
                            "CSeq: 1 OPTIONS\r\n\r\n";
    fake_inject(net, 1, no_callid, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nsent, 1);
    ck_assert(!strncmp(fake_sent(net, 1, 0), "SIP/2.0 400 ", 12));
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    fake_net_free(net);
}
END_TEST

START_TEST(require_unknown_gets_420_with_unsupported)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.supported = SP_LIT("timer, 100rel");
    fake_net *net = server_net(&cfg);
    char m[1024];
    snprintf(m, sizeof m, "%s", fake_req("INVITE", "z9hG4bKr1", 1, NULL));
    char *end = strstr(m, "Content-Length");
    memmove(end + 28, end, strlen(end) + 1);
    memcpy(end, "Require: Timer, foo, bar   \r", 28);
    end[27] = '\n';
    end[26] = '\r';
    fake_inject(net, 1, m, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    const char *r = fake_sent(net, 1, 0);
    ck_assert(!strncmp(r, "SIP/2.0 420 Bad Extension\r\n", 27));
    ck_assert(fake_has(r, "Unsupported: foo, bar\r\n"));
    /* only supported tags: through to the TU */
    snprintf(m, sizeof m, "%s", fake_req("INVITE", "z9hG4bKr2", 2, NULL));
    end = strstr(m, "Content-Length");
    memmove(end + 16, end, strlen(end) + 1);
    memcpy(end, "Require: timer\r\n", 16);
    fake_inject(net, 1, m, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    fake_net_free(net);
}
END_TEST

START_TEST(method_not_handled_gets_405_with_allow)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.allow = SP_LIT("INVITE, ACK, CANCEL, BYE, MESSAGE");
    fake_net *net = server_net(&cfg);
    fake_inject(net, 1, fake_req("SUBSCRIBE", "z9hG4bKs", 1, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    const char *r = fake_sent(net, 1, 0);
    ck_assert(!strncmp(r, "SIP/2.0 405 Method Not Allowed\r\n", 32));
    ck_assert(fake_has(r, "Allow: INVITE, ACK, CANCEL, BYE, MESSAGE\r\n"));
    fake_inject(net, 1, fake_req("MESSAGE", "z9hG4bKm", 2, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    /* method names are case-sensitive (§7.1): "message" is no method we
     * know, so 501 rather than 405 (§8.2.1, §21.5.2) */
    fake_inject(net, 1, fake_req("message", "z9hG4bKl", 3, NULL), &CLIENT);
    fake_inject(net, 1, fake_req("FROBNICATE", "z9hG4bKf", 4, NULL), &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 405"), 1);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 501 Not Implemented\r\n"), 2);
    ck_assert(fake_has(fake_sent(net, 1, 2), "Allow: INVITE, ACK, CANCEL, BYE, MESSAGE\r\n"));
    fake_net_free(net);
}
END_TEST

/* A request whose values fail their typed parse gets 400 naming the header;
 * one without Max-Forwards reaches the TU (RFC 3261 never has a UAS refuse it). */
START_TEST(typed_checks_answer_400_naming_the_header)
{
    fake_net *net = server_net(NULL);
    const char *bad_to = "INVITE sip:bob@10.0.0.2 SIP/2.0\r\n"
                         "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbt\r\n"
                         "Max-Forwards: 70\r\n"
                         "From: <sip:alice@example.com>;tag=a\r\n"
                         "To: <sip:bob@example.com\r\n"
                         "Call-ID: c1\r\n"
                         "CSeq: 1 INVITE\r\n\r\n";
    fake_inject(net, 1, bad_to, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    ck_assert_uint_eq(net->ep[1].nsent, 1);
    ck_assert_msg(!strncmp(fake_sent(net, 1, 0), "SIP/2.0 400 To: ", 16), "%s", fake_sent(net, 1, 0));
    const char *bracketed = "OPTIONS <sip:bob@10.0.0.2> SIP/2.0\r\n"
                            "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbr\r\n"
                            "From: <sip:alice@example.com>;tag=a\r\n"
                            "To: <sip:bob@example.com>\r\n"
                            "Call-ID: c2\r\n"
                            "CSeq: 1 OPTIONS\r\n\r\n";
    fake_inject(net, 1, bracketed, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 0);
    ck_assert_msg(!strncmp(fake_sent(net, 1, 1), "SIP/2.0 400 Request-URI inside '<' '>'\r\n", 40), "%s",
                  fake_sent(net, 1, 1));
    const char *no_mf = "OPTIONS sip:bob@10.0.0.2 SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKmf\r\n"
                        "From: <sip:alice@example.com>;tag=a\r\n"
                        "To: <sip:bob@example.com>\r\n"
                        "Call-ID: c3\r\n"
                        "CSeq: 1 OPTIONS\r\n\r\n";
    fake_inject(net, 1, no_mf, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    fake_net_free(net);
}
END_TEST

/* Stateless To tags: the same request (and the CANCEL of an INVITE) gets
 * the same one, other requests others; 64 bits of a keyed hash. */
START_TEST(stateless_tags_are_stable_and_keyed)
{
    static const char *const reqs[] = {
        "INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKt1\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\n"
        "Call-ID: c1\r\nCSeq: 7 INVITE\r\n\r\n",
        "CANCEL sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKt1\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\n"
        "Call-ID: c1\r\nCSeq: 7 CANCEL\r\n\r\n",
        "INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKt1\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\n"
        "Call-ID: c2\r\nCSeq: 7 INVITE\r\n\r\n",
        "INVITE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKt1\r\nFrom: <sip:a@h>;tag=f\r\nTo: <sip:b@h>\r\n"
        "Call-ID: c1\r\nCSeq: 8 INVITE\r\n\r\n",
    };
    char tags[4][SIP_TAG_SIZE];
    for (size_t i = 0; i < 4; i++) {
        sip_header hdrs[16];
        sip_msg m;
        ck_assert_int_gt(sip_msg_parse(reqs[i], strlen(reqs[i]), &m, hdrs, 16, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
        ck_assert(sip_stateless_tag(&m, tags[i]));
        ck_assert_uint_eq(strspn(tags[i], "0123456789abcdef"), 16);
    }
    ck_assert_str_eq(tags[0], tags[1]);
    ck_assert_str_ne(tags[0], tags[2]);
    ck_assert_str_ne(tags[0], tags[3]);
    ck_assert_str_ne(tags[2], tags[3]);
}
END_TEST

/* A MESSAGE of exactly len bytes (body padded). */
static size_t sized_message(char *out, size_t cap, size_t len)
{
    const char *head = "MESSAGE sip:bob@10.0.0.2 SIP/2.0\r\n"
                       "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKbig\r\n"
                       "Max-Forwards: 70\r\n"
                       "From: <sip:alice@example.com>;tag=a\r\n"
                       "To: <sip:bob@example.com>\r\n"
                       "Call-ID: big\r\n"
                       "CSeq: 1 MESSAGE\r\n"
                       "Content-Length: %05zu\r\n\r\n";
    size_t head_len = (size_t)snprintf(NULL, 0, head, (size_t)0);
    size_t body = len - head_len;
    snprintf(out, cap, head, body);
    memset(out + head_len, 'x', body);
    out[len] = 0;
    return len;
}

START_TEST(over_limit_message_gets_513_at_the_boundary)
{
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.limits.max_msg_size = 400;
    fake_net *net = server_net(&cfg);
    char m[1024];
    size_t n = sized_message(m, sizeof m, 400);
    sip_txn_receive(net->ep[1].L, guard_copy(m, n), n, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    n = sized_message(m, sizeof m, 401);
    memcpy(strstr(m, "z9hG4bKbig"), "z9hG4bKbi2", 10);
    sip_txn_receive(net->ep[1].L, guard_copy(m, n), n, &CLIENT);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    ck_assert_uint_eq(fake_count_sent(net, 1, "SIP/2.0 513 "), 1);
    fake_net_free(net);
}
END_TEST

START_TEST(via_stamp_adds_received_and_rport)
{
    fake_net *net = server_net(NULL);
    const char *m = "MESSAGE sip:bob@10.0.0.2 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 192.168.1.5:5062;rport;branch=z9hG4bKnat, SIP/2.0/UDP p.example.com\r\n"
                    "Max-Forwards: 70\r\n"
                    "From: <sip:alice@example.com>;tag=a\r\n"
                    "To: <sip:bob@example.com>\r\n"
                    "Call-ID: nat\r\n"
                    "CSeq: 1 MESSAGE\r\n"
                    "Content-Length: 2\r\n\r\nhi";
    sip_peer nat = fake_peer("203.0.113.9", 40123, SIP_TP_UDP);
    fake_inject(net, 1, m, &nat);
    ck_assert_uint_eq(net->ep[1].nreq, 1);
    /* the TU sees the stamped request, body intact */
    ck_assert(fake_has(net->ep[1].req[0].msg->buf,
                       "Via: SIP/2.0/UDP 192.168.1.5:5062;rport=40123;branch=z9hG4bKnat;received=203.0.113.9, "
                       "SIP/2.0/UDP p.example.com\r\n"));
    ck_assert(fake_has(net->ep[1].req[0].msg->buf, "\r\n\r\nhi"));
    sip_txn_reply ok = {.status = 200};
    sip_txn_respond(net->ep[1].L, net->ep[1].req[0].id, &ok);
    const fake_msg *r = &net->ep[1].sent[0];
    ck_assert(fake_has(r->buf, "rport=40123;branch=z9hG4bKnat;received=203.0.113.9"));
    /* RFC 3581 §4: to the source address and port */
    ck_assert_str_eq(r->peer.host, "203.0.113.9");
    ck_assert_uint_eq(r->peer.port, 40123);
    fake_net_free(net);
}
END_TEST

START_TEST(via_stamp_keeps_every_slice_right)
{
    const char *m = "INVITE sip:bob@10.0.0.2 SIP/2.0\r\n"
                    "v: SIP/2.0/UDP host.example.com;branch=z9hG4bKs;rport\r\n"
                    "Max-Forwards: 70\r\n"
                    "From: <sip:alice@example.com>;tag=a\r\n"
                    "To: <sip:bob@example.com>\r\n"
                    "Call-ID: s\r\n"
                    "CSeq: 1 INVITE\r\n"
                    "Content-Length: 3\r\n\r\nabc";
    size_t len = strlen(m);
    const char *in = guard_copy(m, len);
    sip_header h1[32], h2[32], h3[32];
    sip_msg msg, copy = {.headers = h2}, again;
    ck_assert_int_ge(sip_msg_parse(in, len, &msg, h1, 32, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
    char out[2048];
    sip_peer src = fake_peer("10.1.1.1", 5999, SIP_TP_UDP);
    long n = sip_via_stamp(&msg, in, &src, out, sizeof out, &copy);
    ck_assert_int_gt(n, (long)len);
    ck_assert_int_ge(sip_msg_parse(out, (size_t)n, &again, h3, 32, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
    ck_assert_uint_eq(copy.nheaders, again.nheaders);
    ck_assert(sp_str_eq(copy.method, again.method) && copy.method.p == again.method.p);
    ck_assert(copy.uri.p == again.uri.p && copy.body.p == again.body.p && copy.body.n == 3);
    for (size_t i = 0; i < copy.nheaders; i++) {
        ck_assert(copy.headers[i].name.p == again.headers[i].name.p);
        ck_assert(copy.headers[i].value.p == again.headers[i].value.p);
        ck_assert_uint_eq(copy.headers[i].value.n, again.headers[i].value.n);
    }
    ck_assert(sp_str_eq(copy.headers[0].value,
                        SP_LIT("SIP/2.0/UDP host.example.com;branch=z9hG4bKs;rport=5999;received=10.1.1.1")));
    /* too small an output */
    ck_assert_int_eq(sip_via_stamp(&msg, in, &src, out, len, &copy), SP_ENOSPC);
    /* same address as sent-by and no rport: nothing to add */
    sip_peer same = fake_peer("host.example.com", 5060, SIP_TP_UDP);
    const char *plain = "OPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.1.1.1:5060;branch=z9hG4bKp\r\n"
                        "CSeq: 1 OPTIONS\r\n\r\n";
    sip_msg pm;
    ck_assert_int_ge(sip_msg_parse(plain, strlen(plain), &pm, h1, 32, NULL, SIP_FRAME_DATAGRAM, NULL), 0);
    same = fake_peer("10.1.1.1", 5060, SIP_TP_UDP);
    ck_assert_int_eq(sip_via_stamp(&pm, plain, &same, out, sizeof out, &copy), (long)strlen(plain));
    fake_net_free(fake_net_new(NULL));
}
END_TEST

START_TEST(response_destination_rules)
{
    sip_via via;
    sip_peer src = fake_peer("198.51.100.7", 33333, SIP_TP_UDP), d;
    ck_assert_int_eq(sip_via_parse(SP_LIT("SIP/2.0/UDP a.example.com;branch=z9hG4bK1"), &via, NULL), 0);
    sip_response_dest(&via, &src, &d);
    ck_assert_str_eq(d.host, "198.51.100.7"); /* received */
    ck_assert_uint_eq(d.port, 5060);          /* sent-by port defaults to 5060 */
    ck_assert_int_eq(sip_via_parse(SP_LIT("SIP/2.0/UDP a.example.com:5080;maddr=239.1.1.1;branch=z9hG4bK1"), &via,
                                   NULL), 0);
    sip_response_dest(&via, &src, &d);
    ck_assert_str_eq(d.host, "239.1.1.1");
    ck_assert_uint_eq(d.port, 5080);
    src.tp = SIP_TP_TLS;
    src.conn = 9;
    ck_assert_int_eq(sip_via_parse(SP_LIT("SIP/2.0/TLS a.example.com;branch=z9hG4bK1"), &via, NULL), 0);
    sip_response_dest(&via, &src, &d);
    ck_assert_uint_eq(d.conn, 9); /* the same connection */
    ck_assert_uint_eq(d.port, 5061);
    ck_assert_str_eq(d.host, "198.51.100.7");
    sip_peer p;
    ck_assert(sip_peer_set_host(&p, SP_LIT("[2001:db8::1]")));
    ck_assert_str_eq(p.host, "2001:db8::1");
    char longhost[SIP_PEER_HOST_MAX + 1];
    memset(longhost, 'a', sizeof longhost);
    ck_assert(!sip_peer_set_host(&p, sp_str_make(longhost, SIP_PEER_HOST_MAX)));
    ck_assert(sip_peer_set_host(&p, sp_str_make(longhost, SIP_PEER_HOST_MAX - 1)));
}
END_TEST

START_TEST(salvage_under_guard_page_every_length)
{
    const char *bad = "MESSAGE sip:bob@10.0.0.2 SIP/2.0\r\n"
                      "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKcut\r\n"
                      "To: <sip:bob@example.com>\r\n"
                      "CSeq: 1 MESSAGE\r\n"
                      "junk\r\n\r\n";
    size_t len = strlen(bad);
    char out[2048];
    sp_error err = {.reason = "line without a colon", .status = 400};
    for (size_t n = 0; n <= len; n++) {
        sip_via via;
        long r = sip_stateless_salvage(guard_copy(bad, n), n, &err, out, sizeof out, &via);
        if (r > 0) {
            ck_assert(!memcmp(out, "SIP/2.0 400 line without a colon\r\n", 34));
            ck_assert(sp_str_present(via.host));
        }
    }
    sip_via via;
    ck_assert_int_gt(sip_stateless_salvage(guard_copy(bad, len), len, &err, out, sizeof out, &via), 0);
    ck_assert_int_eq(sip_stateless_salvage(guard_copy(bad, len), len, &err, out, 40, &via), SP_ENOSPC);
    char reason[SIP_STATELESS_REASON_MAX + 1];
    ck_assert_uint_eq(sip_reason_clean("a\r\nb\x01", reason, sizeof reason), 5);
    ck_assert_str_eq(reason, "a  b ");
}
END_TEST

static Suite *txn_stateless_suite(void)
{
    Suite *s = suite_create("sip_txn_stateless");
    TCase *tc = tcase_create("stateless");
    tcase_add_test(tc, unparseable_request_gets_400_saying_why);
    tcase_add_test(tc, unanswerable_input_is_dropped);
    tcase_add_test(tc, failed_checks_get_400_with_reason);
    tcase_add_test(tc, require_unknown_gets_420_with_unsupported);
    tcase_add_test(tc, method_not_handled_gets_405_with_allow);
    tcase_add_test(tc, typed_checks_answer_400_naming_the_header);
    tcase_add_test(tc, stateless_tags_are_stable_and_keyed);
    tcase_add_test(tc, over_limit_message_gets_513_at_the_boundary);
    tcase_add_test(tc, via_stamp_adds_received_and_rport);
    tcase_add_test(tc, via_stamp_keeps_every_slice_right);
    tcase_add_test(tc, response_destination_rules);
    tcase_add_test(tc, salvage_under_guard_page_every_length);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_stateless_suite)
