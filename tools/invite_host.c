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
