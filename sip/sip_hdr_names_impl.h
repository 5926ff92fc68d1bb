/* sip_hdr_names_impl.h - the table of known header names, shared by
 * sip_hdr_id_of() and the message splitter, which classifies a name from
 * bytes it has already loaded (private). */
#ifndef SIPPUSH_SIP_HDR_NAMES_IMPL_H
#define SIPPUSH_SIP_HDR_NAMES_IMPL_H

#include <stdint.h>
#include "sip_msg.h"

#define SIP_HDR_NAME_MAX 19   /* "p-asserted-identity" and its peers */
#define SIP_HDR_LOWER_SIZE 24 /* a 16-byte load from an entry stays inside it */
#define SIP_HDR_SLOTS 128

/* The slot of a name of len characters whose first, second-to-last and
 * last characters, case-folded with "| 0x20", are given: the multiplier
 * was chosen so that the known names all land in different slots. */
#define SIP_HDR_SLOT_OF(first, last2, last, len)                                                          \
    ((uint32_t)(((uint32_t)(first) | (uint32_t)(last2) << 8 | (uint32_t)(last) << 16 | (uint32_t)(len) << 24) * \
                0x36b15ccdu) >>                                                                             \
     25)

/* The id of the only known name that can sit in a slot, 0 if none. */
extern const uint8_t sip_hdr_by_slot[SIP_HDR_SLOTS];
/* Each id's lower-case name, zero-padded. */
extern const char sip_hdr_lower[SIP_H__COUNT][SIP_HDR_LOWER_SIZE];
/* Compact forms by letter (RFC 3261 §7.3.3), 0 if none. */
extern const uint8_t sip_hdr_compact[26];

/* The slot of name[0..n), 2 <= n <= SIP_HDR_NAME_MAX. */
static inline unsigned sip_hdr_slot(const char *name, size_t n)
{
    return SIP_HDR_SLOT_OF((unsigned char)(name[0] | 0x20), (unsigned char)(name[n - 2] | 0x20),
                           (unsigned char)(name[n - 1] | 0x20), n);
}

/* A one-letter name: its compact form, or SIP_H_OTHER. */
static inline sip_hdr_id sip_hdr_compact_of(char c)
{
    unsigned k = (unsigned char)(c | 0x20) - (unsigned)'a';
    return k < 26 ? (sip_hdr_id)sip_hdr_compact[k] : SIP_H_OTHER;
}

#endif
