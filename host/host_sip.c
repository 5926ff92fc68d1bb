/* host_sip.c - see host_sip.h. */
#include <string.h>

#include "host_sip.h"

static void fwd_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    host_sip *s = ctx;
    if (s->tu.on_request)
        s->tu.on_request(s->tu.ctx, st, req, src);
}

static void fwd_server_end(void *ctx, sip_txn_id st, sip_txn_end why)
{
    host_sip *s = ctx;
    if (s->tu.on_server_end)
        s->tu.on_server_end(s->tu.ctx, st, why);
}

static void fwd_stray(void *ctx, const sip_msg *resp, const sip_peer *src)
{
    host_sip *s = ctx;
    if (s->tu.on_stray_response)
        s->tu.on_stray_response(s->tu.ctx, resp, src);
}

static void fwd_room(void *ctx)
{
    host_sip *s = ctx;
    if (s->tu.on_room)
        s->tu.on_room(s->tu.ctx);
}

static bool fwd_stateless(void *ctx, const sip_msg *req, const sip_peer *src, sip_txn_reply *reply)
{
    host_sip *s = ctx;
    return s->tu.on_stateless_request && s->tu.on_stateless_request(s->tu.ctx, req, src, reply);
}

int host_sip_open(host_sip *s, tp_loop *loop, const host_sip_config *cfg)
{
    memset(s, 0, sizeof *s);
    if (!cfg->udp && !cfg->tcp)
        return SP_EINVAL;
    sip_txn_tp_config c;
    memset(&c, 0, sizeof c);
    sip_txn_config_default(&c.txn);
    c.txn.allow = cfg->allow;
    c.txn.supported = cfg->supported;
    if (cfg->max_txns)
        c.txn.max_txns = cfg->max_txns;
    c.tu = (sip_txn_tu){.ctx = s, .on_request = fwd_request, .on_server_end = fwd_server_end,
                        .on_stray_response = fwd_stray, .on_stateless_request = fwd_stateless, .on_room = fwd_room};
    c.udp = cfg->udp;
    c.tcp = cfg->tcp;
    c.tcp_limits = cfg->tcp_limits;
    int rc = sip_txn_tp_new(loop, &c, &s->tp);
    if (rc != 0)
        return rc;
    tp_addr a;
    tp_addr_format_host(cfg->udp ? cfg->udp : cfg->tcp, s->local.host, sizeof s->local.host);
    if (sip_txn_tp_local(s->tp, SIP_TP_UDP, &a) == 0)
        s->local.udp_port = tp_addr_port(&a);
    if (sip_txn_tp_local(s->tp, SIP_TP_TCP, &a) == 0)
        s->local.tcp_port = tp_addr_port(&a);
    return 0;
}

void host_sip_set_tu(host_sip *s, sip_txn_tu tu) { s->tu = tu; }

sip_txn_layer *host_sip_layer(const host_sip *s) { return sip_txn_tp_layer(s->tp); }

int host_sip_bound(const host_sip *s, sip_tp tp, tp_addr *out)
{
    return s->tp && sip_txn_tp_local(s->tp, tp, out) == 0 ? 0 : SP_EINVAL;
}

void host_sip_close(host_sip *s)
{
    if (s->tp)
        sip_txn_tp_free(s->tp);
    s->tp = NULL;
}
