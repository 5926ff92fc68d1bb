/* big_size.c - see big_size.h. */
#include "big_size.h"

#include <stdlib.h>

uint64_t big_size(uint64_t full, uint64_t unit)
{
    const char *s = getenv("SIPPUSH_TEST_SHRINK");
    uint64_t n = s ? strtoull(s, NULL, 10) : 1;
    if (n <= 1)
        return full;
    uint64_t size = full / n;
    size -= size % unit;
    return size < unit ? unit : size;
}
