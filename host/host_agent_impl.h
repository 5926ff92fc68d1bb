/* host_agent_impl.h - what the host's core (host_agent.c) and its roles
 * (host_receiver.c, host_sender.c) share: the object and a role's
 * operations. A program links only the role it names in its config. */
#ifndef SIPPUSH_HOST_AGENT_IMPL_H
#define SIPPUSH_HOST_AGENT_IMPL_H

#include "host_agent.h"
#include "host_fetch_impl.h"
#include "host_session.h"
#include "host_timers.h"

struct host_role {
    const char *user;      /* user part of the default identity and of the session-mode Contact */
    bool session_user;     /* whether the session-mode agents put it in their Contact */
    /* the transaction layer's Allow (written into buf when made) and Supported */
    sp_str (*allow)(char *buf, size_t cap);
    const char *supported;
    /* Makes the agent once the layer and the endpoint are open, and sets it
     * as the layer's transaction user.
     * 0, or a negative errno with *stage and *why set. */
    int (*open)(host_agent *h, const host_agent_config *cfg, host_failure *stage, const char **why);
    void (*timer)(host_agent *h, uint64_t cookie);
    void (*start)(host_agent *h);
    void (*stop)(host_agent *h);
    void (*free)(host_agent *h);
};

struct host_agent {
    const host_role *role;
    tp_loop *loop;
    bool own_loop;
    host_timers timers;
    push_env env;
    host_sip sip;
    host_session session;      /* the session-mode agents' endpoint and context */
    char identity[PUSH_URI_MAX]; /* the default AoR or identity, sip:USER@HOST:PORT */
    char allow[256];
    /* the receiver */
    push_pra *pra;
    push_invite_rx *irx;
    host_fetcher *fetcher;
    char accept[MSRP_ACCEPT_MAX];
    const msrp_sink_ops *sink;
    void *sink_ctx;
    const char *out_dir;
    unsigned long seq;         /* page-mode file names */
    /* the sender */
    push_psa *psa;
    void *ctx;
    void (*on_event)(void *ctx, const host_event *ev);
    void (*log)(void *ctx, const char *line);
};

void host_emit(host_agent *h, const host_event *ev);

#endif
