/* tp_tcp_impl.h - private state of TCP sets and connections, shared by
 * tp_tcp.c (listeners, accept, connect, the connection table) and tp_conn.c
 * (reading, framing, the write queue, closing). */
#ifndef SIPPUSH_TP_TCP_IMPL_H
#define SIPPUSH_TP_TCP_IMPL_H

#include <sys/uio.h>

#include "tp_tcp.h"

/* Bytes read at once into the set's shared buffer when a connection holds
 * nothing (limits.read_size, at least this): whole frames are then consumed
 * with no copy at all. */
#define TP_TCP_SCRATCH 65536
/* Held bytes up to this many are moved back into the shared buffer before
 * the next read (a body's possible end-line, a split head). */
#define TP_CONN_REJOIN_MAX 1024
/* Smallest buffer a connection allocates for a partial frame. */
#define TP_CONN_RX_MIN 4096
/* Reads per readiness event, so one busy peer cannot starve the others. */
#define TP_CONN_READS_PER_EVENT 8
/* A listener that runs out of descriptors pauses this long. */
#define TP_LISTEN_PAUSE_MS 100

typedef enum tp_conn_state { TP_CONN_CONNECTING, TP_CONN_OPEN, TP_CONN_CLOSED } tp_conn_state;

/* One tp_conn_write still (partly) queued, or written and awaiting 'done'.
 * Copied bytes live in the same allocation, after the segments. */
typedef struct tp_wreq {
    struct tp_wreq *next;
    tp_write_done_fn done;
    void *done_ctx;
    size_t nseg, cur; /* seg[cur..nseg) have bytes left */
    struct iovec seg[];
} tp_wreq;

struct tp_conn {
    tp_tcp *tcp;
    int fd;
    uint64_t id;
    tp_conn_state state;
    bool incoming;
    bool ending;      /* tp_conn_end: close once the queue is empty */
    bool lingering;   /* ending, our side shut: the peer's bytes dropped until its end */
    bool tx_blocked;  /* reached the high-water mark, on_writable owed */
    int busy;         /* > 0 while one of its own callbacks runs */
    int pending_err;  /* errno of a failure found inside a call, closed deferred */
    tp_addr remote, local;
    void *ctx;

    tp_conn *next_by_addr, *next_by_id, *next_by_host; /* hash chains */
    tp_conn *prev, *next;               /* every connection of the set */

    char *rx; /* NULL when nothing is held */
    size_t rx_cap, rx_off, rx_len;

    tp_wreq *tx_head, *tx_tail;
    size_t tx_queued;
    tp_wreq *done_head, *done_tail; /* written, 'done' not yet called */
    tp_defer defer;

    tp_timer timer; /* connect, idle, stall and frame timeouts, re-armed lazily */
    tp_ms last_rx, last_activity;
    tp_ms last_frame;  /* counts_frames: the last frame received or sent */
    tp_ms frame_since; /* when the frame held began; TP_MS_NEVER: none */
    tp_ms linger_until;
    uint32_t idle_ms, stall_ms;
};

typedef struct tp_listener {
    tp_tcp *tcp;
    int fd;
    tp_timer pause;
    struct tp_listener *next;
} tp_listener;

struct tp_tcp {
    tp_loop *loop;
    tp_tcp_config cfg;
    tp_tcp_stats stats;
    tp_listener *listeners;
    tp_conn *conns; /* list head */
    size_t count, count_in, count_out;
    tp_conn **by_addr, **by_id, **by_host; /* by_host: accepted connections only */
    size_t buckets; /* power of two */
    int spare_fd;   /* given up to accept and reset when out of descriptors; -1: none */
    char *scratch;  /* scratch_len bytes */
    size_t scratch_len;
};

/* tp_conn.c */
tp_conn *tp_conn_new(tp_tcp *t, int fd, const tp_addr *remote, bool incoming);
void tp_conn_on_event(tp_loop *loop, int fd, unsigned events, void *ctx);
void tp_conn_close_why(tp_conn *c, tp_close_reason why, int err);
/* Frees a closed connection (tp_tcp_free, or when its dispatch unwinds). */
void tp_conn_destroy(tp_conn *c);

/* tp_tcp.c: the connection table. */
void tp_tcp_link(tp_tcp *t, tp_conn *c);
void tp_tcp_unlink(tp_tcp *t, tp_conn *c);

#endif
