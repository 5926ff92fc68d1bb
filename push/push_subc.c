/* push_subc.c - one subscription, subscriber side (RFC 6665 §4.1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_subc.h"
#include "sip_build.h"
#include "sip_hdr.h"

const char *push_subc_state_name(push_subc_state s)
{
    static const char *names[] = {"idle", "subscribing", "active", "refreshing", "unsubscribing", "terminated"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* Every transition goes through here so the log tells the whole story. */
static void set_state(push_subc *s, push_subc_state to, const char *event, unsigned status, uint32_t expires)
{
    push_subc_state old = s->state;
    s->state = to;
    push_logf(s->host->env, "subscription %llu: %s -> %s (%s)", (unsigned long long)s->id, push_subc_state_name(old),
              push_subc_state_name(to), event);
    if (s->host->on_state && old != to)
        s->host->on_state(s->host->ctx, s, old, status, expires);
}

static sp_str keep(char **at, sp_str v)
{
    if (!v.p)
        return SP_STR_NULL;
    memcpy(*at, v.p, v.n);
    sp_str r = sp_str_make(*at, v.n);
    *at += v.n;
    return r;
}

push_subc *push_subc_new(push_subc_host *h, const push_subc_config *cfg)
{
    size_t need = cfg->target.n + cfg->proxy.n + cfg->from_uri.n + cfg->to_uri.n + cfg->contact.n + cfg->event.n +
                  cfg->headers.n + 1;
    push_subc *s = calloc(1, sizeof *s);
    char *mem = malloc(need);
    if (!s || !mem) {
        free(s);
        free(mem);
        return NULL;
    }
    char *at = mem;
    s->mem = mem;
    s->host = h;
    s->id = ++h->next_id;
    s->cfg = *cfg;
    s->cfg.target = keep(&at, cfg->target);
    s->cfg.proxy = keep(&at, cfg->proxy);
    s->cfg.from_uri = keep(&at, cfg->from_uri);
    s->cfg.to_uri = keep(&at, cfg->to_uri);
    s->cfg.contact = keep(&at, cfg->contact);
    s->cfg.event = keep(&at, cfg->event);
    s->cfg.headers = keep(&at, cfg->headers);
    s->next = h->list;
    h->list = s;
    return s;
}

static void drop_dialog(push_subc *s)
{
    if (s->dlg) {
        sip_dialog_set_remove(s->host->dialogs, s->dlg);
        sip_dialog_free(s->dlg);
        s->dlg = NULL;
    }
}

static void unlink_and_free(push_subc *s)
{
    push_subc_host *h = s->host;
    for (push_subc **pp = &h->list; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    push_tmr_stop(h->env, &s->tmr);
    drop_dialog(s);
    free(s->sent);
    free(s->mem);
    free(s);
}

void push_subc_free(push_subc *s)
{
    if (!s)
        return;
    if (s->ct && sip_txn_state_of(s->host->L, s->ct) != SIP_TXN_TERMINATED) {
        s->doomed = true; /* its response callback still holds s */
        push_tmr_stop(s->host->env, &s->tmr);
        drop_dialog(s);
        return;
    }
    unlink_and_free(s);
}

void push_subc_host_clear(push_subc_host *h)
{
    while (h->list)
        unlink_and_free(h->list);
}

/* Half the granted time: a lost refresh still has the other half to be
 * retried (RFC 6665 §4.1.2.1 leaves the moment to the subscriber). */
static uint64_t refresh_delay_ms(uint32_t granted_s)
{
    uint64_t ms = (uint64_t)granted_s * 500u;
    return ms < 1000 ? 1000 : ms;
}

static void on_response(void *ctx, sip_txn_id ct, const sip_txn_result *r);

static int send_request(push_subc *s, const char *buf, size_t len, sp_str next_hop)
{
    sip_peer dest;
    if (push_uri_peer(next_hop, &dest) != 0)
        return SP_EINVAL;
    dest.tp = push_local_tp(s->host->local, dest.tp);
    return sip_txn_request(s->host->L, buf, len, &dest, on_response, s, &s->ct);
}

/* Event, Expires and the configured extra lines. */
static size_t common_headers(const push_subc *s, uint32_t expires, char *out, size_t cap)
{
    int n = snprintf(out, cap, "Event: %.*s\r\nExpires: %u\r\n%.*s", (int)s->cfg.event.n, s->cfg.event.p,
                     (unsigned)expires, (int)s->cfg.headers.n, s->cfg.headers.p ? s->cfg.headers.p : "");
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

int push_subc_start(push_subc *s)
{
    if (s->state != PUSH_SUBC_IDLE && s->state != PUSH_SUBC_TERMINATED)
        return SP_EINVAL;
    s->ending = false;
    s->awaiting_notify = false;
    drop_dialog(s);
    push_tmr_stop(s->host->env, &s->tmr);
    s->cseq = 1;
    char hdrs[1024];
    if (!push_req_ids_new(s->call_id, s->from_tag))
        return SP_EINVAL; /* no randomness */
    size_t hn = common_headers(s, s->cfg.expires, hdrs, sizeof hdrs);
    if (!hn)
        return SP_ELIMIT;
    push_req r = {.method = SP_LIT("SUBSCRIBE"), .ruri = s->cfg.target, .proxy = s->cfg.proxy,
                  .from_uri = s->cfg.from_uri, .from_tag = sp_str_cstr(s->from_tag),
                  .to_uri = s->cfg.to_uri.n ? s->cfg.to_uri : s->cfg.target, .call_id = sp_str_cstr(s->call_id),
                  .cseq = s->cseq, .contact = s->cfg.contact, .headers = sp_str_make(hdrs, hn)};
    /* the request goes to the first hop (the proxy), its Request-URI stays the target */
    sip_peer dest;
    if (push_req_first_hop(s->host->local, &r, &dest) != 0)
        return SP_EINVAL;
    char buf[PUSH_MSG_MAX];
    long n = push_req_build(s->host->L, s->host->local, dest.tp, &r, buf, sizeof buf);
    if (n < 0)
        return (int)n;
    char *copy = malloc((size_t)n);
    if (!copy)
        return SP_ELIMIT;
    memcpy(copy, buf, (size_t)n);
    free(s->sent);
    s->sent = copy;
    s->sent_len = (size_t)n;
    int rc = sip_txn_request(s->host->L, buf, (size_t)n, &dest, on_response, s, &s->ct);
    if (rc != 0)
        return rc;
    set_state(s, PUSH_SUBC_SUBSCRIBING, "subscribe sent", 0, 0);
    return 0;
}

/* A SUBSCRIBE in the dialog: a refresh, or Expires: 0 to end it. */
static int send_in_dialog(push_subc *s, uint32_t expires)
{
    char hdrs[1024], buf[PUSH_MSG_MAX];
    sip_peer dest;
    sp_str hop = sip_dialog_next_hop(s->dlg);
    if (push_uri_peer(hop, &dest) != 0)
        return SP_EINVAL;
    size_t hn = common_headers(s, expires, hdrs, sizeof hdrs);
    if (!hn)
        return SP_ELIMIT;
    sip_dialog_req r = {.method = SP_LIT("SUBSCRIBE"), .headers = sp_str_make(hdrs, hn)};
    long n = push_dialog_req_build(s->host->L, s->host->local, push_local_tp(s->host->local, dest.tp), s->dlg, &r, buf,
                                   sizeof buf);
    if (n < 0)
        return (int)n;
    return send_request(s, buf, (size_t)n, hop);
}

void push_subc_refresh(push_subc *s)
{
    if (s->state == PUSH_SUBC_ACTIVE && s->dlg && send_in_dialog(s, s->cfg.expires) == 0) {
        push_tmr_stop(s->host->env, &s->tmr);
        set_state(s, PUSH_SUBC_REFRESHING, "refresh asked", 0, 0);
    }
}

void push_subc_stop(push_subc *s)
{
    s->ending = true;
    push_tmr_stop(s->host->env, &s->tmr);
    if (s->dlg && (s->state == PUSH_SUBC_ACTIVE || s->state == PUSH_SUBC_REFRESHING) && send_in_dialog(s, 0) == 0) {
        set_state(s, PUSH_SUBC_UNSUBSCRIBING, "unsubscribe sent", 0, 0);
        return;
    }
    if (s->state != PUSH_SUBC_TERMINATED && s->state != PUSH_SUBC_IDLE)
        set_state(s, PUSH_SUBC_TERMINATED, "stopped", 0, 0);
}

static bool parse_sent(const push_subc *s, sip_msg *m, sip_header *hdrs, size_t max)
{
    return s->sent && sip_msg_parse(s->sent, s->sent_len, m, hdrs, max, NULL, SIP_FRAME_DATAGRAM, NULL) > 0;
}

static uint64_t now_ms(const push_subc *s) { return s->host->env->now_ms(s->host->env->ctx); }

/* The refresh at half the granted time counted from 'since'; while the
 * first NOTIFY is awaited, Timer N when that comes first. */
static void arm_refresh_from(push_subc *s, uint64_t since)
{
    uint64_t now = now_ms(s), at = since + refresh_delay_ms(s->granted);
    if (s->awaiting_notify && s->accepted_ms + PUSH_SUBC_TIMER_N_MS < at)
        at = s->accepted_ms + PUSH_SUBC_TIMER_N_MS;
    push_tmr_start(s->host->env, &s->tmr, at > now ? at - now : 1, push_cookie(s->host->timer_kind, s->id));
}

static void arm_refresh(push_subc *s) { arm_refresh_from(s, now_ms(s)); }

static void retry_later(push_subc *s)
{
    if (s->cfg.retry && !s->ending) /* un-subscribed by us: never again by itself */
        push_tmr_start(s->host->env, &s->tmr, PUSH_SUBC_RETRY_MS, push_cookie(s->host->timer_kind, s->id));
}

/* The subscriber dialog a 2xx to the initial SUBSCRIBE makes (RFC 6665
 * §4.1.2.1), joined to the host's set; false when it cannot be made. */
static bool dialog_from_2xx(push_subc *s, const sip_msg *resp)
{
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg req;
    sip_dialog *d = NULL;
    if (!parse_sent(s, &req, hdrs, SIP_DEFAULT_MAX_HEADERS) ||
        sip_dialog_uac_new(&d, &req, resp, s->cfg.contact, false) != 0)
        return false;
    if (sip_dialog_set_add(s->host->dialogs, d) != 0) {
        sip_dialog_free(d);
        return false;
    }
    d->user = s;
    s->dlg = d;
    return true;
}

static void on_response(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    push_subc *s = ctx;
    if (!r->final)
        return;
    if (s->ct == ct)
        s->ct = 0;
    if (s->doomed) {
        unlink_and_free(s);
        return;
    }
    unsigned st = r->status;
    if (s->ending && s->state == PUSH_SUBC_TERMINATED) {
        /* stopped while the initial SUBSCRIBE was out: its 2xx made a
         * subscription at the notifier, ended at once in its dialog
         * (RFC 6665 §4.1.2.3); a failure ends nothing more */
        if (st >= 200 && st < 300 && !s->dlg && dialog_from_2xx(s, r->msg) && send_in_dialog(s, 0) == 0)
            set_state(s, PUSH_SUBC_UNSUBSCRIBING, "unsubscribe sent", st, 0);
        return;
    }
    if (s->state == PUSH_SUBC_UNSUBSCRIBING) {
        /* the dialog stays for the final NOTIFY (RFC 6665 §4.1.2.3) */
        set_state(s, PUSH_SUBC_TERMINATED, "unsubscribed", st, 0);
        return;
    }
    if (st >= 200 && st < 300) {
        uint32_t granted = s->cfg.expires;
        sip_sub_accepted_expires(r->msg, &granted); /* §4.1.2.1: the 2xx's Expires is what counts */
        s->granted = granted;
        s->accepted_ms = now_ms(s);
        if (!s->dlg && s->state == PUSH_SUBC_SUBSCRIBING) {
            s->awaiting_notify = true;
            dialog_from_2xx(s, r->msg);
        } else if (s->dlg) {
            sip_dialog_on_response(s->dlg, SP_LIT("SUBSCRIBE"), r->msg);
        }
        arm_refresh(s);
        set_state(s, PUSH_SUBC_ACTIVE, s->state == PUSH_SUBC_REFRESHING ? "refreshed" : "accepted", st, granted);
        return;
    }
    /* a failed refresh leaves the subscription alive unless the answer ends it (§4.1.2.2) */
    if (s->state == PUSH_SUBC_REFRESHING && !sip_sub_refresh_ends(st)) {
        s->granted = s->granted > 2 ? s->granted / 2 : 1;
        arm_refresh(s);
        set_state(s, PUSH_SUBC_ACTIVE, "refresh refused, kept", st, 0);
        return;
    }
    drop_dialog(s);
    set_state(s, PUSH_SUBC_TERMINATED, "refused", st, 0);
    retry_later(s);
}

void push_subc_timer(push_subc_host *h, uint64_t id)
{
    for (push_subc *s = h->list; s; s = s->next) {
        if (s->id != id)
            continue;
        s->tmr.handle = 0;
        if (s->state == PUSH_SUBC_ACTIVE && s->awaiting_notify &&
            now_ms(s) - s->accepted_ms >= PUSH_SUBC_TIMER_N_MS) {
            s->awaiting_notify = false;
            drop_dialog(s);
            set_state(s, PUSH_SUBC_TERMINATED, "no notify", 408, 0);
            retry_later(s);
        } else if (s->state == PUSH_SUBC_ACTIVE && s->dlg) {
            if (send_in_dialog(s, s->cfg.expires) == 0)
                set_state(s, PUSH_SUBC_REFRESHING, "refresh due", 0, 0);
            else
                retry_later(s);
        } else if (s->state == PUSH_SUBC_TERMINATED || s->state == PUSH_SUBC_IDLE) {
            if (push_subc_start(s) != 0)
                retry_later(s);
        }
        return;
    }
}

static void answer(push_subc_host *h, sip_txn_id st, unsigned status)
{
    sip_txn_reply rep = {.status = status};
    sip_txn_respond(h->L, st, &rep);
}

/* A NOTIFY in s's subscription (§4.1.3). */
static void take_notify(push_subc *s, sip_txn_id st, const sip_msg *n, const sip_peer *src)
{
    const sip_header *ssh = sip_msg_find(n, SIP_H_SUBSCRIPTION_STATE);
    sip_subscription_state ss;
    if (!ssh || sip_subscription_state_parse(ssh->value, &ss, NULL) != 0) {
        answer(s->host, st, 400);
        return;
    }
    if (s->awaiting_notify) {
        s->awaiting_notify = false;
        if (s->state == PUSH_SUBC_ACTIVE)
            arm_refresh_from(s, s->accepted_ms); /* Timer N no longer */
    }
    /* the host may answer itself (0), e.g. after fetching indirect content */
    unsigned status = s->host->on_notify ? s->host->on_notify(s->host->ctx, s, st, n, src) : 200;
    if (status)
        answer(s->host, st, status);
    if (ss.state == SIP_SUBSTATE_TERMINATED) {
        drop_dialog(s);
        push_tmr_stop(s->host->env, &s->tmr);
        bool again = sp_str_caseeq_cstr(ss.reason, "deactivated") || sp_str_caseeq_cstr(ss.reason, "timeout");
        bool later = sp_str_caseeq_cstr(ss.reason, "probation") || sp_str_caseeq_cstr(ss.reason, "giveup") ||
                     !sp_str_present(ss.reason);
        set_state(s, PUSH_SUBC_TERMINATED, "terminated by notifier", 0, 0);
        /* §4.1.3: deactivated and timeout invite a new subscription at once;
         * probation, giveup and no reason after retry-after */
        if (s->ending)
            return;
        if (s->cfg.retry && again && s->state == PUSH_SUBC_TERMINATED)
            push_subc_start(s);
        else if (s->cfg.retry && later)
            push_tmr_start(s->host->env, &s->tmr, ss.has_retry_after ? ss.retry_after * 1000ull : PUSH_SUBC_RETRY_MS,
                           push_cookie(s->host->timer_kind, s->id));
        return;
    }
    if (ss.has_expires && ss.expires < s->granted) {
        s->granted = ss.expires; /* the NOTIFY's expires is authoritative */
        arm_refresh(s);
    }
    if (s->state == PUSH_SUBC_SUBSCRIBING)
        set_state(s, PUSH_SUBC_ACTIVE, "notify before 2xx", 0, ss.has_expires ? ss.expires : 0);
}

bool push_subc_route_notify(push_subc_host *h, sip_txn_id st, const sip_msg *n, const sip_peer *src)
{
    unsigned status = 0;
    sip_dialog *d = sip_dialog_set_route(h->dialogs, n, &status);
    if (d) {
        take_notify(d->user, st, n, src);
        return true;
    }
    if (status == 500) {
        answer(h, st, 500);
        return true;
    }
    /* §4.4.1: a NOTIFY may come before the 2xx and make the dialog itself */
    for (push_subc *s = h->list; s; s = s->next) {
        sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
        sip_msg req;
        if (s->state != PUSH_SUBC_SUBSCRIBING || s->dlg || !parse_sent(s, &req, hdrs, SIP_DEFAULT_MAX_HEADERS) ||
            !sip_sub_notify_matches(&req, n))
            continue;
        sip_dialog *nd = NULL;
        if (sip_dialog_uas_new(&nd, n, SP_STR_NULL, s->cfg.contact, false, false) != 0 ||
            sip_dialog_set_add(h->dialogs, nd) != 0) {
            sip_dialog_free(nd);
            answer(h, st, 500);
            return true;
        }
        nd->local_seq = s->cseq;
        nd->user = s;
        s->dlg = nd;
        take_notify(s, st, n, src);
        return true;
    }
    return false;
}
