/* push_headers.h - the push message headers that travel with the content
 * (seed 000 §8.3.5: mapped to the equivalent header of the SIP MESSAGE or
 * MSRP SEND when one exists, discarded otherwise; Last-Modified becomes the
 * SDP a=file-date modification date of an MSRP push), and the RFC 1123 dates
 * they carry. */
#ifndef SIPPUSH_PUSH_HEADERS_H
#define SIPPUSH_PUSH_HEADERS_H

#include "sp_export.h"

#include <stddef.h>
#include <time.h>

#include "push_method.h"
#include "sp_error.h"
#include "sp_str.h"

typedef enum push_hdr_action {
    PUSH_HDR_COPY,      /* written as canonical_name: value in the MESSAGE / NOTIFY / SEND */
    PUSH_HDR_FILE_DATE, /* INVITE only: the a=file-date modification date of the offer */
    PUSH_HDR_DROP,      /* no equivalent: discarded */
} push_hdr_action;

typedef struct push_hdr_map {
    push_hdr_action action;
    const char *canonical_name; /* PUSH_HDR_COPY: the header name to write; NULL for an
                                   MSRP MIME extension field (written as given) */
    const char *why;            /* PUSH_HDR_DROP: static reason, for logs */
} push_hdr_map;

/* Splits a "NAME:VALUE" argument (--header): the name is an RFC 3261 token,
 * white space around the value is removed. A value holding CR, LF, NUL or
 * another control character other than HTAB is refused, so a header cannot
 * smuggle another one into the message. Returns 0 or SP_EINVAL. */
SP_API int push_header_split(sp_str arg, sp_str *name, sp_str *value, sp_error *err);

/* Decides where one push header goes when the push travels by method
 * (MESSAGE and NOTIFY carry SIP entity headers; INVITE means the content
 * travels in MSRP SENDs). Header names compare case-insensitively. */
SP_API push_hdr_map push_header_map(push_method method, sp_str name);

/* "Tue, 31 Jul 2001 10:13:00 GMT" (RFC 1123 / RFC 5322 in GMT, the SIP Date
 * form). Writes PUSH_DATE_LEN bytes and a NUL; returns PUSH_DATE_LEN, or 0
 * when t is outside years 0000-9999 or cap <= PUSH_DATE_LEN. */
#define PUSH_DATE_LEN 29
SP_API size_t push_date_format(time_t t, char *out, size_t cap);

/* The a=file-date value for a Last-Modified header value (RFC 5547 §6:
 * modification:"<date>"): reads the date with sip_date_parse and writes it
 * back in canonical form. Returns the length written (NUL-terminated), or
 * SP_EINVAL for a date that does not parse, SP_ELIMIT when cap is too small. */
#define PUSH_FILE_DATE_LEN (sizeof "modification:\"\"" - 1 + PUSH_DATE_LEN)
SP_API int push_file_date_from_last_modified(sp_str value, char *out, size_t cap, sp_error *err);

#endif
