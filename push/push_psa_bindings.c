/* push_psa_bindings.c - the registrar's store: one record per user (AoR),
 * found by a hash of its user part and host (what psa_aor_eq compares),
 * holding that user's bindings, each sized to its strings. A REGISTER or a
 * push costs the same however many users are registered; memory follows
 * the bindings held (push/README.md gives the figure per binding). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_psa_impl.h"
#include "sip_uri.h"

/* FNV-1a over the user part, then the host without case (RFC 3261 §19.1.4). */
static bool aor_hash(sp_str aor, uint32_t *out)
{
    sip_uri u;
    if (sip_uri_parse(aor, &u, NULL) != 0)
        return false;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < u.user.n; i++)
        h = (h ^ (uint8_t)u.user.p[i]) * 16777619u;
    h = (h ^ '@') * 16777619u;
    for (size_t i = 0; i < u.host.n; i++)
        h = (h ^ (uint8_t)sp_ascii_lower(u.host.p[i])) * 16777619u;
    *out = h;
    return true;
}

psa_user *psa_user_find(const push_psa *p, sp_str aor)
{
    uint32_t h;
    if (!p->nuser_buckets || !aor_hash(aor, &h))
        return NULL;
    for (psa_user *u = p->users[h & (p->nuser_buckets - 1)]; u; u = u->next)
        if (u->hash == h && psa_aor_eq(sp_str_cstr(u->aor), aor))
            return u;
    return NULL;
}

/* Doubles the buckets when there are more users than buckets. */
static bool users_grow(push_psa *p)
{
    size_t n = p->nuser_buckets ? p->nuser_buckets * 2 : 256;
    psa_user **b = calloc(n, sizeof *b);
    if (!b)
        return false;
    for (size_t i = 0; i < p->nuser_buckets; i++)
        for (psa_user *u = p->users[i], *next; u; u = next) {
            next = u->next;
            u->next = b[u->hash & (n - 1)];
            b[u->hash & (n - 1)] = u;
        }
    free(p->users);
    p->users = b;
    p->nuser_buckets = n;
    return true;
}

psa_user *psa_user_get(push_psa *p, sp_str aor)
{
    psa_user *u = psa_user_find(p, aor);
    uint32_t h;
    if (u || !aor_hash(aor, &h) || aor.n >= PUSH_URI_MAX)
        return u;
    if (p->nusers >= p->nuser_buckets && !users_grow(p))
        return NULL;
    if (!(u = calloc(1, sizeof *u + aor.n + 1)))
        return NULL;
    memcpy(u->aor, aor.p, aor.n);
    u->hash = h;
    size_t i = h & (p->nuser_buckets - 1);
    u->next = p->users[i];
    p->users[i] = u;
    p->nusers++;
    return u;
}

void psa_user_release(push_psa *p, psa_user *u)
{
    if (u->bindings || u->subs || u->unregistered)
        return;
    for (psa_user **uu = &p->users[u->hash & (p->nuser_buckets - 1)]; *uu; uu = &(*uu)->next)
        if (*uu == u) {
            *uu = u->next;
            break;
        }
    p->nusers--;
    free(u);
}

psa_binding *psa_binding_add(push_psa *p, psa_user *u, sp_str contact, sp_str instance, sp_str apps)
{
    psa_binding *b = calloc(1, sizeof *b + contact.n + instance.n + apps.n + 3);
    if (!b)
        return NULL;
    char *at = b->text;
    memcpy(at, contact.p, contact.n);
    at += contact.n + 1;
    b->instance_at = (uint16_t)(at - b->text);
    if (instance.n)
        memcpy(at, instance.p, instance.n);
    at += instance.n + 1;
    b->apps_at = (uint16_t)(at - b->text);
    if (apps.n)
        memcpy(at, apps.p, apps.n);
    b->next = u->bindings;
    u->bindings = b;
    p->nbindings++;
    return b;
}

void psa_binding_remove(push_psa *p, psa_user *u, psa_binding *b)
{
    for (psa_binding **bb = &u->bindings; *bb; bb = &(*bb)->next)
        if (*bb == b) {
            *bb = b->next;
            p->nbindings--;
            free(b);
            return;
        }
}

bool psa_binding_gruu(const psa_user *u, const psa_binding *b, char *out, size_t cap)
{
    /* RFC 5627 §3.1: a public GRUU is the AoR with gr=<instance URN> */
    const char *inst = psa_binding_instance(b);
    size_t n = strlen(inst);
    if (!b->gruu || n < 2)
        return false;
    int k = snprintf(out, cap, "%s;gr=%.*s", u->aor, (int)n - 2, inst + 1);
    return k > 0 && (size_t)k < cap;
}

void psa_users_free_all(push_psa *p)
{
    for (size_t i = 0; i < p->nuser_buckets; i++)
        for (psa_user *u = p->users[i], *next; u; u = next) {
            next = u->next;
            while (u->bindings) {
                psa_binding *b = u->bindings;
                u->bindings = b->next;
                free(b);
            }
            free(u);
        }
    free(p->users);
    p->users = NULL;
    p->nuser_buckets = p->nusers = p->nbindings = 0;
}
