/* cmd_psa.c - `sippush psa`: the Push Sender Agent as a service
 * (CONTRACT.md): registrations, ua-profile subscriptions, the reg event,
 * and push requests from `sippush send --psa` on a unix socket
 * (push_control.h). */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_host.h"
#include "invite_host.h"
#include "cli.h"
#include "pap_gateway.h"
#include "psa_accept.h"
#include "psa_journal.h"
#include "push_control.h"
#include "push_psa.h"
#include "tp_unix.h"

struct psa_app {
    agent_host host;           /* the loop, signals and JSON lines */
    host_agent *agent;         /* the sender on it */
    push_psa *psa;             /* the agent's */
    tp_unix *control;
    size_t max_request;
    http_server *pap, *http;   /* --pap and --http listeners */
    push_content_store *store; /* content sent by reference, served on them */
    pap_gateway *gw;
    psa_journal *journal;      /* --state DIR */
    psa_accept *accept;        /* how control pushes are accepted */
    char trust[PUSH_PSA_MAX_TRUST][TP_ADDR_HOST_MAX + 1]; /* --trust, resolved */
};
typedef struct psa_app psa_app;

/* The largest count a flag takes (subscriptions, connections). */
#define PSA_FLAG_MAX (1u << 20)

static int usage(void)
{
    fprintf(stderr, "usage: sippush psa [--listen udp|tcp:HOST:PORT]... [--control unix:PATH] [--identity SIP-URI]\n"
                    "         [--proxy SIP-URI] [--trust HOST]... [--watch SIP-URI]... [--icsi URN]\n"
                    "         [--max-expires S] [--max-subscriptions N] [--max-subscriptions-per-identity N]\n"
                    "         [--max-bindings N] [--max-txns N] [--max-queued-bytes BYTES] [--max-queued-per-uri N]\n"
                    "         [--control-group GROUP] [--control-max-conns N] [--control-max-buffered BYTES]\n"
                    "         [--control-max-request BYTES] [--control-timeout-ms MS] [--verbose]\n"
                    "         [--tcp-max-conns N] [--tcp-max-per-host N] [--tcp-msg-timeout MS] [--tcp-idle-timeout MS]\n"
                    "         [--pap tcp:HOST:PORT] [--pap-path PATH] [--pap-domain DOMAIN] [--pap-max-pushes N]\n"
                    "         [--pap-remember-s S] [--pap-indirect-ttl-s S] [--http tcp:HOST:PORT] [--max-request BYTES]\n"
                    "         [--http-timeout-ms MS] [--http-idle-timeout-ms MS] [--http-max-conns N] [--http-max-requests N]\n"
                    "         [--http-max-in-flight BYTES] [--state DIR] [--state-compact-at BYTES]\n");
    return EXIT_USAGE;
}

static void on_event(void *ctx, const host_event *hev)
{
    psa_app *a = ctx;
    const push_psa_event *ev = hev->sender;
    if (hev->kind != HOST_EV_SENDER)
        return;
    json_out *j = &a->host.out;
    json_object_begin(j);
    switch (ev->kind) {
    case PUSH_PSA_EV_REGISTERED:
    case PUSH_PSA_EV_UNREGISTERED:
        psa_accept_binding(a->accept, ev);
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

/* The outcome: printed, and written back to the connection, which closes. */
static void reply(psa_app *a, tp_unix_conn *c, const push_psa_result *r)
{
    control_result_json(&a->host.out, r);
    json_line_end(&a->host.out);
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (!m) {
        tp_unix_reply(c, "", 0);
        return;
    }
    json_out j;
    json_init(&j, m);
    control_result_json(&j, r);
    json_line_end(&j);
    fclose(m);
    if (tp_unix_reply(c, text, n) != 0)
        fprintf(stderr, "sippush psa: the control client left before its answer\n");
    free(text);
}

static void refuse(psa_app *a, tp_unix_conn *c, unsigned status, bool retry, const char *why)
{
    push_psa_result r = {.method = PUSH_METHOD_MESSAGE, .status = status, .retry = retry, .reason = why};
    reply(a, c, &r);
}

/* A push's outcome comes back with its connection. */
static void push_done(void *ctx, const push_psa_result *r) { reply(tp_unix_conn_ctx(ctx), ctx, r); }

static void accept_reply(void *ctx, tp_unix_conn *c, const push_psa_result *r) { reply(ctx, c, r); }

/* The request is whole: the push (or REFER) starts. Everything it needs of
 * the request's bytes is copied before this returns. */
static void start_request(psa_app *a, tp_unix_conn *c, const control_request *req)
{
    push_psa_result now;
    const char *why = NULL;
    char hdrs[2048];
    push_psa_push p;
    bool refer = sp_str_eq(req->verb, SP_LIT("REFER"));
    if (!refer && (!sp_str_eq(req->verb, SP_LIT("PUSH")) || !control_push_prepare(req, &p, hdrs, sizeof hdrs, &why))) {
        refuse(a, c, 400, false, why ? why : "unknown verb");
        return;
    }
    if (!refer) {
        psa_accept_push(a->accept, c, req->reply_accepted, &p);
        return;
    }
    int rc = push_psa_refer(a->psa, req->to, req->app, push_done, c, &now);
    if (rc != 0)
        reply(a, c, &now);
}

static int on_control_data(void *ctx, tp_unix_conn *c, const char *buf, size_t len)
{
    psa_app *a = ctx;
    control_request req;
    sp_error err;
    int rc = control_request_parse(buf, len, a->max_request, &req, &err);
    if (rc == SP_AGAIN)
        return TP_UNIX_MORE;
    if (rc < 0)
        refuse(a, c, (unsigned)err.status, false, err.reason); /* 400, 413: the same request fails again */
    else
        start_request(a, c, &req);
    return TP_UNIX_TAKEN;
}

static void on_control_refused(void *ctx, tp_unix_conn *c, tp_unix_refusal why)
{
    psa_app *a = ctx;
    if (why == TP_UNIX_TOO_LARGE)
        refuse(a, c, 413, false, "request too large");
    else if (why == TP_UNIX_TIMEOUT)
        refuse(a, c, 408, true, "the control request was not complete in time");
    else
        refuse(a, c, 503, true, "the psa has too many control requests at once");
}

/* An HTTP listener of the gateway ("tcp:HOST:PORT"), announced as
 * {"event":"http_listening","role":ROLE,"listen":...}; its address into url
 * as http://HOST:PORT when url is given. */
static int open_http(psa_app *a, const char *role, const char *spec, const http_server_limits *l, http_server **out,
                     char *url, size_t cap)
{
    tp_addr bind, bound;
    if (strncmp(spec, "tcp:", 4) || tp_addr_parse(spec + 4, strlen(spec + 4), 80, &bind) < 0) {
        fprintf(stderr, "sippush psa: --pap and --http want tcp:HOST:PORT (numeric host), not '%s'\n", spec);
        return -1;
    }
    int rc = http_server_new(host_agent_loop(a->agent), l, pap_gateway_http, a->gw, out);
    if (rc == 0)
        rc = http_server_listen(*out, &bind, &bound);
    if (rc != 0) {
        fprintf(stderr, "sippush psa: %s: %s\n", spec, strerror(-rc));
        return -1;
    }
    char text[TP_ADDR_HOST_MAX + 8];
    tp_addr_format(&bound, text, sizeof text);
    if (url)
        snprintf(url, cap, "http://%s", text);
    json_out *j = &a->host.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "http_listening");
    json_kv_cstr(j, "role", role);
    json_kv_cstr(j, "listen", text);
    json_object_end(j);
    json_line_end(j);
    return 0;
}

/* The gateway (pap_gateway.h) on --pap, and the content store on it or on
 * --http. */
static int open_gateway(psa_app *a, pap_gateway_config *gc, const char *pap, const char *http,
                        const http_server_limits *l)
{
    gc->loop = host_agent_loop(a->agent);
    gc->psa = a->psa;
    gc->out = &a->host.out;
    if (!(a->store = push_content_store_new(0, 0)) || !(gc->store = a->store) || !(a->gw = pap_gateway_new(gc))) {
        fprintf(stderr, "sippush psa: out of memory\n");
        return -1;
    }
    char url[96] = "";
    if ((pap && open_http(a, "pap", pap, l, &a->pap, http ? NULL : url, sizeof url) != 0) ||
        (http && open_http(a, "http", http, l, &a->http, url, sizeof url) != 0))
        return -1;
    /* the receivers fetch from the listener's own address (seed 000 §8.3.6) */
    pap_gateway_set_base_url(a->gw, url);
    return 0;
}

static int open_control(psa_app *a, const char *spec, const char *group, tp_unix_limits limits)
{
    if (strncmp(spec, "unix:", 5) || !spec[5]) {
        fprintf(stderr, "sippush psa: --control wants unix:PATH\n");
        return -1;
    }
    tp_unix_config c = {.path = spec + 5, .limits = limits, .ctx = a, .on_data = on_control_data,
                        .on_refused = on_control_refused};
    if (group) {
        struct group *g = getgrnam(group);
        uint64_t gid;
        if (!g && !sp_str_to_u64(sp_str_cstr(group), UINT32_MAX - 1, &gid)) {
            fprintf(stderr, "sippush psa: --control-group %s: no such group\n", group);
            return -1;
        }
        c.group_access = true;
        c.group = g ? g->gr_gid : (gid_t)gid;
    }
    int rc = tp_unix_open(host_agent_loop(a->agent), &c, &a->control);
    if (rc == -EEXIST)
        fprintf(stderr, "sippush psa: control socket %s: something that is not a socket is there; not removed\n",
                c.path);
    else if (rc == -EADDRINUSE)
        fprintf(stderr, "sippush psa: control socket %s: another psa is listening there\n", c.path);
    else if (rc != 0)
        fprintf(stderr, "sippush psa: control socket %s: %s\n", c.path, strerror(-rc));
    a->max_request = limits.max_request ? limits.max_request : TP_UNIX_MAX_REQUEST_DEFAULT;
    return rc == 0 ? 0 : -1;
}

/* --state DIR: the journal replayed, its torn or corrupt tail dropped;
 * {"event":"journal","live":N,...} says what it held. */
static int open_state(psa_app *a, const char *dir, uint64_t compact_at)
{
    push_journal_replay_stats st;
    int rc = psa_journal_open(dir, compact_at, &a->journal, &st);
    if (rc != 0) {
        fprintf(stderr, "sippush psa: --state %s: %s\n", dir, strerror(-rc));
        return -1;
    }
    json_out *j = &a->host.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "journal");
    json_kv_u64(j, "records", st.records);
    json_kv_u64(j, "accepted", st.accepted);
    json_kv_u64(j, "ended", st.ended);
    json_kv_u64(j, "live", st.live);
    json_kv_u64(j, "bindings", st.bindings);
    json_kv_cstr(j, "tail", st.stop == SP_AGAIN ? "torn" : st.stop ? "corrupt" : "clean");
    json_object_end(j);
    json_line_end(j);
    return 0;
}

static void psa_signal(void *agent)
{
    psa_app *a = agent;
    host_agent_stop(a->agent);
    tp_loop_stop(a->host.loop); /* the final NOTIFYs are queued and flushed on the way out */
}

int cmd_psa(int argc, char **argv)
{
    static psa_app a;
    memset(&a, 0, sizeof a);
    push_psa_config c;
    memset(&c, 0, sizeof c);
    const char *control = NULL, *control_group = NULL;
    tp_unix_limits limits = {.max_request = PUSH_HTTP_REQ_DEFAULT_MAX_BODY};
    http_server_limits hl;
    http_server_limits_default(&hl);
    pap_gateway_config gc = {0};
    const char *pap = NULL, *http = NULL, *state = NULL;
    uint64_t compact_at = 0;
    invite_host_opts io = {0};
    if (agent_host_init(&a.host, &a, NULL) != 0)
        return EXIT_FAIL;
    a.host.max_txns = PUSH_PSA_MAX_TXNS_DEFAULT;
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
            ok = v && agent_host_trust(v, a.trust, c.trust, &c.ntrust, PUSH_PSA_MAX_TRUST);
        else if (!strcmp(o, "--watch"))
            ok = v && c.nwatch < PUSH_PSA_MAX_WATCH && (c.watch[c.nwatch++] = sp_str_cstr(v)).n;
        else if (!strcmp(o, "--icsi"))
            c.icsi = sp_str_cstr(v);
        else if (!strcmp(o, "--max-expires"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PUSH_PSA_SUB_EXPIRES_MAX, &n) && (c.max_sub_expires = (uint32_t)n);
        else if (!strcmp(o, "--max-subscriptions"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PSA_FLAG_MAX, &n) && (c.max_subs = (uint32_t)n);
        else if (!strcmp(o, "--max-subscriptions-per-identity"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PSA_FLAG_MAX, &n) && (c.max_subs_per_identity = (uint32_t)n);
        else if (!strcmp(o, "--max-bindings"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PSA_FLAG_MAX, &n) && (c.max_bindings = (uint32_t)n);
        else if (!strcmp(o, "--max-txns"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), SIP_MAX_TXNS_LIMIT, &n) && (a.host.max_txns = (uint32_t)n);
        else if (!strcmp(o, "--max-queued-bytes"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), UINT64_MAX / 2, &n) && (c.max_queued_bytes = n);
        else if (!strcmp(o, "--max-queued-per-uri"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PSA_FLAG_MAX, &n) && (c.max_queued_per_uri = (uint32_t)n);
        else if (!strcmp(o, "--control-group"))
            control_group = v;
        else if (!strcmp(o, "--control-max-conns"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PSA_FLAG_MAX, &n) && (limits.max_conns = (size_t)n);
        else if (!strcmp(o, "--control-max-buffered"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), UINT32_MAX, &n) && (limits.max_buffered = (size_t)n);
        else if (!strcmp(o, "--control-max-request") || !strcmp(o, "--max-request"))
            /* one size limit for every way in: the control socket and HTTP */
            ok = v && sp_str_to_u64(sp_str_cstr(v), (uint64_t)PSA_FLAG_MAX * 4096, &n) && n &&
                 (limits.max_request = (size_t)n) && (hl.max_body = n);
        else if (!strcmp(o, "--pap"))
            pap = v;
        else if (!strcmp(o, "--http"))
            http = v;
        else if (!strcmp(o, "--pap-path"))
            ok = v && v[0] == '/' && (gc.path = v);
        else if (!strcmp(o, "--pap-domain"))
            ok = v && v[0] && (gc.domain = v);
        else if (!strcmp(o, "--pap-max-pushes"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), PSA_FLAG_MAX, &n) && n && (gc.max_pushes = (size_t)n);
        else if (!strcmp(o, "--pap-indirect-ttl-s"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), 86400 * 7, &n) && n && (gc.indirect_ttl_s = (uint32_t)n);
        else if (!strcmp(o, "--pap-remember-s"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), 86400 * 7, &n) && n && (gc.remember_s = (uint32_t)n);
        else if (!strcmp(o, "--control-timeout-ms"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), 3600000, &n) && (limits.timeout_ms = (uint32_t)n);
        else if (!strcmp(o, "--state"))
            ok = v && v[0] && (state = v);
        else if (!strcmp(o, "--state-compact-at"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), UINT64_MAX, &compact_at) && compact_at;
        else if (!strcmp(o, "--verbose"))
            a.host.verbose = true, takes = false;
        else if (!strncmp(o, "--http-", 7))
            ok = http_server_flag(&hl, o, v) > 0;
        else
            ok = agent_host_tcp_flag(&a.host, o, v) > 0;
        if (!ok || (takes && !v))
            goto done;
        i += takes;
    }
    if (!c.ntrust) /* this host, over either family */
        agent_host_trust("localhost", a.trust, c.trust, &c.ntrust, PUSH_PSA_MAX_TRUST);
    host_agent_config hc = {.role = &host_sender, .sender = c, .ctx = &a, .on_event = on_event};
    if ((status = invite_host_agent(&a.host, &io, &hc, "psa", &a.agent)) != 0)
        goto done;
    a.psa = host_agent_sender(a.agent);
    status = EXIT_FAIL;
    if (state && open_state(&a, state, compact_at) != 0)
        goto done;
    if (!(a.accept = psa_accept_new(host_agent_loop(a.agent), a.psa, &a.host.out, a.journal, accept_reply, &a))) {
        fprintf(stderr, "sippush psa: out of memory\n");
        goto done;
    }
    if (!limits.max_buffered && limits.max_request > TP_UNIX_MAX_BUFFERED_DEFAULT)
        limits.max_buffered = limits.max_request; /* room for one request of the largest size taken */
    if (control && open_control(&a, control, control_group, limits) != 0)
        goto done;
    if ((pap || http) && open_gateway(&a, &gc, pap, http, &hl) != 0)
        goto done;
    agent_host_print_listening(&a.host);
    if (a.journal) {
        /* the registrations first: the pushes may be routed by them */
        size_t made = psa_accept_restore_bindings(a.accept);
        json_object_begin(&a.host.out);
        json_kv_cstr(&a.host.out, "event", "journal_restored");
        json_kv_u64(&a.host.out, "bindings", made);
        json_object_end(&a.host.out);
        json_line_end(&a.host.out);
    }
    push_psa_start(a.psa);
    psa_accept_resume(a.accept);
    agent_host_run(&a.host);
    status = EXIT_OK;
done:
    if (status == EXIT_USAGE)
        usage();
    tp_unix_free(a.control);
    http_server_free(a.pap);
    http_server_free(a.http);
    host_agent_free(a.agent);
    psa_accept_free(a.accept); /* after the psa: the pushes' outcomes come back through it */
    psa_journal_free(a.journal);
    pap_gateway_free(a.gw); /* after the psa: its results come back through the gateway */
    push_content_store_free(a.store);
    agent_host_free(&a.host);
    return status;
}
