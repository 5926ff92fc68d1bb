/* sp_platform.h - what the system offers, decided at compile time, and the
 * monotonic clock.
 *
 * Each SP_HAVE_X is 1 when the library uses the feature and 0 when it uses
 * the plain fallback beside it. Linux gets them all; another system gets
 * the fallbacks; -DSP_NO_X turns one off (the build tests the fallbacks
 * that way on Linux):
 *
 *   SP_HAVE_EPOLL     the loop waits in epoll            else poll()  (make LOOP=poll)
 *   SP_HAVE_RECVMMSG  recvmmsg/sendmmsg batches on UDP   else one recvmsg/sendmsg a datagram
 *   SP_HAVE_SIGNALFD  signals read from a signalfd       else a self-pipe written by a handler
 *   SP_HAVE_ACCEPT4   accept4, SOCK_NONBLOCK/SOCK_CLOEXEC else accept/socket, then fcntl
 *   SP_HAVE_ERRQUEUE  ICMP errors of unconnected UDP     else not reported (timers end
 *                     from the socket error queue         the transactions instead)
 *   SP_HAVE_THREADS   pthreads: large MSRP contents      else hashed in line as they arrive
 *                     hashed in a thread of their own
 *   SP_HAVE_MONOTONIC clock_gettime(CLOCK_MONOTONIC)     else the embedder defines sp_clock_ms
 *   SP_HAVE_FILES     a POSIX file system: the file      else files refused (ENOSYS): the
 *                     sink, sending from a file           embedder's own sink stores
 *   SP_HAVE_GETRANDOM the kernel's getrandom()           else no randomness until the embedder
 *                                                         sets a source (sp_random_set_source)
 */
#ifndef SIPPUSH_SP_PLATFORM_H
#define SIPPUSH_SP_PLATFORM_H

#include <stdint.h>

#include "sp_export.h"

#if defined(__linux__)
#define SP_LINUX_ 1
#else
#define SP_LINUX_ 0
#endif

#if defined(__unix__) || defined(__APPLE__)
#define SP_POSIX_ 1
#else
#define SP_POSIX_ 0
#endif

#if SP_LINUX_ && !defined(SP_NO_EPOLL)
#define SP_HAVE_EPOLL 1
#else
#define SP_HAVE_EPOLL 0
#endif

#if SP_LINUX_ && !defined(SP_NO_RECVMMSG)
#define SP_HAVE_RECVMMSG 1
#else
#define SP_HAVE_RECVMMSG 0
#endif

#if SP_LINUX_ && !defined(SP_NO_SIGNALFD)
#define SP_HAVE_SIGNALFD 1
#else
#define SP_HAVE_SIGNALFD 0
#endif

#if SP_LINUX_ && !defined(SP_NO_ACCEPT4)
#define SP_HAVE_ACCEPT4 1
#else
#define SP_HAVE_ACCEPT4 0
#endif

#if SP_LINUX_ && !defined(SP_NO_ERRQUEUE)
#define SP_HAVE_ERRQUEUE 1
#else
#define SP_HAVE_ERRQUEUE 0
#endif

#if SP_POSIX_ && !defined(SP_NO_THREADS)
#define SP_HAVE_THREADS 1
#else
#define SP_HAVE_THREADS 0
#endif

#if SP_POSIX_ && !defined(SP_NO_MONOTONIC)
#define SP_HAVE_MONOTONIC 1
#else
#define SP_HAVE_MONOTONIC 0
#endif

#if SP_POSIX_ && !defined(SP_NO_FILES)
#define SP_HAVE_FILES 1
#else
#define SP_HAVE_FILES 0
#endif

#if SP_LINUX_ && !defined(SP_NO_GETRANDOM)
#define SP_HAVE_GETRANDOM 1
#else
#define SP_HAVE_GETRANDOM 0
#endif

/* Milliseconds of a clock that never goes back (CLOCK_MONOTONIC). Without
 * SP_HAVE_MONOTONIC the library only declares it: a device build defines it
 * over its own tick counter. */
SP_API uint64_t sp_clock_ms(void);

#endif
