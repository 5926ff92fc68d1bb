/* sp_sha1_impl.h - the compression functions behind sp_sha1.h (private). */
#ifndef SIPPUSH_SP_SHA1_IMPL_H
#define SIPPUSH_SP_SHA1_IMPL_H

#include <stdbool.h>

#include "sp_sha1.h"

sp_sha1_compress_fn sp_sha1_compress_portable;

#if defined(__x86_64__) || defined(__i386__)
#define SP_SHA1_HAVE_SHANI 1
sp_sha1_compress_fn sp_sha1_compress_shani;
/* Whether the processor has the SHA extensions and SSSE3/SSE4.1. */
bool sp_sha1_cpu_has_shani(void);
#endif

#endif
