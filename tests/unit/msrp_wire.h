/* msrp_wire.h - a passive session on a loop and a raw TCP client that
 * speaks to it in hand-made frames, for the session tests that need bytes
 * a conforming sender would never send (bad ranges, odd chunkings, wrong
 * paths, connections cut anywhere). */
#ifndef SIPPUSH_TEST_MSRP_WIRE_H
#define SIPPUSH_TEST_MSRP_WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include "msrp_pair.h"
#include "msrp_tp.h"

#define WIRE_PEER "msrp://127.0.0.1:9/peerAbc123;tcp"

typedef struct wire {
    tp_loop *loop;
    msrp_endpoint *ep;
    pair_side rx;
    int fd;           /* the raw client; -1 once closed */
    char in[1 << 16]; /* what the session sent back */
    size_t in_len;
    bool peer_closed; /* the session's end closed the connection */
} wire;

/* cfg may be NULL (defaults); peer NULL means WIRE_PEER. */
void wire_open(wire *w, msrp_session_config *cfg, const char *peer);
void wire_close(wire *w);
void wire_send(wire *w, const void *p, size_t n);
/* Runs the loop and reads the peer's socket for about ms (stretched by
 * loop_slowdown() on a slow run). */
void wire_pump(wire *w, int ms);
/* Closes the client end. */
void wire_hangup(wire *w);
/* The local URI of the session. */
const char *wire_uri(const wire *w);

/* Writes a SEND chunk into out: tid, Message-ID, Byte-Range text, body,
 * flag; to/from NULL for the session's URI and WIRE_PEER. Returns length. */
size_t wire_chunk(char *out, size_t cap, const wire *w, const char *tid, const char *mid, const char *range,
                  const void *body, size_t body_len, char flag, const char *extra);
/* How many times s occurs in what came back. */
int wire_count(const wire *w, const char *s);

#endif
