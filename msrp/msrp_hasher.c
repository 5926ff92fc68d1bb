/* msrp_hasher.c - see msrp_hasher_impl.h. */
#include "msrp_hasher_impl.h"

#include "sp_platform.h"

#if SP_HAVE_THREADS
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct msrp_hasher {
    pthread_t thread;
    sem_t filled;              /* buffers handed to the thread */
    sem_t free_;               /* buffers handed back */
    atomic_bool cancelled;
    sp_sha1_ctx sha;           /* the thread's until it ends */
    size_t len[MSRP_HASH_SLOTS]; /* bytes of each buffer handed over; 0 ends the thread */
    /* producer side */
    unsigned fill_slot;
    size_t fill;
    /* consumer side */
    unsigned take_slot;
    uint8_t *ring;             /* MSRP_HASH_SLOTS * MSRP_HASH_SLOT bytes */
};

static void sem_wait_intr(sem_t *s)
{
    while (sem_wait(s) != 0 && errno == EINTR)
        ;
}

static void *hasher_main(void *arg)
{
    msrp_hasher *h = arg;
    for (;;) {
        sem_wait_intr(&h->filled);
        size_t n = h->len[h->take_slot];
        if (n == 0)
            break;
        if (!atomic_load_explicit(&h->cancelled, memory_order_relaxed))
            sp_sha1_update(&h->sha, h->ring + (size_t)h->take_slot * MSRP_HASH_SLOT, n);
        h->take_slot = (h->take_slot + 1) % MSRP_HASH_SLOTS;
        sem_post(&h->free_);
    }
    return NULL;
}

msrp_hasher *msrp_hasher_start(const sp_sha1_ctx *sha)
{
    msrp_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->ring = malloc((size_t)MSRP_HASH_SLOTS * MSRP_HASH_SLOT);
    h->sha = *sha;
    atomic_init(&h->cancelled, false);
    /* The producer holds the first buffer: the others are free. */
    if (!h->ring || sem_init(&h->filled, 0, 0) != 0) {
        free(h->ring);
        free(h);
        return NULL;
    }
    if (sem_init(&h->free_, 0, MSRP_HASH_SLOTS - 1) != 0) {
        sem_destroy(&h->filled);
        free(h->ring);
        free(h);
        return NULL;
    }
    /* No signal is for this thread: the loop's thread takes them. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&h->thread, NULL, hasher_main, h);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        sem_destroy(&h->filled);
        sem_destroy(&h->free_);
        free(h->ring);
        free(h);
        return NULL;
    }
    return h;
}

/* Hands the buffer being filled (n bytes; 0 ends the thread) over. */
static void hand_over(msrp_hasher *h, size_t n)
{
    h->len[h->fill_slot] = n;
    sem_post(&h->filled);
    h->fill_slot = (h->fill_slot + 1) % MSRP_HASH_SLOTS;
    h->fill = 0;
}

void msrp_hasher_feed(msrp_hasher *h, const void *p, size_t n)
{
    const uint8_t *src = p;
    while (n) {
        size_t k = MSRP_HASH_SLOT - h->fill;
        if (k > n)
            k = n;
        memcpy(h->ring + (size_t)h->fill_slot * MSRP_HASH_SLOT + h->fill, src, k);
        h->fill += k;
        src += k;
        n -= k;
        if (h->fill == MSRP_HASH_SLOT) {
            hand_over(h, MSRP_HASH_SLOT);
            sem_wait_intr(&h->free_); /* the next buffer */
        }
    }
}

static void stop(msrp_hasher *h)
{
    hand_over(h, 0); /* into the buffer the producer holds */
    pthread_join(h->thread, NULL);
    sem_destroy(&h->filled);
    sem_destroy(&h->free_);
    free(h->ring);
}

void msrp_hasher_finish(msrp_hasher *h, sp_sha1_ctx *sha)
{
    if (h->fill) {
        hand_over(h, h->fill);
        sem_wait_intr(&h->free_);
    }
    stop(h);
    *sha = h->sha; /* the join made the thread's writes visible */
    free(h);
}

void msrp_hasher_cancel(msrp_hasher *h)
{
    atomic_store_explicit(&h->cancelled, true, memory_order_relaxed);
    stop(h);
    free(h);
}

size_t msrp_hasher_footprint(void) { return sizeof(msrp_hasher) + (size_t)MSRP_HASH_SLOTS * MSRP_HASH_SLOT; }
#else
/* No threads (SP_HAVE_THREADS): the reassembly hashes in line. */
msrp_hasher *msrp_hasher_start(const sp_sha1_ctx *sha)
{
    (void)sha;
    return NULL;
}

/* Unreachable: no hasher is ever started. */
void msrp_hasher_feed(msrp_hasher *h, const void *p, size_t n) { (void)h, (void)p, (void)n; }
void msrp_hasher_finish(msrp_hasher *h, sp_sha1_ctx *sha) { (void)h, (void)sha; }
void msrp_hasher_cancel(msrp_hasher *h) { (void)h; }
size_t msrp_hasher_footprint(void) { return 0; }
#endif
