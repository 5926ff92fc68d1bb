/* msrp_frame.h - the incremental MSRP frame parser (RFC 4975 §5.1, §7, §9).
 *
 * A session feeds the bytes of a connection as they arrive and gets, per
 * frame, one MSRP_EV_HEAD (start line and headers), any number of
 * MSRP_EV_BODY slices, and one MSRP_EV_END (the last body slice and the
 * continuation flag). Bodies are never buffered: a slice points into the
 * bytes just fed, so a 1 GiB chunk costs no memory.
 *
 * The receive-buffer contract:
 * - msrp_parse() returns how many bytes of buf it consumed. The caller drops
 *   them and presents the unconsumed rest at the start of buf on the next
 *   call, followed by whatever arrived since. It may move (compact) those
 *   bytes between calls: the parser keeps offsets, never pointers.
 * - While a header block is incomplete nothing is consumed (SP_AGAIN), so the
 *   whole block, from the start line on, stays contiguous and its slices can
 *   be handed out. It is bounded by limits.max_head (default 16 KiB), so a
 *   receive buffer of max_head + MSRP_END_LINE_MAX bytes always suffices.
 *   Lines already scanned are not scanned again.
 * - In a body, the last few bytes that could be the start of the end-line
 *   (at most MSRP_END_LINE_MAX) are left unconsumed until the next bytes tell
 *   whether they are the end-line or body.
 *
 * Slices of the head (msrp_head) are offsets from its start; msrp_head_str()
 * resolves them against head.base, which is buf at the MSRP_EV_HEAD call.
 * A caller that moves the header bytes afterwards updates base. */
#ifndef SIPPUSH_MSRP_FRAME_H
#define SIPPUSH_MSRP_FRAME_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msrp_hdr.h"
#include "sp_error.h"
#include "sp_str.h"

/* Transaction id: ident = ALPHANUM 3*31ident-char (RFC 4975 §9). */
#define MSRP_TID_MIN 4
#define MSRP_TID_MAX 32
/* CRLF "-------" tid flag CRLF */
#define MSRP_END_LINE_MAX (2 + 7 + MSRP_TID_MAX + 1 + 2)

/* Header slots of a msrp_head: the hard cap of limits.max_headers. */
#define MSRP_MAX_HEADERS 32

#define MSRP_DEFAULT_MAX_HEAD (16 * 1024)
#define MSRP_DEFAULT_MAX_HEADERS MSRP_MAX_HEADERS
/* RFC 4975 §7.1: non-SEND request bodies MUST NOT exceed 10240 octets. */
#define MSRP_DEFAULT_MAX_NONSEND_BODY 10240

typedef struct msrp_limits {
    uint32_t max_head;          /* start line through the blank line (or the end-line of a
                                   bodiless frame); over it: SP_ELIMIT, status 413 */
    uint32_t max_headers;       /* header lines, at most MSRP_MAX_HEADERS; over: SP_ELIMIT, 413 */
    uint64_t max_nonsend_body;  /* body of a request other than SEND; over: SP_ELIMIT, 413 */
} msrp_limits;

typedef struct msrp_span {
    uint32_t off, len;
} msrp_span;

typedef struct msrp_header {
    msrp_span name;  /* as written */
    msrp_span value; /* white space around it removed */
    uint8_t id;      /* msrp_hdr_id */
} msrp_header;

typedef struct msrp_head {
    const char *base;   /* the start line, for msrp_head_str() */
    uint64_t offset;    /* stream offset of the start line */
    uint32_t length;    /* bytes of the head (through the blank line, or up to the end-line) */
    bool is_request;
    bool has_body;      /* a blank line followed the headers (RFC 4975 §7.1) */
    msrp_span tid;
    msrp_span method;   /* requests */
    unsigned status;    /* responses: the 3-digit code */
    msrp_span comment;  /* responses: after the code; len 0 when absent */
    bool has_comment;
    msrp_header headers[MSRP_MAX_HEADERS];
    uint32_t nheaders;
    uint8_t first[MSRP_H__COUNT]; /* index + 1 of the header of an id, 0 if absent */
} msrp_head;

typedef enum msrp_event_kind {
    MSRP_EV_HEAD = 1, /* parser.head is complete */
    MSRP_EV_BODY,     /* ev.body: the next bytes of the body */
    MSRP_EV_END,      /* ev.body: the last bytes of the body (maybe none); ev.flag */
} msrp_event_kind;

typedef struct msrp_event {
    msrp_event_kind kind;
    sp_str body; /* a slice of buf */
    char flag;   /* MSRP_EV_END: '$' complete, '+' continued, '#' aborted */
} msrp_event;

/* Bytes of header lines kept from earlier heads (MSRP_MEMO_BYTES): the
 * chunks of a message repeat every line but the start line and Byte-Range
 * (RFC 4975 §7.1.1), so a line equal byte for byte to the one kept at its
 * place takes the result it had then instead of being parsed again. Lines
 * that do not fit are parsed every time; the results are the same. */
#define MSRP_MEMO_BYTES 1024

/* A header line kept: its bytes (CRLF included) at memo[off], and what
 * parsing them gave, relative to the line's start. */
typedef struct msrp_memo_line {
    uint16_t off, len;
    uint16_t name_len, value_off, value_len;
    uint8_t id;
} msrp_memo_line;

typedef struct msrp_parser {
    msrp_limits lim;
    uint8_t state;
    uint8_t tid_len;
    uint32_t line;      /* head: offset of the next line not yet parsed */
    uint32_t scan;      /* head: bytes already searched for that line's LF */
    uint64_t offset;    /* stream offset of the next buf[0] */
    uint64_t body_len;  /* body bytes handed out in the current frame */
    bool is_send;
    char pat[2 + 7 + MSRP_TID_MAX]; /* CRLF "-------" tid: what ends a body */
    msrp_head head;
    uint8_t memo_count;                     /* header lines kept, in order, packed in memo */
    msrp_memo_line memo_line[MSRP_MAX_HEADERS];
    char memo[MSRP_MEMO_BYTES];
} msrp_parser;

/* limits may be NULL for the defaults. */
SP_API void msrp_parser_init(msrp_parser *p, const msrp_limits *limits);
SP_API void msrp_limits_default(msrp_limits *lim);

/* Parses what it can of buf[0..len) and reports one event. Returns the bytes
 * consumed (>= 0; an event was reported), SP_AGAIN (no event: keep the bytes,
 * add more and call again), or SP_EINVAL / SP_ELIMIT with err->offset the
 * stream offset of the problem. After an error the parser must be
 * re-initialised (the stream cannot be resynchronised). */
SP_API int msrp_parse(msrp_parser *p, const char *buf, size_t len, msrp_event *ev, sp_error *err);

/* True between frames: the stream may end here. */
static inline bool msrp_parser_idle(const msrp_parser *p) { return p->state == 0 && p->scan == 0; }

static inline sp_str msrp_head_str(const msrp_head *h, msrp_span s)
{
    return sp_str_make(h->base + s.off, s.len);
}
/* The value of the header of an id, or SP_STR_NULL when absent. */
static inline sp_str msrp_head_get(const msrp_head *h, msrp_hdr_id id)
{
    return h->first[id] ? msrp_head_str(h, h->headers[h->first[id] - 1].value) : SP_STR_NULL;
}

/* Checks the values of the known headers of a complete head: To-Path and
 * From-Path URI lists, Message-ID, Byte-Range, Success-Report,
 * Failure-Report, Status (RFC 4975 §9). Returns 0 or SP_EINVAL with
 * err->offset the stream offset of the bad value (status 400). */
SP_API int msrp_head_check(const msrp_head *h, sp_error *err);

#endif
