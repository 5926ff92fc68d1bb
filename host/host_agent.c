/* host_agent.c - see host_agent.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_agent.h"
#include "host_fetch_impl.h"
#include "msrp_tp.h"
#include "push_invite.h"

struct host_timer {
    tp_timer t;
    uint64_t cookie;
    host_agent *h;
    struct host_timer *prev, *next;
};

struct host_agent {
    tp_loop *loop;
    bool own_loop;
    sip_txn_tp *tp;
    msrp_endpoint *ep;
    push_invite_ctx ictx;      /* the session-mode agents' binding */
    push_invite_rx *irx;
    push_pra *pra;
    sip_txn_tu tu;             /* the receiver's, once it exists */
    host_fetcher *fetcher;
    push_env env;
    push_local local;
    tp_addr msrp;              /* where the endpoint listens */
    char msrp_host[SIP_PEER_HOST_MAX];
    char accept[MSRP_ACCEPT_MAX];
    char aor[PUSH_URI_MAX];
    struct host_timer *timers; /* armed, for freeing with the host */
    const msrp_sink_ops *sink;
    void *sink_ctx;
    const char *out_dir;
    unsigned long seq;         /* page-mode file names */
    void *ctx;
    void (*on_event)(void *ctx, const host_event *ev);
    void (*log)(void *ctx, const char *line);
};

static void emit(host_agent *h, const host_event *ev)
{
    if (h->on_event)
        h->on_event(h->ctx, ev);
}

/* ---- timers: the loop's heap behind push_env, each cookie back to its agent */

static void timer_unlink(host_agent *h, struct host_timer *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        h->timers = r->next;
    if (r->next)
        r->next->prev = r->prev;
}

/* The session-mode agents' cookies (push_invite.h) go to their context,
 * every other one to the receiver. */
static bool invite_owns(uint64_t cookie)
{
    unsigned k = push_cookie_kind(cookie);
    return k == PUSH_TMR_INVITE_SENDER || k == PUSH_TMR_INVITE_RX || k == PUSH_TMR_MSRP_CONNECT;
}

static void timer_fired(tp_timer *t, void *ctx)
{
    (void)t;
    struct host_timer *r = ctx;
    host_agent *h = r->h;
    uint64_t cookie = r->cookie;
    timer_unlink(h, r);
    free(r);
    if (invite_owns(cookie))
        push_invite_timer(&h->ictx, cookie);
    else if (h->pra)
        push_pra_timer(h->pra, cookie);
}

static uint64_t env_now(void *ctx) { return tp_loop_now(((host_agent *)ctx)->loop); }

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    host_agent *h = ctx;
    struct host_timer *r = calloc(1, sizeof *r);
    if (!r)
        return 0;
    r->h = h;
    r->cookie = cookie;
    tp_timer_init(&r->t, timer_fired, r);
    if (tp_timer_start(tp_loop_timers(h->loop), &r->t, delay_ms) != 0) {
        free(r);
        return 0;
    }
    r->next = h->timers;
    if (h->timers)
        h->timers->prev = r;
    h->timers = r;
    return (uint64_t)(uintptr_t)r;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    host_agent *h = ctx;
    struct host_timer *r = (struct host_timer *)(uintptr_t)handle;
    tp_timer_stop(tp_loop_timers(h->loop), &r->t);
    timer_unlink(h, r);
    free(r);
}

static void env_log(void *ctx, const char *line)
{
    host_agent *h = ctx;
    if (h->log)
        h->log(h->ctx, line);
}

/* ---- the receiver's callbacks, into one event stream */

static void on_agent(void *ctx, const push_pra_event *ev)
{
    host_event e = {.kind = ev->kind == PUSH_PRA_EV_STOPPED ? HOST_EV_STOPPED : HOST_EV_AGENT, .agent = ev};
    emit(ctx, &e);
}

/* One page-mode body into the sink: into the configured one, or a file
 * in out_dir named APP-SECONDS-SEQ, written to a temporary file and renamed
 * into place so the name never shows a partial file. 0, or 500. */
static unsigned store(host_agent *h, const push_delivery *d, char *path, size_t cap)
{
    for (int tries = 0; tries < MSRP_SINK_UNIQUE_TRIES; tries++) {
        char name[96];
        snprintf(name, sizeof name, "%.*s-%lld-%lu", d->app.n ? (int)d->app.n : 4, d->app.n ? d->app.p : "push",
                 (long long)time(NULL), ++h->seq);
        msrp_sink s;
        msrp_sink_info info = {.name = sp_str_cstr(name), .content_type = d->content_type, .max_size = d->body.n};
        int rc = h->sink ? msrp_sink_open(&s, h->sink, h->sink_ctx, &info)
                         : msrp_sink_file_open(&s, h->out_dir, info.name, 0);
        if (rc != SP_OK)
            return 500;
        rc = msrp_sink_write(&s, 0, d->body.p, d->body.n);
        if (rc == SP_OK)
            rc = msrp_sink_commit(&s, d->body.n);
        const char *where = rc == SP_OK ? msrp_sink_path(&s) : NULL;
        snprintf(path, cap, "%s", where ? where : "");
        msrp_sink_close(&s);
        if (rc == SP_OK)
            return 0;
        if (rc != MSRP_EEXIST)
            return 500;
    }
    return 500;
}

static unsigned on_push(void *ctx, const push_delivery *d)
{
    host_agent *h = ctx;
    char path[MSRP_SINK_PATH_MAX] = "";
    bool stored = h->sink || h->out_dir;
    if (stored && store(h, d, path, sizeof path) != 0)
        return 500;
    host_event e = {.kind = HOST_EV_PUSH, .push = d, .file = stored && path[0] ? path : NULL};
    emit(h, &e);
    return 0;
}

static void on_session(void *ctx, const push_invite_delivery *d)
{
    host_event e = {.kind = HOST_EV_SESSION, .session = d, .file = d->duplicate ? NULL : d->file};
    emit(ctx, &e);
}

static void on_session_rejected(void *ctx, unsigned status, const char *reason)
{
    push_pra_event ev = {.kind = PUSH_PRA_EV_REJECTED, .status = status, .method = SP_LIT("INVITE"),
                         .reason = sp_str_cstr(reason)};
    host_event e = {.kind = HOST_EV_AGENT, .agent = &ev};
    emit(ctx, &e);
}

static void on_session_ended(void *ctx, const char *why)
{
    host_event e = {.kind = HOST_EV_ENDED, .why = why};
    emit(ctx, &e);
}

static void fetch_start(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    host_fetcher_start(((host_agent *)ctx)->fetcher, id, url, max);
}

/* ---- making it */

static int fail(host_agent_error *err, host_failure stage, int code, const char *why)
{
    if (err)
        *err = (host_agent_error){.stage = stage, .code = code, .why = why};
    return code;
}

/* Whether a is 0.0.0.0 or ::, which no peer can connect to. */
static bool unspecified(const tp_addr *a)
{
    tp_addr any;
    tp_addr_any(&any, tp_addr_family(a), tp_addr_port(a));
    return tp_addr_eq(a, &any);
}

/* The layer is made before the receiver (which needs the ports it bound):
 * its requests reach the receiver's transaction user through these. */
static void fwd_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    host_agent *h = ctx;
    if (h->tu.on_request)
        h->tu.on_request(h->tu.ctx, st, req, src);
}

static void fwd_server_end(void *ctx, sip_txn_id st, sip_txn_end why)
{
    host_agent *h = ctx;
    if (h->tu.on_server_end)
        h->tu.on_server_end(h->tu.ctx, st, why);
}

static void fwd_stray(void *ctx, const sip_msg *resp, const sip_peer *src)
{
    host_agent *h = ctx;
    if (h->tu.on_stray_response)
        h->tu.on_stray_response(h->tu.ctx, resp, src);
}

static bool fwd_stateless(void *ctx, const sip_msg *req, const sip_peer *src, sip_txn_reply *reply)
{
    host_agent *h = ctx;
    return h->tu.on_stateless_request && h->tu.on_stateless_request(h->tu.ctx, req, src, reply);
}

static int open_sip(host_agent *h, const host_agent_config *cfg)
{
    sip_txn_tp_config c;
    memset(&c, 0, sizeof c);
    sip_txn_config_default(&c.txn);
    c.txn.allow = push_pra_allow(true);
    c.txn.supported = SP_LIT("gruu, timer");
    c.tu = (sip_txn_tu){.ctx = h, .on_request = fwd_request, .on_server_end = fwd_server_end,
                        .on_stray_response = fwd_stray, .on_stateless_request = fwd_stateless};
    c.udp = cfg->udp;
    c.tcp = cfg->tcp;
    c.tcp_limits = cfg->tcp_limits;
    int rc = sip_txn_tp_new(h->loop, &c, &h->tp);
    if (rc != 0)
        return rc;
    tp_addr a;
    tp_addr_format_host(cfg->udp ? cfg->udp : cfg->tcp, h->local.host, sizeof h->local.host);
    if (sip_txn_tp_local(h->tp, SIP_TP_UDP, &a) == 0)
        h->local.udp_port = tp_addr_port(&a);
    if (sip_txn_tp_local(h->tp, SIP_TP_TCP, &a) == 0)
        h->local.tcp_port = tp_addr_port(&a);
    return 0;
}

/* RFC 6135 §4.2.2: a passive end's a=path holds an address it listens on. */
static int open_msrp(host_agent *h, const host_agent_config *cfg)
{
    int rc = msrp_endpoint_new(h->loop, NULL, &h->ep);
    tp_addr bind;
    if (cfg->msrp_listen)
        bind = *cfg->msrp_listen;
    else if (rc == 0 && tp_addr_parse(h->local.host, strlen(h->local.host), 0, &bind) < 0)
        rc = SP_EINVAL;
    if (rc == 0)
        rc = msrp_endpoint_listen(h->ep, &bind, &h->msrp);
    if (rc != 0)
        return rc;
    /* the URIs name the listener, or the SIP address when it listens on all */
    if (unspecified(&h->msrp))
        snprintf(h->msrp_host, sizeof h->msrp_host, "%s", h->local.host);
    else
        tp_addr_format_host(&h->msrp, h->msrp_host, sizeof h->msrp_host);
    h->ictx = (push_invite_ctx){.env = h->env, .msrp = h->ep, .msrp_host = h->msrp_host,
                                .msrp_port = tp_addr_port(&h->msrp), .local = h->local,
                                .sip = sip_txn_tp_layer(h->tp),
                                .msrp_connect_timeout_ms = cfg->msrp_connect_timeout_ms,
                                .tp = h->local.udp_port ? SIP_TP_UDP : SIP_TP_TCP};
    return 0;
}

/* The session-mode receiver takes what the page-mode one takes: message/cpim
 * (RFC 4975 §8.6) and the accepted types, or everything. */
static int open_session_receiver(host_agent *h, const host_agent_config *cfg)
{
    const push_pra_config *c = &cfg->receiver;
    size_t n = (size_t)snprintf(h->accept, sizeof h->accept, "message/cpim%s", c->naccept ? "" : " *");
    for (size_t i = 0; i < c->naccept && n < sizeof h->accept; i++)
        n += (size_t)snprintf(h->accept + n, sizeof h->accept - n, " %.*s", (int)c->accept[i].n, c->accept[i].p);
    if (n >= sizeof h->accept)
        return SP_EINVAL;
    push_invite_rx_config ic = {.accept_types = sp_str_cstr(h->accept), .max_size = c->max_size,
                                .out_dir = cfg->out_dir, .sink = cfg->sink, .sink_ctx = cfg->sink_ctx,
                                .apps = c->apps, .napps = c->napps, .max_sessions = cfg->max_sessions,
                                .max_name = cfg->max_name};
    push_invite_rx_cb cb = {.ctx = h, .delivered = on_session, .rejected = on_session_rejected,
                            .ended = on_session_ended};
    h->irx = push_invite_rx_new(&h->ictx, &ic, &cb);
    return h->irx ? 0 : SP_EINVAL;
}

static int open_receiver(host_agent *h, const host_agent_config *cfg, const char **why)
{
    push_pra_config c = cfg->receiver;
    if (!c.aor.n) {
        push_local_uri(&h->local, "recv", h->aor, sizeof h->aor);
        c.aor = sp_str_cstr(h->aor);
    }
    c.local = h->local;
    c.ctx = h;
    c.on_event = on_agent;
    c.on_push = on_push;
    c.fetch = h->fetcher ? fetch_start : NULL;
    c.invite = h->irx;
    h->pra = push_pra_new(&c, &h->env, why);
    if (!h->pra)
        return SP_EINVAL;
    if (h->fetcher)
        host_fetcher_set_agent(h->fetcher, h->pra);
    return 0;
}

int host_agent_new(const host_agent_config *cfg, host_agent **out, host_agent_error *err)
{
    *out = NULL;
    if (!cfg->udp && !cfg->tcp)
        return fail(err, HOST_FAIL_LISTEN, SP_EINVAL, "no SIP listener");
    host_agent *h = calloc(1, sizeof *h);
    if (!h)
        return fail(err, HOST_FAIL_LOOP, -ENOMEM, "out of memory");
    h->ctx = cfg->ctx;
    h->on_event = cfg->on_event;
    h->log = cfg->log;
    h->sink = cfg->sink;
    h->sink_ctx = cfg->sink_ctx;
    h->out_dir = cfg->out_dir;
    h->loop = cfg->loop;
    if (!h->loop) {
        h->loop = tp_loop_new();
        h->own_loop = true;
    }
    if (!h->loop) {
        free(h);
        return fail(err, HOST_FAIL_LOOP, -ENOMEM, "no event loop");
    }
    h->env = (push_env){.ctx = h, .now_ms = env_now, .timer_start = env_timer_start,
                        .timer_cancel = env_timer_cancel, .log = env_log};
    int rc;
    const char *why = NULL;
    h->fetcher = cfg->fetch ? host_fetcher_new(h->loop) : NULL;
    if ((rc = open_sip(h, cfg)) != 0) {
        host_agent_free(h);
        return fail(err, HOST_FAIL_LISTEN, rc, "cannot listen");
    }
    if ((rc = open_msrp(h, cfg)) != 0) {
        host_agent_free(h);
        return fail(err, HOST_FAIL_MSRP, rc, "cannot listen for MSRP");
    }
    if (open_session_receiver(h, cfg) != 0) {
        host_agent_free(h);
        return fail(err, HOST_FAIL_ACCEPT, SP_EINVAL, "bad accept types");
    }
    if ((rc = open_receiver(h, cfg, &why)) != 0) {
        host_agent_free(h);
        return fail(err, HOST_FAIL_CONFIG, rc, why);
    }
    h->tu = push_pra_tu(h->pra);
    push_pra_set_layer(h->pra, h->ictx.sip);
    *out = h;
    return 0;
}

void host_agent_start(host_agent *h) { push_pra_start(h->pra); }
void host_agent_stop(host_agent *h) { push_pra_stop(h->pra); }

tp_loop *host_agent_loop(const host_agent *h) { return h->loop; }
const push_local *host_agent_local(const host_agent *h) { return &h->local; }

int host_agent_sip_bound(const host_agent *h, sip_tp tp, tp_addr *out)
{
    return sip_txn_tp_local(h->tp, tp, out) == 0 ? 0 : SP_EINVAL;
}

void host_agent_msrp_bound(const host_agent *h, tp_addr *out) { *out = h->msrp; }

size_t host_agent_sessions(const host_agent *h) { return h->irx ? push_invite_rx_sessions(h->irx) : 0; }

void host_agent_hang_up_all(host_agent *h, const char *why)
{
    if (h->irx)
        push_invite_rx_hang_up_all(h->irx, why);
}

void host_agent_free(host_agent *h)
{
    if (!h)
        return;
    /* transactions go before the agents their callbacks name, the MSRP
     * endpoint and the timers before the loop */
    if (h->tp)
        sip_txn_tp_free(h->tp);
    push_invite_rx_free(h->irx);
    push_pra_free(h->pra);
    if (h->ep)
        msrp_endpoint_free(h->ep);
    host_fetcher_free(h->fetcher);
    while (h->timers) {
        struct host_timer *r = h->timers;
        tp_timer_stop(tp_loop_timers(h->loop), &r->t);
        timer_unlink(h, r);
        free(r);
    }
    if (h->own_loop)
        tp_loop_free(h->loop);
    free(h);
}
