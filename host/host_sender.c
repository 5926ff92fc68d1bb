/* host_sender.c - the Push Sender Agent's role in a host_agent
 * (host_agent_impl.h): push_psa, its session-mode pushes sent through the
 * host's endpoint. */
#include <stdio.h>

#include "host_agent_impl.h"

static void on_sender(void *ctx, const push_psa_event *ev)
{
    host_event e = {.kind = HOST_EV_SENDER, .sender = ev};
    host_emit(ctx, &e);
}

static int sender_open(host_agent *h, const host_agent_config *cfg, host_failure *stage, const char **why)
{
    push_psa_config c = cfg->sender;
    if (!c.identity.n) /* the port too: a REFER's Refer-To sends receivers here (seed 002 §7.2.3.1 2a) */
        c.identity = sp_str_cstr(h->identity);
    c.local = h->sip.local;
    c.ctx = h;
    c.on_event = on_sender;
    c.invite = &h->session.ctx;
    *stage = HOST_FAIL_CONFIG;
    h->psa = push_psa_new(&c, &h->env, why);
    if (!h->psa)
        return SP_EINVAL;
    host_sip_set_tu(&h->sip, push_psa_tu(h->psa));
    push_psa_set_layer(h->psa, host_sip_layer(&h->sip));
    return 0;
}

/* The sender sends the session-mode agents' cookies on itself. */
static void sender_timer(host_agent *h, uint64_t cookie)
{
    if (h->psa)
        push_psa_timer(h->psa, cookie);
}

static void sender_start(host_agent *h) { push_psa_start(h->psa); }
static void sender_stop(host_agent *h) { push_psa_stop(h->psa); }

static void sender_free(host_agent *h)
{
    push_psa_free(h->psa);
    h->psa = NULL;
}

/* push_psa_allow and the methods of the session-mode sender's dialogs */
static sp_str sender_allow(char *buf, size_t cap)
{
    sp_str a = push_psa_allow();
    snprintf(buf, cap, "%.*s, INVITE, ACK, BYE, CANCEL, UPDATE", (int)a.n, a.p);
    return sp_str_cstr(buf);
}

const host_role host_sender = {.user = "psa", .session_user = true, .allow = sender_allow,
                               .supported = PUSH_PSA_SUPPORTED ", timer", .open = sender_open,
                               .timer = sender_timer, .start = sender_start, .stop = sender_stop,
                               .free = sender_free};
