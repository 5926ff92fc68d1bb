/* sdp_parse.h - the SDP parser (RFC 4566 / RFC 8866).
 *
 * One pass checks every line against the grammar and the type ordering of
 * RFC 8866 §5 (session part v o s i u e p c b (t r*)+ z k a, then media
 * sections m i c b k a) and fills caller-owned structs of slices into the
 * caller's buffer: nothing is allocated, copied or written, and no NUL is
 * needed.
 *
 * Why caller storage rather than lazy line iteration: a session description
 * is small (a few hundred bytes), every consumer looks at most of it, and the
 * grammar (ordering, mandatory lines, connection data for every stream) can
 * only be checked over the whole text. Splitting it once into media sections
 * and attribute slices gives O(1) access afterwards with no re-scanning; the
 * typed values of attributes (sdp_attr.h, sdp_file.h) are parsed only when
 * asked for.
 *
 * Line ends are CRLF or a bare LF; the last line may lack one, and blank
 * lines are tolerated only at the very end (some stacks pad bodies with an
 * extra CRLF). */
#ifndef SIPPUSH_SDP_PARSE_H
#define SIPPUSH_SDP_PARSE_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sp_error.h"
#include "sp_str.h"

/* Default limits (sdp_limits). */
#define SDP_DEFAULT_MAX_SIZE (16 * 1024) /* bytes; over it: SP_ELIMIT, status 413 */
#define SDP_DEFAULT_MAX_MEDIA 16         /* m= sections; over it: SP_ELIMIT, status 488 */
#define SDP_DEFAULT_MAX_ATTRS 128        /* a= lines, session and media together; status 488 */

typedef struct sdp_limits {
    size_t max_size;
    size_t max_media;
    size_t max_attrs;
} sdp_limits;

/* a=name or a=name:value. value is absent for a property attribute and is
 * kept as written (the typed parsers trim it). */
typedef struct sdp_attr {
    sp_str name;
    sp_str value;
} sdp_attr;

/* c=nettype addrtype address; address keeps any "/ttl/count" suffix.
 * All three are absent when there is no c= line. */
typedef struct sdp_conn {
    sp_str nettype, addrtype, address;
} sdp_conn;

typedef struct sdp_origin {
    sp_str username, sess_id, sess_version, nettype, addrtype, address;
} sdp_origin;

typedef struct sdp_media {
    sp_str media;           /* "message", "audio", ... */
    uint16_t port;
    uint16_t port_count;    /* "/<number of ports>", 1 when absent */
    sp_str proto;           /* "TCP/MSRP" */
    sp_str formats;         /* fmt list as written ("*" for MSRP) */
    sp_str info;            /* i= or absent */
    sdp_conn conn;          /* this section's c=, absent when none (see sdp_media_conn) */
    sp_str bandwidth;       /* first b= value, absent when none */
    sp_str key;             /* k= or absent */
    const sdp_attr *attrs;  /* this section's a= lines, in order */
    size_t nattrs;
    sp_str text;            /* the whole section, from "m=" to its last line end */
} sdp_media;

typedef struct sdp_session {
    unsigned version;       /* always 0 */
    sdp_origin origin;
    sp_str name;            /* s= */
    sp_str info, uri;       /* i=, u=; absent when none */
    sp_str email, phone;    /* first e= and p=; absent when none */
    sdp_conn conn;          /* session-level c=, absent when none */
    sp_str bandwidth;       /* first b= value */
    uint64_t start_time, stop_time; /* first t= */
    size_t ntimes;          /* t= lines */
    sp_str key;             /* k= */
    const sdp_attr *attrs;  /* session-level a= lines */
    size_t nattrs;
    sdp_media *media;       /* the caller's array */
    size_t nmedia;
    sp_str text;            /* the whole input (error offsets of typed values count from text.p) */
} sdp_session;

/* Parses a whole session description buf[0..len). media/max_media and
 * attrs/max_attrs are caller storage; the limits applied are the smaller of
 * the array sizes and limits (NULL: the defaults). Returns len, or SP_EINVAL /
 * SP_ELIMIT with err set (offset into buf; status 400 for malformed input,
 * 413 and 488 for the limits above). */
SP_API int sdp_parse(const char *buf, size_t len, sdp_session *s, sdp_media *media, size_t max_media,
                     sdp_attr *attrs, size_t max_attrs, const sdp_limits *limits, sp_error *err);

/* The connection data that applies to a stream: its own c= or the session's
 * (RFC 8866 §5.7). Never NULL for a parsed session. */
SP_API const sdp_conn *sdp_media_conn(const sdp_session *s, const sdp_media *m);

/* s equals lit, a lower-case literal, ASCII case-insensitively. Byte by
 * byte an exact match is tried first: names are almost always written in
 * lower case. */
static inline bool sdp_lit_caseeq(sp_str s, const char *lit)
{
    size_t n = strlen(lit); /* folded for literals */
    if (s.n != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s.p[i], l = lit[i];
        if (c != l && !(l >= 'a' && l <= 'z' && (c | 0x20) == l))
            return false;
    }
    return true;
}

/* The first attribute of a name (a lower-case literal; matched ASCII
 * case-insensitively, as ABNF literals are), or NULL. */
static inline const sdp_attr *sdp_attr_find(const sdp_attr *attrs, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (sdp_lit_caseeq(attrs[i].name, name))
            return &attrs[i];
    return NULL;
}
static inline const sdp_attr *sdp_media_attr(const sdp_media *m, const char *name)
{
    return sdp_attr_find(m->attrs, m->nattrs, name);
}
static inline const sdp_attr *sdp_session_attr(const sdp_session *s, const char *name)
{
    return sdp_attr_find(s->attrs, s->nattrs, name);
}

#endif
