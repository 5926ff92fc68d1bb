/* tp_tcp.h - TCP listeners and connections on a tp_loop, with limits.
 *
 * A tp_tcp is one set of connections sharing callbacks and limits: its
 * listeners, the connections they accept and the ones it opens. SIP over TCP
 * and MSRP each use their own set. The transport knows nothing of either
 * protocol: the bytes received are handed to the set's framing callback,
 * which consumes what it can.
 *
 * Receiving. on_frame(ctx, c, buf, len) sees every byte received and not yet
 * consumed. It returns how many bytes it consumed (1..len; it is called again
 * with the rest), 0 or SP_AGAIN when it needs more, or another negative
 * value (SP_EINVAL, SP_ELIMIT...) to close the connection (TP_CLOSE_FRAME
 * with that value as err). A stream parser that keeps its own state may
 * consume part of a frame, e.g. an MSRP body as it arrives. 'buf' is valid
 * only during the call: the buffer behind it is compacted and reused, so keep
 * offsets into the stream, never pointers. A frame of up to limits.max_rx
 * bytes gets through however it is split; a peer that sends max_rx bytes
 * without completing a frame is closed (TP_CLOSE_RX_LIMIT). Bytes that
 * arrive in one read are all shown at once, so a frame's own size limit
 * (SIP's 513, MSRP's 413) belongs to the framing callback.
 *
 * Frames and keep-alives. A set whose framing callback tells frame
 * boundaries (cfg.counts_frames; SIP over TCP does) calls
 * tp_conn_frame_begun when it holds the start of a frame it cannot complete
 * yet and tp_conn_frame_received when one is complete; its user calls
 * tp_conn_frame_sent for each frame it writes. The idle timeout then counts
 * frames, not bytes, so keep-alives (RFC 5626 §4.4.1) do not hold a
 * connection open, and a frame must be whole within limits.frame_timeout_ms
 * of its start however slowly its bytes trickle in.
 *
 * Connection slots. Accepted connections (max_conns, and max_conns_per_host
 * from one source address, any port) and the ones this set opens
 * (max_out_conns) are counted apart, so a flood of incoming connections
 * never takes the slots of our own. Over a limit, a connection is accepted
 * and reset at once: the listener never stops accepting, and when the
 * process is out of descriptors a spare one is given up to accept and reset
 * the newcomer.
 *
 * Sending. tp_conn_write takes segments (header, body, end-line...) and
 * writes them with one sendmsg where possible. Each segment is either copied
 * (ref = false) or referenced (ref = true: the memory must stay untouched
 * until the write's 'done' callback). 'done', when given, is called exactly
 * once after tp_conn_write returned 0: with 0 once every byte went to the
 * kernel, or -ECANCELED when the connection closed first; never from inside
 * tp_conn_write. Back-pressure: when the bytes queued reach
 * limits.tx_high_water, tp_conn_can_write turns false; on_writable is called
 * once the queue drains to half of it. A write that would queue more than
 * limits.max_tx is refused (-ENOBUFS) and the connection stays open.
 *
 * Closing. on_close(ctx, c, reason, err) is the last callback of a
 * connection, after every pending 'done'. After it returns, or after
 * tp_conn_close returns, the tp_conn must not be used: hold a connection
 * you may outlive by tp_conn_id and look it up again (tp_tcp_find_id).
 * Callbacks may call any function here on any connection, except
 * tp_tcp_free and tp_loop_run*.
 *
 * Ownership: the caller owns the tp_tcp (tp_tcp_new / tp_tcp_free, the
 * latter closing every connection with TP_CLOSE_LOCAL); the set owns its
 * connections; the caller owns every ctx. Errors are negative errno values;
 * tp_close_status maps a close to the SIP status a transaction waiting on
 * it concludes with (RFC 3261 §8.1.3.1: 503). */
#ifndef SIPPUSH_TP_TCP_H
#define SIPPUSH_TP_TCP_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tp_addr.h"
#include "tp_loop.h"

typedef struct tp_tcp tp_tcp;
typedef struct tp_conn tp_conn;

typedef enum tp_close_reason {
    TP_CLOSE_LOCAL,           /* tp_conn_close, tp_conn_end, tp_tcp_free */
    TP_CLOSE_PEER,            /* the peer closed (end of stream) */
    TP_CLOSE_RESET,           /* the peer reset the connection */
    TP_CLOSE_CONNECT_FAILED,  /* refused or unreachable; err says which */
    TP_CLOSE_CONNECT_TIMEOUT, /* no answer within connect_timeout_ms */
    TP_CLOSE_IDLE,            /* no traffic for idle_timeout_ms */
    TP_CLOSE_STALLED,         /* part of a frame held, nothing new for stall_timeout_ms */
    TP_CLOSE_RX_LIMIT,        /* max_rx bytes held without a complete frame */
    TP_CLOSE_FRAME,           /* on_frame returned an error (err is its value) */
    TP_CLOSE_ERROR,           /* another socket error (err is -errno) */
    TP_CLOSE_FRAME_TIMEOUT,   /* a frame not whole frame_timeout_ms after it began */
} tp_close_reason;

SP_API const char *tp_close_reason_str(tp_close_reason why);
/* 0 for a local close, 503 for every failure (RFC 3261 §8.1.3.1). */
SP_API int tp_close_status(tp_close_reason why);

typedef struct tp_tcp_limits {
    size_t max_conns;            /* accepted connections open at once; default 1024 */
    size_t max_conns_per_host;   /* accepted from one source address (IPv6: the full
                                    address), any port; default 64 */
    size_t max_out_conns;        /* connections this set opens, open at once; default 1024 */
    size_t max_rx;               /* unconsumed bytes held per connection (fewer than this); default 65536 */
    size_t read_size;            /* bytes asked of one recv into the set's shared buffer (at
                                    least 65536, the default): bulk streams want more */
    size_t max_tx;               /* bytes queued for sending per connection; default 4 MiB */
    size_t tx_high_water;        /* tp_conn_can_write turns false here; default 256 KiB */
    uint32_t connect_timeout_ms; /* outgoing connect; default 10000 */
    uint32_t idle_timeout_ms;    /* no bytes either way (with cfg.counts_frames: no
                                    frame received or sent); default 300000; 0: never */
    uint32_t stall_timeout_ms;   /* partial frame held, no new bytes; default 32000
                                    (64*T1, RFC 3261 §17.1.1.1); 0: never */
    uint32_t frame_timeout_ms;   /* from tp_conn_frame_begun to tp_conn_frame_received;
                                    default 32000 (64*T1); 0: never */
    uint32_t linger_ms;          /* tp_conn_end: how long the peer's bytes are read and
                                    dropped, waiting for its end; default 2000; 0: close
                                    at once (a reset when bytes are left unread) */
    int backlog;                 /* listen(); default 128 */
} tp_tcp_limits;

typedef int (*tp_frame_fn)(void *ctx, tp_conn *c, const char *buf, size_t len);
typedef void (*tp_conn_fn)(void *ctx, tp_conn *c);
typedef void (*tp_close_fn)(void *ctx, tp_conn *c, tp_close_reason why, int err);
typedef void (*tp_write_done_fn)(void *ctx, int err);

typedef struct tp_tcp_config {
    tp_tcp_limits limits;
    tp_frame_fn on_frame;    /* required */
    tp_conn_fn on_open;      /* accepted, or outgoing connect completed; may be NULL */
    tp_conn_fn on_writable;  /* the queue drained after reaching the high-water mark */
    tp_close_fn on_close;    /* may be NULL */
    void *ctx;               /* every connection's context until tp_conn_set_ctx */
    bool counts_frames;      /* on_frame reports frames (tp_conn_frame_*): see above */
} tp_tcp_config;

typedef struct tp_tcp_stats {
    uint64_t accepted, refused;          /* refused: over max_conns or max_conns_per_host */
    uint64_t refused_per_host;           /* of those, over max_conns_per_host */
    uint64_t connected, connect_failed;  /* outgoing */
    uint64_t closed;
} tp_tcp_stats;

/* One piece of a write. */
typedef struct tp_seg {
    const void *p;
    size_t n;
    bool ref; /* true: referenced until 'done'; false: copied */
} tp_seg;

/* Segments one tp_conn_write accepts. */
#define TP_CONN_MAX_SEGS 256

SP_API void tp_tcp_config_default(tp_tcp_config *cfg);

SP_API int tp_tcp_new(tp_loop *loop, const tp_tcp_config *cfg, tp_tcp **out);
SP_API void tp_tcp_free(tp_tcp *t);

/* Listens on 'bind' (port 0: any; SO_REUSEADDR). 'bound', if not NULL,
 * receives the address actually bound. */
SP_API int tp_tcp_listen(tp_tcp *t, const tp_addr *bind, tp_addr *bound);
/* Starts connecting to 'remote'; the connection exists at once (writes are
 * queued until it opens) and ends in on_open or on_close. Returns 0, or
 * -EMFILE over max_out_conns, or the errno of a local failure. */
SP_API int tp_tcp_connect(tp_tcp *t, const tp_addr *remote, void *ctx, tp_conn **out);

/* An open or opening connection to 'remote' (RFC 3261 §18.1.1, RFC 4975
 * §6 reuse), the most recent first; NULL if none. */
SP_API tp_conn *tp_tcp_find(tp_tcp *t, const tp_addr *remote);
/* The connection with this id if it is still open or opening, else NULL. */
SP_API tp_conn *tp_tcp_find_id(tp_tcp *t, uint64_t id);
/* Open or opening connections, both directions. */
SP_API size_t tp_tcp_count(const tp_tcp *t);
SP_API const tp_tcp_stats *tp_tcp_get_stats(const tp_tcp *t);
SP_API tp_loop *tp_tcp_loop(const tp_tcp *t);

/* Unique within the process, never reused; never 0. */
SP_API uint64_t tp_conn_id(const tp_conn *c);
SP_API void *tp_conn_ctx(const tp_conn *c);
SP_API void tp_conn_set_ctx(tp_conn *c, void *ctx);
SP_API tp_tcp *tp_conn_owner(const tp_conn *c);
SP_API const tp_addr *tp_conn_remote(const tp_conn *c);
/* The local address (unset until an outgoing connection opens). */
SP_API const tp_addr *tp_conn_local(const tp_conn *c);
SP_API bool tp_conn_incoming(const tp_conn *c);
/* False while connecting. */
SP_API bool tp_conn_is_open(const tp_conn *c);
/* Overrides the set's idle and stall timeouts for this connection (0: never). */
SP_API void tp_conn_set_timeouts(tp_conn *c, uint32_t idle_ms, uint32_t stall_ms);

/* For sets with cfg.counts_frames (see above). begun: the framing callback
 * holds the start of a frame (the frame timeout starts unless it runs
 * already); received: a frame is complete (the frame timeout stops, the idle
 * timeout restarts); sent: the user wrote a frame (the idle timeout restarts). */
SP_API void tp_conn_frame_begun(tp_conn *c);
SP_API void tp_conn_frame_received(tp_conn *c);
SP_API void tp_conn_frame_sent(tp_conn *c);

/* Queues segs (see above). Returns 0; -ENOBUFS over max_tx; -EINVAL for a
 * referenced segment without 'done' or more than TP_CONN_MAX_SEGS
 * segments; -ENOTCONN once closed or ending. */
SP_API int tp_conn_write(tp_conn *c, const tp_seg *segs, size_t nsegs, tp_write_done_fn done, void *done_ctx);
/* tp_conn_write of one copied buffer. */
SP_API int tp_conn_send(tp_conn *c, const void *buf, size_t len);
/* Below the high-water mark and not closing. */
SP_API bool tp_conn_can_write(const tp_conn *c);
SP_API size_t tp_conn_tx_queued(const tp_conn *c);

/* Closes now; queued writes are dropped (their 'done' gets -ECANCELED). */
SP_API void tp_conn_close(tp_conn *c);
/* Stops reading and closes once the queue is written (TP_CLOSE_LOCAL): our
 * side is shut first, and what the peer still sends is read and dropped
 * until it ends its side or limits.linger_ms pass, so that the last answer
 * is not lost to the reset a close with unread bytes would send. */
SP_API void tp_conn_end(tp_conn *c);

#endif
