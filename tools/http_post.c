/* http_post.c - see http_post.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_post.h"
#include "push_indirect.h"
#include "tp_tcp.h"

typedef struct post {
    struct post *prev, *next;
    http_poster *owner;
    tp_addr to;
    char *req;              /* the whole request, sent again on each attempt */
    size_t req_len;
    unsigned retries_left, backoff_ms;
    uint64_t conn_id;       /* 0: none open */
    bool head_done;
    push_http_resp resp;
    char *body;
    size_t body_len;
    tp_timer retry, timeout;
    http_post_done done;
    void *ctx;
} post;

struct http_poster {
    tp_loop *loop;
    tp_tcp *tcp;
    post *list;
    size_t count, max;
};

static void post_free(post *q)
{
    http_poster *p = q->owner;
    tp_timer_stop(tp_loop_timers(p->loop), &q->retry);
    tp_timer_stop(tp_loop_timers(p->loop), &q->timeout);
    tp_conn *c = q->conn_id ? tp_tcp_find_id(p->tcp, q->conn_id) : NULL;
    if (c) {
        tp_conn_set_ctx(c, NULL);
        tp_conn_close(c);
    }
    if (q->prev)
        q->prev->next = q->next;
    else
        p->list = q->next;
    if (q->next)
        q->next->prev = q->prev;
    p->count--;
    free(q->req);
    free(q->body);
    free(q);
}

static void finish(post *q, unsigned status)
{
    http_post_done done = q->done;
    void *ctx = q->ctx;
    char *body = q->body;
    size_t n = q->body_len;
    q->body = NULL;
    post_free(q);
    done(ctx, status, sp_str_make(body ? body : "", n));
    free(body);
}

static void attempt(post *q);

/* This attempt failed: another after the back-off, or the end. */
static void failed(post *q)
{
    http_poster *p = q->owner;
    tp_timer_stop(tp_loop_timers(p->loop), &q->timeout);
    tp_conn *c = q->conn_id ? tp_tcp_find_id(p->tcp, q->conn_id) : NULL;
    q->conn_id = 0;
    if (c) {
        tp_conn_set_ctx(c, NULL);
        tp_conn_close(c);
    }
    if (!q->retries_left) {
        finish(q, 0);
        return;
    }
    q->retries_left--;
    tp_timer_start(tp_loop_timers(p->loop), &q->retry, q->backoff_ms);
    q->backoff_ms *= 2;
}

static void on_retry(tp_timer *t, void *ctx)
{
    (void)t;
    attempt(ctx);
}

static void on_timeout(tp_timer *t, void *ctx)
{
    (void)t;
    failed(ctx);
}

static void attempt(post *q)
{
    http_poster *p = q->owner;
    tp_conn *c;
    q->head_done = false;
    q->body_len = 0;
    push_http_resp_init(&q->resp, PUSH_HTTP_DEFAULT_MAX_HEAD, HTTP_POST_MAX_RESPONSE);
    if (tp_tcp_connect(p->tcp, &q->to, q, &c) != 0) {
        failed(q);
        return;
    }
    q->conn_id = tp_conn_id(c);
    tp_timer_start(tp_loop_timers(p->loop), &q->timeout, HTTP_POST_TIMEOUT_MS);
    if (tp_conn_send(c, q->req, q->req_len) != 0)
        failed(q);
}

static int on_frame(void *ctx, tp_conn *c, const char *buf, size_t len)
{
    (void)c;
    post *q = ctx;
    if (!q)
        return (int)len;
    sp_error err;
    size_t used = 0;
    if (!q->head_done) {
        int rc = push_http_resp_head(&q->resp, buf, len, &err);
        if (rc == SP_AGAIN)
            return 0;
        if (rc < 0) {
            failed(q);
            return (int)len;
        }
        used = (size_t)rc;
        if (q->resp.status < 200)
            return (int)used; /* an interim answer: the final one follows */
        q->head_done = true;
        if (!(q->body = malloc(HTTP_POST_MAX_RESPONSE))) {
            failed(q);
            return (int)len;
        }
    }
    while (used < len && !q->resp.done) {
        sp_str d;
        int rc = push_http_resp_body(&q->resp, buf + used, len - used, &d, &err);
        if (rc < 0) {
            failed(q);
            return (int)len;
        }
        memcpy(q->body + q->body_len, d.p, d.n); /* d.n within max_body, the buffer's size */
        q->body_len += d.n;
        used += (size_t)rc;
    }
    if (q->resp.done)
        finish(q, q->resp.status);
    return (int)len;
}

static void on_close(void *ctx, tp_conn *c, tp_close_reason why, int err)
{
    (void)c, (void)why, (void)err;
    post *q = ctx;
    if (!q)
        return;
    q->conn_id = 0;
    sp_error e;
    if (q->head_done && push_http_resp_eof(&q->resp, &e) == 0)
        finish(q, q->resp.status); /* a body up to the end of the connection */
    else
        failed(q);
}

http_poster *http_poster_new(tp_loop *loop, size_t max_posts)
{
    http_poster *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->loop = loop;
    p->max = max_posts;
    tp_tcp_config tc;
    tp_tcp_config_default(&tc);
    tc.limits.max_out_conns = max_posts;
    tc.on_frame = on_frame;
    tc.on_close = on_close;
    if (tp_tcp_new(loop, &tc, &p->tcp) != 0) {
        free(p);
        return NULL;
    }
    return p;
}

void http_poster_free(http_poster *p)
{
    if (!p)
        return;
    while (p->list)
        post_free(p->list);
    tp_tcp_free(p->tcp);
    free(p);
}

int http_post_start(http_poster *p, sp_str url, sp_str content_type, sp_str body, unsigned retries,
                    http_post_done done, void *ctx)
{
    push_http_url u;
    sp_error err;
    if (p->count >= p->max || push_http_url_parse(url, &u, &err) != 0)
        return -1;
    post *q = calloc(1, sizeof *q);
    if (!q)
        return -1;
    sp_str host = u.host;
    if (host.n > 2 && host.p[0] == '[')
        host = sp_str_make(host.p + 1, host.n - 2);
    size_t cap = 256 + u.host.n + u.path.n + content_type.n + body.n;
    int n = -1;
    if (tp_addr_resolve(host.p, host.n, u.port, AF_UNSPEC, &q->to) == 0 && (q->req = malloc(cap)))
        n = snprintf(q->req, cap,
                     "POST %.*s HTTP/1.1\r\nHost: %.*s:%u\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     (int)u.path.n, u.path.p, (int)u.host.n, u.host.p, (unsigned)u.port, (int)content_type.n,
                     content_type.p, body.n);
    if (n < 0 || (size_t)n + body.n > cap) {
        free(q->req);
        free(q);
        return -1;
    }
    memcpy(q->req + n, body.p, body.n);
    q->req_len = (size_t)n + body.n;
    q->owner = p;
    q->retries_left = retries;
    q->backoff_ms = 1000;
    q->done = done;
    q->ctx = ctx;
    tp_timer_init(&q->retry, on_retry, q);
    tp_timer_init(&q->timeout, on_timeout, q);
    q->next = p->list;
    if (p->list)
        p->list->prev = q;
    p->list = q;
    p->count++;
    attempt(q);
    return 0;
}
