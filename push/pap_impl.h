/* pap_impl.h - pieces shared by the PAP files: the media type reader and
 * the multipart/related splitter (RFC 2045 §5.1, RFC 2046 §5.1.1, RFC 2387)
 * of pap_mime.c, and the error helper. */
#ifndef SIPPUSH_PAP_IMPL_H
#define SIPPUSH_PAP_IMPL_H

#include "pap.h"

/* A Content-Type value: type/subtype (lower-case compare with
 * pap_media_is) and its parameters, read lazily with pap_media_param. */
typedef struct pap_media {
    sp_str type;    /* "multipart/related" as written */
    sp_str params;  /* from the first ';' */
} pap_media;

bool pap_media_parse(sp_str value, pap_media *m);
bool pap_media_is(const pap_media *m, const char *type);
/* The value of parameter name (case-insensitive), unquoted; false when
 * absent or malformed (a quoted value with a backslash escape included). */
bool pap_media_param(const pap_media *m, const char *name, sp_str *value);

typedef struct pap_part {
    sp_str headers;       /* header lines, without the blank line that ends them */
    sp_str body;
    size_t offset;        /* where the part starts in the multipart body */
} pap_part;

/* Splits body on boundary into at most max parts. Returns the count, or -1
 * with err filled (no delimiter, truncated, too many parts). */
long pap_multipart_split(sp_str body, sp_str boundary, pap_part *parts, size_t max, pap_error *err);

/* The value of the header name in a header block, absent when none. */
sp_str pap_header_find(sp_str headers, const char *name);

/* Fills err; fragment is up to PAP_FRAGMENT_MAX bytes of in from at. */
int pap_fail(pap_error *err, unsigned code, int http_status, bool unreadable, sp_str in, size_t at,
             const char *reason);

#endif
