/* test_sip_txn_tp_abuse.c - a server adapter on real loopback sockets fed
 * what a careless or hostile peer sends: malformed requests over UDP and TCP
 * get their stateless answers (400 with a reason, 420 with Unsupported, 405
 * with Allow, 513 past the size limit), a TCP peer stalling inside a
 * message is closed, and connections past the limit are refused while the
 * established ones keep working. */
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

static void server_up(server *s)
{
    memset(s, 0, sizeof *s);
    s->loop = tp_loop_new();
    ck_assert_ptr_nonnull(s->loop);
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    tp_tcp_config tc;
    tp_tcp_config_default(&tc);
    tc.limits.max_conns = MAX_CONNS;
    tc.limits.stall_timeout_ms = STALL_MS;
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
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(txn_tp_abuse_suite)
