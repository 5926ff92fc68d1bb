/* msrp_endpoint.c - the endpoint on its environment (msrp_env.h): deferred
 * work, listening, connecting (or reusing a connection, RFC 4975 §5.4),
 * and connections coming and going. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_session_impl.h"
#include "sp_error.h"

/* --- deferred calls ------------------------------------------------------- */

void msrp_defer_init(msrp_defer *d, void (*fn)(void *ctx), void *ctx)
{
    d->prev = d->next = NULL;
    d->fn = fn;
    d->ctx = ctx;
}

void msrp_defer_queue(msrp_endpoint *ep, msrp_defer *d)
{
    if (d->next)
        return;
    d->prev = ep->deferred.prev;
    d->next = &ep->deferred;
    d->prev->next = d;
    ep->deferred.prev = d;
}

void msrp_defer_cancel(msrp_defer *d)
{
    if (!d->next)
        return;
    d->prev->next = d->next;
    d->next->prev = d->prev;
    d->prev = d->next = NULL;
}

void msrp_endpoint_enter(msrp_endpoint *ep) { ep->depth++; }

void msrp_endpoint_leave(msrp_endpoint *ep)
{
    if (ep->depth > 1) {
        ep->depth--;
        return;
    }
    /* Still counted as inside while they run: what they defer joins the
     * queue and runs in this same loop, in order. */
    while (ep->deferred.next != &ep->deferred) {
        msrp_defer *d = ep->deferred.next;
        msrp_defer_cancel(d);
        d->fn(d->ctx);
    }
    ep->depth--;
}

/* --- the endpoint ------------------------------------------------------- */

int msrp_endpoint_new_env(const msrp_env *env, msrp_endpoint **out)
{
    if (!env->now_ms || !env->connect || !env->write || !env->can_write || !env->close || !env->timer_start ||
        !env->timer_cancel)
        return SP_EINVAL;
    msrp_endpoint *ep = calloc(1, sizeof *ep);
    if (!ep)
        return -ENOMEM;
    ep->env = *env;
    ep->deferred.prev = ep->deferred.next = &ep->deferred;
    *out = ep;
    return 0;
}

const msrp_env *msrp_endpoint_env(const msrp_endpoint *ep) { return &ep->env; }

static msrp_conn *conn_new(msrp_endpoint *ep, uint64_t handle)
{
    msrp_conn *mc = calloc(1, sizeof *mc);
    if (!mc)
        return NULL;
    mc->ep = ep;
    mc->handle = handle;
    mc->rnd_pos = sizeof mc->rnd;
    msrp_parser_init(&mc->parser, NULL);
    msrp_defer_init(&mc->flush, msrp_conn_on_flush, mc);
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
    msrp_defer_cancel(&mc->flush);
    free(mc->out);
    free(mc->heads);
    free(mc->stage);
    free(mc);
}

/* The connection ends with reason: every session on it fails, then it goes. */
static void conn_gone(msrp_conn *mc, const char *reason)
{
    mc->handle = 0;
    mc->open = false;
    msrp_conn_lost(mc, 0, reason);
    conn_free(mc);
}

void msrp_conn_close(msrp_conn *mc, msrp_close_how how)
{
    uint64_t h = mc->handle;
    mc->handle = 0;
    if (h)
        mc->ep->env.close(mc->ep->env.ctx, h, how);
    conn_gone(mc, "connection closed");
}

void msrp_endpoint_free(msrp_endpoint *ep)
{
    if (!ep)
        return;
    msrp_endpoint_enter(ep);
    while (ep->conns)
        msrp_conn_close(ep->conns, MSRP_CLOSE_NOW);
    msrp_endpoint_leave(ep);
    if (ep->env.release)
        ep->env.release(ep->env.ctx); /* pending writes' 'done' may still come: ep lives */
    free(ep);
}

int msrp_endpoint_listen_host(msrp_endpoint *ep, const char *host, uint16_t port, uint16_t *bound)
{
    if (!ep->env.listen || !host)
        return SP_EINVAL;
    return ep->env.listen(ep->env.ctx, host, port, bound);
}

/* An outgoing connection to the same host and port, for reuse (§5.4). */
static msrp_conn *find_conn(msrp_endpoint *ep, sp_str host, uint16_t port)
{
    for (msrp_conn *mc = ep->conns; mc; mc = mc->next)
        if (mc->handle && !mc->broken && !mc->ending && mc->port == port &&
            sp_str_caseeq(sp_str_make(mc->host, mc->host_len), host))
            return mc;
    return NULL;
}

int msrp_endpoint_connect(msrp_endpoint *ep, msrp_session *s)
{
    const msrp_uri *u = &s->peer_hop;
    if (!u->has_port || u->host.n > sizeof ((msrp_conn *)0)->host)
        return SP_EINVAL; /* §6: no default port for msrp */
    /* §6.2: the host is used as given, no SRV look-up for MSRP. */
    sp_str host = u->host; /* IPv6 without its brackets */
    msrp_conn *mc = find_conn(ep, host, u->port);
    if (mc) {
        msrp_conn_bind(mc, s);
        return 0;
    }
    if (!(mc = conn_new(ep, 0)))
        return -ENOMEM;
    memcpy(mc->host, host.p, host.n);
    mc->host_len = (uint16_t)host.n;
    mc->port = u->port;
    uint64_t h = 0;
    int rc = ep->env.connect(ep->env.ctx, host, u->port, mc, &h);
    if (rc < 0 || !h) {
        conn_free(mc);
        return rc < 0 ? rc : SP_EINVAL;
    }
    mc->handle = h;
    msrp_conn_bind(mc, s);
    return 0;
}

/* --- what the environment tells ------------------------------------------- */

static void pump_all(msrp_conn *mc)
{
    for (msrp_session *s = mc->sessions; s; s = s->conn_next)
        msrp_sender_pump(s);
}

msrp_conn *msrp_endpoint_accept(msrp_endpoint *ep, uint64_t conn)
{
    msrp_conn *mc = conn_new(ep, conn);
    if (mc)
        mc->open = true;
    return mc;
}

void msrp_conn_opened(msrp_conn *mc)
{
    msrp_endpoint *ep = mc->ep;
    msrp_endpoint_enter(ep);
    mc->open = true;
    /* Active sessions waiting on this connection send their first SEND. */
    pump_all(mc);
    msrp_endpoint_leave(ep);
}

void msrp_conn_writable(msrp_conn *mc)
{
    msrp_endpoint *ep = mc->ep;
    msrp_endpoint_enter(ep);
    pump_all(mc);
    msrp_endpoint_leave(ep);
}

void msrp_conn_closed(msrp_conn *mc, const char *reason)
{
    msrp_endpoint *ep = mc->ep;
    msrp_endpoint_enter(ep);
    conn_gone(mc, reason);
    msrp_endpoint_leave(ep);
}
