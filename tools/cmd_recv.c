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

typedef struct recv_app {
    agent_host host;
    push_pra *pra;
    recv_fetcher *fetcher;
    const char *out_dir;   /* NULL: --out none */
    unsigned long count;   /* 0: no limit */
    unsigned long pushes;
    unsigned long seq;
    sip_credentials creds;
    invite_host ih;        /* the session-mode push: MSRP and its context */
    push_invite_rx *irx;
    char accept[MSRP_ACCEPT_MAX];
} recv_app;

static int usage(void)
{
    fprintf(stderr,
            "usage: sippush recv [--listen udp|tcp:HOST:PORT]... [--aor SIP-URI] [--registrar SIP-URI]\n"
            "         [--proxy SIP-URI] [--expires S] [--app ID]... [--accept MIME]... [--trust HOST]...\n"
            "         [--allow-from SIP-URI]... [--subscribe SIP-URI] [--out DIR|none] [--max-size BYTES]\n"
            "         [--count N] [--instance URN] [--dev-cap URL] [--user NAME --password PW]\n"
            "         [--msrp-listen HOST[:PORT]] [--msrp-connect-timeout S] [--verbose]\n");
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

/* --count N: stop after the Nth push. */
static void counted(recv_app *r)
{
    if (r->count && ++r->pushes >= r->count && !r->host.signalled) {
        r->host.signalled = true;
        push_pra_stop(r->pra);
    }
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
                                .out_dir = r->out_dir, .apps = c->apps, .napps = c->napps};
    push_invite_rx_cb cb = {.ctx = r, .delivered = on_invite_push, .rejected = on_invite_rejected};
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
            ok = v && add(c.trust, &c.ntrust, PUSH_PRA_MAX_TRUST, v);
        else if (!strcmp(a, "--allow-from"))
            ok = v && add(c.whitelist, &c.nwhitelist, PUSH_PRA_MAX_WHITELIST, v);
        else if (!strcmp(a, "--subscribe"))
            c.subscribe = sp_str_cstr(v);
        else if (!strcmp(a, "--out"))
            out = v;
        else if (!strcmp(a, "--max-size"))
            ok = number(v, UINT64_MAX, &c.max_size) && c.max_size > 0;
        else if (!strcmp(a, "--count"))
            ok = number(v, UINT32_MAX, &n) && (r.count = (unsigned long)n) > 0;
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
            ok = false;
        if (!ok || (takes && !v))
            goto done;
        i += takes;
    }
    if (!c.ntrust)
        add(c.trust, &c.ntrust, PUSH_PRA_MAX_TRUST, "127.0.0.1");
    for (size_t i = 0; i < c.naccept; i++)
        if (sp_str_eq(c.accept[i], SP_LIT("*")) || sp_str_eq(c.accept[i], SP_LIT("*/*")))
            c.naccept = 0; /* a wildcard among them takes everything */
    r.out_dir = strcmp(out, "none") ? out : NULL;
    if (r.out_dir && mkdir(r.out_dir, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "sippush recv: cannot create %s: %s\n", r.out_dir, strerror(errno));
        status = EXIT_FAIL;
        goto done;
    }
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
        snprintf(aor, sizeof aor, "sip:recv@%s", r.host.local.host);
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
    agent_host_free(&r.host);
    return status;
}
