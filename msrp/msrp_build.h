/* msrp_build.h - serialising MSRP frames into caller buffers (RFC 4975 §7).
 *
 * Bodies are never copied: a sender writes the head into a small buffer,
 * then hands head, body (from its own buffer or file) and end-line to one
 * writev():
 *
 *   msrp_tid_make(tid, body);                       // tid not in the body
 *   msrp_buf_init(&h, head, sizeof head);
 *   msrp_build_send_head(&h, tid, &send);           // ends with the blank line
 *   msrp_buf_init(&e, end, sizeof end);
 *   msrp_build_end_line(&e, tid, '$', true);        // CRLF "-------" tid "$" CRLF
 *   writev(fd, {head, body, end}, 3);
 *
 * A msrp_buf never writes past its capacity: once something does not fit it
 * records the overflow and ignores further writes; msrp_buf_finish() then
 * returns -1. */
#ifndef SIPPUSH_MSRP_BUILD_H
#define SIPPUSH_MSRP_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msrp_frame.h"
#include "msrp_hdr.h"
#include "sp_str.h"

typedef struct msrp_buf {
    char *p;
    size_t cap, len;
    bool overflow;
} msrp_buf;

void msrp_buf_init(msrp_buf *b, char *mem, size_t cap);
/* Inline: chunk heads and responses are a dozen small pieces each, most of
 * them constants the compiler then copies in place. */
static inline void msrp_buf_put(msrp_buf *b, sp_str s)
{
    if (b->overflow || s.n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    if (s.n)
        memcpy(b->p + b->len, s.p, s.n);
    b->len += s.n;
}
/* Bytes written, or -1 when anything overflowed. */
long msrp_buf_finish(const msrp_buf *b);

void msrp_build_request_line(msrp_buf *b, sp_str tid, sp_str method);
/* comment absent (p NULL): none */
void msrp_build_response_line(msrp_buf *b, sp_str tid, unsigned status, sp_str comment);
void msrp_build_header(msrp_buf *b, sp_str name, sp_str value);
void msrp_build_range(msrp_buf *b, const msrp_range *r);
/* The same line in two parts: "Byte-Range: " start "-" end, then "/" total
 * CRLF (the part every chunk of a message repeats). */
void msrp_build_range_start(msrp_buf *b, const msrp_range *r);
void msrp_build_range_total(msrp_buf *b, const msrp_range *r);
/* Status: namespace code [comment] */
void msrp_build_status(msrp_buf *b, unsigned ns, unsigned code, sp_str comment);
/* The blank line between the headers (Content-Type last) and the body. */
void msrp_build_body_start(msrp_buf *b);
/* The end-line; after_body adds the CRLF that separates it from a body
 * (RFC 4975 §7.1). At most MSRP_END_LINE_MAX bytes. */
void msrp_build_end_line(msrp_buf *b, sp_str tid, char flag, bool after_body);

/* One chunk of a message (RFC 4975 §7.1.1). */
typedef struct msrp_send {
    sp_str to_path;         /* URIs separated by SP, as on the wire */
    sp_str from_path;
    sp_str message_id;
    msrp_range range;       /* the chunk's place in the message */
    bool success_report;    /* add "Success-Report: yes" */
    msrp_report failure_report; /* written unless it is the default "yes" */
    const sp_str (*extra)[2];   /* other headers (Content-Disposition...), name/value pairs */
    size_t nextra;
    sp_str content_type;    /* absent: a bodiless SEND */
} msrp_send;

/* Start line and headers of a SEND, then the blank line when it has a body;
 * the body and msrp_build_end_line() follow. */
void msrp_build_send_head(msrp_buf *b, sp_str tid, const msrp_send *m);
/* The same head in the parts a sender keeps per message: the request line,
 * the headers before Byte-Range (To-Path, From-Path, Message-ID), the
 * range, and the headers after it through the blank line. Only the tid and
 * the range change from chunk to chunk. */
void msrp_build_send_before_range(msrp_buf *b, const msrp_send *m);
void msrp_build_send_after_range(msrp_buf *b, const msrp_send *m);

/* A whole response (RFC 4975 §7.2): no body, flag '$'. */
void msrp_build_response(msrp_buf *b, sp_str tid, unsigned status, sp_str comment, sp_str to_path,
                         sp_str from_path);

/* The lines of a response after its start line, through the hyphens of
 * its end-line: they depend only on the two paths, so a receiver answering
 * chunk after chunk builds them once per pair and writes only the start
 * line and the tid around them. */
#define MSRP_RESPONSE_TMPL_MAX 1024 /* bytes of those lines, at most */
typedef struct msrp_response_tmpl {
    uint16_t len;          /* 0: none */
    uint16_t to_len, from_len;
    char lines[MSRP_RESPONSE_TMPL_MAX];
} msrp_response_tmpl;

/* Makes t hold the lines for to_path and from_path (kept when they are
 * the ones it holds). False when the paths are too long for it. */
bool msrp_response_tmpl_set(msrp_response_tmpl *t, sp_str to_path, sp_str from_path);
/* The response msrp_build_response() would write, from t. */
void msrp_build_response_tmpl(msrp_buf *b, const msrp_response_tmpl *t, sp_str tid, unsigned status,
                              sp_str comment);

/* A whole bodiless REPORT (RFC 4975 §7.1.2, §7.1.3). */
void msrp_build_report(msrp_buf *b, sp_str tid, sp_str to_path, sp_str from_path, sp_str message_id,
                       const msrp_range *range, unsigned code, sp_str comment);

/* Transaction ids: MSRP_TID_LEN alphanumerics, about 95 bits of randomness
 * (RFC 4975 §7.1 asks for at least 64). */
#define MSRP_TID_LEN 16

/* Fills out[0..n) with unpredictable bytes; returns 0 or -1. */
typedef int (*msrp_random_fn)(void *ctx, uint8_t *out, size_t n);

/* The offset of the first run of seven hyphens (the start of any end-line)
 * in p[0..n), or n when there is none. Reads about one byte in seven. */
size_t msrp_hyphens_find(const char *p, size_t n);

/* Whether "-------" tid occurs anywhere in body: a tid that would let the
 * body end the frame early (RFC 4975 §7.1). */
bool msrp_body_has_tid(sp_str body, sp_str tid);

/* A fresh tid (from sp_random_bytes) whose end-line does not occur in body, which
 * may be empty. Returns 0, or -1 when no randomness is available. */
int msrp_tid_make(char out[MSRP_TID_LEN], sp_str body);
/* The same with another source of randomness (tests). */
int msrp_tid_make_with(char out[MSRP_TID_LEN], sp_str body, msrp_random_fn rnd, void *ctx);

#endif
