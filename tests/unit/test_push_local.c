/* test_push_local.c - an agent's own addresses as it writes them: the
 * default identity (an AoR, a From), Contact and Via sent-by, over IPv4
 * and IPv6 (RFC 3261 §25.1: an IPv6 host in brackets), and what a
 * receiver makes of them again; the one builder of requests outside a
 * dialog. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "push_agent.h"
#include "push_fake.h"
#include "sip_hdr.h"
#include "sip_msg.h"
#include "sip_uri.h"
#include "sp_random.h"

static push_local local(const char *host, uint16_t udp, uint16_t tcp)
{
    push_local l;
    memset(&l, 0, sizeof l);
    strcpy(l.host, host);
    l.udp_port = udp;
    l.tcp_port = tcp;
    return l;
}

START_TEST(identity_over_both_families)
{
    char out[PUSH_URI_MAX];
    push_local v4 = local("127.0.0.1", 5070, 0), v6 = local("::1", 5071, 0), tcp6 = local("::1", 0, 5072);
    ck_assert_uint_eq(push_local_uri(&v4, "recv", out, sizeof out), strlen("sip:recv@127.0.0.1:5070"));
    ck_assert_str_eq(out, "sip:recv@127.0.0.1:5070");
    push_local_uri(&v6, "recv", out, sizeof out);
    ck_assert_str_eq(out, "sip:recv@[::1]:5071");
    push_local_uri(&tcp6, "psa", out, sizeof out);
    ck_assert_str_eq(out, "sip:psa@[::1]:5072"); /* the TCP port when there is no UDP */
    /* it is a sip: URI whose host is the IPv6 reference */
    push_local_uri(&v6, "recv", out, sizeof out);
    sip_uri u;
    ck_assert_int_eq(sip_uri_parse(sp_str_cstr(out), &u, NULL), 0);
    ck_assert(u.scheme == SIP_URI_SIP);
    ck_assert(sp_str_eq(u.host, SP_LIT("[::1]")));
    ck_assert_uint_eq(u.port, 5071);
    sip_peer p;
    ck_assert_int_eq(push_uri_peer(sp_str_cstr(out), &p), 0);
    ck_assert_str_eq(p.host, "::1");
    ck_assert_uint_eq(p.port, 5071);
    /* a buffer one short of the text is refused, not cut */
    char small[sizeof "sip:recv@[::1]:5071" - 1];
    ck_assert_uint_eq(push_local_uri(&v6, "recv", small, sizeof small), 0);
    char exact[sizeof "sip:recv@[::1]:5071"];
    ck_assert_uint_eq(push_local_uri(&v6, "recv", exact, sizeof exact), sizeof exact - 1);
}
END_TEST

START_TEST(contact_and_via_over_ipv6)
{
    char out[PUSH_URI_MAX];
    push_local v6 = local("::1", 5071, 5071);
    push_contact_uri(&v6, SIP_TP_UDP, SP_LIT("recv"), out, sizeof out);
    ck_assert_str_eq(out, "<sip:recv@[::1]:5071>");
    push_contact_uri(&v6, SIP_TP_TCP, SP_LIT("recv"), out, sizeof out);
    ck_assert_str_eq(out, "<sip:recv@[::1]:5071;transport=tcp>");
    push_via_value(&v6, SIP_TP_UDP, "z9hG4bKx", out, sizeof out);
    ck_assert_str_eq(out, "SIP/2.0/UDP [::1]:5071;branch=z9hG4bKx;rport");
    push_local v4 = local("127.0.0.1", 5070, 0);
    push_via_value(&v4, SIP_TP_UDP, "z9hG4bKy", out, sizeof out);
    ck_assert_str_eq(out, "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKy;rport");
}
END_TEST

static int no_randomness(void *ctx, void *buf, size_t n)
{
    (void)ctx, (void)buf, (void)n;
    return -1;
}

static sp_str header(const sip_msg *m, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(m, id);
    return h ? h->value : SP_STR_NULL;
}

/* RFC 3261 §8.1.1: what every request outside a dialog carries, written
 * once for the agents; fresh ids and branches from the CSPRNG. */
START_TEST(request_outside_a_dialog)
{
    pfake *f = pfake_new(NULL, NULL);
    push_local v6 = local("::1", 5071, 0);
    char call_id[PUSH_TOKEN_MAX], tag[PUSH_TOKEN_MAX], call_id2[PUSH_TOKEN_MAX], tag2[PUSH_TOKEN_MAX];
    ck_assert(push_req_ids_new(call_id, tag));
    ck_assert(push_req_ids_new(call_id2, tag2));
    ck_assert_uint_eq(strlen(call_id), PUSH_CALL_ID_LEN);
    ck_assert_uint_eq(strlen(tag), PUSH_TAG_LEN);
    ck_assert_str_ne(call_id, call_id2);
    ck_assert_str_ne(tag, tag2);
    push_req r = {.method = SP_LIT("MESSAGE"), .ruri = SP_LIT("sip:bob@example.com"),
                  .proxy = SP_LIT("sip:[::1]:5060"), .from_uri = SP_LIT("sip:psa@example.com"),
                  .from_tag = sp_str_cstr(tag), .to_uri = SP_LIT("sip:bob@example.com"),
                  .call_id = sp_str_cstr(call_id), .cseq = 7, .contact = SP_LIT("<sip:psa@[::1]:5071>"),
                  .headers = SP_LIT("X-Extra: 1\r\n"), .content_type = SP_LIT("text/plain"), .body = SP_LIT("hi")};
    char a[PUSH_MSG_MAX], b[PUSH_MSG_MAX];
    long n = push_req_build(f->L, &v6, SIP_TP_UDP, &r, a, sizeof a);
    ck_assert_int_gt(n, 0);
    sip_msg m;
    sip_header hs[32];
    ck_assert_int_eq(sip_msg_parse(a, (size_t)n, &m, hs, 32, NULL, SIP_FRAME_DATAGRAM, NULL), n);
    ck_assert(sp_str_eq(m.method, SP_LIT("MESSAGE")) && sp_str_eq(m.uri, SP_LIT("sip:bob@example.com")));
    sip_via via;
    ck_assert_int_eq(sip_via_parse(header(&m, SIP_H_VIA), &via, NULL), 0);
    ck_assert(sp_str_eq(via.host, SP_LIT("[::1]")) && via.port == 5071);
    ck_assert(via.branch.n > 7 && !memcmp(via.branch.p, "z9hG4bK", 7));
    ck_assert_ptr_nonnull(strstr(a, ";rport\r\n"));
    ck_assert(sp_str_eq(header(&m, SIP_H_ROUTE), SP_LIT("<sip:[::1]:5060;lr>")));
    ck_assert(sp_str_eq(header(&m, SIP_H_MAX_FORWARDS), SP_LIT("70")));
    char from[96];
    snprintf(from, sizeof from, "<sip:psa@example.com>;tag=%s", tag);
    ck_assert(sp_str_eq(header(&m, SIP_H_FROM), sp_str_cstr(from)));
    ck_assert(sp_str_eq(header(&m, SIP_H_TO), SP_LIT("<sip:bob@example.com>")));
    ck_assert(sp_str_eq(header(&m, SIP_H_CALL_ID), sp_str_cstr(call_id)));
    ck_assert(sp_str_eq(header(&m, SIP_H_CSEQ), SP_LIT("7 MESSAGE")));
    ck_assert(sp_str_eq(header(&m, SIP_H_CONTACT), SP_LIT("<sip:psa@[::1]:5071>")));
    ck_assert(sp_str_eq(m.body, SP_LIT("hi")));
    /* each request its own branch */
    long n2 = push_req_build(f->L, &v6, SIP_TP_UDP, &r, b, sizeof b);
    ck_assert_int_eq(n2, n);
    ck_assert(memcmp(a, b, (size_t)n) != 0);
    /* without a proxy, no Route; the first hop is the Request-URI */
    sip_peer hop;
    ck_assert_int_eq(push_req_first_hop(&v6, &r, &hop), 0);
    ck_assert_str_eq(hop.host, "::1");
    ck_assert_uint_eq(hop.port, 5060);
    r.proxy = SP_STR_NULL;
    n = push_req_build(f->L, &v6, SIP_TP_UDP, &r, a, sizeof a);
    ck_assert_int_gt(n, 0);
    a[n] = '\0';
    ck_assert_ptr_null(strstr(a, "Route:"));
    ck_assert_int_eq(push_req_first_hop(&v6, &r, &hop), 0);
    ck_assert_str_eq(hop.host, "example.com");
    /* a buffer one short is refused, not cut */
    ck_assert_int_eq(push_req_build(f->L, &v6, SIP_TP_UDP, &r, b, (size_t)n - 1), SP_ENOSPC);
    ck_assert_int_eq(push_req_build(f->L, &v6, SIP_TP_UDP, &r, b, (size_t)n), n);
    /* a URI longer than PUSH_URI_MAX is refused: PUSH_URI_MAX is taken */
    char uri[PUSH_URI_MAX + 2];
    memset(uri, 'a', sizeof uri);
    memcpy(uri, "sip:", 4);
    r.to_uri = sp_str_make(uri, PUSH_URI_MAX);
    ck_assert_int_gt(push_req_build(f->L, &v6, SIP_TP_UDP, &r, a, sizeof a), 0);
    r.to_uri = sp_str_make(uri, PUSH_URI_MAX + 1);
    ck_assert_int_eq(push_req_build(f->L, &v6, SIP_TP_UDP, &r, a, sizeof a), SP_ELIMIT);
    /* no randomness: no ids, no branch, no request */
    r.to_uri = SP_LIT("sip:bob@example.com");
    sp_random_set_source(no_randomness, NULL);
    ck_assert(!push_req_ids_new(call_id, tag));
    ck_assert(!call_id[0] && !tag[0]);
    ck_assert_int_eq(push_req_build(f->L, &v6, SIP_TP_UDP, &r, a, sizeof a), SP_EINVAL);
    sp_random_set_source(NULL, NULL);
    pfake_free(f);
}
END_TEST

static Suite *push_local_suite(void)
{
    Suite *s = suite_create("push_local");
    TCase *tc = tcase_create("addresses");
    tcase_add_test(tc, identity_over_both_families);
    tcase_add_test(tc, contact_and_via_over_ipv6);
    tcase_add_test(tc, request_outside_a_dialog);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_local_suite)
