/* msrp_wire.c - see msrp_wire.h. */
#include "msrp_tp.h"
#include "msrp_wire.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loop_run.h"

static char uri_buf[MSRP_URI_MAX + 1];

void wire_open(wire *w, msrp_session_config *cfg, const char *peer)
{
    memset(w, 0, sizeof *w);
    w->loop = tp_loop_new();
    ck_assert_ptr_nonnull(w->loop);
    ck_assert_int_eq(msrp_endpoint_new(w->loop, NULL, &w->ep), 0);
    tp_addr any, bound;
    tp_addr_loopback(&any, AF_INET, 0);
    ck_assert_int_eq(msrp_endpoint_listen(w->ep, &any, &bound), 0);
    msrp_session_config c;
    if (!cfg) {
        msrp_session_config_default(&c);
        cfg = &c;
    }
    cfg->local_port = tp_addr_port(&bound);
    cfg->setup = MSRP_SETUP_PASSIVE;
    cfg->on_event = pair_on_event;
    cfg->ctx = &w->rx;
    ck_assert_int_eq(msrp_session_new(w->ep, cfg, &w->rx.s), 0);
    ck_assert_int_eq(msrp_session_set_peer(w->rx.s, sp_str_cstr(peer ? peer : WIRE_PEER)), 0);
    ck_assert_int_eq(msrp_session_start(w->rx.s), 0);
    w->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ck_assert_int_ge(w->fd, 0);
    int rc = connect(w->fd, tp_addr_sa(&bound), bound.len);
    ck_assert(rc == 0 || errno == EINPROGRESS);
    wire_pump(w, 5);
}

void wire_close(wire *w)
{
    if (w->fd >= 0)
        close(w->fd);
    msrp_session_free(w->rx.s);
    loop_run_for(w->loop, 1);
    msrp_endpoint_free(w->ep);
    loop_run_for(w->loop, 1);
    tp_loop_free(w->loop);
    free(w->rx.data);
}

void wire_send(wire *w, const void *p, size_t n)
{
    size_t put = 0;
    for (int spins = 0; put < n && spins < 10000; spins++) {
        ssize_t r = send(w->fd, (const char *)p + put, n - put, MSG_NOSIGNAL);
        if (r > 0)
            put += (size_t)r;
        else
            wire_pump(w, 1); /* let the session read */
    }
    ck_assert_uint_eq(put, n);
}

void wire_pump(wire *w, int ms)
{
    tp_ms end = tp_clock_ms() + (tp_ms)ms * (tp_ms)loop_slowdown();
    do {
        tp_loop_run_once(w->loop, 1);
        while (w->fd >= 0 && w->in_len < sizeof w->in) {
            ssize_t r = recv(w->fd, w->in + w->in_len, sizeof w->in - w->in_len, MSG_DONTWAIT);
            if (r > 0) {
                w->in_len += (size_t)r;
                continue;
            }
            if (r == 0)
                w->peer_closed = true;
            break;
        }
    } while (tp_clock_ms() < end);
}

void wire_hangup(wire *w)
{
    close(w->fd);
    w->fd = -1;
}

const char *wire_uri(const wire *w)
{
    sp_str u = msrp_session_local_uri(w->rx.s);
    memcpy(uri_buf, u.p, u.n);
    uri_buf[u.n] = '\0';
    return uri_buf;
}

size_t wire_chunk(char *out, size_t cap, const wire *w, const char *tid, const char *mid, const char *range,
                  const void *body, size_t body_len, char flag, const char *extra)
{
    int n = snprintf(out, cap,
                     "MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n%s%s%s"
                     "Content-Type: text/plain\r\n\r\n",
                     tid, wire_uri(w), WIRE_PEER, mid, range ? "Byte-Range: " : "", range ? range : "",
                     range ? "\r\n" : "");
    ck_assert(n > 0 && (size_t)n < cap);
    size_t len = (size_t)n;
    if (extra) {
        /* extra headers go before Content-Type: rebuild with them */
        n = snprintf(out, cap,
                     "MSRP %s SEND\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n%s%s%s%s"
                     "Content-Type: text/plain\r\n\r\n",
                     tid, wire_uri(w), WIRE_PEER, mid, range ? "Byte-Range: " : "", range ? range : "",
                     range ? "\r\n" : "", extra);
        ck_assert(n > 0 && (size_t)n < cap);
        len = (size_t)n;
    }
    ck_assert(len + body_len + 64 < cap);
    memcpy(out + len, body, body_len);
    len += body_len;
    n = snprintf(out + len, cap - len, "\r\n-------%s%c\r\n", tid, flag);
    return len + (size_t)n;
}

int wire_count(const wire *w, const char *s)
{
    int count = 0;
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= w->in_len; i++)
        if (memcmp(w->in + i, s, n) == 0)
            count++;
    return count;
}
