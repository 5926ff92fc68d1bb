/* test_host_agent.c - the hosted Push Receiver Agent over real loopback
 * sockets: page-mode pushes over UDP and TCP, IPv4 and IPv6, stored in a
 * directory or through a sink of the application's, a failing sink
 * answered 500, a session-mode push from a sender built of the host's
 * parts (host_sip, host_session, host_timers), a hosted sender
 * (host_sender) pushing by MESSAGE and INVITE to a hosted receiver, the stop
 * event, a borrowed loop, and each stage of host_agent_new that can fail. */
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "host_agent.h"
#include "host_session.h"
#include "host_timers.h"
#include "loop_run.h"
#include "msrp_testdir.h"
#include "push_invite.h"
#include "push_invite_sender.h"
#include "sp_sha1.h"

#define WAIT_MS (5000 * loop_slowdown())

typedef struct seen {
    host_agent *h;
    bool push, session, ended, stopped;
    int pushes, agent_events;
    push_method method;
    char body[256], app[64], type[64], file[1024];
    uint64_t size;
    uint8_t sha1[SP_SHA1_LEN];
    bool duplicate;
} seen;

static void on_event(void *ctx, const host_event *ev)
{
    seen *s = ctx;
    switch (ev->kind) {
    case HOST_EV_AGENT:
        s->agent_events++;
        break;
    case HOST_EV_PUSH:
        s->push = true;
        s->pushes++;
        s->method = ev->push->method;
        snprintf(s->body, sizeof s->body, "%.*s", (int)ev->push->body.n, ev->push->body.p);
        snprintf(s->app, sizeof s->app, "%.*s", (int)ev->push->app.n, ev->push->app.p ? ev->push->app.p : "");
        snprintf(s->type, sizeof s->type, "%.*s", (int)ev->push->content_type.n, ev->push->content_type.p);
        snprintf(s->file, sizeof s->file, "%s", ev->file ? ev->file : "");
        break;
    case HOST_EV_SESSION:
        s->session = true;
        s->size = ev->session->size;
        s->duplicate = ev->session->duplicate;
        memcpy(s->sha1, ev->session->sha1, SP_SHA1_LEN);
        snprintf(s->file, sizeof s->file, "%s", ev->file ? ev->file : "");
        break;
    case HOST_EV_ENDED:
        s->ended = true;
        break;
    case HOST_EV_STOPPED:
        s->stopped = true;
        break;
    case HOST_EV_SENDER:
        ck_abort_msg("a sender's event from a receiver");
        break;
    }
}

static char dir[256];
static seen S;

static void setup(void)
{
    memset(&S, 0, sizeof S);
    testdir_create(dir, sizeof dir);
}

static void teardown(void) { testdir_remove(dir); }

/* A receiver with its own loop on the loopback address of family: UDP, TCP or both. */
static host_agent *open_host(host_agent_config *c, int family, bool udp, bool tcp)
{
    static tp_addr any;
    tp_addr_loopback(&any, family, 0);
    c->udp = udp ? &any : NULL;
    c->tcp = tcp ? &any : NULL;
    c->role = &host_receiver;
    c->ctx = &S;
    c->on_event = on_event;
    /* this host's pushes carry an identity it believes (RFC 3325 §5) */
    c->receiver.trust[0] = SP_LIT("127.0.0.1");
    c->receiver.trust[1] = SP_LIT("::1");
    c->receiver.ntrust = 2;
    c->receiver.apps[0] = SP_LIT("wml.ua");
    c->receiver.napps = 1;
    host_agent_error err;
    ck_assert_int_eq(host_agent_new(c, &S.h, &err), 0);
    ck_assert_ptr_nonnull(host_agent_loop(S.h));
    host_agent_start(S.h);
    return S.h;
}

/* A MESSAGE from fd's address, over its transport, to host ("ADDR:PORT"). */
static size_t message(char *out, size_t cap, int fd, const char *host, const char *branch, const char *ctype,
                      const char *body)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    int type = 0;
    socklen_t tlen = sizeof type;
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
    ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen), 0);
    tp_addr me;
    ck_assert(tp_addr_from_sockaddr(&me, (struct sockaddr *)&ss, len));
    char via[80], addr[64];
    tp_addr_format(&me, addr, sizeof addr);
    snprintf(via, sizeof via, "%s %s", type == SOCK_DGRAM ? "UDP" : "TCP", addr);
    int n = snprintf(out, cap,
                     "MESSAGE sip:recv@%s SIP/2.0\r\n"
                     "Via: SIP/2.0/%s;branch=z9hG4bK%s\r\n"
                     "Max-Forwards: 70\r\n"
                     "From: <sip:psa@example.com>;tag=p1\r\n"
                     "To: <sip:recv@%s>\r\n"
                     "Call-ID: %s@example.com\r\n"
                     "CSeq: 1 MESSAGE\r\n"
                     "P-Asserted-Identity: <sip:psa@example.com>\r\n"
                     "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\"\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     host, via, branch, host, branch, ctype, strlen(body), body);
    ck_assert_int_gt(n, 0);
    ck_assert_uint_lt((size_t)n, cap);
    return (size_t)n;
}

/* Runs the host's loop until the peer's socket has an answer; its status. */
static unsigned answer(int fd)
{
    char buf[2048];
    for (int waited = 0; waited < WAIT_MS; waited += 10) {
        loop_run_for(host_agent_loop(S.h), 10);
        ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
        if (n > 0) {
            buf[n] = '\0';
            unsigned status = 0;
            ck_assert_int_eq(sscanf(buf, "SIP/2.0 %u", &status), 1);
            return status;
        }
    }
    ck_abort_msg("no answer");
    return 0;
}

/* A socket of the listener's family and kind connected to it. */
static int peer_socket(const host_agent *h, sip_tp tp)
{
    tp_addr a;
    ck_assert_int_eq(host_sip_bound(host_agent_sip(h), tp, &a), 0);
    int fd = socket(tp_addr_family(&a), tp == SIP_TP_UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(connect(fd, tp_addr_sa(&a), a.len), 0);
    return fd;
}

static void hostport(const host_agent *h, sip_tp tp, char *out, size_t cap)
{
    tp_addr a;
    ck_assert_int_eq(host_sip_bound(host_agent_sip(h), tp, &a), 0);
    tp_addr_format(&a, out, cap);
}

static void read_file(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(out, 1, cap - 1, f);
    out[n] = '\0';
    fclose(f);
}

static void page_push(int family, sip_tp tp)
{
    host_agent_config c = {.out_dir = dir};
    host_agent *h = open_host(&c, family, tp == SIP_TP_UDP, tp == SIP_TP_TCP);
    char hp[64], m[2048];
    hostport(h, tp, hp, sizeof hp);
    int fd = peer_socket(h, tp);
    size_t n = message(m, sizeof m, fd, hp, tp == SIP_TP_UDP ? "u1" : "t1", "text/plain", "hello device");
    ck_assert_int_eq(send(fd, m, n, 0), (ssize_t)n);
    ck_assert_uint_eq(answer(fd), 200);
    ck_assert(S.push);
    ck_assert_int_eq(S.method, PUSH_METHOD_MESSAGE);
    ck_assert_str_eq(S.body, "hello device");
    ck_assert_str_eq(S.app, "wml.ua");
    ck_assert_str_eq(S.type, "text/plain");
    /* committed under its final name before the event */
    ck_assert_ptr_nonnull(strstr(S.file, dir));
    char stored[256];
    read_file(S.file, stored, sizeof stored);
    ck_assert_str_eq(stored, "hello device");
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 1);
    close(fd);
    host_agent_free(h);
}

START_TEST(t_message_udp_ipv4) { page_push(AF_INET, SIP_TP_UDP); }
END_TEST

START_TEST(t_message_tcp_ipv6) { page_push(AF_INET6, SIP_TP_TCP); }
END_TEST

START_TEST(t_message_udp_ipv6) { page_push(AF_INET6, SIP_TP_UDP); }
END_TEST

/* A sink of the application's: every page-mode push goes through its open,
 * write and commit; a push it cannot take is answered 500 and not reported. */
typedef struct app_sink {
    int opens, commits, aborts;
    bool refuse;
    char data[256];
    size_t len;
    char name[96];
} app_sink;

static int as_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    app_sink *a = ctx;
    if (a->refuse)
        return MSRP_EIO;
    a->opens++;
    a->len = 0;
    snprintf(a->name, sizeof a->name, "%.*s", (int)info->name.n, info->name.p);
    s->impl = a;
    return SP_OK;
}

static int as_write(msrp_sink *s, uint64_t off, const void *data, size_t len)
{
    app_sink *a = s->impl;
    if (off + len > sizeof a->data)
        return SP_ELIMIT;
    memcpy(a->data + off, data, len);
    if (off + len > a->len)
        a->len = (size_t)(off + len);
    return SP_OK;
}

static int as_commit(msrp_sink *s, uint64_t size)
{
    app_sink *a = s->impl;
    ck_assert_uint_eq(size, a->len);
    a->commits++;
    return SP_OK;
}

static void as_abort(msrp_sink *s) { ((app_sink *)s->impl)->aborts++; }
static void as_close(msrp_sink *s) { (void)s; }

static const msrp_sink_ops app_sink_ops = {.open = as_open, .write = as_write, .commit = as_commit,
                                           .abort = as_abort, .close = as_close};

START_TEST(t_sink_of_the_application)
{
    app_sink a = {0};
    host_agent_config c = {.sink = &app_sink_ops, .sink_ctx = &a, .out_dir = dir};
    host_agent *h = open_host(&c, AF_INET, true, false);
    char hp[64], m[2048];
    hostport(h, SIP_TP_UDP, hp, sizeof hp);
    int fd = peer_socket(h, SIP_TP_UDP);
    size_t n = message(m, sizeof m, fd, hp, "s1", "text/plain", "into flash");
    ck_assert_int_eq(send(fd, m, n, 0), (ssize_t)n);
    ck_assert_uint_eq(answer(fd), 200);
    ck_assert(S.push);
    ck_assert_int_eq(a.opens, 1);
    ck_assert_int_eq(a.commits, 1);
    ck_assert_int_eq((int)a.len, 10);
    ck_assert_int_eq(memcmp(a.data, "into flash", 10), 0);
    ck_assert_ptr_eq(strstr(a.name, "wml.ua-"), a.name);
    ck_assert_str_eq(S.file, "");                   /* no path: the sink is not a file */
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 0); /* the sink, not out_dir */
    /* the sink refuses: 500, nothing reported */
    a.refuse = true;
    n = message(m, sizeof m, fd, hp, "s2", "text/plain", "no room");
    ck_assert_int_eq(send(fd, m, n, 0), (ssize_t)n);
    ck_assert_uint_eq(answer(fd), 500);
    ck_assert_int_eq(S.pushes, 1);
    close(fd);
    host_agent_free(h);
}
END_TEST

/* Without a sink or directory a page-mode push is reported, not stored. */
START_TEST(t_not_stored)
{
    host_agent_config c = {0};
    host_agent *h = open_host(&c, AF_INET, true, false);
    char hp[64], m[2048];
    hostport(h, SIP_TP_UDP, hp, sizeof hp);
    int fd = peer_socket(h, SIP_TP_UDP);
    size_t n = message(m, sizeof m, fd, hp, "n1", "text/plain", "just say it");
    ck_assert_int_eq(send(fd, m, n, 0), (ssize_t)n);
    ck_assert_uint_eq(answer(fd), 200);
    ck_assert_str_eq(S.body, "just say it");
    ck_assert_str_eq(S.file, "");
    close(fd);
    host_agent_free(h);
}
END_TEST

/* ---- a session-mode push from a sender made of the host's parts */

typedef struct sender_side {
    host_timers timers;
    push_env env;
    host_sip sip;
    host_session sess;
    bool done;
    push_invite_result result;
} sender_side;

static void sender_timer(void *ctx, uint64_t cookie)
{
    sender_side *s = ctx;
    ck_assert(host_timer_is_session(cookie));
    push_invite_timer(&s->sess.ctx, cookie);
}

static void sender_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    sender_side *s = ctx;
    if (!push_invite_sender_route(&s->sess.ctx, st, req, src) && st) {
        sip_txn_reply r = {.status = 481};
        sip_txn_respond(host_sip_layer(&s->sip), st, &r);
    }
}

static void sender_done(void *ctx, push_invite_sender *ps, const push_invite_result *r)
{
    (void)ps;
    sender_side *s = ctx;
    s->result = *r;
    s->done = true;
}

static void session_push(int family)
{
    host_agent_config c = {.out_dir = dir};
    host_agent *h = open_host(&c, family, true, true);
    tp_loop *loop = host_agent_loop(h);
    sender_side tx = {0};
    tp_addr any;
    tp_addr_loopback(&any, family, 0);
    host_timers_init(&tx.timers, loop, sender_timer, NULL, &tx);
    tx.env = host_timers_env(&tx.timers);
    host_sip_config sc = {.udp = &any, .allow = SP_LIT("INVITE, ACK, BYE, CANCEL")};
    ck_assert_int_eq(host_sip_open(&tx.sip, loop, &sc), 0);
    host_sip_set_tu(&tx.sip, (sip_txn_tu){.ctx = &tx, .on_request = sender_request});
    host_session_config mc = {.tp = SIP_TP_UDP, .user = SP_LIT("psa")};
    ck_assert_int_eq(host_session_open(&tx.sess, loop, &tx.env, &tx.sip, &mc), 0);
    tp_addr m;
    host_agent_msrp_bound(h, &m);
    ck_assert_int_eq(tp_addr_family(&m), family);
    ck_assert_uint_ne(tp_addr_port(&m), 0);

    static uint8_t data[200000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    tp_addr to;
    ck_assert_int_eq(host_sip_bound(host_agent_sip(h), SIP_TP_UDP, &to), 0);
    char target[128], hp[64];
    tp_addr_format(&to, hp, sizeof hp);
    snprintf(target, sizeof target, "sip:recv@%s", hp);
    push_invite_file f = {.type = SP_LIT("application/octet-stream"), .name = SP_LIT("picture.bin"),
                          .data = data, .fd = -1, .size = sizeof data};
    push_invite_params p = {.target = sp_str_cstr(target), .from = SP_LIT("sip:psa@example.com"),
                            .app = SP_LIT("wml.ua"), .files = &f, .nfiles = 1, .confirm = true};
    sip_txn_tp_peer(&to, SIP_TP_UDP, &p.next_hop);
    push_invite_sender *ps;
    push_invite_sender_cb cb = {.ctx = &tx, .done = sender_done};
    ck_assert_int_eq(push_invite_sender_new(&tx.sess.ctx, &p, &cb, &ps), 0);
    ck_assert_int_eq(push_invite_sender_start(ps), 0);
    ck_assert(loop_run_until(loop, &tx.done, WAIT_MS));
    ck_assert_uint_eq(tx.result.code, 200);
    ck_assert_uint_eq(tx.result.bytes, sizeof data);
    ck_assert(loop_run_until(loop, &S.session, WAIT_MS));
    ck_assert(!S.duplicate);
    ck_assert_uint_eq(S.size, sizeof data);
    uint8_t want[SP_SHA1_LEN];
    sp_sha1(data, sizeof data, want);
    ck_assert_int_eq(memcmp(S.sha1, want, SP_SHA1_LEN), 0);
    ck_assert_ptr_nonnull(strstr(S.file, "picture.bin"));
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 1);
    ck_assert(loop_run_until(loop, &S.ended, WAIT_MS)); /* the sender's BYE */
    ck_assert_uint_eq(host_agent_sessions(h), 0);
    push_invite_sender_free(ps);
    host_sip_close(&tx.sip);
    host_session_close(&tx.sess);
    host_timers_free(&tx.timers);
    host_agent_free(h);
}

START_TEST(t_session_push_ipv4) { session_push(AF_INET); }
END_TEST

START_TEST(t_session_push_ipv6) { session_push(AF_INET6); }
END_TEST

/* ---- the sender's role: a host_sender pushing to a host_receiver on its loop */

typedef struct sent {
    bool done;
    push_psa_result r;
} sent;

static void on_sent(void *ctx, const push_psa_result *r)
{
    sent *s = ctx;
    s->r = *r;
    s->done = true;
}

static void on_sender_event(void *ctx, const host_event *ev)
{
    (void)ctx;
    ck_assert_int_eq(ev->kind, HOST_EV_SENDER);
    ck_assert_ptr_nonnull(ev->sender);
}

static void sender_pushes(int family, push_ask ask, size_t size, push_method method)
{
    host_agent_config c = {.out_dir = dir};
    host_agent *rx = open_host(&c, family, true, true);
    tp_loop *loop = host_agent_loop(rx);
    tp_addr any;
    tp_addr_loopback(&any, family, 0);
    host_agent_config sc = {.role = &host_sender, .loop = loop, .udp = &any, .tcp = &any,
                            .on_event = on_sender_event};
    host_agent *tx;
    host_agent_error err;
    ck_assert_int_eq(host_agent_new(&sc, &tx, &err), 0);
    ck_assert_ptr_nonnull(host_agent_sender(tx));
    ck_assert_ptr_null(host_agent_receiver(tx));
    ck_assert_ptr_nonnull(host_agent_receiver(rx));
    ck_assert_ptr_null(host_agent_sender(rx));
    host_agent_start(tx);

    static char body[4096];
    for (size_t i = 0; i < size; i++)
        body[i] = (char)('a' + i % 26);
    char to[128], hp[64];
    tp_addr where;
    ck_assert_int_eq(host_sip_bound(host_agent_sip(rx), SIP_TP_UDP, &where), 0);
    tp_addr_format(&where, hp, sizeof hp);
    snprintf(to, sizeof to, "sip:recv@%s", hp);
    push_psa_push p = {.ask = ask, .to = sp_str_cstr(to), .app = SP_LIT("wml.ua"),
                       .content_type = SP_LIT("text/plain"), .body = {body, size}};
    sent out = {0};
    push_psa_result now;
    ck_assert_int_eq(push_psa_send(host_agent_sender(tx), &p, on_sent, &out, &now), 0);
    ck_assert(loop_run_until(loop, &out.done, WAIT_MS));
    ck_assert(out.r.delivered);
    ck_assert_int_eq(out.r.method, method);
    bool *got = method == PUSH_METHOD_INVITE ? &S.session : &S.push;
    ck_assert(loop_run_until(loop, got, WAIT_MS));
    if (method == PUSH_METHOD_INVITE) {
        ck_assert_uint_eq(S.size, size);
        uint8_t want[SP_SHA1_LEN];
        sp_sha1(body, size, want);
        ck_assert_int_eq(memcmp(S.sha1, want, SP_SHA1_LEN), 0);
    } else {
        ck_assert_uint_eq(strlen(S.body), size);
        ck_assert_int_eq(memcmp(S.body, body, size), 0);
    }
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 1);
    host_agent_stop(tx);
    loop_run_for(loop, 10); /* the last NOTIFYs, if any */
    host_agent_free(tx);
    host_agent_free(rx);
}

START_TEST(t_sender_message_ipv4) { sender_pushes(AF_INET, PUSH_ASK_MESSAGE, 100, PUSH_METHOD_MESSAGE); }
END_TEST

START_TEST(t_sender_invite_ipv6) { sender_pushes(AF_INET6, PUSH_ASK_INVITE, 4000, PUSH_METHOD_INVITE); }
END_TEST

/* ---- the timer adapter alone */

typedef struct fired_log {
    uint64_t cookies[8];
    size_t n;
    bool two;
} fired_log;

static void note_fired(void *ctx, uint64_t cookie)
{
    fired_log *l = ctx;
    ck_assert_uint_lt(l->n, 8);
    l->cookies[l->n++] = cookie;
    l->two = l->n >= 2;
}

/* Cookies come back in the order their delays run out; a cancelled one
 * never; one still armed is freed with the adapter. */
START_TEST(t_timers)
{
    tp_loop *loop = tp_loop_new();
    ck_assert_ptr_nonnull(loop);
    fired_log l = {0};
    host_timers t;
    host_timers_init(&t, loop, note_fired, NULL, &l);
    push_env env = host_timers_env(&t);
    uint64_t now = env.now_ms(env.ctx);
    ck_assert_uint_ne(env.timer_start(env.ctx, 30, 3), 0);
    uint64_t gone = env.timer_start(env.ctx, 5, 99);
    ck_assert_uint_ne(gone, 0);
    ck_assert_uint_ne(env.timer_start(env.ctx, 10, 1), 0);
    ck_assert_uint_ne(env.timer_start(env.ctx, 60000, 7), 0); /* left armed */
    env.timer_cancel(env.ctx, gone);
    ck_assert(loop_run_until(loop, &l.two, WAIT_MS));
    ck_assert_uint_eq(l.n, 2);
    ck_assert_uint_eq(l.cookies[0], 1);
    ck_assert_uint_eq(l.cookies[1], 3);
    ck_assert_uint_ge(env.now_ms(env.ctx), now + 30);
    host_timers_free(&t);
    tp_loop_free(loop);
}
END_TEST

/* The session-mode agents' cookie kinds, and no other, are theirs. */
START_TEST(t_timer_owner)
{
    ck_assert(host_timer_is_session(push_cookie(PUSH_TMR_INVITE_SENDER, 5)));
    ck_assert(host_timer_is_session(push_cookie(PUSH_TMR_INVITE_RX, 5)));
    ck_assert(host_timer_is_session(push_cookie(PUSH_TMR_MSRP_CONNECT, 5)));
    ck_assert(!host_timer_is_session(push_cookie(PUSH_TMR_INVITE_SENDER - 1, 5)));
    ck_assert(!host_timer_is_session(push_cookie(PUSH_TMR_MSRP_CONNECT + 1, 5)));
    ck_assert(!host_timer_is_session(push_cookie(0, 5)));
}
END_TEST

/* host_agent_stop ends with HOST_EV_STOPPED; the loop is the caller's to stop. */
START_TEST(t_stop_event)
{
    host_agent_config c = {0};
    host_agent *h = open_host(&c, AF_INET, true, false);
    host_agent_stop(h);
    ck_assert(loop_run_until(host_agent_loop(h), &S.stopped, WAIT_MS));
    host_agent_free(h);
}
END_TEST

/* A borrowed loop is the caller's: the host runs on it and leaves it. */
START_TEST(t_borrowed_loop)
{
    tp_loop *loop = tp_loop_new();
    ck_assert_ptr_nonnull(loop);
    host_agent_config c = {.loop = loop};
    host_agent *h = open_host(&c, AF_INET, false, true);
    ck_assert_ptr_eq(host_agent_loop(h), loop);
    ck_assert_uint_eq(host_agent_local(h)->udp_port, 0);
    ck_assert_uint_ne(host_agent_local(h)->tcp_port, 0);
    host_agent_free(h);
    loop_run_for(loop, 1); /* still usable */
    tp_loop_free(loop);
}
END_TEST

/* Each stage that can fail says which, and leaves nothing behind. */
START_TEST(t_failures)
{
    host_agent *h = (host_agent *)1;
    host_agent_error err;
    host_agent_config none = {.role = &host_receiver};
    ck_assert_int_eq(host_agent_new(&none, &h, &err), SP_EINVAL);
    ck_assert_ptr_null(h);
    ck_assert_int_eq(err.stage, HOST_FAIL_LISTEN);
    tp_addr lo;
    tp_addr_loopback(&lo, AF_INET, 0);
    host_agent_config nobody = {.udp = &lo};
    ck_assert_int_eq(host_agent_new(&nobody, &h, &err), SP_EINVAL);
    ck_assert_int_eq(err.stage, HOST_FAIL_CONFIG);

    /* the port is taken */
    host_agent_config c = {0};
    host_agent *first = open_host(&c, AF_INET, true, false);
    tp_addr busy;
    ck_assert_int_eq(host_sip_bound(host_agent_sip(first), SIP_TP_UDP, &busy), 0);
    host_agent_config again = {.role = &host_receiver, .udp = &busy};
    ck_assert_int_eq(host_agent_new(&again, &h, &err), -EADDRINUSE);
    ck_assert_int_eq(err.stage, HOST_FAIL_LISTEN);
    host_agent_free(first);

    tp_addr any, v6;
    tp_addr_loopback(&any, AF_INET, 0);
    tp_addr_loopback(&v6, AF_INET6, 0);
    /* MSRP on an address this host does not have */
    tp_addr far;
    ck_assert_int_ge(tp_addr_parse("192.0.2.1", 9, 0, &far), 0);
    host_agent_config msrp = {.role = &host_receiver, .udp = &any, .msrp_listen = &far};
    ck_assert_int_lt(host_agent_new(&msrp, &h, &err), 0);
    ck_assert_int_eq(err.stage, HOST_FAIL_MSRP);

    /* more accepted types than an accept-types line holds */
    host_agent_config acc = {.role = &host_receiver, .udp = &any};
    static char longtype[MSRP_ACCEPT_MAX];
    memset(longtype, 'a', sizeof longtype - 1);
    acc.receiver.accept[0] = sp_str_cstr(longtype);
    acc.receiver.naccept = 1;
    ck_assert_int_eq(host_agent_new(&acc, &h, &err), SP_EINVAL);
    ck_assert_int_eq(err.stage, HOST_FAIL_ACCEPT);

    /* the receiver refuses its configuration, and says why */
    host_agent_config bad = {.role = &host_receiver, .tcp = &v6, .receiver = {.aor = SP_LIT("not a uri")}};
    ck_assert_int_eq(host_agent_new(&bad, &h, &err), SP_EINVAL);
    ck_assert_int_eq(err.stage, HOST_FAIL_CONFIG);
    ck_assert_ptr_nonnull(err.why);
    ck_assert_ptr_null(h);
}
END_TEST

static Suite *host_agent_suite(void)
{
    Suite *s = suite_create("host_agent");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, t_message_udp_ipv4);
    tcase_add_test(tc, t_message_udp_ipv6);
    tcase_add_test(tc, t_message_tcp_ipv6);
    tcase_add_test(tc, t_sink_of_the_application);
    tcase_add_test(tc, t_not_stored);
    tcase_add_test(tc, t_session_push_ipv4);
    tcase_add_test(tc, t_session_push_ipv6);
    tcase_add_test(tc, t_sender_message_ipv4);
    tcase_add_test(tc, t_sender_invite_ipv6);
    tcase_add_test(tc, t_timers);
    tcase_add_test(tc, t_timer_owner);
    tcase_add_test(tc, t_stop_event);
    tcase_add_test(tc, t_borrowed_loop);
    tcase_add_test(tc, t_failures);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(host_agent_suite)
