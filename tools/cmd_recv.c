/* cmd_recv.c - `sippush recv`: a Push Receiver Agent (CONTRACT.md). Every
 * push is written into --out (complete and renamed into place) before its
 * JSON line is printed; SIGINT/SIGTERM de-register, then exit 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "agent_host.h"
#include "cli.h"
#include "invite_host.h"
#include "push_invite_receiver.h"
#include "msrp_sink.h"
#include "push_pra.h"
#include "recv_fetch.h"
#include "sp_hex.h"
#include "sp_sha1.h"

/* --linger: how long, after the --count'th push, its session may take to
 * end before we hang up. 32 s is Timer F (RFC 3261 §17.1.2.2): a sender
 * that has not sent its BYE by then is not going to. */
#define RECV_LINGER_DEFAULT_S 32
#define RECV_LINGER_MAX_S 3600

typedef struct recv_app {
    agent_host host;
    push_pra *pra;
    recv_fetcher *fetcher;
    const char *out_dir;   /* NULL: --out none */
    unsigned long count;   /* 0: no limit */
    unsigned long pushes;
    uint64_t linger_ms;    /* --linger: how long the Nth push's session may take to end */
    bool draining;         /* the Nth push arrived: exit once its sessions have ended */
    tp_defer drain_check;
    tp_timer linger;
    unsigned long seq;
    sip_credentials creds;
    invite_host ih;        /* the session-mode push: MSRP and its context */
    push_invite_rx *irx;
    char accept[MSRP_ACCEPT_MAX];
    char trust[PUSH_PRA_MAX_TRUST][TP_ADDR_HOST_MAX + 1]; /* --trust, resolved */
    uint64_t max_sessions, max_name; /* 0: the receiver's defaults */
} recv_app;

static int usage(void)
{
    fprintf(stderr,
            "usage: sippush recv [--listen udp|tcp:HOST:PORT]... [--aor SIP-URI] [--registrar SIP-URI]\n"
            "         [--proxy SIP-URI] [--expires S] [--app ID]... [--accept MIME]... [--trust HOST]...\n"
            "         [--allow-from SIP-URI]... [--subscribe SIP-URI] [--out DIR|none] [--max-size BYTES]\n"
            "         [--count N [--linger S]] [--max-sessions N] [--max-name BYTES] [--instance URN]\n"
            "         [--dev-cap URL] [--user NAME --password PW] [--msrp-listen HOST[:PORT]]\n"
            "         [--msrp-connect-timeout S] [--verbose]\n"
            "         [--tcp-max-conns N] [--tcp-max-per-host N] [--tcp-msg-timeout MS] [--tcp-idle-timeout MS]\n");
    return EXIT_USAGE;
}

static void print_event(recv_app *r, const push_pra_event *ev)
{
    json_out *j = &r->host.out;
    json_object_begin(j);
    switch (ev->kind) {
    case PUSH_PRA_EV_REGISTERED:
        json_kv_cstr(j, "event", "registered");
        json_kv_u64(j, "expires", ev->expires);
        break;
    case PUSH_PRA_EV_REG_FAILED:
        json_kv_cstr(j, "event", "register_failed");
        json_kv_u64(j, "status", ev->status);
        json_kv_str(j, "reason", ev->reason);
        break;
    case PUSH_PRA_EV_UNREGISTERED:
        json_kv_cstr(j, "event", "unregistered");
        json_kv_u64(j, "status", ev->status);
        break;
    case PUSH_PRA_EV_SUBSCRIBED:
        json_kv_cstr(j, "event", "subscribed");
        json_kv_u64(j, "expires", ev->expires);
        json_kv_str(j, "to", ev->target);
        break;
    case PUSH_PRA_EV_SUB_ENDED:
        json_kv_cstr(j, "event", "subscription_ended");
        json_kv_u64(j, "status", ev->status);
        json_kv_str(j, "to", ev->target);
        break;
    case PUSH_PRA_EV_REJECTED:
        json_kv_cstr(j, "event", "rejected");
        json_kv_str(j, "method", ev->method);
        json_kv_u64(j, "status", ev->status);
        json_kv_str(j, "reason", ev->reason);
        break;
    case PUSH_PRA_EV_STOPPED:
        json_object_end(j);
        return;
    }
    json_object_end(j);
    json_line_end(j);
}

static void on_event(void *ctx, const push_pra_event *ev)
{
    recv_app *r = ctx;
    if (ev->kind == PUSH_PRA_EV_STOPPED) {
        tp_loop_stop(r->host.loop);
        return;
    }
    print_event(r, ev);
}

/* Writes the push through the MSRP file sink: a temp file renamed into
 * place, so the name never shows a partial file. */
static unsigned store(recv_app *r, const push_delivery *d, char *path, size_t cap)
{
    for (int tries = 0; tries < 100; tries++) {
        char name[96];
        snprintf(name, sizeof name, "%.*s-%lld-%lu", d->app.n ? (int)d->app.n : 4, d->app.n ? d->app.p : "push",
                 (long long)time(NULL), ++r->seq);
        msrp_sink s;
        if (msrp_sink_file_open(&s, r->out_dir, sp_str_cstr(name), 0) != SP_OK)
            return 500;
        int rc = msrp_sink_write(&s, 0, d->body.p, d->body.n);
        if (rc == SP_OK)
            rc = msrp_sink_commit(&s, d->body.n);
        if (rc == SP_OK)
            snprintf(path, cap, "%s", msrp_sink_path(&s));
        msrp_sink_close(&s);
        if (rc == SP_OK)
            return 0;
        if (rc != MSRP_EEXIST)
            return 500;
    }
    return 500;
}

/* --count N: after the Nth push, the session that carried it ends first
 * (its last 200s and REPORT go out, the sender's BYE is answered, seed 002
 * §7.3.1.2), then the agent stops. Checked after the dispatch that may
 * have ended a session, so what it queued (answers, the sessions' release)
 * is done before we go; the stop itself comes from the linger timer at 0,
 * as the loop reads a stop asked by a deferred call only at its next
 * wake-up. */
static void drain_check(void *ctx)
{
    recv_app *r = ctx;
    if (r->draining && !r->host.signalled && !push_invite_rx_sessions(r->irx))
        tp_timer_start(tp_loop_timers(r->host.loop), &r->linger, 0);
}

/* The sessions have ended, or --linger ran out: those still up are ended
 * with a BYE and checked again; none left, the agent stops. */
static void linger_over(tp_timer *t, void *ctx)
{
    (void)t;
    recv_app *r = ctx;
    if (r->host.signalled)
        return;
    if (push_invite_rx_sessions(r->irx)) {
        push_invite_rx_hang_up_all(r->irx, "--count reached");
        tp_loop_defer(r->host.loop, &r->drain_check);
        return;
    }
    r->host.signalled = true;
    push_pra_stop(r->pra);
}

static void session_ended(void *ctx, const char *why)
{
    (void)why;
    recv_app *r = ctx;
    if (r->draining)
        tp_loop_defer(r->host.loop, &r->drain_check);
}

static void counted(recv_app *r)
{
    if (!r->count || ++r->pushes < r->count || r->draining)
        return;
    r->draining = true;
    tp_timer_start(tp_loop_timers(r->host.loop), &r->linger, r->linger_ms);
    tp_loop_defer(r->host.loop, &r->drain_check);
}

static unsigned on_push(void *ctx, const push_delivery *d)
{
    recv_app *r = ctx;
    char path[MSRP_SINK_PATH_MAX] = "";
    if (r->out_dir && store(r, d, path, sizeof path) != 0)
        return 500;
    uint8_t digest[SP_SHA1_LEN];
    char hex[2 * SP_SHA1_LEN + 1];
    sp_sha1(d->body.p, d->body.n, digest);
    sp_hex_encode(digest, sizeof digest, hex);
    hex[2 * SP_SHA1_LEN] = '\0';
    json_out *j = &r->host.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "push");
    json_kv_cstr(j, "method", push_method_name(d->method));
    json_kv_str(j, "app", d->app);
    json_kv_str(j, "from", d->from);
    json_kv_str(j, "content_type", d->content_type);
    json_kv_u64(j, "size", d->body.n);
    json_kv_cstr(j, "sha1", hex);
    json_kv_cstr(j, "file", r->out_dir ? path : NULL);
    json_kv_str(j, "transfer_id", d->transfer_id);
    json_object_end(j);
    json_line_end(j);
    counted(r);
    return 0;
}

/* A session-mode push: the receiver has stored and verified it already. */
static void on_invite_push(void *ctx, const push_invite_delivery *d)
{
    recv_app *r = ctx;
    char hex[2 * SP_SHA1_LEN + 1];
    sp_hex_encode(d->sha1, SP_SHA1_LEN, hex);
    hex[2 * SP_SHA1_LEN] = '\0';
    json_out *j = &r->host.out;
    json_object_begin(j);
    /* offered again after it was delivered: confirmed, not delivered twice */
    json_kv_cstr(j, "event", d->duplicate ? "duplicate" : "push");
    json_kv_cstr(j, "method", "INVITE");
    json_kv_str(j, "app", d->app);
    json_kv_str(j, "from", d->from);
    json_kv_str(j, "content_type", d->content_type);
    json_kv_u64(j, "size", d->size);
    json_kv_cstr(j, "sha1", hex);
    json_kv_cstr(j, "file", d->duplicate ? NULL : d->file);
    json_kv_str(j, "transfer_id", d->transfer_id);
    json_object_end(j);
    json_line_end(j);
    if (!d->duplicate)
        counted(r);
}

static void on_invite_rejected(void *ctx, unsigned status, const char *reason)
{
    recv_app *r = ctx;
    push_pra_event ev = {.kind = PUSH_PRA_EV_REJECTED, .status = status, .method = SP_LIT("INVITE"),
                         .reason = sp_str_cstr(reason)};
    print_event(r, &ev);
}

/* The session-mode receiver takes what the page-mode one takes: message/cpim
 * (RFC 4975 §8.6) and the --accept types, or everything. */
static push_invite_rx *invite_receiver(recv_app *r, const push_pra_config *c)
{
    size_t n = (size_t)snprintf(r->accept, sizeof r->accept, "message/cpim%s", c->naccept ? "" : " *");
    for (size_t i = 0; i < c->naccept && n < sizeof r->accept; i++)
        n += (size_t)snprintf(r->accept + n, sizeof r->accept - n, " %.*s", (int)c->accept[i].n, c->accept[i].p);
    if (n >= sizeof r->accept)
        return NULL;
    push_invite_rx_config ic = {.accept_types = sp_str_cstr(r->accept), .max_size = c->max_size,
                                .out_dir = r->out_dir, .apps = c->apps, .napps = c->napps,
                                .max_sessions = (size_t)r->max_sessions, .max_name = (size_t)r->max_name};
    push_invite_rx_cb cb = {.ctx = r, .delivered = on_invite_push, .rejected = on_invite_rejected,
                            .ended = session_ended};
    return push_invite_rx_new(&r->ih.ctx, &ic, &cb);
}

static void fetch_start(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    recv_fetcher_start(((recv_app *)ctx)->fetcher, id, url, max);
}

static void recv_timer(void *agent, uint64_t cookie)
{
    recv_app *r = agent;
    if (invite_host_owns_timer(cookie))
        push_invite_timer(&r->ih.ctx, cookie);
    else
        push_pra_timer(r->pra, cookie);
}
static void recv_signal(void *agent) { push_pra_stop(((recv_app *)agent)->pra); }

static bool add(sp_str *list, size_t *n, size_t max, const char *v)
{
    if (*n >= max)
        return false;
    list[(*n)++] = sp_str_cstr(v);
    return true;
}

static bool number(const char *s, uint64_t max, uint64_t *out)
{
    return s && sp_str_to_u64(sp_str_cstr(s), max, out);
}

int cmd_recv(int argc, char **argv)
{
    static recv_app r;
    memset(&r, 0, sizeof r);
    push_pra_config c;
    memset(&c, 0, sizeof c);
    const char *out = "./inbox", *user = NULL, *password = NULL;
    invite_host_opts io = {0};
    if (agent_host_init(&r.host, &r, recv_timer) != 0)
        return EXIT_FAIL;
    r.host.on_signal = recv_signal;
    r.linger_ms = RECV_LINGER_DEFAULT_S * 1000;
    tp_defer_init(&r.drain_check, drain_check, &r);
    tp_timer_init(&r.linger, linger_over, &r);
    int status = EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        bool ok = true, takes = true;
        int k;
        if (!strcmp(a, "--listen"))
            ok = v && agent_host_listen(&r.host, v);
        else if ((k = invite_host_flag(&io, a, v)) != 0)
            ok = k > 0;
        else if (!strcmp(a, "--aor"))
            c.aor = sp_str_cstr(v);
        else if (!strcmp(a, "--registrar"))
            c.registrar = sp_str_cstr(v);
        else if (!strcmp(a, "--proxy"))
            c.proxy = sp_str_cstr(v);
        else if (!strcmp(a, "--expires"))
            ok = number(v, UINT32_MAX, &n) && (c.expires = (uint32_t)n) > 0;
        else if (!strcmp(a, "--app"))
            ok = v && add(c.apps, &c.napps, PUSH_PRA_MAX_APPS, v);
        else if (!strcmp(a, "--accept"))
            ok = v && add(c.accept, &c.naccept, PUSH_PRA_MAX_ACCEPT, v);
        else if (!strcmp(a, "--trust"))
            ok = v && agent_host_trust(v, r.trust, c.trust, &c.ntrust, PUSH_PRA_MAX_TRUST);
        else if (!strcmp(a, "--allow-from"))
            ok = v && add(c.whitelist, &c.nwhitelist, PUSH_PRA_MAX_WHITELIST, v);
        else if (!strcmp(a, "--subscribe"))
            c.subscribe = sp_str_cstr(v);
        else if (!strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--max-size"))
            ok = number(v, UINT64_MAX, &c.max_size) && c.max_size > 0;
        else if (!strcmp(a, "--max-sessions"))
            ok = number(v, 1u << 20, &r.max_sessions) && r.max_sessions > 0;
        else if (!strcmp(a, "--max-name"))
            ok = number(v, 1u << 20, &r.max_name) && r.max_name > 0;
        else if (!strcmp(a, "--count"))
            ok = number(v, UINT32_MAX, &n) && (r.count = (unsigned long)n) > 0;
        else if (!strcmp(a, "--linger"))
            ok = number(v, RECV_LINGER_MAX_S, &n) && ((r.linger_ms = n * 1000) || true);
        else if (!strcmp(a, "--instance"))
            c.instance = sp_str_cstr(v);
        else if (!strcmp(a, "--dev-cap"))
            c.dev_cap = sp_str_cstr(v);
        else if (!strcmp(a, "--user"))
            user = v;
        else if (!strcmp(a, "--password"))
            password = v;
        else if (!strcmp(a, "--verbose"))
            r.host.verbose = true, takes = false;
        else
            ok = agent_host_tcp_flag(&r.host, a, v) > 0;
        if (!ok || (takes && !v))
            goto done;
        i += takes;
    }
    if (c.subscribe.n && !c.napps) {
        /* the SUBSCRIBE names its application (event-app-id, seed 002 §7.2.1.1) */
        fprintf(stderr, "sippush recv: --subscribe needs --app ID (the application the subscription is for)\n");
        goto done;
    }
    if (!c.ntrust) /* this host, over either family */
        agent_host_trust("localhost", r.trust, c.trust, &c.ntrust, PUSH_PRA_MAX_TRUST);
    for (size_t i = 0; i < c.naccept; i++)
        if (sp_str_eq(c.accept[i], SP_LIT("*")) || sp_str_eq(c.accept[i], SP_LIT("*/*")))
            c.naccept = 0; /* a wildcard among them takes everything */
    r.out_dir = strcmp(out, "none") ? out : NULL;
    if (r.out_dir && mkdir(r.out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "sippush recv: cannot create %s: %s\n", r.out_dir, strerror(errno));
        status = EXIT_FAIL;
        goto done;
    }
    if (r.out_dir) /* what a crash in the middle of a push left there */
        msrp_sink_sweep(r.out_dir);
    if (user) {
        r.creds = (sip_credentials){.username = sp_str_cstr(user), .password = sp_str_cstr(password ? password : "")};
        c.creds = &r.creds;
        c.ncreds = 1;
    }
    status = EXIT_FAIL;
    if (agent_host_open(&r.host, push_pra_allow(true), SP_LIT("gruu, timer"), true) != 0 ||
        invite_host_open(&r.ih, &r.host, r.host.local.udp_port ? SIP_TP_UDP : SIP_TP_TCP, &io) != 0)
        goto done;
    char aor[PUSH_URI_MAX];
    if (!c.aor.n) {
        push_local_uri(&r.host.local, "recv", aor, sizeof aor);
        c.aor = sp_str_cstr(aor);
    }
    r.fetcher = recv_fetcher_new(r.host.loop);
    c.local = r.host.local;
    c.ctx = &r;
    c.on_event = on_event;
    c.on_push = on_push;
    c.fetch = r.fetcher ? fetch_start : NULL;
    r.irx = invite_receiver(&r, &c);
    if (!r.irx) {
        fprintf(stderr, "sippush recv: bad --accept types\n");
        status = EXIT_USAGE;
        goto done;
    }
    c.invite = r.irx;
    const char *why = NULL;
    r.pra = push_pra_new(&c, &r.host.env, &why);
    if (!r.pra) {
        fprintf(stderr, "sippush recv: %s\n", why);
        status = EXIT_USAGE;
        goto done;
    }
    if (r.fetcher)
        recv_fetcher_set_agent(r.fetcher, r.pra);
    agent_host_set_tu(&r.host, push_pra_tu(r.pra));
    push_pra_set_layer(r.pra, sip_txn_tp_layer(r.host.tp));
    agent_host_print_listening(&r.host);
    push_pra_start(r.pra);
    agent_host_run(&r.host);
    status = EXIT_OK;
done:
    if (status == EXIT_USAGE)
        usage();
    sip_txn_tp_free(r.host.tp); /* transactions go before the agent their callbacks name */
    r.host.tp = NULL;
    push_invite_rx_free(r.irx);
    push_pra_free(r.pra);
    invite_host_free(&r.ih); /* the MSRP endpoint, before the loop */
    recv_fetcher_free(r.fetcher);
    tp_defer_cancel(&r.drain_check);
    if (r.host.loop)
        tp_timer_stop(tp_loop_timers(r.host.loop), &r.linger);
    agent_host_free(&r.host);
    return status;
}
