/* sip_txn.h - the SIP transaction layer (RFC 3261 §17, §18, §9, §8.2).
 *
 * Four state machines (client INVITE, client non-INVITE, server INVITE,
 * server non-INVITE) driven by three inputs: messages from the transport
 * (sip_txn_receive), timer expiries (sip_txn_timer) and calls of the
 * transaction user (TU). They touch the world only through sip_txn_env
 * (send bytes, start/cancel timers, read the clock), so a fake clock and a
 * fake transport drive them in tests and a thin adapter binds them to the
 * event loop.
 *
 * Ownership: the layer owns every transaction and its copies of messages.
 * The TU refers to transactions by sip_txn_id only; an id whose transaction
 * has ended is simply unknown (calls return SIP_TXN_EGONE), so a late answer
 * never touches freed memory. Messages handed to callbacks are valid during
 * the callback only. Callbacks may call back into the layer.
 *
 * One thread: the layer takes no locks. */
#ifndef SIPPUSH_SIP_TXN_H
#define SIPPUSH_SIP_TXN_H

#include "sp_export.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_msg.h"
#include "sp_str.h"

/* --- timers (RFC 3261 §17, Table 4) ---------------------------------------
 *
 *   T1  500 ms   RTT estimate                      (sip_txn_config.t1_ms)
 *   T2  4 s      cap of non-INVITE request and INVITE response retransmits
 *   T4  5 s      how long a message stays in the network
 *   A   T1, doubling          client INVITE retransmit, unreliable only
 *   B   64*T1                 client INVITE timeout (Calling)
 *   D   > 32 s unreliable, 0  client INVITE wait for response retransmits
 *   E   T1, doubling to T2    client non-INVITE retransmit, unreliable only
 *   F   64*T1                 client non-INVITE timeout
 *   G   T1, doubling to T2    server INVITE final-response retransmit
 *   H   64*T1                 server INVITE wait for ACK
 *   I   T4 unreliable, 0      server INVITE wait for ACK retransmits
 *   J   64*T1 unreliable, 0   server non-INVITE wait for request retransmits
 *   K   T4 unreliable, 0      client non-INVITE wait for response retransmits
 *   L   64*T1                 server INVITE after 2xx: absorb retransmitted INVITEs
 *                             while the 2xx is retransmitted (§13.3.1.4)
 *   M   64*T1                 client INVITE after 2xx: catch 2xx retransmits and forks
 *   100 Trying  200 ms        server INVITE answers 100 when the TU has not (§17.2.1)
 */
#define SIP_T1_MS_DEFAULT 500u
#define SIP_T2_MS_DEFAULT 4000u
#define SIP_T4_MS_DEFAULT 5000u
#define SIP_TIMER_D_MS 32000u
#define SIP_TRYING_MS_DEFAULT 200u
/* Live transactions of both kinds; past it new requests get a stateless 503
 * and new client transactions are refused with SP_ELIMIT. A server keeps a
 * non-INVITE transaction 64*T1 (32 s) after its answer over UDP (timer J),
 * a client for T4 (5 s, timer K): size it as rate x 32 s (the default
 * sustains 128 requests/s over UDP). sip/README.md has the memory figures. */
#define SIP_MAX_TXNS_DEFAULT 4096u
/* The largest max_txns a layer accepts. */
#define SIP_MAX_TXNS_LIMIT (1u << 24)
/* Longest host text a peer address holds (numeric addresses, short names). */
#define SIP_PEER_HOST_MAX 64
/* RFC 3261 §18.1.1: a request larger than this goes over TCP when the path
 * MTU is unknown; with a known MTU, one within SIP_MTU_MARGIN bytes of it. */
#define SIP_UDP_MAX_REQUEST 1300u
#define SIP_MTU_MARGIN 200u

/* Failures of the layer's calls (beyond SP_EINVAL / SP_ELIMIT of sp_error.h), negative errno
 * values like every error of the stack. */
enum {
    SIP_TXN_EGONE = -ESRCH,       /* no such transaction (ended, or never existed) */
    SIP_TXN_ESTATE = -EALREADY,   /* not allowed in the transaction's state */
    SIP_TXN_ETRANSPORT = -EPIPE,  /* the transport failed; the transaction has ended */
};

typedef uint64_t sip_txn_id; /* 0 is never a transaction */

typedef enum sip_tp { SIP_TP_UDP, SIP_TP_TCP, SIP_TP_TLS, SIP_TP_SCTP, SIP_TP_WS, SIP_TP_WSS } sip_tp;

/* One end of a hop: where a request came from, where a message goes. */
typedef struct sip_peer {
    sip_tp tp;
    uint64_t conn;                  /* the adapter's connection for stream transports, 0 for none */
    uint16_t port;
    bool force_udp;                 /* a request to this target stays on UDP whatever its size */
    char host[SIP_PEER_HOST_MAX];   /* NUL-terminated; IPv6 without brackets */
} sip_peer;

static inline bool sip_tp_reliable(sip_tp tp) { return tp != SIP_TP_UDP; }
/* Sets host from a slice (IPv6 brackets removed); false when it does not fit. */
SP_API bool sip_peer_set_host(sip_peer *p, sp_str host);

/* --- the environment --------------------------------------------------- */

typedef struct sip_txn_env {
    void *ctx;
    /* The clock the timers run on, in ms; required. */
    uint64_t (*now_ms)(void *ctx);
    /* Sends one whole message; 0, or a negative errno value when the transport failed
     * (refused, unreachable, connection gone): the layer then ends the transaction. */
    int (*send)(void *ctx, const sip_peer *dest, const char *buf, size_t len);
    /* Arms a one-shot timer; at expiry the adapter calls sip_txn_timer(layer,
     * cookie). Returns a nonzero handle, or 0 when no timer could be armed.
     * The layer keeps its transactions' timers in one queue per duration and
     * asks for one timer per non-empty queue: a few, however many
     * transactions live. */
    uint64_t (*timer_start)(void *ctx, uint64_t delay_ms, uint64_t cookie);
    /* Disarms a timer that has not fired yet. */
    void (*timer_cancel)(void *ctx, uint64_t handle);
} sip_txn_env;

/* --- the transaction user ------------------------------------------------ */

/* Why a server transaction ended without the TU's final answer going through. */
typedef enum sip_txn_end {
    SIP_TXN_END_CANCELLED,  /* CANCEL matched a proceeding INVITE: 200 and 487 already sent (§9.2) */
    SIP_TXN_END_NO_ACK,     /* no ACK for the final response within 64*T1 (timer H or L) */
    SIP_TXN_END_TRANSPORT,  /* the transport failed while answering (§17.2.4) */
    SIP_TXN_END_ABANDONED,  /* the TU gave no final answer to a non-INVITE within 64*T1 */
} sip_txn_end;

struct sip_txn_reply;

typedef struct sip_txn_tu {
    void *ctx;
    /* A new request. st is its server transaction, to answer with
     * sip_txn_respond(); st is 0 for an ACK, which has none (an ACK for a
     * 2xx, §13.3.1.4; ACKs for other responses never reach the TU). */
    void (*on_request)(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src);
    /* A server transaction ended abnormally (may be NULL). */
    void (*on_server_end)(void *ctx, sip_txn_id st, sip_txn_end why);
    /* A response no client transaction claims, e.g. a 2xx to an INVITE that
     * arrives after timer M (may be NULL: dropped, §18.1.2). */
    void (*on_stray_response)(void *ctx, const sip_msg *resp, const sip_peer *src);
    /* Asked before a new non-INVITE server transaction is made (may be
     * NULL): returning true with *reply filled answers the request without
     * a transaction (RFC 3261 §8.2.7), the TU's own duplicate detection
     * standing in for the transaction's. reply->to_tag and body are unused:
     * the tag is derived from the request. */
    bool (*on_stateless_request)(void *ctx, const sip_msg *req, const sip_peer *src, struct sip_txn_reply *reply);
    /* A transaction ended after a new one was refused for a full table
     * (sip_txn_request returned SP_ELIMIT): there is room again (may be
     * NULL). Called once per refusal
     * spell, outside every other callback; the TU may start transactions
     * from it. */
    void (*on_room)(void *ctx);
} sip_txn_tu;

/* What a client transaction reports to its TU. */
typedef struct sip_txn_result {
    unsigned status;
    const sip_msg *msg;  /* the response; for local ones, a response built from the request */
    bool final;          /* true exactly once per transaction */
    bool local;          /* synthesized: 408 on timeout, 503 on transport failure (§8.1.3.1),
                            487 when a cancelled INVITE got no final answer (§9.1) */
    bool repeat;         /* an INVITE's further 2xx (a retransmission or another fork,
                            RFC 3261 §13.2.2.4): ACK it; not a new outcome */
} sip_txn_result;

typedef void (*sip_txn_client_cb)(void *ctx, sip_txn_id ct, const sip_txn_result *r);

typedef struct sip_txn_config {
    uint32_t t1_ms, t2_ms, t4_ms;   /* defaults 500, 4000, 5000 */
    uint32_t trying_ms;             /* automatic 100 Trying, default 200 */
    uint32_t max_txns;              /* default SIP_MAX_TXNS_DEFAULT */
    uint32_t path_mtu;              /* bytes; 0 (default): unknown. Sets when a request
                                       for UDP goes over TCP instead (§18.1.1) */
    sip_limits limits;              /* message limits; over them: 513 */
    sp_str allow;                   /* methods the TU handles ("INVITE, ACK, BYE"); others get
                                       405 with this Allow (501 for a method unknown
                                       here, sip_method_refusal(), §8.2.1). Absent: every
                                       method reaches the TU */
    sp_str supported;               /* option tags the TU supports; a Require naming
                                       another gets 420 with Unsupported (§8.2.2.3) */
    void (*log)(void *ctx, const char *line); /* state changes "old -> new (event)"; may be NULL */
    void *log_ctx;
} sip_txn_config;

SP_API void sip_txn_config_default(sip_txn_config *cfg);

typedef struct sip_txn_layer sip_txn_layer;

/* Creates a layer; cfg NULL means defaults. env and tu are copied. NULL when
 * out of memory or when the configuration is unusable (T1 = 0, T2 < T1). */
SP_API sip_txn_layer *sip_txn_layer_new(const sip_txn_config *cfg, const sip_txn_env *env, const sip_txn_tu *tu);
/* Ends every transaction silently (timers cancelled) and frees the layer. */
SP_API void sip_txn_layer_free(sip_txn_layer *L);

/* --- inputs -------------------------------------------------------------- */

/* One whole message received from src (a datagram, or a message a stream
 * framer has cut out). Never fails: what cannot be used is answered
 * statelessly or dropped. */
SP_API void sip_txn_receive(sip_txn_layer *L, const char *buf, size_t len, const sip_peer *src);
/* A timer armed through env->timer_start expired. */
SP_API void sip_txn_timer(sip_txn_layer *L, uint64_t cookie);
/* The transport failed toward 'where' (§18.4): an ICMP error for a datagram
 * sent there (UDP), or a TCP connection that failed or closed (where->conn
 * its id, host and port its remote address). Every client transaction still
 * waiting there for a final answer ends with a local 503 (§8.1.3.1), once;
 * except that a request moved to TCP for its size is sent again over UDP
 * when the connection could not be set up (connect_failed, §18.1.1).
 * Transactions match by connection id, or, when where->host is not empty,
 * by transport, host text and port. Costs a walk over every record the
 * layer has made (its peak of live transactions). */
SP_API void sip_txn_transport_error(sip_txn_layer *L, const sip_peer *where, bool connect_failed);

/* --- client transactions ---------------------------------------------------- */

/* Starts a client transaction for a whole request (copied). Its top Via must
 * carry a branch starting with z9hG4bK (sip_txn_branch_new). cb gets every
 * response and exactly one final outcome, never from inside this call.
 * A request for UDP larger than SIP_UDP_MAX_REQUEST (or within
 * SIP_MTU_MARGIN of cfg.path_mtu) goes to the same address over TCP with
 * its top Via transport rewritten, unless dest->force_udp (§18.1.1); each
 * request is judged on its own size, so TCP never sticks to a peer.
 * Returns 0 with *ct set, SP_EINVAL (unparseable request, no usable Via
 * branch or CSeq), SP_ELIMIT (too many transactions). */
SP_API int sip_txn_request(sip_txn_layer *L, const char *req, size_t len, const sip_peer *dest,
                           sip_txn_client_cb cb, void *cb_ctx, sip_txn_id *ct);

/* Cancels a client INVITE (§9.1): the CANCEL is built from the INVITE and
 * sent once a provisional response has arrived (at once if one has). cb
 * (may be NULL) gets the CANCEL's own outcome. Returns 0, SIP_TXN_EGONE, or
 * SIP_TXN_ESTATE (not an INVITE, or a final response already arrived). */
SP_API int sip_txn_cancel(sip_txn_layer *L, sip_txn_id invite, sip_txn_client_cb cb, void *cb_ctx);

/* Sends a message that has no transaction: an ACK for a 2xx (§13.2.2.4),
 * a 2xx retransmitted by a dialog. Returns 0 or SIP_TXN_ETRANSPORT. */
SP_API int sip_txn_send_direct(sip_txn_layer *L, const sip_peer *dest, const char *buf, size_t len);

/* Writes a new branch ("z9hG4bK" + 16 hex digits of 64 bits from the CSPRNG,
 * sp_random.h; NUL-terminated) into out[SIP_BRANCH_SIZE]. Returns 0, or -EIO
 * with out empty when no randomness could be had: the request must fail
 * then (a guessable branch would let anyone answer it). */
#define SIP_BRANCH_SIZE 24
SP_API int sip_txn_branch_new(sip_txn_layer *L, char out[SIP_BRANCH_SIZE]);

/* --- server transactions ------------------------------------------------- */

typedef struct sip_txn_reply {
    unsigned status;
    sp_str reason;        /* absent: the default phrase */
    sp_str to_tag;        /* added to To when the request's To has none (status > 100) */
    sp_str headers;       /* extra header lines, each ending in CRLF; may be absent */
    sp_str content_type;  /* absent when there is no body */
    sp_str body;
} sip_txn_reply;

/* Answers a server transaction. The response is built from the layer's copy
 * of the request (whose top Via carries received/rport, §18.2.1, RFC 3581)
 * and sent where §18.2.2 says. Returns 0, SIP_TXN_EGONE, SIP_TXN_ESTATE (a
 * final answer was already given, or 100 asked of a non-INVITE),
 * SP_EINVAL (status out of range), SP_ELIMIT (response too large), or
 * SIP_TXN_ETRANSPORT (the transaction has ended). */
SP_API int sip_txn_respond(sip_txn_layer *L, sip_txn_id st, const sip_txn_reply *reply);

/* --- inspection -------------------------------------------------------- */

typedef enum sip_txn_kind { SIP_TXN_CLIENT_INVITE, SIP_TXN_CLIENT_NON_INVITE,
                            SIP_TXN_SERVER_INVITE, SIP_TXN_SERVER_NON_INVITE } sip_txn_kind;

typedef enum sip_txn_state {
    SIP_TXN_CALLING, SIP_TXN_TRYING, SIP_TXN_PROCEEDING, SIP_TXN_COMPLETED,
    SIP_TXN_CONFIRMED, SIP_TXN_ACCEPTED, SIP_TXN_TERMINATED,
} sip_txn_state;

SP_API const char *sip_txn_state_name(sip_txn_state s);
/* The state of a live transaction, or SIP_TXN_TERMINATED when it is gone. */
SP_API sip_txn_state sip_txn_state_of(const sip_txn_layer *L, sip_txn_id id);
/* Live transactions. */
SP_API size_t sip_txn_count(const sip_txn_layer *L);
/* Bytes of heap a live transaction holds (its record and message copies), 0 when gone. */
SP_API size_t sip_txn_footprint(const sip_txn_layer *L, sip_txn_id id);
/* Retransmissions sent since the layer was created. */
SP_API uint64_t sip_txn_retransmissions(const sip_txn_layer *L);

#endif
