/* sip_msg_check.c - the checks a UA makes before acting on a parsed message
 * (RFC 3261 §8.1.1, §8.2): the headers it cannot do without, and every
 * value it reads parsed by its typed parser. */
#include "sip_hdr.h"
#include "sip_msg.h"

static int check_fail(sp_error *err, size_t offset, const char *reason)
{
    return sp_fail(err, SP_EINVAL, offset, 400, reason);
}

/* A typed parser's error (offset relative to the value) made absolute. */
static int value_fail(sp_error *err, const char *buf, sp_str value, const sp_error *e)
{
    return check_fail(err, (size_t)(value.p - buf) + e->offset, e->reason);
}

/* Offset of where a missing header would have been: the start of the message. */
static size_t msg_offset(const sip_msg *msg, const char *buf)
{
    const char *start = msg->is_request ? msg->method.p : msg->version.p;
    return start ? (size_t)(start - buf) : 0;
}

typedef struct required_hdr {
    sip_hdr_id id;
    bool required;
    const char *missing, *twice;
} required_hdr;

/* §8.1.1: the headers every request carries; responses copy them (§8.2.6.2).
 * Max-Forwards is the UAC's to send, but no UAS is told to refuse a request
 * without it (RFC 2543 peers never sent one): at most once, not required.
 * Via may repeat (§20.42); these may not. */
static const required_hdr single[] = {
    {SIP_H_TO, true, "missing To header", "more than one To header"},
    {SIP_H_FROM, true, "missing From header", "more than one From header"},
    {SIP_H_CSEQ, true, "missing CSeq header", "more than one CSeq header"},
    {SIP_H_CALL_ID, true, "missing Call-ID header", "more than one Call-ID header"},
    {SIP_H_MAX_FORWARDS, false, NULL, "more than one Max-Forwards header"},
};

/* From and To (§20.20, §20.39): one name-addr or addr-spec whose URI parses. */
static int check_addr(const sip_msg *msg, const char *buf, sip_hdr_id id, sip_addr *out, sp_error *err)
{
    const sip_header *h = sip_msg_find(msg, id);
    sp_error e;
    if (sip_addr_parse(h->value, out, &e) != 0)
        return value_fail(err, buf, h->value, &e);
    if (out->star)
        return check_fail(err, (size_t)(h->value.p - buf), "'*' is not an address");
    return 0;
}

/* Every element of every Via (§20.42) and Contact (§20.10) line; the top
 * via-parm is kept in f. */
static int check_list(const sip_msg *msg, const char *buf, sip_hdr_id id, sip_msg_fields *f, sp_error *err)
{
    for (const sip_header *h = sip_msg_find(msg, id); h; h = sip_msg_find_next(msg, h)) {
        sp_str rest = h->value, item;
        bool any = false;
        while (sip_list_next(&rest, &item)) {
            sp_error e;
            bool top = id == SIP_H_VIA && !f->via_elem.p;
            sip_via via;
            sip_addr addr;
            if ((id == SIP_H_VIA ? sip_via_parse(item, top ? &f->via : &via, &e) : sip_addr_parse(item, &addr, &e)) != 0)
                return value_fail(err, buf, item, &e);
            if (top)
                f->via_elem = item;
            /* §20.10: "*" stands alone */
            if (id == SIP_H_CONTACT && addr.star && (msg->count[id] > 1 || rest.n))
                return check_fail(err, (size_t)(item.p - buf), "Contact '*' with other contacts");
            any = true;
        }
        if (!any)
            return check_fail(err, (size_t)(h->value.p - buf), id == SIP_H_VIA ? "empty Via header" : "empty Contact header");
    }
    return 0;
}

/* Request-URI (§25.1): a SIP, SIPS or other absolute URI, never a
 * name-addr: a URI written inside '<' '>' is refused, not unwrapped. */
static int check_request_uri(const sip_msg *msg, const char *buf, sip_uri *out, sp_error *err)
{
    if (msg->uri.n && msg->uri.p[0] == '<')
        return check_fail(err, (size_t)(msg->uri.p - buf), "Request-URI inside '<' '>'");
    sp_error e;
    if (sip_uri_parse(msg->uri, out, &e) != 0)
        return value_fail(err, buf, msg->uri, &e);
    return 0;
}

int sip_msg_check_fields(const sip_msg *msg, const char *buf, sip_msg_fields *f, sp_error *err)
{
    f->via_elem = SP_STR_NULL;
    for (size_t i = 0; i < sizeof single / sizeof single[0]; i++) {
        const required_hdr *r = &single[i];
        unsigned count = msg->count[r->id];
        if (count == 0 && r->required)
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
    if (sip_cseq_parse(h->value, &f->cseq, &e) != 0)
        return value_fail(err, buf, h->value, &e);
    /* §8.2 / §12.2.1.1: CSeq method matches the request; ACK and CANCEL
     * carry their own method too (§17.1.1.3, §9.1). */
    if (msg->is_request && !sp_str_eq(f->cseq.method, msg->method))
        return check_fail(err, (size_t)(f->cseq.method.p - buf), "CSeq method differs from the request method");

    h = sip_msg_find(msg, SIP_H_CALL_ID);
    if (sip_callid_parse(h->value, &f->call_id, &e) != 0)
        return value_fail(err, buf, h->value, &e);

    /* §20.22: Max-Forwards is an integer 0-255. */
    h = sip_msg_find(msg, SIP_H_MAX_FORWARDS);
    f->has_max_forwards = h != NULL;
    if (h && sip_uint_parse(h->value, 255, &f->max_forwards, &e) != 0)
        return check_fail(err, (size_t)(h->value.p - buf) + e.offset, "Max-Forwards is not a number 0-255");

    int rc;
    if ((rc = check_addr(msg, buf, SIP_H_FROM, &f->from, err)) != 0 ||
        (rc = check_addr(msg, buf, SIP_H_TO, &f->to, err)) != 0 ||
        (rc = check_list(msg, buf, SIP_H_VIA, f, err)) != 0 || (rc = check_list(msg, buf, SIP_H_CONTACT, f, err)) != 0)
        return rc;
    h = sip_msg_find(msg, SIP_H_CONTENT_TYPE);
    f->content_type = h ? h->value : SP_STR_NULL;
    sip_media_type mt;
    if (h && sip_media_type_parse(h->value, &mt, &e) != 0)
        return value_fail(err, buf, h->value, &e);
    if (msg->is_request)
        return check_request_uri(msg, buf, &f->uri, err);
    return 0;
}

int sip_msg_check(const sip_msg *msg, const char *buf, sp_error *err)
{
    sip_msg_fields f;
    return sip_msg_check_fields(msg, buf, &f, err);
}
