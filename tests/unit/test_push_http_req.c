/* test_push_http_req.c - the HTTP/1.1 request parser of the push gateway
 * (RFC 9112): every input behind a guard page and cut at every byte, the
 * framing rules, each error's status, the limits at their boundary, and
 * response heads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_http_req.h"

/* A whole request fed as it would arrive: the head offered as a growing
 * prefix cut at 'split', the body in two pieces cut there too. Returns the
 * bytes the request took (head and body) or the error; the body's content
 * is gathered into out. */
static int feed(const char *text, size_t len, size_t split, uint64_t max_body, push_http_req *r, char *out,
                size_t *out_len, sp_error *e)
{
    const char *buf = guard_copy(text, len);
    int rc = push_http_req_head(r, buf, split < len ? split : len, 0, max_body, e);
    if (rc == SP_AGAIN)
        rc = push_http_req_head(r, buf, len, 0, max_body, e);
    if (rc < 0)
        return rc;
    size_t at = (size_t)rc;
    *out_len = 0;
    size_t cut = split > at ? split : at;
    while (!r->body.done && at < len) {
        size_t piece_end = at < cut && cut < len ? cut : len;
        sp_str d;
        int n = push_http_req_body(r, buf + at, piece_end - at, &d, e);
        if (n < 0)
            return n;
        memcpy(out + *out_len, d.p, d.n);
        *out_len += d.n;
        at += (size_t)n;
        if (n == 0)
            break;
    }
    return r->body.done ? (int)at : SP_AGAIN;
}

static const char post_length[] = "POST /pap HTTP/1.1\r\nHost: ppg.example.com:8080\r\n"
                                  "Content-Type: multipart/related; boundary=xyz\r\nContent-Length: 11\r\n\r\n"
                                  "hello world";
static const char post_chunked[] = "POST /pap?x=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                                   "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n";

START_TEST(every_split_content_length)
{
    size_t len = strlen(post_length);
    for (size_t split = 0; split <= len; split++) {
        push_http_req r;
        sp_error e;
        char body[64];
        size_t n;
        ck_assert_int_eq(feed(post_length, len, split, 1024, &r, body, &n, &e), (int)len);
        ck_assert(sp_str_eq(r.method, SP_LIT("POST")));
        ck_assert(sp_str_eq(r.path, SP_LIT("/pap")));
        ck_assert(sp_str_eq(r.host, SP_LIT("ppg.example.com:8080")));
        ck_assert(sp_str_eq(r.content_type, SP_LIT("multipart/related; boundary=xyz")));
        ck_assert_uint_eq(r.minor, 1);
        ck_assert(r.keep_alive);
        ck_assert(!r.expect_continue);
        ck_assert_uint_eq(n, 11);
        ck_assert(!memcmp(body, "hello world", 11));
    }
}
END_TEST

START_TEST(every_split_chunked)
{
    size_t len = strlen(post_chunked);
    for (size_t split = 0; split <= len; split++) {
        push_http_req r;
        sp_error e;
        char body[64];
        size_t n;
        ck_assert_int_eq(feed(post_chunked, len, split, 1024, &r, body, &n, &e), (int)len);
        ck_assert(sp_str_eq(r.path, SP_LIT("/pap")));
        ck_assert(sp_str_eq(r.target, SP_LIT("/pap?x=1")));
        ck_assert(r.body.chunked);
        ck_assert_uint_eq(n, 11);
        ck_assert(!memcmp(body, "hello world", 11));
    }
}
END_TEST

START_TEST(pipelined_requests_follow_each_other)
{
    char two[512];
    int n = snprintf(two, sizeof two, "%s%s", post_length, "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    const char *buf = guard_copy(two, (size_t)n);
    push_http_req r;
    sp_error e;
    sp_str d;
    int h = push_http_req_head(&r, buf, (size_t)n, 0, 1024, &e);
    ck_assert_int_gt(h, 0);
    int b = push_http_req_body(&r, buf + h, (size_t)n - (size_t)h, &d, &e);
    ck_assert_int_eq(b, 11);
    ck_assert(r.body.done);
    int h2 = push_http_req_head(&r, buf + h + b, (size_t)n - (size_t)(h + b), 0, 1024, &e);
    ck_assert_int_eq(h2, n - h - b);
    ck_assert(sp_str_eq(r.method, SP_LIT("GET")));
    ck_assert(r.body.done); /* no framing: no body (§6.3 rule 7) */
    ck_assert(!r.keep_alive);
}
END_TEST

static int head(const char *s, size_t max_head, uint64_t max_body, push_http_req *r, sp_error *e)
{
    return push_http_req_head(r, guard_str(s), strlen(s), max_head, max_body, e);
}

START_TEST(forms_and_versions)
{
    push_http_req r;
    sp_error e;
    ck_assert_int_gt(head("\r\n\nPOST http://ppg.example.com:80/pap?q HTTP/1.1\r\nHost: a\r\n\r\n", 0, 10, &r, &e), 0);
    ck_assert(sp_str_eq(r.path, SP_LIT("/pap")));
    ck_assert_int_gt(head("GET http://a HTTP/1.1\r\nHost: a\r\n\r\n", 0, 10, &r, &e), 0);
    ck_assert(sp_str_eq(r.path, SP_LIT("/")));
    ck_assert_int_gt(head("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", 0, 10, &r, &e), 0);
    ck_assert(sp_str_eq(r.path, SP_LIT("*")));
    /* 1.0: no Host needed, persistent only when asked */
    ck_assert_int_gt(head("GET / HTTP/1.0\r\n\r\n", 0, 10, &r, &e), 0);
    ck_assert(!r.keep_alive);
    ck_assert_int_gt(head("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", 0, 10, &r, &e), 0);
    ck_assert(r.keep_alive);
    ck_assert_int_gt(head("GET / HTTP/1.1\nHost: a\nConnection: foo, close\n\n", 0, 10, &r, &e), 0);
    ck_assert(!r.keep_alive);
    ck_assert_int_gt(head("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n", 0, 10, &r, &e), 0);
    ck_assert(r.expect_continue);
    ck_assert(!r.body.done);
    ck_assert_int_eq(head("GET / HTTP/1.1\r\nHost: a\r\n", 0, 10, &r, &e), SP_AGAIN);
    ck_assert_int_eq(head("", 0, 10, &r, &e), SP_AGAIN);
    ck_assert_int_eq(head("\r\n", 0, 10, &r, &e), SP_AGAIN);
}
END_TEST

static void refused(const char *s, int code, int status)
{
    push_http_req r;
    sp_error e = {0};
    ck_assert_msg(head(s, 0, 100, &r, &e) == code, "%s", s);
    ck_assert_msg(e.status == status, "%s: %d", s, e.status);
}

START_TEST(malformed_heads_and_their_status)
{
    refused("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", SP_EINVAL, 400);
    refused("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", SP_EINVAL, 400);
    refused("GET / HTTP/1.1 \r\nHost: a\r\n\r\n", SP_EINVAL, 400);
    refused("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n", SP_EINVAL, 400);
    refused("GET pap HTTP/1.1\r\nHost: a\r\n\r\n", SP_EINVAL, 400);
    refused("GET / HTTP/1.1\r\n\r\n", SP_EINVAL, 400);
    refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", SP_EINVAL, 400);
    refused("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", SP_EINVAL, 400);
    refused("GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", SP_EINVAL, 400);
    refused("GET / HTTP/1.1\r\nHost: a\r\nnocolon\r\n\r\n", SP_EINVAL, 400);
    refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", SP_EINVAL, 400);
    refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", SP_EINVAL, 400);
    refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n", SP_EINVAL, 400);
    refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", SP_EINVAL, 400);
    refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", SP_EINVAL, 501);
    refused("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", SP_EINVAL, 417);
    refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n", SP_EINVAL, 505);
    refused("GET / HTTP/1.2\r\nHost: a\r\n\r\n", SP_EINVAL, 505);
    refused("GET / HTTPS/1.1\r\nHost: a\r\n\r\n", SP_EINVAL, 400);
    static const char nul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
    push_http_req r;
    sp_error e;
    ck_assert_int_eq(push_http_req_head(&r, guard_copy(nul, sizeof nul - 1), sizeof nul - 1, 0, 10, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 400);
}
END_TEST

START_TEST(limits_at_their_boundary)
{
    /* the head: max_head bytes accepted, one more refused with 431 */
    char h[300];
    const char *pre = "GET / HTTP/1.1\r\nHost: a\r\nX: ";
    size_t fixed = strlen(pre) + 4; /* value, CRLF CRLF */
    size_t max_head = 200;
    memset(h, 'v', sizeof h);
    memcpy(h, pre, strlen(pre));
    size_t vlen = max_head - fixed;
    memcpy(h + strlen(pre) + vlen, "\r\n\r\n", 4);
    push_http_req r;
    sp_error e;
    ck_assert_int_eq(push_http_req_head(&r, guard_copy(h, max_head), max_head, max_head, 10, &e), (int)max_head);
    memset(h, 'v', sizeof h);
    memcpy(h, pre, strlen(pre));
    memcpy(h + strlen(pre) + vlen + 1, "\r\n\r\n", 4);
    ck_assert_int_eq(push_http_req_head(&r, guard_copy(h, max_head + 1), max_head + 1, max_head, 10, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 431);
    /* the body by Content-Length: max_body accepted, one more 413 at the head */
    ck_assert_int_gt(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n", 0, 100, &r, &e), 0);
    ck_assert_int_eq(head("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n", 0, 100, &r, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    /* chunked: refused at the chunk that goes past */
    const char *c8 = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    int n = head(c8, 0, 8, &r, &e);
    ck_assert_int_gt(n, 0);
    sp_str d;
    const char *ok = "4\r\nabcd\r\n4\r\nefgh\r\n0\r\n\r\n";
    ck_assert_int_gt(push_http_req_body(&r, guard_str(ok), strlen(ok), &d, &e), 0);
    size_t at = 0, len = strlen(ok);
    const char *okg = guard_str(ok);
    n = head(c8, 0, 8, &r, &e);
    while (!r.body.done) {
        int k = push_http_req_body(&r, okg + at, len - at, &d, &e);
        ck_assert_int_gt(k, 0);
        at += (size_t)k;
    }
    ck_assert_uint_eq(r.body.body_len, 8);
    const char *over = "4\r\nabcd\r\n5\r\nefghi\r\n0\r\n\r\n";
    const char *overg = guard_str(over);
    head(c8, 0, 8, &r, &e);
    at = 0;
    len = strlen(over);
    int k;
    while ((k = push_http_req_body(&r, overg + at, len - at, &d, &e)) > 0)
        at += (size_t)k;
    ck_assert_int_eq(k, SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
}
END_TEST

START_TEST(bad_chunk_framing_is_400)
{
    const char *bads[] = {"x\r\n", "4\r\nabcdX", "4\rX", "11111111111111111\r\n"};
    for (size_t i = 0; i < sizeof bads / sizeof bads[0]; i++) {
        push_http_req r;
        sp_error e;
        sp_str d;
        ck_assert_int_gt(head("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 0, 1u << 30, &r, &e), 0);
        const char *b = guard_str(bads[i]);
        size_t at = 0, len = strlen(bads[i]);
        int k;
        while (at < len && (k = push_http_req_body(&r, b + at, len - at, &d, &e)) > 0)
            at += (size_t)k;
        ck_assert_int_eq(k, SP_EINVAL);
        ck_assert_int_eq(e.status, 400);
    }
}
END_TEST

START_TEST(response_heads)
{
    char out[256];
    sp_error e;
    int n = push_http_response_head(200, SP_LIT("application/xml"), 42, true, sp_str_make("", 0), out, sizeof out, &e);
    ck_assert_str_eq(out, "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 42\r\n\r\n");
    ck_assert_int_eq(n, (int)strlen(out));
    push_http_response_head(408, sp_str_make("", 0), 0, false, SP_LIT("Retry-After: 1\r\n"), out, sizeof out, &e);
    ck_assert_str_eq(out, "HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n");
    push_http_response_head(100, sp_str_make("", 0), 0, true, sp_str_make("", 0), out, sizeof out, &e);
    ck_assert_str_eq(out, "HTTP/1.1 100 Continue\r\n\r\n");
    ck_assert_int_eq(push_http_response_head(200, SP_LIT("a/b"), 1, true, sp_str_make("", 0), out, 20, &e), SP_ELIMIT);
    ck_assert_str_eq(push_http_reason(431), "Request Header Fields Too Large");
    ck_assert_str_eq(push_http_reason(299), "Unknown");
}
END_TEST

static Suite *push_http_req_suite(void)
{
    Suite *s = suite_create("push_http_req");
    TCase *t = tcase_create("core");
    tcase_add_test(t, every_split_content_length);
    tcase_add_test(t, every_split_chunked);
    tcase_add_test(t, pipelined_requests_follow_each_other);
    tcase_add_test(t, forms_and_versions);
    tcase_add_test(t, malformed_heads_and_their_status);
    tcase_add_test(t, limits_at_their_boundary);
    tcase_add_test(t, bad_chunk_framing_is_400);
    tcase_add_test(t, response_heads);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_http_req_suite)
