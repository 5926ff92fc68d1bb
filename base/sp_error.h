/* sp_error.h - the one error space of sippush, and the return convention of its parsers.
 *
 * Every function of every module that returns an int status returns 0 or a
 * count (>= 0) on success, and on failure a negative errno value: the codes
 * below are names for errno values, never numbers of their own, so a status
 * can pass from a parser through a transaction to a socket call and back
 * without being translated, and strerror(-rc) describes any of them. Out of
 * memory is always -ENOMEM; a function returning a pointer returns NULL.
 * Module codes (SIP_TXN_E*, SIP_AUTH_E*, MSRP_E*) are errno values too, each
 * distinct from the others a function documents.
 *
 * A parse function returns the number of bytes it consumed (>= 0), SP_AGAIN
 * when the input ends before the thing being parsed does (feed more bytes and
 * call again), or SP_EINVAL / SP_ELIMIT with an sp_error filled in: the byte
 * offset of the problem, a static human-readable reason, and the protocol
 * status the problem maps to (400, 413, 513, ...), so callers can answer the
 * peer without re-deriving why. A builder returns the length it wrote or
 * SP_ENOSPC when its output does not fit the caller's buffer. */
#ifndef SIPPUSH_SP_ERROR_H
#define SIPPUSH_SP_ERROR_H

#include <errno.h>
#include <stddef.h>

enum {
    SP_OK = 0,
    SP_AGAIN = -EAGAIN,    /* need more bytes */
    SP_EINVAL = -EINVAL,   /* malformed input */
    SP_ELIMIT = -EMSGSIZE, /* a configured limit was exceeded */
    SP_ENOSPC = -ENOSPC,   /* the output does not fit the caller's buffer */
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
