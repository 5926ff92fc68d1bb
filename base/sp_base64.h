/* sp_base64.h - base64 (RFC 4648 §4, the standard alphabet with padding).
 *
 * Decoding is strict (§3.3, §3.5): the length is a multiple of 4, '=' only
 * as the last one or two characters, no whitespace or other characters, and
 * the unused bits of the last character are zero, so every byte string has
 * exactly one accepted encoding. */
#ifndef SIPPUSH_SP_BASE64_H
#define SIPPUSH_SP_BASE64_H

#include "sp_export.h"

#include <stddef.h>
#include <stdint.h>

#include "sp_error.h"

/* Characters written for n bytes (the caller checks n < SIZE_MAX / 4 * 3). */
#define SP_BASE64_LEN(n) (((n) + 2) / 3 * 4)
/* Bytes that len characters can decode to, at most. */
#define SP_BASE64_DECODED_MAX(len) ((len) / 4 * 3)

/* Writes SP_BASE64_LEN(n) characters, no NUL. */
SP_API void sp_base64_encode(const void *in, size_t n, char *out);

/* Decodes into out (cap bytes): the byte count, or SP_EINVAL (status 400,
 * offset of the offending character) or SP_ELIMIT (out too small). */
SP_API long sp_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap, sp_error *err);

#endif
