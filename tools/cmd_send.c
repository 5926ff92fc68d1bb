/* cmd_send.c - `sippush send`: a one-shot Push Sender Agent (CONTRACT.md).
 * Without --psa it runs the sender's delivery path itself on an ephemeral
 * UDP port; with --psa unix:PATH it hands the push to a running psa over
 * its control socket (push_control.h) and prints the psa's answer. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent_host.h"
#include "cli.h"
#include "invite_host.h"
#include "push_control.h"
#include "push_indirect.h"
#include "push_psa.h"

/* How long an indirectly referenced content is said to stay available. */
#define SEND_INDIRECT_EXPIRES_S (7 * 24 * 3600)

typedef struct send_app {
    agent_host host;
    invite_host ih;
    push_psa *psa;
    push_psa_result result;
    bool finished;
} send_app;

static int usage(void)
{
    fprintf(stderr, "usage: sippush send --to SIP-URI [--proxy SIP-URI] [--method auto|message|notify|invite]\n"
                    "         [--app ID] [--type MIME] [--name NAME] [--confirm] [--chunk-size BYTES]\n"
                    "         [--indirect URL] [--psa unix:PATH] [--header NAME:VALUE]... [--from SIP-URI]\n"
                    "         [--target GRUU] [--icsi URN] [--msrp-setup passive|active|actpass]\n"
                    "         [--msrp-listen HOST[:PORT]] [--msrp-connect-timeout S] [--verbose] FILE|-\n");
    return EXIT_USAGE;
}

static int print_result(json_out *j, const push_psa_result *r)
{
    control_result_json(j, r);
    json_line_end(j);
    return r->delivered ? EXIT_OK : EXIT_FAIL;
}

/* --- through a running psa --------------------------------------------------- */

static int via_psa(const char *spec, const control_request *req)
{
    if (strncmp(spec, "unix:", 5) || strlen(spec + 5) >= sizeof ((struct sockaddr_un *)0)->sun_path) {
        fprintf(stderr, "sippush send: --psa wants unix:PATH\n");
        return EXIT_USAGE;
    }
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, spec + 5, strlen(spec + 5));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
        fprintf(stderr, "sippush send: cannot reach the psa at %s: %s\n", spec + 5, strerror(errno));
        if (fd >= 0)
            close(fd);
        json_out j;
        json_init(&j, stdout);
        push_psa_result r = {.method = PUSH_METHOD_MESSAGE, .status = 503, .retry = true,
                             .reason = "the psa control endpoint cannot be reached"};
        return print_result(&j, &r);
    }
    size_t len;
    char *buf = control_request_format(req, &len);
    int status = EXIT_FAIL;
    size_t off = 0;
    while (buf && off < len) {
        /* the psa may answer and close before taking it all (413): its answer is still read */
        ssize_t n = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    free(buf);
    char line[4096];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof line - 1 && (n = read(fd, line + got, sizeof line - 1 - got)) > 0)
        got += (size_t)n;
    close(fd);
    line[got] = '\0';
    if (got && line[0] == '{') {
        fputs(line, stdout);
        if (line[got - 1] != '\n')
            fputc('\n', stdout);
        status = strncmp(line, "{\"event\":\"delivered\"", 20) == 0 ? EXIT_OK : EXIT_FAIL;
    } else {
        fprintf(stderr, "sippush send: no answer from the psa\n");
    }
    return status;
}

/* --- session mode (INVITE/MSRP) ------------------------------------------------- */

/* --msrp-setup: the roles an offer may take (RFC 6135 §4.2.2; passive is
 * seed 000's). */
static bool msrp_setup_flag(const char *v, sdp_setup *out)
{
    sp_error err;
    return v && sdp_setup_parse(sp_str_cstr(v), out, &err) == 0 && *out != SDP_SETUP_HOLDCONN;
}

static void invite_timer(void *agent, uint64_t cookie)
{
    send_app *s = agent;
    if (invite_host_owns_timer(cookie))
        push_invite_timer(&s->ih.ctx, cookie);
}

/* Whether the push goes by INVITE: asked for, or auto with content past
 * the page-mode bound (push_method_select, seed 002 §7.1). */
static bool session_mode(const control_request *req)
{
    if (sp_str_eq(req->method, SP_LIT("invite")))
        return true;
    if (req->method.n && !sp_str_eq(req->method, SP_LIT("auto")))
        return false;
    push_method_input in = {.ask = PUSH_ASK_AUTO, .body_len = req->body.n, .indirect = req->indirect};
    push_method m;
    sp_error err;
    return push_method_select(&in, &m, &err) == 0 && m == PUSH_METHOD_INVITE;
}

/* The session-mode sender on an ephemeral UDP port beside an MSRP listener. */
static int on_our_own_invite(send_app *s, const control_request *req, send_invite_opts *o)
{
    if (agent_host_init(&s->host, s, invite_timer) != 0)
        return EXIT_FAIL;
    sip_peer hop;
    if (push_uri_peer(o->proxy.n ? o->proxy : req->to, &hop) != 0) {
        fprintf(stderr, "sippush send: --to / --proxy is not a usable sip: URI\n");
        agent_host_free(&s->host);
        return EXIT_USAGE;
    }
    char src[64], spec[96], identity[PUSH_URI_MAX];
    agent_host_source_for(hop.host, src, sizeof src);
    snprintf(spec, sizeof spec, strchr(src, ':') ? "udp:[%s]:0" : "udp:%s:0", src);
    int status = EXIT_FAIL;
    if (!agent_host_listen(&s->host, spec) ||
        agent_host_open(&s->host, SP_LIT(PUSH_INVITE_ALLOW), SP_LIT("timer"), false) != 0 ||
        invite_host_open(&s->ih, &s->host, hop.tp == SIP_TP_TCP ? SIP_TP_TCP : SIP_TP_UDP, &o->msrp) != 0)
        goto done;
    s->ih.ctx.user = SP_LIT("psa");
    if (!o->from.n) {
        snprintf(identity, sizeof identity, "sip:psa@%s", s->host.local.host);
        o->from = sp_str_cstr(identity);
    }
    o->to = req->to;
    o->app = req->app;
    o->type = req->content_type;
    o->headers = req->headers;
    o->nheaders = req->nheaders;
    status = send_invite_run(&s->host, &s->ih, o);
done:
    sip_txn_tp_free(s->host.tp);
    s->host.tp = NULL;
    invite_host_free(&s->ih);
    agent_host_free(&s->host);
    return status;
}

/* --- on our own ---------------------------------------------------------------- */

static void on_done(void *ctx, const push_psa_result *r)
{
    send_app *s = ctx;
    s->result = *r;
    s->finished = true;
    tp_loop_stop(s->host.loop);
}

static void send_timer(void *agent, uint64_t cookie) { push_psa_timer(((send_app *)agent)->psa, cookie); }

static int on_our_own(send_app *s, const control_request *req, sp_str proxy, sp_str from, sp_str icsi)
{
    push_psa_config c;
    memset(&c, 0, sizeof c);
    if (agent_host_init(&s->host, s, send_timer) != 0)
        return EXIT_FAIL;
    /* bind where packets to the first hop leave from, on a port of the system's choosing */
    sip_peer hop;
    if (push_uri_peer(proxy.n ? proxy : req->to, &hop) != 0) {
        fprintf(stderr, "sippush send: --to / --proxy is not a usable sip: URI\n");
        agent_host_free(&s->host);
        return EXIT_USAGE;
    }
    char src[64], spec[96];
    agent_host_source_for(hop.host, src, sizeof src);
    snprintf(spec, sizeof spec, strchr(src, ':') ? "udp:[%s]:0" : "udp:%s:0", src);
    int status = EXIT_FAIL;
    if (!agent_host_listen(&s->host, spec) || agent_host_open(&s->host, push_psa_allow(), SP_LIT(PUSH_PSA_SUPPORTED), false) != 0)
        goto done;
    char identity[PUSH_URI_MAX];
    if (!from.n) {
        snprintf(identity, sizeof identity, "sip:psa@%s", s->host.local.host);
        from = sp_str_cstr(identity);
    }
    c.identity = from;
    c.proxy = proxy;
    c.icsi = icsi;
    c.local = s->host.local;
    const char *why = NULL;
    s->psa = push_psa_new(&c, &s->host.env, &why);
    if (!s->psa) {
        fprintf(stderr, "sippush send: %s\n", why);
        status = EXIT_USAGE;
        goto done;
    }
    agent_host_set_tu(&s->host, push_psa_tu(s->psa));
    push_psa_set_layer(s->psa, sip_txn_tp_layer(s->host.tp));
    push_psa_push p;
    char hdrs[2048];
    push_psa_result now;
    if (sp_str_eq(req->verb, SP_LIT("REFER"))) {
        if (push_psa_refer(s->psa, req->to, req->app, on_done, s, &now) != 0) {
            status = print_result(&s->host.out, &now);
            goto done;
        }
    } else if (!control_push_prepare(req, &p, hdrs, sizeof hdrs, &why)) {
        fprintf(stderr, "sippush send: %s\n", why);
        status = EXIT_USAGE;
        goto done;
    } else if (push_psa_send(s->psa, &p, on_done, s, &now) != 0) {
        status = print_result(&s->host.out, &now);
        goto done;
    }
    agent_host_run(&s->host);
    if (!s->finished) { /* interrupted */
        push_psa_result r = {.method = PUSH_METHOD_MESSAGE, .status = 487, .reason = "interrupted"};
        s->result = r;
    }
    status = print_result(&s->host.out, &s->result);
done:
    sip_txn_tp_free(s->host.tp);
    s->host.tp = NULL;
    push_psa_free(s->psa);
    agent_host_free(&s->host);
    return status;
}

int cmd_send(int argc, char **argv)
{
    static send_app s;
    memset(&s, 0, sizeof s);
    control_request req;
    memset(&req, 0, sizeof req);
    req.verb = SP_LIT("PUSH");
    sp_str proxy = SP_STR_NULL, from = SP_STR_NULL, icsi = SP_STR_NULL;
    const char *file = NULL, *psa = NULL, *indirect = NULL;
    send_invite_opts io = {.progress = true}; /* drawn only on a terminal */
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true, ok = true;
        uint64_t n;
        int k;
        if ((k = invite_host_flag(&io.msrp, o, v)) != 0)
            ok = k > 0;
        else if (!strcmp(o, "--msrp-setup"))
            ok = msrp_setup_flag(v, &io.setup);
        else if (!strcmp(o, "--to"))
            req.to = sp_str_cstr(v);
        else if (!strcmp(o, "--proxy"))
            proxy = sp_str_cstr(v);
        else if (!strcmp(o, "--method"))
            req.method = sp_str_cstr(v);
        else if (!strcmp(o, "--app"))
            req.app = sp_str_cstr(v);
        else if (!strcmp(o, "--type"))
            req.content_type = sp_str_cstr(v);
        else if (!strcmp(o, "--name"))
            ok = v != NULL, io.name = sp_str_cstr(v); /* the file-selector name of a session-mode push */
        else if (!strcmp(o, "--chunk-size"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), MSRP_CHUNK_MAX, &n) && n > 0 && (io.chunk_size = (uint32_t)n);
        else if (!strcmp(o, "--confirm"))
            takes = false, io.confirm = req.confirm = true; /* a MESSAGE's 200 is its confirmation; MSRP asks Success-Report */
        else if (!strcmp(o, "--indirect"))
            indirect = v;
        else if (!strcmp(o, "--psa"))
            psa = v;
        else if (!strcmp(o, "--header"))
            ok = v && req.nheaders < CONTROL_MAX_HEADERS && (req.headers[req.nheaders++] = sp_str_cstr(v)).n;
        else if (!strcmp(o, "--from"))
            from = sp_str_cstr(v);
        else if (!strcmp(o, "--target"))
            req.target = sp_str_cstr(v);
        else if (!strcmp(o, "--icsi"))
            icsi = sp_str_cstr(v);
        else if (!strcmp(o, "--refer"))
            req.verb = SP_LIT("REFER"), takes = false;
        else if (!strcmp(o, "--verbose"))
            s.host.verbose = true, takes = false;
        else if (o[0] == '-' && o[1])
            ok = false;
        else if (!file)
            file = o, takes = false;
        else
            ok = false;
        if (!ok || (takes && !v))
            return usage();
        i += takes;
    }
    bool refer = sp_str_eq(req.verb, SP_LIT("REFER"));
    if (!req.to.n || (!file && !refer))
        return usage();
    io.proxy = proxy;
    io.from = from;
    io.icsi = icsi;
    struct stat sb;
    if (!psa && !indirect && !refer && file && strcmp(file, "-") && stat(file, &sb) == 0 && S_ISREG(sb.st_mode)) {
        req.body = sp_str_make(NULL, (size_t)sb.st_size); /* the size decides; MSRP reads the file in place */
        if (session_mode(&req)) {
            io.file = file;
            return on_our_own_invite(&s, &req, &io);
        }
    }
    size_t len = 0;
    char *content = file ? cli_read_file(file, &len) : NULL;
    if (file && !content) {
        fprintf(stderr, "sippush send: cannot read %s\n", file);
        return EXIT_FAIL;
    }
    char ct[1024], part[512];
    if (indirect) {
        /* RFC 4483: the request carries a reference; the content stays at the URL */
        sp_error err;
        int n = push_extbody_build(sp_str_cstr(indirect), time(NULL) + SEND_INDIRECT_EXPIRES_S, true, len,
                                   req.content_type.n ? req.content_type : SP_LIT("application/octet-stream"),
                                   SP_STR_NULL, ct, sizeof ct, part, sizeof part, &err);
        if (n < 0) {
            fprintf(stderr, "sippush send: --indirect: %s\n", err.reason);
            free(content);
            return EXIT_USAGE;
        }
        req.content_type = sp_str_cstr(ct);
        req.body = sp_str_make(part, (size_t)n);
        req.indirect = true;
    } else {
        req.body = sp_str_make(content, len);
    }
    int status;
    if (psa)
        status = via_psa(psa, &req);
    else if (!refer && session_mode(&req))
        io.body = req.body, status = on_our_own_invite(&s, &req, &io);
    else
        status = on_our_own(&s, &req, proxy, from, icsi);
    free(content);
    return status;
}
