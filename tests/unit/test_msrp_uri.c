/* test_msrp_uri.c - MSRP URIs, paths and the comparison rules of RFC 4975 §6.1. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "msrp_uri.h"

static int parse(const char *s, msrp_uri *u, sp_error *err)
{
    return msrp_uri_parse(guard_str(s), strlen(s), u, err);
}

START_TEST(uri_parts)
{
    msrp_uri u;
    sp_error err;
    ck_assert_int_eq(parse("msrp://192.0.2.4:20000/jshA7weztas;tcp", &u, &err), 38);
    ck_assert(!u.secure && u.host_kind == MSRP_HOST_IPV4 && u.has_port && u.port == 20000);
    ck_assert(sp_str_eq(u.host, SP_LIT("192.0.2.4")) && sp_str_eq(u.session_id, SP_LIT("jshA7weztas")));
    ck_assert(sp_str_eq(u.transport, SP_LIT("tcp")) && !sp_str_present(u.params));
    ck_assert_int_gt(parse("MSRPS://alice@[2001:db8::1]:2855/a+b=/c;TCP;x=y;z", &u, &err), 0);
    ck_assert(u.secure && u.host_kind == MSRP_HOST_IPV6 && u.port == 2855);
    ck_assert(sp_str_eq(u.userinfo, SP_LIT("alice")) && sp_str_eq(u.host, SP_LIT("2001:db8::1")));
    ck_assert(u.addr[0] == 0x20 && u.addr[1] == 0x01 && u.addr[15] == 1);
    ck_assert(sp_str_eq(u.session_id, SP_LIT("a+b=/c")) && sp_str_eq(u.params, SP_LIT("x=y;z")));
    ck_assert_int_gt(parse("msrp://host.example.com;sctp", &u, &err), 0);
    ck_assert(u.host_kind == MSRP_HOST_NAME && !u.has_port && !sp_str_present(u.session_id));
    ck_assert_int_gt(parse("msrp://[::ffff:192.0.2.1]:1/s;tcp", &u, &err), 0);
    ck_assert(u.addr[10] == 0xff && u.addr[12] == 192 && u.addr[15] == 1);
    ck_assert_int_gt(parse("msrp://h:65535/s;tcp", &u, &err), 0);
    ck_assert_int_gt(parse("msrp://1.2.3.4.5/s;tcp", &u, &err), 0); /* a reg-name, not an address */
    ck_assert(u.host_kind == MSRP_HOST_NAME);
}
END_TEST

START_TEST(uri_errors)
{
    static const struct {
        const char *s;
        size_t offset;
    } bad[] = {
        {"http://a:1/s;tcp", 0},        {"msrp:/a:1/s;tcp", 4},          {"msrp://:1/s;tcp", 7},
        {"msrp://a:65536/s;tcp", 9},    {"msrp://a:/s;tcp", 9},          {"msrp://a:x/s;tcp", 9},
        {"msrp://1.2.3.4/s;tcp", 14},   {"msrp://[::1]/s;tcp", 12},      {"msrp://a:1/s", 12},
        {"msrp://a:1/s;", 13},          {"msrp://a:1/;tcp", 11},         {"msrp://a:1/s;t-p", 14},
        {"msrp://u:pw@a:1/s;tcp", 8},   {"msrp://[1::2::3]:1/s;tcp", 8}, {"msrp://[::1:1/s;tcp", 7},
        {"msrp://a b:1/s;tcp", 8},      {"msrp://a:1/s s;tcp", 12},      {"msrp://a:1/s;tcp;", 17},
        {"msrp://a:1/s;tcp;a=", 19},    {"msrp://a:1/s;tcp;=b", 17},     {"msrp://a%zz:1/s;tcp", 8},
        {"msrp://[1:2:3:4:5:6:7:8:9]:1/s;tcp", 8}, {"msrp://[::1]x:1/s;tcp", 12},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msrp_uri u;
        sp_error err = {0, NULL, 0};
        ck_assert_msg(parse(bad[i].s, &u, &err) == SP_EINVAL, "%s accepted", bad[i].s);
        ck_assert_msg(err.offset == bad[i].offset, "%s: offset %zu (%s)", bad[i].s, err.offset, err.reason);
        ck_assert_int_eq(err.status, 400);
    }
}
END_TEST

START_TEST(uri_comparison)
{
    static const struct {
        const char *a, *b;
        bool eq;
    } pairs[] = {
        {"msrp://a.example.com:7/s1;tcp", "MSRP://A.EXAMPLE.com:7/s1;TCP", true},
        {"msrp://a.example.com:7/s1;tcp", "msrp://user@a.example.com:7/s1;tcp", true},
        {"msrp://a.example.com:7/s1;tcp", "msrp://a.example.com:7/s1;tcp;foo=bar", true},
        {"msrp://%61.example.com:7/s1;tcp", "msrp://a.example.com:7/s1;tcp", true},
        {"msrp://[2001:db8::1]:7/s;tcp", "msrp://[2001:DB8:0:0:0:0:0:1]:7/s;tcp", true},
        {"msrp://[::ffff:10.0.0.1]:7/s;tcp", "msrp://[::ffff:a00:1]:7/s;tcp", true},
        {"msrp://a.example.com:7/s1;tcp", "msrps://a.example.com:7/s1;tcp", false},
        {"msrp://a.example.com:7/s1;tcp", "msrp://a.example.com:8/s1;tcp", false},
        {"msrp://a.example.com:7/s1;tcp", "msrp://a.example.com/s1;tcp", false},
        {"msrp://a.example.com:7/s1;tcp", "msrp://a.example.com:7/S1;tcp", false},
        {"msrp://a.example.com:7/s1;tcp", "msrp://a.example.com:7;tcp", false},
        {"msrp://a.example.com:7/s1;tcp", "msrp://a.example.com:7/s1;sctp", false},
        {"msrp://192.0.2.1:7/s;tcp", "msrp://192.0.2.2:7/s;tcp", false},
        {"msrp://192.0.2.1:7/s;tcp", "msrp://[::ffff:192.0.2.1]:7/s;tcp", false},
        {"msrp://b.example.com:7/s1;tcp", "msrp://a.example.com:7/s1;tcp", false},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        msrp_uri a, b;
        ck_assert_int_gt(msrp_uri_parse(pairs[i].a, strlen(pairs[i].a), &a, NULL), 0);
        ck_assert_int_gt(msrp_uri_parse(pairs[i].b, strlen(pairs[i].b), &b, NULL), 0);
        ck_assert_msg(msrp_uri_eq(&a, &b) == pairs[i].eq, "%s vs %s", pairs[i].a, pairs[i].b);
        ck_assert_msg(msrp_uri_eq(&b, &a) == pairs[i].eq, "%s vs %s", pairs[i].b, pairs[i].a);
    }
}
END_TEST

START_TEST(paths)
{
    static const char v[] = "msrps://relay.example.com:2855/r1;tcp msrp://192.0.2.4:20000/s;tcp";
    msrp_uri u[2];
    sp_error err;
    ck_assert_int_eq(msrp_path_parse(sp_str_make(guard_str(v), sizeof v - 1), u, 2, &err), 2);
    ck_assert(u[0].secure && u[1].port == 20000);
    ck_assert_int_eq(msrp_path_parse(sp_str_make(v, sizeof v - 1), u, 1, &err), 2); /* counts past max */
    ck_assert_int_eq(msrp_path_parse(SP_LIT(""), u, 2, &err), SP_EINVAL);
    static const char bad[] = "msrp://a:1/s;tcp msrp://b:1/s";
    ck_assert_int_eq(msrp_path_parse(sp_str_make(guard_str(bad), sizeof bad - 1), u, 2, &err), SP_EINVAL);
    ck_assert_uint_eq(err.offset, sizeof bad - 1);
}
END_TEST

static Suite *msrp_uri_suite(void)
{
    Suite *s = suite_create("msrp_uri");
    TCase *tc = tcase_create("uri");
    tcase_add_test(tc, uri_parts);
    tcase_add_test(tc, uri_errors);
    tcase_add_test(tc, uri_comparison);
    tcase_add_test(tc, paths);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_uri_suite)
