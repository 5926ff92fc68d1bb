/* test_sip_msg_check.c - the RFC 3261 §8.2 checks: mandatory headers exactly
 * once, a Via, CSeq method, numbers in range; each failure at its offset. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_msg.h"

#define VIA "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
#define MF "Max-Forwards: 70\r\n"
#define TO "To: <sip:b@h>\r\n"
#define FROM "From: <sip:a@h>;tag=1\r\n"
#define CID "Call-ID: c1@h\r\n"
#define CSEQ "CSeq: 5 OPTIONS\r\n"
#define START "OPTIONS sip:b@h SIP/2.0\r\n"

static const struct check_case {
    const char *name, *input;
    int rc;
    const char *at;     /* the error is at the first occurrence of this, or offset 0 when NULL */
    int skip;           /* bytes after 'at' */
    const char *reason; /* substring */
} cases[] = {
    {"complete request", START VIA MF TO FROM CID CSEQ "\r\n", 0, NULL, 0, NULL},
    {"response needs no Max-Forwards", "SIP/2.0 200 OK\r\n" VIA TO FROM CID "CSeq: 5 INVITE\r\n\r\n", 0, NULL, 0, NULL},
    {"compact forms count", START "v: SIP/2.0/UDP h\r\n" MF "t: <sip:b@h>\r\nf: <sip:a@h>\r\ni: x\r\n" CSEQ "\r\n", 0, NULL, 0, NULL},
    {"missing To", START VIA MF FROM CID CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing To"},
    {"missing From", START VIA MF TO CID CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing From"},
    {"missing CSeq", START VIA MF TO FROM CID "\r\n", SP_EINVAL, NULL, 0, "missing CSeq"},
    {"missing Call-ID", START VIA MF TO FROM CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing Call-ID"},
    {"missing Max-Forwards", START VIA TO FROM CID CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing Max-Forwards"},
    {"missing Via", START MF TO FROM CID CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing Via"},
    {"two To", START VIA MF TO FROM CID CSEQ "t: <sip:c@h>\r\n\r\n", SP_EINVAL, "t: <sip:c", 0, "more than one To"},
    {"two Call-ID", START VIA MF TO FROM CID CSEQ "i: other\r\n\r\n", SP_EINVAL, "i: other", 0, "more than one Call-ID"},
    {"two Max-Forwards", START VIA MF TO FROM CID CSEQ "Max-Forwards: 3\r\n\r\n", SP_EINVAL, "Max-Forwards: 3", 0,
     "more than one Max-Forwards"},
    {"CSeq method differs", START VIA MF TO FROM CID "CSeq: 5 INVITE\r\n\r\n", SP_EINVAL, "INVITE\r\n", 0,
     "CSeq method differs"},
    {"CSeq method case", START VIA MF TO FROM CID "CSeq: 5 options\r\n\r\n", SP_EINVAL, "options", 0, "CSeq method differs"},
    {"CSeq too large", START VIA MF TO FROM CID "CSeq: 2147483648 OPTIONS\r\n\r\n", SP_EINVAL, "2147483648", 0, NULL},
    {"CSeq largest", START VIA MF TO FROM CID "CSeq: 2147483647 OPTIONS\r\n\r\n", 0, NULL, 0, NULL},
    {"Max-Forwards 256", START VIA "Max-Forwards: 256\r\n" TO FROM CID CSEQ "\r\n", SP_EINVAL, "256", 0, "Max-Forwards"},
    {"Max-Forwards 255", START VIA "Max-Forwards: 255\r\n" TO FROM CID CSEQ "\r\n", 0, NULL, 0, NULL},
    {"empty Call-ID", START VIA MF TO FROM "Call-ID:\r\n" CSEQ "\r\n", SP_EINVAL, NULL, 0, NULL},
};

START_TEST(check_case)
{
    const struct check_case *c = &cases[_i];
    size_t len = strlen(c->input);
    const char *in = guard_copy(c->input, len);
    sip_msg msg;
    sip_header hdrs[32];
    sp_error err = {0, NULL, 0};
    ck_assert_int_eq(sip_msg_parse(in, len, &msg, hdrs, 32, NULL, SIP_FRAME_DATAGRAM, &err), (int)len);
    int rc = sip_msg_check(&msg, in, &err);
    ck_assert_msg(rc == c->rc, "%s: rc %d (%s)", c->name, rc, rc ? err.reason : "");
    if (rc == 0)
        return;
    ck_assert_int_eq(err.status, 400);
    ck_assert_ptr_nonnull(err.reason);
    if (c->reason)
        ck_assert_msg(strstr(err.reason, c->reason), "%s: reason \"%s\"", c->name, err.reason);
    if (c->at) {
        size_t want = (size_t)(strstr(c->input, c->at) - c->input) + (size_t)c->skip;
        ck_assert_msg(err.offset == want, "%s: offset %zu, want %zu", c->name, err.offset, want);
    } else if (c->reason && !strncmp(c->reason, "missing", 7)) {
        ck_assert_uint_eq(err.offset, 0);
    } else {
        ck_assert_uint_lt(err.offset, len);
    }
}
END_TEST

static Suite *sip_msg_check_suite(void)
{
    Suite *s = suite_create("sip_msg_check");
    TCase *tc = tcase_create("rfc3261_8_2");
    tcase_add_loop_test(tc, check_case, 0, (int)(sizeof cases / sizeof cases[0]));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_msg_check_suite)
