/* tp_conn.c - one TCP connection: reading into the framing callback, the
 * write queue with back-pressure, timeouts and closing. See tp_tcp.h.
 *
 * Re-entrancy: every entry from the loop (readiness, timer, deferred call)
 * holds c->busy, so a callback that closes its own connection leaves the
 * memory in place until the entry unwinds; the entry then frees it. User
 * callbacks are never called from inside tp_conn_write. */
#include "tp_tcp_impl.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sp_error.h"
#include "tp_sock_impl.h"

static atomic_uint_fast64_t next_conn_id = 1;

static tp_timers *timers_of(const tp_conn *c) { return tp_loop_timers(c->tcp->loop); }
static tp_ms now_of(const tp_conn *c) { return tp_loop_now(c->tcp->loop); }

static void conn_on_timer(tp_timer *timer, void *ctx);
static void conn_on_defer(void *ctx);
static void arm_timeouts(tp_conn *c);

/* --- life cycle ------------------------------------------------------------ */

tp_conn *tp_conn_new(tp_tcp *t, int fd, const tp_addr *remote, bool incoming)
{
    tp_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->tcp = t;
    c->fd = fd;
    c->id = atomic_fetch_add(&next_conn_id, 1);
    c->state = incoming ? TP_CONN_OPEN : TP_CONN_CONNECTING;
    c->incoming = incoming;
    c->remote = *remote;
    c->ctx = t->cfg.ctx;
    c->idle_ms = t->cfg.limits.idle_timeout_ms;
    c->stall_ms = t->cfg.limits.stall_timeout_ms;
    c->last_rx = c->last_activity = c->last_frame = tp_loop_now(t->loop);
    c->frame_since = TP_MS_NEVER;
    tp_defer_init(&c->defer, conn_on_defer, c);
    tp_timer_init(&c->timer, conn_on_timer, c);
    /* SIP requests and MSRP chunks are whole messages: do not hold their
     * last segment back waiting for an acknowledgement. */
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (incoming)
        tp_sock_local(fd, &c->local);
    if (tp_loop_fd_add(t->loop, fd, incoming ? TP_EV_READ : TP_EV_WRITE, tp_conn_on_event, c) < 0) {
        free(c);
        return NULL;
    }
    tp_tcp_link(t, c);
    if (incoming)
        arm_timeouts(c);
    return c;
}

static void free_queue(tp_wreq *w)
{
    while (w) {
        tp_wreq *next = w->next;
        free(w);
        w = next;
    }
}

void tp_conn_destroy(tp_conn *c)
{
    free_queue(c->tx_head);
    free_queue(c->done_head);
    free(c->rx);
    free(c);
}

/* Calls 'done' with 0 for every write fully handed to the kernel. */
static void deliver_done(tp_conn *c)
{
    while (c->done_head) {
        tp_wreq *w = c->done_head;
        c->done_head = w->next;
        if (!c->done_head)
            c->done_tail = NULL;
        w->done(w->done_ctx, 0);
        free(w);
    }
}

void tp_conn_close_why(tp_conn *c, tp_close_reason why, int err)
{
    if (c->state == TP_CONN_CLOSED)
        return;
    tp_tcp *t = c->tcp;
    if (c->state == TP_CONN_CONNECTING)
        t->stats.connect_failed++;
    c->state = TP_CONN_CLOSED;
    t->stats.closed++;
    tp_tcp_unlink(t, c);
    tp_timer_stop(timers_of(c), &c->timer);
    tp_defer_cancel(&c->defer);
    tp_loop_fd_del(t->loop, c->fd);
    close(c->fd);
    c->fd = -1;
    c->busy++;
    deliver_done(c);
    while (c->tx_head) {
        tp_wreq *w = c->tx_head;
        c->tx_head = w->next;
        if (w->done)
            w->done(w->done_ctx, -ECANCELED);
        free(w);
    }
    c->tx_tail = NULL;
    c->tx_queued = 0;
    if (t->cfg.on_close)
        t->cfg.on_close(c->ctx, c, why, err);
    c->busy--;
}

void tp_conn_close(tp_conn *c)
{
    if (!c || c->state == TP_CONN_CLOSED)
        return;
    tp_conn_close_why(c, TP_CLOSE_LOCAL, 0);
    if (c->busy == 0)
        tp_conn_destroy(c);
}

/* Ends an entry from the loop: frees the connection if it closed meanwhile. */
static void leave(tp_conn *c)
{
    if (--c->busy == 0 && c->state == TP_CONN_CLOSED)
        tp_conn_destroy(c);
}

static void update_events(tp_conn *c)
{
    if (c->state == TP_CONN_CLOSED)
        return;
    unsigned ev = 0;
    if (c->state == TP_CONN_OPEN && (!c->ending || c->lingering))
        ev |= TP_EV_READ;
    if (c->state == TP_CONN_CONNECTING || c->tx_head)
        ev |= TP_EV_WRITE;
    tp_loop_fd_set(c->tcp->loop, c->fd, ev);
}

/* --- timeouts --------------------------------------------------------------- */

/* With counts_frames, keep-alives are bytes but not frames: only frames
 * keep a connection (RFC 5626 §4.4.1 pings are answered, not counted). */
static tp_ms idle_deadline(const tp_conn *c)
{
    tp_ms since = c->tcp->cfg.counts_frames ? c->last_frame : c->last_activity;
    return c->idle_ms ? since + c->idle_ms : TP_MS_NEVER;
}

static tp_ms stall_deadline(const tp_conn *c)
{
    return c->stall_ms && c->rx ? c->last_rx + c->stall_ms : TP_MS_NEVER;
}

/* From the frame's start, not its last byte: a peer trickling a byte at a
 * time restarts the stall timeout but not this one. */
static tp_ms frame_deadline(const tp_conn *c)
{
    uint32_t ms = c->tcp->cfg.limits.frame_timeout_ms;
    return ms && c->frame_since != TP_MS_NEVER ? c->frame_since + ms : TP_MS_NEVER;
}

static tp_ms earliest(tp_ms a, tp_ms b) { return a < b ? a : b; }

/* A lingering connection has only its linger deadline left. */
static tp_ms next_deadline(const tp_conn *c)
{
    if (c->lingering)
        return c->linger_until;
    return earliest(earliest(idle_deadline(c), stall_deadline(c)), frame_deadline(c));
}

/* Activity only moves timestamps; the timer is re-armed when it fires (or
 * here, when a deadline comes earlier than the one armed), so busy
 * connections cost no heap operation per read. */
static void arm_timeouts(tp_conn *c)
{
    tp_ms due = next_deadline(c);
    if (due == TP_MS_NEVER) {
        tp_timer_stop(timers_of(c), &c->timer);
        return;
    }
    if (tp_timer_armed(&c->timer) && c->timer.due <= due)
        return;
    tp_ms now = now_of(c);
    tp_timer_start(timers_of(c), &c->timer, due > now ? due - now : 0);
}

static void conn_on_timer(tp_timer *timer, void *ctx)
{
    (void)timer;
    tp_conn *c = ctx;
    c->busy++;
    tp_ms now = now_of(c);
    if (c->state == TP_CONN_CONNECTING)
        tp_conn_close_why(c, TP_CLOSE_CONNECT_TIMEOUT, -ETIMEDOUT);
    else if (c->lingering && c->linger_until <= now)
        tp_conn_close_why(c, TP_CLOSE_LOCAL, 0);
    else if (c->lingering)
        arm_timeouts(c);
    else if (stall_deadline(c) <= now)
        tp_conn_close_why(c, TP_CLOSE_STALLED, -ETIMEDOUT);
    else if (frame_deadline(c) <= now)
        tp_conn_close_why(c, TP_CLOSE_FRAME_TIMEOUT, -ETIMEDOUT);
    else if (idle_deadline(c) <= now)
        tp_conn_close_why(c, TP_CLOSE_IDLE, -ETIMEDOUT);
    else
        arm_timeouts(c);
    leave(c);
}

void tp_conn_set_timeouts(tp_conn *c, uint32_t idle_ms, uint32_t stall_ms)
{
    c->idle_ms = idle_ms;
    c->stall_ms = stall_ms;
    if (c->state == TP_CONN_OPEN) {
        tp_timer_stop(timers_of(c), &c->timer);
        arm_timeouts(c);
    }
}

void tp_conn_frame_begun(tp_conn *c)
{
    if (c->state != TP_CONN_OPEN || c->frame_since != TP_MS_NEVER)
        return;
    c->frame_since = now_of(c);
    arm_timeouts(c);
}

void tp_conn_frame_received(tp_conn *c)
{
    c->frame_since = TP_MS_NEVER;
    c->last_frame = now_of(c);
}

void tp_conn_frame_sent(tp_conn *c) { c->last_frame = now_of(c); }

/* --- writing ------------------------------------------------------------------ */

static tp_close_reason reason_of_errno(int err)
{
    return err == ECONNRESET || err == EPIPE ? TP_CLOSE_RESET : TP_CLOSE_ERROR;
}

/* Consumes n written bytes from the head of the queue. */
static void advance_queue(tp_conn *c, size_t n)
{
    c->tx_queued -= n;
    while (c->tx_head) {
        tp_wreq *w = c->tx_head;
        while (w->cur < w->nseg && n >= w->seg[w->cur].iov_len)
            n -= w->seg[w->cur++].iov_len;
        if (w->cur < w->nseg) {
            w->seg[w->cur].iov_base = (char *)w->seg[w->cur].iov_base + n;
            w->seg[w->cur].iov_len -= n;
            return;
        }
        c->tx_head = w->next;
        if (!c->tx_head)
            c->tx_tail = NULL;
        if (w->done) {
            w->next = NULL;
            if (c->done_tail)
                c->done_tail->next = w;
            else
                c->done_head = w;
            c->done_tail = w;
        } else {
            free(w);
        }
    }
}

/* The queue of an ending connection is written: shut our side and read on
 * until the peer ends its own. Closing with its bytes unread would send a
 * reset, and a reset can make the peer drop the answer written last (a 400
 * or 513 sent because its message could not be read on) before reading it. */
static void linger(tp_conn *c)
{
    uint32_t ms = c->tcp->cfg.limits.linger_ms;
    if (ms == 0 || shutdown(c->fd, SHUT_WR) != 0) {
        tp_conn_close(c);
        return;
    }
    c->lingering = true;
    c->linger_until = now_of(c) + ms;
    update_events(c);
    arm_timeouts(c);
}

/* Reads and drops what a lingering connection's peer sends; its end (or a
 * reset) closes the connection. */
static void drop_input(tp_conn *c)
{
    tp_tcp *t = c->tcp;
    /* what was held will never be read (freed here, not in linger: the
     * framing callback that ended c may still be looking at it) */
    free(c->rx);
    c->rx = NULL;
    c->rx_cap = c->rx_off = c->rx_len = 0;
    for (int i = 0; i < TP_CONN_READS_PER_EVENT; i++) {
        ssize_t n = recv(c->fd, t->scratch, t->scratch_len, MSG_DONTWAIT);
        if (n > 0 || (n < 0 && errno == EINTR))
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        tp_conn_close_why(c, TP_CLOSE_LOCAL, 0);
        return;
    }
}

/* Writes as much of the queue as the kernel takes; may close c. */
static void flush(tp_conn *c)
{
    while (c->tx_head && c->state == TP_CONN_OPEN) {
        struct iovec iov[TP_CONN_MAX_SEGS];
        int cnt = 0;
        for (tp_wreq *w = c->tx_head; w && cnt < TP_CONN_MAX_SEGS; w = w->next)
            for (size_t i = w->cur; i < w->nseg && cnt < TP_CONN_MAX_SEGS; i++)
                iov[cnt++] = w->seg[i];
        struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};
        ssize_t n = sendmsg(c->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            tp_conn_close_why(c, reason_of_errno(errno), -errno);
            return;
        }
        c->last_activity = now_of(c);
        advance_queue(c, (size_t)n);
    }
    deliver_done(c);
    if (c->state != TP_CONN_OPEN)
        return;
    update_events(c);
    if (c->ending && !c->tx_head) {
        if (!c->lingering)
            linger(c);
        return;
    }
    if (c->tx_blocked && c->tx_queued <= c->tcp->cfg.limits.tx_high_water / 2) {
        c->tx_blocked = false;
        if (c->tcp->cfg.on_writable)
            c->tcp->cfg.on_writable(c->ctx, c);
    }
}

/* A queue entry for what is left of segs after 'sent' bytes: referenced
 * segments point at the caller's memory, the others are copied. */
static tp_wreq *wreq_new(const tp_seg *segs, size_t nsegs, size_t sent, tp_write_done_fn done, void *done_ctx)
{
    size_t nleft = 0, copy = 0, skip = sent;
    for (size_t i = 0; i < nsegs; i++) {
        size_t take = segs[i].n > skip ? segs[i].n - skip : 0;
        skip -= segs[i].n - take;
        if (take) {
            nleft++;
            if (!segs[i].ref)
                copy += take;
        }
    }
    tp_wreq *w = malloc(sizeof *w + nleft * sizeof(struct iovec) + copy);
    if (!w)
        return NULL;
    w->next = NULL;
    w->done = done;
    w->done_ctx = done_ctx;
    w->nseg = nleft;
    w->cur = 0;
    char *store = (char *)&w->seg[nleft];
    size_t k = 0;
    skip = sent;
    for (size_t i = 0; i < nsegs; i++) {
        size_t take = segs[i].n > skip ? segs[i].n - skip : 0;
        const char *from = (const char *)segs[i].p + (segs[i].n - take);
        skip -= segs[i].n - take;
        if (!take)
            continue;
        if (segs[i].ref) {
            w->seg[k++] = (struct iovec){(void *)from, take};
        } else {
            memcpy(store, from, take);
            w->seg[k++] = (struct iovec){store, take};
            store += take;
        }
    }
    return w;
}

int tp_conn_write(tp_conn *c, const tp_seg *segs, size_t nsegs, tp_write_done_fn done, void *done_ctx)
{
    if (c->state == TP_CONN_CLOSED || c->ending || c->pending_err)
        return -ENOTCONN;
    if (nsegs > TP_CONN_MAX_SEGS)
        return -EINVAL;
    const tp_tcp_limits *l = &c->tcp->cfg.limits;
    size_t total = 0;
    for (size_t i = 0; i < nsegs; i++) {
        if (segs[i].ref && segs[i].n && !done)
            return -EINVAL;
        if (segs[i].n > l->max_tx - total)
            return -ENOBUFS;
        total += segs[i].n;
    }
    if (total > l->max_tx - c->tx_queued)
        return -ENOBUFS;

    size_t sent = 0;
    if (c->state == TP_CONN_OPEN && !c->tx_head && total) {
        struct iovec iov[TP_CONN_MAX_SEGS];
        for (size_t i = 0; i < nsegs; i++)
            iov[i] = (struct iovec){(void *)segs[i].p, segs[i].n};
        struct msghdr m = {.msg_iov = iov, .msg_iovlen = nsegs};
        ssize_t n = sendmsg(c->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
        /* On a hard error the bytes are queued anyway: the loop then sees
         * the error and closes c, so no callback runs inside this call. */
        if (n > 0) {
            sent = (size_t)n;
            c->last_activity = now_of(c);
        }
    }
    if (sent == total && !done)
        return 0;
    tp_wreq *w = wreq_new(segs, nsegs, sent, done, done_ctx);
    if (!w) {
        if (sent) {
            /* Part of this write is on the wire: the stream is broken. */
            c->pending_err = ENOMEM;
            tp_loop_defer(c->tcp->loop, &c->defer);
        }
        return -ENOMEM;
    }
    if (sent == total) {
        if (c->done_tail)
            c->done_tail->next = w;
        else
            c->done_head = w;
        c->done_tail = w;
        tp_loop_defer(c->tcp->loop, &c->defer);
        return 0;
    }
    if (c->tx_tail)
        c->tx_tail->next = w;
    else
        c->tx_head = w;
    c->tx_tail = w;
    c->tx_queued += total - sent;
    if (c->tx_queued >= l->tx_high_water)
        c->tx_blocked = true;
    update_events(c);
    return 0;
}

int tp_conn_send(tp_conn *c, const void *buf, size_t len)
{
    tp_seg seg = {buf, len, false};
    return tp_conn_write(c, &seg, 1, NULL, NULL);
}

bool tp_conn_can_write(const tp_conn *c)
{
    return c->state != TP_CONN_CLOSED && !c->ending && !c->tx_blocked && !c->pending_err;
}

size_t tp_conn_tx_queued(const tp_conn *c) { return c->tx_queued; }

void tp_conn_end(tp_conn *c)
{
    if (c->state == TP_CONN_CLOSED || c->ending)
        return;
    c->ending = true;
    if (c->state == TP_CONN_OPEN && !c->tx_head) {
        linger(c);
        return;
    }
    update_events(c);
}

static void conn_on_defer(void *ctx)
{
    tp_conn *c = ctx;
    c->busy++;
    if (c->pending_err) {
        bool connecting = c->state == TP_CONN_CONNECTING;
        tp_conn_close_why(c, connecting ? TP_CLOSE_CONNECT_FAILED : TP_CLOSE_ERROR, -c->pending_err);
    } else {
        deliver_done(c);
    }
    leave(c);
}

/* --- reading ------------------------------------------------------------------ */

/* Hands bytes to the framing callback until it needs more; returns how many
 * it consumed. */
static size_t deliver(tp_conn *c, const char *buf, size_t len)
{
    size_t used = 0;
    while (used < len && c->state == TP_CONN_OPEN && !c->ending) {
        int r = c->tcp->cfg.on_frame(c->ctx, c, buf + used, len - used);
        if (r == 0 || r == SP_AGAIN)
            break;
        if (r < 0 || (size_t)r > len - used) {
            tp_conn_close_why(c, TP_CLOSE_FRAME, r < 0 ? r : SP_EINVAL);
            break;
        }
        used += (size_t)r;
    }
    return used;
}

/* Keeps 'left' unconsumed bytes of the shared buffer in a buffer of c's own. */
static bool hold(tp_conn *c, const char *left, size_t n)
{
    size_t max_rx = c->tcp->cfg.limits.max_rx;
    /* Holding max_rx bytes that are not a frame: it can never complete. */
    if (n >= max_rx) {
        tp_conn_close_why(c, TP_CLOSE_RX_LIMIT, SP_ELIMIT);
        return false;
    }
    size_t cap = n * 2 > TP_CONN_RX_MIN ? n * 2 : TP_CONN_RX_MIN;
    if (cap > max_rx)
        cap = max_rx;
    c->rx = malloc(cap);
    if (!c->rx) {
        tp_conn_close_why(c, TP_CLOSE_ERROR, -ENOMEM);
        return false;
    }
    memcpy(c->rx, left, n);
    c->rx_cap = cap;
    c->rx_off = 0;
    c->rx_len = n;
    arm_timeouts(c); /* the stall deadline may now come first */
    return true;
}

/* Makes room at the end of c->rx, keeping offsets (the callback only ever
 * saw pointers for the duration of one call). */
static bool make_room(tp_conn *c)
{
    if (c->rx_off) {
        memmove(c->rx, c->rx + c->rx_off, c->rx_len - c->rx_off);
        c->rx_len -= c->rx_off;
        c->rx_off = 0;
    }
    if (c->rx_len < c->rx_cap)
        return true;
    size_t max_rx = c->tcp->cfg.limits.max_rx;
    if (c->rx_cap >= max_rx) {
        tp_conn_close_why(c, TP_CLOSE_RX_LIMIT, SP_ELIMIT);
        return false;
    }
    size_t cap = c->rx_cap * 2 < max_rx ? c->rx_cap * 2 : max_rx;
    char *grown = realloc(c->rx, cap);
    if (!grown) {
        tp_conn_close_why(c, TP_CLOSE_ERROR, -ENOMEM);
        return false;
    }
    c->rx = grown;
    c->rx_cap = cap;
    return true;
}

static void read_ready(tp_conn *c)
{
    tp_tcp *t = c->tcp;
    for (int i = 0; i < TP_CONN_READS_PER_EVENT && c->state == TP_CONN_OPEN && !c->ending; i++) {
        /* A few bytes held (a stream parser waiting to see whether they
         * end a frame) rejoin the shared buffer, so the next read is a
         * full one instead of one into a small buffer of c's own. */
        size_t pre = 0;
        if (c->rx && c->rx_len - c->rx_off <= TP_CONN_REJOIN_MAX) {
            pre = c->rx_len - c->rx_off;
            memcpy(t->scratch, c->rx + c->rx_off, pre);
            free(c->rx);
            c->rx = NULL;
            c->rx_cap = c->rx_off = c->rx_len = 0;
        }
        char *dst = t->scratch + pre;
        size_t room = t->scratch_len - pre;
        if (c->rx) {
            if (!make_room(c))
                return;
            dst = c->rx + c->rx_len;
            room = c->rx_cap - c->rx_len;
        }
        ssize_t n = recv(c->fd, dst, room, MSG_DONTWAIT);
        if (n == 0) {
            tp_conn_close_why(c, TP_CLOSE_PEER, 0);
            return;
        }
        if (n < 0) {
            if (errno == EINTR)
                n = 0;
            else if (errno != EAGAIN && errno != EWOULDBLOCK)
                tp_conn_close_why(c, reason_of_errno(errno), -errno);
            if (c->state == TP_CONN_OPEN && pre)
                hold(c, t->scratch, pre); /* nothing new: keep them as they were */
            if (errno == EINTR)
                continue;
            return;
        }
        c->last_rx = c->last_activity = now_of(c);
        if (!c->rx) {
            size_t got = pre + (size_t)n;
            size_t used = deliver(c, t->scratch, got);
            if (c->state != TP_CONN_OPEN || c->ending)
                return;
            if (used < got && !hold(c, t->scratch + used, got - used))
                return;
        } else {
            c->rx_len += (size_t)n;
            c->rx_off += deliver(c, c->rx + c->rx_off, c->rx_len - c->rx_off);
            if (c->state != TP_CONN_OPEN || c->ending)
                return;
            if (c->rx_off == c->rx_len) {
                free(c->rx);
                c->rx = NULL;
                c->rx_cap = c->rx_off = c->rx_len = 0;
            } else if (c->rx_len - c->rx_off >= t->cfg.limits.max_rx) {
                tp_conn_close_why(c, TP_CLOSE_RX_LIMIT, SP_ELIMIT);
                return;
            }
        }
        if ((size_t)n < room)
            return; /* drained for now */
    }
}

static void connect_done(tp_conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        err = errno;
    if (err) {
        tp_conn_close_why(c, TP_CLOSE_CONNECT_FAILED, -err);
        return;
    }
    c->state = TP_CONN_OPEN;
    c->tcp->stats.connected++;
    tp_sock_local(c->fd, &c->local);
    tp_timer_stop(timers_of(c), &c->timer);
    c->last_rx = c->last_activity = c->last_frame = now_of(c);
    arm_timeouts(c);
    update_events(c);
    if (c->tcp->cfg.on_open)
        c->tcp->cfg.on_open(c->ctx, c);
    if (c->state == TP_CONN_OPEN)
        flush(c);
}

void tp_conn_on_event(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)loop, (void)fd;
    tp_conn *c = ctx;
    c->busy++;
    if (c->state == TP_CONN_CONNECTING) {
        if (!c->pending_err)
            connect_done(c);
    } else {
        if ((events & TP_EV_WRITE) && c->tx_head)
            flush(c);
        if ((events & TP_EV_READ) && c->state == TP_CONN_OPEN && !c->ending)
            read_ready(c);
        else if ((events & TP_EV_READ) && c->lingering)
            drop_input(c);
    }
    leave(c);
}

/* --- accessors ------------------------------------------------------------------ */

uint64_t tp_conn_id(const tp_conn *c) { return c->id; }
void *tp_conn_ctx(const tp_conn *c) { return c->ctx; }
void tp_conn_set_ctx(tp_conn *c, void *ctx) { c->ctx = ctx; }
tp_tcp *tp_conn_owner(const tp_conn *c) { return c->tcp; }
const tp_addr *tp_conn_remote(const tp_conn *c) { return &c->remote; }
const tp_addr *tp_conn_local(const tp_conn *c) { return &c->local; }
bool tp_conn_incoming(const tp_conn *c) { return c->incoming; }
bool tp_conn_is_open(const tp_conn *c) { return c->state == TP_CONN_OPEN; }
