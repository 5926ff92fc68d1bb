/* push_psa_queue.c - the Request-URIs with a MESSAGE in flight (RFC 3428
 * §8: one at a time to a URI), found by hash so that a push costs the same
 * however many are in flight or waiting. */
#include <stdlib.h>
#include <string.h>

#include "push_psa_impl.h"

/* FNV-1a over the URI as written: the queue orders what we send, so the
 * same bytes are the same destination. */
static uint32_t uri_hash(sp_str s)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < s.n; i++)
        h = (h ^ (uint8_t)s.p[i]) * 16777619u;
    return h;
}

psa_dest *psa_dest_find(const push_psa *p, sp_str ruri)
{
    if (!p->ndest_buckets)
        return NULL;
    uint32_t h = uri_hash(ruri);
    for (psa_dest *d = p->dests[h & (p->ndest_buckets - 1)]; d; d = d->next)
        if (d->hash == h && strlen(d->ruri) == ruri.n && !memcmp(d->ruri, ruri.p, ruri.n))
            return d;
    return NULL;
}

/* Doubles the buckets when there are more destinations than buckets. */
static bool dest_grow(push_psa *p)
{
    size_t n = p->ndest_buckets ? p->ndest_buckets * 2 : 64;
    psa_dest **b = calloc(n, sizeof *b);
    if (!b)
        return false;
    for (size_t i = 0; i < p->ndest_buckets; i++)
        for (psa_dest *d = p->dests[i], *next; d; d = next) {
            next = d->next;
            d->next = b[d->hash & (n - 1)];
            b[d->hash & (n - 1)] = d;
        }
    free(p->dests);
    p->dests = b;
    p->ndest_buckets = n;
    return true;
}

psa_dest *psa_dest_get(push_psa *p, sp_str ruri)
{
    psa_dest *d = psa_dest_find(p, ruri);
    if (d)
        return d;
    if (p->ndests >= p->ndest_buckets && !dest_grow(p))
        return NULL;
    if (!(d = calloc(1, sizeof *d + ruri.n + 1)))
        return NULL;
    memcpy(d->ruri, ruri.p, ruri.n);
    d->hash = uri_hash(ruri);
    size_t i = d->hash & (p->ndest_buckets - 1);
    d->next = p->dests[i];
    p->dests[i] = d;
    p->ndests++;
    return d;
}

void psa_dest_release(push_psa *p, psa_dest *d)
{
    if (d->busy || d->head)
        return;
    for (psa_dest **dd = &p->dests[d->hash & (p->ndest_buckets - 1)]; *dd; dd = &(*dd)->next)
        if (*dd == d) {
            *dd = d->next;
            break;
        }
    p->ndests--;
    free(d);
}

void psa_dest_free_all(push_psa *p)
{
    for (size_t i = 0; i < p->ndest_buckets; i++)
        for (psa_dest *d = p->dests[i], *next; d; d = next) {
            next = d->next;
            free(d);
        }
    free(p->dests);
    p->dests = NULL;
    p->ndest_buckets = p->ndests = 0;
}
