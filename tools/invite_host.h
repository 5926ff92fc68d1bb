/* invite_host.h - the session-mode push agents on an agent_host's loop: an
 * MSRP endpoint listening beside the SIP listeners and the push_invite_ctx
 * that binds the agents to the host's layer, timers and address. Shared
 * by `sippush send`, `recv`, `psa` and the demo. */
#ifndef SIPPUSH_INVITE_HOST_H
#define SIPPUSH_INVITE_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "agent_host.h"
#include "host_agent.h"
#include "host_session.h"
#include "push_invite.h"
#include "push_invite_sender.h"

typedef host_session invite_host;

/* The MSRP flags every command with session-mode pushes takes. */
typedef struct invite_host_opts {
    const char *msrp_listen;     /* --msrp-listen HOST[:PORT]: where the MSRP listener
                                    binds; NULL: the SIP listener's address, a port of
                                    the system's choosing */
    uint32_t connect_timeout_ms; /* --msrp-connect-timeout S; 0: PUSH_MSRP_CONNECT_TIMEOUT_MS */
} invite_host_opts;

/* Takes flag o with its value v: 1 when it is one of invite_host_opts', 0
 * when it is not, -1 when its value is bad. */
int invite_host_flag(invite_host_opts *opts, const char *o, const char *v);

/* After agent_host_open: the endpoint listens (opts->msrp_listen, else the
 * host's address on a port of the system's choosing); requests of the
 * agents go out over tp. opts may be NULL. 0, or -1 with a message on
 * stderr. */
int invite_host_open(invite_host *ih, agent_host *h, sip_tp tp, const invite_host_opts *opts);
void invite_host_free(invite_host *ih);

/* `sippush recv` and `psa`: the agent of hc->role on h's loop, listening
 * where h was told (--listen, the defaults when none), with the MSRP flags
 * of opts and h's --tcp-* and --verbose; the rest of hc is the caller's.
 * 0 and *out, or the exit status after a message on stderr (cmd names the
 * command in it). */
int invite_host_agent(agent_host *h, const invite_host_opts *opts, host_agent_config *hc, const char *cmd,
                      host_agent **out);

/* `sippush send` of a session-mode push. */
typedef struct send_invite_opts {
    sp_str to, proxy, from, app, icsi;
    sp_str type, name;
    const char *file;           /* read in place (any size); NULL: body */
    sp_str body;
    const sp_str *headers;      /* "NAME:VALUE" push headers */
    size_t nheaders;
    bool confirm;
    uint32_t chunk_size;        /* 0: the default */
    bool progress;              /* a progress bar on stderr */
    sdp_setup setup;            /* --msrp-setup: the role offered; NONE: passive */
    invite_host_opts msrp;      /* --msrp-listen, --msrp-connect-timeout */
} send_invite_opts;

/* Runs the push to its end on h's loop and prints the outcome line of
 * CONTRACT.md. Returns the exit status. */
int send_invite_run(agent_host *h, invite_host *ih, const send_invite_opts *o);

/* The outcome line of a session-mode push. */
void send_invite_result_json(json_out *j, const push_invite_result *r, uint64_t ms);

/* A one-line progress bar on stderr ("\r[#####   ]  45%  12.3 MB/s"), drawn
 * only when stderr is a terminal; done == total finishes the line. */
void progress_draw(uint64_t done, uint64_t total, uint64_t elapsed_ms);

#endif
