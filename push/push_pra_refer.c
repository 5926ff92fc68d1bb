/* push_pra_refer.c - REFER at the receiver (RFC 3515, seed 002 §7.2.3.2):
 * a sender asks the receiver to subscribe to a ua-profile event. The REFER
 * is accepted with 202, the SUBSCRIBE its Refer-To describes is sent in a
 * dialog of its own, and the outcome goes back in NOTIFYs carrying
 * message/sipfrag: "100 Trying" first, then, on the first NOTIFY of the
 * new subscription (or on the SUBSCRIBE's failure), its answer with
 * Subscription-State: terminated;reason=noresource. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_featuretags.h"
#include "push_pra_impl.h"
#include "push_status.h"
#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_stateless.h"

/* How long the implicit refer subscription is said to last (RFC 3515 §2.4.4). */
#define PRA_REFER_EXPIRES 60

/* The referred URI's headers we act on, percent-decoded (RFC 3261 §19.1.1). */
typedef struct refer_target {
    char uri[PUSH_URI_MAX];
    char event[512];
    char accept_contact[512];
    uint32_t expires;
} refer_target;

static bool decode_into(sp_str v, char *out, size_t cap)
{
    size_t n = sp_pct_decode(v, out, cap - 1);
    if (n == (size_t)-1)
        return false;
    out[n] = '\0';
    return memchr(out, '\r', n) == NULL && memchr(out, '\n', n) == NULL && strlen(out) == n;
}

/* Reads the Refer-To URI: method=SUBSCRIBE, its Event, Accept-Contact and
 * Expires headers, and the URI to subscribe to without them. */
static const char *read_target(const sip_addr *to, refer_target *t)
{
    const sip_uri *u = &to->uri;
    sp_str m;
    if (u->scheme != SIP_URI_SIP && u->scheme != SIP_URI_SIPS)
        return "Refer-To is not a SIP URI";
    if (!sip_uri_param(u, "method", &m) || !m.p || !sp_str_eq(m, SP_LIT("SUBSCRIBE")))
        return "Only A SUBSCRIBE May Be Referred";
    memset(t, 0, sizeof *t);
    t->expires = PUSH_PRA_EXPIRES_DEFAULT;
    sp_str rest = u->headers;
    while (rest.n) {
        const char *amp = memchr(rest.p, '&', rest.n);
        sp_str item = sp_str_make(rest.p, amp ? (size_t)(amp - rest.p) : rest.n);
        rest = amp ? sp_str_make(amp + 1, rest.n - item.n - 1) : sp_str_make(rest.p + rest.n, 0);
        const char *eq = memchr(item.p, '=', item.n);
        if (!eq)
            continue;
        sp_str name = sp_str_make(item.p, (size_t)(eq - item.p)), val = sp_str_make(eq + 1, item.n - name.n - 1);
        char num[16];
        uint64_t e;
        if (sp_str_caseeq_cstr(name, "Event") && !decode_into(val, t->event, sizeof t->event))
            return "Bad Event In Refer-To";
        if (sp_str_caseeq_cstr(name, "Accept-Contact") && !decode_into(val, t->accept_contact, sizeof t->accept_contact))
            return "Bad Accept-Contact In Refer-To";
        if (sp_str_caseeq_cstr(name, "Expires") && decode_into(val, num, sizeof num) &&
            sp_str_to_u64(sp_str_cstr(num), UINT32_MAX, &e))
            t->expires = (uint32_t)e;
    }
    sip_event ev;
    sp_str pt;
    if (!t->event[0] || sip_event_parse(sp_str_cstr(t->event), &ev, NULL) != 0 ||
        !sp_str_caseeq_cstr(ev.package, "ua-profile") || !sip_param_find(ev.params, "profile-type", &pt) || !pt.p ||
        !sp_str_caseeq_cstr(sip_unquote(pt), "oma-app"))
        return "Referred Event Is Not ua-profile/oma-app";
    /* the URI to subscribe to: without the method parameter and the headers */
    sp_buf b;
    sp_buf_init(&b, t->uri, sizeof t->uri - 1);
    const char *end = u->params.p ? u->params.p - 1 : (u->headers.p ? u->headers.p - 1 : to->uri_str.p + to->uri_str.n);
    sp_buf_put(&b, sp_str_make(to->uri_str.p, (size_t)(end - to->uri_str.p)));
    sp_str params = u->params;
    sip_param p;
    while (params.p && sip_param_next(&params, &p))
        if (!sp_str_caseeq_cstr(p.name, "method")) {
            sp_buf_puts(&b, ";");
            sp_buf_put(&b, p.name);
            if (p.value.p) {
                sp_buf_puts(&b, "=");
                sp_buf_put(&b, p.value);
            }
        }
    long n = sp_buf_finish(&b);
    if (n < 0)
        return "Refer-To Too Long";
    t->uri[n] = '\0';
    return NULL;
}

static void notify_done(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    push_pra *a = ctx;
    (void)ct;
    if (r->final && r->status >= 300)
        push_logf(&a->env, "refer NOTIFY answered %u", r->status);
}

/* A NOTIFY about the referred SUBSCRIBE (RFC 3515 §2.4.5). */
static void refer_notify(push_pra *a, pra_refer *r, unsigned status, bool final)
{
    char hdrs[256], frag[96], buf[PUSH_MSG_MAX];
    sip_peer dest;
    sp_str hop = sip_dialog_next_hop(r->dlg);
    if (push_uri_peer(hop, &dest) != 0)
        return;
    dest.tp = push_local_tp(&a->cfg.local, dest.tp);
    int hn = final ? snprintf(hdrs, sizeof hdrs, "Event: refer\r\nSubscription-State: terminated;reason=noresource\r\n")
                   : snprintf(hdrs, sizeof hdrs, "Event: refer\r\nSubscription-State: active;expires=%u\r\n",
                              PRA_REFER_EXPIRES);
    int fn = snprintf(frag, sizeof frag, "SIP/2.0 %u %s\r\n", status, sip_reason_phrase(status));
    sip_dialog_req q = {.method = SP_LIT("NOTIFY"), .headers = sp_str_make(hdrs, (size_t)hn),
                        .content_type = SP_LIT("message/sipfrag;version=2.0"), .body = sp_str_make(frag, (size_t)fn)};
    /* without randomness for the branch the NOTIFY is not sent */
    long n = push_dialog_req_build(a->L, &a->cfg.local, dest.tp, r->dlg, &q, buf, sizeof buf);
    sip_txn_id ct;
    if (n > 0)
        sip_txn_request(a->L, buf, (size_t)n, &dest, notify_done, a, &ct);
}

static void refer_free(push_pra *a, pra_refer *r)
{
    for (pra_refer **pp = &a->refers; *pp; pp = &(*pp)->next)
        if (*pp == r) {
            *pp = r->next;
            break;
        }
    if (r->sub)
        r->sub->user = NULL;
    sip_dialog_set_remove(a->refer_dialogs, r->dlg);
    sip_dialog_free(r->dlg);
    free(r);
}

void pra_refer_free_all(push_pra *a)
{
    while (a->refers)
        refer_free(a, a->refers);
}

void pra_refer_sub_state(push_pra *a, push_subc *s, unsigned status)
{
    pra_refer *r = s->user;
    if (!r)
        return;
    /* seed 002 §7.2.3.2 step 3: after a 2xx the result is told on the first
     * NOTIFY of the new dialog, not before */
    if (s->state == PUSH_SUBC_ACTIVE) {
        if (status >= 200 && status < 300)
            r->answer = status;
        return;
    }
    /* refused, or ended before any NOTIFY (Timer N, a terminating refresh):
     * no NOTIFY will come. The sipfrag is the SUBSCRIBE's own answer (RFC
     * 3515 §2.4.5): its 2xx when it had one; one stopped before any answer
     * was cut short (487). */
    if (r->answer)
        status = r->answer;
    else if (!status)
        status = 487;
    refer_notify(a, r, status, true);
    refer_free(a, r);
}

void pra_refer_first_notify(push_pra *a, push_subc *s)
{
    pra_refer *r = s->user;
    if (!r)
        return;
    /* a NOTIFY before the 2xx says the subscription exists (RFC 6665 §4.1.2.4) */
    refer_notify(a, r, r->answer ? r->answer : 200, true);
    refer_free(a, r);
}

void pra_on_refer(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    const char *why = NULL;
    unsigned bad = pra_check_sender(a, req, src, &why);
    if (bad) {
        pra_answer(a, st, req, bad, why, SP_STR_NULL);
        return;
    }
    sip_addr to;
    if (req->count[SIP_H_REFER_TO] != 1 || sip_addr_parse(push_hdr(req, SIP_H_REFER_TO), &to, NULL) != 0) {
        pra_answer(a, st, req, 400, "Exactly One Valid Refer-To", SP_STR_NULL); /* RFC 3515 §2.4.1 */
        return;
    }
    refer_target t;
    if ((why = read_target(&to, &t)) != NULL) {
        pra_answer(a, st, req, 403, why, SP_STR_NULL);
        return;
    }
    /* the application asked for must be one we serve */
    sp_str app = SP_STR_NULL;
    sip_ac_value ac;
    if (t.accept_contact[0] && sip_ac_value_parse(sp_str_cstr(t.accept_contact), &ac, NULL) == 0 &&
        sip_feature_find(ac.params, PUSH_FTAG_APP, &app)) {
        bool served = false;
        for (size_t i = 0; i < a->cfg.napps && !served; i++)
            served = sip_feature_has(ac.params, PUSH_FTAG_APP, a->cfg.apps[i]);
        if (!served) {
            pra_answer(a, st, req, PUSH_STATUS_UNKNOWN_APP, "Push Application Not Served", SP_STR_NULL);
            return;
        }
    }
    char tag[SIP_TAG_SIZE], ach[256], hdrs[1200], contact[PUSH_URI_MAX + 16];
    if (!sip_stateless_tag(req, tag))
        return; /* no randomness: no dialog; the transaction ends unanswered */
    pra_refer *r = calloc(1, sizeof *r);
    sp_str own = push_pra_contact(a);
    if (!r || sip_dialog_uas_new(&r->dlg, req, sp_str_cstr(tag), own, false, false) != 0 ||
        sip_dialog_set_add(a->refer_dialogs, r->dlg) != 0) {
        if (r)
            sip_dialog_free(r->dlg);
        free(r);
        pra_answer(a, st, req, 500, "No Room For The Referral", SP_STR_NULL);
        return;
    }
    r->next = a->refers;
    a->refers = r;
    int cn = snprintf(contact, sizeof contact, "Contact: %.*s\r\n", (int)own.n, own.p);
    pra_answer(a, st, req, 202, NULL, sp_str_make(contact, (size_t)cn));
    refer_notify(a, r, 100, false);

    sp_error err;
    int acn = t.accept_contact[0] ? snprintf(ach, sizeof ach, "%s", t.accept_contact)
                                  : push_accept_contact_build(a->cfg.napps ? a->cfg.apps[0] : SP_STR_NULL, SP_STR_NULL,
                                                              pra_push_methods(a), false, false, ach, sizeof ach, &err);
    size_t hn = acn > 0 ? pra_sub_headers(a, sp_str_make(ach, (size_t)acn), hdrs, sizeof hdrs) : 0;
    push_subc_config sc = {.target = sp_str_cstr(t.uri), .proxy = a->cfg.proxy,
                           .from_uri = a->cfg.aor, .contact = own, .event = sp_str_cstr(t.event),
                           .headers = sp_str_make(hdrs, hn), .expires = t.expires, .retry = false};
    push_subc *s = hn ? push_subc_new(&a->subs, &sc) : NULL;
    if (!s || push_subc_start(s) != 0) {
        if (s)
            push_subc_free(s);
        refer_notify(a, r, 503, true);
        refer_free(a, r);
        return;
    }
    s->user = r;
    r->sub = s;
}
