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
#include "push_filetype.h"
#include "push_indirect.h"
#include "push_psa.h"

/* How long an indirectly referenced content is said to stay available. */
#define SEND_INDIRECT_EXPIRES_S (7 * 24 * 3600)

/* --refer-timeout: how long after the REFER's 2xx its final NOTIFY may
 * take. The receiver's SUBSCRIBE, then the NOTIFY that reports it, are each
 * a non-INVITE transaction of at most Timer F (RFC 3261 §17.1.2.2: 32 s). */
#define SEND_REFER_TIMEOUT_S 64
#define SEND_REFER_TIMEOUT_MAX_S 3600

typedef struct send_app {
    agent_host host;
    invite_host ih;
    push_psa *psa;
    push_psa_result result;
    bool finished;
    /* --refer: the outcome is the referral's (RFC 3515 §2.4.5) */
    bool refer, accepted;    /* a REFER; its 2xx came */
    unsigned referral;       /* the final sipfrag's status; 0 until it comes */
    uint64_t refer_wait_ms;
    tp_timer refer_timer;
    char trust[PUSH_PSA_MAX_TRUST][TP_ADDR_HOST_MAX + 1];
} send_app;

static int usage(void)
{
    fprintf(stderr, "usage: sippush send --to SIP-URI [--proxy SIP-URI] [--method auto|message|notify|invite]\n"
                    "         [--app ID] [--type MIME] [--name NAME] [--confirm] [--chunk-size BYTES]\n"
                    "         [--indirect URL] [--psa|--control unix:PATH] [--header NAME:VALUE]... [--from SIP-URI]\n"
                    "         [--target GRUU] [--icsi URN] [--msrp-setup passive|active|actpass]\n"
                    "         [--msrp-listen HOST[:PORT]] [--msrp-connect-timeout S] [--verbose] FILE|-\n"
                    "       sippush send --refer --to SIP-URI [--app ID] [--refer-timeout S] [--from SIP-URI] ...\n");
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
    if (host_timer_is_session(cookie))
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

/* An INVITE names the application in its Accept-Contact (seed 002 §7.3.1.1),
 * a REFER in the Event of the SUBSCRIBE it asks for (§7.2.3.1): no default. */
static int needs_app(const char *what)
{
    fprintf(stderr, "sippush send: %s needs --app ID (the push application it is for)\n", what);
    return EXIT_USAGE;
}

/* The session-mode sender on an ephemeral UDP port beside an MSRP listener. */
static int on_our_own_invite(send_app *s, const control_request *req, send_invite_opts *o)
{
    if (!req->app.n)
        return needs_app("a push by INVITE (a file over the 1300-byte MESSAGE limit, or --method invite)");
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
        push_local_uri(&s->host.local, "psa", identity, sizeof identity);
        o->from = sp_str_cstr(identity);
    }
    o->to = req->to;
    o->app = req->app;
    o->type = req->content_type;
    o->headers = req->headers;
    o->nheaders = req->nheaders;
    status = send_invite_run(&s->host, &s->ih, o);
done:
    host_sip_close(&s->host.sip);
    invite_host_free(&s->ih);
    agent_host_free(&s->host);
    return status;
}

/* --- on our own ---------------------------------------------------------------- */

static void finish(send_app *s)
{
    s->finished = true;
    tp_timer_stop(tp_loop_timers(s->host.loop), &s->refer_timer);
    /* a subscription the referral made with us ends with us (NOTIFY terminated) */
    push_psa_stop(s->psa);
    tp_loop_stop(s->host.loop);
}

/* The referral's outcome as the push's: delivered when the receiver's
 * SUBSCRIBE got a 2xx, otherwise failed with the sipfrag's status, or
 * 408 when no final NOTIFY came. */
static void referral_outcome(send_app *s)
{
    push_psa_result *r = &s->result;
    if (s->referral >= 200 && s->referral < 300)
        return;
    unsigned code = s->referral >= 300 ? s->referral : 408;
    push_status st = push_status_of(PUSH_SRC_SIP, PUSH_METHOD_REFER, code);
    r->delivered = false;
    r->status = code;
    r->retry = st.retry;
    r->reason = !s->referral ? "no final NOTIFY of the referral in time"
                : s->referral < 300 ? "the referral ended without a final status"
                                    : "the receiver's SUBSCRIBE was refused";
}

static void on_done(void *ctx, const push_psa_result *r)
{
    send_app *s = ctx;
    s->result = *r;
    if (s->refer && r->delivered) {
        /* RFC 3515 §2.4.4: the 2xx says the REFER was accepted, the NOTIFYs what came of it */
        s->accepted = true;
        if (!s->referral) {
            tp_timer_start(tp_loop_timers(s->host.loop), &s->refer_timer, s->refer_wait_ms);
            return;
        }
        referral_outcome(s);
    }
    finish(s);
}

/* The final NOTIFY of the referral came (and was answered 200 by the agent). */
static void on_psa_event(void *ctx, const push_psa_event *ev)
{
    send_app *s = ctx;
    if (ev->kind != PUSH_PSA_EV_REFERRED || !s->refer || s->finished)
        return;
    s->referral = ev->status ? ev->status : 100;
    if (s->accepted) {
        referral_outcome(s);
        finish(s);
    }
}

static void refer_timed_out(tp_timer *t, void *ctx)
{
    (void)t;
    send_app *s = ctx;
    referral_outcome(s);
    finish(s);
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
        push_local_uri(&s->host.local, "psa", identity, sizeof identity);
        from = sp_str_cstr(identity);
    }
    c.identity = from;
    c.proxy = proxy;
    c.icsi = icsi;
    c.local = s->host.local;
    c.ctx = s;
    c.on_event = on_psa_event;
    /* the referred SUBSCRIBE comes back to us: believed from this host, as `psa` does */
    agent_host_trust("localhost", s->trust, c.trust, &c.ntrust, PUSH_PSA_MAX_TRUST);
    tp_timer_init(&s->refer_timer, refer_timed_out, s);
    const char *why = NULL;
    s->psa = push_psa_new(&c, &s->host.env, &why);
    if (!s->psa) {
        fprintf(stderr, "sippush send: %s\n", why);
        status = EXIT_USAGE;
        goto done;
    }
    agent_host_set_tu(&s->host, push_psa_tu(s->psa));
    push_psa_set_layer(s->psa, host_sip_layer(&s->host.sip));
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
    if (s->refer && s->accepted) {
        control_referral_json(&s->host.out, &s->result, s->referral);
        json_line_end(&s->host.out);
        status = s->result.delivered ? EXIT_OK : EXIT_FAIL;
    } else {
        status = print_result(&s->host.out, &s->result);
    }
done:
    tp_timer_stop(tp_loop_timers(s->host.loop), &s->refer_timer);
    host_sip_close(&s->host.sip);
    push_psa_free(s->psa);
    agent_host_free(&s->host);
    return status;
}

int cmd_send(int argc, char **argv)
{
    static send_app s;
    memset(&s, 0, sizeof s);
    s.refer_wait_ms = SEND_REFER_TIMEOUT_S * 1000;
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
        else if (!strcmp(o, "--psa") || !strcmp(o, "--control"))
            psa = v; /* --control: the psa's own name for the same socket */
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
        else if (!strcmp(o, "--refer-timeout"))
            ok = v && sp_str_to_u64(sp_str_cstr(v), SEND_REFER_TIMEOUT_MAX_S, &n) &&
                 ((s.refer_wait_ms = n * 1000) || true);
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
    s.refer = refer;
    if (!req.to.n || (!file && !refer))
        return usage();
    if (!req.app.n && (refer || sp_str_eq(req.method, SP_LIT("invite"))))
        return needs_app(refer ? "--refer" : "--method invite");
    if (!req.content_type.n) {
        /* no --type: the name says it where it is unambiguous */
        sp_str named = io.name.n ? io.name : file && strcmp(file, "-") ? sp_str_cstr(file) : SP_STR_NULL;
        req.content_type = push_filetype_of(named);
    }
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
