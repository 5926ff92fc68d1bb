/* host_sip.h - the transaction layer of a hosted agent: sip_txn_tp on UDP
 * and TCP listeners, and the address an agent puts in its Via and Contact.
 * The layer is made before the agent (which needs the ports it bound):
 * requests reach the transaction user set later with host_sip_set_tu, and
 * are answered by the layer alone until then.
 *
 * Ownership: the caller holds the host_sip (its address must not change
 * while it is open); host_sip_close frees the layer, before the agent its
 * user names and before the loop. */
#ifndef SIPPUSH_HOST_SIP_H
#define SIPPUSH_HOST_SIP_H

#include "sp_export.h"
#include "push_agent.h"
#include "sip_txn_tp.h"
#include "tp_addr.h"
#include "tp_loop.h"
#include "tp_tcp.h"

typedef struct host_sip {
    sip_txn_tp *tp;
    push_local local;       /* the listeners' host and bound ports */
    sip_txn_tu tu;          /* private: where requests go */
} host_sip;

typedef struct host_sip_config {
    const tp_addr *udp, *tcp;        /* NULL: none on that transport (at least one) */
    const tp_tcp_limits *tcp_limits; /* NULL: the transport's defaults */
    sp_str allow, supported;         /* the layer's Allow and Supported */
    uint32_t max_txns;               /* the transaction table; 0: the layer's default */
} host_sip_config;

/* 0, or a negative errno (SP_EINVAL: no listener asked; the socket's own). */
SP_API int host_sip_open(host_sip *s, tp_loop *loop, const host_sip_config *cfg);
SP_API void host_sip_set_tu(host_sip *s, sip_txn_tu tu);
SP_API sip_txn_layer *host_sip_layer(const host_sip *s);
/* 0 and *out: where the listener of tp is bound; SP_EINVAL: none on tp. */
SP_API int host_sip_bound(const host_sip *s, sip_tp tp, tp_addr *out);
SP_API void host_sip_close(host_sip *s);

#endif
