/* test_sdp_offer.c - answering offers: acceptance, per-stream refusal with
 * port 0, refusal of the whole offer with 488, setup roles, wildcards both
 * ways, max-size; and the seed's answer rebuilt from its offer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sdp_offer.h"

#define HASH "72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E"

static sdp_stream offer_stream(void)
{
    return (sdp_stream){
        .media = SP_LIT("message"), .port = 7654, .proto = SP_LIT("TCP/MSRP"), .formats = SP_LIT("*"),
        .setup = SDP_SETUP_PASSIVE, .direction = SDP_DIR_SENDONLY, .accept_types = SP_LIT("message/cpim"),
        .path = SP_LIT("msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp"), .file_transfer_id = SP_LIT("a3cd20b8ae7f"),
        .selector = {SP_LIT("pushid-a3cd20b8ae7f"), SP_LIT("text/vnd.wap.si"), true, 4092, SP_LIT("sha-1"),
                     SP_LIT(HASH)},
        .date = {.modification = SP_LIT("Tue, 31 Jul 2001 10:13:00 GMT")},
    };
}

static sdp_caps caps_of(const char *types, uint64_t max_size)
{
    sdp_caps c;
    ck_assert_int_eq(sdp_caps_init(&c, types ? sp_str_cstr(types) : SP_STR_NULL, SP_STR_NULL, max_size, NULL), 0);
    return c;
}

static const sp_str local_path = SP_LIT("msrp://userpc.domain.com:8888/9di4ea;tcp");

START_TEST(accepts_the_seed_offer)
{
    sdp_stream o = offer_stream(), a;
    sdp_caps c = caps_of(NULL, 0);
    ck_assert_str_eq(c.accept_types.p, "message/cpim *");
    sdp_verdict v = sdp_offer_judge(&o, &c);
    ck_assert_int_eq(v, SDP_ACCEPT);
    sdp_answer_stream(&o, &c, v, 8888, local_path, &a);
    ck_assert_uint_eq(a.port, 8888);
    ck_assert_int_eq(a.setup, SDP_SETUP_ACTIVE);
    ck_assert_int_eq(a.direction, SDP_DIR_RECVONLY);
    ck_assert(sp_str_eq(a.accept_types, SP_LIT("message/cpim *")));
    ck_assert(sp_str_eq(a.path, local_path));
    ck_assert(sp_str_eq(a.file_transfer_id, o.file_transfer_id));
    ck_assert(sp_str_eq(a.selector.hash_value, o.selector.hash_value));
    ck_assert(sp_str_eq(a.date.modification, o.date.modification));
    ck_assert(!a.has_max_size);
    ck_assert_ptr_null(a.accept_wrapped_types.p);
}
END_TEST

START_TEST(refusals_get_port_zero)
{
    static const struct {
        const char *caps;
        uint64_t max;
        int change;
        sdp_verdict want;
    } cases[] = {
        {"message/cpim image/*", 0, 0, SDP_REFUSE_TYPE},         /* file type not taken */
        {"message/cpim text/*", 4091, 0, SDP_REFUSE_SIZE},       /* one byte too large */
        {"message/cpim text/*", 4092, 0, SDP_ACCEPT},            /* exactly max-size */
        {NULL, 0, 1, SDP_REFUSE_PORT},                           /* port 0 in the offer */
        {NULL, 0, 2, SDP_REFUSE_DIRECTION},                      /* recvonly offer */
        {NULL, 0, 3, SDP_REFUSE_DIRECTION},                      /* inactive offer */
        {NULL, 0, 4, SDP_REFUSE_MEDIA},                          /* audio */
        {NULL, 0, 5, SDP_REFUSE_MEDIA},                          /* RTP */
        {NULL, 0, 6, SDP_REFUSE_TYPE},                           /* no accept-types */
        {NULL, 0, 7, SDP_ACCEPT},                                /* sendrecv offer */
        {NULL, 0, 8, SDP_ACCEPT},                                /* TLS */
        {NULL, 0, 9, SDP_REFUSE_TYPE},                           /* malformed accept-types */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sdp_stream o = offer_stream(), a;
        switch (cases[i].change) {
        case 1: o.port = 0; break;
        case 2: o.direction = SDP_DIR_RECVONLY; break;
        case 3: o.direction = SDP_DIR_INACTIVE; break;
        case 4: o.media = SP_LIT("audio"); break;
        case 5: o.proto = SP_LIT("RTP/AVP"); break;
        case 6: o.accept_types = SP_STR_NULL; break;
        case 7: o.direction = SDP_DIR_SENDRECV; break;
        case 8: o.proto = SP_LIT("tcp/tls/msrp"); break;
        case 9: o.accept_types = SP_LIT("message"); break;
        }
        sdp_caps c = caps_of(cases[i].caps, cases[i].max);
        sdp_verdict v = sdp_offer_judge(&o, &c);
        ck_assert_msg(v == cases[i].want, "case %zu: %s", i, sdp_verdict_reason(v));
        sdp_answer_stream(&o, &c, v, 8888, local_path, &a);
        if (v == SDP_ACCEPT) {
            ck_assert_uint_eq(a.port, 8888);
            ck_assert_int_eq(a.has_max_size, cases[i].max != 0);
        } else {
            /* RFC 3264 §6: same m= line, port 0, no path or role; RFC 5547 §8.3:
             * the file-selector and file-transfer-id mirror the offer's */
            ck_assert_uint_eq(a.port, 0);
            ck_assert(sp_str_eq(a.media, o.media) && sp_str_eq(a.proto, o.proto));
            ck_assert_ptr_null(a.path.p);
            ck_assert(sp_str_eq(a.file_transfer_id, o.file_transfer_id));
            ck_assert(sp_str_eq(a.selector.name, o.selector.name));
            ck_assert_int_eq(a.setup, SDP_SETUP_NONE);
            ck_assert_int_eq(a.has_max_size, v == SDP_REFUSE_SIZE); /* says what would fit */
            if (v == SDP_REFUSE_SIZE)
                ck_assert_uint_eq(a.max_size, cases[i].max);
        }
    }
}
END_TEST

/* max_name: a name of exactly the limit is taken, one byte more refused
 * (and not echoed back); the capability description of RFC 5547 §8.5. */
START_TEST(name_limit_and_capabilities)
{
    sdp_stream o = offer_stream(), a;
    sdp_caps c = caps_of(NULL, 5000);
    c.max_name = o.selector.name.n;
    ck_assert_int_eq(sdp_offer_judge(&o, &c), SDP_ACCEPT);
    c.max_name = o.selector.name.n - 1;
    sdp_verdict v = sdp_offer_judge(&o, &c);
    ck_assert_int_eq(v, SDP_REFUSE_NAME);
    ck_assert_str_eq(sdp_verdict_reason(v), "file name too long");
    sdp_answer_stream(&o, &c, v, 8888, local_path, &a);
    ck_assert_uint_eq(a.port, 0);
    ck_assert_ptr_null(a.selector.name.p);
    sdp_stream cap;
    sdp_caps_stream(&c, &cap);
    sdp_desc d = {.origin = {.username = SP_LIT("-"), .sess_id = SP_LIT("1"), .sess_version = SP_LIT("1"),
                             .address = SP_LIT("127.0.0.1")},
                  .streams = &cap, .nstreams = 1};
    char buf[512];
    long n = sdp_build(&d, buf, sizeof buf);
    ck_assert_int_gt(n, 0);
    buf[n] = '\0';
    ck_assert_ptr_nonnull(strstr(buf, "m=message 0 TCP/MSRP *\r\n"));
    ck_assert_ptr_nonnull(strstr(buf, "a=accept-types:message/cpim *\r\n"));
    ck_assert_ptr_nonnull(strstr(buf, "a=max-size:5000\r\n"));
}
END_TEST

START_TEST(wildcards_both_ways)
{
    static const struct {
        const char *offered, *file_type, *caps;
        bool ok;
    } cases[] = {
        {"*", NULL, "message/cpim text/plain", true},          /* offer takes anything */
        {"text/*", NULL, "text/plain", true},                  /* offer wildcard covers ours */
        {"text/plain", NULL, "text/*", true},                  /* our wildcard covers theirs */
        {"image/*", NULL, "text/*", false},
        {"message/cpim", "text/plain", "message/cpim text/*", true},
        {"message/cpim", "text/plain;charset=utf-8", "message/cpim text/plain", true},
        {"message/cpim", "image/png", "message/cpim text/*", false},
        {"application/vnd.oma.push", NULL, "message/cpim *", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sdp_stream o = offer_stream();
        o.accept_types = sp_str_cstr(cases[i].offered);
        o.selector.type = cases[i].file_type ? sp_str_cstr(cases[i].file_type) : SP_STR_NULL;
        sdp_caps c = caps_of(cases[i].caps, 0);
        ck_assert_msg((sdp_offer_judge(&o, &c) == SDP_ACCEPT) == cases[i].ok, "case %zu", i);
    }
}
END_TEST

START_TEST(setup_roles_answered)
{
    static const sdp_setup offered[] = {SDP_SETUP_PASSIVE, SDP_SETUP_ACTPASS, SDP_SETUP_ACTIVE, SDP_SETUP_NONE,
                                        SDP_SETUP_HOLDCONN};
    static const sdp_setup answered[] = {SDP_SETUP_ACTIVE, SDP_SETUP_ACTIVE, SDP_SETUP_PASSIVE, SDP_SETUP_PASSIVE,
                                         SDP_SETUP_PASSIVE};
    sdp_caps c = caps_of(NULL, 0);
    for (size_t i = 0; i < 5; i++) {
        sdp_stream o = offer_stream(), a;
        o.setup = offered[i];
        sdp_answer_stream(&o, &c, SDP_ACCEPT, 1, local_path, &a);
        ck_assert_int_eq(a.setup, answered[i]);
    }
}
END_TEST

/* Every offered role against every answered one (RFC 4145 §4.1, RFC 6135
 * §4.2, RFC 4975 §5.4): the offerer's role, or none when the pair fails. */
START_TEST(offerer_roles_from_the_answer)
{
#define N SDP_SETUP_NONE
#define A SDP_SETUP_ACTIVE
#define P SDP_SETUP_PASSIVE
    /* rows: offered none, active, passive, actpass, holdconn;
     * columns: answered none, active, passive, actpass, holdconn */
    static const sdp_setup want[5][5] = {
        {A, N, A, N, A},
        {A, N, A, N, A},
        {A, P, N, N, A},
        {A, P, A, N, A},
        {A, N, A, N, A},
    };
#undef N
#undef A
#undef P
    for (int o = 0; o <= SDP_SETUP_HOLDCONN; o++)
        for (int a = 0; a <= SDP_SETUP_HOLDCONN; a++)
            ck_assert_msg(sdp_offerer_role((sdp_setup)o, (sdp_setup)a) == want[o][a], "offered %d answered %d", o, a);
    /* what the agents answer always works with the offer it answers */
    for (int o = 0; o <= SDP_SETUP_HOLDCONN; o++)
        ck_assert_int_ne(sdp_offerer_role((sdp_setup)o, sdp_answer_setup((sdp_setup)o)), SDP_SETUP_NONE);
}
END_TEST

START_TEST(whole_offer_and_488)
{
    sdp_stream o[3] = {offer_stream(), offer_stream(), offer_stream()}, a[3];
    o[1].selector.type = SP_LIT("image/png");
    o[2].media = SP_LIT("audio");
    sdp_desc d = {.streams = o, .nstreams = 3};
    sdp_endpoint local[3] = {{8888, local_path}, {8889, SP_LIT("msrp://u:8889/b;tcp")}, {0, SP_STR_NULL}};
    sdp_verdict v[3];
    sdp_caps c = caps_of("message/cpim text/*", 0);
    size_t n = sdp_answer_offer(&d, &c, local, a, v);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(sdp_answer_status(n), 200);
    ck_assert_int_eq(v[0], SDP_ACCEPT);
    ck_assert_int_eq(v[1], SDP_REFUSE_TYPE);
    ck_assert_int_eq(v[2], SDP_REFUSE_MEDIA);
    ck_assert_uint_eq(a[0].port, 8888);
    ck_assert_uint_eq(a[1].port, 0);
    ck_assert_uint_eq(a[2].port, 0);
    ck_assert(sp_str_eq(a[2].media, SP_LIT("audio")));

    /* nothing acceptable: refuse the offer */
    o[0].selector.has_size = true;
    o[0].selector.size = 1u << 20;
    c = caps_of("message/cpim text/*", 1000);
    n = sdp_answer_offer(&d, &c, local, a, NULL);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(sdp_answer_status(n), 488);
    ck_assert_str_eq(sdp_verdict_reason(SDP_REFUSE_SIZE), "file larger than max-size");
}
END_TEST

START_TEST(caps_must_parse)
{
    sdp_caps c;
    sp_error err;
    ck_assert_int_eq(sdp_caps_init(&c, SP_LIT("text"), SP_STR_NULL, 0, &err), SP_EINVAL);
    ck_assert_int_eq(sdp_caps_init(&c, SP_LIT("message/cpim text/vnd.wap.si"), SP_LIT("*"), 65536, &err), 0);
    ck_assert_uint_eq(c.types.n, 2);
}
END_TEST

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    static char buf[8192];
    *len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return buf;
}

/* Seed 000: the client's 200 OK answer, rebuilt from the PPG's offer with the
 * client's own origin, address, types and path, is the seed's answer. */
START_TEST(seed_answer_from_seed_offer)
{
    size_t len;
    char *text = slurp("tests/seeds/sdp/00_offer_invite.sdp", &len);
    const char *g = guard_copy(text, len);
    sdp_session s;
    sdp_media media[4];
    sdp_attr attrs[32];
    sdp_stream offered[4], answers[4];
    sdp_desc offer;
    sp_error err;
    ck_assert_int_eq(sdp_parse(g, len, &s, media, 4, attrs, 32, NULL, &err), (int)len);
    ck_assert_int_eq(sdp_desc_read(&s, offered, 4, &offer, &err), 0);

    sdp_caps c;
    ck_assert_int_eq(sdp_caps_init(&c, SP_LIT("message/cpim text/vnd.wap.si application/vnd.oma.sic"), SP_STR_NULL,
                                   0, &err), 0);
    sdp_endpoint local = {8888, local_path};
    ck_assert_uint_eq(sdp_answer_offer(&offer, &c, &local, answers, NULL), 1);
    sdp_desc answer = {
        .origin = {SP_LIT("bob"), SP_LIT("2890844656"), SP_LIT("2890844656"), SP_LIT("IN"), SP_LIT("IP4"),
                   SP_LIT("domain.com")},
        .name = SP_LIT("-"),
        .conn = {SP_LIT("IN"), SP_LIT("IP4"), SP_LIT("userpc.domain.com")},
        .streams = answers,
        .nstreams = 1,
    };
    char out[2048];
    long n = sdp_build(&answer, out, sizeof out);
    size_t want_len;
    char *want = slurp("tests/seeds/sdp/00_answer_200.sdp", &want_len);
    ck_assert_int_eq(n, (long)want_len);
    ck_assert(memcmp(out, want, want_len) == 0);
}
END_TEST

static Suite *sdp_offer_suite(void)
{
    Suite *su = suite_create("sdp_offer");
    TCase *tc = tcase_create("offer");
    tcase_add_test(tc, accepts_the_seed_offer);
    tcase_add_test(tc, refusals_get_port_zero);
    tcase_add_test(tc, wildcards_both_ways);
    tcase_add_test(tc, name_limit_and_capabilities);
    tcase_add_test(tc, setup_roles_answered);
    tcase_add_test(tc, offerer_roles_from_the_answer);
    tcase_add_test(tc, whole_offer_and_488);
    tcase_add_test(tc, caps_must_parse);
    tcase_add_test(tc, seed_answer_from_seed_offer);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(sdp_offer_suite)
