/* fuzz_msrp_stream.c - differential harness for the MSRP frame parser.
 *
 * The input is parsed whole, then again as a connection would receive it:
 * cut into pieces whose sizes the input's first bytes choose (they stay part
 * of the stream, so plain MSRP files are the seed corpus), unconsumed
 * bytes kept and moved to the front of a receive buffer. The two runs must
 * agree on every head (start line, header names and values), every body
 * byte, every flag, and the error (code and offset); any difference aborts.
 * Heads are also run through the typed value checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_frame.h"

typedef struct log {
    uint8_t *p;
    size_t len, cap;
} log;

static void put(log *l, const void *s, size_t n)
{
    if (l->len + n > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4096;
        while (cap < l->len + n)
            cap *= 2;
        l->p = realloc(l->p, cap);
        if (!l->p)
            abort();
        l->cap = cap;
    }
    memcpy(l->p + l->len, s, n);
    l->len += n;
}

static void put_u64(log *l, uint64_t v) { put(l, &v, sizeof v); }
static void put_str(log *l, sp_str s)
{
    put_u64(l, s.n);
    put(l, s.p, s.n);
}

static void put_head(log *l, const msrp_head *h)
{
    sp_error err = {0, NULL, 0};
    put(l, "H", 1);
    put_u64(l, h->offset);
    put_u64(l, h->length);
    put_u64(l, (uint64_t)h->is_request << 1 | h->has_body);
    put_u64(l, h->status);
    put_str(l, msrp_head_str(h, h->tid));
    put_str(l, msrp_head_str(h, h->method));
    put_str(l, h->has_comment ? msrp_head_str(h, h->comment) : SP_LIT("-"));
    for (uint32_t i = 0; i < h->nheaders; i++) {
        put_u64(l, h->headers[i].id);
        put_str(l, msrp_head_str(h, h->headers[i].name));
        put_str(l, msrp_head_str(h, h->headers[i].value));
    }
    int rc = msrp_head_check(h, &err);
    put_u64(l, (uint64_t)(int64_t)rc);
    if (rc < 0)
        put_u64(l, err.offset);
}

/* Runs the parser over data cut at the sizes in 'sizes' (cycled; 0: whole). */
static void run(const uint8_t *data, size_t len, const uint8_t *sizes, size_t nsizes, log *l)
{
    msrp_parser p;
    msrp_parser_init(&p, NULL);
    char *rx = malloc(len + 1);
    if (!rx)
        abort();
    size_t kept = 0, at = 0, k = 0;
    while (at < len) {
        size_t piece = nsizes ? (size_t)sizes[k++ % nsizes] + 1 : len;
        if (piece > len - at)
            piece = len - at;
        memcpy(rx + kept, data + at, piece);
        kept += piece;
        at += piece;
        for (;;) {
            msrp_event ev;
            sp_error err = {0, NULL, 0};
            int rc = msrp_parse(&p, rx, kept, &ev, &err);
            if (rc == SP_AGAIN) {
                /* in a body, only a possible end-line start is ever kept */
                if (p.state != 0 && kept > MSRP_END_LINE_MAX)
                    abort();
                break;
            }
            if (rc < 0) {
                put(l, "X", 1);
                put_u64(l, (uint64_t)(int64_t)rc);
                put_u64(l, err.offset);
                put_u64(l, (uint64_t)err.status);
                free(rx);
                return;
            }
            if (rc == 0 && ev.kind != MSRP_EV_HEAD)
                abort(); /* an event with no progress could loop forever */
            if (ev.kind == MSRP_EV_HEAD)
                put_head(l, &p.head);
            else
                put(l, ev.body.p, ev.body.n);
            if (ev.kind == MSRP_EV_END) {
                put(l, "E", 1);
                put(l, &ev.flag, 1);
            }
            memmove(rx, rx + rc, kept - (size_t)rc);
            kept -= (size_t)rc;
        }
    }
    put(l, msrp_parser_idle(&p) ? "I" : "T", 1);
    free(rx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* data[1..n] (n = data[0] % 8 + 1) are the piece sizes, minus one. */
    size_t nsizes = size ? (size_t)data[0] % 8 + 1 : 0;
    if (nsizes > (size ? size - 1 : 0))
        nsizes = size ? size - 1 : 0;
    static const uint8_t one = 0;
    log whole = {0}, cut = {0};
    run(data, size, NULL, 0, &whole);
    /* too short to choose: one byte at a time */
    run(data, size, nsizes ? data + 1 : &one, nsizes ? nsizes : 1, &cut);
    if (whole.len != cut.len || memcmp(whole.p, cut.p, whole.len) != 0) {
        fprintf(stderr, "msrp_stream: whole and cut parses differ\n");
        abort();
    }
    free(whole.p);
    free(cut.p);
    return 0;
}
