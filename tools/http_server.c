/* http_server.c - see http_server.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_server.h"

struct http_server {
    bool is_server; /* tells a connection closed before on_open from one of ours */
    tp_loop *loop;
    tp_tcp *tcp;
    http_server_limits lim;
    http_handler handler;
    void *ctx;
    http_server_stats stats;
};

typedef enum conn_state { C_HEAD, C_BODY, C_CLOSING } conn_state;

typedef struct http_conn {
    bool is_server; /* false */
    http_server *s;
    tp_conn *c;
    conn_state state;
    char *in;              /* [head of the current request][bytes not yet read] */
    size_t in_len, in_cap;
    size_t head_len;       /* in C_BODY: the head's bytes at the start of in */
    push_http_req req;
    char *body;            /* the de-chunked content */
    size_t body_len, body_cap;
    size_t requests;
    tp_timer deadline;     /* request_timeout_ms from a request's first byte */
    tp_defer resume;       /* reading again once the peer takes our answers */
    unsigned busy;         /* inside one of our callbacks: on_close then only marks it closed */
    bool closed;           /* the connection is gone (c is NULL); freed when not busy */
} http_conn;

struct http_exchange {
    http_conn *conn;
    bool answered, close;
    unsigned minor;
};

void http_server_limits_default(http_server_limits *l)
{
    *l = (http_server_limits){
        .max_head = PUSH_HTTP_REQ_DEFAULT_MAX_HEAD,
        .max_body = PUSH_HTTP_REQ_DEFAULT_MAX_BODY,
        .request_timeout_ms = HTTP_SERVER_TIMEOUT_MS_DEFAULT,
        .idle_timeout_ms = HTTP_SERVER_IDLE_MS_DEFAULT,
        .max_conns = HTTP_SERVER_MAX_CONNS_DEFAULT,
        .max_requests = HTTP_SERVER_MAX_REQUESTS_DEFAULT,
        .max_held = HTTP_SERVER_MAX_HELD_DEFAULT,
        .max_in_flight = HTTP_SERVER_MAX_IN_FLIGHT_DEFAULT,
    };
}

static void write_answer(http_conn *k, unsigned status, sp_str ctype, sp_str body, sp_str extra, bool close,
                         unsigned minor)
{
    if (k->closed)
        return;
    char head[1024];
    sp_error err;
    if (!close && minor == 0)
        extra = SP_LIT("Connection: keep-alive\r\n"); /* RFC 9112 §9.3: 1.0 persistence is said */
    int n = push_http_response_head(status, ctype, body.n, !close, extra, head, sizeof head, &err);
    if (n < 0) {
        tp_conn_close(k->c);
        return;
    }
    tp_seg segs[2] = {{head, (size_t)n, false}, {body.p, body.n, false}};
    if (tp_conn_write(k->c, segs, body.n ? 2 : 1, NULL, NULL) != 0) {
        tp_conn_close(k->c); /* over max_tx: the peer does not read */
        return;
    }
    if (close) {
        k->state = C_CLOSING;
        tp_conn_end(k->c);
    }
}

/* The server's own refusal; the connection closes after it. */
static void refuse(http_conn *k, unsigned status, const char *why)
{
    k->s->stats.refused++;
    tp_timer_stop(tp_loop_timers(k->s->loop), &k->deadline);
    sp_str text = sp_str_cstr(why);
    write_answer(k, status, SP_LIT("text/plain"), text, sp_str_make("", 0), true, 1);
}

void http_exchange_respond(http_exchange *x, unsigned status, sp_str content_type, sp_str body, sp_str extra)
{
    if (x->answered)
        return;
    x->answered = true;
    write_answer(x->conn, status, content_type, body, extra, x->close, x->minor);
}

const tp_addr *http_exchange_peer(const http_exchange *x)
{
    return x->conn->closed ? NULL : tp_conn_remote(x->conn->c);
}

static void body_free(http_conn *k)
{
    k->s->stats.in_flight -= k->body_cap;
    free(k->body);
    k->body = NULL;
    k->body_len = k->body_cap = 0;
}

/* Appends decoded content, growing the buffer within max_in_flight. */
static bool body_add(http_conn *k, sp_str d)
{
    if (k->body_len + d.n > k->body_cap) {
        size_t want = k->body_cap ? k->body_cap * 2 : 4096;
        if (k->req.body.has_length && k->req.body.content_length >= k->body_len + d.n)
            want = (size_t)k->req.body.content_length; /* the size is known: one allocation */
        while (want < k->body_len + d.n)
            want *= 2;
        http_server_stats *st = &k->s->stats;
        if (st->in_flight - k->body_cap + want > k->s->lim.max_in_flight)
            return false;
        char *nb = realloc(k->body, want);
        if (!nb)
            return false;
        st->in_flight += want - k->body_cap;
        k->body = nb;
        k->body_cap = want;
    }
    memcpy(k->body + k->body_len, d.p, d.n);
    k->body_len += d.n;
    return true;
}

/* Drops n bytes at offset 'at' of the input. */
static void in_drop(http_conn *k, size_t at, size_t n)
{
    memmove(k->in + at, k->in + at + n, k->in_len - at - n);
    k->in_len -= n;
}

/* The request is whole: the handler answers it. */
static void dispatch(http_conn *k)
{
    http_server *s = k->s;
    tp_timer_stop(tp_loop_timers(s->loop), &k->deadline);
    s->stats.requests++;
    k->requests++;
    http_exchange x = {.conn = k, .minor = k->req.minor};
    x.close = !k->req.keep_alive || k->requests >= s->lim.max_requests;
    s->handler(s->ctx, &x, &k->req, sp_str_make(k->body ? k->body : "", k->body_len));
    if (!x.answered)
        http_exchange_respond(&x, 500, SP_LIT("text/plain"), SP_LIT("no answer"), sp_str_make("", 0));
    body_free(k);
    in_drop(k, 0, k->head_len);
    k->head_len = 0;
    k->state = k->state == C_CLOSING ? C_CLOSING : C_HEAD;
}

/* Reads what the input holds, request after request, while the peer takes
 * our answers. */
static void pump(http_conn *k)
{
    http_server *s = k->s;
    while (!k->closed && k->state != C_CLOSING && k->in_len > k->head_len) {
        sp_error err = {0};
        if (k->state == C_HEAD) {
            if (!tp_conn_can_write(k->c))
                break; /* answers wait: read on when they drain (resume) */
            if (!tp_timer_armed(&k->deadline) && s->lim.request_timeout_ms)
                tp_timer_start(tp_loop_timers(s->loop), &k->deadline, s->lim.request_timeout_ms);
            int rc = push_http_req_head(&k->req, k->in, k->in_len, s->lim.max_head, s->lim.max_body, &err);
            if (rc == SP_AGAIN)
                return;
            if (rc < 0) {
                refuse(k, (unsigned)err.status, err.reason);
                return;
            }
            k->head_len = (size_t)rc;
            k->state = C_BODY;
            if (k->req.expect_continue && !k->req.body.done)
                write_answer(k, 100, sp_str_make("", 0), sp_str_make("", 0), sp_str_make("", 0), false, 1);
        }
        while (!k->closed && !k->req.body.done && k->in_len > k->head_len) {
            sp_str d;
            int rc = push_http_req_body(&k->req, k->in + k->head_len, k->in_len - k->head_len, &d, &err);
            if (rc < 0) {
                refuse(k, (unsigned)err.status, err.reason);
                return;
            }
            if (d.n && !body_add(k, d)) {
                refuse(k, 503, "too much content held at once");
                return;
            }
            in_drop(k, k->head_len, (size_t)rc);
        }
        if (k->closed || !k->req.body.done)
            return;
        dispatch(k);
    }
    if (!k->closed && k->state != C_CLOSING && k->in_len > s->lim.max_head + s->lim.max_held)
        tp_conn_close(k->c); /* it sends on and does not read: RFC 9112 §9.3.2 lets us close */
}

static void conn_free(http_conn *k)
{
    body_free(k);
    free(k->in);
    free(k);
}

/* Every callback into a connection runs between enter and leave, so that a
 * close inside it (on_close is called from within tp_conn_close) never
 * frees what the callback still uses. */
static void enter(http_conn *k) { k->busy++; }

static void leave(http_conn *k)
{
    if (--k->busy == 0 && k->closed)
        conn_free(k);
}

static void on_resume(void *ctx)
{
    enter(ctx);
    pump(ctx);
    leave(ctx);
}

static void on_deadline(tp_timer *t, void *ctx)
{
    (void)t;
    http_conn *k = ctx;
    enter(k);
    refuse(k, 408, "request not complete in time");
    leave(k);
}

static int on_frame(void *ctx, tp_conn *c, const char *buf, size_t len)
{
    http_conn *k = ctx;
    (void)c;
    if (k->state == C_CLOSING)
        return (int)len;
    if (k->in_len + len > k->in_cap) {
        size_t want = k->in_cap ? k->in_cap : 4096;
        while (want < k->in_len + len)
            want *= 2;
        char *ni = realloc(k->in, want);
        if (!ni) {
            tp_conn_close(k->c);
            return (int)len;
        }
        k->in = ni;
        k->in_cap = want;
    }
    memcpy(k->in + k->in_len, buf, len);
    k->in_len += len;
    enter(k);
    pump(k);
    leave(k);
    return (int)len;
}

static void on_open(void *ctx, tp_conn *c)
{
    http_server *s = ctx;
    http_conn *k = calloc(1, sizeof *k);
    if (!k) {
        tp_conn_close(c);
        return;
    }
    k->s = s;
    k->c = c;
    tp_timer_init(&k->deadline, on_deadline, k);
    tp_defer_init(&k->resume, on_resume, k);
    tp_conn_set_ctx(c, k);
}

static void on_writable(void *ctx, tp_conn *c)
{
    (void)c;
    http_conn *k = ctx;
    tp_loop_defer(k->s->loop, &k->resume);
}

static void on_close(void *ctx, tp_conn *c, tp_close_reason why, int err)
{
    (void)c, (void)why, (void)err;
    http_conn *k = ctx;
    if (!k || k->is_server) /* closed before on_open gave it a context */
        return;
    tp_timer_stop(tp_loop_timers(k->s->loop), &k->deadline);
    tp_defer_cancel(&k->resume);
    k->closed = true;
    k->c = NULL;
    if (!k->busy)
        conn_free(k);
}

int http_server_new(tp_loop *loop, const http_server_limits *limits, http_handler handler, void *ctx,
                    http_server **out)
{
    http_server *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    http_server_limits def;
    http_server_limits_default(&def);
    s->lim = limits ? *limits : def;
#define FILL(f)                                                                                                        \
    if (!s->lim.f)                                                                                                     \
    s->lim.f = def.f
    FILL(max_head);
    FILL(max_body);
    FILL(max_conns);
    FILL(max_requests);
    FILL(max_held);
    FILL(max_in_flight);
#undef FILL
    s->is_server = true;
    s->loop = loop;
    s->handler = handler;
    s->ctx = ctx;
    tp_tcp_config tc;
    tp_tcp_config_default(&tc);
    tc.limits.max_conns = s->lim.max_conns;
    tc.limits.max_conns_per_host = s->lim.max_conns;
    tc.limits.idle_timeout_ms = s->lim.idle_timeout_ms;
    tc.limits.stall_timeout_ms = 0; /* every byte is consumed: the request deadline is ours */
    tc.limits.frame_timeout_ms = 0;
    /* an answer may carry a whole body of the largest size we take */
    if (tc.limits.max_tx < (size_t)s->lim.max_body + 65536)
        tc.limits.max_tx = (size_t)s->lim.max_body + 65536;
    tc.on_frame = on_frame;
    tc.on_open = on_open;
    tc.on_writable = on_writable;
    tc.on_close = on_close;
    tc.ctx = s;
    int rc = tp_tcp_new(loop, &tc, &s->tcp);
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void http_server_free(http_server *s)
{
    if (!s)
        return;
    tp_tcp_free(s->tcp);
    free(s);
}

int http_server_listen(http_server *s, const tp_addr *bind, tp_addr *bound)
{
    return tp_tcp_listen(s->tcp, bind, bound);
}

const http_server_stats *http_server_get_stats(const http_server *s) { return &s->stats; }

int http_server_flag(http_server_limits *l, const char *flag, const char *value)
{
    uint64_t n = 0;
    bool ok = value && sp_str_to_u64(sp_str_cstr(value), UINT64_MAX, &n);
    if (!strcmp(flag, "--http-timeout-ms"))
        ok = ok && n > 0 && n <= 3600000 && (l->request_timeout_ms = (uint32_t)n);
    else if (!strcmp(flag, "--http-max-in-flight"))
        ok = ok && n > 0 && (l->max_in_flight = n);
    else if (!strcmp(flag, "--http-idle-timeout-ms"))
        ok = ok && n > 0 && n <= 86400000 && (l->idle_timeout_ms = (uint32_t)n);
    else if (!strcmp(flag, "--http-max-requests"))
        ok = ok && n > 0 && n <= (1ull << 32) && (l->max_requests = (size_t)n);
    else if (!strcmp(flag, "--http-max-conns"))
        ok = ok && n > 0 && n <= (1u << 20) && (l->max_conns = (size_t)n);
    else
        return 0;
    if (!ok)
        fprintf(stderr, "sippush: bad %s '%s'\n", flag, value ? value : "");
    return ok ? 1 : -1;
}
