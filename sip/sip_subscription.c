/* sip_subscription.c - the rules of subscription dialog usages (RFC 6665
 * §4.1.2, §4.1.3, §4.2.2, §4.4.1, §8.2.1). */
#include "sip_dialog.h"
#include "sip_hdr.h"
#include "sip_txn_impl.h"

static bool event_of(const sip_msg *m, sip_event *ev)
{
    const sip_header *h = sip_msg_find(m, SIP_H_EVENT);
    return h && sip_event_parse(h->value, ev, NULL) == 0;
}

bool sip_sub_notify_matches(const sip_msg *subscribe, const sip_msg *notify)
{
    const sip_header *c1 = sip_msg_find(subscribe, SIP_H_CALL_ID), *c2 = sip_msg_find(notify, SIP_H_CALL_ID);
    sp_str our_tag = txn_tag_of(subscribe, SIP_H_FROM), their_view = txn_tag_of(notify, SIP_H_TO);
    sip_event e1, e2;
    if (!c1 || !c2 || !sp_str_eq(c1->value, c2->value) || !our_tag.n || !sp_str_caseeq(our_tag, their_view))
        return false;
    if (!event_of(subscribe, &e1) || !event_of(notify, &e2) || !sp_str_caseeq(e1.package, e2.package))
        return false;
    /* §8.2.1: the id parameter matches exactly, and absent only matches absent */
    if (sp_str_present(e1.id) != sp_str_present(e2.id))
        return false;
    return !sp_str_present(e1.id) || sp_str_eq(e1.id, e2.id);
}

sip_sub_state sip_sub_on_notify(sip_sub_state now, const sip_msg *notify, uint32_t *expires_s)
{
    const sip_header *h = sip_msg_find(notify, SIP_H_SUBSCRIPTION_STATE);
    sip_subscription_state ss;
    if (now == SIP_SUB_TERMINATED || !h || sip_subscription_state_parse(h->value, &ss, NULL) != 0)
        return now;
    switch (ss.state) {
    case SIP_SUBSTATE_ACTIVE:
    case SIP_SUBSTATE_PENDING:
        if (ss.has_expires && expires_s)
            *expires_s = ss.expires; /* authoritative (§4.1.3) */
        return ss.state == SIP_SUBSTATE_ACTIVE ? SIP_SUB_ACTIVE : SIP_SUB_PENDING;
    case SIP_SUBSTATE_TERMINATED:
        return SIP_SUB_TERMINATED; /* its expires means nothing */
    default:
        return now; /* an extension state: nothing known changes */
    }
}

/* Answers after which the other side has no such usage (RFC 5057 §5.1, as
 * RFC 6665 §4.1.2.2 lists them). */
static bool usage_gone(unsigned s)
{
    return s == 404 || s == 405 || s == 410 || s == 416 || (s >= 480 && s <= 485) || s == 489 || s == 501 ||
           s == 604;
}

bool sip_sub_refresh_ends(unsigned status) { return status == 408 || usage_gone(status); }

bool sip_sub_notify_failure_ends(unsigned status) { return status == 408 || usage_gone(status); }

bool sip_sub_accepted_expires(const sip_msg *resp, uint32_t *expires_s)
{
    const sip_header *h = sip_msg_find(resp, SIP_H_EXPIRES);
    uint64_t v;
    if (resp->status < 200 || resp->status >= 300 || !h || sip_uint_parse(h->value, UINT32_MAX, &v, NULL) != 0)
        return false;
    *expires_s = (uint32_t)v;
    return true;
}
