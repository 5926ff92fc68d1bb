/* push_psa_sub.c - the ua-profile notifier (seed 002 §7.2.2.1, RFC 6665
 * §4.2): SUBSCRIBE checks (489, 403), the 200 and the first NOTIFY (the
 * profile enrolment confirmation), refreshes, un-subscriptions and expiry,
 * each ending with NOTIFY terminated.
 *
 *   state       event                          next
 *   (none)      SUBSCRIBE, Expires > 0         active (200, NOTIFY active)
 *   (none)      SUBSCRIBE, Expires: 0 (fetch)  (200, NOTIFY terminated;reason=timeout)
 *   active      SUBSCRIBE refresh              active (200, NOTIFY active)
 *   active      SUBSCRIBE Expires: 0           terminated (200, NOTIFY terminated;reason=timeout)
 *   active      expiry                         terminated (NOTIFY terminated;reason=timeout)
 *   active      NOTIFY answered 481/408/...,   terminated (§4.2.2, no NOTIFY)
 *               timed out or transport error */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_psa_impl.h"
#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_stateless.h"

static const char *sub_name(psa_sub_state s) { return s == PSA_SUB_ACTIVE ? "active" : "terminated"; }

static void sub_set(push_psa *p, psa_sub *s, psa_sub_state to, const char *event)
{
    push_logf(&p->env, "subscription %llu: %s -> %s (%s)", (unsigned long long)s->id, sub_name(s->state), sub_name(to),
              event);
    s->state = to;
}

psa_sub *psa_sub_by_id(push_psa *p, uint64_t id)
{
    for (psa_sub *s = p->sub_ids[id & p->sub_id_mask]; s; s = s->id_next)
        if (s->id == id)
            return s;
    return NULL;
}

psa_sub *psa_sub_find(push_psa *p, sp_str aor, sp_str app)
{
    uint64_t now = p->env.now_ms(p->env.ctx);
    psa_user *u = psa_user_find(p, aor);
    for (psa_sub *s = u ? u->subs : NULL; s; s = s->user_next)
        if (s->state == PSA_SUB_ACTIVE && s->expires_at > now && (!app.n || sp_str_eq(sp_str_cstr(s->app), app)))
            return s;
    return NULL;
}

size_t push_psa_subscriptions(const push_psa *p, sp_str aor, sp_str app)
{
    size_t n = 0;
    const psa_user *u = psa_user_find(p, aor);
    for (const psa_sub *s = u ? u->subs : NULL; s; s = s->user_next)
        n += s->state == PSA_SUB_ACTIVE && (!app.n || sp_str_eq(sp_str_cstr(s->app), app));
    return n;
}

bool push_psa_receiver_profile(const push_psa *p, sp_str aor, push_psa_profile *out)
{
    uint64_t now = p->env.now_ms(p->env.ctx);
    for (const psa_sub *s = p->subs; s; s = s->next) /* newest first */
        if (s->state == PSA_SUB_ACTIVE && s->expires_at > now && psa_aor_eq(sp_str_cstr(s->aor), aor) &&
            s->profile) {
            *out = *s->profile;
            return true;
        }
    return false;
}

/* Copies an Event parameter's value, unquoted, when present and it fits. */
static void keep_param(sp_str params, const char *name, char *out, size_t cap)
{
    sp_str v;
    out[0] = '\0';
    if (!sip_param_find(params, name, &v) || !v.p)
        return;
    v = sip_unquote(v);
    if (v.n < cap) {
        memcpy(out, v.p, v.n);
        out[v.n] = '\0';
    }
}

/* Seed 002 §7.2.1.1: the ua-profile Event names the device by its dev-cap
 * link, or by vendor, model and version. Kept apart, and only when said, so
 * a subscription without it costs nothing more. */
static void keep_profile(psa_sub *s, sp_str params)
{
    push_psa_profile pr;
    keep_param(params, "dev-cap", pr.dev_cap, sizeof pr.dev_cap);
    keep_param(params, "vendor", pr.vendor, sizeof pr.vendor);
    keep_param(params, "model", pr.model, sizeof pr.model);
    keep_param(params, "version", pr.version, sizeof pr.version);
    if ((pr.dev_cap[0] || pr.vendor[0] || pr.model[0]) && (s->profile = malloc(sizeof pr)))
        *s->profile = pr;
}

/* Files s in the list of all, its user's and its id's bucket. */
static void sub_link(push_psa *p, psa_sub *s, psa_user *u)
{
    s->next = p->subs;
    if (p->subs)
        p->subs->prev = s;
    p->subs = s;
    s->user = u;
    s->user_next = u->subs;
    u->subs = s;
    psa_sub **b = &p->sub_ids[s->id & p->sub_id_mask];
    s->id_next = *b;
    *b = s;
    p->nsubs++;
}

static void sub_unlink(push_psa *p, psa_sub *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        p->subs = s->next;
    if (s->next)
        s->next->prev = s->prev;
    for (psa_sub **pp = &s->user->subs; *pp; pp = &(*pp)->user_next)
        if (*pp == s) {
            *pp = s->user_next;
            break;
        }
    for (psa_sub **pp = &p->sub_ids[s->id & p->sub_id_mask]; *pp; pp = &(*pp)->id_next)
        if (*pp == s) {
            *pp = s->id_next;
            break;
        }
    p->nsubs--;
    psa_user_release(p, s->user);
}

/* The Event value our NOTIFYs in s carry. */
static void sub_event(const psa_sub *s, char *out, size_t cap)
{
    if (s->app[0])
        snprintf(out, cap, "ua-profile;profile-type=oma-app;event-app-id=\"%s\"", s->app);
    else
        snprintf(out, cap, "ua-profile;profile-type=oma-app");
}

static uint32_t remaining_s(push_psa *p, const psa_sub *s)
{
    uint64_t now = p->env.now_ms(p->env.ctx);
    return s->expires_at > now ? (uint32_t)((s->expires_at - now + 999) / 1000) : 0;
}

long psa_sub_notify_build(push_psa *p, psa_sub *s, sp_str extra, sp_str content_type, sp_str body, char *out,
                          size_t cap, sip_peer *dest)
{
    char hdrs[1024], event[128];
    sub_event(s, event, sizeof event);
    /* a route set leads the way; without one the remote target may be a
     * GRUU we issued, reached through its binding */
    sp_str hop = sip_dialog_next_hop(s->dlg);
    if ((s->dlg->nroutes ? push_uri_peer(hop, dest) : psa_route(p, hop, dest)) != 0)
        return SP_EINVAL;
    dest->tp = push_local_tp(&p->cfg.local, dest->tp);
    int hn;
    if (s->state == PSA_SUB_ACTIVE)
        hn = snprintf(hdrs, sizeof hdrs, "Event: %s\r\nSubscription-State: active;expires=%u\r\n"
                      "P-Asserted-Identity: <%.*s>\r\n%.*s", event, (unsigned)remaining_s(p, s),
                      (int)p->cfg.identity.n, p->cfg.identity.p, (int)extra.n, extra.p ? extra.p : "");
    else
        hn = snprintf(hdrs, sizeof hdrs, "Event: %s\r\nSubscription-State: terminated;reason=%.*s\r\n"
                      "P-Asserted-Identity: <%.*s>\r\n", event, (int)extra.n, extra.p ? extra.p : "timeout",
                      (int)p->cfg.identity.n, p->cfg.identity.p);
    if (hn < 0 || (size_t)hn >= sizeof hdrs)
        return SP_ENOSPC;
    sip_dialog_req r = {.method = SP_LIT("NOTIFY"), .headers = sp_str_make(hdrs, (size_t)hn),
                        .content_type = content_type, .body = body};
    long n = push_dialog_req_build(p->L, &p->cfg.local, dest->tp, s->dlg, &r, out, cap);
    return n < 0 ? -1 : n; /* no randomness for the branch, or too long */
}

/* RFC 6665 §4.2.2: which outcomes of a NOTIFY end its subscription. Timer F
 * (a local 408) SHOULD and the answers that say the subscriber has no such
 * usage MUST (sip_sub_notify_failure_ends); a transport error (a local 503,
 * RFC 3261 §8.1.3.1) is treated as Timer F: the subscriber cannot be
 * reached, and it subscribes again when it comes back. Other refusals
 * (400, 403, 415, 500, 503 with or without Retry-After, 603...) concern that
 * one NOTIFY: the subscription stays (RFC 5057 §5.1, transaction only). */
static bool notify_outcome_ends(const sip_txn_result *r)
{
    if (r->local)
        return r->status == 408 || r->status == 503;
    return r->status >= 300 && sip_sub_notify_failure_ends(r->status);
}

bool psa_sub_notify_answered(push_psa *p, psa_sub *s, const sip_txn_result *r)
{
    if (!s || !r->final || !notify_outcome_ends(r))
        return false;
    char why[48] = "NOTIFY timed out";
    if (!r->local)
        snprintf(why, sizeof why, "NOTIFY answered %u", r->status);
    else if (r->status == 503)
        snprintf(why, sizeof why, "NOTIFY transport error");
    /* no NOTIFY terminated: the transition comes from a NOTIFY failure */
    sub_set(p, s, PSA_SUB_TERMINATED, why);
    psa_sub_end(p, s, why, false);
    return true;
}

/* The subscription a response to one of our NOTIFYs belongs to: the
 * dialog of its Call-ID, From tag (ours) and To tag (theirs). */
static psa_sub *sub_of_response(push_psa *p, const sip_msg *resp)
{
    sip_addr from, to;
    if (!resp || sip_addr_parse(push_hdr(resp, SIP_H_FROM), &from, NULL) != 0 ||
        sip_addr_parse(push_hdr(resp, SIP_H_TO), &to, NULL) != 0)
        return NULL;
    sip_dialog *d = sip_dialog_set_find(p->sub_dialogs, push_hdr(resp, SIP_H_CALL_ID), from.tag, to.tag);
    return d ? d->user : NULL;
}

static void state_notify_done(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    push_psa *p = ctx;
    (void)ct;
    if (r->final && r->status >= 300 && !psa_sub_notify_answered(p, sub_of_response(p, r->msg), r))
        push_logf(&p->env, "state NOTIFY answered %u", r->status);
}

/* A NOTIFY with no body: the enrolment confirmation, a refresh's state, the
 * end. One that cannot be sent at all ends an active subscription as a
 * transport error would; returns false then (s is gone). */
static bool send_state(push_psa *p, psa_sub *s, const char *reason)
{
    char buf[PUSH_MSG_MAX];
    sip_peer dest;
    long n = psa_sub_notify_build(p, s, sp_str_cstr(reason), SP_STR_NULL, SP_STR_NULL, buf, sizeof buf, &dest);
    sip_txn_id ct;
    if (n > 0 && sip_txn_request(p->L, buf, (size_t)n, &dest, state_notify_done, p, &ct) == 0)
        return true;
    if (s->state != PSA_SUB_ACTIVE)
        return true; /* the final NOTIFY: the subscription ends anyway */
    sub_set(p, s, PSA_SUB_TERMINATED, "NOTIFY not sent");
    psa_sub_end(p, s, "NOTIFY not sent", false);
    return false;
}

void psa_sub_end(push_psa *p, psa_sub *s, const char *reason, bool send)
{
    if (send && s->state == PSA_SUB_ACTIVE) {
        sub_set(p, s, PSA_SUB_TERMINATED, reason ? reason : "ended");
        send_state(p, s, reason ? reason : "timeout");
    }
    push_psa_event ev = {.kind = PUSH_PSA_EV_SUB_ENDED, .aor = sp_str_cstr(s->aor), .app = sp_str_cstr(s->app),
                         .reason = sp_str_cstr(reason)};
    if (reason)
        psa_event(p, &ev);
    sub_unlink(p, s);
    push_tmr_stop(&p->env, &s->tmr);
    sip_dialog_set_remove(p->sub_dialogs, s->dlg);
    sip_dialog_free(s->dlg);
    free(s->profile);
    free(s);
}

void psa_sub_timer(push_psa *p, uint64_t id)
{
    psa_sub *s = psa_sub_by_id(p, id);
    if (!s)
        return;
    s->tmr.handle = 0;
    psa_sub_end(p, s, "timeout", true); /* RFC 6665 §4.2.2: expiry ends it with reason timeout */
}

static uint32_t granted_of(push_psa *p, const sip_msg *req, bool *ok)
{
    uint64_t e = PUSH_PSA_SUB_EXPIRES_DEFAULT;
    sp_str eh = push_hdr(req, SIP_H_EXPIRES);
    *ok = !sp_str_present(eh) || sip_uint_parse(eh, UINT32_MAX, &e, NULL) == 0;
    return e > p->cfg.max_sub_expires ? p->cfg.max_sub_expires : (uint32_t)e;
}

static void answer_200(push_psa *p, sip_txn_id st, uint32_t expires, sp_str to_tag)
{
    char hdrs[PUSH_URI_MAX + 64];
    int n = snprintf(hdrs, sizeof hdrs, "Expires: %u\r\nContact: %s\r\n", (unsigned)expires, p->contact);
    sip_txn_reply r = {.status = 200, .to_tag = to_tag, .headers = sp_str_make(hdrs, (size_t)n)};
    sip_txn_respond(p->L, st, &r);
}

static void refresh(push_psa *p, psa_sub *s, sip_txn_id st, const sip_msg *req)
{
    bool ok;
    uint32_t e = granted_of(p, req, &ok);
    if (!ok) {
        psa_answer(p, st, req, 400, "Bad Expires", SP_STR_NULL);
        return;
    }
    answer_200(p, st, e, s->dlg->local_tag);
    if (e == 0) {
        psa_sub_end(p, s, "timeout", true); /* §4.2.1.4: an un-subscription gets its final NOTIFY */
        return;
    }
    s->expires_at = p->env.now_ms(p->env.ctx) + e * 1000ull;
    push_tmr_start(&p->env, &s->tmr, e * 1000ull, push_cookie(PSA_TMR_SUB, s->id));
    sub_set(p, s, PSA_SUB_ACTIVE, "refresh");
    send_state(p, s, NULL);
}

void psa_on_subscribe(push_psa *p, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    /* seed 002 §7.2.2.1 step 1: only ua-profile with the oma-app profile type */
    sip_event ev;
    sp_str pt;
    if (sip_event_parse(push_hdr(req, SIP_H_EVENT), &ev, NULL) != 0 || !sp_str_caseeq_cstr(ev.package, "ua-profile") ||
        !sip_param_find(ev.params, "profile-type", &pt) || !pt.p || !sp_str_caseeq_cstr(sip_unquote(pt), "oma-app")) {
        psa_answer(p, st, req, 489, NULL, SP_LIT("Allow-Events: ua-profile\r\n"));
        return;
    }
    const char *why = NULL;
    unsigned bad = psa_check_identity(p, req, src, &why);
    if (bad) {
        psa_answer(p, st, req, bad, why, SP_STR_NULL);
        return;
    }
    unsigned status = 0;
    sip_dialog *d = sip_dialog_set_route(p->sub_dialogs, req, &status);
    if (d) {
        refresh(p, d->user, st, req);
        return;
    }
    if (status) {
        psa_answer(p, st, req, status, status == 481 ? "Subscription Does Not Exist" : NULL, SP_STR_NULL);
        return;
    }
    bool ok;
    uint32_t e = granted_of(p, req, &ok);
    sp_str aor = push_addr_uri(push_hdr(req, SIP_H_P_ASSERTED_IDENTITY)), app = SP_STR_NULL, v;
    if (sip_param_find(ev.params, "event-app-id", &v) && v.p)
        app = sip_unquote(v);
    if (!app.n) {
        /* step 5: the subscription is to the application the Event names;
         * one naming none (a misspelt parameter, "appids=") would be kept
         * and never carry a push. The package is understood, so not 489
         * (RFC 6665 §8.3.2) but 400, the reason saying what is missing. */
        psa_answer(p, st, req, 400, "Event Has No event-app-id", SP_STR_NULL);
        return;
    }
    if (!ok || aor.n >= PUSH_URI_MAX || app.n >= sizeof ((psa_sub *)0)->app) {
        psa_answer(p, st, req, 400, "Bad Expires, Identity Or Application", SP_STR_NULL);
        return;
    }
    /* RFC 6665 §6.3: one identity must not take every slot. Its quota is
     * policy, not load: 403 (RFC 3261 §21.4.4); a 503 would send it and
     * its proxies to another server (§21.5.4) for a state of its own. A
     * full table is load: 503 with Retry-After. */
    if (push_psa_subscriptions(p, aor, SP_STR_NULL) >= p->cfg.max_subs_per_identity) {
        psa_answer(p, st, req, 403, "Too Many Subscriptions For This Identity", SP_STR_NULL);
        return;
    }
    if (p->nsubs >= p->cfg.max_subs || p->stopping) {
        sp_str retry = SP_LIT(PUSH_RETRY_AFTER_LINE(PUSH_PSA_RETRY_AFTER_SUBS_S));
        psa_answer(p, st, req, 503, "Too Many Subscriptions", retry);
        return;
    }
    char tag[SIP_TAG_SIZE];
    if (!sip_stateless_tag(req, tag))
        return; /* no randomness: no dialog; the transaction ends unanswered */
    psa_user *u = psa_user_get(p, aor);
    psa_sub *s = u ? calloc(1, sizeof *s + aor.n + 1) : NULL;
    if (!s || sip_dialog_uas_new(&s->dlg, req, sp_str_cstr(tag), sp_str_cstr(p->contact), false, false) != 0 ||
        sip_dialog_set_add(p->sub_dialogs, s->dlg) != 0) {
        if (s)
            sip_dialog_free(s->dlg);
        free(s);
        if (u)
            psa_user_release(p, u);
        psa_answer(p, st, req, 500, "Subscription Not Kept", SP_STR_NULL);
        return;
    }
    s->id = ++p->next_sub;
    s->dlg->user = s;
    memcpy(s->aor, aor.p, aor.n);
    snprintf(s->app, sizeof s->app, "%.*s", (int)app.n, app.p ? app.p : "");
    keep_profile(s, ev.params);
    s->state = PSA_SUB_ACTIVE;
    s->expires_at = p->env.now_ms(p->env.ctx) + e * 1000ull;
    sub_link(p, s, u);
    answer_200(p, st, e, s->dlg->local_tag);
    push_logf(&p->env, "subscription %llu: (none) -> active (subscribe)", (unsigned long long)s->id);
    if (e == 0) {
        psa_sub_end(p, s, NULL, true); /* a fetch: one NOTIFY with the state, then nothing */
        return;
    }
    push_tmr_start(&p->env, &s->tmr, e * 1000ull, push_cookie(PSA_TMR_SUB, s->id));
    push_psa_event ok_ev = {.kind = PUSH_PSA_EV_SUBSCRIBED, .aor = sp_str_cstr(s->aor), .app = sp_str_cstr(s->app),
                            .expires = e};
    psa_event(p, &ok_ev);
    /* step 7: the profile enrolment confirmation */
    send_state(p, s, NULL);
}
