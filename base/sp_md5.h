/* sp_md5.h - MD5 (RFC 1321), streaming, for SIP digest authentication
 * (RFC 2617). Not for anything needing collision resistance. */
#ifndef SIPPUSH_SP_MD5_H
#define SIPPUSH_SP_MD5_H

#include "sp_export.h"

#include <stddef.h>
#include <stdint.h>

#define SP_MD5_LEN 16

typedef struct sp_md5_ctx {
    uint32_t state[4];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    size_t fill;
} sp_md5_ctx;

SP_API void sp_md5_init(sp_md5_ctx *c);
SP_API void sp_md5_update(sp_md5_ctx *c, const void *data, size_t len);
/* Writes the digest; the context must be initialised again before reuse. */
SP_API void sp_md5_final(sp_md5_ctx *c, uint8_t digest[SP_MD5_LEN]);
SP_API void sp_md5(const void *data, size_t len, uint8_t digest[SP_MD5_LEN]);

#endif
