/* test_msrp_memo.c - header lines kept from earlier heads: a parser that
 * has seen other frames gives, frame for frame, exactly what a fresh one
 * gives (heads, bodies, errors and their offsets), whatever the kept lines
 * are; lines are kept up to MSRP_MEMO_BYTES. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "msrp_frame.h"

#define TO "To-Path: msrp://192.0.2.4:20000/jshA7weztas;tcp\r\n"
#define FROM "From-Path: msrp://198.51.100.7:7654/a3cd20b8ae7f;tcp\r\n"
#define MID "Message-ID: 87652491\r\n"
#define CT "Content-Type: application/octet-stream\r\n"

/* What parsing one frame gave, offsets relative to the frame's start. */
typedef struct outcome {
    int rc;
    size_t err_offset;
    int err_status;
    const char *reason;
    msrp_head head; /* base and offset cleared */
    size_t head_at;
    char flag;
    size_t body_len;
} outcome;

/* Parses the frame at data[0..len) with p (already used or fresh) up to its
 * end or an error; 'start' is the parser's stream offset there. */
static void parse_frame(msrp_parser *p, const char *data, size_t len, uint64_t start, outcome *o)
{
    memset(o, 0, sizeof *o);
    const char *buf = guard_copy(data, len);
    size_t pos = 0;
    for (;;) {
        msrp_event ev;
        sp_error err = {0, NULL, 0};
        o->rc = msrp_parse(p, buf + pos, len - pos, &ev, &err);
        if (o->rc < 0) {
            o->err_offset = err.offset - (size_t)start;
            o->err_status = err.status;
            o->reason = err.reason;
            return;
        }
        pos += (size_t)o->rc;
        if (ev.kind == MSRP_EV_HEAD) {
            o->head = p->head;
            o->head_at = (size_t)(o->head.offset - start);
            o->head.base = NULL;
            o->head.offset = 0;
        } else {
            o->body_len += ev.body.n;
        }
        if (ev.kind == MSRP_EV_END) {
            o->flag = ev.flag;
            o->rc = (int)pos;
            return;
        }
    }
}

static bool same_span(msrp_span a, msrp_span b) { return a.off == b.off && a.len == b.len; }

static void same_outcome(const outcome *a, const outcome *b, size_t frame)
{
    ck_assert_msg(a->rc == b->rc, "frame %zu: rc %d, fresh %d (%s)", frame, a->rc, b->rc,
                  b->reason ? b->reason : "");
    ck_assert_uint_eq(a->err_offset, b->err_offset);
    ck_assert_int_eq(a->err_status, b->err_status);
    ck_assert_ptr_eq(a->reason, b->reason);
    ck_assert_uint_eq(a->head_at, b->head_at);
    ck_assert_int_eq(a->flag, b->flag);
    ck_assert_uint_eq(a->body_len, b->body_len);
    const msrp_head *x = &a->head, *y = &b->head;
    ck_assert_uint_eq(x->length, y->length);
    ck_assert_int_eq(x->is_request, y->is_request);
    ck_assert_int_eq(x->has_body, y->has_body);
    ck_assert_int_eq(x->has_comment, y->has_comment);
    ck_assert_uint_eq(x->status, y->status);
    ck_assert(same_span(x->tid, y->tid) && same_span(x->method, y->method) && same_span(x->comment, y->comment));
    ck_assert_uint_eq(x->nheaders, y->nheaders);
    for (uint32_t i = 0; i < x->nheaders; i++) {
        ck_assert_msg(same_span(x->headers[i].name, y->headers[i].name) &&
                          same_span(x->headers[i].value, y->headers[i].value) && x->headers[i].id == y->headers[i].id,
                      "frame %zu: header %u differs", frame, i);
    }
    ck_assert(memcmp(x->first, y->first, sizeof x->first) == 0);
}

/* Every frame through one parser, then each through a fresh one. Frames
 * after an error are parsed by a parser initialised again (the stream
 * cannot go on) that keeps nothing. */
static void check_frames(const char *const *frames, size_t n, const msrp_limits *lim, uint8_t *kept_after)
{
    msrp_parser *used = malloc(sizeof *used), *fresh = malloc(sizeof *fresh);
    ck_assert(used && fresh);
    msrp_parser_init(used, lim);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(frames[i]);
        uint64_t start = used->offset;
        outcome a, b;
        parse_frame(used, frames[i], len, start, &a);
        msrp_parser_init(fresh, lim);
        parse_frame(fresh, frames[i], len, 0, &b);
        same_outcome(&a, &b, i);
        if (kept_after)
            kept_after[i] = used->memo_count;
        if (a.rc < 0)
            msrp_parser_init(used, lim);
    }
    free(used);
    free(fresh);
}

/* The chunks of a message, with responses and a REPORT between them, lines
 * that change, move, repeat or go. */
START_TEST(same_as_fresh_parser)
{
    static const char *const frames[] = {
        "MSRP a1b2c3d4 SEND\r\n" TO FROM MID "Byte-Range: 1-4/12\r\n" CT "\r\nabcd\r\n-------a1b2c3d4+\r\n",
        "MSRP e5f6g7h8 SEND\r\n" TO FROM MID "Byte-Range: 5-8/12\r\n" CT "\r\nefgh\r\n-------e5f6g7h8+\r\n",
        "MSRP a1b2c3d4 200 OK\r\n" TO FROM "-------a1b2c3d4$\r\n",
        "MSRP i9j0k1l2 SEND\r\n" TO FROM MID "Byte-Range: 9-12/12\r\n" CT "\r\nijkl\r\n-------i9j0k1l2$\r\n",
        "MSRP r1r2r3r4 REPORT\r\n" TO FROM MID "Byte-Range: 1-12/12\r\nStatus: 000 200 OK\r\n-------r1r2r3r4$\r\n",
        /* another message: Message-ID differs, Success-Report added */
        "MSRP m1m2m3m4 SEND\r\n" TO FROM "Message-ID: 99999999\r\nSuccess-Report: yes\r\n"
        "Byte-Range: 1-2/2\r\n" CT "\r\nzz\r\n-------m1m2m3m4$\r\n",
        /* lines in another order */
        "MSRP o1o2o3o4 SEND\r\n" FROM TO MID "Byte-Range: 1-2/2\r\n" CT "\r\nyy\r\n-------o1o2o3o4$\r\n",
        /* a kept line repeated: the duplicate is still refused */
        "MSRP d1d2d3d4 SEND\r\n" FROM FROM MID "Byte-Range: 1-2/2\r\n" CT "\r\nyy\r\n-------d1d2d3d4$\r\n",
        "MSRP p1p2p3p4 SEND\r\n" FROM TO MID "Byte-Range: 1-2/2\r\n" CT "\r\nxx\r\n-------p1p2p3p4$\r\n",
        "MSRP q1q2q3q4 SEND\r\n" FROM TO TO MID CT "\r\nxx\r\n-------q1q2q3q4$\r\n",
        /* the same line with a byte changed, white space, case */
        "MSRP s1s2s3s4 SEND\r\n" FROM "To-Path:  msrp://192.0.2.4:20000/jshA7weztas;tcp \r\n" MID CT
        "\r\n\r\n-------s1s2s3s4$\r\n",
        "MSRP t1t2t3t4 SEND\r\n" FROM "to-path: msrp://192.0.2.4:20000/jshA7weztas;tcp\r\n" MID CT
        "\r\nx\r\n-------t1t2t3t4$\r\n",
        /* a kept line followed by one that breaks the head */
        "MSRP u1u2u3u4 SEND\r\n" FROM "to-path: msrp://192.0.2.4:20000/jshA7weztas;tcp\r\n" MID "Bad Name: x\r\n",
        "MSRP v1v2v3v4 SEND\r\n" FROM TO MID "Byte-Range: 1-1/1\r\n" CT "\r\nx\r\n-------v1v2v3v4$\r\n",
        /* a kept line whose CRLF is missing this time */
        "MSRP w1w2w3w4 SEND\r\n" FROM TO "Message-ID: 87652491\n",
        /* a kept line cut short by the end of the input: more is needed */
        "MSRP x1x2x3x4 SEND\r\n" FROM "To-Path: msrp://192.0.2.4:20000/jsh",
        "MSRP y1y2y3y4 SEND\r\n" FROM TO "Message-ID: 87652491\r\nX: \x01\r\n",
        "MSRP z1z2z3z4 SEND\r\n" FROM TO MID "Byte-Range: 1-1/1\r\n" CT "\r\nx\r\n-------z1z2z3z4$\r\n",
    };
    size_t n = sizeof frames / sizeof *frames;
    uint8_t kept[sizeof frames / sizeof *frames];
    check_frames(frames, n, NULL, kept);
    ck_assert_uint_eq(kept[0], 5); /* every header line of the first chunk */
    ck_assert_uint_eq(kept[1], 5);
}
END_TEST

/* Limits met through kept lines: max_headers at its boundary, and a head
 * too long even though its lines were all seen before. */
START_TEST(limits_with_kept_lines)
{
    msrp_limits lim;
    msrp_limits_default(&lim);
    lim.max_headers = 4;
    static const char *const frames[] = {
        "MSRP a1b2c3d4 SEND\r\n" TO FROM MID CT "\r\nabcd\r\n-------a1b2c3d4+\r\n",
        "MSRP b1b2c3d4 SEND\r\n" TO FROM MID CT "\r\nabcd\r\n-------b1b2c3d4+\r\n",
        "MSRP c1b2c3d4 SEND\r\n" TO FROM MID CT "X: 1\r\n\r\nabcd\r\n-------c1b2c3d4+\r\n",
    };
    uint8_t kept[3];
    check_frames(frames, 3, &lim, kept);
    ck_assert_uint_eq(kept[1], 4);

    msrp_limits_default(&lim);
    const char *head = "MSRP a1b2c3d4 SEND\r\n" TO FROM MID CT "\r\n";
    lim.max_head = (uint32_t)strlen(head); /* the whole head fits exactly */
    static const char *const exact[] = {
        "MSRP a1b2c3d4 SEND\r\n" TO FROM MID CT "\r\nabcd\r\n-------a1b2c3d4+\r\n",
        "MSRP b1b2c3d4 SEND\r\n" TO FROM MID CT "\r\nabcd\r\n-------b1b2c3d4+\r\n",
        "MSRP c1b2c3d45 SEND\r\n" TO FROM MID CT "\r\nabcd\r\n-------c1b2c3d45+\r\n", /* one byte more */
    };
    check_frames(exact, 3, &lim, kept);
}
END_TEST

/* Lines are kept while they fit in MSRP_MEMO_BYTES: a head whose header
 * lines take exactly that many bytes keeps them all, one byte more and the
 * last is not kept (and is parsed each time, with the same results). */
START_TEST(memo_bytes_boundary)
{
    for (int extra = 0; extra <= 1; extra++) {
        char filler[MSRP_MEMO_BYTES];
        size_t fixed = strlen(TO FROM CT) + strlen("X: \r\n");
        size_t fill = MSRP_MEMO_BYTES - fixed + (size_t)extra;
        memset(filler, 'v', fill);
        char *frame = malloc(4096), *again = malloc(4096);
        ck_assert(frame && again);
        snprintf(frame, 4096, "MSRP a1b2c3d4 SEND\r\n" TO FROM "X: %.*s\r\n" CT "\r\nab\r\n-------a1b2c3d4$\r\n",
                 (int)fill, filler);
        snprintf(again, 4096, "MSRP e1b2c3d4 SEND\r\n" TO FROM "X: %.*s\r\n" CT "\r\nab\r\n-------e1b2c3d4$\r\n",
                 (int)fill, filler);
        const char *frames[] = {frame, again};
        uint8_t kept[2];
        check_frames(frames, 2, NULL, kept);
        ck_assert_uint_eq(kept[0], extra ? 3 : 4);
        ck_assert_uint_eq(kept[1], extra ? 3 : 4);
        free(frame);
        free(again);
    }
}
END_TEST

/* A long stream of chunks whose Byte-Range grows by a digit now and then
 * (the lines after it move), parsed in one buffer: each head as fresh. */
START_TEST(many_chunks_as_fresh)
{
    enum { CHUNKS = 400 };
    static const char *frames[CHUNKS];
    static char store[CHUNKS][512];
    for (int i = 0; i < CHUNKS; i++) {
        unsigned start = (unsigned)i * 37 + 1, end = start + 3;
        snprintf(store[i], sizeof store[i],
                 "MSRP t%07d SEND\r\n" TO FROM MID "Byte-Range: %u-%u/*\r\n%s" CT "\r\nabcd\r\n-------t%07d+\r\n", i,
                 start, end, i % 50 == 7 ? "Success-Report: yes\r\n" : "", i);
        frames[i] = store[i];
    }
    check_frames(frames, CHUNKS, NULL, NULL);
}
END_TEST

static Suite *msrp_memo_suite(void)
{
    Suite *s = suite_create("msrp_memo");
    TCase *tc = tcase_create("memo");
    tcase_add_test(tc, same_as_fresh_parser);
    tcase_add_test(tc, limits_with_kept_lines);
    tcase_add_test(tc, memo_bytes_boundary);
    tcase_add_test(tc, many_chunks_as_fresh);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_memo_suite)
