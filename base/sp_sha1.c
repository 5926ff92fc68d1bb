/* sp_sha1.c - SHA-1 buffering, padding, dispatch and the portable compression. */
#include "sp_sha1.h"

#include <string.h>

#include "sp_sha1_impl.h"

static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static inline uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* FIPS 180-4 §6.1.2, with the message schedule kept in a 16-word ring
 * (§6.1.3's alternative method) so it fits in registers. */
#define SCHEDULE(t) (w[(t) & 15] = rol32(w[((t) + 13) & 15] ^ w[((t) + 8) & 15] ^ w[((t) + 2) & 15] ^ w[(t) & 15], 1))
#define ROUND(a, b, c, d, e, f, k, wt)                        \
    do {                                                      \
        e += rol32(a, 5) + (f) + (k) + (wt);                  \
        b = rol32(b, 30);                                     \
    } while (0)
#define CH(b, c, d) (((c ^ d) & b) ^ d)
#define PARITY(b, c, d) (b ^ c ^ d)
#define MAJ(b, c, d) ((b & c) | ((b | c) & d))
/* Five rounds rotate the roles of a..e back to where they started. */
#define FIVE(t, f, k, W)                        \
    do {                                        \
        ROUND(a, b, c, d, e, f(b, c, d), k, W(t));       \
        ROUND(e, a, b, c, d, f(a, b, c), k, W(t + 1));   \
        ROUND(d, e, a, b, c, f(e, a, b), k, W(t + 2));   \
        ROUND(c, d, e, a, b, f(d, e, a), k, W(t + 3));   \
        ROUND(b, c, d, e, a, f(c, d, e), k, W(t + 4));   \
    } while (0)
#define LOADED(t) w[t]

void sp_sha1_compress_portable(uint32_t state[5], const uint8_t *data, size_t blocks)
{
    uint32_t w[16];
    for (; blocks; blocks--, data += SP_SHA1_BLOCK_LEN) {
        for (int i = 0; i < 16; i++)
            w[i] = load_be32(data + 4 * i);
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3], e = state[4];
        FIVE(0, CH, 0x5a827999u, LOADED);
        FIVE(5, CH, 0x5a827999u, LOADED);
        FIVE(10, CH, 0x5a827999u, LOADED);
        ROUND(a, b, c, d, e, CH(b, c, d), 0x5a827999u, w[15]);
        ROUND(e, a, b, c, d, CH(a, b, c), 0x5a827999u, SCHEDULE(16));
        ROUND(d, e, a, b, c, CH(e, a, b), 0x5a827999u, SCHEDULE(17));
        ROUND(c, d, e, a, b, CH(d, e, a), 0x5a827999u, SCHEDULE(18));
        ROUND(b, c, d, e, a, CH(c, d, e), 0x5a827999u, SCHEDULE(19));
        for (int t = 20; t < 40; t += 5)
            FIVE(t, PARITY, 0x6ed9eba1u, SCHEDULE);
        for (int t = 40; t < 60; t += 5)
            FIVE(t, MAJ, 0x8f1bbcdcu, SCHEDULE);
        for (int t = 60; t < 80; t += 5)
            FIVE(t, PARITY, 0xca62c1d6u, SCHEDULE);
        state[0] += a, state[1] += b, state[2] += c, state[3] += d, state[4] += e;
    }
}

bool sp_sha1_impl_available(sp_sha1_impl impl)
{
    switch (impl) {
    case SP_SHA1_BEST:
    case SP_SHA1_PORTABLE:
        return true;
    case SP_SHA1_SHANI:
#ifdef SP_SHA1_HAVE_SHANI
        return sp_sha1_cpu_has_shani();
#else
        return false;
#endif
    }
    return false;
}

static sp_sha1_impl resolve(sp_sha1_impl impl)
{
    if (impl == SP_SHA1_BEST)
        return sp_sha1_impl_available(SP_SHA1_SHANI) ? SP_SHA1_SHANI : SP_SHA1_PORTABLE;
    return impl;
}

const char *sp_sha1_impl_name(sp_sha1_impl impl)
{
    return resolve(impl) == SP_SHA1_SHANI ? "sha-ni" : "portable";
}

bool sp_sha1_init_impl(sp_sha1_ctx *c, sp_sha1_impl impl)
{
    if (!sp_sha1_impl_available(impl))
        return false;
    /* FIPS 180-4 §5.3.1 */
    c->state[0] = 0x67452301u;
    c->state[1] = 0xefcdab89u;
    c->state[2] = 0x98badcfeu;
    c->state[3] = 0x10325476u;
    c->state[4] = 0xc3d2e1f0u;
    c->length = 0;
    c->fill = 0;
    c->compress = sp_sha1_compress_portable;
#ifdef SP_SHA1_HAVE_SHANI
    if (resolve(impl) == SP_SHA1_SHANI)
        c->compress = sp_sha1_compress_shani;
#endif
    return true;
}

void sp_sha1_init(sp_sha1_ctx *c)
{
    sp_sha1_init_impl(c, SP_SHA1_BEST);
}

void sp_sha1_update(sp_sha1_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->length += len;
    if (c->fill) {
        size_t take = SP_SHA1_BLOCK_LEN - c->fill;
        if (take > len)
            take = len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take, p += take, len -= take;
        if (c->fill < SP_SHA1_BLOCK_LEN)
            return;
        c->compress(c->state, c->block, 1);
        c->fill = 0;
    }
    size_t blocks = len / SP_SHA1_BLOCK_LEN;
    if (blocks) {
        c->compress(c->state, p, blocks);
        p += blocks * SP_SHA1_BLOCK_LEN, len -= blocks * SP_SHA1_BLOCK_LEN;
    }
    if (len) {
        memcpy(c->block, p, len);
        c->fill = len;
    }
}

void sp_sha1_final(sp_sha1_ctx *c, uint8_t digest[SP_SHA1_LEN])
{
    /* FIPS 180-4 §5.1.1: a 1 bit, zeros, then the bit length in 64 bits. */
    uint64_t bits = c->length * 8;
    c->block[c->fill++] = 0x80;
    if (c->fill > SP_SHA1_BLOCK_LEN - 8) {
        memset(c->block + c->fill, 0, SP_SHA1_BLOCK_LEN - c->fill);
        c->compress(c->state, c->block, 1);
        c->fill = 0;
    }
    memset(c->block + c->fill, 0, SP_SHA1_BLOCK_LEN - 8 - c->fill);
    for (int i = 0; i < 8; i++)
        c->block[SP_SHA1_BLOCK_LEN - 1 - i] = (uint8_t)(bits >> (8 * i));
    c->compress(c->state, c->block, 1);
    for (int i = 0; i < 5; i++) {
        digest[4 * i] = (uint8_t)(c->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(c->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(c->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)c->state[i];
    }
    memset(c->block, 0, sizeof c->block);
    c->fill = 0;
}

void sp_sha1(const void *data, size_t len, uint8_t digest[SP_SHA1_LEN])
{
    sp_sha1_ctx c;
    sp_sha1_init(&c);
    sp_sha1_update(&c, data, len);
    sp_sha1_final(&c, digest);
}
