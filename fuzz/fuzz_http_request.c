/* fuzz_http_request.c - fuzz harness: the PAP gateway's request path, a
 * stream of pipelined HTTP/1.1 requests through the request parser, in
 * pieces whose sizes the first input byte chooses, with small limits so
 * that every limit is reached, each whole body then read as a PAP document
 * with its Content-Type. Asserts that content slices stay inside the input
 * and that no body grows past its limit. */
#include <stdint.h>
#include <string.h>

#include "push_pap.h"
#include "push_http_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t step = (size_t)data[0] % 17 + 1;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1, at = 0;
    enum { MAX_HEAD = 512, MAX_BODY = 4096 };
    while (at < len) {
        push_http_req r;
        sp_error err;
        size_t avail = at;
        static char body[4096], text[4096];
        size_t body_len = 0;
        int rc;
        for (;;) {
            avail = avail + step < len ? avail + step : len;
            rc = push_http_req_head(&r, buf + at, avail - at, MAX_HEAD, MAX_BODY, &err);
            if (rc == SP_AGAIN && avail < len)
                continue;
            break;
        }
        if (rc < 0) {
            if (rc != SP_AGAIN && (err.status < 400 || err.status > 599))
                __builtin_trap();
            return 0;
        }
        if ((size_t)rc > MAX_HEAD || r.path.n == 0 || r.method.n == 0)
            __builtin_trap();
        at += (size_t)rc;
        while (at < len && !r.body.done) {
            size_t piece = len - at < step ? len - at : step;
            sp_str d;
            rc = push_http_req_body(&r, buf + at, piece, &d, &err);
            if (rc < 0)
                return 0;
            if (d.n && (d.p < buf + at || d.p + d.n > buf + at + (size_t)rc))
                __builtin_trap();
            if (body_len + d.n > sizeof body)
                __builtin_trap(); /* past MAX_BODY */
            memcpy(body + body_len, d.p, d.n);
            body_len += d.n;
            at += (size_t)rc;
        }
        if (r.body.body_len > MAX_BODY)
            __builtin_trap();
        if (!r.body.done)
            return 0;
        push_pap_address addr[8];
        push_pap_store st = {.addr = addr, .addr_cap = 8, .text = text, .text_cap = sizeof text};
        push_pap_request pr;
        push_pap_error perr;
        (void)push_pap_parse(r.content_type, sp_str_make(body, body_len), NULL, &st, &pr, &perr);
    }
    return 0;
}
