/* bench_txn.c - `sippush bench txn [--seconds S] [--window N] [--transport udp|tcp]
 *                 [--max-txns N] [--t1 MS]`.
 *
 * Two processes over loopback, each running the real transaction layer on
 * the event loop (sip_txn_tp): the client keeps N MESSAGE transactions
 * outstanding, starting a new one from the callback of each final answer;
 * the server's TU answers every request 200. One JSON line reports the
 * client transactions that ended in a 200 within S seconds.
 *
 * The baseline, measured in the same run on the same loop and sockets: the
 * same request datagrams echoed by a canned answer, window for window, with
 * no SIP in between ("baseline_tps"); "baseline_ratio" = tps / baseline_tps
 * says what the transaction layers cost whatever the machine's load.
 *
 * Steady state: over UDP a server keeps every transaction for timer J
 * (64*T1, 32 s) after its answer, a client for timer K (T4, 5 s); over TCP
 * both are 0. Until the longest of them has run once, nothing is freed and
 * the rate is a burst. The default run lasts that long plus
 * BENCH_STEADY_S, and "steady_tps" is the rate after it ("warmup_s"), with
 * both processes' peak resident memory beside it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "sip_txn_tp.h"
#include "tp_udp.h"

#define BENCH_DEFAULT_WINDOW 256u
#define BENCH_MAX_WINDOW 65536u
/* Transactions each side may hold by default: the server keeps each for
 * timer J (64*T1 = 32 s over UDP), the client for timer K (T4 = 5 s), so a
 * run longer than 32 s holds rate x 32 s on the server: what sip/README.md
 * tells an operator to size max_txns to. The layer's ceiling fits 500,000
 * transactions/s, beyond what loopback carries; memory is taken as
 * transactions live (about 0.75 KiB each once answered), and reported.
 * --max-txns sets the server's (SIP_MAX_TXNS_DEFAULT: the layer's default). */
#define BENCH_MAX_TXNS SIP_MAX_TXNS_LIMIT
/* Receive in large batches: a window's worth of datagrams per wake-up. */
#define BENCH_RX_BATCH 64
#define BENCH_SOCKBUF (4 << 20)
/* Longest baseline run. */
#define BENCH_BASELINE_MAX_S 1.0
/* How long the client waits for the last answers after S seconds. */
#define BENCH_DRAIN_MS 3000
/* Seconds measured past the warm-up by default. */
#define BENCH_STEADY_S 10.0
/* Longest --t1 (RFC 3261 allows larger T1; this is a bench, not a network). */
#define BENCH_MAX_T1_MS 5000u

typedef struct bench_args {
    double seconds; /* 0: the warm-up plus BENCH_STEADY_S */
    unsigned window;
    sip_tp tp;
    uint32_t max_txns, t1_ms;
} bench_args;

/* The longest timer that holds a finished transaction: J (64*T1) on the
 * server over UDP; K (T4) on the client is shorter; none over TCP. */
static double warmup_seconds(const bench_args *a)
{
    return a->tp == SIP_TP_UDP ? 64.0 * a->t1_ms / 1000.0 : 0;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- the server ------------------------------------------------------------ */

typedef struct server {
    sip_txn_tp *a;
    tp_loop *loop;
    tp_udp *echo;
} server;

/* What the echo socket answers: about the size of the server's real 200. */
static const char echo_answer[] = "SIP/2.0 200 OK\r\n"
                                  "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK0000000000000000;rport=40000\r\n"
                                  "From: <sip:client@127.0.0.1>;tag=c1\r\n"
                                  "To: <sip:bench@127.0.0.1>;tag=bench\r\n"
                                  "Call-ID: z9hG4bK0000000000000000@127.0.0.1\r\n"
                                  "CSeq: 1 MESSAGE\r\n"
                                  "Content-Length: 0\r\n\r\n";

static void echo_recv(void *ctx, tp_udp *u, const char *buf, size_t len, const tp_addr *peer)
{
    (void)ctx, (void)buf, (void)len;
    tp_udp_queue(u, peer, echo_answer, sizeof echo_answer - 1);
}

static int open_bench_udp(tp_loop *loop, tp_udp_recv_fn fn, void *ctx, tp_udp **out)
{
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    tp_udp_config uc;
    tp_udp_config_default(&uc);
    uc.on_recv = fn;
    uc.ctx = ctx;
    uc.rx_batch = BENCH_RX_BATCH;
    uc.rcvbuf = uc.sndbuf = BENCH_SOCKBUF;
    return tp_udp_open(loop, &any, &uc, out);
}

static void server_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)req, (void)src;
    server *s = ctx;
    static const sip_txn_reply ok = {.status = 200, .to_tag = SP_LIT("bench")};
    if (st)
        sip_txn_respond(sip_txn_tp_layer(s->a), st, &ok);
}

static void server_stop(tp_loop *loop, int signo, void *ctx)
{
    (void)signo, (void)ctx;
    tp_loop_stop(loop);
}

/* server: --max-txns is the server's (the figure an operator sizes, as
 * rate x timer J); the client keeps the ceiling so that it never sets the pace. */
static void bench_config(sip_txn_tp_config *cfg, const tp_addr *any, const bench_args *a, bool is_server)
{
    memset(cfg, 0, sizeof *cfg);
    sip_txn_config_default(&cfg->txn);
    cfg->txn.max_txns = is_server ? a->max_txns : BENCH_MAX_TXNS;
    cfg->txn.t1_ms = a->t1_ms;
    if (cfg->txn.t2_ms < a->t1_ms)
        cfg->txn.t2_ms = a->t1_ms;
    cfg->udp = any;
    cfg->tcp = any;
    cfg->udp_sockbuf = BENCH_SOCKBUF;
    cfg->udp_rx_batch = BENCH_RX_BATCH;
}

/* Runs until SIGTERM; the bound UDP and TCP ports go up the pipe first. */
static int run_server(int fd, const bench_args *args)
{
    server s = {0};
    s.loop = tp_loop_new();
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    sip_txn_tp_config cfg;
    bench_config(&cfg, &any, args, true);
    cfg.tu.ctx = &s;
    cfg.tu.on_request = server_request;
    uint16_t ports[3] = {0, 0, 0};
    if (s.loop && sip_txn_tp_new(s.loop, &cfg, &s.a) == 0) {
        tp_addr at;
        if (sip_txn_tp_local(s.a, SIP_TP_UDP, &at) == 0)
            ports[0] = tp_addr_port(&at);
        if (sip_txn_tp_local(s.a, SIP_TP_TCP, &at) == 0)
            ports[1] = tp_addr_port(&at);
        if (open_bench_udp(s.loop, echo_recv, NULL, &s.echo) == 0 && tp_udp_local(s.echo, &at) == 0)
            ports[2] = tp_addr_port(&at);
    }
    tp_loop_signal(s.loop, SIGTERM, server_stop, NULL);
    bool ok = write(fd, ports, sizeof ports) == (ssize_t)sizeof ports && ports[0] && ports[1] && ports[2];
    close(fd);
    if (ok)
        tp_loop_run(s.loop);
    if (s.echo)
        tp_udp_close(s.echo);
    sip_txn_tp_free(s.a);
    tp_loop_free(s.loop);
    return ok ? 0 : 1;
}

/* --- the client ------------------------------------------------------------ */

/* A MESSAGE whose branch and Call-ID are patched in place for each request. */
static const char request_fmt[] = "MESSAGE sip:bench@127.0.0.1:%u SIP/2.0\r\n"
                                  "Via: SIP/2.0/%s 127.0.0.1:%u;branch=%s;rport\r\n"
                                  "Max-Forwards: 70\r\n"
                                  "From: <sip:client@127.0.0.1>;tag=c1\r\n"
                                  "To: <sip:bench@127.0.0.1>\r\n"
                                  "Call-ID: %s@127.0.0.1\r\n"
                                  "CSeq: 1 MESSAGE\r\n"
                                  "Content-Type: text/plain\r\n"
                                  "Content-Length: 5\r\n\r\nhello";

typedef struct client {
    sip_txn_tp *a;
    sip_peer dest;
    char req[1024];
    size_t req_len;
    size_t branch_at, callid_at; /* offsets of the two SIP_BRANCH_SIZE - 1 byte fields */
    bool sending;
    uint64_t outstanding, ok, failed, started, not_started;
} client;

static void client_final(void *ctx, sip_txn_id ct, const sip_txn_result *r);

static bool client_start_one(client *c)
{
    sip_txn_layer *L = sip_txn_tp_layer(c->a);
    char branch[SIP_BRANCH_SIZE];
    if (sip_txn_branch_new(L, branch) != 0)
        return false;
    memcpy(c->req + c->branch_at, branch, SIP_BRANCH_SIZE - 1);
    memcpy(c->req + c->callid_at, branch, SIP_BRANCH_SIZE - 1);
    sip_txn_id id;
    if (sip_txn_request(L, c->req, c->req_len, &c->dest, client_final, c, &id) != 0) {
        c->not_started++; /* the window shrinks: said in the result, and the run is not clean */
        return false;
    }
    c->outstanding++;
    c->started++;
    return true;
}

static void client_final(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    (void)ct;
    client *c = ctx;
    if (!r->final)
        return;
    c->outstanding--;
    if (r->status == 200)
        c->ok++;
    else
        c->failed++;
    if (c->sending)
        client_start_one(c);
}

static bool client_prepare(client *c, sip_tp tp, uint16_t port)
{
    const char *placeholder = "z9hG4bK0000000000000000";
    int n = snprintf(c->req, sizeof c->req, request_fmt, (unsigned)port, tp == SIP_TP_UDP ? "UDP" : "TCP",
                     (unsigned)port, placeholder, placeholder);
    if (n <= 0 || (size_t)n >= sizeof c->req)
        return false;
    c->req_len = (size_t)n;
    const char *b = strstr(c->req, placeholder);
    const char *i = b ? strstr(b + 1, placeholder) : NULL;
    if (!b || !i)
        return false;
    c->branch_at = (size_t)(b - c->req);
    c->callid_at = (size_t)(i - c->req);
    return true;
}

/* --- the baseline ---------------------------------------------------------- */

typedef struct echo_client {
    tp_addr server;
    const char *req;
    size_t req_len;
    bool sending;
    uint64_t answers, outstanding;
} echo_client;

static void echo_client_recv(void *ctx, tp_udp *u, const char *buf, size_t len, const tp_addr *peer)
{
    (void)buf, (void)len, (void)peer;
    echo_client *e = ctx;
    e->answers++;
    e->outstanding--;
    if (e->sending && tp_udp_queue(u, &e->server, e->req, e->req_len) == 0)
        e->outstanding++;
}

/* Answers per second of the echo socket with 'window' datagrams in flight. */
static double baseline_tps(const client *c, uint16_t port, unsigned window, double seconds)
{
    tp_loop *loop = tp_loop_new();
    echo_client e = {.req = c->req, .req_len = c->req_len, .sending = true};
    tp_addr_loopback(&e.server, AF_INET, port);
    tp_udp *u = NULL;
    if (!loop || open_bench_udp(loop, echo_client_recv, &e, &u) != 0) {
        tp_loop_free(loop);
        return 0;
    }
    for (unsigned k = 0; k < window; k++)
        if (tp_udp_queue(u, &e.server, e.req, e.req_len) == 0)
            e.outstanding++;
    double t0 = now_seconds(), elapsed;
    while ((elapsed = now_seconds() - t0) < seconds && e.outstanding)
        tp_loop_run_once(loop, 10);
    uint64_t answers = e.answers;
    e.sending = false;
    tp_udp_close(u);
    tp_loop_free(loop);
    return elapsed > 0 ? (double)answers / elapsed : 0;
}

/* What the client measured, printed once the server's memory is known. */
typedef struct bench_result {
    uint64_t ok_in_time, ok_at_warmup, failed, unanswered, not_started, retransmissions;
    double elapsed, warmup_at, base;
} bench_result;

static int run_client(const bench_args *args, const uint16_t ports[3], bench_result *res)
{
    tp_loop *loop = tp_loop_new();
    if (!loop)
        return EXIT_FAIL;
    client c = {0};
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    sip_txn_tp_config cfg;
    bench_config(&cfg, &any, args, false);
    cfg.tcp = NULL;
    int rc = sip_txn_tp_new(loop, &cfg, &c.a);
    if (rc != 0) {
        tp_loop_free(loop);
        fprintf(stderr, "bench: %s\n", strerror(-rc));
        return EXIT_FAIL;
    }
    uint16_t port = args->tp == SIP_TP_UDP ? ports[0] : ports[1];
    tp_addr to;
    tp_addr_loopback(&to, AF_INET, port);
    sip_txn_tp_peer(&to, args->tp, &c.dest);
    if (!client_prepare(&c, args->tp, port)) {
        sip_txn_tp_free(c.a);
        tp_loop_free(loop);
        return EXIT_FAIL;
    }

    double base_s = args->seconds < BENCH_BASELINE_MAX_S ? args->seconds : BENCH_BASELINE_MAX_S;
    res->base = args->tp == SIP_TP_UDP ? baseline_tps(&c, ports[2], args->window, base_s) : 0;
    double warmup = warmup_seconds(args);
    res->warmup_at = -1;

    tp_loop_update_time(loop);
    c.sending = true;
    for (unsigned k = 0; k < args->window; k++)
        if (!client_start_one(&c))
            break;
    double t0 = now_seconds(), elapsed = 0;
    while ((elapsed = now_seconds() - t0) < args->seconds && c.outstanding) {
        if (res->warmup_at < 0 && elapsed >= warmup) {
            res->warmup_at = elapsed;
            res->ok_at_warmup = c.ok;
        }
        tp_loop_run_once(loop, 10);
    }
    res->ok_in_time = c.ok;
    res->elapsed = elapsed;
    c.sending = false;
    double drain_end = now_seconds() + BENCH_DRAIN_MS / 1000.0;
    while (c.outstanding && now_seconds() < drain_end)
        tp_loop_run_once(loop, 10);
    res->failed = c.failed;
    res->unanswered = c.outstanding;
    res->not_started = c.not_started;
    res->retransmissions = sip_txn_retransmissions(sip_txn_tp_layer(c.a));
    bool clean = c.failed == 0 && c.outstanding == 0 && c.not_started == 0 && res->ok_in_time > 0;
    sip_txn_tp_free(c.a);
    tp_loop_free(loop);
    return clean ? EXIT_OK : EXIT_FAIL;
}

static void print_result(const bench_args *args, const bench_result *r, long server_rss_kb)
{
    json_out jo, *j = &jo;
    json_init(j, stdout);
    double tps = r->elapsed > 0 ? (double)r->ok_in_time / r->elapsed : 0;
    double steady_s = r->warmup_at >= 0 ? r->elapsed - r->warmup_at : 0;
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    json_object_begin(j);
    json_kv_cstr(j, "bench", "txn");
    json_kv_cstr(j, "transport", args->tp == SIP_TP_UDP ? "udp" : "tcp");
    json_kv_u64(j, "transactions", r->ok_in_time);
    json_kv_double(j, "seconds", r->elapsed);
    json_kv_double(j, "tps", tps);
    json_kv_u64(j, "retransmissions", r->retransmissions);
    json_kv_u64(j, "window", args->window);
    if (args->tp == SIP_TP_UDP) {
        json_kv_double(j, "baseline_tps", r->base);
        json_kv_double(j, "baseline_ratio", r->base > 0 ? tps / r->base : 0);
    }
    json_kv_u64(j, "failed", r->failed);
    json_kv_u64(j, "unanswered", r->unanswered);
    json_kv_u64(j, "not_started", r->not_started);
    json_kv_u64(j, "max_txns", args->max_txns);
    json_kv_u64(j, "t1_ms", args->t1_ms);
    json_kv_double(j, "warmup_s", warmup_seconds(args));
    /* a rate only once every held transaction has been freed at least once */
    json_kv_bool(j, "steady", steady_s > 0);
    json_kv_double(j, "steady_seconds", steady_s);
    double steady_tps = steady_s > 0 ? (double)(r->ok_in_time - r->ok_at_warmup) / steady_s : 0;
    if (steady_s > 0)
        json_kv_double(j, "steady_tps", steady_tps);
    else
        json_kv_null(j, "steady_tps");
    if (args->tp == SIP_TP_UDP && steady_s > 0 && r->base > 0)
        json_kv_double(j, "steady_baseline_ratio", steady_tps / r->base);
    else if (args->tp == SIP_TP_UDP)
        json_kv_null(j, "steady_baseline_ratio");
    if (server_rss_kb >= 0)
        json_kv_u64(j, "server_peak_rss_kb", (uint64_t)server_rss_kb);
    else
        json_kv_null(j, "server_peak_rss_kb");
    json_kv_u64(j, "client_peak_rss_kb", (uint64_t)self.ru_maxrss);
    json_object_end(j);
    json_line_end(j);
}

static bool parse_args(int argc, char **argv, bench_args *args)
{
    args->seconds = 0;
    args->window = BENCH_DEFAULT_WINDOW;
    args->tp = SIP_TP_UDP;
    args->max_txns = BENCH_MAX_TXNS;
    args->t1_ms = SIP_T1_MS_DEFAULT;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc)
            return false;
        const char *v = argv[++i];
        uint64_t n;
        if (!strcmp(argv[i - 1], "--seconds")) {
            char *end;
            args->seconds = strtod(v, &end);
            if (*end || !(args->seconds > 0) || args->seconds > 3600)
                return false;
        } else if (!strcmp(argv[i - 1], "--window")) {
            if (!sp_str_to_u64(sp_str_cstr(v), BENCH_MAX_WINDOW, &n) || n == 0)
                return false;
            args->window = (unsigned)n;
        } else if (!strcmp(argv[i - 1], "--max-txns")) {
            if (!sp_str_to_u64(sp_str_cstr(v), SIP_MAX_TXNS_LIMIT, &n) || n == 0)
                return false;
            args->max_txns = (uint32_t)n;
        } else if (!strcmp(argv[i - 1], "--t1")) {
            if (!sp_str_to_u64(sp_str_cstr(v), BENCH_MAX_T1_MS, &n) || n == 0)
                return false;
            args->t1_ms = (uint32_t)n;
        } else if (!strcmp(argv[i - 1], "--transport")) {
            if (!strcmp(v, "udp"))
                args->tp = SIP_TP_UDP;
            else if (!strcmp(v, "tcp"))
                args->tp = SIP_TP_TCP;
            else
                return false;
        } else {
            return false;
        }
    }
    if (args->seconds == 0)
        args->seconds = warmup_seconds(args) + BENCH_STEADY_S;
    return true;
}

int bench_txn(int argc, char **argv)
{
    bench_args args;
    if (!parse_args(argc, argv, &args)) {
        fprintf(stderr, "usage: sippush bench txn [--seconds S] [--window N] [--transport udp|tcp] [--max-txns N] "
                        "[--t1 MS]\n");
        return EXIT_USAGE;
    }
    int p[2];
    if (pipe(p) != 0)
        return EXIT_FAIL;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return EXIT_FAIL;
    if (pid == 0) {
        close(p[0]);
        _exit(run_server(p[1], &args));
    }
    close(p[1]);
    uint16_t ports[3] = {0, 0, 0};
    ssize_t got;
    do
        got = read(p[0], ports, sizeof ports);
    while (got < 0 && errno == EINTR);
    close(p[0]);
    int rc = EXIT_FAIL;
    bench_result res = {0};
    bool started = got == (ssize_t)sizeof ports && ports[0] && ports[1] && ports[2];
    if (started)
        rc = run_client(&args, ports, &res);
    else
        fprintf(stderr, "bench: the server did not start\n");
    kill(pid, SIGTERM);
    int status;
    struct rusage ru;
    pid_t w;
    while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
        ;
    if (started)
        print_result(&args, &res, w == pid ? ru.ru_maxrss : -1);
    return rc;
}
