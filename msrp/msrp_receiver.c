/* msrp_receiver.c - incoming SEND chunks (RFC 4975 §7.3.1) reassembled
 * into sinks, their responses (§7.2) and REPORTs (§7.1.3, §7.1.4). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_session_impl.h"

static sp_str local_of(const msrp_session *s) { return sp_str_make(s->local, s->local_len); }

static void rx_unlink(msrp_session *s, msrp_rx *rx)
{
    for (msrp_rx **pp = &s->rx; *pp; pp = &(*pp)->next)
        if (*pp == rx) {
            *pp = rx->next;
            s->nrx--;
            break;
        }
    msrp_sink_close(&rx->sink);
    free(rx);
}

/* Forgets rx (and the frame's use of it). */
static void rx_drop(msrp_conn *mc, msrp_session *s, msrp_rx *rx)
{
    if (mc && mc->f.rx == rx) {
        mc->f.rx = NULL;
        mc->f.discard = true;
    }
    rx_unlink(s, rx);
}

/* A REPORT about rx (§7.1.3, §7.1.4): Byte-Range from 'start' to 'end' of
 * 'total' ("*" when unknown). */
static void send_report(msrp_conn *mc, msrp_session *s, const msrp_rx *rx, unsigned code, const char *comment,
                        uint64_t start, uint64_t end, uint64_t total)
{
    char buf[MSRP_PATH_MAX + MSRP_URI_MAX + 256];
    char tid[MSRP_TID_LEN];
    msrp_conn_tid(mc, tid);
    msrp_range r = {.start = start, .end = end, .total = total, .total_star = total == MSRP_UNKNOWN};
    sp_buf b;
    sp_buf_init(&b, buf, sizeof buf);
    /* §7.1.3: To-Path is the original From-Path; no relays, so the peer's path. */
    msrp_build_report(&b, sp_str_make(tid, MSRP_TID_LEN), sp_str_make(s->peer, s->peer_len), local_of(s),
                      sp_str_make(rx->mid, rx->mid_len), &r, code, sp_str_cstr(comment));
    long n = sp_buf_finish(&b);
    if (n > 0)
        msrp_conn_queue(mc, buf, (size_t)n);
}

/* The message failed: a failure REPORT, when the sender asked for failure
 * reports, names the whole message when its size is known (seed 000
 * §8.2.5.2: the REPORT refers to the entire push message), else the part
 * received (the first interval); then the application hears it was
 * discarded. */
static void rx_failed(msrp_conn *mc, msrp_session *s, msrp_rx *rx, unsigned status, const char *reason)
{
    const msrp_reassembly *ra = &rx->ra;
    uint64_t received = ra->ranges.received;
    if (mc && rx->failure_report != MSRP_REPORT_NO) {
        if (ra->total != MSRP_UNKNOWN)
            send_report(mc, s, rx, status, reason, 1, ra->total, ra->total);
        else if (ra->ranges.count)
            send_report(mc, s, rx, status, reason, ra->ranges.iv[0].start, ra->ranges.iv[0].end, ra->total);
    }
    char mid[MSRP_MESSAGE_ID_MAX];
    memcpy(mid, rx->mid, rx->mid_len);
    msrp_event_info ev = {.type = MSRP_EV_DISCARDED, .message_id = sp_str_make(mid, rx->mid_len),
                          .status = status, .reason = reason, .bytes = received};
    rx_drop(mc, s, rx);
    msrp_session_emit(s, &ev);
}

static void rx_complete(msrp_conn *mc, msrp_session *s, msrp_rx *rx)
{
    const msrp_reassembly *ra = &rx->ra;
    /* The last chunk's response goes before the REPORT. */
    msrp_conn_respond(mc, 200, "OK", local_of(s));
    mc->f.responded = true;
    memcpy(s->done_mid, rx->mid, rx->mid_len);
    s->done_mid_len = rx->mid_len;
    bool hashed = !rx->ra.expect.skip_sha1;
    unsigned refuse = 0;
    const char *why = NULL;
    msrp_event_info ev = {.type = MSRP_EV_RECEIVED,
                          .message_id = sp_str_make(rx->mid, rx->mid_len),
                          .status = 200,
                          .reason = "OK",
                          .bytes = ra->total,
                          .content_type = sp_str_make(rx->ctype, rx->ctype_len),
                          .sink = &rx->sink,
                          .sha1 = hashed ? rx->ra.sha1 : NULL,
                          .refuse = &refuse,
                          .refuse_reason = &why};
    msrp_session_emit(s, &ev);
    if (s->dying) { /* freed by the handler: rx went with it */
        if (mc->f.rx == rx) {
            mc->f.rx = NULL;
            mc->f.discard = true;
        }
        return;
    }
    /* The REPORT says what became of the message once the application has
     * had it (seed 000 §8.2.5.2): accepted, or refused about the whole. */
    if (refuse && rx->failure_report != MSRP_REPORT_NO)
        send_report(mc, s, rx, refuse, why ? why : "refused", 1, ra->total, ra->total);
    else if (!refuse && rx->success_report)
        send_report(mc, s, rx, 200, "OK", 1, ra->total, ra->total);
    rx_drop(mc, s, rx);
}

/* A failure of the current chunk: the error response now (§10.5: the
 * sender interrupts the chunk on a 413), the message discarded. */
static void chunk_failed(msrp_conn *mc, msrp_session *s, msrp_rx *rx, const sp_error *err)
{
    unsigned status = err->status ? (unsigned)err->status : 400;
    if (!mc->f.responded) {
        msrp_conn_respond(mc, status, err->reason, local_of(s));
        mc->f.responded = true;
    }
    mc->f.discard = true;
    rx_failed(mc, s, rx, status, err->reason);
}

/* Whether the accept list (SDP accept-types: "*", "type/ *", "type/sub")
 * admits a Content-Type (its parameters ignored). */
static bool type_accepted(const char *accept, sp_str ctype)
{
    size_t n = 0;
    while (n < ctype.n && ctype.p[n] != ';' && ctype.p[n] != ' ')
        n++;
    sp_str type = sp_str_make(ctype.p, n);
    const char *slash = memchr(type.p, '/', type.n);
    for (const char *p = accept; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        sp_str a = sp_str_make(p, (size_t)(e - p));
        if (a.n == 1 && a.p[0] == '*')
            return true;
        if (sp_str_caseeq(a, type))
            return true;
        if (slash && a.n >= 2 && a.p[a.n - 1] == '*' && a.p[a.n - 2] == '/' &&
            sp_str_caseeq(sp_str_make(a.p, a.n - 1), sp_str_make(type.p, (size_t)(slash - type.p) + 1)))
            return true;
        p = e;
    }
    return false;
}

static msrp_rx *rx_find(msrp_session *s, sp_str mid)
{
    for (msrp_rx *rx = s->rx; rx; rx = rx->next)
        if (sp_str_eq(sp_str_make(rx->mid, rx->mid_len), mid))
            return rx;
    return NULL;
}

static msrp_rx *rx_open(msrp_conn *mc, msrp_session *s, sp_str mid, sp_str ctype, sp_error *err)
{
    if (s->nrx >= MSRP_RX_MESSAGES_MAX) {
        sp_fail(err, SP_ELIMIT, 0, 413, "too many messages in progress");
        return NULL;
    }
    msrp_rx *rx = calloc(1, sizeof *rx);
    if (!rx) {
        sp_fail(err, SP_ELIMIT, 0, 413, "out of memory");
        return NULL;
    }
    memcpy(rx->mid, mid.p, mid.n);
    rx->mid_len = (uint8_t)mid.n;
    size_t cn = ctype.n < sizeof rx->ctype ? ctype.n : sizeof rx->ctype;
    memcpy(rx->ctype, ctype.p, cn);
    rx->ctype_len = (uint8_t)cn;
    const msrp_session_config *c = &s->cfg;
    bool resume = !c->rx_sink && c->rx_dir && c->rx_resume_temp && c->rx_resume_ranges;
    int rc;
    uint64_t cap = c->rx_limits.max_size ? c->rx_limits.max_size : MSRP_MAX_SIZE_DEFAULT;
    if (c->rx_discard) {
        rc = msrp_sink_null_open(&rx->sink);
    } else if (c->rx_sink) {
        msrp_sink_info info = {.name = c->rx_name, .content_type = sp_str_make(rx->ctype, cn), .max_size = cap};
        rc = msrp_sink_open(&rx->sink, c->rx_sink, c->rx_sink_ctx, &info);
    } else if (!c->rx_dir) {
        rc = msrp_sink_memory_open(&rx->sink, cap > SIZE_MAX ? SIZE_MAX : (size_t)cap);
    } else if (resume) {
        rc = msrp_sink_file_reopen(&rx->sink, c->rx_resume_temp, c->rx_dir, c->rx_name, MSRP_SINK_UNIQUE);
    } else {
        rc = msrp_sink_file_open(&rx->sink, c->rx_dir, c->rx_name, MSRP_SINK_UNIQUE); /* never another's file */
        if (rc == SP_OK && c->rx_head)
            rc = msrp_sink_file_strip_head(&rx->sink, c->rx_head, c->rx_head_ctx);
    }
    if (rc != SP_OK) {
        msrp_sink_close(&rx->sink);
        free(rx);
        sp_fail(err, SP_ELIMIT, 0, 413, "cannot store the message");
        return NULL;
    }
    msrp_reassembly_init(&rx->ra, &rx->sink, &c->rx_limits, &c->rx_expect);
    if (resume)
        msrp_reassembly_restore(&rx->ra, c->rx_resume_ranges);
    rx->next = s->rx;
    s->rx = rx;
    s->nrx++;
    (void)mc;
    return rx;
}

void msrp_receiver_on_send(msrp_conn *mc, msrp_session *s, const msrp_head *h)
{
    msrp_frame_state *f = &mc->f;
    sp_error err = {0};
    sp_str sr = msrp_head_get(h, MSRP_H_SUCCESS_REPORT);
    msrp_report srv = MSRP_REPORT_NO;
    if (sr.p && msrp_success_report_parse(sr, &srv, &err) < 0) {
        msrp_conn_respond(mc, 400, "bad Success-Report", local_of(s));
        f->responded = true;
        return;
    }
    f->success_report = srv == MSRP_REPORT_YES;
    if (!h->has_body)
        return; /* bodiless: traffic only (§7.1), answered at its end */
    sp_str mid = msrp_head_get(h, MSRP_H_MESSAGE_ID);
    sp_str br = msrp_head_get(h, MSRP_H_BYTE_RANGE);
    sp_str ctype = msrp_head_get(h, MSRP_H_CONTENT_TYPE);
    msrp_range r = {.start = 1, .end_star = true, .total_star = true}; /* §7.3.1: no Byte-Range */
    const char *bad = NULL;
    /* A Message-ID equal to one of a message in progress was checked when
     * that message began. */
    msrp_rx *rx = mid.p && mid.n <= MSRP_MESSAGE_ID_MAX ? rx_find(s, mid) : NULL;
    if (!rx && (!mid.p || mid.n > MSRP_MESSAGE_ID_MAX || !msrp_ident_valid(mid)))
        bad = "bad or missing Message-ID";
    else if (br.p && msrp_range_parse(br, &r, &err) < 0)
        bad = "bad Byte-Range";
    if (bad) {
        msrp_conn_respond(mc, 400, bad, local_of(s));
        f->responded = true;
        return;
    }
    if (!rx && sp_str_eq(mid, sp_str_make(s->done_mid, s->done_mid_len)))
        return; /* §5.4: a duplicate of a message delivered: acknowledged, not delivered again */
    if (!rx) {
        if (!type_accepted(s->accept, ctype)) {
            msrp_conn_respond(mc, 415, "Unsupported Media Type", local_of(s));
            f->responded = true;
            return;
        }
        rx = rx_open(mc, s, mid, ctype, &err);
        if (!rx) {
            msrp_conn_respond(mc, (unsigned)err.status, err.reason, local_of(s));
            f->responded = true;
            msrp_event_info ev = {.type = MSRP_EV_DISCARDED, .message_id = mid, .status = (unsigned)err.status,
                                  .reason = err.reason};
            msrp_session_emit(s, &ev);
            return;
        }
        rx->success_report = f->success_report;
        rx->failure_report = f->failure_report;
    }
    uint64_t end = r.end_star ? MSRP_UNKNOWN : r.end, total = r.total_star ? MSRP_UNKNOWN : r.total;
    int rc = msrp_reassembly_begin(&rx->ra, r.start, end, total, &err);
    if (rc < 0) {
        chunk_failed(mc, s, rx, &err);
        return;
    }
    f->rx = rx;
    f->pos = r.start;
    f->discard = false;
}

void msrp_receiver_on_body(msrp_conn *mc, sp_str body)
{
    msrp_frame_state *f = &mc->f;
    msrp_rx *rx = f->rx;
    if (!rx || !body.n)
        return;
    sp_error err;
    int rc = msrp_reassembly_write(&rx->ra, f->pos, body.p, body.n, &err);
    f->pos += body.n;
    if (rc < 0)
        chunk_failed(mc, f->s, rx, &err);
    /* MSRP_RX_COMPLETE: handed over at the end-line, after its response. */
}

void msrp_receiver_on_end(msrp_conn *mc, char flag)
{
    msrp_frame_state *f = &mc->f;
    msrp_session *s = f->s;
    msrp_rx *rx = f->rx;
    if (!rx) {
        if (!f->responded)
            msrp_conn_respond(mc, 200, "OK", local_of(s));
        return;
    }
    sp_error err;
    int rc = msrp_reassembly_end(&rx->ra, flag, &err);
    if (rc < 0) {
        chunk_failed(mc, s, rx, &err);
        return;
    }
    if (rx->ra.state == MSRP_RX_DONE) {
        rx_complete(mc, s, rx);
        return;
    }
    msrp_conn_respond(mc, 200, "OK", local_of(s));
    if (rc == MSRP_RX_ABORTED) {
        /* '#': the sender gave up; nothing of it is kept or reported. */
        char mid[MSRP_MESSAGE_ID_MAX];
        memcpy(mid, rx->mid, rx->mid_len);
        msrp_event_info ev = {.type = MSRP_EV_DISCARDED, .message_id = sp_str_make(mid, rx->mid_len),
                              .status = 0, .reason = "aborted by the sender", .bytes = rx->ra.ranges.received};
        rx_drop(mc, s, rx);
        msrp_session_emit(s, &ev);
    }
}

void msrp_receiver_drop_all(msrp_session *s)
{
    while (s->rx && !s->dying) {
        msrp_rx *rx = s->rx;
        s->rx = rx->next;
        s->nrx--;
        msrp_event_info ev = {.type = MSRP_EV_DISCARDED, .message_id = sp_str_make(rx->mid, rx->mid_len),
                              .status = 0, .reason = "connection lost", .bytes = rx->ra.ranges.received};
        /* RFC 5547 §8: a cut-off file may be kept for a resume. */
        if (s->cfg.rx_keep_partial && rx->sink.ops == &msrp_sink_file_ops &&
            msrp_reassembly_suspend(&rx->ra) == SP_OK) {
            ev.reason = "connection lost; partial file kept";
            ev.sink = &rx->sink;
            ev.received = &rx->ra.ranges;
        } else {
            msrp_reassembly_abort(&rx->ra);
        }
        msrp_session_emit(s, &ev);
        msrp_sink_close(&rx->sink);
        free(rx);
    }
}
