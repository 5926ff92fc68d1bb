/* tp_signal.c - signals as loop events.
 *
 * With a signalfd (SP_HAVE_SIGNALFD) the signals are blocked, so that the
 * kernel queues them for the descriptor instead of running a handler.
 * Elsewhere a handler writes the signal's number into a pipe the loop
 * reads (the self-pipe). Either way the callback runs in the loop with no
 * async-signal-safety constraints (e.g. SIGTERM starts a clean shutdown). */
#include "tp_loop_impl.h"

#include <errno.h>
#include <unistd.h>

#if SP_HAVE_SIGNALFD
#include <pthread.h>
#include <sys/signalfd.h>
#else
#include <stdlib.h>

#include "tp_sock_impl.h"
#endif

static void deliver(tp_loop *loop, unsigned signo)
{
    if (signo < TP_LOOP_NSIG && loop->sig[signo].fn)
        loop->sig[signo].fn(loop, (int)signo, loop->sig[signo].ctx);
}

#if SP_HAVE_SIGNALFD
static void on_sigfd(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)events, (void)ctx;
    struct signalfd_siginfo si;
    /* Read everything queued; a callback may stop watching a signal. */
    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si)
        deliver(loop, si.ssi_signo);
}

static int watch(tp_loop *loop, int signo)
{
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
    sigset_t one, old;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_BLOCK, &one, &old);
    if (!sigismember(&old, signo))
        sigaddset(&loop->sigblocked, signo);
    return 0;
}

static void unwatch_all(tp_loop *loop)
{
    /* A signal that arrived after the last read is delivered on unblocking,
     * with its normal disposition: a second SIGTERM during shutdown still
     * ends the process. */
    pthread_sigmask(SIG_UNBLOCK, &loop->sigblocked, NULL);
}
#else
/* By signal: the write end of the pipe of the loop watching it, plus one
 * (0: none). */
static volatile sig_atomic_t pipe_of[TP_LOOP_NSIG];

static void on_signal_caught(int signo)
{
    int saved = errno;
    int fd = signo > 0 && signo < TP_LOOP_NSIG ? (int)pipe_of[signo] - 1 : -1;
    unsigned char b = (unsigned char)signo;
    /* A full pipe drops the byte: the loop has signals to read already. */
    if (fd >= 0 && write(fd, &b, 1) < 0)
        (void)0;
    errno = saved;
}

static void on_sigpipe(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)events, (void)ctx;
    unsigned char b[64];
    ssize_t n;
    while ((n = read(fd, b, sizeof b)) > 0)
        for (ssize_t i = 0; i < n; i++)
            deliver(loop, b[i]);
}

static int open_pipe(tp_loop *loop)
{
    int p[2];
    if (pipe(p) != 0)
        return -errno;
    int r = tp_fd_set_flags(p[0], true);
    if (r == 0)
        r = tp_fd_set_flags(p[1], true);
    if (r == 0 && !(loop->sigold = calloc(TP_LOOP_NSIG, sizeof *loop->sigold)))
        r = -ENOMEM;
    if (r == 0)
        r = tp_loop_fd_add(loop, p[0], TP_EV_READ, on_sigpipe, NULL);
    if (r < 0) {
        close(p[0]);
        close(p[1]);
        free(loop->sigold);
        loop->sigold = NULL;
        return r;
    }
    loop->sigfd = p[0];
    loop->sigpipe_wr = p[1];
    return 0;
}

/* The last loop to watch a signal gets it. */
static int watch(tp_loop *loop, int signo)
{
    if (loop->sigfd < 0) {
        int r = open_pipe(loop);
        if (r < 0)
            return r;
    }
    struct sigaction sa = {.sa_handler = on_signal_caught, .sa_flags = SA_RESTART};
    sigfillset(&sa.sa_mask);
    pipe_of[signo] = loop->sigpipe_wr + 1;
    if (sigaction(signo, &sa, &loop->sigold[signo]) != 0) {
        pipe_of[signo] = 0;
        return -errno;
    }
    return 0;
}

static void unwatch_all(tp_loop *loop)
{
    for (int signo = 1; signo < TP_LOOP_NSIG; signo++) {
        /* a signal a later loop took over stays with it */
        if (!sigismember(&loop->sigwatched, signo) || pipe_of[signo] != loop->sigpipe_wr + 1)
            continue;
        sigaction(signo, &loop->sigold[signo], NULL);
        pipe_of[signo] = 0;
    }
    close(loop->sigpipe_wr);
    loop->sigpipe_wr = -1;
    free(loop->sigold);
    loop->sigold = NULL;
}
#endif

int tp_loop_signal(tp_loop *loop, int signo, tp_signal_fn fn, void *ctx)
{
    if (signo <= 0 || signo >= TP_LOOP_NSIG || signo == SIGKILL || signo == SIGSTOP)
        return -EINVAL;
    if (!fn) {
        loop->sig[signo].fn = NULL;
        return 0;
    }
    if (!sigismember(&loop->sigwatched, signo)) {
        int r = watch(loop, signo);
        if (r < 0)
            return r;
        sigaddset(&loop->sigwatched, signo);
    }
    loop->sig[signo].fn = fn;
    loop->sig[signo].ctx = ctx;
    return 0;
}

void tp_signal_release(tp_loop *loop)
{
    if (loop->sigfd < 0)
        return;
    /* Handlers first: one writing into a pipe with no reader would raise
     * SIGPIPE. */
    unwatch_all(loop);
    tp_loop_fd_del(loop, loop->sigfd);
    close(loop->sigfd);
    loop->sigfd = -1;
    sigemptyset(&loop->sigblocked);
    sigemptyset(&loop->sigwatched);
}
