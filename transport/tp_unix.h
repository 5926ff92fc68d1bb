/* tp_unix.h - a local request endpoint: a unix stream socket on a tp_loop
 * taking one request per connection and answering it, with limits.
 *
 * Opening. The socket file is made mode 0600, or 0660 with the group
 * given, whatever the umask. A file already at the path is replaced only
 * when it is a stale socket, one nobody accepts on (ECONNREFUSED: the
 * server that made it is gone). A socket a live server listens on gives
 * -EADDRINUSE and anything that is not a socket -EEXIST; neither is
 * touched. tp_unix_free removes the file only when it is still the one
 * it made.
 *
 * Receiving. The bytes of a connection are gathered and shown to on_data,
 * all of them so far, after every read. It returns TP_UNIX_MORE to wait for
 * more, or TP_UNIX_TAKEN once it has the request: the bytes are released
 * then (copy what you keep), nothing more is read and no timer runs; the
 * answer comes by tp_unix_reply, now or later.
 *
 * Limits. A refusal goes to on_refused, which may answer with
 * tp_unix_reply; the connection is closed when it returns.
 *   max_conns     connections at once, answered ones waiting for their
 *                 reply included; one more is accepted and refused with
 *                 TP_UNIX_BUSY. Default 64.
 *   max_request   bytes of one request: a request not taken at that size
 *                 is refused with TP_UNIX_TOO_LARGE. Default 256 KiB.
 *   max_buffered  bytes held for requests not yet taken, across all
 *                 connections: a read that needs more room than is left
 *                 is refused with TP_UNIX_BUSY. Default 4 MiB.
 *   timeout_ms    from accept until the request is taken: TP_UNIX_TIMEOUT.
 *                 Default 10000.
 * A peer that closes before its request is taken is closed without answer.
 *
 * Ownership: the caller owns the tp_unix (tp_unix_open / tp_unix_free,
 * which closes every connection without answer) and every ctx; the
 * endpoint owns its connections. A tp_unix_conn is valid until
 * tp_unix_reply is called on it, the callback that refused it returns, or
 * tp_unix_free. Errors are negative errno values. */
#ifndef SIPPUSH_TP_UNIX_H
#define SIPPUSH_TP_UNIX_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tp_loop.h"

#define TP_UNIX_MAX_CONNS_DEFAULT 64
#define TP_UNIX_MAX_REQUEST_DEFAULT (256u * 1024u)
#define TP_UNIX_MAX_BUFFERED_DEFAULT (4u * 1024u * 1024u)
#define TP_UNIX_TIMEOUT_MS_DEFAULT 10000u

typedef struct tp_unix tp_unix;
typedef struct tp_unix_conn tp_unix_conn;

enum { TP_UNIX_MORE = 0, TP_UNIX_TAKEN = 1 };

typedef enum tp_unix_refusal {
    TP_UNIX_BUSY,      /* max_conns or max_buffered reached */
    TP_UNIX_TOO_LARGE, /* max_request bytes without a request taken */
    TP_UNIX_TIMEOUT,   /* timeout_ms without a request taken */
} tp_unix_refusal;

/* Connections accepted per wake-up of the listening socket. */
#define TP_UNIX_ACCEPT_BATCH 64

typedef struct tp_unix_limits {
    size_t max_conns;     /* 0: TP_UNIX_MAX_CONNS_DEFAULT */
    size_t max_request;   /* 0: TP_UNIX_MAX_REQUEST_DEFAULT */
    size_t max_buffered;  /* 0: TP_UNIX_MAX_BUFFERED_DEFAULT */
    uint32_t timeout_ms;  /* 0: TP_UNIX_TIMEOUT_MS_DEFAULT */
} tp_unix_limits;

typedef struct tp_unix_config {
    const char *path;
    bool group_access;    /* 0660 with group as the file's group; else 0600 */
    gid_t group;
    tp_unix_limits limits;
    void *ctx;
    int (*on_data)(void *ctx, tp_unix_conn *c, const char *buf, size_t len);
    void (*on_refused)(void *ctx, tp_unix_conn *c, tp_unix_refusal why);
} tp_unix_config;

/* Listens at cfg->path (copied). 0 with *out, or a negative errno:
 * -EADDRINUSE (a live server there), -EEXIST (not a socket),
 * -ENAMETOOLONG, or what the system said. */
SP_API int tp_unix_open(tp_loop *loop, const tp_unix_config *cfg, tp_unix **out);
SP_API void tp_unix_free(tp_unix *s);

/* Writes the answer (what the socket takes at once: an answer is short)
 * and closes the connection. 0, or a negative errno when not all of it
 * went. */
SP_API int tp_unix_reply(tp_unix_conn *c, const char *buf, size_t len);

/* The ctx of the endpoint c belongs to. */
SP_API void *tp_unix_conn_ctx(const tp_unix_conn *c);

/* Connections open, and bytes held for requests not taken (tests, logs). */
SP_API size_t tp_unix_conn_count(const tp_unix *s);
SP_API size_t tp_unix_buffered(const tp_unix *s);

#endif
