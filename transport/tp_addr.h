/* tp_addr.h - IPv4 and IPv6 socket addresses: numeric parsing, name
 * resolution, comparison and formatting.
 *
 * tp_addr_parse never blocks and never touches DNS. tp_addr_resolve falls
 * back to getaddrinfo() for names, which BLOCKS the calling thread (and so
 * the whole loop) for as long as the system resolver takes: resolve at
 * start-up, or from a thread of your own. RFC 3263 NAPTR/SRV lookups are out
 * of scope; a caller with a SIP URI picks the port and transport itself. */
#ifndef SIPPUSH_TP_ADDR_H
#define SIPPUSH_TP_ADDR_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

typedef struct tp_addr {
    struct sockaddr_storage ss; /* AF_INET or AF_INET6 */
    socklen_t len;              /* 0: no address */
} tp_addr;

/* Longest IP host name (without brackets) for a numeric host. */
#define TP_ADDR_HOST_MAX 46
/* Room for any formatted "[v6]:port" plus the NUL. */
#define TP_ADDR_STRLEN 56
/* Longest host name tp_addr_resolve accepts (RFC 1035 §2.3.4). */
#define TP_ADDR_NAME_MAX 255

/* Parses a numeric "IPv4", "IPv4:port", "[IPv6]", "[IPv6]:port" or bare
 * "IPv6" (no port) over (buf, len); the port defaults to default_port.
 * Returns len, or SP_EINVAL (names, junk, embedded NUL, port > 65535).
 * IPv6 zone identifiers ("%eth0") are not accepted. */
SP_API int tp_addr_parse(const char *buf, size_t len, uint16_t default_port, tp_addr *out);

/* Like tp_addr_parse for a bare host (no brackets, no port), then, when it
 * is not numeric, a BLOCKING getaddrinfo() for 'family' (AF_INET, AF_INET6
 * or AF_UNSPEC: the resolver's first answer). Returns 0, SP_EINVAL for a
 * malformed or over-long name, or -ENOENT when the name does not resolve. */
SP_API int tp_addr_resolve(const char *host, size_t len, uint16_t port, int family, tp_addr *out);

/* Every address of a host written as "IPv4", "IPv6", "[IPv6]" or a name,
 * deduplicated, up to max of them: a numeric host is itself; "localhost" is
 * both loopback addresses whatever the system resolver says (RFC 6761
 * §6.3); another name takes every answer of a BLOCKING getaddrinfo(). Returns
 * how many were written, SP_EINVAL for a malformed host, -ENOENT when a name
 * does not resolve, SP_ELIMIT when there are more than max. */
SP_API int tp_addr_resolve_all(const char *host, size_t len, uint16_t port, tp_addr *out, size_t max);

/* From a kernel address; false unless it is AF_INET or AF_INET6. */
SP_API bool tp_addr_from_sockaddr(tp_addr *out, const struct sockaddr *sa, socklen_t len);
/* The wildcard (0.0.0.0 or ::) or loopback address of a family. */
SP_API void tp_addr_any(tp_addr *out, int family, uint16_t port);
SP_API void tp_addr_loopback(tp_addr *out, int family, uint16_t port);

static inline int tp_addr_family(const tp_addr *a) { return a->len ? a->ss.ss_family : AF_UNSPEC; }
static inline const struct sockaddr *tp_addr_sa(const tp_addr *a) { return (const struct sockaddr *)&a->ss; }
SP_API uint16_t tp_addr_port(const tp_addr *a);
SP_API void tp_addr_set_port(tp_addr *a, uint16_t port);

/* Same family, IP, port (and IPv6 scope). */
SP_API bool tp_addr_eq(const tp_addr *a, const tp_addr *b);
/* A hash consistent with tp_addr_eq. */
SP_API uint32_t tp_addr_hash(const tp_addr *a);

/* "1.2.3.4:5060" or "[::1]:5060" into buf (NUL-terminated, truncated to
 * size); returns the length the full text has, snprintf-style. */
SP_API size_t tp_addr_format(const tp_addr *a, char *buf, size_t size);
/* The IP alone, without brackets (a Via "received" value, RFC 3261
 * §18.2.1); same return as tp_addr_format. */
SP_API size_t tp_addr_format_host(const tp_addr *a, char *buf, size_t size);

#endif
