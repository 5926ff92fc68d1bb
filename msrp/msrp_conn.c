/* msrp_conn.c - one MSRP connection: frames in, sessions bound to it
 * (RFC 4975 §5.4, §7.3), responses and REPORTs out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_session_impl.h"
#include "sp_random.h"


/* --- output ------------------------------------------------------------- */

/* Writes one copied buffer; a refusal (the peer does not read: over the
 * environment's queue limit) breaks the connection, closed after the
 * dispatch. */
static void conn_send(msrp_conn *mc, const char *p, size_t n)
{
    const msrp_env *env = &mc->ep->env;
    if (!mc->handle || mc->broken)
        return;
    if (env->write(env->ctx, mc->handle, &(msrp_seg){p, n, false}, 1, NULL, NULL) < 0) {
        mc->broken = true;
        msrp_defer_queue(mc->ep, &mc->flush);
    }
}

void msrp_conn_flush(msrp_conn *mc)
{
    if (!mc->broken && !mc->ending)
        msrp_defer_cancel(&mc->flush);
    if (mc->broken)
        mc->out_len = 0;
    if (!mc->out_len)
        return;
    conn_send(mc, mc->out, mc->out_len);
    mc->out_len = 0;
}

void msrp_conn_on_flush(void *ctx)
{
    msrp_conn *mc = ctx;
    bool ending = mc->ending && !mc->broken;
    msrp_conn_flush(mc);
    if (mc->broken)
        msrp_conn_close(mc, MSRP_CLOSE_NOW); /* frees mc */
    else if (ending)
        msrp_conn_close(mc, MSRP_CLOSE_END);
}

void msrp_conn_queue(msrp_conn *mc, const char *p, size_t n)
{
    if (!mc->handle)
        return;
    if (!mc->out) {
        mc->out = malloc(MSRP_CONN_OUT_FLUSH);
        if (!mc->out) {
            conn_send(mc, p, n);
            return;
        }
        mc->out_cap = MSRP_CONN_OUT_FLUSH;
    }
    if (n > mc->out_cap - mc->out_len)
        msrp_conn_flush(mc);
    if (n > mc->out_cap) {
        conn_send(mc, p, n);
        return;
    }
    memcpy(mc->out + mc->out_len, p, n);
    mc->out_len += n;
    msrp_defer_queue(mc->ep, &mc->flush);
}

void msrp_conn_tid(msrp_conn *mc, char tid[MSRP_TID_LEN])
{
    /* 4 * 62 bytes: r % 62 for every r < 248 without a division. */
    static const char alnum4[] = SP_RANDOM_ALNUM SP_RANDOM_ALNUM SP_RANDOM_ALNUM SP_RANDOM_ALNUM;
    _Static_assert(sizeof alnum4 == 4 * 62 + 1, "62 characters");
    size_t n = 0;
    while (n < MSRP_TID_LEN) {
        if (mc->rnd_pos == sizeof mc->rnd) {
            if (sp_random_bytes(mc->rnd, sizeof mc->rnd) != 0)
                abort(); /* no randomness: ids could collide (§7.1) */
            mc->rnd_pos = 0;
        }
        const uint8_t *r = mc->rnd + mc->rnd_pos;
        size_t k = 0, avail = sizeof mc->rnd - mc->rnd_pos;
        while (k < avail && n < MSRP_TID_LEN) {
            uint8_t v = r[k++];
            if (v < 248) /* 4 * 62: every character equally likely */
                tid[n++] = alnum4[v];
        }
        mc->rnd_pos += k;
    }
}

void msrp_conn_respond(msrp_conn *mc, unsigned status, const char *comment, sp_str from_path)
{
    msrp_frame_state *f = &mc->f;
    /* §7.2: nothing at all for Failure-Report "no"; only failures for "partial". */
    if (f->failure_report == MSRP_REPORT_NO || (f->failure_report == MSRP_REPORT_PARTIAL && status == 200))
        return;
    char buf[2 * MSRP_URI_MAX + 3 * MSRP_TID_MAX + 128];
    sp_buf b;
    sp_buf_init(&b, buf, sizeof buf);
    sp_str tid = sp_str_make(f->tid, f->tid_len);
    /* Chunk after chunk goes to the same paths: only the start line and
     * the tid are written anew. */
    if (!msrp_response_tmpl_set(&mc->resp, sp_str_make(f->reply_to, f->reply_to_len), from_path))
        return; /* paths too long for any response */
    msrp_build_response_tmpl(&b, &mc->resp, tid, status, sp_str_cstr(comment));
    long n = sp_buf_finish(&b);
    if (n > 0)
        msrp_conn_queue(mc, buf, (size_t)n);
}

/* --- binding -------------------------------------------------------------- */

void msrp_conn_bind(msrp_conn *mc, msrp_session *s)
{
    s->conn = mc;
    s->conn_next = mc->sessions;
    mc->sessions = s;
}

void msrp_conn_unbind(msrp_conn *mc, msrp_session *s)
{
    for (msrp_session **pp = &mc->sessions; *pp; pp = &(*pp)->conn_next)
        if (*pp == s) {
            *pp = s->conn_next;
            break;
        }
    s->conn = NULL;
    s->conn_next = NULL;
    if (mc->f.s == s) {
        mc->f.s = NULL;
        mc->f.rx = NULL;
        mc->f.discard = true;
    }
}

void msrp_conn_lost(msrp_conn *mc, unsigned status, const char *reason)
{
    while (mc->sessions) {
        msrp_session *s = mc->sessions;
        msrp_conn_unbind(mc, s);
        msrp_session_fail(s, status, reason);
    }
}

/* The session a To-Path names (§7.3: exactly one URI without relays). The
 * bytes are compared first: a peer repeats the URI it was given. */
static msrp_session *find_session(msrp_endpoint *ep, msrp_conn *mc, sp_str to)
{
    for (msrp_session *s = mc->sessions; s; s = s->conn_next)
        if (sp_str_eq(to, sp_str_make(s->local, s->local_len)))
            return s;
    msrp_uri u;
    if (msrp_uri_parse(to.p, to.n, &u, NULL) < 0)
        return NULL;
    for (msrp_session *s = mc->sessions; s; s = s->conn_next)
        if (msrp_uri_eq(&u, &s->local_uri))
            return s;
    for (msrp_session *s = ep->sessions; s; s = s->ep_next)
        if (s->state != MSRP_S_CLOSED && msrp_uri_eq(&u, &s->local_uri))
            return s;
    return NULL;
}

/* Whether From-Path ends with the negotiated peer (§5.4: the host that
 * connected is the one the URI was given to). */
static bool from_peer(const msrp_session *s, sp_str from)
{
    if (sp_str_eq(from, sp_str_make(s->peer, s->peer_len)))
        return true;
    size_t pos = 0;
    sp_str one, last = SP_STR_NULL;
    while (msrp_path_next(from, &pos, &one))
        last = one;
    msrp_uri u;
    if (!last.p || msrp_uri_parse(last.p, last.n, &u, NULL) < 0)
        return false;
    return msrp_uri_eq(&u, &s->peer_uri);
}

/* --- frames in ------------------------------------------------------------ */

static void begin_request(msrp_conn *mc, const msrp_head *h)
{
    msrp_frame_state *f = &mc->f;
    sp_str method = msrp_head_str(h, h->method);
    bool is_send = sp_str_eq(method, SP_LIT("SEND"));
    bool is_report = sp_str_eq(method, SP_LIT("REPORT"));
    f->is_send = is_send;
    f->failure_report = MSRP_REPORT_YES;
    f->discard = true;
    sp_str fr = msrp_head_get(h, MSRP_H_FAILURE_REPORT);
    if (fr.p && msrp_failure_report_parse(fr, &f->failure_report, NULL) < 0)
        f->failure_report = MSRP_REPORT_YES;
    if (is_report)
        f->failure_report = MSRP_REPORT_NO; /* §7.1.2: never a response to a REPORT */

    sp_str to = msrp_head_get(h, MSRP_H_TO_PATH), from = msrp_head_get(h, MSRP_H_FROM_PATH);
    size_t pos = 0;
    sp_str first;
    if (from.p && msrp_path_next(from, &pos, &first) && first.n <= sizeof f->reply_to) {
        memcpy(f->reply_to, first.p, first.n);
        f->reply_to_len = (uint16_t)first.n;
    } else {
        f->failure_report = MSRP_REPORT_NO; /* nowhere to answer */
    }
    msrp_session *s = to.p ? find_session(mc->ep, mc, to) : NULL;
    if (!s || s->state == MSRP_S_CLOSED) {
        msrp_conn_respond(mc, 481, "No Such Session", to);
        return;
    }
    sp_str local = sp_str_make(s->local, s->local_len);
    if (s->conn != mc) {
        if (s->conn || s->state != MSRP_S_STARTED || s->cfg.setup != MSRP_SETUP_PASSIVE) {
            msrp_conn_respond(mc, 506, "Session Bound Elsewhere", local);
            return;
        }
        if (!from.p || !from_peer(s, from)) {
            /* §5.4: the connection is not the negotiated peer's. */
            f->failure_report = MSRP_REPORT_YES;
            msrp_conn_respond(mc, 403, "Not The Negotiated Peer", local);
            /* Closed once the 403 is out, after the dispatch; nothing
             * more is read from it. */
            mc->ending = true;
            msrp_defer_queue(mc->ep, &mc->flush);
            return;
        }
        msrp_conn_bind(mc, s);
        s->state = MSRP_S_BOUND;
        msrp_session_emit(s, &(msrp_event_info){.type = MSRP_EV_BOUND});
        if (!msrp_session_live(s))
            return;
        msrp_sender_pump(s);
    } else if (!from.p || !from_peer(s, from)) {
        msrp_conn_respond(mc, 403, "Not The Negotiated Peer", local);
        return;
    }
    f->s = s;
    if (is_send)
        msrp_receiver_on_send(mc, s, h);
    else if (is_report)
        msrp_sender_on_report(s, h);
    else
        msrp_conn_respond(mc, 501, "Unknown Method", local);
}

static void on_response(msrp_conn *mc, const msrp_head *h)
{
    sp_str tid = msrp_head_str(h, h->tid);
    for (msrp_session *s = mc->sessions; s; s = s->conn_next) {
        size_t slot = msrp_sender_find(s, tid);
        if (slot != (size_t)-1) {
            msrp_sender_on_response(s, slot, h->status);
            return;
        }
    }
    /* A response to a transaction we gave up on (408): nothing to do. */
}

static void on_head(msrp_conn *mc, const msrp_head *h)
{
    msrp_frame_state *f = &mc->f;
    memset(f, 0, offsetof(msrp_frame_state, reply_to));
    f->reply_to_len = 0;
    f->is_request = h->is_request;
    f->has_body = h->has_body;
    f->tid_len = (uint8_t)h->tid.len;
    memcpy(f->tid, h->base + h->tid.off, h->tid.len);
    f->discard = true;
    if (h->is_request)
        begin_request(mc, h);
    else
        on_response(mc, h);
}

/* One event of the stream: bytes consumed, 0 for more, or an error. */
static int conn_step(msrp_conn *mc, const char *buf, size_t len)
{
    msrp_event ev;
    sp_error err;
    int n = msrp_parse(&mc->parser, buf, len, &ev, &err);
    if (n == SP_AGAIN)
        return 0;
    if (n < 0) {
        /* The stream cannot be resynchronised (§7.3): close it. */
        return n;
    }
    switch (ev.kind) {
    case MSRP_EV_HEAD:
        on_head(mc, &mc->parser.head);
        break;
    case MSRP_EV_BODY:
        if (!mc->f.discard)
            msrp_receiver_on_body(mc, ev.body);
        break;
    case MSRP_EV_END:
        if (!mc->f.discard && ev.body.n)
            msrp_receiver_on_body(mc, ev.body);
        if (mc->f.is_send && mc->f.s)
            msrp_receiver_on_end(mc, ev.flag);
        break;
    }
    /* A head or end-line consumes bytes; a body slice may be empty only
     * when nothing was there to hand out, which the parser reports as
     * SP_AGAIN. */
    return n;
}

long msrp_conn_input(msrp_conn *mc, const char *buf, size_t len)
{
    msrp_endpoint *ep = mc->ep;
    msrp_endpoint_enter(ep);
    /* Every event the bytes hold, then the work they left (responses of
     * the whole read in one write, the sender pumped once). */
    long done = 0;
    while ((size_t)done < len) {
        if (mc->broken || mc->ending) {
            done = (long)len; /* closing: the rest is dropped */
            break;
        }
        int n = conn_step(mc, buf + done, len - (size_t)done);
        if (n < 0) {
            done = n;
            break;
        }
        if (n == 0)
            break;
        done += n;
    }
    msrp_endpoint_leave(ep); /* may free mc */
    return done;
}
