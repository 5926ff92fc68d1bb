/* invite_host.c - see invite_host.h. */
#include <stdio.h>
#include <string.h>

#include "invite_host.h"

int invite_host_open(invite_host *ih, agent_host *h, sip_tp tp)
{
    memset(ih, 0, sizeof *ih);
    int rc = msrp_endpoint_new(h->loop, NULL, &ih->ep);
    tp_addr bind;
    if (rc == 0 && tp_addr_parse(h->local.host, strlen(h->local.host), 0, &bind) < 0)
        rc = -1;
    if (rc == 0)
        rc = msrp_endpoint_listen(ih->ep, &bind, &ih->msrp);
    if (rc != 0) {
        fprintf(stderr, "sippush: cannot listen for MSRP on %s\n", h->local.host);
        invite_host_free(ih);
        return -1;
    }
    snprintf(ih->host, sizeof ih->host, "%s", h->local.host);
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
    return k == PUSH_TMR_INVITE_SENDER || k == PUSH_TMR_INVITE_RX;
}
