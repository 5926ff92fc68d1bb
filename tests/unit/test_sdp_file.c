/* test_sdp_file.c - the RFC 5547 attributes: file-selector, file names and
 * hashes, file-date and RFC 5322 dates, file-range, file-icon. Every value
 * sits right before a guard page. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sdp_file.h"

static sp_error err;

static sp_str g(const char *s) { return sp_str_make(guard_str(s), strlen(s)); }
static bool str_is(sp_str a, const char *b) { return a.p && sp_str_eq(a, sp_str_cstr(b)); }

#define HASH "72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E"

START_TEST(selector_seed_form)
{
    sdp_file_selector fs;
    ck_assert_int_eq(sdp_file_selector_parse(g("name:\"pushid-a3cd20b8ae7f\" type:text/vnd.wap.si size:4092 hash:sha-1:" HASH), &fs, &err), 0);
    ck_assert(str_is(fs.name, "pushid-a3cd20b8ae7f"));
    ck_assert(str_is(fs.type, "text/vnd.wap.si"));
    ck_assert(fs.has_size);
    ck_assert_uint_eq(fs.size, 4092);
    ck_assert(str_is(fs.hash_algorithm, "sha-1"));
    ck_assert(str_is(fs.hash_value, HASH));
}
END_TEST

START_TEST(selector_liberal_and_any_order)
{
    sdp_file_selector fs;
    /* the seed's "type: text/vnd.wap.si", leading space, any order */
    ck_assert_int_eq(sdp_file_selector_parse(g(" size:1 type: text/vnd.wap.si  name: \"a b\" "), &fs, &err), 0);
    ck_assert(str_is(fs.type, "text/vnd.wap.si"));
    ck_assert(str_is(fs.name, "a b"));
    ck_assert_uint_eq(fs.size, 1);
    ck_assert_ptr_null(fs.hash_algorithm.p);
    /* each selector alone */
    ck_assert_int_eq(sdp_file_selector_parse(g("size:0"), &fs, &err), 0);
    ck_assert(fs.has_size && fs.size == 0 && !fs.name.p && !fs.type.p);
    ck_assert_int_eq(sdp_file_selector_parse(g("hash:sha-256:AB:cd"), &fs, &err), 0);
    ck_assert(str_is(fs.hash_value, "AB:cd"));
    ck_assert_int_eq(sdp_file_selector_parse(g("type:text/plain;charset=\"utf-8\";format=flowed"), &fs, &err), 0);
    ck_assert(str_is(fs.type, "text/plain;charset=\"utf-8\";format=flowed"));
    ck_assert_int_eq(sdp_file_selector_parse(g("NAME:\"x%22y\\\"z\""), &fs, &err), 0);
    ck_assert(str_is(fs.name, "x%22y\\\"z"));
}
END_TEST

START_TEST(selector_errors)
{
    sdp_file_selector fs;
    static const struct {
        const char *v;
        size_t off;
        const char *reason;
    } bad[] = {
        {"", 0, "file-selector: empty"},
        {"name:\"a\" name:\"b\"", 9, "file-selector: duplicate name"},
        {"size:1 size:2", 7, "file-selector: duplicate size"},
        {"type:a/b type:a/c", 9, "file-selector: duplicate type"},
        {"hash:sha-1:" HASH " hash:sha-1:" HASH, 71, "file-selector: duplicate hash"},
        {"color:red", 0, "file-selector: unknown selector"},
        {"size", 0, "file-selector: selector without value"},
        {"size:", 0, "file-selector: selector without value"},
        {"name:x", 5, "file-selector: bad name"},
        {"name:\"\"", 5, "file-selector: bad name"},
        {"name:\"a%2\"", 7, "file-selector: bad name"},
        {"name:\"a%zz\"", 7, "file-selector: bad name"},
        {"name:\"a\"b\"", 7, "file-selector: bad name"},
        {"type:text", 5, "file-selector: bad type"},
        {"type:text/*", 10, "file-selector: bad type"},
        {"type:*", 5, "file-selector: bad type"},
        {"size:12a", 5, "file-selector: bad size"},
        {"size:18446744073709551616", 5, "file-selector: bad size"},
        {"hash::72", 5, "file-selector: bad hash algorithm"},
        {"hash:sha-1", 5, "file-selector: bad hash algorithm"},
        {"hash:sha-1:7", 11, "file-selector: bad hash value"},
        {"hash:sha-1:72:2", 14, "file-selector: bad hash value"},
        {"hash:sha-1:72;24", 13, "file-selector: bad hash value"},
        {"hash:sha-1:7G", 11, "file-selector: bad hash value"},
        {"hash:sha-1:72:", 14, "file-selector: bad hash value"},
        {"hash:sha-1:72:24", 11, "file-selector: sha-1 hash is not 20 bytes"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(sdp_file_selector_parse(g(bad[i].v), &fs, &err) == SP_EINVAL, "%s", bad[i].v);
        ck_assert_msg(err.offset == bad[i].off, "%s: offset %zu", bad[i].v, err.offset);
        ck_assert_str_eq(err.reason, bad[i].reason);
        ck_assert_int_eq(err.status, 400);
    }
}
END_TEST

START_TEST(name_decode_and_encode)
{
    char out[64];
    ck_assert_int_eq(sdp_file_name_decode(SP_LIT("a%20b%2Fc\\\"d"), out, sizeof out), 7);
    ck_assert(memcmp(out, "a b/c\"d", 7) == 0);
    ck_assert_int_eq(sdp_file_name_decode(SP_LIT("abc"), out, 2), SP_ENOSPC);
    ck_assert_int_eq(sdp_file_name_decode(SP_LIT("abc"), out, 3), 3);

    sp_str raw = SP_LIT("my \"file\"/100%\r\n.txt\\");
    long n = sdp_file_name_encode(raw, out, sizeof out);
    ck_assert_int_eq(n, (long)strlen("my %22file%22%2F100%25%0D%0A.txt%5C"));
    ck_assert(memcmp(out, "my %22file%22%2F100%25%0D%0A.txt%5C", (size_t)n) == 0);
    /* the encoded name parses as a name selector and decodes back */
    char sel[96] = "name:\"";
    memcpy(sel + 6, out, (size_t)n);
    strcpy(sel + 6 + n, "\"");
    sdp_file_selector fs;
    ck_assert_int_eq(sdp_file_selector_parse(g(sel), &fs, &err), 0);
    char back[64];
    ck_assert_int_eq(sdp_file_name_decode(fs.name, back, sizeof back), (long)raw.n);
    ck_assert(memcmp(back, raw.p, raw.n) == 0);
    /* too small at every capacity */
    for (size_t cap = 0; cap < (size_t)n; cap++)
        ck_assert_int_eq(sdp_file_name_encode(raw, out, cap), SP_ENOSPC);
}
END_TEST

/* RFC 5547 §5: the type keeps its parameters, each value in DQUOTEs and
 * re-encoded on the way between a Content-Type and the selector. */
START_TEST(type_parameters_both_ways)
{
    static const struct {
        const char *content_type, *selector;
    } cases[] = {
        {"text/plain", "text/plain"},
        {"text/plain;charset=UTF-8", "text/plain;charset=\"UTF-8\""},
        {"text/plain; charset=UTF-8; format=flowed", "text/plain;charset=\"UTF-8\";format=\"flowed\""},
        {"application/x;name=\"a b%\\\"c\"", "application/x;name=\"a%20b%25%22c\""},
        {"image/png;x=\"caf\xc3\xa9\"", "image/png;x=\"caf\xc3\xa9\""},
    };
    char out[256], back[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long n = sdp_file_type_encode(g(cases[i].content_type), out, sizeof out);
        ck_assert_msg(n > 0, "%s", cases[i].content_type);
        out[n] = '\0';
        ck_assert_str_eq(out, cases[i].selector);
        /* what the encoder writes, the selector parser takes with its parameters */
        sdp_file_selector fs;
        char attr[300];
        snprintf(attr, sizeof attr, "type:%s", out);
        ck_assert_int_eq(sdp_file_selector_parse(g(attr), &fs, &err), 0);
        ck_assert(str_is(fs.type, cases[i].selector));
        long m = sdp_file_type_decode(fs.type, back, sizeof back);
        ck_assert_int_gt(m, 0);
        back[m] = '\0';
        long again = sdp_file_type_encode(sp_str_make(back, (size_t)m), attr, sizeof attr);
        ck_assert_int_eq(again, n); /* decode then encode is the identity */
        ck_assert_mem_eq(attr, out, (size_t)n);
    }
    /* decoding: tokens bare, others quoted; liberal bare values */
    long n = sdp_file_type_decode(g("text/plain;charset=\"UTF-8\";name=\"a%20b\";x=y"), out, sizeof out);
    out[n] = '\0';
    ck_assert_str_eq(out, "text/plain;charset=UTF-8;name=\"a b\";x=y");
    /* refused: no subtype, a parameter without value, a value holding CR, too small */
    ck_assert_int_eq(sdp_file_type_decode(g("text"), out, sizeof out), SP_EINVAL);
    ck_assert_int_eq(sdp_file_type_decode(g("text/plain;charset"), out, sizeof out), SP_EINVAL);
    ck_assert_int_eq(sdp_file_type_decode(g("text/plain;charset=\"a%0Db\""), out, sizeof out), SP_EINVAL);
    ck_assert_int_eq(sdp_file_type_decode(g("text/plain;charset=\"open"), out, sizeof out), SP_EINVAL);
    ck_assert_int_eq(sdp_file_type_encode(g("text/plain;charset=UTF-8"), out, 20), SP_ENOSPC);
    ck_assert_int_eq(sdp_file_type_encode(g("text/plain;charset=UTF-8"), out, 26), 26);
}
END_TEST

START_TEST(hash_decode)
{
    uint8_t h[SDP_SHA1_LEN];
    ck_assert_int_eq(sdp_hash_decode(SP_LIT(HASH), h, sizeof h), SDP_SHA1_LEN);
    ck_assert_uint_eq(h[0], 0x72);
    ck_assert_uint_eq(h[19], 0x2E);
    ck_assert_int_eq(sdp_hash_decode(SP_LIT("ab:CD"), h, sizeof h), 2);
    ck_assert_uint_eq(h[0], 0xab);
    ck_assert_uint_eq(h[1], 0xcd);
    ck_assert_int_eq(sdp_hash_decode(SP_LIT(HASH), h, SDP_SHA1_LEN - 1), SP_ENOSPC);
    ck_assert_int_eq(sdp_hash_decode(SP_LIT("ab:"), h, sizeof h), SP_EINVAL);
}
END_TEST

START_TEST(file_date_params)
{
    sdp_file_date d;
    ck_assert_int_eq(sdp_file_date_parse(g("modification:\"Tue, 31 Jul 2001 10:13:00 GMT\""), &d, &err), 0);
    ck_assert(str_is(d.modification, "Tue, 31 Jul 2001 10:13:00 GMT"));
    ck_assert_ptr_null(d.creation.p);
    ck_assert_ptr_null(d.read.p);
    ck_assert_int_eq(sdp_file_date_parse(g(" read:\"1 Jan 2020 00:00 +0000\" creation: \"Mon, 02 Nov 2026 09:12:44 +0000\" "
                                           "modification:\"Tue, 03 Nov 2026 17:40:02 -0130\""), &d, &err), 0);
    ck_assert(str_is(d.creation, "Mon, 02 Nov 2026 09:12:44 +0000"));
    ck_assert(str_is(d.read, "1 Jan 2020 00:00 +0000"));
    ck_assert(str_is(d.modification, "Tue, 03 Nov 2026 17:40:02 -0130"));

    static const struct {
        const char *v;
        size_t off;
        const char *reason;
    } bad[] = {
        {"", 0, "file-date: empty"},
        {"birth:\"1 Jan 2020 00:00 GMT\"", 0, "file-date: unknown date parameter"},
        {"read:\"1 Jan 2020 00:00 GMT\" read:\"1 Jan 2020 00:00 GMT\"", 28, "file-date: duplicate date parameter"},
        {"read:1 Jan 2020", 5, "file-date: date is not quoted"},
        {"read:", 5, "file-date: date is not quoted"},
        {"read:\"1 Jam 2020 00:00 GMT\"", 8, "date: bad month"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(sdp_file_date_parse(g(bad[i].v), &d, &err) == SP_EINVAL, "%s", bad[i].v);
        ck_assert_msg(err.offset == bad[i].off, "%s: offset %zu", bad[i].v, err.offset);
        ck_assert_str_eq(err.reason, bad[i].reason);
    }
}
END_TEST

START_TEST(dates_to_epoch)
{
    static const struct {
        const char *d;
        int64_t t;
    } ok[] = {
        {"Tue, 31 Jul 2001 10:13:00 GMT", 996574380},
        {"31 Jul 2001 10:13 +0000", 996574380},
        {"Tue,31 Jul 2001 13:13:00 +0300", 996574380},
        {"Tue, 31 Jul 2001 06:13:00 EDT", 996574380},
        {"Thu, 01 Jan 1970 00:00:00 UT", 0},
        {"29 Feb 2000 23:59:60 -0000", 951868800},
        {"1 Jan 70 00:00 Z", 0},
        {"mon, 15 may 2006 15:01:31 +0300", 1147694491},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t t = -1;
        ck_assert_msg(sdp_date_to_time(g(ok[i].d), &t, &err) == 0, "%s: %s", ok[i].d, err.reason);
        ck_assert_msg(t == ok[i].t, "%s: %lld", ok[i].d, (long long)t);
    }
    static const struct {
        const char *d;
        size_t off;
        const char *reason;
    } bad[] = {
        {"Tux, 31 Jul 2001 10:13:00 GMT", 0, "date: bad day of week"},
        {"Tue 31 Jul 2001 10:13:00 GMT", 4, "date: ',' expected after day of week"},
        {"Tue, 311 Jul 2001 10:13:00 GMT", 5, "date: bad day"},
        {"31 July 2001 10:13:00 GMT", 3, "date: bad month"},
        {"31 Jul 20011 10:13:00 GMT", 7, "date: bad year"},
        {"31 Jul 2001 1:13:00 GMT", 12, "date: bad time of day"},
        {"31 Jul 2001 10-13 GMT", 12, "date: bad time of day"},
        {"31 Jul 2001 10:13:0 GMT", 12, "date: bad seconds"},
        {"29 Feb 2001 10:13:00 GMT", 12, "date: out of range"},
        {"31 Jul 2001 24:00:00 GMT", 12, "date: out of range"},
        {"0 Jul 2001 10:13:00 GMT", 11, "date: out of range"},
        {"31 Jul 2001 10:13:00 +030", 21, "date: bad zone"},
        {"31 Jul 2001 10:13:00 +0360", 21, "date: bad zone"},
        {"31 Jul 2001 10:13:00 XYZ", 21, "date: bad zone"},
        {"31 Jul 2001 10:13:00", 20, "date: bad zone"},
        {"31 Jul 2001 10:13:00 GMT x", 25, "date: junk after zone"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        ck_assert_msg(sdp_date_to_time(g(bad[i].d), &t, &err) == SP_EINVAL, "%s", bad[i].d);
        ck_assert_msg(err.offset == bad[i].off, "%s: offset %zu", bad[i].d, err.offset);
        ck_assert_str_eq(err.reason, bad[i].reason);
    }
}
END_TEST

START_TEST(file_ranges)
{
    sdp_file_range r;
    ck_assert_int_eq(sdp_file_range_parse(g("1-4092"), &r, &err), 0);
    ck_assert(r.start == 1 && r.stop == 4092 && !r.open);
    ck_assert_int_eq(sdp_file_range_parse(g(" 1000-* "), &r, &err), 0);
    ck_assert(r.start == 1000 && r.open);
    ck_assert_int_eq(sdp_file_range_parse(g("7-7"), &r, &err), 0);
    static const struct {
        const char *v;
        size_t off;
        const char *reason;
    } bad[] = {
        {"0-10", 0, "file-range: start must be at least 1"},
        {"5-4", 2, "file-range: stop before start"},
        {"5", 0, "file-range: start-stop expected"},
        {"", 0, "file-range: start-stop expected"},
        {"-5", 0, "file-range: bad start"},
        {"1-", 2, "file-range: bad stop"},
        {"1-**", 2, "file-range: bad stop"},
        {"1-18446744073709551616", 2, "file-range: bad stop"},
        {"18446744073709551616-*", 0, "file-range: bad start"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(sdp_file_range_parse(g(bad[i].v), &r, &err) == SP_EINVAL, "%s", bad[i].v);
        ck_assert_msg(err.offset == bad[i].off, "%s: offset %zu", bad[i].v, err.offset);
        ck_assert_str_eq(err.reason, bad[i].reason);
    }
}
END_TEST

START_TEST(file_icons)
{
    sp_str cid;
    ck_assert_int_eq(sdp_file_icon_parse(g(" cid:icon1@psa.example.net "), &cid, &err), 0);
    ck_assert(str_is(cid, "cid:icon1@psa.example.net"));
    ck_assert_int_eq(sdp_file_icon_parse(g("CID:x"), &cid, &err), 0);
    ck_assert_int_eq(sdp_file_icon_parse(g("cid:"), &cid, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_file_icon_parse(g("http://x/icon"), &cid, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_file_icon_parse(g("cid:a b"), &cid, &err), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 5);
}
END_TEST

static Suite *sdp_file_suite(void)
{
    Suite *su = suite_create("sdp_file");
    TCase *tc = tcase_create("file");
    tcase_add_test(tc, selector_seed_form);
    tcase_add_test(tc, selector_liberal_and_any_order);
    tcase_add_test(tc, selector_errors);
    tcase_add_test(tc, name_decode_and_encode);
    tcase_add_test(tc, type_parameters_both_ways);
    tcase_add_test(tc, hash_decode);
    tcase_add_test(tc, file_date_params);
    tcase_add_test(tc, dates_to_epoch);
    tcase_add_test(tc, file_ranges);
    tcase_add_test(tc, file_icons);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(sdp_file_suite)
