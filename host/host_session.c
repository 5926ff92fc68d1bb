/* host_session.c - see host_session.h. */
#include <stdio.h>
#include <string.h>

#include "host_session.h"

/* Whether a is 0.0.0.0 or ::, which no peer can connect to. */
static bool unspecified(const tp_addr *a)
{
    tp_addr any;
    tp_addr_any(&any, tp_addr_family(a), tp_addr_port(a));
    return tp_addr_eq(a, &any);
}

int host_session_open(host_session *s, tp_loop *loop, const push_env *env, const host_sip *sip,
                      const host_session_config *cfg)
{
    memset(s, 0, sizeof *s);
    const char *sip_host = sip->local.host;
    tp_addr bind;
    int rc = 0;
    /* RFC 6135 §4.2.2: a passive end's a=path holds an address it listens on */
    if (cfg->listen)
        bind = *cfg->listen;
    else if (tp_addr_parse(sip_host, strlen(sip_host), 0, &bind) < 0)
        rc = SP_EINVAL;
    if (rc == 0)
        rc = msrp_endpoint_new(loop, NULL, &s->ep);
    if (rc == 0)
        rc = msrp_endpoint_listen(s->ep, &bind, &s->msrp);
    if (rc != 0) {
        host_session_close(s);
        return rc;
    }
    /* the URIs name the listener, or the SIP address when it listens on all */
    if (unspecified(&s->msrp))
        snprintf(s->host, sizeof s->host, "%s", sip_host);
    else
        tp_addr_format_host(&s->msrp, s->host, sizeof s->host);
    s->ctx = (push_invite_ctx){.env = *env, .sip = host_sip_layer(sip), .msrp = s->ep, .msrp_host = s->host,
                               .msrp_port = tp_addr_port(&s->msrp), .msrp_connect_timeout_ms = cfg->connect_timeout_ms,
                               .local = sip->local, .tp = cfg->tp, .user = cfg->user};
    return 0;
}

void host_session_close(host_session *s)
{
    if (s->ep)
        msrp_endpoint_free(s->ep);
    s->ep = NULL;
}
