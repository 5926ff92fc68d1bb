/* test_sdp_build.c - the SDP writer and builder: the seed's offer written
 * byte for byte, parse(build(x)) giving back x's fields for one and several
 * file streams, overflow at every capacity, values that would forge lines. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sdp_build.h"

#define HASH "72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E"

static bool same(sp_str a, sp_str b) { return a.p ? (b.p && sp_str_eq(a, b)) : !b.p; }

static void assert_stream_eq(const sdp_stream *a, const sdp_stream *b)
{
    ck_assert(same(a->media, b->media));
    ck_assert_uint_eq(a->port, b->port);
    ck_assert(same(a->proto, b->proto));
    ck_assert(same(a->formats, b->formats));
    ck_assert(same(a->conn.nettype, b->conn.nettype));
    ck_assert(same(a->conn.addrtype, b->conn.addrtype));
    ck_assert(same(a->conn.address, b->conn.address));
    ck_assert_int_eq(a->setup, b->setup);
    ck_assert_int_eq(a->direction, b->direction);
    ck_assert(same(a->accept_types, b->accept_types));
    ck_assert(same(a->accept_wrapped_types, b->accept_wrapped_types));
    ck_assert_int_eq(a->has_max_size, b->has_max_size);
    ck_assert(a->max_size == b->max_size);
    ck_assert(same(a->path, b->path));
    ck_assert(same(a->file_transfer_id, b->file_transfer_id));
    ck_assert(same(a->selector.name, b->selector.name));
    ck_assert(same(a->selector.type, b->selector.type));
    ck_assert_int_eq(a->selector.has_size, b->selector.has_size);
    ck_assert(a->selector.size == b->selector.size);
    ck_assert(same(a->selector.hash_algorithm, b->selector.hash_algorithm));
    ck_assert(same(a->selector.hash_value, b->selector.hash_value));
    ck_assert(same(a->date.creation, b->date.creation));
    ck_assert(same(a->date.modification, b->date.modification));
    ck_assert(same(a->date.read, b->date.read));
    ck_assert(same(a->file_disposition, b->file_disposition));
    ck_assert(same(a->file_icon, b->file_icon));
    ck_assert_int_eq(a->has_range, b->has_range);
    ck_assert(a->range.start == b->range.start && a->range.stop == b->range.stop && a->range.open == b->range.open);
}

static void assert_desc_eq(const sdp_desc *a, const sdp_desc *b)
{
    ck_assert(same(a->origin.username, b->origin.username));
    ck_assert(same(a->origin.sess_id, b->origin.sess_id));
    ck_assert(same(a->origin.sess_version, b->origin.sess_version));
    ck_assert(same(a->origin.nettype, b->origin.nettype));
    ck_assert(same(a->origin.addrtype, b->origin.addrtype));
    ck_assert(same(a->origin.address, b->origin.address));
    ck_assert(same(a->name, b->name));
    ck_assert(same(a->conn.address, b->conn.address));
    ck_assert(a->start_time == b->start_time && a->stop_time == b->stop_time);
    ck_assert_uint_eq(a->nstreams, b->nstreams);
    for (size_t i = 0; i < a->nstreams; i++)
        assert_stream_eq(&a->streams[i], &b->streams[i]);
}

static const sdp_origin psa_origin = {SP_LIT("psa"), SP_LIT("2890844526"), SP_LIT("2890844526"),
                                      SP_LIT("IN"), SP_LIT("IP4"), SP_LIT("domain.com")};

/* The sender's offer as seed 000 requires it. */
static sdp_stream seed_offer_stream(void)
{
    return (sdp_stream){
        .media = SP_LIT("message"), .port = 7654, .proto = SP_LIT("TCP/MSRP"), .formats = SP_LIT("*"),
        .setup = SDP_SETUP_PASSIVE, .direction = SDP_DIR_SENDONLY,
        .accept_types = SP_LIT("message/cpim"),
        .path = SP_LIT("msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp"),
        .file_transfer_id = SP_LIT("a3cd20b8ae7f"),
        .selector = {SP_LIT("pushid-a3cd20b8ae7f"), SP_LIT("text/vnd.wap.si"), true, 4092, SP_LIT("sha-1"),
                     SP_LIT(HASH)},
        .date = {.modification = SP_LIT("Tue, 31 Jul 2001 10:13:00 GMT")},
    };
}

static const char seed_offer_text[] =
    "v=0\r\n"
    "o=psa 2890844526 2890844526 IN IP4 domain.com\r\n"
    "s=-\r\n"
    "c=IN IP4 psa.domain.com\r\n"
    "t=0 0\r\n"
    "m=message 7654 TCP/MSRP *\r\n"
    "a=setup:passive\r\n"
    "a=sendonly\r\n"
    "a=accept-types:message/cpim\r\n"
    "a=path:msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n"
    "a=file-transfer-id:a3cd20b8ae7f\r\n"
    "a=file-selector:name:\"pushid-a3cd20b8ae7f\" type:text/vnd.wap.si size:4092 hash:sha-1:" HASH "\r\n"
    "a=file-date:modification:\"Tue, 31 Jul 2001 10:13:00 GMT\"\r\n";

static sdp_desc seed_desc(const sdp_stream *st, size_t n)
{
    return (sdp_desc){.origin = psa_origin, .name = SP_LIT("-"),
                      .conn = {SP_LIT("IN"), SP_LIT("IP4"), SP_LIT("psa.domain.com")},
                      .streams = st, .nstreams = n};
}

START_TEST(seed_offer_bytes)
{
    sdp_stream st = seed_offer_stream();
    sdp_desc d = seed_desc(&st, 1);
    char out[1024];
    long n = sdp_build(&d, out, sizeof out);
    ck_assert_int_eq(n, (long)strlen(seed_offer_text));
    ck_assert(memcmp(out, seed_offer_text, (size_t)n) == 0);
}
END_TEST

/* Builds d, parses the result (guarded) and reads it back into got. */
static void round_trip(const sdp_desc *d, sdp_desc *got, sdp_stream *streams, size_t max)
{
    static char out[4096];
    static sdp_session s;
    static sdp_media media[8];
    static sdp_attr attrs[64];
    long n = sdp_build(d, out, sizeof out);
    ck_assert_int_gt(n, 0);
    const char *g = guard_copy(out, (size_t)n);
    sp_error err;
    ck_assert_int_eq(sdp_parse(g, (size_t)n, &s, media, 8, attrs, 64, NULL, &err), n);
    ck_assert_int_eq(sdp_desc_read(&s, streams, max, got, &err), 0);
}

START_TEST(round_trip_seed_offer)
{
    sdp_stream st = seed_offer_stream(), back[4];
    sdp_desc d = seed_desc(&st, 1), got;
    round_trip(&d, &got, back, 4);
    assert_desc_eq(&d, &got);
}
END_TEST

START_TEST(round_trip_every_field_and_several_files)
{
    sdp_stream st[3] = {seed_offer_stream(), seed_offer_stream(), seed_offer_stream()};
    st[0].accept_types = SP_LIT("message/cpim text/* application/x;q=\"a b\"");
    st[0].accept_wrapped_types = SP_LIT("*");
    st[0].has_max_size = true;
    st[0].max_size = UINT64_MAX;
    st[0].file_disposition = SP_LIT("attachment");
    st[0].file_icon = SP_LIT("cid:icon1@psa.example.net");
    st[0].date.creation = SP_LIT("Mon, 02 Nov 2026 09:12:44 +0000");
    st[0].date.read = SP_LIT("3 Nov 2026 17:40 -0130");
    st[0].has_range = true;
    st[0].range = (sdp_file_range){1, 0, true};
    st[0].conn = (sdp_conn){SP_LIT("IN"), SP_LIT("IP6"), SP_LIT("2001:db8::7")};
    st[1].setup = SDP_SETUP_ACTPASS;
    st[1].port = 7655;
    st[1].proto = SP_LIT("TCP/TLS/MSRP");
    st[1].path = SP_LIT("msrps://relay:1/x;tcp msrps://psa:2/y;tcp");
    st[1].file_transfer_id = SP_LIT("1e8b06f4c2a9");
    st[1].selector = (sdp_file_selector){SP_LIT("si%204092.xml"), SP_STR_NULL, true, 0, SP_STR_NULL, SP_STR_NULL};
    st[1].has_range = true;
    st[1].range = (sdp_file_range){10, 4092, false};
    st[1].date = (sdp_file_date){0};
    /* a refused stream: nothing but the m= line */
    st[2] = (sdp_stream){.media = SP_LIT("audio"), .port = 0, .proto = SP_LIT("RTP/AVP"), .formats = SP_LIT("0 8")};
    sdp_stream back[3];
    sdp_desc d = seed_desc(st, 3), got;
    d.start_time = 3034423619u;
    d.stop_time = 3042462419u;
    d.name = SP_LIT(" push");
    round_trip(&d, &got, back, 3);
    assert_desc_eq(&d, &got);
    /* too little room to read them back */
    sdp_stream few[2];
    static char out[4096];
    long n = sdp_build(&d, out, sizeof out);
    sdp_session s;
    sdp_media media[4];
    sdp_attr attrs[64];
    sp_error err;
    ck_assert_int_eq(sdp_parse(out, (size_t)n, &s, media, 4, attrs, 64, NULL, &err), n);
    ck_assert_int_eq(sdp_desc_read(&s, few, 2, &got, &err), SP_ELIMIT);
    ck_assert_int_eq(err.status, 488);
}
END_TEST

START_TEST(defaults_fill_absent_fields)
{
    sdp_stream st = {.port = 9, .direction = SDP_DIR_RECVONLY};
    sdp_desc d = {.conn = {.address = SP_LIT("192.0.2.9")}, .streams = &st, .nstreams = 1};
    char out[512];
    long n = sdp_build(&d, out, sizeof out);
    const char want[] = "v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\n"
                        "m=message 9 TCP/MSRP *\r\na=recvonly\r\n";
    ck_assert_int_eq(n, (long)sizeof want - 1);
    ck_assert(memcmp(out, want, sizeof want - 1) == 0);
}
END_TEST

START_TEST(overflow_at_every_capacity)
{
    sdp_stream st[2] = {seed_offer_stream(), seed_offer_stream()};
    st[1].has_range = true;
    st[1].range = (sdp_file_range){5, 9, false};
    st[1].has_max_size = true;
    st[1].max_size = 1234;
    sdp_desc d = seed_desc(st, 2);
    static char full[2048], out[2048 + 16];
    long len = sdp_build(&d, full, sizeof full);
    ck_assert_int_gt(len, 0);
    for (size_t cap = 0; cap < (size_t)len; cap++) {
        memset(out, '#', sizeof out);
        ck_assert_int_eq(sdp_build(&d, out, cap), SP_ENOSPC);
        size_t touched = cap;
        while (touched < sizeof out && out[touched] == '#')
            touched++;
        ck_assert_msg(touched == sizeof out, "cap %zu: byte %zu written", cap, touched);
        /* what was written is a prefix of the full text */
        size_t k = (size_t)(strchr(out, '#') - out);
        ck_assert(k <= cap && memcmp(out, full, k) == 0);
    }
    ck_assert_int_eq(sdp_build(&d, out, (size_t)len), len);
}
END_TEST

START_TEST(forged_lines_refused)
{
    char out[1024];
    static const sp_str evil[] = {SP_LIT("x\r\na=sendrecv"), SP_LIT("x\ny"), {"x\0y", 3}};
    for (size_t i = 0; i < 3; i++) {
        sdp_stream st = seed_offer_stream();
        st.selector.name = evil[i];
        sdp_desc d = seed_desc(&st, 1);
        ck_assert_int_eq(sdp_build(&d, out, sizeof out), SP_ENOSPC);
        st = seed_offer_stream();
        st.path = evil[i];
        ck_assert_int_eq(sdp_build(&d, out, sizeof out), SP_ENOSPC);
        d = seed_desc(&st, 1);
        d.origin.username = evil[i];
        st = seed_offer_stream();
        ck_assert_int_eq(sdp_build(&d, out, sizeof out), SP_ENOSPC);
    }
}
END_TEST

START_TEST(writer_numbers_and_append)
{
    char mem[32];
    sp_buf b;
    sp_buf_init(&b, mem, sizeof mem);
    sp_buf_u64(&b, 0);
    sp_buf_puts(&b, " ");
    sp_buf_u64(&b, UINT64_MAX);
    ck_assert_int_eq(sp_buf_finish(&b), 22);
    ck_assert(memcmp(mem, "0 18446744073709551615", 22) == 0);
    sp_buf_puts(&b, "0123456789x");
    ck_assert_int_eq(sp_buf_finish(&b), SP_ENOSPC);
    ck_assert_uint_eq(b.len, 22); /* nothing partial written */
}
END_TEST

START_TEST(read_reports_typed_errors_with_offsets)
{
    static const char *const bad[] = {
        "a=setup:sideways\r\n", "a=accept-types:text\r\n", "a=max-size:x\r\n", "a=path:http://x\r\n",
        "a=file-transfer-id:a b\r\n", "a=file-selector:size:x\r\n", "a=file-disposition:\"x\"\r\n",
        "a=file-date:read:x\r\n", "a=file-icon:x\r\n", "a=file-range:0-1\r\n", "a=accept-wrapped-types:/\r\n",
    };
    const char *head = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nt=0 0\r\nm=message 1 TCP/MSRP *\r\n";
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[256];
        strcpy(text, head);
        strcat(text, bad[i]);
        size_t len = strlen(text);
        const char *g = guard_copy(text, len);
        sdp_session s;
        sdp_media media[2];
        sdp_attr attrs[4];
        sdp_stream st;
        sp_error err;
        ck_assert_int_eq(sdp_parse(g, len, &s, media, 2, attrs, 4, NULL, &err), (int)len);
        ck_assert_int_eq(sdp_stream_read(&s, &s.media[0], &st, &err), SP_EINVAL);
        /* the offset points inside the attribute's value */
        size_t value_at = strlen(head) + (size_t)(strchr(bad[i], ':') - bad[i]) + 1;
        ck_assert_msg(err.offset >= value_at && err.offset < len, "%s: offset %zu", bad[i], err.offset);
    }
}
END_TEST

static Suite *sdp_build_suite(void)
{
    Suite *su = suite_create("sdp_build");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, seed_offer_bytes);
    tcase_add_test(tc, round_trip_seed_offer);
    tcase_add_test(tc, round_trip_every_field_and_several_files);
    tcase_add_test(tc, defaults_fill_absent_fields);
    tcase_add_test(tc, overflow_at_every_capacity);
    tcase_add_test(tc, forged_lines_refused);
    tcase_add_test(tc, writer_numbers_and_append);
    tcase_add_test(tc, read_reports_typed_errors_with_offsets);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(sdp_build_suite)
