/* msrp_ranges.h - the byte ranges of one MSRP message received so far.
 *
 * Positions are those of the Byte-Range header (RFC 4975 §9): 1-based, end
 * inclusive. Chunks may come in any order, repeat or overlap (§7.3.1); the
 * set keeps them as a sorted list of disjoint, non-adjacent intervals, in
 * fixed storage: past 'max' intervals an add is refused with SP_ELIMIT, so a
 * peer scattering tiny chunks cannot make it grow. */
#ifndef SIPPUSH_MSRP_RANGES_H
#define SIPPUSH_MSRP_RANGES_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_error.h"

#define MSRP_RANGES_CAP 64             /* storage of a set: the largest usable max */
#define MSRP_RANGES_MAX_DEFAULT 64     /* disjoint intervals kept unless told fewer */
#define MSRP_POS_MAX (UINT64_MAX - 1)  /* the last position a range may reach */

typedef struct msrp_interval {
    uint64_t start, end; /* 1-based, inclusive */
} msrp_interval;

/* Read-only for callers: iv[0..count) in ascending order. */
typedef struct msrp_ranges {
    size_t count, max;
    uint64_t received; /* bytes covered */
    msrp_interval iv[MSRP_RANGES_CAP];
} msrp_ranges;

/* max_intervals 0 means MSRP_RANGES_MAX_DEFAULT; above MSRP_RANGES_CAP it
 * is MSRP_RANGES_CAP. */
SP_API void msrp_ranges_init(msrp_ranges *s, size_t max_intervals);

/* Adds [start, end]. An empty range (end == start - 1, as in "1-0/0") is
 * accepted and changes nothing. SP_OK; SP_EINVAL when start is 0, end is
 * below start - 1 or past MSRP_POS_MAX; SP_ELIMIT when the range would
 * need one interval more than max. The set is unchanged on failure. */
SP_API int msrp_ranges_add(msrp_ranges *s, uint64_t start, uint64_t end);

/* Whether every byte of [start, end] has been received (true when empty). */
SP_API bool msrp_ranges_contains(const msrp_ranges *s, uint64_t start, uint64_t end);
/* Whether every byte of [1, total] has been received. */
static inline bool msrp_ranges_complete(const msrp_ranges *s, uint64_t total)
{
    return msrp_ranges_contains(s, 1, total);
}
/* The first missing range within [1, total]: false when there is none. */
SP_API bool msrp_ranges_first_missing(const msrp_ranges *s, uint64_t total, msrp_interval *gap);

#endif
