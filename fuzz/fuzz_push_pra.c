/* fuzz_push_pra.c - the Push Receiver Agent as a whole under the fuzzer: its
 * registration, its subscription to a sender, MESSAGE, NOTIFY, REFER,
 * OPTIONS, indirect content, and the session-mode receiver (INVITE, ACK,
 * BYE, CANCEL, UPDATE and the content over MSRP), wired as `sippush recv`
 * wires them, on a fake clock (agent_world.h gives the input format and
 * the common steps). The agent registers at, subscribes to and trusts the
 * peer (127.0.0.2:5070); it connects to the peer's MSRP listener (@P).
 *
 * Steps of this harness besides the common ones:
 *   C<flags>     first step only: 1 no registrar, 2 no subscription,
 *                4 a whitelist (sip:psa@example.com), 8 every type taken,
 *                16 the 200 to an INVITE waits 2 s
 *   G<status>\n<content-type>\n<body>
 *                the oldest indirect fetch ends with that outcome
 *   N            the application refuses the next push (500, MSRP 413)
 *   X            the agent stops (push_pra_stop)
 *
 * Invariants (abort on violation): a request (Call-ID, From tag, CSeq,
 * method) is delivered at most once within the duplicate window; a
 * session-mode push (transfer id and SHA-1) is delivered to the
 * application at most once, and only whole and verified; no more sessions
 * live than max_sessions; every refusal
 * carries a failure status; the agent only sends requests that parse;
 * after the input, once the agent has stopped and the clock has run past
 * every timer, no session, transaction or timer is left; nothing leaks
 * (the replay runs under LeakSanitizer). */
#include "agent_world.h"
#include "push_invite.h"
#include "push_invite_receiver.h"
#include "push_pra.h"
#include "sp_sha1.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY_MAX 512
#define DELIVERED_MAX 256
#define FETCHES 16
#define MAX_SESSIONS 4

typedef struct seen {
    char key[KEY_MAX];
    uint64_t at;
} seen;

static struct {
    push_pra *pra;
    push_invite_rx *irx;
    push_invite_ctx ictx;
    unsigned flags;
    bool configured, stop_called, stopped, refuse_next;
    char cur_key[KEY_MAX];          /* the request being injected */
    seen msgs[DELIVERED_MAX];        /* page-mode and NOTIFY pushes delivered */
    size_t nmsgs;
    seen transfers[DELIVERED_MAX];   /* session-mode pushes delivered */
    size_t ntransfers;
    struct {
        uint64_t id;
        char key[KEY_MAX];
    } fetch[FETCHES];
} P;

/* --- the application ---------------------------------------------------------- */

static void remember(seen *list, size_t *n, const char *key, uint64_t window)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp(list[i].key, key) && (!window || W.now - list[i].at <= window))
            W_FAIL("a push delivered twice");
    if (*n < DELIVERED_MAX) {
        snprintf(list[*n].key, KEY_MAX, "%s", key);
        list[(*n)++].at = W.now;
    }
}

static unsigned on_push(void *ctx, const push_delivery *d)
{
    (void)ctx;
    if (d->body.n && !d->body.p)
        abort();
    if (P.refuse_next) {
        P.refuse_next = false;
        return 500;
    }
    remember(P.msgs, &P.nmsgs, P.cur_key, PUSH_PRA_DEDUP_MS);
    w_trace("---", "push", 4);
    return 0;
}

static void on_event(void *ctx, const push_pra_event *ev)
{
    (void)ctx;
    if (ev->kind == PUSH_PRA_EV_REJECTED && (ev->status < 300 || ev->status > 699))
        abort();
    if (ev->kind == PUSH_PRA_EV_STOPPED) {
        if (!P.stop_called || P.stopped)
            abort();
        P.stopped = true;
    }
}

static void fetch(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    (void)ctx, (void)url, (void)max;
    for (size_t i = 0; i < FETCHES; i++)
        if (!P.fetch[i].id) {
            P.fetch[i].id = id;
            snprintf(P.fetch[i].key, KEY_MAX, "%s", P.cur_key);
            return;
        }
    abort(); /* more fetches than PUSH_PRA_MAX_FETCHES in flight */
}

static unsigned rx_accept(void *ctx, const push_invite_delivery *d)
{
    (void)ctx, (void)d;
    if (P.refuse_next) {
        P.refuse_next = false;
        return 413;
    }
    return 0;
}

static void rx_delivered(void *ctx, const push_invite_delivery *d)
{
    (void)ctx;
    if (!d->sha1 || (!d->data && !d->file && d->size))
        abort();
    if (d->data) {
        uint8_t sha[SP_SHA1_LEN];
        sp_sha1(d->data, (size_t)d->size, sha);
        if (memcmp(sha, d->sha1, SP_SHA1_LEN) != 0)
            abort(); /* delivered content that is not what was verified */
    }
    w_trace("---", d->duplicate ? "delivered again (duplicate)" : "delivered", d->duplicate ? 27 : 9);
    if (d->duplicate)
        return;
    char key[KEY_MAX];
    int n = snprintf(key, sizeof key, "%.*s/", (int)d->transfer_id.n, d->transfer_id.p ? d->transfer_id.p : "");
    for (size_t i = 0; i < SP_SHA1_LEN && n < KEY_MAX - 3; i++)
        n += snprintf(key + n, sizeof key - (size_t)n, "%02x", d->sha1[i]);
    remember(P.transfers, &P.ntransfers, key, 0);
}

static void rx_rejected(void *ctx, unsigned status, const char *reason)
{
    (void)ctx, (void)reason;
    if (status < 300 || status > 699)
        abort();
}

/* --- wiring --------------------------------------------------------------------- */

static void agent_timer(uint64_t cookie)
{
    unsigned k = push_cookie_kind(cookie);
    if (k == PUSH_TMR_INVITE_SENDER || k == PUSH_TMR_INVITE_RX)
        push_invite_timer(&P.ictx, cookie);
    else
        push_pra_timer(P.pra, cookie);
}

static void open_agent(void)
{
    P.configured = true;
    unsigned f = P.flags;
    P.ictx.env = W.env;
    P.ictx.sip = W.L;
    P.ictx.msrp = w_ep;
    P.ictx.msrp_host = "127.0.0.1";
    P.ictx.msrp_port = 0;
    P.ictx.local = w_local();
    P.ictx.tp = SIP_TP_UDP;
    sp_str apps[] = {SP_LIT("sms.ua"), SP_LIT("mms.ua"), SP_LIT("wml.ua"), SP_LIT("x.ua")};
    push_invite_rx_config ic = {.accept_types = (f & 8) ? SP_LIT("*") : SP_LIT("message/cpim text/plain *"),
                                .max_size = 1000000, .apps = apps, .napps = 4, .max_sessions = MAX_SESSIONS,
                                .answer_delay_ms = (f & 16) ? 2000 : 0};
    push_invite_rx_cb cb = {.accept = rx_accept, .delivered = rx_delivered, .rejected = rx_rejected};
    P.irx = push_invite_rx_new(&P.ictx, &ic, &cb);
    push_pra_config c;
    memset(&c, 0, sizeof c);
    c.aor = SP_LIT("sip:bob@example.com");
    if (!(f & 1))
        c.registrar = SP_LIT("sip:" W_PEER_HOST ":5070");
    if (!(f & 2))
        c.subscribe = SP_LIT("sip:psa@" W_PEER_HOST ":5070");
    c.expires = 600;
    for (size_t i = 0; i < 4; i++)
        c.apps[c.napps++] = apps[i];
    if (!(f & 8)) {
        c.accept[0] = SP_LIT("text/plain");
        c.accept[1] = SP_LIT("application/vnd.oma.push");
        c.naccept = 2;
    }
    c.trust[0] = SP_LIT(W_PEER_HOST);
    c.ntrust = 1;
    if (f & 4) {
        c.whitelist[0] = SP_LIT("sip:psa@example.com");
        c.nwhitelist = 1;
    }
    c.instance = SP_LIT("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    c.max_size = 1000000;
    c.local = w_local();
    c.on_event = on_event;
    c.on_push = on_push;
    c.fetch = fetch;
    c.invite = P.irx;
    const char *why = NULL;
    P.pra = P.irx ? push_pra_new(&c, &W.env, &why) : NULL;
    if (!P.pra)
        abort();
    W.tu = push_pra_tu(P.pra);
    push_pra_set_layer(P.pra, W.L);
    push_pra_start(P.pra);
    w_pump();
}

/* The key of the request about to be injected (as the agent's duplicate
 * table names it). */
static void note_key(const char *p, size_t len)
{
    size_t n;
    char *m = w_expand(p, len, &n);
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg req;
    P.cur_key[0] = '\0';
    if (sip_msg_parse(m, n, &req, hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, NULL) >= 0 &&
        req.is_request) {
        sp_str cid = w_header(&req, SIP_H_CALL_ID), tag = w_tag_of(w_header(&req, SIP_H_FROM)),
               cseq = w_header(&req, SIP_H_CSEQ);
        snprintf(P.cur_key, sizeof P.cur_key, "%.*s|%.*s|%.*s|%.*s", (int)req.method.n, req.method.p,
                 (int)(cid.n < 150 ? cid.n : 150), cid.p ? cid.p : "", (int)(tag.n < 150 ? tag.n : 150),
                 tag.p ? tag.p : "", (int)(cseq.n < 150 ? cseq.n : 150), cseq.p ? cseq.p : "");
    }
    free(m);
}

/* G<status>\n<content-type>\n<body> */
static void fetch_done(size_t slot, const char *p, size_t len)
{
    const char *nl = memchr(p, '\n', len);
    unsigned status = (unsigned)w_number(p, nl ? (size_t)(nl - p) : len, 999);
    sp_str ct = SP_STR_NULL, body = SP_STR_NULL;
    if (nl) {
        const char *rest = nl + 1, *end = p + len;
        const char *nl2 = memchr(rest, '\n', (size_t)(end - rest));
        ct = sp_str_make(rest, nl2 ? (size_t)(nl2 - rest) : (size_t)(end - rest));
        if (nl2)
            body = sp_str_make(nl2 + 1, (size_t)(end - nl2 - 1));
    }
    uint64_t id = P.fetch[slot].id;
    snprintf(P.cur_key, sizeof P.cur_key, "%s", P.fetch[slot].key);
    P.fetch[slot].id = 0;
    push_pra_fetch_done(P.pra, id, status, ct, body.p, body.n);
}

static void step(const char *op, size_t n)
{
    if (op[0] == 'C' && !P.configured) {
        P.flags = (unsigned)w_number(op + 1, n - 1, 255);
        return;
    }
    if (!P.configured)
        open_agent();
    if (op[0] == 'R')
        note_key(op + 1, n - 1);
    if (!w_step(op, n)) {
        switch (op[0]) {
        case 'G':
            for (size_t i = 0; i < FETCHES; i++)
                if (P.fetch[i].id) {
                    fetch_done(i, op + 1, n - 1);
                    break;
                }
            break;
        case 'N': P.refuse_next = true; break;
        case 'X':
            if (!P.stop_called) {
                P.stop_called = true;
                push_pra_stop(P.pra);
            }
            break;
        default: w_receive(op, n); break;
        }
        w_pump();
    }
    if (push_invite_rx_sessions(P.irx) > MAX_SESSIONS)
        W_FAIL("more sessions than max_sessions");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    w_open(push_pra_allow(true), SP_LIT("gruu, timer"), agent_timer, true);
    memset(&P, 0, sizeof P);
    w_run(data, size, step);
    if (!P.configured)
        open_agent();
    /* the owner's fetches end (push_http_fetch has its own time limit) */
    for (size_t i = 0; i < FETCHES; i++)
        if (P.fetch[i].id)
            fetch_done(i, "408", 3);
    if (!P.stop_called) {
        P.stop_called = true;
        push_pra_stop(P.pra);
    }
    w_advance(PUSH_PRA_STOP_WAIT_MS + 1);
    if (!P.stopped)
        W_FAIL("stop did not finish within its wait");
    /* every session ends within its timers, every transaction within its own */
    if (!w_settle(48))
        W_FAIL("timers armed after the clock ran past them all");
    if (push_invite_rx_sessions(P.irx) != 0)
        W_FAIL("a session outlived its timers");
    if (sip_txn_count(W.L) != 0)
        W_FAIL("a transaction outlived its timers");
    sip_txn_layer_free(W.L); /* transactions go before the agent their callbacks name */
    push_invite_rx_free(P.irx);
    push_pra_free(P.pra);
    w_close_msrp();
    return 0;
}
