/* sp_buf.h - writing text into a caller's buffer, never past its end.
 *
 * Every builder of the stack (SIP, SDP, MSRP, the push agents) writes
 * through one sp_buf: once something does not fit, the buffer records the
 * overflow and ignores further writes, and sp_buf_finish() returns SP_ENOSPC, so a
 * builder checks once at the end instead of after every piece. */
#ifndef SIPPUSH_SP_BUF_H
#define SIPPUSH_SP_BUF_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sp_error.h"
#include "sp_str.h"

typedef struct sp_buf {
    char *p;
    size_t cap, len;
    bool overflow;
} sp_buf;

/* The longest output of one sp_buf_printf() call; longer text is an
 * overflow (write it with sp_buf_put). */
#define SP_BUF_PRINTF_MAX 512

/* mem may be NULL (capacity 0: everything overflows). */
SP_API void sp_buf_init(sp_buf *b, char *mem, size_t cap);

/* Inline: message heads are a dozen small pieces each, most of them
 * constants the compiler then copies in place. */
static inline void sp_buf_put(sp_buf *b, sp_str s)
{
    if (b->overflow || s.n > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    if (s.n)
        memcpy(b->p + b->len, s.p, s.n);
    b->len += s.n;
}

static inline void sp_buf_puts(sp_buf *b, const char *s) { sp_buf_put(b, sp_str_cstr(s)); }

/* A decimal number, without printf. */
SP_API void sp_buf_u64(sp_buf *b, uint64_t v);
SP_API void sp_buf_printf(sp_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Bytes written, or SP_ENOSPC when anything overflowed. */
static inline long sp_buf_finish(const sp_buf *b) { return b->overflow ? SP_ENOSPC : (long)b->len; }

#endif
