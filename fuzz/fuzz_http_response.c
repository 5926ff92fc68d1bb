/* fuzz_http_response.c - fuzz harness: an HTTP response through the incremental
 * parser, in pieces whose sizes the first input byte chooses, with small
 * limits so the limit paths are reached. */
#include <stdint.h>
#include <string.h>

#include "push_indirect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    push_http_resp r;
    sp_error err;
    push_http_resp_init(&r, 512, 4096);
    /* the head: offered a growing prefix, as bytes arrive */
    size_t avail = 0, at = 0;
    for (;;) {
        avail = avail + step < len ? avail + step : len;
        int rc = push_http_resp_head(&r, buf + at, avail - at, &err);
        if (rc == SP_AGAIN && avail < len)
            continue;
        if (rc < 0)
            return 0;
        at += (size_t)rc;
        if (r.status >= 200)
            break;
    }
    uint64_t seen = 0;
    while (at < len && !r.done) {
        size_t piece = len - at < step ? len - at : step;
        sp_str d;
        int rc = push_http_resp_body(&r, buf + at, piece, &d, &err);
        if (rc < 0)
            return 0;
        if (d.n && (d.p < buf + at || d.p + d.n > buf + at + (size_t)rc))
            __builtin_trap();
        seen += d.n;
        at += (size_t)rc;
    }
    (void)push_http_resp_eof(&r, &err);
    if (seen != r.body_len || r.body_len > 4096)
        __builtin_trap();
    return 0;
}
