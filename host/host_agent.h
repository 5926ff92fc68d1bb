/* host_agent.h - a push agent hosted on the event loop, in one object: the
 * Push Receiver Agent (host_receiver) or the Push Sender Agent
 * (host_sender), the transaction layer bound to UDP and TCP listeners
 * (host_sip.h), the MSRP endpoint of session-mode pushes (host_session.h),
 * the agents' timers on the loop's heap with each cookie sent to the agent
 * that armed it (host_timers.h), and for the receiver indirect content
 * fetched off the loop thread and every push stored into a sink before it
 * is reported. Made from one host_agent_config; everything it has to say
 * comes through one callback.
 *
 * A device's main loop (README.md, "Embedding the receiver"):
 *     host_agent_new(&cfg, &h, &err); host_agent_start(h);
 *     tp_loop_run(host_agent_loop(h));   (on HOST_EV_STOPPED: tp_loop_stop)
 *     host_agent_free(h);
 *
 * Ownership: the host holds the loop it made (or borrows cfg.loop), the
 * listeners, the endpoint, the agents and their timers, and frees them all
 * in host_agent_free. Everything in the config is read at host_agent_new
 * only, except the strings of cfg.receiver and cfg.sender (their slices),
 * the sink context and out_dir, which must outlive the host. */
#ifndef SIPPUSH_HOST_AGENT_H
#define SIPPUSH_HOST_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "sp_export.h"
#include "msrp_sink.h"
#include "push_invite_receiver.h"
#include "push_pra.h"
#include "push_psa.h"
#include "host_sip.h"
#include "tp_addr.h"
#include "tp_loop.h"
#include "tp_tcp.h"

typedef struct host_agent host_agent;

/* The agent a host runs: a program links only the one it names. */
typedef struct host_role host_role;
SP_API extern const host_role host_receiver; /* push_pra.h, with the session-mode receiver */
SP_API extern const host_role host_sender;   /* push_psa.h, with the session-mode sender */

typedef enum host_event_kind {
    HOST_EV_AGENT,      /* agent: the receiver's registration, subscription, a refused request
                           (an INVITE's too) */
    HOST_EV_SENDER,     /* sender: the sender's registrations, subscriptions, refusals */
    HOST_EV_PUSH,       /* push, file: a page-mode push, stored */
    HOST_EV_SESSION,    /* session: a session-mode push, stored and verified, or offered again */
    HOST_EV_ENDED,      /* why: a session ended (BYE either way, CANCEL, failure) */
    HOST_EV_STOPPED,    /* the receiver's host_agent_stop has finished: the owner may stop its loop */
} host_event_kind;

typedef struct host_event {
    host_event_kind kind;
    const push_pra_event *agent;
    const push_psa_event *sender;
    const push_delivery *push;
    const char *file;                   /* where the push was committed; NULL: no file */
    const push_invite_delivery *session;
    const char *why;
} host_event;

typedef struct host_agent_config {
    const host_role *role;         /* &host_receiver or &host_sender */
    tp_loop *loop;                 /* NULL: the host makes its own (host_agent_loop) */
    /* SIP listeners; NULL: none on that transport (at least one) */
    const tp_addr *udp, *tcp;
    const tp_tcp_limits *tcp_limits; /* SIP over TCP; NULL: the transport's defaults */
    uint32_t max_txns;               /* the transaction table; 0: the layer's default */
    const tp_addr *msrp_listen;    /* NULL: the SIP listener's host, a port of the system's choosing */
    uint32_t msrp_connect_timeout_ms; /* 0: PUSH_MSRP_CONNECT_TIMEOUT_MS */
    /* The receiver: everything of push_pra_config but local, ctx and the
     * callbacks, which the host fills in. An empty aor is
     * sip:recv@HOST:PORT of the UDP listener (else the TCP one). */
    push_pra_config receiver;
    /* The sender: everything of push_psa_config but local, ctx, on_event and
     * invite. An empty identity is sip:psa@HOST:PORT. */
    push_psa_config sender;
    size_t max_sessions;           /* the receiver: session-mode pushes at once; 0: PUSH_RX_SESSIONS_DEFAULT */
    size_t max_name;               /* 0: PUSH_RX_NAME_MAX_DEFAULT */
    /* Where pushes are stored: sink (opened with sink_ctx per push) when
     * set, else files committed in out_dir, else page-mode pushes are not
     * stored and session-mode ones are held in memory until reported. */
    const msrp_sink_ops *sink;
    void *sink_ctx;
    const char *out_dir;
    bool fetch;                    /* the receiver: RFC 4483 indirect content fetched on a thread; false: refused (415) */
    void *ctx;
    void (*on_event)(void *ctx, const host_event *ev);
    void (*log)(void *ctx, const char *line); /* the agents' state changes; may be NULL */
} host_agent_config;

/* What stopped host_agent_new. */
typedef enum host_failure {
    HOST_FAIL_NONE,
    HOST_FAIL_LOOP,        /* no event loop (code: the errno) */
    HOST_FAIL_LISTEN,      /* the SIP listeners (code) */
    HOST_FAIL_MSRP,        /* the MSRP listener (code) */
    HOST_FAIL_ACCEPT,      /* the accepted types do not fit an SDP accept-types line */
    HOST_FAIL_CONFIG,      /* the agent's configuration, or no role (why says what) */
} host_failure;

typedef struct host_agent_error {
    host_failure stage;
    int code;              /* a negative errno */
    const char *why;       /* static text */
} host_agent_error;

/* 0 and *out, or a negative errno with *err saying where (err may be NULL). */
SP_API int host_agent_new(const host_agent_config *cfg, host_agent **out, host_agent_error *err);
/* Registers and subscribes as configured. */
SP_API void host_agent_start(host_agent *h);
/* The receiver de-registers and ends its subscriptions, HOST_EV_STOPPED
 * following; the sender ends its subscriptions with a last NOTIFY, queued
 * at once (stop the loop after it: they are sent on the way out). */
SP_API void host_agent_stop(host_agent *h);
SP_API void host_agent_free(host_agent *h);

/* The loop everything runs on: a program's own sockets and timers may share it. */
SP_API tp_loop *host_agent_loop(const host_agent *h);
/* The addresses bound (ports the system chose filled in). */
SP_API const push_local *host_agent_local(const host_agent *h);
/* The transaction layer and its listeners (host_sip_bound: where they are bound). */
SP_API const host_sip *host_agent_sip(const host_agent *h);
/* Where the MSRP endpoint listens. */
SP_API void host_agent_msrp_bound(const host_agent *h, tp_addr *out);
/* The agent, for what the host does not wrap (push_psa_send...); NULL for the other role. */
SP_API push_pra *host_agent_receiver(const host_agent *h);
SP_API push_psa *host_agent_sender(const host_agent *h);
/* The receiver's session-mode pushes under way, and a BYE for each of them. */
SP_API size_t host_agent_sessions(const host_agent *h);
SP_API void host_agent_hang_up_all(host_agent *h, const char *why);

#endif
