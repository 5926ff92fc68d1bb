/* msrp_uri.h - MSRP URIs (RFC 4975 §6, §9) and their comparison (§6.1).
 *
 *   MSRP-URI = msrp-scheme "://" authority ["/" session-id] ";" transport
 *              *( ";" URI-parameter )
 *
 * The authority is [userinfo "@"] host [":" port] with host an IPv4
 * address, an IPv6 reference in brackets or a reg-name (RFC 3986 §3.2).
 * ';' ends the authority: MSRP puts the transport there. */
#ifndef SIPPUSH_MSRP_URI_H
#define SIPPUSH_MSRP_URI_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

typedef enum msrp_host_kind {
    MSRP_HOST_NAME = 0,
    MSRP_HOST_IPV4,
    MSRP_HOST_IPV6,
} msrp_host_kind;

typedef struct msrp_uri {
    bool secure;          /* msrps */
    sp_str scheme;        /* as written */
    sp_str userinfo;      /* absent when there is none */
    sp_str host;          /* IPv6: inside the brackets */
    msrp_host_kind host_kind;
    uint8_t addr[16];     /* IPv4 (4 bytes) or IPv6 (16 bytes) in network order */
    bool has_port;
    uint16_t port;
    sp_str session_id;    /* absent when there is none */
    sp_str transport;     /* "tcp" or another token */
    sp_str params;        /* what follows the transport, without its leading ';' (absent if none) */
} msrp_uri;

/* Parses the whole of buf[0..len) as one MSRP URI. Returns len, or SP_EINVAL
 * with err (offset into buf, status 400). A numeric host needs a port (§6);
 * a userinfo with a password (':') is refused (§6). */
SP_API int msrp_uri_parse(const char *buf, size_t len, msrp_uri *u, sp_error *err);

/* Equivalence per RFC 4975 §6.1: scheme (case-insensitive), host (addresses
 * by value, names case-insensitive after percent-decoding unreserved
 * characters), port (explicit in one means explicit and equal in both),
 * session-id (case-sensitive, absent never equals present), transport
 * (case-insensitive). Userinfo and other parameters are ignored. */
SP_API bool msrp_uri_eq(const msrp_uri *a, const msrp_uri *b);

/* A To-Path / From-Path / Use-Path value: URIs separated by SP (§9).
 * Fills up to max URIs; returns how many the value holds (which may exceed
 * max: then only max were filled), or SP_EINVAL with err (offset into the
 * value). An empty value is refused. */
SP_API int msrp_path_parse(sp_str value, msrp_uri *uris, size_t max, sp_error *err);

/* The next URI of a path value after *pos (initially 0); false at the end.
 * Splits only; each slice still needs msrp_uri_parse(). */
SP_API bool msrp_path_next(sp_str value, size_t *pos, sp_str *uri);

#endif
