/* sp_md5.c - see sp_md5.h. */
#include "sp_md5.h"

#include <string.h>

/* RFC 1321 §3.4: T[i] = floor(2^32 * |sin(i + 1)|). */
static const uint32_t T[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};

/* Per-round left rotations, four per pass (RFC 1321 §3.4). */
static const uint8_t S[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

static inline uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

static void compress(uint32_t state[4], const uint8_t *p)
{
    uint32_t x[16];
    for (int i = 0; i < 16; i++)
        x[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int k;
        switch (i >> 4) {
        case 0: f = (b & c) | (~b & d); k = i; break;
        case 1: f = (b & d) | (c & ~d); k = (5 * i + 1) & 15; break;
        case 2: f = b ^ c ^ d; k = (3 * i + 5) & 15; break;
        default: f = c ^ (b | ~d); k = (7 * i) & 15; break;
        }
        uint32_t next = b + rol32(a + f + x[k] + T[i], S[i >> 4][i & 3]);
        a = d, d = c, c = b, b = next;
    }
    state[0] += a, state[1] += b, state[2] += c, state[3] += d;
}

void sp_md5_init(sp_md5_ctx *c)
{
    c->state[0] = 0x67452301u;
    c->state[1] = 0xefcdab89u;
    c->state[2] = 0x98badcfeu;
    c->state[3] = 0x10325476u;
    c->length = 0;
    c->fill = 0;
}

void sp_md5_update(sp_md5_ctx *c, const void *data, size_t len)
{
    const uint8_t *p = data;
    c->length += len;
    while (len) {
        if (c->fill == 0 && len >= sizeof c->block) {
            compress(c->state, p);
            p += sizeof c->block, len -= sizeof c->block;
            continue;
        }
        size_t take = sizeof c->block - c->fill;
        if (take > len)
            take = len;
        memcpy(c->block + c->fill, p, take);
        c->fill += take, p += take, len -= take;
        if (c->fill == sizeof c->block) {
            compress(c->state, c->block);
            c->fill = 0;
        }
    }
}

void sp_md5_final(sp_md5_ctx *c, uint8_t digest[SP_MD5_LEN])
{
    /* RFC 1321 §3.1-3.2: a 1 bit, zeros, then the bit length little-endian. */
    uint64_t bits = c->length * 8;
    c->block[c->fill++] = 0x80;
    if (c->fill > 56) {
        memset(c->block + c->fill, 0, 64 - c->fill);
        compress(c->state, c->block);
        c->fill = 0;
    }
    memset(c->block + c->fill, 0, 56 - c->fill);
    for (int i = 0; i < 8; i++)
        c->block[56 + i] = (uint8_t)(bits >> (8 * i));
    compress(c->state, c->block);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++)
            digest[4 * i + j] = (uint8_t)(c->state[i] >> (8 * j));
    memset(c->block, 0, sizeof c->block);
    c->fill = 0;
}

void sp_md5(const void *data, size_t len, uint8_t digest[SP_MD5_LEN])
{
    sp_md5_ctx c;
    sp_md5_init(&c);
    sp_md5_update(&c, data, len);
    sp_md5_final(&c, digest);
}
