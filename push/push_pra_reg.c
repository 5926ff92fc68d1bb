/* push_pra_reg.c - the receiver's registration (RFC 3261 §10.2, seed 002
 * §8.2, RFC 5627 §4): REGISTER with the push feature tags and Require: pref,
 * refresh at half the granted time, digest answers, GRUUs, Expires: 0 at
 * shutdown.
 *
 *   state         event                     next
 *   idle          start                     registering
 *   registering   2xx                       registered (refresh armed)
 *   registering   401/407 with credentials  registering (sent again)
 *   registering   420 naming pref           registering (sent without Require: pref)
 *   registering   423                       registering (Expires raised to Min-Expires)
 *   registering   other failure             failed (retry armed)
 *   registered    refresh due               refreshing
 *   refreshing    as registering
 *   failed        retry due                 registering
 *   any           stop                      unregistering (Expires: 0) or unregistered
 *   unregistering final answer              unregistered */
#include <stdio.h>
#include <string.h>

#include "push_pra_impl.h"
#include "sip_hdr.h"

static const char *reg_name(pra_reg_state s)
{
    static const char *names[] = {"idle",         "registering",  "registered", "refreshing",
                                  "unregistering", "unregistered", "failed"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static void reg_set(push_pra *a, pra_reg_state to, const char *event)
{
    push_logf(&a->env, "registration: %s -> %s (%s)", reg_name(a->reg.state), reg_name(to), event);
    a->reg.state = to;
}

static void on_reg_response(void *ctx, sip_txn_id ct, const sip_txn_result *r);

/* Sends REGISTER asking for expires seconds (0: remove our binding). */
static int send_register(push_pra *a, uint32_t expires)
{
    pra_reg *g = &a->reg;
    /* one Call-ID for all REGISTERs to this registrar (RFC 3261 §10.2.4) */
    if (!g->call_id[0] && !push_req_ids_new(g->call_id, g->from_tag))
        return SP_EINVAL; /* no randomness */
    push_req r = {.method = SP_LIT("REGISTER"), .ruri = a->cfg.registrar, .proxy = a->cfg.proxy,
                  .from_uri = a->cfg.aor, .from_tag = sp_str_cstr(g->from_tag), .to_uri = a->cfg.aor,
                  .call_id = sp_str_cstr(g->call_id)};
    sip_peer dest;
    if (push_req_first_hop(&a->cfg.local, &r, &dest) != 0)
        return SP_EINVAL;
    char own[PUSH_URI_MAX], contact[1100], hdrs[2048];
    sip_uri aor;
    sip_uri_parse(a->cfg.aor, &aor, NULL);
    size_t cn0 = push_contact_uri(&a->cfg.local, dest.tp, aor.user, own, sizeof own);
    int cn = snprintf(contact, sizeof contact, "%.*s%s", (int)cn0, own, a->contact_tags);
    /* seed 002 §8.2 step 3: Require: pref, so a registrar that cannot keep
     * the feature tags says so (RFC 3840 §6); RFC 5627 §4.1: Supported: gruu */
    int hn = snprintf(hdrs, sizeof hdrs, "Expires: %u\r\n%sSupported: gruu\r\nAllow: %.*s\r\n", (unsigned)expires,
                      g->no_pref ? "" : "Require: pref\r\n", (int)pra_allow(a).n, pra_allow(a).p);
    if (!cn0 || cn < 0 || (size_t)cn >= sizeof contact || hn < 0 || (size_t)hn >= sizeof hdrs)
        return SP_ELIMIT;
    long an = sip_auth_client_headers(&g->auth, SP_LIT("REGISTER"), a->cfg.registrar, hdrs + hn,
                                      sizeof hdrs - (size_t)hn);
    if (an > 0)
        hn += (int)an;
    r.cseq = g->cseq + 1;
    r.contact = sp_str_make(contact, (size_t)cn);
    r.headers = sp_str_make(hdrs, (size_t)hn);
    char buf[PUSH_MSG_MAX];
    long n = push_req_build(a->L, &a->cfg.local, dest.tp, &r, buf, sizeof buf);
    if (n < 0)
        return (int)n;
    g->cseq = r.cseq;
    return sip_txn_request(a->L, buf, (size_t)n, &dest, on_reg_response, a, &g->ct);
}

static void retry_later(push_pra *a, unsigned status, const char *why)
{
    reg_set(a, PRA_REG_FAILED, why);
    pra_event(a, PUSH_PRA_EV_REG_FAILED, status, 0, SP_LIT("REGISTER"), sp_str_cstr(why), a->cfg.registrar);
    pra_start_subscription(a); /* a registrar's failure does not stop the subscription */
    if (!a->stopping)
        push_tmr_start(&a->env, &a->reg.tmr, PUSH_PRA_REG_RETRY_MS, push_cookie(PRA_TMR_REG, 0));
}

void pra_reg_start(push_pra *a)
{
    a->reg.asked = a->cfg.expires;
    if (send_register(a, a->reg.asked) == 0)
        reg_set(a, PRA_REG_REGISTERING, "start");
    else
        retry_later(a, 0, "REGISTER could not be sent");
}

bool pra_reg_done(const push_pra *a)
{
    pra_reg_state s = a->reg.state;
    return s == PRA_REG_IDLE || s == PRA_REG_UNREGISTERED || s == PRA_REG_FAILED;
}

void pra_reg_stop(push_pra *a)
{
    push_tmr_stop(&a->env, &a->reg.tmr);
    pra_reg_state s = a->reg.state;
    if (s == PRA_REG_REGISTERED || s == PRA_REG_REFRESHING || s == PRA_REG_REGISTERING) {
        /* seed 002 §8.2 step 8: de-register with Expires: 0 */
        if (send_register(a, 0) == 0) {
            reg_set(a, PRA_REG_UNREGISTERING, "stop");
            return;
        }
    }
    if (s != PRA_REG_IDLE)
        reg_set(a, PRA_REG_UNREGISTERED, "stop");
}

void pra_reg_timer(push_pra *a)
{
    if (a->stopping)
        return;
    if (a->reg.state == PRA_REG_REGISTERED) {
        if (send_register(a, a->reg.asked) == 0)
            reg_set(a, PRA_REG_REFRESHING, "refresh due");
        else
            retry_later(a, 0, "REGISTER could not be sent");
    } else if (a->reg.state == PRA_REG_FAILED) {
        if (send_register(a, a->reg.asked) == 0)
            reg_set(a, PRA_REG_REGISTERING, "retry due");
        else
            retry_later(a, 0, "REGISTER could not be sent");
    }
}

/* Copies a quoted parameter value without its quotes into out. */
static void keep_param(sp_str params, const char *name, char *out, size_t cap)
{
    sp_str v;
    if (sip_param_find(params, name, &v) && v.p) {
        v = sip_unquote(v);
        snprintf(out, cap, "%.*s", (int)v.n, v.p);
    }
}

/* Our binding in the 2xx: the Contact whose +sip.instance is ours, compared
 * exactly (RFC 5627 §4.2); its expires and GRUUs. */
static uint32_t take_binding(push_pra *a, const sip_msg *resp)
{
    uint32_t granted = 0;
    bool found = false;
    char want[112];
    snprintf(want, sizeof want, "<%s>", a->instance);
    for (const sip_header *h = sip_msg_find(resp, SIP_H_CONTACT); h && !found; h = sip_msg_find_next(resp, h)) {
        sp_str rest = h->value, item, inst;
        while (!found && sip_list_next(&rest, &item)) {
            sip_addr c;
            if (sip_addr_parse(item, &c, NULL) != 0 || !sip_param_find(c.params, "+sip.instance", &inst) || !inst.p ||
                !sp_str_eq(sip_unquote(inst), sp_str_cstr(want)))
                continue;
            found = true;
            sp_str e;
            uint64_t v;
            if (sip_param_find(c.params, "expires", &e) && e.p && sp_str_to_u64(e, UINT32_MAX, &v))
                granted = (uint32_t)v;
            a->reg.pub_gruu[0] = a->reg.temp_gruu[0] = '\0';
            keep_param(c.params, "pub-gruu", a->reg.pub_gruu, sizeof a->reg.pub_gruu);
            keep_param(c.params, "temp-gruu", a->reg.temp_gruu, sizeof a->reg.temp_gruu);
        }
    }
    uint64_t v;
    if (!granted && sip_uint_parse(push_hdr(resp, SIP_H_EXPIRES), UINT32_MAX, &v, NULL) == 0)
        granted = (uint32_t)v;
    return granted ? granted : a->reg.asked;
}

static void on_reg_response(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    push_pra *a = ctx;
    pra_reg *g = &a->reg;
    if (!r->final || ct != g->ct)
        return;
    g->ct = 0;
    unsigned st = r->status;
    if (g->state == PRA_REG_UNREGISTERING) {
        g->pub_gruu[0] = g->temp_gruu[0] = '\0';
        reg_set(a, PRA_REG_UNREGISTERED, st < 300 ? "de-registered" : "de-registration refused");
        pra_event(a, PUSH_PRA_EV_UNREGISTERED, st, 0, SP_LIT("REGISTER"), SP_STR_NULL, a->cfg.registrar);
        pra_check_stopped(a);
        return;
    }
    uint32_t expires = a->stopping ? 0 : g->asked;
    if (st >= 200 && st < 300) {
        sip_auth_client_accepted(&g->auth);
        g->granted = take_binding(a, r->msg);
        uint64_t ms = (uint64_t)g->granted * 500u; /* half the granted time */
        push_tmr_start(&a->env, &g->tmr, ms < 1000 ? 1000 : ms, push_cookie(PRA_TMR_REG, 0));
        reg_set(a, PRA_REG_REGISTERED, "2xx");
        pra_event(a, PUSH_PRA_EV_REGISTERED, st, g->granted, SP_LIT("REGISTER"), SP_STR_NULL, a->cfg.registrar);
        pra_start_subscription(a);
        return;
    }
    if ((st == 401 || st == 407) && sip_auth_client_challenge(&g->auth, r->msg) == 0) {
        if (send_register(a, expires) == 0)
            return; /* same state: the request goes again with credentials */
    } else if (st == 420 && !g->no_pref && sip_list_has(push_hdr(r->msg, SIP_H_UNSUPPORTED), SP_LIT("pref"), false)) {
        /* The registrar cannot honour caller preferences: register without
         * Require: pref rather than not at all; the feature tags may then be
         * ignored by its routing (push/README.md). */
        g->no_pref = true;
        push_logf(&a->env, "registrar refused Require: pref; registering without it");
        if (send_register(a, expires) == 0)
            return;
    } else if (st == 423) {
        uint64_t min;
        if (sip_uint_parse(push_hdr(r->msg, SIP_H_MIN_EXPIRES), UINT32_MAX, &min, NULL) == 0 && min > g->asked) {
            g->asked = (uint32_t)min; /* RFC 3261 §10.2.8 */
            if (send_register(a, g->asked) == 0)
                return;
        }
    }
    retry_later(a, st, r->local ? "no answer from the registrar" : "registration refused");
}
