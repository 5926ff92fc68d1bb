/* invite_host.c - see invite_host.h. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
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

int invite_host_open(invite_host *ih, agent_host *h, sip_tp tp, const invite_host_opts *opts)
{
    tp_addr bind;
    const char *where = opts && opts->msrp_listen ? opts->msrp_listen : h->local.host;
    host_session_config c = {.connect_timeout_ms = opts ? opts->connect_timeout_ms : 0, .tp = tp};
    if (opts && opts->msrp_listen && tp_addr_parse(where, strlen(where), 0, &bind) >= 0)
        c.listen = &bind;
    if ((opts && opts->msrp_listen && !c.listen) || host_session_open(ih, h->loop, &h->env, &h->sip, &c) != 0) {
        memset(ih, 0, sizeof *ih);
        fprintf(stderr, "sippush: cannot listen for MSRP on %s\n", where);
        return -1;
    }
    return 0;
}

void invite_host_free(invite_host *ih) { host_session_close(ih); }

static void verbose_log(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "%s\n", line);
}

int invite_host_agent(agent_host *h, const invite_host_opts *opts, host_agent_config *hc, const char *cmd,
                      host_agent **out)
{
    agent_host_prepare(h, true);
    tp_addr msrp;
    if (opts->msrp_listen) /* checked by invite_host_flag */
        tp_addr_parse(opts->msrp_listen, strlen(opts->msrp_listen), 0, &msrp);
    hc->loop = h->loop;
    hc->udp = h->has_udp ? &h->udp : NULL;
    hc->tcp = h->has_tcp ? &h->tcp : NULL;
    hc->tcp_limits = &h->tcp_limits;
    hc->max_txns = h->max_txns;
    hc->msrp_listen = opts->msrp_listen ? &msrp : NULL;
    hc->msrp_connect_timeout_ms = opts->connect_timeout_ms;
    hc->log = h->verbose ? verbose_log : NULL;
    host_agent_error err;
    if (host_agent_new(hc, out, &err) == 0) {
        agent_host_adopt(h, host_agent_sip(*out));
        return 0;
    }
    char sip_host[TP_ADDR_HOST_MAX + 1];
    tp_addr_format_host(hc->udp ? hc->udp : hc->tcp, sip_host, sizeof sip_host);
    switch (err.stage) {
    case HOST_FAIL_ACCEPT:
        fprintf(stderr, "sippush %s: bad --accept types\n", cmd);
        return EXIT_USAGE;
    case HOST_FAIL_CONFIG:
        fprintf(stderr, "sippush %s: %s\n", cmd, err.why);
        return EXIT_USAGE;
    case HOST_FAIL_MSRP:
        fprintf(stderr, "sippush: cannot listen for MSRP on %s\n", opts->msrp_listen ? opts->msrp_listen : sip_host);
        return EXIT_FAIL;
    default:
        fprintf(stderr, "sippush: %s: %s\n", err.why, strerror(-err.code));
        return EXIT_FAIL;
    }
}
