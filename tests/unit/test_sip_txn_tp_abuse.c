/* test_sip_txn_tp_abuse.c - a server adapter on real loopback sockets fed
 * what a careless or hostile peer sends: malformed requests over UDP and TCP
 * get their stateless answers (400 with a reason, 420 with Unsupported, 405
 * with Allow, 513 past the size limit), a TCP peer stalling inside a
 * message is closed, and connections past the limit are refused while the
 * established ones keep working. Over TCP (RFC 3261 §18.3) a message without
 * Content-Length gets 400 and one past the size limit 513, each followed by
 * the close; peers that only send keep-alives or trickle a message are
 * closed at the idle and message timeouts (under a fake clock). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "loop_run.h"
#include "sip_txn_tp.h"

#define MAX_MSG 2000
#define MAX_CONNS 4
#define STALL_MS 300
#define IDLE_MS 5000
#define FRAME_MS 2000

typedef struct server {
    tp_loop *loop;
    sip_txn_tp *a;
    tp_addr udp, tcp;
    int requests;
} server;

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)req, (void)src;
    server *s = ctx;
    s->requests++;
    sip_txn_reply ok = {.status = 200};
    if (st)
        sip_txn_respond(sip_txn_tp_layer(s->a), st, &ok);
}

static tp_ms fake_now;
static tp_ms fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

/* fake: the loop runs on fake_now, with the idle and message timeouts set
 * (the stall timeout out of the way). */
static void server_up_clock(server *s, bool fake)
{
    memset(s, 0, sizeof *s);
    s->loop = tp_loop_new();
    ck_assert_ptr_nonnull(s->loop);
    if (fake) {
        fake_now = 500000;
        tp_loop_set_clock(s->loop, fake_clock, NULL);
    }
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    tp_tcp_config tc;
    tp_tcp_config_default(&tc);
    tc.limits.max_conns = MAX_CONNS;
    tc.limits.stall_timeout_ms = fake ? 0 : STALL_MS;
    tc.limits.idle_timeout_ms = IDLE_MS;
    tc.limits.frame_timeout_ms = FRAME_MS;
    /* no more than the SIP size limit: the adapter must make room for the
     * byte past it, which earns a 513 rather than a silent close */
    tc.limits.max_rx = MAX_MSG;
    sip_txn_tp_config cfg = {.udp = &any, .tcp = &any, .tcp_limits = &tc.limits};
    sip_txn_config_default(&cfg.txn);
    cfg.txn.limits.max_msg_size = MAX_MSG;
    cfg.txn.allow = SP_LIT("MESSAGE, INVITE, ACK, BYE, CANCEL");
    cfg.txn.supported = SP_LIT("100rel");
    cfg.tu.ctx = s;
    cfg.tu.on_request = on_request;
    ck_assert_int_eq(sip_txn_tp_new(s->loop, &cfg, &s->a), 0);
    ck_assert_int_eq(sip_txn_tp_local(s->a, SIP_TP_UDP, &s->udp), 0);
    ck_assert_int_eq(sip_txn_tp_local(s->a, SIP_TP_TCP, &s->tcp), 0);
}

static void server_up(server *s) { server_up_clock(s, false); }

static void server_down(server *s)
{
    sip_txn_tp_free(s->a);
    tp_loop_free(s->loop);
}

/* Runs the server's loop until fd has something to read (or 2 s pass). */
static bool wait_readable(server *s, int fd, int ms)
{
    tp_ms end = tp_clock_ms() + (tp_ms)ms;
    while (tp_clock_ms() < end) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 0) == 1)
            return true;
        tp_loop_run_once(s->loop, 5);
    }
    return false;
}

static int udp_client(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    ck_assert_int_ge(fd, 0);
    tp_addr me;
    tp_addr_loopback(&me, AF_INET, 0);
    ck_assert_int_eq(bind(fd, tp_addr_sa(&me), me.len), 0);
    return fd;
}

static int tcp_client(const server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(connect(fd, tp_addr_sa(&s->tcp), s->tcp.len), 0);
    return fd;
}

/* Sends msg over fd and returns the answer's text (NUL-terminated in out). */
static const char *ask(server *s, int fd, bool udp, const char *msg, size_t len, char *out, size_t cap)
{
    ssize_t sent = udp ? sendto(fd, msg, len, 0, tp_addr_sa(&s->udp), s->udp.len) : send(fd, msg, len, 0);
    ck_assert_int_eq(sent, (ssize_t)len);
    out[0] = 0;
    if (!wait_readable(s, fd, 2000))
        return out;
    ssize_t n = recv(fd, out, cap - 1, MSG_DONTWAIT);
    out[n > 0 ? n : 0] = 0;
    return out;
}

static const char *request(const char *method, const char *branch, const char *tp, const char *extra)
{
    static char buf[1024];
    snprintf(buf, sizeof buf,
             "%s sip:bob@127.0.0.1 SIP/2.0\r\n"
             "Via: SIP/2.0/%s 127.0.0.1:5999;branch=%s;rport\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:alice@example.com>;tag=a\r\n"
             "To: <sip:bob@example.com>\r\n"
             "Call-ID: %s\r\n"
             "CSeq: 1 %s\r\n"
             "%s"
             "Content-Length: 0\r\n\r\n",
             method, tp, branch, branch, method, extra);
    return buf;
}

static void malformed_answers(bool udp)
{
    server s;
    server_up(&s);
    int fd = udp ? udp_client() : -1;
    const char *tp = udp ? "UDP" : "TCP";
    char out[4096];
    struct {
        const char *msg, *expect[2];
    } cases[4];
    char bad_cseq[1024], unsupported[1024], not_allowed[1024];
    snprintf(bad_cseq, sizeof bad_cseq, "%s", request("MESSAGE", "z9hG4bKbad", tp, ""));
    memcpy(strstr(bad_cseq, "CSeq: 1"), "CSeq: x", 7);
    snprintf(unsupported, sizeof unsupported, "%s", request("MESSAGE", "z9hG4bKreq", tp, "Require: 100rel, foo\r\n"));
    snprintf(not_allowed, sizeof not_allowed, "%s", request("SUBSCRIBE", "z9hG4bKsub", tp, ""));
    cases[0].msg = bad_cseq;
    cases[0].expect[0] = "SIP/2.0 400 ";
    cases[0].expect[1] = "Via: SIP/2.0/";
    cases[1].msg = unsupported;
    cases[1].expect[0] = "SIP/2.0 420 ";
    cases[1].expect[1] = "Unsupported: foo\r\n";
    cases[2].msg = not_allowed;
    cases[2].expect[0] = "SIP/2.0 405 ";
    cases[2].expect[1] = "Allow: MESSAGE, INVITE, ACK, BYE, CANCEL\r\n";
    /* a start line that does not parse, with a readable Via */
    cases[3].msg = "MESSAGE sip:bob@127.0.0.1 SIP/9.9x\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKjunk;rport\r\n"
                   "Call-ID: junk\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n";
    cases[3].expect[0] = "SIP/2.0 ";
    cases[3].expect[1] = "Call-ID: junk\r\n";
    for (size_t i = 0; i < 4; i++) {
        if (!udp)
            fd = tcp_client(&s); /* a framing error closes the connection: one per case */
        ask(&s, fd, udp, cases[i].msg, strlen(cases[i].msg), out, sizeof out);
        ck_assert_msg(strncmp(out, cases[i].expect[0], strlen(cases[i].expect[0])) == 0, "case %zu: %s", i, out);
        ck_assert_msg(strstr(out, cases[i].expect[1]) != NULL, "case %zu: %s", i, out);
        if (i == 0) /* the reason phrase says what was wrong, not just "Bad Request" */
            ck_assert_msg(strncmp(out, "SIP/2.0 400 Bad Request\r\n", 25) != 0, "%s", out);
        if (i == 3)
            ck_assert(strncmp(out, "SIP/2.0 400 ", 12) == 0 || strncmp(out, "SIP/2.0 505 ", 12) == 0);
        if (!udp)
            close(fd);
    }
    ck_assert_int_eq(s.requests, 0);
    if (udp)
        close(fd);
    server_down(&s);
}

START_TEST(malformed_over_udp) { malformed_answers(true); }
END_TEST

START_TEST(malformed_over_tcp) { malformed_answers(false); }
END_TEST

/* A request of exactly MAX_MSG bytes is served; one byte more gets 513. */
static void size_limit(bool udp)
{
    server s;
    server_up(&s);
    char msg[MAX_MSG + 2], out[4096];
    for (int extra = 0; extra < 2; extra++) {
        int fd = udp ? udp_client() : tcp_client(&s);
        const char *head = request("MESSAGE", extra ? "z9hG4bKbig1" : "z9hG4bKbig0", udp ? "UDP" : "TCP", "");
        size_t body = MAX_MSG + (size_t)extra - strlen(head);
        snprintf(msg, sizeof msg, "%s", head);
        char *cl = strstr(msg, "Content-Length: 0\r\n\r\n");
        size_t pre = (size_t)(cl - msg);
        /* widen the Content-Length value to 4 digits and keep the total exact */
        body -= 3;
        int n = snprintf(cl, sizeof msg - pre, "Content-Length: %4zu\r\n\r\n", body);
        memset(cl + n, 'z', body);
        size_t len = pre + (size_t)n + body;
        ck_assert_uint_eq(len, (size_t)MAX_MSG + (size_t)extra);
        ask(&s, fd, udp, msg, len, out, sizeof out);
        ck_assert_msg(strncmp(out, extra ? "SIP/2.0 513 " : "SIP/2.0 200 ", 12) == 0, "%d: %s", extra, out);
        close(fd);
    }
    ck_assert_int_eq(s.requests, 1);
    server_down(&s);
}

START_TEST(size_limit_over_udp) { size_limit(true); }
END_TEST

START_TEST(size_limit_over_tcp) { size_limit(false); }
END_TEST

START_TEST(stalled_tcp_peer_is_closed)
{
    server s;
    server_up(&s);
    int fd = tcp_client(&s);
    const char *msg = request("MESSAGE", "z9hG4bKhalf", "TCP", "");
    ck_assert_int_eq(send(fd, msg, 60, 0), 60); /* half a message, then nothing */
    tp_ms t0 = tp_clock_ms();
    ck_assert(wait_readable(&s, fd, 3000));
    char out[64];
    ssize_t n = recv(fd, out, sizeof out, MSG_DONTWAIT);
    ck_assert(n == 0 || (n < 0 && errno == ECONNRESET)); /* closed, nothing said */
    ck_assert_uint_ge(tp_clock_ms() - t0, STALL_MS - 50);
    close(fd);
    server_down(&s);
}
END_TEST

START_TEST(connection_flood_is_refused_and_established_ones_still_work)
{
    server s;
    server_up(&s);
    char out[4096];
    int good = tcp_client(&s);
    const char *msg = request("MESSAGE", "z9hG4bKgood1", "TCP", "");
    ask(&s, good, false, msg, strlen(msg), out, sizeof out);
    ck_assert_msg(strncmp(out, "SIP/2.0 200 ", 12) == 0, "%s", out);

    enum { FLOOD = 12 };
    int flood[FLOOD];
    for (int i = 0; i < FLOOD; i++)
        flood[i] = tcp_client(&s); /* the kernel completes them; the server decides */
    loop_run_for(s.loop, 200);
    int refused = 0;
    for (int i = 0; i < FLOOD; i++) {
        char b;
        ssize_t n = recv(flood[i], &b, 1, MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN))
            refused++;
    }
    ck_assert_int_ge(refused, FLOOD - (MAX_CONNS - 1));

    msg = request("MESSAGE", "z9hG4bKgood2", "TCP", "");
    ask(&s, good, false, msg, strlen(msg), out, sizeof out);
    ck_assert_msg(strncmp(out, "SIP/2.0 200 ", 12) == 0, "%s", out);
    ck_assert_int_eq(s.requests, 2);
    for (int i = 0; i < FLOOD; i++)
        close(flood[i]);
    close(good);
    server_down(&s);
}
END_TEST

/* Reads what the server says on fd until it closes; true when it closed
 * (end of stream or reset) within the time given. */
static bool read_to_close(server *s, int fd, char *out, size_t cap)
{
    size_t have = 0;
    out[0] = 0;
    tp_ms end = tp_clock_ms() + 3000;
    while (tp_clock_ms() < end) {
        tp_loop_run_once(s->loop, 5);
        ssize_t n = recv(fd, out + have, cap - 1 - have, MSG_DONTWAIT);
        if (n > 0) {
            have += (size_t)n;
            out[have] = 0;
        } else if (n == 0 || errno == ECONNRESET) {
            return true;
        }
    }
    return false;
}

static int send_all(int fd, const char *buf, size_t len)
{
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    return n == (ssize_t)len ? 0 : -1;
}

/* §18.3: Content-Length is required on a stream; without it the answer is
 * 400, the TU sees nothing and the connection ends (the next message's
 * start is unknown). The same request with it is served. */
START_TEST(tcp_without_content_length_is_400_and_closed)
{
    server s;
    server_up(&s);
    char msg[1024], out[4096];
    snprintf(msg, sizeof msg, "%s", request("MESSAGE", "z9hG4bKnocl", "TCP", ""));
    *strstr(msg, "Content-Length: 0\r\n") = 0;
    strcat(msg, "\r\n");
    int fd = tcp_client(&s);
    ck_assert_int_eq(send_all(fd, msg, strlen(msg)), 0);
    ck_assert(read_to_close(&s, fd, out, sizeof out));
    ck_assert_msg(strncmp(out, "SIP/2.0 400 ", 12) == 0, "%s", out);
    ck_assert_msg(strstr(out, "Content-Length") != NULL, "the reason says why: %s", out);
    ck_assert_msg(strstr(out, "Call-ID: z9hG4bKnocl\r\n") != NULL, "%s", out);
    ck_assert_int_eq(s.requests, 0);
    close(fd);
    fd = tcp_client(&s);
    const char *ok = request("MESSAGE", "z9hG4bKwithcl", "TCP", "");
    ask(&s, fd, false, ok, strlen(ok), out, sizeof out);
    ck_assert_msg(strncmp(out, "SIP/2.0 200 ", 12) == 0, "%s", out);
    ck_assert_int_eq(s.requests, 1);
    close(fd);
    server_down(&s);
}
END_TEST

/* A Content-Length past the size limit: 513 at once, before any body, then
 * the close (the stream cannot be followed past a body it will not read). */
START_TEST(tcp_huge_content_length_is_513_and_closed)
{
    server s;
    server_up(&s);
    char msg[1024], out[4096];
    snprintf(msg, sizeof msg, "%s", request("MESSAGE", "z9hG4bKhuge", "TCP", ""));
    char *cl = strstr(msg, "Content-Length: 0\r\n\r\n");
    strcpy(cl, "Content-Length: 1000000000\r\n\r\nsome of the body");
    int fd = tcp_client(&s);
    ck_assert_int_eq(send_all(fd, msg, strlen(msg)), 0);
    ck_assert(read_to_close(&s, fd, out, sizeof out));
    ck_assert_msg(strncmp(out, "SIP/2.0 513 ", 12) == 0, "%s", out);
    ck_assert_msg(strstr(out, "Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bKhuge") != NULL, "%s", out);
    ck_assert_int_eq(s.requests, 0);
    close(fd);
    server_down(&s);
}
END_TEST

/* A header section that never ends within the size limit: 513 when the top
 * Via came early enough to answer; nothing but the close when it did not
 * (a response needs the request's Via, §8.2.6.1). */
START_TEST(tcp_oversized_header_section)
{
    server s;
    server_up(&s);
    static char msg[3 * MAX_MSG];
    char out[4096];
    for (int via_first = 1; via_first >= 0; via_first--) {
        const char *head = request("MESSAGE", "z9hG4bKlonghead", "TCP", "");
        const char *via = strstr(head, "Via: ");
        size_t start_len = (size_t)(via - head);
        size_t n = 0;
        memcpy(msg, head, start_len); /* the start line */
        n = start_len;
        if (via_first) {
            memcpy(msg + n, via, (size_t)(strchr(via, '\n') + 1 - via));
            n += (size_t)(strchr(via, '\n') + 1 - via);
        }
        while (n < MAX_MSG + 100)
            n += (size_t)snprintf(msg + n, sizeof msg - n, "X-Filler: %040d\r\n", 0);
        if (!via_first) {
            memcpy(msg + n, via, (size_t)(strchr(via, '\n') + 1 - via));
            n += (size_t)(strchr(via, '\n') + 1 - via);
        }
        int fd = tcp_client(&s);
        ck_assert_int_eq(send_all(fd, msg, n), 0);
        ck_assert(read_to_close(&s, fd, out, sizeof out));
        if (via_first)
            ck_assert_msg(strncmp(out, "SIP/2.0 513 ", 12) == 0, "%s", out);
        else
            ck_assert_msg(out[0] == 0, "no Via, no answer: %s", out);
        close(fd);
    }
    ck_assert_int_eq(s.requests, 0);
    server_down(&s);
}
END_TEST

/* The size limit when the message comes in two reads, so that the
 * transport holds it: MAX_MSG bytes of header section are served, one more
 * gets 513 (the transport's own receive limit never closes it first). */
START_TEST(tcp_size_limit_across_reads)
{
    server s;
    server_up(&s);
    static char msg[MAX_MSG + 2];
    char out[4096];
    for (int extra = 0; extra < 2; extra++) {
        const char *head = request("MESSAGE", extra ? "z9hG4bKsplit1" : "z9hG4bKsplit0", "TCP", "");
        size_t hn = strlen(head), n = 0;
        const char *cl = strstr(head, "Content-Length");
        memcpy(msg, head, (size_t)(cl - head));
        n = (size_t)(cl - head);
        size_t want = MAX_MSG + (size_t)extra;
        size_t tail = hn - n; /* "Content-Length: 0\r\n\r\n" */
        while (n + tail < want) {
            size_t k = want - n - tail < 60 ? want - n - tail : 60;
            if (k < 8) { /* pad the last filler line instead of a short one */
                n -= 2;
                memset(msg + n, 'p', k);
                n += k;
                memcpy(msg + n, "\r\n", 2);
                n += 2;
                continue;
            }
            memcpy(msg + n, "X-F: ", 5);
            memset(msg + n + 5, 'f', k - 7);
            memcpy(msg + n + k - 2, "\r\n", 2);
            n += k;
        }
        memcpy(msg + n, cl, tail);
        n += tail;
        ck_assert_uint_eq(n, want);
        int fd = tcp_client(&s);
        ck_assert_int_eq(send_all(fd, msg, MAX_MSG - 1), 0);
        loop_run_for(s.loop, 30); /* held by the transport */
        ck_assert_int_eq(send_all(fd, msg + MAX_MSG - 1, n - (MAX_MSG - 1)), 0);
        ck_assert(wait_readable(&s, fd, 2000));
        ssize_t got = recv(fd, out, sizeof out - 1, MSG_DONTWAIT);
        out[got > 0 ? got : 0] = 0;
        ck_assert_msg(strncmp(out, extra ? "SIP/2.0 513 " : "SIP/2.0 200 ", 12) == 0, "%d: %s", extra, out);
        close(fd);
    }
    ck_assert_int_eq(s.requests, 1);
    server_down(&s);
}
END_TEST

/* Runs the loop (the fake clock standing still) until fd has bytes. */
static bool await_bytes(server *s, int fd, char *out, size_t cap)
{
    if (!wait_readable(s, fd, 2000))
        return false;
    ssize_t n = recv(fd, out, cap - 1, MSG_DONTWAIT);
    out[n > 0 ? n : 0] = 0;
    return n > 0;
}

static void advance(server *s, tp_ms ms)
{
    fake_now += ms;
    tp_loop_run_once(s->loop, 0);
}

static bool closed_now(int fd)
{
    char b;
    ssize_t n = recv(fd, &b, 1, MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno == ECONNRESET);
}

/* RFC 5626 §4.4.1 pings are answered with a pong, but keep nothing open:
 * IDLE_MS after the last message the connection is closed. */
START_TEST(keepalive_only_peer_is_closed_at_idle)
{
    server s;
    server_up_clock(&s, true);
    char out[4096];
    int fd = tcp_client(&s);
    const char *msg = request("MESSAGE", "z9hG4bKbeforeping", "TCP", "");
    ck_assert_int_eq(send_all(fd, msg, strlen(msg)), 0);
    ck_assert(await_bytes(&s, fd, out, sizeof out));
    ck_assert_msg(strncmp(out, "SIP/2.0 200 ", 12) == 0, "%s", out);
    for (tp_ms t = 0; t + 2000 < IDLE_MS; t += 2000) {
        advance(&s, 2000);
        ck_assert_int_eq(send_all(fd, "\r\n\r\n", 4), 0);
        ck_assert(await_bytes(&s, fd, out, sizeof out));
        ck_assert_str_eq(out, "\r\n"); /* pong */
    }
    advance(&s, IDLE_MS - 4000 - 1);
    ck_assert(!closed_now(fd));
    advance(&s, 1);
    ck_assert(wait_readable(&s, fd, 2000));
    ck_assert(closed_now(fd));
    close(fd);
    server_down(&s);
}
END_TEST

/* A message trickled a byte at a time: closed FRAME_MS after its first
 * byte, though bytes keep coming; one completed just before is served. */
START_TEST(trickling_peer_is_closed_at_message_timeout)
{
    server s;
    server_up_clock(&s, true);
    char out[4096];
    const char *msg = request("MESSAGE", "z9hG4bKtrickle", "TCP", "");
    size_t len = strlen(msg);
    int fd = tcp_client(&s);
    /* whole 1 ms before the deadline */
    ck_assert_int_eq(send_all(fd, msg, 10), 0);
    loop_run_for(s.loop, 20);
    advance(&s, FRAME_MS - 1);
    ck_assert_int_eq(send_all(fd, msg + 10, len - 10), 0);
    ck_assert(await_bytes(&s, fd, out, sizeof out));
    ck_assert_msg(strncmp(out, "SIP/2.0 200 ", 12) == 0, "%s", out);
    /* the next one trickles past it */
    msg = request("MESSAGE", "z9hG4bKtrickle2", "TCP", "");
    size_t sent = 0;
    for (tp_ms t = 0; t < FRAME_MS; t += 500, sent++) {
        ck_assert_int_eq(send_all(fd, msg + sent, 1), 0);
        loop_run_for(s.loop, 10);
        if (t + 500 < FRAME_MS)
            advance(&s, 500);
    }
    advance(&s, 499);
    ck_assert(!closed_now(fd));
    advance(&s, 1);
    ck_assert(wait_readable(&s, fd, 2000));
    ck_assert(closed_now(fd));
    ck_assert_int_eq(s.requests, 1);
    close(fd);
    server_down(&s);
}
END_TEST

static Suite *txn_tp_abuse_suite(void)
{
    Suite *s = suite_create("sip_txn_tp_abuse");
    TCase *tc = tcase_create("sockets");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, malformed_over_udp);
    tcase_add_test(tc, malformed_over_tcp);
    tcase_add_test(tc, size_limit_over_udp);
    tcase_add_test(tc, size_limit_over_tcp);
    tcase_add_test(tc, stalled_tcp_peer_is_closed);
    tcase_add_test(tc, connection_flood_is_refused_and_established_ones_still_work);
    tcase_add_test(tc, tcp_without_content_length_is_400_and_closed);
    tcase_add_test(tc, tcp_huge_content_length_is_513_and_closed);
    tcase_add_test(tc, tcp_oversized_header_section);
    tcase_add_test(tc, tcp_size_limit_across_reads);
    tcase_add_test(tc, keepalive_only_peer_is_closed_at_idle);
    tcase_add_test(tc, trickling_peer_is_closed_at_message_timeout);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_tp_abuse_suite)
