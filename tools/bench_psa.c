/* bench_psa.c - `sippush bench psa`: a load client for a running
 * `sippush psa`, through its control socket or its PAP listener:
 *
 *   sippush bench psa --control unix:PATH | --pap tcp:HOST:PORT [--domain D]
 *                     [--pushes N | --seconds S] [--rate R] [--window W]
 *
 * Each push goes to its own user (sip:bN@D, or WAPPUSH=bN%40D/TYPE=USER for
 * PAP), so none waits behind another to the same URI (RFC 3428 §8). With
 * --seconds it submits at --rate pushes/s for that long; with --pushes it
 * submits that many as fast as the window lets it. At most --window are
 * outstanding at once: control connections waiting for their outcome, or
 * PAP connections (keep-alive, one request at a time) waiting for the
 * push-response. With --seconds, submission stops when the time is up
 * (short of rate x seconds when the psa cannot keep up). Prints one JSON line: submitted, accepted, refused at
 * submission, and, through the control socket, delivered and failed (PAP
 * outcomes are the psa's pap_result lines). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "tp_addr.h"

#define BENCH_PSA_WINDOW 512
#define BENCH_PSA_IN 4096

typedef struct bp_conn {
    int fd;
    char out[2048];
    size_t out_len, out_at;
    char in[BENCH_PSA_IN];
    size_t in_len;
    bool busy;
} bp_conn;

typedef struct bp_args {
    const char *control, *pap, *domain;
    uint64_t pushes, rate, window;
    double seconds;
} bp_args;

typedef struct bp_counts {
    uint64_t submitted, accepted, refused, delivered, failed;
    char first_failure[256];
} bp_counts;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_to(const bp_args *a)
{
    int fd;
    if (a->control) {
        struct sockaddr_un un = {.sun_family = AF_UNIX};
        snprintf(un.sun_path, sizeof un.sun_path, "%s", a->control + 5);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&un, sizeof un) != 0) {
            close(fd);
            return -1;
        }
    } else {
        tp_addr t;
        if (tp_addr_parse(a->pap + 4, strlen(a->pap + 4), 80, &t) < 0)
            return -1;
        fd = socket(t.ss.ss_family, SOCK_STREAM, 0);
        if (fd >= 0 && connect(fd, (struct sockaddr *)&t.ss, t.len) != 0) {
            close(fd);
            return -1;
        }
    }
    if (fd >= 0)
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* Push n's request into c->out. */
static void format_push(const bp_args *a, uint64_t n, bp_conn *c)
{
    static const char content[] = "You have 4 new emails";
    if (a->control) {
        int k = snprintf(c->out, sizeof c->out,
                         "PUSH SIPPUSH-CONTROL/1\nTo: sip:b%llu@%s\nMethod: message\nContent-Type: text/plain\n"
                         "Content-Length: %zu\n\n%s",
                         (unsigned long long)n, a->domain, sizeof content - 1, content);
        c->out_len = (size_t)k;
    } else {
        char body[1536];
        int b = snprintf(body, sizeof body,
                         "--bpsa\r\nContent-Type: application/xml\r\n\r\n<?xml version=\"1.0\"?>\r\n"
                         "<!DOCTYPE pap PUBLIC \"-//WAPFORUM//DTD PAP 2.0//EN\" "
                         "\"http://www.wapforum.org/DTD/pap_2.0.dtd\">\r\n<pap><push-message push-id=\"bench-%llu\">"
                         "<address address-value=\"WAPPUSH=sip:b%llu%%40%s/TYPE=USER@ppg\"/></push-message></pap>\r\n"
                         "--bpsa\r\nContent-Type: text/plain\r\n\r\n%s\r\n--bpsa--\r\n",
                         (unsigned long long)n, (unsigned long long)n, a->domain, content);
        int k = snprintf(c->out, sizeof c->out,
                         "POST /pap HTTP/1.1\r\nHost: psa\r\nContent-Type: multipart/related; boundary=bpsa; "
                         "type=\"application/xml\"\r\nContent-Length: %d\r\n\r\n%s",
                         b, body);
        c->out_len = (size_t)k;
    }
    c->out_at = 0;
    c->in_len = 0;
    c->busy = true;
}

/* Whether c->in holds a whole HTTP response. */
static bool http_whole(const bp_conn *c)
{
    const char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
    if (!end)
        return false;
    const char *cl = memmem(c->in, (size_t)(end - c->in), "Content-Length:", 15);
    size_t len = cl ? strtoul(cl + 15, NULL, 10) : 0;
    return (size_t)(end + 4 - c->in) + len <= c->in_len;
}

static void tally(bp_counts *k, const bp_args *a, const bp_conn *c)
{
    bool ok;
    if (a->control) {
        ok = memmem(c->in, c->in_len, "\"event\":\"delivered\"", 19) != NULL;
        k->delivered += ok;
        k->failed += !ok;
    } else {
        ok = memmem(c->in, c->in_len, "code=\"1001\"", 11) != NULL;
        k->accepted += ok;
        k->refused += !ok;
    }
    if (!ok && !k->first_failure[0])
        snprintf(k->first_failure, sizeof k->first_failure, "%.*s", (int)(c->in_len < 255 ? c->in_len : 255), c->in);
}

/* Reads what came; true when c's exchange ended. */
static bool conn_read(bp_conn *c, const bp_args *a, bp_counts *k)
{
    for (;;) {
        ssize_t n = read(c->fd, c->in + c->in_len, sizeof c->in - 1 - c->in_len);
        if (n > 0) {
            c->in_len += (size_t)n;
            if (!a->control && http_whole(c))
                break;
            if (c->in_len < sizeof c->in - 1)
                continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return false;
        break; /* EOF (control: the answer is whole), error, or full */
    }
    tally(k, a, c);
    c->busy = false;
    if (a->control || !http_whole(c)) {
        close(c->fd);
        c->fd = -1;
    }
    return true;
}

static int run(const bp_args *a, bp_counts *k, double *secs)
{
    bp_conn *conns = calloc(a->window, sizeof *conns);
    struct pollfd *pf = calloc(a->window, sizeof *pf);
    if (!conns || !pf)
        return -1;
    for (size_t i = 0; i < a->window; i++)
        conns[i].fd = -1;
    uint64_t total = a->pushes ? a->pushes : (uint64_t)(a->rate * a->seconds);
    uint64_t outstanding = 0;
    double t0 = now_s();
    while (k->submitted < total || outstanding) {
        double el = now_s() - t0;
        if (a->seconds && el >= a->seconds)
            total = k->submitted; /* the time is up: what is out finishes */
        uint64_t allowed = a->rate ? (uint64_t)(el * (double)a->rate) + 1 : total;
        for (size_t i = 0; i < a->window && k->submitted < total && k->submitted < allowed; i++) {
            bp_conn *c = &conns[i];
            if (c->busy)
                continue;
            if (c->fd < 0 && (c->fd = connect_to(a)) < 0) {
                k->submitted++;
                k->refused++;
                if (!k->first_failure[0])
                    snprintf(k->first_failure, sizeof k->first_failure, "connect: %s", strerror(errno));
                continue;
            }
            format_push(a, k->submitted++, c);
            outstanding++;
        }
        size_t n = 0;
        for (size_t i = 0; i < a->window; i++) {
            bp_conn *c = &conns[i];
            if (!c->busy)
                continue;
            pf[n].fd = c->fd;
            pf[n].events = c->out_at < c->out_len ? POLLOUT : POLLIN;
            pf[n].revents = 0;
            n++;
        }
        if (poll(pf, n, a->rate ? 1 : 100) < 0 && errno != EINTR)
            return -1;
        for (size_t i = 0, j = 0; i < a->window && j < n; i++) {
            bp_conn *c = &conns[i];
            if (!c->busy)
                continue;
            short ev = pf[j++].revents;
            if (!ev)
                continue;
            if (c->out_at < c->out_len) {
                ssize_t w = write(c->fd, c->out + c->out_at, c->out_len - c->out_at);
                if (w > 0)
                    c->out_at += (size_t)w;
                else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                    c->in_len = 0;
                    tally(k, a, c);
                    close(c->fd);
                    c->fd = -1;
                    c->busy = false;
                    outstanding--;
                }
                continue;
            }
            if (conn_read(c, a, k))
                outstanding--;
        }
    }
    *secs = now_s() - t0;
    for (size_t i = 0; i < a->window; i++)
        if (conns[i].fd >= 0)
            close(conns[i].fd);
    free(conns);
    free(pf);
    return 0;
}

int bench_psa(int argc, char **argv)
{
    bp_args a = {.domain = "perf.test", .window = BENCH_PSA_WINDOW};
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[++i] : NULL;
        uint64_t n = 0;
        bool num = v && sp_str_to_u64(sp_str_cstr(v), UINT32_MAX, &n);
        if (!strcmp(o, "--control") && v && !strncmp(v, "unix:", 5))
            a.control = v;
        else if (!strcmp(o, "--pap") && v && !strncmp(v, "tcp:", 4))
            a.pap = v;
        else if (!strcmp(o, "--domain") && v)
            a.domain = v;
        else if (!strcmp(o, "--pushes") && num && n)
            a.pushes = n;
        else if (!strcmp(o, "--seconds") && num && n)
            a.seconds = (double)n;
        else if (!strcmp(o, "--rate") && num && n)
            a.rate = n;
        else if (!strcmp(o, "--window") && num && n && n <= 65536)
            a.window = n;
        else
            goto usage;
    }
    if (!a.control == !a.pap || !a.pushes == !(a.seconds && a.rate))
        goto usage;
    bp_counts k = {0};
    double secs = 0;
    if (run(&a, &k, &secs) != 0) {
        fprintf(stderr, "sippush bench psa: %s\n", strerror(errno));
        return EXIT_FAIL;
    }
    if (a.control)
        k.accepted = k.delivered + k.failed;
    printf("{\"bench\":\"psa\",\"via\":\"%s\",\"submitted\":%llu,\"accepted\":%llu,\"refused\":%llu,"
           "\"delivered\":%llu,\"failed\":%llu,\"seconds\":%.3f,\"per_s\":%.0f}\n",
           a.control ? "control" : "pap", (unsigned long long)k.submitted, (unsigned long long)k.accepted,
           (unsigned long long)k.refused, (unsigned long long)k.delivered, (unsigned long long)k.failed, secs,
           (double)k.submitted / secs);
    if (k.first_failure[0])
        fprintf(stderr, "sippush bench psa: first failure: %s\n", k.first_failure);
    return EXIT_OK;
usage:
    fprintf(stderr, "usage: sippush bench psa --control unix:PATH | --pap tcp:HOST:PORT [--domain D]\n"
                    "         [--pushes N | --seconds S --rate R] [--window W]\n");
    return EXIT_USAGE;
}
