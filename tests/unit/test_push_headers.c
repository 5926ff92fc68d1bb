/* test_push_headers.c - push header mapping (seed 000 §8.3.5), the
 * --header splitter and RFC 1123 dates. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_headers.h"

static push_hdr_map map(push_method m, const char *name)
{
    return push_header_map(m, sp_str_make(guard_str(name), strlen(name)));
}

START_TEST(content_headers_map_to_message_and_notify)
{
    static const char *names[] = {"Content-Type", "content-type", "CONTENT-ID", "Content-Disposition",
                                  "Content-Encoding", "Content-Language"};
    static const char *canon[] = {"Content-Type", "Content-Type", "Content-ID", "Content-Disposition",
                                  "Content-Encoding", "Content-Language"};
    for (size_t i = 0; i < 6; i++) {
        push_hdr_map a = map(PUSH_METHOD_MESSAGE, names[i]);
        ck_assert_int_eq(a.action, PUSH_HDR_COPY);
        ck_assert_str_eq(a.canonical_name, canon[i]);
        push_hdr_map b = map(PUSH_METHOD_NOTIFY, names[i]);
        ck_assert_int_eq(b.action, PUSH_HDR_COPY);
    }
    /* No SIP header called Content-Description. */
    ck_assert_int_eq(map(PUSH_METHOD_MESSAGE, "Content-Description").action, PUSH_HDR_DROP);
    ck_assert_int_eq(map(PUSH_METHOD_MESSAGE, "Content-Foo").action, PUSH_HDR_DROP);
}
END_TEST

START_TEST(content_headers_map_to_msrp_send)
{
    static const char *names[] = {"Content-Type", "Content-ID", "Content-Description", "Content-Disposition",
                                  "Content-Language"};
    for (size_t i = 0; i < 5; i++) {
        push_hdr_map a = map(PUSH_METHOD_INVITE, names[i]);
        ck_assert_int_eq(a.action, PUSH_HDR_COPY);
        ck_assert_str_eq(a.canonical_name, names[i]);
    }
    /* A MIME extension field travels as written. */
    push_hdr_map x = map(PUSH_METHOD_INVITE, "Content-Base");
    ck_assert_int_eq(x.action, PUSH_HDR_COPY);
    ck_assert_ptr_null(x.canonical_name);
    /* Content-Encoding is an HTTP/SIP header, not a MIME one. */
    ck_assert_int_eq(map(PUSH_METHOD_INVITE, "Content-Encoding").action, PUSH_HDR_DROP);
    ck_assert_int_eq(map(PUSH_METHOD_INVITE, "Content-").action, PUSH_HDR_DROP);
}
END_TEST

START_TEST(framing_headers_are_dropped)
{
    static const push_method ms[] = {PUSH_METHOD_MESSAGE, PUSH_METHOD_NOTIFY, PUSH_METHOD_INVITE};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(map(ms[i], "Content-Length").action, PUSH_HDR_DROP);
        ck_assert_int_eq(map(ms[i], "content-transfer-encoding").action, PUSH_HDR_DROP);
    }
}
END_TEST

START_TEST(last_modified_is_file_date_for_msrp_only)
{
    ck_assert_int_eq(map(PUSH_METHOD_INVITE, "Last-Modified").action, PUSH_HDR_FILE_DATE);
    ck_assert_int_eq(map(PUSH_METHOD_INVITE, "last-modified").action, PUSH_HDR_FILE_DATE);
    push_hdr_map d = map(PUSH_METHOD_MESSAGE, "Last-Modified");
    ck_assert_int_eq(d.action, PUSH_HDR_DROP);
    ck_assert_ptr_nonnull(d.why);
    ck_assert_int_eq(map(PUSH_METHOD_NOTIFY, "Last-Modified").action, PUSH_HDR_DROP);
}
END_TEST

START_TEST(legacy_wap_headers_are_dropped)
{
    static const char *names[] = {"X-Wap-Push-OTA-Version", "X-Wap-Application-Id", "X-Wap-Content-URI",
                                  "X-Wap-Initiator-URI", "Push-Flag", "Encoding-Version", "Date"};
    static const push_method ms[] = {PUSH_METHOD_MESSAGE, PUSH_METHOD_NOTIFY, PUSH_METHOD_INVITE};
    for (size_t i = 0; i < 7; i++)
        for (size_t k = 0; k < 3; k++) {
            push_hdr_map d = map(ms[k], names[i]);
            ck_assert_int_eq(d.action, PUSH_HDR_DROP);
            ck_assert_ptr_nonnull(d.why);
        }
}
END_TEST

static int split(const char *arg, sp_str *name, sp_str *value, sp_error *err)
{
    return push_header_split(sp_str_make(guard_str(arg), strlen(arg)), name, value, err);
}

START_TEST(split_name_and_value)
{
    sp_str n, v;
    sp_error e;
    ck_assert_int_eq(split("Content-Language: en ", &n, &v, &e), 0);
    ck_assert(sp_str_eq(n, SP_LIT("Content-Language")));
    ck_assert(sp_str_eq(v, SP_LIT("en")));
    ck_assert_int_eq(split("X-A :b:c", &n, &v, &e), 0);
    ck_assert(sp_str_eq(n, SP_LIT("X-A")));
    ck_assert(sp_str_eq(v, SP_LIT("b:c")));
    ck_assert_int_eq(split("X-Empty:", &n, &v, &e), 0);
    ck_assert_uint_eq(v.n, 0);
    ck_assert_int_eq(split("X-Tab:\ta\tb", &n, &v, &e), 0);
    ck_assert(sp_str_eq(v, SP_LIT("a\tb")));
}
END_TEST

START_TEST(split_refuses_injection_and_junk)
{
    sp_str n, v;
    sp_error e;
    ck_assert_int_eq(split("X-A: b\r\nVia: evil", &n, &v, &e), SP_EINVAL);
    ck_assert_uint_eq(e.offset, 6);
    ck_assert_int_eq(e.status, 400);
    ck_assert_int_eq(split("X-A: b\nx", &n, &v, &e), SP_EINVAL);
    ck_assert_int_eq(split("X-A: \x7f", &n, &v, &e), SP_EINVAL);
    ck_assert_int_eq(push_header_split(sp_str_make(guard_copy("X: a\0b", 6), 6), &n, &v, &e), SP_EINVAL);
    ck_assert_int_eq(split(": v", &n, &v, &e), SP_EINVAL);
    ck_assert_int_eq(split("NoColon", &n, &v, &e), SP_EINVAL);
    ck_assert_int_eq(split("Bad Name: v", &n, &v, &e), SP_EINVAL);
    ck_assert_int_eq(split("", &n, &v, &e), SP_EINVAL);
}
END_TEST

START_TEST(date_format_rfc1123)
{
    char out[64];
    /* 2001-07-31 10:13:00 UTC, the seeds' example. */
    ck_assert_uint_eq(push_date_format((time_t)996574380, out, sizeof out), PUSH_DATE_LEN);
    ck_assert_str_eq(out, "Tue, 31 Jul 2001 10:13:00 GMT");
    ck_assert_uint_eq(push_date_format(0, out, sizeof out), PUSH_DATE_LEN);
    ck_assert_str_eq(out, "Thu, 01 Jan 1970 00:00:00 GMT");
    /* cap must hold the 29 bytes and the NUL */
    ck_assert_uint_eq(push_date_format(0, out, PUSH_DATE_LEN + 1), PUSH_DATE_LEN);
    ck_assert_uint_eq(push_date_format(0, out, PUSH_DATE_LEN), 0);
    /* beyond year 9999 */
    ck_assert_uint_eq(push_date_format((time_t)253402300800LL, out, sizeof out), 0);
    ck_assert_uint_eq(push_date_format((time_t)253402300799LL, out, sizeof out), PUSH_DATE_LEN);
    ck_assert_str_eq(out, "Fri, 31 Dec 9999 23:59:59 GMT");
}
END_TEST

START_TEST(date_round_trip_through_sip_date_parse)
{
    char out[64];
    sp_error e;
    for (time_t t = 0; t < (time_t)4102444800LL; t += 86400 * 37 + 3607) {
        ck_assert_uint_eq(push_date_format(t, out, sizeof out), PUSH_DATE_LEN);
        char fd[64];
        ck_assert_int_eq(push_file_date_from_last_modified(sp_str_make(guard_str(out), PUSH_DATE_LEN), fd,
                                                           sizeof fd, &e),
                         (int)PUSH_FILE_DATE_LEN);
        ck_assert(strncmp(fd, "modification:\"", 14) == 0);
        ck_assert(strncmp(fd + 14, out, PUSH_DATE_LEN) == 0);
    }
}
END_TEST

START_TEST(file_date_from_last_modified)
{
    char fd[64];
    sp_error e;
    const char *lm = "Tue, 31 Jul 2001 10:13:00 GMT";
    ck_assert_int_eq(push_file_date_from_last_modified(sp_str_make(guard_str(lm), strlen(lm)), fd, sizeof fd, &e),
                     (int)PUSH_FILE_DATE_LEN);
    ck_assert_str_eq(fd, "modification:\"Tue, 31 Jul 2001 10:13:00 GMT\"");
    /* the buffer boundary: the value and its NUL */
    ck_assert_int_eq(push_file_date_from_last_modified(sp_str_make(guard_str(lm), strlen(lm)), fd,
                                                       PUSH_FILE_DATE_LEN + 1, &e),
                     (int)PUSH_FILE_DATE_LEN);
    ck_assert_int_eq(push_file_date_from_last_modified(sp_str_make(guard_str(lm), strlen(lm)), fd,
                                                       PUSH_FILE_DATE_LEN, &e),
                     SP_ELIMIT);
    const char *bad = "Tue, 31 Jul 2001 25:13:00 GMT";
    ck_assert_int_eq(push_file_date_from_last_modified(sp_str_make(guard_str(bad), strlen(bad)), fd, sizeof fd, &e),
                     SP_EINVAL);
    const char *junk = "yesterday";
    ck_assert_int_eq(push_file_date_from_last_modified(sp_str_make(guard_str(junk), strlen(junk)), fd, sizeof fd, &e),
                     SP_EINVAL);
}
END_TEST

static Suite *push_headers_suite(void)
{
    Suite *s = suite_create("push_headers");
    TCase *tc = tcase_create("mapping");
    tcase_add_test(tc, content_headers_map_to_message_and_notify);
    tcase_add_test(tc, content_headers_map_to_msrp_send);
    tcase_add_test(tc, framing_headers_are_dropped);
    tcase_add_test(tc, last_modified_is_file_date_for_msrp_only);
    tcase_add_test(tc, legacy_wap_headers_are_dropped);
    tcase_add_test(tc, split_name_and_value);
    tcase_add_test(tc, split_refuses_injection_and_junk);
    tcase_add_test(tc, date_format_rfc1123);
    tcase_add_test(tc, date_round_trip_through_sip_date_parse);
    tcase_add_test(tc, file_date_from_last_modified);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_headers_suite)
