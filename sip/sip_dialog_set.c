/* sip_dialog_set.c - finding the dialog of an in-dialog request by Call-ID
 * and tags (RFC 3261 §12.2.2). */
#include <stdlib.h>

#include "sip_dialog.h"
#include "sip_txn_impl.h"

struct sip_dialog_set {
    sip_dialog **buckets;
    size_t mask, count, max;
};

sip_dialog_set *sip_dialog_set_new(size_t max)
{
    if (max == 0)
        max = SIP_DIALOG_SET_MAX_DEFAULT;
    size_t nb = 1;
    while (nb < max)
        nb <<= 1;
    sip_dialog_set *s = calloc(1, sizeof *s);
    if (!s || !(s->buckets = calloc(nb, sizeof *s->buckets))) {
        free(s);
        return NULL;
    }
    s->mask = nb - 1;
    s->max = max;
    return s;
}

void sip_dialog_set_free(sip_dialog_set *s)
{
    if (s)
        free(s->buckets);
    free(s);
}

/* Call-IDs are compared exactly, tags without case (§7.3.1, §20.8). */
static size_t key_hash(sp_str call_id, sp_str local_tag, sp_str remote_tag)
{
    return txn_hash(call_id, false) ^ (txn_hash(local_tag, true) * 31u) ^ (txn_hash(remote_tag, true) * 961u);
}

int sip_dialog_set_add(sip_dialog_set *s, sip_dialog *d)
{
    if (s->count >= s->max)
        return SP_ELIMIT;
    sip_dialog **b = &s->buckets[key_hash(d->call_id, d->local_tag, d->remote_tag) & s->mask];
    d->next = *b;
    *b = d;
    s->count++;
    return 0;
}

void sip_dialog_set_remove(sip_dialog_set *s, sip_dialog *d)
{
    for (sip_dialog **pp = &s->buckets[key_hash(d->call_id, d->local_tag, d->remote_tag) & s->mask]; *pp;
         pp = &(*pp)->next) {
        if (*pp == d) {
            *pp = d->next;
            d->next = NULL;
            s->count--;
            return;
        }
    }
}

sip_dialog *sip_dialog_set_find(const sip_dialog_set *s, sp_str call_id, sp_str local_tag, sp_str remote_tag)
{
    if (!remote_tag.p)
        remote_tag = SP_LIT("");
    for (sip_dialog *d = s->buckets[key_hash(call_id, local_tag, remote_tag) & s->mask]; d; d = d->next)
        if (sp_str_eq(d->call_id, call_id) && sp_str_caseeq(d->local_tag, local_tag) &&
            sp_str_caseeq(d->remote_tag, remote_tag))
            return d;
    return NULL;
}

size_t sip_dialog_set_count(const sip_dialog_set *s) { return s->count; }

sip_dialog *sip_dialog_set_route(sip_dialog_set *s, const sip_msg *req, unsigned *status)
{
    *status = 0;
    sp_str to_tag = txn_tag_of(req, SIP_H_TO);
    if (!to_tag.n)
        return NULL; /* not in a dialog */
    const sip_header *callid = sip_msg_find(req, SIP_H_CALL_ID);
    sip_dialog *d = callid ? sip_dialog_set_find(s, callid->value, to_tag, txn_tag_of(req, SIP_H_FROM)) : NULL;
    if (!d) {
        *status = 481;
        return NULL;
    }
    *status = sip_dialog_on_request(d, req);
    return d;
}
