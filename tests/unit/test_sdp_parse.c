/* test_sdp_parse.c - the SDP parser: every line type, the ordering rules,
 * line ends, connection data, every error with its offset, the limits at
 * their boundaries, and every prefix of a valid description. Every input
 * sits right before a guard page. */
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sdp_parse.h"

#define MAX_MEDIA 8
#define MAX_ATTRS 32

static sdp_session s;
static sdp_media media[MAX_MEDIA];
static sdp_attr attrs[MAX_ATTRS];
static sp_error err;

static int parse_lim(const char *text, size_t len, const sdp_limits *lim)
{
    const char *g = guard_copy(text, len);
    memset(&err, 0, sizeof err);
    return sdp_parse(g, len, &s, media, MAX_MEDIA, attrs, MAX_ATTRS, lim, &err);
}

static int parse(const char *text) { return parse_lim(text, strlen(text), NULL); }

static bool str_is(sp_str a, const char *b) { return a.p && sp_str_eq(a, sp_str_cstr(b)); }

#define HEAD "v=0\r\no=alice 2890844526 2890844527 IN IP4 host.example.com\r\ns=-\r\n"
#define MSRP_M "m=message 7654 TCP/MSRP *\r\n"

static const char full[] =
    "v=0\r\n"
    "o=alice 2890844526 2890844527 IN IP4 host.example.com\r\n"
    "s=Push session\r\n"
    "i=A file for you\r\n"
    "u=http://example.com/push\r\n"
    "e=alice@example.com\r\n"
    "e=bob@example.com\r\n"
    "p=+1 617 555 6011\r\n"
    "c=IN IP4 192.0.2.1\r\n"
    "b=AS:64\r\n"
    "t=2873397496 2873404696\r\n"
    "r=7d 1h 0 25h\r\n"
    "t=0 0\r\n"
    "z=2882844526 -1h 2898848070 0\r\n"
    "k=prompt\r\n"
    "a=tool:sippush\r\n"
    "a=recvonly\r\n"
    "m=message 7654 TCP/MSRP *\r\n"
    "i=the file\r\n"
    "c=IN IP6 2001:db8::1\r\n"
    "b=AS:128\r\n"
    "b=CT:256\r\n"
    "k=clear:secret\r\n"
    "a=sendonly\r\n"
    "a=path:msrp://h:7654/x;tcp\r\n"
    "m=audio 49170/2 RTP/AVP 0 8 97\r\n"
    "a=rtpmap:97 iLBC/8000\r\n";

START_TEST(every_line_type)
{
    ck_assert_int_eq(parse(full), (int)strlen(full));
    ck_assert_uint_eq(s.version, 0);
    ck_assert(str_is(s.origin.username, "alice"));
    ck_assert(str_is(s.origin.sess_id, "2890844526"));
    ck_assert(str_is(s.origin.sess_version, "2890844527"));
    ck_assert(str_is(s.origin.nettype, "IN"));
    ck_assert(str_is(s.origin.addrtype, "IP4"));
    ck_assert(str_is(s.origin.address, "host.example.com"));
    ck_assert(str_is(s.name, "Push session"));
    ck_assert(str_is(s.info, "A file for you"));
    ck_assert(str_is(s.uri, "http://example.com/push"));
    ck_assert(str_is(s.email, "alice@example.com"));
    ck_assert(str_is(s.phone, "+1 617 555 6011"));
    ck_assert(str_is(s.conn.address, "192.0.2.1"));
    ck_assert(str_is(s.bandwidth, "AS:64"));
    ck_assert_uint_eq(s.ntimes, 2);
    ck_assert_uint_eq(s.start_time, 2873397496u);
    ck_assert_uint_eq(s.stop_time, 2873404696u);
    ck_assert(str_is(s.key, "prompt"));
    ck_assert_uint_eq(s.nattrs, 2);
    ck_assert(str_is(s.attrs[0].name, "tool"));
    ck_assert(str_is(s.attrs[0].value, "sippush"));
    ck_assert(str_is(s.attrs[1].name, "recvonly"));
    ck_assert_ptr_null(s.attrs[1].value.p);

    ck_assert_uint_eq(s.nmedia, 2);
    sdp_media *m = &s.media[0];
    ck_assert(str_is(m->media, "message"));
    ck_assert_uint_eq(m->port, 7654);
    ck_assert_uint_eq(m->port_count, 1);
    ck_assert(str_is(m->proto, "TCP/MSRP"));
    ck_assert(str_is(m->formats, "*"));
    ck_assert(str_is(m->info, "the file"));
    ck_assert(str_is(m->conn.addrtype, "IP6"));
    ck_assert(str_is(m->conn.address, "2001:db8::1"));
    ck_assert(str_is(m->bandwidth, "AS:128"));
    ck_assert(str_is(m->key, "clear:secret"));
    ck_assert_uint_eq(m->nattrs, 2);
    ck_assert(str_is(m->attrs[1].value, "msrp://h:7654/x;tcp"));
    ck_assert(sdp_media_attr(m, "path") == &m->attrs[1]);
    ck_assert_ptr_null(sdp_media_attr(m, "setup"));
    ck_assert(sdp_session_attr(&s, "tool") == &s.attrs[0]);
    ck_assert_uint_eq(m->text.n, (size_t)(strstr(full, "m=audio") - strstr(full, "m=message")));

    m = &s.media[1];
    ck_assert(str_is(m->media, "audio"));
    ck_assert_uint_eq(m->port, 49170);
    ck_assert_uint_eq(m->port_count, 2);
    ck_assert(str_is(m->proto, "RTP/AVP"));
    ck_assert(str_is(m->formats, "0 8 97"));
    ck_assert(str_is(m->attrs[0].value, "97 iLBC/8000"));
    ck_assert_uint_eq(m->text.n, strlen("m=audio 49170/2 RTP/AVP 0 8 97\r\na=rtpmap:97 iLBC/8000\r\n"));
}
END_TEST

START_TEST(media_connection_overrides_session)
{
    ck_assert_int_ge(parse(full), 0);
    ck_assert(str_is(sdp_media_conn(&s, &s.media[0])->address, "2001:db8::1"));
    ck_assert(str_is(sdp_media_conn(&s, &s.media[1])->address, "192.0.2.1"));
}
END_TEST

START_TEST(connection_only_in_every_media)
{
    const char *t = HEAD "t=0 0\r\n" MSRP_M "c=IN IP4 192.0.2.2\r\n" MSRP_M "c=IN IP4 192.0.2.3\r\n";
    ck_assert_int_ge(parse(t), 0);
    ck_assert_ptr_null(s.conn.address.p);
    ck_assert(str_is(sdp_media_conn(&s, &s.media[1])->address, "192.0.2.3"));
    /* RFC 8866 §5.7: one stream without connection data */
    const char *u = HEAD "t=0 0\r\n" MSRP_M "c=IN IP4 192.0.2.2\r\n" MSRP_M;
    ck_assert_int_eq(parse(u), SP_EINVAL);
    ck_assert_uint_eq(err.offset, strlen(u) - strlen(MSRP_M));
    ck_assert_str_eq(err.reason, "no c= line for this media");
    ck_assert_int_eq(err.status, 400);
}
END_TEST

START_TEST(bare_lf_and_missing_last_line_end)
{
    const char *t = "v=0\no=- 1 1 IN IP4 h\ns=x\nc=IN IP4 h\nt=0 0\nm=message 1 TCP/MSRP *\na=sendonly";
    ck_assert_int_eq(parse(t), (int)strlen(t));
    ck_assert(str_is(s.name, "x"));
    ck_assert(str_is(s.media[0].attrs[0].name, "sendonly"));
    const char *mixed = "v=0\r\no=- 1 1 IN IP4 h\ns=x\r\nc=IN IP4 h\nt=0 0\r\n";
    ck_assert_int_eq(parse(mixed), (int)strlen(mixed));
}
END_TEST

START_TEST(trailing_blank_lines_tolerated)
{
    const char *t = HEAD "c=IN IP4 h\r\nt=0 0\r\n\r\n\r\n";
    ck_assert_int_eq(parse(t), (int)strlen(t));
}
END_TEST

START_TEST(text_fields_may_start_with_space)
{
    /* RFC 8866 §5.3 "s= " and RFC 4975's "s= -" */
    ck_assert_int_ge(parse("v=0\r\no=- 1 1 IN IP4 h\r\ns= -\r\ni= x\r\nc=IN IP4 h\r\nt=0 0\r\n"), 0);
    ck_assert(str_is(s.name, " -"));
    ck_assert(str_is(s.info, " x"));
}
END_TEST

START_TEST(repeated_times_and_repeats)
{
    ck_assert_int_ge(parse(HEAD "c=IN IP4 h\r\nt=1 2\r\nr=1 2 3\r\nr=4d 5h 6m 7s\r\nt=3 4\r\nt=5 6\r\nr=1 1 1\r\n"), 0);
    ck_assert_uint_eq(s.ntimes, 3);
    ck_assert_uint_eq(s.start_time, 1);
}
END_TEST

START_TEST(seed_liberal_forms_parse)
{
    /* The seeds write "a=setup: passive" and "a=setup: active ": the
     * generic attribute keeps the value as written. */
    ck_assert_int_ge(parse(HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "a=setup: active \r\n"), 0);
    ck_assert(str_is(s.media[0].attrs[0].value, " active "));
}
END_TEST

/* Invalid inputs: where the parser must stop and what it must say. */
static const struct bad_case {
    const char *text;
    const char *at; /* the offset is where this substring first starts... */
    int off;        /* ...or this, when at is NULL (-1: the end) */
    const char *reason;
} bad_cases[] = {
    {"", NULL, -1, "missing v= line"},
    {"o=- 1 1 IN IP4 h\r\n", "o=", -1, "first line must be v="},
    {"v=0\r\nv=0\r\n", NULL, 5, "line must not repeat"},
    {"v=0\r\ns=x\r\n", "s=", -1, "missing o= line"},
    {"v=0\r\no=- 1 1 IN IP4 h\r\n", NULL, -1, "missing s= line"},
    {"v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 h\r\n", "c=", -1, "missing s= line"},
    {HEAD "c=IN IP4 h\r\n", NULL, -1, "missing t= line"},
    {HEAD "c=IN IP4 h\r\n" MSRP_M, "m=", -1, "missing t= line"},
    {HEAD "c=IN IP4 h\r\na=x\r\n", "a=", -1, "missing t= line"},
    {HEAD "r=1 2 3\r\n", "r=", -1, "r= line without t= line"},
    {HEAD "c=IN IP4 h\r\ni=late\r\nt=0 0\r\n", "i=", -1, "line out of order"},
    {HEAD "t=0 0\r\nz=1 2\r\nt=0 0\r\n", NULL, (int)(sizeof HEAD - 1 + 14), "line out of order"},
    {HEAD "c=IN IP4 h\r\nc=IN IP4 g\r\nt=0 0\r\n", "c=IN IP4 g", -1, "line must not repeat"},
    {HEAD "c=IN IP4 h\r\nt=0 0\r\nk=x\r\nk=y\r\n", "k=y", -1, "line must not repeat"},
    {HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "a=x\r\nc=IN IP4 h\r\n", NULL, (int)(sizeof HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "a=x\r\n" - 1), "line out of order"},
    {HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "i=a\r\ni=b\r\n", "i=b", -1, "line must not repeat"},
    {HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "t=0 0\r\n", NULL, (int)(sizeof HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M - 1), "line not allowed in a media description"},
    {HEAD "c=IN IP4 h\r\nt=0 0\r\nx=1\r\n", "x=", -1, "unknown line type"},
    {HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "y=1\r\n", "y=", -1, "unknown line type"},
    {"v =0\r\n", "v =", -1, "line is not type=value"},
    {"v\r\n", "v", -1, "line is not type=value"},
    {"v=0\r\n\r\no=- 1 1 IN IP4 h\r\n", "\r\no=", -1, "empty line"},
    {"v= 0\r\n", " 0", -1, "white space after '='"},
    {"v=\r\n", "v=", -1, "empty value"},
    {"v=1\r\n", "1", -1, "unsupported SDP version"},
    {"v=0x\r\n", "0x", -1, "bad v= line"},
    {"v=0\r\no=- 1 1 IN IP4\r\n", "o=", -1, "o= line needs 6 fields"},
    {"v=0\r\no=- 1  1 IN IP4 h\r\n", NULL, 11, "o= line: empty field"},
    {"v=0\r\no=- 1 1 IN IP4 h \r\n", "h \r", -1, "o= line: bad address"},
    {"v=0\r\no=- 1 1 IN IP4 h x\r\n", "h x", -1, "o= line: bad address"},
    {"v=0\r\no=- x1 1 IN IP4 h\r\n", "x1", -1, "o= line: sess-id is not a number"},
    {"v=0\r\no=- 1 1x IN IP4 h\r\n", "1x", -1, "o= line: sess-version is not a number"},
    {"v=0\r\no=- 1 1 I(N IP4 h\r\n", "I(N", -1, "o= line: bad nettype"},
    {"v=0\r\no=- 1 1 IN I/P4 h\r\n", "I/P4", -1, "o= line: bad addrtype"},
    {HEAD "c=IN IP4\r\n", "c=", -1, "c= line needs 3 fields"},
    {HEAD "c=IN IP4 h h\r\n", "h h", -1, "c= line: bad address"},
    {HEAD "b=AS64\r\n", "b=", -1, "b= line needs bwtype:bandwidth"},
    {HEAD "b=AS:6x\r\n", "6x", -1, "b= line: bandwidth is not a number"},
    {HEAD "b=A S:64\r\n", "A S", -1, "b= line: bad bwtype"},
    {HEAD "t=0\r\n", "t=", -1, "t= line needs start and stop times"},
    {HEAD "t=0 x\r\n", "x\r", -1, "t= line: time is not a number"},
    {HEAD "t=0 99999999999999999999\r\n", "999", -1, "t= line: time out of range"},
    {HEAD "t=0 0\r\nr=1 2\r\n", "r=", -1, "r= line needs at least 3 fields"},
    {HEAD "t=0 0\r\nr=1 2 3x\r\n", "3x", -1, "r= line: bad typed time"},
    {HEAD "t=0 0\r\nz=1 2 3\r\n", "z=", -1, "z= line needs time and offset pairs"},
    {HEAD "t=0 0\r\nz=1 -x\r\n", "-x", -1, "z= line: bad time or offset"},
    {HEAD "t=0 0\r\nk=:x\r\n", ":x", -1, "k= line: bad method"},
    {HEAD "t=0 0\r\nk=uri:\r\n", ":\r", -1, "k= line: empty key"},
    {HEAD "t=0 0\r\na=:x\r\n", ":x", -1, "a= line: bad attribute name"},
    {HEAD "t=0 0\r\na=fo o\r\n", " o", -1, "a= line: bad attribute name"},
    {HEAD "t=0 0\r\na=foo:\r\n", ":\r", -1, "a= line: empty attribute value"},
    {HEAD "t=0 0\r\nm=message 7654 TCP/MSRP\r\n", "m=", -1, "m= line needs media, port, proto and formats"},
    {HEAD "t=0 0\r\nm=message 70000 TCP/MSRP *\r\n", "70000", -1, "m= line: bad port"},
    {HEAD "t=0 0\r\nm=message 7x TCP/MSRP *\r\n", "7x", -1, "m= line: bad port"},
    {HEAD "t=0 0\r\nm=message 7/0 TCP/MSRP *\r\n", "0 TCP", -1, "m= line: bad number of ports"},
    {HEAD "t=0 0\r\nm=message 7 TCP//MSRP *\r\n", "/MSRP", -1, "m= line: bad proto"},
    {HEAD "t=0 0\r\nm=message 7 TCP/MSRP * \"x\r\n", "\"x", -1, "m= line: bad format"},
    {HEAD "t=0 0\r\nm=mes:sage 7 TCP/MSRP *\r\n", "mes:", -1, "m= line: bad media"},
    {HEAD "t=0 0\r\na=x\ry\r\n", "\ry", -1, "CR without LF"},
};

START_TEST(invalid_input_offsets)
{
    const struct bad_case *c = &bad_cases[_i];
    size_t len = strlen(c->text);
    ck_assert_int_eq(parse(c->text), SP_EINVAL);
    const char *hit = c->at ? strstr(c->text, c->at) : c->off >= 0 ? c->text + c->off : c->text + len;
    ck_assert_msg(hit != NULL, "case %d: marker not found", _i);
    ck_assert_msg(err.offset == (size_t)(hit - c->text), "case %d (%s): offset %zu, want %zu", _i, c->reason,
                  err.offset, (size_t)(hit - c->text));
    ck_assert_str_eq(err.reason, c->reason);
    ck_assert_int_eq(err.status, 400);
}
END_TEST

START_TEST(nul_byte_is_refused)
{
    static const char t[] = HEAD "c=IN IP4 h\r\nt=0 0\r\na=x\0y\r\n";
    ck_assert_int_eq(parse_lim(t, sizeof t - 1, NULL), SP_EINVAL);
    ck_assert_uint_eq(err.offset, sizeof t - 1 - 4);
    ck_assert_str_eq(err.reason, "NUL byte");
    /* a NUL inside the first eight-byte block and in the tail */
    ck_assert_int_eq(parse_lim("v=\0", 3, NULL), SP_EINVAL);
    ck_assert_uint_eq(err.offset, 2);
}
END_TEST

START_TEST(forbidden_byte_at_every_position)
{
    /* a NUL, a lone CR, or a non-token byte in an attribute name, at every
     * position of a long line: the scanners look at 8 or 16 bytes per step,
     * so every offset within and across their blocks is tried */
    static const char head[] = HEAD "c=IN IP4 h\r\nt=0 0\r\n";
    char t[256];
    const size_t hl = sizeof head - 1, line = 40;
    for (size_t k = 0; k < line; k++) {
        memcpy(t, head, hl);
        memcpy(t + hl, "a=", 2);
        memset(t + hl + 2, 'x', line);
        memcpy(t + hl + 2 + line, "\r\n", 2);
        size_t len = hl + line + 4;
        t[hl + 2 + k] = '\0';
        ck_assert_int_eq(parse_lim(t, len, NULL), SP_EINVAL);
        ck_assert_uint_eq(err.offset, hl + 2 + k);
        ck_assert_str_eq(err.reason, "NUL byte");
        t[hl + 2 + k] = '\r';
        ck_assert_int_eq(parse_lim(t, len, NULL), SP_EINVAL);
        ck_assert_uint_eq(err.offset, hl + 2 + k);
        ck_assert_str_eq(err.reason, "CR without LF");
        t[hl + 2 + k] = '@';
        ck_assert_int_eq(parse_lim(t, len, NULL), SP_EINVAL);
        ck_assert_uint_eq(err.offset, hl + 2 + k);
        ck_assert_str_eq(err.reason, "a= line: bad attribute name");
        t[hl + 2 + k] = ':';
        /* ':' first leaves no name, last leaves no value */
        bool ok = k > 0 && k < line - 1;
        ck_assert_int_eq(parse_lim(t, len, NULL), ok ? (int)len : SP_EINVAL);
        if (ok)
            ck_assert_uint_eq(s.attrs[0].name.n, k);
    }
}
END_TEST

START_TEST(max_size_boundary)
{
    const char *t = HEAD "c=IN IP4 h\r\nt=0 0\r\n";
    size_t len = strlen(t);
    sdp_limits lim = {len, MAX_MEDIA, MAX_ATTRS};
    ck_assert_int_eq(parse_lim(t, len, &lim), (int)len);
    lim.max_size = len - 1;
    ck_assert_int_eq(parse_lim(t, len, &lim), SP_ELIMIT);
    ck_assert_uint_eq(err.offset, len - 1);
    ck_assert_int_eq(err.status, 413);
    ck_assert_str_eq(err.reason, "SDP too large");
}
END_TEST

START_TEST(default_max_size_boundary)
{
    static char big[SDP_DEFAULT_MAX_SIZE + 1];
    const char *head = HEAD "c=IN IP4 h\r\nt=0 0\r\n";
    size_t n = strlen(head);
    memcpy(big, head, n);
    /* fill with one long attribute line ending exactly at the limit */
    memcpy(big + n, "a=x:", 4);
    memset(big + n + 4, 'y', SDP_DEFAULT_MAX_SIZE - n - 6);
    memcpy(big + SDP_DEFAULT_MAX_SIZE - 2, "\r\n", 2);
    ck_assert_int_eq(parse_lim(big, SDP_DEFAULT_MAX_SIZE, NULL), SDP_DEFAULT_MAX_SIZE);
    big[SDP_DEFAULT_MAX_SIZE] = '\n';
    ck_assert_int_eq(parse_lim(big, SDP_DEFAULT_MAX_SIZE + 1, NULL), SP_ELIMIT);
}
END_TEST

/* HEAD, then n media sections of one attribute each. */
static size_t media_text(char *out, size_t cap, size_t n)
{
    size_t len = (size_t)snprintf(out, cap, "%s", HEAD "c=IN IP4 h\r\nt=0 0\r\n");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "m=message %lu TCP/MSRP *\r\na=sendonly\r\n", (unsigned long)(1000 + i));
    return len;
}

START_TEST(max_media_boundary)
{
    char t[2048];
    sdp_limits lim = {SDP_DEFAULT_MAX_SIZE, 3, MAX_ATTRS};
    size_t len = media_text(t, sizeof t, 3);
    ck_assert_int_eq(parse_lim(t, len, &lim), (int)len);
    ck_assert_uint_eq(s.nmedia, 3);
    ck_assert_uint_eq(s.media[2].port, 1002);
    ck_assert_uint_eq(s.media[2].nattrs, 1);
    len = media_text(t, sizeof t, 4);
    ck_assert_int_eq(parse_lim(t, len, &lim), SP_ELIMIT);
    ck_assert_int_eq(err.status, 488);
    ck_assert_str_eq(err.reason, "too many media descriptions");
    ck_assert_uint_eq(err.offset, (size_t)(strstr(t, "m=message 1003") - t));
    /* the caller's array is a limit too */
    len = media_text(t, sizeof t, MAX_MEDIA);
    ck_assert_int_eq(parse_lim(t, len, NULL), (int)len);
    len = media_text(t, sizeof t, MAX_MEDIA + 1);
    ck_assert_int_eq(parse_lim(t, len, NULL), SP_ELIMIT);
}
END_TEST

START_TEST(max_attrs_boundary)
{
    char t[2048];
    /* 3 media with one attribute each: 3 attributes */
    size_t len = media_text(t, sizeof t, 3);
    sdp_limits lim = {SDP_DEFAULT_MAX_SIZE, MAX_MEDIA, 3};
    ck_assert_int_eq(parse_lim(t, len, &lim), (int)len);
    lim.max_attrs = 2;
    ck_assert_int_eq(parse_lim(t, len, &lim), SP_ELIMIT);
    ck_assert_str_eq(err.reason, "too many attributes");
    ck_assert_int_eq(err.status, 488);
    ck_assert_uint_eq(err.offset, (size_t)(strrchr(t, 'a') - t) - 0);
}
END_TEST

START_TEST(every_prefix_is_safe)
{
    /* each prefix either parses or fails cleanly; a prefix ending at a line
     * end after t= parses */
    size_t len = strlen(full);
    for (size_t n = 0; n <= len; n++) {
        int rc = parse_lim(full, n, NULL);
        ck_assert(rc == (int)n || rc == SP_EINVAL);
        if (rc < 0)
            ck_assert(err.offset <= n && err.reason != NULL);
    }
}
END_TEST

START_TEST(attr_lookup_is_case_insensitive)
{
    ck_assert_int_ge(parse(HEAD "c=IN IP4 h\r\nt=0 0\r\n" MSRP_M "a=Accept-Types:text/plain\r\na=accept-types:x/y\r\n"), 0);
    const sdp_attr *a = sdp_media_attr(&s.media[0], "accept-types");
    ck_assert(a == &s.media[0].attrs[0]);
    ck_assert(sdp_lit_caseeq(SP_LIT("SETUP"), "setup"));
    ck_assert(!sdp_lit_caseeq(SP_LIT("setup_"), "setup"));
    ck_assert(!sdp_lit_caseeq(SP_LIT("\x11"), "1")); /* only letters fold */
    ck_assert(!sdp_lit_caseeq(SP_LIT("sha\x0d"), "sha-"));
}
END_TEST

static Suite *sdp_parse_suite(void)
{
    Suite *su = suite_create("sdp_parse");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, every_line_type);
    tcase_add_test(tc, media_connection_overrides_session);
    tcase_add_test(tc, connection_only_in_every_media);
    tcase_add_test(tc, bare_lf_and_missing_last_line_end);
    tcase_add_test(tc, trailing_blank_lines_tolerated);
    tcase_add_test(tc, text_fields_may_start_with_space);
    tcase_add_test(tc, repeated_times_and_repeats);
    tcase_add_test(tc, seed_liberal_forms_parse);
    tcase_add_loop_test(tc, invalid_input_offsets, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tc, nul_byte_is_refused);
    tcase_add_test(tc, forbidden_byte_at_every_position);
    tcase_add_test(tc, max_size_boundary);
    tcase_add_test(tc, default_max_size_boundary);
    tcase_add_test(tc, max_media_boundary);
    tcase_add_test(tc, max_attrs_boundary);
    tcase_add_test(tc, every_prefix_is_safe);
    tcase_add_test(tc, attr_lookup_is_case_insensitive);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(sdp_parse_suite)
