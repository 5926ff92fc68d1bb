/* msrp_tp.c - the MSRP endpoint's environment on tp_loop and a TCP set of
 * its own: connection handles are the tp_conn pointers (the endpoint drops
 * a handle when the connection closes, so none outlives its tp_conn), each
 * tp_conn's context is its msrp_conn, NULL once the endpoint let go. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_frame.h"
#include "msrp_tp.h"
#include "sp_error.h"

/* A timer armed for the endpoint: a heap entry and the cookie it gives
 * back, recycled through a free list. */
typedef struct msrp_tp_timer {
    tp_timer t;
    uint64_t cookie;
    struct msrp_tp *owner;
    struct msrp_tp_timer *next_free;
} msrp_tp_timer;

typedef struct msrp_tp {
    tp_loop *loop;
    tp_tcp *tcp;
    msrp_endpoint *ep;
    msrp_tp_timer *free_timers;
} msrp_tp;

_Static_assert(sizeof(msrp_seg) == sizeof(tp_seg) && offsetof(msrp_seg, p) == offsetof(tp_seg, p) &&
                   offsetof(msrp_seg, n) == offsetof(tp_seg, n) && offsetof(msrp_seg, ref) == offsetof(tp_seg, ref),
               "a write's segments are handed to the transport as they are");
_Static_assert(MSRP_ENV_MAX_SEGS <= TP_CONN_MAX_SEGS, "one transport write per endpoint write");

static inline tp_conn *conn_of(uint64_t handle) { return (tp_conn *)(uintptr_t)handle; }

/* --- the environment ------------------------------------------------------ */

static uint64_t env_now(void *ctx) { return tp_loop_now(((msrp_tp *)ctx)->loop); }

static int env_connect(void *ctx, sp_str host, uint16_t port, msrp_conn *mc, uint64_t *conn)
{
    msrp_tp *b = ctx;
    tp_addr to;
    if (tp_addr_resolve(host.p, host.n, port, AF_UNSPEC, &to) != 0)
        return SP_EINVAL;
    tp_conn *c;
    int rc = tp_tcp_connect(b->tcp, &to, mc, &c);
    if (rc < 0)
        return rc;
    *conn = (uintptr_t)c;
    return 0;
}

static int env_listen(void *ctx, const char *host, uint16_t port, uint16_t *bound)
{
    msrp_tp *b = ctx;
    tp_addr at, got;
    if (tp_addr_resolve(host, strlen(host), port, AF_UNSPEC, &at) != 0)
        return SP_EINVAL;
    int rc = tp_tcp_listen(b->tcp, &at, &got);
    if (rc == 0 && bound)
        *bound = tp_addr_port(&got);
    return rc;
}

static int env_write(void *ctx, uint64_t conn, const msrp_seg *segs, size_t nsegs, msrp_write_done_fn done,
                     void *done_ctx)
{
    (void)ctx;
    return tp_conn_write(conn_of(conn), (const tp_seg *)segs, nsegs, done, done_ctx);
}

static bool env_can_write(void *ctx, uint64_t conn)
{
    (void)ctx;
    return tp_conn_can_write(conn_of(conn));
}

static void env_close(void *ctx, uint64_t conn, msrp_close_how how)
{
    (void)ctx;
    tp_conn *c = conn_of(conn);
    tp_conn_set_ctx(c, NULL); /* no event about it any more */
    if (how == MSRP_CLOSE_END)
        tp_conn_end(c);
    else
        tp_conn_close(c);
}

static void timer_fired(tp_timer *t, void *ctx)
{
    (void)t;
    msrp_tp_timer *rec = ctx;
    msrp_tp *b = rec->owner;
    uint64_t cookie = rec->cookie;
    rec->next_free = b->free_timers; /* back to the pool before the endpoint can arm another */
    b->free_timers = rec;
    msrp_endpoint_timer(b->ep, cookie);
}

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    msrp_tp *b = ctx;
    msrp_tp_timer *rec = b->free_timers;
    if (rec)
        b->free_timers = rec->next_free;
    else if (!(rec = malloc(sizeof *rec)))
        return 0;
    rec->owner = b;
    rec->cookie = cookie;
    tp_timer_init(&rec->t, timer_fired, rec);
    if (tp_timer_start(tp_loop_timers(b->loop), &rec->t, delay_ms) != 0) {
        rec->next_free = b->free_timers;
        b->free_timers = rec;
        return 0;
    }
    return (uintptr_t)rec;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    msrp_tp *b = ctx;
    msrp_tp_timer *rec = (msrp_tp_timer *)(uintptr_t)handle;
    if (!tp_timer_armed(&rec->t))
        return;
    tp_timer_stop(tp_loop_timers(b->loop), &rec->t);
    rec->next_free = b->free_timers;
    b->free_timers = rec;
}

static void env_release(void *ctx)
{
    msrp_tp *b = ctx;
    tp_tcp_free(b->tcp); /* connections still ending are closed */
    while (b->free_timers) {
        msrp_tp_timer *rec = b->free_timers;
        b->free_timers = rec->next_free;
        free(rec);
    }
    free(b);
}

/* --- the TCP set's events ------------------------------------------------- */

static int on_frame(void *ctx, tp_conn *c, const char *buf, size_t len)
{
    (void)c;
    msrp_conn *mc = ctx;
    if (!mc)
        return (int)len; /* the endpoint let go of it: closing */
    return (int)msrp_conn_input(mc, buf, len);
}

static void on_open(void *ctx, tp_conn *c)
{
    if (!tp_conn_incoming(c)) {
        if (ctx)
            msrp_conn_opened(ctx);
        return;
    }
    msrp_tp *b = ctx;
    msrp_conn *mc = msrp_endpoint_accept(b->ep, (uintptr_t)c);
    tp_conn_set_ctx(c, mc);
    if (!mc)
        tp_conn_close(c);
}

static void on_writable(void *ctx, tp_conn *c)
{
    (void)c;
    if (ctx)
        msrp_conn_writable(ctx);
}

static void on_close(void *ctx, tp_conn *c, tp_close_reason why, int err)
{
    (void)c;
    (void)err;
    if (ctx)
        msrp_conn_closed(ctx, why == TP_CLOSE_LOCAL ? "connection closed" : tp_close_reason_str(why));
}

/* --- the binding ---------------------------------------------------------- */

int msrp_endpoint_new(tp_loop *loop, const tp_tcp_limits *limits, msrp_endpoint **out)
{
    msrp_tp *b = calloc(1, sizeof *b);
    if (!b)
        return -ENOMEM;
    b->loop = loop;
    tp_tcp_config cfg;
    tp_tcp_config_default(&cfg);
    if (limits)
        cfg.limits = *limits;
    /* A chunk body is consumed as it arrives; only heads (max_head) and the
     * tail of a body that may be an end-line are ever held. */
    if (cfg.limits.max_rx < MSRP_DEFAULT_MAX_HEAD + MSRP_END_LINE_MAX + 1)
        cfg.limits.max_rx = MSRP_DEFAULT_MAX_HEAD + MSRP_END_LINE_MAX + 1;
    /* Bodies stream through: large reads mean fewer calls per byte. */
    if (cfg.limits.read_size < MSRP_CONN_READ)
        cfg.limits.read_size = MSRP_CONN_READ;
    cfg.on_frame = on_frame;
    cfg.on_open = on_open;
    cfg.on_close = on_close;
    cfg.on_writable = on_writable;
    cfg.ctx = b;
    int rc = tp_tcp_new(loop, &cfg, &b->tcp);
    if (rc < 0) {
        free(b);
        return rc;
    }
    msrp_env env = {.ctx = b,
                    .now_ms = env_now,
                    .connect = env_connect,
                    .listen = env_listen,
                    .write = env_write,
                    .can_write = env_can_write,
                    .close = env_close,
                    .timer_start = env_timer_start,
                    .timer_cancel = env_timer_cancel,
                    .release = env_release};
    rc = msrp_endpoint_new_env(&env, &b->ep);
    if (rc < 0) {
        tp_tcp_free(b->tcp);
        free(b);
        return rc;
    }
    *out = b->ep;
    return 0;
}

int msrp_endpoint_listen(msrp_endpoint *ep, const tp_addr *bind, tp_addr *bound)
{
    char host[TP_ADDR_HOST_MAX + 1];
    tp_addr_format_host(bind, host, sizeof host);
    uint16_t port = 0;
    int rc = msrp_endpoint_listen_host(ep, host, tp_addr_port(bind), &port);
    if (rc == 0 && bound) {
        *bound = *bind;
        tp_addr_set_port(bound, port);
    }
    return rc;
}

tp_tcp *msrp_endpoint_tcp(const msrp_endpoint *ep) { return ((msrp_tp *)msrp_endpoint_env(ep)->ctx)->tcp; }
