/* msrp_hasher_impl.h - the SHA-1 of a message's content computed in a
 * thread of its own while the message arrives, so receiving and hashing
 * overlap (private to msrp/, used by msrp_reassembly.c).
 *
 * The reassembly (the producer, on the session's loop) copies the bytes it
 * writes in order into a ring of MSRP_HASH_SLOTS buffers and hands each
 * filled one over; the thread (the consumer) hashes them in order into its
 * own context and hands the buffer back. The two share nothing else: two
 * semaphores count filled and free buffers, so no lock is ever taken, and
 * the producer waits only when the thread is a whole ring behind (the
 * connection is then read more slowly, as when a disk is slow). */
#ifndef SIPPUSH_MSRP_HASHER_IMPL_H
#define SIPPUSH_MSRP_HASHER_IMPL_H

#include <stddef.h>

#include "sp_sha1.h"

#define MSRP_HASH_SLOT (128u << 10) /* bytes per buffer of the ring */
#define MSRP_HASH_SLOTS 4u          /* buffers in the ring */

typedef struct msrp_hasher msrp_hasher;

/* A thread continuing the digest in 'sha'; NULL when no thread or memory
 * can be had, or the build has no threads (SP_HAVE_THREADS, sp_platform.h):
 * the caller then hashes in line. */
msrp_hasher *msrp_hasher_start(const sp_sha1_ctx *sha);
/* The next n bytes of the content, copied. */
void msrp_hasher_feed(msrp_hasher *h, const void *p, size_t n);
/* Waits until every byte fed is hashed, ends the thread, puts its context
 * in *sha and frees h. */
void msrp_hasher_finish(msrp_hasher *h, sp_sha1_ctx *sha);
/* Ends the thread without hashing what is still queued, and frees h. */
void msrp_hasher_cancel(msrp_hasher *h);
/* Bytes a hasher holds. */
size_t msrp_hasher_footprint(void);

#endif
