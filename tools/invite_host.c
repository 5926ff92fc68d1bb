/* invite_host.c - see invite_host.h. */
#include <stdio.h>
#include <string.h>

#include "invite_host.h"
#include "msrp_tp.h"

/* The largest --msrp-connect-timeout, in seconds (a day). */
#define INVITE_HOST_CONNECT_TIMEOUT_MAX_S 86400u

int invite_host_flag(invite_host_opts *opts, const char *o, const char *v)
{
    if (!strcmp(o, "--msrp-listen")) {
        tp_addr a;
        if (!v || tp_addr_parse(v, strlen(v), 0, &a) < 0)
            return -1;
        opts->msrp_listen = v;
        return 1;
    }
    if (!strcmp(o, "--msrp-connect-timeout")) {
        uint64_t s;
        if (!v || !sp_str_to_u64(sp_str_cstr(v), INVITE_HOST_CONNECT_TIMEOUT_MAX_S, &s) || s == 0)
            return -1;
        opts->connect_timeout_ms = (uint32_t)s * 1000u;
        return 1;
    }
    return 0;
}

/* Whether a is 0.0.0.0 or ::, which no peer can connect to. */
static bool unspecified(const tp_addr *a)
{
    tp_addr any;
    tp_addr_any(&any, tp_addr_family(a), tp_addr_port(a));
    return tp_addr_eq(a, &any);
}

int invite_host_open(invite_host *ih, agent_host *h, sip_tp tp, const invite_host_opts *opts)
{
    memset(ih, 0, sizeof *ih);
    int rc = msrp_endpoint_new(h->loop, NULL, &ih->ep);
    /* RFC 6135 §4.2.2: a passive end's a=path holds an address it listens on */
    const char *where = opts && opts->msrp_listen ? opts->msrp_listen : h->local.host;
    tp_addr bind;
    if (rc == 0 && tp_addr_parse(where, strlen(where), 0, &bind) < 0)
        rc = -1;
    if (rc == 0)
        rc = msrp_endpoint_listen(ih->ep, &bind, &ih->msrp);
    if (rc != 0) {
        fprintf(stderr, "sippush: cannot listen for MSRP on %s\n", where);
        invite_host_free(ih);
        return -1;
    }
    /* the URIs name the listener, or the SIP address when it listens on all */
    if (unspecified(&ih->msrp))
        snprintf(ih->host, sizeof ih->host, "%s", h->local.host);
    else
        tp_addr_format_host(&ih->msrp, ih->host, sizeof ih->host);
    ih->ctx.msrp_connect_timeout_ms = opts ? opts->connect_timeout_ms : 0;
    ih->ctx.env = h->env;
    ih->ctx.sip = sip_txn_tp_layer(h->tp);
    ih->ctx.msrp = ih->ep;
    ih->ctx.msrp_host = ih->host;
    ih->ctx.msrp_port = tp_addr_port(&ih->msrp);
    ih->ctx.local = h->local;
    ih->ctx.tp = tp;
    return 0;
}

void invite_host_free(invite_host *ih)
{
    if (ih->ep)
        msrp_endpoint_free(ih->ep);
    ih->ep = NULL;
}

bool invite_host_owns_timer(uint64_t cookie)
{
    unsigned k = push_cookie_kind(cookie);
    return k == PUSH_TMR_INVITE_SENDER || k == PUSH_TMR_INVITE_RX || k == PUSH_TMR_MSRP_CONNECT;
}
