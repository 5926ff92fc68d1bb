/* push_pra.h - the Push Receiver Agent (seed 002 §7.1.1, §7.2.1, §7.2.3.2,
 * §8.2; seed 004 §7): registers with the SIP/IP Core, takes page-mode
 * pushes (MESSAGE), subscribes to a Push Sender Agent's ua-profile event and
 * takes pushes by NOTIFY, acts on REFER, answers OPTIONS.
 *
 * Driven through a sip_txn_layer and a push_env (push_agent.h). Requests
 * reach it through the sip_txn_tu of push_pra_tu(); timers come back through
 * push_pra_timer(). Content referenced by RFC 4483 external bodies is
 * fetched by the owner (config.fetch, off the loop thread) and handed back
 * with push_pra_fetch_done().
 *
 * Methods are dispatched through a table (push_pra.c); the session-mode
 * push (INVITE/MSRP) joins it as one more entry.
 *
 * Ownership: the agent copies its configuration's strings; the caller owns
 * the layer and frees it before push_pra_free(): the layer's transactions
 * hold callbacks into the agent, and push_pra_free() never touches the
 * layer. The environment (push_env) outlives both. One thread. */
#ifndef SIPPUSH_PUSH_PRA_H
#define SIPPUSH_PUSH_PRA_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_agent.h"
#include "push_method.h"
#include "sip_auth_client.h"
#include "sip_txn.h"

/* Limits and defaults. */
#define PUSH_PRA_MAX_APPS 16
#define PUSH_PRA_MAX_ACCEPT 16
#define PUSH_PRA_MAX_TRUST 16
#define PUSH_PRA_MAX_WHITELIST 32
#define PUSH_PRA_EXPIRES_DEFAULT 3600u
/* Content a push may deliver when --max-size is not given (an indirect
 * fetch is bounded by it). */
#define PUSH_PRA_MAX_SIZE_DEFAULT PUSH_MAX_SIZE_DEFAULT
/* Recent requests remembered to deliver duplicates once (RFC 3428 §7), and
 * for how long: 64*T1, the life of a non-INVITE server transaction. The
 * table is fixed (24 bytes a slot): above SLOTS / 32 s requests a second
 * the window shrinks to what the slots hold (2 s at 30,000/s). MESSAGEs
 * are answered without a transaction (RFC 3261 §8.2.7) and this table
 * answers their retransmissions. */
#define PUSH_PRA_DEDUP_SLOTS 65536
#define PUSH_PRA_DEDUP_PROBE 8
#define PUSH_PRA_DEDUP_MS 32000u
/* A fetch of indirect content must end before the MESSAGE's transaction
 * (64*T1) gives up on our answer. */
#define PUSH_PRA_FETCH_TIMEOUT_MS 10000
/* Indirect fetches in flight at once; more get 503 with Retry-After
 * PUSH_PRA_RETRY_AFTER_FETCHES_S. */
#define PUSH_PRA_MAX_FETCHES 8
#define PUSH_PRA_RETRY_AFTER_FETCHES_S 5
/* A copy of a request whose first is still being fetched gets 500 and is
 * asked back this soon (RFC 3261 §21.5.1). */
#define PUSH_PRA_RETRY_AFTER_PENDING_S 1
/* After the de-registration is sent, how long stop waits for its answer. */
#define PUSH_PRA_STOP_WAIT_MS 2000u
/* Registration failures are retried after this long. */
#define PUSH_PRA_REG_RETRY_MS 30000u

typedef struct push_pra push_pra;

typedef enum push_pra_event_kind {
    PUSH_PRA_EV_REGISTERED,    /* expires */
    PUSH_PRA_EV_REG_FAILED,    /* status, reason */
    PUSH_PRA_EV_UNREGISTERED,  /* de-registration answered (or given up) */
    PUSH_PRA_EV_SUBSCRIBED,    /* expires, target */
    PUSH_PRA_EV_SUB_ENDED,     /* status, target */
    PUSH_PRA_EV_REJECTED,      /* method, status, reason */
    PUSH_PRA_EV_STOPPED,       /* push_pra_stop finished: the owner may free the agent */
} push_pra_event_kind;

typedef struct push_pra_event {
    push_pra_event_kind kind;
    unsigned status;
    uint32_t expires;
    sp_str method, reason, target;
} push_pra_event;

/* A push for an application. */
typedef struct push_delivery {
    push_method method;
    sp_str app;          /* absent when no application was named and none is served */
    sp_str from;         /* the asserted sender (P-Asserted-Identity URI) */
    sp_str content_type;
    sp_str body;
    sp_str transfer_id;  /* session mode only; absent here */
} push_delivery;

typedef struct push_pra_config {
    sp_str aor;             /* our public identity, "sip:bob@example.com" */
    sp_str registrar;       /* REGISTER there; absent: no registration */
    sp_str proxy;           /* outbound proxy for requests outside dialogs; absent: none */
    uint32_t expires;       /* asked for; 0: PUSH_PRA_EXPIRES_DEFAULT */
    sp_str apps[PUSH_PRA_MAX_APPS];
    size_t napps;
    sp_str accept[PUSH_PRA_MAX_ACCEPT];   /* MIME types or ranges; none: every type */
    size_t naccept;
    sp_str trust[PUSH_PRA_MAX_TRUST];     /* hosts whose P-Asserted-Identity is believed */
    size_t ntrust;
    sp_str whitelist[PUSH_PRA_MAX_WHITELIST]; /* senders allowed (seed 004 §7.4); none: all */
    size_t nwhitelist;
    sp_str subscribe;       /* a PSA to SUBSCRIBE to (ua-profile, oma-app); absent: none */
    sp_str instance;        /* +sip.instance URN; absent: a fresh urn:uuid */
    sp_str dev_cap;         /* UAProf URL; absent: vendor, model and version are sent */
    sp_str vendor, model, version;
    uint64_t max_size;      /* 0: PUSH_PRA_MAX_SIZE_DEFAULT */
    const sip_credentials *creds;
    size_t ncreds;
    push_local local;
    void *ctx;
    /* The wall clock (seconds since 1970) a MESSAGE's Date is read against
     * (RFC 3428 §7); NULL: time(). */
    int64_t (*wall_s)(void *ctx);
    void (*on_event)(void *ctx, const push_pra_event *ev);
    /* A push for the application. Returns 0 when it was taken, or a status
     * (500: it could not be stored) that the request is answered with. */
    unsigned (*on_push)(void *ctx, const push_delivery *d);
    /* Starts fetching url (RFC 4483) for fetch id, at most max bytes; the
     * owner calls push_pra_fetch_done with the outcome. NULL: indirect
     * content is refused with 415. */
    void (*fetch)(void *ctx, uint64_t id, sp_str url, uint64_t max);
    /* The session-mode receiver (push_invite_receiver.h) that INVITE, ACK,
     * BYE, CANCEL and UPDATE go to once a new INVITE has passed the sender
     * checks; it delivers through its own callbacks. NULL: those methods
     * get 405 and are not advertised. */
    struct push_invite_rx *invite;
} push_pra_config;

/* NULL when the configuration is unusable (bad AoR, app id, URI) or memory
 * runs out; *why then says what. */
SP_API push_pra *push_pra_new(const push_pra_config *cfg, const push_env *env, const char **why);
SP_API void push_pra_free(push_pra *a);

/* The transaction user to create the layer with, then the layer. */
SP_API sip_txn_tu push_pra_tu(push_pra *a);
SP_API void push_pra_set_layer(push_pra *a, sip_txn_layer *L);
/* The methods the agent handles, with INVITE, ACK, BYE, CANCEL and UPDATE
 * when it has a session-mode receiver (config.invite): the layer's allow,
 * so others get 405 with this Allow. */
#define PUSH_PRA_ALLOW "MESSAGE, NOTIFY, REFER, OPTIONS"
#define PUSH_PRA_ALLOW_SESSION PUSH_PRA_ALLOW ", INVITE, ACK, BYE, CANCEL, UPDATE"
SP_API sp_str push_pra_allow(bool session);

/* Registers and subscribes as configured. */
SP_API void push_pra_start(push_pra *a);
/* De-registers (Expires: 0) and ends subscriptions; PUSH_PRA_EV_STOPPED
 * follows when done or after PUSH_PRA_STOP_WAIT_MS. */
SP_API void push_pra_stop(push_pra *a);
SP_API void push_pra_timer(push_pra *a, uint64_t cookie);

/* The outcome of config.fetch: status 2xx with the content, or the error
 * status of push_http_fetch (408, 413, 502, 503...). */
SP_API void push_pra_fetch_done(push_pra *a, uint64_t id, unsigned status, sp_str content_type, const void *data,
                                size_t len);

/* What the registrar granted (RFC 5627 §4.2): absent until a 2xx gave them. */
SP_API sp_str push_pra_pub_gruu(const push_pra *a);
SP_API sp_str push_pra_temp_gruu(const push_pra *a);
/* The Contact value of every request but REGISTER: the public GRUU when
 * there is one, else our address. */
SP_API sp_str push_pra_contact(const push_pra *a);

#endif
