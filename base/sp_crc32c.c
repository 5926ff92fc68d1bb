/* sp_crc32c.c - see sp_crc32c.h: a byte-wise table, built once. */
#include "sp_crc32c.h"

#include <stdbool.h>

static uint32_t table[256];
static bool table_ready;

static void table_build(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[i] = c;
    }
    table_ready = true;
}

uint32_t sp_crc32c(uint32_t crc, const void *data, size_t len)
{
    if (!table_ready)
        table_build(); /* idempotent: a race writes the same values */
    const unsigned char *p = data;
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
