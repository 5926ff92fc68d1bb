/* tp_loop_poll.c - the loop's portable backend: poll() over an array of
 * the registered descriptors (POSIX; used where there is no epoll, or with
 * make LOOP=poll). Adding, changing and removing are O(1): each fd's place
 * in the array is kept by fd, and a removal moves the last entry into the
 * hole. A wait costs O(registered descriptors). */
#include "tp_loop_impl.h"

#if !SP_HAVE_EPOLL
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

struct tp_poller {
    struct pollfd *pfds; /* the registered descriptors, in no order */
    tp_fired *fired;     /* as many entries as pfds can hold */
    size_t n, cap;
    size_t *at;          /* by fd: its index in pfds + 1; 0: not there */
    size_t nat;
};

int tp_poller_new(tp_loop *loop)
{
    loop->poller = calloc(1, sizeof *loop->poller);
    return loop->poller ? 0 : -ENOMEM;
}

void tp_poller_free(tp_loop *loop)
{
    tp_poller *p = loop->poller;
    free(p->pfds);
    free(p->fired);
    free(p->at);
    free(p);
    loop->poller = NULL;
}

static short to_poll(unsigned events)
{
    return (short)((events & TP_EV_READ ? POLLIN : 0) | (events & TP_EV_WRITE ? POLLOUT : 0));
}

/* Room for one more descriptor, and for fd in the index. */
static int reserve(tp_poller *p, int fd)
{
    if ((size_t)fd >= p->nat) {
        size_t n = p->nat ? p->nat : 64;
        while (n <= (size_t)fd)
            n *= 2;
        size_t *at = realloc(p->at, n * sizeof *at);
        if (!at)
            return -ENOMEM;
        memset(at + p->nat, 0, (n - p->nat) * sizeof *at);
        p->at = at;
        p->nat = n;
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        struct pollfd *pfds = realloc(p->pfds, cap * sizeof *pfds);
        if (!pfds)
            return -ENOMEM;
        p->pfds = pfds;
        tp_fired *fired = realloc(p->fired, cap * sizeof *fired);
        if (!fired)
            return -ENOMEM;
        p->fired = fired;
        p->cap = cap;
    }
    return 0;
}

int tp_poller_add(tp_loop *loop, int fd)
{
    tp_poller *p = loop->poller;
    int r = reserve(p, fd);
    if (r < 0)
        return r;
    p->pfds[p->n] = (struct pollfd){.fd = fd, .events = to_poll(loop->fds[fd].events)};
    p->at[fd] = ++p->n;
    return 0;
}

int tp_poller_set(tp_loop *loop, int fd)
{
    tp_poller *p = loop->poller;
    p->pfds[p->at[fd] - 1].events = to_poll(loop->fds[fd].events);
    return 0;
}

void tp_poller_del(tp_loop *loop, int fd)
{
    tp_poller *p = loop->poller;
    size_t i = p->at[fd] - 1;
    p->at[fd] = 0;
    if (i != --p->n) {
        p->pfds[i] = p->pfds[p->n];
        p->at[p->pfds[i].fd] = i + 1;
    }
}

static unsigned from_poll(short ev)
{
    unsigned out = 0;
    if (ev & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
        out |= TP_EV_READ;
    if (ev & (POLLOUT | POLLHUP | POLLERR))
        out |= TP_EV_WRITE;
    if (ev & POLLERR)
        out |= TP_EV_ERROR;
    return out;
}

int tp_poller_wait(tp_loop *loop, int timeout_ms, const tp_fired **fired)
{
    tp_poller *p = loop->poller;
    int ready = poll(p->pfds, (nfds_t)p->n, timeout_ms);
    if (ready < 0)
        return errno == EINTR ? 0 : -errno;
    /* Collected before any callback runs: those may add and remove
     * descriptors, which moves entries of pfds. */
    int n = 0;
    for (size_t i = 0; i < p->n && n < ready; i++) {
        if (!p->pfds[i].revents)
            continue;
        int fd = p->pfds[i].fd;
        p->fired[n++] = (tp_fired){.fd = fd, .gen = loop->fds[fd].gen, .events = from_poll(p->pfds[i].revents)};
    }
    *fired = p->fired;
    return n;
}
#endif
