/* test_push_local.c - an agent's own addresses as it writes them: the
 * default identity (an AoR, a From), Contact and Via sent-by, over IPv4
 * and IPv6 (RFC 3261 §25.1: an IPv6 host in brackets), and what a
 * receiver makes of them again. */
#include <string.h>

#include "check_main.h"
#include "push_agent.h"
#include "sip_uri.h"

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

static Suite *push_local_suite(void)
{
    Suite *s = suite_create("push_local");
    TCase *tc = tcase_create("addresses");
    tcase_add_test(tc, identity_over_both_families);
    tcase_add_test(tc, contact_and_via_over_ipv6);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_local_suite)
