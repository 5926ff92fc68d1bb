/* sip_event.c - Event and Subscription-State (RFC 6665 §8.2.3, §8.4). */
#include "sip_hdr.h"

#include "sip_lex_impl.h"

static bool is_token(sp_str v) { return v.p && v.n > 0 && sip_span(v.p, 0, v.n, SIP_C_TOKEN) == v.n; }

int sip_event_parse(sp_str value, sip_event *ev, sp_error *err)
{
    const char *p = value.p;
    size_t n = value.n;
    sip_lex_err e;
    *ev = (sip_event){0};
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    size_t i = sip_skip_ws(p, 0, n), start = i;
    /* event-type = event-package *( "." event-template ), each token-nodot */
    for (;;) {
        size_t part = i;
        while (i < n && p[i] != '.' && sip_is(p[i], SIP_C_TOKEN))
            i++;
        if (i == part)
            return sip_hdr_fail(err, i, "expected event package");
        if (i >= n || p[i] != '.')
            break;
        i++;
    }
    ev->package = sip_slice(p, start, i);
    i = sip_skip_ws(p, i, n);
    if (sip_scan_params(p, i, n, &ev->params, &e) == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    sp_str rest = ev->params;
    sip_param prm;
    while (sip_param_next(&rest, &prm)) {
        if (!SIP_NAME_IS(prm.name, "id"))
            continue;
        size_t at = (size_t)(prm.name.p - p);
        if (!is_token(prm.value))
            return sip_hdr_fail(err, at, "event id is not a token");
        if (ev->id.p)
            return sip_hdr_fail(err, at, "duplicate event id");
        ev->id = prm.value;
    }
    return 0;
}

/* expires / retry-after: delta-seconds, at most 2^32-1. */
static int delta_param(const sip_param *prm, size_t at, bool *has, uint32_t *out, sp_error *err)
{
    sip_lex_err e;
    uint64_t v = 0;
    sp_str s = prm->value;
    if (*has)
        return sip_hdr_fail(err, at, "duplicate Subscription-State parameter");
    if (!s.p || sip_scan_uint(s.p, 0, s.n, UINT32_MAX, &v, &e) != s.n)
        return sip_hdr_fail(err, at, "malformed delta-seconds");
    *has = true;
    *out = (uint32_t)v;
    return 0;
}

int sip_subscription_state_parse(sp_str value, sip_subscription_state *ss, sp_error *err)
{
    const char *p = value.p;
    size_t n = value.n;
    sip_lex_err e;
    *ss = (sip_subscription_state){0};
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    size_t i = sip_skip_ws(p, 0, n), start = i;
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == start)
        return sip_hdr_fail(err, i, "expected subscription state");
    ss->state_str = sip_slice(p, start, i);
    if (SIP_NAME_IS(ss->state_str, "active"))
        ss->state = SIP_SUBSTATE_ACTIVE;
    else if (SIP_NAME_IS(ss->state_str, "pending"))
        ss->state = SIP_SUBSTATE_PENDING;
    else if (SIP_NAME_IS(ss->state_str, "terminated"))
        ss->state = SIP_SUBSTATE_TERMINATED;
    else
        ss->state = SIP_SUBSTATE_OTHER;
    i = sip_skip_ws(p, i, n);
    if (sip_scan_params(p, i, n, &ss->params, &e) == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    sp_str rest = ss->params;
    sip_param prm;
    while (sip_param_next(&rest, &prm)) {
        size_t at = (size_t)(prm.name.p - p);
        if (SIP_NAME_IS(prm.name, "reason")) {
            if (!is_token(prm.value))
                return sip_hdr_fail(err, at, "reason is not a token");
            if (ss->reason.p)
                return sip_hdr_fail(err, at, "duplicate Subscription-State parameter");
            ss->reason = prm.value;
        } else if (SIP_NAME_IS(prm.name, "expires")) {
            if (delta_param(&prm, at, &ss->has_expires, &ss->expires, err) != 0)
                return SP_EINVAL;
        } else if (SIP_NAME_IS(prm.name, "retry-after")) {
            if (delta_param(&prm, at, &ss->has_retry_after, &ss->retry_after, err) != 0)
                return SP_EINVAL;
        }
    }
    return 0;
}
