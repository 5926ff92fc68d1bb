/* sp_hex.h - hexadecimal text of bytes: plain lower-case ("72245f...") and
 * the colon-separated upper-case form of SDP hash values ("72:24:5F:...",
 * RFC 5547 §6 hash-value, RFC 4572 fingerprint).
 *
 * Encoders write exactly the stated number of characters and no NUL.
 * Decoders take either case and return the byte count, or SP_EINVAL
 * (status 400, offset of the bad character) / SP_ELIMIT (out too small). */
#ifndef SIPPUSH_SP_HEX_H
#define SIPPUSH_SP_HEX_H

#include "sp_export.h"

#include <stddef.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

/* Characters written by the encoders for n bytes. */
#define SP_HEX_LEN(n) (2 * (n))
#define SP_HEX_COLON_LEN(n) ((n) ? 3 * (n) - 1 : 0)

/* Writes SP_HEX_LEN(n) lower-case characters. */
/* The value of a hex digit of either case, or -1. */
static inline int sp_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = sp_ascii_lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

SP_API void sp_hex_encode(const void *in, size_t n, char *out);
/* Writes SP_HEX_COLON_LEN(n) characters: upper-case pairs joined by ':'. */
SP_API void sp_hex_encode_colon(const void *in, size_t n, char *out);

/* An even number of hex digits, nothing else. */
SP_API long sp_hex_decode(const char *in, size_t len, uint8_t *out, size_t cap, sp_error *err);
/* Pairs of hex digits separated by single colons: no leading, trailing or
 * doubled colon, no single digit. Empty input decodes to zero bytes. */
SP_API long sp_hex_decode_colon(const char *in, size_t len, uint8_t *out, size_t cap, sp_error *err);

#endif
