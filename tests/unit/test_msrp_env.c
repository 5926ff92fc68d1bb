/* test_msrp_env.c - MSRP endpoints driven through a fake environment, with
 * no socket at all: bytes written by one endpoint are fed to the other by
 * the test, timers run on a fake clock. A chunked transfer with a success
 * REPORT, a transaction that times out and a connection that never opens,
 * a passive endpoint accepting connections (binding by To-Path and
 * From-Path, 506 and 403), and back-pressure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "msrp_session.h"
#include "sp_str.h"

#define MAX_CONNS 4
#define MAX_TIMERS 16
#define MAX_DONES 64

typedef struct fake_conn {
    uint64_t handle;
    msrp_conn *mc;
    char *out; /* everything written, in order */
    size_t out_len, fed; /* fed: bytes already given to the peer */
    size_t drained;      /* bytes the fake kernel took (back-pressure) */
    bool closed;
    msrp_close_how how;
} fake_conn;

typedef struct fake_timer {
    uint64_t handle, due, cookie;
    bool armed;
} fake_timer;

typedef struct fake_done {
    msrp_write_done_fn fn;
    void *ctx;
} fake_done;

typedef struct fake_env {
    msrp_endpoint *ep;
    uint64_t *now;
    fake_conn conns[MAX_CONNS];
    size_t nconns;
    char connect_host[64];
    uint16_t connect_port;
    size_t write_budget;     /* can_write is false with this many bytes not drained; 0: never */
    fake_timer timers[MAX_TIMERS];
    size_t ntimers;
    uint64_t next_timer;
    fake_done dones[MAX_DONES];
    size_t ndones;
    /* the events of its sessions */
    unsigned counts[MSRP_EV_CLOSED + 1];
    msrp_event_info last[MSRP_EV_CLOSED + 1];
    uint8_t *rx;
    size_t rx_len;
} fake_env;

static fake_conn *conn_by_handle(fake_env *f, uint64_t h)
{
    for (size_t i = 0; i < f->nconns; i++)
        if (f->conns[i].handle == h)
            return &f->conns[i];
    return NULL;
}

static fake_conn *conn_add(fake_env *f, uint64_t h)
{
    ck_assert_uint_lt(f->nconns, MAX_CONNS);
    fake_conn *c = &f->conns[f->nconns++];
    memset(c, 0, sizeof *c);
    c->handle = h;
    return c;
}

static uint64_t env_now(void *ctx) { return *((fake_env *)ctx)->now; }

static int env_connect(void *ctx, sp_str host, uint16_t port, msrp_conn *mc, uint64_t *conn)
{
    fake_env *f = ctx;
    ck_assert_uint_lt(host.n, sizeof f->connect_host);
    memcpy(f->connect_host, host.p, host.n);
    f->connect_host[host.n] = '\0';
    f->connect_port = port;
    fake_conn *c = conn_add(f, 100 + f->nconns);
    c->mc = mc;
    *conn = c->handle;
    return 0;
}

static int env_write(void *ctx, uint64_t conn, const msrp_seg *segs, size_t nsegs, msrp_write_done_fn done,
                     void *done_ctx)
{
    fake_env *f = ctx;
    fake_conn *c = conn_by_handle(f, conn);
    ck_assert_ptr_nonnull(c);
    ck_assert(!c->closed);
    ck_assert_uint_le(nsegs, MSRP_ENV_MAX_SEGS);
    for (size_t i = 0; i < nsegs; i++) {
        c->out = realloc(c->out, c->out_len + segs[i].n + 1);
        ck_assert_ptr_nonnull(c->out);
        memcpy(c->out + c->out_len, segs[i].p, segs[i].n);
        c->out_len += segs[i].n;
        c->out[c->out_len] = '\0';
    }
    if (done) { /* never from inside write */
        ck_assert_uint_lt(f->ndones, MAX_DONES);
        f->dones[f->ndones++] = (fake_done){done, done_ctx};
    }
    return 0;
}

static bool env_can_write(void *ctx, uint64_t conn)
{
    fake_env *f = ctx;
    fake_conn *c = conn_by_handle(f, conn);
    return !f->write_budget || c->out_len - c->drained < f->write_budget;
}

static void env_close(void *ctx, uint64_t conn, msrp_close_how how)
{
    fake_conn *c = conn_by_handle(ctx, conn);
    ck_assert_ptr_nonnull(c);
    c->closed = true;
    c->how = how;
    c->mc = NULL;
}

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    fake_env *f = ctx;
    ck_assert_uint_lt(f->ntimers, MAX_TIMERS);
    fake_timer *t = &f->timers[f->ntimers++];
    *t = (fake_timer){.handle = ++f->next_timer, .due = *f->now + (delay_ms ? delay_ms : 1), .cookie = cookie,
                      .armed = true};
    return t->handle;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    fake_env *f = ctx;
    for (size_t i = 0; i < f->ntimers; i++)
        if (f->timers[i].handle == handle)
            f->timers[i].armed = false;
}

static size_t timers_armed(const fake_env *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->ntimers; i++)
        n += f->timers[i].armed;
    return n;
}

/* Moves the clock to 'until', firing what falls due on the way. */
static void clock_run(fake_env *f, uint64_t until)
{
    for (;;) {
        fake_timer *first = NULL;
        for (size_t i = 0; i < f->ntimers; i++)
            if (f->timers[i].armed && f->timers[i].due <= until && (!first || f->timers[i].due < first->due))
                first = &f->timers[i];
        if (!first)
            break;
        *f->now = first->due;
        first->armed = false;
        msrp_endpoint_timer(f->ep, first->cookie);
    }
    *f->now = until;
}

static void on_event(void *ctx, msrp_session *s, const msrp_event_info *ev)
{
    (void)s;
    fake_env *f = ctx;
    f->counts[ev->type]++;
    f->last[ev->type] = *ev;
    if (ev->type == MSRP_EV_RECEIVED) {
        size_t n;
        const uint8_t *d = msrp_sink_data(ev->sink, &n);
        free(f->rx);
        f->rx = malloc(n + 1);
        ck_assert_ptr_nonnull(f->rx);
        memcpy(f->rx, d, n);
        f->rx_len = n;
    }
}

static void fake_init(fake_env *f, uint64_t *now)
{
    memset(f, 0, sizeof *f);
    f->now = now;
    msrp_env env = {.ctx = f,
                    .now_ms = env_now,
                    .connect = env_connect,
                    .write = env_write,
                    .can_write = env_can_write,
                    .close = env_close,
                    .timer_start = env_timer_start,
                    .timer_cancel = env_timer_cancel};
    ck_assert_int_eq(msrp_endpoint_new_env(&env, &f->ep), 0);
}

static void fake_free(fake_env *f)
{
    msrp_endpoint_free(f->ep);
    for (size_t i = 0; i < f->nconns; i++)
        free(f->conns[i].out);
    free(f->rx);
}

/* Completes every write handed over so far. */
static bool dones_run(fake_env *f)
{
    bool any = f->ndones > 0;
    while (f->ndones) {
        fake_done d = f->dones[--f->ndones];
        d.fn(d.ctx, 0);
    }
    return any;
}

/* Feeds what a wrote on ca and b has not seen to b's cb. */
static bool feed(fake_conn *ca, fake_conn *cb)
{
    if (ca->fed == ca->out_len || !cb->mc)
        return false;
    size_t n = ca->out_len - ca->fed;
    long used = msrp_conn_input(cb->mc, ca->out + ca->fed, n);
    ck_assert_int_eq(used, (long)n); /* whole frames: all of it */
    ca->fed += n;
    return true;
}

/* Until neither side has anything to say. */
static void shuttle(fake_env *a, fake_conn *ca, fake_env *b, fake_conn *cb)
{
    for (int turns = 0; turns < 10000; turns++) {
        /* Writes complete before answers come, as over a socket. */
        bool moved = dones_run(a);
        moved |= dones_run(b);
        moved |= feed(ca, cb);
        moved |= feed(cb, ca);
        if (!moved)
            return;
    }
    ck_abort_msg("no quiet after 10000 turns");
}

static size_t count(const char *hay, size_t n, const char *needle)
{
    size_t k = 0, m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            k++;
    return k;
}

static msrp_session *session_chunked(fake_env *f, msrp_setup setup, uint16_t port, uint32_t chunk)
{
    msrp_session_config cfg;
    msrp_session_config_default(&cfg);
    cfg.chunk_size = chunk;
    cfg.setup = setup;
    cfg.local_port = port;
    cfg.on_event = on_event;
    cfg.ctx = f;
    msrp_session *s;
    ck_assert_int_eq(msrp_session_new(f->ep, &cfg, &s), 0);
    return s;
}

static msrp_session *session(fake_env *f, msrp_setup setup, uint16_t port)
{
    return session_chunked(f, setup, port, 0);
}

/* A small message, and a 1 MiB one (the session-mode push a device takes). */
static const size_t transfer_sizes[] = {10000, 1u << 20};

START_TEST(chunked_transfer_with_success_report)
{
    uint64_t now = 1000;
    fake_env a, b;
    fake_init(&a, &now);
    fake_init(&b, &now);
    msrp_session *tx = session(&a, MSRP_SETUP_ACTIVE, 2856), *rx = session(&b, MSRP_SETUP_PASSIVE, 2855);
    ck_assert_int_eq(msrp_session_set_peer(tx, msrp_session_local_uri(rx)), 0);
    ck_assert_int_eq(msrp_session_set_peer(rx, msrp_session_local_uri(tx)), 0);
    ck_assert_int_eq(msrp_session_start(rx), 0);
    ck_assert_int_eq(msrp_session_start(tx), 0);
    /* The active end asked for a connection to the peer's URI. */
    ck_assert_uint_eq(a.nconns, 1);
    ck_assert_str_eq(a.connect_host, "127.0.0.1");
    ck_assert_uint_eq(a.connect_port, 2855);

    const size_t SIZE = transfer_sizes[_i], CHUNKS = (SIZE + 2047) / 2048;
    uint8_t *d = malloc(SIZE);
    ck_assert_ptr_nonnull(d);
    for (size_t i = 0; i < SIZE; i++)
        d[i] = (uint8_t)(i * 7 + 3);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.data = d;
    m.size = SIZE;
    m.success_report = true;
    uint64_t h;
    ck_assert_int_eq(msrp_session_send(tx, &m, &h), 0);
    ck_assert_uint_eq(a.conns[0].out_len, 0); /* nothing before the connection opens */

    fake_conn *cb = conn_add(&b, 7);
    cb->mc = msrp_endpoint_accept(b.ep, 7);
    ck_assert_ptr_nonnull(cb->mc);
    msrp_conn_opened(a.conns[0].mc);
    dones_run(&a);
    ck_assert_int_eq(a.counts[MSRP_EV_BOUND], 1);
    /* in chunks of 2048 (five SENDs for 10000 bytes), pipelined up to the
     * window of unanswered transactions */
    size_t window = CHUNKS < MSRP_WINDOW_DEFAULT ? CHUNKS : MSRP_WINDOW_DEFAULT;
    ck_assert_uint_eq(count(a.conns[0].out, a.conns[0].out_len, " SEND\r\n"), window);
    ck_assert_uint_eq(timers_armed(&a), 1); /* the 200s are due (§7.1.1) */

    /* The chunks reach b, its 200s and REPORT come back. */
    ck_assert(feed(&a.conns[0], cb));
    if (window < CHUNKS) { /* the rest as the 200s open the window */
        ck_assert_int_eq(b.counts[MSRP_EV_RECEIVED], 0);
        shuttle(&a, &a.conns[0], &b, cb);
    }
    ck_assert_int_eq(b.counts[MSRP_EV_BOUND], 1);
    ck_assert_int_eq(b.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_uint_eq(b.rx_len, SIZE);
    ck_assert_mem_eq(b.rx, d, SIZE);
    ck_assert_uint_eq(count(cb->out, cb->out_len, " 200 OK\r\nTo-Path"), CHUNKS);
    ck_assert_uint_eq(count(cb->out, cb->out_len, " REPORT\r\n"), 1);
    if (window == CHUNKS)
        ck_assert_int_eq(a.counts[MSRP_EV_SENT], 0); /* not before the REPORT */
    shuttle(&a, &a.conns[0], &b, cb);
    ck_assert_int_eq(a.counts[MSRP_EV_REPORT], 1);
    ck_assert_int_eq(a.counts[MSRP_EV_SENT], 1);
    ck_assert_uint_eq(a.last[MSRP_EV_SENT].msg, h);
    ck_assert_uint_eq(a.last[MSRP_EV_SENT].bytes, SIZE);
    ck_assert_int_eq(a.counts[MSRP_EV_SEND_FAILED], 0);
    ck_assert_uint_eq(timers_armed(&a), 0); /* nothing is due any more */
    ck_assert_uint_eq(msrp_session_pending(tx), 0);

    msrp_session_free(tx);
    msrp_session_free(rx);
    fake_free(&a);
    fake_free(&b);
    ck_assert(a.conns[0].closed && a.conns[0].how == MSRP_CLOSE_NOW);
    free(d);
}
END_TEST

START_TEST(transaction_and_connection_timeouts)
{
    uint64_t now = 5000;
    fake_env a;
    fake_init(&a, &now);
    msrp_session *tx = session(&a, MSRP_SETUP_ACTIVE, 2856);
    ck_assert_int_eq(msrp_session_set_peer(tx, SP_LIT("msrp://[::1]:2855/abcdef;tcp")), 0);
    ck_assert_int_eq(msrp_session_start(tx), 0);
    ck_assert_str_eq(a.connect_host, "::1");
    msrp_conn_opened(a.conns[0].mc);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = "hello";
    m.size = 5;
    ck_assert_int_eq(msrp_session_send(tx, &m, NULL), 0);
    dones_run(&a);
    /* The bodiless SEND the active end opened with (§5.4), then the message. */
    ck_assert_uint_eq(count(a.conns[0].out, a.conns[0].out_len, " SEND\r\n"), 2);
    /* No 200: one ms short of the timeout nothing happens, then 408 (the
     * timer finds the late transactions when it fires, the second on the
     * turn after the first). */
    clock_run(&a, 5000 + MSRP_TXN_TIMEOUT_MS - 1);
    ck_assert_int_eq(a.counts[MSRP_EV_SEND_FAILED], 0);
    clock_run(&a, 5000 + MSRP_TXN_TIMEOUT_MS + 1);
    ck_assert_int_eq(a.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_uint_eq(a.last[MSRP_EV_SEND_FAILED].status, 408);
    ck_assert_uint_eq(timers_armed(&a), 0);
    msrp_session_free(tx);

    /* A connection that never opens: the environment gives up on it, the
     * session fails and the message queued on it with it. */
    msrp_session *late = session(&a, MSRP_SETUP_ACTIVE, 2856);
    ck_assert_int_eq(msrp_session_set_peer(late, SP_LIT("msrp://192.0.2.1:2855/abcdef;tcp")), 0);
    ck_assert_int_eq(msrp_session_start(late), 0);
    ck_assert_uint_eq(a.nconns, 2);
    ck_assert_int_eq(msrp_session_send(late, &m, NULL), 0);
    ck_assert_uint_eq(a.conns[1].out_len, 0);
    msrp_conn_closed(a.conns[1].mc, "connect timed out");
    a.conns[1].mc = NULL;
    ck_assert_int_eq(a.counts[MSRP_EV_SEND_FAILED], 2);
    ck_assert_uint_eq(a.last[MSRP_EV_SEND_FAILED].status, 0);
    ck_assert_str_eq(a.last[MSRP_EV_SEND_FAILED].reason, "connect timed out");
    ck_assert_int_eq(a.counts[MSRP_EV_CLOSED], 1);
    ck_assert(!msrp_session_bound(late));
    msrp_session_free(late);
    fake_free(&a);
}
END_TEST

/* Back-pressure: once can_write turns false the sender stops, and goes on
 * only when told the queue drained (msrp_conn_writable). */
START_TEST(back_pressure_waits_for_writable)
{
    uint64_t now = 1;
    fake_env a;
    fake_init(&a, &now);
    a.write_budget = 4096;
    msrp_session *tx = session_chunked(&a, MSRP_SETUP_ACTIVE, 2856, 65536);
    ck_assert_int_eq(msrp_session_set_peer(tx, SP_LIT("msrp://127.0.0.1:2855/abcdef;tcp")), 0);
    ck_assert_int_eq(msrp_session_start(tx), 0);
    enum { SIZE = 2 << 20, CHUNKS = SIZE / 65536 };
    char *d = calloc(1, SIZE);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.data = d;
    m.size = SIZE;
    ck_assert_int_eq(msrp_session_send(tx, &m, NULL), 0);
    fake_conn *c = &a.conns[0];
    msrp_conn_opened(c->mc);
    /* Chunks go out a batch (a few hundred KiB) per write; past the budget
     * the sender stops. */
    size_t sends = count(c->out, c->out_len, " SEND\r\n");
    ck_assert_uint_gt(sends, 0);
    ck_assert_uint_lt(sends, CHUNKS);
    for (int rounds = 0; sends < CHUNKS; rounds++) {
        ck_assert_int_lt(rounds, CHUNKS);
        c->drained = c->out_len; /* the queue drains: nothing goes until told */
        dones_run(&a);
        ck_assert_uint_eq(count(c->out, c->out_len, " SEND\r\n"), sends);
        msrp_conn_writable(c->mc);
        size_t more = count(c->out, c->out_len, " SEND\r\n");
        ck_assert_uint_gt(more, sends);
        sends = more;
    }
    ck_assert_uint_eq(sends, CHUNKS);
    dones_run(&a);
    msrp_session_free(tx);
    fake_free(&a);
    free(d);
}
END_TEST

static size_t send_text(char *buf, size_t cap, const char *tid, sp_str to, const char *from, const char *body)
{
    int n = snprintf(buf, cap,
                     "MSRP %s SEND\r\nTo-Path: %.*s\r\nFrom-Path: %s\r\nMessage-ID: m%s\r\n"
                     "Byte-Range: 1-%lu/%lu\r\nContent-Type: text/plain\r\n\r\n%s\r\n-------%s$\r\n",
                     tid, (int)to.n, to.p, from, tid, (unsigned long)strlen(body), (unsigned long)strlen(body), body,
                     tid);
    ck_assert(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

START_TEST(passive_accept_binds_by_paths)
{
    uint64_t now = 1;
    fake_env b;
    fake_init(&b, &now);
    const char *peer = "msrp://198.51.100.7:40000/peer1;tcp";
    msrp_session *rx = session(&b, MSRP_SETUP_PASSIVE, 2855), *other = session(&b, MSRP_SETUP_PASSIVE, 2855);
    ck_assert_int_eq(msrp_session_set_peer(rx, sp_str_cstr(peer)), 0);
    ck_assert_int_eq(msrp_session_set_peer(other, sp_str_cstr(peer)), 0);
    ck_assert_int_eq(msrp_session_start(rx), 0);
    ck_assert_int_eq(msrp_session_start(other), 0);
    ck_assert_uint_eq(b.nconns, 0); /* passive: no connection asked for */

    char buf[1024];
    fake_conn *c1 = conn_add(&b, 1);
    c1->mc = msrp_endpoint_accept(b.ep, 1);
    size_t n = send_text(buf, sizeof buf, "tid1xx", msrp_session_local_uri(rx), peer, "hello");
    /* Fed in two pieces: the endpoint keeps what it has not consumed. */
    long used = msrp_conn_input(c1->mc, buf, 20);
    ck_assert_int_ge(used, 0);
    ck_assert_int_eq(msrp_conn_input(c1->mc, buf + used, n - (size_t)used), (long)(n - (size_t)used));
    ck_assert(msrp_session_bound(rx));
    ck_assert_int_eq(b.counts[MSRP_EV_BOUND], 1);
    ck_assert_int_eq(b.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_mem_eq(b.rx, "hello", 5);
    ck_assert_ptr_nonnull(strstr(c1->out, "MSRP tid1xx 200 OK\r\n"));

    /* Another connection naming the bound session: 506 (§10.10). */
    fake_conn *c2 = conn_add(&b, 2);
    c2->mc = msrp_endpoint_accept(b.ep, 2);
    n = send_text(buf, sizeof buf, "tid2xx", msrp_session_local_uri(rx), peer, "again");
    ck_assert_int_eq(msrp_conn_input(c2->mc, buf, n), (long)n);
    ck_assert_ptr_nonnull(strstr(c2->out, "MSRP tid2xx 506 "));
    /* An unknown session: 481. */
    n = send_text(buf, sizeof buf, "tid3xx", SP_LIT("msrp://127.0.0.1:2855/nosuchsession;tcp"), peer, "x");
    ck_assert_int_eq(msrp_conn_input(c2->mc, buf, n), (long)n);
    ck_assert_ptr_nonnull(strstr(c2->out, "MSRP tid3xx 481 "));
    ck_assert(!c2->closed);
    /* A waiting session named from another peer: 403, then the connection
     * is ended once the answer is out (§5.4). */
    n = send_text(buf, sizeof buf, "tid4xx", msrp_session_local_uri(other), "msrp://203.0.113.9:1/intruder;tcp", "x");
    ck_assert_int_eq(msrp_conn_input(c2->mc, buf, n), (long)n);
    ck_assert_ptr_nonnull(strstr(c2->out, "MSRP tid4xx 403 "));
    ck_assert(c2->closed);
    ck_assert_int_eq(c2->how, MSRP_CLOSE_END);
    ck_assert(!msrp_session_bound(other));
    ck_assert_int_eq(b.counts[MSRP_EV_CLOSED], 0);

    /* The peer closes: the bound session fails. */
    msrp_conn_closed(c1->mc, "peer closed");
    c1->mc = NULL;
    ck_assert_int_eq(b.counts[MSRP_EV_CLOSED], 1);
    ck_assert_str_eq(b.last[MSRP_EV_CLOSED].reason, "peer closed");
    msrp_session_free(rx);
    msrp_session_free(other);
    fake_free(&b);
}
END_TEST

static Suite *msrp_env_suite(void)
{
    Suite *s = suite_create("msrp_env");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, chunked_transfer_with_success_report, 0,
                        (int)(sizeof transfer_sizes / sizeof transfer_sizes[0]));
    tcase_add_test(tc, transaction_and_connection_timeouts);
    tcase_add_test(tc, passive_accept_binds_by_paths);
    tcase_add_test(tc, back_pressure_waits_for_writable);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_env_suite)
