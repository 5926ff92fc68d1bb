/* push_cpim.h - message/cpim (RFC 3862) wrapping and unwrapping, for
 * receivers that accept only message/cpim (seed 000 §8.2.5: the MSRP
 * accept-types always hold message/cpim).
 *
 * A CPIM body is the message headers (From, To, cc, DateTime, Subject, NS,
 * Require and extensions, one per line, "Name: value", names
 * case-sensitive), an empty line, then the encapsulated MIME entity: its
 * headers (at least Content-Type, §2.4), an empty line, and the content.
 * Unwrapping is zero-copy: every field is a slice of the input. */
#ifndef SIPPUSH_PUSH_CPIM_H
#define SIPPUSH_PUSH_CPIM_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "sp_error.h"
#include "sp_str.h"

/* A suggested size for the caller's header array. */
#define PUSH_CPIM_DEFAULT_MAX_HEADERS 32

typedef struct push_cpim_header {
    sp_str prefix; /* namespace prefix before '.', absent when none (§3.4) */
    sp_str name;   /* without the prefix */
    sp_str params; /* ";lang=..." and other parameters after the colon, raw; absent when none */
    sp_str value;  /* escapes (§2.3) left as written */
} push_cpim_header;

typedef struct push_cpim_addr {
    sp_str name; /* Formal-name as written (a String keeps its quotes), absent when none */
    sp_str uri;  /* between '<' and '>' */
} push_cpim_addr;

typedef struct push_cpim {
    push_cpim_addr from, to; /* to: the first To header */
    size_t nto;              /* how many To headers */
    sp_str datetime;         /* raw, absent when none */
    push_cpim_header *headers; /* caller storage, in message order */
    size_t nheaders, max_headers;
    sp_str mime_headers;     /* the encapsulated entity's header block, raw */
    sp_str content_type;     /* its Content-Type value */
    sp_str body;             /* the content */
} push_cpim;

/* Parses a whole message/cpim body (its end is the carrying protocol's
 * framing). Set headers / max_headers first. Returns len, or SP_EINVAL
 * (malformed header line, a control character in a value, From or To
 * without "<URI>", the entity without Content-Type or without its empty
 * line; status 400) / SP_ELIMIT (more message headers than max_headers;
 * status 413). */
SP_API int push_cpim_parse(const char *buf, size_t len, push_cpim *m, sp_error *err);

/* An encapsulated MIME header by name (case-insensitive, RFC 2045). */
SP_API bool push_cpim_mime_header(const push_cpim *m, const char *name, sp_str *value);
/* The namespace URI an NS header declared for prefix (absent prefix: the
 * default namespace), or false. */
SP_API bool push_cpim_ns(const push_cpim *m, sp_str prefix, sp_str *uri);

typedef struct push_cpim_in {
    push_cpim_addr from, to; /* name may be absent; uri required */
    bool has_datetime;
    time_t datetime;         /* written as RFC 3339 UTC, "2001-07-31T10:13:00Z" */
    sp_str content_type;     /* of the wrapped content */
    sp_str body;
} push_cpim_in;

/* Writes the message/cpim body. A Formal-name that is not plain tokens is
 * written as a quoted String with '\' and '"' escaped. Returns the length,
 * SP_EINVAL (a control character in a name, '<' '>' in a URI, a bad
 * content type) or SP_ELIMIT (cap too small). */
SP_API int push_cpim_wrap(const push_cpim_in *in, char *out, size_t cap, sp_error *err);

#endif
