/* tp_sock_impl.h - socket set-up shared by tp_udp.c and the TCP files. */
#ifndef SIPPUSH_TP_SOCK_IMPL_H
#define SIPPUSH_TP_SOCK_IMPL_H

#include <stdbool.h>
#include <sys/socket.h>

#include "tp_addr.h"

/* Marks fd close-on-exec, and non-blocking when asked; 0 or a negative
 * errno. */
int tp_fd_set_flags(int fd, bool nonblock);
/* socket(), non-blocking and close-on-exec (in one call with SOCK_NONBLOCK
 * and SOCK_CLOEXEC where there are, SP_HAVE_ACCEPT4). Returns the
 * descriptor, or -1 with errno set. */
int tp_sock_socket(int family, int type);
/* accept(): the connection close-on-exec, and non-blocking when asked
 * (accept4 where there is one). Returns the descriptor, or -1 with errno
 * set. */
int tp_sock_accept(int fd, struct sockaddr *peer, socklen_t *len, bool nonblock);

/* A non-blocking, close-on-exec socket of the address's family; IPv6
 * sockets are IPv6-only. Returns 0 or a negative errno. */
int tp_sock_open(const tp_addr *addr, int type, int *fd);
/* bind(); returns 0 or a negative errno. */
int tp_sock_bind(int fd, const tp_addr *addr);
/* getsockname() / getpeername() into a tp_addr; 0 or a negative errno. */
int tp_sock_local(int fd, tp_addr *out);
int tp_sock_remote(int fd, tp_addr *out);

#endif
