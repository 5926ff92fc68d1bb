/* tp_signal.c - signals as loop events through one signalfd per loop.
 *
 * The signals are blocked so that the kernel queues them for the signalfd
 * instead of running a handler: the callback then runs in the loop with no
 * async-signal-safety constraints (e.g. SIGTERM starts a clean shutdown). */
#include "tp_loop_impl.h"

#include <errno.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

static void on_sigfd(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)events, (void)ctx;
    struct signalfd_siginfo si;
    /* Read everything queued; a callback may stop watching a signal. */
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        unsigned signo = si.ssi_signo;
        if (signo < TP_LOOP_NSIG && loop->sig[signo].fn)
            loop->sig[signo].fn(loop, (int)signo, loop->sig[signo].ctx);
    }
}

int tp_loop_signal(tp_loop *loop, int signo, tp_signal_fn fn, void *ctx)
{
    if (signo <= 0 || signo >= TP_LOOP_NSIG || signo == SIGKILL || signo == SIGSTOP)
        return -EINVAL;
    if (!fn) {
        loop->sig[signo].fn = NULL;
        return 0;
    }
    sigset_t watched = loop->sigwatched;
    sigaddset(&watched, signo);
    int fd = signalfd(loop->sigfd, &watched, SFD_NONBLOCK | SFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (loop->sigfd < 0) {
        int r = tp_loop_fd_add(loop, fd, TP_EV_READ, on_sigfd, NULL);
        if (r < 0) {
            close(fd);
            return r;
        }
        loop->sigfd = fd;
    }
    if (!sigismember(&loop->sigwatched, signo)) {
        sigset_t one, old;
        sigemptyset(&one);
        sigaddset(&one, signo);
        pthread_sigmask(SIG_BLOCK, &one, &old);
        if (!sigismember(&old, signo))
            sigaddset(&loop->sigblocked, signo);
    }
    loop->sigwatched = watched;
    loop->sig[signo].fn = fn;
    loop->sig[signo].ctx = ctx;
    return 0;
}

void tp_signal_release(tp_loop *loop)
{
    if (loop->sigfd < 0)
        return;
    tp_loop_fd_del(loop, loop->sigfd);
    close(loop->sigfd);
    loop->sigfd = -1;
    /* A signal that arrived after the last read is delivered on unblocking,
     * with its normal disposition: a second SIGTERM during shutdown still
     * ends the process. */
    pthread_sigmask(SIG_UNBLOCK, &loop->sigblocked, NULL);
    sigemptyset(&loop->sigblocked);
    sigemptyset(&loop->sigwatched);
}
