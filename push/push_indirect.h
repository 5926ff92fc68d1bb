/* push_indirect.h - content indirection (RFC 4483, seed 000 §8.3.6, seed 002
 * §7.1): the message/external-body a MESSAGE or NOTIFY carries instead of
 * the content, and the small HTTP/1.1 client a receiver fetches it with. */
#ifndef SIPPUSH_PUSH_INDIRECT_H
#define SIPPUSH_PUSH_INDIRECT_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "sp_error.h"
#include "sp_str.h"

/* --- message/external-body ------------------------------------------------ */

typedef struct push_extbody {
    sp_str url;                 /* the URL parameter, without quotes */
    sp_str expiration;          /* the expiration parameter as written, without quotes */
    time_t expires;             /* expiration read as an RFC 1123 date */
    bool has_size;
    uint64_t size;              /* size parameter (§5.9): bytes of the content */
    /* Headers of the phantom body (§5.8, §5.10), absent when not given. */
    sp_str content_type, content_id, content_disposition;
} push_extbody;

/* Reads the Content-Type header value of the request (message/external-body
 * with access-type=URL, URL, expiration, optional size) and its body (the
 * phantom headers: Content-Type, Content-ID, Content-Disposition...). Every
 * slice points into the two inputs. The expiration is mandatory (§5.7) and
 * read with sip_date_parse; a full month name as in RFC 4483's own examples
 * ("24 June 2002") is accepted too. Returns 0, or SP_EINVAL with status 415
 * (not message/external-body, or another access-type) or 400. */
SP_API int push_extbody_parse(sp_str content_type, sp_str body, push_extbody *x, sp_error *err);

/* The sender's side: writes the Content-Type value
 *   message/external-body;access-type="URL";expiration="...";URL="...";size=N
 * (size only when has_size) into ct, and the phantom body
 *   Content-Type: TYPE CRLF [Content-ID: <ID> CRLF] CRLF
 * into body. Both NUL-terminated. Returns the body's length, SP_EINVAL for
 * a URL or type that cannot be written, or SP_ELIMIT when a buffer is small. */
SP_API int push_extbody_build(sp_str url, time_t expires, bool has_size, uint64_t size, sp_str content_type,
                              sp_str content_id, char *ct, size_t ct_cap, char *body, size_t body_cap, sp_error *err);

/* --- HTTP/1.1 client -------------------------------------------------------- */

typedef struct push_http_url {
    sp_str host;     /* as written; an IPv6 reference keeps its brackets */
    uint16_t port;   /* 80 when not given */
    sp_str path;     /* from the first '/' up to any '#'; "/" when empty */
} push_http_url;

/* http://host[:port][/path]. No userinfo; https is not supported. */
SP_API int push_http_url_parse(sp_str url, push_http_url *u, sp_error *err);

/* "GET path HTTP/1.1", Host, Accept, Connection: close. Returns the length
 * (NUL-terminated) or SP_ELIMIT. */
SP_API int push_http_request_build(const push_http_url *u, char *out, size_t cap, sp_error *err);

#define PUSH_HTTP_DEFAULT_MAX_HEAD 8192       /* status line + headers */
#define PUSH_HTTP_MAX_CHUNK_LINE 1024         /* chunk-size line with its extensions */

/* The incremental response parser: push_http_resp_head() on the buffered
 * bytes until it returns the head's length, then push_http_resp_body() on
 * what follows, as it arrives, until done. */
typedef struct push_http_resp {
    unsigned status;
    sp_str reason, content_type; /* slices of the head's buffer */
    bool chunked, has_length;
    uint64_t content_length;
    bool done;                   /* the body is complete */
    uint64_t body_len;           /* body bytes seen so far */
    /* limits */
    size_t max_head;
    uint64_t max_body;
    /* body state */
    int state;
    uint64_t remaining;
    unsigned digits;
    size_t line_len;
} push_http_resp;

SP_API void push_http_resp_init(push_http_resp *r, size_t max_head, uint64_t max_body);

/* Parses the status line and headers from buf. Returns the head's length,
 * SP_AGAIN (incomplete), or SP_EINVAL (malformed; status 502) / SP_ELIMIT
 * (head over max_head, or a Content-Length over max_body; status 413). A 1xx
 * response is returned like any other: call again on the bytes after it. */
SP_API int push_http_resp_head(push_http_resp *r, const char *buf, size_t len, sp_error *err);

/* Consumes body bytes (Content-Length, chunked, or up to the connection's
 * end). Returns the bytes consumed and sets *data to the content bytes among
 * them (possibly empty): call again on the rest. SP_EINVAL for bad chunk
 * framing, SP_ELIMIT when the body grows past max_body. */
SP_API int push_http_resp_body(push_http_resp *r, const char *buf, size_t len, sp_str *data, sp_error *err);

/* The connection ended: 0 when that completes the body (no Content-Length
 * and not chunked), SP_EINVAL when the body was cut short. */
SP_API int push_http_resp_eof(push_http_resp *r, sp_error *err);

/* Receives the content as it arrives; returns 0 to go on. */
typedef int (*push_http_sink)(void *ctx, const char *p, size_t n);

typedef struct push_http_result {
    unsigned status;
    uint64_t body_len;
    char content_type[128]; /* "" when none or too long */
} push_http_result;

/* GETs url over TCP and blocks until the response is complete or timeout_ms
 * (for everything: name lookup aside, connect, send, receive) has passed.
 * Only a 2xx body is given to sink. It blocks the calling thread: a receiver
 * runs it in a worker thread, never on its event loop. Returns 0 when a whole
 * response arrived (whatever its status), or an error with status: 400 bad
 * URL, 503 no connection, 408 timeout, 413 body over max_body, 502 malformed
 * response, 500 the sink refused the data. */
SP_API int push_http_fetch(sp_str url, int timeout_ms, uint64_t max_body, push_http_sink sink, void *ctx,
                           push_http_result *res, sp_error *err);

#endif
