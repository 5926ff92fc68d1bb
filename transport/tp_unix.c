/* tp_unix.c - see tp_unix.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tp_sock_impl.h"
#include "tp_unix.h"

struct tp_unix_conn {
    tp_unix *owner;
    int fd;
    char *buf;
    size_t len, cap;
    tp_timer deadline;
    bool taken;         /* on_data has it: waiting for tp_unix_reply */
    bool in_callback;   /* a reply now only marks it done: the caller frees */
    bool done;
    tp_unix_conn *prev, *next;
};

struct tp_unix {
    tp_loop *loop;
    tp_unix_config cfg;
    int fd;
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];
    dev_t dev;          /* the file we made: removed at the end only if still there */
    ino_t ino;
    size_t nconns, buffered;
    tp_unix_conn *conns;
};

void *tp_unix_conn_ctx(const tp_unix_conn *c) { return c->owner->cfg.ctx; }
size_t tp_unix_conn_count(const tp_unix *s) { return s->nconns; }
size_t tp_unix_buffered(const tp_unix *s) { return s->buffered; }

static void conn_release_buffer(tp_unix_conn *c)
{
    c->owner->buffered -= c->cap;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static void conn_free(tp_unix_conn *c)
{
    tp_unix *s = c->owner;
    tp_timer_stop(tp_loop_timers(s->loop), &c->deadline);
    conn_release_buffer(c);
    if (c->fd >= 0) {
        tp_loop_fd_del(s->loop, c->fd);
        close(c->fd);
    }
    if (c->prev || s->conns == c) {
        if (c->prev)
            c->prev->next = c->next;
        else
            s->conns = c->next;
        if (c->next)
            c->next->prev = c->prev;
        s->nconns--;
    }
    free(c);
}

int tp_unix_reply(tp_unix_conn *c, const char *buf, size_t len)
{
    int rc = 0;
    size_t off = 0;
    while (off < len) {
        ssize_t n = send(c->fd, buf + off, len - off, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? -errno : -EIO;
            break;
        }
        off += (size_t)n;
    }
    if (c->in_callback)
        c->done = true;
    else
        conn_free(c);
    return rc;
}

/* Tells the owner why c is refused, then closes it. */
static void refuse(tp_unix_conn *c, tp_unix_refusal why)
{
    tp_unix *s = c->owner;
    c->in_callback = true;
    if (s->cfg.on_refused)
        s->cfg.on_refused(s->cfg.ctx, c, why);
    conn_free(c);
}

static void on_deadline(tp_timer *t, void *ctx)
{
    (void)t;
    refuse(ctx, TP_UNIX_TIMEOUT);
}

/* Room for more bytes, within max_request and max_buffered. 0, or the
 * refusal. */
static int conn_grow(tp_unix_conn *c, tp_unix_refusal *why)
{
    tp_unix *s = c->owner;
    const tp_unix_limits *l = &s->cfg.limits;
    if (c->cap >= l->max_request) {
        *why = TP_UNIX_TOO_LARGE;
        return -1;
    }
    size_t cap = c->cap ? c->cap * 2 : 4096;
    if (cap > l->max_request)
        cap = l->max_request;
    if (cap > l->max_buffered)
        cap = l->max_buffered; /* a small budget still takes small requests */
    char *grown;
    if (cap <= c->cap || s->buffered - c->cap + cap > l->max_buffered || !(grown = realloc(c->buf, cap))) {
        *why = TP_UNIX_BUSY;
        return -1;
    }
    s->buffered += cap - c->cap;
    c->buf = grown;
    c->cap = cap;
    return 0;
}

static void on_readable(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)loop, (void)events;
    tp_unix_conn *c = ctx;
    tp_unix *s = c->owner;
    if (c->taken)
        return;
    tp_unix_refusal why;
    if (c->len == c->cap && conn_grow(c, &why) != 0) {
        refuse(c, why);
        return;
    }
    ssize_t n = read(fd, c->buf + c->len, c->cap - c->len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        conn_free(c); /* gone before its request was complete */
        return;
    }
    c->len += (size_t)n;
    c->in_callback = true;
    int rc = s->cfg.on_data(s->cfg.ctx, c, c->buf, c->len);
    c->in_callback = false;
    if (c->done) {
        conn_free(c);
        return;
    }
    if (rc == TP_UNIX_TAKEN) {
        c->taken = true;
        tp_timer_stop(tp_loop_timers(s->loop), &c->deadline);
        tp_loop_fd_set(s->loop, c->fd, 0);
        conn_release_buffer(c);
        return;
    }
    if (c->len == s->cfg.limits.max_request)
        refuse(c, TP_UNIX_TOO_LARGE);
}

/* One connection taken from the backlog: 0, or -1 when it is empty. */
static int accept_one(tp_loop *loop, tp_unix *s, int fd)
{
    int cfd = tp_sock_accept(fd, NULL, NULL, true);
    if (cfd < 0)
        return -1;
    tp_unix_conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(cfd);
        return 0;
    }
    c->owner = s;
    c->fd = cfd;
    if (s->nconns >= s->cfg.limits.max_conns) {
        refuse(c, TP_UNIX_BUSY); /* not linked: told why, then closed */
        return 0;
    }
    tp_timer_init(&c->deadline, on_deadline, c);
    if (tp_loop_fd_add(loop, cfd, TP_EV_READ, on_readable, c) != 0 ||
        tp_timer_start(tp_loop_timers(loop), &c->deadline, s->cfg.limits.timeout_ms) != 0) {
        tp_loop_fd_del(loop, cfd);
        close(cfd);
        free(c);
        return 0;
    }
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->nconns++;
    return 0;
}

/* Up to TP_UNIX_ACCEPT_BATCH per wake-up: their requests are then read in
 * one iteration, which lets a host batch its work on them (a journal's
 * group commit) without starving the loop's other descriptors. */
static void on_accept(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)events;
    for (int i = 0; i < TP_UNIX_ACCEPT_BATCH && accept_one(loop, ctx, fd) == 0; i++)
        ;
}

/* The path may be used: nothing there, or a stale socket (removed). */
static int claim_path(const struct sockaddr_un *sun)
{
    struct stat st;
    if (lstat(sun->sun_path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISSOCK(st.st_mode))
        return -EEXIST;
    int fd = tp_sock_socket(AF_UNIX, SOCK_STREAM);
    if (fd < 0)
        return -errno;
    int rc = connect(fd, (const struct sockaddr *)sun, sizeof *sun), err = errno;
    close(fd);
    if (rc == 0 || err == EAGAIN)
        return -EADDRINUSE; /* someone accepts there (or its backlog is full) */
    if (err != ECONNREFUSED)
        return -err;
    return unlink(sun->sun_path) == 0 || errno == ENOENT ? 0 : -errno;
}

static int listen_at(tp_unix *s)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, s->path, strlen(s->path));
    int rc = claim_path(&sun);
    if (rc != 0)
        return rc;
    s->fd = tp_sock_socket(AF_UNIX, SOCK_STREAM);
    if (s->fd < 0)
        return -errno;
    /* the file is born owner-only: no moment where the umask's mode is on it */
    mode_t old = umask(0177);
    rc = bind(s->fd, (struct sockaddr *)&sun, sizeof sun);
    int err = errno;
    umask(old);
    if (rc != 0)
        return -err;
    struct stat st;
    if (stat(s->path, &st) != 0)
        return -errno;
    s->dev = st.st_dev;
    s->ino = st.st_ino;
    /* the group first, then its access */
    if (s->cfg.group_access && (chown(s->path, (uid_t)-1, s->cfg.group) != 0 || chmod(s->path, 0660) != 0))
        return -errno;
    if (listen(s->fd, SOMAXCONN) != 0) /* bursts of clients wait in the backlog, not in connect() */
        return -errno;
    return tp_loop_fd_add(s->loop, s->fd, TP_EV_READ, on_accept, s);
}

int tp_unix_open(tp_loop *loop, const tp_unix_config *cfg, tp_unix **out)
{
    if (!cfg->path || !cfg->path[0] || !cfg->on_data)
        return -EINVAL;
    tp_unix *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    if (strlen(cfg->path) >= sizeof s->path) {
        free(s);
        return -ENAMETOOLONG;
    }
    s->loop = loop;
    s->cfg = *cfg;
    s->fd = -1;
    memcpy(s->path, cfg->path, strlen(cfg->path) + 1);
    s->cfg.path = s->path;
    tp_unix_limits *l = &s->cfg.limits;
    l->max_conns = l->max_conns ? l->max_conns : TP_UNIX_MAX_CONNS_DEFAULT;
    l->max_request = l->max_request ? l->max_request : TP_UNIX_MAX_REQUEST_DEFAULT;
    l->max_buffered = l->max_buffered ? l->max_buffered : TP_UNIX_MAX_BUFFERED_DEFAULT;
    l->timeout_ms = l->timeout_ms ? l->timeout_ms : TP_UNIX_TIMEOUT_MS_DEFAULT;
    int rc = listen_at(s);
    if (rc != 0) {
        tp_unix_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void tp_unix_free(tp_unix *s)
{
    if (!s)
        return;
    while (s->conns)
        conn_free(s->conns);
    if (s->fd >= 0) {
        tp_loop_fd_del(s->loop, s->fd);
        close(s->fd);
    }
    struct stat st;
    if (s->ino && lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
        unlink(s->path);
    free(s);
}
