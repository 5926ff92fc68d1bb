/* tp_tcp.c - TCP sets: listeners, accepting, connecting and the connection
 * table (by remote address and by id). Per-connection I/O is in tp_conn.c. */
#include "tp_tcp_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tp_sock_impl.h"

/* Connections accepted per readiness event of one listener. */
#define TP_ACCEPTS_PER_EVENT 64

void tp_tcp_config_default(tp_tcp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->limits = (tp_tcp_limits){
        .max_conns = 1024,
        .max_conns_per_host = 64,
        .max_out_conns = 1024,
        .max_rx = 65536,
        .read_size = TP_TCP_SCRATCH,
        .max_tx = 4u << 20,
        .tx_high_water = 256u << 10,
        .connect_timeout_ms = 10000,
        .idle_timeout_ms = 300000,
        .stall_timeout_ms = 32000,
        .frame_timeout_ms = 32000,
        .linger_ms = 2000,
        .backlog = 128,
    };
}

const char *tp_close_reason_str(tp_close_reason why)
{
    switch (why) {
    case TP_CLOSE_LOCAL: return "closed locally";
    case TP_CLOSE_PEER: return "closed by peer";
    case TP_CLOSE_RESET: return "reset by peer";
    case TP_CLOSE_CONNECT_FAILED: return "connect failed";
    case TP_CLOSE_CONNECT_TIMEOUT: return "connect timed out";
    case TP_CLOSE_IDLE: return "idle timeout";
    case TP_CLOSE_STALLED: return "stalled in a frame";
    case TP_CLOSE_RX_LIMIT: return "receive limit";
    case TP_CLOSE_FRAME: return "framing error";
    case TP_CLOSE_ERROR: return "socket error";
    case TP_CLOSE_FRAME_TIMEOUT: return "frame timed out";
    }
    return "unknown";
}

int tp_close_status(tp_close_reason why) { return why == TP_CLOSE_LOCAL ? 0 : 503; }

int tp_tcp_new(tp_loop *loop, const tp_tcp_config *cfg, tp_tcp **out)
{
    *out = NULL;
    const tp_tcp_limits *l = &cfg->limits;
    if (!cfg->on_frame || l->max_conns == 0 || l->max_conns_per_host == 0 || l->max_out_conns == 0 ||
        l->max_rx == 0 || l->max_rx > INT32_MAX || l->read_size > INT32_MAX || l->tx_high_water == 0 ||
        l->tx_high_water > l->max_tx || l->backlog < 0)
        return -EINVAL;
    tp_tcp *t = calloc(1, sizeof *t);
    if (!t)
        return -ENOMEM;
    t->loop = loop;
    t->cfg = *cfg;
    t->spare_fd = -1;
    t->buckets = 16;
    size_t most = l->max_conns < SIZE_MAX - l->max_out_conns ? l->max_conns + l->max_out_conns : SIZE_MAX;
    while (t->buckets < most && t->buckets < (1u << 20))
        t->buckets *= 2;
    t->by_addr = calloc(t->buckets, sizeof *t->by_addr);
    t->by_id = calloc(t->buckets, sizeof *t->by_id);
    t->by_host = calloc(t->buckets, sizeof *t->by_host);
    t->scratch_len = l->read_size > TP_TCP_SCRATCH ? l->read_size : TP_TCP_SCRATCH;
    t->scratch = malloc(t->scratch_len);
    if (!t->by_addr || !t->by_id || !t->by_host || !t->scratch) {
        tp_tcp_free(t);
        return -ENOMEM;
    }
    *out = t;
    return 0;
}

void tp_tcp_free(tp_tcp *t)
{
    if (!t)
        return;
    while (t->conns) {
        tp_conn *c = t->conns;
        tp_conn_close_why(c, TP_CLOSE_LOCAL, 0);
        tp_conn_destroy(c);
    }
    while (t->listeners) {
        tp_listener *l = t->listeners;
        t->listeners = l->next;
        tp_timer_stop(tp_loop_timers(t->loop), &l->pause);
        tp_loop_fd_del(t->loop, l->fd);
        close(l->fd);
        free(l);
    }
    if (t->spare_fd >= 0)
        close(t->spare_fd);
    free(t->by_addr);
    free(t->by_id);
    free(t->by_host);
    free(t->scratch);
    free(t);
}

size_t tp_tcp_count(const tp_tcp *t) { return t->count; }
const tp_tcp_stats *tp_tcp_get_stats(const tp_tcp *t) { return &t->stats; }
tp_loop *tp_tcp_loop(const tp_tcp *t) { return t->loop; }

/* --- the table ----------------------------------------------------------- */

static size_t id_bucket(const tp_tcp *t, uint64_t id) { return (size_t)(id ^ (id >> 32)) & (t->buckets - 1); }
static size_t addr_bucket(const tp_tcp *t, const tp_addr *a) { return tp_addr_hash(a) & (t->buckets - 1); }

/* The source address without its port: what max_conns_per_host counts. */
static tp_addr host_of(const tp_addr *a)
{
    tp_addr h = *a;
    tp_addr_set_port(&h, 0);
    return h;
}

static size_t host_bucket(const tp_tcp *t, const tp_addr *a)
{
    tp_addr h = host_of(a);
    return tp_addr_hash(&h) & (t->buckets - 1);
}

/* Accepted connections open from the host of 'remote'. The chain holds
 * them and the few of other hosts sharing the bucket. */
static size_t host_count(const tp_tcp *t, const tp_addr *remote)
{
    tp_addr h = host_of(remote);
    size_t n = 0;
    for (const tp_conn *c = t->by_host[host_bucket(t, remote)]; c; c = c->next_by_host) {
        tp_addr other = host_of(&c->remote);
        n += tp_addr_eq(&other, &h);
    }
    return n;
}

void tp_tcp_link(tp_tcp *t, tp_conn *c)
{
    tp_conn **a = &t->by_addr[addr_bucket(t, &c->remote)];
    c->next_by_addr = *a;
    *a = c;
    tp_conn **i = &t->by_id[id_bucket(t, c->id)];
    c->next_by_id = *i;
    *i = c;
    if (c->incoming) {
        tp_conn **h = &t->by_host[host_bucket(t, &c->remote)];
        c->next_by_host = *h;
        *h = c;
        t->count_in++;
    } else {
        t->count_out++;
    }
    c->prev = NULL;
    c->next = t->conns;
    if (t->conns)
        t->conns->prev = c;
    t->conns = c;
    t->count++;
}

void tp_tcp_unlink(tp_tcp *t, tp_conn *c)
{
    for (tp_conn **p = &t->by_addr[addr_bucket(t, &c->remote)]; *p; p = &(*p)->next_by_addr)
        if (*p == c) {
            *p = c->next_by_addr;
            break;
        }
    for (tp_conn **p = &t->by_id[id_bucket(t, c->id)]; *p; p = &(*p)->next_by_id)
        if (*p == c) {
            *p = c->next_by_id;
            break;
        }
    if (c->incoming) {
        for (tp_conn **p = &t->by_host[host_bucket(t, &c->remote)]; *p; p = &(*p)->next_by_host)
            if (*p == c) {
                *p = c->next_by_host;
                break;
            }
        t->count_in--;
    } else {
        t->count_out--;
    }
    if (c->prev)
        c->prev->next = c->next;
    else
        t->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    t->count--;
}

tp_conn *tp_tcp_find(tp_tcp *t, const tp_addr *remote)
{
    for (tp_conn *c = t->by_addr[addr_bucket(t, remote)]; c; c = c->next_by_addr)
        if (!c->ending && tp_addr_eq(&c->remote, remote))
            return c;
    return NULL;
}

tp_conn *tp_tcp_find_id(tp_tcp *t, uint64_t id)
{
    for (tp_conn *c = t->by_id[id_bucket(t, id)]; c; c = c->next_by_id)
        if (c->id == id)
            return c;
    return NULL;
}

/* --- listening ------------------------------------------------------------ */

static void on_listen_event(tp_loop *loop, int fd, unsigned events, void *ctx);

static void on_listen_resume(tp_timer *timer, void *ctx)
{
    (void)timer;
    tp_listener *l = ctx;
    tp_loop_fd_set(l->tcp->loop, l->fd, TP_EV_READ);
}

/* Refusing with a reset, not a FIN: the peer learns at once, and no
 * TIME_WAIT state is left behind here. */
static void refuse(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* Out of descriptors: give up the spare one to accept the newcomer and
 * reset it, so it learns at once instead of waiting in the backlog.
 * Returns false when there was no spare to give. */
static bool refuse_without_descriptor(tp_tcp *t, int listen_fd)
{
    if (t->spare_fd < 0)
        return false;
    close(t->spare_fd);
    t->spare_fd = -1;
    int s = tp_sock_accept(listen_fd, NULL, NULL, false);
    if (s >= 0) {
        t->stats.refused++;
        refuse(s);
    }
    t->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return s >= 0;
}

/* Whether an accepted connection from 'remote' may have a slot. */
static bool slot_free(tp_tcp *t, const tp_addr *remote)
{
    const tp_tcp_limits *l = &t->cfg.limits;
    if (t->count_in >= l->max_conns)
        return false;
    if (host_count(t, remote) >= l->max_conns_per_host) {
        t->stats.refused_per_host++;
        return false;
    }
    return true;
}

static void on_listen_event(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)events;
    tp_listener *l = ctx;
    tp_tcp *t = l->tcp;
    for (int i = 0; i < TP_ACCEPTS_PER_EVENT; i++) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        int s = tp_sock_accept(fd, (struct sockaddr *)&ss, &len, true);
        if (s < 0) {
            if ((errno == EMFILE || errno == ENFILE) && refuse_without_descriptor(t, fd))
                continue;
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* The pending connection stays queued and keeps the
                 * listener readable: pause instead of spinning. */
                tp_loop_fd_set(loop, fd, 0);
                tp_timer_start(tp_loop_timers(loop), &l->pause, TP_LISTEN_PAUSE_MS);
            }
            return;
        }
        tp_addr remote;
        if (!tp_addr_from_sockaddr(&remote, (struct sockaddr *)&ss, len) || !slot_free(t, &remote)) {
            t->stats.refused++;
            refuse(s);
            continue;
        }
        tp_conn *c = tp_conn_new(t, s, &remote, true);
        if (!c) {
            t->stats.refused++;
            refuse(s);
            continue;
        }
        t->stats.accepted++;
        if (t->cfg.on_open) {
            c->busy++;
            t->cfg.on_open(c->ctx, c);
            if (--c->busy == 0 && c->state == TP_CONN_CLOSED)
                tp_conn_destroy(c);
        }
    }
}

int tp_tcp_listen(tp_tcp *t, const tp_addr *bind, tp_addr *bound)
{
    int fd, r = tp_sock_open(bind, SOCK_STREAM, &fd);
    if (r < 0)
        return r;
    int on = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    tp_listener *l = calloc(1, sizeof *l);
    if (!l)
        r = -ENOMEM;
    if (r == 0)
        r = tp_sock_bind(fd, bind);
    if (r == 0 && listen(fd, t->cfg.limits.backlog) != 0)
        r = -errno;
    if (r == 0 && bound)
        r = tp_sock_local(fd, bound);
    if (r == 0 && t->spare_fd < 0 && (t->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
        r = -errno;
    if (r == 0) {
        l->tcp = t;
        l->fd = fd;
        tp_timer_init(&l->pause, on_listen_resume, l);
        r = tp_loop_fd_add(t->loop, fd, TP_EV_READ, on_listen_event, l);
    }
    if (r < 0) {
        close(fd);
        free(l);
        return r;
    }
    l->next = t->listeners;
    t->listeners = l;
    return 0;
}

/* --- connecting ----------------------------------------------------------- */

int tp_tcp_connect(tp_tcp *t, const tp_addr *remote, void *ctx, tp_conn **out)
{
    *out = NULL;
    if (t->count_out >= t->cfg.limits.max_out_conns)
        return -EMFILE;
    tp_loop_update_time(t->loop); /* the connect timeout starts now */
    int fd, r = tp_sock_open(remote, SOCK_STREAM, &fd);
    if (r < 0)
        return r;
    int err = 0;
    if (connect(fd, tp_addr_sa(remote), remote->len) != 0 && errno != EINPROGRESS)
        err = errno;
    if (err == EAGAIN || err == EADDRNOTAVAIL || err == EBADF || err == EAFNOSUPPORT || err == EINVAL) {
        close(fd); /* a local problem, not the peer's answer */
        return -err;
    }
    tp_conn *c = tp_conn_new(t, fd, remote, false);
    if (!c) {
        close(fd);
        return -ENOMEM;
    }
    c->ctx = ctx;
    if (err) {
        /* Refused at once (loopback can): report it like a late failure,
         * after the caller has its pointer. */
        c->pending_err = err;
        tp_loop_fd_set(t->loop, fd, 0);
        tp_loop_defer(t->loop, &c->defer);
    } else {
        tp_timer_start(tp_loop_timers(t->loop), &c->timer, t->cfg.limits.connect_timeout_ms);
    }
    *out = c;
    return 0;
}
