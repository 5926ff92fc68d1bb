/* cmd_bench_msrp.c - `sippush bench msrp`: a sender and a receiver process
 * over loopback TCP through the real session code (framing, pipelining,
 * reassembly into memory, responses, success reports), then, in the same
 * run, a raw TCP pump moving the same bytes in writes of the chunk size:
 * tcp_ratio is our MB/s over the pump's.
 *
 * The content goes as messages of at most BENCH_MESSAGE bytes, all alike,
 * so that with --sha1 the receiver checks each against one offered hash.
 * By default the sender sends them from memory and the receiver
 * reassembles them in memory; --file PATH sends that file (one message of
 * its size, read with pread as `sippush send` reads it) and --out DIR has
 * the receiver write each message to a file there, as `sippush recv --out`
 * does (the file is removed once received): disk to disk. The pump then
 * reads the same file too. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_msrp.h"
#include "cli.h"
#include "msrp_session.h"
#include "msrp_tp.h"
#include "sp_sha1.h"

#define BENCH_MESSAGE (16u << 20)
#define BENCH_BYTES_DEFAULT (256ull << 20)
#define BENCH_TIMEOUT_MS 120000

typedef struct bench_args {
    uint32_t chunk;
    uint64_t bytes;
    bool sha1;
    uint32_t pipeline;
    const char *file;    /* content from this file, or NULL: from memory */
    const char *out_dir; /* received into files there, or NULL: into memory */
} bench_args;

typedef struct bench_side {
    tp_loop *loop;
    uint64_t messages, done, failed;
    bool closed;
    bool remove_received; /* file sinks: the bench keeps nothing */
} bench_side;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_event(void *ctx, msrp_session *s, const msrp_event_info *ev)
{
    (void)s;
    bench_side *b = ctx;
    switch (ev->type) {
    case MSRP_EV_RECEIVED:
        if (b->remove_received && ev->sink && msrp_sink_path(ev->sink))
            unlink(msrp_sink_path(ev->sink));
        b->done++;
        break;
    case MSRP_EV_SENT:
        b->done++;
        break;
    case MSRP_EV_SEND_FAILED:
    case MSRP_EV_DISCARDED:
        b->failed++;
        break;
    case MSRP_EV_CLOSED:
        b->closed = true;
        break;
    default:
        break;
    }
    if (b->done + b->failed >= b->messages || b->closed)
        tp_loop_stop(b->loop);
}

static bool read_all(int fd, void *buf, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

static bool write_all(int fd, const void *buf, size_t n)
{
    for (size_t put = 0; put < n;) {
        ssize_t r = write(fd, (const char *)buf + put, n - put);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        put += (size_t)r;
    }
    return true;
}

/* A length-prefixed string over a pipe. */
static bool send_str(int fd, sp_str s)
{
    uint32_t n = (uint32_t)s.n;
    return write_all(fd, &n, sizeof n) && write_all(fd, s.p, s.n);
}

static bool recv_str(int fd, char *buf, size_t cap, size_t *len)
{
    uint32_t n;
    if (!read_all(fd, &n, sizeof n) || n > cap)
        return false;
    *len = n;
    return read_all(fd, buf, n);
}

typedef struct run_plan {
    uint64_t msg_size, messages;
    uint8_t *content; /* NULL: the content is file 'fd' */
    int fd;
    uint8_t sha1[SP_SHA1_LEN];
} run_plan;

/* The receiving process: a passive session taking plan->messages. */
static int run_receiver(const bench_args *a, const run_plan *plan, int in, int out)
{
    /* Freed message buffers are kept for the next message rather than
     * returned to the kernel and faulted in again. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    bench_side b = {.messages = plan->messages, .remove_received = a->out_dir != NULL};
    b.loop = tp_loop_new();
    msrp_endpoint *ep;
    tp_addr any, bound;
    tp_addr_loopback(&any, AF_INET, 0);
    if (!b.loop || msrp_endpoint_new(b.loop, NULL, &ep) < 0 || msrp_endpoint_listen(ep, &any, &bound) < 0)
        return EXIT_FAIL;
    msrp_session_config cfg;
    msrp_session_config_default(&cfg);
    cfg.local_port = tp_addr_port(&bound);
    cfg.setup = MSRP_SETUP_PASSIVE;
    cfg.on_event = on_event;
    cfg.ctx = &b;
    cfg.rx_limits.max_size = plan->msg_size;
    cfg.rx_dir = a->out_dir;
    if (a->sha1) {
        cfg.rx_expect.has_sha1 = true;
        memcpy(cfg.rx_expect.sha1, plan->sha1, SP_SHA1_LEN);
    } else {
        cfg.rx_expect.skip_sha1 = true;
    }
    msrp_session *s;
    if (msrp_session_new(ep, &cfg, &s) < 0 || !send_str(out, msrp_session_local_uri(s)))
        return EXIT_FAIL;
    char peer[MSRP_PATH_MAX];
    size_t plen;
    if (!recv_str(in, peer, sizeof peer, &plen) || msrp_session_set_peer(s, sp_str_make(peer, plen)) < 0 ||
        msrp_session_start(s) < 0)
        return EXIT_FAIL;
    tp_loop_run(b.loop);
    /* The last responses and REPORTs go out before the process ends. */
    for (int i = 0; i < 10; i++)
        tp_loop_run_once(b.loop, 5);
    uint64_t result[2] = {b.done, b.failed};
    write_all(out, result, sizeof result);
    msrp_session_free(s);
    tp_loop_run_once(b.loop, 0);
    msrp_endpoint_free(ep);
    tp_loop_free(b.loop);
    return b.done == plan->messages ? EXIT_OK : EXIT_FAIL;
}

/* The sending process: an active session; returns the seconds it took. */
static double run_sender(const bench_args *a, const run_plan *plan, int in, int out, bool *ok)
{
    *ok = false;
    bench_side b = {.messages = plan->messages};
    b.loop = tp_loop_new();
    msrp_endpoint *ep;
    if (!b.loop || msrp_endpoint_new(b.loop, NULL, &ep) < 0)
        return 0;
    char peer[MSRP_PATH_MAX];
    size_t plen;
    if (!recv_str(in, peer, sizeof peer, &plen))
        return 0;
    msrp_session_config cfg;
    msrp_session_config_default(&cfg);
    cfg.local_port = 9; /* RFC 6135 §4.2.2 */
    cfg.chunk_size = a->chunk;
    cfg.window = a->pipeline;
    cfg.on_event = on_event;
    cfg.ctx = &b;
    msrp_session *s;
    if (msrp_session_new(ep, &cfg, &s) < 0 || !send_str(out, msrp_session_local_uri(s)) ||
        msrp_session_set_peer(s, sp_str_make(peer, plen)) < 0)
        return 0;
    double t0 = now_s();
    if (msrp_session_start(s) < 0)
        return 0;
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.data = plan->content;
    m.fd = plan->fd;
    m.size = plan->msg_size;
    m.success_report = true;
    for (uint64_t i = 0; i < plan->messages; i++)
        if (msrp_session_send(s, &m, NULL) < 0)
            return 0;
    tp_loop_run(b.loop);
    double t = now_s() - t0;
    uint64_t result[2] = {0, 0};
    *ok = b.done == plan->messages && read_all(in, result, sizeof result) && result[0] == plan->messages;
    msrp_session_free(s);
    tp_loop_run_once(b.loop, 0);
    msrp_endpoint_free(ep);
    tp_loop_free(b.loop);
    return t;
}

static double run_msrp(const bench_args *a, const run_plan *plan, bool *ok)
{
    int p2c[2], c2p[2];
    *ok = false;
    if (pipe(p2c) < 0 || pipe(c2p) < 0)
        return 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        close(p2c[1]);
        close(c2p[0]);
        _exit(run_receiver(a, plan, p2c[0], c2p[1]));
    }
    close(p2c[0]);
    close(c2p[1]);
    double t = run_sender(a, plan, c2p[0], p2c[1], ok);
    close(p2c[1]);
    close(c2p[0]);
    int status = 0;
    if (!*ok)
        kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    *ok = *ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return t;
}

/* The raw pump: the same bytes in writes of the chunk size, read into a
 * 64 KiB buffer and dropped. */
static double run_pump(const bench_args *a, const run_plan *plan, bool *ok)
{
    *ok = false;
    uint64_t total = plan->msg_size * plan->messages;
    int sv[2];
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    tp_addr lo;
    tp_addr_loopback(&lo, AF_INET, 0);
    socklen_t len = lo.len;
    if (lfd < 0 || bind(lfd, tp_addr_sa(&lo), lo.len) < 0 || listen(lfd, 1) < 0 ||
        getsockname(lfd, (struct sockaddr *)&lo.ss, &len) < 0)
        return 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        int c = accept(lfd, NULL, NULL);
        char *buf = malloc(65536);
        uint64_t got = 0;
        while (c >= 0 && buf && got < total) {
            ssize_t r = read(c, buf, 65536);
            if (r <= 0)
                break;
            got += (uint64_t)r;
        }
        char done = 1;
        if (c >= 0)
            write_all(c, &done, 1);
        _exit(got == total ? 0 : 1);
    }
    close(lfd);
    sv[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (sv[0] < 0 || connect(sv[0], tp_addr_sa(&lo), lo.len) < 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        return 0;
    }
    uint8_t *piece = plan->content ? NULL : malloc(a->chunk);
    double t0 = now_s();
    bool wrote = plan->content || piece;
    for (uint64_t off = 0; off < total && wrote;) {
        uint64_t n = total - off < a->chunk ? total - off : a->chunk;
        size_t in_msg = (size_t)(off % plan->msg_size);
        if (n > plan->msg_size - in_msg)
            n = plan->msg_size - in_msg;
        if (piece) /* from the file, as the session reads it */
            wrote = pread(plan->fd, piece, (size_t)n, (off_t)in_msg) == (ssize_t)n && write_all(sv[0], piece, (size_t)n);
        else
            wrote = write_all(sv[0], plan->content + in_msg, (size_t)n);
        off += n;
    }
    free(piece);
    char done;
    wrote = wrote && read_all(sv[0], &done, 1);
    double t = now_s() - t0;
    close(sv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    *ok = wrote && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return t;
}

/* Memory content: BENCH_MESSAGE-byte messages (or one of 'bytes') of
 * pseudo-random bytes. */
static bool plan_in_memory(run_plan *plan, uint64_t bytes)
{
    plan->msg_size = bytes < BENCH_MESSAGE ? bytes : BENCH_MESSAGE;
    plan->messages = bytes / plan->msg_size;
    plan->content = malloc(plan->msg_size);
    if (!plan->content)
        return false;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (uint64_t i = 0; i < plan->msg_size; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        plan->content[i] = (uint8_t)x;
    }
    sp_sha1(plan->content, plan->msg_size, plan->sha1);
    return true;
}

/* File content: one message of the file's size; its SHA-1 read first when
 * the receiver is to check it (before the clock starts). */
static bool plan_from_file(run_plan *plan, const char *path, bool sha1)
{
    struct stat st;
    plan->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (plan->fd < 0 || fstat(plan->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        fprintf(stderr, "error: %s: not a readable non-empty file\n", path);
        if (plan->fd >= 0)
            close(plan->fd);
        return false;
    }
    plan->msg_size = (uint64_t)st.st_size;
    plan->messages = 1;
    if (sha1) {
        sp_sha1_ctx c;
        sp_sha1_init(&c);
        static uint8_t buf[1 << 16];
        ssize_t n;
        while ((n = read(plan->fd, buf, sizeof buf)) > 0)
            sp_sha1_update(&c, buf, (size_t)n);
        sp_sha1_final(&c, plan->sha1);
    }
    return true;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    return sp_str_to_u64(sp_str_cstr(s), max, out) && *out > 0;
}

int bench_msrp(int argc, char **argv)
{
    bench_args a = {.chunk = MSRP_CHUNK_DEFAULT, .bytes = BENCH_BYTES_DEFAULT, .pipeline = MSRP_WINDOW_DEFAULT};
    for (int i = 1; i < argc; i++) {
        uint64_t v;
        if (!strcmp(argv[i], "--sha1")) {
            a.sha1 = true;
        } else if (i + 1 < argc && !strcmp(argv[i], "--chunk-size") && parse_u64(argv[i + 1], MSRP_CHUNK_MAX, &v)) {
            a.chunk = (uint32_t)v;
            i++;
        } else if (i + 1 < argc && !strcmp(argv[i], "--bytes") && parse_u64(argv[i + 1], 1ull << 40, &v)) {
            a.bytes = v;
            i++;
        } else if (i + 1 < argc && !strcmp(argv[i], "--pipeline") && parse_u64(argv[i + 1], MSRP_WINDOW_MAX, &v)) {
            a.pipeline = (uint32_t)v;
            i++;
        } else if (i + 1 < argc && !strcmp(argv[i], "--file") && !a.file) {
            a.file = argv[++i];
        } else if (i + 1 < argc && !strcmp(argv[i], "--out") && !a.out_dir) {
            a.out_dir = argv[++i];
        } else {
            fprintf(stderr, "usage: sippush bench msrp [--chunk-size BYTES] [--bytes TOTAL | --file PATH] [--out DIR] "
                            "[--sha1] [--pipeline N]\n");
            return EXIT_USAGE;
        }
    }
    run_plan plan = {.fd = -1};
    if (a.file && !plan_from_file(&plan, a.file, a.sha1))
        return EXIT_FAIL;
    if (!a.file && !plan_in_memory(&plan, a.bytes))
        return EXIT_FAIL;
    uint64_t bytes = plan.msg_size * plan.messages;
    uint64_t chunks = plan.messages * ((plan.msg_size + a.chunk - 1) / a.chunk);

    bool ok_msrp, ok_pump;
    double t = run_msrp(&a, &plan, &ok_msrp);
    double tp = run_pump(&a, &plan, &ok_pump);
    free(plan.content);
    if (plan.fd >= 0)
        close(plan.fd);
    if (!ok_msrp || !ok_pump || t <= 0 || tp <= 0) {
        fprintf(stderr, "error: the %s transfer failed\n", ok_msrp ? "raw TCP" : "MSRP");
        return EXIT_FAIL;
    }
    double mb = (double)bytes / t / 1e6, tcp_mb = (double)bytes / tp / 1e6;
    json_out j;
    json_init(&j, stdout);
    json_object_begin(&j);
    json_kv_cstr(&j, "bench", "msrp");
    json_kv_u64(&j, "chunk_size", a.chunk);
    json_kv_u64(&j, "bytes", bytes);
    json_kv_u64(&j, "chunks", chunks);
    json_kv_double(&j, "seconds", t);
    json_kv_double(&j, "chunks_per_s", (double)chunks / t);
    json_kv_double(&j, "mb_per_s", mb);
    json_kv_u64(&j, "messages", plan.messages);
    json_kv_u64(&j, "pipeline", a.pipeline);
    json_kv_bool(&j, "sha1", a.sha1);
    json_kv_cstr(&j, "source", a.file ? "file" : "memory");
    json_kv_cstr(&j, "sink", a.out_dir ? "file" : "memory");
    json_kv_double(&j, "tcp_mb_per_s", tcp_mb);
    json_kv_double(&j, "tcp_ratio", mb / tcp_mb);
    json_object_end(&j);
    json_line_end(&j);
    return EXIT_OK;
}
