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
/* A request that finds no room for its transaction (max_txns) gets 503
 * with this Retry-After: the layer is loaded, not broken (RFC 3261 §21.5.4). */
#define TXN_FULL_RETRY_AFTER "Retry-After: 5\r\n"

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

/* A transaction's timer: a node of the queue of its duration
 * (sip_txn_queue.c), idle when name is TM_NONE. */
typedef struct txn_timer txn_timer;
struct txn_timer {
    txn_timer *prev, *next; /* in its queue, earliest first */
    uint64_t due;           /* on env->now_ms */
    uint8_t name;           /* txn_timer_name */
    uint8_t slot;           /* its index in the transaction's timers[] */
    uint8_t queue;          /* its index in L->queues */
    uint32_t seq;           /* arm order (wraps): what a pass of its queue may run */
};

/* Every timer of one duration: appended at arm time, so already in due
 * order. One env timer stands for the head. Durations come from the
 * configuration: 200 ms, 1 ms (deferred outcomes), T1 doubled up to 64*T1
 * (A) or up to T2 (E, G, at most 33 steps of a 32-bit T1), T2, 64*T1, T4,
 * timer D: fewer than TXN_QUEUES_MAX. */
#define TXN_QUEUES_MAX 64
typedef struct txn_queue {
    uint64_t delay_ms;
    txn_timer *head, *tail;
    uint64_t handle;        /* the env timer for the head, 0 when none */
    uint64_t armed_due;     /* when that env timer fires */
} txn_queue;

enum {
    TXN_F_FINAL_SENT = 1 << 0,      /* client: final outcome delivered; server: final answer sent */
    TXN_F_PROVISIONAL = 1 << 1,     /* client: a provisional arrived; server: one was sent */
    TXN_F_CANCEL_PENDING = 1 << 2,  /* client INVITE: CANCEL waits for a provisional */
    TXN_F_ACKED = 1 << 3,           /* server INVITE (Accepted): the 2xx was ACKed */
    TXN_F_RFC2543 = 1 << 4,         /* server: the request's branch lacks the magic cookie */
    TXN_F_DLG_LINKED = 1 << 5,      /* server INVITE: in the ACK-for-2xx index */
    TXN_F_DEAD = 1 << 6,            /* terminated, waiting to be freed */
    TXN_F_TCP_FOR_SIZE = 1 << 7,    /* client: meant for UDP, sent over TCP for its size (§18.1.1) */
    TXN_F_TP_ERROR = 1 << 8,        /* client: marked by a transport error, outcome pending */
    TXN_F_KEYS_INLINE = 1 << 9,     /* branch, method, sent-by live in key_bytes */
    TXN_F_RPORT = 1 << 10,          /* client: the request's Via asks rport (RFC 3581) */
};

/* Room in a record for the matching keys, so that they outlive the request
 * copy (and a server needs no Via parse of its copy). */
#define TXN_KEY_INLINE 64

typedef struct sip_txn sip_txn;
struct sip_txn {
    sip_txn_id id;       /* 0 while the record is free */
    uint32_t hash, dhash;/* in L->index (branch, or Call-ID for RFC 2543), L->dindex (Call-ID) */
    uint32_t gen;        /* generation of the record, kept while it is free */
    uint32_t link;       /* record number + 1 of the next free or dead record */
    uint8_t kind;        /* sip_txn_kind */
    uint8_t state;       /* sip_txn_state */
    uint16_t flags;
    uint32_t interval_ms;/* current retransmit interval (A, E, G, 2xx) */
    txn_timer timers[TXN_SLOTS];
    sip_peer peer;       /* client: destination; server: where the request came from */

    char *req;           /* our copy of the request (server: with stamped Via); NULL once
                            Completed needs only the keys (they then live in key_bytes) */
    size_t req_len;
    char *out;           /* server: last response sent; client INVITE: ACK for a non-2xx */
    size_t out_len;

    /* Matching keys: slices into key_bytes (TXN_F_KEYS_INLINE) or req, to_tag into out. */
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
    char key_bytes[TXN_KEY_INLINE];
};

/* Transactions by hash: open addressing, linear probing, at most half full. */
typedef struct txn_index_entry {
    uint32_t hash;
    uint32_t rec;          /* record number + 1; 0: empty */
} txn_index_entry;

typedef struct txn_index {
    txn_index_entry *e;
    uint32_t mask;         /* capacity - 1; capacity a power of two */
    uint32_t count;
} txn_index;

/* An upper bound of an index's bytes per entry: grown at half full, it is
 * at least a quarter full. */
#define TXN_INDEX_BYTES_PER_TXN (4 * sizeof(txn_index_entry))

/* Records live in chunks that never move; a record number is an id's low half - 1. */
#define TXN_CHUNK_BITS 10
#define TXN_CHUNK (1u << TXN_CHUNK_BITS)

struct sip_txn_layer {
    sip_txn_config cfg;
    sip_txn_env env;
    sip_txn_tu tu;

    sip_txn **chunks;      /* ceil(max_txns / TXN_CHUNK) pointers, filled as records are needed */
    uint32_t nrecs;        /* records made so far */
    uint32_t free_rec;     /* record number + 1 of the first free record, 0: none */
    size_t live;

    txn_index index;       /* by branch (Call-ID for RFC 2543 requests) */
    txn_index dindex;      /* by Call-ID, server INVITEs after 2xx */

    txn_queue queues[TXN_QUEUES_MAX];
    unsigned nqueues;
    bool firing;           /* a queue's expired timers are being run */
    uint32_t arm_seq;      /* timers armed so far (wraps) */

    uint32_t dead;         /* record number + 1: terminated during a call, freed when it unwinds */
    unsigned depth;
    bool room_wanted;      /* a new transaction was refused for a full table */
    bool in_room;          /* inside tu.on_room */

    uint64_t retransmissions;

    /* The request a server transaction was created from, while the TU's
     * on_request runs: answering it needs no re-parse. */
    sip_txn_id cur_id;
    const sip_msg *cur_msg;

    char *scratch;         /* cfg.limits.max_msg_size bytes for building messages */
    size_t scratch_cap;
};

/* --- sip_txn_index.c ---------------------------------------------------- */
/* The hash transactions are filed under (a branch, or a Call-ID): eight
 * bytes a step. fold_case: keys equal but for case hash the same. */
uint32_t txn_key_hash(sp_str s, bool fold_case);
/* Adds an entry, growing the index when it would pass half full; -1 when out of memory. */
int txn_index_add(txn_index *ix, uint32_t hash, uint32_t rec);
/* Room for one more entry without growing later; -1 when out of memory. */
int txn_index_reserve(txn_index *ix);
void txn_index_del(txn_index *ix, uint32_t hash, uint32_t rec);
/* Where an entry's probe starts: the hash mixed once more (murmur3's
 * finaliser), so that keys differing in one character land far apart. */
static inline uint32_t txn_index_home(uint32_t hash, uint32_t mask)
{
    hash ^= hash >> 16;
    hash *= 0x85ebca6bu;
    hash ^= hash >> 13;
    hash *= 0xc2b2ae35u;
    hash ^= hash >> 16;
    return hash & mask;
}
/* The records filed under hash: start at txn_index_start(), then call
 * txn_index_next() until it returns 0. */
static inline uint32_t txn_index_start(const txn_index *ix, uint32_t hash) { return txn_index_home(hash, ix->mask); }
uint32_t txn_index_next(const txn_index *ix, uint32_t hash, uint32_t *pos);
void txn_index_free(txn_index *ix);

/* --- sip_txn_table.c ---------------------------------------------------- */
uint32_t txn_hash(sp_str s, bool fold_case);
/* A zeroed record with a fresh id and room in the index; NULL at max_txns or out of memory. */
sip_txn *txn_alloc(sip_txn_layer *L, sip_txn_kind kind);
sip_txn *txn_get(const sip_txn_layer *L, sip_txn_id id);
/* Record number rec - 1, or NULL when not made yet. */
sip_txn *txn_rec(const sip_txn_layer *L, uint32_t rec);
/* Transactions filed under hash in L->index, then L->dindex (the records, live or not). */
void txn_link(sip_txn_layer *L, sip_txn *t, uint32_t hash);
void txn_dlink(sip_txn_layer *L, sip_txn *t, uint32_t dhash);
/* Unlinks, cancels timers and queues t for freeing when the outermost call returns. */
void txn_kill(sip_txn_layer *L, sip_txn *t);
void txn_enter(sip_txn_layer *L);
void txn_leave(sip_txn_layer *L);
void txn_free_all(sip_txn_layer *L);
/* Whether branch, method and sent-by fit key_bytes. */
static inline bool txn_keys_fit(sp_str branch, sp_str method, sp_str sent_by)
{
    return branch.n + method.n + sent_by.n <= TXN_KEY_INLINE;
}
/* Copies the keys of t (which must fit) into key_bytes and points them there. */
void txn_keys_inline(sip_txn *t);
/* Drops the request copy of a transaction whose matching needs only its
 * inline keys. No-op for RFC 2543 matching (which reads the request) or
 * while the TU is looking at the request. */
void txn_shed_request(sip_txn_layer *L, sip_txn *t);

/* --- sip_txn_queue.c ------------------------------------------------------ */
/* Arms slot of t for ms, replacing what it ran; left idle when no env
 * timer could be armed. */
void txn_timer_set(sip_txn_layer *L, sip_txn *t, int slot, txn_timer_name name, uint64_t ms);
void txn_timer_stop(sip_txn_layer *L, sip_txn *t, int slot);
static inline bool txn_timer_running(const sip_txn *t, int slot) { return t->timers[slot].name != TM_NONE; }

/* --- sip_txn_layer.c ------------------------------------------------------ */
/* Every state change goes through here (and is logged "old -> new (event)");
 * entering TERMINATED kills the transaction. */
void txn_set_state(sip_txn_layer *L, sip_txn *t, sip_txn_state to, const char *event);
/* Runs the machine of t for an expired timer. */
void txn_timer_expired(sip_txn_layer *L, sip_txn *t, txn_timer_name name);
/* Sends through env; -1 on a transport failure. */
int txn_send(sip_txn_layer *L, const sip_peer *dest, const char *buf, size_t len);
/* A malloc'd copy of len bytes, or NULL. */
char *txn_dup(const char *buf, size_t len);

/* --- sip_txn_match.c ----------------------------------------------------- */
bool txn_branch_is_magic(sp_str branch);
/* The top Via of a message, parsed; false when absent or malformed. */
bool txn_top_via(const sip_msg *msg, sip_via *via);
/* The same, with the Via's element in its header value. */
bool txn_top_via_elem(const sip_msg *msg, sip_via *via, sp_str *elem);
/* Tag of From/To; absent slice when none or unparseable. */
sp_str txn_tag_of(const sip_msg *msg, sip_hdr_id id);
bool txn_cseq_of(const sip_msg *msg, sip_cseq *cseq);
/* §17.1.3: the client transaction a response belongs to, or NULL. */
sip_txn *txn_match_response(sip_txn_layer *L, const sip_msg *resp);
/* Whether a response to client transaction t may come from src: over UDP,
 * for a request that asked rport, only from where it was sent (RFC 3581 §4). */
bool txn_response_from_peer(const sip_txn *t, const sip_peer *src);
/* §17.2.3: the server transaction a request belongs to, or NULL. method is
 * the method to match (INVITE for a CANCEL's target, §9.2). */
sip_txn *txn_match_request(sip_txn_layer *L, const sip_msg *req, const sip_via *via, sp_str method,
                           bool for_cancel);
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
/* A request that matched no transaction and passed the stateless checks;
 * via is its top Via, via_elem that Via's text. */
void txn_server_new(sip_txn_layer *L, const sip_msg *req, const sip_via *via, sp_str via_elem, const char *buf,
                    const sip_peer *src);
void txn_server_retransmit(sip_txn_layer *L, sip_txn *t, const sip_msg *req);
void txn_server_ack(sip_txn_layer *L, sip_txn *t);
void txn_server_timer(sip_txn_layer *L, sip_txn *t, txn_timer_name name);
void txn_server_cancel(sip_txn_layer *L, const sip_msg *cancel, const sip_via *via, sp_str via_elem,
                       const char *buf, const sip_peer *src);
/* Sends a response built in L->scratch statelessly to the request's Via. */
void txn_stateless_send(sip_txn_layer *L, const sip_via *via, const sip_peer *src, const char *buf, long len);
/* Answers req (parsed from buf) statelessly; never an ACK. */
void txn_stateless_reply(sip_txn_layer *L, const sip_msg *req, const char *buf, const sip_peer *src,
                         unsigned status, sp_str reason, sp_str headers);

#endif
