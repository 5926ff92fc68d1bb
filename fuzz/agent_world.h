/* agent_world.h - the world the push agent harnesses (fuzz_push_pra.c,
 * fuzz_push_psa.c) put an agent in: a fake clock whose timers (the layer's,
 * the agent's, the session-mode agents') fire in order when it is moved on,
 * a transaction layer whose sends are recorded, and one loopback MSRP
 * connection to the agent, on a real loop that is run between steps.
 *
 * An input is a sequence of steps separated by "\n%%\n" (the record format
 * of fuzz/sip_txn.c). Steps every harness takes:
 *
 *   R<message>   a SIP message from the peer (UDP, 127.0.0.2:5070)
 *   A<status>[ <k>][\n<header lines>[\r\n<body>]]
 *                the peer answers the k-th last request the agent sent
 *                (1: the last), with those headers and that body
 *   T<ms>        the clock moves on by ms (at most 4,000,000)
 *   M<bytes>     bytes written on the MSRP connection (opened first when
 *                the agent listens: the peer is then the active end)
 *   K<status>    every MSRP request the agent sent since the last K is
 *                answered with status
 *
 * and the harness adds its own letters. In R, A and M, stand-ins let the
 * peer speak of what the agent made (a fuzzer cannot guess them):
 *
 *   @b @c @f @n  branch, Call-ID, From tag and CSeq number of the last
 *                request the agent sent
 *   @t           To tag of the last response the agent sent
 *   @T           To tag of the last answer an A step built
 *   @L           the agent's MSRP URI (the last a=path it sent)
 *   @P           the peer's MSRP URI
 *   @I @M        transaction id and Message-ID of the last MSRP request
 *                the agent sent
 *   @#           the length of the body (what follows the first empty line)
 *
 * One world at a time: the harness runs one input after another. */
#ifndef SIPPUSH_FUZZ_AGENT_WORLD_H
#define SIPPUSH_FUZZ_AGENT_WORLD_H

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msrp_session.h"
#include "msrp_tp.h"
#include "push_agent.h"
#include "sip_stateless.h"
#include "sip_txn.h"
#include "tp_addr.h"
#include "tp_loop.h"

#define W_DELIM "\n%%\n"
#define W_TIMERS 512
#define W_SENT 8
#define W_MSG_MAX 16384
#define W_TOKEN_MAX 256
#define W_MSRP_IN_MAX 65536
#define W_MSRP_TIDS 64
#define W_ADVANCE_MAX 4000000u
#define W_MAX_TXNS 64
#define W_PEER_HOST "127.0.0.2"
#define W_PEER_PORT 5070
#define W_PEER_MSRP_ID "fzpeer0123456789"

/* A violated invariant: says which, then aborts (the fuzzer's crash). */
#define W_FAIL(why) (fprintf(stderr, "invariant: %s (%s:%d)\n", why, __FILE__, __LINE__), abort())

typedef struct w_timer {
    bool armed, agent;
    uint64_t handle, at, cookie;
} w_timer;

typedef struct w_sent {
    char buf[W_MSG_MAX];
    size_t len;
    sip_peer to;
} w_sent;

typedef struct world {
    uint64_t now;
    sip_txn_layer *L;
    sip_txn_tu tu; /* the agent's */
    push_env env;  /* the agent's timers on the fake clock */
    void (*agent_timer)(uint64_t cookie);
    w_timer timers[W_TIMERS];
    uint64_t next_handle;
    /* the requests the agent sent, newest last (a ring) */
    w_sent sent[W_SENT];
    size_t nsent;
    /* stand-ins */
    char branch[W_TOKEN_MAX], call_id[W_TOKEN_MAX], from_tag[W_TOKEN_MAX], cseq[W_TOKEN_MAX];
    char resp_tag[W_TOKEN_MAX], our_tag[W_TOKEN_MAX];
    char msrp_local[W_TOKEN_MAX], msrp_peer[W_TOKEN_MAX];
    char msrp_tid[W_TOKEN_MAX], msrp_mid[W_TOKEN_MAX];
    /* MSRP: the connection, what came back, the requests not yet answered */
    int fd;
    bool agent_listens;  /* the agent is the passive end: the peer connects */
    uint16_t agent_port; /* where it listens */
    char in[W_MSRP_IN_MAX];
    size_t in_len, in_scanned;
    char tids[W_MSRP_TIDS][W_TOKEN_MAX];
    size_t ntids;
} world;

static world W;

/* Process-wide: the loop, the MSRP endpoint and, for an agent that
 * connects, the peer's listener. */
static tp_loop *w_loop;
static msrp_endpoint *w_ep;
static int w_listener = -1;
static uint16_t w_listener_port;

/* --- clock and timers ------------------------------------------------------- */

static inline uint64_t w_now(void *ctx) { return (void)ctx, W.now; }

static inline uint64_t w_arm(uint64_t delay, uint64_t cookie, bool agent)
{
    for (size_t i = 0; i < W_TIMERS; i++)
        if (!W.timers[i].armed) {
            W.timers[i] = (w_timer){.armed = true, .agent = agent, .handle = ++W.next_handle,
                                    .at = W.now + delay, .cookie = cookie};
            return W.timers[i].handle;
        }
    abort(); /* hundreds of timers for a handful of objects: a leak */
}

static inline uint64_t w_layer_timer_start(void *ctx, uint64_t d, uint64_t c) { return (void)ctx, w_arm(d, c, false); }
static inline uint64_t w_agent_timer_start(void *ctx, uint64_t d, uint64_t c) { return (void)ctx, w_arm(d, c, true); }

static inline void w_timer_cancel(void *ctx, uint64_t handle)
{
    (void)ctx;
    for (size_t i = 0; i < W_TIMERS; i++)
        if (W.timers[i].armed && W.timers[i].handle == handle)
            W.timers[i].armed = false;
}

static inline size_t w_timers_armed(void)
{
    size_t n = 0;
    for (size_t i = 0; i < W_TIMERS; i++)
        n += W.timers[i].armed;
    return n;
}

static inline void w_pump(void);

static inline void w_advance(uint64_t ms)
{
    uint64_t end = W.now + ms;
    for (;;) {
        w_timer *t = NULL;
        for (size_t i = 0; i < W_TIMERS; i++) {
            w_timer *x = &W.timers[i];
            if (x->armed && x->at <= end && (!t || x->at < t->at || (x->at == t->at && x->handle < t->handle)))
                t = x;
        }
        if (!t)
            break;
        W.now = t->at;
        t->armed = false;
        if (t->agent)
            W.agent_timer(t->cookie);
        else
            sip_txn_timer(W.L, t->cookie);
    }
    W.now = end;
    w_pump();
}

/* --- what the agent sends ---------------------------------------------------- */

static inline void w_copy_token(char *out, sp_str v)
{
    size_t n = v.p && v.n < W_TOKEN_MAX ? v.n : 0;
    memcpy(out, v.p ? v.p : "", n);
    out[n] = '\0';
}

/* The value of the tag parameter in a From or To value. */
static inline sp_str w_tag_of(sp_str v)
{
    for (size_t i = 0; v.p && i + 4 < v.n; i++)
        if (!strncmp(v.p + i, "tag=", 4) && i > 0 && v.p[i - 1] == ';') {
            size_t j = i + 4;
            while (j < v.n && v.p[j] != ';' && v.p[j] != '>' && v.p[j] != ' ' && v.p[j] != ',')
                j++;
            return sp_str_make(v.p + i + 4, j - i - 4);
        }
    return SP_STR_NULL;
}

static inline sp_str w_header(const sip_msg *m, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(m, id);
    return h ? h->value : SP_STR_NULL;
}

/* The last a=path of an SDP body. */
static inline void w_note_path(sp_str body)
{
    for (size_t i = 0; body.p && i + 7 < body.n; i++)
        if (!strncmp(body.p + i, "a=path:", 7)) {
            size_t j = i + 7;
            while (j < body.n && body.p[j] != '\r' && body.p[j] != '\n')
                j++;
            /* the last URI of the path names the agent itself */
            size_t k = j;
            while (k > i + 7 && body.p[k - 1] != ' ')
                k--;
            w_copy_token(W.msrp_local, sp_str_make(body.p + k, j - k));
        }
}

/* FUZZ_TRACE=1 in the environment: every SIP message on stderr. */
static inline void w_trace(const char *dir, const char *buf, size_t len)
{
    static int on = -1;
    if (on < 0)
        on = getenv("FUZZ_TRACE") != NULL;
    if (on)
        fprintf(stderr, "%s %.*s\n", dir, (int)len, buf);
}

static inline int w_send(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    (void)ctx;
    w_trace("<<<", buf, len);
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg m;
    bool response = len >= 8 && !memcmp(buf, "SIP/2.0 ", 8);
    if (sip_msg_parse(buf, len, &m, hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, NULL) < 0) {
        if (!response)
            abort(); /* the agent built a request that does not parse */
        return 0;    /* an answer to bytes that did not parse may echo them */
    }
    w_note_path(m.body);
    if (m.is_request) {
        if (len > W_MSG_MAX)
            abort();
        w_sent *s = &W.sent[W.nsent++ % W_SENT];
        memcpy(s->buf, buf, len);
        s->len = len;
        s->to = *dest;
        sip_via via;
        if (sip_via_parse(w_header(&m, SIP_H_VIA), &via, NULL) == 0)
            w_copy_token(W.branch, via.branch);
        w_copy_token(W.call_id, w_header(&m, SIP_H_CALL_ID));
        w_copy_token(W.from_tag, w_tag_of(w_header(&m, SIP_H_FROM)));
        sp_str cseq = w_header(&m, SIP_H_CSEQ);
        size_t n = 0;
        while (cseq.p && n < cseq.n && cseq.p[n] >= '0' && cseq.p[n] <= '9')
            n++;
        w_copy_token(W.cseq, sp_str_make(cseq.p, n));
    } else {
        w_copy_token(W.resp_tag, w_tag_of(w_header(&m, SIP_H_TO)));
    }
    return 0;
}

/* --- stand-ins ---------------------------------------------------------------- */

/* The input with its stand-ins replaced; NUL-terminated, length in *n. */
static inline char *w_expand(const char *p, size_t len, size_t *n)
{
    size_t ats = 0;
    for (size_t i = 0; i < len; i++)
        ats += p[i] == '@';
    char *out = malloc(len + ats * W_TOKEN_MAX + 64);
    if (!out)
        abort();
    size_t o = 0, hash_at = SIZE_MAX;
    for (size_t i = 0; i < len; i++) {
        const char *v = NULL;
        if (p[i] == '@' && i + 1 < len) {
            switch (p[i + 1]) {
            case 'b': v = W.branch; break;
            case 'c': v = W.call_id; break;
            case 'f': v = W.from_tag; break;
            case 'n': v = W.cseq; break;
            case 't': v = W.resp_tag; break;
            case 'T': v = W.our_tag; break;
            case 'L': v = W.msrp_local; break;
            case 'P': v = W.msrp_peer; break;
            case 'I': v = W.msrp_tid; break;
            case 'M': v = W.msrp_mid; break;
            case '#':
                if (hash_at == SIZE_MAX) {
                    hash_at = o;
                    v = "";
                }
                break;
            default: break;
            }
        }
        if (v) {
            size_t vn = strlen(v);
            memcpy(out + o, v, vn);
            o += vn;
            i++;
        } else {
            out[o++] = p[i];
        }
    }
    out[o] = '\0';
    if (hash_at != SIZE_MAX) {
        const char *blank = strstr(out, "\r\n\r\n");
        size_t body = blank ? o - (size_t)(blank + 4 - out) : 0;
        char digits[24];
        int dn = snprintf(digits, sizeof digits, "%zu", body);
        memmove(out + hash_at + (size_t)dn, out + hash_at, o - hash_at + 1);
        memcpy(out + hash_at, digits, (size_t)dn);
        o += (size_t)dn;
    }
    *n = o;
    return out;
}

/* --- steps ---------------------------------------------------------------------- */

static inline uint64_t w_number(const char *p, size_t n, uint64_t max)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
        if ((v = v * 10 + (uint64_t)(p[i] - '0')) > max)
            return max;
    return v;
}

static inline sip_peer w_peer(const char *host, uint16_t port)
{
    sip_peer src;
    memset(&src, 0, sizeof src);
    src.tp = SIP_TP_UDP;
    src.port = port;
    snprintf(src.host, sizeof src.host, "%s", host);
    return src;
}

static inline void w_receive(const char *p, size_t len)
{
    size_t n;
    char *m = w_expand(p, len, &n);
    sip_peer src = w_peer(W_PEER_HOST, W_PEER_PORT);
    w_trace(">>>", m, n);
    sip_txn_receive(W.L, m, n, &src);
    free(m);
}

/* A<status>[ <k>][\n<header lines>[\r\n<body>]] */
static inline void w_answer(const char *p, size_t len)
{
    const char *nl = memchr(p, '\n', len);
    size_t head = nl ? (size_t)(nl - p) : len;
    unsigned status = (unsigned)w_number(p, head, 699);
    const char *sp = memchr(p, ' ', head);
    size_t k = sp ? (size_t)w_number(sp + 1, head - (size_t)(sp + 1 - p), W_SENT) : 1;
    if (status < 100 || k == 0 || k > W_SENT || k > W.nsent)
        return;
    const w_sent *s = &W.sent[(W.nsent - k) % W_SENT];
    size_t xn = 0;
    char *extra = w_expand(nl ? nl + 1 : p + len, nl ? len - head - 1 : 0, &xn);
    char *blank = strstr(extra, "\r\n\r\n");
    const char *body = blank ? blank + 4 : "";
    if (blank)
        blank[2] = '\0'; /* the header lines keep their last CRLF */
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg req;
    static char out[W_MSG_MAX], msg[2 * W_MSG_MAX];
    long rn;
    if (sip_msg_parse(s->buf, s->len, &req, hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, NULL) < 0 ||
        (rn = sip_stateless_build(&req, status, SP_STR_NULL, sp_str_cstr(blank || xn ? extra : ""), out,
                                  sizeof out)) < 0) {
        free(extra);
        return;
    }
    /* the answer ends in an empty body: ours goes in its place */
    size_t bl = strlen(body);
    char *cl = strstr(out, "Content-Length: 0\r\n\r\n");
    int mn = cl && bl ? snprintf(msg, sizeof msg, "%.*sContent-Length: %zu\r\n\r\n%s", (int)(cl - out), out, bl, body)
                      : snprintf(msg, sizeof msg, "%.*s", (int)rn, out);
    free(extra);
    sip_msg resp;
    if (sip_msg_parse(msg, (size_t)mn, &resp, hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, NULL) >= 0)
        w_copy_token(W.our_tag, w_tag_of(w_header(&resp, SIP_H_TO)));
    size_t len_in = (size_t)mn < sizeof msg ? (size_t)mn : sizeof msg - 1;
    w_trace(">>>", msg, len_in);
    sip_txn_receive(W.L, msg, len_in, &s->to);
}

/* --- MSRP ------------------------------------------------------------------------- */

/* Notes the transaction ids of the requests in what came back. */
static inline void w_msrp_scan(void)
{
    for (size_t i = W.in_scanned; i + 5 < W.in_len; i++) {
        if (strncmp(W.in + i, "MSRP ", 5) || (i > 0 && W.in[i - 1] != '\n'))
            continue;
        const char *tid = W.in + i + 5, *end = W.in + W.in_len;
        const char *e = tid;
        while (e < end && *e != ' ' && *e != '\r')
            e++;
        if (e >= end || *e != ' ' || e - tid >= W_TOKEN_MAX)
            continue;
        const char *meth = e + 1;
        if (end - meth >= 4 && (!strncmp(meth, "SEND", 4) || !strncmp(meth, "REPORT", 4 + (end - meth >= 6) * 2))) {
            w_copy_token(W.msrp_tid, sp_str_make(tid, (size_t)(e - tid)));
            if (!strncmp(meth, "SEND", 4) && W.ntids < W_MSRP_TIDS)
                w_copy_token(W.tids[W.ntids++], sp_str_make(tid, (size_t)(e - tid)));
            const char *mid = memmem(meth, (size_t)(end - meth), "Message-ID: ", 12);
            if (mid) {
                const char *me = mid + 12;
                while (me < end && *me != '\r')
                    me++;
                w_copy_token(W.msrp_mid, sp_str_make(mid + 12, (size_t)(me - mid - 12)));
            }
        }
    }
    W.in_scanned = W.in_len > 5 ? W.in_len - 5 : 0;
}

/* Runs the loop until it is idle for a few turns, reading what the agent
 * sends on the MSRP connection (accepting it first when the agent connects). */
static inline void w_pump(void)
{
    for (int turn = 0; turn < 8; turn++) {
        int work = tp_loop_run_once(w_loop, 0);
        if (W.fd < 0 && w_listener >= 0) {
            int c = accept4(w_listener, NULL, NULL, SOCK_NONBLOCK);
            if (c >= 0) {
                W.fd = c;
                work = 1;
            }
        }
        if (W.fd >= 0) {
            for (;;) {
                if (W.in_len == sizeof W.in) {
                    W.in_len = W.in_scanned = 0; /* what was scanned is no longer needed */
                }
                ssize_t r = recv(W.fd, W.in + W.in_len, sizeof W.in - W.in_len, 0);
                if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                    /* the agent closed it: the next M step opens (or takes) another */
                    close(W.fd);
                    W.fd = -1;
                    W.in_len = W.in_scanned = W.ntids = 0;
                    break;
                }
                if (r < 0)
                    break;
                w_trace("<<< msrp", W.in + W.in_len, (size_t)r);
                W.in_len += (size_t)r;
                work = 1;
            }
            if (W.fd >= 0)
                w_msrp_scan();
        }
        if (work <= 0 && turn >= 2)
            break;
    }
}

static inline void w_msrp_connect(void)
{
    if (W.fd >= 0 || !W.agent_listens)
        return;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(W.agent_port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0)
        abort();
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS) {
        close(fd);
        return;
    }
    W.fd = fd;
    w_pump();
}

static inline void w_msrp_write(const char *p, size_t len)
{
    w_msrp_connect();
    if (W.fd < 0)
        return;
    size_t n;
    char *m = w_expand(p, len, &n);
    size_t off = 0;
    w_trace(">>> msrp", m, n);
    for (int tries = 0; off < n && tries < 64; tries++) {
        ssize_t r = send(W.fd, m + off, n - off, MSG_NOSIGNAL);
        if (r > 0)
            off += (size_t)r;
        w_pump();
    }
    free(m);
    w_pump();
}

/* K<status> */
static inline void w_msrp_ack(const char *p, size_t len)
{
    unsigned status = (unsigned)w_number(p, len, 999);
    char buf[1024];
    for (size_t i = 0; i < W.ntids && W.fd >= 0; i++) {
        int n = snprintf(buf, sizeof buf, "MSRP %s %03u OK\r\nTo-Path: %s\r\nFrom-Path: %s\r\n-------%s$\r\n",
                         W.tids[i], status, W.msrp_local, W.msrp_peer, W.tids[i]);
        if (send(W.fd, buf, (size_t)n, MSG_NOSIGNAL) < 0)
            break;
    }
    W.ntids = 0;
    w_pump();
}

/* --- the world --------------------------------------------------------------------- */

static inline void w_layer_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)ctx;
    if (W.tu.on_request)
        W.tu.on_request(W.tu.ctx, st, req, src);
}

static inline void w_layer_server_end(void *ctx, sip_txn_id st, sip_txn_end why)
{
    (void)ctx;
    if (W.tu.on_server_end)
        W.tu.on_server_end(W.tu.ctx, st, why);
}

static inline bool w_layer_stateless(void *ctx, const sip_msg *req, const sip_peer *src, sip_txn_reply *reply)
{
    (void)ctx;
    return W.tu.on_stateless_request && W.tu.on_stateless_request(W.tu.ctx, req, src, reply);
}

/* Once per process: the loop and the endpoint; a listener for the peer's
 * MSRP end when the agent connects (peer_listens), else the endpoint's. */
static inline void w_init_process(bool peer_listens)
{
    if (w_loop)
        return;
    w_loop = tp_loop_new();
    if (!w_loop || msrp_endpoint_new(w_loop, NULL, &w_ep) != 0)
        abort();
    if (peer_listens) {
        w_listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t al = sizeof a;
        if (w_listener < 0 || bind(w_listener, (struct sockaddr *)&a, sizeof a) != 0 || listen(w_listener, 64) != 0 ||
            getsockname(w_listener, (struct sockaddr *)&a, &al) != 0)
            abort();
        w_listener_port = ntohs(a.sin_port);
    } else {
        tp_addr bind_to, bound;
        if (tp_addr_parse("127.0.0.1", 9, 0, &bind_to) < 0 || msrp_endpoint_listen(w_ep, &bind_to, &bound) != 0)
            abort();
        w_listener_port = tp_addr_port(&bound);
    }
}

static inline push_local w_local(void)
{
    push_local l;
    memset(&l, 0, sizeof l);
    snprintf(l.host, sizeof l.host, "127.0.0.1");
    l.udp_port = 5060;
    return l;
}

static inline void w_open(sp_str allow, sp_str supported, void (*agent_timer)(uint64_t cookie), bool peer_listens)
{
    w_init_process(peer_listens);
    memset(&W, 0, sizeof W);
    W.fd = -1;
    W.now = 1000000;
    W.agent_timer = agent_timer;
    W.agent_listens = !peer_listens;
    W.agent_port = w_listener_port;
    snprintf(W.msrp_peer, sizeof W.msrp_peer, "msrp://127.0.0.1:%u/" W_PEER_MSRP_ID ";tcp",
             peer_listens ? w_listener_port : 9);
    sip_txn_config c;
    sip_txn_config_default(&c);
    c.allow = allow;
    c.supported = supported;
    c.max_txns = W_MAX_TXNS;
    sip_txn_env env = {.now_ms = w_now, .send = w_send, .timer_start = w_layer_timer_start,
                       .timer_cancel = w_timer_cancel};
    sip_txn_tu tu = {.on_request = w_layer_request, .on_server_end = w_layer_server_end,
                     .on_stateless_request = w_layer_stateless};
    W.L = sip_txn_layer_new(&c, &env, &tu);
    if (!W.L)
        abort();
    W.env = (push_env){.now_ms = w_now, .timer_start = w_agent_timer_start, .timer_cancel = w_timer_cancel};
}

/* Runs one step of the common kinds; false when op is not one of them. */
static inline bool w_step(const char *op, size_t n)
{
    const char *arg = op + 1;
    size_t an = n - 1;
    switch (op[0]) {
    case 'R': w_receive(arg, an); break;
    case 'A': w_answer(arg, an); break;
    case 'T': w_advance(w_number(arg, an, W_ADVANCE_MAX)); break;
    case 'M': w_msrp_write(arg, an); break;
    case 'K': w_msrp_ack(arg, an); break;
    default: return false;
    }
    w_pump();
    if (sip_txn_count(W.L) > W_MAX_TXNS)
        abort();
    return true;
}

/* Calls step on each record of the input. */
static inline void w_run(const uint8_t *data, size_t size, void (*step)(const char *op, size_t n))
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *d = memmem(p, (size_t)(end - p), W_DELIM, sizeof W_DELIM - 1);
        size_t n = d ? (size_t)(d - p) : (size_t)(end - p);
        if (n)
            step(p, n);
        p += n + (d ? sizeof W_DELIM - 1 : 0);
    }
}

/* Moves the clock on until no timer is armed (at most 'rounds' steps of an
 * hour); true when none is left. */
static inline bool w_settle(int rounds)
{
    for (int i = 0; i < rounds && w_timers_armed(); i++)
        w_advance(3600000);
    for (size_t i = 0; i < W_TIMERS; i++)
        if (W.timers[i].armed)
            fprintf(stderr, "armed: %s timer, cookie kind %#x id %llu, due in %llu ms\n",
                    W.timers[i].agent ? "agent" : "layer", push_cookie_kind(W.timers[i].cookie),
                    (unsigned long long)push_cookie_id(W.timers[i].cookie),
                    (unsigned long long)(W.timers[i].at - W.now));
    return w_timers_armed() == 0;
}

/* Closes the peer's MSRP end and lets the endpoint see it; drains
 * connections the agent opened that were never taken. */
static inline void w_close_msrp(void)
{
    if (W.fd >= 0)
        close(W.fd);
    W.fd = -1;
    for (int i = 0; i < 4; i++) {
        tp_loop_run_once(w_loop, 0);
        int c;
        while (w_listener >= 0 && (c = accept4(w_listener, NULL, NULL, SOCK_NONBLOCK)) >= 0)
            close(c);
    }
}

#endif
