/* sip_txn_table.c - transaction records: ids, the indexes, freeing.
 *
 * Records are fixed-size and live in chunks of TXN_CHUNK made as the layer
 * first needs them, so a new transaction costs no allocation of its record
 * once the layer has seen its peak, and memory follows the peak rather than
 * max_txns. A record's generation makes its ids unique over its reuses, so
 * an id outlives its transaction harmlessly. A transaction that terminates
 * while the layer is inside a call (a TU callback may be running with it on
 * the stack) is unlinked at once and freed when the outermost call returns. */
#include <stdlib.h>
#include <string.h>

#include "sip_txn_impl.h"

/* FNV-1a; branches and tags are tokens, compared without case (§7.3.1). */
uint32_t txn_hash(sp_str s, bool fold_case)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s.n; i++) {
        char c = fold_case ? sp_ascii_lower(s.p[i]) : s.p[i];
        h = (h ^ (uint8_t)c) * 16777619u;
    }
    return h;
}

static uint32_t rec_of(sip_txn_id id) { return (uint32_t)(id & 0xffffffffu); }

sip_txn *txn_rec(const sip_txn_layer *L, uint32_t rec)
{
    if (rec == 0 || rec > L->nrecs)
        return NULL;
    rec--;
    return &L->chunks[rec >> TXN_CHUNK_BITS][rec & (TXN_CHUNK - 1)];
}

/* A free record: a recycled one, else the next of the current chunk. */
static uint32_t take_record(sip_txn_layer *L)
{
    if (L->free_rec) {
        uint32_t rec = L->free_rec;
        L->free_rec = txn_rec(L, rec)->link;
        return rec;
    }
    if (L->nrecs == L->cfg.max_txns)
        return 0;
    uint32_t c = L->nrecs >> TXN_CHUNK_BITS;
    if (!L->chunks[c]) {
        /* the last chunk holds only what max_txns leaves for it */
        uint32_t n = L->cfg.max_txns - c * TXN_CHUNK;
        L->chunks[c] = calloc(n < TXN_CHUNK ? n : TXN_CHUNK, sizeof(sip_txn));
        if (!L->chunks[c])
            return 0;
    }
    return ++L->nrecs;
}

sip_txn *txn_alloc(sip_txn_layer *L, sip_txn_kind kind)
{
    uint32_t rec = 0;
    if (L->live >= L->cfg.max_txns || txn_index_reserve(&L->index) != 0 || !(rec = take_record(L))) {
        L->room_wanted = true; /* tu.on_room when one ends */
        return NULL;
    }
    sip_txn *t = txn_rec(L, rec);
    uint32_t gen = t->gen + 1 ? t->gen + 1 : 1;
    memset(t, 0, sizeof *t);
    t->gen = gen;
    t->id = ((sip_txn_id)gen << 32) | rec;
    t->kind = (uint8_t)kind;
    t->state = SIP_TXN_TERMINATED + 1; /* "Init" in the log until the first state is set */
    for (int i = 0; i < TXN_SLOTS; i++)
        t->timers[i].slot = (uint8_t)i;
    L->live++;
    return t;
}

sip_txn *txn_get(const sip_txn_layer *L, sip_txn_id id)
{
    sip_txn *t = txn_rec(L, rec_of(id));
    if (!t || t->id != id || (t->flags & TXN_F_DEAD))
        return NULL;
    return t;
}

void txn_link(sip_txn_layer *L, sip_txn *t, uint32_t hash)
{
    t->hash = hash;
    txn_index_add(&L->index, hash, rec_of(t->id)); /* room was reserved by txn_alloc */
}

void txn_dlink(sip_txn_layer *L, sip_txn *t, uint32_t dhash)
{
    if (t->flags & TXN_F_DLG_LINKED)
        return;
    /* out of memory: the 2xx goes on until timer L, as if its ACK were lost */
    if (txn_index_add(&L->dindex, dhash, rec_of(t->id)) != 0)
        return;
    t->dhash = dhash;
    t->flags |= TXN_F_DLG_LINKED;
}

static void txn_release(sip_txn_layer *L, sip_txn *t)
{
    uint32_t rec = rec_of(t->id);
    free(t->req);
    free(t->out);
    t->req = t->out = NULL;
    t->id = 0;
    t->link = L->free_rec;
    L->free_rec = rec;
    L->live--;
}

void txn_kill(sip_txn_layer *L, sip_txn *t)
{
    if (t->flags & TXN_F_DEAD)
        return;
    for (int i = 0; i < TXN_SLOTS; i++)
        txn_timer_stop(L, t, i);
    uint32_t rec = rec_of(t->id);
    /* a record being set up is filed nowhere yet: nothing matches its hash and number */
    txn_index_del(&L->index, t->hash, rec);
    if (t->flags & TXN_F_DLG_LINKED)
        txn_index_del(&L->dindex, t->dhash, rec);
    t->flags |= TXN_F_DEAD;
    t->link = L->dead;
    L->dead = rec;
    if (L->depth == 0) /* not inside a call: nothing can still hold it */
        txn_leave(L);
}

void txn_enter(sip_txn_layer *L) { L->depth++; }

void txn_leave(sip_txn_layer *L)
{
    if (L->depth > 0)
        L->depth--;
    if (L->depth > 0)
        return;
    while (L->dead) {
        sip_txn *t = txn_rec(L, L->dead);
        L->dead = t->link;
        txn_release(L, t);
    }
    /* a transaction ended after one was refused: the TU may try again now */
    if (L->room_wanted && L->live < L->cfg.max_txns && L->tu.on_room && !L->in_room) {
        L->room_wanted = false;
        L->in_room = true;
        L->tu.on_room(L->tu.ctx);
        L->in_room = false;
    }
}

void txn_free_all(sip_txn_layer *L)
{
    L->tu.on_room = NULL; /* the layer is going: no one to tell */
    for (uint32_t rec = 1; rec <= L->nrecs; rec++) {
        sip_txn *t = txn_rec(L, rec);
        if (t->id && !(t->flags & TXN_F_DEAD))
            txn_kill(L, t);
    }
    L->depth = 0;
    txn_leave(L);
}

/* Moves the bytes of s to dst + *at (the caller made sure they fit). */
static void keep(sp_str *s, char *dst, size_t *at)
{
    if (!s->p)
        return;
    memcpy(dst + *at, s->p, s->n);
    s->p = dst + *at;
    *at += s->n;
}

void txn_keys_inline(sip_txn *t)
{
    size_t at = 0;
    keep(&t->branch, t->key_bytes, &at);
    keep(&t->method, t->key_bytes, &at);
    keep(&t->sent_by, t->key_bytes, &at);
    t->flags |= TXN_F_KEYS_INLINE;
}

void txn_shed_request(sip_txn_layer *L, sip_txn *t)
{
    if (!t->req || !(t->flags & TXN_F_KEYS_INLINE) || (t->flags & TXN_F_RFC2543) || L->cur_id == t->id)
        return;
    /* nothing reads these once the final answer is out (only 2xx-to-INVITE ACK matching does) */
    t->call_id = t->from_tag = SP_STR_NULL;
    free(t->req);
    t->req = NULL;
    t->req_len = 0;
}
