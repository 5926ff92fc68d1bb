/* sip_txn_table.c - transaction records: ids, the hash tables, freeing.
 *
 * Slots hand out ids carrying a generation, so an id outlives its record
 * harmlessly. A transaction that terminates while the layer is inside a
 * call (a TU callback may be running with it on the stack) is unlinked at
 * once and freed when the outermost call returns. */
#include <stdlib.h>

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

static uint32_t slot_of(sip_txn_id id) { return (uint32_t)(id & 0xffffffffu); }

sip_txn *txn_alloc(sip_txn_layer *L, sip_txn_kind kind)
{
    if (L->nfree == 0)
        return NULL;
    sip_txn *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    uint32_t slot = L->free_slots[--L->nfree];
    /* Generations stay below 2^30 so that an id fits a timer cookie with 2 bits to spare. */
    L->gens[slot] = (L->gens[slot] + 1) & 0x3fffffffu;
    if (L->gens[slot] == 0)
        L->gens[slot] = 1;
    L->slots[slot] = t;
    t->id = ((sip_txn_id)L->gens[slot] << 32) | (slot + 1);
    t->kind = (uint8_t)kind;
    t->state = SIP_TXN_TERMINATED + 1; /* "Init" in the log until the first state is set */
    L->live++;
    return t;
}

sip_txn *txn_get(const sip_txn_layer *L, sip_txn_id id)
{
    uint32_t s = slot_of(id);
    if (s == 0 || s > L->cfg.max_txns)
        return NULL;
    sip_txn *t = L->slots[s - 1];
    if (!t || t->id != id || (t->flags & TXN_F_DEAD))
        return NULL;
    return t;
}

void txn_link(sip_txn_layer *L, sip_txn *t, uint32_t hash)
{
    t->hash = hash;
    sip_txn **b = &L->buckets[hash & L->mask];
    t->next = *b;
    *b = t;
}

void txn_dlink(sip_txn_layer *L, sip_txn *t, uint32_t dhash)
{
    if (t->flags & TXN_F_DLG_LINKED)
        return;
    t->dhash = dhash;
    sip_txn **b = &L->dbuckets[dhash & L->mask];
    t->dnext = *b;
    *b = t;
    t->flags |= TXN_F_DLG_LINKED;
}

static void unlink_from(sip_txn **head, sip_txn *t, bool dialog_chain)
{
    for (sip_txn **pp = head; *pp; pp = dialog_chain ? &(*pp)->dnext : &(*pp)->next) {
        if (*pp == t) {
            *pp = dialog_chain ? t->dnext : t->next;
            return;
        }
    }
}

static void txn_release(sip_txn_layer *L, sip_txn *t)
{
    uint32_t s = slot_of(t->id) - 1;
    L->slots[s] = NULL;
    L->free_slots[L->nfree++] = s;
    L->live--;
    free(t->req);
    free(t->out);
    free(t);
}

void txn_kill(sip_txn_layer *L, sip_txn *t)
{
    if (t->flags & TXN_F_DEAD)
        return;
    for (int i = 0; i < TXN_SLOTS; i++)
        txn_timer_stop(L, t, i);
    unlink_from(&L->buckets[t->hash & L->mask], t, false);
    if (t->flags & TXN_F_DLG_LINKED)
        unlink_from(&L->dbuckets[t->dhash & L->mask], t, true);
    t->flags |= TXN_F_DEAD;
    t->next = L->dead;
    L->dead = t;
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
        sip_txn *t = L->dead;
        L->dead = t->next;
        txn_release(L, t);
    }
}

void txn_free_all(sip_txn_layer *L)
{
    for (uint32_t s = 0; s < L->cfg.max_txns; s++) {
        sip_txn *t = L->slots[s];
        if (t && !(t->flags & TXN_F_DEAD))
            txn_kill(L, t);
    }
    L->depth = 0;
    txn_leave(L);
}
