/* sp_decimal.h - 64-bit numbers in decimal without printf: newlib-nano's
 * printf has no %llu (nor PRIu64), and a device links newlib-nano. */
#ifndef SIPPUSH_SP_DECIMAL_H
#define SIPPUSH_SP_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#include "sp_export.h"

/* Room for UINT64_MAX (20 digits) and the NUL. */
#define SP_U64_DEC_SIZE 21

/* Writes v in decimal and a NUL into out; returns the number of digits. */
SP_API size_t sp_u64_dec(char out[SP_U64_DEC_SIZE], uint64_t v);

#endif
