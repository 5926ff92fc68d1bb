/* tp_sock_impl.h - socket set-up shared by tp_udp.c and the TCP files. */
#ifndef SIPPUSH_TP_SOCK_IMPL_H
#define SIPPUSH_TP_SOCK_IMPL_H

#include "tp_addr.h"

/* A non-blocking, close-on-exec socket of the address's family; IPv6
 * sockets are IPv6-only. Returns 0 or a negative errno. */
int tp_sock_open(const tp_addr *addr, int type, int *fd);
/* bind(); returns 0 or a negative errno. */
int tp_sock_bind(int fd, const tp_addr *addr);
/* getsockname() / getpeername() into a tp_addr; 0 or a negative errno. */
int tp_sock_local(int fd, tp_addr *out);
int tp_sock_remote(int fd, tp_addr *out);

#endif
