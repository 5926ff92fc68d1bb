/* sp_decimal.c - see sp_decimal.h. */
#include "sp_decimal.h"

size_t sp_u64_dec(char out[SP_U64_DEC_SIZE], uint64_t v)
{
    char rev[SP_U64_DEC_SIZE];
    size_t n = 0;
    do {
        rev[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        out[i] = rev[n - 1 - i];
    out[n] = '\0';
    return n;
}
