/* push_http_fetch.c - a blocking HTTP GET with one deadline, for fetching
 * indirect push content (RFC 4483 §5.2: HTTP is the scheme to support). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "push_indirect.h"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd p = {fd, events, 0};
        int n = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
}

/* A connected non-blocking socket to host:port, -1 (no connection) or -2
 * (deadline passed). */
static int connect_to(const push_http_url *u, int64_t deadline)
{
    char host[256], port[8];
    sp_str h = u->host;
    if (h.n >= 2 && h.p[0] == '[')
        h = sp_str_make(h.p + 1, h.n - 2);
    memcpy(host, h.p, h.n);
    host[h.n] = '\0';
    snprintf(port, sizeof port, "%u", (unsigned)u->port);
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    /* Name lookup is the one step the deadline does not bound. */
    if (getaddrinfo(host, port, &hints, &res) != 0)
        return -1;
    int fd = -1;
    for (ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        int ready = errno == EINPROGRESS ? wait_fd(fd, POLLOUT, deadline) : -1;
        int soerr = 0;
        socklen_t sl = sizeof soerr;
        if (ready == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
            break;
        close(fd);
        fd = ready == 0 ? -2 : -1;
        if (fd == -2)
            break;
    }
    freeaddrinfo(res);
    return fd;
}

static int send_all(int fd, const char *p, size_t n, int64_t deadline)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        int ready = wait_fd(fd, POLLOUT, deadline);
        if (ready <= 0)
            return ready == 0 ? -2 : -1;
    }
    return 0;
}

typedef struct fetch {
    int fd;
    int64_t deadline;
    char buf[16384];
    size_t len;
} fetch;

/* Reads more into f->buf: bytes read, 0 at the connection's end, -1 error,
 * -2 deadline. */
static ssize_t read_more(fetch *f)
{
    for (;;) {
        ssize_t r = recv(f->fd, f->buf + f->len, sizeof f->buf - f->len, 0);
        if (r >= 0)
            return r;
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        int ready = wait_fd(f->fd, POLLIN, f->deadline);
        if (ready <= 0)
            return ready == 0 ? -2 : -1;
    }
}

static int io_fail(ssize_t r, sp_error *err)
{
    if (r == -2)
        return sp_fail(err, SP_ELIMIT, 0, 408, "timed out");
    return sp_fail(err, SP_EINVAL, 0, 503, "connection failed");
}

static int run(fetch *f, push_http_resp *r, uint64_t max_body, push_http_sink sink, void *ctx,
               push_http_result *res, sp_error *err)
{
    /* The head, skipping any 1xx interim responses. */
    size_t head;
    for (;;) {
        push_http_resp_init(r, sizeof f->buf < PUSH_HTTP_DEFAULT_MAX_HEAD ? sizeof f->buf : PUSH_HTTP_DEFAULT_MAX_HEAD,
                            max_body);
        int rc = push_http_resp_head(r, f->buf, f->len, err);
        if (rc == SP_AGAIN) {
            ssize_t n = read_more(f);
            if (n <= 0)
                return n == 0 ? sp_fail(err, SP_EINVAL, 0, 502, "connection closed before the response") : io_fail(n, err);
            f->len += (size_t)n;
            continue;
        }
        if (rc < 0)
            return rc;
        head = (size_t)rc;
        if (r->status >= 200)
            break;
        memmove(f->buf, f->buf + head, f->len - head);
        f->len -= head;
    }
    res->status = r->status;
    if (r->content_type.p && r->content_type.n < sizeof res->content_type) {
        memcpy(res->content_type, r->content_type.p, r->content_type.n);
        res->content_type[r->content_type.n] = '\0';
    }
    bool deliver = r->status / 100 == 2;
    size_t at = head;
    for (;;) {
        while (at < f->len && !r->done) {
            sp_str data;
            int rc = push_http_resp_body(r, f->buf + at, f->len - at, &data, err);
            if (rc < 0)
                return rc;
            at += (size_t)rc;
            if (deliver && data.n && sink && sink(ctx, data.p, data.n) != 0)
                return sp_fail(err, SP_EINVAL, 0, 500, "content refused by its consumer");
        }
        if (r->done)
            break;
        f->len = at = 0;
        ssize_t n = read_more(f);
        if (n == 0)
            return push_http_resp_eof(r, err);
        if (n < 0)
            return io_fail(n, err);
        f->len = (size_t)n;
    }
    return 0;
}

int push_http_fetch(sp_str url, int timeout_ms, uint64_t max_body, push_http_sink sink, void *ctx,
                    push_http_result *res, sp_error *err)
{
    push_http_url u;
    memset(res, 0, sizeof *res);
    if (push_http_url_parse(url, &u, err) != 0)
        return SP_EINVAL;
    fetch fs;
    fetch *f = &fs;
    f->len = 0;
    f->deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    int rc = push_http_request_build(&u, f->buf, sizeof f->buf, err);
    if (rc < 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "URL too long");
    f->fd = connect_to(&u, f->deadline);
    if (f->fd < 0)
        return f->fd == -2 ? sp_fail(err, SP_ELIMIT, 0, 408, "timed out connecting")
                           : sp_fail(err, SP_EINVAL, 0, 503, "cannot connect");
    int s = send_all(f->fd, f->buf, (size_t)rc, f->deadline);
    if (s == 0) {
        push_http_resp r;
        s = run(f, &r, max_body, sink, ctx, res, err);
        res->body_len = r.body_len;
    } else {
        s = io_fail(s, err);
    }
    close(f->fd);
    return s;
}
