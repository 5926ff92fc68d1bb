/* push_invite_receiver.c - the receiver's sessions (see push_invite_receiver.h). */
#include <errno.h>
#include <fcntl.h>
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
#include "sp_decimal.h"
#include "sp_sha1.h"

#define RX_NAME_MAX 256
#define RX_TYPE_MAX 128
#define RX_SDP_MAX 4096
#define RX_HDRS_MAX 2048

typedef enum rx_state { RX_ANSWERING, RX_ACTIVE, RX_RECEIVED, RX_ENDED } rx_state;

typedef struct rx_stream {
    bool accepted, done, cpim;
    bool duplicate;               /* offered again: seen[seen] describes what was delivered */
    size_t seen;
    bool passive;                 /* we listen: the offerer connects (RFC 4975 §5.4) */
    msrp_session *ms;
    char tid[PUSH_RX_TRANSFER_ID_MAX];
    char type[RX_TYPE_MAX];       /* the file-selector type as a Content-Type, or "" */
    char name[RX_NAME_MAX];
} rx_stream;

typedef struct push_rx_session {
    struct push_rx_session *next; /* c->rx_sessions */
    push_invite_rx *rx;
    uint64_t id;
    rx_state state;
    sip_txn_id st;                /* the INVITE's, until it is answered */
    sip_txn_id ack_st;            /* the INVITE's, from its 200 until the ACK */
    sip_dialog *dialog;
    char tag[PUSH_TOKEN_MAX];
    char app[64], from[PUSH_URI_MAX];
    rx_stream streams[PUSH_OFFER_MAX_FILES];
    size_t nstreams, naccepted;
    bool media_started;
    char peer_path[PUSH_OFFER_MAX_FILES][MSRP_PATH_MAX];
    push_se se;
    push_tmr tmr;                 /* the answer delay, then the session timer */
    push_tmr connect_tmr;         /* every stream's MSRP connection is due by then */
    char *reply_hdrs, *reply_sdp; /* the 200 while it waits */
    size_t reply_hdrs_n, reply_sdp_n;
} push_rx_session;

/* A delivery, known by what the offer said of it (seen_key); and what the
 * application was given. */
typedef struct rx_seen {
    uint8_t key[SP_SHA1_LEN];
    uint8_t sha1[SP_SHA1_LEN];
    uint64_t size;
    char content_type[RX_TYPE_MAX];
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

static void reject_with(push_invite_rx *rx, sip_txn_id st, unsigned status, const char *reason, sp_str hdrs,
                        sp_str sdp)
{
    sip_txn_reply rep = {.status = status, .headers = hdrs, .body = sdp,
                         .content_type = sdp.n ? SP_LIT("application/sdp") : SP_STR_NULL};
    sip_txn_respond(rx->c->sip, st, &rep);
    if (rx->cb.rejected)
        rx->cb.rejected(rx->cb.ctx, status, reason);
}

static void reject(push_invite_rx *rx, sip_txn_id st, unsigned status, const char *reason, sp_str hdrs)
{
    reject_with(rx, st, status, reason, hdrs, SP_STR_NULL);
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
    push_tmr_stop(&rx->c->env, &s->connect_tmr);
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

/* A delivery as its offer tells it: file-transfer-id, stored name and the
 * SHA-1 of what travels (an envelope's, when there is one), in 20 bytes. */
static void seen_key(const rx_stream *t, const uint8_t *wire_sha1, uint8_t key[SP_SHA1_LEN])
{
    sp_sha1_ctx ctx;
    sp_sha1_init(&ctx);
    sp_sha1_update(&ctx, t->tid, strlen(t->tid) + 1);
    sp_sha1_update(&ctx, t->name, strlen(t->name) + 1);
    sp_sha1_update(&ctx, wire_sha1, SP_SHA1_LEN);
    sp_sha1_final(&ctx, key);
}

/* The delivery an offered stream repeats, or -1. */
static long seen_before(const push_invite_rx *rx, const rx_stream *t, const uint8_t *wire_sha1)
{
    uint8_t key[SP_SHA1_LEN];
    seen_key(t, wire_sha1, key);
    for (size_t i = 0; i < rx->nseen; i++)
        if (!memcmp(rx->seen[i].key, key, SP_SHA1_LEN))
            return (long)i;
    return -1;
}

static void remember(push_invite_rx *rx, const rx_stream *t, const uint8_t *wire_sha1, const push_invite_delivery *d)
{
    rx_seen *e = &rx->seen[rx->seen_next];
    seen_key(t, wire_sha1, e->key);
    memcpy(e->sha1, d->sha1, SP_SHA1_LEN);
    e->size = d->size;
    snprintf(e->content_type, sizeof e->content_type, "%.*s", (int)d->content_type.n,
             d->content_type.p ? d->content_type.p : "");
    rx->seen_next = (rx->seen_next + 1) % PUSH_RX_SEEN_MAX;
    if (rx->nseen < PUSH_RX_SEEN_MAX)
        rx->nseen++;
}

/* The SHA-1 of a stored file, read back in pieces. false when it cannot be read. */
static bool file_sha1(const char *path, uint8_t sha1[SP_SHA1_LEN])
{
    enum { PIECE = 64 << 10 };
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    uint8_t *piece = fd >= 0 ? malloc(PIECE) : NULL;
    bool ok = piece != NULL;
    sp_sha1_ctx ctx;
    sp_sha1_init(&ctx);
    for (ssize_t n; ok && (n = read(fd, piece, PIECE)) != 0;) {
        if (n < 0 && errno != EINTR)
            ok = false;
        else if (n > 0)
            sp_sha1_update(&ctx, piece, (size_t)n);
    }
    sp_sha1_final(&ctx, sha1);
    free(piece);
    if (fd >= 0)
        close(fd);
    return ok;
}

/* RFC 3862: where the envelope's headers end (the empty line after the
 * encapsulated entity's headers), once they have all come
 * (msrp_sink_head_fn): the content after them is stored as it arrives. */
static long cpim_head_end(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    const char *b = (const char *)p;
    const char *e1 = memmem(b, n, "\r\n\r\n", 4);
    const char *e2 = e1 ? memmem(e1 + 2, n - (size_t)(e1 + 2 - b), "\r\n\r\n", 4) : NULL;
    if (!e2)
        return 0;
    size_t k = (size_t)(e2 + 4 - b);
    push_cpim_header hdrs[PUSH_CPIM_DEFAULT_MAX_HEADERS];
    push_cpim m = {.headers = hdrs, .max_headers = PUSH_CPIM_DEFAULT_MAX_HEADERS};
    sp_error err;
    return push_cpim_parse(b, k, &m, &err) < 0 ? SP_EINVAL : (long)k;
}

/* RFC 3862: the content inside the envelope, stored like any other.
 * 0, or the MSRP status refusing the message: 400 for an envelope that
 * does not open (RFC 4975 §10.2), 413 for content that cannot be kept. */
static unsigned unwrap(push_rx_session *s, rx_stream *t, const msrp_event_info *ev, push_invite_delivery *d,
                       msrp_sink *out, uint8_t sha1[SP_SHA1_LEN])
{
    size_t len;
    push_cpim_header hdrs[PUSH_CPIM_DEFAULT_MAX_HEADERS];
    push_cpim m = {.headers = hdrs, .max_headers = PUSH_CPIM_DEFAULT_MAX_HEADERS};
    sp_error err;
    const uint8_t *head = msrp_sink_head(ev->sink, &len);
    if (head) { /* into a file: the sink kept the headers apart and stored the content */
        if (push_cpim_parse((const char *)head, len, &m, &err) < 0)
            return 400;
        d->content_type = m.content_type;
        d->size = ev->bytes - len;
        d->data = NULL;
        if (!file_sha1(d->file, sha1))
            return 413;
        d->sha1 = sha1;
        return 0;
    }
    const uint8_t *data = msrp_sink_data(ev->sink, &len);
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

/* RFC 5547 §5: the parameters of the offer's file type belong to the
 * content; a sender whose MSRP Content-Type leaves them off still has
 * them delivered. */
static sp_str content_type_of(const rx_stream *t, sp_str msrp_type)
{
    size_t base = strcspn(t->type, ";");
    if (!t->type[base] || !msrp_type.p || memchr(msrp_type.p, ';', msrp_type.n) ||
        !sp_str_caseeq(sp_str_make(t->type, base), msrp_type))
        return msrp_type;
    return sp_str_cstr(t->type);
}

/* A complete message: opened, stored, accepted (or refused, the REPORT
 * then says so), and handed to the application once. */
static void on_received(push_rx_session *s, rx_stream *t, const msrp_event_info *ev)
{
    push_invite_rx *rx = s->rx;
    uint8_t sha1[SP_SHA1_LEN];
    msrp_sink inner = {0};
    push_invite_delivery d = {.app = s->app[0] ? sp_str_cstr(s->app) : SP_STR_NULL, .from = sp_str_cstr(s->from),
                              .content_type = content_type_of(t, ev->content_type),
                              .transfer_id = sp_str_cstr(t->tid),
                              .size = ev->bytes, .sha1 = ev->sha1, .file = msrp_sink_path(ev->sink)};
    if (!d.file) {
        size_t len;
        d.data = msrp_sink_data(ev->sink, &len);
    }
    t->done = true;
    if (t->duplicate) { /* verified against the offer, confirmed, told as what was delivered */
        const rx_seen *e = &rx->seen[t->seen];
        d = (push_invite_delivery){.app = d.app, .from = d.from, .content_type = sp_str_cstr(e->content_type),
                                   .transfer_id = d.transfer_id, .size = e->size, .sha1 = e->sha1,
                                   .duplicate = true};
        if (rx->cb.delivered)
            rx->cb.delivered(rx->cb.ctx, &d);
        return;
    }
    unsigned refuse = t->cpim && !rx->cfg.sink ? unwrap(s, t, ev, &d, &inner, sha1) : 0;
    const char *why = refuse == 400 ? "CPIM envelope does not open" : "content could not be stored";
    if (!refuse && d.sha1) {
        if (rx->cb.accept && (refuse = rx->cb.accept(rx->cb.ctx, &d)) != 0) {
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
        if (ev->sha1)
            remember(rx, t, ev->sha1, &d);
        if (rx->cb.delivered)
            rx->cb.delivered(rx->cb.ctx, &d);
    }
    msrp_sink_close(&inner);
}

/* Whether every stream still carried has its MSRP connection. */
static bool all_bound(const push_rx_session *s)
{
    for (size_t i = 0; i < s->nstreams; i++)
        if (s->streams[i].ms && !msrp_session_bound(s->streams[i].ms))
            return false;
    return true;
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
    case MSRP_EV_BOUND:
        if (all_bound(s))
            push_tmr_stop(&s->rx->c->env, &s->connect_tmr);
        return;
    case MSRP_EV_RECEIVED: {
        on_received(s, t, ev);
        size_t done = 0;
        for (size_t i = 0; i < s->nstreams; i++)
            done += s->streams[i].accepted && s->streams[i].done;
        if (done == s->naccepted && s->state == RX_ACTIVE)
            set_state(s, RX_RECEIVED, "content received"); /* the sender's BYE ends it */
        return;
    }
    case MSRP_EV_DISCARDED:
        /* refused on the way (413 past the offered size or max-size, ...); the sender was told */
        if (ev->status && s->rx->cb.rejected)
            s->rx->cb.rejected(s->rx->cb.ctx, ev->status, ev->reason ? ev->reason : "content refused");
        return;
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

/* The port of a stream's m-line and path: the listener's when passive (RFC
 * 6135 §4.2.2: the real address), 9 when active. */
static uint16_t stream_port(const push_invite_rx *rx, const rx_stream *t)
{
    return t->passive ? rx->c->msrp_port : 9;
}

static int open_stream(push_rx_session *s, size_t i, const sdp_stream *st)
{
    push_invite_rx *rx = s->rx;
    rx_stream *t = &s->streams[i];
    snprintf(t->tid, sizeof t->tid, "%.*s", (int)st->file_transfer_id.n,
             st->file_transfer_id.p ? st->file_transfer_id.p : "");
    t->cpim = st->selector.type.p && sp_str_caseeq_cstr(st->selector.type, "message/cpim");
    long tn = st->selector.type.p ? sdp_file_type_decode(st->selector.type, t->type, sizeof t->type - 1) : -1;
    t->type[tn > 0 ? tn : 0] = '\0';
    /* the transfer id keeps names of different pushes apart; the sink makes
     * the whole a safe file name (path separators and all) */
    char name[RX_NAME_MAX - 25]; /* room for the transfer id and '-' */
    long n = st->selector.name.p ? sdp_file_name_decode(st->selector.name, name, sizeof name - 1) : 0;
    if (n < 0)
        n = sizeof name - 1; /* longer than a file name is kept: cut by the sink */
    name[n] = '\0';
    snprintf(t->name, sizeof t->name, "%.24s-%s", t->tid[0] ? t->tid : "push", n ? name : "content");
    if (!st->path.p || st->path.n >= sizeof s->peer_path[i])
        return SP_EINVAL; /* nowhere to connect: the stream is refused */
    memcpy(s->peer_path[i], st->path.p, st->path.n);
    s->peer_path[i][st->path.n] = '\0';
    /* RFC 6135 §4.2, RFC 4975 §5.4: we listen when the offerer connects
     * (an offer active or without a=setup), and need a listener for it */
    t->passive = sdp_answer_setup(st->setup) == SDP_SETUP_PASSIVE;
    if (t->passive && !rx->c->msrp_port)
        return SP_EINVAL;
    msrp_session_config mc;
    msrp_session_config_default(&mc);
    mc.local_host = rx->c->msrp_host;
    mc.local_port = stream_port(rx, t);
    mc.setup = t->passive ? MSRP_SETUP_PASSIVE : MSRP_SETUP_ACTIVE;
    mc.rx_sink = rx->cfg.sink;
    mc.rx_sink_ctx = rx->cfg.sink_ctx;
    mc.rx_dir = rx->cfg.sink ? NULL : rx->cfg.out_dir;
    if (t->cpim && mc.rx_dir) /* the envelope's headers apart, the content stored as it comes */
        mc.rx_head = cpim_head_end;
    mc.rx_name = sp_str_cstr(t->name);
    mc.accept = rx->accept;
    mc.rx_limits.max_size = rx->cfg.max_size;
    expect_from(st, &mc.rx_expect);
    long seen = mc.rx_expect.has_sha1 ? seen_before(rx, t, mc.rx_expect.sha1) : -1;
    if (seen >= 0) { /* a sender retrying: checked and confirmed, not stored again */
        t->duplicate = true;
        t->seen = (size_t)seen;
        mc.rx_discard = true;
    }
    mc.on_event = on_msrp;
    mc.ctx = s;
    return msrp_session_new(rx->c->msrp, &mc, &t->ms);
}

/* The streams of one role start. The passive ones wait for the sender's
 * connection from the 200 on: it may connect as soon as it has our answer,
 * before its ACK. The active ones connect once the sender has taken the
 * answer: on the ACK (RFC 3261 §13.3.1.4), so that a reused connection never
 * carries our first SEND before the sender knows our path. false when one
 * could not start (the session is then over). */
static bool start_streams(push_rx_session *s, bool passive)
{
    for (size_t i = 0; i < s->nstreams; i++) {
        rx_stream *t = &s->streams[i];
        if (t->ms && t->passive == passive &&
            (msrp_session_set_peer(t->ms, sp_str_cstr(s->peer_path[i])) != 0 || msrp_session_start(t->ms) != 0)) {
            hang_up(s, "MSRP could not start");
            return false;
        }
    }
    return true;
}

static bool has_streams(const push_rx_session *s, bool passive)
{
    for (size_t i = 0; i < s->nstreams; i++)
        if (s->streams[i].ms && s->streams[i].passive == passive)
            return true;
    return false;
}

/* The connection watch runs from when a connection may first be made: the
 * 200 for a stream we wait on, the ACK for one we open (a missing ACK is
 * Timer L's to report, not the watch's). */
static void watch_connections(push_rx_session *s)
{
    if (!s->connect_tmr.handle)
        push_tmr_start(&s->rx->c->env, &s->connect_tmr, push_msrp_connect_timeout(s->rx->c),
                       push_cookie(PUSH_TMR_MSRP_CONNECT, s->id));
}

static void start_media(push_rx_session *s)
{
    s->media_started = true;
    if (start_streams(s, false) && has_streams(s, false))
        watch_connections(s);
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
    s->ack_st = s->st; /* until the ACK: the layer says when it gave up (RFC 3261 §13.3.1.4) */
    s->st = 0;
    set_state(s, RX_ACTIVE, event);
    if (!start_streams(s, true))
        return;
    if (has_streams(s, true))
        watch_connections(s);
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
        sdp_answer_stream(&offer->streams[i], &rx->caps, v[i], stream_port(rx, &s->streams[i]), path, &ans[i]);
    }
    char sid[SP_U64_DEC_SIZE];
    sp_u64_dec(sid, s->id + 2890844526ull);
    sp_str host = sp_str_cstr(rx->c->msrp_host);
    sp_str at = strchr(rx->c->msrp_host, ':') ? SP_LIT("IP6") : SP_LIT("IP4");
    sdp_desc d = {.origin = {.username = SP_LIT("sippush"), .sess_id = sp_str_cstr(sid),
                             .sess_version = sp_str_cstr(sid), .nettype = SP_LIT("IN"), .addrtype = at,
                             .address = host},
                  .conn = {.nettype = SP_LIT("IN"), .addrtype = at, .address = host},
                  .streams = ans,
                  .nstreams = offer->nstreams};
    /* the answer mirrors what the offer says of each file (RFC 5547 §8.3) */
    size_t cap = RX_SDP_MAX + req->body.n;
    s->reply_sdp = malloc(cap);
    s->reply_hdrs = malloc(RX_HDRS_MAX);
    if (!s->reply_sdp || !s->reply_hdrs)
        return 500;
    sdp_stream capability;
    if (!s->naccepted) {
        /* seed 002 §7.3.1.1 item 1; RFC 5547 §8.2 for a lone stream too large,
         * whose 488 says what max-size would be taken (RFC 5547 §8.5) */
        *why = sdp_verdict_reason(v[0]);
        sdp_caps_stream(&rx->caps, &capability);
        d.streams = &capability;
        d.nstreams = 1;
        long cn = v[0] == SDP_REFUSE_SIZE ? sdp_build(&d, s->reply_sdp, cap) : -1;
        s->reply_sdp_n = cn > 0 ? (size_t)cn : 0;
        return 488;
    }
    long n = sdp_build(&d, s->reply_sdp, cap);
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
        /* RFC 3261 §21.4.24: this end system takes no more now; a 503 would
         * speak of a server and be turned into 500 by a proxy (§16.7) */
        reject(rx, st, 486, "too many push sessions", SP_LIT(PUSH_RETRY_AFTER_LINE(PUSH_RX_RETRY_AFTER_SESSIONS_S)));
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
    if (!push_token(s->tag, PUSH_TAG_LEN)) {
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
        /* only a 488 says what would be taken (build_answer) */
        reject_with(rx, st, status, why, SP_STR_NULL,
                    status == 488 ? sp_str_make(s->reply_sdp, s->reply_sdp_n) : SP_STR_NULL);
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
            sdp_answer_stream(&off[i], &rx->caps, keep ? SDP_ACCEPT : SDP_REFUSE_PORT, stream_port(rx, t),
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
        s->ack_st = 0;
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
        if (s->rx == rx && s->ack_st == st && why == SIP_TXN_END_NO_ACK) {
            /* RFC 3261 §13.3.1.4: a 2xx retransmitted for 64*T1 without an
             * ACK: the dialog is confirmed, the session ends with a BYE */
            if (rx->cb.rejected)
                rx->cb.rejected(rx->cb.ctx, 408, "no ACK for the 200");
            hang_up(s, "no ACK");
            return;
        }
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

/* No MSRP connection in time: the session cannot carry the push. */
void push_rx_connect_timer(push_invite_ctx *c, uint64_t id)
{
    push_rx_session *s = session_by_id(c, id);
    if (!s)
        return;
    s->connect_tmr.handle = 0;
    if (s->state == RX_ACTIVE && !all_bound(s))
        hang_up(s, "no MSRP connection in time");
}

/* --- life cycle ---------------------------------------------------------------- */

push_invite_rx *push_invite_rx_new(push_invite_ctx *c, const push_invite_rx_config *cfg, const push_invite_rx_cb *cb)
{
    push_invite_rx *rx = calloc(1, sizeof *rx);
    if (!rx)
        return NULL;
    rx->c = c;
    rx->cfg = *cfg;
    if (!rx->cfg.max_size) /* one limit whatever the method (push_pra.h) */
        rx->cfg.max_size = PUSH_MAX_SIZE_DEFAULT;
    if (!rx->cfg.max_name)
        rx->cfg.max_name = PUSH_RX_NAME_MAX_DEFAULT;
    if (cb)
        rx->cb = *cb;
    sp_str acc = cfg->accept_types.p ? cfg->accept_types : SP_LIT("message/cpim *");
    sp_error err;
    if (acc.n >= sizeof rx->accept || cfg->napps > PUSH_RX_MAX_APPS ||
        sdp_caps_init(&rx->caps, acc, SP_STR_NULL, rx->cfg.max_size, &err) != 0) {
        free(rx);
        return NULL;
    }
    memcpy(rx->accept, acc.p, acc.n);
    rx->accept[acc.n] = '\0';
    /* caps point at the copy, which lives as long as rx */
    sdp_caps_init(&rx->caps, sp_str_cstr(rx->accept), SP_STR_NULL, rx->cfg.max_size, &err);
    rx->caps.max_name = rx->cfg.max_name;
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

void push_invite_rx_hang_up_all(push_invite_rx *rx, const char *why)
{
    push_rx_session **pp = &rx->c->rx_sessions;
    while (*pp) {
        if ((*pp)->rx == rx)
            hang_up(*pp, why); /* unlinks it: *pp is the next one */
        else
            pp = &(*pp)->next;
    }
}
