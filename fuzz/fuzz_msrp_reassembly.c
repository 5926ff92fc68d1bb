/* fuzz_msrp_reassembly.c - a sequence of chunk events against one message.
 *
 * Each event is an opcode byte and its operands (16-bit big-endian numbers,
 * 0xffff standing for '*'): begin start end total / write pos len bytes /
 * end flag / abort. Whatever the sequence, nothing may crash, and a
 * completed message must hold bytes whose SHA-1 is the one reported. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_reassembly.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct reader {
    const uint8_t *p;
    size_t n;
} reader;

static bool take(reader *r, size_t n, const uint8_t **out)
{
    if (r->n < n)
        return false;
    *out = r->p;
    r->p += n, r->n -= n;
    return true;
}

static bool num(reader *r, uint64_t *v)
{
    const uint8_t *b;
    if (!take(r, 2, &b))
        return false;
    unsigned x = (unsigned)b[0] << 8 | b[1];
    *v = x == 0xffff ? MSRP_UNKNOWN : x;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    msrp_sink sink;
    msrp_reassembly r;
    msrp_reassembly_limits lim = {.max_size = 40000, .max_intervals = 8};
    msrp_sink_memory_open(&sink, 30000);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    reader in = {data, size};
    const uint8_t *op;
    int completions = 0;
    sp_error e;
    while (take(&in, 1, &op)) {
        uint64_t a, b, c;
        const uint8_t *bytes;
        int rc = 0;
        switch (*op % 4) {
        case 0:
            if (!num(&in, &a) || !num(&in, &b) || !num(&in, &c))
                goto out;
            rc = msrp_reassembly_begin(&r, a, b, c, &e);
            break;
        case 1:
            if (!num(&in, &a) || !take(&in, 1, &bytes))
                goto out;
            b = *bytes;
            if (!take(&in, (size_t)b, &bytes))
                goto out;
            rc = msrp_reassembly_write(&r, a == MSRP_UNKNOWN ? MSRP_POS_MAX : a, bytes, (size_t)b, &e);
            break;
        case 2:
            if (!take(&in, 1, &bytes))
                goto out;
            rc = msrp_reassembly_end(&r, (char)*bytes, &e);
            break;
        default:
            msrp_reassembly_abort(&r);
            break;
        }
        completions += rc == MSRP_RX_COMPLETE;
        if (rc < 0 && (!e.reason || e.status == 0))
            abort(); /* every failure says why and what to answer */
    }
out:
    if (completions > 1)
        abort();
    if (r.state == MSRP_RX_DONE) {
        size_t len;
        const uint8_t *got = msrp_sink_data(&sink, &len);
        uint8_t d[SP_SHA1_LEN];
        sp_sha1(got, len, d);
        if (completions != 1 || len != r.total || memcmp(d, r.sha1, SP_SHA1_LEN) != 0)
            abort();
    }
    msrp_sink_close(&sink);
    return 0;
}
