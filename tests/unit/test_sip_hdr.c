/* test_sip_hdr.c - Via, name-addr, CSeq, numbers, Call-ID, media types, and
 * the list and parameter walkers. */
#include "check_main.h"
#include "sip_hdr.h"
#include "sip_test_util.h"

static sp_error err;

/* A parse fails with status 400 at offset off. */
#define ck_bad(call, off)                                                                     \
    do {                                                                                      \
        err = (sp_error){0};                                                                  \
        ck_assert_int_eq((call), SP_EINVAL);                                                  \
        ck_assert_msg(err.offset == (size_t)(off), "offset %zu, wanted %d (%s)", err.offset, \
                      (int)(off), err.reason);                                                \
        ck_assert_int_eq(err.status, 400);                                                    \
        ck_assert_ptr_nonnull(err.reason);                                                    \
    } while (0)

/* --- Via ------------------------------------------------------------------ */

static sip_via via;
static int via_parse(const char *s) { return sip_via_parse(G(s), &via, &err); }

START_TEST(via_full)
{
    ck_assert_int_eq(via_parse("SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bKnashds7;rport=5060;received=192.0.2.4;"
                               "maddr=224.2.0.1;ttl=255;x;y=\"q\""),
                     0);
    ck_assert_slice(via.protocol, "SIP/2.0");
    ck_assert_slice(via.transport, "TCP");
    ck_assert_slice(via.host, "192.0.2.4");
    ck_assert_int_eq(via.host_type, SIP_HOST_IPV4);
    ck_assert(via.has_port);
    ck_assert_uint_eq(via.port, 5060);
    ck_assert_slice(via.branch, "z9hG4bKnashds7");
    ck_assert_slice(via.rport, "5060");
    ck_assert_slice(via.received, "192.0.2.4");
    ck_assert_slice(via.maddr, "224.2.0.1");
    ck_assert_slice(via.ttl, "255");
    ck_assert_slice(via.params, "branch=z9hG4bKnashds7;rport=5060;received=192.0.2.4;maddr=224.2.0.1;ttl=255;x;y=\"q\"");
}
END_TEST

START_TEST(via_forms)
{
    ck_assert_int_eq(via_parse("SIP/2.0/UDP edge.example.com;branch=z9hG4bKcmp71q1;rport"), 0);
    ck_assert(!via.has_port);
    ck_assert_ptr_nonnull(via.rport.p);
    ck_assert_uint_eq(via.rport.n, 0);
    ck_assert_absent(via.received);
    ck_assert_int_eq(via.host_type, SIP_HOST_NAME);
    /* folding and SWS around the separators */
    ck_assert_int_eq(via_parse(" SIP / 2.0 / WS\r\n\t[2001:db8::1] : 5070\r\n ;branch=z9hG4bK1 ;received=2001:db8::2 "), 0);
    ck_assert_slice(via.protocol, "SIP / 2.0");
    ck_assert_slice(via.transport, "WS");
    ck_assert_slice(via.host, "[2001:db8::1]");
    ck_assert_int_eq(via.host_type, SIP_HOST_IPV6);
    ck_assert_uint_eq(via.port, 5070);
    ck_assert_slice(via.received, "2001:db8::2");
    ck_assert_int_eq(via_parse("SIP/2.0/TLS h;received=[::1]"), 0);
    ck_assert_slice(via.received, "[::1]");
    ck_assert_int_eq(via_parse("SIP/2.0/SCTP h"), 0);
    ck_assert_absent(via.params);
    ck_assert_absent(via.branch);
    ck_assert_int_eq(via_parse("SIP/2.0/UDP h:65535;ttl=0"), 0);
    ck_assert_uint_eq(via.port, 65535);
}
END_TEST

START_TEST(via_errors)
{
    ck_bad(via_parse(""), 0);
    ck_bad(via_parse("/2.0/UDP h"), 0);
    ck_bad(via_parse("SIP 2.0/UDP h"), 4);
    ck_bad(via_parse("SIP//UDP h"), 4);
    ck_bad(via_parse("SIP/2.0 UDP h"), 8);
    ck_bad(via_parse("SIP/2.0/ h"), 10); /* "h" is the transport */
    ck_bad(via_parse("SIP/2.0/UDP"), 11);
    ck_bad(via_parse("SIP/2.0/UDPh;x"), 12);
    ck_bad(via_parse("SIP/2.0/UDP ;branch=1"), 12);
    ck_bad(via_parse("SIP/2.0/UDP h:65536"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h:"), 14);
    ck_bad(via_parse("SIP/2.0/UDP [::1"), 12);
    ck_bad(via_parse("SIP/2.0/UDP h x"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;branch="), 21);
    ck_bad(via_parse("SIP/2.0/UDP h;branch=\"x\""), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;branch=a;branch=b"), 23);
    ck_bad(via_parse("SIP/2.0/UDP h;branch"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;received=example.com"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;received"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;rport=65536"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;rport=x"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;rport;rport"), 20);
    ck_bad(via_parse("SIP/2.0/UDP h;ttl=256"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;ttl=0001"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;maddr=a..b"), 14);
    ck_bad(via_parse("SIP/2.0/UDP h;x=\"open"), 16);
    ck_bad(via_parse("SIP/2.0/UDP h;branch=1,SIP/2.0/UDP g"), 22);
}
END_TEST

/* --- name-addr / addr-spec -------------------------------------------------- */

static sip_addr addr;
static int addr_parse(const char *s) { return sip_addr_parse(G(s), &addr, &err); }

START_TEST(addr_name_addr_forms)
{
    ck_assert_int_eq(addr_parse("\"Bob \\\"B\\\" Smith\" <sip:bob@example.com;gr=urn:uuid:1>;tag=456248;x=y"), 0);
    ck_assert(!addr.star);
    ck_assert_slice(addr.display, "\"Bob \\\"B\\\" Smith\"");
    ck_assert_slice(addr.uri_str, "sip:bob@example.com;gr=urn:uuid:1");
    ck_assert_slice(addr.uri.params, "gr=urn:uuid:1");
    ck_assert_slice(addr.tag, "456248");
    ck_assert_slice(addr.params, "tag=456248;x=y");

    ck_assert_int_eq(addr_parse("<sip:psa@example.com>"), 0);
    ck_assert_absent(addr.display);
    ck_assert_absent(addr.params);
    ck_assert_absent(addr.tag);
    ck_assert_slice(addr.uri.user, "psa");

    ck_assert_int_eq(addr_parse("Bob  Smith\r\n <sip:b@h> ; tag = a.b "), 0);
    ck_assert_slice(addr.display, "Bob  Smith");
    ck_assert_slice(addr.tag, "a.b");
    ck_assert_int_eq(addr_parse("\"Bob\"\r\n  <sip:bob@example.com>"), 0);
    ck_assert_slice(addr.display, "\"Bob\"");
    ck_assert_int_eq(addr_parse("\"\"<tel:+15551230000>"), 0);
    ck_assert_slice(addr.display, "\"\"");
    ck_assert_int_eq(addr.uri.scheme, SIP_URI_TEL);

    ck_assert_int_eq(addr_parse("<sip:bob@192.0.2.4:5060;transport=tcp>;+sip.instance=\"<urn:uuid:f81d4fae>\";"
                                "+g.oma.pusheventapp=\"mms.ua\";reg-id=1"),
                     0);
    ck_assert_slice(addr.params, "+sip.instance=\"<urn:uuid:f81d4fae>\";+g.oma.pusheventapp=\"mms.ua\";reg-id=1");
}
END_TEST

START_TEST(addr_spec_params_belong_to_header)
{
    /* §20.10: without angle brackets, ';' starts header parameters */
    ck_assert_int_eq(addr_parse("sip:alice@atlanta.com;tag=88sja8x"), 0);
    ck_assert_absent(addr.display);
    ck_assert_slice(addr.uri_str, "sip:alice@atlanta.com");
    ck_assert_absent(addr.uri.params);
    ck_assert_slice(addr.tag, "88sja8x");
    ck_assert_int_eq(addr_parse("tel:+1555 ;tag=1"), 0);
    ck_assert_slice(addr.uri_str, "tel:+1555");
    ck_assert_int_eq(addr_parse("sip:h"), 0);
    ck_assert_absent(addr.params);
}
END_TEST

START_TEST(addr_star)
{
    ck_assert_int_eq(addr_parse("*"), 0);
    ck_assert(addr.star);
    ck_assert_int_eq(addr_parse(" * "), 0);
    ck_assert(addr.star);
    ck_bad(addr_parse("*;expires=0"), 1);
}
END_TEST

START_TEST(addr_errors)
{
    ck_bad(addr_parse(""), 0);
    ck_bad(addr_parse("   "), 0);
    ck_bad(addr_parse("\"Bob <sip:h>"), 0);
    ck_bad(addr_parse("\"Bob\" sip:h"), 6);
    ck_bad(addr_parse("\"B\x01\" <sip:h>"), 2);
    ck_bad(addr_parse("\"B\\\r\n x\" <sip:h>"), 3);
    ck_bad(addr_parse("Bob sip:h"), 7);
    ck_bad(addr_parse("<sip:h"), 0);
    ck_bad(addr_parse("<sip:h;lr"), 0);
    ck_bad(addr_parse("<sip:h:99999>"), 7);
    ck_bad(addr_parse("<>"), 1);
    ck_bad(addr_parse("<sip:h> x"), 8);
    ck_bad(addr_parse("<sip:h>;tag"), 8);
    ck_bad(addr_parse("<sip:h>;tag="), 12);
    ck_bad(addr_parse("<sip:h>;tag=\"a\""), 8);
    ck_bad(addr_parse("<sip:h>;tag=a;TAG=b"), 14);
    ck_bad(addr_parse("<sip:h>;;x"), 8);
    ck_bad(addr_parse("sip:h x"), 6);
    ck_bad(addr_parse("sip:h;tag=1;tag=2"), 12);
    ck_bad(addr_parse("@"), 0);
    ck_bad(addr_parse("<sip:h>;x=\"\\"), 10);
}
END_TEST

/* --- CSeq, numbers, Call-ID ------------------------------------------------- */

START_TEST(cseq_values)
{
    sip_cseq c;
    ck_assert_int_eq(sip_cseq_parse(G("1826 REGISTER"), &c, &err), 0);
    ck_assert_uint_eq(c.seq, 1826);
    ck_assert_slice(c.method, "REGISTER");
    ck_assert_int_eq(sip_cseq_parse(G(" 2147483647\r\n\tINVITE "), &c, &err), 0);
    ck_assert_uint_eq(c.seq, 2147483647u);
    ck_assert_slice(c.method, "INVITE");
    ck_assert_int_eq(sip_cseq_parse(G("0 X-Y"), &c, &err), 0);
    ck_assert_uint_eq(c.seq, 0);
    ck_bad(sip_cseq_parse(G("2147483648 INVITE"), &c, &err), 0);
    ck_bad(sip_cseq_parse(G("99999999999999999999999 INVITE"), &c, &err), 0);
    ck_bad(sip_cseq_parse(G("INVITE"), &c, &err), 0);
    ck_bad(sip_cseq_parse(G("-1 INVITE"), &c, &err), 0);
    ck_bad(sip_cseq_parse(G("1INVITE"), &c, &err), 1);
    ck_bad(sip_cseq_parse(G("1 "), &c, &err), 1);
    ck_bad(sip_cseq_parse(G("1 INVITE x"), &c, &err), 8);
    ck_bad(sip_cseq_parse(G("1 INV<ITE"), &c, &err), 5);
    ck_bad(sip_cseq_parse(G(""), &c, &err), 0);
}
END_TEST

START_TEST(uint_limits)
{
    uint64_t v;
    ck_assert_int_eq(sip_uint_parse(G("70"), 255, &v, &err), 0);
    ck_assert_uint_eq(v, 70);
    ck_assert_int_eq(sip_uint_parse(G(" 255 "), 255, &v, &err), 0);
    ck_assert_uint_eq(v, 255);
    ck_bad(sip_uint_parse(G("256"), 255, &v, &err), 0);
    ck_assert_int_eq(sip_uint_parse(G("18446744073709551615"), UINT64_MAX, &v, &err), 0);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_bad(sip_uint_parse(G("18446744073709551616"), UINT64_MAX, &v, &err), 0);
    ck_assert_int_eq(sip_uint_parse(G("0000000000000000000000000001"), 1, &v, &err), 0);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(sip_uint_parse(G("0"), 0, &v, &err), 0);
    ck_bad(sip_uint_parse(G("1"), 0, &v, &err), 0);
    ck_bad(sip_uint_parse(G(""), 10, &v, &err), 0);
    ck_bad(sip_uint_parse(G("1 2"), 10, &v, &err), 1);
    ck_bad(sip_uint_parse(G("+1"), 10, &v, &err), 0);
    ck_bad(sip_uint_parse(G("1.0"), 10, &v, &err), 1);
}
END_TEST

START_TEST(callid_values)
{
    sp_str id;
    ck_assert_int_eq(sip_callid_parse(G("843817637684230@998sdasdh09"), &id, &err), 0);
    ck_assert_slice(id, "843817637684230@998sdasdh09");
    ck_assert_int_eq(sip_callid_parse(G(" a{}[]<>:\\\"/?()~ "), &id, &err), 0);
    ck_assert_slice(id, "a{}[]<>:\\\"/?()~");
    ck_bad(sip_callid_parse(G(""), &id, &err), 0);
    ck_bad(sip_callid_parse(G("@x"), &id, &err), 0);
    ck_bad(sip_callid_parse(G("a@"), &id, &err), 2);
    ck_bad(sip_callid_parse(G("a@b@c"), &id, &err), 3);
    ck_bad(sip_callid_parse(G("a b"), &id, &err), 1);
    ck_bad(sip_callid_parse(G("a;b"), &id, &err), 1);
}
END_TEST

START_TEST(media_types)
{
    sip_media_type mt;
    ck_assert_int_eq(sip_media_type_parse(G("text/vnd.wap.si"), &mt, &err), 0);
    ck_assert_slice(mt.type, "text");
    ck_assert_slice(mt.subtype, "vnd.wap.si");
    ck_assert_absent(mt.params);
    ck_assert_int_eq(sip_media_type_parse(G("message/external-body;ACCESS-TYPE=URL;URL=\"http://c.example.com/p\";"
                                            "expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\";size=4092"),
                                          &mt, &err),
                     0);
    ck_assert_slice(mt.subtype, "external-body");
    sp_str v;
    ck_assert(sip_param_find(mt.params, "access-type", &v));
    ck_assert_slice(v, "URL");
    ck_assert(sip_param_find(mt.params, "expiration", &v));
    ck_assert_slice(v, "\"Tue, 07 Aug 2001 10:13:00 GMT\"");
    ck_assert_int_eq(sip_media_type_parse(G("*/*"), &mt, &err), 0);
    ck_assert_slice(mt.type, "*");
    ck_assert_int_eq(sip_media_type_parse(G("Text / Plain ; charset = UTF-8"), &mt, &err), 0);
    ck_assert_slice(mt.subtype, "Plain");
    ck_assert_slice(mt.params, "charset = UTF-8");
    ck_bad(sip_media_type_parse(G(""), &mt, &err), 0);
    ck_bad(sip_media_type_parse(G("text"), &mt, &err), 4);
    ck_bad(sip_media_type_parse(G("text/"), &mt, &err), 5);
    ck_bad(sip_media_type_parse(G("/plain"), &mt, &err), 0);
    ck_bad(sip_media_type_parse(G("text/plain x"), &mt, &err), 11);
    ck_bad(sip_media_type_parse(G("text/plain;"), &mt, &err), 11);
    ck_bad(sip_media_type_parse(G("text/plain;a="), &mt, &err), 13);
    ck_bad(sip_media_type_parse(G("text/plain;a=\"b"), &mt, &err), 13);
    ck_bad(sip_media_type_parse(G("text/pl@in"), &mt, &err), 7);
}
END_TEST

/* --- lists and parameters ---------------------------------------------------- */

START_TEST(list_splitting)
{
    sp_str rest = G(" <sip:a@h;x=\"1,2\">;q=1 , \"B, \\\"C\" <sip:b,c@h>,,\r\n <sip:d@h>,  ");
    sp_str item;
    ck_assert(sip_list_next(&rest, &item));
    ck_assert_slice(item, "<sip:a@h;x=\"1,2\">;q=1");
    ck_assert(sip_list_next(&rest, &item));
    ck_assert_slice(item, "\"B, \\\"C\" <sip:b,c@h>");
    ck_assert(sip_list_next(&rest, &item));
    ck_assert_slice(item, "<sip:d@h>");
    ck_assert(!sip_list_next(&rest, &item));
    ck_assert(!sip_list_next(&rest, &item));
    /* an unterminated quote or angle swallows the rest without reading past it */
    rest = G("a, \"b, c");
    ck_assert(sip_list_next(&rest, &item));
    ck_assert(sip_list_next(&rest, &item));
    ck_assert_slice(item, "\"b, c");
    rest = G("<a, \"\\");
    ck_assert(sip_list_next(&rest, &item));
    ck_assert_slice(item, "<a, \"\\");
    rest = G("");
    ck_assert(!sip_list_next(&rest, &item));
    rest = SP_STR_NULL;
    ck_assert(!sip_list_next(&rest, &item));
}
END_TEST

START_TEST(list_membership)
{
    sp_str allow = G("INVITE, ACK, BYE,CANCEL ,MESSAGE");
    ck_assert(sip_list_has(allow, SP_LIT("MESSAGE"), true));
    ck_assert(sip_list_has(allow, SP_LIT("CANCEL"), true));
    ck_assert(!sip_list_has(allow, SP_LIT("message"), true));
    ck_assert(sip_list_has(allow, SP_LIT("message"), false));
    ck_assert(!sip_list_has(allow, SP_LIT("INVIT"), true));
    ck_assert(!sip_list_has(G(""), SP_LIT("x"), false));
    ck_assert(sip_list_has(G("gruu, path, outbound"), SP_LIT("PATH"), false));
}
END_TEST

START_TEST(param_walking)
{
    sp_str rest = G(";a ; b = c;D=\"x;y\\\"\" ;e");
    sip_param prm;
    ck_assert(sip_param_next(&rest, &prm));
    ck_assert_slice(prm.name, "a");
    ck_assert_absent(prm.value);
    ck_assert(sip_param_next(&rest, &prm));
    ck_assert_slice(prm.name, "b");
    ck_assert_slice(prm.value, "c");
    ck_assert(sip_param_next(&rest, &prm));
    ck_assert_slice(prm.name, "D");
    ck_assert_slice(prm.value, "\"x;y\\\"\"");
    ck_assert(sip_param_next(&rest, &prm));
    ck_assert_slice(prm.name, "e");
    ck_assert(!sip_param_next(&rest, &prm));
    /* without the leading ';' */
    rest = G("tag=1");
    ck_assert(sip_param_next(&rest, &prm));
    ck_assert_slice(prm.value, "1");
    /* malformed input stops the walk and empties the rest */
    rest = G("a;=b;c");
    ck_assert(sip_param_next(&rest, &prm));
    ck_assert(!sip_param_next(&rest, &prm));
    ck_assert_uint_eq(rest.n, 0);
    rest = G("a=\"open");
    ck_assert(!sip_param_next(&rest, &prm));
    rest = G("a b");
    ck_assert(!sip_param_next(&rest, &prm));
    sp_str v;
    sp_str params = G("x=1;Expires=3600;lr");
    ck_assert(sip_param_find(params, "expires", &v));
    ck_assert_slice(v, "3600");
    ck_assert(sip_param_find(params, "LR", &v));
    ck_assert_absent(v);
    ck_assert(!sip_param_find(params, "l", &v));
    ck_assert(!sip_param_find(SP_STR_NULL, "l", &v));
}
END_TEST

START_TEST(unquoting)
{
    ck_assert_slice(sip_unquote(G("\"a\\\"b\"")), "a\\\"b");
    ck_assert_slice(sip_unquote(G("\"\"")), "");
    ck_assert_slice(sip_unquote(G("token")), "token");
    ck_assert_slice(sip_unquote(G("\"\\\"")), "\"\\\"");
    ck_assert_slice(sip_unquote(G("\"")), "\"");
    ck_assert_slice(sip_unquote(G("\"a\"b\"")), "\"a\"b\"");
    ck_assert_absent(sip_unquote(SP_STR_NULL));
}
END_TEST

static Suite *sip_hdr_suite(void)
{
    Suite *s = suite_create("sip_hdr");
    TCase *tc = tcase_create("hdr");
    tcase_add_test(tc, via_full);
    tcase_add_test(tc, via_forms);
    tcase_add_test(tc, via_errors);
    tcase_add_test(tc, addr_name_addr_forms);
    tcase_add_test(tc, addr_spec_params_belong_to_header);
    tcase_add_test(tc, addr_star);
    tcase_add_test(tc, addr_errors);
    tcase_add_test(tc, cseq_values);
    tcase_add_test(tc, uint_limits);
    tcase_add_test(tc, callid_values);
    tcase_add_test(tc, media_types);
    tcase_add_test(tc, list_splitting);
    tcase_add_test(tc, list_membership);
    tcase_add_test(tc, param_walking);
    tcase_add_test(tc, unquoting);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_hdr_suite)
