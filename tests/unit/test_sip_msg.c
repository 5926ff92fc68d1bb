/* test_sip_msg.c - the SIP message splitter: start lines, header lines,
 * compact forms, folding, framing, limits and every error path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sip_hdr.h"
#include "sip_msg.h"

#define MAXH 64

static sip_msg msg;
static sip_header hdrs[MAXH];
static sp_error err;
static const char *in; /* the guarded copy of the last input */

static int parse_n(const char *s, size_t n, sip_framing framing, const sip_limits *lim)
{
    in = guard_copy(s, n);
    memset(&err, 0, sizeof err);
    return sip_msg_parse(in, n, &msg, hdrs, MAXH, lim, framing, &err);
}

static int parse(const char *s, sip_framing framing)
{
    return parse_n(s, strlen(s), framing, NULL);
}

#define ck_assert_slice(s, lit)                                                          \
    do {                                                                                 \
        sp_str s_ = (s);                                                                 \
        ck_assert_msg(s_.p != NULL, "slice absent, want \"%s\"", lit);                   \
        ck_assert_msg(sp_str_eq(s_, SP_LIT(lit)), "got \"%.*s\", want \"%s\"", (int)s_.n, \
                      s_.p, lit);                                                        \
    } while (0)

#define REQ_HEAD                                                           \
    "MESSAGE sip:bob@example.com SIP/2.0\r\n"                              \
    "Via: SIP/2.0/UDP psa.example.com;branch=z9hG4bK1\r\n"                 \
    "Max-Forwards: 70\r\n"                                                 \
    "From: <sip:psa@example.com>;tag=1\r\n"                                \
    "To: <sip:bob@example.com>\r\n"                                        \
    "Call-ID: c1@psa.example.com\r\n"                                      \
    "CSeq: 1 MESSAGE\r\n"

static const char simple[] = REQ_HEAD "Content-Type: text/plain\r\n"
                                      "Content-Length: 5\r\n"
                                      "\r\n"
                                      "hello";

START_TEST(request_fields)
{
    int rc = parse(simple, SIP_FRAME_DATAGRAM);
    ck_assert_int_eq(rc, (int)strlen(simple));
    ck_assert(msg.is_request);
    ck_assert_slice(msg.method, "MESSAGE");
    ck_assert_slice(msg.uri, "sip:bob@example.com");
    ck_assert_slice(msg.version, "SIP/2.0");
    ck_assert_uint_eq(msg.nheaders, 8);
    ck_assert_slice(msg.headers[0].name, "Via");
    ck_assert_slice(msg.headers[0].value, "SIP/2.0/UDP psa.example.com;branch=z9hG4bK1");
    ck_assert_uint_eq(msg.headers[0].id, SIP_H_VIA);
    ck_assert_uint_eq(msg.headers[5].id, SIP_H_CSEQ);
    ck_assert_uint_eq(msg.first[SIP_H_CALL_ID], 5);
    ck_assert_uint_eq(msg.count[SIP_H_VIA], 1);
    ck_assert_uint_eq(msg.count[SIP_H_ROUTE], 0);
    ck_assert(msg.has_content_length);
    ck_assert_uint_eq(msg.content_length, 5);
    ck_assert_slice(msg.body, "hello");
    ck_assert_uint_eq(msg.length, strlen(simple));
    /* slices point into the input, not at a copy */
    ck_assert_ptr_eq(msg.method.p, in);
    ck_assert_ptr_eq(msg.body.p + msg.body.n, in + strlen(simple));
}
END_TEST

START_TEST(response_fields)
{
    const char *s = "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKx\r\nContent-Length: 0\r\n\r\n";
    ck_assert_int_eq(parse(s, SIP_FRAME_DATAGRAM), (int)strlen(s));
    ck_assert(!msg.is_request);
    ck_assert_uint_eq(msg.status, 180);
    ck_assert_slice(msg.reason, "Ringing");
    ck_assert_ptr_null(msg.method.p);
    ck_assert_ptr_null(msg.uri.p);
    ck_assert_uint_eq(msg.body.n, 0);
    ck_assert_ptr_nonnull(msg.body.p);
}
END_TEST

START_TEST(reason_phrase_forms)
{
    /* empty after the SP */
    ck_assert_int_gt(parse("SIP/2.0 200 \r\n\r\n", SIP_FRAME_DATAGRAM), 0);
    ck_assert_uint_eq(msg.status, 200);
    ck_assert_ptr_nonnull(msg.reason.p);
    ck_assert_uint_eq(msg.reason.n, 0);
    /* no SP at all: read liberally as empty */
    ck_assert_int_gt(parse("SIP/2.0 404\r\n\r\n", SIP_FRAME_DATAGRAM), 0);
    ck_assert_uint_eq(msg.status, 404);
    ck_assert_uint_eq(msg.reason.n, 0);
    /* UTF-8, tabs, spaces and reserved characters */
    ck_assert_int_gt(parse("SIP/2.0 603 Refus\xc3\xa9 \tpar l'utilisateur; 100%\r\n\r\n", SIP_FRAME_DATAGRAM), 0);
    ck_assert_slice(msg.reason, "Refus\xc3\xa9 \tpar l'utilisateur; 100%");
    /* version is case-insensitive (§7.1) */
    ck_assert_int_gt(parse("sip/2.0 699 x\r\n\r\n", SIP_FRAME_DATAGRAM), 0);
    ck_assert_uint_eq(msg.status, 699);
    ck_assert_int_gt(parse("SIP/2.0 100 Trying\r\n\r\n", SIP_FRAME_DATAGRAM), 0);
    ck_assert_uint_eq(msg.status, 100);
}
END_TEST

START_TEST(unknown_method_and_odd_uri)
{
    const char *s = "FOO.bar!%*_+`'~ tel:+1-555;phone-context=x?y SIP/2.0\r\n\r\n";
    ck_assert_int_gt(parse(s, SIP_FRAME_DATAGRAM), 0);
    ck_assert_slice(msg.method, "FOO.bar!%*_+`'~");
    ck_assert_slice(msg.uri, "tel:+1-555;phone-context=x?y");
    ck_assert_uint_eq(msg.nheaders, 0);
}
END_TEST

static const struct {
    char letter;
    sip_hdr_id id;
} compact_forms[] = {
    {'i', SIP_H_CALL_ID},         {'m', SIP_H_CONTACT},        {'e', SIP_H_CONTENT_ENCODING},
    {'l', SIP_H_CONTENT_LENGTH},  {'c', SIP_H_CONTENT_TYPE},   {'f', SIP_H_FROM},
    {'s', SIP_H_SUBJECT},         {'k', SIP_H_SUPPORTED},      {'t', SIP_H_TO},
    {'v', SIP_H_VIA},             {'o', SIP_H_EVENT},          {'r', SIP_H_REFER_TO},
    {'u', SIP_H_ALLOW_EVENTS},    {'b', SIP_H_REFERRED_BY},    {'x', SIP_H_SESSION_EXPIRES},
    {'a', SIP_H_ACCEPT_CONTACT},  {'j', SIP_H_REJECT_CONTACT}, {'d', SIP_H_REQUEST_DISPOSITION},
    {'y', SIP_H_IDENTITY},        {'n', SIP_H_IDENTITY_INFO},
};

START_TEST(every_compact_form)
{
    char buf[2048];
    size_t n = (size_t)snprintf(buf, sizeof buf, "OPTIONS sip:x SIP/2.0\r\n");
    size_t count = sizeof compact_forms / sizeof compact_forms[0];
    for (size_t i = 0; i < count; i++) {
        /* alternate cases: compact names are case-insensitive too */
        char letter = i % 2 ? (char)(compact_forms[i].letter - 32) : compact_forms[i].letter;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%c: %s\r\n", letter, letter == 'l' || letter == 'L' ? "0" : "v");
    }
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
    ck_assert_int_eq(parse_n(buf, n, SIP_FRAME_DATAGRAM, NULL), (int)n);
    ck_assert_uint_eq(msg.nheaders, count);
    for (size_t i = 0; i < count; i++) {
        ck_assert_msg(msg.headers[i].id == compact_forms[i].id, "compact %c", compact_forms[i].letter);
        ck_assert_uint_eq(sip_hdr_id_of(sp_str_make(&compact_forms[i].letter, 1)), compact_forms[i].id);
    }
    /* letters without a compact form */
    ck_assert_uint_eq(sip_hdr_id_of(SP_LIT("g")), SIP_H_OTHER);
    ck_assert_uint_eq(sip_hdr_id_of(SP_LIT("z")), SIP_H_OTHER);
    ck_assert_uint_eq(sip_hdr_id_of(SP_LIT("-")), SIP_H_OTHER);
}
END_TEST

START_TEST(every_full_name_round_trips)
{
    for (int id = 1; id < SIP_H__COUNT; id++) {
        const char *name = sip_hdr_name((sip_hdr_id)id);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(sip_hdr_id_of(sp_str_cstr(name)), id);
        char up[64], low[64];
        size_t n = strlen(name);
        for (size_t i = 0; i <= n; i++) {
            up[i] = (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 32) : name[i];
            low[i] = sp_ascii_lower(name[i]);
        }
        ck_assert_int_eq(sip_hdr_id_of(sp_str_cstr(up)), id);
        ck_assert_int_eq(sip_hdr_id_of(sp_str_cstr(low)), id);
        /* one letter off, or one shorter, is another header */
        low[n - 1] = low[n - 1] == 'x' ? 'y' : 'x';
        ck_assert_int_ne(sip_hdr_id_of(sp_str_cstr(low)), id);
        if (n > 2) /* "T" is the compact form of To */
            ck_assert_int_ne(sip_hdr_id_of(sp_str_make(name, n - 1)), id);
    }
    ck_assert_ptr_null(sip_hdr_name(SIP_H_OTHER));
    ck_assert_ptr_null(sip_hdr_name(SIP_H__COUNT));
    ck_assert_uint_eq(sip_hdr_id_of(SP_LIT("X-Custom-Header")), SIP_H_OTHER);
    ck_assert_uint_eq(sip_hdr_id_of(SP_LIT("")), SIP_H_OTHER);
    ck_assert_uint_eq(sip_hdr_id_of(SP_LIT("P-Asserted-Identity-And-Then-Some")), SIP_H_OTHER);
    ck_assert_str_eq(sip_hdr_name(SIP_H_CALL_ID), "Call-ID");
    ck_assert_str_eq(sip_hdr_name(SIP_H_WWW_AUTHENTICATE), "WWW-Authenticate");
}
END_TEST

START_TEST(white_space_around_colon)
{
    const char *s = "OPTIONS sip:x SIP/2.0\r\n"
                    "Via \t : \t SIP/2.0/UDP h \t \r\n"
                    "X-Empty:\r\n"
                    "X-Blank: \t \r\n"
                    "cAlL-iD:abc\r\n"
                    "\r\n";
    ck_assert_int_gt(parse(s, SIP_FRAME_DATAGRAM), 0);
    ck_assert_uint_eq(msg.nheaders, 4);
    ck_assert_slice(msg.headers[0].name, "Via");
    ck_assert_slice(msg.headers[0].value, "SIP/2.0/UDP h");
    ck_assert_slice(msg.headers[1].value, "");
    ck_assert_slice(msg.headers[2].value, "");
    ck_assert_slice(msg.headers[3].name, "cAlL-iD");
    ck_assert_uint_eq(msg.headers[3].id, SIP_H_CALL_ID);
    ck_assert_slice(msg.headers[3].value, "abc");
}
END_TEST

START_TEST(folding)
{
    const char *s = "OPTIONS sip:x SIP/2.0\r\n"
                    "Subject: one \r\n"
                    "  two\r\n"
                    "\tthree  \r\n"
                    "To:\r\n"
                    " <sip:a@b>\r\n"
                    "X-Trail: v\r\n"
                    "   \r\n"
                    "From: <sip:c@d>\r\n"
                    "\r\n";
    ck_assert_int_gt(parse(s, SIP_FRAME_DATAGRAM), 0);
    ck_assert_uint_eq(msg.nheaders, 4);
    ck_assert_slice(msg.headers[0].value, "one \r\n  two\r\n\tthree");
    ck_assert_slice(msg.headers[1].value, "<sip:a@b>");
    ck_assert_slice(msg.headers[2].value, "v");
    ck_assert_slice(msg.headers[3].value, "<sip:c@d>");

    char out[64];
    size_t n = sip_value_unfold(msg.headers[0].value, out, sizeof out);
    ck_assert_uint_eq(n, 13);
    ck_assert_int_eq(memcmp(out, "one two three", n), 0);
    /* too small: the length needed, nothing beyond cap written */
    memset(out, '#', sizeof out);
    ck_assert_uint_eq(sip_value_unfold(msg.headers[0].value, out, 5), 13);
    ck_assert_int_eq(out[5], '#');
    /* inner white space that is not a fold is kept */
    ck_assert_uint_eq(sip_value_unfold(SP_LIT("a  b\r\n c"), out, sizeof out), 6);
    ck_assert_int_eq(memcmp(out, "a  b c", 6), 0);
    ck_assert_uint_eq(sip_value_unfold(SP_LIT("a\nb"), out, sizeof out), 3);
    ck_assert_int_eq(memcmp(out, "a b", 3), 0);
}
END_TEST

START_TEST(bare_lf_line_ends)
{
    const char *s = "INVITE sip:x SIP/2.0\nVia: a\r\nTo: b\n\tc\n\nbody";
    ck_assert_int_eq(parse(s, SIP_FRAME_DATAGRAM), (int)strlen(s));
    ck_assert_slice(msg.version, "SIP/2.0");
    ck_assert_slice(msg.headers[0].value, "a");
    ck_assert_slice(msg.headers[1].value, "b\n\tc");
    ck_assert_slice(msg.body, "body");
}
END_TEST

START_TEST(find_helpers)
{
    const char *s = "OPTIONS sip:x SIP/2.0\r\n"
                    "Via: 1\r\n"
                    "X-A: a1\r\n"
                    "v: 2\r\n"
                    "X-B: b1\r\n"
                    "x-a: a2\r\n"
                    "VIA: 3\r\n"
                    "\r\n";
    ck_assert_int_gt(parse(s, SIP_FRAME_DATAGRAM), 0);
    const sip_header *h = sip_msg_find(&msg, SIP_H_VIA);
    ck_assert_slice(h->value, "1");
    h = sip_msg_find_next(&msg, h);
    ck_assert_slice(h->value, "2");
    h = sip_msg_find_next(&msg, h);
    ck_assert_slice(h->value, "3");
    ck_assert_ptr_null(sip_msg_find_next(&msg, h));
    ck_assert_uint_eq(msg.count[SIP_H_VIA], 3);

    h = sip_msg_find_name(&msg, SP_LIT("X-a"));
    ck_assert_slice(h->value, "a1");
    h = sip_msg_find_next(&msg, h);
    ck_assert_slice(h->value, "a2");
    ck_assert_ptr_null(sip_msg_find_next(&msg, h));
    ck_assert_slice(sip_msg_find_name(&msg, SP_LIT("v"))->value, "1");
    ck_assert_slice(sip_msg_find_name(&msg, SP_LIT("via"))->value, "1");
    ck_assert_ptr_null(sip_msg_find_name(&msg, SP_LIT("X-C")));
    ck_assert_ptr_null(sip_msg_find(&msg, SIP_H_CONTACT));
    ck_assert_ptr_null(sip_msg_find(&msg, SIP_H__COUNT));
    ck_assert_ptr_null(sip_msg_find_next(&msg, NULL));
}
END_TEST

/* --- errors --------------------------------------------------------------- */

static const struct bad_case {
    const char *name, *input;
    int rc;
    size_t offset;
    int status;
    const char *reason;
} bad_cases[] = {
    {"other version", "INVITE sip:x SIP/3.0\r\n\r\n", SP_EINVAL, 13, 505, "bad SIP version"},
    {"version junk", "INVITE sip:x SIP/2.0x\r\n\r\n", SP_EINVAL, 13, 400, "bad SIP version"},
    {"version missing digit", "INVITE sip:x SIP/2.\r\n\r\n", SP_EINVAL, 13, 400, "bad SIP version"},
    {"response other version", "SIP/1.0 200 OK\r\n\r\n", SP_EINVAL, 0, 505, "bad SIP version"},
    {"response bad version", "SIP/2.0x 200 OK\r\n\r\n", SP_EINVAL, 0, 400, "bad SIP version"},
    {"no version", "INVITE sip:x\r\n\r\n", SP_EINVAL, 12, 400, "no SIP version"},
    {"method only", "INVITE\r\n\r\n", SP_EINVAL, 6, 400, "ends after the method"},
    {"bad method char", "INV@TE sip:x SIP/2.0\r\n\r\n", SP_EINVAL, 3, 400, "bad character in method"},
    {"leading space", " INVITE sip:x SIP/2.0\r\n\r\n", SP_EINVAL, 0, 400, "bad method"},
    {"two spaces before uri", "INVITE  sip:x SIP/2.0\r\n\r\n", SP_EINVAL, 7, 400, "more than one SP"},
    {"two spaces before version", "INVITE sip:x  SIP/2.0\r\n\r\n", SP_EINVAL, 13, 400, "more than one SP"},
    {"trailing space", "INVITE sip:x SIP/2.0 \r\n\r\n", SP_EINVAL, 13, 400, "bad SIP version"},
    {"tab in uri", "INVITE sip:x\tSIP/2.0\r\n\r\n", SP_EINVAL, 12, 400, "bad character in Request-URI"},
    {"utf8 in uri", "INVITE sip:\xc3\xa9 SIP/2.0\r\n\r\n", SP_EINVAL, 11, 400, "bad character in Request-URI"},
    {"empty start line", "\r\nINVITE sip:x SIP/2.0\r\n\r\n", SP_EINVAL, 0, 400, "empty line before"},
    {"status two digits", "SIP/2.0 20 OK\r\n\r\n", SP_EINVAL, 8, 400, "bad status code"},
    {"status four digits", "SIP/2.0 2000 OK\r\n\r\n", SP_EINVAL, 11, 400, "more than 3 digits"},
    {"status below 100", "SIP/2.0 099 Odd\r\n\r\n", SP_EINVAL, 8, 400, "out of range"},
    {"status above 699", "SIP/2.0 700 Odd\r\n\r\n", SP_EINVAL, 8, 400, "out of range"},
    {"status letters", "SIP/2.0 2x0 OK\r\n\r\n", SP_EINVAL, 8, 400, "bad status code"},
    {"status junk after", "SIP/2.0 200x OK\r\n\r\n", SP_EINVAL, 11, 400, "bad status code"},
    {"no status", "SIP/2.0\r\n\r\n", SP_EINVAL, 7, 400, "no status code"},
    {"control in reason", "SIP/2.0 200 O\x01K\r\n\r\n", SP_EINVAL, 13, 400, "control character in reason"},
    {"no colon", "OPTIONS sip:x SIP/2.0\r\nVia SIP/2.0/UDP h\r\n\r\n", SP_EINVAL, 27, 400, "header name has no colon"},
    {"no colon eol", "OPTIONS sip:x SIP/2.0\r\nVia\r\n\r\n", SP_EINVAL, 26, 400, "header name has no colon"},
    {"bad name char", "OPTIONS sip:x SIP/2.0\r\nVi@a: x\r\n\r\n", SP_EINVAL, 25, 400, "bad character in header name"},
    {"empty name", "OPTIONS sip:x SIP/2.0\r\n: x\r\n\r\n", SP_EINVAL, 23, 400, "empty header name"},
    {"fold first", "OPTIONS sip:x SIP/2.0\r\n folded\r\n\r\n", SP_EINVAL, 23, 400, "continuation line before"},
    {"bare cr", "OPTIONS sip:x SIP/2.0\r\n\rVia: x\r\n\r\n", SP_EINVAL, 23, 400, "CR not followed by LF"},
    {"cr in value", "OPTIONS sip:x SIP/2.0\r\nVia: a\rb\r\n\r\n", SP_EINVAL, 29, 400, "control character in header value"},
    {"del in value", "OPTIONS sip:x SIP/2.0\r\nSubject: 0123456789\x7f\r\n\r\n", SP_EINVAL, 42, 400,
     "control character in header value"},
    {"control in fold", "OPTIONS sip:x SIP/2.0\r\nSubject: a\r\n b\x02\r\n\r\n", SP_EINVAL, 37, 400,
     "control character in header value"},
    {"cl junk", "OPTIONS sip:x SIP/2.0\r\nContent-Length: 12a\r\n\r\n", SP_EINVAL, 41, 400, "bad character in Content-Length"},
    {"cl negative", "OPTIONS sip:x SIP/2.0\r\nl: -1\r\n\r\n", SP_EINVAL, 26, 400, "bad character in Content-Length"},
    {"cl empty", "OPTIONS sip:x SIP/2.0\r\nContent-Length:\r\n\r\n", SP_EINVAL, 38, 400, "empty Content-Length"},
    {"cl overflow", "OPTIONS sip:x SIP/2.0\r\nContent-Length: 18446744073709551616\r\n\r\n", SP_EINVAL, 39, 400,
     "overflows"},
    {"cl two values", "OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\nl: 1\r\n\r\nx", SP_EINVAL, 45, 400,
     "two different Content-Length"},
    {"cl too large", "OPTIONS sip:x SIP/2.0\r\nContent-Length: 5\r\n\r\nabcd", SP_EINVAL, 39, 400,
     "Content-Length larger than the message"},
};

START_TEST(error_paths)
{
    const struct bad_case *c = &bad_cases[_i];
    int rc = parse(c->input, SIP_FRAME_DATAGRAM);
    ck_assert_msg(rc == c->rc, "%s: rc %d", c->name, rc);
    ck_assert_msg(err.offset == c->offset, "%s: offset %zu, want %zu (%s)", c->name, err.offset, c->offset,
                  err.reason);
    ck_assert_msg(err.status == c->status, "%s: status %d", c->name, err.status);
    ck_assert_msg(err.reason && strstr(err.reason, c->reason), "%s: reason \"%s\"", c->name, err.reason);
}
END_TEST

START_TEST(nul_bytes_in_header_section)
{
    static const char s1[] = "OPTIONS sip:x SIP/2.0\r\nVia: a\0b\r\n\r\n";
    ck_assert_int_eq(parse_n(s1, sizeof s1 - 1, SIP_FRAME_DATAGRAM, NULL), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 29);
    ck_assert_str_eq(err.reason, "NUL byte in header section");
    static const char s2[] = "OPTIONS sip:x SIP/2.0\r\nV\0ia: ab\r\n\r\n";
    ck_assert_int_eq(parse_n(s2, sizeof s2 - 1, SIP_FRAME_DATAGRAM, NULL), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 24);
    ck_assert_str_eq(err.reason, "NUL byte in header section");
    static const char s3[] = "OPT\0ONS sip:x SIP/2.0\r\n\r\n";
    ck_assert_int_eq(parse_n(s3, sizeof s3 - 1, SIP_FRAME_DATAGRAM, NULL), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 3);
    ck_assert_str_eq(err.reason, "NUL byte in header section");
    static const char s4[] = "SIP/2.0 200 O\0K\r\n\r\n";
    ck_assert_int_eq(parse_n(s4, sizeof s4 - 1, SIP_FRAME_DATAGRAM, NULL), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 13);
    ck_assert_str_eq(err.reason, "NUL byte in header section");
    /* a NUL in the body is just data */
    static const char s5[] = "OPTIONS sip:x SIP/2.0\r\nl: 3\r\n\r\na\0b";
    ck_assert_int_eq(parse_n(s5, sizeof s5 - 1, SIP_FRAME_DATAGRAM, NULL), (int)sizeof s5 - 1);
    ck_assert_uint_eq(msg.body.n, 3);
}
END_TEST

/* §25.1: quoted-pair = "\\" (%x00-09 / %x0B-0C / %x0E-7F): a control byte
 * escaped inside a quoted-string or a comment is valid, a raw one is not. */
START_TEST(control_bytes_in_quoted_pairs)
{
    static const char nul[] = "OPTIONS sip:x SIP/2.0\r\nFrom: \"a\\\0b\" <sip:a@h>;tag=1\r\n\r\n";
    ck_assert_int_eq(parse_n(nul, sizeof nul - 1, SIP_FRAME_DATAGRAM, NULL), (int)sizeof nul - 1);
    const sip_header *h = sip_msg_find(&msg, SIP_H_FROM);
    ck_assert_uint_eq(h->value.n, 22);
    sip_addr a;
    ck_assert_int_eq(sip_addr_parse(h->value, &a, NULL), 0);
    ck_assert_uint_eq(a.display.n, 6);
    static const char bel_del[] = "OPTIONS sip:x SIP/2.0\r\nTo: \"\\\a \\\x7f\" <sip:b@h>\r\n"
                                  "Subject: x\r\n \"\\\x01\"\r\nUser-Agent: u (c \\\x1b)\r\n\r\n";
    ck_assert_int_eq(parse_n(bel_del, sizeof bel_del - 1, SIP_FRAME_DATAGRAM, NULL), (int)sizeof bel_del - 1);
    ck_assert_uint_eq(msg.nheaders, 3);
    static const struct {
        const char *s;
        size_t len, offset;
    } bad[] = {
        /* raw, outside quotes, after a closed quoted-string, after an escaped backslash */
        {"OPTIONS sip:x SIP/2.0\r\nTo: \"a\ab\" <sip:b@h>\r\n\r\n", 0, 29},
        {"OPTIONS sip:x SIP/2.0\r\nTo: a\\\a <sip:b@h>\r\n\r\n", 0, 29},
        {"OPTIONS sip:x SIP/2.0\r\nTo: \"a\" \\\a <sip:b@h>\r\n\r\n", 0, 32},
        {"OPTIONS sip:x SIP/2.0\r\nTo: \"a\\\\\a\" <sip:b@h>\r\n\r\n", 0, 31},
        {"OPTIONS sip:x SIP/2.0\r\nTo: \"a\" (c) \\\0 <sip:b@h>\r\n\r\n", 51, 36},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        size_t n = bad[i].len ? bad[i].len : strlen(bad[i].s);
        ck_assert_msg(parse_n(bad[i].s, n, SIP_FRAME_DATAGRAM, NULL) == SP_EINVAL, "case %zu", i);
        ck_assert_msg(err.offset == bad[i].offset, "case %zu: offset %zu", i, err.offset);
    }
}
END_TEST

START_TEST(incomplete_header_section)
{
    /* every proper prefix of a message whose header section is cut is "again" */
    size_t head = strlen(simple) - 5;
    for (size_t n = 0; n < head; n++)
        ck_assert_msg(parse_n(simple, n, SIP_FRAME_DATAGRAM, NULL) == SP_AGAIN, "prefix %zu", n);
}
END_TEST

/* --- framing -------------------------------------------------------------- */

START_TEST(datagram_framing)
{
    /* no Content-Length: the rest is the body */
    const char *s = REQ_HEAD "\r\nbody bytes\r\n";
    ck_assert_int_eq(parse(s, SIP_FRAME_DATAGRAM), (int)strlen(s));
    ck_assert(!msg.has_content_length);
    ck_assert_slice(msg.body, "body bytes\r\n");
    /* extra bytes after the body are ignored */
    s = REQ_HEAD "Content-Length: 4\r\n\r\nbodyEXTRA";
    ck_assert_int_eq(parse(s, SIP_FRAME_DATAGRAM), (int)strlen(s) - 5);
    ck_assert_slice(msg.body, "body");
    ck_assert_uint_eq(msg.length, strlen(s) - 5);
    /* the same value twice is one value */
    s = REQ_HEAD "Content-Length: 4\r\nl: 004\r\n\r\nbody";
    ck_assert_int_eq(parse(s, SIP_FRAME_DATAGRAM), (int)strlen(s));
    ck_assert_uint_eq(msg.content_length, 4);
}
END_TEST

START_TEST(stream_framing)
{
    /* absent Content-Length means no body */
    const char *s = REQ_HEAD "\r\nNEXT";
    ck_assert_int_eq(parse(s, SIP_FRAME_STREAM), (int)strlen(s) - 4);
    ck_assert(!msg.has_content_length);
    ck_assert_uint_eq(msg.body.n, 0);
    /* the body is waited for */
    s = REQ_HEAD "Content-Length: 10\r\n\r\n0123456";
    ck_assert_int_eq(parse(s, SIP_FRAME_STREAM), SP_AGAIN);
    /* in a datagram the same is an error */
    ck_assert_int_eq(parse(s, SIP_FRAME_DATAGRAM), SP_EINVAL);
    /* leading CRLFs (keep-alives) are skipped and counted */
    s = "\r\n\r\n\n" REQ_HEAD "l: 2\r\n\r\nhi";
    ck_assert_int_eq(parse(s, SIP_FRAME_STREAM), (int)strlen(s));
    ck_assert_ptr_eq(msg.method.p, in + 5);
    ck_assert_slice(msg.body, "hi");
    ck_assert_int_eq(parse("\r\n\r\n", SIP_FRAME_STREAM), SP_AGAIN);
    ck_assert_int_eq(parse("\r\n\r", SIP_FRAME_STREAM), SP_AGAIN);
    ck_assert_int_eq(parse("", SIP_FRAME_STREAM), SP_AGAIN);
}
END_TEST

/* Three messages back to back, with keep-alives between them. */
static const char stream3[] = "\r\n" REQ_HEAD "Content-Length: 5\r\n\r\nhello"
                              "\r\n\r\n"
                              "SIP/2.0 200 OK\r\nv: SIP/2.0/TCP h\r\n folded\r\nl: 0\r\n\r\n"
                              "BYE sip:x SIP/2.0\nl: 3\n\nbye";

typedef struct seen {
    size_t count;
    size_t ends[8];
    size_t nheaders[8];
    size_t body_len[8];
} seen;

/* Parses a stream that arrives as buf[0..cut) then the rest: whatever is
 * complete in the first part is consumed, the rest parsed after the second
 * read, the way a transport feeds the parser. */
static void parse_stream_cut(const char *whole, size_t total, size_t cut, seen *out)
{
    memset(out, 0, sizeof *out);
    size_t base = 0, have = cut;
    for (;;) {
        int rc = parse_n(whole + base, have - base, SIP_FRAME_STREAM, NULL);
        if (rc == SP_AGAIN) {
            if (have == total)
                break;
            have = total;
            continue;
        }
        ck_assert_msg(rc > 0, "cut %zu: rc %d (%s)", cut, rc, err.reason);
        ck_assert_uint_lt(out->count, 8);
        base += (size_t)rc;
        out->ends[out->count] = base;
        out->nheaders[out->count] = msg.nheaders;
        out->body_len[out->count] = msg.body.n;
        out->count++;
    }
}

START_TEST(stream_every_split)
{
    size_t total = sizeof stream3 - 1;
    seen whole;
    parse_stream_cut(stream3, total, total, &whole);
    ck_assert_uint_eq(whole.count, 3);
    ck_assert_uint_eq(whole.nheaders[0], 7);
    ck_assert_uint_eq(whole.body_len[0], 5);
    ck_assert_uint_eq(whole.nheaders[1], 2);
    ck_assert_uint_eq(whole.body_len[2], 3);
    ck_assert_uint_eq(whole.ends[2], total);
    for (size_t cut = 0; cut <= total; cut++) {
        seen part;
        parse_stream_cut(stream3, total, cut, &part);
        ck_assert_uint_eq(part.count, whole.count);
        for (size_t i = 0; i < whole.count; i++) {
            ck_assert_uint_eq(part.ends[i], whole.ends[i]);
            ck_assert_uint_eq(part.nheaders[i], whole.nheaders[i]);
            ck_assert_uint_eq(part.body_len[i], whole.body_len[i]);
        }
    }
}
END_TEST

/* --- limits --------------------------------------------------------------- */

START_TEST(max_headers_boundary)
{
    char buf[4096];
    size_t n = (size_t)snprintf(buf, sizeof buf, "OPTIONS sip:x SIP/2.0\r\n");
    for (int i = 0; i < 10; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "X-H%d: %d\r\n", i, i);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "\r\n");
    sip_limits lim = {SIP_DEFAULT_MAX_MSG_SIZE, 10};
    ck_assert_int_eq(parse_n(buf, n, SIP_FRAME_DATAGRAM, &lim), (int)n);
    ck_assert_uint_eq(msg.nheaders, 10);
    lim.max_headers = 9;
    ck_assert_int_eq(parse_n(buf, n, SIP_FRAME_DATAGRAM, &lim), SP_ELIMIT);
    ck_assert_int_eq(err.status, 513);
    ck_assert_str_eq(err.reason, "too many header lines");
    ck_assert_uint_eq(err.offset, (size_t)(strstr(buf, "X-H9") - buf));
    /* the caller's array is a limit too */
    lim.max_headers = 100;
    in = guard_copy(buf, n);
    ck_assert_int_eq(sip_msg_parse(in, n, &msg, hdrs, 10, &lim, SIP_FRAME_DATAGRAM, &err), (int)n);
    ck_assert_int_eq(sip_msg_parse(in, n, &msg, hdrs, 9, &lim, SIP_FRAME_DATAGRAM, &err), SP_ELIMIT);
    /* folded lines are not header lines */
    lim.max_headers = 1;
    const char *folded = "A sip:x SIP/2.0\r\nX: a\r\n b\r\n c\r\n\r\n";
    ck_assert_int_eq(parse_n(folded, strlen(folded), SIP_FRAME_DATAGRAM, &lim), (int)strlen(folded));
}
END_TEST

START_TEST(max_size_boundary)
{
    const char *with_cl = REQ_HEAD "Content-Length: 5\r\n\r\nhello";
    const char *no_cl = REQ_HEAD "\r\nhello";
    size_t n1 = strlen(with_cl), n2 = strlen(no_cl);
    sip_limits lim = {n1, SIP_DEFAULT_MAX_HEADERS};
    ck_assert_int_eq(parse_n(with_cl, n1, SIP_FRAME_DATAGRAM, &lim), (int)n1);
    ck_assert_int_eq(parse_n(with_cl, n1, SIP_FRAME_STREAM, &lim), (int)n1);
    lim.max_msg_size = n1 - 1;
    ck_assert_int_eq(parse_n(with_cl, n1, SIP_FRAME_DATAGRAM, &lim), SP_ELIMIT);
    ck_assert_int_eq(err.status, 513);
    ck_assert_str_eq(err.reason, "message larger than the size limit");
    ck_assert_uint_eq(err.offset, n1 - 1);
    /* stream: refused as soon as Content-Length says so, before the body arrives */
    ck_assert_int_eq(parse_n(with_cl, n1 - 5, SIP_FRAME_STREAM, &lim), SP_ELIMIT);
    ck_assert_uint_eq(err.offset, (size_t)(strstr(with_cl, "Content-Length: 5") - with_cl) + 16);
    /* ... and a length far beyond the limit is reported inside the input */
    const char *huge = REQ_HEAD "Content-Length: 8301774\r\n\r\n";
    ck_assert_int_eq(parse_n(huge, strlen(huge), SIP_FRAME_STREAM, NULL), SP_ELIMIT);
    ck_assert_uint_lt(err.offset, strlen(huge));
    ck_assert_int_eq(err.status, 513);

    lim.max_msg_size = n2;
    ck_assert_int_eq(parse_n(no_cl, n2, SIP_FRAME_DATAGRAM, &lim), (int)n2);
    lim.max_msg_size = n2 - 1;
    ck_assert_int_eq(parse_n(no_cl, n2, SIP_FRAME_DATAGRAM, &lim), SP_ELIMIT);

    /* a header section that never ends is cut at the limit, not scanned on */
    const char *head = REQ_HEAD;
    size_t hn = strlen(head);
    lim.max_msg_size = hn;
    ck_assert_int_eq(parse_n(head, hn, SIP_FRAME_STREAM, &lim), SP_AGAIN);
    lim.max_msg_size = hn - 1;
    ck_assert_int_eq(parse_n(head, hn, SIP_FRAME_STREAM, &lim), SP_ELIMIT);
    ck_assert_uint_eq(err.offset, hn - 1);
    /* keep-alives before the message do not count towards it */
    char buf[1024];
    snprintf(buf, sizeof buf, "\r\n\r\n%s", with_cl);
    lim.max_msg_size = n1;
    ck_assert_int_eq(parse_n(buf, n1 + 4, SIP_FRAME_STREAM, &lim), (int)n1 + 4);
}
END_TEST

START_TEST(default_limits)
{
    /* 64 KiB exactly passes, one byte more does not */
    size_t total = SIP_DEFAULT_MAX_MSG_SIZE;
    char *big = malloc(total + 1);
    ck_assert_ptr_nonnull(big);
    int head = snprintf(big, 128, "MESSAGE sip:x SIP/2.0\r\nContent-Length: %05lu\r\n\r\n", 0ul);
    size_t body = total - (size_t)head;
    snprintf(big, 128, "MESSAGE sip:x SIP/2.0\r\nContent-Length: %05lu\r\n\r\n", (unsigned long)body);
    memset(big + head, 'x', body + 1);
    ck_assert_int_eq(parse_n(big, total, SIP_FRAME_DATAGRAM, NULL), (int)total);
    snprintf(big, 128, "MESSAGE sip:x SIP/2.0\r\nContent-Length: %05lu\r\n\r\n", (unsigned long)(body + 1));
    big[head] = 'x';
    ck_assert_int_eq(parse_n(big, total + 1, SIP_FRAME_DATAGRAM, NULL), SP_ELIMIT);
    free(big);

    /* 128 header lines pass, 129 do not */
    static sip_header many[200];
    char buf[8192];
    size_t n = (size_t)snprintf(buf, sizeof buf, "OPTIONS sip:x SIP/2.0\r\n");
    for (int i = 0; i < SIP_DEFAULT_MAX_HEADERS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "X: %d\r\n", i);
    size_t end128 = n;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "X: last\r\n\r\n");
    memcpy(buf + end128, "\r\n", 2);
    in = guard_copy(buf, end128 + 2);
    ck_assert_int_eq(sip_msg_parse(in, end128 + 2, &msg, many, 200, NULL, SIP_FRAME_DATAGRAM, &err),
                     (int)end128 + 2);
    ck_assert_uint_eq(msg.nheaders, SIP_DEFAULT_MAX_HEADERS);
    memcpy(buf + end128, "X: last\r\n\r\n", 11);
    in = guard_copy(buf, n);
    ck_assert_int_eq(sip_msg_parse(in, n, &msg, many, 200, NULL, SIP_FRAME_DATAGRAM, &err), SP_ELIMIT);
    ck_assert_uint_eq(err.offset, end128);
}
END_TEST

static Suite *sip_msg_suite(void)
{
    Suite *s = suite_create("sip_msg");
    TCase *tc = tcase_create("grammar");
    tcase_add_test(tc, request_fields);
    tcase_add_test(tc, response_fields);
    tcase_add_test(tc, reason_phrase_forms);
    tcase_add_test(tc, unknown_method_and_odd_uri);
    tcase_add_test(tc, every_compact_form);
    tcase_add_test(tc, every_full_name_round_trips);
    tcase_add_test(tc, white_space_around_colon);
    tcase_add_test(tc, folding);
    tcase_add_test(tc, bare_lf_line_ends);
    tcase_add_test(tc, find_helpers);
    suite_add_tcase(s, tc);

    tc = tcase_create("errors");
    tcase_add_loop_test(tc, error_paths, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, nul_bytes_in_header_section);
    tcase_add_test(tc, control_bytes_in_quoted_pairs);
    tcase_add_test(tc, incomplete_header_section);
    suite_add_tcase(s, tc);

    tc = tcase_create("framing");
    tcase_add_test(tc, datagram_framing);
    tcase_add_test(tc, stream_framing);
    tcase_add_test(tc, stream_every_split);
    suite_add_tcase(s, tc);

    tc = tcase_create("limits");
    tcase_add_test(tc, max_headers_boundary);
    tcase_add_test(tc, max_size_boundary);
    tcase_add_test(tc, default_limits);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sip_msg_suite)
