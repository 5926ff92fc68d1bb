/* sip_hdr_names_impl.h - the table of known header names, shared by
 * sip_hdr_id_of() and the message splitter, which classifies a name from
 * bytes it has already loaded (private). */
#ifndef SIPPUSH_SIP_HDR_NAMES_IMPL_H
#define SIPPUSH_SIP_HDR_NAMES_IMPL_H

#include <stdint.h>
#include <string.h>
#include "sip_msg.h"

#define SIP_HDR_NAME_MAX 19   /* "p-asserted-identity" and its peers */
#define SIP_HDR_LOWER_SIZE 24 /* three words, zero-padded, per entry */
#define SIP_HDR_SLOTS 128

/* "| 0x20" on every byte folds exactly the letters, and a known name is
 * letters and '-' (which the fold leaves alone). */
#define SIP_HDR_FOLD8 0x2020202020202020ull

/* The first eight bytes of a name as one little-endian word (bytes past
 * the name zero), case-folded; with the name's length it picks the only
 * known name the name can be: the multiplier was chosen so that the 48
 * known names land in 48 different slots. */
#define SIP_HDR_KEY8(a, b, c, d, e, f, g, h)                                                              \
    ((uint64_t)(a) | (uint64_t)(b) << 8 | (uint64_t)(c) << 16 | (uint64_t)(d) << 24 | (uint64_t)(e) << 32 | \
     (uint64_t)(f) << 40 | (uint64_t)(g) << 48 | (uint64_t)(h) << 56)
#define SIP_HDR_SLOT_OF(key, len) ((unsigned)((((key) + (uint64_t)(len)) * 0xfba19dbc788379a7ull) >> 57))

/* The id of the only known name that can sit in a slot, 0 if none. */
extern const uint8_t sip_hdr_by_slot[SIP_HDR_SLOTS];
/* Each id's lower-case name, zero-padded, and its length (0 for none). */
extern const char sip_hdr_lower[SIP_H__COUNT][SIP_HDR_LOWER_SIZE];
extern const uint8_t sip_hdr_len[SIP_H__COUNT];
/* Compact forms by letter (RFC 3261 §7.3.3), 0 if none. */
extern const uint8_t sip_hdr_compact[26];

/* Eight bytes as a little-endian word, as SIP_HDR_KEY8 builds them. */
static inline uint64_t sip_hdr_load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

/* The bytes 0 .. n-1 of w (n <= 8), the rest zero. */
static inline uint64_t sip_hdr_word_cut(uint64_t w, size_t n)
{
    return n >= 8 ? w : w & ((1ull << (8 * n)) - 1);
}

/* Word k of id's lower-case name. */
static inline uint64_t sip_hdr_lower_word(unsigned id, unsigned k)
{
    return sip_hdr_load8(sip_hdr_lower[id] + 8 * k);
}

/* The id whose slot the folded first word key of an n-byte name picks,
 * 2 <= n; the caller confirms the rest of the name. */
static inline unsigned sip_hdr_candidate(uint64_t key, size_t n)
{
    return sip_hdr_by_slot[SIP_HDR_SLOT_OF(key, n)];
}

/* A one-letter name: its compact form, or SIP_H_OTHER. */
static inline sip_hdr_id sip_hdr_compact_of(char c)
{
    unsigned k = (unsigned char)(c | 0x20) - (unsigned)'a';
    return k < 26 ? (sip_hdr_id)sip_hdr_compact[k] : SIP_H_OTHER;
}

#endif
