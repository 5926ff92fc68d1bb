/* msrp_endpoint.c - the MSRP TCP set: listening, connecting (or reusing a
 * connection, RFC 4975 §5.4), and the connection objects on it. */
#include <errno.h>
#include <stdlib.h>

#include "msrp_session_impl.h"
#include "sp_error.h"

static void on_open(void *ctx, tp_conn *c);
static void on_close(void *ctx, tp_conn *c, tp_close_reason why, int err);
static void on_writable(void *ctx, tp_conn *c);

int msrp_endpoint_new(tp_loop *loop, const tp_tcp_limits *limits, msrp_endpoint **out)
{
    msrp_endpoint *ep = calloc(1, sizeof *ep);
    if (!ep)
        return -ENOMEM;
    ep->loop = loop;
    tp_tcp_config cfg;
    tp_tcp_config_default(&cfg);
    if (limits)
        cfg.limits = *limits;
    /* A chunk body is consumed as it arrives; only heads (max_head) and the
     * tail of a body that may be an end-line are ever held. */
    if (cfg.limits.max_rx < MSRP_DEFAULT_MAX_HEAD + MSRP_END_LINE_MAX + 1)
        cfg.limits.max_rx = MSRP_DEFAULT_MAX_HEAD + MSRP_END_LINE_MAX + 1;
    cfg.on_frame = msrp_conn_on_frame;
    cfg.on_open = on_open;
    cfg.on_close = on_close;
    cfg.on_writable = on_writable;
    cfg.ctx = ep;
    int rc = tp_tcp_new(loop, &cfg, &ep->tcp);
    if (rc < 0) {
        free(ep);
        return rc;
    }
    *out = ep;
    return 0;
}

void msrp_endpoint_free(msrp_endpoint *ep)
{
    if (!ep)
        return;
    tp_tcp_free(ep->tcp); /* closes every connection: on_close frees them */
    free(ep);
}

int msrp_endpoint_listen(msrp_endpoint *ep, const tp_addr *bind, tp_addr *bound)
{
    return tp_tcp_listen(ep->tcp, bind, bound);
}

tp_tcp *msrp_endpoint_tcp(const msrp_endpoint *ep) { return ep->tcp; }

msrp_conn *msrp_conn_new(msrp_endpoint *ep, tp_conn *tc)
{
    msrp_conn *mc = calloc(1, sizeof *mc);
    if (!mc)
        return NULL;
    mc->ep = ep;
    mc->tc = tc;
    mc->rnd_pos = sizeof mc->rnd;
    msrp_parser_init(&mc->parser, NULL);
    tp_defer_init(&mc->flush, msrp_conn_on_flush, mc);
    mc->next = ep->conns;
    if (ep->conns)
        ep->conns->prev = mc;
    ep->conns = mc;
    return mc;
}

static void conn_free(msrp_conn *mc)
{
    msrp_endpoint *ep = mc->ep;
    if (mc->prev)
        mc->prev->next = mc->next;
    else
        ep->conns = mc->next;
    if (mc->next)
        mc->next->prev = mc->prev;
    tp_defer_cancel(&mc->flush);
    free(mc->out);
    free(mc->heads);
    free(mc->stage);
    free(mc);
}

/* The address of the first URI of the peer's path (RFC 4975 §6.2: the
 * host is used as given, no SRV look-up for MSRP). */
static int hop_addr(const msrp_session *s, tp_addr *out)
{
    const msrp_uri *u = &s->peer_hop;
    if (!u->has_port)
        return SP_EINVAL; /* §6: no default port for msrp */
    return tp_addr_resolve(u->host.p, u->host.n, u->port, AF_UNSPEC, out) == 0 ? 0 : SP_EINVAL;
}

int msrp_endpoint_connect(msrp_endpoint *ep, msrp_session *s)
{
    tp_addr to;
    int rc = hop_addr(s, &to);
    if (rc < 0)
        return rc;
    /* §5.4: reuse a connection to the same host and port. */
    tp_conn *tc = tp_tcp_find(ep->tcp, &to);
    if (tc && tp_conn_ctx(tc)) {
        msrp_conn *mc = tp_conn_ctx(tc);
        msrp_conn_bind(mc, s);
        return 0;
    }
    msrp_conn *mc = msrp_conn_new(ep, NULL);
    if (!mc)
        return -ENOMEM;
    rc = tp_tcp_connect(ep->tcp, &to, mc, &tc);
    if (rc < 0) {
        conn_free(mc);
        return rc;
    }
    mc->tc = tc;
    msrp_conn_bind(mc, s);
    return 0;
}

static void on_open(void *ctx, tp_conn *c)
{
    msrp_conn *mc;
    if (tp_conn_incoming(c)) {
        mc = msrp_conn_new(ctx, c);
        if (!mc) {
            tp_conn_set_ctx(c, NULL);
            tp_conn_close(c);
            return;
        }
        tp_conn_set_ctx(c, mc);
    } else {
        mc = ctx;
    }
    mc->open = true;
    /* Active sessions waiting on this connection send their first SEND. */
    for (msrp_session *s = mc->sessions; s; s = s->conn_next)
        msrp_sender_pump(s);
}

static void on_writable(void *ctx, tp_conn *c)
{
    (void)c;
    msrp_conn *mc = ctx;
    for (msrp_session *s = mc->sessions; s; s = s->conn_next)
        msrp_sender_pump(s);
}

static void on_close(void *ctx, tp_conn *c, tp_close_reason why, int err)
{
    (void)c;
    (void)err;
    msrp_conn *mc = ctx;
    if (!mc) /* refused before it got an msrp_conn */
        return;
    mc->tc = NULL;
    mc->open = false;
    msrp_conn_lost(mc, 0, why == TP_CLOSE_LOCAL ? "connection closed" : tp_close_reason_str(why));
    conn_free(mc);
}
