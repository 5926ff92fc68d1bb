/* sp_base64.c - see sp_base64.h. */
#include "sp_base64.h"

#include <stdbool.h>

static const char alphabet[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sp_base64_encode(const void *in, size_t n, char *out)
{
    const uint8_t *p = in;
    for (; n >= 3; n -= 3, p += 3, out += 4) {
        uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
        out[0] = alphabet[v >> 18];
        out[1] = alphabet[(v >> 12) & 63];
        out[2] = alphabet[(v >> 6) & 63];
        out[3] = alphabet[v & 63];
    }
    if (n) {
        uint32_t v = (uint32_t)p[0] << 16 | (n == 2 ? (uint32_t)p[1] << 8 : 0);
        out[0] = alphabet[v >> 18];
        out[1] = alphabet[(v >> 12) & 63];
        out[2] = n == 2 ? alphabet[(v >> 6) & 63] : '=';
        out[3] = '=';
    }
}

/* The 6-bit value of an alphabet character, or -1. */
static int sextet(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

long sp_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap, sp_error *err)
{
    if (len % 4)
        return sp_fail(err, SP_EINVAL, len, 400, "base64 length is not a multiple of 4");
    size_t pad = 0;
    if (len && in[len - 1] == '=')
        pad = (len >= 2 && in[len - 2] == '=') ? 2 : 1;
    size_t n = len / 4 * 3 - pad;
    if (n > cap)
        return sp_fail(err, SP_ELIMIT, len, 400, "base64 value too long");
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        bool last = i + 4 == len;
        size_t chars = last ? 4 - pad : 4;
        uint32_t v = 0;
        for (size_t k = 0; k < 4; k++) {
            int s = k < chars ? sextet(in[i + k]) : 0;
            if (s < 0)
                return sp_fail(err, SP_EINVAL, i + k, 400, "not a base64 character");
            v = v << 6 | (uint32_t)s;
        }
        /* §3.5: the bits below the last decoded byte must be zero. */
        if ((pad == 1 && last && (v & 0xff)) || (pad == 2 && last && (v & 0xffff)))
            return sp_fail(err, SP_EINVAL, len - pad - 1, 400, "non-zero pad bits in base64");
        out[o++] = (uint8_t)(v >> 16);
        if (chars >= 3)
            out[o++] = (uint8_t)(v >> 8);
        if (chars == 4)
            out[o++] = (uint8_t)v;
    }
    return (long)o;
}
