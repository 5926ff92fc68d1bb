/* sip_txn_tp.c - the transaction layer's environment on tp_loop, UDP and TCP. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip_stateless.h"
#include "sip_txn_tp.h"
#include "tp_tcp.h"
#include "tp_udp.h"

/* A timer armed for the layer: a heap entry and the cookie it gives back.
 * Records are recycled through a free list; all of them are freed with the
 * adapter. */
typedef struct txn_tp_timer {
    tp_timer t;
    uint64_t cookie;
    struct sip_txn_tp *owner;
    struct txn_tp_timer *next_free, *next_all;
} txn_tp_timer;

/* The last conversion each way between an address and a peer's host text:
 * traffic comes from and goes to few addresses, and formatting and parsing
 * them for every datagram showed in profiles. */
typedef struct addr_memo {
    bool valid;
    tp_addr addr;
    uint16_t port;                 /* text to address: the port asked for */
    char host[SIP_PEER_HOST_MAX];
} addr_memo;

struct sip_txn_tp {
    tp_loop *loop;
    sip_txn_layer *L;
    tp_udp *udp;
    tp_tcp *tcp;
    tp_addr udp_local, tcp_local;
    bool has_tcp_listener;
    sip_limits limits; /* the layer's: framing over TCP answers 513 past them too */
    char *refusal;     /* refusal_cap bytes: the answer to a stream that cannot go on */
    size_t refusal_cap;
    txn_tp_timer *free_timers, *all_timers;
    addr_memo from_memo, to_memo;
};

void sip_txn_tp_peer(const tp_addr *addr, sip_tp tp, sip_peer *out)
{
    memset(out, 0, sizeof *out);
    out->tp = tp;
    out->port = tp_addr_port(addr);
    tp_addr_format_host(addr, out->host, sizeof out->host);
}

/* The same host, whatever the port. */
static bool same_host(const tp_addr *a, const tp_addr *b)
{
    int f = tp_addr_family(a);
    if (f != tp_addr_family(b))
        return false;
    if (f == AF_INET)
        return !memcmp(&((const struct sockaddr_in *)&a->ss)->sin_addr,
                       &((const struct sockaddr_in *)&b->ss)->sin_addr, sizeof(struct in_addr));
    const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;
    return f == AF_INET6 && !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) &&
           x->sin6_scope_id == y->sin6_scope_id;
}

static void peer_from(sip_txn_tp *a, const tp_addr *addr, sip_tp tp, sip_peer *out)
{
    addr_memo *m = &a->from_memo;
    if (!m->valid || !same_host(&m->addr, addr)) {
        tp_addr_format_host(addr, m->host, sizeof m->host);
        m->addr = *addr;
        m->valid = true;
    }
    memset(out, 0, sizeof *out);
    out->tp = tp;
    out->port = tp_addr_port(addr);
    memcpy(out->host, m->host, sizeof out->host);
}

/* --- the environment --------------------------------------------------- */

static uint64_t env_now(void *ctx) { return tp_loop_now(((sip_txn_tp *)ctx)->loop); }

static void timer_fired(tp_timer *t, void *ctx)
{
    (void)t;
    txn_tp_timer *rec = ctx;
    sip_txn_tp *a = rec->owner;
    uint64_t cookie = rec->cookie;
    rec->next_free = a->free_timers; /* back to the pool before the layer can arm another */
    a->free_timers = rec;
    sip_txn_timer(a->L, cookie);
}

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    sip_txn_tp *a = ctx;
    txn_tp_timer *rec = a->free_timers;
    if (rec) {
        a->free_timers = rec->next_free;
    } else {
        rec = calloc(1, sizeof *rec);
        if (!rec)
            return 0;
        rec->owner = a;
        rec->next_all = a->all_timers;
        a->all_timers = rec;
    }
    tp_timer_init(&rec->t, timer_fired, rec);
    rec->cookie = cookie;
    if (tp_timer_start(tp_loop_timers(a->loop), &rec->t, delay_ms) != 0) {
        rec->next_free = a->free_timers;
        a->free_timers = rec;
        return 0;
    }
    return (uint64_t)(uintptr_t)rec;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    sip_txn_tp *a = ctx;
    txn_tp_timer *rec = (txn_tp_timer *)(uintptr_t)handle;
    if (!tp_timer_armed(&rec->t))
        return; /* already fired and recycled */
    tp_timer_stop(tp_loop_timers(a->loop), &rec->t);
    rec->next_free = a->free_timers;
    a->free_timers = rec;
}

static int dest_addr(sip_txn_tp *a, const sip_peer *dest, tp_addr *out)
{
    addr_memo *m = &a->to_memo;
    if (m->valid && m->port == dest->port && !strcmp(m->host, dest->host)) {
        *out = m->addr;
        return 0;
    }
    size_t n = strnlen(dest->host, sizeof dest->host);
    if (tp_addr_parse(dest->host, n, dest->port, out) >= 0) {
        /* numeric only: a name may resolve elsewhere next time */
        memcpy(m->host, dest->host, sizeof m->host);
        m->port = dest->port;
        m->addr = *out;
        m->valid = true;
        return 0;
    }
    /* a host name (maddr, a Route): resolved here, which blocks (tp_addr.h) */
    return tp_addr_resolve(dest->host, n, dest->port, AF_UNSPEC, out) == 0 ? 0 : -1;
}

static int env_send(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    sip_txn_tp *a = ctx;
    tp_addr to;
    if (dest->tp == SIP_TP_UDP) {
        if (!a->udp || dest_addr(a, dest, &to) != 0)
            return SIP_TXN_ETRANSPORT;
        /* queued: one sendmmsg for all the answers of one wake-up */
        return tp_udp_queue(a->udp, &to, buf, len) == 0 ? 0 : SIP_TXN_ETRANSPORT;
    }
    if (dest->tp != SIP_TP_TCP || !a->tcp)
        return SIP_TXN_ETRANSPORT;
    /* §18.2.2: the connection the request came on, else one to the address */
    tp_conn *c = dest->conn ? tp_tcp_find_id(a->tcp, dest->conn) : NULL;
    if (!c || !tp_conn_is_open(c)) {
        if (dest_addr(a, dest, &to) != 0)
            return SIP_TXN_ETRANSPORT;
        c = tp_tcp_find(a->tcp, &to);
        if (!c && tp_tcp_connect(a->tcp, &to, a, &c) != 0)
            return SIP_TXN_ETRANSPORT;
    }
    if (tp_conn_send(c, buf, len) != 0)
        return SIP_TXN_ETRANSPORT;
    tp_conn_frame_sent(c);
    return 0;
}

/* --- input ---------------------------------------------------------------- */

static void udp_recv(void *ctx, tp_udp *u, const char *buf, size_t len, const tp_addr *peer)
{
    (void)u;
    sip_txn_tp *a = ctx;
    sip_peer src;
    peer_from(a, peer, SIP_TP_UDP, &src);
    sip_txn_receive(a->L, buf, len, &src);
}

/* §18.4: an ICMP error for a datagram we sent ends the transactions waiting there. */
static void udp_error(void *ctx, tp_udp *u, const tp_addr *peer, int err)
{
    (void)u, (void)err;
    sip_txn_tp *a = ctx;
    sip_peer where;
    sip_txn_tp_peer(peer, SIP_TP_UDP, &where);
    sip_txn_transport_error(a->L, &where, false);
}

static void tcp_close(void *ctx, tp_conn *c, tp_close_reason why, int err)
{
    (void)err;
    sip_txn_tp *a = ctx;
    if (tp_close_status(why) == 0 || !a->L)
        return; /* our own close: nothing was waiting on it */
    sip_peer where;
    sip_txn_tp_peer(tp_conn_remote(c), SIP_TP_TCP, &where);
    where.conn = tp_conn_id(c);
    /* requests sent to the address went over this connection, unless another one is still there */
    if (tp_tcp_find(a->tcp, tp_conn_remote(c)))
        where.host[0] = 0;
    bool never_opened = why == TP_CLOSE_CONNECT_FAILED || why == TP_CLOSE_CONNECT_TIMEOUT;
    sip_txn_transport_error(a->L, &where, never_opened);
}

/* The stream cannot be read on (§18.3: no Content-Length says where the
 * next message starts): answer from the bytes held with the status the
 * stream framing found (400, or 513 past the size limit), then close once
 * the answer is out. The answer needs a Via (§8.2.6.1): only whole lines
 * within the first max_msg_size bytes are read for it, so a request whose
 * top Via comes later, or a response, gets none, however the bytes came. */
static void tcp_refuse(sip_txn_tp *a, tp_conn *c, const char *buf, size_t len, const sp_error *err)
{
    if (len > a->limits.max_msg_size) {
        const char *lf = memrchr(buf, '\n', a->limits.max_msg_size);
        len = lf ? (size_t)(lf + 1 - buf) : 0;
    }
    sip_via via;
    long n = sip_stateless_salvage(buf, len, err, a->refusal, a->refusal_cap, &via);
    if (n > 0)
        tp_conn_send(c, a->refusal, (size_t)n);
    tp_conn_end(c);
}

static int tcp_frame(void *ctx, tp_conn *c, const char *buf, size_t len)
{
    sip_txn_tp *a = ctx;
    /* RFC 5626 §4.4.1: a CRLF CRLF ping gets a CRLF pong; lone CRLFs (and
     * LFs, §7.5) between messages are skipped. None of them is a message:
     * they keep no connection open past the idle timeout. */
    if (len >= 4 && !memcmp(buf, "\r\n\r\n", 4)) {
        tp_conn_send(c, "\r\n", 2);
        return 4;
    }
    if (len >= 2 && !memcmp(buf, "\r\n", 2))
        return len == 2 ? 0 : 2;
    if (buf[0] == '\n')
        return 1;
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg msg;
    sp_error err;
    int n = sip_msg_parse(buf, len, &msg, hdrs, SIP_DEFAULT_MAX_HEADERS, &a->limits, SIP_FRAME_STREAM, &err);
    if (n == SP_AGAIN) {
        tp_conn_frame_begun(c); /* whole within the frame timeout, however slowly it comes */
        return 0;
    }
    /* §18.3: Content-Length MUST be used on a stream; without it the message's end is a guess. */
    if (n >= 0 && !msg.has_content_length)
        n = sp_fail(&err, SP_EINVAL, msg.length, 400, "no Content-Length on a stream transport");
    if (n < 0) {
        tcp_refuse(a, c, buf, len, &err);
        return (int)len;
    }
    tp_conn_frame_received(c);
    sip_peer src;
    sip_txn_tp_peer(tp_conn_remote(c), SIP_TP_TCP, &src);
    src.conn = tp_conn_id(c);
    sip_txn_receive(a->L, buf, (size_t)n, &src);
    return n;
}

/* --- life cycle ------------------------------------------------------------- */

int sip_txn_tp_new(tp_loop *loop, const sip_txn_tp_config *cfg, sip_txn_tp **out)
{
    sip_txn_tp *a = calloc(1, sizeof *a);
    if (!a)
        return -ENOMEM;
    a->loop = loop;
    a->limits = cfg->txn.limits;
    if (a->limits.max_msg_size == 0)
        a->limits.max_msg_size = SIP_DEFAULT_MAX_MSG_SIZE;
    if (a->limits.max_headers == 0 || a->limits.max_headers > SIP_DEFAULT_MAX_HEADERS)
        a->limits.max_headers = SIP_DEFAULT_MAX_HEADERS;
    /* a salvaged answer copies a few header lines of at most one message */
    a->refusal_cap = a->limits.max_msg_size + 1024;
    a->refusal = malloc(a->refusal_cap);
    if (!a->refusal) {
        free(a);
        return -ENOMEM;
    }
    sip_txn_env env = {.ctx = a, .now_ms = env_now, .send = env_send, .timer_start = env_timer_start,
                       .timer_cancel = env_timer_cancel};
    a->L = sip_txn_layer_new(&cfg->txn, &env, &cfg->tu);
    int rc = a->L ? 0 : -ENOMEM;
    if (rc == 0 && cfg->udp) {
        tp_udp_config uc;
        tp_udp_config_default(&uc);
        uc.on_recv = udp_recv;
        uc.on_error = udp_error;
        int buf = cfg->udp_sockbuf ? cfg->udp_sockbuf : SIP_TXN_TP_SOCKBUF_DEFAULT;
        uc.rcvbuf = uc.sndbuf = buf > 0 ? buf : 0;
        if (cfg->udp_rx_batch)
            uc.rx_batch = cfg->udp_rx_batch;
        uc.ctx = a;
        rc = tp_udp_open(loop, cfg->udp, &uc, &a->udp);
        if (rc == 0)
            rc = tp_udp_local(a->udp, &a->udp_local);
    }
    if (rc == 0) {
        tp_tcp_config tc;
        tp_tcp_config_default(&tc);
        tc.on_frame = tcp_frame;
        tc.on_close = tcp_close;
        tc.counts_frames = true;
        if (cfg->tcp_limits)
            tc.limits = *cfg->tcp_limits;
        /* The framing must see one byte past the size limit to answer 513
         * (§21.5.14) rather than have the transport drop the connection. */
        if (tc.limits.max_rx <= a->limits.max_msg_size)
            tc.limits.max_rx = a->limits.max_msg_size + 1;
        tc.ctx = a;
        rc = tp_tcp_new(loop, &tc, &a->tcp);
        if (rc == 0 && cfg->tcp) {
            rc = tp_tcp_listen(a->tcp, cfg->tcp, &a->tcp_local);
            a->has_tcp_listener = rc == 0;
        }
    }
    if (rc != 0) {
        sip_txn_tp_free(a);
        return rc;
    }
    *out = a;
    return 0;
}

void sip_txn_tp_free(sip_txn_tp *a)
{
    if (!a)
        return;
    sip_txn_layer_free(a->L); /* cancels its timers through the environment */
    a->L = NULL;              /* the connections closed below have no one to tell */
    if (a->tcp)
        tp_tcp_free(a->tcp);
    if (a->udp)
        tp_udp_close(a->udp);
    while (a->all_timers) {
        txn_tp_timer *rec = a->all_timers;
        a->all_timers = rec->next_all;
        if (tp_timer_armed(&rec->t))
            tp_timer_stop(tp_loop_timers(a->loop), &rec->t);
        free(rec);
    }
    free(a->refusal);
    free(a);
}

sip_txn_layer *sip_txn_tp_layer(const sip_txn_tp *a) { return a->L; }

int sip_txn_tp_local(const sip_txn_tp *a, sip_tp tp, tp_addr *out)
{
    if (tp == SIP_TP_UDP && a->udp) {
        *out = a->udp_local;
        return 0;
    }
    if (tp == SIP_TP_TCP && a->has_tcp_listener) {
        *out = a->tcp_local;
        return 0;
    }
    return -ENOENT;
}
