/* sp_sha1_shani.c - SHA-1 compression with the x86 SHA extensions.
 *
 * Only the functions below are compiled for SHA/SSE4.1 (target attribute),
 * so the rest of the build stays generic and this code runs only after the
 * cpuid check has said yes. */
#include "sp_sha1_impl.h"

#ifdef SP_SHA1_HAVE_SHANI

#include <cpuid.h>
#include <immintrin.h>
#include <stdatomic.h>

/* Leaf 1 ECX: SSSE3 (bit 9), SSE4.1 (bit 19); leaf 7 EBX: SHA (bit 29). */
static bool cpuid_has_shani(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 9)) || !(c & (1u << 19)))
        return false;
    if (__get_cpuid_max(0, NULL) < 7)
        return false;
    __cpuid_count(7, 0, a, b, c, d);
    return (b & (1u << 29)) != 0;
}

bool sp_sha1_cpu_has_shani(void)
{
    /* cpuid can trap to a hypervisor: ask once. 0 unknown, 1 no, 2 yes. */
    static atomic_int known;
    int k = atomic_load_explicit(&known, memory_order_relaxed);
    if (k == 0) {
        k = cpuid_has_shani() ? 2 : 1;
        atomic_store_explicit(&known, k, memory_order_relaxed);
    }
    return k == 2;
}

/* Four rounds g*4 .. g*4+3. sha1rnds4 takes A..D with A in the top lane and
 * E already added to the top lane of the schedule word; sha1nexte derives the
 * next E from the A..D of four rounds before. The schedule word for group g
 * (FIPS 180-4 §6.1.2 step 1) comes from the four before it: msg1 and the xor
 * give W[t-16]^W[t-14]^W[t-8], msg2 adds W[t-3] and rotates. */
#define GROUP(g, f)                                                                      \
    do {                                                                                 \
        if ((g) >= 4)                                                                    \
            w[(g) & 3] = _mm_sha1msg2_epu32(                                             \
                _mm_xor_si128(_mm_sha1msg1_epu32(w[(g) & 3], w[((g) + 1) & 3]), w[((g) + 2) & 3]), \
                w[((g) + 3) & 3]);                                                       \
        __m128i e_w = (g) == 0 ? _mm_add_epi32(e, w[0]) : _mm_sha1nexte_epu32(prev, w[(g) & 3]); \
        prev = abcd;                                                                     \
        abcd = _mm_sha1rnds4_epu32(abcd, e_w, f);                                        \
    } while (0)

__attribute__((target("sha,sse4.1")))
void sp_sha1_compress_shani(uint32_t state[5], const uint8_t *data, size_t blocks)
{
    /* Reversing all 16 bytes makes each word big-endian and puts W[0] on top. */
    const __m128i reverse = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)state), 0x1b);
    __m128i e = _mm_set_epi32((int)state[4], 0, 0, 0);
    __m128i w[4], prev;

    for (; blocks; blocks--, data += SP_SHA1_BLOCK_LEN) {
        const __m128i abcd_in = abcd, e_in = e;
        w[0] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)data), reverse);
        w[1] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), reverse);
        w[2] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), reverse);
        w[3] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), reverse);
        GROUP(0, 0);  GROUP(1, 0);  GROUP(2, 0);  GROUP(3, 0);  GROUP(4, 0);
        GROUP(5, 1);  GROUP(6, 1);  GROUP(7, 1);  GROUP(8, 1);  GROUP(9, 1);
        GROUP(10, 2); GROUP(11, 2); GROUP(12, 2); GROUP(13, 2); GROUP(14, 2);
        GROUP(15, 3); GROUP(16, 3); GROUP(17, 3); GROUP(18, 3); GROUP(19, 3);
        /* E after round 79 is A after round 75 rotated by 30. */
        e = _mm_sha1nexte_epu32(prev, e_in);
        abcd = _mm_add_epi32(abcd, abcd_in);
    }
    _mm_storeu_si128((__m128i *)state, _mm_shuffle_epi32(abcd, 0x1b));
    state[4] = (uint32_t)_mm_extract_epi32(e, 3);
}

#endif
