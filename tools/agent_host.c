/* agent_host.c - see agent_host.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio_ext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "agent_host.h"

static void timer_fired(void *ctx, uint64_t cookie)
{
    agent_host *h = ctx;
    h->timer_fn(h->agent, cookie);
}

static void env_log(void *ctx, const char *line)
{
    if (((agent_host *)ctx)->verbose)
        fprintf(stderr, "%s\n", line);
}

bool agent_host_listen(agent_host *h, const char *spec)
{
    bool udp = !strncmp(spec, "udp:", 4), tcp = !strncmp(spec, "tcp:", 4);
    tp_addr a;
    if ((!udp && !tcp) || tp_addr_parse(spec + 4, strlen(spec + 4), 5060, &a) < 0) {
        fprintf(stderr, "sippush: bad --listen '%s' (udp:HOST:PORT or tcp:HOST:PORT, numeric host)\n", spec);
        return false;
    }
    if ((udp && h->has_udp) || (tcp && h->has_tcp)) {
        fprintf(stderr, "sippush: one --listen per transport\n");
        return false;
    }
    if (udp) {
        h->udp = a;
        h->has_udp = true;
    } else {
        h->tcp = a;
        h->has_tcp = true;
    }
    return true;
}

int agent_host_tcp_flag(agent_host *h, const char *flag, const char *value)
{
    tp_tcp_limits *l = &h->tcp_limits;
    uint64_t n = 0;
    bool ok = value && sp_str_to_u64(sp_str_cstr(value), UINT32_MAX, &n);
    /* counts need at least one slot; a timeout of 0 means never */
    if (!strcmp(flag, "--tcp-max-conns"))
        ok = ok && n > 0 && (l->max_conns = (size_t)n);
    else if (!strcmp(flag, "--tcp-max-per-host"))
        ok = ok && n > 0 && (l->max_conns_per_host = (size_t)n);
    else if (!strcmp(flag, "--tcp-msg-timeout"))
        ok = ok && ((l->frame_timeout_ms = (uint32_t)n), true);
    else if (!strcmp(flag, "--tcp-idle-timeout"))
        ok = ok && ((l->idle_timeout_ms = (uint32_t)n), true);
    else
        return 0;
    if (!ok)
        fprintf(stderr, "sippush: bad %s '%s'\n", flag, value ? value : "");
    return ok ? 1 : -1;
}

/* Every connection slot needs a descriptor: raise the soft limit towards
 * the hard one when the slots asked for would not fit. Past the limit the
 * transport still refuses newcomers at once (tp_tcp.h), so this is a
 * warning, not a failure. */
static void fit_descriptors(const tp_tcp_limits *l)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) != 0)
        return;
    rlim_t want = (rlim_t)l->max_conns + (rlim_t)l->max_out_conns + 64; /* listeners, files, MSRP */
    if (r.rlim_cur >= want)
        return;
    r.rlim_cur = r.rlim_max == RLIM_INFINITY || r.rlim_max > want ? want : r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < want)
        fprintf(stderr, "sippush: %llu descriptors for %zu TCP connections: raise ulimit -n\n",
                (unsigned long long)r.rlim_cur, l->max_conns + l->max_out_conns);
}

/* The JSON writer flushes after every line; its lines go into stdout's
 * buffer instead, and stdout is written once per loop iteration, after
 * the dispatch that printed them: one write for a burst of pushes. */
static ssize_t lines_write(void *cookie, const char *buf, size_t size)
{
    agent_host *h = cookie;
    size_t n = fwrite(buf, 1, size, stdout);
    if (h->loop)
        tp_loop_defer(h->loop, &h->flush);
    return n == size ? (ssize_t)n : -1;
}

static void flush_stdout(void *ctx)
{
    (void)ctx;
    fflush(stdout);
}

static void on_signal(tp_loop *loop, int signo, void *ctx)
{
    (void)signo;
    agent_host *h = ctx;
    if (h->signalled || !h->on_signal) {
        tp_loop_stop(loop);
        return;
    }
    h->signalled = true;
    h->on_signal(h->agent);
}

int agent_host_init(agent_host *h, void *agent, void (*timer_fn)(void *agent, uint64_t cookie))
{
    h->agent = agent;
    h->timer_fn = timer_fn;
    tp_tcp_config tc;
    tp_tcp_config_default(&tc);
    h->tcp_limits = tc.limits;
    h->loop = tp_loop_new();
    if (!h->loop) {
        perror("sippush: event loop");
        return -1;
    }
    host_timers_init(&h->timers, h->loop, timer_fired, env_log, h);
    h->env = host_timers_env(&h->timers);
    signal(SIGPIPE, SIG_IGN);
    tp_loop_signal(h->loop, SIGINT, on_signal, h);
    tp_loop_signal(h->loop, SIGTERM, on_signal, h);
    /* only the loop thread writes stdout: its lock is pure cost at push rates */
    __fsetlocking(stdout, FSETLOCKING_BYCALLER);
    tp_defer_init(&h->flush, flush_stdout, h);
    h->lines = fopencookie(h, "w", (cookie_io_functions_t){.write = lines_write});
    if (h->lines)
        __fsetlocking(h->lines, FSETLOCKING_BYCALLER);
    json_init(&h->out, h->lines ? h->lines : stdout);
    return 0;
}

void agent_host_set_tu(agent_host *h, sip_txn_tu tu) { host_sip_set_tu(&h->sip, tu); }

void agent_host_prepare(agent_host *h, bool defaults)
{
    if (defaults && !h->has_udp && !h->has_tcp) {
        agent_host_listen(h, "udp:127.0.0.1:5060");
        agent_host_listen(h, "tcp:127.0.0.1:5060");
    }
    fit_descriptors(&h->tcp_limits);
}

void agent_host_adopt(agent_host *h, const host_sip *sip)
{
    h->local = sip->local;
    tp_addr a;
    if (host_sip_bound(sip, SIP_TP_UDP, &a) == 0)
        h->udp = a;
    if (host_sip_bound(sip, SIP_TP_TCP, &a) == 0)
        h->tcp = a;
}

int agent_host_open(agent_host *h, sp_str allow, sp_str supported, bool defaults)
{
    agent_host_prepare(h, defaults);
    host_sip_config c = {.udp = h->has_udp ? &h->udp : NULL, .tcp = h->has_tcp ? &h->tcp : NULL,
                         .tcp_limits = &h->tcp_limits, .allow = allow, .supported = supported,
                         .max_txns = h->max_txns};
    int rc = host_sip_open(&h->sip, h->loop, &c);
    if (rc != 0) {
        fprintf(stderr, "sippush: cannot listen: %s\n", strerror(-rc));
        return -1;
    }
    agent_host_adopt(h, &h->sip);
    return 0;
}

void agent_host_print_listening(agent_host *h)
{
    json_out *j = &h->out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "listening");
    json_key(j, "listen");
    json_array_begin(j);
    char buf[TP_ADDR_STRLEN + 8], addr[TP_ADDR_STRLEN];
    if (h->local.udp_port) {
        tp_addr_format(&h->udp, addr, sizeof addr);
        snprintf(buf, sizeof buf, "udp:%s", addr);
        json_cstr(j, buf);
    }
    if (h->local.tcp_port) {
        tp_addr_format(&h->tcp, addr, sizeof addr);
        snprintf(buf, sizeof buf, "tcp:%s", addr);
        json_cstr(j, buf);
    }
    json_array_end(j);
    json_object_end(j);
    json_line_end(j);
}

void agent_host_run(agent_host *h) { tp_loop_run(h->loop); }

void agent_host_free(agent_host *h)
{
    host_sip_close(&h->sip);
    host_timers_free(&h->timers);
    if (h->lines)
        fclose(h->lines); /* what it holds goes to stdout, flushed at exit */
    h->lines = NULL;
    tp_defer_cancel(&h->flush);
    if (h->loop)
        tp_loop_free(h->loop);
    h->loop = NULL;
    fflush(stdout);
}

void agent_host_source_for(const char *host, char *out, size_t cap)
{
    snprintf(out, cap, "127.0.0.1");
    tp_addr dst, me;
    /* the target's own family: an IPv6 peer is reached from an IPv6 socket */
    if (tp_addr_resolve(host, strlen(host), 5060, AF_UNSPEC, &dst) != 0)
        return;
    if (tp_addr_family(&dst) == AF_INET6)
        snprintf(out, cap, "::1");
    int fd = socket(tp_addr_family(&dst), SOCK_DGRAM, 0);
    if (fd < 0)
        return;
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    /* a connected UDP socket sends nothing but learns its route's source */
    if (connect(fd, tp_addr_sa(&dst), dst.len) == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
        tp_addr_from_sockaddr(&me, (struct sockaddr *)&ss, len))
        tp_addr_format_host(&me, out, cap);
    close(fd);
}

bool agent_host_trust(const char *spec, char (*text)[TP_ADDR_HOST_MAX + 1], sp_str *list, size_t *n, size_t max)
{
    tp_addr found[8];
    int k = tp_addr_resolve_all(spec, strlen(spec), 0, found, sizeof found / sizeof found[0]);
    if (k <= 0) {
        fprintf(stderr, "sippush: --trust %s: %s\n", spec, k == -ENOENT ? "the name does not resolve" : "not a host");
        return false;
    }
    for (int i = 0; i < k; i++) {
        char host[TP_ADDR_HOST_MAX + 1];
        tp_addr_format_host(&found[i], host, sizeof host);
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = sp_str_eq(list[j], sp_str_cstr(host));
        if (seen)
            continue;
        if (*n >= max) {
            fprintf(stderr, "sippush: more than %zu --trust addresses\n", max);
            return false;
        }
        memcpy(text[*n], host, sizeof host);
        list[*n] = sp_str_cstr(text[*n]);
        (*n)++;
    }
    return true;
}
