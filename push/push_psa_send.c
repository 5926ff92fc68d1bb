/* push_psa_send.c - the sender's delivery paths (seed 002 §7.1.2, §7.2.2.2,
 * §7.2.3.1): MESSAGE to the recipient's identity (or a GRUU), NOTIFY in the
 * recipient's subscription, REFER; OPTIONS queries. Every final answer is
 * read through the response-code table (push_status.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_featuretags.h"
#include "push_invite_sender.h"
#include "push_psa_impl.h"
#include "push_status.h"
#include "sip_build.h"
#include "sip_hdr.h"

/* --- pending requests ----------------------------------------------------------- */

static psa_pending *pending_new(push_psa *p, push_method m, push_psa_done done, void *ctx)
{
    psa_pending *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    q->method = m;
    q->done = done;
    q->ctx = ctx;
    q->started = p->env.now_ms(p->env.ctx);
    q->owner = p;
    q->next = p->pending;
    if (p->pending)
        p->pending->prev = q;
    p->pending = q;
    return q;
}

static void pending_drop(push_psa *p, psa_pending *q)
{
    if (q->prev)
        q->prev->next = q->next;
    else
        p->pending = q->next;
    if (q->next)
        q->next->prev = q->prev;
    p->queued_bytes -= q->held_size;
    p->nqueued -= q->queued;
    push_invite_sender_free(q->sender);
    free(q->content);
    free(q->held_mem);
    free(q);
}

/* Keeps a copy of a push that goes out later (queued, or after a probe),
 * within max_queued_bytes. */
static bool pending_hold(push_psa *p, psa_pending *q, const push_psa_push *req)
{
    const sp_str *from[] = {&req->to,      &req->target,  &req->app,      &req->content_type, &req->body,
                            &req->headers, &req->call_id, &req->from_tag, &req->transfer_id};
    sp_str *to[] = {&q->held.to,      &q->held.target,  &q->held.app,      &q->held.content_type, &q->held.body,
                    &q->held.headers, &q->held.call_id, &q->held.from_tag, &q->held.transfer_id};
    size_t need = 1;
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++)
        need += from[i]->n;
    if (q->held_mem)
        return true; /* held already: going round again */
    if (p->queued_bytes + sizeof *q + need > p->cfg.max_queued_bytes)
        return false;
    q->held = *req;
    if (!(q->held_mem = malloc(need)))
        return false;
    q->held_size = sizeof *q + need;
    p->queued_bytes += q->held_size;
    char *at = q->held_mem;
    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        if (!from[i]->p)
            continue;
        memcpy(at, from[i]->p, from[i]->n);
        *to[i] = sp_str_make(at, from[i]->n);
        at += from[i]->n;
    }
    return true;
}

static sp_str request_uri(const push_psa_push *req) { return req->target.n ? req->target : req->to; }

/* The push headers a MESSAGE carries, with ours. */
#define PSA_HEADERS_MAX 2048

/* A path's answer when the transaction table is full: the push waits. */
#define PSA_NO_ROOM 2

static void fifo_push(psa_pending **head, psa_pending **tail, psa_pending *q)
{
    q->fifo = NULL;
    if (*tail)
        (*tail)->fifo = q;
    else
        *head = q;
    *tail = q;
}

static psa_pending *fifo_pop(psa_pending **head, psa_pending **tail)
{
    psa_pending *q = *head;
    if (q && !(*head = q->fifo))
        *tail = NULL;
    return q;
}

/* Into the room queue (its copy is held already); it goes when the layer
 * has room (psa_on_room), in the order the pushes came. */
static void room_wait(push_psa *p, psa_pending *q)
{
    if (!q->queued)
        p->nqueued++;
    q->queued = q->room_wait = true;
    fifo_push(&p->room_head, &p->room_tail, q);
}

/* Out of the queue and on its way: the copy is no longer needed (an INVITE
 * keeps it for after its probe). */
static void queue_left(push_psa *p, psa_pending *q)
{
    if (q->queued)
        p->nqueued--;
    q->queued = q->room_wait = false;
    q->started = p->env.now_ms(p->env.ctx);
    if (q->method != PUSH_METHOD_INVITE && q->held_mem) {
        free(q->held_mem);
        q->held_mem = NULL;
        p->queued_bytes -= q->held_size;
        q->held_size = 0;
    }
}

static void send_begin(push_psa *p) { p->sending++; }

/* A room signal that came while we were sending is taken now. */
static void send_end(push_psa *p)
{
    if (--p->sending == 0 && p->room_later) {
        p->room_later = false;
        psa_on_room(p);
    }
}

void psa_pending_free_all(push_psa *p)
{
    while (p->pending)
        pending_drop(p, p->pending);
}

static void fail_now(push_psa_result *now, push_method m, unsigned status, bool retry, const char *reason)
{
    memset(now, 0, sizeof *now);
    now->method = m;
    now->status = status;
    now->retry = retry;
    now->reason = reason;
}

typedef int (*psa_path)(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now);
static int path_message(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now);
static int path_invite(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now);

static psa_path path_of(push_method m);

/* RFC 3428 §8: the MESSAGE to d is done; the oldest one waiting its turn
 * goes now (to the room queue when the table is full; one failing at once
 * reports and makes room for the next). */
static void turn_next(push_psa *p, psa_dest *d)
{
    for (;;) {
        psa_pending *next = fifo_pop(&d->head, &d->tail);
        if (!next) {
            d->busy = false;
            psa_dest_release(p, d);
            return;
        }
        d->waiting--;
        if (p->room_head) { /* others wait for room already: behind them */
            room_wait(p, next);
            return;
        }
        push_psa_result now;
        send_begin(p);
        int rc = path_message(p, &next->held, next, &now);
        if (rc == PSA_NO_ROOM)
            room_wait(p, next);
        else
            queue_left(p, next);
        if (rc != 0 && rc != PSA_NO_ROOM) {
            if (next->done)
                next->done(next->ctx, &now);
            pending_drop(p, next);
        }
        send_end(p);
        if (rc == 0 || rc == PSA_NO_ROOM)
            return;
    }
}

void psa_on_room(push_psa *p)
{
    if (p->sending) {
        p->room_later = true;
        return;
    }
    psa_pending *q;
    while ((q = fifo_pop(&p->room_head, &p->room_tail))) {
        push_psa_result now;
        send_begin(p);
        int rc = path_of(q->method)(p, &q->held, q, &now);
        if (rc == PSA_NO_ROOM) { /* still full: first again, for the next room */
            q->fifo = p->room_head;
            p->room_head = q;
            if (!p->room_tail)
                p->room_tail = q;
            send_end(p);
            return;
        }
        queue_left(p, q);
        if (rc != 0) {
            psa_dest *d = q->dest;
            if (q->done)
                q->done(q->ctx, &now);
            pending_drop(p, q);
            if (d)
                turn_next(p, d);
        }
        send_end(p);
    }
}

/* Seed 000 §8.2.5.1: the OPTIONS to an AoR that unregistered was answered.
 * A 2xx made it reachable (on_final): the INVITE goes now; anything else
 * means the receiver is not there to take a session: 480, retry. */
static void probe_answered(push_psa *p, psa_pending *q, unsigned status)
{
    push_psa_result now;
    q->probing = false;
    if (status >= 200 && status < 300) {
        if (path_invite(p, &q->held, q, &now) == 0)
            return;
    } else {
        fail_now(&now, PUSH_METHOD_INVITE, 480, true, "the recipient unregistered and did not answer OPTIONS");
    }
    if (q->done)
        q->done(q->ctx, &now);
    pending_drop(p, q);
}

/* The final answer of a push, REFER or OPTIONS. */
static void on_final(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    (void)ct;
    psa_pending *q = ctx; /* lives until this final answer */
    push_psa *p = q->owner;
    if (!r->final)
        return;
    if (r->status >= 200 && r->status < 300)
        psa_mark_reach(p, sp_str_cstr(q->to), false);
    if (q->probing) {
        probe_answered(p, q, r->status);
        return;
    }
    push_code_source src = !r->local ? PUSH_SRC_SIP : (r->status == 408 ? PUSH_SRC_SIP_TIMEOUT : PUSH_SRC_SIP_TRANSPORT);
    push_status ps = push_status_of(src, q->method, r->status);
    if (q->method == PUSH_METHOD_NOTIFY)
        psa_sub_notify_answered(p, psa_sub_by_id(p, q->sub_id), r);
    if (q->done) {
        push_psa_result res = {.method = q->method, .delivered = ps.outcome == PUSH_OUTCOME_DELIVERED,
                               .status = r->status, .retry = ps.retry, .reason = ps.reason, .bytes = q->bytes,
                               .ms = p->env.now_ms(p->env.ctx) - q->started};
        q->done(q->ctx, &res);
    }
    if (q->caps_done) {
        push_psa_caps c = {.status = r->status};
        if (r->status >= 200 && r->status < 300 && r->msg) {
            sp_str m;
            sp_str contact = push_hdr(r->msg, SIP_H_CONTACT);
            sip_addr a;
            if (sp_str_present(contact) && sip_addr_parse(contact, &a, NULL) == 0 && sip_feature_find(a.params, "methods", &m))
                c.caps = push_caps_from_list(m);
            else if (sp_str_present(push_hdr(r->msg, SIP_H_ALLOW)))
                c.caps = push_caps_from_list(push_hdr(r->msg, SIP_H_ALLOW));
            c.accept = push_hdr(r->msg, SIP_H_ACCEPT);
        }
        q->caps_done(q->ctx, &c);
    }
    psa_dest *d = q->dest;
    pending_drop(p, q);
    if (d)
        turn_next(p, d);
}

/* --- requests outside a dialog ---------------------------------------------------- */

/* A request to ruri from our identity; sends it. Its ids are fresh, or
 * those of ids when it repeats a push (push_psa_push). */
static int send_out_of_dialog(push_psa *p, psa_pending *q, sp_str method, sp_str ruri, sp_str to_uri, sp_str headers,
                              sp_str ctype, sp_str body, const push_psa_push *ids, char *call_id_out)
{
    sip_peer dest;
    if (psa_route(p, ruri, &dest) != 0)
        return SP_EINVAL;
    dest.tp = push_local_tp(&p->cfg.local, dest.tp);
    char call_id[PUSH_TOKEN_MAX], tag[PUSH_TOKEN_MAX];
    bool again = ids && ids->call_id.n && ids->from_tag.n && ids->cseq && ids->call_id.n < PUSH_TOKEN_MAX &&
                 ids->from_tag.n < PUSH_TOKEN_MAX;
    if (again) {
        snprintf(call_id, sizeof call_id, "%.*s", (int)ids->call_id.n, ids->call_id.p);
        snprintf(tag, sizeof tag, "%.*s", (int)ids->from_tag.n, ids->from_tag.p);
    } else if (!push_req_ids_new(call_id, tag)) {
        return SP_EINVAL; /* no randomness: fail rather than send guessable ids */
    }
    push_req r = {.method = method, .ruri = ruri, .proxy = p->cfg.proxy, .from_uri = p->cfg.identity,
                  .from_tag = sp_str_cstr(tag), .to_uri = to_uri, .call_id = sp_str_cstr(call_id),
                  .cseq = again ? ids->cseq : 1,
                  .contact = sp_str_cstr(p->contact), .headers = headers, .content_type = ctype, .body = body};
    char buf[PUSH_MSG_MAX];
    long n = push_req_build(p->L, &p->cfg.local, dest.tp, &r, buf, sizeof buf);
    if (n < 0)
        return (int)n;
    if (call_id_out)
        snprintf(call_id_out, PUSH_TOKEN_MAX, "%s", call_id);
    return sip_txn_request(p->L, buf, (size_t)n, &dest, on_final, q, &q->ct);
}

/* P-Asserted-Identity (seed 002 §7.1.2 step 6), Accept-Contact with the
 * application (step 1, RFC 3841) and, in IMS mode, the ICSI and
 * P-Asserted-Service (seed 001 B.2). */
static size_t identity_headers(const push_psa *p, sp_str app, unsigned methods, char *out, size_t cap)
{
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sp_buf_puts(&b, "P-Asserted-Identity: <");
    sp_buf_put(&b, p->cfg.identity);
    sp_buf_puts(&b, ">\r\n");
    if (p->cfg.icsi.n) {
        sp_buf_puts(&b, "P-Asserted-Service: ");
        sp_buf_put(&b, p->cfg.icsi);
        sp_buf_puts(&b, "\r\n");
    }
    if (app.n || p->cfg.icsi.n) {
        char ac[512];
        sp_error err;
        int n = push_accept_contact_build(app.n ? app : SP_STR_NULL, p->cfg.icsi, methods, true, true, ac, sizeof ac, &err);
        if (n < 0)
            return 0;
        sp_buf_puts(&b, "Accept-Contact: ");
        sp_buf_put(&b, sp_str_make(ac, (size_t)n));
        sp_buf_puts(&b, "\r\n");
    }
    long n = sp_buf_finish(&b);
    return n < 0 ? 0 : (size_t)n;
}

/* --- the delivery paths -------------------------------------------------------------- */


static int path_message(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now)
{
    char hdrs[PSA_HEADERS_MAX];
    size_t hn = identity_headers(p, req->app, 0, hdrs, sizeof hdrs);
    if (!hn || hn + req->headers.n >= sizeof hdrs) {
        fail_now(now, PUSH_METHOD_MESSAGE, 400, false, "push headers too long or bad application id");
        return 1;
    }
    if (req->headers.n)
        memcpy(hdrs + hn, req->headers.p, req->headers.n);
    /* step 2: the public identity, or step 7: a GRUU picks one terminal */
    int rc = send_out_of_dialog(p, q, SP_LIT("MESSAGE"), request_uri(req), req->to,
                                sp_str_make(hdrs, hn + req->headers.n), req->content_type, req->body, req, NULL);
    if (rc == SP_ELIMIT)
        return PSA_NO_ROOM;
    if (rc != 0) {
        fail_now(now, PUSH_METHOD_MESSAGE, 503, true, "the MESSAGE could not be sent");
        return 1;
    }
    return 0;
}

static int path_notify(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now)
{
    psa_sub *s = psa_sub_find(p, req->to, req->app);
    if (!s) {
        fail_now(now, PUSH_METHOD_NOTIFY, 481, false, "no subscription of the recipient for this application");
        return 1;
    }
    char buf[PUSH_MSG_MAX];
    sip_peer dest;
    long n = psa_sub_notify_build(p, s, req->headers, req->content_type, req->body, buf, sizeof buf, &dest);
    int rc = n < 0 ? (int)n : sip_txn_request(p->L, buf, (size_t)n, &dest, on_final, q, &q->ct);
    if (rc == SP_ELIMIT)
        return PSA_NO_ROOM;
    if (rc != 0) {
        fail_now(now, PUSH_METHOD_NOTIFY, 503, true, "the NOTIFY could not be sent");
        return 1;
    }
    q->sub_id = s->id;
    return 0;
}

static void invite_done(void *ctx, push_invite_sender *s, const push_invite_result *r)
{
    (void)s;
    psa_pending *q = ctx;
    push_psa_result res = {.method = PUSH_METHOD_INVITE, .delivered = r->status.outcome == PUSH_OUTCOME_DELIVERED,
                           .status = r->code, .retry = r->status.retry, .reason = r->status.reason,
                           .bytes = r->bytes, .chunks = r->chunks, .ms = r->ms};
    q->done(q->ctx, &res);
    pending_drop(q->owner, q); /* the sender goes with it */
}

/* Seed 002 §7.3.2: the session-mode sender with the push's content (copied:
 * MSRP reads it until the outcome) and its push headers, one per line. */
static int path_invite(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now)
{
    if (!p->cfg.invite) {
        fail_now(now, PUSH_METHOD_INVITE, 501, false, "session-mode push (INVITE/MSRP) is not available");
        return 1;
    }
    /* seed 000 §8.2.5.1: no INVITE to a client that unregistered until it
     * answers an OPTIONS; ask it first, once (push/README.md) */
    if (!q->held_mem && !push_psa_may_invite(p, req->to)) {
        if (!pending_hold(p, q, req) || send_out_of_dialog(p, q, SP_LIT("OPTIONS"), request_uri(req), req->to,
                                                        SP_LIT("Accept: application/sdp\r\n"), SP_STR_NULL,
                                                        SP_STR_NULL, NULL, NULL) != 0) {
            fail_now(now, PUSH_METHOD_INVITE, 503, true, "the OPTIONS probe could not be sent");
            return 1;
        }
        q->probing = true;
        return 0;
    }
    sp_str hdrs[PUSH_INVITE_MAX_HEADERS];
    size_t nh = 0;
    for (sp_str rest = req->headers; rest.n && nh < PUSH_INVITE_MAX_HEADERS;) {
        const char *eol = memchr(rest.p, '\n', rest.n);
        size_t n = eol ? (size_t)(eol - rest.p) + 1 : rest.n;
        sp_str line = sp_str_trim(sp_str_make(rest.p, n));
        if (line.n)
            hdrs[nh++] = line;
        rest.p += n, rest.n -= n;
    }
    q->content = malloc(req->body.n ? req->body.n : 1);
    sp_str ruri = request_uri(req);
    push_invite_file f = {.type = req->content_type, .data = q->content, .fd = -1, .size = req->body.n,
                          .transfer_id = req->transfer_id};
    push_invite_params prm = {.target = ruri, .from = p->cfg.identity, .app = req->app, .icsi = p->cfg.icsi,
                              .files = &f, .nfiles = 1, .headers = hdrs, .nheaders = nh, .confirm = req->confirm};
    push_invite_sender_cb cb = {.ctx = q, .done = invite_done};
    if (!q->content || psa_route(p, ruri, &prm.next_hop) != 0) {
        fail_now(now, PUSH_METHOD_INVITE, 503, true, "no route to the recipient");
        return 1;
    }
    memcpy(q->content, req->body.p, req->body.n);
    prm.next_hop.tp = push_local_tp(&p->cfg.local, prm.next_hop.tp);
    if (push_invite_sender_new(p->cfg.invite, &prm, &cb, &q->sender) != 0) {
        fail_now(now, PUSH_METHOD_INVITE, 400, false, "the session-mode push cannot be prepared");
        return 1;
    }
    if (push_invite_sender_start(q->sender) != 0) {
        fail_now(now, PUSH_METHOD_INVITE, 503, true, "the INVITE could not be sent");
        return 1;
    }
    return 0;
}

/* One path per method. */
static const psa_path paths[] = {
    [PUSH_METHOD_MESSAGE] = path_message,
    [PUSH_METHOD_NOTIFY] = path_notify,
    [PUSH_METHOD_INVITE] = path_invite,
};

static psa_path path_of(push_method m) { return paths[m]; }

/* RFC 3428 §8: one MESSAGE at a time to a URI. Takes the URI's turn, or
 * queues q behind the one that has it (q->queued); 1 with *now when it
 * cannot wait (q dropped). */
static int message_turn(push_psa *p, const push_psa_push *req, psa_pending *q, push_psa_result *now)
{
    sp_str ruri = request_uri(req);
    snprintf(q->ruri, sizeof q->ruri, "%.*s", (int)ruri.n, ruri.p);
    psa_dest *d = psa_dest_get(p, ruri);
    const char *why = NULL;
    if (!d)
        why = "out of memory";
    else if (!d->busy)
        d->busy = true;
    else if (d->waiting >= p->cfg.max_queued_per_uri)
        why = "too many MESSAGEs waiting for this recipient";
    else if (!pending_hold(p, q, req))
        why = "the push queue is full";
    if (why) {
        fail_now(now, PUSH_METHOD_MESSAGE, 503, true, why);
        pending_drop(p, q);
        return 1;
    }
    q->dest = d;
    if (q->held_mem) {
        q->queued = true;
        p->nqueued++;
        fifo_push(&d->head, &d->tail, q);
        d->waiting++;
    }
    return 0;
}

int push_psa_send(push_psa *p, const push_psa_push *req, push_psa_done done, void *ctx, push_psa_result *now)
{
    push_method_input in = {.ask = req->ask, .body_len = req->body.n, .indirect = req->indirect,
                            .has_subscription = psa_sub_find(p, req->to, req->app) != NULL,
                            .caps = push_psa_receiver_caps(p, req->to)};
    push_method m;
    sp_error err;
    if (push_method_select(&in, &m, &err) != 0) {
        push_method shown = req->ask == PUSH_ASK_NOTIFY ? PUSH_METHOD_NOTIFY
                            : req->ask == PUSH_ASK_INVITE ? PUSH_METHOD_INVITE
                                                          : PUSH_METHOD_MESSAGE;
        push_status ps = push_status_of(PUSH_SRC_SIP, shown, (unsigned)err.status);
        fail_now(now, shown, (unsigned)err.status, ps.retry, err.reason);
        return 1;
    }
    if (m >= sizeof paths / sizeof paths[0] || !paths[m]) {
        fail_now(now, m, 501, false, "no delivery path for this method");
        return 1;
    }
    psa_pending *q = pending_new(p, m, done, ctx);
    if (!q) {
        fail_now(now, m, 500, true, "out of memory");
        return 1;
    }
    q->bytes = req->body.n;
    snprintf(q->to, sizeof q->to, "%.*s", (int)req->to.n, req->to.p);
    int rc = m == PUSH_METHOD_MESSAGE ? message_turn(p, req, q, now) : 0;
    if (rc == 0 && !q->queued) {
        send_begin(p);
        /* others wait for room already: behind them, in the order given */
        rc = p->room_head && m != PUSH_METHOD_INVITE ? PSA_NO_ROOM : paths[m](p, req, q, now);
        if (rc == PSA_NO_ROOM && pending_hold(p, q, req)) {
            room_wait(p, q);
            rc = 0;
        } else if (rc == PSA_NO_ROOM) {
            fail_now(now, m, 503, true, "the push queue is full");
            rc = 1;
        }
        if (rc != 0 && q->dest) { /* it had the URI's turn, with no one behind it yet */
            q->dest->busy = false;
            psa_dest_release(p, q->dest);
        }
        if (rc != 0)
            pending_drop(p, q);
        send_end(p);
    }
    return rc;
}

bool push_psa_can_queue(const push_psa *p, size_t n, size_t body_bytes)
{
    /* to, target, app, content type and push headers at their largest */
    uint64_t each = sizeof(psa_pending) + body_bytes + 4 * PUSH_URI_MAX + PSA_HEADERS_MAX;
    return n <= (p->cfg.max_queued_bytes - p->queued_bytes) / each;
}

size_t push_psa_queued(const push_psa *p, uint64_t *bytes)
{
    if (bytes)
        *bytes = p->queued_bytes;
    return p->nqueued;
}

/* --- REFER (seed 002 §7.2.3.1) -------------------------------------------------------- */

/* Percent-encodes what a URI header value cannot hold (RFC 3261 §25.1
 * hvalue); "+" too, as deployed peers (and the corpus) write it. */
static void put_escaped(sp_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-_.!~*'()[]/?:$", c))
            sp_buf_put(b, sp_str_make(s, 1));
        else
            sp_buf_printf(b, "%%%02X", c);
    }
}

int push_psa_refer(push_psa *p, sp_str to, sp_str app, push_psa_done done, void *ctx, push_psa_result *now)
{
    char event[256], ac[256], hdrs[2048];
    int en = snprintf(event, sizeof event, "ua-profile;profile-type=oma-app%s%.*s%s", app.n ? ";event-app-id=\"" : "",
                      (int)app.n, app.p ? app.p : "", app.n ? "\"" : "");
    sp_error err;
    int an = push_accept_contact_build(app.n ? app : SP_STR_NULL, SP_STR_NULL, 0, false, false, ac, sizeof ac, &err);
    if (en < 0 || (size_t)en >= sizeof event || an < 0) {
        fail_now(now, PUSH_METHOD_REFER, 400, false, "bad application id");
        return 1;
    }
    sp_buf b;
    sp_buf_init(&b, hdrs, sizeof hdrs);
    /* 2a-2d: our identity, method=SUBSCRIBE, the Event and the Accept-Contact */
    sp_buf_puts(&b, "Refer-To: <");
    sp_buf_put(&b, p->cfg.identity);
    sp_buf_puts(&b, ";method=SUBSCRIBE?Event=");
    put_escaped(&b, event);
    sp_buf_puts(&b, "&Accept-Contact=");
    put_escaped(&b, ac);
    sp_buf_puts(&b, ">\r\nReferred-By: <");
    sp_buf_put(&b, p->cfg.identity);
    sp_buf_puts(&b, ">\r\nEvent: refer\r\nP-Asserted-Identity: <");
    sp_buf_put(&b, p->cfg.identity);
    sp_buf_puts(&b, ">\r\n");
    long hn = sp_buf_finish(&b);
    psa_pending *q = hn > 0 ? pending_new(p, PUSH_METHOD_REFER, done, ctx) : NULL;
    if (!q) {
        fail_now(now, PUSH_METHOD_REFER, 500, true, "REFER could not be built");
        return 1;
    }
    snprintf(q->to, sizeof q->to, "%.*s", (int)to.n, to.p);
    psa_refer *r = &p->refers[p->next_refer];
    if (send_out_of_dialog(p, q, SP_LIT("REFER"), to, to, sp_str_make(hdrs, (size_t)hn), SP_STR_NULL, SP_STR_NULL,
                           NULL, r->call_id) != 0) {
        pending_drop(p, q);
        fail_now(now, PUSH_METHOD_REFER, 503, true, "the REFER could not be sent");
        return 1;
    }
    p->next_refer = (p->next_refer + 1) % PSA_MAX_REFERS;
    snprintf(r->to, sizeof r->to, "%.*s", (int)to.n, to.p);
    r->at = p->env.now_ms(p->env.ctx);
    return 0;
}

/* The receiver's NOTIFYs about a REFER (RFC 3515 §2.4.5): the sipfrag's
 * status line says what its SUBSCRIBE got. */
void psa_on_refer_notify(push_psa *p, sip_txn_id st, const sip_msg *req)
{
    sp_str call_id = push_hdr(req, SIP_H_CALL_ID);
    psa_refer *r = NULL;
    for (size_t i = 0; i < PSA_MAX_REFERS && !r; i++)
        if (p->refers[i].call_id[0] && sp_str_eq(sp_str_cstr(p->refers[i].call_id), call_id))
            r = &p->refers[i];
    if (!r) {
        psa_answer(p, st, req, 481, "No Such Referral", SP_STR_NULL);
        return;
    }
    psa_answer(p, st, req, 200, NULL, SP_STR_NULL);
    unsigned code = 0;
    sp_str body = req->body;
    if (body.n > 12 && !memcmp(body.p, "SIP/2.0 ", 8)) {
        for (size_t i = 8; i < 11; i++)
            code = code * 10 + (unsigned)(body.p[i] - '0');
    }
    const sip_header *ss = sip_msg_find(req, SIP_H_SUBSCRIPTION_STATE);
    sip_subscription_state s;
    bool final = ss && sip_subscription_state_parse(ss->value, &s, NULL) == 0 && s.state == SIP_SUBSTATE_TERMINATED;
    if (final && code >= 100 && code <= 699) {
        push_psa_event ev = {.kind = PUSH_PSA_EV_REFERRED, .aor = sp_str_cstr(r->to), .status = code};
        psa_event(p, &ev);
        r->call_id[0] = '\0';
    }
}

/* --- OPTIONS ---------------------------------------------------------------------------- */

int push_psa_options(push_psa *p, sp_str to, void (*done)(void *ctx, const push_psa_caps *c), void *ctx)
{
    psa_pending *q = pending_new(p, PUSH_METHOD_MESSAGE, NULL, NULL);
    if (!q)
        return SP_ELIMIT;
    q->caps_done = done;
    q->ctx = ctx;
    snprintf(q->to, sizeof q->to, "%.*s", (int)to.n, to.p);
    int rc = send_out_of_dialog(p, q, SP_LIT("OPTIONS"), to, to, SP_LIT("Accept: application/sdp\r\n"), SP_STR_NULL,
                                SP_STR_NULL, NULL, NULL);
    if (rc != 0)
        pending_drop(p, q);
    return rc;
}
