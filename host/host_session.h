/* host_session.h - what session-mode push agents (push_invite.h) run on:
 * an MSRP endpoint listening on the event loop (msrp_tp) and the
 * push_invite_ctx that binds the agents to a transaction layer, timers and
 * the local address.
 *
 * Ownership: the caller holds the host_session (ctx's address is what the
 * agents keep); host_session_close frees the endpoint, after the agents
 * and before the loop. */
#ifndef SIPPUSH_HOST_SESSION_H
#define SIPPUSH_HOST_SESSION_H

#include <stdint.h>

#include "sp_export.h"
#include "host_sip.h"
#include "msrp_tp.h"
#include "push_invite.h"

typedef struct host_session {
    msrp_endpoint *ep;
    push_invite_ctx ctx;
    tp_addr msrp;                  /* where the endpoint listens */
    char host[SIP_PEER_HOST_MAX];  /* the host of the local MSRP URIs */
} host_session;

typedef struct host_session_config {
    const tp_addr *listen;         /* NULL: the SIP listener's host, a port of the system's choosing */
    uint32_t connect_timeout_ms;   /* 0: PUSH_MSRP_CONNECT_TIMEOUT_MS */
    sip_tp tp;                     /* transport of the agents' requests */
    sp_str user;                   /* user part of the agents' Contact; may be absent */
} host_session_config;

/* The endpoint listens; the agents' requests go through sip's layer, their
 * timers through env. 0, or a negative errno (nothing is left open). */
SP_API int host_session_open(host_session *s, tp_loop *loop, const push_env *env, const host_sip *sip,
                             const host_session_config *cfg);
SP_API void host_session_close(host_session *s);

#endif
