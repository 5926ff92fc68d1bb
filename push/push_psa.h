/* push_psa.h - the Push Sender Agent (seed 002 §7.1.2, §7.2.2, §7.2.3.1,
 * §8.1; seed 004 Appendix Q and R): keeps its receivers' registrations
 * (REGISTER, third-party REGISTER from the core, the reg event of RFC 3680),
 * keeps ua-profile subscriptions as their notifier, and delivers pushes by
 * MESSAGE or by NOTIFY in a subscription, or asks a receiver to subscribe
 * with REFER; every outcome is read through the response-code table.
 *
 * Driven like the receiver (push_agent.h): the layer is created with
 * push_psa_tu(), timers come back through push_psa_timer().
 *
 * Pushes go through one delivery path per method (push_psa_send.c); the
 * session-mode push (INVITE/MSRP) is one more path, taken only with a
 * session-mode sender (config.invite; without one such a push fails with
 * 501). MESSAGEs to one Request-URI go one at a time (RFC 3428 §8), and an
 * INVITE to an AoR that unregistered waits for an OPTIONS 2xx (seed 000
 * §8.2.5.1).
 *
 * Ownership: the agent copies its configuration; results and events are
 * valid during their callback only. The caller owns the layer and frees it
 * before push_psa_free(), as for the receiver (push_pra.h). One thread. */
#ifndef SIPPUSH_PUSH_PSA_H
#define SIPPUSH_PUSH_PSA_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_agent.h"
#include "push_method.h"
#include "sip_txn.h"

#define PUSH_PSA_MAX_TRUST 16
#define PUSH_PSA_MAX_WATCH 16
/* Registered contacts kept at once (config.max_bindings); a REGISTER that
 * would pass it gets 503 and changes no binding. Memory follows the
 * bindings held (about 200 bytes each), not this. */
#define PUSH_PSA_MAX_BINDINGS 1000000u
/* Subscriptions kept at once (config.max_subs); more get 503 with
 * Retry-After PUSH_PSA_RETRY_AFTER_SUBS_S. */
#define PUSH_PSA_MAX_SUBS 100000u
#define PUSH_PSA_RETRY_AFTER_SUBS_S 60
/* Subscriptions one identity may hold at once (config.max_subs_per_identity):
 * four terminals with four applications each; more get 403. */
#define PUSH_PSA_MAX_SUBS_PER_IDENTITY 16
/* MESSAGEs waiting behind the one in flight to the same Request-URI
 * (RFC 3428 §8: one at a time per destination; config.max_queued_per_uri):
 * one more is refused at submission with 503, retry allowed. */
#define PUSH_PSA_MSG_QUEUE_MAX 32
/* Memory the pushes waiting to go out may take (config.max_queued_bytes):
 * those behind another to their URI and those waiting for room in the
 * transaction table. A push that would pass it is refused at submission
 * with 503, retry allowed; one that fits is never failed for lack of room. */
#define PUSH_PSA_MAX_QUEUED_BYTES_DEFAULT (256u * 1024 * 1024)
/* The transaction table a server PSA wants (the layer's max_txns, grown on
 * demand up to it): a client non-INVITE transaction lives until timer K
 * (5 s) and a server one until timer J (32 s), so 2^20 sustains 32,768
 * requests/s (sip/README.md, Sizing); past it pushes wait, not fail. */
#define PUSH_PSA_MAX_TXNS_DEFAULT (1u << 20)
/* Subscription and registration durations (seconds). */
#define PUSH_PSA_SUB_EXPIRES_DEFAULT 3600u
#define PUSH_PSA_SUB_EXPIRES_MAX 86400u
#define PUSH_PSA_REG_EXPIRES_DEFAULT 3600u
/* Bindings a watched user's reg event may report. */
#define PUSH_PSA_WATCH_ROWS 64

typedef struct push_psa push_psa;

typedef enum push_psa_event_kind {
    PUSH_PSA_EV_REGISTERED,   /* aor, contact, expires */
    PUSH_PSA_EV_UNREGISTERED, /* aor, contact */
    PUSH_PSA_EV_SUBSCRIBED,   /* aor, app, expires */
    PUSH_PSA_EV_SUB_ENDED,    /* aor, app, reason */
    PUSH_PSA_EV_REGSTATE,     /* aor, count: the reg event changed a watched user's bindings */
    PUSH_PSA_EV_REFERRED,     /* aor, status: the outcome a receiver reported for a REFER */
    PUSH_PSA_EV_REJECTED,     /* method, status, reason */
} push_psa_event_kind;

typedef struct push_psa_event {
    push_psa_event_kind kind;
    sp_str aor, contact, app, method, reason;
    /* REGISTERED: the Contact's parameters, whether the core registered it
     * on the user's behalf and a GRUU was asked for: with aor, contact and
     * expires, what push_psa_binding_restore takes to make it again. */
    sp_str params;
    bool third_party, gruu;
    unsigned status;
    uint32_t expires;
    size_t count;
} push_psa_event;

typedef struct push_psa_config {
    sp_str identity;        /* our SIP URI: From and P-Asserted-Identity of our requests */
    sp_str proxy;           /* the SIP/IP Core's proxy for requests outside dialogs; absent: direct */
    sp_str trust[PUSH_PSA_MAX_TRUST]; /* peers whose identities and REGISTERs are believed */
    size_t ntrust;
    sp_str watch[PUSH_PSA_MAX_WATCH]; /* AoRs whose reg event to follow (RFC 3680) */
    size_t nwatch;
    sp_str icsi;            /* IMS mode: this ICSI in Accept-Contact and P-Asserted-Service */
    uint32_t max_sub_expires; /* 0: PUSH_PSA_SUB_EXPIRES_DEFAULT */
    uint32_t max_subs;        /* 0: PUSH_PSA_MAX_SUBS */
    uint32_t max_bindings;    /* 0: PUSH_PSA_MAX_BINDINGS */
    uint32_t max_subs_per_identity; /* 0: PUSH_PSA_MAX_SUBS_PER_IDENTITY */
    uint32_t max_queued_per_uri;    /* 0: PUSH_PSA_MSG_QUEUE_MAX */
    uint64_t max_queued_bytes;      /* 0: PUSH_PSA_MAX_QUEUED_BYTES_DEFAULT */
    push_local local;
    void *ctx;
    void (*on_event)(void *ctx, const push_psa_event *ev);
    /* The session-mode push (push_invite.h): INVITE pushes go through a
     * sender agent in this context, and requests in their dialogs reach it.
     * NULL: a push that needs INVITE fails with 501. */
    struct push_invite_ctx *invite;
} push_psa_config;

SP_API push_psa *push_psa_new(const push_psa_config *cfg, const push_env *env, const char **why);
SP_API void push_psa_free(push_psa *p);
SP_API sip_txn_tu push_psa_tu(push_psa *p);
SP_API void push_psa_set_layer(push_psa *p, sip_txn_layer *L);
/* Methods the agent handles: the layer's allow. */
#define PUSH_PSA_ALLOW "REGISTER, SUBSCRIBE, NOTIFY, OPTIONS"
SP_API sp_str push_psa_allow(void);
/* Option tags it supports (a receiver's REGISTER requires pref). */
#define PUSH_PSA_SUPPORTED "pref, gruu"
/* Starts following the watched users' registrations. */
SP_API void push_psa_start(push_psa *p);
/* Ends subscriptions (NOTIFY terminated) and reg event watches. */
SP_API void push_psa_stop(push_psa *p);
SP_API void push_psa_timer(push_psa *p, uint64_t cookie);

/* --- pushes ----------------------------------------------------------------- */

typedef struct push_psa_push {
    push_ask ask;           /* auto, message, notify, invite */
    sp_str to;              /* the recipient's public identity */
    sp_str target;          /* a GRUU to reach one terminal (RFC 5627); absent: to */
    sp_str app;             /* Push Resource Identifier; absent: none named */
    sp_str content_type;
    sp_str body;            /* as it travels (a message/external-body part when indirect) */
    bool indirect;          /* body is an RFC 4483 reference */
    bool confirm;           /* ask for delivery confirmation (an INVITE's Success-Report) */
    sp_str headers;         /* mapped push headers, each line ending in CRLF (push_headers.h) */
    /* A push sent again (after a restart, push_journal.h) keeps the ids it
     * first went with, so the receiver's duplicate recognition holds (RFC
     * 3428 §7; RFC 5547 §8): a MESSAGE's Call-ID, From tag and CSeq, an
     * INVITE's file-transfer-id. Absent (0): fresh ones. */
    sp_str call_id, from_tag;
    uint32_t cseq;
    sp_str transfer_id;
} push_psa_push;

typedef struct push_psa_result {
    push_method method;
    bool delivered;
    unsigned status;        /* the final response, or the local 408/503, or the refusal's status */
    bool retry;
    const char *reason;     /* static */
    uint64_t bytes;         /* body bytes sent */
    uint64_t chunks;        /* MSRP SENDs that carried them (INVITE); 0 for one request */
    uint64_t ms;            /* request to final response */
} push_psa_result;

typedef void (*push_psa_done)(void *ctx, const push_psa_result *r);

/* Picks the method (push_method_select, with what the registrations and
 * subscriptions say of the receiver) and sends the push. Returns 0 when it
 * is accepted: on its way, or waiting in the queue for its URI's turn or
 * for room in the transaction table (done follows, never from inside this
 * call); or 1 when it failed at once (*now filled: no subscription for
 * NOTIFY, a body over the page-mode limit, INVITE not available, the queue
 * full: 503 with retry...). A push accepted is never failed for lack of
 * room. */
SP_API int push_psa_send(push_psa *p, const push_psa_push *req, push_psa_done done, void *ctx, push_psa_result *now);

/* Asks the receiver to subscribe (seed 002 §7.2.3.1): REFER to `to` whose
 * Refer-To names our identity with method=SUBSCRIBE, the ua-profile Event
 * and the application's Accept-Contact. The 202 (or failure) is the
 * result; what the receiver's SUBSCRIBE got arrives later as
 * PUSH_PSA_EV_REFERRED. Same return as push_psa_send. */
SP_API int push_psa_refer(push_psa *p, sp_str to, sp_str app, push_psa_done done, void *ctx, push_psa_result *now);

/* --- what the agent knows of a receiver ------------------------------------- */

typedef struct push_psa_caps {
    unsigned status;        /* the OPTIONS answer */
    push_caps caps;         /* from Allow and the Contact methods tag */
    sp_str accept;          /* the 2xx's Accept (the types it takes), absent when none */
} push_psa_caps;

/* Queries a receiver's capabilities with OPTIONS (RFC 3261 §11); a 2xx also
 * makes an unregistered receiver reachable again (seed 000 §8.2.5.1).
 * Returns 0 or a negative error; done gets the outcome later. */
SP_API int push_psa_options(push_psa *p, sp_str to, void (*done)(void *ctx, const push_psa_caps *c), void *ctx);

/* Makes a binding again as a REGISTER made it (a restart from a journal:
 * the fields of its PUSH_PSA_EV_REGISTERED, expires what remains of it).
 * 0, SP_EINVAL (a contact that does not read) or SP_ELIMIT (no room). */
SP_API int push_psa_binding_restore(push_psa *p, sp_str aor, sp_str contact, sp_str params, uint32_t expires,
                                    bool third_party, bool gruu);

/* Live bindings of an AoR: from REGISTER and from the reg event. */
SP_API size_t push_psa_bindings(const push_psa *p, sp_str aor);
/* Whether an INVITE may be sent to aor (seed 000 §8.2.5.1): not after it
 * unregistered, until it has registered again or answered an OPTIONS. */
SP_API bool push_psa_may_invite(const push_psa *p, sp_str aor);
/* What the receiver's live bindings said of the push methods they take
 * (the methods feature tag, seed 002 §6.1 (3)): the union over them;
 * known false when none said anything. */
SP_API push_caps push_psa_receiver_caps(const push_psa *p, sp_str aor);
/* The push applications its live bindings registered (the +g.oma.pusheventapp
 * feature tag, seed 002 §6.1 (3)), each binding's value once, newest binding
 * first, joined by ", "
 * into out (NUL-terminated; a value that does not fit is left out). Returns
 * the length, 0 when none named one. */
SP_API size_t push_psa_receiver_apps(const push_psa *p, sp_str aor, char *out, size_t cap);
/* What a receiver said of its device in the Event of its ua-profile
 * SUBSCRIBE (seed 002 §6.1 (3), §7.2.1.1): its dev-cap link (the UAProf
 * document), or vendor, model and version. Each NUL-terminated, "" when not
 * given; a value longer than its field is not kept. */
#define PUSH_PSA_DEV_CAP_MAX 512
#define PUSH_PSA_DEVICE_FIELD_MAX 64
typedef struct push_psa_profile {
    char dev_cap[PUSH_PSA_DEV_CAP_MAX];
    char vendor[PUSH_PSA_DEVICE_FIELD_MAX], model[PUSH_PSA_DEVICE_FIELD_MAX], version[PUSH_PSA_DEVICE_FIELD_MAX];
} push_psa_profile;

/* The profile of aor's newest live subscription that gave one (a dev-cap, or
 * a vendor or model); false when none did. */
SP_API bool push_psa_receiver_profile(const push_psa *p, sp_str aor, push_psa_profile *out);
/* Live subscriptions (for app, or any when app is absent) of an AoR. */
SP_API size_t push_psa_subscriptions(const push_psa *p, sp_str aor, sp_str app);
/* Pushes accepted that have not gone out yet, and the bytes they hold
 * (counted against config.max_queued_bytes). */
SP_API size_t push_psa_queued(const push_psa *p, uint64_t *bytes);
/* Whether n more pushes, each with a body of body_bytes, could all wait in
 * the queue (counting the most their other parts may take): asked by an
 * initiator that answers before the push goes out (PAP), so that it
 * refuses at submission rather than accept what could not wait. */
SP_API bool push_psa_can_queue(const push_psa *p, size_t n, size_t body_bytes);

#endif
