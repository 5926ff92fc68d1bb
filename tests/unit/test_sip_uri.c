/* test_sip_uri.c - SIP, SIPS, TEL and opaque URIs, percent-decoding, URI
 * parameters and the RFC 3261 §19.1.4 comparison. */
#include <stdio.h>

#include "check_main.h"
#include "sip_lex_impl.h"
#include "sip_test_util.h"
#include "sip_uri.h"

static sip_uri u;
static sp_error err;

static int parse(const char *s) { return sip_uri_parse(G(s), &u, &err); }

/* Parsing fails at the given offset. */
#define ck_uri_bad(s, off)                                                             \
    do {                                                                               \
        err = (sp_error){0};                                                           \
        ck_assert_msg(parse(s) == SP_EINVAL, "accepted %s", (s));                     \
        ck_assert_msg(err.offset == (off), "%s: offset %zu, wanted %d (%s)", (s), err.offset, \
                      (int)(off), err.reason);                                         \
        ck_assert_int_eq(err.status, 400);                                             \
        ck_assert_ptr_nonnull(err.reason);                                             \
    } while (0)

START_TEST(character_table_matches_grammar)
{
    static const struct {
        unsigned cls;
        const char *chars;
    } sets[] = {
        {SIP_C_TOKEN, "-.!%*_+`'~"},
        {SIP_C_UNRES, "-_.!~*'()"},
        {SIP_C_USER, "-_.!~*'()&=+$,;?/"},
        {SIP_C_PASS, "-_.!~*'()&=+$,"},
        {SIP_C_PARAM, "-_.!~*'()[]/:&+$"},
        {SIP_C_HNV, "-_.!~*'()[]/?:+$"},
        {SIP_C_WORD, "-.!%*_+`'~()<>:\\\"/[]?{}"},
        {SIP_C_URIC, "-_.!~*'();/?:@&=+$,[]"},
        {SIP_C_GVAL, "-.!%*_+`'~:[]"},
        {SIP_C_HOST, "-."},
    };
    for (unsigned c = 0; c < 256; c++) {
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        bool digit = c >= '0' && c <= '9';
        ck_assert_int_eq(sip_is((char)c, SIP_C_ALPHA), alpha);
        ck_assert_int_eq(sip_is((char)c, SIP_C_DIGIT), digit);
        ck_assert_int_eq(sip_is((char)c, SIP_C_ALNUM), alpha || digit);
        ck_assert_int_eq(sip_is((char)c, SIP_C_HEX), digit || ((c | 32) >= 'a' && (c | 32) <= 'f'));
        ck_assert_int_eq(sip_is((char)c, SIP_C_WS), c == ' ' || c == '\t' || c == '\r' || c == '\n');
        bool qd = c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x21 || (c >= 0x23 && c <= 0x5b) ||
                  (c >= 0x5d && c <= 0x7e) || c >= 0x80;
        ck_assert_int_eq(sip_is((char)c, SIP_C_QDTEXT), qd);
        for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
            bool want = (alpha || digit) || (c && strchr(sets[k].chars, (int)c));
            ck_assert_msg(sip_is((char)c, sets[k].cls) == want, "class %u char 0x%02x", sets[k].cls, c);
        }
    }
}
END_TEST

START_TEST(full_sip_uri)
{
    ck_assert_int_eq(parse("sips:al%20ice:se%41cret@Example.COM:5061;transport=tls;lr;x=%5b?Subject=hi&a=b"), 0);
    ck_assert_int_eq(u.scheme, SIP_URI_SIPS);
    ck_assert_slice(u.scheme_str, "sips");
    ck_assert_slice(u.user, "al%20ice");
    ck_assert_slice(u.password, "se%41cret");
    ck_assert_slice(u.host, "Example.COM");
    ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
    ck_assert(u.has_port);
    ck_assert_uint_eq(u.port, 5061);
    ck_assert_slice(u.params, "transport=tls;lr;x=%5b");
    ck_assert_slice(u.headers, "Subject=hi&a=b");
    ck_assert_absent(u.opaque);
}
END_TEST

START_TEST(minimal_and_corpus_uris)
{
    ck_assert_int_eq(parse("sip:registrar.example.com"), 0);
    ck_assert_absent(u.user);
    ck_assert_absent(u.password);
    ck_assert_absent(u.params);
    ck_assert_absent(u.headers);
    ck_assert(!u.has_port);
    ck_assert_int_eq(parse("SIP:bob@example.com;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), 0);
    ck_assert_int_eq(u.scheme, SIP_URI_SIP);
    ck_assert_slice(u.params, "gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    ck_assert_int_eq(parse("sip:psa@example.com;method=SUBSCRIBE?Event=ua-profile%3Bprofile-type%3Doma-app"
                           "&Accept-Contact=*%3B%2Bg.oma.pusheventapp%3D%22wml.ua%22&Expires=3600"),
                     0);
    ck_assert_slice(u.headers, "Event=ua-profile%3Bprofile-type%3Doma-app&Accept-Contact=*%3B%2Bg.oma."
                               "pusheventapp%3D%22wml.ua%22&Expires=3600");
    /* user may hold ';' '?' '/' (user-unreserved) and the password may be empty */
    ck_assert_int_eq(parse("sip:a;b?c/d=e:@h"), 0);
    ck_assert_slice(u.user, "a;b?c/d=e");
    ck_assert_slice(u.password, "");
    ck_assert_int_eq(parse("sip:h.example.com.;lr"), 0);
    ck_assert_slice(u.host, "h.example.com.");
    /* header with empty value */
    ck_assert_int_eq(parse("sip:h?a="), 0);
    ck_assert_slice(u.headers, "a=");
}
END_TEST

START_TEST(hosts)
{
    ck_assert_int_eq(parse("sip:192.0.2.4:5060"), 0);
    ck_assert_int_eq(u.host_type, SIP_HOST_IPV4);
    ck_assert_slice(u.host, "192.0.2.4");
    const char *v6[] = {"sip:[::1]", "sip:[::]", "sip:[2001:db8::1]:5060", "sip:[1:2:3:4:5:6:7:8]",
                        "sip:[::ffff:192.0.2.1]", "sip:[1::]", "sip:[1:2:3:4:5:6:1.2.3.4]", "sip:[A:b::C]"};
    for (size_t k = 0; k < sizeof v6 / sizeof v6[0]; k++) {
        ck_assert_msg(parse(v6[k]) == 0, "%s: %s", v6[k], err.reason);
        ck_assert_int_eq(u.host_type, SIP_HOST_IPV6);
        ck_assert(u.host.p[0] == '[' && u.host.p[u.host.n - 1] == ']');
    }
    ck_assert_int_eq(parse("sip:a-b.c9"), 0);
    ck_assert_int_eq(u.host_type, SIP_HOST_NAME);
    const char *bad[] = {"sip:[1:2:3:4:5:6:7:8:9]", "sip:[1::2::3]", "sip:[12345::]", "sip:[1:2:3:4:5:6:7]",
                         "sip:[:1]", "sip:[1:]", "sip:[::1", "sip:[1::1.2.3]", "sip:[1:2:3:4:5:6:7:1.2.3.4]",
                         "sip:[1::256.1.1.1]", "sip:[g::]", "sip:[]"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        ck_uri_bad(bad[k], 4);
    ck_uri_bad("sip:256.1.1.1", 4);
    ck_uri_bad("sip:1.2.3", 4);
    ck_uri_bad("sip:1.2.3.4.5", 4);
    ck_uri_bad("sip:0001.2.3.4", 4);
    ck_uri_bad("sip:-a.com", 4);
    ck_uri_bad("sip:a-.com", 4);
    ck_uri_bad("sip:a..com", 4);
    ck_uri_bad("sip:a.9com", 4);
    ck_uri_bad("sip:a.com..", 4);
    ck_uri_bad("sip:u@", 6);
    ck_uri_bad("sip:", 4);
    ck_uri_bad("sip:h_x", 5);
}
END_TEST

START_TEST(ports_at_the_limit)
{
    ck_assert_int_eq(parse("sip:h:65535"), 0);
    ck_assert_uint_eq(u.port, 65535);
    ck_assert_int_eq(parse("sip:h:0"), 0);
    ck_assert(u.has_port);
    ck_assert_uint_eq(u.port, 0);
    ck_uri_bad("sip:h:65536", 6);
    ck_uri_bad("sip:h:99999999999999999999999", 6);
    ck_uri_bad("sip:h:", 6);
    ck_uri_bad("sip:h:5x", 7);
}
END_TEST

START_TEST(malformed_sip_uris)
{
    ck_uri_bad("", 0);
    ck_uri_bad("1sip:h", 0);
    ck_uri_bad("sip", 3);
    ck_uri_bad("sip h", 3);
    ck_uri_bad("sip:@h", 4);
    ck_uri_bad("sip:a%2@h", 5);
    ck_uri_bad("sip:a%g0@h", 5);
    ck_uri_bad("sip:a<b@h", 5);
    ck_uri_bad("sip:a:p<@h", 7);
    ck_uri_bad("sip:a:p%@h", 7);
    ck_uri_bad("sip:h;", 6);
    ck_uri_bad("sip:h;=x", 6);
    ck_uri_bad("sip:h;a=", 8);
    ck_uri_bad("sip:h;a=%zz", 8);
    ck_uri_bad("sip:h;a=b c", 9);
    ck_uri_bad("sip:h?", 6);
    ck_uri_bad("sip:h?a", 7);
    ck_uri_bad("sip:h?a=b&", 10);
    ck_uri_bad("sip:h?a=%", 8);
    ck_uri_bad("sip:h>", 5);
    /* a NUL is just a bad byte, never an end */
    err = (sp_error){0};
    ck_assert_int_eq(sip_uri_parse(sp_str_make(guard_copy("sip:a\0b@h", 9), 9), &u, &err), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 5);
}
END_TEST

START_TEST(tel_uris)
{
    ck_assert_int_eq(parse("tel:+1-555-123.0000;ext=12;isub=%41"), 0);
    ck_assert_int_eq(u.scheme, SIP_URI_TEL);
    ck_assert_slice(u.user, "+1-555-123.0000");
    ck_assert_slice(u.params, "ext=12;isub=%41");
    ck_assert_absent(u.host);
    ck_assert_int_eq(parse("TEL:+15551230000"), 0);
    ck_assert_absent(u.params);
    ck_assert_int_eq(parse("tel:7042;phone-context=example.com"), 0);
    ck_assert_int_eq(parse("tel:*12#;phone-context=+1"), 0);
    ck_uri_bad("tel:7042", 4);
    ck_uri_bad("tel:+", 4);
    ck_uri_bad("tel:+--", 4);
    ck_uri_bad("tel:+1a", 6);
    ck_uri_bad("tel:+1;", 7);
    ck_uri_bad("tel:+1;a=", 9);
    ck_uri_bad("tel:+1;a_b", 8);
    ck_uri_bad("tel:+1;a=%x", 9);
}
END_TEST

START_TEST(opaque_uris)
{
    ck_assert_int_eq(parse("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), 0);
    ck_assert_int_eq(u.scheme, SIP_URI_OTHER);
    ck_assert_slice(u.scheme_str, "urn");
    ck_assert_slice(u.opaque, "uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    ck_assert_int_eq(parse("http://content.example.com/push/a3cd?x=1"), 0);
    ck_assert_int_eq(parse("x-a.b+c:%20"), 0);
    ck_uri_bad("urn:", 4);
    ck_uri_bad("urn:a b", 5);
    ck_uri_bad("urn:a%", 5);
}
END_TEST

START_TEST(uri_param_lookup)
{
    ck_assert_int_eq(parse("sip:h;Transport=TCP;lr;maddr=1.2.3.4;x="), SP_EINVAL);
    ck_assert_int_eq(parse("sip:h;Transport=TCP;lr;maddr=1.2.3.4"), 0);
    sp_str v;
    ck_assert(sip_uri_param(&u, "transport", &v));
    ck_assert_slice(v, "TCP");
    ck_assert(sip_uri_param(&u, "LR", &v));
    ck_assert_absent(v);
    ck_assert(sip_uri_param(&u, "maddr", NULL));
    ck_assert(!sip_uri_param(&u, "ttl", &v));
    ck_assert(!sip_uri_param(&u, "l", &v));
    ck_assert_int_eq(parse("sip:h"), 0);
    ck_assert(!sip_uri_param(&u, "lr", &v));
}
END_TEST

START_TEST(percent_decoding)
{
    char out[16];
    ck_assert_uint_eq(sp_pct_decode(G("a%20b%7e"), out, sizeof out), 4);
    ck_assert(memcmp(out, "a b~", 4) == 0);
    ck_assert_uint_eq(sp_pct_decode(G("%00"), out, sizeof out), 1);
    ck_assert_int_eq(out[0], 0);
    ck_assert_uint_eq(sp_pct_decode(G(""), out, 0), 0);
    ck_assert_uint_eq(sp_pct_decode(G("abc"), out, 3), 3);
    ck_assert_uint_eq(sp_pct_decode(G("abc"), out, 2), (size_t)-1);
    ck_assert_uint_eq(sp_pct_decode(G("%41%4"), out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(sp_pct_decode(G("%"), out, sizeof out), (size_t)-1);
    ck_assert_uint_eq(sp_pct_decode(G("%4g"), out, sizeof out), (size_t)-1);
}
END_TEST

static bool equal(const char *a, const char *b)
{
    static char ca[256], cb[256];
    sip_uri x, y;
    snprintf(ca, sizeof ca, "%s", a);
    snprintf(cb, sizeof cb, "%s", b);
    ck_assert_msg(sip_uri_parse(sp_str_cstr(ca), &x, NULL) == 0, "parse %s", a);
    ck_assert_msg(sip_uri_parse(sp_str_cstr(cb), &y, NULL) == 0, "parse %s", b);
    bool ab = sip_uri_equal(&x, &y), ba = sip_uri_equal(&y, &x);
    ck_assert_msg(ab == ba, "comparison not symmetric: %s %s", a, b);
    return ab;
}

START_TEST(comparison_equal_sets)
{
    ck_assert(equal("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
    ck_assert(equal("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
    ck_assert(equal("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"));
    ck_assert(equal("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"));
    ck_assert(equal("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
                    "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"));
    ck_assert(equal("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
                    "sip:alice@atlanta.com?priority=urgent&subject=project%20x"));
    ck_assert(equal("sip:a:%70w@h", "sip:a:pw@h"));
    ck_assert(equal("sip:h;lr", "sip:h;LR"));
    ck_assert(equal("tel:+1-555-0000;ext=1", "tel:+15550000;EXT=1"));
    ck_assert(equal("urn:uuid:1", "URN:uuid:1"));
    /* duplicated names still compare equal to themselves */
    ck_assert(equal("sip:h;x=1;x=2?a=1&a=2", "sip:h;x=2;x=1?a=2&a=1"));
    ck_assert(equal("tel:+1;a=1;a=2", "tel:+1;a=2;a=1"));
}
END_TEST

START_TEST(comparison_unequal_sets)
{
    ck_assert(!equal("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
    ck_assert(!equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
    ck_assert(!equal("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
    ck_assert(!equal("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
    ck_assert(!equal("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
    ck_assert(!equal("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"));
    ck_assert(!equal("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"));
    ck_assert(!equal("sip:h", "sips:h"));
    ck_assert(!equal("sip:h", "sip:u@h"));
    ck_assert(!equal("sip:u@h", "sip:u:p@h"));
    ck_assert(!equal("sip:u:p@h", "sip:u:P@h"));
    ck_assert(!equal("sip:h:5060", "sip:h:5061"));
    ck_assert(!equal("sip:h;user=phone", "sip:h"));
    ck_assert(!equal("sip:h;ttl=1", "sip:h"));
    ck_assert(!equal("sip:h;method=INVITE", "sip:h"));
    ck_assert(!equal("sip:h;maddr=1.2.3.4", "sip:h"));
    ck_assert(!equal("sip:h;lr", "sip:h;lr=on"));
    /* an escaped reserved character is not the character itself */
    ck_assert(!equal("sip:a%3Bb@h", "sip:a;b@h"));
    ck_assert(!equal("sip:h?a=1", "sip:h?a=1&b=2"));
    ck_assert(!equal("sip:h?a=1", "sip:h?b=1"));
    ck_assert(!equal("tel:+1555", "tel:+1556"));
    ck_assert(!equal("tel:+1555;ext=1", "tel:+1555"));
    ck_assert(!equal("tel:+1555", "sip:+1555@h"));
    ck_assert(!equal("urn:a", "urn:b"));
    ck_assert(!equal("urn:a", "tag:a"));
    ck_assert(!equal("sip:h?a=1&a=1", "sip:h?a=1&a=2"));
    ck_assert(!equal("sip:h;x=1", "sip:h;x=1;x=2"));
    ck_assert(!equal("tel:+1;a=1;a=1", "tel:+1;a=1;a=2"));
}
END_TEST

static Suite *sip_uri_suite(void)
{
    Suite *s = suite_create("sip_uri");
    TCase *tc = tcase_create("uri");
    tcase_add_test(tc, character_table_matches_grammar);
    tcase_add_test(tc, full_sip_uri);
    tcase_add_test(tc, minimal_and_corpus_uris);
    tcase_add_test(tc, hosts);
    tcase_add_test(tc, ports_at_the_limit);
    tcase_add_test(tc, malformed_sip_uris);
    tcase_add_test(tc, tel_uris);
    tcase_add_test(tc, opaque_uris);
    tcase_add_test(tc, uri_param_lookup);
    tcase_add_test(tc, percent_decoding);
    tcase_add_test(tc, comparison_equal_sets);
    tcase_add_test(tc, comparison_unequal_sets);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_uri_suite)
