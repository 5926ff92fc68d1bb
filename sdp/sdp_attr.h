/* sdp_attr.h - typed values of the attributes an MSRP stream carries:
 * path, accept-types, accept-wrapped-types, max-size (RFC 4975 §8.6, §9),
 * setup (RFC 4145 §4, RFC 6135) and the direction (RFC 3264 §5.1).
 *
 * Each parser takes an attribute's value (sdp_attr.value) and fills a struct
 * of slices into it. Values are trimmed first: peers (and the OMA examples)
 * write "a=setup: passive". Return convention: 0, or SP_EINVAL / SP_ELIMIT
 * with err (offset relative to value.p, status 400 or 488).
 *
 * The MSRP URIs of a path are only split and sanity-checked here (scheme,
 * something after it, a transport parameter); the MSRP URI parser proper
 * lives in msrp/. */
#ifndef SIPPUSH_SDP_ATTR_H
#define SIPPUSH_SDP_ATTR_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "sdp_parse.h"

#define SDP_PATH_MAX 8   /* URIs in one a=path (the peer plus relays) */
#define SDP_TYPES_MAX 32 /* entries in one accept-types list */

/* Splits the next item off a white-space separated list (path-list,
 * format-list, the fmt list of an m= line, selectors). A double quote opens
 * a quoted run, in which a backslash escapes the next byte and white space
 * does not separate. Returns false when only white space is left. */
SP_API bool sdp_list_next(sp_str *rest, sp_str *item);

/* a=path:URI *(SP URI), first hop first (RFC 4975 §8.2). */
typedef struct sdp_path {
    sp_str uri[SDP_PATH_MAX];
    size_t n;
} sdp_path;

SP_API int sdp_path_parse(sp_str value, sdp_path *path, sp_error *err);

/* a=accept-types / a=accept-wrapped-types: format-entry *(SP format-entry),
 * each "*", type "/" "*" or "type/subtype", optionally with ";param=value"
 * (kept in the entry's slice). */
typedef struct sdp_types {
    sp_str entry[SDP_TYPES_MAX];
    size_t n;
} sdp_types;

SP_API int sdp_types_parse(sp_str value, sdp_types *types, sp_error *err);

/* Whether one format-entry (pattern, with wildcards) covers a MIME type
 * (which may itself be type "/" "*" or "*": then the pattern must cover every
 * type it stands for). Parameters on either side are ignored (RFC 4975 §8.6),
 * type names compare case-insensitively. */
SP_API bool sdp_type_covers(sp_str pattern, sp_str mime);
/* Whether some entry of the list covers mime. */
SP_API bool sdp_types_accept(const sdp_types *types, sp_str mime);
/* Whether the two lists share a type, wildcards on either side: a concrete
 * type one accepts that the other covers, in either direction. */
SP_API bool sdp_types_intersect(const sdp_types *a, const sdp_types *b);

/* a=max-size:1*DIGIT, in octets. */
SP_API int sdp_max_size_parse(sp_str value, uint64_t *max_size, sp_error *err);

typedef enum sdp_setup {
    SDP_SETUP_NONE = 0, /* no a=setup */
    SDP_SETUP_ACTIVE,
    SDP_SETUP_PASSIVE,
    SDP_SETUP_ACTPASS,
    SDP_SETUP_HOLDCONN,
} sdp_setup;

SP_API int sdp_setup_parse(sp_str value, sdp_setup *setup, sp_error *err);
/* "active", ...; NULL for SDP_SETUP_NONE. */
SP_API const char *sdp_setup_name(sdp_setup setup);

typedef enum sdp_direction {
    SDP_DIR_SENDRECV = 0, /* the default (RFC 3264 §5.1) */
    SDP_DIR_SENDONLY,
    SDP_DIR_RECVONLY,
    SDP_DIR_INACTIVE,
} sdp_direction;

/* The direction of a stream: its own direction attribute, else the
 * session-level one, else sendrecv (RFC 3264 §5.1). When one level carries
 * several, the first counts. */
SP_API sdp_direction sdp_media_direction(const sdp_session *s, const sdp_media *m);
SP_API const char *sdp_direction_name(sdp_direction dir);

/* The value of a single-token attribute (file-transfer-id,
 * file-disposition): trimmed, must be a token. */
SP_API int sdp_token_parse(sp_str value, sp_str *token, sp_error *err);

#endif
