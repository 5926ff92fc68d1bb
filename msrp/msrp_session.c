/* msrp_session.c - a session's life cycle: its URIs, start, events and
 * failure (RFC 4975 §5.4, §6, §8.2). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_hasher_impl.h"
#include "msrp_session_impl.h"
#include "sp_random.h"

void msrp_session_config_default(msrp_session_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->local_host = "127.0.0.1";
    cfg->setup = MSRP_SETUP_ACTIVE;
    cfg->chunk_size = MSRP_CHUNK_DEFAULT;
    cfg->window = MSRP_WINDOW_DEFAULT;
    cfg->txn_timeout_ms = MSRP_TXN_TIMEOUT_MS;
    cfg->report_timeout_ms = MSRP_REPORT_TIMEOUT_MS;
}

static void release(void *ctx)
{
    msrp_session *s = ctx;
    free(s);
}

int msrp_session_new(msrp_endpoint *ep, const msrp_session_config *cfg, msrp_session **out)
{
    if (!cfg->local_host || !cfg->on_event || cfg->chunk_size > MSRP_CHUNK_MAX || cfg->window > MSRP_WINDOW_MAX ||
        (cfg->accept && strlen(cfg->accept) >= MSRP_ACCEPT_MAX))
        return SP_EINVAL;
    msrp_session *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->ep = ep;
    s->cfg = *cfg;
    if (!s->cfg.chunk_size)
        s->cfg.chunk_size = MSRP_CHUNK_DEFAULT;
    if (!s->cfg.window)
        s->cfg.window = MSRP_WINDOW_DEFAULT;
    if (!s->cfg.txn_timeout_ms)
        s->cfg.txn_timeout_ms = MSRP_TXN_TIMEOUT_MS;
    if (!s->cfg.report_timeout_ms)
        s->cfg.report_timeout_ms = MSRP_REPORT_TIMEOUT_MS;
    strcpy(s->accept, cfg->accept ? cfg->accept : "*");
    s->cfg.accept = s->accept;
    /* The name is the caller's; the sink copies what it keeps of it. */
    char id[MSRP_SESSION_ID_LEN + 1];
    if (sp_random_token(id, MSRP_SESSION_ID_LEN, SP_RANDOM_ALNUM) != 0) {
        free(s);
        return -EIO;
    }
    bool v6 = strchr(cfg->local_host, ':') != NULL;
    int n = snprintf(s->local, sizeof s->local, "msrp://%s%s%s:%u/%s;tcp", v6 ? "[" : "", cfg->local_host,
                     v6 ? "]" : "", (unsigned)cfg->local_port, id);
    if (n < 0 || (size_t)n >= sizeof s->local ||
        msrp_uri_parse(s->local, (size_t)n, &s->local_uri, NULL) < 0) {
        free(s);
        return SP_EINVAL;
    }
    s->local_len = (size_t)n;
    s->id = ++ep->next_id;
    msrp_sender_init(s);
    msrp_defer_init(&s->release, release, s);
    s->ep_next = ep->sessions;
    if (ep->sessions)
        ep->sessions->ep_prev = s;
    ep->sessions = s;
    *out = s;
    return 0;
}

/* Stops everything the session does; the memory goes after the dispatch. */
void msrp_session_free(msrp_session *s)
{
    if (!s || s->dying)
        return;
    msrp_endpoint *ep = s->ep;
    msrp_endpoint_enter(ep);
    s->dying = true;
    s->state = MSRP_S_CLOSED;
    if (s->conn)
        msrp_conn_unbind(s->conn, s);
    msrp_sender_free(s);
    while (s->rx) {
        msrp_rx *rx = s->rx;
        s->rx = rx->next;
        msrp_reassembly_abort(&rx->ra);
        msrp_sink_close(&rx->sink);
        free(rx);
    }
    s->nrx = 0;
    if (s->ep_prev)
        s->ep_prev->ep_next = s->ep_next;
    else
        ep->sessions = s->ep_next;
    if (s->ep_next)
        s->ep_next->ep_prev = s->ep_prev;
    msrp_defer_queue(ep, &s->release);
    msrp_endpoint_leave(ep); /* at once unless inside a dispatch */
}

sp_str msrp_session_local_uri(const msrp_session *s) { return sp_str_make(s->local, s->local_len); }

int msrp_session_set_peer(msrp_session *s, sp_str path)
{
    if (s->state != MSRP_S_NEW || path.n == 0 || path.n > sizeof s->peer)
        return SP_EINVAL;
    memcpy(s->peer, path.p, path.n);
    s->peer_len = path.n;
    sp_str p = sp_str_make(s->peer, s->peer_len);
    size_t pos = 0;
    sp_str one, first = SP_STR_NULL, last = SP_STR_NULL;
    while (msrp_path_next(p, &pos, &one)) {
        if (!first.p)
            first = one;
        last = one;
    }
    if (!first.p || msrp_uri_parse(first.p, first.n, &s->peer_hop, NULL) < 0 ||
        msrp_uri_parse(last.p, last.n, &s->peer_uri, NULL) < 0 || s->peer_hop.secure ||
        !sp_str_caseeq(s->peer_hop.transport, SP_LIT("tcp"))) {
        s->peer_len = 0;
        return SP_EINVAL;
    }
    return 0;
}

int msrp_session_set_setup(msrp_session *s, msrp_setup setup)
{
    if (s->state != MSRP_S_NEW)
        return SP_EINVAL;
    s->cfg.setup = setup;
    return 0;
}

int msrp_session_start(msrp_session *s)
{
    if (s->state != MSRP_S_NEW || !s->peer_len)
        return SP_EINVAL;
    s->state = MSRP_S_STARTED;
    if (s->cfg.setup == MSRP_SETUP_PASSIVE)
        return 0; /* bound by the peer's first request (msrp_conn.c) */
    msrp_endpoint *ep = s->ep;
    msrp_endpoint_enter(ep);
    int rc = msrp_endpoint_connect(ep, s);
    if (rc < 0)
        s->state = MSRP_S_NEW;
    else
        msrp_sender_pump(s); /* a reused connection is open already */
    msrp_endpoint_leave(ep);
    return rc < 0 ? rc : 0;
}

void msrp_session_emit(msrp_session *s, msrp_event_info *ev)
{
    if (s->dying)
        return;
    s->cfg.on_event(s->cfg.ctx, s, ev);
}

void msrp_session_fail(msrp_session *s, unsigned status, const char *reason)
{
    if (s->state == MSRP_S_CLOSED)
        return;
    s->state = MSRP_S_CLOSED;
    if (s->conn)
        msrp_conn_unbind(s->conn, s);
    /* Every message not acknowledged is reported (with the bytes that
     * were), every partial one dropped (§5.4), then the session itself. */
    msrp_sender_fail_all(s, status, reason);
    msrp_receiver_drop_all(s);
    if (s->dying)
        return;
    msrp_sender_free(s); /* the window and timer go with the connection */
    msrp_session_emit(s, &(msrp_event_info){.type = MSRP_EV_CLOSED, .status = status, .reason = reason});
}

bool msrp_session_bound(const msrp_session *s) { return s->state == MSRP_S_BOUND; }

size_t msrp_session_pending(const msrp_session *s) { return s->nout + s->nrx + s->ring_count; }

size_t msrp_session_footprint(const msrp_session *s)
{
    size_t n = sizeof *s + s->refused_len;
    if (s->ring)
        n += s->cfg.window * sizeof *s->ring;
    n += s->nout * sizeof(msrp_out) + s->nrx * sizeof(msrp_rx);
    for (const msrp_out *o = s->out_head; o; o = o->next)
        if (o->reported)
            n += sizeof *o->reported;
    for (const msrp_rx *rx = s->rx; rx; rx = rx->next)
        if (rx->ra.hasher)
            n += msrp_hasher_footprint();
    return n;
}
