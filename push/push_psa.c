/* push_psa.c - the Push Sender Agent: method dispatch, registrations
 * (REGISTER and third-party REGISTER, seed 001 B.1), reachability, OPTIONS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_featuretags.h"
#include "push_invite_sender.h"
#include "push_psa_impl.h"
#include "sp_decimal.h"
#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_stateless.h"

typedef void (*psa_handler)(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src);

static void on_register(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src);
static void on_notify(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src);
static void on_options(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src);

/* What the sender takes; PUSH_PSA_ALLOW lists these names in this order. */
static const struct {
    const char *name;
    psa_handler fn;
} psa_table[] = {
    {"REGISTER", on_register},
    {"SUBSCRIBE", psa_on_subscribe},
    {"NOTIFY", on_notify},
    {"OPTIONS", on_options},
};
#define PSA_NMETHODS (sizeof psa_table / sizeof psa_table[0])

sp_str push_psa_allow(void)
{
    /* a constant: agents in several threads share nothing written */
    return SP_LIT(PUSH_PSA_ALLOW);
}

static void tu_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    push_psa *p = ctx;
    if (st && !push_ruri_served(req)) {
        psa_answer(p, st, req, 416, NULL, SP_STR_NULL); /* RFC 3261 §8.2.2.1 */
        return;
    }
    /* BYE, UPDATE, re-INVITE, ACK in the dialog of a session-mode push */
    if (p->cfg.invite && push_invite_sender_route(p->cfg.invite, st, req, src))
        return;
    if (!st)
        return;
    for (size_t i = 0; i < PSA_NMETHODS; i++)
        if (sp_str_eq(req->method, sp_str_cstr(psa_table[i].name))) {
            psa_table[i].fn(p, st, req, src);
            return;
        }
    char allow[160];
    int n = snprintf(allow, sizeof allow, "Allow: %.*s\r\n", (int)push_psa_allow().n, push_psa_allow().p);
    psa_answer(p, st, req, sip_method_refusal(req->method), NULL, sp_str_make(allow, (size_t)n));
}

static void tu_room(void *ctx) { psa_on_room(ctx); }

sip_txn_tu push_psa_tu(push_psa *p) { return (sip_txn_tu){.ctx = p, .on_request = tu_request, .on_room = tu_room}; }

void push_psa_set_layer(push_psa *p, sip_txn_layer *L)
{
    p->L = L;
    p->watch_host.L = L;
}

/* --- common ------------------------------------------------------------------ */

void psa_event(push_psa *p, const push_psa_event *ev)
{
    if (p->cfg.on_event)
        p->cfg.on_event(p->cfg.ctx, ev);
}

void psa_answer(push_psa *p, sip_txn_id st, const sip_msg *req, unsigned status, const char *reason, sp_str headers)
{
    char tag[SIP_TAG_SIZE];
    sp_str to_tag = sip_stateless_tag(req, tag) ? sp_str_cstr(tag) : SP_STR_NULL;
    sip_txn_reply r = {.status = status, .reason = sp_str_cstr(reason), .to_tag = to_tag, .headers = headers};
    sip_txn_respond(p->L, st, &r);
    if (status >= 300) {
        const char *why = reason ? reason : sip_reason_phrase(status);
        push_logf(&p->env, "refused %.*s: %u %s", (int)req->method.n, req->method.p, status, why);
        push_psa_event ev = {.kind = PUSH_PSA_EV_REJECTED, .method = req->method, .status = status,
                             .reason = sp_str_cstr(why)};
        psa_event(p, &ev);
    }
}

bool psa_peer_trusted(const push_psa *p, const sip_peer *src)
{
    for (size_t i = 0; i < p->cfg.ntrust; i++)
        if (sp_str_caseeq(p->cfg.trust[i], sp_str_cstr(src->host)))
            return true;
    return false;
}

unsigned psa_check_identity(const push_psa *p, const sip_msg *req, const sip_peer *src, const char **why)
{
    /* seed 002 §7.2.2.1 step 2, RFC 3325 §5 */
    if (!push_addr_uri(push_hdr(req, SIP_H_P_ASSERTED_IDENTITY)).n) {
        *why = "P-Asserted-Identity missing";
        return 403;
    }
    if (!psa_peer_trusted(p, src)) {
        *why = "P-Asserted-Identity from an untrusted peer";
        return 403;
    }
    return 0;
}

bool psa_aor_eq(sp_str a, sp_str b)
{
    sip_uri x, y;
    if (sip_uri_parse(a, &x, NULL) != 0 || sip_uri_parse(b, &y, NULL) != 0)
        return false;
    return sp_str_eq(x.user, y.user) && sp_str_caseeq(x.host, y.host);
}

void psa_mark_reach(push_psa *p, sp_str aor, bool unregistered)
{
    /* nothing known means reachable: a record only for one that left */
    psa_user *u = unregistered ? psa_user_get(p, aor) : psa_user_find(p, aor);
    if (!u)
        return;
    u->unregistered = unregistered;
    psa_user_release(p, u);
}

static uint64_t now_ms(const push_psa *p) { return p->env.now_ms(p->env.ctx); }

int psa_route(const push_psa *p, sp_str uri, sip_peer *dest)
{
    if (p->cfg.proxy.n)
        return push_uri_peer(p->cfg.proxy, dest);
    sip_uri u;
    sp_str gr;
    uint64_t now = now_ms(p), newest = 0;
    const psa_binding *pick = NULL;
    /* a GRUU names its AoR's user (RFC 5627 §3.1): the same record */
    const psa_user *user = sip_uri_parse(uri, &u, NULL) == 0 ? psa_user_find(p, uri) : NULL;
    bool is_gruu = user && sip_uri_param(&u, "gr", &gr);
    for (const psa_binding *b = user ? user->bindings : NULL; b; b = b->next) {
        if (b->expires_at <= now)
            continue;
        char text[PUSH_URI_MAX];
        sip_uri g;
        if (is_gruu ? psa_binding_gruu(user, b, text, sizeof text) && sip_uri_parse(sp_str_cstr(text), &g, NULL) == 0 &&
                          sip_uri_equal(&g, &u)
                    : b->expires_at > newest) {
            pick = b;
            newest = b->expires_at;
            if (is_gruu)
                break;
        }
    }
    return push_uri_peer(pick ? sp_str_cstr(psa_binding_contact(pick)) : uri, dest);
}

bool push_psa_may_invite(const push_psa *p, sp_str aor)
{
    const psa_user *u = psa_user_find(p, aor);
    return !u || !u->unregistered;
}

/* --- registrations ------------------------------------------------------------ */

static size_t live_bindings(const psa_user *u, uint64_t now)
{
    size_t n = 0;
    for (const psa_binding *b = u ? u->bindings : NULL; b; b = b->next)
        n += b->expires_at > now;
    return n;
}

/* Drops u's bindings that expired; marks it unregistered when none is
 * left (seed 000 §8.2.5.1). */
static void expire_user(push_psa *p, psa_user *u)
{
    uint64_t now = now_ms(p);
    bool had = u->bindings != NULL;
    for (psa_binding *b = u->bindings, *next; b; b = next) {
        next = b->next;
        if (b->expires_at <= now)
            psa_binding_remove(p, u, b);
    }
    if (had && !u->bindings)
        u->unregistered = true;
}

/* Every user's expired bindings: when the store looks full. */
static void expire_all(push_psa *p)
{
    for (size_t i = 0; i < p->nuser_buckets; i++)
        for (psa_user *u = p->users[i], *next; u; u = next) {
            next = u->next;
            expire_user(p, u);
        }
}

size_t push_psa_bindings(const push_psa *p, sp_str aor)
{
    return psa_watch_count(p, aor) + live_bindings(psa_user_find(p, aor), now_ms(p));
}

push_caps push_psa_receiver_caps(const push_psa *p, sp_str aor)
{
    push_caps c = {0};
    uint64_t now = now_ms(p);
    const psa_user *u = psa_user_find(p, aor);
    for (const psa_binding *b = u ? u->bindings : NULL; b; b = b->next) {
        if (b->expires_at <= now || !b->caps.known)
            continue;
        c.known = true;
        c.message |= b->caps.message;
        c.notify |= b->caps.notify;
        c.invite |= b->caps.invite;
    }
    return c;
}

size_t push_psa_receiver_apps(const push_psa *p, sp_str aor, char *out, size_t cap)
{
    size_t len = 0;
    uint64_t now = now_ms(p);
    if (cap)
        out[0] = '\0';
    const psa_user *u = psa_user_find(p, aor);
    for (const psa_binding *b = u ? u->bindings : NULL; b; b = b->next) {
        const char *apps = psa_binding_apps(b);
        if (b->expires_at <= now || !apps[0])
            continue;
        bool seen = false; /* another binding of the same device set said it already */
        for (const psa_binding *o = u->bindings; o != b && !seen; o = o->next)
            seen = o->expires_at > now && !strcmp(psa_binding_apps(o), apps);
        size_t n = strlen(apps), sep = len ? 2 : 0;
        if (seen || len + sep + n >= cap)
            continue;
        memcpy(out + len, ", ", sep);
        memcpy(out + len + sep, apps, n + 1);
        len += sep + n;
    }
    return len;
}

static psa_binding *binding_find(const psa_user *u, sp_str contact, sp_str instance)
{
    for (psa_binding *b = u ? u->bindings : NULL; b; b = b->next)
        /* RFC 5626 §6: the instance names the device whatever its address */
        if (instance.n ? sp_str_eq(sp_str_cstr(psa_binding_instance(b)), instance)
                       : sp_str_eq(sp_str_cstr(psa_binding_contact(b)), contact))
            return b;
    return NULL;
}

/* params: the Contact's, for a REGISTERED event (what a journal keeps to
 * make the binding again). */
static void registered_event(push_psa *p, push_psa_event_kind k, const psa_user *u, const psa_binding *b,
                             uint32_t expires, sp_str params)
{
    push_psa_event ev = {.kind = k, .aor = sp_str_cstr(u->aor), .contact = sp_str_cstr(psa_binding_contact(b)),
                         .expires = expires, .params = params, .third_party = b->third_party, .gruu = b->gruu};
    psa_event(p, &ev);
}

/* One Contact of a REGISTER, read and checked but not yet applied. */
typedef struct reg_contact {
    sp_str uri, params;
    sp_str inst;          /* +sip.instance, unquoted; absent when none */
    uint64_t expires;     /* seconds; 0 removes the binding */
    psa_binding *bound;   /* the binding it names today, NULL when none */
    bool superseded;      /* a later Contact of the request names the same binding */
} reg_contact;

/* Reads one Contact value (not "*"). Returns 0 or the status to refuse with. */
static unsigned read_contact(const psa_user *u, sp_str aor, const sip_addr *c, uint64_t default_exp, reg_contact *rc)
{
    sp_str v;
    memset(rc, 0, sizeof *rc);
    rc->uri = c->uri_str;
    rc->params = c->params;
    rc->expires = default_exp;
    if (sip_param_find(c->params, "expires", &v) && v.p && !sp_str_to_u64(v, UINT32_MAX, &rc->expires))
        return 400;
    if (sip_param_find(c->params, "+sip.instance", &v) && v.p)
        rc->inst = sip_unquote(v);
    if (rc->expires && (aor.n >= PUSH_URI_MAX || c->uri_str.n >= PUSH_URI_MAX || rc->inst.n >= 128))
        return 400;
    rc->bound = binding_find(u, c->uri_str, rc->inst);
    return 0;
}

/* Whether the later Contact l names the binding the earlier one e would
 * make: as binding_find matches a binding. */
static bool names_same_binding(const reg_contact *e, const reg_contact *l)
{
    return l->inst.n ? sp_str_eq(e->inst, l->inst) : sp_str_eq(e->uri, l->uri);
}

/* Whether the removal rc[i] frees its binding's slot: no Contact of the
 * request keeps that binding, and no earlier one removes it already. */
static bool slot_freed(const reg_contact *rc, size_t n, size_t i)
{
    for (size_t j = 0; j < n; j++) {
        if (rc[j].superseded || rc[j].bound != rc[i].bound)
            continue;
        if (rc[j].expires || j < i)
            return false; /* kept by j, or counted at j already */
    }
    return true;
}

/* Slots the request needs beyond those it frees; the caller compares it with
 * what is free. */
static long slots_needed(const reg_contact *rc, size_t n)
{
    long need = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc[i].superseded)
            continue;
        if (rc[i].expires && !rc[i].bound)
            need++;
        else if (!rc[i].expires && rc[i].bound && slot_freed(rc, n, i))
            need--;
    }
    return need;
}

/* Only what fits the limits the registrar answers with (RFC 3261 §10.3). */
static sp_str unquoted_within(sp_str v, size_t cap)
{
    v = sip_unquote(v);
    return v.n < cap ? v : SP_STR_NULL;
}

static void bind_contact(push_psa *p, psa_user *u, const reg_contact *rc, bool gruu, bool third)
{
    sp_str apps = SP_STR_NULL, v;
    if (sip_feature_find(rc->params, PUSH_FTAG_APP, &v))
        apps = unquoted_within(v, 128);
    if (rc->bound) /* an update: made again, with what this Contact says */
        psa_binding_remove(p, u, rc->bound);
    psa_binding *b = psa_binding_add(p, u, rc->uri, rc->inst, apps);
    if (!b)
        return; /* out of memory: as if it had expired */
    b->third_party = third;
    if (sip_feature_find(rc->params, "methods", &v))
        b->caps = push_caps_from_list(v);
    char text[PUSH_URI_MAX];
    b->gruu = gruu && rc->inst.n > 2 && rc->inst.p[0] == '<';
    b->gruu = b->gruu && psa_binding_gruu(u, b, text, sizeof text);
    b->expires_at = now_ms(p) + rc->expires * 1000u;
    u->unregistered = false;
    registered_event(p, PUSH_PSA_EV_REGISTERED, u, b, (uint32_t)rc->expires, rc->params);
}

static void unbind(push_psa *p, psa_user *u, psa_binding *b)
{
    registered_event(p, PUSH_PSA_EV_UNREGISTERED, u, b, 0, SP_STR_NULL);
    psa_binding_remove(p, u, b);
}

int push_psa_binding_restore(push_psa *p, sp_str aor, sp_str contact, sp_str params, uint32_t expires,
                             bool third_party, bool gruu)
{
    if (!expires)
        return SP_EINVAL;
    psa_user *u = psa_user_get(p, aor);
    if (!u)
        return -ENOMEM;
    sip_addr c = {.uri_str = contact, .params = params};
    reg_contact rc;
    int rv = 0;
    if (read_contact(u, aor, &c, expires, &rc) != 0)
        rv = SP_EINVAL;
    else if (!rc.bound && p->nbindings >= p->cfg.max_bindings)
        rv = SP_ELIMIT;
    if (rv == 0) {
        rc.expires = expires; /* what remains, not the expires parameter the REGISTER had */
        bind_contact(p, u, &rc, gruu, third_party);
    }
    psa_user_release(p, u);
    return rv;
}

static size_t contact_count(const sip_msg *req)
{
    size_t n = 0;
    for (const sip_header *h = sip_msg_find(req, SIP_H_CONTACT); h; h = sip_msg_find_next(req, h)) {
        sp_str rest = h->value, item;
        while (sip_list_next(&rest, &item))
            n++;
    }
    return n;
}

/* Reads every Contact of req into rc[n] (n from contact_count). Returns 0,
 * or the status to refuse with and *why; *star when the one Contact is "*". */
static unsigned read_contacts(const psa_user *u, const sip_msg *req, sp_str aor, uint64_t e, reg_contact *rc,
                              size_t n, bool *star, const char **why)
{
    size_t i = 0;
    *star = false;
    *why = "Bad Contact";
    for (const sip_header *h = sip_msg_find(req, SIP_H_CONTACT); h; h = sip_msg_find_next(req, h)) {
        sp_str rest = h->value, item;
        while (i < n && sip_list_next(&rest, &item)) {
            sip_addr c;
            if (sip_addr_parse(item, &c, NULL) != 0)
                return 400;
            if (c.star) {
                /* RFC 3261 §10.3 step 6: "*" only with Expires: 0, alone */
                if (e != 0 || n != 1) {
                    *why = "Contact * Needs Expires: 0";
                    return 400;
                }
                *star = true;
                return 0;
            }
            unsigned bad = read_contact(u, aor, &c, e, &rc[i]);
            if (bad)
                return bad;
            for (size_t j = 0; j < i; j++)
                rc[j].superseded = rc[j].superseded || names_same_binding(&rc[j], &rc[i]);
            i++;
        }
    }
    return 0;
}

/* Applies the Contacts of a REGISTER all or nothing (RFC 3261 §10.3 step 7:
 * the bindings change only if every update succeeds). Every Contact is read
 * and checked, and the room its binding needs counted, before any binding
 * changes; a later Contact naming the same binding replaces an earlier one.
 * Returns 0, or the status to refuse with and *why. */
static unsigned apply_contacts(push_psa *p, psa_user *u, const sip_msg *req, sp_str aor, uint64_t e, bool gruu,
                               bool third, const char **why)
{
    size_t n = contact_count(req);
    if (!n)
        return 0;
    reg_contact *rc = calloc(n, sizeof *rc);
    if (!rc) {
        *why = "No Room For The Registration";
        return 500;
    }
    bool star;
    unsigned bad = read_contacts(u, req, aor, e, rc, n, &star, why);
    long need = bad || star ? 0 : slots_needed(rc, n);
    if (need > 0 && p->nbindings + (size_t)need > p->cfg.max_bindings)
        expire_all(p); /* expired ones hold their room until swept */
    if (need > 0 && p->nbindings + (size_t)need > p->cfg.max_bindings) {
        *why = "Too Many Registrations";
        bad = 503;
    }
    if (!bad && star) {
        while (u->bindings)
            unbind(p, u, u->bindings);
    } else if (!bad) {
        /* removals first, so that the slots they free take the additions */
        for (size_t i = 0; i < n; i++)
            if (!rc[i].superseded && !rc[i].expires && rc[i].bound && slot_freed(rc, n, i))
                unbind(p, u, rc[i].bound);
        for (size_t i = 0; i < n; i++)
            if (!rc[i].superseded && rc[i].expires)
                bind_contact(p, u, &rc[i], gruu, third);
    }
    free(rc);
    return bad;
}

/* The 200's Contact lines: every binding of the AoR with what remains of it. */
static size_t bindings_headers(push_psa *p, const psa_user *u, char *out, size_t cap)
{
    sp_buf b;
    sp_buf_init(&b, out, cap);
    uint64_t now = now_ms(p);
    for (const psa_binding *x = u->bindings; x; x = x->next) {
        if (x->expires_at <= now)
            continue;
        char gruu[PUSH_URI_MAX];
        char expires[SP_U64_DEC_SIZE];
        sp_u64_dec(expires, (x->expires_at - now + 999) / 1000);
        sp_buf_printf(&b, "Contact: <%s>;expires=%s", psa_binding_contact(x), expires);
        if (psa_binding_instance(x)[0])
            sp_buf_printf(&b, ";+sip.instance=\"%s\"", psa_binding_instance(x));
        if (psa_binding_gruu(u, x, gruu, sizeof gruu))
            sp_buf_printf(&b, ";pub-gruu=\"%s\"", gruu);
        if (psa_binding_apps(x)[0])
            sp_buf_printf(&b, ";" PUSH_FTAG_APP "=\"%s\"", psa_binding_apps(x));
        sp_buf_puts(&b, "\r\n");
    }
    long n = sp_buf_finish(&b);
    return n < 0 ? 0 : (size_t)n;
}

static void on_register(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    /* a registration reaches us from the user's device or, third-party, from
     * the core (seed 001 B.1): either way over a trusted hop */
    if (!psa_peer_trusted(p, src)) {
        psa_answer(p, st, req, 403, "REGISTER From An Untrusted Peer", SP_STR_NULL);
        return;
    }
    sp_str aor = push_addr_uri(push_hdr(req, SIP_H_TO));
    sip_uri to;
    if (!aor.n || aor.n >= PUSH_URI_MAX) {
        psa_answer(p, st, req, 400, "Bad To", SP_STR_NULL);
        return;
    }
    /* RFC 3261 §10.2: the To of a REGISTER is the address of record, a SIP or SIPS URI */
    if (sip_uri_parse(aor, &to, NULL) != 0 || (to.scheme != SIP_URI_SIP && to.scheme != SIP_URI_SIPS)) {
        psa_answer(p, st, req, 400, "To Is Not A SIP Or SIPS URI", SP_STR_NULL);
        return;
    }
    psa_user *u = psa_user_get(p, aor);
    if (!u) {
        psa_answer(p, st, req, 500, "No Room For The Registration", SP_STR_NULL);
        return;
    }
    expire_user(p, u);
    uint64_t e = PUSH_PSA_REG_EXPIRES_DEFAULT;
    sp_str eh = push_hdr(req, SIP_H_EXPIRES);
    if (sp_str_present(eh) && sip_uint_parse(eh, UINT32_MAX, &e, NULL) != 0) {
        psa_answer(p, st, req, 400, "Bad Expires", SP_STR_NULL);
        psa_user_release(p, u);
        return;
    }
    /* third party: the Contact is the core's own, not the user's device */
    sp_str from = push_addr_uri(push_hdr(req, SIP_H_FROM));
    bool third = from.n && !psa_aor_eq(from, aor);
    bool gruu = sip_list_has(push_hdr(req, SIP_H_SUPPORTED), SP_LIT("gruu"), false);
    const char *why = NULL;
    unsigned bad = apply_contacts(p, u, req, aor, e, gruu, third, &why);
    if (bad) {
        psa_answer(p, st, req, bad, why, SP_STR_NULL);
        psa_user_release(p, u);
        return;
    }
    if (!push_psa_bindings(p, aor))
        u->unregistered = true;
    char hdrs[4096];
    size_t n = bindings_headers(p, u, hdrs, sizeof hdrs);
    psa_answer(p, st, req, 200, NULL, sp_str_make(hdrs, n));
}

/* --- NOTIFY and OPTIONS --------------------------------------------------------- */

static void on_notify(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    sip_event ev;
    if (sip_event_parse(push_hdr(req, SIP_H_EVENT), &ev, NULL) == 0 && sp_str_caseeq_cstr(ev.package, "refer")) {
        psa_on_refer_notify(p, st, req);
        return;
    }
    if (!push_subc_route_notify(&p->watch_host, st, req, src))
        psa_answer(p, st, req, 481, "Subscription Does Not Exist", SP_STR_NULL);
}

static void on_options(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)src;
    char hdrs[512];
    int n = snprintf(hdrs, sizeof hdrs, "Allow: %.*s\r\nAllow-Events: ua-profile\r\nSupported: " PUSH_PSA_SUPPORTED
                     "\r\nAccept: application/reginfo+xml, message/sipfrag\r\nContact: %s\r\n",
                     (int)push_psa_allow().n, push_psa_allow().p, p->contact);
    psa_answer(p, st, req, 200, NULL, sp_str_make(hdrs, (size_t)n));
}

/* --- life cycle ------------------------------------------------------------------- */

static void copy_into(char **at, sp_str *s)
{
    if (!s->p)
        return;
    memcpy(*at, s->p, s->n);
    s->p = *at;
    *at += s->n;
}

push_psa *push_psa_new(const push_psa_config *cfg, const push_env *env, const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    if (cfg->ntrust > PUSH_PSA_MAX_TRUST || cfg->nwatch > PUSH_PSA_MAX_WATCH) {
        *why = "too many --trust or --watch";
        return NULL;
    }
    sip_uri u;
    sip_peer hop;
    if (sip_uri_parse(cfg->identity, &u, NULL) != 0 || (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS)) {
        *why = "the identity is not a sip: URI";
        return NULL;
    }
    if (cfg->proxy.n && push_uri_peer(cfg->proxy, &hop) != 0) {
        *why = "the proxy is not a usable sip: URI";
        return NULL;
    }
    push_psa *p = calloc(1, sizeof *p);
    if (!p) {
        *why = "out of memory";
        return NULL;
    }
    p->cfg = *cfg;
    p->env = *env;
    sp_str *f[4 + PUSH_PSA_MAX_TRUST + PUSH_PSA_MAX_WATCH];
    size_t nf = 0, total = 1;
    f[nf++] = &p->cfg.identity;
    f[nf++] = &p->cfg.proxy;
    f[nf++] = &p->cfg.icsi;
    for (size_t i = 0; i < cfg->ntrust; i++)
        f[nf++] = &p->cfg.trust[i];
    for (size_t i = 0; i < cfg->nwatch; i++)
        f[nf++] = &p->cfg.watch[i];
    for (size_t i = 0; i < nf; i++)
        total += f[i]->p ? f[i]->n : 0;
    p->mem = malloc(total);
    if (!p->cfg.max_bindings)
        p->cfg.max_bindings = PUSH_PSA_MAX_BINDINGS;
    if (!p->cfg.max_subs)
        p->cfg.max_subs = PUSH_PSA_MAX_SUBS;
    if (!p->cfg.max_subs_per_identity)
        p->cfg.max_subs_per_identity = PUSH_PSA_MAX_SUBS_PER_IDENTITY;
    if (!p->cfg.max_queued_per_uri)
        p->cfg.max_queued_per_uri = PUSH_PSA_MSG_QUEUE_MAX;
    if (!p->cfg.max_queued_bytes)
        p->cfg.max_queued_bytes = PUSH_PSA_MAX_QUEUED_BYTES_DEFAULT;
    p->sub_dialogs = sip_dialog_set_new(p->cfg.max_subs);
    for (p->sub_id_mask = 1; p->sub_id_mask < p->cfg.max_subs; p->sub_id_mask <<= 1)
        ;
    p->sub_ids = calloc(p->sub_id_mask--, sizeof *p->sub_ids);
    p->watch_dialogs = sip_dialog_set_new(PUSH_PSA_MAX_WATCH);
    if (!p->mem || !p->sub_ids || !p->sub_dialogs || !p->watch_dialogs || psa_watch_init(p) != 0) {
        *why = "out of memory";
        push_psa_free(p);
        return NULL;
    }
    char *at = p->mem;
    for (size_t i = 0; i < nf; i++)
        copy_into(&at, f[i]);
    if (!p->cfg.max_sub_expires)
        p->cfg.max_sub_expires = PUSH_PSA_SUB_EXPIRES_DEFAULT;
    if (!push_contact_uri(&p->cfg.local, p->cfg.local.udp_port ? SIP_TP_UDP : SIP_TP_TCP, u.user, p->contact,
                          sizeof p->contact)) {
        *why = "identity too long";
        push_psa_free(p);
        return NULL;
    }
    return p;
}

void push_psa_free(push_psa *p)
{
    if (!p)
        return;
    while (p->subs)
        psa_sub_end(p, p->subs, NULL, false);
    psa_pending_free_all(p);
    psa_dest_free_all(p);
    push_subc_host_clear(&p->watch_host);
    free(p->watches);
    psa_users_free_all(p);
    free(p->sub_ids);
    sip_dialog_set_free(p->sub_dialogs);
    sip_dialog_set_free(p->watch_dialogs);
    free(p->mem);
    free(p);
}

void push_psa_start(push_psa *p) { psa_watch_start(p); }

void push_psa_stop(push_psa *p)
{
    p->stopping = true;
    while (p->subs)
        psa_sub_end(p, p->subs, "deactivated", true);
    psa_watch_stop(p);
}

void push_psa_timer(push_psa *p, uint64_t cookie)
{
    switch (push_cookie_kind(cookie)) {
    case PSA_TMR_SUB:
        psa_sub_timer(p, push_cookie_id(cookie));
        break;
    case PSA_TMR_WATCH:
        push_subc_timer(&p->watch_host, push_cookie_id(cookie));
        break;
    default:
        if (p->cfg.invite)
            push_invite_timer(p->cfg.invite, cookie);
        break;
    }
}
