/* push_http_impl.h - what the HTTP/1.1 response parser (push_http.c) and
 * request parser (push_http_req.c) share: character classes, the end of a
 * head, the field-line walk, and the body decoder (RFC 9112 §6, §7.1). */
#ifndef SIPPUSH_PUSH_HTTP_IMPL_H
#define SIPPUSH_PUSH_HTTP_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "push_indirect.h"

static inline bool push_http_ctl_or_space(unsigned char c) { return c <= 0x20 || c == 0x7f; }

/* The index just after the empty line that ends a head, or 0. */
size_t push_http_head_end(const char *buf, size_t len);

/* One field line: name (a token, no space before the colon) and value
 * (trimmed). at is the line's offset. Non-zero stops the walk. */
typedef int (*push_http_field_fn)(void *ctx, sp_str name, sp_str value, size_t at, sp_error *err);

/* Walks the field lines of buf[from, end) (end from push_http_head_end), up
 * to the empty line. A folded line, a line without a name or a bad name is
 * SP_EINVAL with status (502 for a response, 400 for a request: RFC 9112
 * §5.2 lets a server refuse obs-fold). Returns 0 or what fn returned. */
int push_http_head_fields(const char *buf, size_t from, size_t end, int status, push_http_field_fn fn, void *ctx,
                          sp_error *err);

/* Sets the body decoder of r for a message with this framing: chunked
 * (Transfer-Encoding wins, §6.3), a Content-Length, none (to the end of the
 * connection when to_close, else empty), or no body at all. SP_ELIMIT with
 * 413 when a Content-Length is over r->max_body. */
int push_http_body_start(push_http_resp *r, bool no_body, bool to_close, sp_error *err);

#endif
