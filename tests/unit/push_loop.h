/* push_loop.h - a session-mode push sender and receiver on one tp_loop
 * over loopback (UDP or TCP for SIP, TCP for MSRP), for the agent tests:
 * each side is the host layer's parts (host_sip, host_session,
 * host_timers) with the test's transaction user: requests are recorded and
 * go to the sender's and the receiver's routes, anything else is answered
 * 481; timers may run faster (time_div) and log lines are kept. */
#ifndef SIPPUSH_TEST_PUSH_LOOP_H
#define SIPPUSH_TEST_PUSH_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "host_session.h"
#include "host_sip.h"
#include "host_timers.h"
#include "push_invite_receiver.h"
#include "push_invite_sender.h"

#define PL_LOG_MAX 256
#define PL_WIRE_MAX 64

typedef struct pl_side {
    struct push_loop *pl;
    host_sip sip;
    host_session sess;                   /* the endpoint and the agents' context */
    host_timers timers;
    push_env host_env;                   /* the timers' environment, under the test's */
    tp_addr sip_addr;
    push_invite_rx *rx;                  /* the receiver side only */
    char *wire[PL_WIRE_MAX];             /* SIP requests received, in order */
    size_t nwire;
    char lines[PL_LOG_MAX][160];
    size_t nlines;
} pl_side;

typedef struct push_loop {
    tp_loop *loop;
    int family;                          /* AF_INET (127.0.0.1) or AF_INET6 (::1) */
    unsigned time_div;                   /* push timers run this many times faster */
    pl_side tx, rx;
    /* sender outcome */
    bool done;
    push_invite_result result;
    push_invite_sender *sender;
    uint64_t progress_calls, progress_last;
    /* receiver events */
    int delivered, duplicates, rejected, ended;
    unsigned refuse;                     /* what the application's accept answers (0: take it) */
    unsigned last_reject;
    push_invite_delivery last;           /* slices not kept */
    uint8_t last_sha1[SP_SHA1_LEN];
    char last_file[1024];
    char last_type[128];
    char last_app[64];
    uint8_t *last_data;                  /* memory delivery copy */
    size_t last_len;
} push_loop;

/* Opens both sides over tp (SIP) with cfg for the receiver (NULL: defaults),
 * on 127.0.0.1, or on the loopback address of family. */
void pl_open(push_loop *pl, sip_tp tp, const push_invite_rx_config *cfg);
void pl_open_family(push_loop *pl, int family, sip_tp tp, const push_invite_rx_config *cfg);
/* Both sides' address ("127.0.0.1" or "::1"). */
const char *pl_host(const push_loop *pl);
void pl_close(push_loop *pl);
/* The sender's URI of the receiver ("sip:bob@127.0.0.1:PORT"). */
const char *pl_target(push_loop *pl);
/* Default parameters for one file of memory content. */
void pl_params(push_loop *pl, push_invite_params *p, push_invite_file *f, const void *data, size_t len,
               const char *type);
/* Creates and starts a sender; returns it (also in pl->sender). */
push_invite_sender *pl_send(push_loop *pl, const push_invite_params *p);
/* Runs until *flag or timeout_ms; returns *flag. */
bool pl_run_until(push_loop *pl, const bool *flag, int timeout_ms);
void pl_run_for(push_loop *pl, int ms);
/* Whether a logged line of a side contains text. */
bool pl_logged(const pl_side *s, const char *text);
/* The first SIP request a side received whose start line begins with prefix, or NULL. */
const char *pl_wire(const pl_side *s, const char *prefix, size_t nth);

#endif
