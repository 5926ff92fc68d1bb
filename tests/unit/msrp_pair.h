/* msrp_pair.h - two MSRP sessions on one loop over loopback TCP, for the
 * session tests: a passive receiver listening, an active sender connecting,
 * every event recorded. */
#ifndef SIPPUSH_TEST_MSRP_PAIR_H
#define SIPPUSH_TEST_MSRP_PAIR_H

#include <stdbool.h>
#include <stdint.h>

#include "msrp_session.h"
#include "msrp_tp.h"

#define PAIR_EVENTS_MAX 64

typedef struct pair_side {
    msrp_session *s;
    int counts[MSRP_EV_CLOSED + 1];
    msrp_event_info last[MSRP_EV_CLOSED + 1]; /* slices not kept */
    unsigned statuses[PAIR_EVENTS_MAX];      /* every status, in order */
    int nstatus;
    /* RECEIVED */
    uint8_t *data;
    uint64_t size;
    uint8_t sha1[SP_SHA1_LEN];
    bool has_sha1;
    /* DISCARDED with a partial file kept */
    bool has_kept;
    msrp_ranges kept;
    char kept_temp[MSRP_SINK_PATH_MAX];
    bool free_on_close;
    unsigned refuse;   /* RECEIVED: the status to refuse it with; 0: accept */
    bool free_on_received; /* RECEIVED: free the session from inside the event */
    bool done; /* a flag the test waits on, set by the event it cares about */
    msrp_event_type done_on;
} pair_side;

typedef struct pair {
    tp_loop *loop;
    msrp_endpoint *ep;
    tp_addr bound;
    pair_side tx, rx;
} pair;

/* Listens on 127.0.0.1:0; configures rx (passive) and tx (active) with the
 * given configs (their local_port, setup, on_event and ctx are set here),
 * exchanges their paths and starts both. */
void pair_open(pair *p, msrp_session_config *txc, msrp_session_config *rxc);
void pair_close(pair *p);
/* Runs the loop until side->done or timeout_ms; returns side->done. */
bool pair_wait(pair *p, pair_side *side, msrp_event_type ev, int timeout_ms);
void pair_on_event(void *ctx, msrp_session *s, const msrp_event_info *ev);

/* The resident set of the process, in bytes. */
uint64_t pair_resident_bytes(void);
/* Deterministic content: byte i of stream seed. */
void pair_fill(uint8_t *buf, size_t n, uint64_t seed);

#endif
