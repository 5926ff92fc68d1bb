/* sp_random.h - unpredictable bytes from the kernel (getrandom), and random
 * tokens drawn from an alphabet: SIP tags and branches (RFC 3261 §19.3 asks
 * for at least 32 random bits, §8.1.1.7), MSRP session-ids and transaction
 * ids (RFC 4975 §14.1 asks for at least 80 bits). */
#ifndef SIPPUSH_SP_RANDOM_H
#define SIPPUSH_SP_RANDOM_H

#include "sp_export.h"

#include <stddef.h>

/* Characters safe in a SIP token, an MSRP session-id and a URI: [A-Za-z0-9]. */
#define SP_RANDOM_ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* Fills buf with n random bytes; 0, or a negative errno value when the source
 * refuses (-EIO from a source set below; the kernel's own error, interrupted
 * and short reads retried). Callers
 * fail what they were making then: nothing falls back to a counter. */
SP_API int sp_random_bytes(void *buf, size_t n);

/* A source of random bytes: fills buf with n bytes and returns 0, or nonzero. */
typedef int (*sp_random_source)(void *ctx, void *buf, size_t n);

/* Draws sp_random_bytes() from fn instead of the kernel (NULL: the kernel
 * again): for a device with its own generator, and for tests that need
 * randomness to fail. Process-wide; set it before threads draw. Where the
 * platform has no kernel generator (SP_HAVE_GETRANDOM 0, sp_platform.h)
 * nothing is drawn (-ENOSYS) until a source is set. */
SP_API void sp_random_set_source(sp_random_source fn, void *ctx);

/* Writes len characters drawn uniformly from alphabet (1..256 distinct
 * characters, NUL-terminated) into out, and a NUL at out[len]: out holds
 * len + 1 bytes. 0, -EINVAL for an empty or too long alphabet, or the error of
 * sp_random_bytes(). */
SP_API int sp_random_token(char *out, size_t len, const char *alphabet);

/* The token length that carries at least 'bits' bits of randomness with an
 * alphabet of alphabet_len characters (2..256), e.g. 14 for 80 bits of
 * SP_RANDOM_ALNUM. */
SP_API size_t sp_random_token_len(unsigned bits, size_t alphabet_len);

#endif
