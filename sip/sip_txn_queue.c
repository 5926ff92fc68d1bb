/* sip_txn_queue.c - the transactions' timers: one FIFO queue per duration.
 *
 * Every timer of one duration is appended when armed, so each queue is
 * already in due order: arming, stopping and expiring cost O(1) however
 * many transactions wait (a server non-INVITE waits 64*T1 in Completed over
 * UDP, so a busy layer holds rate x 32 s of them). The environment sees one
 * timer per non-empty queue, armed for no later than its head's due time:
 * when the head goes, that timer is left to fire early and re-armed then. */
#include <stddef.h>

#include "sip_txn_impl.h"

static sip_txn *owner_of(txn_timer *n)
{
    return (sip_txn *)(void *)((char *)(n - n->slot) - offsetof(sip_txn, timers));
}

static void env_arm(sip_txn_layer *L, txn_queue *q, unsigned qi, uint64_t now)
{
    uint64_t due = q->head->due;
    uint64_t h = L->env.timer_start(L->env.ctx, due > now ? due - now : 0, qi);
    q->handle = h;
    q->armed_due = due;
}

static void env_disarm(sip_txn_layer *L, txn_queue *q)
{
    if (q->handle)
        L->env.timer_cancel(L->env.ctx, q->handle);
    q->handle = 0;
}

/* The queue of a duration, made on first use; NULL past TXN_QUEUES_MAX. */
static txn_queue *queue_for(sip_txn_layer *L, uint64_t ms, unsigned *qi)
{
    for (unsigned i = 0; i < L->nqueues; i++) {
        if (L->queues[i].delay_ms == ms) {
            *qi = i;
            return &L->queues[i];
        }
    }
    if (L->nqueues == TXN_QUEUES_MAX)
        return NULL;
    txn_queue *q = &L->queues[L->nqueues];
    *q = (txn_queue){.delay_ms = ms};
    *qi = L->nqueues++;
    return q;
}

static void unlink_node(sip_txn_layer *L, txn_timer *n)
{
    txn_queue *q = &L->queues[n->queue];
    if (n->prev)
        n->prev->next = n->next;
    else
        q->head = n->next;
    if (n->next)
        n->next->prev = n->prev;
    else
        q->tail = n->prev;
    n->prev = n->next = NULL;
    n->name = TM_NONE;
    if (!q->head && !L->firing)
        env_disarm(L, q);
}

void txn_timer_stop(sip_txn_layer *L, sip_txn *t, int slot)
{
    if (t->timers[slot].name != TM_NONE)
        unlink_node(L, &t->timers[slot]);
}

void txn_timer_set(sip_txn_layer *L, sip_txn *t, int slot, txn_timer_name name, uint64_t ms)
{
    txn_timer_stop(L, t, slot);
    unsigned qi;
    txn_queue *q = queue_for(L, ms, &qi);
    if (!q)
        return;
    uint64_t now = L->env.now_ms(L->env.ctx);
    txn_timer *n = &t->timers[slot];
    n->due = now + ms;
    n->name = (uint8_t)name;
    n->slot = (uint8_t)slot;
    n->queue = (uint8_t)qi;
    n->seq = L->arm_seq++;
    n->next = NULL;
    n->prev = q->tail;
    if (q->tail)
        q->tail->next = n;
    else
        q->head = n;
    q->tail = n;
    if (!q->handle && !L->firing) {
        env_arm(L, q, qi, now);
        if (!q->handle)
            unlink_node(L, n); /* no timer to be had: the slot stays idle */
    }
}

/* The env timer of queue 'cookie' fired: every timer of it now due runs,
 * earliest first, except those armed by this pass (a 0 ms timer is due at
 * once), which wait for the next one as the env would have them wait. */
void sip_txn_timer(sip_txn_layer *L, uint64_t cookie)
{
    if (cookie >= L->nqueues || !L->queues[cookie].handle)
        return;
    txn_enter(L);
    unsigned qi = (unsigned)cookie;
    txn_queue *q = &L->queues[qi];
    q->handle = 0;
    uint64_t now = L->env.now_ms(L->env.ctx);
    uint32_t pass = L->arm_seq;
    bool outer = !L->firing;
    L->firing = true;
    while (q->head && q->head->due <= now && (int32_t)(q->head->seq - pass) < 0) {
        txn_timer *n = q->head;
        txn_timer_name name = (txn_timer_name)n->name;
        unlink_node(L, n);
        txn_timer_expired(L, owner_of(n), name);
    }
    if (outer) {
        L->firing = false;
        /* queues touched by the callbacks may be unarmed or empty with a timer left */
        for (unsigned i = 0; i < L->nqueues; i++) {
            txn_queue *o = &L->queues[i];
            if (o->head && (!o->handle || o->armed_due > o->head->due)) {
                env_disarm(L, o);
                env_arm(L, o, i, now);
            } else if (!o->head) {
                env_disarm(L, o);
            }
        }
    }
    txn_leave(L);
}
