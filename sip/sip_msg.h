/* sip_msg.h - the SIP message parser (RFC 3261 §7, §18.3, §25).
 *
 * One pass splits a message into its start line and header lines and
 * classifies every header name (compact forms included) into a sip_hdr_id;
 * values are parsed only when someone asks (sip_hdr.h). Everything is a slice
 * into the caller's buffer: nothing is allocated, copied or written, and the
 * input needs no NUL terminator.
 *
 * Header values are trimmed slices that may span folded lines (CRLF followed
 * by SP/HTAB). Typed parsers treat CR and LF inside a value as white space;
 * sip_value_unfold() gives the single-space form when a copy is wanted. */
#ifndef SIPPUSH_SIP_MSG_H
#define SIPPUSH_SIP_MSG_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

/* Default limits (sip_limits). */
#define SIP_DEFAULT_MAX_MSG_SIZE (64 * 1024)
#define SIP_DEFAULT_MAX_HEADERS 128

/* Known header names. SIP_H_OTHER is any extension header. */
typedef enum sip_hdr_id {
    SIP_H_OTHER = 0,
    SIP_H_ACCEPT,
    SIP_H_ACCEPT_CONTACT,        /* a */
    SIP_H_ACCEPT_ENCODING,
    SIP_H_ALLOW,
    SIP_H_ALLOW_EVENTS,          /* u */
    SIP_H_AUTHORIZATION,
    SIP_H_CALL_ID,               /* i */
    SIP_H_CONTACT,               /* m */
    SIP_H_CONTENT_DISPOSITION,
    SIP_H_CONTENT_ENCODING,      /* e */
    SIP_H_CONTENT_LENGTH,        /* l */
    SIP_H_CONTENT_TYPE,          /* c */
    SIP_H_CSEQ,
    SIP_H_DATE,
    SIP_H_EVENT,                 /* o */
    SIP_H_EXPIRES,
    SIP_H_FROM,                  /* f */
    SIP_H_IDENTITY,              /* y */
    SIP_H_IDENTITY_INFO,         /* n */
    SIP_H_MAX_FORWARDS,
    SIP_H_MIN_EXPIRES,
    SIP_H_MIN_SE,
    SIP_H_P_ASSERTED_IDENTITY,
    SIP_H_P_ASSERTED_SERVICE,
    SIP_H_P_CALLED_PARTY_ID,
    SIP_H_PATH,
    SIP_H_PROXY_AUTHENTICATE,
    SIP_H_PROXY_AUTHORIZATION,
    SIP_H_PROXY_REQUIRE,
    SIP_H_RECORD_ROUTE,
    SIP_H_REFER_TO,              /* r */
    SIP_H_REFERRED_BY,           /* b */
    SIP_H_REJECT_CONTACT,        /* j */
    SIP_H_REQUEST_DISPOSITION,   /* d */
    SIP_H_REQUIRE,
    SIP_H_RETRY_AFTER,
    SIP_H_ROUTE,
    SIP_H_SERVICE_ROUTE,
    SIP_H_SESSION_EXPIRES,       /* x */
    SIP_H_SUBJECT,               /* s */
    SIP_H_SUBSCRIPTION_STATE,
    SIP_H_SUPPORTED,             /* k */
    SIP_H_TIMESTAMP,
    SIP_H_TO,                    /* t */
    SIP_H_UNSUPPORTED,
    SIP_H_USER_AGENT,
    SIP_H_VIA,                   /* v */
    SIP_H_WWW_AUTHENTICATE,
    SIP_H__COUNT
} sip_hdr_id;

typedef struct sip_header {
    sp_str name;   /* as written */
    sp_str value;  /* trimmed; may contain folding (CRLF + SP/HTAB) */
    uint16_t id;   /* sip_hdr_id */
} sip_header;

typedef struct sip_limits {
    size_t max_msg_size; /* start line + headers + body; over it: SP_ELIMIT, status 513 */
    size_t max_headers;  /* header lines; over it: SP_ELIMIT, status 513 */
} sip_limits;

/* How the end of the body is found (RFC 3261 §18.3). */
typedef enum sip_framing {
    SIP_FRAME_DATAGRAM, /* the input is one whole datagram: no Content-Length means
                           the body runs to the end; extra bytes after the body are
                           ignored; a Content-Length beyond the input is invalid */
    SIP_FRAME_STREAM,   /* the input is a byte stream: the message ends where
                           Content-Length says (absent means 0); SP_AGAIN until
                           all of it has arrived */
} sip_framing;

typedef struct sip_msg {
    bool is_request;
    sp_str method;          /* requests */
    sp_str uri;             /* requests: Request-URI as written */
    unsigned status;        /* responses: 100..699 */
    sp_str reason;          /* responses: may be empty */
    sp_str version;         /* "SIP/2.0" */

    sip_header *headers;    /* the caller's array, in message order */
    size_t nheaders;
    /* Index + 1 of the first header of each id, 0 when absent. */
    uint16_t first[SIP_H__COUNT];
    uint16_t count[SIP_H__COUNT]; /* how many header lines of each id */

    bool has_content_length;
    uint64_t content_length;
    sp_str body;
    size_t length;          /* bytes of the whole message (stream framing: where the next begins) */
} sip_msg;

/* Parses one message from buf[0..len). hdrs/max_hdrs is caller storage for the
 * header lines; the limit applied is min(max_hdrs, limits->max_headers).
 * limits may be NULL for the defaults. Returns bytes consumed (the message's
 * length; with datagram framing, len minus ignored trailing bytes is not
 * reported: the return is msg->length), SP_AGAIN (stream framing, or an
 * incomplete header section in either), or SP_EINVAL / SP_ELIMIT with err set.
 * Leading CRLFs before a stream message are skipped (RFC 3261 §7.5) and
 * counted in the return value. */
SP_API int sip_msg_parse(const char *buf, size_t len, sip_msg *msg, sip_header *hdrs, size_t max_hdrs,
                         const sip_limits *limits, sip_framing framing, sp_error *err);

/* The first header of an id, or NULL. */
SP_API const sip_header *sip_msg_find(const sip_msg *msg, sip_hdr_id id);
/* The next header of the same id after h, or NULL. */
SP_API const sip_header *sip_msg_find_next(const sip_msg *msg, const sip_header *h);
/* The first header whose name matches (case-insensitively, compact forms of
 * known names included), or NULL. */
SP_API const sip_header *sip_msg_find_name(const sip_msg *msg, sp_str name);

/* The id of a header name (full or compact form, any case). */
SP_API sip_hdr_id sip_hdr_id_of(sp_str name);
/* The canonical full name of an id ("Call-ID"); NULL for SIP_H_OTHER. */
SP_API const char *sip_hdr_name(sip_hdr_id id);

/* Checks a UA makes before acting on a message (RFC 3261 §8.2): To, From,
 * CSeq and Call-ID present exactly once, Max-Forwards at most once (a UAS
 * does not require it), at least one Via, CSeq method equal to the request
 * method, numbers in range, and every value a UA reads parsed by its typed
 * parser (sip_hdr.h): From and To, each Via and Contact, Content-Type, and
 * the Request-URI (never inside '<' '>'). Returns 0 or SP_EINVAL with err
 * (offset into the message, status 400). */
SP_API int sip_msg_check(const sip_msg *msg, const char *buf, sp_error *err);

/* Copies a header value with every fold (CR/LF and the white space around it)
 * replaced by one space. Returns the length written (at most cap), or the
 * length needed when out is too small (nothing useful written then). */
SP_API size_t sip_value_unfold(sp_str value, char *out, size_t cap);

#endif
