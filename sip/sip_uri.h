/* sip_uri.h - SIP, SIPS and TEL URIs (RFC 3261 §19.1, RFC 3966); any other
 * scheme is kept opaque. Slices into the caller's buffer. */
#ifndef SIPPUSH_SIP_URI_H
#define SIPPUSH_SIP_URI_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

typedef enum sip_uri_scheme { SIP_URI_SIP, SIP_URI_SIPS, SIP_URI_TEL, SIP_URI_OTHER } sip_uri_scheme;
typedef enum sip_host_type { SIP_HOST_NONE, SIP_HOST_NAME, SIP_HOST_IPV4, SIP_HOST_IPV6 } sip_host_type;

typedef struct sip_uri {
    sip_uri_scheme scheme;
    sp_str scheme_str;  /* as written, without ':' */
    sp_str user;        /* sip/sips: userinfo before ':' or '@' (escaped form); tel: the number */
    sp_str password;    /* absent when none */
    sp_str host;        /* IPv6 references keep their brackets */
    sip_host_type host_type;
    uint16_t port;
    bool has_port;
    sp_str params;      /* after the first ';' up to '?' (no leading ';'), absent when none */
    sp_str headers;     /* after '?' (no '?'), absent when none */
    sp_str opaque;      /* SIP_URI_OTHER: everything after "scheme:" */
} sip_uri;

/* Parses a whole URI (no surrounding '<' '>'). Returns 0 or SP_EINVAL. */
SP_API int sip_uri_parse(sp_str s, sip_uri *uri, sp_error *err);

/* RFC 3261 §19.1.4 comparison of two parsed URIs (percent-decoding, case
 * rules, parameter rules, headers). */
SP_API bool sip_uri_equal(const sip_uri *a, const sip_uri *b);

/* Finds a URI parameter by name (case-insensitive). Returns true when present;
 * *value is absent (p == NULL) for a parameter without '='. */
SP_API bool sip_uri_param(const sip_uri *uri, const char *name, sp_str *value);

/* Percent-decodes in into out (RFC 3986 §2.1). Returns the decoded length, or
 * (size_t)-1 on a malformed escape or when out is too small. */
SP_API size_t sp_pct_decode(sp_str in, char *out, size_t cap);

#endif
