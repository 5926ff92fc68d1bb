/* sip_txn_client.c - the client INVITE and non-INVITE machines (RFC 3261
 * §17.1.1, §17.1.2), the ACK for a non-2xx (§17.1.1.3), CANCEL (§9.1) and
 * the local outcomes of §8.1.3.1 (408 on timeout, 503 on transport failure). */
#include <stdlib.h>
#include <string.h>

#include "sip_build.h"
#include "sip_txn_impl.h"

static uint64_t t64(const sip_txn_layer *L) { return 64ull * L->cfg.t1_ms; }
static bool reliable(const sip_txn *t) { return sip_tp_reliable(t->peer.tp); }

static bool parse_own(const sip_txn_layer *L, const char *buf, size_t len, sip_msg *m, sip_header *hdrs)
{
    return sip_msg_parse(buf, len, m, hdrs, SIP_TXN_MAX_HDRS, &L->cfg.limits, SIP_FRAME_DATAGRAM, NULL) >= 0;
}

static void deliver(sip_txn *t, const sip_msg *resp, bool local, bool repeat)
{
    sip_txn_result r = {.status = resp->status, .msg = resp, .local = local, .repeat = repeat};
    if (resp->status >= 200 && !repeat) {
        if (t->flags & TXN_F_FINAL_SENT)
            return; /* exactly one final outcome */
        t->flags |= TXN_F_FINAL_SENT;
        r.final = true;
    }
    if (t->cb)
        t->cb(t->cb_ctx, t->id, &r);
}

/* Ends t with a response of our own making (§8.1.3.1, §9.1). */
static void finish_local(sip_txn_layer *L, sip_txn *t, unsigned status, const char *event)
{
    txn_set_state(L, t, SIP_TXN_TERMINATED, event);
    if (t->flags & TXN_F_FINAL_SENT)
        return;
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg req, resp;
    /* Not in scratch: the TU may build messages while it reads this one. */
    size_t cap = t->req_len + 256;
    char *mem = malloc(cap);
    bool ok = false;
    if (mem && parse_own(L, t->req, t->req_len, &req, hdrs)) {
        sp_buf b;
        sp_buf_init(&b, mem, cap);
        sip_build_response_head(&b, &req, status, SP_STR_NULL, SP_STR_NULL);
        sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
        long n = sp_buf_finish(&b);
        ok = n > 0 && parse_own(L, mem, (size_t)n, &resp, hdrs);
    }
    if (ok) {
        deliver(t, &resp, true, false);
    } else {
        /* even without a message the TU hears the outcome */
        sip_msg bare = {.status = status};
        deliver(t, &bare, true, false);
    }
    free(mem);
}

/* --- ACK and CANCEL built from the request ---------------------------------- */

/* §17.1.1.3 (ACK) and §9.1 (CANCEL): the request's Request-URI, Call-ID,
 * From, top Via only, Route set and CSeq number; To from the response
 * (ACK) or the request (CANCEL). Returns the length in L->scratch or -1. */
static long build_ack_or_cancel(sip_txn_layer *L, const sip_txn *t, sp_str method, const sip_msg *resp)
{
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg req;
    sip_cseq cs;
    if (!parse_own(L, t->req, t->req_len, &req, hdrs) || !txn_cseq_of(&req, &cs))
        return SP_EINVAL;
    const sip_header *via = sip_msg_find(&req, SIP_H_VIA);
    const sip_header *to = sip_msg_find(resp ? resp : &req, SIP_H_TO);
    const sip_header *from = sip_msg_find(&req, SIP_H_FROM);
    const sip_header *callid = sip_msg_find(&req, SIP_H_CALL_ID);
    sp_str rest, top;
    if (!via || !to || !from || !callid)
        return SP_EINVAL;
    rest = via->value;
    if (!sip_list_next(&rest, &top))
        return SP_EINVAL;
    sp_buf b;
    sp_buf_init(&b, L->scratch, L->scratch_cap);
    sip_build_request_line(&b, method, req.uri);
    sip_build_header(&b, SP_LIT("Via"), top);
    for (const sip_header *r = sip_msg_find(&req, SIP_H_ROUTE); r; r = sip_msg_find_next(&req, r))
        sip_build_header(&b, SP_LIT("Route"), r->value);
    sip_build_header(&b, SP_LIT("Max-Forwards"), SP_LIT("70"));
    sip_build_header(&b, SP_LIT("From"), from->value);
    sip_build_header(&b, SP_LIT("To"), to->value);
    sip_build_header(&b, SP_LIT("Call-ID"), callid->value);
    sp_buf_printf(&b, "CSeq: %u %.*s\r\n", (unsigned)cs.seq, (int)method.n, method.p);
    sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
    return sp_buf_finish(&b);
}

static int client_start(sip_txn_layer *L, const char *req, size_t len, const sip_peer *dest,
                        sip_txn_client_cb cb, void *cb_ctx, sip_txn_id *ct);

static void send_cancel(sip_txn_layer *L, sip_txn *t)
{
    t->flags &= (uint16_t)~TXN_F_CANCEL_PENDING;
    long n = build_ack_or_cancel(L, t, SP_LIT("CANCEL"), NULL);
    sip_txn_id cid = 0;
    if (n > 0)
        client_start(L, L->scratch, (size_t)n, &t->peer, t->cancel_cb, t->cancel_ctx, &cid);
    t->cancel = cid;
    /* §9.1: without a final answer 64*T1 after the CANCEL, the INVITE is given up */
    txn_timer_set(L, t, TXN_SLOT_LIFE, TM_CANCEL_WAIT, t64(L));
}

int sip_txn_cancel(sip_txn_layer *L, sip_txn_id invite, sip_txn_client_cb cb, void *cb_ctx)
{
    txn_enter(L);
    int rc = 0;
    sip_txn *t = txn_get(L, invite);
    if (!t)
        rc = SIP_TXN_EGONE;
    else if (t->kind != SIP_TXN_CLIENT_INVITE || (t->flags & (TXN_F_FINAL_SENT | TXN_F_CANCEL_PENDING)) ||
             t->cancel || (t->state != SIP_TXN_CALLING && t->state != SIP_TXN_PROCEEDING))
        rc = SIP_TXN_ESTATE;
    if (rc == 0) {
        t->cancel_cb = cb;
        t->cancel_ctx = cb_ctx;
        if (t->state == SIP_TXN_PROCEEDING)
            send_cancel(L, t);
        else
            t->flags |= TXN_F_CANCEL_PENDING; /* §9.1: not before a provisional response */
    }
    txn_leave(L);
    return rc;
}

/* --- starting ---------------------------------------------------------- */

/* §18.1.1: the largest request UDP carries to this target. */
static size_t udp_max_request(const sip_txn_layer *L)
{
    uint32_t mtu = L->cfg.path_mtu;
    if (mtu == 0)
        return SIP_UDP_MAX_REQUEST;
    return mtu > SIP_MTU_MARGIN ? mtu - SIP_MTU_MARGIN - 1 : 0; /* "within 200 bytes" goes over TCP */
}

/* The top Via's transport in our copy: the 3 bytes that say UDP or TCP. */
static char *via_transport(const sip_txn_layer *L, const sip_txn *t)
{
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg m;
    sip_via via;
    if (!parse_own(L, t->req, t->req_len, &m, hdrs) || !txn_top_via(&m, &via) || via.transport.n != 3)
        return NULL;
    return t->req + (via.transport.p - t->req);
}

/* §18.1.1: a large request meant for UDP goes over TCP, its Via saying so
 * (same length, so every slice into the copy stays valid). */
static void move_to_tcp(const sip_txn_layer *L, sip_txn *t)
{
    char *tp = via_transport(L, t);
    if (!tp || !sp_str_caseeq(sp_str_make(tp, 3), SP_LIT("UDP")))
        return; /* the Via names another transport: leave the TU's choice alone */
    memcpy(tp, "TCP", 3);
    t->peer.tp = SIP_TP_TCP;
    t->peer.conn = 0;
    t->flags |= TXN_F_TCP_FOR_SIZE;
}

static void back_to_udp(const sip_txn_layer *L, sip_txn *t)
{
    char *tp = via_transport(L, t);
    if (tp)
        memcpy(tp, "UDP", 3);
    t->peer.tp = SIP_TP_UDP;
    t->peer.conn = 0;
    t->flags &= (uint16_t)~TXN_F_TCP_FOR_SIZE;
}

/* The first send of the request, and the timers of §17.1.1.2 / §17.1.2.2.
 * false when the transport refused it. */
static bool first_send(sip_txn_layer *L, sip_txn *t)
{
    int rc = txn_send(L, &t->peer, t->req, t->req_len);
    if (rc != 0 && (t->flags & TXN_F_TCP_FOR_SIZE)) {
        back_to_udp(L, t); /* §18.1.1: no TCP to be had, UDP it is */
        rc = txn_send(L, &t->peer, t->req, t->req_len);
    }
    if (rc != 0)
        return false;
    bool invite = t->kind == SIP_TXN_CLIENT_INVITE;
    t->interval_ms = L->cfg.t1_ms;
    if (!reliable(t))
        txn_timer_set(L, t, TXN_SLOT_RETRANS, invite ? TM_A : TM_E, t->interval_ms);
    return true;
}

static int client_start(sip_txn_layer *L, const char *req, size_t len, const sip_peer *dest,
                        sip_txn_client_cb cb, void *cb_ctx, sip_txn_id *ct)
{
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg m;
    sip_via via;
    sip_cseq cs;
    if (!req || !dest || !parse_own(L, req, len, &m, hdrs) || !m.is_request ||
        sp_str_eq(m.method, SP_LIT("ACK")) || !txn_top_via(&m, &via) || !txn_branch_is_magic(via.branch) ||
        !txn_cseq_of(&m, &cs) || !sp_str_eq(cs.method, m.method))
        return SP_EINVAL;
    bool invite = sp_str_eq(m.method, SP_LIT("INVITE"));
    sip_txn *t = txn_alloc(L, invite ? SIP_TXN_CLIENT_INVITE : SIP_TXN_CLIENT_NON_INVITE);
    if (!t)
        return SP_ELIMIT;
    t->req = txn_dup(req, m.length);
    if (!t->req) {
        txn_kill(L, t);
        return SP_ELIMIT;
    }
    t->req_len = m.length;
    t->branch = sp_str_make(t->req + (via.branch.p - req), via.branch.n);
    t->method = sp_str_make(t->req + (cs.method.p - req), cs.method.n);
    t->cseq = cs.seq;
    if (txn_keys_fit(t->branch, t->method, t->sent_by))
        txn_keys_inline(t);
    t->peer = *dest;
    if (sp_str_present(via.rport))
        t->flags |= TXN_F_RPORT;
    t->cb = cb;
    t->cb_ctx = cb_ctx;
    txn_link(L, t, txn_key_hash(t->branch, true));
    *ct = t->id;
    if (t->peer.tp == SIP_TP_UDP && !t->peer.force_udp && t->req_len > udp_max_request(L))
        move_to_tcp(L, t);

    txn_set_state(L, t, invite ? SIP_TXN_CALLING : SIP_TXN_TRYING, "request sent");
    if (!first_send(L, t)) {
        /* the TU hears the 503 from a timer, never inside its own call */
        txn_timer_set(L, t, TXN_SLOT_LIFE, TM_DEFER, 0);
        if (!txn_timer_running(t, TXN_SLOT_LIFE))
            finish_local(L, t, 503, "transport error");
        return 0;
    }
    txn_timer_set(L, t, TXN_SLOT_LIFE, invite ? TM_B : TM_F, t64(L));
    return 0;
}

void txn_client_transport_error(sip_txn_layer *L, sip_txn *t, bool connect_failed)
{
    t->flags &= (uint16_t)~TXN_F_TP_ERROR;
    if (connect_failed && (t->flags & TXN_F_TCP_FOR_SIZE)) {
        /* §18.1.1: the connection was refused or reset: try UDP; timer B or F keeps running */
        back_to_udp(L, t);
        L->retransmissions++;
        if (first_send(L, t))
            return;
    }
    finish_local(L, t, 503, "transport error");
}

int sip_txn_request(sip_txn_layer *L, const char *req, size_t len, const sip_peer *dest,
                    sip_txn_client_cb cb, void *cb_ctx, sip_txn_id *ct)
{
    txn_enter(L);
    int rc = client_start(L, req, len, dest, cb, cb_ctx, ct);
    txn_leave(L);
    return rc;
}

int sip_txn_send_direct(sip_txn_layer *L, const sip_peer *dest, const char *buf, size_t len)
{
    return txn_send(L, dest, buf, len) == 0 ? 0 : SIP_TXN_ETRANSPORT;
}

/* --- the machines -------------------------------------------------------------- */

static void invite_response(sip_txn_layer *L, sip_txn *t, const sip_msg *resp)
{
    unsigned s = resp->status;
    switch ((sip_txn_state)t->state) {
    case SIP_TXN_CALLING:
    case SIP_TXN_PROCEEDING:
        if (s < 200) {
            if (t->state == SIP_TXN_CALLING) {
                txn_timer_stop(L, t, TXN_SLOT_RETRANS);
                txn_timer_stop(L, t, TXN_SLOT_LIFE); /* B runs in Calling only (§17.1.1.2) */
                txn_set_state(L, t, SIP_TXN_PROCEEDING, "provisional");
            }
            t->flags |= TXN_F_PROVISIONAL;
            sip_txn_id id = t->id;
            deliver(t, resp, false, false);
            if ((t = txn_get(L, id)) && (t->flags & TXN_F_CANCEL_PENDING))
                send_cancel(L, t);
            return;
        }
        txn_timer_stop(L, t, TXN_SLOT_RETRANS);
        txn_timer_stop(L, t, TXN_SLOT_LIFE);
        if (s < 300) {
            /* the TU ACKs a 2xx; later 2xx (retransmissions, forks) still reach it (RFC 6026) */
            txn_set_state(L, t, SIP_TXN_ACCEPTED, "2xx");
            txn_timer_set(L, t, TXN_SLOT_LIFE, TM_M, t64(L));
            txn_shed_request(L, t);
        } else {
            long n = build_ack_or_cancel(L, t, SP_LIT("ACK"), resp);
            if (n > 0 && (t->out = txn_dup(L->scratch, (size_t)n)))
                t->out_len = (size_t)n;
            if (t->out && txn_send(L, &t->peer, t->out, t->out_len) != 0) {
                finish_local(L, t, 503, "transport error");
                return;
            }
            if (reliable(t)) {
                txn_set_state(L, t, SIP_TXN_TERMINATED, "final, reliable");
            } else {
                txn_set_state(L, t, SIP_TXN_COMPLETED, "final");
                txn_timer_set(L, t, TXN_SLOT_LIFE, TM_D, SIP_TIMER_D_MS);
                txn_shed_request(L, t);
            }
        }
        deliver(t, resp, false, false);
        return;
    case SIP_TXN_COMPLETED: /* the final answer again: so is our ACK */
        if (s >= 300 && t->out) {
            L->retransmissions++;
            txn_send(L, &t->peer, t->out, t->out_len);
        }
        return;
    case SIP_TXN_ACCEPTED:
        if (s >= 200 && s < 300)
            deliver(t, resp, false, true);
        return;
    default:
        return;
    }
}

static void non_invite_response(sip_txn_layer *L, sip_txn *t, const sip_msg *resp)
{
    if (t->state != SIP_TXN_TRYING && t->state != SIP_TXN_PROCEEDING)
        return; /* Completed: retransmitted answers are absorbed */
    if (resp->status < 200) {
        if (t->state == SIP_TXN_TRYING)
            txn_set_state(L, t, SIP_TXN_PROCEEDING, "provisional");
        deliver(t, resp, false, false);
        return;
    }
    txn_timer_stop(L, t, TXN_SLOT_RETRANS);
    txn_timer_stop(L, t, TXN_SLOT_LIFE);
    if (reliable(t)) {
        txn_set_state(L, t, SIP_TXN_TERMINATED, "final, reliable");
    } else {
        txn_set_state(L, t, SIP_TXN_COMPLETED, "final");
        txn_timer_set(L, t, TXN_SLOT_LIFE, TM_K, L->cfg.t4_ms);
        txn_shed_request(L, t); /* K only absorbs retransmitted answers */
    }
    deliver(t, resp, false, false);
}

void txn_client_response(sip_txn_layer *L, sip_txn *t, const sip_msg *resp)
{
    t->last_status = resp->status;
    if (t->kind == SIP_TXN_CLIENT_INVITE)
        invite_response(L, t, resp);
    else
        non_invite_response(L, t, resp);
}

static void retransmit(sip_txn_layer *L, sip_txn *t, txn_timer_name name, uint32_t next_ms)
{
    L->retransmissions++;
    if (txn_send(L, &t->peer, t->req, t->req_len) != 0) {
        finish_local(L, t, 503, "transport error");
        return;
    }
    t->interval_ms = next_ms;
    txn_timer_set(L, t, TXN_SLOT_RETRANS, name, next_ms);
}

void txn_client_timer(sip_txn_layer *L, sip_txn *t, txn_timer_name name)
{
    uint32_t t2 = L->cfg.t2_ms;
    switch (name) {
    case TM_A: /* §17.1.1.2: doubles without a cap */
        if (t->state == SIP_TXN_CALLING)
            retransmit(L, t, TM_A, t->interval_ms * 2);
        break;
    case TM_E: /* §17.1.2.2: doubles up to T2; T2 once a provisional arrived */
        if (t->state == SIP_TXN_TRYING)
            retransmit(L, t, TM_E, t->interval_ms * 2 < t2 ? t->interval_ms * 2 : t2);
        else if (t->state == SIP_TXN_PROCEEDING)
            retransmit(L, t, TM_E, t2);
        break;
    case TM_B:
        if (t->state == SIP_TXN_CALLING)
            finish_local(L, t, 408, "timer B");
        break;
    case TM_F:
        finish_local(L, t, 408, "timer F");
        break;
    case TM_CANCEL_WAIT:
        finish_local(L, t, 487, "no answer after CANCEL");
        break;
    case TM_DEFER:
        finish_local(L, t, 503, "transport error");
        break;
    case TM_D:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer D");
        break;
    case TM_K:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer K");
        break;
    case TM_M:
        txn_set_state(L, t, SIP_TXN_TERMINATED, "timer M");
        break;
    default:
        break;
    }
}
