/* test_msrp_frame.c - the incremental MSRP frame parser: constructs, errors
 * with offsets, limits at their boundaries, end-line lookalikes, and every
 * stream of the corpus cut at every place giving the same frames as whole. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "msrp_feed.h"
#include "msrp_frame.h"

#define TO "To-Path: msrp://192.0.2.4:20000/jshA7weztas;tcp\r\n"
#define FROM "From-Path: msrp://198.51.100.7:7654/a3cd20b8ae7f;tcp\r\n"
#define CORPUS "fuzz/corpus/fuzz_msrp_stream"

/* The events of one whole-buffer parse, for direct assertions. */
typedef struct one_frame {
    msrp_parser p;
    int rc;
    sp_error err;
    sp_str body;
    char flag;
    int events;
} one_frame;

static void parse_one(const char *s, size_t n, const msrp_limits *lim, one_frame *f)
{
    const char *buf = guard_copy(s, n);
    msrp_parser_init(&f->p, lim);
    f->body = SP_STR_NULL;
    f->flag = 0;
    f->events = 0;
    size_t pos = 0;
    for (;;) {
        msrp_event ev;
        f->rc = msrp_parse(&f->p, buf + pos, n - pos, &ev, &f->err);
        if (f->rc < 0)
            return;
        f->events++;
        pos += (size_t)f->rc;
        if (ev.kind == MSRP_EV_END) {
            f->body = ev.body;
            f->flag = ev.flag;
            return;
        }
    }
}

static void expect_error(const char *s, size_t n, const msrp_limits *lim, int code, size_t offset, int status)
{
    one_frame f;
    parse_one(s, n, lim, &f);
    ck_assert_msg(f.rc == code, "%.*s: rc %d, want %d (%s)", (int)(n < 60 ? n : 60), s, f.rc, code,
                  f.rc < -1 ? f.err.reason : "");
    ck_assert_uint_eq(f.err.offset, offset);
    ck_assert_int_eq(f.err.status, status);
    ck_assert_ptr_nonnull(f.err.reason);
}

START_TEST(send_with_body)
{
    static const char s[] = "MSRP a786hjs2 SEND\r\n" TO FROM "Message-ID: 87652491\r\n"
                            "Byte-Range: 1-5/5\r\nContent-Type: text/plain\r\n\r\nhello\r\n-------a786hjs2$\r\n";
    one_frame f;
    parse_one(s, sizeof s - 1, NULL, &f);
    ck_assert_int_eq(f.rc, 25); /* the body, the CRLF before the end-line, the end-line */
    ck_assert_int_eq(f.events, 2);
    ck_assert_int_eq(f.flag, '$');
    ck_assert(sp_str_eq(f.body, SP_LIT("hello")));
    const msrp_head *h = &f.p.head;
    ck_assert(h->is_request && h->has_body);
    ck_assert(sp_str_eq(msrp_head_str(h, h->tid), SP_LIT("a786hjs2")));
    ck_assert(sp_str_eq(msrp_head_str(h, h->method), SP_LIT("SEND")));
    ck_assert_uint_eq(h->nheaders, 5);
    ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_MESSAGE_ID), SP_LIT("87652491")));
    ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_BYTE_RANGE), SP_LIT("1-5/5")));
    ck_assert(sp_str_eq(msrp_head_get(h, MSRP_H_CONTENT_TYPE), SP_LIT("text/plain")));
    ck_assert_ptr_null(msrp_head_get(h, MSRP_H_STATUS).p);
    ck_assert_uint_eq(h->length, sizeof s - 1 - 25);
    ck_assert(msrp_parser_idle(&f.p));
    ck_assert_int_eq(msrp_head_check(h, NULL), 0);
}
END_TEST

START_TEST(response_and_bodiless)
{
    static const char r[] = "MSRP a786hjs2 200 OK\r\n" TO FROM "-------a786hjs2$\r\n";
    one_frame f;
    parse_one(r, sizeof r - 1, NULL, &f);
    ck_assert_int_eq(f.rc, 18);
    ck_assert_int_eq(f.events, 2);
    ck_assert(!f.p.head.is_request && !f.p.head.has_body);
    ck_assert_uint_eq(f.p.head.status, 200);
    ck_assert(sp_str_eq(msrp_head_str(&f.p.head, f.p.head.comment), SP_LIT("OK")));
    ck_assert_uint_eq(f.body.n, 0);

    static const char n[] = "MSRP a786hjs2 413\r\n" TO FROM "-------a786hjs2$\r\n";
    parse_one(n, sizeof n - 1, NULL, &f);
    ck_assert_int_eq(f.rc, 18);
    ck_assert(!f.p.head.has_comment);
    ck_assert_uint_eq(f.p.head.status, 413);

    /* an empty body written without the CRLF of its data (lenient) and with it */
    static const char e1[] = "MSRP abcd SEND\r\n" TO FROM "Content-Type: a/b\r\n\r\n-------abcd+\r\n";
    parse_one(e1, sizeof e1 - 1, NULL, &f);
    ck_assert_int_eq(f.flag, '+');
    ck_assert_uint_eq(f.body.n, 0);
    static const char e2[] = "MSRP abcd SEND\r\n" TO FROM "Content-Type: a/b\r\n\r\n\r\n-------abcd#\r\n";
    parse_one(e2, sizeof e2 - 1, NULL, &f);
    ck_assert_int_eq(f.flag, '#');
    ck_assert_uint_eq(f.body.n, 0);
}
END_TEST

START_TEST(end_line_lookalikes_are_body)
{
    static const struct {
        const char *body;
    } cases[] = {
        {"a\r\n-------otherTid$\r\nb"}, /* another transaction's end-line */
        {"a\r\n-------abcd\r\nb"},      /* this tid without a flag */
        {"a\r\n-------abcd!\r\nb"},     /* this tid with a bad flag */
        {"a\r\n-------abcde$\r\nb"},    /* a longer tid that starts with this one */
        {"a-------abcd$\r\nb"},         /* not at the start of a line */
        {"a\n-------abcd$\r\nb"},       /* after a bare LF */
        {"a\r\n------abcd$\r\nb"},      /* six hyphens */
        {"\r\r\r\n\r\n--\r\n-------\r"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char s[512];
        int n = snprintf(s, sizeof s, "MSRP abcd SEND\r\n" TO FROM "Content-Type: a/b\r\n\r\n%s\r\n-------abcd$\r\n",
                         cases[i].body);
        one_frame f;
        parse_one(s, (size_t)n, NULL, &f);
        ck_assert_msg(f.rc > 0 && f.flag == '$', "case %zu: rc %d", i, f.rc);
        ck_assert(sp_str_eq(f.body, sp_str_cstr(cases[i].body)));
    }
    /* this tid and a flag, but no CRLF after: not body, an error */
    static const char bad[] = "MSRP abcd SEND\r\n" TO FROM "Content-Type: a/b\r\n\r\nx\r\n-------abcd$X\r\n-------abcd$\r\n";
    size_t at = (size_t)(strstr(bad, "$X") - bad) + 1;
    expect_error(bad, sizeof bad - 1, NULL, SP_EINVAL, at, 400);
}
END_TEST

static const msrp_limits *small_head(msrp_limits *lim, uint32_t max_head)
{
    msrp_limits_default(lim);
    lim->max_head = max_head;
    return lim;
}

START_TEST(errors_with_offsets)
{
    static const struct {
        const char *s;
        int code;
        const char *at; /* the error is at the first occurrence of this */
        int delta;
    } cases[] = {
        {"MSRQ abcd SEND\r\n", SP_EINVAL, "MSRQ", 0},
        {"MSRP  abcd SEND\r\n", SP_EINVAL, " abcd", 0},
        {"MSRP abc SEND\r\n", SP_EINVAL, "abc", 0},
        {"MSRP abcd\r\n", SP_EINVAL, "\r\n", 0},
        {"MSRP abcd \r\n", SP_EINVAL, "\r\n", 0},
        {"MSRP abcd/ SEND\r\n", SP_EINVAL, "/", 0},
        {"MSRP abcd send\r\n", SP_EINVAL, "send", 0},
        {"MSRP abcd SEND \r\n", SP_EINVAL, " \r\n", 0},
        {"MSRP abcd 20\r\n", SP_EINVAL, "\r\n", 0},
        {"MSRP abcd 2000\r\n", SP_EINVAL, "0\r\n", 0},
        {"MSRP abcd 200 O\x01K\r\n", SP_EINVAL, "\x01", 0},
        {"MSRP abcd SEND\n", SP_EINVAL, "\n", 0},
        {"MSRP abcd SEND\r\n\n", SP_EINVAL, "\n\n", 1},
        {"MSRP abcd SEND\r\nTo-Path msrp://a:1/b;tcp\r\n", SP_EINVAL, " msrp", 0},
        {"MSRP abcd SEND\r\n1To: x\r\n", SP_EINVAL, "1To", 0},
        {"MSRP abcd SEND\r\nX-A: \x7f\r\n", SP_EINVAL, "\x7f", 0},
        {"MSRP abcd SEND\r\nX-A: a\0b\r\n", SP_EINVAL, "X-A", 6},
        {"MSRP abcd SEND\r\n" TO TO, SP_EINVAL, "To-Path", (int)(sizeof TO - 1)},
        {"MSRP abcd SEND\r\n" FROM "-------abcd$\r\n", SP_EINVAL, "-------", 0},
        {"MSRP abcd SEND\r\n" TO "-------abcd$\r\n", SP_EINVAL, "-------", 0},
        {"MSRP abcd SEND\r\n" TO FROM "-------abce$\r\n", SP_EINVAL, "-------", 0},
        {"MSRP abcd SEND\r\n" TO FROM "-------abcd\r\n", SP_EINVAL, "-------", 0},
        {"MSRP abcd SEND\r\n" TO FROM "-------abcd$$\r\n", SP_EINVAL, "-------", 0},
        {"MSRP abcd 200\r\n" TO FROM "-------abcd+\r\n", SP_EINVAL, "+", 0},
        {"MSRP abcd 200\r\n" TO FROM "Content-Type: a/b\r\n\r\n", SP_EINVAL, "\r\n\r\n", 2},
        {"MSRP abcd SEND\r\n" TO FROM "\r\n", SP_EINVAL, "\r\n\r\n", 2},
        {"MSRP abcd SEND\r\n" TO FROM "Content-Type: a/b\r\n\r\n-------abcd$\r", SP_EINVAL, "$\r", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *s = cases[i].s;
        size_t n = strlen(s);
        if (i == 16)
            n = strlen("MSRP abcd SEND\r\nX-A: a") + 4; /* the NUL inside */
        const char *m = memmem(s, n, cases[i].at, strlen(cases[i].at));
        ck_assert_ptr_nonnull(m);
        size_t want = (size_t)(m - s) + (size_t)cases[i].delta;
        one_frame f;
        parse_one(s, n, NULL, &f);
        if (i == 26) {
            /* "$\r" then junk would be an error; "$\r" alone needs more bytes */
            ck_assert_int_eq(f.rc, SP_AGAIN);
            char full[300];
            memcpy(full, s, n);
            full[n] = 'x';
            parse_one(full, n + 1, NULL, &f);
        }
        ck_assert_msg(f.rc == cases[i].code, "case %zu: rc %d (%s)", i, f.rc, f.rc < -1 ? f.err.reason : "");
        ck_assert_msg(f.err.offset == want, "case %zu (%s): offset %zu, want %zu", i, f.err.reason, f.err.offset,
                      want);
        ck_assert_int_eq(f.err.status, 400);
    }
}
END_TEST

START_TEST(error_offsets_are_stream_offsets)
{
    static const char s[] = "MSRP abcd 200\r\n" TO FROM "-------abcd$\r\n"
                            "MSRP abcd 200\r\n" TO FROM "X-A: \x01\r\n";
    feed_out o;
    feed_whole(s, sizeof s - 1, NULL, &o);
    ck_assert_int_eq(o.error, SP_EINVAL);
    ck_assert_int_eq(o.frames, 1);
    ck_assert_uint_eq(o.offset, (size_t)(strchr(s, '\x01') - s));
    feed_free(&o);
}
END_TEST

START_TEST(tid_length_bounds)
{
    char s[256];
    const char *t32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", *t33 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456";
    int n = snprintf(s, sizeof s, "MSRP %s 200\r\n" TO FROM "-------%s$\r\n", t32, t32);
    one_frame f;
    parse_one(s, (size_t)n, NULL, &f);
    ck_assert_int_gt(f.rc, 0);
    ck_assert_uint_eq(f.p.head.tid.len, 32);
    n = snprintf(s, sizeof s, "MSRP %s 200\r\n" TO FROM "-------%s$\r\n", t33, t33);
    expect_error(s, (size_t)n, NULL, SP_EINVAL, 5 + 32, 400);
    n = snprintf(s, sizeof s, "MSRP a.=+ 200\r\n" TO FROM "-------a.=+$\r\n");
    parse_one(s, (size_t)n, NULL, &f);
    ck_assert_int_gt(f.rc, 0);
    n = snprintf(s, sizeof s, "MSRP a.= 200\r\n" TO FROM "-------a.=$\r\n");
    expect_error(s, (size_t)n, NULL, SP_EINVAL, 5, 400);
}
END_TEST

/* A bodiless request whose head (through the end-line) is exactly n bytes. */
static size_t head_of_size(char *s, size_t n)
{
    static const char pre[] = "MSRP abcd SEND\r\n" TO FROM "X-P: ";
    static const char post[] = "\r\n-------abcd$\r\n";
    size_t pad = n - (sizeof pre - 1) - (sizeof post - 1);
    memcpy(s, pre, sizeof pre - 1);
    memset(s + sizeof pre - 1, 'p', pad);
    memcpy(s + sizeof pre - 1 + pad, post, sizeof post - 1);
    return n;
}

START_TEST(head_limit_boundary)
{
    msrp_limits lim;
    static char s[MSRP_DEFAULT_MAX_HEAD + 64];
    feed_out o;
    /* default limit: a head of exactly 16 KiB passes, one byte more does not */
    size_t n = head_of_size(s, MSRP_DEFAULT_MAX_HEAD);
    feed_whole(s, n, NULL, &o);
    ck_assert_int_eq(o.error, 0);
    ck_assert_int_eq(o.frames, 1);
    feed_free(&o);
    n = head_of_size(s, MSRP_DEFAULT_MAX_HEAD + 1);
    feed_whole(s, n, NULL, &o);
    ck_assert_int_eq(o.error, SP_ELIMIT);
    ck_assert_uint_eq(o.offset, MSRP_DEFAULT_MAX_HEAD);
    feed_free(&o);
    /* the same at a small configured limit, fed byte by byte */
    size_t cuts[400];
    for (size_t i = 0; i < 400; i++)
        cuts[i] = i;
    n = head_of_size(s, 300);
    feed_cuts(s, n, cuts, 400, small_head(&lim, 300), &o);
    ck_assert_int_eq(o.error, 0);
    feed_free(&o);
    n = head_of_size(s, 301);
    feed_cuts(s, n, cuts, 400, small_head(&lim, 300), &o);
    ck_assert_int_eq(o.error, SP_ELIMIT);
    ck_assert_uint_eq(o.offset, 300);
    feed_free(&o);
    one_frame f;
    parse_one(s, n, &lim, &f);
    ck_assert_int_eq(f.err.status, 413);
}
END_TEST

START_TEST(header_count_boundary)
{
    char s[4096];
    for (unsigned extra = 30; extra <= 31; extra++) {
        size_t n = (size_t)snprintf(s, sizeof s, "MSRP abcd SEND\r\n" TO FROM);
        for (unsigned i = 0; i < extra; i++)
            n += (size_t)snprintf(s + n, sizeof s - n, "X-H%u: v\r\n", i);
        size_t last = n - strlen("X-H30: v\r\n");
        n += (size_t)snprintf(s + n, sizeof s - n, "-------abcd$\r\n");
        one_frame f;
        parse_one(s, n, NULL, &f);
        if (extra == 30) {
            ck_assert_int_gt(f.rc, 0); /* 32 headers: the default limit */
            ck_assert_uint_eq(f.p.head.nheaders, MSRP_DEFAULT_MAX_HEADERS);
        } else {
            ck_assert_int_eq(f.rc, SP_ELIMIT);
            ck_assert_uint_eq(f.err.offset, last);
            ck_assert_int_eq(f.err.status, 413);
        }
    }
    /* a configured lower limit */
    msrp_limits lim;
    msrp_limits_default(&lim);
    lim.max_headers = 2;
    static const char two[] = "MSRP abcd 200\r\n" TO FROM "-------abcd$\r\n";
    static const char three[] = "MSRP abcd 200\r\n" TO FROM "X: y\r\n-------abcd$\r\n";
    one_frame f;
    parse_one(two, sizeof two - 1, &lim, &f);
    ck_assert_int_gt(f.rc, 0);
    expect_error(three, sizeof three - 1, &lim, SP_ELIMIT, (size_t)(strstr(three, "X: ") - three), 413);
}
END_TEST

START_TEST(nonsend_body_boundary)
{
    static char s[12000];
    static const struct {
        const char *method;
        size_t body;
        int error;
    } cases[] = {{"REPORT", 10240, 0}, {"REPORT", 10241, SP_ELIMIT}, {"SEND", 10241, 0}};
    for (size_t k = 0; k < 3; k++) {
        size_t n = (size_t)snprintf(s, sizeof s, "MSRP abcd %s\r\n" TO FROM "Content-Type: a/b\r\n\r\n",
                                    cases[k].method);
        size_t body_at = n;
        memset(s + n, 'z', cases[k].body);
        n += cases[k].body;
        n += (size_t)snprintf(s + n, sizeof s - n, "\r\n-------abcd$\r\n");
        feed_out o;
        feed_whole(s, n, NULL, &o);
        ck_assert_int_eq(o.error, cases[k].error);
        if (cases[k].error)
            ck_assert_uint_eq(o.offset, body_at + 10240);
        feed_free(&o);
    }
}
END_TEST

START_TEST(large_body_is_not_buffered)
{
    /* 1 MiB of body arriving in 4 KiB reads: the connection never keeps
     * more than one read plus a possible end-line start. */
    size_t body = 1 << 20;
    static const char head[] = "MSRP bigb SEND\r\n" TO FROM "Content-Type: a/b\r\n\r\n";
    size_t n = sizeof head - 1 + body + 16;
    char *s = malloc(n);
    ck_assert_ptr_nonnull(s);
    memcpy(s, head, sizeof head - 1);
    for (size_t i = 0; i < body; i++)
        s[sizeof head - 1 + i] = (i % 100 == 98) ? '\r' : (i % 100 == 99) ? '\n' : (char)('a' + i % 26);
    memcpy(s + sizeof head - 1 + body, "\r\n-------bigb$\r\n", 16);
    size_t ncuts = n / 4096 + 1;
    size_t *cuts = malloc(ncuts * sizeof *cuts);
    for (size_t i = 0; i < ncuts; i++)
        cuts[i] = (i + 1) * 4096;
    feed_out o;
    feed_cuts(s, n, cuts, ncuts, NULL, &o);
    ck_assert_int_eq(o.error, 0);
    ck_assert_int_eq(o.frames, 1);
    ck_assert_uint_le(o.max_kept, MSRP_END_LINE_MAX);
    ck_assert_ptr_nonnull(strstr(o.text, "body_len=1048576"));
    feed_free(&o);
    free(cuts);
    free(s);
}
END_TEST

/* Every stream of the corpus (shared corpus, conformance set, seed frames):
 * cut anywhere, it must give exactly what it gives whole. */
static void check_same(const char *name, const feed_out *whole, const feed_out *cut, const char *how)
{
    ck_assert_msg(whole->len == cut->len && memcmp(whole->text, cut->text, whole->len) == 0,
                  "%s cut %s differs:\n--- whole\n%.400s\n--- cut\n%.400s", name, how, whole->text, cut->text);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

START_TEST(corpus_every_split)
{
    char *paths[256];
    size_t count = feed_list_dir(CORPUS, paths, 256);
    ck_assert_uint_ge(count, 60);
    size_t valid = 0;
    for (size_t k = 0; k < count; k++) {
        size_t len;
        char *data = feed_read_file(paths[k], &len);
        ck_assert_ptr_nonnull(data);
        feed_out whole, cut;
        feed_whole(data, len, NULL, &whole);
        if (whole.error == 0)
            valid++;
        /* every two-way split; for long streams every split of the first and
         * last 700 bytes and a stride in between */
        for (size_t at = 1; at < len; at++) {
            if (len > 4096 && at > 700 && at + 700 < len && at % 997)
                continue;
            char how[32];
            snprintf(how, sizeof how, "at %lu", (unsigned long)at);
            feed_cuts(data, len, &at, 1, NULL, &cut);
            check_same(paths[k], &whole, &cut, how);
            feed_free(&cut);
        }
        /* random cuts, fixed seed */
        for (int r = 0; r < 8; r++) {
            size_t cuts[64], n = 0, at = 0;
            while (n < 64 && len) {
                at += 1 + rng() % (r < 4 ? 16 : 600);
                if (at >= len)
                    break;
                cuts[n++] = at;
            }
            feed_cuts(data, len, cuts, n, NULL, &cut);
            check_same(paths[k], &whole, &cut, "randomly");
            feed_free(&cut);
        }
        feed_free(&whole);
        free(data);
        free(paths[k]);
    }
    ck_assert_uint_ge(valid, 45);
}
END_TEST

START_TEST(corpus_byte_by_byte)
{
    char *paths[256];
    size_t count = feed_list_dir(CORPUS, paths, 256);
    for (size_t k = 0; k < count; k++) {
        size_t len;
        char *data = feed_read_file(paths[k], &len);
        size_t *cuts = malloc((len + 1) * sizeof *cuts);
        for (size_t i = 0; i < len; i++)
            cuts[i] = i + 1;
        feed_out whole, cut;
        feed_whole(data, len, NULL, &whole);
        if (len <= 5000) {
            feed_cuts(data, len, cuts, len, NULL, &cut);
            check_same(paths[k], &whole, &cut, "byte by byte");
            feed_free(&cut);
        }
        feed_free(&whole);
        free(cuts);
        free(data);
        free(paths[k]);
    }
}
END_TEST

START_TEST(shared_corpus_frames)
{
    size_t len;
    char *data = feed_read_file(CORPUS "/01_send_whole.msrp", &len);
    ck_assert_ptr_nonnull(data);
    feed_out o;
    feed_whole(data, len, NULL, &o);
    ck_assert_int_eq(o.error, 0);
    ck_assert_int_eq(o.frames, 1);
    ck_assert_ptr_nonnull(strstr(o.text, "a786hjs2|SEND|"));
    ck_assert_ptr_nonnull(strstr(o.text, "END $ body_len=4092"));
    feed_free(&o);
    free(data);
    data = feed_read_file(CORPUS "/04_send_abort_hash.msrp", &len);
    feed_whole(data, len, NULL, &o);
    ck_assert_ptr_nonnull(strstr(o.text, "END # body_len=1024"));
    feed_free(&o);
    free(data);
}
END_TEST

/* Header values are checked eight bytes at a time: a control byte (or DEL)
 * at every place of values of every length up to 40 is found at its exact
 * offset; tabs and bytes >= 0x80 anywhere pass (RFC 4975 §9 utf8text). */
START_TEST(header_value_bytes_at_every_place)
{
    static const char head[] = "MSRP ctl1 SEND\r\n" TO FROM "X-Ext: ";
    static const char tail[] = "\r\n-------ctl1$\r\n";
    static const unsigned char bad[] = {0x00, 0x01, 0x0b, 0x1f, 0x7f}, good[] = {'\t', 0x80, 0xc3, 0xff, ' '};
    char s[256];
    for (size_t len = 1; len <= 40; len++)
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof bad; k++) {
                size_t n = 0;
                memcpy(s, head, sizeof head - 1);
                n += sizeof head - 1;
                memset(s + n, 'v', len);
                s[n + at] = (char)(at + 1 == len ? good[k] == ' ' ? 'v' : good[k] : good[k]);
                memcpy(s + n + len, tail, sizeof tail - 1);
                feed_out o;
                feed_whole(s, n + len + sizeof tail - 1, NULL, &o);
                ck_assert_int_eq(o.error, 0);
                feed_free(&o);
                s[n + at] = (char)bad[k];
                feed_whole(s, n + len + sizeof tail - 1, NULL, &o);
                ck_assert_int_eq(o.error, SP_EINVAL);
                ck_assert_uint_eq(o.offset, n + at);
                feed_free(&o);
            }
}
END_TEST

static Suite *msrp_frame_suite(void)
{
    Suite *s = suite_create("msrp_frame");
    TCase *tc = tcase_create("frame");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, send_with_body);
    tcase_add_test(tc, response_and_bodiless);
    tcase_add_test(tc, end_line_lookalikes_are_body);
    tcase_add_test(tc, errors_with_offsets);
    tcase_add_test(tc, error_offsets_are_stream_offsets);
    tcase_add_test(tc, tid_length_bounds);
    tcase_add_test(tc, head_limit_boundary);
    tcase_add_test(tc, header_count_boundary);
    tcase_add_test(tc, nonsend_body_boundary);
    tcase_add_test(tc, large_body_is_not_buffered);
    tcase_add_test(tc, header_value_bytes_at_every_place);
    tcase_add_test(tc, corpus_every_split);
    tcase_add_test(tc, corpus_byte_by_byte);
    tcase_add_test(tc, shared_corpus_frames);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_frame_suite)
