/* sip_build.h - serialising SIP messages into a caller buffer.
 *
 * A sip_buf never writes past its capacity: once something does not fit it
 * records the overflow and ignores further writes; sip_buf_finish() then
 * returns -1. */
#ifndef SIPPUSH_SIP_BUILD_H
#define SIPPUSH_SIP_BUILD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "sip_msg.h"
#include "sp_str.h"

typedef struct sip_buf {
    char *p;
    size_t cap, len;
    bool overflow;
} sip_buf;

void sip_buf_init(sip_buf *b, char *mem, size_t cap);
void sip_buf_put(sip_buf *b, sp_str s);
void sip_buf_puts(sip_buf *b, const char *s);
void sip_buf_printf(sip_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bytes written, or -1 when anything overflowed. */
long sip_buf_finish(const sip_buf *b);

void sip_build_request_line(sip_buf *b, sp_str method, sp_str uri);
void sip_build_status_line(sip_buf *b, unsigned status, sp_str reason);
void sip_build_header(sip_buf *b, sp_str name, sp_str value);
void sip_build_header_cstr(sip_buf *b, const char *name, const char *value);
/* Content-Type (when present), Content-Length, the blank line and the body. */
void sip_build_body(sip_buf *b, sp_str content_type, sp_str body);

/* The default reason phrase of a status code ("OK", "Not Found"...). */
const char *sip_reason_phrase(unsigned status);

/* A response to req (parsed from req_buf) per RFC 3261 §8.2.6: status line,
 * every Via in order, From, To (with to_tag added when the request's To has
 * none and status > 100), Call-ID, CSeq; then the caller adds headers and
 * finishes with sip_build_body(). reason absent means the default phrase. */
void sip_build_response_head(sip_buf *b, const sip_msg *req, unsigned status, sp_str reason, sp_str to_tag);

#endif
