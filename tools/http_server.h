/* http_server.h - an HTTP/1.1 server on the event loop (RFC 9112): the
 * sockets of tp_tcp, the request parser of push_http_req.h, keep-alive,
 * pipelining, 100-continue, and the limits that keep a peer from holding
 * the process. No thread per request: the handler runs in the loop.
 *
 * A request is read whole (head and body, de-chunked) and handed to the
 * handler, which answers it with http_exchange_respond before it returns
 * (a handler that does not is answered 500). Answers therefore leave in the
 * order their requests came, and pipelined requests are simply read one
 * after the other; reading stops while the peer does not take the answers
 * (the write queue is over its high-water mark), and a peer that goes on
 * sending then is closed once limits.max_held bytes wait unread.
 *
 * Bad input is answered, then the connection closed: 400 malformed, 413
 * body over max_body, 431 head over max_head, 417, 501, 505 (push_http_req.h),
 * 408 when a request is not whole within request_timeout_ms of its first
 * byte, 503 when the bodies held by all connections would pass
 * max_in_flight. Over max_conns a connection is reset at once (tp_tcp).
 *
 * Ownership: the caller owns the server and its ctx; the server owns its
 * connections and exchanges. An exchange and the request's slices are valid
 * during the handler call only. */
#ifndef SIPPUSH_HTTP_SERVER_H
#define SIPPUSH_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_http_req.h"
#include "tp_tcp.h"

typedef struct http_server_limits {
    size_t max_head;             /* request line and fields; PUSH_HTTP_REQ_DEFAULT_MAX_HEAD */
    uint64_t max_body;           /* one request's content (--max-request); PUSH_HTTP_REQ_DEFAULT_MAX_BODY (16 MiB) */
    uint32_t request_timeout_ms; /* first byte to whole request, else 408; default 30000 */
    uint32_t idle_timeout_ms;    /* a kept-alive connection with no request; default 60000 */
    size_t max_conns;            /* connections at once; default 256 */
    size_t max_requests;         /* per connection; the last is answered with Connection: close; default 1000 */
    size_t max_held;             /* bytes read ahead while answers wait to be written; default 65536 */
    uint64_t max_in_flight;      /* request bodies held, all connections; default 64 MiB */
} http_server_limits;

#define HTTP_SERVER_TIMEOUT_MS_DEFAULT 30000u
#define HTTP_SERVER_IDLE_MS_DEFAULT 60000u
#define HTTP_SERVER_MAX_CONNS_DEFAULT 256u
#define HTTP_SERVER_MAX_REQUESTS_DEFAULT 1000u
#define HTTP_SERVER_MAX_HELD_DEFAULT 65536u
#define HTTP_SERVER_MAX_IN_FLIGHT_DEFAULT (64ull * 1024 * 1024)

typedef struct http_server http_server;
typedef struct http_exchange http_exchange;

/* One whole request: body is its content (de-chunked). */
typedef void (*http_handler)(void *ctx, http_exchange *x, const push_http_req *req, sp_str body);

typedef struct http_server_stats {
    uint64_t requests, refused; /* refused: answered 4xx/5xx by the server itself */
    uint64_t in_flight;         /* body bytes held now */
} http_server_stats;

void http_server_limits_default(http_server_limits *l);

/* Fills 0 fields of limits with their defaults. 0 or a negative errno. */
int http_server_new(tp_loop *loop, const http_server_limits *limits, http_handler handler, void *ctx,
                    http_server **out);
void http_server_free(http_server *s);
/* Listens on bind; bound (may be NULL) gets the address actually bound. */
int http_server_listen(http_server *s, const tp_addr *bind, tp_addr *bound);
const http_server_stats *http_server_get_stats(const http_server *s);

/* Answers the exchange: status, Content-Type (may be empty), body (copied),
 * extra field lines (each ending in CRLF; may be empty). Once per exchange. */
void http_exchange_respond(http_exchange *x, unsigned status, sp_str content_type, sp_str body, sp_str extra);
/* The peer's address. */
const tp_addr *http_exchange_peer(const http_exchange *x);

/* Takes one --http-* flag shared by every HTTP listener of the psa with its
 * value: --http-timeout-ms, --http-idle-timeout-ms, --http-max-conns,
 * --http-max-requests, --http-max-in-flight (the body limit is the psa's
 * --max-request, shared with its control socket). 1 taken, 0 not one of
 * them, -1 bad value (message on stderr). */
int http_server_flag(http_server_limits *l, const char *flag, const char *value);

#endif
