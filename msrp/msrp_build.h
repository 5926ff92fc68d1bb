/* msrp_build.h - serialising MSRP frames into caller buffers (RFC 4975 §7).
 *
 * Bodies are never copied: a sender writes the head into a small buffer,
 * then hands head, body (from its own buffer or file) and end-line to one
 * writev():
 *
 *   msrp_tid_make(tid, body);                       // tid not in the body
 *   sp_buf_init(&h, head, sizeof head);
 *   msrp_build_send_head(&h, tid, &send);           // ends with the blank line
 *   sp_buf_init(&e, end, sizeof end);
 *   msrp_build_end_line(&e, tid, '$', true);        // CRLF "-------" tid "$" CRLF
 *   writev(fd, {head, body, end}, 3);
 *
 * Frames are written through an sp_buf (sp_buf.h), which never writes past
 * its capacity. */
#ifndef SIPPUSH_MSRP_BUILD_H
#define SIPPUSH_MSRP_BUILD_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "msrp_frame.h"
#include "msrp_hdr.h"
#include "sp_buf.h"
#include "sp_str.h"


SP_API void msrp_build_request_line(sp_buf *b, sp_str tid, sp_str method);
/* comment absent (p NULL): none */
SP_API void msrp_build_response_line(sp_buf *b, sp_str tid, unsigned status, sp_str comment);
SP_API void msrp_build_header(sp_buf *b, sp_str name, sp_str value);
SP_API void msrp_build_range(sp_buf *b, const msrp_range *r);
/* The same line in two parts: "Byte-Range: " start "-" end, then "/" total
 * CRLF (the part every chunk of a message repeats). */
SP_API void msrp_build_range_start(sp_buf *b, const msrp_range *r);
SP_API void msrp_build_range_total(sp_buf *b, const msrp_range *r);
/* Status: namespace code [comment] */
SP_API void msrp_build_status(sp_buf *b, unsigned ns, unsigned code, sp_str comment);
/* The blank line between the headers (Content-Type last) and the body. */
SP_API void msrp_build_body_start(sp_buf *b);
/* The end-line; after_body adds the CRLF that separates it from a body
 * (RFC 4975 §7.1). At most MSRP_END_LINE_MAX bytes. */
SP_API void msrp_build_end_line(sp_buf *b, sp_str tid, char flag, bool after_body);

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
SP_API void msrp_build_send_head(sp_buf *b, sp_str tid, const msrp_send *m);
/* The same head in the parts a sender keeps per message: the request line,
 * the headers before Byte-Range (To-Path, From-Path, Message-ID), the
 * range, and the headers after it through the blank line. Only the tid and
 * the range change from chunk to chunk. */
SP_API void msrp_build_send_before_range(sp_buf *b, const msrp_send *m);
SP_API void msrp_build_send_after_range(sp_buf *b, const msrp_send *m);

/* A whole response (RFC 4975 §7.2): no body, flag '$'. */
SP_API void msrp_build_response(sp_buf *b, sp_str tid, unsigned status, sp_str comment, sp_str to_path,
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
SP_API bool msrp_response_tmpl_set(msrp_response_tmpl *t, sp_str to_path, sp_str from_path);
/* The response msrp_build_response() would write, from t. */
SP_API void msrp_build_response_tmpl(sp_buf *b, const msrp_response_tmpl *t, sp_str tid, unsigned status,
                                     sp_str comment);

/* A whole bodiless REPORT (RFC 4975 §7.1.2, §7.1.3). */
SP_API void msrp_build_report(sp_buf *b, sp_str tid, sp_str to_path, sp_str from_path, sp_str message_id,
                              const msrp_range *range, unsigned code, sp_str comment);

/* Transaction ids: MSRP_TID_LEN alphanumerics, about 95 bits of randomness
 * (RFC 4975 §7.1 asks for at least 64). */
#define MSRP_TID_LEN 16

/* Fills out[0..n) with unpredictable bytes; returns 0, or a negative errno value. */
typedef int (*msrp_random_fn)(void *ctx, uint8_t *out, size_t n);

/* The offset of the first run of seven hyphens (the start of any end-line)
 * in p[0..n), or n when there is none. Reads about one byte in seven. */
SP_API size_t msrp_hyphens_find(const char *p, size_t n);

/* Whether "-------" tid occurs anywhere in body: a tid that would let the
 * body end the frame early (RFC 4975 §7.1). */
SP_API bool msrp_body_has_tid(sp_str body, sp_str tid);

/* A fresh tid (from sp_random_bytes) whose end-line does not occur in body, which
 * may be empty. Returns 0, or -EIO when no randomness is available. */
SP_API int msrp_tid_make(char out[MSRP_TID_LEN], sp_str body);
/* The same with another source of randomness (tests). */
SP_API int msrp_tid_make_with(char out[MSRP_TID_LEN], sp_str body, msrp_random_fn rnd, void *ctx);

#endif
