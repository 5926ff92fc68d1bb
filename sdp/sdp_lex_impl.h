/* sdp_lex_impl.h - character classes and word splitting shared by the SDP
 * parsers (private). */
#ifndef SIPPUSH_SDP_LEX_IMPL_H
#define SIPPUSH_SDP_LEX_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "sdp_parse.h"
#include "sp_str.h"

enum {
    SDP_C_TOKEN = 1, /* RFC 8866 §9 token-char */
    SDP_C_DIGIT = 2,
    SDP_C_HEX = 4,
    SDP_C_WS = 8,    /* SP, HTAB */
};

extern const uint8_t sdp_char_class[256];

static inline bool sdp_is(char c, unsigned cls) { return (sdp_char_class[(unsigned char)c] & cls) != 0; }

/* true when s is a non-empty run of characters of class cls. */
static inline bool sdp_all(sp_str s, unsigned cls)
{
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (!sdp_is(s.p[i], cls))
            return false;
    return true;
}

static inline bool sdp_is_token(sp_str s) { return sdp_all(s, SDP_C_TOKEN); }

/* Bytes of x that are zero get their high bit set, the others none (no
 * false positives, so any byte order works). */
static inline uint64_t sdp_zero_bytes(uint64_t x)
{
    const uint64_t lows = 0x7f7f7f7f7f7f7f7full;
    return ~(((x & lows) + lows) | x | lows);
}

/* Index of the first flagged byte of a word loaded from memory. */
static inline unsigned sdp_first_flagged(uint64_t hit)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (unsigned)__builtin_ctzll(hit) >> 3;
#else
    return (unsigned)__builtin_clzll(hit) >> 3;
#endif
}

#define SDP_BYTES(c) (0x0101010101010101ull * (unsigned char)(c))

/* The first of three given bytes at or after p, or end. SSE2 (part of every
 * x86-64) looks at sixteen bytes per step, elsewhere the word-at-a-time test
 * above does eight; the tail goes byte by byte, so nothing past end is read. */
static inline const char *sdp_find3(const char *p, const char *end, char a, char b, char c)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#else
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t hit = sdp_zero_bytes(w ^ SDP_BYTES(a)) | sdp_zero_bytes(w ^ SDP_BYTES(b)) | sdp_zero_bytes(w ^ SDP_BYTES(c));
        if (hit)
            return p + sdp_first_flagged(hit);
        p += 8;
    }
#endif
    while (p < end && *p != a && *p != b && *p != c)
        p++;
    return p;
}

/* The first byte at or after p that is not a token-char, or end. */
static inline const char *sdp_token_span(const char *p, const char *end)
{
#if defined(__SSE2__)
    /* token-char is 0x21-0x7E except " ( ) , / : ; < = > ? @ [ \ ] */
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x20)), _mm_cmplt_epi8(x, _mm_set1_epi8(0x7f)));
        __m128i bad = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8(',')));
        bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, _mm_set1_epi8('/')));
        /* ( ) and [ \ ]: two small ranges; : to @ a third */
        bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x27)), _mm_cmplt_epi8(x, _mm_set1_epi8(0x2a))));
        bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x39)), _mm_cmplt_epi8(x, _mm_set1_epi8(0x41))));
        bad = _mm_or_si128(bad, _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8(0x5a)), _mm_cmplt_epi8(x, _mm_set1_epi8(0x5e))));
        unsigned mask = (unsigned)_mm_movemask_epi8(_mm_andnot_si128(bad, ok)) ^ 0xffffu;
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end && sdp_is(*p, SDP_C_TOKEN))
        p++;
    return p;
}

/* memchr for the short runs inside one line, where a library call costs
 * more than the scan itself. */
static inline const char *sdp_find(const char *p, char c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] == c)
            return p + i;
    return NULL;
}

/* Trims SP and HTAB on both sides. */
static inline sp_str sdp_trim(sp_str s)
{
    while (s.n && sdp_is(s.p[0], SDP_C_WS))
        s.p++, s.n--;
    while (s.n && sdp_is(s.p[s.n - 1], SDP_C_WS))
        s.n--;
    return s;
}

/* Checks a MIME type with optional ";attr=value" parameters (value a token
 * or a quoted-string). wildcards admits "*" and type "/" "*" (RFC 4975 §8.6
 * format-entry). Returns NULL when valid, else where it goes wrong. */
const char *sdp_mime_error(sp_str mime, bool wildcards);

/* Starts with a lower-case prefix, ASCII case-insensitively. */
static inline bool sdp_has_prefix(sp_str s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.n >= n && sdp_lit_caseeq(sp_str_make(s.p, n), prefix);
}

#endif
