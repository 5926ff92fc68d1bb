/* test_sdp_attr.c - the MSRP attributes: path, accept-types and their
 * wildcard matching, max-size, setup, direction, tokens. Every value sits
 * right before a guard page. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sdp_attr.h"

static sp_error err;

static sp_str g(const char *s) { return sp_str_make(guard_str(s), strlen(s)); }
static bool str_is(sp_str a, const char *b) { return a.p && sp_str_eq(a, sp_str_cstr(b)); }

START_TEST(path_one_and_several)
{
    sdp_path p;
    ck_assert_int_eq(sdp_path_parse(g("msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp"), &p, &err), 0);
    ck_assert_uint_eq(p.n, 1);
    ck_assert(str_is(p.uri[0], "msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp"));
    /* seed form with a space after the colon, relays, MSRPS, upper case */
    ck_assert_int_eq(sdp_path_parse(g(" msrps://relay.example:9000/r1;tcp  MSRP://h:1/s;tcp "), &p, &err), 0);
    ck_assert_uint_eq(p.n, 2);
    ck_assert(str_is(p.uri[0], "msrps://relay.example:9000/r1;tcp"));
    ck_assert(str_is(p.uri[1], "MSRP://h:1/s;tcp"));
}
END_TEST

START_TEST(path_errors)
{
    sdp_path p;
    static const struct {
        const char *v;
        size_t off;
    } bad[] = {
        {"sip:h;tcp", 0}, {"msrp://h:1/s", 0}, {"msrp://;tcp", 0}, {"msrp://h:1/s;", 0},
        {"msrp://h/s;tcp http://x;tcp", 15}, {"msrp://h/\"s;tcp", 0}, {"   ", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sdp_path_parse(g(bad[i].v), &p, &err), SP_EINVAL);
        ck_assert_uint_eq(err.offset, bad[i].off);
        ck_assert_int_eq(err.status, 400);
    }
}
END_TEST

START_TEST(path_limit)
{
    char v[1024] = "";
    for (int i = 0; i < SDP_PATH_MAX; i++)
        snprintf(v + strlen(v), sizeof v - strlen(v), "%smsrp://h%d/s;tcp", i ? " " : "", i);
    sdp_path p;
    ck_assert_int_eq(sdp_path_parse(g(v), &p, &err), 0);
    ck_assert_uint_eq(p.n, SDP_PATH_MAX);
    size_t len = strlen(v);
    snprintf(v + len, sizeof v - len, " msrp://last/s;tcp");
    ck_assert_int_eq(sdp_path_parse(g(v), &p, &err), SP_ELIMIT);
    ck_assert_uint_eq(err.offset, len + 1);
    ck_assert_int_eq(err.status, 488);
}
END_TEST

START_TEST(types_entries)
{
    sdp_types t;
    ck_assert_int_eq(sdp_types_parse(g(" message/cpim text/* * application/x;a=b;c=\"d e;f\" "), &t, &err), 0);
    ck_assert_uint_eq(t.n, 4);
    ck_assert(str_is(t.entry[0], "message/cpim"));
    ck_assert(str_is(t.entry[1], "text/*"));
    ck_assert(str_is(t.entry[2], "*"));
    ck_assert(str_is(t.entry[3], "application/x;a=b;c=\"d e;f\""));
}
END_TEST

START_TEST(types_errors)
{
    sdp_types t;
    static const struct {
        const char *v;
        size_t off;
    } bad[] = {
        {"text", 0},           {"text/", 5},         {"/plain", 0},         {"te(xt/plain", 0},
        {"text/plain;", 11},   {"text/plain;a", 11}, {"text/plain;a=", 13}, {"text/plain;a=\"x", 13},
        {"text/plain;=b", 11}, {"a/b **", 4},        {"", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(sdp_types_parse(g(bad[i].v), &t, &err) == SP_EINVAL, "%s", bad[i].v);
        ck_assert_msg(err.offset == bad[i].off, "%s: offset %zu", bad[i].v, err.offset);
    }
}
END_TEST

START_TEST(types_limit)
{
    char v[1024] = "";
    for (int i = 0; i < SDP_TYPES_MAX; i++)
        snprintf(v + strlen(v), sizeof v - strlen(v), "%sa/t%d", i ? " " : "", i);
    sdp_types t;
    ck_assert_int_eq(sdp_types_parse(g(v), &t, &err), 0);
    ck_assert_uint_eq(t.n, SDP_TYPES_MAX);
    strcat(v, " b/c");
    ck_assert_int_eq(sdp_types_parse(g(v), &t, &err), SP_ELIMIT);
    ck_assert_int_eq(err.status, 488);
}
END_TEST

START_TEST(type_covers_wildcards)
{
    ck_assert(sdp_type_covers(SP_LIT("*"), SP_LIT("text/plain")));
    ck_assert(sdp_type_covers(SP_LIT("*"), SP_LIT("*")));
    ck_assert(sdp_type_covers(SP_LIT("text/*"), SP_LIT("TEXT/Plain")));
    ck_assert(sdp_type_covers(SP_LIT("text/*"), SP_LIT("text/*")));
    ck_assert(sdp_type_covers(SP_LIT("text/plain;charset=utf-8"), SP_LIT("text/plain")));
    ck_assert(sdp_type_covers(SP_LIT("text/plain"), SP_LIT("text/plain;charset=\"x\"")));
    ck_assert(!sdp_type_covers(SP_LIT("text/plain"), SP_LIT("text/html")));
    ck_assert(!sdp_type_covers(SP_LIT("text/plain"), SP_LIT("text/*")));
    ck_assert(!sdp_type_covers(SP_LIT("text/*"), SP_LIT("*")));
    ck_assert(!sdp_type_covers(SP_LIT("text/*"), SP_LIT("image/png")));
    ck_assert(!sdp_type_covers(SP_LIT("text"), SP_LIT("text")));

    sdp_types a, b;
    ck_assert_int_eq(sdp_types_parse(SP_LIT("message/cpim text/*"), &a, NULL), 0);
    ck_assert(sdp_types_accept(&a, SP_LIT("text/vnd.wap.si")));
    ck_assert(!sdp_types_accept(&a, SP_LIT("image/png")));
    ck_assert_int_eq(sdp_types_parse(SP_LIT("text/plain"), &b, NULL), 0);
    ck_assert(sdp_types_intersect(&a, &b));
    ck_assert(sdp_types_intersect(&b, &a));
    ck_assert_int_eq(sdp_types_parse(SP_LIT("image/*"), &b, NULL), 0);
    ck_assert(!sdp_types_intersect(&a, &b));
    ck_assert_int_eq(sdp_types_parse(SP_LIT("*"), &b, NULL), 0);
    ck_assert(sdp_types_intersect(&a, &b));
    ck_assert(sdp_types_intersect(&b, &a));
}
END_TEST

START_TEST(max_size_values)
{
    uint64_t v;
    ck_assert_int_eq(sdp_max_size_parse(g("65536"), &v, &err), 0);
    ck_assert_uint_eq(v, 65536);
    ck_assert_int_eq(sdp_max_size_parse(g(" 18446744073709551615 "), &v, &err), 0);
    ck_assert(v == UINT64_MAX);
    ck_assert_int_eq(sdp_max_size_parse(g("18446744073709551616"), &v, &err), SP_EINVAL);
    ck_assert_str_eq(err.reason, "max-size: out of range");
    ck_assert_int_eq(sdp_max_size_parse(g("12k"), &v, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_max_size_parse(g("-1"), &v, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_max_size_parse(g(""), &v, &err), SP_EINVAL);
}
END_TEST

START_TEST(setup_roles)
{
    sdp_setup r;
    static const char *const names[] = {"active", "passive", "actpass", "holdconn"};
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(sdp_setup_parse(g(names[i]), &r, &err), 0);
        ck_assert_int_eq(r, SDP_SETUP_ACTIVE + i);
        ck_assert_str_eq(sdp_setup_name(r), names[i]);
    }
    ck_assert_int_eq(sdp_setup_parse(g(" passive"), &r, &err), 0); /* the seeds' form */
    ck_assert_int_eq(r, SDP_SETUP_PASSIVE);
    ck_assert_int_eq(sdp_setup_parse(g(" active "), &r, &err), 0);
    ck_assert_int_eq(sdp_setup_parse(g("PASSIVE"), &r, &err), 0);
    ck_assert_int_eq(sdp_setup_parse(g("passiv"), &r, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_setup_parse(g(" passive x"), &r, &err), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 1);
    ck_assert_ptr_null(sdp_setup_name(SDP_SETUP_NONE));
}
END_TEST

START_TEST(direction_levels)
{
    sdp_attr sa[] = {{SP_LIT("recvonly"), SP_STR_NULL}};
    sdp_attr ma[] = {{SP_LIT("path"), SP_LIT("x")}, {SP_LIT("inactive"), SP_STR_NULL},
                     {SP_LIT("sendonly"), SP_STR_NULL}};
    sdp_session s = {.attrs = sa, .nattrs = 0};
    sdp_media m = {.attrs = ma, .nattrs = 1};
    ck_assert_int_eq(sdp_media_direction(&s, &m), SDP_DIR_SENDRECV); /* RFC 3264 default */
    s.nattrs = 1;
    ck_assert_int_eq(sdp_media_direction(&s, &m), SDP_DIR_RECVONLY); /* session level */
    m.nattrs = 3;
    ck_assert_int_eq(sdp_media_direction(&s, &m), SDP_DIR_INACTIVE); /* media wins, first counts */
    /* "a=sendonly:x" is not the property */
    sdp_attr odd[] = {{SP_LIT("sendonly"), SP_LIT("x")}};
    m = (sdp_media){.attrs = odd, .nattrs = 1};
    s.nattrs = 0;
    ck_assert_int_eq(sdp_media_direction(&s, &m), SDP_DIR_SENDRECV);
    ck_assert_str_eq(sdp_direction_name(SDP_DIR_SENDONLY), "sendonly");
    ck_assert_str_eq(sdp_direction_name(SDP_DIR_INACTIVE), "inactive");
}
END_TEST

START_TEST(tokens)
{
    sp_str t;
    ck_assert_int_eq(sdp_token_parse(g(" a3cd20b8ae7f "), &t, &err), 0);
    ck_assert(str_is(t, "a3cd20b8ae7f"));
    ck_assert_int_eq(sdp_token_parse(g("a b"), &t, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_token_parse(g("a/b"), &t, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_token_parse(g(""), &t, &err), SP_EINVAL);
}
END_TEST

START_TEST(list_split_keeps_quotes)
{
    sp_str rest = g("  a \"b c\\\" d\"e\tf \"open"), w;
    const char *want[] = {"a", "\"b c\\\" d\"e", "f", "\"open"};
    for (int i = 0; i < 4; i++) {
        ck_assert(sdp_list_next(&rest, &w));
        ck_assert_msg(str_is(w, want[i]), "word %d: %.*s", i, (int)w.n, w.p);
    }
    ck_assert(!sdp_list_next(&rest, &w));
    /* a long word crosses the eight-byte fast path */
    rest = g("0123456789abcdefghij 0123456\"7 8\"9abcdefghij");
    ck_assert(sdp_list_next(&rest, &w));
    ck_assert_uint_eq(w.n, 20);
    ck_assert(sdp_list_next(&rest, &w));
    ck_assert_uint_eq(w.n, 23);
    ck_assert(!sdp_list_next(&rest, &w));
}
END_TEST

static Suite *sdp_attr_suite(void)
{
    Suite *su = suite_create("sdp_attr");
    TCase *tc = tcase_create("attr");
    tcase_add_test(tc, path_one_and_several);
    tcase_add_test(tc, path_errors);
    tcase_add_test(tc, path_limit);
    tcase_add_test(tc, types_entries);
    tcase_add_test(tc, types_errors);
    tcase_add_test(tc, types_limit);
    tcase_add_test(tc, type_covers_wildcards);
    tcase_add_test(tc, max_size_values);
    tcase_add_test(tc, setup_roles);
    tcase_add_test(tc, direction_levels);
    tcase_add_test(tc, tokens);
    tcase_add_test(tc, list_split_keeps_quotes);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(sdp_attr_suite)
