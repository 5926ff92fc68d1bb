/* sip_msg_check.c - the semantic checks a UA makes before acting on a parsed
 * message (RFC 3261 §8.1.1, §8.2). */
#include "sip_hdr.h"
#include "sip_msg.h"

static int check_fail(sp_error *err, size_t offset, const char *reason)
{
    return sp_fail(err, SP_EINVAL, offset, 400, reason);
}

/* Offset of where a missing header would have been: the start of the message. */
static size_t msg_offset(const sip_msg *msg, const char *buf)
{
    const char *start = msg->is_request ? msg->method.p : msg->version.p;
    return start ? (size_t)(start - buf) : 0;
}

typedef struct required_hdr {
    sip_hdr_id id;
    bool requests_only;
    const char *missing, *twice;
} required_hdr;

/* §8.1.1: the headers every request carries; responses copy them (§8.2.6.2)
 * except Max-Forwards. Via may repeat (§20.42); these may not. */
static const required_hdr required[] = {
    {SIP_H_TO, false, "missing To header", "more than one To header"},
    {SIP_H_FROM, false, "missing From header", "more than one From header"},
    {SIP_H_CSEQ, false, "missing CSeq header", "more than one CSeq header"},
    {SIP_H_CALL_ID, false, "missing Call-ID header", "more than one Call-ID header"},
    {SIP_H_MAX_FORWARDS, true, "missing Max-Forwards header", "more than one Max-Forwards header"},
};

int sip_msg_check(const sip_msg *msg, const char *buf, sp_error *err)
{
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        const required_hdr *r = &required[i];
        unsigned count = msg->count[r->id];
        if (count == 0 && (msg->is_request || !r->requests_only))
            return check_fail(err, msg_offset(msg, buf), r->missing);
        if (count > 1) {
            const sip_header *second = sip_msg_find_next(msg, sip_msg_find(msg, r->id));
            return check_fail(err, (size_t)(second->name.p - buf), r->twice);
        }
    }
    if (msg->count[SIP_H_VIA] == 0)
        return check_fail(err, msg_offset(msg, buf), "missing Via header");

    sp_error e;
    const sip_header *h = sip_msg_find(msg, SIP_H_CSEQ);
    sip_cseq cseq;
    if (sip_cseq_parse(h->value, &cseq, &e) != 0)
        return check_fail(err, (size_t)(h->value.p - buf) + e.offset, e.reason);
    /* §8.2 / §12.2.1.1: CSeq method matches the request; ACK and CANCEL
     * carry their own method too (§17.1.1.3, §9.1). */
    if (msg->is_request && !sp_str_eq(cseq.method, msg->method))
        return check_fail(err, (size_t)(cseq.method.p - buf), "CSeq method differs from the request method");

    h = sip_msg_find(msg, SIP_H_CALL_ID);
    sp_str callid;
    if (sip_callid_parse(h->value, &callid, &e) != 0)
        return check_fail(err, (size_t)(h->value.p - buf) + e.offset, e.reason);

    /* §20.22: Max-Forwards is an integer 0-255. */
    h = sip_msg_find(msg, SIP_H_MAX_FORWARDS);
    uint64_t hops;
    if (h && sip_uint_parse(h->value, 255, &hops, &e) != 0)
        return check_fail(err, (size_t)(h->value.p - buf) + e.offset, "Max-Forwards is not a number 0-255");
    return 0;
}
