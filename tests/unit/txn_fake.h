/* txn_fake.h - a fake clock, fake timers and a fake datagram network for
 * driving transaction layers in tests. Two endpoints share one clock; what
 * one sends to the other's address arrives after a delay the test's policy
 * chooses (or is dropped, duplicated, held back to reorder). Each endpoint
 * records what it sent and what its TU heard. */
#ifndef SIPPUSH_TEST_TXN_FAKE_H
#define SIPPUSH_TEST_TXN_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_txn.h"

#define FAKE_MAX_MSGS 256
#define FAKE_MAX_TIMERS 512
#define FAKE_MAX_FLIGHT 256
#define FAKE_MSG_MAX 4096

typedef struct fake_msg {
    char buf[FAKE_MSG_MAX];
    size_t len;
    sip_peer peer;        /* destination (sent) or source (heard) */
    uint64_t at;
} fake_msg;

typedef struct fake_event {
    sip_txn_id id;
    unsigned status;
    bool final, local, repeat;
    int end;              /* sip_txn_end for server ends, -1 otherwise */
    char method[16];      /* requests heard */
    fake_msg *msg;        /* a copy of the message heard, when any */
} fake_event;

struct fake_net;

typedef struct fake_ep {
    struct fake_net *net;
    sip_txn_layer *L;
    sip_peer self;
    fake_msg *sent;       /* FAKE_MAX_MSGS */
    size_t nsent;
    int fail_sends;       /* > 0: so many next sends fail; < 0: all fail */
    bool deaf;            /* datagrams to this endpoint are lost */
    /* what the TU heard */
    fake_event req[FAKE_MAX_MSGS];   size_t nreq;
    fake_event resp[FAKE_MAX_MSGS];  size_t nresp;
    fake_event ends[FAKE_MAX_MSGS];  size_t nends;
    fake_event stray[FAKE_MAX_MSGS]; size_t nstray;
    /* auto answer of the TU: 0 none, else this status for every non-ACK request */
    unsigned auto_status;
    size_t nroom;         /* times the layer said it has room again (tu.on_room) */
    /* called with every request after it is recorded (an agent under test); may be NULL */
    void (*on_request)(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src);
    void *on_request_ctx;
    char log[FAKE_MAX_MSGS][160];
    size_t nlog;
} fake_ep;

/* What the network does to one datagram: deliver copies times after delay_ms. */
typedef void (*fake_policy)(struct fake_net *net, size_t seq, const fake_msg *m, int *copies, uint64_t *delay_ms);

typedef struct fake_timer {
    uint64_t handle, deadline, cookie;
    int ep;
    bool armed;
} fake_timer;

typedef struct fake_flight {
    uint64_t at;
    int to;
    fake_msg *m;
} fake_flight;

typedef struct fake_net {
    uint64_t now;
    fake_ep ep[2];
    fake_timer timers[FAKE_MAX_TIMERS];
    uint64_t next_handle;
    fake_flight flight[FAKE_MAX_FLIGHT];
    size_t nflight, seq;
    fake_policy policy;
    void *policy_ctx;
    uint64_t latency_ms;  /* default delay */
} fake_net;

/* Sets up endpoint 0 at 10.0.0.1:5060 and endpoint 1 at 10.0.0.2:5060 (UDP),
 * each with a layer (cfg NULL: defaults, T1 = 500 ms). */
fake_net *fake_net_new(const sip_txn_config *cfg);
void fake_net_free(fake_net *net);
/* Runs timers and deliveries in time order up to now + ms. */
void fake_advance(fake_net *net, uint64_t ms);
/* Timers armed and not fired or cancelled. */
size_t fake_timers_armed(const fake_net *net);
/* Feeds a message to endpoint ep as if it came from src. */
void fake_inject(fake_net *net, int ep, const char *msg, const sip_peer *src);
/* A peer for host:port over tp. */
sip_peer fake_peer(const char *host, uint16_t port, sip_tp tp);
/* The nth message endpoint ep sent, NUL-terminated. */
const char *fake_sent(const fake_net *net, int ep, size_t n);
/* true when text appears in the message. */
bool fake_has(const char *msg, const char *text);
/* Number of messages sent by ep whose first line starts with prefix. */
size_t fake_count_sent(const fake_net *net, int ep, const char *prefix);
/* Does the log of ep contain text? */
bool fake_logged(const fake_net *net, int ep, const char *text);

/* The client callback: records into the fake_ep given as ctx. */
void fake_client_cb(void *ctx, sip_txn_id ct, const sip_txn_result *r);
/* Starts a client transaction on ep sending msg to the other endpoint. */
sip_txn_id fake_request(fake_net *net, int ep, const char *msg);

/* A request from 10.0.0.1 (Call-ID call-1, From tag alice1) with this
 * method, top Via branch, CSeq number and To tag (NULL: none). */
const char *fake_req(const char *method, const char *branch, unsigned cseq, const char *to_tag);
/* A response to such a request. */
const char *fake_resp(unsigned status, const char *method, const char *branch, unsigned cseq, const char *to_tag);

#endif
