/* sip_txn_server.c - the server INVITE and non-INVITE machines (RFC 3261
 * §17.2.1, §17.2.2), CANCEL (§9.2), the 2xx retransmission of §13.3.1.4,
 * and the stateless answers of the layer. */
#include <stdlib.h>
#include <string.h>

#include "sip_build.h"
#include "sip_stateless.h"
#include "sip_txn_impl.h"

/* Room a stamped copy may add: ";received=" + host and "=" + port. */
#define STAMP_ROOM (16 + SIP_PEER_HOST_MAX + 8)

static uint64_t t64(const sip_txn_layer *L) { return 64ull * L->cfg.t1_ms; }
static bool reliable(const sip_txn *t) { return sip_tp_reliable(t->peer.tp); }

static void end_notify(sip_txn_layer *L, sip_txn *t, sip_txn_end why)
{
    if (L->tu.on_server_end)
        L->tu.on_server_end(L->tu.ctx, t->id, why);
}

/* --- stateless ----------------------------------------------------------- */

void txn_stateless_send(sip_txn_layer *L, const sip_via *via, const sip_peer *src, const char *buf, long len)
{
    sip_peer dest;
    sip_response_dest(via, src, &dest);
    txn_send(L, &dest, buf, (size_t)len);
}

void txn_stateless_reply(sip_txn_layer *L, const sip_msg *req, const char *buf, const sip_peer *src,
                         unsigned status, sp_str reason, sp_str headers)
{
    sip_via via;
    if (sp_str_eq(req->method, SP_LIT("ACK")) || !txn_top_via(req, &via))
        return; /* an ACK is never answered; without a Via there is nowhere to answer */
    /* The stamped copy goes in the upper half of scratch, the answer in the lower. */
    size_t half = L->scratch_cap / 2;
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg copy = {.headers = hdrs};
    const sip_msg *use = req;
    if (req->length + STAMP_ROOM <= half && sip_via_stamp(req, buf, src, L->scratch + half, half, &copy) > 0)
        use = &copy;
    long n = sip_stateless_build(use, status, reason, headers, L->scratch, half);
    if (n > 0)
        txn_stateless_send(L, &via, src, L->scratch, n);
}

/* --- building and sending answers ----------------------------------------- */

static sip_limits copy_limits(const sip_txn_layer *L)
{
    sip_limits lim = L->cfg.limits;
    lim.max_msg_size += STAMP_ROOM;
    return lim;
}

/* The request of t: the one the TU is looking at, or our copy parsed again. */
static const sip_msg *server_request(sip_txn_layer *L, const sip_txn *t, sip_msg *m, sip_header *hdrs)
{
    if (L->cur_id == t->id && L->cur_msg)
        return L->cur_msg;
    sip_limits lim = copy_limits(L);
    if (sip_msg_parse(t->req, t->req_len, m, hdrs, SIP_TXN_MAX_HDRS, &lim, SIP_FRAME_DATAGRAM, NULL) < 0)
        return NULL;
    return m;
}

/* Builds the answer from t's request, keeps it in t->out and sends it. */
static int server_reply(sip_txn_layer *L, sip_txn *t, const sip_txn_reply *r)
{
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg m;
    const sip_msg *req = server_request(L, t, &m, hdrs);
    if (!req)
        return SP_EINVAL;
    char tag[SIP_TAG_SIZE];
    sp_str to_tag = r->to_tag;
    if (!sp_str_present(to_tag) && r->status > 100) {
        /* the tag of an earlier answer holds (§9.2: the 487 and the CANCEL's 200 share it) */
        to_tag = t->to_tag;
        if (!sp_str_present(to_tag)) {
            if (!sip_stateless_tag(req, tag))
                return SP_EINVAL; /* no key for tags: no randomness */
            to_tag = sp_str_make(tag, SIP_TAG_SIZE - 1);
        }
    }
    sp_buf b;
    sp_buf_init(&b, L->scratch, L->scratch_cap);
    sip_build_response_head(&b, req, r->status, r->reason, to_tag);
    if (sp_str_present(r->headers))
        sp_buf_put(&b, r->headers);
    sip_build_body(&b, r->content_type, r->body);
    long n = sp_buf_finish(&b);
    if (n < 0)
        return SP_ELIMIT;
    char *out = txn_dup(L->scratch, (size_t)n);
    if (!out)
        return SP_ELIMIT;
    free(t->out);
    t->out = out;
    t->out_len = (size_t)n;
    t->to_tag = SP_STR_NULL;
    t->last_status = r->status;
    if (r->status > 100 && (t->kind == SIP_TXN_SERVER_INVITE || r->status < 200)) {
        sip_msg om; /* our own answer: its To tag, for later answers and ACK matching */
        if (sip_msg_parse(out, (size_t)n, &om, hdrs, SIP_TXN_MAX_HDRS, NULL, SIP_FRAME_DATAGRAM, NULL) >= 0)
            t->to_tag = txn_tag_of(&om, SIP_H_TO);
    }
    return txn_send(L, &t->peer, t->out, t->out_len) == 0 ? 0 : SIP_TXN_ETRANSPORT;
}

static int resend(sip_txn_layer *L, sip_txn *t)
{
    L->retransmissions++;
    return txn_send(L, &t->peer, t->out, t->out_len);
}

/* The machines' reaction to an answer having gone out. */
static void after_reply(sip_txn_layer *L, sip_txn *t, unsigned status)
{
    if (t->kind == SIP_TXN_SERVER_INVITE) {
        if (status < 200) {
            t->flags |= TXN_F_PROVISIONAL;
            if (t->timers[TXN_SLOT_RETRANS].name == TM_TRYING)
                txn_timer_stop(L, t, TXN_SLOT_RETRANS);
            return;
        }
        t->flags |= TXN_F_FINAL_SENT;
        txn_timer_stop(L, t, TXN_SLOT_RETRANS);
        t->interval_ms = L->cfg.t1_ms;
        if (status < 300) {
            /* §13.3.1.4: the 2xx is retransmitted until its ACK; RFC 6026 names the wait L */
            txn_set_state(L, t, SIP_TXN_ACCEPTED, "2xx sent");
            txn_dlink(L, t, txn_key_hash(t->call_id, false));
            txn_timer_set(L, t, TXN_SLOT_LIFE, TM_L, t64(L));
        } else {
            txn_set_state(L, t, SIP_TXN_COMPLETED, "final sent");
            txn_timer_set(L, t, TXN_SLOT_LIFE, TM_H, t64(L));
        }
        if (!reliable(t))
            txn_timer_set(L, t, TXN_SLOT_RETRANS, TM_G, t->interval_ms);
        return;
    }
    if (status < 200) {
        if (t->state == SIP_TXN_TRYING)
            txn_set_state(L, t, SIP_TXN_PROCEEDING, "provisional sent");
        return;
    }
    t->flags |= TXN_F_FINAL_SENT;
    txn_timer_stop(L, t, TXN_SLOT_LIFE);
    if (reliable(t)) {
        txn_set_state(L, t, SIP_TXN_TERMINATED, "final sent, reliable");
        return;
    }
    txn_set_state(L, t, SIP_TXN_COMPLETED, "final sent");
    txn_timer_set(L, t, TXN_SLOT_LIFE, TM_J, t64(L));
    txn_shed_request(L, t); /* J only repeats the answer: keep it and the keys */
}

/* An answer the layer gives on its own (100 Trying, 487); false when the transport failed. */
static bool auto_reply(sip_txn_layer *L, sip_txn *t, unsigned status)
{
    sip_txn_reply r = {.status = status};
    int rc = server_reply(L, t, &r);
    if (rc == SIP_TXN_ETRANSPORT) {
        txn_set_state(L, t, SIP_TXN_TERMINATED, "transport error");
        end_notify(L, t, SIP_TXN_END_TRANSPORT);
        return false;
    }
    if (rc == 0)
        after_reply(L, t, status);
    return rc == 0;
}

int sip_txn_respond(sip_txn_layer *L, sip_txn_id st, const sip_txn_reply *reply)
{
    txn_enter(L);
    int rc;
    sip_txn *t = txn_get(L, st);
    if (!t || (t->kind != SIP_TXN_SERVER_INVITE && t->kind != SIP_TXN_SERVER_NON_INVITE))
        rc = SIP_TXN_EGONE;
    else if (!reply || reply->status < 100 || reply->status > 699)
        rc = SP_EINVAL;
    else if (t->flags & TXN_F_FINAL_SENT)
        rc = SIP_TXN_ESTATE;
    else if ((rc = server_reply(L, t, reply)) == SIP_TXN_ETRANSPORT)
        txn_set_state(L, t, SIP_TXN_TERMINATED, "transport error"); /* the caller hears it from rc */
    else if (rc == 0)
        after_reply(L, t, reply->status);
    txn_leave(L);
    return rc;
}

/* --- creation -------------------------------------------------------------- */

/* Moves every slice of m from one copy of its bytes to another. */
static void msg_move(sip_msg *m, const char *from, const char *to)
{
    sp_str *fixed[] = {&m->method, &m->uri, &m->reason, &m->version, &m->body};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fixed[i]->p)
            fixed[i]->p = to + (fixed[i]->p - from);
    for (size_t i = 0; i < m->nheaders; i++) {
        m->headers[i].name.p = to + (m->headers[i].name.p - from);
        m->headers[i].value.p = to + (m->headers[i].value.p - from);
    }
}

/* A server transaction holding a stamped copy of req; *copy is the request
 * as the TU sees it (its headers in hdrs). NULL when there is no room. */
static sip_txn *server_create(sip_txn_layer *L, const sip_msg *req, const sip_via *req_via, sp_str via_elem,
                              const char *buf, const sip_peer *src, sip_txn_kind kind, sip_msg *copy,
                              sip_header *hdrs)
{
    copy->headers = hdrs;
    long n = sip_via_stamp_parsed(req, buf, via_elem, req_via, src, L->scratch, L->scratch_cap, copy);
    sip_txn *t = n < 0 ? NULL : txn_alloc(L, kind);
    char *mem = t ? txn_dup(L->scratch, (size_t)n) : NULL;
    if (mem) {
        msg_move(copy, L->scratch, mem);
        t->req = mem;
        t->req_len = (size_t)n;
    }
    /* The stamp leaves the Via's text as it was: keys that fit the record are
     * copied from the request's Via, the others read from our copy's. */
    sip_via via = *req_via;
    bool keys_fit = txn_keys_fit(via.branch, req->method, via.host);
    if (!mem || (!keys_fit && !txn_top_via(copy, &via))) {
        if (t) {
            t->state = SIP_TXN_TERMINATED;
            txn_kill(L, t);
        }
        return NULL;
    }
    txn_server_keys(t, copy, &via);
    if (keys_fit)
        txn_keys_inline(t);
    /* the stamp adds received and an rport value: where to answer reads the same in both */
    sip_response_dest(req_via, src, &t->peer);
    bool rfc2543 = t->flags & TXN_F_RFC2543;
    txn_link(L, t, rfc2543 ? txn_key_hash(t->call_id, false) : txn_key_hash(t->branch, true));
    return t;
}

void txn_server_new(sip_txn_layer *L, const sip_msg *req, const sip_via *via, sp_str via_elem, const char *buf,
                    const sip_peer *src)
{
    bool invite = sp_str_eq(req->method, SP_LIT("INVITE"));
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg copy;
    sip_txn *t = server_create(L, req, via, via_elem, buf, src, invite ? SIP_TXN_SERVER_INVITE : SIP_TXN_SERVER_NON_INVITE,
                               &copy, hdrs);
    if (!t) {
        txn_stateless_reply(L, req, buf, src, 503, SP_STR_NULL, SP_LIT(TXN_FULL_RETRY_AFTER));
        return;
    }
    txn_set_state(L, t, invite ? SIP_TXN_PROCEEDING : SIP_TXN_TRYING, invite ? "INVITE received" : "request received");
    sip_txn_id id = t->id, prev_id = L->cur_id;
    const sip_msg *prev_msg = L->cur_msg;
    L->cur_id = id;
    L->cur_msg = &copy;
    if (L->tu.on_request)
        L->tu.on_request(L->tu.ctx, id, &copy, src);
    L->cur_id = prev_id;
    L->cur_msg = prev_msg;
    /* Timers for a TU that has not answered yet: most answer at once, and then
     * arming and stopping them would be two heap operations for nothing. */
    t = txn_get(L, id);
    if (!t)
        return;
    if (!invite && t->state == SIP_TXN_COMPLETED)
        txn_shed_request(L, t); /* answered while the TU was reading the request */
    if (invite && !(t->flags & (TXN_F_PROVISIONAL | TXN_F_FINAL_SENT)))
        txn_timer_set(L, t, TXN_SLOT_RETRANS, TM_TRYING, L->cfg.trying_ms);
    else if (!invite && !(t->flags & TXN_F_FINAL_SENT))
        /* not in the RFC: bounds a transaction whose TU never answers (the client gave up at F) */
        txn_timer_set(L, t, TXN_SLOT_LIFE, TM_TU_WAIT, t64(L));
}

/* --- inputs of the machines -------------------------------------------------- */

void txn_server_retransmit(sip_txn_layer *L, sip_txn *t, const sip_msg *req)
{
    (void)req;
    bool answer;
    switch ((sip_txn_state)t->state) {
    case SIP_TXN_PROCEEDING: /* §17.2.1, §17.2.2: repeat the last provisional */
        answer = t->out != NULL;
        break;
    case SIP_TXN_COMPLETED: /* repeat the final answer */
        answer = true;
        break;
    default: /* Trying, Confirmed, Accepted: absorbed */
        answer = false;
        break;
    }
    if (answer && resend(L, t) != 0) {
        txn_set_state(L, t, SIP_TXN_TERMINATED, "transport error");
        end_notify(L, t, SIP_TXN_END_TRANSPORT);
    }
}

void txn_server_ack(sip_txn_layer *L, sip_txn *t)
{
    switch ((sip_txn_state)t->state) {
    case SIP_TXN_COMPLETED:
        txn_timer_stop(L, t, TXN_SLOT_RETRANS);
        if (reliable(t)) {
            txn_set_state(L, t, SIP_TXN_TERMINATED, "ACK, reliable");
            return;
        }
        txn_set_state(L, t, SIP_TXN_CONFIRMED, "ACK");
        txn_timer_set(L, t, TXN_SLOT_LIFE, TM_I, L->cfg.t4_ms);
        break;
    case SIP_TXN_ACCEPTED: /* §13.3.1.4: the ACK stops the 2xx retransmissions */
        t->flags |= TXN_F_ACKED;
        txn_timer_stop(L, t, TXN_SLOT_RETRANS);
        break;
    default: /* Confirmed: ACK retransmissions are absorbed */
        break;
    }
}

void txn_server_timer(sip_txn_layer *L, sip_txn *t, txn_timer_name name)
{
    switch (name) {
    case TM_TRYING: /* §17.2.1: the TU has not answered within 200 ms */
        if (t->state == SIP_TXN_PROCEEDING && !(t->flags & TXN_F_PROVISIONAL))
            auto_reply(L, t, 100);
        break;
    case TM_G:
        if ((t->state == SIP_TXN_COMPLETED || (t->state == SIP_TXN_ACCEPTED && !(t->flags & TXN_F_ACKED)))) {
            if (resend(L, t) != 0) {
                txn_set_state(L, t, SIP_TXN_TERMINATED, "transport error");
                end_notify(L, t, SIP_TXN_END_TRANSPORT);
                return;
            }
            t->interval_ms = t->interval_ms * 2 < L->cfg.t2_ms ? t->interval_ms * 2 : L->cfg.t2_ms;
            txn_timer_set(L, t, TXN_SLOT_RETRANS, TM_G, t->interval_ms);
        }
        break;
    case TM_H:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer H");
        end_notify(L, t, SIP_TXN_END_NO_ACK);
        break;
    case TM_L: {
        bool acked = t->flags & TXN_F_ACKED;
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer L");
        if (!acked)
            end_notify(L, t, SIP_TXN_END_NO_ACK);
        break;
    }
    case TM_I:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer I");
        break;
    case TM_J:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer J");
        break;
    case TM_TU_WAIT:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "no answer from the TU");
        end_notify(L, t, SIP_TXN_END_ABANDONED);
        break;
    default:
        break;
    }
}

/* --- CANCEL (§9.2) ---------------------------------------------------------- */

void txn_server_cancel(sip_txn_layer *L, const sip_msg *cancel, const sip_via *via, sp_str via_elem,
                       const char *buf, const sip_peer *src)
{
    sip_txn *target = txn_match_request(L, cancel, via, SP_STR_NULL, true);
    if (!target) {
        txn_stateless_reply(L, cancel, buf, src, 481, SP_STR_NULL, SP_STR_NULL);
        return;
    }
    sip_txn_id target_id = target->id;
    bool proceeding = target->kind == SIP_TXN_SERVER_INVITE && target->state == SIP_TXN_PROCEEDING;
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg copy;
    sip_txn *ct = server_create(L, cancel, via, via_elem, buf, src, SIP_TXN_SERVER_NON_INVITE, &copy, hdrs);
    if (ct) {
        txn_set_state(L, ct, SIP_TXN_TRYING, "CANCEL received");
        /* the CANCEL's 200 carries the To tag the INVITE's answers carry (§9.2) */
        char tag[SIP_TAG_SIZE];
        sip_txn_reply ok = {.status = 200, .to_tag = target->to_tag};
        if (!sp_str_present(ok.to_tag) && sip_stateless_tag(&copy, tag))
            ok.to_tag = sp_str_make(tag, SIP_TAG_SIZE - 1);
        L->cur_id = ct->id;
        L->cur_msg = &copy;
        int rc = server_reply(L, ct, &ok);
        L->cur_id = 0;
        L->cur_msg = NULL;
        if (rc == 0)
            after_reply(L, ct, 200);
        else
            txn_set_state(L, ct, SIP_TXN_TERMINATED, "transport error");
    } else {
        txn_stateless_reply(L, cancel, buf, src, 200, SP_STR_NULL, SP_STR_NULL);
    }
    target = txn_get(L, target_id);
    if (proceeding && target && auto_reply(L, target, 487))
        end_notify(L, target, SIP_TXN_END_CANCELLED);
}
