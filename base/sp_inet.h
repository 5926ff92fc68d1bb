/* sp_inet.h - numeric IP addresses in text (RFC 4291 §2.2 for IPv6, the
 * dotted quad for IPv4), read the way inet_pton() reads them, without the
 * socket headers a device may not have. */
#ifndef SIPPUSH_SP_INET_H
#define SIPPUSH_SP_INET_H

#include <stdint.h>

#include "sp_export.h"

/* Reads a whole NUL-terminated string as an IPv4 address (4 bytes written,
 * returns 4) or an IPv6 address (16 bytes, returns 16) in network order;
 * 0 when it is neither. A dotted quad has four decimal parts 0..255 without
 * leading zeros; an IPv6 address may end in a dotted quad. */
SP_API int sp_inet_parse(const char *s, uint8_t out[16]);

#endif
