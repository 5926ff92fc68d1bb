/* push_invite.h - what the session-mode push agents (INVITE + MSRP, seed 000
 * §8.2.5, seed 002 §7.3) share: the context they run in.
 *
 * Like the other agents (push_agent.h) they know nothing of sockets or of
 * the event loop: they send SIP through a transaction layer, read the clock
 * and arm timers through a push_env (fired back with push_invite_timer and
 * the cookie given), and carry content in sessions of an MSRP endpoint,
 * which the owner runs on its loop.
 *
 * Ownership: the caller owns the context and everything it points to, and
 * keeps it alive and unmoved as long as the layer may still call back: the
 * client transactions and timers of the agents report to the context, which
 * finds the agent that started them, or nobody once that agent is freed. */
#ifndef SIPPUSH_PUSH_INVITE_H
#define SIPPUSH_PUSH_INVITE_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "msrp_session.h"
#include "push_agent.h"
#include "sip_txn.h"
#include "sp_str.h"

/* The methods an agent handles in a push session (Allow, RFC 3261 §20.5;
 * seed 002 §7.3.2.1 item 3 and §7.3.1.1 item 10). */
#define PUSH_INVITE_ALLOW "INVITE, ACK, CANCEL, BYE, UPDATE"
/* An MSRP connection not made this long after the answer ends the push,
 * on either side (RFC 4975 §5.4 sets no time; a sender waits for the
 * receiver's connection, a receiver for the sender's). */
#define PUSH_MSRP_CONNECT_TIMEOUT_MS 30000u
/* Timer cookie kinds of the session-mode agents (push_cookie); the
 * connection watch's id is the agent's (a sender's or a receiver
 * session's: they share c->next_id). */
enum { PUSH_TMR_INVITE_SENDER = 0x40, PUSH_TMR_INVITE_RX = 0x41, PUSH_TMR_MSRP_CONNECT = 0x42 };

struct push_invite_sender;
struct push_rx_session;

typedef struct push_invite_ctx {
    push_env env;            /* clock, timers, log */
    sip_txn_layer *sip;
    msrp_endpoint *msrp;
    const char *msrp_host;   /* host of the local MSRP URIs (NUL-terminated) */
    uint16_t msrp_port;      /* the MSRP listener's port (the a=path of a passive end;
                                0: no listener, never passive) */
    uint32_t msrp_connect_timeout_ms; /* 0: PUSH_MSRP_CONNECT_TIMEOUT_MS */
    push_local local;        /* Via sent-by and Contact address */
    sip_tp tp;               /* transport of our requests (UDP or TCP) */
    sp_str user;             /* user part of our Contact ("psa"); may be absent */
    /* private: the live agents, searched by transaction id and cookie */
    struct push_invite_sender *senders;
    struct push_rx_session *rx_sessions;
    uint64_t next_id;
} push_invite_ctx;

/* A timer armed through env fired: finds its agent (nothing when gone). */
SP_API void push_invite_timer(push_invite_ctx *c, uint64_t cookie);

#endif
