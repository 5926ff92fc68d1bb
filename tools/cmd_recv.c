/* cmd_recv.c - `sippush recv`: a Push Receiver Agent (CONTRACT.md). Every
 * push is written into --out (complete and renamed into place) before its
 * JSON line is printed; SIGINT/SIGTERM de-register, then exit 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent_host.h"
#include "cli.h"
#include "host_agent.h"
#include "invite_host.h"
#include "sp_hex.h"
#include "sp_sha1.h"

/* --linger: how long, after the --count'th push, its session may take to
 * end before we hang up. 32 s is Timer F (RFC 3261 §17.1.2.2): a sender
 * that has not sent its BYE by then is not going to. */
#define RECV_LINGER_DEFAULT_S 32
#define RECV_LINGER_MAX_S 3600

typedef struct recv_app {
    agent_host host;       /* the loop, signals and JSON lines */
    host_agent *agent;     /* the receiver on it */
    const char *out_dir;   /* NULL: --out none */
    unsigned long count;   /* 0: no limit */
    unsigned long pushes;
    uint64_t linger_ms;    /* --linger: how long the Nth push's session may take to end */
    bool draining;         /* the Nth push arrived: exit once its sessions have ended */
    tp_defer drain_check;
    tp_timer linger;
    sip_credentials creds;
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
    if (r->draining && !r->host.signalled && !host_agent_sessions(r->agent))
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
    if (host_agent_sessions(r->agent)) {
        host_agent_hang_up_all(r->agent, "--count reached");
        tp_loop_defer(r->host.loop, &r->drain_check);
        return;
    }
    r->host.signalled = true;
    host_agent_stop(r->agent);
}

static void session_ended(recv_app *r)
{
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

/* A page-mode push (stored already), or a session-mode one (stored and
 * verified; offered again after it was delivered: confirmed, not delivered
 * twice). */
static void print_push(recv_app *r, const host_event *ev)
{
    const push_delivery *d = ev->push;
    const push_invite_delivery *sd = ev->session;
    uint8_t digest[SP_SHA1_LEN];
    char hex[2 * SP_SHA1_LEN + 1];
    if (d)
        sp_sha1(d->body.p, d->body.n, digest);
    sp_hex_encode(d ? digest : sd->sha1, SP_SHA1_LEN, hex);
    hex[2 * SP_SHA1_LEN] = '\0';
    json_out *j = &r->host.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", sd && sd->duplicate ? "duplicate" : "push");
    json_kv_cstr(j, "method", d ? push_method_name(d->method) : "INVITE");
    json_kv_str(j, "app", d ? d->app : sd->app);
    json_kv_str(j, "from", d ? d->from : sd->from);
    json_kv_str(j, "content_type", d ? d->content_type : sd->content_type);
    json_kv_u64(j, "size", d ? d->body.n : sd->size);
    json_kv_cstr(j, "sha1", hex);
    json_kv_cstr(j, "file", r->out_dir ? ev->file : NULL);
    json_kv_str(j, "transfer_id", d ? d->transfer_id : sd->transfer_id);
    json_object_end(j);
    json_line_end(j);
}

static void on_event(void *ctx, const host_event *ev)
{
    recv_app *r = ctx;
    switch (ev->kind) {
    case HOST_EV_AGENT:
        print_event(r, ev->agent);
        break;
    case HOST_EV_PUSH:
        print_push(r, ev);
        counted(r);
        break;
    case HOST_EV_SESSION:
        print_push(r, ev);
        if (!ev->session->duplicate)
            counted(r);
        break;
    case HOST_EV_ENDED:
        session_ended(r);
        break;
    case HOST_EV_STOPPED:
        tp_loop_stop(r->host.loop);
        break;
    case HOST_EV_SENDER:
        break;
    }
}

static void recv_signal(void *agent) { host_agent_stop(((recv_app *)agent)->agent); }

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
    if (agent_host_init(&r.host, &r, NULL) != 0)
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
    host_agent_config hc = {.role = &host_receiver, .receiver = c, .max_sessions = (size_t)r.max_sessions,
                            .max_name = (size_t)r.max_name, .out_dir = r.out_dir, .fetch = true, .ctx = &r,
                            .on_event = on_event};
    if ((status = invite_host_agent(&r.host, &io, &hc, "recv", &r.agent)) != 0)
        goto done;
    agent_host_print_listening(&r.host);
    host_agent_start(r.agent);
    agent_host_run(&r.host);
    status = EXIT_OK;
done:
    if (status == EXIT_USAGE)
        usage();
    host_agent_free(r.agent);
    tp_defer_cancel(&r.drain_check);
    if (r.host.loop)
        tp_timer_stop(tp_loop_timers(r.host.loop), &r.linger);
    agent_host_free(&r.host);
    return status;
}
