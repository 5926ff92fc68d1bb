/* tp_loop_epoll.c - the loop's Linux backend: one epoll set,
 * level-triggered; each registration's fd and number ride in the event's
 * data, so a stale event is known without a lookup. */
#include "tp_loop_impl.h"

#if SP_HAVE_EPOLL
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

/* Descriptors reported by one epoll_wait. */
#define TP_EPOLL_EVENTS 128

struct tp_poller {
    int epfd;
    struct epoll_event events[TP_EPOLL_EVENTS];
    tp_fired fired[TP_EPOLL_EVENTS];
};

int tp_poller_new(tp_loop *loop)
{
    tp_poller *p = malloc(sizeof *p);
    if (!p)
        return -ENOMEM;
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0) {
        int err = errno;
        free(p);
        return -err;
    }
    loop->poller = p;
    return 0;
}

void tp_poller_free(tp_loop *loop)
{
    close(loop->poller->epfd);
    free(loop->poller);
    loop->poller = NULL;
}

static int update(tp_loop *loop, int op, int fd)
{
    const tp_fd_slot *s = &loop->fds[fd];
    struct epoll_event ev = {
        .events = (s->events & TP_EV_READ ? EPOLLIN : 0u) | (s->events & TP_EV_WRITE ? EPOLLOUT : 0u),
        .data.u64 = (uint64_t)(uint32_t)fd | (uint64_t)s->gen << 32,
    };
    return epoll_ctl(loop->poller->epfd, op, fd, &ev) == 0 ? 0 : -errno;
}

int tp_poller_add(tp_loop *loop, int fd) { return update(loop, EPOLL_CTL_ADD, fd); }
int tp_poller_set(tp_loop *loop, int fd) { return update(loop, EPOLL_CTL_MOD, fd); }
void tp_poller_del(tp_loop *loop, int fd) { epoll_ctl(loop->poller->epfd, EPOLL_CTL_DEL, fd, NULL); }

static unsigned from_epoll(uint32_t ev)
{
    unsigned out = 0;
    if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        out |= TP_EV_READ;
    if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
        out |= TP_EV_WRITE;
    if (ev & EPOLLERR)
        out |= TP_EV_ERROR;
    return out;
}

int tp_poller_wait(tp_loop *loop, int timeout_ms, const tp_fired **fired)
{
    tp_poller *p = loop->poller;
    int n = epoll_wait(p->epfd, p->events, TP_EPOLL_EVENTS, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        uint64_t data = p->events[i].data.u64;
        p->fired[i] = (tp_fired){
            .fd = (int)(uint32_t)data,
            .gen = (uint32_t)(data >> 32),
            .events = from_epoll(p->events[i].events),
        };
    }
    *fired = p->fired;
    return n;
}
#endif
