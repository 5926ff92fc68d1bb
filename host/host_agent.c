/* host_agent.c - see host_agent.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host_agent.h"
#include "host_fetch_impl.h"
#include "host_session.h"
#include "host_sip.h"
#include "host_timers.h"

struct host_agent {
    tp_loop *loop;
    bool own_loop;
    host_timers timers;
    push_env env;
    host_sip sip;
    host_session session;      /* the session-mode receiver's endpoint and context */
    push_invite_rx *irx;
    push_pra *pra;
    host_fetcher *fetcher;
    char accept[MSRP_ACCEPT_MAX];
    char aor[PUSH_URI_MAX];
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

/* Each cookie back to the agent that armed it. */
static void timer_fired(void *ctx, uint64_t cookie)
{
    host_agent *h = ctx;
    if (host_timer_is_session(cookie))
        push_invite_timer(&h->session.ctx, cookie);
    else if (h->pra)
        push_pra_timer(h->pra, cookie);
}

static void agent_log(void *ctx, const char *line)
{
    host_agent *h = ctx;
    if (h->log)
        h->log(h->ctx, line);
}

/* ---- the receivers' callbacks, into one event stream */

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
    host_event e = {.kind = HOST_EV_PUSH, .push = d, .file = path[0] ? path : NULL};
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
    h->irx = push_invite_rx_new(&h->session.ctx, &ic, &cb);
    return h->irx ? 0 : SP_EINVAL;
}

static int open_receiver(host_agent *h, const host_agent_config *cfg, const char **why)
{
    push_pra_config c = cfg->receiver;
    if (!c.aor.n) {
        push_local_uri(&h->sip.local, "recv", h->aor, sizeof h->aor);
        c.aor = sp_str_cstr(h->aor);
    }
    c.local = h->sip.local;
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

/* Everything host_agent_new opens, in order; *stage and *why say what failed. */
static int open_all(host_agent *h, const host_agent_config *cfg, host_failure *stage, const char **why)
{
    *stage = HOST_FAIL_LISTEN;
    *why = "cannot listen";
    host_sip_config sc = {.udp = cfg->udp, .tcp = cfg->tcp, .tcp_limits = cfg->tcp_limits,
                          .allow = push_pra_allow(true), .supported = SP_LIT("gruu, timer")};
    int rc = host_sip_open(&h->sip, h->loop, &sc);
    if (rc != 0)
        return rc;
    *stage = HOST_FAIL_MSRP;
    *why = "cannot listen for MSRP";
    host_session_config mc = {.listen = cfg->msrp_listen, .connect_timeout_ms = cfg->msrp_connect_timeout_ms,
                              .tp = h->sip.local.udp_port ? SIP_TP_UDP : SIP_TP_TCP};
    if ((rc = host_session_open(&h->session, h->loop, &h->env, &h->sip, &mc)) != 0)
        return rc;
    *stage = HOST_FAIL_ACCEPT;
    *why = "bad accept types";
    if ((rc = open_session_receiver(h, cfg)) != 0)
        return rc;
    *stage = HOST_FAIL_CONFIG;
    if ((rc = open_receiver(h, cfg, why)) != 0)
        return rc;
    host_sip_set_tu(&h->sip, push_pra_tu(h->pra));
    push_pra_set_layer(h->pra, host_sip_layer(&h->sip));
    return 0;
}

int host_agent_new(const host_agent_config *cfg, host_agent **out, host_agent_error *err)
{
    *out = NULL;
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
    host_timers_init(&h->timers, h->loop, timer_fired, agent_log, h);
    h->env = host_timers_env(&h->timers);
    h->fetcher = cfg->fetch ? host_fetcher_new(h->loop) : NULL;
    host_failure stage;
    const char *why;
    int rc = open_all(h, cfg, &stage, &why);
    if (rc != 0) {
        host_agent_free(h);
        return fail(err, stage, rc, why);
    }
    *out = h;
    return 0;
}

void host_agent_start(host_agent *h) { push_pra_start(h->pra); }
void host_agent_stop(host_agent *h) { push_pra_stop(h->pra); }

tp_loop *host_agent_loop(const host_agent *h) { return h->loop; }
const push_local *host_agent_local(const host_agent *h) { return &h->sip.local; }

const host_sip *host_agent_sip(const host_agent *h) { return &h->sip; }

void host_agent_msrp_bound(const host_agent *h, tp_addr *out) { *out = h->session.msrp; }

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
    host_sip_close(&h->sip);
    push_invite_rx_free(h->irx);
    push_pra_free(h->pra);
    host_session_close(&h->session);
    host_fetcher_free(h->fetcher);
    host_timers_free(&h->timers);
    if (h->own_loop)
        tp_loop_free(h->loop);
    free(h);
}
