/* fuzz_msrp_session.c - a receiving MSRP session fed a byte stream over a real
 * loopback connection, driven synchronously from the harness.
 *
 * The input is what a peer sends, with two stand-ins so that a fuzzer can
 * name the session: "@L" becomes the session's own URI (random per run) and
 * "@P" the negotiated peer's. The first byte picks the size of the pieces
 * the stream is written in (it stays part of the stream); the loop runs
 * between pieces, so frames cross reads everywhere. Invariants, any
 * violation aborts:
 * - nothing is delivered unless whole and verified: a RECEIVED message's
 *   bytes are exactly its size and its SHA-1 is the digest of those bytes;
 * - what the session writes back is bounded by what it was sent (responses
 *   and REPORTs only, never an echo of bodies);
 * - the run ends: once the peer's side is shut, the connection is closed
 *   (and a session bound to it failed) within a bounded number of turns. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msrp_session.h"
#include "msrp_tp.h"
#include "sp_sha1.h"

#define PEER_URI "msrp://198.51.100.7:7654/a3cd20b8ae7f;tcp"
#define INPUT_MAX (256u << 10)
#define LOOP_TURNS 400

typedef struct run {
    uint64_t received, discarded;
    bool closed;
} run;

static void on_event(void *ctx, msrp_session *s, const msrp_event_info *ev)
{
    (void)s;
    run *r = ctx;
    switch (ev->type) {
    case MSRP_EV_RECEIVED: {
        size_t len = 0;
        const uint8_t *d = msrp_sink_data(ev->sink, &len);
        if (!d || len != ev->bytes || !ev->sha1)
            abort();
        uint8_t sha[SP_SHA1_LEN];
        sp_sha1(d, len, sha);
        if (memcmp(sha, ev->sha1, SP_SHA1_LEN) != 0)
            abort();
        r->received++;
        break;
    }
    case MSRP_EV_DISCARDED: r->discarded++; break;
    case MSRP_EV_CLOSED: r->closed = true; break;
    default: break;
    }
}

/* The input with its stand-ins replaced; its length in *out_len. */
static char *expand(const uint8_t *data, size_t size, sp_str local, size_t *out_len)
{
    size_t cap = size * (local.n > sizeof PEER_URI ? local.n : sizeof PEER_URI) / 2 + 16;
    char *out = malloc(cap);
    if (!out)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '@' && i + 1 < size && (data[i + 1] == 'L' || data[i + 1] == 'P')) {
            sp_str s = data[i + 1] == 'L' ? local : SP_LIT(PEER_URI);
            memcpy(out + n, s.p, s.n);
            n += s.n;
            i++;
        } else {
            out[n++] = (char)data[i];
        }
    }
    *out_len = n;
    return out;
}

/* Reads what the session wrote back, without waiting. */
static size_t drain(int fd)
{
    char buf[65536];
    size_t got = 0;
    for (;;) {
        ssize_t r = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
        if (r <= 0)
            return got;
        got += (size_t)r;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > INPUT_MAX)
        return 0;
    tp_loop *loop = tp_loop_new();
    msrp_endpoint *ep;
    tp_addr any, bound;
    tp_addr_loopback(&any, AF_INET, 0);
    if (!loop || msrp_endpoint_new(loop, NULL, &ep) < 0 || msrp_endpoint_listen(ep, &any, &bound) < 0)
        abort();
    run r = {0};
    msrp_session_config cfg;
    msrp_session_config_default(&cfg);
    cfg.local_port = tp_addr_port(&bound);
    cfg.setup = MSRP_SETUP_PASSIVE;
    cfg.on_event = on_event;
    cfg.ctx = &r;
    cfg.rx_limits.max_size = 1u << 20;
    msrp_session *s;
    if (msrp_session_new(ep, &cfg, &s) < 0 || msrp_session_set_peer(s, SP_LIT(PEER_URI)) < 0 ||
        msrp_session_start(s) < 0)
        abort();

    size_t len;
    char *stream = expand(data, size, msrp_session_local_uri(s), &len);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, tp_addr_sa(&bound), bound.len) < 0)
        abort();
    size_t piece = (size_t)(data[0] % 64 + 1) * 37, back = 0;
    for (size_t off = 0; off < len;) {
        size_t n = len - off < piece ? len - off : piece;
        ssize_t w = send(fd, stream + off, n, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            break; /* the session closed the connection */
        if (w > 0)
            off += (size_t)w;
        tp_loop_run_once(loop, 0);
        back += drain(fd);
    }
    shutdown(fd, SHUT_WR);
    tp_tcp *tcp = msrp_endpoint_tcp(ep);
    for (int i = 0; i < LOOP_TURNS && tp_tcp_count(tcp); i++) {
        tp_loop_run_once(loop, 1);
        back += drain(fd);
    }
    /* The peer is gone: the connection is closed, and the session failed
     * with it if it was bound there. */
    if (tp_tcp_count(tcp) || (msrp_session_bound(s) && !r.closed))
        abort();
    /* A request is answered once and may get one REPORT: both name paths
     * the input carried or the session's own; the bound is generous but
     * rules out echoing bodies or answering in a loop. */
    if (back > 8 * len + 4096)
        abort();
    close(fd);
    free(stream);
    msrp_session_free(s);
    tp_loop_run_once(loop, 0);
    msrp_endpoint_free(ep);
    tp_loop_run_once(loop, 0);
    tp_loop_free(loop);
    return 0;
}
