/* msrp_ranges.c - see msrp_ranges.h. */
#include "msrp_ranges.h"

#include <string.h>

void msrp_ranges_init(msrp_ranges *s, size_t max_intervals)
{
    s->count = 0;
    s->received = 0;
    if (max_intervals == 0)
        max_intervals = MSRP_RANGES_MAX_DEFAULT;
    s->max = max_intervals < MSRP_RANGES_CAP ? max_intervals : MSRP_RANGES_CAP;
}

/* The first interval that ends at or after pos - 1, i.e. that touches or
 * follows a range starting at pos (pos >= 1). */
static size_t first_touching(const msrp_ranges *s, uint64_t pos)
{
    size_t lo = 0, hi = s->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->iv[mid].end < pos - 1)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int msrp_ranges_add(msrp_ranges *s, uint64_t start, uint64_t end)
{
    if (start == 0 || end > MSRP_POS_MAX || end < start - 1)
        return SP_EINVAL;
    if (end == start - 1)
        return SP_OK;
    /* Chunks mostly come in order: one that continues the last interval
     * extends it (the general merge below gives the same). */
    if (s->count && start - 1 == s->iv[s->count - 1].end) {
        s->iv[s->count - 1].end = end;
        s->received += end - start + 1;
        return SP_OK;
    }
    size_t i = first_touching(s, start), j = i;
    /* Intervals i .. j-1 overlap or abut [start, end]: they merge into one. */
    while (j < s->count && s->iv[j].start - 1 <= end)
        j++;
    if (i == j) {
        if (s->count == s->max)
            return SP_ELIMIT;
        memmove(&s->iv[i + 1], &s->iv[i], (s->count - i) * sizeof s->iv[0]);
        s->iv[i] = (msrp_interval){start, end};
        s->count++;
        s->received += end - start + 1;
        return SP_OK;
    }
    msrp_interval merged = {start < s->iv[i].start ? start : s->iv[i].start,
                         end > s->iv[j - 1].end ? end : s->iv[j - 1].end};
    for (size_t k = i; k < j; k++)
        s->received -= s->iv[k].end - s->iv[k].start + 1;
    s->received += merged.end - merged.start + 1;
    s->iv[i] = merged;
    memmove(&s->iv[i + 1], &s->iv[j], (s->count - j) * sizeof s->iv[0]);
    s->count -= j - i - 1;
    return SP_OK;
}

bool msrp_ranges_contains(const msrp_ranges *s, uint64_t start, uint64_t end)
{
    if (end < start)
        return true;
    /* Intervals never abut, so one interval must hold the whole range. */
    size_t i = first_touching(s, start);
    return i < s->count && s->iv[i].start <= start && s->iv[i].end >= end;
}

bool msrp_ranges_first_missing(const msrp_ranges *s, uint64_t total, msrp_interval *gap)
{
    uint64_t next = 1; /* the first position not known to be received */
    for (size_t i = 0; i < s->count && next <= total; i++) {
        if (s->iv[i].start > next) {
            gap->start = next;
            gap->end = s->iv[i].start - 1 < total ? s->iv[i].start - 1 : total;
            return true;
        }
        next = s->iv[i].end + 1;
    }
    if (next > total)
        return false;
    gap->start = next;
    gap->end = total;
    return true;
}
