/* msrp_env.h - an MSRP endpoint without I/O underneath: what it asks of
 * its environment (write, connect, listen, close, timers, the clock) and
 * what the environment tells it (bytes received, a connection accepted,
 * opened, writable again or closed, a timer due).
 *
 * The endpoint never touches a socket or a clock, like the SIP transaction
 * layer (sip_txn.h's sip_txn_env): a fake environment drives it in tests
 * with no sockets at all, a device binds it to its own stack, and
 * msrp_tp.h binds it to the event loop and its TCP sets.
 *
 * Connections are the environment's: it names each by a nonzero uint64_t
 * handle of its choosing, and the endpoint gives it an msrp_conn (opaque)
 * to pass back with every event about that connection.
 *
 * Re-entrancy: the endpoint's entries below may be called from inside
 * each other's callbacks; the work they leave for later (responses
 * gathered in one read, the sender pumped once the responses of one read
 * freed its window, sessions freed inside their own callback) runs when
 * the outermost entry returns. The environment must not call an entry from
 * inside one of its own operations (write, connect, close...), except the
 * write 'done' callbacks, which are never called from inside write.
 *
 * Ownership: the endpoint copies the env struct; ctx stays the caller's.
 * After env.close, or after msrp_conn_closed, the msrp_conn is gone. */
#ifndef SIPPUSH_MSRP_ENV_H
#define SIPPUSH_MSRP_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_export.h"
#include "sp_str.h"

typedef struct msrp_endpoint msrp_endpoint;
typedef struct msrp_conn msrp_conn;

/* One piece of a write: copied (ref false) or referenced until the write's
 * 'done' (ref true). */
typedef struct msrp_seg {
    const void *p;
    size_t n;
    bool ref;
} msrp_seg;

/* Segments the endpoint hands to one write, at most. */
#define MSRP_ENV_MAX_SEGS 256

/* Called exactly once per write accepted (0 returned): 0 once every byte
 * left, or a negative errno when the connection closed first. */
typedef void (*msrp_write_done_fn)(void *done_ctx, int err);

typedef enum msrp_close_how {
    MSRP_CLOSE_NOW, /* drop what is queued; pending writes get their 'done' */
    MSRP_CLOSE_END, /* write what is queued, then close (the last answer goes out) */
} msrp_close_how;

typedef struct msrp_env {
    void *ctx;
    /* The clock timers and timeouts run on, in ms; required. */
    uint64_t (*now_ms)(void *ctx);
    /* Opens a connection to host:port (the host as the peer's URI gives it,
     * IPv6 without brackets; RFC 4975 §6.2: no SRV look-up). 0 with *conn
     * set, the connection then ends in msrp_conn_opened or msrp_conn_closed
     * (never from inside connect), or a negative errno. */
    int (*connect)(void *ctx, sp_str host, uint16_t port, msrp_conn *mc, uint64_t *conn);
    /* Accepts connections on host:port (port 0: any; *bound gets the port
     * taken); each is told by msrp_endpoint_accept. 0 or a negative errno.
     * May be NULL for an endpoint that only connects. */
    int (*listen)(void *ctx, const char *host, uint16_t port, uint16_t *bound);
    /* Queues segs (at most MSRP_ENV_MAX_SEGS) in order. 0, then 'done' (when
     * not NULL) once; or a negative errno (the connection is then closed by
     * the endpoint: part of a frame may be out). */
    int (*write)(void *ctx, uint64_t conn, const msrp_seg *segs, size_t nsegs, msrp_write_done_fn done,
                 void *done_ctx);
    /* Whether more may be written now; once false, msrp_conn_writable tells
     * when the queue has drained (back-pressure). */
    bool (*can_write)(void *ctx, uint64_t conn);
    /* Closes a connection; no event about it follows (pending writes still
     * get their 'done'). */
    void (*close)(void *ctx, uint64_t conn, msrp_close_how how);
    /* Arms a one-shot timer; at expiry the environment calls
     * msrp_endpoint_timer(ep, cookie). A nonzero handle, or 0 when none
     * could be armed. A delay of 0 fires on the next turn, not at once. */
    uint64_t (*timer_start)(void *ctx, uint64_t delay_ms, uint64_t cookie);
    /* Disarms a timer that has not fired yet. */
    void (*timer_cancel)(void *ctx, uint64_t handle);
    /* Called last by msrp_endpoint_free, every connection closed; may be NULL. */
    void (*release)(void *ctx);
} msrp_env;

/* An endpoint on env (now_ms, connect, write, can_write, close and the
 * timers required). 0, SP_EINVAL or -ENOMEM. */
SP_API int msrp_endpoint_new_env(const msrp_env *env, msrp_endpoint **out);
SP_API const msrp_env *msrp_endpoint_env(const msrp_endpoint *ep);
/* Listens through env.listen. 0, SP_EINVAL (no listen), or its error. */
SP_API int msrp_endpoint_listen_host(msrp_endpoint *ep, const char *host, uint16_t port, uint16_t *bound);

/* --- what the environment tells ------------------------------------------- */

/* A connection was accepted: the msrp_conn to pass with its events, or
 * NULL (out of memory) when the environment is to close it. */
SP_API msrp_conn *msrp_endpoint_accept(msrp_endpoint *ep, uint64_t conn);
/* An outgoing connection opened: waiting sessions send. */
SP_API void msrp_conn_opened(msrp_conn *mc);
/* Bytes received and not yet consumed: how many were consumed (the rest
 * is to be shown again with what follows), or a negative value: the stream
 * is broken (RFC 4975 §7.3: no resynchronising) and the environment closes
 * it, then tells msrp_conn_closed. buf is not kept past the call. */
SP_API long msrp_conn_input(msrp_conn *mc, const char *buf, size_t len);
/* The write queue drained after can_write turned false. */
SP_API void msrp_conn_writable(msrp_conn *mc);
/* The connection is gone (reason: static text): every session on it fails.
 * The last event of a connection; mc is freed. */
SP_API void msrp_conn_closed(msrp_conn *mc, const char *reason);
/* A timer armed through env.timer_start is due. */
SP_API void msrp_endpoint_timer(msrp_endpoint *ep, uint64_t cookie);

#endif
