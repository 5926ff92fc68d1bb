/* peer_common.h - what the test peers (uas.c, uac.c) share: argument
 * helpers, a set of seen request keys, and the shutdown signal. Header-only
 * so each peer is one `cc` line against build/libsippush.a. */
#ifndef SIPPUSH_PEER_COMMON_H
#define SIPPUSH_PEER_COMMON_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip_txn_tp.h"

/* "IP:PORT" into an address; exits with status 2 when it does not parse. */
static inline void peer_addr_arg(const char *text, tp_addr *out)
{
    if (tp_addr_parse(text, strlen(text), 5060, out) < 0) {
        fprintf(stderr, "bad address: %s\n", text);
        exit(2);
    }
}

static inline uint64_t peer_fnv(uint64_t h, sp_str s)
{
    for (size_t i = 0; i < s.n; i++)
        h = (h ^ (uint8_t)s.p[i]) * 1099511628211ull;
    return h;
}

/* Keys of requests handed to the TU, to see whether one came twice. Open
 * addressing over a fixed table: once full, nothing more is remembered. */
#define PEER_SEEN_SLOTS (1u << 21)
typedef struct peer_seen {
    uint64_t *slot;
    size_t used;
} peer_seen;

/* true when key was already there. */
static inline bool peer_seen_add(peer_seen *s, uint64_t key)
{
    if (!s->slot && !(s->slot = calloc(PEER_SEEN_SLOTS, sizeof *s->slot)))
        return false;
    key |= 1; /* 0 marks a free slot */
    for (size_t i = key & (PEER_SEEN_SLOTS - 1), n = 0; n < PEER_SEEN_SLOTS; i = (i + 1) & (PEER_SEEN_SLOTS - 1), n++) {
        if (s->slot[i] == key)
            return true;
        if (s->slot[i] == 0) {
            if (s->used * 2 > PEER_SEEN_SLOTS)
                return false;
            s->slot[i] = key;
            s->used++;
            return false;
        }
    }
    return false;
}

static inline sp_str peer_hdr(const sip_msg *m, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(m, id);
    return h ? h->value : SP_STR_NULL;
}

static inline void peer_stop(tp_loop *loop, int signo, void *ctx)
{
    (void)signo, (void)ctx;
    tp_loop_stop(loop);
}

#endif
