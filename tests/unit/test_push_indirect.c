/* test_push_indirect.c - message/external-body (RFC 4483), HTTP URLs and
 * requests, the response parser fed at every split, and the fetch against a
 * small HTTP server this test runs on loopback. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "guard.h"
#include "push_indirect.h"

static sp_str g(const char *s) { return sp_str_make(guard_str(s), strlen(s)); }

/* --- external body ------------------------------------------------------------ */

START_TEST(corpus_external_body)
{
    const char *ct = "message/external-body;ACCESS-TYPE=URL;URL=\"http://content.example.com/push/a3cd20b8ae7f\";"
                     "expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\";size=4092";
    const char *body = "Content-Type: text/vnd.wap.si\r\nContent-ID: <a3cd20b8ae7f@content.example.com>\r\n\r\n";
    push_extbody x;
    sp_error e;
    sp_str c = g(ct);
    sp_str b = sp_str_make(guard_copy(body, strlen(body)), strlen(body));
    ck_assert_int_eq(push_extbody_parse(c, b, &x, &e), 0);
    ck_assert(sp_str_eq(x.url, SP_LIT("http://content.example.com/push/a3cd20b8ae7f")));
    ck_assert(sp_str_eq(x.expiration, SP_LIT("Tue, 07 Aug 2001 10:13:00 GMT")));
    ck_assert_int_eq((long long)x.expires, 997179180LL);
    ck_assert(x.has_size);
    ck_assert_uint_eq(x.size, 4092);
    ck_assert(sp_str_eq(x.content_type, SP_LIT("text/vnd.wap.si")));
    ck_assert(sp_str_eq(x.content_id, SP_LIT("<a3cd20b8ae7f@content.example.com>")));
    ck_assert_ptr_null(x.content_disposition.p);
}
END_TEST

START_TEST(seed_external_body_with_folding_and_full_month)
{
    /* seed 000 §8.3.6 / RFC 4483 §5.8: folded parameters, "June" */
    const char *ct = "message/external-body; access-type=\"URL\";\r\n    expiration=\"Mon, 24 June 2002 09:00:00 GMT\";"
                     "\r\n    URL=\"http://psa.domain.com/a3cd20b8ae7f\"";
    const char *body = "Content-Type: text/vnd.wap.si\r\nContent-Disposition: render;\r\n handling=optional\r\n\r\n";
    push_extbody x;
    sp_error e;
    ck_assert_int_eq(push_extbody_parse(g(ct), sp_str_make(guard_copy(body, strlen(body)), strlen(body)), &x, &e), 0);
    ck_assert(sp_str_eq(x.url, SP_LIT("http://psa.domain.com/a3cd20b8ae7f")));
    ck_assert_int_eq((long long)x.expires, 1024909200LL);
    ck_assert(!x.has_size);
    ck_assert(sp_str_eq(x.content_disposition, SP_LIT("render;\r\n handling=optional")));
    /* an empty phantom body and one without the final blank line */
    ck_assert_int_eq(push_extbody_parse(g(ct), g(""), &x, &e), 0);
    ck_assert_ptr_null(x.content_type.p);
    ck_assert_int_eq(push_extbody_parse(g(ct), g("Content-Type: a/b"), &x, &e), 0);
    ck_assert(sp_str_eq(x.content_type, SP_LIT("a/b")));
}
END_TEST

static int extbody(const char *ct, const char *body, sp_error *e)
{
    push_extbody x;
    return push_extbody_parse(g(ct), sp_str_make(guard_copy(body, strlen(body)), strlen(body)), &x, e);
}

START_TEST(malformed_external_body)
{
    sp_error e;
    const char *ok = "message/external-body;access-type=URL;URL=\"http://a/b\";expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\"";
    ck_assert_int_eq(extbody(ok, "", &e), 0);
    ck_assert_int_eq(extbody("text/plain", "", &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 415);
    ck_assert_int_eq(extbody("message/external-body;access-type=ftp;URL=\"x\";expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 415);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 400);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"\";expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"http://a/ b\";expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"http://a/b\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"http://a/b\";expiration=\"tomorrow\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"http://a/b\";expiration=\"Tue, 07 Augustus 2001 10:13:00 GMT\"", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"http://a/b\";expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\";size=-1", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody("message/external-body;access-type=URL;URL=\"http://a/b\";expiration=\"Tue, 07 Aug 2001 10:13:00 GMT\";size=18446744073709551616", "", &e), SP_EINVAL);
    ck_assert_int_eq(extbody(ok, "no colon here\r\n\r\n", &e), SP_EINVAL);
    ck_assert_int_eq(extbody(ok, ": empty name\r\n\r\n", &e), SP_EINVAL);
    ck_assert_int_eq(extbody(ok, "Bad Name: x\r\n\r\n", &e), SP_EINVAL);
    {
        static const char nul_body[] = "Content-Type: a\0b\r\n\r\n";
        push_extbody x;
        ck_assert_int_eq(push_extbody_parse(g(ok), sp_str_make(guard_copy(nul_body, sizeof nul_body - 1), sizeof nul_body - 1), &x, &e), SP_EINVAL);
    }
}
END_TEST

START_TEST(external_body_round_trip)
{
    char ct[256], body[128];
    sp_error e;
    int n = push_extbody_build(SP_LIT("http://psa.example.com/a3cd"), (time_t)1024909200, true, 4092,
                               SP_LIT("text/vnd.wap.si"), SP_LIT("a3cd@psa.example.com"), ct, sizeof ct, body,
                               sizeof body, &e);
    ck_assert_int_eq(n, (int)strlen(body));
    ck_assert_str_eq(ct, "message/external-body;access-type=\"URL\";expiration=\"Mon, 24 Jun 2002 09:00:00 GMT\";"
                         "URL=\"http://psa.example.com/a3cd\";size=4092");
    ck_assert_str_eq(body, "Content-Type: text/vnd.wap.si\r\nContent-ID: <a3cd@psa.example.com>\r\n\r\n");
    push_extbody x;
    ck_assert_int_eq(push_extbody_parse(g(ct), sp_str_make(guard_copy(body, (size_t)n), (size_t)n), &x, &e), 0);
    ck_assert(sp_str_eq(x.url, SP_LIT("http://psa.example.com/a3cd")));
    ck_assert_int_eq((long long)x.expires, 1024909200LL);
    ck_assert_uint_eq(x.size, 4092);
    ck_assert(sp_str_eq(x.content_type, SP_LIT("text/vnd.wap.si")));
    ck_assert_int_eq(push_extbody_build(SP_LIT("http://a/\"b"), 0, false, 0, SP_LIT("a/b"), SP_STR_NULL, ct, sizeof ct,
                                        body, sizeof body, &e),
                     SP_EINVAL);
    ck_assert_int_eq(push_extbody_build(SP_LIT("http://a/b"), 0, false, 0, SP_LIT("nope"), SP_STR_NULL, ct, sizeof ct,
                                        body, sizeof body, &e),
                     SP_EINVAL);
    ck_assert_int_eq(push_extbody_build(SP_LIT("http://a/b"), 0, false, 0, SP_LIT("a/b"), SP_STR_NULL, ct, 20, body,
                                        sizeof body, &e),
                     SP_ELIMIT);
    ck_assert_int_eq(push_extbody_build(SP_LIT("http://a/b"), 0, false, 0, SP_LIT("a/b"), SP_STR_NULL, ct, sizeof ct,
                                        body, 10, &e),
                     SP_ELIMIT);
}
END_TEST

/* --- URL and request ---------------------------------------------------------- */

START_TEST(urls)
{
    push_http_url u;
    sp_error e;
    ck_assert_int_eq(push_http_url_parse(g("http://psa.example.com/a3cd?x=1#frag"), &u, &e), 0);
    ck_assert(sp_str_eq(u.host, SP_LIT("psa.example.com")));
    ck_assert_uint_eq(u.port, 80);
    ck_assert(sp_str_eq(u.path, SP_LIT("/a3cd?x=1")));
    ck_assert_int_eq(push_http_url_parse(g("HTTP://127.0.0.1:8080"), &u, &e), 0);
    ck_assert_uint_eq(u.port, 8080);
    ck_assert(sp_str_eq(u.path, SP_LIT("/")));
    ck_assert_int_eq(push_http_url_parse(g("http://[::1]:65535/p"), &u, &e), 0);
    ck_assert(sp_str_eq(u.host, SP_LIT("[::1]")));
    ck_assert_uint_eq(u.port, 65535);
    ck_assert_int_eq(push_http_url_parse(g("http://h?q"), &u, &e), 0);
    ck_assert(sp_str_eq(u.path, SP_LIT("?q")));
    static const char *bad[] = {"https://h/", "ftp://h/", "http://", "http:///p", "http://h:0/", "http://h:65536/",
                                "http://h:/", "http://user@h/", "http://h/a b", "http://[::1/", "http://[]/",
                                "http://h:80x/", "http:/h"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(push_http_url_parse(g(bad[i]), &u, &e) == SP_EINVAL, "%s", bad[i]);
    char host[300] = "http://";
    memset(host + 7, 'h', 255);
    host[262] = '\0';
    ck_assert_int_eq(push_http_url_parse(g(host), &u, &e), 0);
    host[262] = 'h';
    host[263] = '\0';
    ck_assert_int_eq(push_http_url_parse(g(host), &u, &e), SP_EINVAL);
}
END_TEST

START_TEST(request)
{
    push_http_url u;
    sp_error e;
    char out[256];
    ck_assert_int_eq(push_http_url_parse(g("http://psa.example.com:8080/a3cd"), &u, &e), 0);
    int n = push_http_request_build(&u, out, sizeof out, &e);
    const char *want = "GET /a3cd HTTP/1.1\r\nHost: psa.example.com:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n";
    ck_assert_str_eq(out, want);
    ck_assert_int_eq(n, (int)strlen(want));
    ck_assert_int_eq(push_http_request_build(&u, out, strlen(want) + 1, &e), (int)strlen(want));
    ck_assert_int_eq(push_http_request_build(&u, out, strlen(want), &e), SP_ELIMIT);
    ck_assert_int_eq(push_http_url_parse(g("http://h?q"), &u, &e), 0);
    push_http_request_build(&u, out, sizeof out, &e);
    ck_assert(strncmp(out, "GET /?q HTTP/1.1\r\nHost: h\r\n", 27) == 0);
}
END_TEST

/* --- response parser ---------------------------------------------------------- */

typedef struct parsed {
    int rc;          /* 0, or the error */
    unsigned status;
    char body[256];
    size_t body_len;
} parsed;

/* Feeds resp in two pieces split at cut (a stream arriving in two reads),
 * the head parsed once it is complete, then the body incrementally. */
static parsed feed(const char *resp, size_t len, size_t cut, uint64_t max_body, size_t max_head, bool eof)
{
    parsed out = {0, 0, {0}, 0};
    push_http_resp r;
    sp_error e;
    push_http_resp_init(&r, max_head, max_body);
    const char *buf = guard_copy(resp, len);
    size_t avail = cut, at = 0;
    int head;
    for (;;) {
        head = push_http_resp_head(&r, buf + at, avail - at, &e);
        if (head == SP_AGAIN && avail < len) {
            avail = len;
            continue;
        }
        if (head < 0) {
            out.rc = head;
            return out;
        }
        at += (size_t)head;
        if (r.status >= 200)
            break;
    }
    out.status = r.status;
    for (;;) {
        while (at < avail && !r.done) {
            sp_str d;
            int rc = push_http_resp_body(&r, buf + at, avail - at, &d, &e);
            if (rc < 0) {
                out.rc = rc;
                return out;
            }
            ck_assert(d.n == 0 || (d.p >= buf + at && d.p + d.n <= buf + at + (size_t)rc));
            ck_assert_uint_le(out.body_len + d.n, sizeof out.body);
            memcpy(out.body + out.body_len, d.p, d.n);
            out.body_len += d.n;
            at += (size_t)rc;
        }
        if (r.done || avail == len)
            break;
        avail = len;
    }
    if (!r.done)
        out.rc = eof ? push_http_resp_eof(&r, &e) : SP_AGAIN;
    ck_assert_uint_eq(r.body_len, out.body_len);
    return out;
}

/* Every split of resp gives the same result. */
static parsed feed_all(const char *resp, uint64_t max_body, size_t max_head, bool eof)
{
    size_t len = strlen(resp);
    parsed first = feed(resp, len, len, max_body, max_head, eof);
    for (size_t cut = 0; cut <= len; cut++) {
        parsed p = feed(resp, len, cut, max_body, max_head, eof);
        /* content delivered before an error depends on the split; the verdict does not */
        bool same_body = p.rc != 0 || (p.body_len == first.body_len && memcmp(p.body, first.body, p.body_len) == 0);
        ck_assert_msg(p.rc == first.rc && p.status == first.status && same_body,
                      "split at %zu differs: rc %d/%d len %zu/%zu", cut, p.rc, first.rc, p.body_len, first.body_len);
    }
    return first;
}

START_TEST(content_length_body)
{
    parsed p = feed_all("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello", 100, 0, false);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.status, 200);
    ck_assert_uint_eq(p.body_len, 5);
    ck_assert(memcmp(p.body, "hello", 5) == 0);
    /* extra bytes after the body are not taken */
    p = feed_all("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhello", 100, 0, false);
    ck_assert_uint_eq(p.body_len, 2);
    p = feed_all("HTTP/1.0 404 Not Found\nContent-Length: 3\n\nnop", 100, 0, false);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.status, 404);
    p = feed_all("HTTP/1.1 204 No Content\r\n\r\n", 100, 0, false);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.body_len, 0);
    p = feed_all("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 100, 0, false);
    ck_assert_uint_eq(p.status, 200);
    ck_assert_uint_eq(p.body_len, 1);
}
END_TEST

START_TEST(chunked_body)
{
    parsed p = feed_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n"
                        "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n",
                        100, 0, false);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.body_len, 31);
    ck_assert(memcmp(p.body, "helloabcdefghijklmnopqrstuvwxyz", 31) == 0);
    p = feed_all("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\n\n", 100, 0, false);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.body_len, 3);
    /* cut short: the connection's end is an error */
    p = feed_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", 100, 0, true);
    ck_assert_int_eq(p.rc, SP_EINVAL);
}
END_TEST

START_TEST(close_delimited_body)
{
    parsed p = feed_all("HTTP/1.1 200 OK\r\n\r\nall of it", 100, 0, true);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.body_len, 9);
    p = feed_all("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 100, 0, true);
    ck_assert_int_eq(p.rc, SP_EINVAL);
}
END_TEST

START_TEST(body_limit_at_the_boundary)
{
    const char *cl = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789";
    ck_assert_int_eq(feed_all(cl, 10, 0, false).rc, 0);
    ck_assert_int_eq(feed_all(cl, 9, 0, false).rc, SP_ELIMIT);
    const char *ch = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n";
    ck_assert_int_eq(feed_all(ch, 10, 0, false).rc, 0);
    ck_assert_int_eq(feed_all(ch, 9, 0, false).rc, SP_ELIMIT);
    const char *cd = "HTTP/1.1 200 OK\r\n\r\n0123456789";
    ck_assert_int_eq(feed_all(cd, 10, 0, true).rc, 0);
    ck_assert_int_eq(feed_all(cd, 9, 0, true).rc, SP_ELIMIT);
}
END_TEST

START_TEST(head_limit_at_the_boundary)
{
    const char *r = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    size_t n = strlen(r);
    ck_assert_int_eq(feed_all(r, 10, n, false).rc, 0);
    ck_assert_int_eq(feed_all(r, 10, n - 1, false).rc, SP_ELIMIT);
}
END_TEST

START_TEST(malformed_responses)
{
    static const char *bad[] = {
        "HTTP/2.0 200 OK\r\n\r\n",
        "HTTP/1.1 20 OK\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 099 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
        "HTTP/1.1 200 OK\r\n: v\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\rx",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\rx",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parsed p = feed_all(bad[i], 1000, 0, false);
        ck_assert_msg(p.rc == SP_EINVAL || p.rc == SP_ELIMIT, "%zu: %d", i, p.rc);
    }
    static const char nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n";
    push_http_resp r;
    sp_error e;
    push_http_resp_init(&r, 0, 10);
    ck_assert_int_eq(push_http_resp_head(&r, guard_copy(nul, sizeof nul - 1), sizeof nul - 1, &e), SP_EINVAL);
    /* a chunk size of sixteen hex digits is read; seventeen are refused */
    parsed p = feed_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0000000000000001\r\nx\r\n0\r\n\r\n", 10, 0, false);
    ck_assert_int_eq(p.rc, 0);
    ck_assert_uint_eq(p.body_len, 1);
    p = feed_all("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n", 10, 0, false);
    ck_assert_int_eq(p.rc, SP_EINVAL);
}
END_TEST

/* --- fetch against a loopback server ---------------------------------------- */

typedef struct server {
    int lfd;
    int port;
    const char *reply; /* sent after the request, then the connection closes */
    size_t reply_len;
    int stall_fd;      /* when >= 0: after the reply, wait until this pipe is readable */
    pthread_t th;
} server;

static void *serve(void *arg)
{
    server *s = arg;
    int c = accept(s->lfd, NULL, NULL);
    if (c < 0)
        return NULL;
    char req[2048];
    size_t n = 0;
    while (n < sizeof req) {
        ssize_t r = recv(c, req + n, sizeof req - n, 0);
        if (r <= 0)
            break;
        n += (size_t)r;
        if (memmem(req, n, "\r\n\r\n", 4))
            break;
    }
    if (s->reply_len)
        (void)!send(c, s->reply, s->reply_len, MSG_NOSIGNAL);
    if (s->stall_fd >= 0) {
        char b;
        (void)!read(s->stall_fd, &b, 1);
    }
    close(c);
    return NULL;
}

static void server_start(server *s, const char *reply, size_t reply_len, int stall_fd)
{
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(s->lfd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    ck_assert_int_eq(listen(s->lfd, 1), 0);
    socklen_t al = sizeof a;
    getsockname(s->lfd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    s->reply = reply;
    s->reply_len = reply_len;
    s->stall_fd = stall_fd;
    ck_assert_int_eq(pthread_create(&s->th, NULL, serve, s), 0);
}

static void server_stop(server *s)
{
    pthread_join(s->th, NULL);
    close(s->lfd);
}

typedef struct sink_buf {
    char data[8192];
    size_t len;
    size_t refuse_after; /* 0: never */
} sink_buf;

static int to_buf(void *ctx, const char *p, size_t n)
{
    sink_buf *b = ctx;
    if (b->refuse_after && b->len + n > b->refuse_after)
        return -1;
    ck_assert_uint_le(b->len + n, sizeof b->data);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int fetch_from(server *s, const char *path, int timeout_ms, uint64_t max_body, sink_buf *b,
                      push_http_result *res, sp_error *e)
{
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", s->port, path);
    return push_http_fetch(sp_str_cstr(url), timeout_ms, max_body, to_buf, b, res, e);
}

START_TEST(fetch_content_length)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: text/vnd.wap.si\r\nContent-Length: 11\r\n\r\nhello world";
    server s;
    server_start(&s, reply, sizeof reply - 1, -1);
    sink_buf b = {{0}, 0, 0};
    push_http_result res;
    sp_error e;
    ck_assert_int_eq(fetch_from(&s, "/a3cd", 5000, 1024, &b, &res, &e), 0);
    server_stop(&s);
    ck_assert_uint_eq(res.status, 200);
    ck_assert_str_eq(res.content_type, "text/vnd.wap.si");
    ck_assert_uint_eq(res.body_len, 11);
    ck_assert_uint_eq(b.len, 11);
    ck_assert(memcmp(b.data, "hello world", 11) == 0);
}
END_TEST

START_TEST(fetch_chunked)
{
    static char reply[8192];
    /* 4000 bytes in chunks of 1000: more than one read's worth of framing */
    size_t o = (size_t)snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int k = 0; k < 4; k++) {
        o += (size_t)snprintf(reply + o, sizeof reply - o, "3e8\r\n");
        memset(reply + o, 'a' + k, 1000);
        o += 1000;
        o += (size_t)snprintf(reply + o, sizeof reply - o, "\r\n");
    }
    o += (size_t)snprintf(reply + o, sizeof reply - o, "0\r\n\r\n");
    server s;
    server_start(&s, reply, o, -1);
    sink_buf b = {{0}, 0, 0};
    push_http_result res;
    sp_error e;
    ck_assert_int_eq(fetch_from(&s, "/", 5000, 4000, &b, &res, &e), 0);
    server_stop(&s);
    ck_assert_uint_eq(b.len, 4000);
    ck_assert_int_eq(b.data[0], 'a');
    ck_assert_int_eq(b.data[3999], 'd');
}
END_TEST

START_TEST(fetch_404_delivers_nothing)
{
    static const char reply[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found";
    server s;
    server_start(&s, reply, sizeof reply - 1, -1);
    sink_buf b = {{0}, 0, 0};
    push_http_result res;
    sp_error e;
    ck_assert_int_eq(fetch_from(&s, "/gone", 5000, 1024, &b, &res, &e), 0);
    server_stop(&s);
    ck_assert_uint_eq(res.status, 404);
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(fetch_too_big)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n";
    server s;
    server_start(&s, reply, sizeof reply - 1, -1);
    sink_buf b = {{0}, 0, 0};
    push_http_result res;
    sp_error e;
    ck_assert_int_eq(fetch_from(&s, "/big", 5000, 99, &b, &res, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    server_stop(&s);
    ck_assert_uint_eq(b.len, 0);
}
END_TEST

START_TEST(fetch_stalled_server_times_out)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial";
    int pipefd[2];
    ck_assert_int_eq(pipe(pipefd), 0);
    server s;
    server_start(&s, reply, sizeof reply - 1, pipefd[0]);
    sink_buf b = {{0}, 0, 0};
    push_http_result res;
    sp_error e;
    ck_assert_int_eq(fetch_from(&s, "/slow", 300, 1024, &b, &res, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 408);
    ck_assert_uint_eq(b.len, 7);
    ck_assert_int_eq(write(pipefd[1], "x", 1), 1);
    server_stop(&s);
    close(pipefd[0]);
    close(pipefd[1]);
}
END_TEST

START_TEST(fetch_refused_and_sink_abort)
{
    server s;
    server_start(&s, NULL, 0, -1);
    int port = s.port;
    /* connect once so the server thread ends, then the port is closed */
    sink_buf b = {{0}, 0, 0};
    push_http_result res;
    sp_error e;
    ck_assert_int_eq(fetch_from(&s, "/", 2000, 10, &b, &res, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 502);
    server_stop(&s);
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
    ck_assert_int_eq(push_http_fetch(sp_str_cstr(url), 2000, 10, to_buf, &b, &res, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 503);
    ck_assert_int_eq(push_http_fetch(SP_LIT("https://x/"), 2000, 10, to_buf, &b, &res, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 400);

    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    server_start(&s, reply, sizeof reply - 1, -1);
    sink_buf refusing = {{0}, 0, 2};
    ck_assert_int_eq(fetch_from(&s, "/", 2000, 10, &refusing, &res, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 500);
    server_stop(&s);
}
END_TEST

static Suite *push_indirect_suite(void)
{
    Suite *s = suite_create("push_indirect");
    TCase *tc = tcase_create("external_body");
    tcase_add_test(tc, corpus_external_body);
    tcase_add_test(tc, seed_external_body_with_folding_and_full_month);
    tcase_add_test(tc, malformed_external_body);
    tcase_add_test(tc, external_body_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("http");
    tcase_add_test(tc, urls);
    tcase_add_test(tc, request);
    tcase_add_test(tc, content_length_body);
    tcase_add_test(tc, chunked_body);
    tcase_add_test(tc, close_delimited_body);
    tcase_add_test(tc, body_limit_at_the_boundary);
    tcase_add_test(tc, head_limit_at_the_boundary);
    tcase_add_test(tc, malformed_responses);
    suite_add_tcase(s, tc);
    tc = tcase_create("fetch");
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, fetch_content_length);
    tcase_add_test(tc, fetch_chunked);
    tcase_add_test(tc, fetch_404_delivers_nothing);
    tcase_add_test(tc, fetch_too_big);
    tcase_add_test(tc, fetch_stalled_server_times_out);
    tcase_add_test(tc, fetch_refused_and_sink_abort);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_indirect_suite)
