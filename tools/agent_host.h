/* agent_host.h - a push agent on the event loop: the listeners of --listen,
 * the transaction layer through sip_txn_tp, the agent's timers on the
 * loop's heap, SIGINT/SIGTERM, and the JSON lines the commands print.
 * Shared by `sippush recv`, `psa` and `send`. */
#ifndef SIPPUSH_AGENT_HOST_H
#define SIPPUSH_AGENT_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "push_agent.h"
#include "sip_txn_tp.h"
#include "sp_json_impl.h"
#include "tp_loop.h"

typedef struct host_timer host_timer;

typedef struct agent_host {
    tp_loop *loop;
    sip_txn_tp *tp;
    push_env env;
    push_local local;
    tp_addr udp, tcp;              /* from --listen; len 0 when not asked */
    bool has_udp, has_tcp;
    tp_tcp_limits tcp_limits;      /* SIP over TCP: the --tcp-* flags over the transport's defaults */
    void *agent;
    sip_txn_tu tu;                 /* the agent's, once it exists (agent_host_set_tu) */
    void (*timer_fn)(void *agent, uint64_t cookie);
    void (*on_signal)(void *agent); /* first SIGINT/SIGTERM; a second one exits at once */
    bool signalled;
    bool verbose;                  /* --verbose: state changes on stderr */
    uint32_t max_txns;             /* the layer's transaction table; 0: the layer's default */
    host_timer *timers;            /* armed, for freeing at exit */
    json_out out;                  /* JSON lines: reach stdout at the end of each loop iteration */
    FILE *lines;                   /* the stream behind out */
    tp_defer flush;
} agent_host;

/* Takes one --listen value ("udp:HOST:PORT" or "tcp:HOST:PORT"). Returns
 * false (with a message on stderr) when it is malformed or a second one of
 * its transport. */
bool agent_host_listen(agent_host *h, const char *spec);
/* Takes one of the --tcp-* flags of recv and psa (connection slots and
 * timeouts of SIP over TCP) with its value. Returns 1 when taken, 0 when
 * flag is not one of them, -1 (with a message on stderr) for a bad value. */
int agent_host_tcp_flag(agent_host *h, const char *flag, const char *value);
/* Creates the loop and the environment; nothing listens yet. 0 or -1. */
int agent_host_init(agent_host *h, void *agent, void (*timer_fn)(void *agent, uint64_t cookie));
/* Opens the listeners (none asked and defaults: both on 127.0.0.1:5060)
 * and the layer, whose requests go to the user set with
 * agent_host_set_tu (the agent is made once the bound ports are known).
 * 0, or -1 with a message on stderr. */
int agent_host_open(agent_host *h, sp_str allow, sp_str supported, bool defaults);
void agent_host_set_tu(agent_host *h, sip_txn_tu tu);
/* Prints {"event":"listening","listen":[...]}. */
void agent_host_print_listening(agent_host *h);
/* Runs until tp_loop_stop. */
void agent_host_run(agent_host *h);
void agent_host_free(agent_host *h);

/* The numeric address the kernel would send from towards host (for a
 * one-shot sender's Via), of host's own family; the loopback address of
 * that family (127.0.0.1 when host does not resolve) when it cannot tell. */
void agent_host_source_for(const char *host, char *out, size_t cap);

/* Takes one --trust value (IPv4, IPv6 bare or in brackets, or a name,
 * "localhost" meaning 127.0.0.1 and ::1), resolved now: each of its
 * addresses, in the canonical text a peer's address is compared in
 * (sip_peer host), goes into text[*n] with list[*n] naming it, skipping those
 * listed already. false, with a message on stderr, when it does not resolve
 * or more than max addresses would be listed. */
bool agent_host_trust(const char *spec, char (*text)[TP_ADDR_HOST_MAX + 1], sp_str *list, size_t *n, size_t max);

#endif
