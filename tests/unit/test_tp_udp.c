/* test_tp_udp.c - UDP over loopback: echo on IPv4 and IPv6 with the peer
 * address, batched sending, the datagram size limit at its boundary, ICMP
 * port-unreachable reported for the right destination, closing from a
 * receive callback. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "loop_run.h"
#include "sp_platform.h"
#include "tp_udp.h"

typedef struct side {
    tp_udp *u;
    int received;
    size_t last_len;
    char last[256];
    tp_addr last_peer;
    bool echo, close_on_recv;
    int errors;
    int last_err;
    tp_addr err_peer;
    bool got_error;
    int target; /* stop after this many datagrams */
    bool done;
} side;

static void on_recv(void *ctx, tp_udp *u, const char *buf, size_t len, const tp_addr *peer)
{
    side *s = ctx;
    s->received++;
    s->last_len = len;
    memcpy(s->last, buf, len < sizeof s->last ? len : sizeof s->last);
    s->last_peer = *peer;
    if (s->echo)
        ck_assert_int_eq(tp_udp_send(u, peer, buf, len), 0);
    if (s->close_on_recv) {
        tp_udp_close(u);
        s->u = NULL;
    }
    if (s->received >= s->target)
        s->done = true;
}

static void on_error(void *ctx, tp_udp *u, const tp_addr *peer, int err)
{
    side *s = ctx;
    (void)u;
    s->errors++;
    s->last_err = err;
    s->err_peer = *peer;
    s->got_error = true;
}

static void open_side(tp_loop *loop, side *s, int family, size_t max_datagram)
{
    tp_udp_config cfg;
    tp_udp_config_default(&cfg);
    if (max_datagram)
        cfg.max_datagram = max_datagram;
    cfg.on_recv = on_recv;
    cfg.on_error = on_error;
    cfg.ctx = s;
    tp_addr bind;
    tp_addr_loopback(&bind, family, 0);
    int r = tp_udp_open(loop, &bind, &cfg, &s->u);
    ck_assert_msg(r == 0, "cannot bind UDP on %s loopback: %s", family == AF_INET6 ? "::1" : "127.0.0.1",
                  strerror(-r));
}

static void echo_over(int family)
{
    tp_loop *loop = tp_loop_new();
    side server = {.echo = true, .target = 1}, client = {.target = 1};
    open_side(loop, &server, family, 0);
    open_side(loop, &client, family, 0);
    tp_addr to, from;
    ck_assert_int_eq(tp_udp_local(server.u, &to), 0);
    ck_assert_int_eq(tp_udp_local(client.u, &from), 0);
    ck_assert_uint_ne(tp_addr_port(&to), 0);
    const char msg[] = "OPTIONS sip:a@b SIP/2.0\r\n\r\n";
    ck_assert_int_eq(tp_udp_send(client.u, &to, msg, sizeof msg - 1), 0);
    ck_assert(loop_run_until(loop, &client.done, 3000));
    ck_assert_uint_eq(client.last_len, sizeof msg - 1);
    ck_assert(memcmp(client.last, msg, sizeof msg - 1) == 0);
    /* The server saw the client's own address: what "received"/"rport" use. */
    ck_assert(tp_addr_eq(&server.last_peer, &from));
    ck_assert(tp_addr_eq(&client.last_peer, &to));
    ck_assert_int_eq(tp_addr_family(&server.last_peer), family);
    ck_assert_uint_eq(tp_udp_get_stats(server.u)->rx, 1);
    ck_assert_uint_eq(tp_udp_get_stats(server.u)->tx, 1);
    tp_udp_close(server.u);
    tp_udp_close(client.u);
    tp_loop_free(loop);
}

START_TEST(echo_ipv4) { echo_over(AF_INET); }
END_TEST

START_TEST(echo_ipv6) { echo_over(AF_INET6); }
END_TEST

START_TEST(queued_datagrams_go_out_in_batches)
{
    tp_loop *loop = tp_loop_new();
    side server = {.target = 200}, client = {.target = 1};
    open_side(loop, &server, AF_INET, 0);
    open_side(loop, &client, AF_INET, 0);
    tp_addr to;
    tp_udp_local(server.u, &to);
    char msg[32];
    for (int i = 0; i < 200; i++) {
        int n = snprintf(msg, sizeof msg, "datagram %d", i);
        ck_assert_int_eq(tp_udp_queue(client.u, &to, msg, (size_t)n), 0);
    }
    /* More than one batch was queued: the earlier ones left already. */
    ck_assert_uint_ge(tp_udp_get_stats(client.u)->tx, 160);
    ck_assert(loop_run_until(loop, &server.done, 3000));
    ck_assert_int_eq(server.received, 200);
    ck_assert_str_eq(server.last, "datagram 199");
    ck_assert_uint_eq(tp_udp_get_stats(client.u)->tx, 200);
    tp_udp_close(server.u);
    tp_udp_close(client.u);
    tp_loop_free(loop);
}
END_TEST

START_TEST(datagram_size_limit)
{
    enum { LIMIT = 1300 };
    tp_loop *loop = tp_loop_new();
    side server = {.target = 2}, client = {.target = 1};
    open_side(loop, &server, AF_INET, LIMIT);
    open_side(loop, &client, AF_INET, 0);
    tp_addr to;
    tp_udp_local(server.u, &to);
    static char big[LIMIT + 1];
    memset(big, 'x', sizeof big);
    ck_assert_int_eq(tp_udp_send(client.u, &to, big, LIMIT + 1), 0); /* dropped there */
    ck_assert_int_eq(tp_udp_send(client.u, &to, big, LIMIT), 0);
    ck_assert_int_eq(tp_udp_send(client.u, &to, "end", 3), 0);
    ck_assert(loop_run_until(loop, &server.done, 3000));
    ck_assert_int_eq(server.received, 2);
    ck_assert_uint_eq(server.last_len, 3);
    ck_assert_uint_eq(tp_udp_get_stats(server.u)->rx_oversize, 1);
    /* The sender's own limit refuses before the wire. */
    ck_assert_int_eq(tp_udp_send(server.u, &to, big, LIMIT + 1), -EMSGSIZE);
    ck_assert_int_eq(tp_udp_queue(server.u, &to, big, LIMIT + 1), -EMSGSIZE);
    tp_udp_close(server.u);
    tp_udp_close(client.u);
    tp_loop_free(loop);
}
END_TEST

/* A datagram for the other IP family cannot leave the socket: refused in
 * the call (so a transaction layer fails the request at once), nothing
 * queued, the socket still good for its own family. */
START_TEST(other_family_refused_at_once)
{
    tp_loop *loop = tp_loop_new();
    side v4 = {.target = 1}, v6 = {.target = 1};
    open_side(loop, &v4, AF_INET, 0);
    open_side(loop, &v6, AF_INET6, 0);
    tp_addr to4, to6;
    tp_udp_local(v4.u, &to4);
    tp_udp_local(v6.u, &to6);
    ck_assert_int_eq(tp_udp_queue(v4.u, &to6, "x", 1), -EAFNOSUPPORT);
    ck_assert_int_eq(tp_udp_send(v4.u, &to6, "x", 1), -EAFNOSUPPORT);
    ck_assert_int_eq(tp_udp_queue(v6.u, &to4, "x", 1), -EAFNOSUPPORT);
    ck_assert_int_eq(tp_udp_send(v6.u, &to4, "x", 1), -EAFNOSUPPORT);
    ck_assert_int_eq(tp_udp_queue(v6.u, &to6, "self", 4), 0);
    ck_assert(loop_run_until(loop, &v6.done, 3000));
    ck_assert_str_eq(v6.last, "self");
    ck_assert_uint_eq(tp_udp_get_stats(v4.u)->tx, 0);
    ck_assert_uint_eq(tp_udp_get_stats(v6.u)->tx, 1);
    tp_udp_close(v4.u);
    tp_udp_close(v6.u);
    tp_loop_free(loop);
}
END_TEST

/* A queued datagram the kernel refuses for good (broadcast without
 * SO_BROADCAST) is reported through on_error by the flush after the
 * dispatch, with its destination; the others of the batch still leave. */
START_TEST(refused_datagram_is_reported_by_the_flush)
{
    tp_loop *loop = tp_loop_new();
    side client = {.target = 1}, server = {.target = 1};
    open_side(loop, &client, AF_INET, 0);
    open_side(loop, &server, AF_INET, 0);
    tp_addr to, bcast;
    tp_udp_local(server.u, &to);
    ck_assert_int_eq(tp_addr_parse("255.255.255.255:9", 17, 0, &bcast), 17);
    ck_assert_int_eq(tp_udp_queue(client.u, &bcast, "x", 1), 0);
    ck_assert_int_eq(tp_udp_queue(client.u, &to, "after", 5), 0);
    ck_assert(loop_run_until(loop, &client.got_error, 3000));
    ck_assert_int_eq(client.errors, 1);
    ck_assert_int_lt(client.last_err, 0);
    ck_assert(tp_addr_eq(&client.err_peer, &bcast));
    ck_assert(loop_run_until(loop, &server.done, 3000));
    ck_assert_str_eq(server.last, "after");
    ck_assert_uint_eq(tp_udp_get_stats(client.u)->tx_dropped, 1);
    tp_udp_close(server.u);
    tp_udp_close(client.u);
    tp_loop_free(loop);
}
END_TEST

START_TEST(icmp_unreachable_is_reported)
{
    tp_loop *loop = tp_loop_new();
    side client = {.target = 1}, gone = {.target = 1};
    open_side(loop, &client, AF_INET, 0);
    /* A port that was just bound and released: nothing listens there. */
    open_side(loop, &gone, AF_INET, 0);
    tp_addr dead;
    tp_udp_local(gone.u, &dead);
    tp_udp_close(gone.u);
    ck_assert_int_eq(tp_udp_send(client.u, &dead, "x", 1), 0);
#if SP_HAVE_ERRQUEUE
    ck_assert(loop_run_until(loop, &client.got_error, 3000));
    ck_assert_int_eq(client.last_err, -ECONNREFUSED);
    ck_assert(tp_addr_eq(&client.err_peer, &dead));
    ck_assert_uint_eq(tp_udp_get_stats(client.u)->icmp_errors, 1);
#else
    /* No error queue: an unconnected socket hears of no ICMP report. */
    loop_run_for(loop, 50);
    ck_assert(!client.got_error);
    ck_assert_uint_eq(tp_udp_get_stats(client.u)->icmp_errors, 0);
#endif
    /* The parked error does not make the next send to a live peer fail. */
    side live = {.target = 1};
    open_side(loop, &live, AF_INET, 0);
    tp_addr to;
    tp_udp_local(live.u, &to);
    ck_assert_int_eq(tp_udp_send(client.u, &dead, "y", 1), 0);
    loop_run_for(loop, 20);
    ck_assert_int_eq(tp_udp_send(client.u, &to, "z", 1), 0);
    ck_assert(loop_run_until(loop, &live.done, 3000));
    tp_udp_close(live.u);
    tp_udp_close(client.u);
    tp_loop_free(loop);
}
END_TEST

START_TEST(close_from_receive_callback)
{
    tp_loop *loop = tp_loop_new();
    side server = {.close_on_recv = true, .target = 1}, client = {.target = 1};
    open_side(loop, &server, AF_INET, 0);
    open_side(loop, &client, AF_INET, 0);
    tp_addr to;
    tp_udp_local(server.u, &to);
    for (int i = 0; i < 5; i++)
        tp_udp_send(client.u, &to, "a", 1);
    ck_assert(loop_run_until(loop, &server.done, 3000));
    loop_run_for(loop, 10);
    ck_assert_int_eq(server.received, 1); /* nothing after the close */
    ck_assert_ptr_null(server.u);
    tp_udp_close(client.u);
    tp_loop_free(loop);
}
END_TEST

static Suite *tp_udp_suite(void)
{
    Suite *s = suite_create("tp_udp");
    TCase *tc = tcase_create("udp");
    tcase_add_test(tc, echo_ipv4);
    tcase_add_test(tc, echo_ipv6);
    tcase_add_test(tc, queued_datagrams_go_out_in_batches);
    tcase_add_test(tc, datagram_size_limit);
    tcase_add_test(tc, other_family_refused_at_once);
    tcase_add_test(tc, refused_datagram_is_reported_by_the_flush);
    tcase_add_test(tc, icmp_unreachable_is_reported);
    tcase_add_test(tc, close_from_receive_callback);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(tp_udp_suite)
