/* test_tp_tcp.c - TCP over loopback: echo on IPv4 and IPv6, lookups,
 * framing fed partial data, streaming consumption with compaction, writes
 * of copied and referenced segments, back-pressure against a peer that
 * stops reading, every close reason and every limit at its boundary (the
 * timeouts under a fake clock, with real sockets). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "loop_run.h"
#include "sp_error.h"
#include "tp_tcp.h"

/* FRAMES: lines are frames reported to the transport (tp_conn_frame_*), a
 * lone "\n" is a keep-alive that is consumed but is no frame. */
enum mode { LINES, STREAM, FAIL_ON_BAD, FRAMES };

typedef struct peer {
    tp_loop *loop;
    tp_tcp *tcp;
    enum mode mode;
    bool echo, end_after_reply;
    /* events */
    int opens, closes, frames_calls, lines, writables;
    tp_conn *conn; /* last opened */
    tp_close_reason why;
    int err;
    bool opened, closed, got_line;
    char line[2048];
    size_t line_len;
    /* STREAM mode: consume at most this much per call, check the pattern */
    size_t consume_max;
    uint64_t stream_bytes;
    bool stream_bad;
    int dones_before_close; /* write completions seen before on_close */
} peer;

static unsigned char pattern(uint64_t i) { return (unsigned char)((i * 7 + (i >> 9)) & 0xff); }

static int on_frame(void *ctx, tp_conn *c, const char *buf, size_t len)
{
    peer *p = ctx;
    p->frames_calls++;
    if (p->mode == STREAM) {
        size_t n = len < p->consume_max ? len : p->consume_max;
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)buf[i] != pattern(p->stream_bytes + i))
                p->stream_bad = true;
        p->stream_bytes += n;
        return (int)n;
    }
    if (p->mode == FRAMES && buf[0] == '\n')
        return 1;
    const char *nl = memchr(buf, '\n', len);
    if (!nl) {
        if (p->mode == FRAMES)
            tp_conn_frame_begun(c);
        return 0;
    }
    size_t n = (size_t)(nl - buf) + 1;
    if (p->mode == FRAMES)
        tp_conn_frame_received(c);
    if (p->mode == FAIL_ON_BAD && n >= 4 && memcmp(buf, "bad\n", 4) == 0)
        return SP_EINVAL;
    p->line_len = n < sizeof p->line ? n : sizeof p->line;
    memcpy(p->line, buf, p->line_len);
    p->lines++;
    p->got_line = true;
    if (p->echo)
        ck_assert_int_eq(tp_conn_send(c, buf, n), 0);
    if (p->end_after_reply)
        tp_conn_end(c);
    return (int)n;
}

static void on_open(void *ctx, tp_conn *c)
{
    peer *p = ctx;
    p->opens++;
    p->conn = c;
    p->opened = true;
}

static void on_close(void *ctx, tp_conn *c, tp_close_reason why, int err)
{
    peer *p = ctx;
    (void)c;
    p->closes++;
    p->why = why;
    p->err = err;
    p->closed = true;
    if (p->conn == c)
        p->conn = NULL;
}

static void on_writable(void *ctx, tp_conn *c)
{
    (void)c;
    ((peer *)ctx)->writables++;
}

static void peer_init_frames(peer *p, tp_loop *loop, const tp_tcp_limits *limits, bool frames)
{
    memset(p, 0, sizeof *p);
    p->loop = loop;
    p->mode = frames ? FRAMES : LINES;
    tp_tcp_config cfg;
    tp_tcp_config_default(&cfg);
    cfg.counts_frames = frames;
    if (limits)
        cfg.limits = *limits;
    cfg.on_frame = on_frame;
    cfg.on_open = on_open;
    cfg.on_close = on_close;
    cfg.on_writable = on_writable;
    cfg.ctx = p;
    ck_assert_int_eq(tp_tcp_new(loop, &cfg, &p->tcp), 0);
}

static void peer_init(peer *p, tp_loop *loop, const tp_tcp_limits *limits) { peer_init_frames(p, loop, limits, false); }

static tp_addr listen_on(peer *p, int family)
{
    tp_addr bind, bound;
    tp_addr_loopback(&bind, family, 0);
    int r = tp_tcp_listen(p->tcp, &bind, &bound);
    ck_assert_msg(r == 0, "cannot listen on %s loopback: %s", family == AF_INET6 ? "::1" : "127.0.0.1",
                  strerror(-r));
    return bound;
}

static tp_conn *connect_to(peer *p, const tp_addr *to)
{
    tp_conn *c = NULL;
    ck_assert_int_eq(tp_tcp_connect(p->tcp, to, p, &c), 0);
    ck_assert_ptr_nonnull(c);
    ck_assert(loop_run_until(p->loop, &p->opened, 3000));
    return c;
}

static tp_tcp_limits defaults(void)
{
    tp_tcp_config cfg;
    tp_tcp_config_default(&cfg);
    return cfg.limits;
}

/* A plain blocking client socket, for peers that misbehave on purpose,
 * from 'source' (an IPv4 loopback address) when it is not NULL. */
static int raw_connect_from(const tp_addr *to, const char *source)
{
    int fd = socket(tp_addr_family(to), SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    if (source) {
        tp_addr from;
        ck_assert_int_ge(tp_addr_parse(source, strlen(source), 0, &from), 0);
        ck_assert_int_eq(bind(fd, tp_addr_sa(&from), from.len), 0);
    }
    ck_assert_int_eq(connect(fd, tp_addr_sa(to), to->len), 0);
    return fd;
}

static int raw_connect(const tp_addr *to) { return raw_connect_from(to, NULL); }

/* The fake clock of the timeout tests: the loop reads it, the test moves it. */
static tp_ms fake_now;
static tp_ms fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

static tp_loop *fake_clock_loop(void)
{
    tp_loop *loop = tp_loop_new();
    ck_assert_ptr_nonnull(loop);
    fake_now = 1000000;
    tp_loop_set_clock(loop, fake_clock, NULL);
    return loop;
}

/* Sends bytes and runs the loop (real time, fake clock standing still)
 * until the server's framing callback has seen them. */
static void feed(peer *server, int fd, const char *bytes)
{
    int before = server->frames_calls;
    size_t n = strlen(bytes);
    ck_assert_int_eq(send(fd, bytes, n, 0), (ssize_t)n);
    for (int k = 0; k < 300 && server->frames_calls == before; k++)
        tp_loop_run_once(server->loop, 10);
    ck_assert_int_gt(server->frames_calls, before);
}

/* Moves the fake clock on and lets the due timers fire. */
static void advance(tp_loop *loop, tp_ms ms)
{
    fake_now += ms;
    tp_loop_run_once(loop, 0);
}

/* True when the peer of fd has closed (or reset) the connection. */
static bool raw_closed(int fd)
{
    char b[64];
    struct pollfd pfd = {fd, POLLIN, 0};
    if (poll(&pfd, 1, 2000) != 1)
        return false;
    ssize_t n = recv(fd, b, sizeof b, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

static void echo_over(int family)
{
    tp_loop *loop = tp_loop_new();
    peer server, client;
    peer_init(&server, loop, NULL);
    peer_init(&client, loop, NULL);
    server.echo = true;
    tp_addr to = listen_on(&server, family);
    tp_conn *c = connect_to(&client, &to);
    ck_assert(tp_conn_is_open(c));
    ck_assert(!tp_conn_incoming(c));
    ck_assert(tp_addr_eq(tp_conn_remote(c), &to));
    ck_assert_ptr_eq(tp_tcp_find(client.tcp, &to), c);
    ck_assert_ptr_eq(tp_tcp_find_id(client.tcp, tp_conn_id(c)), c);
    ck_assert_int_eq(tp_conn_send(c, "hello\n", 6), 0);
    ck_assert(loop_run_until(loop, &client.got_line, 3000));
    ck_assert_uint_eq(client.line_len, 6);
    ck_assert(memcmp(client.line, "hello\n", 6) == 0);

    /* The server's side: incoming, its remote is our local address. */
    tp_conn *s = server.conn;
    ck_assert_ptr_nonnull(s);
    ck_assert(tp_conn_incoming(s));
    ck_assert(tp_addr_eq(tp_conn_remote(s), tp_conn_local(c)));
    ck_assert_ptr_eq(tp_tcp_find(server.tcp, tp_conn_local(c)), s);
    ck_assert_uint_ne(tp_conn_id(s), tp_conn_id(c));
    uint64_t sid = tp_conn_id(s);

    tp_conn_close(c);
    ck_assert(client.closed);
    ck_assert_int_eq(client.why, TP_CLOSE_LOCAL);
    ck_assert_int_eq(tp_close_status(client.why), 0);
    ck_assert_ptr_null(tp_tcp_find(client.tcp, &to));
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_PEER);
    ck_assert_int_eq(tp_close_status(server.why), 503);
    ck_assert_ptr_null(tp_tcp_find_id(server.tcp, sid));
    ck_assert_uint_eq(tp_tcp_count(server.tcp), 0);
    tp_tcp_free(client.tcp);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}

START_TEST(echo_ipv4) { echo_over(AF_INET); }
END_TEST

START_TEST(echo_ipv6) { echo_over(AF_INET6); }
END_TEST

START_TEST(framing_fed_partial_data)
{
    tp_loop *loop = tp_loop_new();
    peer server;
    peer_init(&server, loop, NULL);
    tp_addr to = listen_on(&server, AF_INET);
    int fd = raw_connect(&to);
    const char *text = "INVITE sip:bob SIP/2.0\nsecond line\n";
    size_t n = strlen(text);
    /* One byte per read: the callback sees every partial prefix. */
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(send(fd, text + i, 1, 0), 1);
        int before = server.frames_calls;
        for (int k = 0; k < 200 && server.frames_calls == before; k++)
            tp_loop_run_once(loop, 10);
        ck_assert_int_gt(server.frames_calls, before);
    }
    ck_assert_int_eq(server.lines, 2);
    ck_assert_uint_eq(server.line_len, strlen("second line\n"));
    ck_assert(memcmp(server.line, "second line\n", server.line_len) == 0);
    /* Several frames in one read: each is consumed in turn. */
    server.got_line = false;
    ck_assert_int_eq(send(fd, "a\nb\nc\npartial", 13, 0), 13);
    loop_run_for(loop, 50);
    ck_assert_int_eq(server.lines, 5);
    ck_assert_int_eq(send(fd, " end\n", 5, 0), 5);
    for (int k = 0; k < 100 && server.lines < 6; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.lines, 6);
    ck_assert(memcmp(server.line, "partial end\n", 12) == 0);
    close(fd);
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(streaming_consumption_compacts)
{
    enum { TOTAL = 2 << 20 };
    tp_loop *loop = tp_loop_new();
    peer server, client;
    peer_init(&server, loop, NULL);
    peer_init(&client, loop, NULL);
    server.mode = STREAM;
    server.consume_max = 1000; /* never a whole read: bytes stay held */
    tp_addr to = listen_on(&server, AF_INET);
    tp_conn *c = connect_to(&client, &to);
    static unsigned char data[TOTAL];
    for (uint64_t i = 0; i < TOTAL; i++)
        data[i] = pattern(i);
    size_t off = 0;
    tp_ms end = tp_clock_ms() + 20000;
    while (server.stream_bytes < TOTAL && tp_clock_ms() < end) {
        while (off < TOTAL && tp_conn_can_write(c)) {
            size_t n = TOTAL - off < 65536 ? TOTAL - off : 65536;
            ck_assert_int_eq(tp_conn_send(c, data + off, n), 0);
            off += n;
        }
        tp_loop_run_once(loop, 10);
    }
    ck_assert_uint_eq(server.stream_bytes, TOTAL);
    ck_assert(!server.stream_bad);
    tp_tcp_free(client.tcp);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

typedef struct done_log {
    int calls, errs;
    int last;
    bool *inside_write;
    peer *owner;
} done_log;

static void on_done(void *ctx, int err)
{
    done_log *d = ctx;
    ck_assert(!*d->inside_write);
    d->calls++;
    d->last = err;
    if (err)
        d->errs++;
    if (d->owner && !d->owner->closed)
        d->owner->dones_before_close++;
}

/* Reads whatever is available from a raw socket into out; returns bytes. */
static size_t raw_drain(int fd, unsigned char *out, size_t room)
{
    size_t got = 0;
    while (got < room) {
        ssize_t n = recv(fd, out + got, room - got, MSG_DONTWAIT);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

static int raw_listener(tp_addr *bound, int backlog)
{
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(fd, tp_addr_sa(&any), any.len), 0);
    ck_assert_int_eq(listen(fd, backlog), 0);
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    tp_addr_from_sockaddr(bound, (struct sockaddr *)&ss, len);
    return fd;
}

START_TEST(segments_copied_and_referenced)
{
    tp_loop *loop = tp_loop_new();
    peer client;
    peer_init(&client, loop, NULL);
    tp_addr to;
    int lfd = raw_listener(&to, 4);
    tp_conn *c = connect_to(&client, &to);
    int rfd = accept(lfd, NULL, NULL);
    ck_assert_int_ge(rfd, 0);

    bool inside = false;
    done_log d = {.inside_write = &inside};
    char header[32];
    strcpy(header, "SEND 1\r\n\r\n");
    static char body[100000];
    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)pattern(i);
    tp_seg segs[3] = {
        {header, strlen(header), false},
        {body, sizeof body, true},
        {"-------1$\r\n", 11, false},
    };
    size_t total = strlen(header) + sizeof body + 11;
    inside = true;
    ck_assert_int_eq(tp_conn_write(c, segs, 1 + 1, NULL, NULL), -EINVAL); /* ref needs done */
    ck_assert_int_eq(tp_conn_write(c, segs, 3, on_done, &d), 0);
    inside = false;
    strcpy(header, "XXXX"); /* copied: changing it now changes nothing */
    static unsigned char got[200000];
    size_t have = 0;
    tp_ms end = tp_clock_ms() + 5000;
    while ((have < total || d.calls == 0) && tp_clock_ms() < end) {
        tp_loop_run_once(loop, 5);
        have += raw_drain(rfd, got + have, sizeof got - have);
    }
    ck_assert_uint_eq(have, total);
    ck_assert(memcmp(got, "SEND 1\r\n\r\n", 10) == 0);
    ck_assert(memcmp(got + 10, body, sizeof body) == 0);
    ck_assert(memcmp(got + 10 + sizeof body, "-------1$\r\n", 11) == 0);
    ck_assert_int_eq(d.calls, 1);
    ck_assert_int_eq(d.last, 0);
    /* Zero segments with a callback: still exactly one call, later. */
    inside = true;
    ck_assert_int_eq(tp_conn_write(c, NULL, 0, on_done, &d), 0);
    inside = false;
    ck_assert_int_eq(d.calls, 1);
    tp_loop_run_once(loop, 0);
    ck_assert_int_eq(d.calls, 2);
    close(rfd);
    close(lfd);
    tp_tcp_free(client.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(back_pressure_against_a_stalled_reader)
{
    enum { HIGH = 128 << 10, MAX_TX = 512 << 10, CHUNK = 32 << 10 };
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.tx_high_water = HIGH;
    l.max_tx = MAX_TX;
    peer client;
    peer_init(&client, loop, &l);
    tp_addr to;
    int lfd = raw_listener(&to, 4);
    tp_conn *c = connect_to(&client, &to);
    int rfd = accept(lfd, NULL, NULL);
    static unsigned char chunk[CHUNK];
    uint64_t written = 0;
    /* Nobody reads: write until the high-water mark says stop. */
    for (int i = 0; i < 100000 && tp_conn_can_write(c); i++) {
        for (size_t k = 0; k < CHUNK; k++)
            chunk[k] = pattern(written + k);
        ck_assert_int_eq(tp_conn_send(c, chunk, CHUNK), 0);
        written += CHUNK;
        tp_loop_run_once(loop, 0);
    }
    ck_assert(!tp_conn_can_write(c));
    ck_assert_uint_ge(tp_conn_tx_queued(c), HIGH);
    ck_assert_uint_le(tp_conn_tx_queued(c), MAX_TX);
    /* The hard limit: a write that would pass max_tx is refused, and the
     * connection stays. One that fits exactly is accepted. */
    size_t room = MAX_TX - tp_conn_tx_queued(c);
    static unsigned char big[MAX_TX + 1];
    ck_assert_int_eq(tp_conn_send(c, big, room + 1), -ENOBUFS);
    ck_assert(tp_conn_is_open(c));
    for (size_t k = 0; k < room; k++)
        big[k] = pattern(written + k);
    ck_assert_int_eq(tp_conn_send(c, big, room), 0);
    written += room;
    ck_assert_uint_eq(tp_conn_tx_queued(c), MAX_TX);
    ck_assert_int_eq(client.writables, 0);

    /* Now read everything; the writer is told once it may write again. */
    static unsigned char got[64 << 20];
    ck_assert_uint_le(written, sizeof got);
    size_t have = 0;
    tp_ms end = tp_clock_ms() + 10000;
    while (have < written && tp_clock_ms() < end) {
        tp_loop_run_once(loop, 1);
        have += raw_drain(rfd, got + have, sizeof got - have);
    }
    ck_assert_uint_eq(have, written);
    for (uint64_t i = 0; i < written; i++)
        if (got[i] != pattern(i))
            ck_abort_msg("byte %llu differs", (unsigned long long)i);
    ck_assert_int_eq(client.writables, 1);
    ck_assert(tp_conn_can_write(c));
    ck_assert_uint_eq(tp_conn_tx_queued(c), 0);
    close(rfd);
    close(lfd);
    tp_tcp_free(client.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(close_cancels_queued_writes_before_on_close)
{
    tp_loop *loop = tp_loop_new();
    peer client;
    peer_init(&client, loop, NULL);
    tp_addr to;
    int lfd = raw_listener(&to, 4);
    tp_conn *c = connect_to(&client, &to);
    int rfd = accept(lfd, NULL, NULL);
    bool inside = false;
    done_log d = {.inside_write = &inside, .owner = &client};
    static char body[1 << 20];
    tp_seg seg = {body, sizeof body, true};
    /* Fill the socket buffers, then queue referenced writes. */
    while (tp_conn_can_write(c))
        ck_assert_int_eq(tp_conn_write(c, &seg, 1, on_done, &d), 0);
    ck_assert_uint_gt(tp_conn_tx_queued(c), 0);
    tp_loop_run_once(loop, 0);
    int before = d.calls;
    tp_conn_close(c);
    ck_assert(client.closed);
    ck_assert_int_gt(d.errs, 0);
    ck_assert_int_eq(d.last, -ECANCELED);
    ck_assert_int_eq(client.dones_before_close, d.calls); /* on_close came last */
    ck_assert_int_gt(d.calls, before);
    close(rfd);
    close(lfd);
    tp_tcp_free(client.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(connect_refused)
{
    tp_loop *loop = tp_loop_new();
    peer client;
    peer_init(&client, loop, NULL);
    tp_addr dead;
    int lfd = raw_listener(&dead, 1);
    close(lfd); /* the port is free again: nothing listens */
    tp_conn *c = NULL;
    ck_assert_int_eq(tp_tcp_connect(client.tcp, &dead, &client, &c), 0);
    ck_assert_int_eq(tp_conn_send(c, "queued while connecting\n", 24), 0);
    ck_assert(loop_run_until(loop, &client.closed, 3000));
    ck_assert_int_eq(client.why, TP_CLOSE_CONNECT_FAILED);
    ck_assert_int_eq(client.err, -ECONNREFUSED);
    ck_assert_int_eq(tp_close_status(client.why), 503);
    ck_assert_int_eq(client.opens, 0);
    ck_assert_uint_eq(tp_tcp_get_stats(client.tcp)->connect_failed, 1);
    ck_assert_uint_eq(tp_tcp_count(client.tcp), 0);
    tp_tcp_free(client.tcp);
    tp_loop_free(loop);
}
END_TEST

/* Deterministic connect timeout: a listener that never accepts, its accept
 * queue filled, drops further SYNs, so the handshake never completes. */
START_TEST(connect_timeout_on_full_backlog)
{
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.connect_timeout_ms = 150;
    peer client;
    peer_init(&client, loop, &l);
    tp_addr to;
    int lfd = raw_listener(&to, 0);
    int fillers[8], nfill = 0;
    /* Connect until one hangs: the queue is full from then on. */
    for (; nfill < 8; nfill++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        fillers[nfill] = fd;
        connect(fd, tp_addr_sa(&to), to.len);
        struct pollfd pfd = {fd, POLLOUT, 0};
        if (poll(&pfd, 1, 100) == 0) {
            nfill++;
            break;
        }
    }
    ck_assert_int_le(nfill, 8);
    tp_ms t0 = tp_clock_ms();
    tp_conn *c = NULL;
    ck_assert_int_eq(tp_tcp_connect(client.tcp, &to, &client, &c), 0);
    ck_assert(loop_run_until(loop, &client.closed, 3000));
    ck_assert_int_eq(client.why, TP_CLOSE_CONNECT_TIMEOUT);
    ck_assert_int_eq(client.err, -ETIMEDOUT);
    ck_assert_uint_ge(tp_clock_ms() - t0, 150);
    for (int i = 0; i < nfill; i++)
        close(fillers[i]);
    close(lfd);
    tp_tcp_free(client.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(max_conns_refuses_extra_keeps_established)
{
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.max_conns = 2;
    peer server, a, b, extra;
    peer_init(&server, loop, &l);
    peer_init(&a, loop, NULL);
    peer_init(&b, loop, NULL);
    peer_init(&extra, loop, NULL);
    server.echo = true;
    tp_addr to = listen_on(&server, AF_INET);
    tp_conn *ca = connect_to(&a, &to);
    tp_conn *cb = connect_to(&b, &to);
    /* Both at the limit are served. */
    for (int i = 0; i < 2 && server.opens < 2; i++)
        loop_run_for(loop, 20);
    ck_assert_int_eq(server.opens, 2);
    /* One more is refused (reset) ... */
    tp_conn *cx = NULL;
    ck_assert_int_eq(tp_tcp_connect(extra.tcp, &to, &extra, &cx), 0);
    ck_assert(loop_run_until(loop, &extra.closed, 3000));
    /* Reset before or after the client saw its handshake complete. */
    ck_assert_msg(extra.why == TP_CLOSE_RESET || extra.why == TP_CLOSE_PEER ||
                      (extra.why == TP_CLOSE_CONNECT_FAILED && extra.err == -ECONNRESET),
                  "closed: %s (%d)",
                  tp_close_reason_str(extra.why), extra.err);
    ck_assert_uint_eq(tp_tcp_get_stats(server.tcp)->refused, 1);
    ck_assert_uint_eq(tp_tcp_count(server.tcp), 2);
    /* ... and the established ones still work. */
    ck_assert_int_eq(tp_conn_send(ca, "still a\n", 8), 0);
    ck_assert_int_eq(tp_conn_send(cb, "still b\n", 8), 0);
    ck_assert(loop_run_until(loop, &a.got_line, 3000));
    ck_assert(loop_run_until(loop, &b.got_line, 3000));
    ck_assert(memcmp(a.line, "still a\n", 8) == 0);
    ck_assert(memcmp(b.line, "still b\n", 8) == 0);
    ck_assert(!a.closed && !b.closed);
    /* Outgoing side of the limit. */
    tp_tcp_limits one = defaults();
    one.max_out_conns = 1;
    peer solo;
    peer_init(&solo, loop, &one);
    tp_conn *s1 = NULL, *s2 = NULL;
    ck_assert_int_eq(tp_tcp_connect(solo.tcp, &to, &solo, &s1), 0);
    ck_assert_int_eq(tp_tcp_connect(solo.tcp, &to, &solo, &s2), -EMFILE);
    ck_assert_ptr_null(s2);
    tp_tcp_free(solo.tcp);
    tp_tcp_free(a.tcp);
    tp_tcp_free(b.tcp);
    tp_tcp_free(extra.tcp);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(idle_timeout_spares_active_peers)
{
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.idle_timeout_ms = 80;
    peer server, client;
    peer_init(&server, loop, &l);
    peer_init(&client, loop, NULL);
    tp_addr to = listen_on(&server, AF_INET);
    tp_conn *c = connect_to(&client, &to);
    /* Traffic every 20 ms for 300 ms keeps it open. */
    for (int i = 0; i < 15; i++) {
        ck_assert_int_eq(tp_conn_send(c, "ping\n", 5), 0);
        loop_run_for(loop, 20);
    }
    ck_assert(!server.closed);
    ck_assert_int_eq(server.lines, 15);
    tp_ms t0 = tp_clock_ms();
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_IDLE);
    ck_assert_uint_ge(tp_clock_ms() - t0, 40);
    ck_assert(loop_run_until(loop, &client.closed, 3000));
    ck_assert_int_eq(client.why, TP_CLOSE_PEER);
    tp_tcp_free(client.tcp);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(stalled_half_message_is_closed)
{
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.idle_timeout_ms = 10000;
    l.stall_timeout_ms = 60;
    peer server;
    peer_init(&server, loop, &l);
    tp_addr to = listen_on(&server, AF_INET);
    int fd = raw_connect(&to);
    ck_assert_int_eq(send(fd, "INVITE sip:x SIP/2.0\r\nVia: ", 27, 0), 27);
    tp_ms t0 = tp_clock_ms();
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_STALLED);
    ck_assert_uint_ge(tp_clock_ms() - t0, 50); /* stalled, not idle: the reason says which timer */
    char c;
    ck_assert_int_eq(recv(fd, &c, 1, 0), 0); /* the peer sees the close */
    close(fd);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

static void send_in_two(tp_loop *loop, int fd, const char *buf, size_t n, size_t cut)
{
    ck_assert_int_eq(send(fd, buf, cut, 0), (ssize_t)cut);
    loop_run_for(loop, 30);
    if (n > cut)
        send(fd, buf + cut, n - cut, MSG_NOSIGNAL);
}

START_TEST(rx_limit_boundary)
{
    enum { MAX_RX = 1000 };
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.max_rx = MAX_RX;
    peer server;
    peer_init(&server, loop, &l);
    tp_addr to = listen_on(&server, AF_INET);
    static char line[MAX_RX + 1];
    memset(line, 'a', sizeof line);

    /* A frame of exactly max_rx bytes, split: held, then completed. */
    int fd = raw_connect(&to);
    line[MAX_RX - 1] = '\n';
    send_in_two(loop, fd, line, MAX_RX, MAX_RX - 1);
    ck_assert(loop_run_until(loop, &server.got_line, 3000));
    ck_assert_uint_eq(server.line_len, MAX_RX);
    ck_assert(!server.closed);
    close(fd);
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_PEER);

    /* One byte more: max_rx bytes held and still no frame. */
    server.closed = server.got_line = false;
    fd = raw_connect(&to);
    line[MAX_RX - 1] = 'a';
    line[MAX_RX] = '\n';
    send_in_two(loop, fd, line, MAX_RX + 1, MAX_RX);
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_RX_LIMIT);
    ck_assert_int_eq(server.err, SP_ELIMIT);
    ck_assert(!server.got_line);
    close(fd);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(framing_error_closes)
{
    tp_loop *loop = tp_loop_new();
    peer server;
    peer_init(&server, loop, NULL);
    server.mode = FAIL_ON_BAD;
    tp_addr to = listen_on(&server, AF_INET);
    int fd = raw_connect(&to);
    ck_assert_int_eq(send(fd, "good\nbad\nnever\n", 15, 0), 15);
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_FRAME);
    ck_assert_int_eq(server.err, SP_EINVAL);
    ck_assert_int_eq(server.lines, 1);
    close(fd);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

START_TEST(end_flushes_then_closes)
{
    tp_loop *loop = tp_loop_new();
    peer server, client;
    peer_init(&server, loop, NULL);
    peer_init(&client, loop, NULL);
    server.echo = true;
    server.end_after_reply = true;
    tp_addr to = listen_on(&server, AF_INET);
    tp_conn *c = connect_to(&client, &to);
    ck_assert_int_eq(tp_conn_send(c, "bye\n", 4), 0);
    ck_assert(loop_run_until(loop, &client.closed, 3000));
    ck_assert(client.got_line);
    ck_assert(memcmp(client.line, "bye\n", 4) == 0);
    ck_assert_int_eq(client.why, TP_CLOSE_PEER);
    /* the server waited for the client's end before closing */
    ck_assert(loop_run_until(loop, &server.closed, 3000));
    ck_assert_int_eq(server.why, TP_CLOSE_LOCAL);
    tp_tcp_free(client.tcp);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

/* Accepted connections are counted apart from the ones the set opens: a
 * server full of accepted ones can still open its own, up to max_out_conns. */
START_TEST(accepted_and_opened_connections_are_counted_apart)
{
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.max_conns = 2;
    l.max_out_conns = 1;
    peer server, other;
    peer_init(&server, loop, &l);
    peer_init(&other, loop, NULL);
    other.echo = true;
    tp_addr to = listen_on(&server, AF_INET);
    tp_addr elsewhere = listen_on(&other, AF_INET);
    int in1 = raw_connect(&to), in2 = raw_connect(&to);
    for (int k = 0; k < 100 && server.opens < 2; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.opens, 2);
    int in3 = raw_connect(&to);
    loop_run_for(loop, 50);
    ck_assert(raw_closed(in3));
    ck_assert_uint_eq(tp_tcp_get_stats(server.tcp)->refused, 1);
    /* full of accepted connections, and still able to open one of its own */
    tp_conn *out = NULL;
    ck_assert_int_eq(tp_tcp_connect(server.tcp, &elsewhere, &server, &out), 0);
    ck_assert_int_eq(tp_conn_send(out, "ours\n", 5), 0);
    server.got_line = false;
    ck_assert(loop_run_until(loop, &server.got_line, 3000));
    ck_assert(memcmp(server.line, "ours\n", 5) == 0);
    ck_assert_uint_eq(tp_tcp_count(server.tcp), 3);
    /* max_out_conns + 1 */
    tp_conn *second = NULL;
    ck_assert_int_eq(tp_tcp_connect(server.tcp, &elsewhere, &server, &second), -EMFILE);
    close(in1);
    close(in2);
    close(in3);
    tp_tcp_free(server.tcp);
    tp_tcp_free(other.tcp);
    tp_loop_free(loop);
}
END_TEST

/* max_conns_per_host from one address are accepted, one more is reset, and
 * another address still gets in; a closed connection gives its slot back. */
START_TEST(per_host_limit_boundary)
{
    enum { PER_HOST = 3 };
    tp_loop *loop = tp_loop_new();
    tp_tcp_limits l = defaults();
    l.max_conns_per_host = PER_HOST;
    peer server;
    peer_init(&server, loop, &l);
    tp_addr any;
    tp_addr_any(&any, AF_INET, 0);
    tp_addr to;
    ck_assert_int_eq(tp_tcp_listen(server.tcp, &any, &to), 0);
    tp_addr_loopback(&any, AF_INET, tp_addr_port(&to));
    to = any;
    int fds[PER_HOST + 1];
    for (int i = 0; i < PER_HOST; i++)
        fds[i] = raw_connect_from(&to, "127.0.0.1");
    for (int k = 0; k < 100 && server.opens < PER_HOST; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.opens, PER_HOST);
    fds[PER_HOST] = raw_connect_from(&to, "127.0.0.1");
    loop_run_for(loop, 50);
    ck_assert(raw_closed(fds[PER_HOST]));
    ck_assert_uint_eq(tp_tcp_get_stats(server.tcp)->refused_per_host, 1);
    ck_assert_int_eq(server.opens, PER_HOST);
    /* another source address is not affected */
    int other = raw_connect_from(&to, "127.0.0.2");
    for (int k = 0; k < 100 && server.opens < PER_HOST + 1; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.opens, PER_HOST + 1);
    ck_assert_int_eq(send(other, "in\n", 3, 0), 3);
    ck_assert(loop_run_until(loop, &server.got_line, 3000));
    /* one closed: its slot is free again */
    close(fds[0]);
    for (int k = 0; k < 100 && server.closes < 1; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.closes, 1);
    int again = raw_connect_from(&to, "127.0.0.1");
    for (int k = 0; k < 100 && server.opens < PER_HOST + 2; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.opens, PER_HOST + 2);
    ck_assert_uint_eq(tp_tcp_get_stats(server.tcp)->refused, 1);
    for (int i = 1; i <= PER_HOST; i++)
        close(fds[i]);
    close(other);
    close(again);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

/* Out of descriptors, the listener still answers at once: the newcomer is
 * accepted on the spare descriptor and reset, not left in the backlog. */
START_TEST(out_of_descriptors_refuses_at_once)
{
    tp_loop *loop = tp_loop_new();
    peer server;
    peer_init(&server, loop, NULL);
    tp_addr to = listen_on(&server, AF_INET);
    int first = raw_connect(&to), second = raw_connect(&to), third = raw_connect(&to);
    /* room for exactly one more descriptor */
    int lowest = dup(0);
    ck_assert_int_ge(lowest, 0);
    close(lowest);
    struct rlimit old, tight;
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    tight = old;
    tight.rlim_cur = (rlim_t)lowest + 1;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &tight), 0);
    for (int k = 0; k < 100 && server.opens < 1; k++)
        tp_loop_run_once(loop, 10);
    loop_run_for(loop, 30);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
    ck_assert_int_eq(server.opens, 1);
    ck_assert(raw_closed(second));
    ck_assert(raw_closed(third));
    /* (valgrind emulates the descriptor limit by closing what the kernel
     * accepted past it, so there only some of the two count as refused) */
    ck_assert_uint_ge(tp_tcp_get_stats(server.tcp)->refused, 1);
    /* and with descriptors back, the listener goes on accepting */
    int fourth = raw_connect(&to);
    for (int k = 0; k < 100 && server.opens < 2; k++)
        tp_loop_run_once(loop, 10);
    ck_assert_int_eq(server.opens, 2);
    close(first);
    close(second);
    close(third);
    close(fourth);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

/* A frame whole at frame_timeout_ms after its first byte is taken; one byte
 * trickled in every 300 ms restarts the stall timeout, never this one. */
START_TEST(frame_timeout_counts_from_the_first_byte)
{
    enum { FRAME_MS = 1000, STALL_MS = 400 };
    tp_loop *loop = fake_clock_loop();
    tp_tcp_limits l = defaults();
    l.frame_timeout_ms = FRAME_MS;
    l.stall_timeout_ms = STALL_MS;
    peer server;
    peer_init_frames(&server, loop, &l, true);
    tp_addr to = listen_on(&server, AF_INET);

    /* whole exactly at the deadline's edge: kept */
    int fd = raw_connect(&to);
    feed(&server, fd, "a");
    advance(loop, 300);
    feed(&server, fd, "b");
    advance(loop, 300);
    feed(&server, fd, "c");
    advance(loop, 300);
    feed(&server, fd, "d");
    advance(loop, FRAME_MS - 900 - 1);
    feed(&server, fd, "\n");
    ck_assert_int_eq(server.lines, 1);
    ck_assert(!server.closed);

    /* the next frame trickles on past its deadline: closed at it, not before */
    advance(loop, 1);
    feed(&server, fd, "x");
    for (tp_ms t = 300; t < FRAME_MS; t += 300) {
        advance(loop, 300);
        feed(&server, fd, "y");
    }
    advance(loop, FRAME_MS - 900 - 1);
    ck_assert(!server.closed);
    advance(loop, 1);
    ck_assert(server.closed);
    ck_assert_int_eq(server.why, TP_CLOSE_FRAME_TIMEOUT);
    ck_assert_int_eq(server.err, -ETIMEDOUT);
    ck_assert_int_eq(server.lines, 1);
    ck_assert(raw_closed(fd));
    close(fd);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

/* Counting frames, keep-alives sent every 40% of the idle time keep no
 * connection: it ends idle_timeout_ms after the last frame, and a frame
 * received or sent restarts the count. */
START_TEST(idle_counts_frames_not_keepalives)
{
    enum { IDLE_MS = 1000 };
    tp_loop *loop = fake_clock_loop();
    tp_tcp_limits l = defaults();
    l.idle_timeout_ms = IDLE_MS;
    peer server;
    peer_init_frames(&server, loop, &l, true);
    tp_addr to = listen_on(&server, AF_INET);
    int fd = raw_connect(&to);
    feed(&server, fd, "hello\n"); /* a frame: the idle time counts from here */
    ck_assert_ptr_nonnull(server.conn);
    advance(loop, 400);
    feed(&server, fd, "\n");
    advance(loop, 400);
    feed(&server, fd, "\n");
    /* a frame sent restarts it too */
    ck_assert_int_eq(tp_conn_send(server.conn, "out\n", 4), 0);
    tp_conn_frame_sent(server.conn);
    advance(loop, 400);
    feed(&server, fd, "\n");
    advance(loop, 400);
    feed(&server, fd, "\n");
    advance(loop, IDLE_MS - 800 - 1);
    ck_assert(!server.closed);
    advance(loop, 1);
    ck_assert(server.closed);
    ck_assert_int_eq(server.why, TP_CLOSE_IDLE);
    ck_assert_int_eq(server.lines, 1);
    close(fd);

    /* Without counts_frames the same keep-alives are traffic and keep it. */
    peer bytes;
    l.frame_timeout_ms = 0;
    peer_init(&bytes, loop, &l);
    to = listen_on(&bytes, AF_INET);
    fd = raw_connect(&to);
    feed(&bytes, fd, "hello\n");
    for (int i = 0; i < 5; i++) {
        advance(loop, 400);
        feed(&bytes, fd, "\n");
    }
    ck_assert(!bytes.closed);
    advance(loop, IDLE_MS);
    ck_assert(bytes.closed);
    ck_assert_int_eq(bytes.why, TP_CLOSE_IDLE);
    close(fd);
    tp_tcp_free(bytes.tcp);
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

/* tp_conn_end with the peer's bytes still coming: our side is shut (the
 * peer reads the answer and then the end, no reset), its bytes are dropped
 * until it ends its side, or linger_ms pass. */
START_TEST(end_lingers_until_the_peer_ends)
{
    enum { LINGER_MS = 500 };
    tp_loop *loop = fake_clock_loop();
    tp_tcp_limits l = defaults();
    l.linger_ms = LINGER_MS;
    peer server;
    peer_init(&server, loop, &l);
    server.echo = server.end_after_reply = true;
    tp_addr to = listen_on(&server, AF_INET);
    static char more[200000];
    memset(more, 'm', sizeof more);
    for (int peer_ends = 0; peer_ends < 2; peer_ends++) {
        server.closed = false;
        int fd = raw_connect(&to);
        ck_assert_int_eq(send(fd, "bye\n", 4, 0), 4);
        ck_assert_int_eq(send(fd, more, sizeof more, 0), (ssize_t)sizeof more); /* never read */
        char got[8] = {0};
        size_t have = 0;
        for (int k = 0; k < 300 && have < 4; k++) {
            tp_loop_run_once(loop, 10);
            ssize_t n = recv(fd, got + have, 4 - have, MSG_DONTWAIT);
            if (n > 0)
                have += (size_t)n;
        }
        ck_assert_uint_eq(have, 4);
        ck_assert(memcmp(got, "bye\n", 4) == 0);
        /* then the end of the stream, not a reset */
        struct pollfd pfd = {fd, POLLIN, 0};
        for (int k = 0; k < 300 && poll(&pfd, 1, 0) == 0; k++)
            tp_loop_run_once(loop, 10);
        ck_assert_int_eq(recv(fd, got, 1, MSG_DONTWAIT), 0);
        ck_assert(!server.closed);
        ck_assert_int_eq(send(fd, more, 1000, MSG_NOSIGNAL), 1000); /* still dropped, still open */
        loop_run_for(loop, 20);
        ck_assert(!server.closed);
        if (peer_ends) {
            close(fd);
            ck_assert(loop_run_until(loop, &server.closed, 3000));
        } else {
            advance(loop, LINGER_MS - 1);
            ck_assert(!server.closed);
            advance(loop, 1);
            ck_assert(server.closed);
            close(fd);
        }
        ck_assert_int_eq(server.why, TP_CLOSE_LOCAL);
    }
    tp_tcp_free(server.tcp);
    tp_loop_free(loop);
}
END_TEST

static Suite *tp_tcp_suite(void)
{
    Suite *s = suite_create("tp_tcp");
    TCase *tc = tcase_create("tcp");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, echo_ipv4);
    tcase_add_test(tc, echo_ipv6);
    tcase_add_test(tc, framing_fed_partial_data);
    tcase_add_test(tc, streaming_consumption_compacts);
    tcase_add_test(tc, segments_copied_and_referenced);
    tcase_add_test(tc, back_pressure_against_a_stalled_reader);
    tcase_add_test(tc, close_cancels_queued_writes_before_on_close);
    tcase_add_test(tc, connect_refused);
    tcase_add_test(tc, connect_timeout_on_full_backlog);
    tcase_add_test(tc, max_conns_refuses_extra_keeps_established);
    tcase_add_test(tc, idle_timeout_spares_active_peers);
    tcase_add_test(tc, stalled_half_message_is_closed);
    tcase_add_test(tc, rx_limit_boundary);
    tcase_add_test(tc, framing_error_closes);
    tcase_add_test(tc, end_flushes_then_closes);
    tcase_add_test(tc, accepted_and_opened_connections_are_counted_apart);
    tcase_add_test(tc, per_host_limit_boundary);
    tcase_add_test(tc, out_of_descriptors_refuses_at_once);
    tcase_add_test(tc, frame_timeout_counts_from_the_first_byte);
    tcase_add_test(tc, idle_counts_frames_not_keepalives);
    tcase_add_test(tc, end_lingers_until_the_peer_ends);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(tp_tcp_suite)
