/* sp_platform.c - see sp_platform.h. */
#include "sp_platform.h"

#if SP_HAVE_MONOTONIC
#include <time.h>

uint64_t sp_clock_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
#endif
