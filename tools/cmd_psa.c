/* cmd_psa.c - `sippush psa`: the Push Sender Agent as a service
 * (CONTRACT.md): registrations, ua-profile subscriptions, the reg event,
 * and push requests from `sippush send --psa` on a unix socket
 * (push_control.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent_host.h"
#include "invite_host.h"
#include "cli.h"
#include "push_control.h"
#include "push_psa.h"

typedef struct psa_app psa_app;

/* One control connection: its request, then the wait for the outcome. */
typedef struct ctl_conn {
    psa_app *app;
    int fd;
    char *buf;
    size_t len, cap;
    bool busy;                 /* the push is on its way */
    char hdrs[2048];
    struct ctl_conn *next;
} ctl_conn;

struct psa_app {
    agent_host host;
    invite_host ih;  /* session-mode pushes: MSRP and its context */
    push_psa *psa;
    int ctl_fd;
    char ctl_path[108];
    ctl_conn *conns;
};

static int usage(void)
{
    fprintf(stderr, "usage: sippush psa [--listen udp|tcp:HOST:PORT]... [--control unix:PATH] [--identity SIP-URI]\n"
                    "         [--proxy SIP-URI] [--trust HOST]... [--watch SIP-URI]... [--icsi URN]\n"
                    "         [--max-expires S] [--verbose]\n");
    return EXIT_USAGE;
}

static void on_event(void *ctx, const push_psa_event *ev)
{
    psa_app *a = ctx;
    json_out *j = &a->host.out;
    json_object_begin(j);
    switch (ev->kind) {
    case PUSH_PSA_EV_REGISTERED:
    case PUSH_PSA_EV_UNREGISTERED:
        json_kv_cstr(j, "event", ev->kind == PUSH_PSA_EV_REGISTERED ? "registered" : "unregistered");
        json_kv_str(j, "aor", ev->aor);
        json_kv_str(j, "contact", ev->contact);
        json_kv_u64(j, "expires", ev->expires);
        break;
    case PUSH_PSA_EV_SUBSCRIBED:
        json_kv_cstr(j, "event", "subscribed");
        json_kv_str(j, "aor", ev->aor);
        json_kv_str(j, "app", ev->app);
        json_kv_u64(j, "expires", ev->expires);
        break;
    case PUSH_PSA_EV_SUB_ENDED:
        json_kv_cstr(j, "event", "subscription_ended");
        json_kv_str(j, "aor", ev->aor);
        json_kv_str(j, "app", ev->app);
        json_kv_str(j, "reason", ev->reason);
        break;
    case PUSH_PSA_EV_REGSTATE:
        json_kv_cstr(j, "event", "regstate");
        json_kv_str(j, "aor", ev->aor);
        json_kv_u64(j, "contacts", ev->count);
        break;
    case PUSH_PSA_EV_REFERRED:
        json_kv_cstr(j, "event", "referred");
        json_kv_str(j, "aor", ev->aor);
        json_kv_u64(j, "status", ev->status);
        break;
    case PUSH_PSA_EV_REJECTED:
        json_kv_cstr(j, "event", "rejected");
        json_kv_str(j, "method", ev->method);
        json_kv_u64(j, "status", ev->status);
        json_kv_str(j, "reason", ev->reason);
        break;
    }
    json_object_end(j);
    json_line_end(j);
}

static void conn_free(psa_app *a, ctl_conn *c)
{
    for (ctl_conn **pp = &a->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    if (c->fd >= 0) {
        tp_loop_fd_del(a->host.loop, c->fd);
        close(c->fd);
    }
    free(c->buf);
    free(c);
}

/* The outcome: printed, and written back to the connection. */
static void reply(ctl_conn *c, const push_psa_result *r)
{
    psa_app *a = c->app;
    control_result_json(&a->host.out, r);
    json_line_end(&a->host.out);
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (m) {
        json_out j;
        json_init(&j, m);
        control_result_json(&j, r);
        json_line_end(&j);
        fclose(m);
        if (write(c->fd, text, n) < 0)
            fprintf(stderr, "sippush psa: control reply: %s\n", strerror(errno));
        free(text);
    }
    conn_free(a, c);
}

static void push_done(void *ctx, const push_psa_result *r) { reply(ctx, r); }

static void start_request(ctl_conn *c, const control_request *req)
{
    psa_app *a = c->app;
    push_psa_result now;
    const char *why = NULL;
    c->busy = true;
    tp_loop_fd_set(a->host.loop, c->fd, 0);
    if (sp_str_eq(req->verb, SP_LIT("REFER"))) {
        if (push_psa_refer(a->psa, req->to, req->app, push_done, c, &now) != 0)
            reply(c, &now);
        return;
    }
    push_psa_push p;
    if (!sp_str_eq(req->verb, SP_LIT("PUSH")) || !control_push_prepare(req, &p, c->hdrs, sizeof c->hdrs, &why)) {
        now = (push_psa_result){.method = PUSH_METHOD_MESSAGE, .status = 400, .reason = why ? why : "unknown verb"};
        reply(c, &now);
        return;
    }
    if (push_psa_send(a->psa, &p, push_done, c, &now) != 0)
        reply(c, &now);
}

static void on_conn(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)loop, (void)events;
    ctl_conn *c = ctx;
    if (c->busy)
        return;
    if (c->len == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 4096;
        char *grown = cap <= CONTROL_MAX_REQUEST + 4096 ? realloc(c->buf, cap) : NULL;
        if (!grown) {
            conn_free(c->app, c);
            return;
        }
        c->buf = grown;
        c->cap = cap;
    }
    ssize_t n = read(fd, c->buf + c->len, c->cap - c->len);
    if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        conn_free(c->app, c);
        return;
    }
    c->len += (size_t)n;
    control_request req;
    sp_error err;
    int rc = control_request_parse(c->buf, c->len, &req, &err);
    if (rc == SP_AGAIN)
        return;
    if (rc < 0) {
        push_psa_result bad = {.method = PUSH_METHOD_MESSAGE, .status = (unsigned)err.status, .reason = err.reason};
        reply(c, &bad);
        return;
    }
    start_request(c, &req);
}

static void on_accept(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)events;
    psa_app *a = ctx;
    int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (cfd < 0)
        return;
    ctl_conn *c = calloc(1, sizeof *c);
    if (!c || tp_loop_fd_add(loop, cfd, TP_EV_READ, on_conn, c) != 0) {
        free(c);
        close(cfd);
        return;
    }
    c->app = a;
    c->fd = cfd;
    c->next = a->conns;
    a->conns = c;
}

static int open_control(psa_app *a, const char *spec)
{
    if (strncmp(spec, "unix:", 5) || strlen(spec + 5) >= sizeof a->ctl_path || !spec[5]) {
        fprintf(stderr, "sippush psa: --control wants unix:PATH (at most %zu bytes)\n", sizeof a->ctl_path - 1);
        return -1;
    }
    snprintf(a->ctl_path, sizeof a->ctl_path, "%s", spec + 5);
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, a->ctl_path, strlen(a->ctl_path));
    unlink(a->ctl_path); /* a socket left by an earlier run */
    a->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (a->ctl_fd < 0 || bind(a->ctl_fd, (struct sockaddr *)&sun, sizeof sun) != 0 || listen(a->ctl_fd, 16) != 0 ||
        tp_loop_fd_add(a->host.loop, a->ctl_fd, TP_EV_READ, on_accept, a) != 0) {
        fprintf(stderr, "sippush psa: control socket %s: %s\n", a->ctl_path, strerror(errno));
        return -1;
    }
    return 0;
}

static void psa_timer(void *agent, uint64_t cookie) { push_psa_timer(((psa_app *)agent)->psa, cookie); }

static void psa_signal(void *agent)
{
    psa_app *a = agent;
    push_psa_stop(a->psa);
    tp_loop_stop(a->host.loop); /* the final NOTIFYs are queued and flushed on the way out */
}

int cmd_psa(int argc, char **argv)
{
    static psa_app a;
    memset(&a, 0, sizeof a);
    a.ctl_fd = -1;
    push_psa_config c;
    memset(&c, 0, sizeof c);
    const char *control = NULL;
    invite_host_opts io = {0};
    if (agent_host_init(&a.host, &a, psa_timer) != 0)
        return EXIT_FAIL;
    a.host.on_signal = psa_signal;
    int status = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool ok = true, takes = true;
        uint64_t n;
        int k;
        if (!strcmp(o, "--listen"))
            ok = v && agent_host_listen(&a.host, v);
        else if ((k = invite_host_flag(&io, o, v)) != 0)
            ok = k > 0;
        else if (!strcmp(o, "--control"))
            control = v;
        else if (!strcmp(o, "--identity"))
            c.identity = sp_str_cstr(v);
        else if (!strcmp(o, "--proxy"))
            c.proxy = sp_str_cstr(v);
        else if (!strcmp(o, "--trust"))
            ok = v && c.ntrust < PUSH_PSA_MAX_TRUST && (c.trust[c.ntrust++] = sp_str_cstr(v)).n;
        else if (!strcmp(o, "--watch"))
            ok = v && c.nwatch < PUSH_PSA_MAX_WATCH && (c.watch[c.nwatch++] = sp_str_cstr(v)).n;
        else if (!strcmp(o, "--icsi"))
            c.icsi = sp_str_cstr(v);
        else if (!strcmp(o, "--max-expires"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PUSH_PSA_SUB_EXPIRES_MAX, &n) && (c.max_sub_expires = (uint32_t)n);
        else if (!strcmp(o, "--verbose"))
            a.host.verbose = true, takes = false;
        else
            ok = false;
        if (!ok || (takes && !v))
            goto done;
        i += takes;
    }
    if (!c.ntrust)
        c.trust[c.ntrust++] = SP_LIT("127.0.0.1");
    status = EXIT_FAIL;
    char allow[256];
    snprintf(allow, sizeof allow, "%.*s, INVITE, ACK, BYE, CANCEL, UPDATE", (int)push_psa_allow().n, push_psa_allow().p);
    if (agent_host_open(&a.host, sp_str_cstr(allow), SP_LIT(PUSH_PSA_SUPPORTED ", timer"), true) != 0 ||
        invite_host_open(&a.ih, &a.host, a.host.local.udp_port ? SIP_TP_UDP : SIP_TP_TCP, &io) != 0)
        goto done;
    char identity[PUSH_URI_MAX];
    if (!c.identity.n) {
        /* the port too: a REFER's Refer-To sends receivers here (seed 002 §7.2.3.1 2a) */
        snprintf(identity, sizeof identity, strchr(a.host.local.host, ':') ? "sip:psa@[%s]:%u" : "sip:psa@%s:%u",
                 a.host.local.host, (unsigned)(a.host.local.udp_port ? a.host.local.udp_port : a.host.local.tcp_port));
        c.identity = sp_str_cstr(identity);
    }
    c.local = a.host.local;
    c.ctx = &a;
    c.on_event = on_event;
    a.ih.ctx.user = SP_LIT("psa");
    c.invite = &a.ih.ctx;
    const char *why = NULL;
    a.psa = push_psa_new(&c, &a.host.env, &why);
    if (!a.psa) {
        fprintf(stderr, "sippush psa: %s\n", why);
        status = EXIT_USAGE;
        goto done;
    }
    agent_host_set_tu(&a.host, push_psa_tu(a.psa));
    push_psa_set_layer(a.psa, sip_txn_tp_layer(a.host.tp));
    if (control && open_control(&a, control) != 0)
        goto done;
    agent_host_print_listening(&a.host);
    push_psa_start(a.psa);
    agent_host_run(&a.host);
    status = EXIT_OK;
done:
    if (status == EXIT_USAGE)
        usage();
    while (a.conns)
        conn_free(&a, a.conns);
    if (a.ctl_fd >= 0) {
        tp_loop_fd_del(a.host.loop, a.ctl_fd);
        close(a.ctl_fd);
        unlink(a.ctl_path);
    }
    sip_txn_tp_free(a.host.tp);
    a.host.tp = NULL;
    push_psa_free(a.psa);
    invite_host_free(&a.ih);
    agent_host_free(&a.host);
    return status;
}
