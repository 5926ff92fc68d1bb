/* agent_host.h - what the commands around a push agent share: the loop,
 * the --listen and --tcp-* flags, SIGINT/SIGTERM, and the JSON lines they
 * print. `recv` and `psa` run their agent as a host_agent on this loop
 * (invite_host_agent); `send` makes its own of the host layer's parts
 * (host_sip through agent_host_open, host_timers). */
#ifndef SIPPUSH_AGENT_HOST_H
#define SIPPUSH_AGENT_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "host_sip.h"
#include "host_timers.h"
#include "push_agent.h"
#include "sp_json_impl.h"
#include "tp_loop.h"

typedef struct agent_host {
    tp_loop *loop;
    host_sip sip;                  /* the transaction layer, once open */
    host_timers timers;            /* the agent's, into timer_fn */
    push_env env;
    push_local local;
    tp_addr udp, tcp;              /* from --listen; len 0 when not asked */
    bool has_udp, has_tcp;
    tp_tcp_limits tcp_limits;      /* SIP over TCP: the --tcp-* flags over the transport's defaults */
    uint32_t max_txns;             /* the layer's transaction table; 0: the layer's default */
    void *agent;
    void (*timer_fn)(void *agent, uint64_t cookie);
    void (*on_signal)(void *agent); /* first SIGINT/SIGTERM; a second one exits at once */
    bool signalled;
    bool verbose;                  /* --verbose: state changes on stderr */
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
/* Creates the loop and the environment (timer_fn gets the cookies of
 * env's timers; NULL when the agent is a host_agent, whose timers are its
 * own); nothing listens yet. 0 or -1. */
int agent_host_init(agent_host *h, void *agent, void (*timer_fn)(void *agent, uint64_t cookie));
/* Opens the listeners (none asked and defaults: both on 127.0.0.1:5060)
 * and the layer, whose requests go to the user set with
 * agent_host_set_tu (the agent is made once the bound ports are known).
 * 0, or -1 with a message on stderr. */
int agent_host_open(agent_host *h, sp_str allow, sp_str supported, bool defaults);
void agent_host_set_tu(agent_host *h, sip_txn_tu tu);
/* What agent_host_open does before the layer: the default listeners when
 * none was asked (and defaults), descriptors for the TCP slots. For a
 * program whose agent is a host_agent on h's loop. */
void agent_host_prepare(agent_host *h, bool defaults);
/* Takes the addresses sip bound (a host_agent's, host_agent_sip), for
 * agent_host_print_listening. */
void agent_host_adopt(agent_host *h, const host_sip *sip);
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
