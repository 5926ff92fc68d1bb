/* push_http_req.h - the server side of HTTP/1.1 (RFC 9112), sans-IO: the
 * incremental request parser a push gateway reads requests with, and the
 * head of its responses. Nothing here knows a socket; the connection that
 * feeds it (reads, deadlines, pipelining, 100-continue) is the caller's.
 *
 * Reading a request: push_http_req_head() on the buffered bytes until it
 * returns the head's length, then push_http_req_body() on the bytes after
 * it, as they arrive, until req.body.done. A request without a body (no
 * Content-Length, not chunked: RFC 9112 §6.3 rule 7) is done at its head.
 * The next request of the connection starts right after the body. */
#ifndef SIPPUSH_PUSH_HTTP_REQ_H
#define SIPPUSH_PUSH_HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_export.h"
#include "push_indirect.h"
#include "sp_error.h"
#include "sp_str.h"

/* Request line and header fields, CRLFs before the request line included. */
#define PUSH_HTTP_REQ_DEFAULT_MAX_HEAD 8192
/* Content of one request, chunked or not: the gateway's --http-max-body. */
#define PUSH_HTTP_REQ_DEFAULT_MAX_BODY (16u * 1024u * 1024u)

typedef struct push_http_req {
    sp_str method;           /* token, case-sensitive (RFC 9110 §9.1) */
    sp_str target;           /* request-target as written (origin- or absolute-form) */
    sp_str path;             /* target's path: without scheme://authority, query and fragment */
    unsigned minor;          /* HTTP/1.minor */
    sp_str host, content_type;
    bool keep_alive;         /* RFC 9112 §9.3: 1.1 unless Connection: close; 1.0 only with keep-alive */
    bool expect_continue;    /* Expect: 100-continue (RFC 9110 §10.1.1) */
    push_http_resp body;     /* the body decoder: framing, limits, done, body_len */
} push_http_req;

/* Parses the request line and header fields. Returns the head's length,
 * SP_AGAIN (incomplete), or an error whose status is the answer:
 *   400  malformed request line or field, no Host (or several) in 1.1,
 *        Content-Length with Transfer-Encoding (§6.1: smuggling), two
 *        different Content-Lengths, a NUL;
 *   413  Content-Length over max_body;
 *   417  an Expect other than 100-continue;
 *   431  the head not complete within max_head bytes (RFC 6585 §5);
 *   501  a transfer coding other than chunked;
 *   505  a version other than HTTP/1.0 or HTTP/1.1.
 * Slices point into buf. */
SP_API int push_http_req_head(push_http_req *r, const char *buf, size_t len, size_t max_head, uint64_t max_body,
                       sp_error *err);

/* Consumes body bytes; *data is the content among them (possibly empty).
 * SP_EINVAL (400) for bad chunk framing, SP_ELIMIT (413) past max_body. */
SP_API int push_http_req_body(push_http_req *r, const char *buf, size_t len, sp_str *data, sp_error *err);

/* The reason phrase of a status this server sends ("Unknown" otherwise). */
SP_API const char *push_http_reason(unsigned status);

/* Writes a response head: status line, Content-Type (when given),
 * Content-Length, Connection: close when !keep_alive, any extra field
 * lines (each ending in CRLF), and the empty line. NUL-terminated; the
 * length, or SP_ELIMIT when cap is too small. */
SP_API int push_http_response_head(unsigned status, sp_str content_type, uint64_t content_length, bool keep_alive,
                            sp_str extra, char *out, size_t cap, sp_error *err);

#endif
