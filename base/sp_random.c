/* sp_random.c - see sp_random.h. */
#include "sp_random.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>

static sp_random_source source;
static void *source_ctx;

void sp_random_set_source(sp_random_source fn, void *ctx)
{
    source = fn;
    source_ctx = ctx;
}

int sp_random_bytes(void *buf, size_t n)
{
    if (source)
        return source(source_ctx, buf, n) == 0 ? 0 : (errno = EIO, -1);
    uint8_t *p = buf;
    while (n) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += got, n -= (size_t)got;
    }
    return 0;
}

int sp_random_token(char *out, size_t len, const char *alphabet)
{
    size_t k = strlen(alphabet);
    if (k == 0 || k > 256) {
        errno = EINVAL;
        return -1;
    }
    /* Rejection sampling: bytes at or above the largest multiple of k would
     * favour the first characters. */
    unsigned limit = 256 - 256 % (unsigned)k;
    uint8_t pool[64];
    size_t used = sizeof pool, i = 0;
    while (i < len) {
        if (used == sizeof pool) {
            if (sp_random_bytes(pool, sizeof pool) != 0)
                return -1;
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
