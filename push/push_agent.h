/* push_agent.h - what the Push Receiver and Sender Agents stand on: the
 * environment they are driven through (clock, timers, log), where they are
 * reachable, and the requests they build outside dialogs.
 *
 * The agents know nothing of sockets or of the event loop. They send and
 * answer through a sip_txn_layer, arm timers through push_env (fired back
 * with push_pra_timer / push_psa_timer and the cookie given), and read the
 * clock through it, so a fake clock drives them in tests exactly as the
 * loop drives them in the program. */
#ifndef SIPPUSH_PUSH_AGENT_H
#define SIPPUSH_PUSH_AGENT_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_dialog.h"
#include "sip_txn.h"
#include "sp_str.h"

/* The largest content a receiver takes by default, whatever the method
 * (MESSAGE, NOTIFY, an indirect fetch, INVITE/MSRP): 64 MiB. */
#define PUSH_MAX_SIZE_DEFAULT (64u * 1024 * 1024)

typedef struct push_env {
    void *ctx;
    uint64_t (*now_ms)(void *ctx);
    /* One-shot timer: after delay_ms the owner calls the agent's timer entry
     * with cookie. Returns a nonzero handle, 0 when none could be armed. */
    uint64_t (*timer_start)(void *ctx, uint64_t delay_ms, uint64_t cookie);
    void (*timer_cancel)(void *ctx, uint64_t handle);
    /* State changes "what: old -> new (event)" and refusals; may be NULL. */
    void (*log)(void *ctx, const char *line);
} push_env;

/* Where an agent is reachable: the sent-by of its Via and its Contact. */
typedef struct push_local {
    char host[SIP_PEER_HOST_MAX]; /* numeric or a name; IPv6 without brackets */
    uint16_t udp_port;            /* 0: no UDP */
    uint16_t tcp_port;            /* 0: no TCP listener */
} push_local;

/* Largest SIP message an agent builds: a 1300-byte page-mode body and its
 * headers fit with room to spare (push_method.h). */
#define PUSH_MSG_MAX 8192
/* Longest URI or header value an agent keeps from its configuration. */
#define PUSH_URI_MAX 256
/* Tags, Call-IDs and branches an agent makes. */
#define PUSH_TOKEN_MAX 48
/* Characters of the Call-IDs and tags an agent makes (push_token): 24 and
 * 12 of 62 carry 142 and 71 bits (RFC 3261 §8.1.1.4 asks for a globally
 * unique Call-ID, §19.3 for 32 random bits in a tag). */
#define PUSH_CALL_ID_LEN 24
#define PUSH_TAG_LEN 12
/* A Via value an agent writes (push_via_value): a host of
 * SIP_PEER_HOST_MAX in brackets, a port, a branch and rport fit. */
#define PUSH_VIA_MAX 160

/* "Retry-After: S" and its CRLF for a number of seconds S written as a
 * plain integer constant (RFC 3261 §20.33). */
#define PUSH_STRINGIFY_(x) #x
#define PUSH_STRINGIFY(x) PUSH_STRINGIFY_(x)
#define PUSH_RETRY_AFTER_LINE(s) "Retry-After: " PUSH_STRINGIFY(s) "\r\n"

/* --- timers ---------------------------------------------------------------- */

/* A timer slot of an agent object: the handle while armed, 0 otherwise. */
typedef struct push_tmr {
    uint64_t handle;
} push_tmr;

/* Cookies name the kind of object and its id, so a timer that fires after
 * its object has gone finds nothing and does nothing. */
static inline uint64_t push_cookie(unsigned kind, uint64_t id) { return ((uint64_t)kind << 56) | (id & ((1ull << 56) - 1)); }
static inline unsigned push_cookie_kind(uint64_t c) { return (unsigned)(c >> 56); }
static inline uint64_t push_cookie_id(uint64_t c) { return c & ((1ull << 56) - 1); }

SP_API void push_tmr_start(const push_env *env, push_tmr *t, uint64_t delay_ms, uint64_t cookie);
SP_API void push_tmr_stop(const push_env *env, push_tmr *t);

/* Logs one formatted line through env->log (nothing when it is NULL). */
SP_API void push_logf(const push_env *env, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --- addressing ---------------------------------------------------------- */

/* Where a request for uri goes (RFC 3263 §4 without DNS look-ups): its
 * maddr or host, its port or 5060, UDP unless transport=tcp. Returns 0, or
 * SP_EINVAL (not a sip URI, host too long). */
SP_API int push_uri_peer(sp_str uri, sip_peer *out);

/* The transport a request to dest leaves on, given what the agent has:
 * dest's own, else the one the agent listens on. */
SP_API sip_tp push_local_tp(const push_local *l, sip_tp wanted);

/* "SIP/2.0/UDP host:port;branch=B;rport" for the transport tp. */
SP_API size_t push_via_value(const push_local *l, sip_tp tp, const char *branch, char *out, size_t cap);

/* "<sip:user@host:port>" (";transport=tcp" when tp is TCP): the agent's own
 * address as a Contact URI. */
SP_API size_t push_contact_uri(const push_local *l, sip_tp tp, sp_str user, char *out, size_t cap);

/* "sip:user@host:port", an IPv6 host in brackets (RFC 3261 §25.1
 * IPv6reference): the agent's default identity (an AoR, a From). 0 when it
 * does not fit. */
SP_API size_t push_local_uri(const push_local *l, const char *user, char *out, size_t cap);

/* A random token of len characters (tags, Call-IDs: PUSH_TAG_LEN,
 * PUSH_CALL_ID_LEN) and its NUL, from the CSPRNG. False, with out empty,
 * when no randomness could be had: the caller fails what it was making
 * (never a guessable id). */
SP_API bool push_token(char *out, size_t len);

/* A fresh Call-ID and From tag for a new request outside a dialog. False,
 * both empty, when no randomness could be had. */
SP_API bool push_req_ids_new(char call_id[PUSH_TOKEN_MAX], char from_tag[PUSH_TOKEN_MAX]);

/* --- requests outside a dialog ------------------------------------------ */

/* What differs between the agents' requests outside a dialog; the builder
 * writes the rest the same way for all (RFC 3261 §8.1.1). */
typedef struct push_req {
    sp_str method, ruri;
    sp_str proxy;        /* an outbound proxy URI: "Route: <proxy;lr>" (§8.1.2); absent when none */
    sp_str from_uri;     /* From: <from_uri>;tag=from_tag */
    sp_str from_tag;
    sp_str to_uri;       /* To: <to_uri> */
    sp_str call_id;
    uint32_t cseq;
    sp_str contact;      /* the whole Contact value; absent when none */
    sp_str headers;      /* extra lines, each ending in CRLF; may be absent */
    sp_str content_type; /* absent without a body */
    sp_str body;
} push_req;

/* Writes r as it leaves over tp from l: the request line, a Via with a
 * fresh branch from L and rport, the Route, Max-Forwards 70, From, To,
 * Call-ID, CSeq, Contact, the extra lines and the body. Returns the
 * length, SP_EINVAL when no branch could be had (no randomness), SP_ENOSPC
 * when it does not fit cap, or SP_ELIMIT when a From, To or proxy URI is
 * longer than PUSH_URI_MAX. */
SP_API long push_req_build(sip_txn_layer *L, const push_local *l, sip_tp tp, const push_req *r, char *out, size_t cap);

/* Where r goes first: its proxy when it has one, else its Request-URI
 * (push_uri_peer), on the transport the agent has for it (push_local_tp). */
SP_API int push_req_first_hop(const push_local *l, const push_req *r, sip_peer *dest);

/* A request in dialog d (sip_dialog_build) leaving over tp from l, its Via
 * with a fresh branch from L (r->via is not read). Returns the length,
 * SP_EINVAL when no branch could be had, or SP_ENOSPC when it does not fit. */
SP_API long push_dialog_req_build(sip_txn_layer *L, const push_local *l, sip_tp tp, sip_dialog *d, const sip_dialog_req *r,
                           char *out, size_t cap);

/* The value of the first header of id in m, absent when none. */
SP_API sp_str push_hdr(const sip_msg *m, sip_hdr_id id);

/* Whether the agents serve the Request-URI of req: sip: and sips: only
 * (RFC 3261 §8.2.2.1: any other scheme gets 416). */
SP_API bool push_ruri_served(const sip_msg *req);

/* The URI of a name-addr header value (From, To, P-Asserted-Identity...),
 * absent when it does not parse. The first element of a list counts. */
SP_API sp_str push_addr_uri(sp_str value);

#endif
