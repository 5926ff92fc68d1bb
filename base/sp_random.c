/* sp_random.c - see sp_random.h.
 *
 * Small draws (tags, branches, Call-IDs: a few bytes each, one per request)
 * come from a per-thread ChaCha20 generator keyed from the kernel, not from
 * one getrandom() per draw (a system call, about half a microsecond).
 * Fast key erasure (D. J. Bernstein, "Fast-key-erasure random-number
 * generators", 2017): each 512-byte batch starts with the key of the next,
 * so the state kept never tells past outputs; the key is drawn from the
 * kernel again every SP_RANDOM_RESEED_BYTES and in a child after fork(). */
#include "sp_random.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sp_platform.h"

#if SP_HAVE_THREADS
#include <pthread.h>
#endif
#if SP_HAVE_GETRANDOM
#include <sys/random.h>
#endif

/* Bytes handed out under one kernel key before the next is drawn. */
#define SP_RANDOM_RESEED_BYTES (1u << 20)
/* Draws at least this large go to the source directly. */
#define SP_RANDOM_DIRECT 256u
#define BATCH_BLOCKS 8

static sp_random_source source;
static void *source_ctx;

void sp_random_set_source(sp_random_source fn, void *ctx)
{
    source = fn;
    source_ctx = ctx;
}

#if SP_HAVE_GETRANDOM
static int kernel_bytes(void *buf, size_t n)
{
    uint8_t *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += got, n -= (size_t)got;
    }
    return 0;
}
#else
/* No kernel generator on this platform: nothing is drawn until the embedder
 * sets a source, and no counter stands in for one. */
static int kernel_bytes(void *buf, size_t n)
{
    (void)buf, (void)n;
    return -ENOSYS;
}
#endif

/* --- ChaCha20 (RFC 8439 §2.3), the block function only ------------------ */

#define ROTL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define QR(a, b, c, d)                                                                                           \
    (a += b, d ^= a, d = ROTL(d, 16), c += d, b ^= c, b = ROTL(b, 12), a += b, d ^= a, d = ROTL(d, 8), c += d, \
     b ^= c, b = ROTL(b, 7))

static void chacha20_block(const uint32_t key[8], uint64_t counter, uint8_t out[64])
{
    uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1], key[2], key[3],
                       key[4], key[5], key[6], key[7], (uint32_t)counter, (uint32_t)(counter >> 32), 0, 0};
    uint32_t x[16];
    memcpy(x, in, sizeof x);
    for (int i = 0; i < 10; i++) {
        QR(x[0], x[4], x[8], x[12]), QR(x[1], x[5], x[9], x[13]), QR(x[2], x[6], x[10], x[14]),
            QR(x[3], x[7], x[11], x[15]);
        QR(x[0], x[5], x[10], x[15]), QR(x[1], x[6], x[11], x[12]), QR(x[2], x[7], x[8], x[13]),
            QR(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++) {
        uint32_t v = x[i] + in[i];
        out[4 * i] = (uint8_t)v, out[4 * i + 1] = (uint8_t)(v >> 8), out[4 * i + 2] = (uint8_t)(v >> 16),
                  out[4 * i + 3] = (uint8_t)(v >> 24);
    }
}

/* --- the per-thread generator ------------------------------------------- */

typedef struct rng {
    bool keyed;
    uint32_t key[8];
    uint8_t batch[64 * BATCH_BLOCKS];
    size_t used;        /* bytes of batch handed out (or the next key) */
    size_t since_seed;  /* bytes handed out under the kernel's key */
} rng;

#if SP_HAVE_THREADS
static _Thread_local rng state;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* A child of fork() must not repeat its parent's stream. */
static void forget_in_child(void) { memset(&state, 0, sizeof state); }
static void register_atfork(void) { pthread_atfork(NULL, NULL, forget_in_child); }
static void watch_fork(void) { pthread_once(&atfork_once, register_atfork); }
#else
static rng state; /* one thread, no fork() */
static void watch_fork(void) {}
#endif

static int refill(rng *r)
{
    if (!r->keyed || r->since_seed >= SP_RANDOM_RESEED_BYTES) {
        watch_fork();
        int rc = kernel_bytes(r->key, sizeof r->key);
        if (rc != 0) {
            memset(r, 0, sizeof *r);
            return rc;
        }
        r->keyed = true;
        r->since_seed = 0;
    }
    for (unsigned b = 0; b < BATCH_BLOCKS; b++)
        chacha20_block(r->key, b, r->batch + 64 * b);
    /* the batch's first 32 bytes are the next key, never handed out */
    memcpy(r->key, r->batch, sizeof r->key);
    memset(r->batch, 0, sizeof r->key);
    r->used = sizeof r->key;
    return 0;
}

int sp_random_bytes(void *buf, size_t n)
{
    if (source)
        return source(source_ctx, buf, n) == 0 ? 0 : -EIO;
    if (n >= SP_RANDOM_DIRECT)
        return kernel_bytes(buf, n);
    rng *r = &state;
    uint8_t *p = buf;
    while (n) {
        if (!r->keyed || r->used == sizeof r->batch) {
            int rc = refill(r);
            if (rc != 0)
                return rc;
        }
        size_t k = sizeof r->batch - r->used;
        if (k > n)
            k = n;
        memcpy(p, r->batch + r->used, k);
        memset(r->batch + r->used, 0, k); /* handed out once, never kept */
        r->used += k, r->since_seed += k, p += k, n -= k;
    }
    return 0;
}

int sp_random_token(char *out, size_t len, const char *alphabet)
{
    size_t k = strlen(alphabet);
    if (k == 0 || k > 256)
        return -EINVAL;
    /* Rejection sampling: bytes at or above the largest multiple of k would
     * favour the first characters. */
    unsigned limit = 256 - 256 % (unsigned)k;
    uint8_t pool[32];
    size_t used = sizeof pool, i = 0;
    while (i < len) {
        if (used == sizeof pool) {
            int rc = sp_random_bytes(pool, sizeof pool);
            if (rc != 0)
                return rc;
            used = 0;
        }
        unsigned b = pool[used++];
        if (b < limit)
            out[i++] = alphabet[b % k];
    }
    out[len] = '\0';
    return 0;
}

size_t sp_random_token_len(unsigned bits, size_t alphabet_len)
{
    if (alphabet_len < 2)
        return 0;
    /* The smallest n with alphabet_len^n >= 2^bits; the small margin keeps
     * exact powers of two (64 characters: 6 bits each) from rounding up. */
    return (size_t)ceil((double)bits / log2((double)alphabet_len) - 1e-9);
}
