/* test_push_offer.c - the session-mode push offer (seed 000 §8.2.5.1): the
 * exact text, what the parser reads back from it, dropped streams, CPIM. */
#include <check.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_offer.h"
#include "sdp_build.h"

static push_offer_file seed_file(void)
{
    push_offer_file f = {
        .type = SP_LIT("text/vnd.wap.si"), .name = SP_LIT("pushid-a3cd20b8ae7f"), .size = 4092,
        .sha1 = {0x72, 0x24, 0x5F, 0xE8, 0x65, 0x3D, 0xDA, 0xF3, 0x71, 0x36, 0x2F, 0x86, 0xD4, 0x71, 0x91, 0x3E,
                 0xE4, 0xA2, 0xCE, 0x2E},
        .path = SP_LIT("msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp"), .port = 7654,
        .transfer_id = SP_LIT("a3cd20b8ae7f"), .modification = SP_LIT("Tue, 31 Jul 2001 10:13:00 GMT")};
    return f;
}

START_TEST(seed_offer_text)
{
    push_offer_file f = seed_file();
    push_offer o = {.host = "psa.domain.com", .sess_id = 2890844526, .version = 2890844526, .files = &f, .nfiles = 1};
    char out[2048];
    long n = push_offer_build(&o, out, sizeof out);
    ck_assert_int_gt(n, 0);
    out[n] = '\0';
    ck_assert_str_eq(out, "v=0\r\n"
                          "o=sippush 2890844526 2890844526 IN IP4 psa.domain.com\r\n"
                          "s=-\r\n"
                          "c=IN IP4 psa.domain.com\r\n"
                          "t=0 0\r\n"
                          "m=message 7654 TCP/MSRP *\r\n"
                          "a=setup:passive\r\n"
                          "a=sendonly\r\n"
                          "a=accept-types:message/cpim\r\n"
                          "a=path:msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n"
                          "a=file-transfer-id:a3cd20b8ae7f\r\n"
                          "a=file-selector:name:\"pushid-a3cd20b8ae7f\" type:text/vnd.wap.si size:4092 "
                          "hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E\r\n"
                          "a=file-date:modification:\"Tue, 31 Jul 2001 10:13:00 GMT\"\r\n");
    /* one byte short does not fit */
    ck_assert_int_eq(push_offer_build(&o, out, (size_t)n - 1), SP_ENOSPC);
    ck_assert_int_eq(push_offer_build(&o, out, (size_t)n), n);
}
END_TEST

START_TEST(creation_date)
{
    push_offer_file f = seed_file();
    f.modification = SP_STR_NULL;
    f.creation = SP_LIT("Wed, 01 Aug 2001 08:00:00 GMT");
    push_offer o = {.host = "psa.domain.com", .sess_id = 1, .version = 1, .files = &f, .nfiles = 1};
    char out[2048];
    long n = push_offer_build(&o, out, sizeof out);
    ck_assert_int_gt(n, 0);
    out[n] = '\0';
    ck_assert_ptr_nonnull(strstr(out, "\r\na=file-date:creation:\"Wed, 01 Aug 2001 08:00:00 GMT\"\r\n"));
}
END_TEST

START_TEST(reads_back)
{
    push_offer_file f[2] = {seed_file(), seed_file()};
    f[1].port = 0; /* dropped */
    f[0].wrapped_type = SP_LIT("text/vnd.wap.si");
    f[0].type = SP_LIT("message/cpim");
    push_offer o = {.host = "::1", .sess_id = 1, .version = 2, .files = f, .nfiles = 2};
    char out[2048];
    long n = push_offer_build(&o, out, sizeof out);
    ck_assert_int_gt(n, 0);
    const char *g = guard_copy(out, (size_t)n);
    sdp_session s;
    sdp_media media[4];
    sdp_attr attrs[32];
    sdp_stream st[4];
    sdp_desc d;
    sp_error err;
    ck_assert_int_eq(sdp_parse(g, (size_t)n, &s, media, 4, attrs, 32, NULL, &err), n);
    ck_assert_int_eq(sdp_desc_read(&s, st, 4, &d, &err), 0);
    ck_assert_uint_eq(d.nstreams, 2);
    ck_assert(sp_str_eq(d.conn.addrtype, SP_LIT("IP6")));
    ck_assert_int_eq(st[0].setup, SDP_SETUP_PASSIVE);
    ck_assert_int_eq(st[0].direction, SDP_DIR_SENDONLY);
    ck_assert(sp_str_eq(st[0].accept_wrapped_types, SP_LIT("text/vnd.wap.si")));
    ck_assert(sp_str_eq(st[0].selector.type, SP_LIT("message/cpim")));
    ck_assert_uint_eq(st[0].selector.size, 4092);
    uint8_t h[SP_SHA1_LEN];
    ck_assert_int_eq(sdp_hash_decode(st[0].selector.hash_value, h, sizeof h), SP_SHA1_LEN);
    ck_assert_mem_eq(h, f[0].sha1, SP_SHA1_LEN);
    ck_assert_uint_eq(st[1].port, 0);
    ck_assert_ptr_null(st[1].path.p); /* a dropped stream keeps only its m-line */
}
END_TEST

START_TEST(refuses_bad_input)
{
    push_offer_file f = seed_file();
    push_offer o = {.host = "h", .files = &f, .nfiles = 0};
    char out[2048];
    ck_assert_int_eq(push_offer_build(&o, out, sizeof out), SP_EINVAL);
    o.nfiles = PUSH_OFFER_MAX_FILES + 1;
    ck_assert_int_eq(push_offer_build(&o, out, sizeof out), SP_EINVAL);
    o.nfiles = 1;
    /* a name is percent-encoded (RFC 5547 §6): no line of its own, no directory */
    f.name = SP_LIT("evil\r\na=setup:active/x");
    long n = push_offer_build(&o, out, sizeof out);
    ck_assert_int_gt(n, 0);
    out[n] = '\0';
    ck_assert_ptr_null(strstr(out, "\r\na=setup:active"));
    ck_assert_ptr_nonnull(strstr(out, "name:\"evil%0D%0Aa=setup:active%2Fx\""));
    /* a type keeps its parameters, quoted as RFC 5547 §5 has them */
    f.name = SP_LIT("docs/report.txt");
    f.type = SP_LIT("text/plain; charset=UTF-8");
    n = push_offer_build(&o, out, sizeof out);
    ck_assert_int_gt(n, 0);
    out[n] = '\0';
    ck_assert_ptr_nonnull(strstr(out, "name:\"docs%2Freport.txt\" type:text/plain;charset=\"UTF-8\" size:"));
    f.type = SP_LIT("text");
    ck_assert_int_eq(push_offer_build(&o, out, sizeof out), SP_EINVAL);
}
END_TEST

START_TEST(ids_and_hashes)
{
    char a[PUSH_TRANSFER_ID_LEN + 1], b[PUSH_TRANSFER_ID_LEN + 1];
    ck_assert(push_transfer_id_new(a));
    ck_assert(push_transfer_id_new(b));
    ck_assert_uint_eq(strlen(a), PUSH_TRANSFER_ID_LEN);
    ck_assert_str_ne(a, b);
    uint8_t z[SP_SHA1_LEN] = {0xab, 0x01};
    char hex[PUSH_SHA1_HEX_LEN + 1];
    sp_hex_encode_colon(z, SP_SHA1_LEN, hex);
    hex[PUSH_SHA1_HEX_LEN] = '\0';
    ck_assert_str_eq(hex, "AB:01:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00");
}
END_TEST

static Suite *push_offer_suite(void)
{
    Suite *s = suite_create("push_offer");
    TCase *t = tcase_create("offer");
    tcase_add_test(t, seed_offer_text);
    tcase_add_test(t, reads_back);
    tcase_add_test(t, creation_date);
    tcase_add_test(t, refuses_bad_input);
    tcase_add_test(t, ids_and_hashes);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_offer_suite)
