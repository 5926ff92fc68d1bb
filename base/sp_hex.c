/* sp_hex.c - see sp_hex.h. */
#include "sp_hex.h"

static const char lower_digits[16] = "0123456789abcdef";
static const char upper_digits[16] = "0123456789ABCDEF";

void sp_hex_encode(const void *in, size_t n, char *out)
{
    const uint8_t *p = in;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = lower_digits[p[i] >> 4];
        out[2 * i + 1] = lower_digits[p[i] & 15];
    }
}

void sp_hex_encode_colon(const void *in, size_t n, char *out)
{
    const uint8_t *p = in;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *out++ = ':';
        *out++ = upper_digits[p[i] >> 4];
        *out++ = upper_digits[p[i] & 15];
    }
}

/* Decodes the pair at in[i], in[i+1] (both within len) into *byte. */
static int decode_pair(const char *in, size_t i, uint8_t *byte, sp_error *err)
{
    int hi = sp_hex_digit(in[i]);
    if (hi < 0)
        return sp_fail(err, SP_EINVAL, i, 400, "not a hex digit");
    int lo = sp_hex_digit(in[i + 1]);
    if (lo < 0)
        return sp_fail(err, SP_EINVAL, i + 1, 400, "not a hex digit");
    *byte = (uint8_t)(hi << 4 | lo);
    return SP_OK;
}

long sp_hex_decode(const char *in, size_t len, uint8_t *out, size_t cap, sp_error *err)
{
    if (len % 2)
        return sp_fail(err, SP_EINVAL, len, 400, "odd number of hex digits");
    if (len / 2 > cap)
        return sp_fail(err, SP_ELIMIT, 2 * cap, 400, "hex value too long");
    for (size_t i = 0; i < len; i += 2)
        if (decode_pair(in, i, &out[i / 2], err) != SP_OK)
            return SP_EINVAL;
    return (long)(len / 2);
}

long sp_hex_decode_colon(const char *in, size_t len, uint8_t *out, size_t cap, sp_error *err)
{
    size_t n = 0, i = 0;
    while (i < len) {
        if (n) {
            if (in[i] != ':')
                return sp_fail(err, SP_EINVAL, i, 400, "expected ':' between hex pairs");
            i++;
        }
        if (len - i < 2)
            return sp_fail(err, SP_EINVAL, len, 400, "incomplete hex pair");
        if (n == cap)
            return sp_fail(err, SP_ELIMIT, i, 400, "hex value too long");
        if (decode_pair(in, i, &out[n], err) != SP_OK)
            return SP_EINVAL;
        n++, i += 2;
    }
    return (long)n;
}
