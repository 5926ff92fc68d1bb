/* sp_error.h - the one return convention of every sippush parser.
 *
 * A parse function returns the number of bytes it consumed (>= 0), SP_AGAIN
 * when the input ends before the thing being parsed does (feed more bytes and
 * call again), or SP_EINVAL / SP_ELIMIT with an sp_error filled in: the byte
 * offset of the problem, a static human-readable reason, and the protocol
 * status the problem maps to (400, 413, 513, ...), so callers can answer the
 * peer without re-deriving why. */
#ifndef SIPPUSH_SP_ERROR_H
#define SIPPUSH_SP_ERROR_H

#include <stddef.h>

enum {
    SP_OK = 0,
    SP_AGAIN = -1,  /* need more bytes */
    SP_EINVAL = -2, /* malformed input */
    SP_ELIMIT = -3, /* a configured limit was exceeded */
};

typedef struct sp_error {
    size_t offset;      /* byte offset in the parsed input */
    const char *reason; /* static string, never NULL after a failure */
    int status;         /* protocol answer: 400, 413, 513, ... (0 if none) */
} sp_error;

static inline int sp_fail(sp_error *e, int code, size_t offset, int status, const char *reason)
{
    if (e) {
        e->offset = offset;
        e->reason = reason;
        e->status = status;
    }
    return code;
}

#endif
