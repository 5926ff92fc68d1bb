/* host_agent.c - see host_agent.h: the core every role shares (the loop,
 * timers, listeners, endpoint); the agents themselves are in
 * host_receiver.c and host_sender.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host_agent_impl.h"

void host_emit(host_agent *h, const host_event *ev)
{
    if (h->on_event)
        h->on_event(h->ctx, ev);
}

/* Each cookie back to the agent that armed it. */
static void timer_fired(void *ctx, uint64_t cookie)
{
    host_agent *h = ctx;
    h->role->timer(h, cookie);
}

static void agent_log(void *ctx, const char *line)
{
    host_agent *h = ctx;
    if (h->log)
        h->log(h->ctx, line);
}

static int fail(host_agent_error *err, host_failure stage, int code, const char *why)
{
    if (err)
        *err = (host_agent_error){.stage = stage, .code = code, .why = why};
    return code;
}

/* Everything host_agent_new opens, in order; *stage and *why say what failed. */
static int open_all(host_agent *h, const host_agent_config *cfg, host_failure *stage, const char **why)
{
    const host_role *r = h->role;
    *stage = HOST_FAIL_LISTEN;
    *why = "cannot listen";
    host_sip_config sc = {.udp = cfg->udp, .tcp = cfg->tcp, .tcp_limits = cfg->tcp_limits, .max_txns = cfg->max_txns,
                          .allow = r->allow(h->allow, sizeof h->allow), .supported = sp_str_cstr(r->supported)};
    int rc = host_sip_open(&h->sip, h->loop, &sc);
    if (rc != 0)
        return rc;
    push_local_uri(&h->sip.local, r->user, h->identity, sizeof h->identity);
    *stage = HOST_FAIL_MSRP;
    *why = "cannot listen for MSRP";
    host_session_config mc = {.listen = cfg->msrp_listen, .connect_timeout_ms = cfg->msrp_connect_timeout_ms,
                              .tp = h->sip.local.udp_port ? SIP_TP_UDP : SIP_TP_TCP,
                              .user = r->session_user ? sp_str_cstr(r->user) : SP_STR_NULL};
    if ((rc = host_session_open(&h->session, h->loop, &h->env, &h->sip, &mc)) != 0)
        return rc;
    return r->open(h, cfg, stage, why);
}

int host_agent_new(const host_agent_config *cfg, host_agent **out, host_agent_error *err)
{
    *out = NULL;
    if (!cfg->role)
        return fail(err, HOST_FAIL_CONFIG, SP_EINVAL, "no role (host_receiver or host_sender)");
    host_agent *h = calloc(1, sizeof *h);
    if (!h)
        return fail(err, HOST_FAIL_LOOP, -ENOMEM, "out of memory");
    h->role = cfg->role;
    h->ctx = cfg->ctx;
    h->on_event = cfg->on_event;
    h->log = cfg->log;
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

void host_agent_start(host_agent *h) { h->role->start(h); }
void host_agent_stop(host_agent *h) { h->role->stop(h); }

tp_loop *host_agent_loop(const host_agent *h) { return h->loop; }
const push_local *host_agent_local(const host_agent *h) { return &h->sip.local; }
const host_sip *host_agent_sip(const host_agent *h) { return &h->sip; }
void host_agent_msrp_bound(const host_agent *h, tp_addr *out) { *out = h->session.msrp; }
push_pra *host_agent_receiver(const host_agent *h) { return h->pra; }
push_psa *host_agent_sender(const host_agent *h) { return h->psa; }

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
    h->role->free(h);
    host_session_close(&h->session);
    host_timers_free(&h->timers);
    if (h->own_loop)
        tp_loop_free(h->loop);
    free(h);
}
