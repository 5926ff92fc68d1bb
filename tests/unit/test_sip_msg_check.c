/* test_sip_msg_check.c - the RFC 3261 §8.2 checks: mandatory headers exactly
 * once, a Via, CSeq method, numbers in range, the typed values (From, To,
 * Via, Contact, Content-Type, Request-URI); each failure at its offset. */
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
    int skip;           /* bytes after 'at'; -1: anywhere near it */
    const char *reason; /* substring */
} cases[] = {
    {"complete request", START VIA MF TO FROM CID CSEQ "\r\n", 0, NULL, 0, NULL},
    {"response needs no Max-Forwards", "SIP/2.0 200 OK\r\n" VIA TO FROM CID "CSeq: 5 INVITE\r\n\r\n", 0, NULL, 0, NULL},
    {"compact forms count", START "v: SIP/2.0/UDP h\r\n" MF "t: <sip:b@h>\r\nf: <sip:a@h>\r\ni: x\r\n" CSEQ "\r\n", 0, NULL, 0, NULL},
    {"missing To", START VIA MF FROM CID CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing To"},
    {"missing From", START VIA MF TO CID CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing From"},
    {"missing CSeq", START VIA MF TO FROM CID "\r\n", SP_EINVAL, NULL, 0, "missing CSeq"},
    {"missing Call-ID", START VIA MF TO FROM CSEQ "\r\n", SP_EINVAL, NULL, 0, "missing Call-ID"},
    /* RFC 3261 has the UAC send it and never has a UAS refuse its absence */
    {"no Max-Forwards", START VIA TO FROM CID CSEQ "\r\n", 0, NULL, 0, NULL},
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
    /* the typed checks: every value a UA reads parses */
    {"To unclosed", START VIA MF "To: <sip:b@h\r\n" FROM CID CSEQ "\r\n", SP_EINVAL, "<sip:b@h\r", 0, NULL},
    {"To port out of range", START VIA MF "To: <sip:b@h:65536>\r\n" FROM CID CSEQ "\r\n", SP_EINVAL, "65536", -1, NULL},
    {"To star", START VIA MF "To: *\r\n" FROM CID CSEQ "\r\n", SP_EINVAL, "*\r\n", 0, "not an address"},
    {"From without scheme", START VIA MF TO "From: <b@x>;tag=1\r\n" CID CSEQ "\r\n", SP_EINVAL, "<b@x>", -1, NULL},
    {"Contact unclosed", START VIA MF TO FROM CID CSEQ "Contact: <sip:c@h\r\n\r\n", SP_EINVAL, "<sip:c@h\r", 0, NULL},
    {"Contact second bad", START VIA MF TO FROM CID CSEQ "Contact: <sip:c@h>, <:x>\r\n\r\n", SP_EINVAL, ":x>", 0,
     NULL},
    {"Contact star", START VIA MF TO FROM CID CSEQ "Contact: *\r\n\r\n", 0, NULL, 0, NULL},
    {"Contact star and more", START VIA MF TO FROM CID CSEQ "Contact: *, <sip:c@h>\r\n\r\n", SP_EINVAL, "*, ", 0,
     "'*'"},
    {"Contact empty", START VIA MF TO FROM CID CSEQ "Contact: \r\n\r\n", SP_EINVAL, NULL, 0, "empty Contact"},
    {"second Via bad", START "Via: SIP/2.0/UDP h;branch=z9hG4bK1, junk\r\n" MF TO FROM CID CSEQ "\r\n", SP_EINVAL,
     "junk", -1, NULL},
    {"Via on its own line bad", START VIA "Via: SIP/2.0\r\n" MF TO FROM CID CSEQ "\r\n", SP_EINVAL, "Via: SIP/2.0\r\n", -1,
     NULL},
    {"Content-Type bad", START VIA MF TO FROM CID CSEQ "Content-Type: text\r\n\r\n", SP_EINVAL, "text\r", -1, NULL},
    {"Request-URI in brackets", "OPTIONS <sip:b@h> SIP/2.0\r\n" VIA MF TO FROM CID "CSeq: 5 OPTIONS\r\n\r\n",
     SP_EINVAL, "<sip:b@h> SIP", 0, "'<' '>'"},
    {"Request-URI bad port", "OPTIONS sip:b@h:x SIP/2.0\r\n" VIA MF TO FROM CID CSEQ "\r\n", SP_EINVAL, "sip:b@h:x", -1,
     NULL},
    {"Request-URI other scheme", "OPTIONS urn:service:sos SIP/2.0\r\n" VIA MF TO FROM CID CSEQ "\r\n", 0, NULL, 0,
     NULL},
    {"response Request-URI unchecked", "SIP/2.0 200 OK\r\n" VIA TO FROM CID CSEQ "Contact: <sip:c@h>\r\n\r\n", 0,
     NULL, 0, NULL},
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
    if (c->at && c->skip >= 0) {
        size_t want = (size_t)(strstr(c->input, c->at) - c->input) + (size_t)c->skip;
        ck_assert_msg(err.offset == want, "%s: offset %zu, want %zu", c->name, err.offset, want);
    } else if (c->at) {
        /* somewhere in the value that holds 'at' */
        size_t from = (size_t)(strstr(c->input, c->at) - c->input);
        ck_assert_msg(err.offset + 16 >= from && err.offset <= from + strlen(c->at), "%s: offset %zu", c->name,
                      err.offset);
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
