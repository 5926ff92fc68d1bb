/* push_psa_watch.c - following receivers' registrations through the reg
 * event package (RFC 3680; seed 002 §8.1, seed 004 SIPPUSH-PSA-S-004): a
 * SUBSCRIBE per watched AoR, reginfo+xml NOTIFYs applied to a binding
 * table, a refresh for full state when the table says one was lost, and
 * the AoR marked unregistered when its last binding goes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_psa_impl.h"
#include "sip_hdr.h"

/* Most registrations, contacts and parameters one reginfo document holds. */
#define WATCH_MAX_REGS 8
#define WATCH_MAX_CONTACTS 64
#define WATCH_MAX_PARAMS 256

static psa_watch *watch_of(push_psa *p, const push_subc *s)
{
    for (size_t i = 0; i < p->cfg.nwatch; i++)
        if (p->watches[i].sub == s)
            return &p->watches[i];
    return NULL;
}

size_t psa_watch_count(const push_psa *p, sp_str aor)
{
    size_t n = 0;
    for (size_t i = 0; i < p->cfg.nwatch; i++) {
        const push_regtab *t = &p->watches[i].tab;
        /* the table keys rows by the AoR written in the document */
        for (size_t k = 0; k < t->n; k++)
            n += psa_aor_eq(sp_str_cstr(t->rows[k].aor), aor);
    }
    return n;
}

static unsigned watch_notify(void *ctx, push_subc *s, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    push_psa *p = ctx;
    (void)st, (void)src;
    psa_watch *w = watch_of(p, s);
    if (!w)
        return 481;
    if (!req->body.n)
        return 200;
    sip_media_type mt;
    if (sip_media_type_parse(push_hdr(req, SIP_H_CONTENT_TYPE), &mt, NULL) != 0 ||
        !sp_str_caseeq_cstr(mt.type, "application") || !sp_str_caseeq_cstr(mt.subtype, "reginfo+xml"))
        return 415;
    push_reginfo_reg regs[WATCH_MAX_REGS];
    push_reginfo_contact contacts[WATCH_MAX_CONTACTS];
    push_reginfo_param params[WATCH_MAX_PARAMS];
    push_reginfo ri = {.regs = regs, .max_regs = WATCH_MAX_REGS, .contacts = contacts, .max_contacts = WATCH_MAX_CONTACTS,
                       .params = params, .max_params = WATCH_MAX_PARAMS};
    sp_error err;
    if (push_reginfo_parse(req->body.p, req->body.n, &ri, NULL, &err) < 0) {
        push_logf(&p->env, "reginfo refused: %s", err.reason);
        return err.status == 413 ? 413 : 400;
    }
    int rc = push_regtab_apply(&w->tab, &ri, &err);
    if (rc < 0 && rc != SP_ELIMIT)
        return 400;
    size_t n = w->tab.n;
    if (n != w->last_count) {
        push_logf(&p->env, "reg event for %s: %zu -> %zu bindings", w->aor, w->last_count, n);
        if (n == 0)
            psa_mark_reach(p, sp_str_cstr(w->aor), true);
        else
            psa_mark_reach(p, sp_str_cstr(w->aor), false);
        w->last_count = n;
        push_psa_event ev = {.kind = PUSH_PSA_EV_REGSTATE, .aor = sp_str_cstr(w->aor), .count = n};
        psa_event(p, &ev);
    }
    if (w->tab.want_refresh) {
        /* RFC 3680 §5.2: a lost update is repaired with full state, which a refresh brings */
        w->tab.want_refresh = false;
        push_subc_refresh(s);
    }
    return 200;
}

static void watch_state(void *ctx, push_subc *s, push_subc_state old, unsigned status, uint32_t expires)
{
    push_psa *p = ctx;
    (void)old, (void)expires;
    psa_watch *w = watch_of(p, s);
    if (w && s->state == PUSH_SUBC_TERMINATED)
        push_logf(&p->env, "reg event watch of %s ended (%u)", w->aor, status);
}

int psa_watch_init(push_psa *p)
{
    p->watch_host = (push_subc_host){.env = &p->env, .local = &p->cfg.local, .dialogs = p->watch_dialogs,
                                     .timer_kind = PSA_TMR_WATCH, .ctx = p, .on_state = watch_state,
                                     .on_notify = watch_notify};
    if (!p->cfg.nwatch)
        return 0;
    p->watches = calloc(p->cfg.nwatch, sizeof *p->watches);
    return p->watches ? 0 : SP_ELIMIT;
}

void psa_watch_start(push_psa *p)
{
    for (size_t i = 0; i < p->cfg.nwatch; i++) {
        psa_watch *w = &p->watches[i];
        sp_str aor = p->cfg.watch[i];
        snprintf(w->aor, sizeof w->aor, "%.*s", (int)aor.n, aor.p);
        push_regtab_init(&w->tab, w->rows, PUSH_PSA_WATCH_ROWS);
        /* RFC 3680 §3: the Request-URI is the AoR watched */
        push_subc_config sc = {.target = aor, .proxy = p->cfg.proxy,
                               .from_uri = p->cfg.identity, .contact = sp_str_cstr(p->contact), .event = SP_LIT("reg"),
                               .headers = SP_LIT("Accept: application/reginfo+xml\r\n"),
                               .expires = PUSH_PSA_SUB_EXPIRES_DEFAULT, .retry = true};
        w->sub = push_subc_new(&p->watch_host, &sc);
        if (w->sub && push_subc_start(w->sub) != 0)
            push_tmr_start(&p->env, &w->sub->tmr, PUSH_SUBC_RETRY_MS, push_cookie(PSA_TMR_WATCH, w->sub->id));
    }
}

void psa_watch_stop(push_psa *p)
{
    for (size_t i = 0; i < p->cfg.nwatch; i++)
        if (p->watches[i].sub)
            push_subc_stop(p->watches[i].sub);
}
