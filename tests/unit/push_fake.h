/* push_fake.h - one push agent on a fake clock and a recording network:
 * the test plays every peer, injecting requests and responses as if they
 * came from an address, and reads what the agent sent. Timers of the layer
 * and of the agent share the clock. */
#ifndef SIPPUSH_TEST_PUSH_FAKE_H
#define SIPPUSH_TEST_PUSH_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_agent.h"
#include "sip_txn.h"

#define PFAKE_MAX_SENT 128
#define PFAKE_MAX_TIMERS 256

typedef struct pfake_sent {
    char buf[PUSH_MSG_MAX + 1];
    size_t len;
    sip_peer to;
} pfake_sent;

typedef struct pfake_timer {
    bool armed, agent;
    uint64_t handle, at, cookie;
} pfake_timer;

typedef struct pfake {
    uint64_t now;
    sip_txn_layer *L;
    sip_txn_tu tu;            /* the agent's */
    push_env env;
    void *agent;
    void (*agent_timer)(void *agent, uint64_t cookie);
    pfake_sent *sent;         /* PFAKE_MAX_SENT */
    bool fail_sends;          /* the transport refuses every send (it is still recorded) */
    size_t nsent;
    pfake_timer timers[PFAKE_MAX_TIMERS];
    uint64_t next_handle;
    char log[64][200];
    size_t nlog;
} pfake;

/* The agent listens at 10.0.0.9:5060 over UDP (push_local). */
pfake *pfake_new(const char *allow, const char *supported);
/* With a transaction table of max_txns (0: the layer's default). */
pfake *pfake_new_sized(const char *allow, const char *supported, uint32_t max_txns);
void pfake_free(pfake *f);
push_local pfake_local(void);
void pfake_attach(pfake *f, void *agent, sip_txn_tu tu, void (*timer)(void *agent, uint64_t cookie));
/* Runs timers in order up to now + ms. */
void pfake_advance(pfake *f, uint64_t ms);
/* A message from host:port (UDP). */
void pfake_inject(pfake *f, const char *msg, const char *host, uint16_t port);
/* Answers the nth sent request with status, extra header lines (may be
 * NULL) and a body (may be NULL), from where it was sent. */
void pfake_reply(pfake *f, size_t n, unsigned status, const char *headers, const char *ctype, const char *body);
/* The nth message sent ("" past the end); the index of the last one whose
 * start line begins with prefix, or -1; how many do. */
const char *pfake_msg(const pfake *f, size_t n);
long pfake_last(const pfake *f, const char *prefix);
size_t pfake_count(const pfake *f, const char *prefix);
/* Copies the value of the first header named name of message n into out. */
bool pfake_header(const pfake *f, size_t n, const char *name, char *out, size_t cap);
bool pfake_logged(const pfake *f, const char *text);

#endif
