/* sip_txn_match.c - which transaction a message belongs to (RFC 3261
 * §17.1.3, §17.2.3, §9.2, §13.3.1.4). */
#include <string.h>

#include "sip_txn_impl.h"
#include "sp_inet.h"

bool txn_branch_is_magic(sp_str branch)
{
    /* §8.1.1.7: the cookie is exact; a longer branch is needed to be unique */
    return branch.n > sizeof SIP_MAGIC_COOKIE - 1 &&
           memcmp(branch.p, SIP_MAGIC_COOKIE, sizeof SIP_MAGIC_COOKIE - 1) == 0;
}

bool txn_top_via_elem(const sip_msg *msg, sip_via *via, sp_str *elem)
{
    const sip_header *h = sip_msg_find(msg, SIP_H_VIA);
    if (!h)
        return false;
    sp_str rest = h->value;
    if (!sip_list_next(&rest, elem))
        return false;
    return sip_via_parse(*elem, via, NULL) == 0;
}

bool txn_top_via(const sip_msg *msg, sip_via *via)
{
    sp_str elem;
    return txn_top_via_elem(msg, via, &elem);
}

sp_str txn_tag_of(const sip_msg *msg, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(msg, id);
    sip_addr a;
    if (!h || sip_addr_parse(h->value, &a, NULL) != 0)
        return SP_STR_NULL;
    return a.tag;
}

bool txn_cseq_of(const sip_msg *msg, sip_cseq *cseq)
{
    const sip_header *h = sip_msg_find(msg, SIP_H_CSEQ);
    return h && sip_cseq_parse(h->value, cseq, NULL) == 0;
}

static sp_str callid_of(const sip_msg *msg)
{
    const sip_header *h = sip_msg_find(msg, SIP_H_CALL_ID);
    return h ? h->value : SP_STR_NULL;
}

static bool is_client(const sip_txn *t)
{
    return t->kind == SIP_TXN_CLIENT_INVITE || t->kind == SIP_TXN_CLIENT_NON_INVITE;
}

static uint16_t via_port(const sip_via *v) { return v->has_port ? v->port : 0; }

/* Tags are tokens: compared without case; absent only equals absent. */
static bool tag_eq(sp_str a, sp_str b)
{
    if (sp_str_present(a) != sp_str_present(b))
        return false;
    return sp_str_caseeq(a, b);
}

void txn_server_keys(sip_txn *t, const sip_msg *req, const sip_via *via)
{
    t->branch = via->branch;
    t->sent_by = via->host;
    t->sent_by_port = via_port(via);
    t->method = req->method;
    t->call_id = callid_of(req);
    if (!txn_branch_is_magic(via->branch))
        t->flags |= TXN_F_RFC2543;
    /* only an ACK for a 2xx is matched by From tag and CSeq (§13.3.1.4): INVITEs only */
    sip_cseq cs = {0};
    if (t->kind == SIP_TXN_SERVER_INVITE) {
        t->from_tag = txn_tag_of(req, SIP_H_FROM);
        if (txn_cseq_of(req, &cs))
            t->cseq = cs.seq;
    }
}

/* Whether two numeric host texts name the same address; false when either
 * is not numeric. */
static bool same_address(const char *a, const char *b)
{
    uint8_t x[16], y[16];
    int n = sp_inet_parse(a, x);
    return n != 0 && sp_inet_parse(b, y) == n && memcmp(x, y, (size_t)n) == 0;
}

/* §17.1.3 matches a response on its branch and method; beyond that, over
 * UDP, a request that asked rport is answered from the address and port it
 * was sent to (RFC 3581 §4), so a response from anywhere else is not its
 * answer, whatever branch it carries. A destination written as a name
 * cannot be compared here and is not held to it; over TCP the adapter
 * picks the connection, so only the branch (64 random bits) binds there. */
bool txn_response_from_peer(const sip_txn *t, const sip_peer *src)
{
    if (!src || !(t->flags & TXN_F_RPORT) || t->peer.tp != SIP_TP_UDP || src->tp != SIP_TP_UDP)
        return true;
    if (src->port == t->peer.port && strcmp(src->host, t->peer.host) == 0)
        return true; /* the usual answer: the same text the adapter formats */
    uint8_t any[16];
    bool numeric = sp_inet_parse(t->peer.host, any) != 0;
    return !numeric || (src->port == t->peer.port && same_address(t->peer.host, src->host));
}

sip_txn *txn_match_response(sip_txn_layer *L, const sip_msg *resp)
{
    sip_via via;
    sip_cseq cs;
    if (!txn_top_via(resp, &via) || !sp_str_present(via.branch) || !txn_cseq_of(resp, &cs))
        return NULL;
    uint32_t h = txn_key_hash(via.branch, true);
    for (uint32_t pos = txn_index_start(&L->index, h), r; (r = txn_index_next(&L->index, h, &pos));) {
        sip_txn *t = txn_rec(L, r);
        if (is_client(t) && sp_str_caseeq(t->branch, via.branch) && sp_str_eq(t->method, cs.method))
            return t;
    }
    return NULL;
}

/* The RFC 2543 rules (§17.2.3, last paragraphs): the stored request is parsed
 * again and compared field by field. Only for peers without the cookie. */
static bool match_2543(const sip_txn *t, const sip_msg *req, const sip_via *via, sp_str method, bool for_cancel)
{
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg orig;
    if (sip_msg_parse(t->req, t->req_len, &orig, hdrs, SIP_TXN_MAX_HDRS, NULL, SIP_FRAME_DATAGRAM, NULL) < 0)
        return false;
    sip_via ov;
    sip_cseq oc, rc;
    if (!txn_top_via(&orig, &ov) || !txn_cseq_of(&orig, &oc) || !txn_cseq_of(req, &rc))
        return false;
    bool is_ack = sp_str_eq(req->method, SP_LIT("ACK"));
    if (!sp_str_eq(orig.method, method) || oc.seq != rc.seq)
        return false;
    if (!is_ack && !for_cancel && !sp_str_eq(oc.method, rc.method))
        return false;
    if (!sp_str_eq(callid_of(&orig), callid_of(req)) ||
        !tag_eq(txn_tag_of(&orig, SIP_H_FROM), txn_tag_of(req, SIP_H_FROM)))
        return false;
    /* The ACK's To tag is the one of our response; the others repeat the request's. */
    sp_str want_to = is_ack ? t->to_tag : txn_tag_of(&orig, SIP_H_TO);
    if (!tag_eq(want_to, txn_tag_of(req, SIP_H_TO)))
        return false;
    if (!sp_str_caseeq(ov.transport, via->transport) || !sp_str_caseeq(ov.host, via->host) ||
        via_port(&ov) != via_port(via) || !tag_eq(ov.branch, via->branch))
        return false;
    sip_uri ou, ru;
    if (sip_uri_parse(orig.uri, &ou, NULL) == 0 && sip_uri_parse(req->uri, &ru, NULL) == 0)
        return sip_uri_equal(&ou, &ru);
    return sp_str_eq(orig.uri, req->uri);
}

sip_txn *txn_match_request(sip_txn_layer *L, const sip_msg *req, const sip_via *via, sp_str method,
                           bool for_cancel)
{
    if (txn_branch_is_magic(via->branch)) {
        uint16_t port = via_port(via);
        uint32_t h = txn_key_hash(via->branch, true);
        for (uint32_t pos = txn_index_start(&L->index, h), r; (r = txn_index_next(&L->index, h, &pos));) {
            sip_txn *t = txn_rec(L, r);
            if (is_client(t) || (t->flags & TXN_F_RFC2543) || !sp_str_caseeq(t->branch, via->branch) ||
                !sp_str_caseeq(t->sent_by, via->host) || t->sent_by_port != port)
                continue;
            /* §9.2: a CANCEL's target is any other request of the same branch */
            if (for_cancel ? !sp_str_eq(t->method, SP_LIT("CANCEL")) : sp_str_eq(t->method, method))
                return t;
        }
        return NULL;
    }
    sp_str callid = callid_of(req);
    uint32_t h = txn_key_hash(callid, false);
    for (uint32_t pos = txn_index_start(&L->index, h), r; (r = txn_index_next(&L->index, h, &pos));) {
        sip_txn *t = txn_rec(L, r);
        if (is_client(t) || !(t->flags & TXN_F_RFC2543) || !sp_str_eq(t->call_id, callid))
            continue;
        if (for_cancel && sp_str_eq(t->method, SP_LIT("CANCEL")))
            continue;
        if (match_2543(t, req, via, for_cancel ? t->method : method, for_cancel))
            return t;
    }
    return NULL;
}

sip_txn *txn_match_ack_2xx(sip_txn_layer *L, const sip_msg *ack)
{
    sp_str callid = callid_of(ack);
    sip_cseq cs;
    if (!sp_str_present(callid) || !txn_cseq_of(ack, &cs))
        return NULL;
    sp_str from_tag = txn_tag_of(ack, SIP_H_FROM), to_tag = txn_tag_of(ack, SIP_H_TO);
    uint32_t h = txn_key_hash(callid, false);
    for (uint32_t pos = txn_index_start(&L->dindex, h), r; (r = txn_index_next(&L->dindex, h, &pos));) {
        sip_txn *t = txn_rec(L, r);
        if (t->cseq == cs.seq && sp_str_eq(t->call_id, callid) && tag_eq(t->from_tag, from_tag) &&
            tag_eq(t->to_tag, to_tag))
            return t;
    }
    return NULL;
}
