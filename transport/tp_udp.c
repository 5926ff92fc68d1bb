/* tp_udp.c - see tp_udp.h. */
#include "tp_udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sp_platform.h"
#include "tp_sock_impl.h"

#if SP_HAVE_ERRQUEUE
#include <linux/errqueue.h>
#endif

#if SP_HAVE_RECVMMSG
typedef struct mmsghdr tp_mmsg;

static int recv_batch(int fd, tp_mmsg *m, unsigned n) { return recvmmsg(fd, m, n, MSG_DONTWAIT, NULL); }
static int send_batch(int fd, tp_mmsg *m, unsigned n) { return sendmmsg(fd, m, n, MSG_DONTWAIT | MSG_NOSIGNAL); }
#else
/* What recvmmsg and sendmmsg take, for one recvmsg or sendmsg a datagram. */
typedef struct {
    struct msghdr msg_hdr;
    unsigned msg_len;
} tp_mmsg;

/* As recvmmsg/sendmmsg: the datagrams done, or -1 (errno) when the first
 * one fails. */
static int recv_batch(int fd, tp_mmsg *m, unsigned n)
{
    unsigned i = 0;
    for (ssize_t r; i < n && (r = recvmsg(fd, &m[i].msg_hdr, MSG_DONTWAIT)) >= 0; i++)
        m[i].msg_len = (unsigned)r;
    return i ? (int)i : -1;
}

static int send_batch(int fd, tp_mmsg *m, unsigned n)
{
    unsigned i = 0;
    for (ssize_t r; i < n && (r = sendmsg(fd, &m[i].msg_hdr, MSG_DONTWAIT | MSG_NOSIGNAL)) >= 0; i++)
        m[i].msg_len = (unsigned)r;
    return i ? (int)i : -1;
}
#endif

/* recvmmsg rounds per readiness event, so one busy socket cannot starve
 * the others sharing the loop. */
#define TP_UDP_RX_ROUNDS 4
/* Error-queue entries read per event (bounded for the same reason). */
#define TP_UDP_ERRQ_MAX 64
/* Refused datagrams one deferred flush reports (the rest are only counted). */
#define TP_UDP_REFUSED_MAX 8

struct tp_udp {
    tp_loop *loop;
    int fd;
    int family; /* of the bound address: datagrams to another family cannot leave */
    tp_udp_config cfg;
    tp_udp_stats stats;
    int busy;    /* > 0 while one of our callbacks runs */
    bool closed; /* closed from a callback: freed when the dispatch unwinds */

    char *rx_buf; /* rx_batch slots of max_datagram bytes */
    tp_mmsg *rx_msgs;
    struct iovec *rx_iov;
    tp_addr *rx_peers;

    char *tx_buf; /* queued datagrams, back to back */
    size_t tx_used;
    unsigned tx_count;
    tp_mmsg *tx_msgs;
    struct iovec *tx_iov;
    tp_addr *tx_peers;
    tp_defer tx_flush;
};

void tp_udp_config_default(tp_udp_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_datagram = TP_UDP_MAX_DATAGRAM;
    cfg->rx_batch = 8;
    cfg->tx_batch = 32;
    cfg->tx_batch_bytes = 65536;
}

static void udp_free(tp_udp *u)
{
    free(u->rx_buf);
    free(u->rx_msgs);
    free(u->rx_iov);
    free(u->rx_peers);
    free(u->tx_buf);
    free(u->tx_msgs);
    free(u->tx_iov);
    free(u->tx_peers);
    free(u);
}

/* Errors the kernel parks on the socket after an ICMP report and returns
 * from the next call, whatever its destination (IP_RECVERR): the datagram
 * being sent was not the cause, so it is worth one more try. */
static bool is_async_error(int err)
{
    return err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH || err == EHOSTDOWN ||
           err == ENETDOWN || err == EPROTO;
}

#if SP_HAVE_ERRQUEUE
static void read_errqueue(tp_udp *u)
{
    for (int i = 0; i < TP_UDP_ERRQ_MAX && !u->closed; i++) {
        tp_addr dest = {0};
        char control[512];
        char dummy[1];
        struct iovec iov = {dummy, sizeof dummy};
        struct msghdr m = {
            .msg_name = &dest.ss, .msg_namelen = sizeof dest.ss,
            .msg_iov = &iov, .msg_iovlen = 1,
            .msg_control = control, .msg_controllen = sizeof control,
        };
        if (recvmsg(u->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
            return;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            bool v4 = c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR;
            bool v6 = c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR;
            if (!v4 && !v6)
                continue;
            struct sock_extended_err ee;
            memcpy(&ee, CMSG_DATA(c), sizeof ee);
            if (ee.ee_origin != SO_EE_ORIGIN_ICMP && ee.ee_origin != SO_EE_ORIGIN_ICMP6)
                continue;
            tp_addr peer;
            if (!tp_addr_from_sockaddr(&peer, (struct sockaddr *)&dest.ss, m.msg_namelen))
                continue;
            u->stats.icmp_errors++;
            if (u->cfg.on_error)
                u->cfg.on_error(u->cfg.ctx, u, &peer, -(int)ee.ee_errno);
        }
    }
}
#else
/* No error queue: an unconnected socket is told of no ICMP report. An
 * error pending all the same is taken, so the wait does not spin on it. */
static void read_errqueue(tp_udp *u)
{
    int err;
    socklen_t len = sizeof err;
    getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &err, &len);
}
#endif

static void read_datagrams(tp_udp *u)
{
    unsigned batch = u->cfg.rx_batch;
    for (int round = 0; round < TP_UDP_RX_ROUNDS && !u->closed; round++) {
        for (unsigned i = 0; i < batch; i++) {
            u->rx_msgs[i].msg_hdr.msg_namelen = sizeof u->rx_peers[i].ss;
            u->rx_msgs[i].msg_hdr.msg_flags = 0;
        }
        int n = recv_batch(u->fd, u->rx_msgs, batch);
        if (n < 0) {
            if (is_async_error(errno))
                continue; /* the report is also in the error queue */
            return;
        }
        for (int i = 0; i < n && !u->closed; i++) {
            struct msghdr *h = &u->rx_msgs[i].msg_hdr;
            tp_addr *peer = &u->rx_peers[i];
            if (h->msg_flags & MSG_TRUNC) {
                u->stats.rx_oversize++;
                continue;
            }
            if (!tp_addr_from_sockaddr(peer, (struct sockaddr *)&peer->ss, h->msg_namelen))
                continue;
            u->stats.rx++;
            u->cfg.on_recv(u->cfg.ctx, u, h->msg_iov->iov_base, u->rx_msgs[i].msg_len, peer);
        }
        if ((unsigned)n < batch)
            return;
    }
}

static void on_udp_event(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)loop, (void)fd;
    tp_udp *u = ctx;
    u->busy++;
    if (events & TP_EV_ERROR)
        read_errqueue(u);
    if (events & TP_EV_READ)
        read_datagrams(u);
    if (--u->busy == 0 && u->closed)
        udp_free(u);
}

static void flush_queue(tp_udp *u, tp_addr *refused, int *errs, unsigned *nrefused);

/* The deferred flush: datagrams the kernel refused for good (no route, not
 * permitted) are reported like an ICMP error, so what waits on them ends at
 * once (RFC 3261 §8.1.3.1), once the queue is empty again: the callback may
 * queue more. */
static void on_flush(void *ctx)
{
    tp_udp *u = ctx;
    tp_addr refused[TP_UDP_REFUSED_MAX];
    int errs[TP_UDP_REFUSED_MAX];
    unsigned n = 0;
    flush_queue(u, refused, errs, &n);
    if (!n || !u->cfg.on_error)
        return;
    u->busy++;
    for (unsigned i = 0; i < n && !u->closed; i++)
        u->cfg.on_error(u->cfg.ctx, u, &refused[i], errs[i]);
    if (--u->busy == 0 && u->closed)
        udp_free(u);
}

static void *alloc_array(size_t n, size_t size) { return calloc(n ? n : 1, size); }

int tp_udp_open(tp_loop *loop, const tp_addr *bind, const tp_udp_config *cfg, tp_udp **out)
{
    *out = NULL;
    if (!cfg->on_recv || cfg->rx_batch == 0 || cfg->tx_batch == 0 || cfg->max_datagram == 0 ||
        cfg->max_datagram > TP_UDP_MAX_DATAGRAM || tp_addr_family(bind) == AF_UNSPEC)
        return -EINVAL;
    tp_udp *u = calloc(1, sizeof *u);
    if (!u)
        return -ENOMEM;
    u->loop = loop;
    u->cfg = *cfg;
    u->fd = -1;
    u->family = tp_addr_family(bind);
    tp_defer_init(&u->tx_flush, on_flush, u);
    size_t tx_bytes = cfg->tx_batch_bytes < cfg->max_datagram ? cfg->max_datagram : cfg->tx_batch_bytes;
    u->cfg.tx_batch_bytes = tx_bytes;
    u->rx_buf = alloc_array(cfg->rx_batch, cfg->max_datagram);
    u->rx_msgs = alloc_array(cfg->rx_batch, sizeof *u->rx_msgs);
    u->rx_iov = alloc_array(cfg->rx_batch, sizeof *u->rx_iov);
    u->rx_peers = alloc_array(cfg->rx_batch, sizeof *u->rx_peers);
    u->tx_buf = alloc_array(1, tx_bytes);
    u->tx_msgs = alloc_array(cfg->tx_batch, sizeof *u->tx_msgs);
    u->tx_iov = alloc_array(cfg->tx_batch, sizeof *u->tx_iov);
    u->tx_peers = alloc_array(cfg->tx_batch, sizeof *u->tx_peers);
    if (!u->rx_buf || !u->rx_msgs || !u->rx_iov || !u->rx_peers || !u->tx_buf || !u->tx_msgs ||
        !u->tx_iov || !u->tx_peers) {
        udp_free(u);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < cfg->rx_batch; i++) {
        u->rx_iov[i] = (struct iovec){u->rx_buf + (size_t)i * cfg->max_datagram, cfg->max_datagram};
        u->rx_msgs[i].msg_hdr.msg_iov = &u->rx_iov[i];
        u->rx_msgs[i].msg_hdr.msg_iovlen = 1;
        u->rx_msgs[i].msg_hdr.msg_name = &u->rx_peers[i].ss;
    }
    int r = tp_sock_open(bind, SOCK_DGRAM, &u->fd);
    if (r == 0) {
#if SP_HAVE_ERRQUEUE
        int on = 1;
        /* §18.4: learn of ICMP errors for datagrams sent unconnected. */
        if (tp_addr_family(bind) == AF_INET6)
            setsockopt(u->fd, SOL_IPV6, IPV6_RECVERR, &on, sizeof on);
        else
            setsockopt(u->fd, SOL_IP, IP_RECVERR, &on, sizeof on);
#endif
        if (cfg->rcvbuf > 0)
            setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &cfg->rcvbuf, sizeof cfg->rcvbuf);
        if (cfg->sndbuf > 0)
            setsockopt(u->fd, SOL_SOCKET, SO_SNDBUF, &cfg->sndbuf, sizeof cfg->sndbuf);
        r = tp_sock_bind(u->fd, bind);
    }
    if (r == 0)
        r = tp_loop_fd_add(loop, u->fd, TP_EV_READ, on_udp_event, u);
    if (r < 0) {
        if (u->fd >= 0)
            close(u->fd);
        udp_free(u);
        return r;
    }
    *out = u;
    return 0;
}

void tp_udp_close(tp_udp *u)
{
    if (!u || u->closed)
        return;
    tp_udp_flush(u);
    tp_defer_cancel(&u->tx_flush);
    tp_loop_fd_del(u->loop, u->fd);
    close(u->fd);
    u->fd = -1;
    u->closed = true;
    if (u->busy == 0)
        udp_free(u);
}

int tp_udp_local(const tp_udp *u, tp_addr *out) { return tp_sock_local(u->fd, out); }
const tp_udp_stats *tp_udp_get_stats(const tp_udp *u) { return &u->stats; }

/* One sendto, retried once past an error parked by an earlier ICMP report. */
static int send_one(tp_udp *u, const tp_addr *peer, const void *buf, size_t len)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (sendto(u->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL, tp_addr_sa(peer), peer->len) >= 0) {
            u->stats.tx++;
            return 0;
        }
        if (!is_async_error(errno))
            break;
    }
    int err = -errno;
    u->stats.tx_dropped++;
    return err;
}

int tp_udp_send(tp_udp *u, const tp_addr *peer, const void *buf, size_t len)
{
    if (len > u->cfg.max_datagram)
        return -EMSGSIZE;
    if (u->closed)
        return -EBADF;
    if (tp_addr_family(peer) != u->family)
        return -EAFNOSUPPORT;
    if (u->tx_count)
        tp_udp_flush(u);
    return send_one(u, peer, buf, len);
}

int tp_udp_queue(tp_udp *u, const tp_addr *peer, const void *buf, size_t len)
{
    if (len > u->cfg.max_datagram)
        return -EMSGSIZE;
    if (u->closed)
        return -EBADF;
    /* refused now, so the sender hears of it at once (RFC 3261 §8.1.3.1:
     * a transport error is a 503), not after the retransmissions run out */
    if (tp_addr_family(peer) != u->family)
        return -EAFNOSUPPORT;
    if (u->tx_count == u->cfg.tx_batch || u->cfg.tx_batch_bytes - u->tx_used < len)
        tp_udp_flush(u);
    unsigned i = u->tx_count++;
    memcpy(u->tx_buf + u->tx_used, buf, len);
    u->tx_iov[i] = (struct iovec){u->tx_buf + u->tx_used, len};
    u->tx_peers[i] = *peer;
    u->tx_msgs[i].msg_hdr = (struct msghdr){
        .msg_name = &u->tx_peers[i].ss, .msg_namelen = peer->len,
        .msg_iov = &u->tx_iov[i], .msg_iovlen = 1,
    };
    u->tx_used += len;
    tp_loop_defer(u->loop, &u->tx_flush);
    return 0;
}

/* A full buffer or memory: UDP is lossy there, SIP retransmits. */
static bool is_congestion(int err) { return err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == ENOMEM; }

void tp_udp_flush(tp_udp *u) { flush_queue(u, NULL, NULL, NULL); }

/* Sends the queue; the refused datagrams' peers (up to TP_UDP_REFUSED_MAX)
 * go into refused when it is given. */
static void flush_queue(tp_udp *u, tp_addr *refused, int *errs, unsigned *nrefused)
{
    unsigned sent = 0;
    int retried = 0;
    while (sent < u->tx_count) {
        int n = send_batch(u->fd, u->tx_msgs + sent, u->tx_count - sent);
        if (n > 0) {
            sent += (unsigned)n;
            u->stats.tx += (unsigned)n;
            continue;
        }
        if (n < 0 && is_async_error(errno) && !retried++)
            continue;
        /* The kernel refuses the next datagram: drop it, keep the rest. */
        if (refused && n < 0 && !is_congestion(errno) && *nrefused < TP_UDP_REFUSED_MAX) {
            refused[*nrefused] = u->tx_peers[sent];
            errs[(*nrefused)++] = -errno;
        }
        sent++;
        u->stats.tx_dropped++;
        retried = 0;
    }
    u->tx_count = 0;
    u->tx_used = 0;
    tp_defer_cancel(&u->tx_flush);
}
