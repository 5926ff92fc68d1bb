/* sip_txn_tp.h - the transaction layer on the real event loop: its
 * environment (send, timers, clock) bound to tp_loop, UDP sockets and TCP
 * connections, and received datagrams and stream messages fed to it.
 *
 * Ownership: the adapter owns its layer, its UDP socket, its TCP set and
 * its timer records; sip_txn_tp_free releases them all (transactions end
 * silently). It must be freed before the loop. */
#ifndef SIPPUSH_SIP_TXN_TP_H
#define SIPPUSH_SIP_TXN_TP_H

#include "sp_export.h"

#include "sip_txn.h"
#include "tp_addr.h"
#include "tp_loop.h"
#include "tp_tcp.h"

/* The UDP socket's kernel buffers when the configuration says 0: a burst of
 * small datagrams costs about 1 KiB each there, so the system's 208 KiB
 * default drops a window of a few hundred requests. */
#define SIP_TXN_TP_SOCKBUF_DEFAULT (1 << 20)

typedef struct sip_txn_tp_config {
    sip_txn_config txn;   /* the layer's configuration */
    sip_txn_tu tu;        /* the transaction user */
    const tp_addr *udp;   /* bind a UDP socket here; NULL: no UDP */
    const tp_addr *tcp;   /* listen for TCP here; NULL: outgoing TCP only */
    int udp_sockbuf;      /* SO_RCVBUF and SO_SNDBUF; 0: SIP_TXN_TP_SOCKBUF_DEFAULT
                             (the kernel caps it at net.core.rmem_max); < 0: the system's */
    unsigned udp_rx_batch;/* datagrams per recvmmsg; 0: the transport's default (8).
                             Holds udp_rx_batch * 64 KiB of receive memory */
    const tp_tcp_limits *tcp_limits; /* NULL: the transport's defaults */
} sip_txn_tp_config;

typedef struct sip_txn_tp sip_txn_tp;

/* 0, or a negative errno (socket, bind, memory). */
SP_API int sip_txn_tp_new(tp_loop *loop, const sip_txn_tp_config *cfg, sip_txn_tp **out);
SP_API void sip_txn_tp_free(sip_txn_tp *a);
SP_API sip_txn_layer *sip_txn_tp_layer(const sip_txn_tp *a);
/* The bound address of the UDP socket or TCP listener (port picked for 0);
 * 0 or -ENOENT. */
SP_API int sip_txn_tp_local(const sip_txn_tp *a, sip_tp tp, tp_addr *out);
/* A sip_peer naming addr over tp. */
SP_API void sip_txn_tp_peer(const tp_addr *addr, sip_tp tp, sip_peer *out);

#endif
