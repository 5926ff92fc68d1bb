/* fuzz_push_psa.c - the Push Sender Agent as a whole under the fuzzer: the
 * registrations it keeps (REGISTER, the reg event it watches), the
 * subscriptions it serves (SUBSCRIBE, its NOTIFYs), and its pushes by
 * MESSAGE, NOTIFY, REFER and INVITE with the content over MSRP, wired as
 * `sippush psa` wires them, on a fake clock (agent_world.h gives the input
 * format and the common steps). The peer (127.0.0.2:5070) is trusted and
 * plays every receiver and the core (the agent's outbound proxy); it
 * connects to the agent's MSRP listener (@L) at its first M step.
 *
 * Steps of this harness besides the common ones:
 *   C<flags>     first step only: 1 follow sip:carol@127.0.0.2's reg
 *                event, 2 IMS mode (an ICSI), 4 two subscriptions at most,
 *                one per identity
 *   P<ask><confirm> <to> [<app>]\n<content-type>\n<body>
 *                a push (ask 0 auto, 1 MESSAGE, 2 NOTIFY, 3 INVITE;
 *                confirm 1 asks for a delivery confirmation)
 *   F<to> [<app>]  a REFER asking to subscribe
 *   O<to>        an OPTIONS query
 *   X            the agent stops (push_psa_stop)
 *
 * Invariants (abort on violation): every push and REFER accepted gets
 * exactly one outcome, never from inside the call that started it, and
 * one refused at once none; an outcome that is not a delivery carries a
 * code that is not 2xx, a delivery a 2xx; an OPTIONS query is answered once; the
 * agent only sends requests that parse; after the input, once the agent
 * has stopped and the clock has run past every timer, every outcome has
 * come and no transaction or timer is left; nothing leaks (the replay
 * runs under LeakSanitizer). */
#include "agent_world.h"
#include "push_invite.h"
#include "push_psa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PUSHES 64
#define ARG_MAX 256

typedef struct job {
    bool started;
    int outcomes;
} job;

static struct {
    push_psa *psa;
    push_invite_ctx ictx;
    unsigned flags;
    bool configured, in_call;
    job jobs[PUSHES];
    size_t njobs;
} S;

/* A delivery says 2xx; a failure any other code, but one: the SIP or MSRP
 * code that decided it may be whatever 3DIGIT the peer answered (RFC 4975
 * §9 status-code), so only its absence is wrong. */
static void check_result(const push_psa_result *r)
{
    bool ok = r->status >= 200 && r->status <= 299;
    if (r->delivered ? !ok : (ok || r->status == 0))
        W_FAIL("an outcome without the status it needs");
}

static void on_done(void *ctx, const push_psa_result *r)
{
    job *j = ctx;
    if (S.in_call || !j->started || ++j->outcomes > 1)
        W_FAIL("an outcome inside the call, for nothing started, or twice");
    char why[128];
    int wn = snprintf(why, sizeof why, "outcome: %s %u %s", r->delivered ? "delivered" : "failed", r->status,
                      r->reason ? r->reason : "");
    w_trace("---", why, (size_t)wn);
    check_result(r);
}

static void on_caps(void *ctx, const push_psa_caps *c)
{
    (void)c;
    job *j = ctx;
    if (S.in_call || !j->started || ++j->outcomes > 1)
        abort();
}

static void on_event(void *ctx, const push_psa_event *ev)
{
    (void)ctx;
    if (ev->kind == PUSH_PSA_EV_REJECTED && (ev->status < 300 || ev->status > 699))
        abort();
}

static void agent_timer(uint64_t cookie) { push_psa_timer(S.psa, cookie); }

static void open_agent(void)
{
    S.configured = true;
    unsigned f = S.flags;
    S.ictx.env = W.env;
    S.ictx.sip = W.L;
    S.ictx.msrp = w_ep;
    S.ictx.msrp_host = "127.0.0.1";
    S.ictx.msrp_port = w_listener_port;
    S.ictx.local = w_local();
    S.ictx.tp = SIP_TP_UDP;
    S.ictx.user = SP_LIT("psa");
    push_psa_config c;
    memset(&c, 0, sizeof c);
    c.identity = SP_LIT("sip:psa@example.com");
    c.proxy = SP_LIT("sip:" W_PEER_HOST ":5070"); /* the peer plays the core too */
    c.trust[0] = SP_LIT(W_PEER_HOST);
    c.ntrust = 1;
    if (f & 1) {
        c.watch[0] = SP_LIT("sip:carol@" W_PEER_HOST);
        c.nwatch = 1;
    }
    if (f & 2)
        c.icsi = SP_LIT("urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.push");
    if (f & 4) {
        c.max_subs = 2;
        c.max_subs_per_identity = 1;
    }
    c.local = w_local();
    c.on_event = on_event;
    c.invite = &S.ictx;
    const char *why = NULL;
    S.psa = push_psa_new(&c, &W.env, &why);
    if (!S.psa)
        abort();
    W.tu = push_psa_tu(S.psa);
    push_psa_set_layer(S.psa, W.L);
    push_psa_start(S.psa);
    w_pump();
}

/* Splits "<a> [<b>]" at the first space of the first line; the rest after
 * the line in *rest. Copies into fixed buffers. */
static void words(const char *p, size_t n, char a[ARG_MAX], char b[ARG_MAX], sp_str *rest)
{
    const char *nl = memchr(p, '\n', n);
    size_t line = nl ? (size_t)(nl - p) : n;
    const char *sp = memchr(p, ' ', line);
    size_t an = sp ? (size_t)(sp - p) : line;
    size_t bn = sp ? line - an - 1 : 0;
    snprintf(a, ARG_MAX, "%.*s", (int)(an < ARG_MAX ? an : ARG_MAX - 1), p);
    snprintf(b, ARG_MAX, "%.*s", (int)(bn < ARG_MAX ? bn : ARG_MAX - 1), sp ? sp + 1 : "");
    *rest = nl ? sp_str_make(nl + 1, n - line - 1) : SP_STR_NULL;
}

static job *new_job(void)
{
    if (S.njobs == PUSHES)
        return NULL;
    job *j = &S.jobs[S.njobs++];
    *j = (job){.started = true};
    return j;
}

/* P<ask><confirm> <to> [<app>]\n<content-type>\n<body> */
static void push(const char *p, size_t n)
{
    if (n < 3)
        return;
    char to[ARG_MAX], app[ARG_MAX];
    sp_str rest;
    words(p + 3, n - 3, to, app, &rest);
    sp_str ct = SP_LIT("text/plain"), body = SP_STR_NULL;
    if (rest.p) {
        const char *nl = memchr(rest.p, '\n', rest.n);
        ct = sp_str_make(rest.p, nl ? (size_t)(nl - rest.p) : rest.n);
        body = nl ? sp_str_make(nl + 1, rest.n - (size_t)(nl + 1 - rest.p)) : SP_LIT("");
    }
    push_psa_push req = {.ask = (push_ask)((p[0] - '0') & 3), .to = sp_str_cstr(to),
                         .app = app[0] ? sp_str_cstr(app) : SP_STR_NULL, .content_type = ct,
                         .body = body.p ? body : SP_LIT(""), .confirm = p[1] == '1'};
    job *j = new_job();
    if (!j)
        return;
    push_psa_result now;
    memset(&now, 0, sizeof now);
    S.in_call = true;
    int rc = push_psa_send(S.psa, &req, on_done, j, &now);
    S.in_call = false;
    if (rc != 0) {
        char why[128];
        int wn = snprintf(why, sizeof why, "refused at once: %u %s", now.status, now.reason ? now.reason : "");
        w_trace("---", why, (size_t)wn);
        if (rc != 1)
            abort();
        check_result(&now);
        j->started = false; /* no outcome may follow */
    }
}

static void refer(const char *p, size_t n)
{
    char to[ARG_MAX], app[ARG_MAX];
    sp_str rest;
    words(p, n, to, app, &rest);
    job *j = new_job();
    if (!j)
        return;
    push_psa_result now;
    memset(&now, 0, sizeof now);
    S.in_call = true;
    int rc = push_psa_refer(S.psa, sp_str_cstr(to), app[0] ? sp_str_cstr(app) : SP_STR_NULL, on_done, j, &now);
    S.in_call = false;
    if (rc != 0) {
        if (rc != 1)
            abort();
        check_result(&now);
        j->started = false;
    }
}

static void options(const char *p, size_t n)
{
    char to[ARG_MAX], unused[ARG_MAX];
    sp_str rest;
    words(p, n, to, unused, &rest);
    job *j = new_job();
    if (!j)
        return;
    S.in_call = true;
    int rc = push_psa_options(S.psa, sp_str_cstr(to), on_caps, j);
    S.in_call = false;
    if (rc != 0)
        j->started = false;
}

static void step(const char *op, size_t n)
{
    if (op[0] == 'C' && !S.configured) {
        S.flags = (unsigned)w_number(op + 1, n - 1, 255);
        return;
    }
    if (!S.configured)
        open_agent();
    if (w_step(op, n))
        return;
    switch (op[0]) {
    case 'P': push(op + 1, n - 1); break;
    case 'F': refer(op + 1, n - 1); break;
    case 'O': options(op + 1, n - 1); break;
    case 'X': push_psa_stop(S.psa); break;
    default: w_receive(op, n); break;
    }
    w_pump();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char allow[256];
    snprintf(allow, sizeof allow, "%.*s, " PUSH_INVITE_ALLOW, (int)push_psa_allow().n, push_psa_allow().p);
    w_open(sp_str_cstr(allow), SP_LIT(PUSH_PSA_SUPPORTED ", timer"), agent_timer, false);
    memset(&S, 0, sizeof S);
    w_run(data, size, step);
    if (!S.configured)
        open_agent();
    push_psa_stop(S.psa);
    /* the peer's MSRP end goes away: the MSRP layer's own timers run on the
     * loop's real clock, which the fake one does not move, so a transfer
     * still waiting on them ends by the connection's loss instead */
    w_close_msrp();
    /* every outcome comes within the timers; then nothing is left */
    if (!w_settle(48))
        W_FAIL("timers armed after the clock ran past them all");
    if (sip_txn_count(W.L) != 0)
        W_FAIL("a transaction outlived its timers");
    for (size_t i = 0; i < S.njobs; i++)
        if (S.jobs[i].started && S.jobs[i].outcomes != 1) {
            fprintf(stderr, "job %zu of %zu\n", i, S.njobs);
            W_FAIL("a push without its outcome");
        }
    sip_txn_layer_free(W.L);
    push_psa_free(S.psa);
    w_close_msrp();
    return 0;
}
