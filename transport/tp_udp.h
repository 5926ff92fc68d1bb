/* tp_udp.h - bound non-blocking UDP sockets on a tp_loop.
 *
 * Datagrams arrive whole, with the peer address (what RFC 3261 §18.2.1
 * "received" and RFC 3581 "rport" are filled from), read in batches with
 * recvmmsg (one recvmsg a datagram without it, SP_HAVE_RECVMMSG). Sending is
 * either immediate (tp_udp_send) or queued and flushed with one sendmmsg
 * after the current dispatch (tp_udp_queue): the latter is what a
 * transaction layer answering many requests per wake-up wants.
 *
 * ICMP errors (port/host unreachable...) are read from the socket's error
 * queue and reported with the destination they concern (RFC 3261 §18.4), as
 * a negative errno the transaction layer maps to 503 (§8.1.3.1). A build
 * without the error queue (SP_HAVE_ERRQUEUE) reports none: transactions to
 * a closed port then end by their timers.
 *
 * UDP is lossy: a datagram the kernel cannot take now (-EAGAIN) is dropped
 * and counted, never buffered without bound; SIP retransmits. One it
 * refuses for good (no route, not permitted: -EINVAL, -EACCES...) when the
 * queue is flushed after the dispatch is also reported through on_error,
 * as an ICMP error would be, so the request waiting on it fails at once.
 *
 * Ownership: the caller owns the tp_udp returned by tp_udp_open and frees it
 * with tp_udp_close (allowed from its own callbacks). Received datagrams live
 * in the socket's buffers and are valid only during on_recv. */
#ifndef SIPPUSH_TP_UDP_H
#define SIPPUSH_TP_UDP_H

#include "sp_export.h"

#include <stddef.h>
#include <stdint.h>

#include "tp_addr.h"
#include "tp_loop.h"

typedef struct tp_udp tp_udp;

typedef void (*tp_udp_recv_fn)(void *ctx, tp_udp *u, const char *buf, size_t len, const tp_addr *peer);
/* err: a negative errno (-ECONNREFUSED, -EHOSTUNREACH, -ENETUNREACH...). */
typedef void (*tp_udp_error_fn)(void *ctx, tp_udp *u, const tp_addr *peer, int err);

/* RFC 3261 §18.1.1: up to 65,535 bytes must be handled. */
#define TP_UDP_MAX_DATAGRAM 65535

typedef struct tp_udp_config {
    size_t max_datagram;   /* larger datagrams are dropped and counted; default 65535 */
    unsigned rx_batch;     /* datagrams per recvmmsg; default 8 (holds rx_batch * max_datagram bytes) */
    unsigned tx_batch;     /* datagrams per sendmmsg; default 32 */
    size_t tx_batch_bytes; /* bytes the send queue holds before flushing early; default 65536 */
    int rcvbuf, sndbuf;    /* SO_RCVBUF / SO_SNDBUF; 0 keeps the system's */
    tp_udp_recv_fn on_recv;   /* required */
    tp_udp_error_fn on_error; /* may be NULL */
    void *ctx;
} tp_udp_config;

typedef struct tp_udp_stats {
    uint64_t rx, tx;        /* datagrams */
    uint64_t rx_oversize;   /* dropped: larger than max_datagram */
    uint64_t tx_dropped;    /* dropped: the kernel refused them (full, unreachable) */
    uint64_t icmp_errors;   /* reported through on_error */
} tp_udp_stats;

SP_API void tp_udp_config_default(tp_udp_config *cfg);

/* Binds a socket to 'bind' (port 0: any) and starts receiving. IPv6
 * sockets are IPv6-only, so "0.0.0.0" and "::" can share a port. */
SP_API int tp_udp_open(tp_loop *loop, const tp_addr *bind, const tp_udp_config *cfg, tp_udp **out);
/* Flushes the send queue, then closes and frees. */
SP_API void tp_udp_close(tp_udp *u);

/* The bound address (with the port picked by the system for port 0). */
SP_API int tp_udp_local(const tp_udp *u, tp_addr *out);
SP_API const tp_udp_stats *tp_udp_get_stats(const tp_udp *u);

/* Sends one datagram now (after anything queued, to keep order).
 * Returns 0, -EMSGSIZE (over max_datagram), -EAFNOSUPPORT (peer of the
 * other IP family than the socket) or the negative errno of a datagram the
 * kernel refused (counted as dropped). */
SP_API int tp_udp_send(tp_udp *u, const tp_addr *peer, const void *buf, size_t len);
/* Copies one datagram into the send queue; the queue is flushed after the
 * current dispatch, or earlier when full. Returns 0, -EMSGSIZE or
 * -EAFNOSUPPORT (peer of the other IP family than the socket). */
SP_API int tp_udp_queue(tp_udp *u, const tp_addr *peer, const void *buf, size_t len);
/* Sends what is queued now. */
SP_API void tp_udp_flush(tp_udp *u);

#endif
