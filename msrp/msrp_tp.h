/* msrp_tp.h - the MSRP endpoint on the real event loop: its environment
 * (msrp_env.h) bound to tp_loop's clock and timers and to a TCP set of its
 * own (tp_tcp.h), whose bytes, accepted connections, opens, drains and
 * closes are fed to it.
 *
 * Ownership: msrp_endpoint_free (msrp_session.h) releases the binding, its
 * TCP set and its timer records with the endpoint; free it before the
 * loop. */
#ifndef SIPPUSH_MSRP_TP_H
#define SIPPUSH_MSRP_TP_H

#include "sp_export.h"
#include "msrp_session.h"
#include "tp_addr.h"
#include "tp_loop.h"
#include "tp_tcp.h"

/* Bytes read from a connection at once (tp_tcp_limits.read_size, at least). */
#define MSRP_CONN_READ (256u << 10)

/* An endpoint on loop; limits may be NULL for the transport defaults (the
 * read size is at least MSRP_CONN_READ, the bytes held at least a head and
 * an end-line). 0 or a negative errno. */
SP_API int msrp_endpoint_new(tp_loop *loop, const tp_tcp_limits *limits, msrp_endpoint **out);
/* Accepts connections for passive sessions on 'bind' (through the
 * environment's listen); 'bound', if not NULL, gets the address taken. */
SP_API int msrp_endpoint_listen(msrp_endpoint *ep, const tp_addr *bind, tp_addr *bound);
/* The TCP set of an endpoint made by msrp_endpoint_new. */
SP_API tp_tcp *msrp_endpoint_tcp(const msrp_endpoint *ep);

#endif
