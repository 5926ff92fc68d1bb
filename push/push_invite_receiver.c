/* push_invite_receiver.c - the receiver's sessions (see push_invite_receiver.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "push_cpim.h"
#include "push_featuretags.h"
#include "push_invite_impl.h"
#include "push_invite_receiver.h"
#include "push_offer.h"
#include "push_session_timer.h"
#include "push_status.h"
#include "sdp_build.h"
#include "sdp_offer.h"
#include "sip_hdr.h"

#define RX_NAME_MAX 256
#define RX_TYPE_MAX 128
#define RX_SDP_MAX 4096
#define RX_HDRS_MAX 2048

typedef enum rx_state { RX_ANSWERING, RX_ACTIVE, RX_RECEIVED, RX_ENDED } rx_state;

typedef struct rx_stream {
    bool accepted, done, cpim;
    msrp_session *ms;
    char tid[PUSH_RX_TRANSFER_ID_MAX];
    char name[RX_NAME_MAX];
} rx_stream;

typedef struct push_rx_session {
    struct push_rx_session *next; /* c->rx_sessions */
    push_invite_rx *rx;
    uint64_t id;
    rx_state state;
    sip_txn_id st;                /* the INVITE's, until it is answered */
    sip_dialog *dialog;
    char tag[PUSH_TOKEN_MAX];
    char app[64], from[PUSH_URI_MAX];
    rx_stream streams[PUSH_OFFER_MAX_FILES];
    size_t nstreams, naccepted;
    bool media_started;
    char peer_path[PUSH_OFFER_MAX_FILES][MSRP_PATH_MAX];
    push_se se;
    push_tmr tmr;                 /* the answer delay, then the session timer */
    char *reply_hdrs, *reply_sdp; /* the 200 while it waits */
    size_t reply_hdrs_n, reply_sdp_n;
} push_rx_session;

typedef struct rx_seen {
    char tid[PUSH_RX_TRANSFER_ID_MAX];
    uint8_t sha1[SP_SHA1_LEN];
} rx_seen;

struct push_invite_rx {
    push_invite_ctx *c;
    push_invite_rx_config cfg;
    push_invite_rx_cb cb;
    char accept[MSRP_ACCEPT_MAX];
    char apps[PUSH_RX_MAX_APPS][64];
    sdp_caps caps;
    size_t nsessions;
    rx_seen seen[PUSH_RX_SEEN_MAX];
    size_t nseen, seen_next;
};

static const char *state_name(rx_state s)
{
    switch (s) {
    case RX_ANSWERING: return "answering";
    case RX_ACTIVE: return "active";
    case RX_RECEIVED: return "received";
    case RX_ENDED: return "ended";
    }
    return "?";
}

static void set_state(push_rx_session *s, rx_state to, const char *event)
{
    push_logf(&s->rx->c->env, "push receiver session %llu: %s -> %s (%s)", (unsigned long long)s->id,
              state_name(s->state), state_name(to), event);
    s->state = to;
}

static void reject(push_invite_rx *rx, sip_txn_id st, unsigned status, const char *reason, sp_str hdrs)
{
    sip_txn_reply rep = {.status = status, .headers = hdrs};
    sip_txn_respond(rx->c->sip, st, &rep);
    if (rx->cb.rejected)
        rx->cb.rejected(rx->cb.ctx, status, reason);
}

/* Frees a session: its MSRP sessions (partial content is discarded by them),
 * its dialog and timer. */
static void session_end(push_rx_session *s, const char *why)
{
    push_invite_rx *rx = s->rx;
    set_state(s, RX_ENDED, why);
    for (push_rx_session **pp = &rx->c->rx_sessions; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    rx->nsessions--;
    push_tmr_stop(&rx->c->env, &s->tmr);
    for (size_t i = 0; i < s->nstreams; i++)
        if (s->streams[i].ms)
            msrp_session_free(s->streams[i].ms);
    sip_dialog_free(s->dialog);
    free(s->reply_hdrs);
    free(s->reply_sdp);
    free(s);
    if (rx->cb.ended)
        rx->cb.ended(rx->cb.ctx, why);
}

/* BYE (fire and forget: the session is released at once) then the end. */
static void hang_up(push_rx_session *s, const char *why)
{
    if (s->dialog) {
        sip_txn_id ct;
        push_dialog_send(s->rx->c, s->dialog, "BYE", 0, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL, NULL, NULL, &ct);
    }
    session_end(s, why);
}

static push_rx_session *session_by_id(push_invite_ctx *c, uint64_t id)
{
    for (push_rx_session *s = c->rx_sessions; s; s = s->next)
        if (s->id == id)
            return s;
    return NULL;
}

/* --- delivery ----------------------------------------------------------------- */

static bool seen_before(push_invite_rx *rx, const char *tid, const uint8_t *sha1)
{
    for (size_t i = 0; i < rx->nseen; i++)
        if (!strcmp(rx->seen[i].tid, tid) && (!sha1 || !memcmp(rx->seen[i].sha1, sha1, SP_SHA1_LEN)))
            return true;
    return false;
}

static void remember(push_invite_rx *rx, const char *tid, const uint8_t *sha1)
{
    rx_seen *e = &rx->seen[rx->seen_next];
    snprintf(e->tid, sizeof e->tid, "%s", tid);
    if (sha1)
        memcpy(e->sha1, sha1, SP_SHA1_LEN);
    rx->seen_next = (rx->seen_next + 1) % PUSH_RX_SEEN_MAX;
    if (rx->nseen < PUSH_RX_SEEN_MAX)
        rx->nseen++;
}

/* RFC 3862: the content inside the envelope, stored like any other.
 * 0, or the MSRP status refusing the message: 400 for an envelope that
 * does not open (RFC 4975 §10.2), 413 for content that cannot be kept. */
static unsigned unwrap(push_rx_session *s, rx_stream *t, const msrp_event_info *ev, push_invite_delivery *d,
                       msrp_sink *out, uint8_t sha1[SP_SHA1_LEN])
{
    size_t len;
    const uint8_t *data = msrp_sink_data(ev->sink, &len);
    push_cpim_header hdrs[PUSH_CPIM_DEFAULT_MAX_HEADERS];
    push_cpim m = {.headers = hdrs, .max_headers = PUSH_CPIM_DEFAULT_MAX_HEADERS};
    sp_error err;
    if (!data || push_cpim_parse((const char *)data, len, &m, &err) < 0)
        return 400;
    d->content_type = m.content_type;
    d->size = m.body.n;
    sp_sha1(m.body.p, m.body.n, sha1);
    d->sha1 = sha1;
    d->data = (const uint8_t *)m.body.p;
    if (!s->rx->cfg.out_dir)
        return 0;
    if (msrp_sink_file_open(out, s->rx->cfg.out_dir, sp_str_cstr(t->name), 0) != SP_OK ||
        msrp_sink_write(out, 0, m.body.p, m.body.n) != SP_OK || msrp_sink_commit(out, m.body.n) != SP_OK) {
        msrp_sink_close(out);
        return 413;
    }
    d->file = msrp_sink_path(out);
    d->data = NULL;
    return 0;
}

/* A complete message: opened, stored, accepted (or refused, the REPORT
 * then says so), and handed to the application once. */
static void on_received(push_rx_session *s, rx_stream *t, const msrp_event_info *ev)
{
    push_invite_rx *rx = s->rx;
    uint8_t sha1[SP_SHA1_LEN];
    msrp_sink inner = {0};
    push_invite_delivery d = {.app = s->app[0] ? sp_str_cstr(s->app) : SP_STR_NULL, .from = sp_str_cstr(s->from),
                              .content_type = ev->content_type, .transfer_id = sp_str_cstr(t->tid),
                              .size = ev->bytes, .sha1 = ev->sha1, .file = msrp_sink_path(ev->sink)};
    if (!d.file) {
        size_t len;
        d.data = msrp_sink_data(ev->sink, &len);
    }
    unsigned refuse = t->cpim ? unwrap(s, t, ev, &d, &inner, sha1) : 0;
    const char *why = refuse == 400 ? "CPIM envelope does not open" : "content could not be stored";
    t->done = true;
    if (!refuse && d.sha1) {
        d.duplicate = seen_before(rx, t->tid, d.sha1);
        if (!d.duplicate && rx->cb.accept && (refuse = rx->cb.accept(rx->cb.ctx, &d)) != 0) {
            why = "refused by the application";
            if (refuse < 400 || refuse > 599)
                refuse = 400; /* not a refusal MSRP can carry */
        }
    }
    if (refuse) {
        if (d.file)
            unlink(d.file); /* not accepted: not kept */
        *ev->refuse = refuse;
        *ev->refuse_reason = why;
        push_logf(&rx->c->env, "push receiver session %llu: content refused: %u %s", (unsigned long long)s->id,
                  refuse, why);
        if (rx->cb.rejected)
            rx->cb.rejected(rx->cb.ctx, refuse, why);
    } else if (d.sha1) {
        if (d.duplicate && d.file)
            unlink(d.file); /* delivered before: the copy is not kept */
        if (!d.duplicate)
            remember(rx, t->tid, d.sha1);
        if (rx->cb.delivered)
            rx->cb.delivered(rx->cb.ctx, &d);
    }
    msrp_sink_close(&inner);
}

static void on_msrp(void *ctx, msrp_session *ms, const msrp_event_info *ev)
{
    push_rx_session *s = ctx;
    rx_stream *t = NULL;
    for (size_t i = 0; i < s->nstreams; i++)
        if (s->streams[i].ms == ms)
            t = &s->streams[i];
    if (!t)
        return;
    switch (ev->type) {
    case MSRP_EV_RECEIVED: {
        on_received(s, t, ev);
        size_t done = 0;
        for (size_t i = 0; i < s->nstreams; i++)
            done += s->streams[i].accepted && s->streams[i].done;
        if (done == s->naccepted && s->state == RX_ACTIVE)
            set_state(s, RX_RECEIVED, "content received"); /* the sender's BYE ends it */
        return;
    }
    case MSRP_EV_CLOSED:
        /* the sender vanished: what was partial has been discarded */
        push_logf(&s->rx->c->env, "push receiver session %llu: MSRP closed: %u %s", (unsigned long long)s->id,
                  ev->status, ev->reason ? ev->reason : "");
        if (s->state == RX_ACTIVE)
            hang_up(s, "MSRP connection lost");
        return;
    default:
        return;
    }
}

/* --- answering ----------------------------------------------------------------- */

static bool serves(const push_invite_rx *rx, sp_str app)
{
    if (!rx->cfg.napps)
        return true;
    for (size_t i = 0; i < rx->cfg.napps; i++)
        if (sp_str_eq(sp_str_cstr(rx->apps[i]), app))
            return true;
    return false;
}

/* The application named by the Accept-Contact (seed 000 §8.2.5.2). */
static sp_str named_app(const sip_msg *req)
{
    for (const sip_header *h = sip_msg_find(req, SIP_H_ACCEPT_CONTACT); h; h = sip_msg_find_next(req, h)) {
        sp_str rest = h->value, item, v;
        while (sip_list_next(&rest, &item)) {
            sip_ac_value ac;
            sp_error err;
            if (sip_ac_value_parse(item, &ac, &err) == 0 && sip_feature_find(ac.params, PUSH_FTAG_APP, &v))
                return v;
        }
    }
    return SP_STR_NULL;
}

static void expect_from(const sdp_stream *st, msrp_expect *e)
{
    *e = (msrp_expect){0};
    if (st->selector.has_size) {
        e->has_size = true;
        e->size = st->selector.size;
    }
    if (st->selector.hash_algorithm.p && sp_str_caseeq_cstr(st->selector.hash_algorithm, "sha-1") &&
        sdp_hash_decode(st->selector.hash_value, e->sha1, SP_SHA1_LEN) == SP_SHA1_LEN)
        e->has_sha1 = true;
}

static int open_stream(push_rx_session *s, size_t i, const sdp_stream *st)
{
    push_invite_rx *rx = s->rx;
    rx_stream *t = &s->streams[i];
    snprintf(t->tid, sizeof t->tid, "%.*s", (int)st->file_transfer_id.n,
             st->file_transfer_id.p ? st->file_transfer_id.p : "");
    t->cpim = st->selector.type.p && sp_str_caseeq_cstr(st->selector.type, "message/cpim");
    /* the transfer id keeps names of different pushes apart */
    char name[RX_NAME_MAX / 2];
    long n = st->selector.name.p ? sdp_file_name_decode(st->selector.name, name, sizeof name - 1) : -1;
    if (n < 0)
        n = 0;
    name[n] = '\0';
    snprintf(t->name, sizeof t->name, "%.24s-%s", t->tid[0] ? t->tid : "push", n ? name : "content");
    if (!st->path.p || st->path.n >= sizeof s->peer_path[i])
        return SP_EINVAL; /* nowhere to connect: the stream is refused */
    memcpy(s->peer_path[i], st->path.p, st->path.n);
    s->peer_path[i][st->path.n] = '\0';
    msrp_session_config mc;
    msrp_session_config_default(&mc);
    mc.local_host = rx->c->msrp_host;
    mc.local_port = 9; /* RFC 6135 §4.2.2: an active end's port is 9 */
    mc.setup = MSRP_SETUP_ACTIVE;
    mc.rx_dir = t->cpim ? NULL : rx->cfg.out_dir; /* an envelope is opened in memory */
    mc.rx_name = sp_str_cstr(t->name);
    mc.accept = rx->accept;
    mc.rx_limits.max_size = rx->cfg.max_size;
    expect_from(st, &mc.rx_expect);
    mc.on_event = on_msrp;
    mc.ctx = s;
    return msrp_session_new(rx->c->msrp, &mc, &t->ms);
}

/* The active end connects once the sender has taken the answer: on the
 * ACK (RFC 3261 §13.3.1.4), so that a reused connection never carries our
 * first SEND before the sender knows our path. */
static void start_media(push_rx_session *s)
{
    s->media_started = true;
    for (size_t i = 0; i < s->nstreams; i++) {
        rx_stream *t = &s->streams[i];
        if (t->ms && (msrp_session_set_peer(t->ms, sp_str_cstr(s->peer_path[i])) != 0 || msrp_session_start(t->ms) != 0)) {
            hang_up(s, "MSRP could not start");
            return;
        }
    }
}

static void send_200(push_rx_session *s, const char *event)
{
    push_invite_rx *rx = s->rx;
    sip_txn_reply rep = {.status = 200, .to_tag = sp_str_cstr(s->tag),
                         .headers = sp_str_make(s->reply_hdrs, s->reply_hdrs_n),
                         .content_type = SP_LIT("application/sdp"),
                         .body = sp_str_make(s->reply_sdp, s->reply_sdp_n)};
    if (sip_txn_respond(rx->c->sip, s->st, &rep) != 0) {
        session_end(s, "200 could not be sent");
        return;
    }
    s->st = 0;
    set_state(s, RX_ACTIVE, event);
    uint64_t due = push_se_due_ms(&s->se);
    if (due)
        push_tmr_start(&rx->c->env, &s->tmr, due, push_cookie(PUSH_TMR_INVITE_RX, s->id));
}

/* Answers every stream; the 200's SDP and headers into the session.
 * Returns the SIP status to refuse with, or 0. */
static unsigned build_answer(push_rx_session *s, const sip_msg *req, const sdp_desc *offer, const push_se_answer *se,
                             const char **why)
{
    push_invite_rx *rx = s->rx;
    sdp_verdict v[PUSH_OFFER_MAX_FILES];
    sdp_stream ans[PUSH_OFFER_MAX_FILES];
    s->nstreams = offer->nstreams;
    for (size_t i = 0; i < offer->nstreams; i++) {
        v[i] = sdp_offer_judge(&offer->streams[i], &rx->caps);
        if (v[i] == SDP_ACCEPT && open_stream(s, i, &offer->streams[i]) != 0)
            v[i] = SDP_REFUSE_MEDIA;
        s->streams[i].accepted = v[i] == SDP_ACCEPT;
        s->naccepted += s->streams[i].accepted;
        sp_str path = s->streams[i].ms ? msrp_session_local_uri(s->streams[i].ms) : SP_STR_NULL;
        sdp_answer_stream(&offer->streams[i], &rx->caps, v[i], 9, path, &ans[i]);
    }
    if (!s->naccepted) {
        /* seed 002 §7.3.1.1 item 1; RFC 5547 §8.2 for a lone stream too large */
        *why = sdp_verdict_reason(v[0]);
        return 488;
    }
    char sid[24];
    snprintf(sid, sizeof sid, "%llu", (unsigned long long)(s->id + 2890844526ull));
    sp_str host = sp_str_cstr(rx->c->msrp_host);
    sp_str at = strchr(rx->c->msrp_host, ':') ? SP_LIT("IP6") : SP_LIT("IP4");
    sdp_desc d = {.origin = {.username = SP_LIT("sippush"), .sess_id = sp_str_cstr(sid),
                             .sess_version = sp_str_cstr(sid), .nettype = SP_LIT("IN"), .addrtype = at,
                             .address = host},
                  .conn = {.nettype = SP_LIT("IN"), .addrtype = at, .address = host},
                  .streams = ans,
                  .nstreams = offer->nstreams};
    s->reply_sdp = malloc(RX_SDP_MAX);
    s->reply_hdrs = malloc(RX_HDRS_MAX);
    if (!s->reply_sdp || !s->reply_hdrs)
        return 500;
    long n = sdp_build(&d, s->reply_sdp, RX_SDP_MAX);
    if (n < 0)
        return 500;
    s->reply_sdp_n = (size_t)n;
    char contact[PUSH_URI_MAX], seh[PUSH_SE_HEADERS_MAX];
    push_invite_contact(rx->c, contact, sizeof contact);
    if (push_se_answer_headers(se, seh, sizeof seh) < 0)
        return 500;
    int hn = snprintf(s->reply_hdrs, RX_HDRS_MAX, "Contact: %s\r\nAllow: %s\r\nSupported: timer\r\n%s", contact,
                      PUSH_INVITE_ALLOW, seh);
    if (hn < 0 || hn >= RX_HDRS_MAX)
        return 500;
    /* RFC 3261 §12.1.1: the 2xx carries the Record-Route of the request, in order */
    for (const sip_header *h = sip_msg_find(req, SIP_H_RECORD_ROUTE); h; h = sip_msg_find_next(req, h)) {
        int rn = snprintf(s->reply_hdrs + hn, RX_HDRS_MAX - (size_t)hn, "Record-Route: %.*s\r\n", (int)h->value.n,
                         h->value.p);
        if (rn < 0 || rn >= RX_HDRS_MAX - hn)
            return 500;
        hn += rn;
    }
    s->reply_hdrs_n = (size_t)hn;
    return sip_dialog_uas_new(&s->dialog, req, sp_str_cstr(s->tag), sp_str_cstr(contact), false, false) == 0 ? 0
                                                                                                               : 400;
}

static void on_invite(push_invite_rx *rx, sip_txn_id st, const sip_msg *req)
{
    size_t max = rx->cfg.max_sessions ? rx->cfg.max_sessions : PUSH_RX_SESSIONS_DEFAULT;
    if (rx->nsessions >= max) {
        reject(rx, st, 503, "too many push sessions", SP_LIT("Retry-After: 30\r\n"));
        return;
    }
    sp_str app = named_app(req);
    if (app.p ? !serves(rx, app) : false) {
        reject(rx, st, PUSH_STATUS_UNKNOWN_APP, "application not served here", SP_STR_NULL);
        return;
    }
    push_se_answer se;
    push_se_uas_answer(req, rx->cfg.min_se_s, rx->cfg.session_expires_s, &se);
    if (se.status) {
        char h[PUSH_SE_HEADERS_MAX];
        int hn = push_se_answer_headers(&se, h, sizeof h);
        reject(rx, st, se.status, se.status == 422 ? "session interval too small" : "bad session timer headers",
               hn > 0 ? sp_str_make(h, (size_t)hn) : SP_STR_NULL);
        return;
    }
    sp_str ctype = push_hdr(req, SIP_H_CONTENT_TYPE);
    sip_media_type mt;
    sp_error err;
    if (!ctype.p || sip_media_type_parse(ctype, &mt, &err) || !sp_str_caseeq_cstr(mt.type, "application") ||
        !sp_str_caseeq_cstr(mt.subtype, "sdp")) {
        reject(rx, st, 415, "the offer is not SDP", SP_LIT("Accept: application/sdp\r\n"));
        return;
    }
    sdp_session sess;
    sdp_media media[SDP_DEFAULT_MAX_MEDIA];
    sdp_attr attrs[SDP_DEFAULT_MAX_ATTRS];
    sdp_stream streams[PUSH_OFFER_MAX_FILES];
    sdp_desc offer;
    int rc = sdp_parse(req->body.p, req->body.n, &sess, media, SDP_DEFAULT_MAX_MEDIA, attrs, SDP_DEFAULT_MAX_ATTRS,
                       NULL, &err);
    if (rc >= 0)
        rc = sdp_desc_read(&sess, streams, PUSH_OFFER_MAX_FILES, &offer, &err);
    if (rc < 0) {
        reject(rx, st, err.status == 488 ? 488 : 400, err.reason, SP_STR_NULL);
        return;
    }
    push_rx_session *s = calloc(1, sizeof *s);
    if (!s) {
        reject(rx, st, 500, "out of memory", SP_STR_NULL);
        return;
    }
    s->rx = rx;
    s->id = ++rx->c->next_id;
    s->st = st;
    s->se = se.se;
    if (!push_token(s->tag, 12)) {
        free(s);
        reject(rx, st, 500, "no randomness for a tag", SP_STR_NULL);
        return;
    }
    if (app.p)
        snprintf(s->app, sizeof s->app, "%.*s", (int)(app.n < sizeof s->app ? app.n : 0), app.p);
    sp_str who = push_addr_uri(push_hdr(req, SIP_H_P_ASSERTED_IDENTITY));
    if (!who.p)
        who = push_addr_uri(push_hdr(req, SIP_H_FROM));
    if (who.p && who.n < sizeof s->from)
        snprintf(s->from, sizeof s->from, "%.*s", (int)who.n, who.p);
    s->next = rx->c->rx_sessions;
    rx->c->rx_sessions = s;
    rx->nsessions++;
    const char *why = "refused";
    unsigned status = build_answer(s, req, &offer, &se, &why);
    if (status) {
        reject(rx, st, status, why, SP_STR_NULL);
        s->st = 0;
        session_end(s, "refused");
        return;
    }
    if (rx->cfg.answer_delay_ms) {
        sip_txn_reply ringing = {.status = 180, .to_tag = sp_str_cstr(s->tag)};
        sip_txn_respond(rx->c->sip, st, &ringing);
        push_tmr_start(&rx->c->env, &s->tmr, rx->cfg.answer_delay_ms, push_cookie(PUSH_TMR_INVITE_RX, s->id));
        return;
    }
    send_200(s, "offer accepted");
}

/* --- requests in a session ---------------------------------------------------- */

static push_rx_session *session_of(push_invite_rx *rx, const sip_msg *req, sp_str to_tag)
{
    sip_addr from;
    sp_error err;
    sp_str callid = push_hdr(req, SIP_H_CALL_ID);
    if (!callid.p || sip_addr_parse(push_hdr(req, SIP_H_FROM), &from, &err))
        return NULL;
    for (push_rx_session *s = rx->c->rx_sessions; s; s = s->next)
        if (s->rx == rx && s->dialog && sp_str_eq(s->dialog->call_id, callid) &&
            sp_str_eq(s->dialog->local_tag, to_tag) && sp_str_eq(s->dialog->remote_tag, from.tag))
            return s;
    return NULL;
}

static void on_refresh(push_rx_session *s, sip_txn_id st, const sip_msg *req)
{
    push_invite_rx *rx = s->rx;
    push_se_answer se;
    push_se_uas_answer(req, rx->cfg.min_se_s, s->se.interval_s, &se);
    char h[PUSH_SE_HEADERS_MAX + 64];
    int hn = push_se_answer_headers(&se, h, sizeof h);
    if (se.status || hn < 0) {
        sip_txn_reply rep = {.status = se.status ? se.status : 500,
                             .headers = hn > 0 ? sp_str_make(h, (size_t)hn) : SP_STR_NULL};
        sip_txn_respond(rx->c->sip, st, &rep);
        return;
    }
    sip_txn_reply rep = {.status = 200, .headers = sp_str_make(h, (size_t)hn)};
    char sdp[RX_SDP_MAX];
    if (sp_str_eq(req->method, SP_LIT("INVITE")) && req->body.n) {
        /* a re-INVITE drops finished streams with port 0 (seed 002 §7.3.2.3) */
        sdp_session sess;
        sdp_media media[SDP_DEFAULT_MAX_MEDIA];
        sdp_attr attrs[SDP_DEFAULT_MAX_ATTRS];
        sdp_stream off[PUSH_OFFER_MAX_FILES], ans[PUSH_OFFER_MAX_FILES];
        sdp_desc offer;
        sp_error err;
        if (sdp_parse(req->body.p, req->body.n, &sess, media, SDP_DEFAULT_MAX_MEDIA, attrs, SDP_DEFAULT_MAX_ATTRS,
                      NULL, &err) < 0 ||
            sdp_desc_read(&sess, off, PUSH_OFFER_MAX_FILES, &offer, &err) != 0 || offer.nstreams != s->nstreams) {
            sip_txn_reply bad = {.status = 488};
            sip_txn_respond(rx->c->sip, st, &bad);
            return;
        }
        for (size_t i = 0; i < offer.nstreams; i++) {
            rx_stream *t = &s->streams[i];
            bool keep = off[i].port != 0 && t->accepted;
            if (!keep && t->ms) {
                msrp_session_free(t->ms);
                t->ms = NULL;
            }
            sdp_answer_stream(&off[i], &rx->caps, keep ? SDP_ACCEPT : SDP_REFUSE_PORT, 9,
                              t->ms ? msrp_session_local_uri(t->ms) : SP_STR_NULL, &ans[i]);
        }
        offer.streams = ans;
        offer.origin.username = SP_LIT("sippush");
        long n = sdp_build(&offer, sdp, sizeof sdp);
        if (n > 0) {
            rep.content_type = SP_LIT("application/sdp");
            rep.body = sp_str_make(sdp, (size_t)n);
        }
    }
    sip_txn_respond(rx->c->sip, st, &rep);
    s->se = se.se;
    uint64_t due = push_se_due_ms(&s->se);
    if (due)
        push_tmr_start(&rx->c->env, &s->tmr, due, push_cookie(PUSH_TMR_INVITE_RX, s->id));
}

bool push_invite_rx_route(push_invite_rx *rx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)src;
    sip_addr to;
    sp_error err;
    if (sip_addr_parse(push_hdr(req, SIP_H_TO), &to, &err))
        return false;
    if (!to.tag.p) {
        if (!sp_str_eq(req->method, SP_LIT("INVITE")))
            return false;
        on_invite(rx, st, req);
        return true;
    }
    push_rx_session *s = session_of(rx, req, to.tag);
    if (!s)
        return false;
    if (sp_str_eq(req->method, SP_LIT("ACK"))) {
        if (s->state == RX_ACTIVE && !s->media_started)
            start_media(s);
        return true;
    }
    unsigned bad = sip_dialog_on_request(s->dialog, req);
    if (bad) {
        sip_txn_reply rep = {.status = bad};
        sip_txn_respond(rx->c->sip, st, &rep);
        return true;
    }
    if (sp_str_eq(req->method, SP_LIT("BYE"))) {
        /* seed 002 §7.3.1.2: 200, then every resource of the session goes */
        sip_txn_reply ok = {.status = 200};
        sip_txn_respond(rx->c->sip, st, &ok);
        session_end(s, "BYE");
        return true;
    }
    if (sp_str_eq(req->method, SP_LIT("UPDATE")) || sp_str_eq(req->method, SP_LIT("INVITE"))) {
        on_refresh(s, st, req);
        return true;
    }
    sip_txn_reply no = {.status = 405, .headers = SP_LIT("Allow: " PUSH_INVITE_ALLOW "\r\n")};
    sip_txn_respond(rx->c->sip, st, &no);
    return true;
}

void push_invite_rx_server_end(push_invite_rx *rx, sip_txn_id st, sip_txn_end why)
{
    for (push_rx_session *s = rx->c->rx_sessions; s; s = s->next) {
        if (s->rx != rx || s->st != st)
            continue;
        /* §9.2: the layer answered the CANCEL and the INVITE's 487 */
        if (rx->cb.rejected && why == SIP_TXN_END_CANCELLED)
            rx->cb.rejected(rx->cb.ctx, 487, "cancelled by the sender");
        session_end(s, why == SIP_TXN_END_CANCELLED ? "CANCEL" : "INVITE transaction ended");
        return;
    }
}

void push_rx_timer(push_invite_ctx *c, uint64_t id)
{
    push_rx_session *s = session_by_id(c, id);
    if (!s)
        return;
    s->tmr.handle = 0;
    if (s->state == RX_ANSWERING) {
        send_200(s, "answer delay over");
        return;
    }
    if (s->se.local_refresh) {
        char h[PUSH_SE_HEADERS_MAX];
        int hn = push_se_request_headers(s->se.interval_s, 0, h, sizeof h);
        sip_txn_id ct;
        /* refresher=uas: an UPDATE refreshes (RFC 4028 §7.1, through RFC 3311) */
        if (hn > 0 && push_dialog_send(c, s->dialog, "UPDATE", 0, sp_str_make(h, (size_t)hn), SP_STR_NULL,
                                       SP_STR_NULL, NULL, NULL, &ct) == 0) {
            push_tmr_start(&c->env, &s->tmr, push_se_due_ms(&s->se), push_cookie(PUSH_TMR_INVITE_RX, s->id));
            return;
        }
    }
    hang_up(s, "session timer ran out"); /* RFC 4028 §10 */
}

/* --- life cycle ---------------------------------------------------------------- */

push_invite_rx *push_invite_rx_new(push_invite_ctx *c, const push_invite_rx_config *cfg, const push_invite_rx_cb *cb)
{
    push_invite_rx *rx = calloc(1, sizeof *rx);
    if (!rx)
        return NULL;
    rx->c = c;
    rx->cfg = *cfg;
    if (cb)
        rx->cb = *cb;
    sp_str acc = cfg->accept_types.p ? cfg->accept_types : SP_LIT("message/cpim *");
    sp_error err;
    if (acc.n >= sizeof rx->accept || cfg->napps > PUSH_RX_MAX_APPS ||
        sdp_caps_init(&rx->caps, acc, SP_STR_NULL, cfg->max_size, &err) != 0) {
        free(rx);
        return NULL;
    }
    memcpy(rx->accept, acc.p, acc.n);
    rx->accept[acc.n] = '\0';
    /* caps point at the copy, which lives as long as rx */
    sdp_caps_init(&rx->caps, sp_str_cstr(rx->accept), SP_STR_NULL, cfg->max_size, &err);
    for (size_t i = 0; i < cfg->napps; i++) {
        if (cfg->apps[i].n >= sizeof rx->apps[i]) {
            free(rx);
            return NULL;
        }
        memcpy(rx->apps[i], cfg->apps[i].p, cfg->apps[i].n);
        rx->apps[i][cfg->apps[i].n] = '\0';
    }
    rx->cfg.apps = NULL;
    rx->cfg.accept_types = SP_STR_NULL;
    return rx;
}

void push_invite_rx_free(push_invite_rx *rx)
{
    if (!rx)
        return;
    push_rx_session **pp = &rx->c->rx_sessions;
    while (*pp) {
        if ((*pp)->rx == rx) {
            push_rx_session *s = *pp;
            rx->cb.ended = NULL;
            session_end(s, "receiver stopped");
        } else {
            pp = &(*pp)->next;
        }
    }
    free(rx);
}

size_t push_invite_rx_sessions(const push_invite_rx *rx) { return rx->nsessions; }
