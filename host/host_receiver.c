/* host_receiver.c - the Push Receiver Agent's role in a host_agent
 * (host_agent_impl.h): push_pra with the session-mode receiver, the fetch
 * thread, and every push stored into the sink before it is reported. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "host_agent_impl.h"

/* ---- the receivers' callbacks, into one event stream */

static void on_agent(void *ctx, const push_pra_event *ev)
{
    host_event e = {.kind = ev->kind == PUSH_PRA_EV_STOPPED ? HOST_EV_STOPPED : HOST_EV_AGENT, .agent = ev};
    host_emit(ctx, &e);
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
    host_emit(h, &e);
    return 0;
}

static void on_session(void *ctx, const push_invite_delivery *d)
{
    host_event e = {.kind = HOST_EV_SESSION, .session = d, .file = d->duplicate ? NULL : d->file};
    host_emit(ctx, &e);
}

static void on_session_rejected(void *ctx, unsigned status, const char *reason)
{
    push_pra_event ev = {.kind = PUSH_PRA_EV_REJECTED, .status = status, .method = SP_LIT("INVITE"),
                         .reason = sp_str_cstr(reason)};
    host_event e = {.kind = HOST_EV_AGENT, .agent = &ev};
    host_emit(ctx, &e);
}

static void on_session_ended(void *ctx, const char *why)
{
    host_event e = {.kind = HOST_EV_ENDED, .why = why};
    host_emit(ctx, &e);
}

static void fetch_start(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    host_fetcher_start(((host_agent *)ctx)->fetcher, id, url, max);
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
    if (!c.aor.n)
        c.aor = sp_str_cstr(h->identity);
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

static int receiver_open(host_agent *h, const host_agent_config *cfg, host_failure *stage, const char **why)
{
    h->sink = cfg->sink;
    h->sink_ctx = cfg->sink_ctx;
    h->out_dir = cfg->out_dir;
    h->fetcher = cfg->fetch ? host_fetcher_new(h->loop) : NULL;
    *stage = HOST_FAIL_ACCEPT;
    *why = "bad accept types";
    int rc = open_session_receiver(h, cfg);
    if (rc != 0)
        return rc;
    *stage = HOST_FAIL_CONFIG;
    if ((rc = open_receiver(h, cfg, why)) != 0)
        return rc;
    host_sip_set_tu(&h->sip, push_pra_tu(h->pra));
    push_pra_set_layer(h->pra, host_sip_layer(&h->sip));
    return 0;
}

/* The session-mode agents' cookies go to their context, every other one to the receiver. */
static void receiver_timer(host_agent *h, uint64_t cookie)
{
    if (host_timer_is_session(cookie))
        push_invite_timer(&h->session.ctx, cookie);
    else if (h->pra)
        push_pra_timer(h->pra, cookie);
}

static void receiver_start(host_agent *h) { push_pra_start(h->pra); }
static void receiver_stop(host_agent *h) { push_pra_stop(h->pra); }

static void receiver_free(host_agent *h)
{
    push_invite_rx_free(h->irx);
    push_pra_free(h->pra);
    h->irx = NULL;
    h->pra = NULL;
    host_fetcher_free(h->fetcher);
    h->fetcher = NULL;
}

static sp_str receiver_allow(char *buf, size_t cap)
{
    (void)buf, (void)cap;
    return push_pra_allow(true);
}

const host_role host_receiver = {.user = "recv", .allow = receiver_allow, .supported = "gruu, timer",
                                 .open = receiver_open, .timer = receiver_timer, .start = receiver_start,
                                 .stop = receiver_stop, .free = receiver_free};
