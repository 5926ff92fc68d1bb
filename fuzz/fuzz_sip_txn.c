/* fuzz_sip_txn.c - fuzzes the transaction layer as a state machine: the input is
 * a sequence of records separated by "\n%%\n", each an operation on one
 * layer in a fake environment (clock, timers, a transport that drops what
 * is sent):
 *
 *   R<message>   a message received from the peer (UDP; "r" for TCP)
 *   C<request>   a client transaction started for the request (to the peer)
 *   T<ms>        the clock moves on by ms (at most 100 s), timers firing in order
 *   A<status>    the last server transaction answered
 *   X            the last client transaction cancelled
 *   E / e        a transport error toward the peer (e: the connection never opened)
 *   F            the next send fails
 *
 * Invariants (abort on violation): a client transaction hears at most one
 * final outcome, and after the input, ten minutes of clock later, every one
 * started has heard exactly one, but for an INVITE left in Proceeding, which
 * waits for its TU's CANCEL (RFC 3261 §17.1.1.2 runs no timer there) and
 * must hear one 64*T1 after it; no more transactions live than the limit;
 * at the end, when none lives (an INVITE the TU never answered may), no
 * timer is armed either. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_txn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TXNS 32
#define MAX_TIMERS 256
#define MAX_CLIENTS 512
#define DELIM "\n%%\n"

typedef struct ftimer {
    uint64_t handle, due, cookie;
    bool armed;
} ftimer;

typedef struct client_rec {
    sip_txn_id id;
    int finals;
} client_rec;

static struct {
    sip_txn_layer *L;
    uint64_t now, next_handle;
    ftimer timers[MAX_TIMERS];
    int fail_next;
    sip_txn_id last_server, last_client;
    client_rec clients[MAX_CLIENTS];
    size_t nclients;
    int pending_finals; /* finals delivered before the start call returned */
} F;

static uint64_t env_now(void *ctx) { return (void)ctx, F.now; }

static int env_send(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    (void)ctx, (void)dest, (void)buf, (void)len;
    if (F.fail_next) {
        F.fail_next = 0;
        return -1;
    }
    return 0;
}

static uint64_t env_timer_start(void *ctx, uint64_t delay, uint64_t cookie)
{
    (void)ctx;
    for (size_t i = 0; i < MAX_TIMERS; i++) {
        if (F.timers[i].armed)
            continue;
        F.timers[i] = (ftimer){.handle = ++F.next_handle, .due = F.now + (delay ? delay : 1), .cookie = cookie,
                               .armed = true};
        return F.timers[i].handle;
    }
    abort(); /* MAX_TIMERS is far above two per transaction: a leak */
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    (void)ctx;
    for (size_t i = 0; i < MAX_TIMERS; i++)
        if (F.timers[i].armed && F.timers[i].handle == handle)
            F.timers[i].armed = false;
}

static client_rec *client_of(sip_txn_id id)
{
    for (size_t i = 0; i < F.nclients; i++)
        if (F.clients[i].id == id)
            return &F.clients[i];
    return NULL;
}

static void on_client(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    (void)ctx;
    if (!r->final)
        return;
    client_rec *c = client_of(ct);
    if (!c) {
        /* a CANCEL's outcome, or one heard before its start call returned (never allowed) */
        if (ctx == (void *)&F)
            abort();
        return;
    }
    if (++c->finals > 1)
        abort();
}

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)ctx, (void)req, (void)src;
    if (st)
        F.last_server = st;
}

static void advance(uint64_t ms)
{
    uint64_t end = F.now + ms;
    for (;;) {
        ftimer *next = NULL;
        for (size_t i = 0; i < MAX_TIMERS; i++) {
            ftimer *t = &F.timers[i];
            if (t->armed && t->due <= end && (!next || t->due < next->due ||
                                              (t->due == next->due && t->handle < next->handle)))
                next = t;
        }
        if (!next)
            break;
        F.now = next->due;
        next->armed = false;
        sip_txn_timer(F.L, next->cookie);
    }
    F.now = end;
}

static uint64_t number(const char *p, size_t n, uint64_t max)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++)
        if ((v = v * 10 + (uint64_t)(p[i] - '0')) > max)
            return max;
    return v;
}

static sip_peer peer(sip_tp tp)
{
    sip_peer p;
    memset(&p, 0, sizeof p);
    p.tp = tp;
    p.port = 5060;
    p.conn = tp == SIP_TP_UDP ? 0 : 7;
    memcpy(p.host, "10.0.0.2", 9);
    return p;
}

static void run(const char *op, size_t n)
{
    const char *arg = op + 1;
    size_t an = n - 1;
    switch (op[0]) {
    case 'R':
    case 'r': {
        sip_peer src = peer(op[0] == 'R' ? SIP_TP_UDP : SIP_TP_TCP);
        sip_txn_receive(F.L, arg, an, &src);
        break;
    }
    case 'C': {
        if (F.nclients == MAX_CLIENTS)
            break;
        sip_peer dest = peer(SIP_TP_UDP);
        sip_txn_id id = 0;
        if (sip_txn_request(F.L, arg, an, &dest, on_client, &F, &id) == 0) {
            F.clients[F.nclients++] = (client_rec){.id = id};
            F.last_client = id;
        }
        break;
    }
    case 'T':
        advance(number(arg, an, 100000));
        break;
    case 'A': {
        sip_txn_reply r = {.status = (unsigned)number(arg, an, 999), .to_tag = SP_LIT("fz")};
        sip_txn_respond(F.L, F.last_server, &r);
        break;
    }
    case 'X':
        sip_txn_cancel(F.L, F.last_client, on_client, NULL);
        break;
    case 'E':
    case 'e': {
        sip_peer where = peer(an && arg[0] == 't' ? SIP_TP_TCP : SIP_TP_UDP);
        sip_txn_transport_error(F.L, &where, op[0] == 'e');
        break;
    }
    case 'F':
        F.fail_next = 1;
        break;
    default: {
        sip_peer src = peer(SIP_TP_UDP);
        sip_txn_receive(F.L, op, n, &src);
        break;
    }
    }
    if (sip_txn_count(F.L) > MAX_TXNS)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memset(&F, 0, sizeof F);
    F.now = 1000;
    sip_txn_config cfg;
    sip_txn_config_default(&cfg);
    cfg.max_txns = MAX_TXNS;
    cfg.limits.max_msg_size = 4096;
    sip_txn_env env = {.now_ms = env_now, .send = env_send, .timer_start = env_timer_start,
                       .timer_cancel = env_timer_cancel};
    sip_txn_tu tu = {.on_request = on_request};
    F.L = sip_txn_layer_new(&cfg, &env, &tu);
    if (!F.L)
        abort();
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *d = memmem(p, (size_t)(end - p), DELIM, sizeof DELIM - 1);
        size_t n = d ? (size_t)(d - p) : (size_t)(end - p);
        if (n)
            run(p, n);
        p += n + (d ? sizeof DELIM - 1 : 0);
    }
    advance(600000); /* every timer of RFC 3261 has fired by now */
    for (size_t i = 0; i < F.nclients; i++)
        if (F.clients[i].finals == 0 && sip_txn_state_of(F.L, F.clients[i].id) == SIP_TXN_PROCEEDING)
            sip_txn_cancel(F.L, F.clients[i].id, on_client, NULL);
    advance(600000);
    for (size_t i = 0; i < F.nclients; i++)
        if (F.clients[i].finals != 1)
            abort();
    for (size_t i = 0; i < MAX_TIMERS && sip_txn_count(F.L) == 0; i++)
        if (F.timers[i].armed)
            abort();
    sip_txn_layer_free(F.L);
    return 0;
}
