/* sp_buf.c - see sp_buf.h. */
#include "sp_buf.h"

#include <stdarg.h>
#include <stdio.h>

void sp_buf_init(sp_buf *b, char *mem, size_t cap)
{
    b->p = mem;
    b->cap = mem ? cap : 0;
    b->len = 0;
    b->overflow = false;
}

/* Two digits at a time: every MSRP chunk head holds three numbers. */
void sp_buf_u64(sp_buf *b, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    size_t n = 1;
    if (v <= UINT32_MAX) {
        uint32_t w = (uint32_t)v;
        n += (w >= 10u) + (w >= 100u) + (w >= 1000u) + (w >= 10000u) + (w >= 100000u) + (w >= 1000000u) +
             (w >= 10000000u) + (w >= 100000000u) + (w >= 1000000000u);
    } else {
        for (uint64_t p10 = 10; n < 20 && v >= p10; p10 *= 10)
            n++;
    }
    if (b->overflow || n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    char *end = b->p + b->len + n;
    while (v > UINT32_MAX) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        memcpy(end -= 2, pairs + 2 * d, 2);
    }
    uint32_t w = (uint32_t)v; /* positions mostly fit: cheaper divisions */
    while (w >= 100) {
        unsigned d = w % 100;
        w /= 100;
        memcpy(end -= 2, pairs + 2 * d, 2);
    }
    if (w >= 10)
        memcpy(end - 2, pairs + 2 * w, 2);
    else
        end[-1] = (char)('0' + w);
    b->len += n;
}

void sp_buf_printf(sp_buf *b, const char *fmt, ...)
{
    char tmp[SP_BUF_PRINTF_MAX + 1];
    va_list ap;
    if (b->overflow)
        return;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || n > SP_BUF_PRINTF_MAX) {
        b->overflow = true;
        return;
    }
    sp_buf_put(b, sp_str_make(tmp, (size_t)n));
}
