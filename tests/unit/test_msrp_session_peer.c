/* test_msrp_session_peer.c - a sending session against a hand-driven peer
 * over a socket: the peer answers chosen statuses (400, 403, 413, 415, 481,
 * 501, 506), stays silent (408 after the transaction timeout), or drops the
 * connection after acknowledging some chunks: the sender reports the
 * message not delivered with the bytes acknowledged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_main.h"
#include "msrp_frame.h"
#include "msrp_pair.h"
#include "msrp_tp.h"

/* The request heads the peer saw, copied out of its buffer. */
typedef struct seen_head {
    char method[16], to[128], from[128], mid[64], range[48], ctype[64], success[8];
    char flag; /* of its end-line */
} seen_head;

#define PEER_HEADS_MAX 16

typedef struct peer {
    seen_head heads[PEER_HEADS_MAX];
    int nheads;
    uint8_t got[1 << 17]; /* request bodies, in arrival order */
    size_t got_len;
    bool in_request;      /* the frame being parsed is a request */
    tp_loop *loop;
    msrp_endpoint *ep;
    pair_side tx;
    int lfd, fd;
    msrp_parser parser;
    char in[1 << 17];
    size_t in_len;
    int sends;          /* SEND heads seen */
    uint64_t body;      /* body bytes seen */
    unsigned answer;    /* status to answer each SEND with (0: none) */
    int answer_first;   /* answer only this many SENDs (-1: all) */
    int close_after;    /* close after this many answers (-1: never) */
    int answered;
    char held[512];     /* the response not sent past answer_first (the last one) */
    int held_len;
    char mid[64], from[160], to[160]; /* of the first SEND: the REPORTs' */
    tp_ms answered_at;  /* when the last answer left */
    char path[128];     /* the peer's MSRP URI */
} peer;

static void peer_open(peer *p, msrp_session_config *cfg)
{
    memset(p, 0, sizeof *p);
    p->answer_first = -1;
    p->close_after = -1;
    p->fd = -1;
    p->loop = tp_loop_new();
    ck_assert_int_eq(msrp_endpoint_new(p->loop, NULL, &p->ep), 0);
    p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    tp_addr a;
    tp_addr_loopback(&a, AF_INET, 0);
    socklen_t len = a.len;
    ck_assert_int_eq(bind(p->lfd, tp_addr_sa(&a), a.len), 0);
    ck_assert_int_eq(listen(p->lfd, 4), 0);
    ck_assert_int_eq(getsockname(p->lfd, (struct sockaddr *)&a.ss, &len), 0);
    char *path = p->path;
    snprintf(p->path, sizeof p->path, "msrp://127.0.0.1:%u/peerSide99;tcp", tp_addr_port(&a));
    cfg->setup = MSRP_SETUP_ACTIVE;
    cfg->local_port = 9;
    cfg->on_event = pair_on_event;
    cfg->ctx = &p->tx;
    ck_assert_int_eq(msrp_session_new(p->ep, cfg, &p->tx.s), 0);
    ck_assert_int_eq(msrp_session_set_peer(p->tx.s, sp_str_cstr(path)), 0);
    msrp_parser_init(&p->parser, NULL);
}

static void peer_close(peer *p)
{
    if (p->fd >= 0)
        close(p->fd);
    close(p->lfd);
    msrp_session_free(p->tx.s);
    tp_loop_run_once(p->loop, 1);
    msrp_endpoint_free(p->ep);
    tp_loop_run_once(p->loop, 1);
    tp_loop_free(p->loop);
    free(p->tx.data);
}

/* Answers h, or keeps the answer in p->held when hold. */
static void answer(peer *p, const msrp_head *h, bool hold)
{
    char buf[512];
    sp_str tid = msrp_head_str(h, h->tid);
    sp_str from = msrp_head_get(h, MSRP_H_FROM_PATH), to = msrp_head_get(h, MSRP_H_TO_PATH);
    int n = snprintf(buf, sizeof buf, "MSRP %.*s %03u X\r\nTo-Path: %.*s\r\nFrom-Path: %.*s\r\n-------%.*s$\r\n",
                     (int)tid.n, tid.p, p->answer, (int)from.n, from.p, (int)to.n, to.p, (int)tid.n, tid.p);
    if (hold) {
        memcpy(p->held, buf, (size_t)n);
        p->held_len = n;
        return;
    }
    ck_assert_int_eq(send(p->fd, buf, (size_t)n, MSG_NOSIGNAL), n);
    p->answered++;
    p->answered_at = tp_clock_ms();
}

static void copy_str(char *out, size_t cap, sp_str v)
{
    snprintf(out, cap, "%.*s", (int)v.n, v.p ? v.p : "");
}

static void note_head(peer *p, const msrp_head *h)
{
    if (p->nheads >= PEER_HEADS_MAX)
        return;
    seen_head *s = &p->heads[p->nheads++];
    copy_str(s->method, sizeof s->method, msrp_head_str(h, h->method));
    copy_str(s->to, sizeof s->to, msrp_head_get(h, MSRP_H_TO_PATH));
    copy_str(s->from, sizeof s->from, msrp_head_get(h, MSRP_H_FROM_PATH));
    copy_str(s->mid, sizeof s->mid, msrp_head_get(h, MSRP_H_MESSAGE_ID));
    copy_str(s->range, sizeof s->range, msrp_head_get(h, MSRP_H_BYTE_RANGE));
    copy_str(s->ctype, sizeof s->ctype, msrp_head_get(h, MSRP_H_CONTENT_TYPE));
    copy_str(s->success, sizeof s->success, msrp_head_get(h, MSRP_H_SUCCESS_REPORT));
}

static void keep_ids(peer *p, const msrp_head *h)
{
    sp_str mid = msrp_head_get(h, MSRP_H_MESSAGE_ID), from = msrp_head_get(h, MSRP_H_FROM_PATH),
           to = msrp_head_get(h, MSRP_H_TO_PATH);
    snprintf(p->mid, sizeof p->mid, "%.*s", (int)mid.n, mid.p);
    snprintf(p->from, sizeof p->from, "%.*s", (int)from.n, from.p);
    snprintf(p->to, sizeof p->to, "%.*s", (int)to.n, to.p);
}

/* A success REPORT about the first SEND's message for [start, end] of total. */
static void report(peer *p, uint64_t start, uint64_t end, uint64_t total)
{
    char buf[768];
    static unsigned n_reports;
    unsigned id = ++n_reports;
    int n = snprintf(buf, sizeof buf,
                     "MSRP rep%05u REPORT\r\nTo-Path: %s\r\nFrom-Path: %s\r\nMessage-ID: %s\r\n"
                     "Byte-Range: %llu-%llu/%llu\r\nStatus: 000 200 OK\r\n-------rep%05u$\r\n",
                     id, p->from, p->to, p->mid, (unsigned long long)start, (unsigned long long)end,
                     (unsigned long long)total, id);
    ck_assert_int_eq(send(p->fd, buf, (size_t)n, MSG_NOSIGNAL), n);
}

/* Runs the loop and the peer for about ms. */
static void peer_pump(peer *p, int ms)
{
    tp_ms end = tp_clock_ms() + (tp_ms)ms;
    do {
        tp_loop_run_once(p->loop, 1);
        if (p->fd < 0 && p->lfd >= 0)
            p->fd = accept4(p->lfd, NULL, NULL, SOCK_NONBLOCK);
        if (p->fd < 0)
            continue;
        ssize_t r = recv(p->fd, p->in + p->in_len, sizeof p->in - p->in_len, 0);
        if (r <= 0)
            continue;
        p->in_len += (size_t)r;
        size_t off = 0;
        for (;;) {
            msrp_event ev;
            sp_error err;
            int n = msrp_parse(&p->parser, p->in + off, p->in_len - off, &ev, &err);
            if (n == SP_AGAIN)
                break;
            ck_assert_int_ge(n, 0);
            off += (size_t)n;
            if (ev.kind == MSRP_EV_HEAD)
                p->in_request = p->parser.head.is_request;
            if (ev.kind == MSRP_EV_HEAD && p->parser.head.is_request) {
                note_head(p, &p->parser.head);
                if (p->sends++ == 0)
                    keep_ids(p, &p->parser.head);
                if (p->answer)
                    answer(p, &p->parser.head, p->answer_first >= 0 && p->answered >= p->answer_first);
                if (p->close_after >= 0 && p->answered >= p->close_after) {
                    close(p->fd);
                    p->fd = -1;
                    close(p->lfd);
                    p->lfd = -1;
                    return;
                }
            } else if (ev.kind != MSRP_EV_HEAD) {
                p->body += ev.body.n;
                if (p->in_request && p->got_len + ev.body.n <= sizeof p->got) {
                    memcpy(p->got + p->got_len, ev.body.p, ev.body.n);
                    p->got_len += ev.body.n;
                }
                if (ev.kind == MSRP_EV_END && p->in_request && p->nheads > 0)
                    p->heads[p->nheads - 1].flag = ev.flag;
            }
        }
        memmove(p->in, p->in + off, p->in_len - off);
        p->in_len -= off;
    } while (tp_clock_ms() < end);
}

static uint8_t content[100000];

static void send_one(peer *p, size_t n)
{
    pair_fill(content, sizeof content, 9);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = content;
    m.size = n;
    ck_assert_int_eq(msrp_session_send(p->tx.s, &m, NULL), 0);
    ck_assert_int_eq(msrp_session_start(p->tx.s), 0);
}

/* Queues one message asking Success-Report: yes, of content seeded 'seed',
 * and starts the session. */
static void send_confirmed(peer *p, const char *type, size_t n, uint64_t seed)
{
    pair_fill(content, sizeof content, seed);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = sp_str_cstr(type);
    m.data = content;
    m.size = n;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p->tx.s, &m, NULL), 0);
    ck_assert_int_eq(msrp_session_start(p->tx.s), 0);
}

static void refused(unsigned status)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    peer p;
    peer_open(&p, &c);
    p.answer = status;
    send_one(&p, 10000);
    for (int i = 0; i < 200 && !p.tx.counts[MSRP_EV_SEND_FAILED]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, status);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].bytes, 0);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0);
    bool fatal = status == 481 || status == 506;
    ck_assert_int_eq(p.tx.counts[MSRP_EV_CLOSED], fatal ? 1 : 0);
    peer_close(&p);
}

START_TEST(refused_400) { refused(400); }
END_TEST
START_TEST(refused_403) { refused(403); }
END_TEST
START_TEST(refused_408) { refused(408); }
END_TEST
START_TEST(refused_413) { refused(413); }
END_TEST
START_TEST(refused_415) { refused(415); }
END_TEST
START_TEST(refused_481) { refused(481); }
END_TEST
START_TEST(refused_501) { refused(501); }
END_TEST
START_TEST(refused_506) { refused(506); }
END_TEST

/* §10.5: after a 413 the sender sends no further chunk of that message. */
START_TEST(stop_after_413)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.window = 1;
    peer p;
    peer_open(&p, &c);
    p.answer = 413;
    send_one(&p, 50000);
    peer_pump(&p, 100);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_int_eq(p.sends, 1);
    peer_close(&p);
}
END_TEST

/* No response within the transaction timeout: 408 (§7.1.1). */
START_TEST(timeout_408)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.txn_timeout_ms = 100;
    peer p;
    peer_open(&p, &c);
    send_one(&p, 5000);
    tp_ms t0 = tp_clock_ms();
    for (int i = 0; i < 200 && !p.tx.counts[MSRP_EV_SEND_FAILED]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 408);
    ck_assert_int_ge(tp_clock_ms() - t0, 90);
    peer_close(&p);
}
END_TEST

/* Success-Report: yes, every chunk acknowledged, no REPORT: the message is
 * not confirmed once report_timeout_ms has passed after the last 200, and
 * not before (§7.1.1). */
START_TEST(success_report_late)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.report_timeout_ms = 150;
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    send_confirmed(&p, "text/plain", 10000, 9);
    for (int i = 0; i < 200 && p.answered < 5; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.answered, 5); /* 2048-byte chunks, and the first SEND */
    /* Not before: the session read the last 200 after it left the peer, so
     * whenever the test looks earlier than the timeout after that, nothing
     * is decided yet. Checked from the clock, never bounded by it: a slow
     * run (valgrind) looks fewer times, it does not fail. */
    while (tp_clock_ms() < p.answered_at + 140) {
        ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED] + p.tx.counts[MSRP_EV_SENT], 0);
        peer_pump(&p, 5);
    }
    for (int i = 0; i < 200 && !p.tx.counts[MSRP_EV_SEND_FAILED]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 408);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].bytes, 10000);
    ck_assert_int_eq(msrp_session_pending(p.tx.s), 0);
    peer_close(&p);
}
END_TEST

/* §7.1.2: success REPORTs about parts of a message confirm it together
 * when their ranges cover it, in any order, overlapping or not; a union
 * with a gap of one byte, or short of the end by one, is no confirmation
 * (408 at the REPORT timeout, every byte acknowledged). */
static const struct {
    int n;
    uint64_t r[3][2];
    bool confirms;
} pieces[] = {
    {2, {{1, 4000}, {4001, 10000}}, true},
    {2, {{6001, 10000}, {1, 6000}}, true},
    {2, {{1, 7000}, {3000, 10000}}, true},
    {3, {{1, 2048}, {4097, 10000}, {2049, 4096}}, true},
    {3, {{5000, 5000}, {1, 4999}, {5001, 10000}}, true},
    {2, {{1, 4000}, {4002, 10000}}, false},
    {1, {{1, 9999}}, false},
    {2, {{2, 5000}, {5001, 10000}}, false},
};

START_TEST(success_report_in_pieces)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.report_timeout_ms = 1000; /* the pieces come well within it */
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    pair_fill(content, sizeof content, 9);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = content;
    m.size = 10000;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert_int_eq(msrp_session_start(p.tx.s), 0);
    for (int i = 0; i < 200 && p.answered < 5; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.answered, 5);
    for (int k = 0; k < pieces[_i].n; k++) {
        /* no piece but the last confirms on its own */
        ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT] + p.tx.counts[MSRP_EV_SEND_FAILED], 0);
        report(&p, pieces[_i].r[k][0], pieces[_i].r[k][1], 10000);
        peer_pump(&p, 20);
    }
    for (int i = 0; i < 200 && !p.tx.counts[MSRP_EV_SENT] && !p.tx.counts[MSRP_EV_SEND_FAILED]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_REPORT], pieces[_i].n);
    if (pieces[_i].confirms) {
        ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 1);
        ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 0);
    } else {
        ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0);
        ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 408);
        ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].bytes, 10000);
    }
    ck_assert_int_eq(msrp_session_pending(p.tx.s), 0);
    peer_close(&p);
}
END_TEST

/* The pieces counted per message: MSRP_RANGES_CAP disjoint ones. 64
 * single bytes apart, then every other byte, confirm 130 bytes; with 65
 * apart the 65th is not counted, and the message stays unconfirmed. */
START_TEST(report_pieces_limit)
{
    int apart = MSRP_RANGES_CAP + _i;
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.report_timeout_ms = 1000;
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    pair_fill(content, sizeof content, 9);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = content;
    m.size = 130;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert_int_eq(msrp_session_start(p.tx.s), 0);
    for (int i = 0; i < 200 && p.answered < 1; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.answered, 1);
    for (int k = 0; k < apart; k++)
        report(&p, 2 * (uint64_t)k + 1, 2 * (uint64_t)k + 1, 130); /* 1, 3, 5, ... */
    for (uint64_t pos = 1; pos <= 130; pos++)
        if (pos % 2 == 0 || pos > 2 * (uint64_t)apart - 1)
            report(&p, pos, pos, 130); /* every byte not reported yet */
    for (int i = 0; i < 400 && !p.tx.counts[MSRP_EV_SENT] && !p.tx.counts[MSRP_EV_SEND_FAILED]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_REPORT], 130);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], _i ? 0 : 1);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], _i ? 1 : 0);
    peer_close(&p);
}
END_TEST

/* REPORTs covering the message may come before the last chunk's 200: the
 * 200 then completes it at once. */
START_TEST(success_report_before_the_last_200)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.report_timeout_ms = 150;
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    p.answer_first = 4;
    pair_fill(content, sizeof content, 9);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = content;
    m.size = 10000;
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
    ck_assert_int_eq(msrp_session_start(p.tx.s), 0);
    for (int i = 0; i < 200 && (p.answered < 4 || !p.held_len); i++)
        peer_pump(&p, 5);
    ck_assert_int_gt(p.held_len, 0);
    report(&p, 8193, 10000, 10000);
    report(&p, 1, 8192, 10000);
    peer_pump(&p, 40);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_REPORT], 2);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0); /* a chunk is still unanswered */
    ck_assert_int_eq(send(p.fd, p.held, (size_t)p.held_len, MSG_NOSIGNAL), p.held_len);
    for (int i = 0; i < 200 && !p.tx.counts[MSRP_EV_SENT]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 0);
    peer_close(&p);
}
END_TEST

/* The peer acknowledges k chunks, then drops the connection: the message
 * is not delivered and exactly the acknowledged bytes are reported. */
START_TEST(drop_after_acks)
{
    int k = _i;
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.window = 4;
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    p.answer_first = k;
    p.close_after = k;
    send_one(&p, 20000);
    for (int i = 0; i < 200 && !p.tx.counts[MSRP_EV_CLOSED]; i++)
        peer_pump(&p, 5);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 0);
    ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].bytes, (uint64_t)k * MSRP_CHUNK_DEFAULT);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_CLOSED], 1);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SENT], 0);
    ck_assert_int_eq(msrp_session_pending(p.tx.s), 0);
    peer_close(&p);
}
END_TEST

/* Seed 000 §8.2.5.1 r, s, u: the sender's own SEND code puts a push on the
 * wire as SEND chunks of one message (one Message-ID, contiguous
 * Byte-Ranges over the total, '+' then '$'), each with the paths, the
 * Content-Type and Success-Report: yes of a confirmed push. */
START_TEST(sends_carry_the_message)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    c.chunk_size = 2048;
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    send_confirmed(&p, "application/vnd.oma.push", 5000, 21);
    /* every chunk answered 200; the outcome then waits for the success REPORT */
    for (int i = 0; i < 200 && (p.answered < 3 || p.got_len < 5000); i++)
        peer_pump(&p, 10);
    peer_pump(&p, 20);
    ck_assert_int_eq(p.nheads, 3);
    ck_assert_int_eq(p.tx.counts[MSRP_EV_SEND_FAILED], 0);
    static const char *ranges[] = {"1-2048/5000", "2049-4096/5000", "4097-5000/5000"};
    char local[128];
    copy_str(local, sizeof local, msrp_session_local_uri(p.tx.s));
    for (int i = 0; i < 3; i++) {
        const seen_head *h = &p.heads[i];
        ck_assert_str_eq(h->method, "SEND");
        ck_assert_str_eq(h->to, p.path);
        ck_assert_str_eq(h->from, local);
        ck_assert_str_eq(h->mid, p.heads[0].mid);
        ck_assert_str_eq(h->range, ranges[i]);
        ck_assert_str_eq(h->ctype, "application/vnd.oma.push");
        ck_assert_str_eq(h->success, "yes");
        ck_assert_int_eq(h->flag, i < 2 ? '+' : '$');
    }
    ck_assert_uint_gt(strlen(p.heads[0].mid), 0);
    ck_assert_uint_eq(p.got_len, 5000);
    ck_assert_mem_eq(p.got, content, 5000);
    peer_close(&p);
}
END_TEST

/* The active end sends a bodiless SEND at once when it has nothing to say
 * (RFC 4975 §5.4). */
START_TEST(first_send_bodiless)
{
    msrp_session_config c;
    msrp_session_config_default(&c);
    peer p;
    peer_open(&p, &c);
    p.answer = 200;
    ck_assert_int_eq(msrp_session_start(p.tx.s), 0);
    peer_pump(&p, 50);
    ck_assert_int_eq(p.sends, 1);
    ck_assert_int_eq(p.body, 0);
    ck_assert(msrp_session_bound(p.tx.s));
    ck_assert_int_eq(msrp_session_pending(p.tx.s), 0);
    ck_assert_int_le(msrp_session_footprint(p.tx.s), 4096);
    peer_close(&p);
}
END_TEST

static Suite *msrp_session_peer_suite(void)
{
    Suite *s = suite_create("msrp_session_peer");
    TCase *tc = tcase_create("peer");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, refused_400);
    tcase_add_test(tc, refused_403);
    tcase_add_test(tc, refused_408);
    tcase_add_test(tc, refused_413);
    tcase_add_test(tc, refused_415);
    tcase_add_test(tc, refused_481);
    tcase_add_test(tc, refused_501);
    tcase_add_test(tc, refused_506);
    tcase_add_test(tc, stop_after_413);
    tcase_add_test(tc, timeout_408);
    tcase_add_test(tc, success_report_late);
    tcase_add_loop_test(tc, success_report_in_pieces, 0, (int)(sizeof pieces / sizeof pieces[0]));
    tcase_add_test(tc, success_report_before_the_last_200);
    tcase_add_loop_test(tc, report_pieces_limit, 0, 2);
    tcase_add_loop_test(tc, drop_after_acks, 0, 6);
    tcase_add_test(tc, sends_carry_the_message);
    tcase_add_test(tc, first_send_bodiless);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_session_peer_suite)
