/* msrp_sender.c - outgoing messages: chunks (RFC 4975 §7.1.1) pipelined
 * within a window of unanswered transactions, several per writev; their
 * responses (§10), the 30 s transaction timer and REPORTs (§7.3.2). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msrp_session_impl.h"
#include "sp_platform.h"
#include "sp_random.h"

/* §7.1.1: a chunk with more body than this must be interruptible, so its
 * range-end is "*". */
#define MSRP_FAIR_CHUNK 2048u
/* Bytes gathered into one write: bounds what one write adds to the queue. */
#define MSRP_BATCH_BYTES (256u << 10)
/* Content searched ahead at once for end-line lookalikes. */
#define MSRP_HYPHEN_SCAN (1u << 20)
/* The bytes of a chunk other than its body, at most. */
#define MSRP_HEAD_ROOM (MSRP_PATH_MAX + MSRP_URI_MAX + MSRP_CONTENT_TYPE_MAX + 256)

static void arm_txn_timer(msrp_session *s);

/* --- messages -------------------------------------------------------------- */

static void timer_stop(msrp_session *s)
{
    if (!s->timer)
        return;
    const msrp_env *env = &s->ep->env;
    env->timer_cancel(env->ctx, s->timer);
    s->timer = 0;
}

void msrp_message_init(msrp_message *m)
{
    memset(m, 0, sizeof *m);
    m->fd = -1;
    m->failure_report = MSRP_REPORT_YES;
}

static void out_free(msrp_out *o)
{
    free(o->tmpl);
    free(o->reported);
    free(o);
}

/* Unlinks o from its session's queue. */
static void out_unlink(msrp_session *s, msrp_out *o)
{
    msrp_out **pp = &s->out_head, *prev = NULL;
    while (*pp && *pp != o) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    *pp = o->next;
    if (s->out_tail == o)
        s->out_tail = prev;
    s->nout--;
}

/* Reports the outcome of o, gone from the queue and freed first. */
static void out_deliver(msrp_session *s, msrp_out *o)
{
    char mid[MSRP_MESSAGE_ID_MAX];
    memcpy(mid, o->m.message_id.p, o->m.message_id.n);
    msrp_event_info ev = {.type = o->outcome,
                          .msg = o->handle,
                          .message_id = sp_str_make(mid, o->m.message_id.n),
                          .status = o->status,
                          .reason = o->reason,
                          .bytes = o->outcome == MSRP_EV_SENT && o->m.failure_report != MSRP_REPORT_YES
                                       ? o->m.size - (o->m.first - 1) : o->acked};
    out_unlink(s, o);
    out_free(o);
    msrp_session_emit(s, &ev);
}

/* Ends o: nothing more is sent or expected for it. The outcome is told
 * once no write references its content any more, so the caller may then
 * reuse that memory. */
static void out_finish(msrp_session *s, msrp_out *o, msrp_event_type type, unsigned status, const char *reason)
{
    if (o->over)
        return;
    o->over = true;
    o->outcome = type;
    o->status = status;
    o->reason = reason;
    if (s->ring) {
        uint32_t cap = s->cfg.window;
        for (uint32_t i = 0; i < s->ring_count; i++) {
            msrp_txn *t = &s->ring[(s->ring_head + i) % cap];
            if (t->m == o)
                t->m = NULL;
        }
    }
    if (o->refs == 0)
        out_deliver(s, o);
}

static void out_failed(msrp_session *s, msrp_out *o, unsigned status, const char *reason)
{
    out_finish(s, o, MSRP_EV_SEND_FAILED, status, reason);
}

/* The message is over when every chunk went out and was answered (and its
 * success REPORT came, when asked for). */
static void out_check(msrp_session *s, msrp_out *o)
{
    if (!o->written || o->inflight || o->over)
        return;
    if (o->m.success_report && !o->confirmed) {
        /* The REPORT ends it (msrp_sender_on_report), or the session's one
         * timer when it is late. */
        o->acks_done = true;
        o->report_due = msrp_endpoint_now(s->ep) + s->cfg.report_timeout_ms;
        if (!s->timer || s->timer_due > o->report_due)
            arm_txn_timer(s);
        return;
    }
    out_finish(s, o, MSRP_EV_SENT, 200, "OK");
}

static bool type_refused(const msrp_session *s, sp_str type)
{
    for (size_t i = 0; i < s->refused_len;) {
        size_t n = strlen(s->refused + i);
        if (sp_str_caseeq(type, sp_str_make(s->refused + i, n)))
            return true;
        i += n + 1;
    }
    return false;
}

/* §10.6: no more messages of a refused type in this session. */
static void type_refuse(msrp_session *s, sp_str type)
{
    if (type_refused(s, type) || type.n >= MSRP_CONTENT_TYPE_MAX)
        return;
    char *grown = realloc(s->refused, s->refused_len + type.n + 1);
    if (!grown)
        return;
    memcpy(grown + s->refused_len, type.p, type.n);
    grown[s->refused_len + type.n] = '\0';
    s->refused = grown;
    s->refused_len += type.n + 1;
}

int msrp_session_send(msrp_session *s, const msrp_message *m, uint64_t *msg)
{
    if (!msrp_session_live(s) || !m->content_type.p || m->content_type.n == 0 ||
        m->content_type.n >= MSRP_CONTENT_TYPE_MAX || (!m->data && m->fd < 0 && m->size) ||
        m->first > m->size + 1 || m->size > MSRP_POS_MAX)
        return SP_EINVAL;
    if (m->message_id.p && (m->message_id.n > MSRP_MESSAGE_ID_MAX || !msrp_ident_valid(m->message_id)))
        return SP_EINVAL;
    if (type_refused(s, m->content_type))
        return -EPROTO;
    msrp_out *o = calloc(1, sizeof *o);
    if (!o)
        return -ENOMEM;
    o->m = *m;
    memcpy(o->ctype, m->content_type.p, m->content_type.n);
    o->m.content_type = sp_str_make(o->ctype, m->content_type.n);
    if (m->message_id.p) {
        memcpy(o->mid, m->message_id.p, m->message_id.n);
        o->m.message_id = sp_str_make(o->mid, m->message_id.n);
    } else {
        /* §7.1.1: unlikely ever to repeat; 95 random bits. */
        char id[MSRP_SESSION_ID_LEN + 1];
        if (sp_random_token(id, MSRP_SESSION_ID_LEN, SP_RANDOM_ALNUM) != 0) {
            free(o);
            return -EIO;
        }
        memcpy(o->mid, id, MSRP_SESSION_ID_LEN);
        o->m.message_id = sp_str_make(o->mid, MSRP_SESSION_ID_LEN);
    }
    if (o->m.first == 0)
        o->m.first = 1;
    o->clear_to = o->m.first;
    o->pos = o->m.first;
    o->s = s;
    o->handle = ++s->next_handle;
    if (s->out_tail)
        s->out_tail->next = o;
    else
        s->out_head = o;
    s->out_tail = o;
    s->nout++;
    if (msg)
        *msg = o->handle;
    msrp_endpoint *ep = s->ep;
    msrp_endpoint_enter(ep);
    msrp_sender_pump(s);
    msrp_endpoint_leave(ep);
    return 0;
}

int msrp_session_abort(msrp_session *s, uint64_t msg)
{
    for (msrp_out *o = s->out_head; o; o = o->next)
        if (o->handle == msg && !o->over) {
            msrp_endpoint *ep = s->ep;
            msrp_endpoint_enter(ep);
            if (o->written) {
                out_failed(s, o, 0, "aborted after the last chunk went out");
            } else {
                o->aborting = true;
                msrp_sender_pump(s);
            }
            msrp_endpoint_leave(ep);
            return 0;
        }
    return SP_EINVAL;
}

/* --- the window ----------------------------------------------------------- */

static bool ring_alloc(msrp_session *s)
{
    if (!s->ring) {
        s->ring = calloc(s->cfg.window, sizeof *s->ring);
        s->ring_head = s->ring_count = 0;
    }
    return s->ring != NULL;
}

/* Drops answered entries from the front; frees the ring once empty, so an
 * idle session holds none. */
static void ring_trim(msrp_session *s)
{
    uint32_t cap = s->cfg.window;
    while (s->ring_count && s->ring[s->ring_head].tid[0] == '\0') {
        s->ring_head = (s->ring_head + 1) % cap;
        s->ring_count--;
    }
    if (s->ring && s->ring_count == 0 && !s->out_head) {
        free(s->ring);
        s->ring = NULL;
        timer_stop(s);
    }
}

/* Room for one more transaction: untimed entries (Failure-Report partial,
 * only failures are answered) give way to new ones. */
static bool ring_room(msrp_session *s)
{
    if (s->ring_count < s->cfg.window)
        return true;
    msrp_txn *t = &s->ring[s->ring_head];
    if (t->timed)
        return false;
    t->tid[0] = '\0';
    ring_trim(s);
    return s->ring && s->ring_count < s->cfg.window;
}

static msrp_txn *ring_push(msrp_session *s)
{
    msrp_txn *t = &s->ring[(s->ring_head + s->ring_count) % s->cfg.window];
    s->ring_count++;
    return t;
}

size_t msrp_sender_find(const msrp_session *s, sp_str tid)
{
    if (tid.n != MSRP_TID_LEN || !s->ring)
        return (size_t)-1;
    uint32_t cap = s->cfg.window;
    /* Responses mostly come in order: the oldest entry first. */
    for (uint32_t i = 0; i < s->ring_count; i++) {
        size_t slot = (s->ring_head + i) % cap;
        if (memcmp(s->ring[slot].tid, tid.p, MSRP_TID_LEN) == 0)
            return slot;
    }
    return (size_t)-1;
}

/* One timer per session, not per transaction: it is due at the earliest
 * deadline, the oldest timed transaction's (entries go out in order) or a
 * success REPORT's, and finds what is late when it fires. */
static void arm_txn_timer(msrp_session *s)
{
    uint32_t cap = s->cfg.window;
    uint64_t due = UINT64_MAX;
    for (uint32_t i = 0; s->ring && i < s->ring_count; i++) {
        msrp_txn *t = &s->ring[(s->ring_head + i) % cap];
        if (t->tid[0] && t->timed) {
            due = t->sent + s->cfg.txn_timeout_ms;
            break;
        }
    }
    for (const msrp_out *o = s->out_head; o; o = o->next)
        if (o->acks_done && !o->over && o->report_due < due)
            due = o->report_due;
    timer_stop(s);
    if (due == UINT64_MAX)
        return;
    const msrp_env *env = &s->ep->env;
    uint64_t now = env->now_ms(env->ctx);
    s->timer = env->timer_start(env->ctx, due > now ? due - now : 0, s->id);
    s->timer_due = due;
}

/* A message whose success REPORT is late, or NULL. */
static msrp_out *report_late(const msrp_session *s, uint64_t now)
{
    for (msrp_out *o = s->out_head; o; o = o->next)
        if (o->acks_done && !o->over && o->report_due <= now)
            return o;
    return NULL;
}

/* §7.1.1: no 200 within the timeout of the last byte going out: the
 * request probably failed (handled as a 408, §10.4). */
static void txn_timer_fire(msrp_session *s)
{
    uint64_t now = msrp_endpoint_now(s->ep);
    uint32_t cap = s->cfg.window;
    for (uint32_t i = 0; s->ring && i < s->ring_count && msrp_session_live(s); i++) {
        size_t slot = (s->ring_head + i) % cap;
        msrp_txn *t = &s->ring[slot];
        if (t->tid[0] && t->timed && t->sent + s->cfg.txn_timeout_ms <= now)
            msrp_sender_on_response(s, slot, 408);
    }
    /* §7.1.1: the sender may time out a success report; the bytes were
     * acknowledged hop by hop, but delivery is not confirmed. */
    msrp_out *o;
    while (msrp_session_live(s) && (o = report_late(s, now)) != NULL)
        out_failed(s, o, 408, "no success report in time");
    if (msrp_session_live(s))
        arm_txn_timer(s);
}

void msrp_sender_on_response(msrp_session *s, size_t slot, unsigned status)
{
    msrp_txn *t = &s->ring[slot];
    msrp_out *o = t->m;
    bool timed = t->timed;
    uint64_t carried = t->end + 1 - t->start;
    t->tid[0] = '\0';
    t->m = NULL;
    if (o && timed)
        o->inflight--;
    if (status / 100 == 2) {
        if (o && timed) {
            o->acked += carried;
            out_check(s, o);
        }
    } else if (status == 481 || status == 506) {
        /* §10.8: no such session; §10.10: bound to another connection. */
        msrp_session_fail(s, status, status == 481 ? "no such session" : "session bound elsewhere");
        return;
    } else if (o) {
        if (status == 415)
            type_refuse(s, o->m.content_type);
        /* 400, 403, 408, 413 (stop sending the message, §10.5), 415, 501
         * and anything else unexpected: the message is not delivered. */
        out_failed(s, o, status, status == 408 ? "no response in time" : "refused by the peer");
    }
    if (!msrp_session_live(s))
        return;
    ring_trim(s);
    msrp_sender_pump_later(s);
}

/* Whether the success REPORTs so far, this one included, cover the message
 * from its first position sent: one REPORT without Byte-Range, one range
 * covering it, or the union of several (§7.1.2 lets the receiver report
 * parts, in any order and overlapping). A range with an unknown end ("*")
 * covers nothing. Past MSRP_RANGES_CAP disjoint pieces the rest is not
 * counted: the REPORT timeout then decides. */
static bool report_confirms(msrp_out *o, bool has_byte_range, const msrp_range *r)
{
    uint64_t first = o->m.first, last = o->m.size;
    if (!has_byte_range)
        return true;
    if (!r || r->end_star)
        return false; /* malformed, or an end not known */
    if (last < first || (r->start <= first && r->end >= last))
        return true;
    if (!o->reported) {
        if (!(o->reported = malloc(sizeof *o->reported)))
            return false;
        msrp_ranges_init(o->reported, MSRP_RANGES_CAP);
    }
    msrp_ranges_add(o->reported, r->start, r->end); /* refused past the cap: not counted */
    return msrp_ranges_contains(o->reported, first, last);
}

void msrp_sender_on_report(msrp_session *s, const msrp_head *h)
{
    sp_str mid = msrp_head_get(h, MSRP_H_MESSAGE_ID);
    msrp_status st;
    if (!mid.p || msrp_status_parse(msrp_head_get(h, MSRP_H_STATUS), &st, NULL) < 0 || st.ns != 0)
        return;
    msrp_out *o = s->out_head;
    while (o && (o->over || !sp_str_eq(o->m.message_id, mid)))
        o = o->next;
    if (!o)
        return; /* §7.1.1: a REPORT for an unknown Message-ID is ignored */
    msrp_event_info ev = {.type = MSRP_EV_REPORT, .msg = o->handle, .message_id = o->m.message_id,
                          .status = st.code, .reason = "REPORT"};
    msrp_range r;
    sp_str br = msrp_head_get(h, MSRP_H_BYTE_RANGE);
    bool ranged = br.p && msrp_range_parse(br, &r, NULL) == 0;
    if (ranged) {
        ev.range_start = r.start;
        ev.range_end = r.end_star ? 0 : r.end;
        ev.range_total = r.total_star ? 0 : r.total;
    }
    msrp_session_emit(s, &ev);
    if (!msrp_session_live(s))
        return;
    if (st.code != 200) {
        /* §7.3.2: a failure REPORT is handled like the response it names. */
        if (st.code == 415)
            type_refuse(s, o->m.content_type);
        out_failed(s, o, st.code, "failure report");
    } else if (o->m.success_report && !o->confirmed && report_confirms(o, br.p != NULL, ranged ? &r : NULL)) {
        o->confirmed = true;
        if (o->acks_done)
            out_finish(s, o, MSRP_EV_SENT, 200, "OK");
        /* else the last 200 finishes it (out_check) */
    }
    if (msrp_session_live(s)) {
        ring_trim(s);
        msrp_sender_pump_later(s);
    }
}

void msrp_sender_fail_all(msrp_session *s, unsigned status, const char *reason)
{
    msrp_out *o = s->out_head;
    while (o && !s->dying) {
        msrp_out *next = o->next;
        out_failed(s, o, status, reason);
        o = next;
    }
}

void msrp_endpoint_timer(msrp_endpoint *ep, uint64_t cookie)
{
    msrp_session *s = ep->sessions;
    while (s && s->id != cookie)
        s = s->ep_next;
    if (!s || !s->timer)
        return; /* a session gone, or a timer cancelled as it fired */
    msrp_endpoint_enter(ep);
    s->timer = 0;
    txn_timer_fire(s);
    msrp_endpoint_leave(ep);
}

static void on_pump(void *ctx) { msrp_sender_pump(ctx); }

void msrp_sender_pump_later(msrp_session *s) { msrp_defer_queue(s->ep, &s->pump); }

void msrp_sender_init(msrp_session *s) { msrp_defer_init(&s->pump, on_pump, s); }

void msrp_sender_free(msrp_session *s)
{
    while (s->out_head) {
        msrp_out *o = s->out_head;
        out_unlink(s, o);
        if (o->refs)
            o->s = NULL; /* freed when its last write is done */
        else
            out_free(o);
    }
    free(s->ring);
    s->ring = NULL;
    s->ring_count = 0;
    free(s->refused);
    s->refused = NULL;
    s->refused_len = 0;
    timer_stop(s);
    msrp_defer_cancel(&s->pump);
}

/* --- writing chunks ------------------------------------------------------- */

/* The messages whose content one write references: each is told its
 * outcome only once no write holds its memory any more. */
typedef struct write_refs {
    msrp_endpoint *ep;
    unsigned n;
    msrp_out *o[MSRP_TX_INTERLEAVE];
} write_refs;

typedef struct batch {
    msrp_conn *mc;
    size_t nseg, bytes, heads, stage;
    write_refs refs;
    bool failed;
    msrp_seg seg[MSRP_ENV_MAX_SEGS];
} batch;

static void release_ref(msrp_out *o)
{
    if (--o->refs)
        return;
    if (!o->s)
        out_free(o);
    else if (o->over)
        out_deliver(o->s, o);
}

static void on_write_done(void *ctx, int err)
{
    (void)err;
    write_refs *w = ctx;
    msrp_endpoint *ep = w->ep;
    msrp_endpoint_enter(ep);
    for (unsigned i = 0; i < w->n; i++)
        release_ref(w->o[i]);
    free(w);
    msrp_endpoint_leave(ep);
}

static void batch_flush(batch *b)
{
    write_refs *w = NULL;
    msrp_conn *mc = b->mc;
    const msrp_env *env = &mc->ep->env;
    if (b->nseg && !b->failed && b->refs.n && (w = malloc(sizeof *w)) != NULL) {
        *w = b->refs;
        w->ep = mc->ep;
    }
    if (b->nseg && !b->failed && (w || !b->refs.n)) {
        int rc = env->write(env->ctx, mc->handle, b->seg, b->nseg, w ? on_write_done : NULL, w);
        if (rc == 0)
            w = NULL, b->refs.n = 0; /* 'done' releases them */
        else
            b->failed = true;
    } else if (b->nseg) {
        b->failed = true;
    }
    if (b->failed) {
        /* Part of a frame may be queued: the stream is unusable. It is
         * closed after the dispatch, not under the sender's feet; the
         * messages' outcomes are told by the close. */
        mc->broken = true;
        msrp_defer_queue(mc->ep, &mc->flush);
    }
    free(w);
    for (unsigned i = 0; i < b->refs.n; i++)
        if (--b->refs.o[i]->refs == 0 && !b->refs.o[i]->s)
            out_free(b->refs.o[i]);
    b->refs.n = 0;
    b->nseg = b->bytes = b->heads = b->stage = 0;
}

/* The write being built references o's content. */
static void batch_ref(batch *b, msrp_out *o)
{
    for (unsigned i = 0; i < b->refs.n; i++)
        if (b->refs.o[i] == o)
            return;
    b->refs.o[b->refs.n++] = o;
    o->refs++; /* until the write's 'done' */
}

static void batch_add(batch *b, const void *p, size_t n, bool ref)
{
    b->bytes += n;
    if (!n)
        return;
    /* An end-line and the next chunk's head sit side by side in the head
     * room: one segment, so a write carries twice as many chunks. */
    msrp_seg *last = b->nseg ? &b->seg[b->nseg - 1] : NULL;
    if (!ref && last && !last->ref && (const char *)last->p + last->n == (const char *)p) {
        last->n += n;
        return;
    }
    b->seg[b->nseg++] = (msrp_seg){p, n, ref};
}

/* Reserves head room: flushes first when the batch is full. */
static char *batch_head_room(batch *b, size_t need_segs)
{
    if (b->nseg + need_segs > MSRP_ENV_MAX_SEGS || b->heads + MSRP_HEAD_ROOM > MSRP_CONN_HEADS ||
        b->bytes >= MSRP_BATCH_BYTES)
        batch_flush(b);
    return b->mc->heads + b->heads;
}

static void put_head(batch *b, const sp_buf *h)
{
    batch_add(b, h->p, h->len, false);
    b->heads += h->len;
}

/* The bodiless SEND an active endpoint starts with (RFC 4975 §5.4). */
static bool send_first(msrp_session *s, batch *b)
{
    char *mem = batch_head_room(b, 1);
    char tid[MSRP_TID_LEN], mid[MSRP_SESSION_ID_LEN + 1];
    msrp_conn_tid(s->conn, tid);
    if (sp_random_token(mid, MSRP_SESSION_ID_LEN, SP_RANDOM_ALNUM) != 0)
        return false;
    msrp_send send = {.to_path = sp_str_make(s->peer, s->peer_len),
                      .from_path = sp_str_make(s->local, s->local_len),
                      .message_id = sp_str_make(mid, MSRP_SESSION_ID_LEN),
                      .range = {.start = 1, .end = 0, .total = 0},
                      .failure_report = MSRP_REPORT_YES};
    sp_buf h;
    sp_buf_init(&h, mem, MSRP_HEAD_ROOM);
    sp_str t = sp_str_make(tid, MSRP_TID_LEN);
    msrp_build_send_head(&h, t, &send);
    msrp_build_end_line(&h, t, '$', false);
    if (sp_buf_finish(&h) < 0)
        return false;
    put_head(b, &h);
    msrp_txn *x = ring_push(s);
    *x = (msrp_txn){.m = NULL, .start = 1, .end = 0, .sent = msrp_endpoint_now(s->ep), .timed = true};
    memcpy(x->tid, tid, MSRP_TID_LEN);
    return true;
}

/* Whether a run of seven hyphens (the start of any end-line) may start
 * within the n bytes at position a of a memory message. The content is
 * searched ahead in large blocks, once, instead of chunk by chunk. */
static bool may_hold_hyphens(msrp_out *o, uint64_t a, size_t n)
{
    uint64_t last_start = a + n - 7; /* the last start that fits in the body */
    if (n < 7 || last_start < o->clear_to)
        return false;
    uint64_t from = a > o->clear_to ? a : o->clear_to;
    uint64_t len = o->m.size + 1 - from, want = n > MSRP_HYPHEN_SCAN ? n : MSRP_HYPHEN_SCAN;
    if (len > want)
        len = want; /* from <= a + n - 7, so this still covers the whole body */
    const char *base = (const char *)o->m.data + (from - 1);
    size_t hit = msrp_hyphens_find(base, (size_t)len);
    if (hit < len)
        o->clear_to = from + hit; /* a run starts there */
    else
        o->clear_to = from + len - 6; /* a run may start in the last six bytes */
    return o->clear_to <= last_start;
}

/* Reads [off, off + n) of a file message into the batch's stage. */
static const char *stage_read(batch *b, msrp_out *o, uint64_t pos, size_t n)
{
    msrp_conn *mc = b->mc;
    if (!mc->stage && !(mc->stage = malloc(MSRP_CONN_STAGE)))
        return NULL;
    char *dst = mc->stage + b->stage;
#if SP_HAVE_FILES
    for (size_t got = 0; got < n;) {
        ssize_t r = pread(o->m.fd, dst + got, n - got, (off_t)(o->m.offset + pos - 1 + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return NULL;
        got += (size_t)r;
    }
#else
    (void)dst, (void)o, (void)pos, (void)n;
    return NULL; /* no files here to send from */
#endif
    b->stage += n;
    return dst;
}

/* The head lines every chunk of o repeats (RFC 4975 §7.1.1: all chunks
 * of a message carry the same paths, Message-ID, report headers and
 * Content-Type), built at its first chunk; false when they do not fit. */
static bool out_template(const msrp_session *s, msrp_out *o)
{
    if (o->tmpl)
        return true;
    msrp_send send = {.to_path = sp_str_make(s->peer, s->peer_len),
                      .from_path = sp_str_make(s->local, s->local_len),
                      .message_id = o->m.message_id,
                      .success_report = o->m.success_report,
                      .failure_report = o->m.failure_report,
                      .extra = o->m.extra,
                      .nextra = o->m.nextra,
                      .content_type = o->m.content_type};
    char buf[MSRP_HEAD_ROOM];
    sp_buf b;
    sp_buf_init(&b, buf, sizeof buf);
    msrp_build_send_before_range(&b, &send);
    size_t before = b.len;
    /* The total closes the Byte-Range line of every chunk alike. */
    msrp_build_range_total(&b, &(msrp_range){.total = o->m.size});
    msrp_build_send_after_range(&b, &send);
    if (sp_buf_finish(&b) < 0 || !(o->tmpl = malloc(b.len)))
        return false;
    memcpy(o->tmpl, buf, b.len);
    o->tmpl_before = (uint16_t)before;
    o->tmpl_after = (uint16_t)(b.len - before);
    return true;
}

/* A chunk's head and its end-line, side by side at mem: only the tid and
 * the range are written anew. */
static void chunk_frame(sp_buf *h, sp_buf *e, char *mem, const msrp_out *o, sp_str tid, const msrp_range *r,
                        char flag)
{
    sp_buf_init(h, mem, MSRP_HEAD_ROOM);
    msrp_build_request_line(h, tid, SP_LIT("SEND"));
    sp_buf_put(h, sp_str_make(o->tmpl, o->tmpl_before));
    msrp_build_range_start(h, r);
    sp_buf_put(h, sp_str_make(o->tmpl + o->tmpl_before, o->tmpl_after));
    sp_buf_init(e, mem + h->len, MSRP_HEAD_ROOM - h->len);
    msrp_build_end_line(e, tid, flag, true);
}

/* One chunk of o: head, body (referenced memory or file pieces), end-line.
 * False when o is over (failed or aborted) and gone from the queue. */
static bool send_chunk(msrp_session *s, batch *b, msrp_out *o)
{
    uint64_t left = o->m.size - (o->pos - 1);
    size_t n = o->aborting ? 0 : (size_t)(left < s->cfg.chunk_size ? left : s->cfg.chunk_size);
    bool last = !o->aborting && n == left;
    char flag = o->aborting ? '#' : last ? '$' : '+';
    bool from_file = !o->m.data && n;

    if (b->refs.n == MSRP_TX_INTERLEAVE) {
        bool held = false;
        for (unsigned i = 0; i < b->refs.n; i++)
            held |= b->refs.o[i] == o;
        if (!held)
            batch_flush(b);
    }
    if (from_file && b->stage + (n < MSRP_CONN_STAGE ? n : MSRP_CONN_STAGE) > MSRP_CONN_STAGE)
        batch_flush(b);
    char *mem = batch_head_room(b, 3);
    if (!out_template(s, o)) {
        batch_flush(b);
        out_failed(s, o, 0, "chunk head too long");
        return false;
    }

    char tid[MSRP_TID_LEN];
    msrp_conn_tid(s->conn, tid);
    msrp_range range = {.start = o->pos, .end = o->pos + n - 1, .total = o->m.size,
                        .end_star = n > MSRP_FAIR_CHUNK || o->aborting};
    sp_buf h, e;
    sp_str t = sp_str_make(tid, MSRP_TID_LEN);
    chunk_frame(&h, &e, mem, o, t, &range, flag);
    if (sp_buf_finish(&h) < 0 || sp_buf_finish(&e) < 0) {
        batch_flush(b);
        out_failed(s, o, 0, "chunk head too long");
        return false;
    }
    uint64_t start = o->pos;

    if (!from_file) {
        /* §7.1: the body must not contain the end-line; a random tid makes
         * that all but impossible, and a new one is drawn when it does. */
        sp_str body = sp_str_make((const char *)o->m.data + (o->pos - 1), n);
        while (n && may_hold_hyphens(o, o->pos, n) && msrp_body_has_tid(body, t)) {
            msrp_conn_tid(s->conn, tid);
            chunk_frame(&h, &e, mem, o, t, &range, flag);
        }
        put_head(b, &h);
        batch_add(b, body.p, n, true);
        if (n)
            batch_ref(b, o);
        b->heads += e.len;
        batch_add(b, e.p, e.len, false);
    } else {
        size_t done = 0;
        bool ok = true;
        put_head(b, &h);
        b->heads += e.len; /* keep the end-line's bytes while the pieces go */
        while (done < n) {
            size_t piece = n - done;
            if (piece > MSRP_CONN_STAGE - b->stage)
                piece = MSRP_CONN_STAGE - b->stage;
            const char *p = stage_read(b, o, o->pos + done, piece);
            if (!p) {
                ok = false;
                break;
            }
            if (msrp_body_has_tid(sp_str_make(p, piece), t)) {
                ok = false; /* cannot redraw: the head is gone; abort this chunk */
                break;
            }
            batch_add(b, p, piece, false);
            done += piece;
            if (done < n) {
                size_t keep = b->heads;
                batch_flush(b);
                b->heads = keep; /* the end-line is still in the head room */
            }
        }
        if (!ok) {
            e.p[e.len - 3] = '#'; /* CRLF ------- tid # CRLF: abort the message */
            batch_add(b, e.p, e.len, false);
            batch_flush(b);
            out_failed(s, o, 0, "cannot read the content");
            return false;
        }
        batch_add(b, e.p, e.len, false);
    }

    o->pos += n;
    if (o->aborting) {
        o->written = true;
        batch_flush(b);
        out_failed(s, o, 0, "aborted");
        return false;
    }
    if (o->m.failure_report != MSRP_REPORT_NO) {
        msrp_txn *x = ring_push(s);
        *x = (msrp_txn){.m = o, .start = start, .end = start + n - 1, .sent = msrp_endpoint_now(s->ep),
                        .timed = o->m.failure_report == MSRP_REPORT_YES};
        memcpy(x->tid, tid, MSRP_TID_LEN);
        if (x->timed) {
            o->inflight++;
            if (!s->timer)
                arm_txn_timer(s);
        }
    }
    if (last)
        o->written = true;
    return true;
}

/* The next message with something to send. The first MSRP_TX_INTERLEAVE
 * messages of the queue take turns chunk by chunk (§7.1.1: fairness), so a
 * new message interrupts a long one, which resumes after it; the others
 * wait, so the receiver never holds more than that many partial messages
 * from us. */
static msrp_out *next_sendable(msrp_session *s)
{
    msrp_out *cand[MSRP_TX_INTERLEAVE];
    unsigned n = 0;
    for (msrp_out *o = s->out_head; o && n < MSRP_TX_INTERLEAVE; o = o->next)
        if (!o->written && !o->over)
            cand[n++] = o;
    return n ? cand[s->turn++ % n] : NULL;
}

static bool has_sendable(const msrp_session *s)
{
    for (const msrp_out *o = s->out_head; o; o = o->next)
        if (!o->written && !o->over)
            return true;
    return false;
}

void msrp_sender_pump(msrp_session *s)
{
    msrp_conn *mc = s->conn;
    if (!msrp_session_live(s) || !mc || !mc->open || !mc->handle || mc->broken || mc->ending)
        return;
    bool active_start = !s->first_sent && s->cfg.setup == MSRP_SETUP_ACTIVE;
    if (!active_start && s->state != MSRP_S_BOUND)
        return;
    if (!mc->heads && !(mc->heads = malloc(MSRP_CONN_HEADS)))
        return;
    if (!active_start && !has_sendable(s))
        return;
    if (!ring_alloc(s))
        return;
    batch b; /* the segments are filled as they come */
    b.mc = mc;
    b.nseg = b.bytes = b.heads = b.stage = 0;
    b.refs.n = 0;
    b.failed = false;
    if (active_start) {
        /* §5.4: the active end sends at once (bodiless when nothing waits);
         * that SEND binds the connection to the session for the peer. */
        s->first_sent = true;
        s->state = MSRP_S_BOUND;
        if (!has_sendable(s) && !send_first(s, &b)) {
            msrp_session_fail(s, 0, "no randomness");
            return;
        }
    }
    const msrp_env *env = &s->ep->env;
    while (msrp_session_live(s) && !b.failed && env->can_write(env->ctx, mc->handle) && ring_room(s)) {
        msrp_out *o = next_sendable(s);
        if (!o)
            break;
        if (!send_chunk(s, &b, o))
            continue;
        if (o->written)
            out_check(s, o); /* Failure-Report no: over once written */
    }
    if (!b.failed)
        batch_flush(&b);
    if (!msrp_session_live(s))
        return;
    ring_trim(s);
    if (active_start)
        msrp_session_emit(s, &(msrp_event_info){.type = MSRP_EV_BOUND});
}
