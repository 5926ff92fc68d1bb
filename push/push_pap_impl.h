/* push_pap_impl.h - pieces shared by the PAP files: the media type reader and
 * the multipart/related splitter (RFC 2045 §5.1, RFC 2046 §5.1.1, RFC 2387)
 * of push_pap_mime.c, and the error helper. */
#ifndef SIPPUSH_PUSH_PAP_IMPL_H
#define SIPPUSH_PUSH_PAP_IMPL_H

#include "push_pap.h"

/* A Content-Type value: type/subtype (lower-case compare with
 * push_pap_media_is) and its parameters, read lazily with push_pap_media_param. */
typedef struct push_pap_media {
    sp_str type;    /* "multipart/related" as written */
    sp_str params;  /* from the first ';' */
} push_pap_media;

bool push_pap_media_parse(sp_str value, push_pap_media *m);
bool push_pap_media_is(const push_pap_media *m, const char *type);
/* The value of parameter name (case-insensitive), unquoted; false when
 * absent or malformed (a quoted value with a backslash escape included). */
bool push_pap_media_param(const push_pap_media *m, const char *name, sp_str *value);

typedef struct push_pap_part {
    sp_str headers;       /* header lines, without the blank line that ends them */
    sp_str body;
    size_t offset;        /* where the part starts in the multipart body */
} push_pap_part;

/* Splits body on boundary into at most max parts. Returns the count, or -1
 * with err filled (no delimiter, truncated, too many parts). */
long push_pap_multipart_split(sp_str body, sp_str boundary, push_pap_part *parts, size_t max, push_pap_error *err);

/* The value of the header name in a header block, absent when none. */
sp_str push_pap_header_find(sp_str headers, const char *name);

/* Fills err; fragment is up to PUSH_PAP_FRAGMENT_MAX bytes of in from at. */
int push_pap_fail(push_pap_error *err, unsigned code, int http_status, bool unreadable, sp_str in, size_t at,
             const char *reason);

#endif
