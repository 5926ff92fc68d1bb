/* push_subc.h - the subscriber side of one subscription (RFC 6665 §4.1):
 * the initial SUBSCRIBE, refreshes at half the granted time, NOTIFYs routed
 * to it, termination, and un-subscription. The receiver subscribes with it
 * to the ua-profile event of a Push Sender Agent (seed 002 §7.2.1), the
 * sender to the reg event of its receivers (RFC 3680, seed 002 §8.1).
 *
 * A push_subc belongs to a push_subc_host its agent embeds: the host gives
 * the layer, the environment, the dialog set of subscriber dialogs and what
 * to do with NOTIFYs. Ownership: push_subc_free releases a subscription (its
 * dialog leaves the set); one still waiting for a response is freed when
 * that response comes (a late response never touches freed memory). */
#ifndef SIPPUSH_PUSH_SUBC_H
#define SIPPUSH_PUSH_SUBC_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "push_agent.h"
#include "sip_dialog.h"
#include "sip_txn.h"

/* Subscription-State reasons that allow subscribing again at once, and the
 * wait before trying again after a failure (RFC 6665 §4.1.3). */
#define PUSH_SUBC_RETRY_MS 30000u
/* Timer N (RFC 6665 §4.1.2.4, 64*T1): an accepted subscription whose first
 * NOTIFY has not come by then is taken as failed. */
#define PUSH_SUBC_TIMER_N_MS 32000u

typedef enum push_subc_state {
    PUSH_SUBC_IDLE,
    PUSH_SUBC_SUBSCRIBING,   /* initial SUBSCRIBE sent, no 2xx yet */
    PUSH_SUBC_ACTIVE,        /* a 2xx (or a NOTIFY) made the dialog */
    PUSH_SUBC_REFRESHING,    /* a refresh SUBSCRIBE is out */
    PUSH_SUBC_UNSUBSCRIBING, /* Expires: 0 sent */
    PUSH_SUBC_TERMINATED,
} push_subc_state;

SP_API const char *push_subc_state_name(push_subc_state s);

typedef struct push_subc push_subc;

typedef struct push_subc_host {
    const push_env *env;
    sip_txn_layer *L;
    const push_local *local;
    sip_dialog_set *dialogs; /* subscriber dialogs of the agent */
    push_subc *list;
    uint64_t next_id;
    unsigned timer_kind;     /* the cookie kind the agent routes to push_subc_timer */
    void *ctx;
    /* The subscription changed state (status: the response or 0; expires:
     * what was granted, 0 when not known). */
    void (*on_state)(void *ctx, push_subc *s, push_subc_state old, unsigned status, uint32_t expires);
    /* A NOTIFY in the subscription; returns the status to answer it with
     * (200), or 0 when the host answers st itself. */
    unsigned (*on_notify)(void *ctx, push_subc *s, sip_txn_id st, const sip_msg *notify, const sip_peer *src);
} push_subc_host;

typedef struct push_subc_config {
    sp_str target;    /* Request-URI (the PSA, the user's AoR, the registrar) */
    sp_str proxy;     /* an outbound proxy URI: the first hop, in a Route (push_req); absent: none */
    sp_str from_uri;  /* our identity (AoR) */
    sp_str to_uri;    /* the To URI; absent: the target */
    sp_str contact;   /* our Contact value ("<sip:...>"), e.g. a GRUU */
    sp_str event;     /* Event value: "ua-profile;profile-type=oma-app;..." */
    sp_str headers;   /* extra lines (Accept, Accept-Contact...), each ending in CRLF */
    uint32_t expires; /* asked for */
    bool retry;       /* subscribe again after failures and timeouts */
} push_subc_config;

struct push_subc {
    uint64_t id;
    push_subc_state state;
    push_subc_host *host;
    push_subc_config cfg;    /* slices into mem */
    char call_id[PUSH_TOKEN_MAX], from_tag[PUSH_TOKEN_MAX];
    uint32_t cseq;
    sip_dialog *dlg;
    char *sent;              /* the initial SUBSCRIBE as sent (NOTIFYs before the 2xx match it) */
    size_t sent_len;
    sip_txn_id ct;
    push_tmr tmr;
    uint32_t granted;
    uint64_t accepted_ms;    /* when the 2xx to the initial SUBSCRIBE came */
    bool awaiting_notify;    /* accepted, no NOTIFY yet: Timer N runs */
    bool doomed;             /* freed when its transaction ends */
    bool ending;             /* un-subscribed by us: never subscribe again by itself */
    void *user;
    push_subc *next;
    char *mem;
};

/* A new subscription in state IDLE (copies cfg); NULL when out of memory. */
SP_API push_subc *push_subc_new(push_subc_host *h, const push_subc_config *cfg);
/* Sends the initial SUBSCRIBE (IDLE or TERMINATED). 0 or a negative error. */
SP_API int push_subc_start(push_subc *s);
/* Refreshes now (an ACTIVE subscription), e.g. to get full state again. */
SP_API void push_subc_refresh(push_subc *s);
/* Sends SUBSCRIBE with Expires: 0 in the dialog; a subscription with no
 * dialog just terminates. */
SP_API void push_subc_stop(push_subc *s);
SP_API void push_subc_free(push_subc *s);
/* The cookie of the host's timer kind fired for id. */
SP_API void push_subc_timer(push_subc_host *h, uint64_t id);

/* A NOTIFY the agent received. Returns true when it belonged to one of the
 * host's subscriptions (answered here), false when it did not (the agent
 * answers it: 481 outside any dialog). */
SP_API bool push_subc_route_notify(push_subc_host *h, sip_txn_id st, const sip_msg *notify, const sip_peer *src);

/* Frees every subscription (agent shutdown; the layer is gone). */
SP_API void push_subc_host_clear(push_subc_host *h);

#endif
