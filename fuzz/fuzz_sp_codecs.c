/* fuzz_sp_codecs.c - the strict decoders of base64 and hex on any input.
 *
 * Beyond not crashing: strict base64 has one encoding per byte string, so
 * whatever decodes must encode back to exactly the input; hex must come
 * back as the input in the encoder's case. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sp_base64.h"
#include "sp_hex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t cap = size / 2 + 1;
    uint8_t *out = malloc(cap);
    char *back = malloc(2 * size + 8);
    if (!out || !back)
        abort();
    sp_error e;

    long n = sp_base64_decode(in, size, out, cap, &e);
    if (n >= 0) {
        sp_base64_encode(out, (size_t)n, back);
        if (SP_BASE64_LEN((size_t)n) != size || memcmp(back, in, size) != 0)
            abort();
    }
    n = sp_hex_decode(in, size, out, cap, &e);
    if (n >= 0) {
        sp_hex_encode(out, (size_t)n, back);
        for (size_t i = 0; i < size; i++)
            if (upper(back[i]) != upper(in[i]))
                abort();
    }
    n = sp_hex_decode_colon(in, size, out, cap, &e);
    if (n >= 0) {
        sp_hex_encode_colon(out, (size_t)n, back);
        if (SP_HEX_COLON_LEN((size_t)n) != size)
            abort();
        for (size_t i = 0; i < size; i++)
            if (back[i] != upper(in[i]))
                abort();
    }
    free(out);
    free(back);
    return 0;
}
