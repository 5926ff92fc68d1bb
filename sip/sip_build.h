/* sip_build.h - serialising SIP messages into a caller buffer, through an
 * sp_buf (sp_buf.h), which never writes past its capacity. */
#ifndef SIPPUSH_SIP_BUILD_H
#define SIPPUSH_SIP_BUILD_H

#include "sp_export.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "sip_msg.h"
#include "sp_buf.h"
#include "sp_str.h"


SP_API void sip_build_request_line(sp_buf *b, sp_str method, sp_str uri);
SP_API void sip_build_status_line(sp_buf *b, unsigned status, sp_str reason);
SP_API void sip_build_header(sp_buf *b, sp_str name, sp_str value);
SP_API void sip_build_header_cstr(sp_buf *b, const char *name, const char *value);
/* Content-Type (when present), Content-Length, the blank line and the body. */
SP_API void sip_build_body(sp_buf *b, sp_str content_type, sp_str body);

/* The default reason phrase of a status code ("OK", "Not Found"...). */
SP_API const char *sip_reason_phrase(unsigned status);

/* A response to req (parsed from req_buf) per RFC 3261 §8.2.6: status line,
 * every Via in order, From, To (with to_tag added when the request's To has
 * none and status > 100), Call-ID, CSeq; then the caller adds headers and
 * finishes with sip_build_body(). reason absent means the default phrase. */
SP_API void sip_build_response_head(sp_buf *b, const sip_msg *req, unsigned status, sp_str reason, sp_str to_tag);

#endif
