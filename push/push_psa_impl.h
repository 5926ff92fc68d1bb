/* push_psa_impl.h - the Push Sender Agent's insides, shared by its files:
 * push_psa.c (dispatch, registrations, OPTIONS), push_psa_sub.c (the
 * ua-profile notifier), push_psa_send.c (delivery paths, REFER),
 * push_psa_watch.c (the reg event). */
#ifndef SIPPUSH_PUSH_PSA_IMPL_H
#define SIPPUSH_PUSH_PSA_IMPL_H

#include "push_psa.h"
#include "push_reginfo.h"
#include "push_subc.h"
#include "sip_dialog.h"

enum { PSA_TMR_SUB = 1, PSA_TMR_WATCH = 2 };

/* A contact registered for an AoR (RFC 3261 §10.3, seed 001 B.1), sized
 * to its strings: the contact, then its +sip.instance ("<urn:uuid:...>",
 * "" when none), then its +g.oma.pusheventapp values ("" when none). */
typedef struct psa_binding {
    struct psa_binding *next;  /* the user's */
    uint64_t expires_at;       /* on the agent's clock, ms */
    push_caps caps;            /* from its methods feature tag */
    bool third_party;          /* registered by the core on the user's behalf */
    bool gruu;                 /* a public GRUU was issued for it (psa_binding_gruu) */
    uint16_t instance_at, apps_at;
    char text[];
} psa_binding;

static inline const char *psa_binding_contact(const psa_binding *b) { return b->text; }
static inline const char *psa_binding_instance(const psa_binding *b) { return b->text + b->instance_at; }
static inline const char *psa_binding_apps(const psa_binding *b) { return b->text + b->apps_at; }

/* A user: its bindings, and what is known of its reachability (seed 000
 * §8.2.5.1). Kept while it has bindings or subscriptions, or is marked
 * unregistered. */
typedef struct psa_user {
    struct psa_user *next;     /* in its bucket */
    psa_binding *bindings;
    struct psa_sub *subs;      /* the subscriptions it holds (their aor names it) */
    uint32_t hash;
    bool unregistered;         /* it unregistered and has not come back */
    char aor[];
} psa_user;

typedef enum psa_sub_state { PSA_SUB_ACTIVE, PSA_SUB_TERMINATED } psa_sub_state;

/* A ua-profile subscription we are the notifier of: in the list of all,
 * in its user's (found by the subscriber's AoR) and in its id's bucket. */
typedef struct psa_sub {
    uint64_t id;
    psa_sub_state state;
    sip_dialog *dlg;
    char app[64];              /* event-app-id, "" when none */
    push_psa_profile *profile; /* what its Event said of the device (seed 002 §6.1 (3)); NULL: nothing */
    uint64_t expires_at;
    push_tmr tmr;
    struct psa_sub *next, *prev;
    struct psa_sub *user_next; /* in user->subs */
    struct psa_sub *id_next;   /* in its id's bucket */
    psa_user *user;
    char aor[];                /* asserted identity of the subscriber */
} psa_sub;

/* A user whose registrations we follow through the reg event. */
typedef struct psa_watch {
    char aor[PUSH_URI_MAX];
    push_subc *sub;
    push_regtab tab;
    push_binding rows[PUSH_PSA_WATCH_ROWS];
    size_t last_count;
} psa_watch;

/* A push or REFER waiting for its final response. */
typedef struct psa_pending {
    sip_txn_id ct;
    push_method method;
    size_t bytes;
    uint64_t started;
    psa_sub *sub;              /* NOTIFY: the subscription it travels in (checked by id) */
    uint64_t sub_id;
    char to[PUSH_URI_MAX];
    char ruri[PUSH_URI_MAX];   /* MESSAGE pushes: their Request-URI; "" otherwise */
    push_psa_done done;
    void (*caps_done)(void *ctx, const push_psa_caps *c);
    struct push_psa *owner;
    struct push_invite_sender *sender; /* INVITE: the session-mode sender, and */
    char *content;                     /* the content it reads until its outcome */
    /* A push not sent yet, copied (held_mem): a MESSAGE queued behind another
     * to the same URI, or an INVITE waiting for its OPTIONS probe. */
    push_psa_push held;
    char *held_mem;
    bool queued;               /* not sent yet: behind its URI's turn, or for room (room_wait) */
    bool room_wait;            /* in the room queue: the transaction table was full */
    size_t held_size;          /* what it counts against max_queued_bytes while held */
    struct psa_dest *dest;     /* MESSAGE: its Request-URI's turn */
    struct psa_pending *fifo;  /* the next in its dest's queue or the room queue */
    struct psa_pending *prev;
    bool probing;              /* INVITE: the OPTIONS to an unregistered AoR is out */
    void *ctx;
    struct psa_pending *next;
} psa_pending;

/* A Request-URI with a MESSAGE in flight (RFC 3428 §8) and those that wait
 * their turn behind it; found by hash, gone when idle. */
typedef struct psa_dest {
    struct psa_dest *next;     /* in its bucket */
    uint32_t hash;
    bool busy;                 /* one is in flight or in the room queue */
    psa_pending *head, *tail;  /* waiting their turn */
    size_t waiting;
    char ruri[];
} psa_dest;

/* REFERs sent: their NOTIFYs (Event: refer) are recognised by Call-ID. */
#define PSA_MAX_REFERS 64
typedef struct psa_refer {
    char call_id[PUSH_TOKEN_MAX];
    char to[PUSH_URI_MAX];
    uint64_t at;
} psa_refer;

struct push_psa {
    push_psa_config cfg;
    char *mem;
    push_env env;
    sip_txn_layer *L;
    char contact[PUSH_URI_MAX];  /* "<sip:psa@host:port>" */
    psa_user **users;            /* buckets, nuser_buckets of them */
    size_t nuser_buckets, nusers;
    size_t nbindings;            /* at most config.max_bindings */
    sip_dialog_set *sub_dialogs;
    psa_sub *subs;               /* doubly linked */
    size_t nsubs;
    psa_sub **sub_ids;           /* buckets by id: the next power of 2 from max_subs */
    size_t sub_id_mask;
    uint64_t next_sub;
    push_subc_host watch_host;
    sip_dialog_set *watch_dialogs;
    psa_watch *watches;          /* cfg.nwatch */
    psa_pending *pending;        /* doubly linked */
    psa_dest **dests;            /* buckets, ndest_buckets of them */
    size_t ndest_buckets, ndests;
    psa_pending *room_head, *room_tail; /* waiting for room in the transaction table */
    size_t nqueued;
    uint64_t queued_bytes;
    unsigned sending;            /* inside a send: the layer's on_room waits */
    bool room_later;
    psa_refer refers[PSA_MAX_REFERS];
    size_t next_refer;
    bool stopping;
};

void psa_event(push_psa *p, const push_psa_event *ev);
void psa_answer(push_psa *p, sip_txn_id st, const sip_msg *req, unsigned status, const char *reason, sp_str headers);
/* 0, or 403 with *why: P-Asserted-Identity missing or from an untrusted peer. */
unsigned psa_check_identity(const push_psa *p, const sip_msg *req, const sip_peer *src, const char **why);
bool psa_peer_trusted(const push_psa *p, const sip_peer *src);
/* Same user and host (ports and parameters aside): a push names a user. */
bool psa_aor_eq(sp_str a, sp_str b);
void psa_mark_reach(push_psa *p, sp_str aor, bool unregistered);
/* Where a request for uri goes first: the proxy when there is one; else,
 * as the registrar of the receivers that registered with us, the contact
 * bound to a GRUU we issued or to the AoR (RFC 5627 §5.1, RFC 3261 §16.5);
 * else the URI itself. 0 or SP_EINVAL. */
int psa_route(const push_psa *p, sp_str uri, sip_peer *dest);

/* the notifier (push_psa_sub.c) */
void psa_on_subscribe(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src);
psa_sub *psa_sub_find(push_psa *p, sp_str aor, sp_str app);
psa_sub *psa_sub_by_id(push_psa *p, uint64_t id);
void psa_sub_timer(push_psa *p, uint64_t id);
/* Ends a subscription: NOTIFY terminated (when send) and forget it. */
void psa_sub_end(push_psa *p, psa_sub *s, const char *reason, bool send);
/* The final outcome of a NOTIFY sent in s (NULL: its subscription is gone):
 * ends s when RFC 6665 §4.2.2 says so, and returns whether it did. */
bool psa_sub_notify_answered(push_psa *p, psa_sub *s, const sip_txn_result *r);
/* Builds a NOTIFY in s with the current Subscription-State. */
long psa_sub_notify_build(push_psa *p, psa_sub *s, sp_str extra, sp_str content_type, sp_str body, char *out,
                          size_t cap, sip_peer *dest);

/* pushes (push_psa_send.c) */
void psa_on_refer_notify(push_psa *p, sip_txn_id st, const sip_msg *req);
void psa_pending_free_all(push_psa *p);
/* the registrar's store (push_psa_bindings.c) */
psa_user *psa_user_find(const push_psa *p, sp_str aor);
/* Found or made; NULL when out of memory or aor is no SIP URI. */
psa_user *psa_user_get(push_psa *p, sp_str aor);
/* Forgets u when it has no binding and nothing is known of it. */
void psa_user_release(push_psa *p, psa_user *u);
/* A new binding of u (strings copied); NULL when out of memory. */
psa_binding *psa_binding_add(push_psa *p, psa_user *u, sp_str contact, sp_str instance, sp_str apps);
void psa_binding_remove(push_psa *p, psa_user *u, psa_binding *b);
/* b's public GRUU into out; false when it has none. */
bool psa_binding_gruu(const psa_user *u, const psa_binding *b, char *out, size_t cap);
void psa_users_free_all(push_psa *p);

/* the Request-URIs' turns (push_psa_queue.c) */
psa_dest *psa_dest_find(const push_psa *p, sp_str ruri);
/* Found or made; NULL when out of memory. */
psa_dest *psa_dest_get(push_psa *p, sp_str ruri);
/* Forgets d when nothing is in flight to it or waiting. */
void psa_dest_release(push_psa *p, psa_dest *d);
void psa_dest_free_all(push_psa *p);
/* The layer has room again (sip_txn_tu.on_room): the room queue goes. */
void psa_on_room(push_psa *p);

/* the reg event (push_psa_watch.c) */
int psa_watch_init(push_psa *p);
void psa_watch_start(push_psa *p);
void psa_watch_stop(push_psa *p);
size_t psa_watch_count(const push_psa *p, sp_str aor);

#endif
