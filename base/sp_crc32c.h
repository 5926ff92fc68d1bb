/* sp_crc32c.h - CRC-32C (Castagnoli, RFC 3720 §12.1 / B.4): the checksum of
 * the push journal's records. Reflected polynomial 0x82F63B78, initial value
 * and final XOR 0xFFFFFFFF; "123456789" gives 0xE3069283. */
#ifndef SIPPUSH_SP_CRC32C_H
#define SIPPUSH_SP_CRC32C_H

#include "sp_export.h"

#include <stddef.h>
#include <stdint.h>

/* The CRC of data continued from crc (0 to start): sp_crc32c(sp_crc32c(0,
 * a, n), b, m) is the CRC of a then b. */
SP_API uint32_t sp_crc32c(uint32_t crc, const void *data, size_t len);

#endif
