/* sip_txn_impl.h - what the transaction layer's files share (not installed). */
#ifndef SIPPUSH_SIP_TXN_IMPL_H
#define SIPPUSH_SIP_TXN_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "sip_hdr.h"
#include "sip_msg.h"
#include "sip_txn.h"

#define SIP_MAGIC_COOKIE "z9hG4bK"
/* Header slots for parsing a message on the stack. */
#define SIP_TXN_MAX_HDRS SIP_DEFAULT_MAX_HEADERS

/* Timer names, for the machines' switches and the log. */
typedef enum txn_timer_name {
    TM_NONE, TM_A, TM_B, TM_D, TM_E, TM_F, TM_G, TM_H, TM_I, TM_J, TM_K, TM_L, TM_M,
    TM_TRYING,      /* server INVITE: automatic 100 */
    TM_CANCEL_WAIT, /* client INVITE: no final answer 64*T1 after CANCEL (§9.1) */
    TM_TU_WAIT,     /* server non-INVITE: the TU never answered */
    TM_DEFER,       /* client: an outcome to deliver outside the TU's own call */
} txn_timer_name;

/* Two timer slots are enough: no state runs more than two timers at once. */
enum { TXN_SLOT_RETRANS = 0, TXN_SLOT_LIFE = 1, TXN_SLOTS = 2 };

typedef struct txn_timer {
    uint64_t handle;  /* env handle, 0 when idle */
    uint8_t name;     /* txn_timer_name */
} txn_timer;

enum {
    TXN_F_FINAL_SENT = 1 << 0,      /* client: final outcome delivered; server: final answer sent */
    TXN_F_PROVISIONAL = 1 << 1,     /* client: a provisional arrived; server: one was sent */
    TXN_F_CANCEL_PENDING = 1 << 2,  /* client INVITE: CANCEL waits for a provisional */
    TXN_F_ACKED = 1 << 3,           /* server INVITE (Accepted): the 2xx was ACKed */
    TXN_F_RFC2543 = 1 << 4,         /* server: the request's branch lacks the magic cookie */
    TXN_F_DLG_LINKED = 1 << 5,      /* server INVITE: in the ACK-for-2xx chain */
    TXN_F_DEAD = 1 << 6,            /* terminated, waiting to be freed */
    TXN_F_TCP_FOR_SIZE = 1 << 7,    /* client: meant for UDP, sent over TCP for its size (§18.1.1) */
    TXN_F_TP_ERROR = 1 << 8,        /* client: marked by a transport error, outcome pending */
};

typedef struct sip_txn sip_txn;
struct sip_txn {
    sip_txn *next;       /* hash chain by branch (Call-ID for RFC 2543 requests) */
    sip_txn *dnext;      /* server INVITE after a 2xx: chain by Call-ID for ACK matching */
    sip_txn_id id;
    uint32_t hash, dhash;
    uint8_t kind;        /* sip_txn_kind */
    uint8_t state;       /* sip_txn_state */
    uint16_t flags;
    txn_timer timers[TXN_SLOTS];
    uint32_t interval_ms;/* current retransmit interval (A, E, G, 2xx) */
    sip_peer peer;       /* client: destination; server: where the request came from */

    char *req;           /* our copy of the request (server: with stamped Via) */
    size_t req_len;
    char *out;           /* server: last response sent; client INVITE: ACK for a non-2xx */
    size_t out_len;

    /* Matching keys, slices into req (and to_tag into out). */
    sp_str branch, method, sent_by;
    uint16_t sent_by_port;
    sp_str call_id, from_tag, to_tag;
    uint32_t cseq;

    unsigned last_status;  /* last response sent (server) or received (client) */
    sip_txn_client_cb cb;  /* client */
    void *cb_ctx;
    sip_txn_id cancel;     /* client INVITE: its CANCEL transaction, once sent */
    sip_txn_client_cb cancel_cb;
    void *cancel_ctx;
};

struct sip_txn_layer {
    sip_txn_config cfg;
    sip_txn_env env;
    sip_txn_tu tu;

    /* Slots give ids: id = generation << 32 | slot index + 1. */
    sip_txn **slots;
    uint32_t *gens;
    uint32_t *free_slots;
    uint32_t nfree;
    size_t live;

    sip_txn **buckets;     /* by branch */
    sip_txn **dbuckets;    /* by Call-ID, server INVITEs after 2xx */
    uint32_t mask;

    sip_txn *dead;         /* terminated during a call, freed when it unwinds */
    unsigned depth;

    uint64_t branch_seed, branch_count;
    uint64_t retransmissions;

    /* The request a server transaction was created from, while the TU's
     * on_request runs: answering it needs no re-parse. */
    sip_txn_id cur_id;
    const sip_msg *cur_msg;

    char *scratch;         /* cfg.limits.max_msg_size bytes for building messages */
    size_t scratch_cap;
};

/* --- sip_txn_table.c ---------------------------------------------------- */
uint32_t txn_hash(sp_str s, bool fold_case);
sip_txn *txn_alloc(sip_txn_layer *L, sip_txn_kind kind);
sip_txn *txn_get(const sip_txn_layer *L, sip_txn_id id);
void txn_link(sip_txn_layer *L, sip_txn *t, uint32_t hash);
void txn_dlink(sip_txn_layer *L, sip_txn *t, uint32_t dhash);
/* Unlinks, cancels timers and queues t for freeing when the outermost call returns. */
void txn_kill(sip_txn_layer *L, sip_txn *t);
void txn_enter(sip_txn_layer *L);
void txn_leave(sip_txn_layer *L);
void txn_free_all(sip_txn_layer *L);

/* --- sip_txn_layer.c ------------------------------------------------------ */
/* Every state change goes through here (and is logged "old -> new (event)");
 * entering TERMINATED kills the transaction. */
void txn_set_state(sip_txn_layer *L, sip_txn *t, sip_txn_state to, const char *event);
void txn_timer_set(sip_txn_layer *L, sip_txn *t, int slot, txn_timer_name name, uint64_t ms);
void txn_timer_stop(sip_txn_layer *L, sip_txn *t, int slot);
/* Sends through env; -1 on a transport failure. */
int txn_send(sip_txn_layer *L, const sip_peer *dest, const char *buf, size_t len);
/* A malloc'd copy of len bytes, or NULL. */
char *txn_dup(const char *buf, size_t len);

/* --- sip_txn_match.c ----------------------------------------------------- */
bool txn_branch_is_magic(sp_str branch);
/* The top Via of a message, parsed; false when absent or malformed. */
bool txn_top_via(const sip_msg *msg, sip_via *via);
/* Tag of From/To; absent slice when none or unparseable. */
sp_str txn_tag_of(const sip_msg *msg, sip_hdr_id id);
bool txn_cseq_of(const sip_msg *msg, sip_cseq *cseq);
/* §17.1.3: the client transaction a response belongs to, or NULL. */
sip_txn *txn_match_response(sip_txn_layer *L, const sip_msg *resp);
/* §17.2.3: the server transaction a request belongs to, or NULL. method is
 * the method to match (INVITE for a CANCEL's target, §9.2). */
sip_txn *txn_match_request(sip_txn_layer *L, const sip_msg *req, sp_str method, bool for_cancel);
/* An ACK for a 2xx: the server INVITE in Accepted state it acknowledges. */
sip_txn *txn_match_ack_2xx(sip_txn_layer *L, const sip_msg *ack);
/* Fills the matching keys of a server transaction from its stored request. */
void txn_server_keys(sip_txn *t, const sip_msg *req, const sip_via *via);

/* --- sip_txn_client.c ------------------------------------------------------ */
void txn_client_response(sip_txn_layer *L, sip_txn *t, const sip_msg *resp);
void txn_client_timer(sip_txn_layer *L, sip_txn *t, txn_timer_name name);
/* A transport error marked t (TXN_F_TP_ERROR): 503, or UDP again (§18.1.1). */
void txn_client_transport_error(sip_txn_layer *L, sip_txn *t, bool connect_failed);

/* --- sip_txn_server.c ------------------------------------------------------ */
/* A request that matched no transaction and passed the stateless checks. */
void txn_server_new(sip_txn_layer *L, const sip_msg *req, const char *buf, const sip_peer *src);
void txn_server_retransmit(sip_txn_layer *L, sip_txn *t, const sip_msg *req);
void txn_server_ack(sip_txn_layer *L, sip_txn *t);
void txn_server_timer(sip_txn_layer *L, sip_txn *t, txn_timer_name name);
void txn_server_cancel(sip_txn_layer *L, const sip_msg *cancel, const char *buf, const sip_peer *src);
/* Sends a response built in L->scratch statelessly to the request's Via. */
void txn_stateless_send(sip_txn_layer *L, const sip_via *via, const sip_peer *src, const char *buf, long len);
/* Answers req (parsed from buf) statelessly; never an ACK. */
void txn_stateless_reply(sip_txn_layer *L, const sip_msg *req, const char *buf, const sip_peer *src,
                         unsigned status, sp_str reason, sp_str headers);

#endif
