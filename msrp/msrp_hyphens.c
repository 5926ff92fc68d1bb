/* msrp_hyphens.c - finding runs of seven hyphens, where every end-line
 * starts (RFC 4975 §7.1): the receiver looks for the end of each body, the
 * sender for lookalikes in the content it sends. Both read every byte of
 * the content, so this is the hot loop of the MSRP data path. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "msrp_build.h"

/* Runs of hyphens are looked at through every seventh byte: a run of seven
 * always holds one of them. Used on short stretches where a hint was found. */
static size_t hyphens_sampled(const char *p, size_t n)
{
    size_t s = 6;
    while (s < n) {
        /* Four samples per step, one test for all of them. */
        while (s + 21 < n && p[s] != '-' && p[s + 7] != '-' && p[s + 14] != '-' && p[s + 21] != '-')
            s += 28;
        if (s >= n)
            break;
        if (p[s] != '-') {
            s += 7;
            continue;
        }
        /* The run around the sample: the samples before it were not in a
         * run of seven, so it starts at most six bytes back. */
        size_t a = s, e = s + 1;
        while (a > 0 && a + 6 > s && p[a - 1] == '-')
            a--;
        while (e < n && e - a < 7 && p[e] == '-')
            e++;
        if (e - a >= 7)
            return a;
        /* p[e] is not a hyphen: a run of seven after it holds p[e + 7]. */
        s = e + 7;
    }
    return n;
}

/* The vector search: any run of seven covers a whole four-byte word at an
 * offset from p that is a multiple of four, so only whole words equal to
 * "----" are looked for, several words per compare. Random content holds
 * one about once in 2^32 words; a block holding one is searched exactly. */
#define DASH_WORD 0x2d2d2d2du

#if defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON))
#define HYPHEN_VECTORS 1
typedef uint32_t w4 __attribute__((vector_size(16)));

/* The offset of the first 64-byte block of p[0..n) holding a "----" word
 * (a multiple of 64), or of the first block that is not whole. */
static size_t dash_blocks_16(const char *p, size_t n)
{
    const w4 d = {DASH_WORD, DASH_WORD, DASH_WORD, DASH_WORD};
    size_t k = 0;
    for (; k + 64 <= n; k += 64) {
        w4 a, b, c, e;
        memcpy(&a, p + k, 16);
        memcpy(&b, p + k + 16, 16);
        memcpy(&c, p + k + 32, 16);
        memcpy(&e, p + k + 48, 16);
        w4 m = (w4)((a == d) | (b == d) | (c == d) | (e == d));
        uint64_t lo, hi;
        memcpy(&lo, &m, 8);
        memcpy(&hi, (const char *)&m + 8, 8);
        if (lo | hi)
            break;
    }
    return k;
}
#endif

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define HYPHEN_AVX2 1

/* The same 128 bytes per step, for processors with AVX2 (asked once). */
__attribute__((target("avx2"))) static size_t dash_blocks_32(const char *p, size_t n)
{
    const __m256i d = _mm256_set1_epi32((int)DASH_WORD);
    size_t k = 0;
    for (; k + 128 <= n; k += 128) {
        __m256i a = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(const void *)(p + k)), d);
        __m256i b = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(const void *)(p + k + 32)), d);
        __m256i c = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(const void *)(p + k + 64)), d);
        __m256i e = _mm256_cmpeq_epi32(_mm256_loadu_si256((const __m256i *)(const void *)(p + k + 96)), d);
        __m256i m = _mm256_or_si256(_mm256_or_si256(a, b), _mm256_or_si256(c, e));
        if (!_mm256_testz_si256(m, m))
            break;
    }
    return k;
}

static bool have_avx2(void)
{
    static int known; /* 0 unknown, 1 no, 2 yes; a race only asks twice */
    int k = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (!k) {
        __builtin_cpu_init();
        k = __builtin_cpu_supports("avx2") ? 2 : 1;
        __atomic_store_n(&known, k, __ATOMIC_RELAXED);
    }
    return k == 2;
}
#endif

/* Where the word search stops: a multiple of four where a block holds a
 * "----" word, or near the end. */
static size_t dash_blocks(const char *p, size_t n)
{
#ifdef HYPHEN_AVX2
    if (have_avx2()) {
        size_t k = dash_blocks_32(p, n);
        if (k + 128 <= n)
            return k;
        return k + dash_blocks_16(p + k, n - k);
    }
#endif
#ifdef HYPHEN_VECTORS
    return dash_blocks_16(p, n);
#else
    (void)p, (void)n;
    return 0; /* no vectors: every stretch is sampled */
#endif
}

size_t msrp_hyphens_find(const char *p, size_t n)
{
    size_t k = 0;
    while (k < n) {
        k += dash_blocks(p + k, n - k);
        /* No "----" word before k, so no run starts before k - 3 (its word
         * would be there). A run starting in the next 128 bytes ends at most
         * six bytes past them. */
        size_t from = k >= 3 ? k - 3 : 0;
        size_t to = n - k > 128 + 6 ? k + 128 + 6 : n;
        size_t a = hyphens_sampled(p + from, to - from);
        if (a < to - from)
            return from + a;
        if (to == n)
            break;
        k += 128;
    }
    return n;
}
