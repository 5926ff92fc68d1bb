/* tp_sock.c - see tp_sock_impl.h. */
#include "tp_sock_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sp_platform.h"

int tp_fd_set_flags(int fd, bool nonblock)
{
    int fl = nonblock ? fcntl(fd, F_GETFL) : 0;
    if (fl < 0 || (nonblock && fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0) || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)
        return -errno;
    return 0;
}

#if !SP_HAVE_ACCEPT4
/* A descriptor just made, given its flags; closed if they cannot be set. */
static int with_flags(int fd, bool nonblock)
{
    int r = fd >= 0 ? tp_fd_set_flags(fd, nonblock) : 0;
    if (r < 0) {
        close(fd);
        errno = -r;
        return -1;
    }
    return fd;
}
#endif

int tp_sock_socket(int family, int type)
{
#if SP_HAVE_ACCEPT4
    return socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    return with_flags(socket(family, type, 0), true);
#endif
}

int tp_sock_accept(int fd, struct sockaddr *peer, socklen_t *len, bool nonblock)
{
#if SP_HAVE_ACCEPT4
    return accept4(fd, peer, len, SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
#else
    return with_flags(accept(fd, peer, len), nonblock);
#endif
}

int tp_sock_open(const tp_addr *addr, int type, int *fd)
{
    int family = tp_addr_family(addr);
    if (family != AF_INET && family != AF_INET6)
        return -EAFNOSUPPORT;
    int s = tp_sock_socket(family, type);
    if (s < 0)
        return -errno;
    if (family == AF_INET6) {
        /* Keep IPv4 on its own socket: "0.0.0.0" and "::" then share a port
         * and every peer address is reported in its own family. */
        int on = 1;
        setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    }
    *fd = s;
    return 0;
}

int tp_sock_bind(int fd, const tp_addr *addr)
{
    return bind(fd, tp_addr_sa(addr), addr->len) == 0 ? 0 : -errno;
}

static int name_of(int fd, tp_addr *out, int (*get)(int, struct sockaddr *, socklen_t *))
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (get(fd, (struct sockaddr *)&ss, &len) != 0)
        return -errno;
    return tp_addr_from_sockaddr(out, (struct sockaddr *)&ss, len) ? 0 : -EAFNOSUPPORT;
}

int tp_sock_local(int fd, tp_addr *out) { return name_of(fd, out, getsockname); }
int tp_sock_remote(int fd, tp_addr *out) { return name_of(fd, out, getpeername); }
