/* sip_zero_impl.h - zeroing the result structs the parsers fill (private).
 *
 * A parser zeroes its caller's struct once per call. For structs of a few
 * hundred bytes the compiler's memset is a "rep stos", whose start-up costs
 * more than the whole struct in 16-byte stores. */
#ifndef SIPPUSH_SIP_ZERO_IMPL_H
#define SIPPUSH_SIP_ZERO_IMPL_H

#include <stddef.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* Zeroes n bytes at p; n is a compile-time constant at every call, so the
 * loop unrolls into plain stores. */
static inline void sip_zero(void *p, size_t n)
{
#if defined(__SSE2__) && defined(__GNUC__)
    char *c = p;
    size_t i = 0;
    __m128i zero = _mm_setzero_si128();
    /* an empty asm hides that the stores write zeros, or the compiler
     * would turn the loop back into the memset it replaces */
    __asm__("" : "+x"(zero));
#pragma GCC unroll 32
    for (; i + 16 <= n; i += 16)
        _mm_storeu_si128((__m128i *)(void *)(c + i), zero);
    if (i < n)
        memset(c + i, 0, n - i);
#else
    memset(p, 0, n);
#endif
}

#endif
