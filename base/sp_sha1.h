/* sp_sha1.h - SHA-1 (FIPS 180-4), streaming and one-shot.
 *
 * On x86 the SHA extensions are used when the processor has them (checked
 * once with cpuid); elsewhere, or when asked, a portable implementation.
 * Both give identical digests; a context keeps the one it was started with. */
#ifndef SIPPUSH_SP_SHA1_H
#define SIPPUSH_SP_SHA1_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SP_SHA1_LEN 20       /* digest bytes */
#define SP_SHA1_BLOCK_LEN 64 /* compression block bytes */

typedef enum sp_sha1_impl {
    SP_SHA1_BEST,     /* the fastest this processor runs */
    SP_SHA1_PORTABLE, /* plain C, any processor */
    SP_SHA1_SHANI,    /* x86 SHA extensions */
} sp_sha1_impl;

/* Compresses 'blocks' consecutive 64-byte blocks into the state. */
typedef void sp_sha1_compress_fn(uint32_t state[5], const uint8_t *data, size_t blocks);

typedef struct sp_sha1_ctx {
    uint32_t state[5];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[SP_SHA1_BLOCK_LEN];
    size_t fill; /* bytes waiting in block */
    sp_sha1_compress_fn *compress;
} sp_sha1_ctx;

/* Starts a context with the best implementation. */
SP_API void sp_sha1_init(sp_sha1_ctx *c);
/* Starts a context with the given implementation; false (context untouched)
 * when this processor or build cannot run it. */
SP_API bool sp_sha1_init_impl(sp_sha1_ctx *c, sp_sha1_impl impl);
SP_API void sp_sha1_update(sp_sha1_ctx *c, const void *data, size_t len);
/* Writes the digest; the context must be initialised again before reuse. */
SP_API void sp_sha1_final(sp_sha1_ctx *c, uint8_t digest[SP_SHA1_LEN]);

/* One-shot digest of len bytes. */
SP_API void sp_sha1(const void *data, size_t len, uint8_t digest[SP_SHA1_LEN]);

/* Whether impl can run here; SP_SHA1_BEST always can. */
SP_API bool sp_sha1_impl_available(sp_sha1_impl impl);
/* "sha-ni" or "portable": what impl (or BEST) resolves to on this processor. */
SP_API const char *sp_sha1_impl_name(sp_sha1_impl impl);

#endif
