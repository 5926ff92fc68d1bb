/* uac.c - a test UAC on the transaction layer: N calls to one peer, each a
 * MESSAGE, or an INVITE (ACKed on its 2xx, outside the transaction) followed
 * by a BYE, with W calls under way at a time. It counts the outcomes the
 * layer reports and any transaction given a second final outcome.
 *
 *   uac --to IP:PORT [--bind IP:PORT] [--transport udp|tcp] [--method message|invite]
 *       [--count N] [--window W] [--t1 MS] [--timeout S]
 *
 * Prints one JSON line of counts; exits 0 when every call ended in 200s and
 * no transaction had two final outcomes. */
#include "peer_common.h"

#include "sip_build.h"
#include "sip_hdr.h"

typedef struct uac uac;

typedef struct call {
    uac *u;
    unsigned n;
    int invite_finals, bye_finals, message_finals;
    char ack[1024];
    size_t ack_len;
    bool done;
} call;

struct uac {
    tp_loop *loop;
    sip_txn_tp *a;
    sip_peer dest;
    sip_tp tp;
    bool invite;
    char local[TP_ADDR_STRLEN];
    unsigned count, window, started, finished, ok, failed, double_finals, acks;
    call *calls;
};

static const char *tp_name(sip_tp tp) { return tp == SIP_TP_UDP ? "UDP" : "TCP"; }

static void call_end(call *c, bool ok)
{
    if (c->done)
        return;
    c->done = true;
    uac *u = c->u;
    u->finished++;
    if (ok)
        u->ok++;
    else
        u->failed++;
}

static void on_final(void *ctx, sip_txn_id ct, const sip_txn_result *r);

static void start_request(call *c, const char *method, unsigned cseq, sp_str to_tag)
{
    uac *u = c->u;
    sip_txn_layer *L = sip_txn_tp_layer(u->a);
    char branch[SIP_BRANCH_SIZE], req[2048];
    if (sip_txn_branch_new(L, branch) != 0) {
        call_end(c, false);
        return;
    }
    bool msg = !strcmp(method, "MESSAGE");
    int n = snprintf(req, sizeof req,
                     "%s sip:peer@%s:%u SIP/2.0\r\n"
                     "Via: SIP/2.0/%s %s;branch=%s;rport\r\n"
                     "Max-Forwards: 70\r\n"
                     "From: <sip:uac@%s>;tag=u%u\r\n"
                     "To: <sip:peer@%s:%u>%s%.*s\r\n"
                     "Call-ID: uac-%u-%d@test\r\n"
                     "CSeq: %u %s\r\n"
                     "Contact: <sip:uac@%s;transport=%s>\r\n"
                     "%s"
                     "Content-Length: %d\r\n\r\n%s",
                     method, u->dest.host, (unsigned)u->dest.port, tp_name(u->tp), u->local, branch, u->local, c->n,
                     u->dest.host, (unsigned)u->dest.port, to_tag.n ? ";tag=" : "", (int)to_tag.n,
                     to_tag.p ? to_tag.p : "", c->n, (int)getpid(), cseq, method, u->local, tp_name(u->tp),
                     msg ? "Content-Type: text/plain\r\n" : "", msg ? 5 : 0, msg ? "hello" : "");
    sip_txn_id id;
    if (n <= 0 || (size_t)n >= sizeof req || sip_txn_request(L, req, (size_t)n, &u->dest, on_final, c, &id) != 0)
        call_end(c, false);
}

static void start_call(uac *u)
{
    call *c = &u->calls[u->started];
    c->u = u;
    c->n = u->started++;
    start_request(c, u->invite ? "INVITE" : "MESSAGE", 1, SP_STR_NULL);
}

/* §13.2.2.4: the ACK for a 2xx is the TU's, built from the response. */
static void ack_2xx(call *c, const sip_msg *resp)
{
    uac *u = c->u;
    if (!c->ack_len) {
        char branch[SIP_BRANCH_SIZE];
        if (sip_txn_branch_new(sip_txn_tp_layer(u->a), branch) != 0)
            return;
        sp_str to = peer_hdr(resp, SIP_H_TO), from = peer_hdr(resp, SIP_H_FROM), id = peer_hdr(resp, SIP_H_CALL_ID);
        int n = snprintf(c->ack, sizeof c->ack,
                         "ACK sip:peer@%s:%u SIP/2.0\r\nVia: SIP/2.0/%s %s;branch=%s;rport\r\n"
                         "Max-Forwards: 70\r\nFrom: %.*s\r\nTo: %.*s\r\nCall-ID: %.*s\r\nCSeq: 1 ACK\r\n"
                         "Content-Length: 0\r\n\r\n",
                         u->dest.host, (unsigned)u->dest.port, tp_name(u->tp), u->local, branch, (int)from.n,
                         from.p, (int)to.n, to.p, (int)id.n, id.p);
        if (n <= 0 || (size_t)n >= sizeof c->ack)
            return;
        c->ack_len = (size_t)n;
    }
    u->acks++;
    sip_txn_send_direct(sip_txn_tp_layer(u->a), &u->dest, c->ack, c->ack_len);
}

static void on_final(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    (void)ct;
    call *c = ctx;
    uac *u = c->u;
    sp_str cseq = r->msg ? peer_hdr(r->msg, SIP_H_CSEQ) : SP_STR_NULL;
    bool is_bye = cseq.n >= 3 && !memcmp(cseq.p + cseq.n - 3, "BYE", 3);
    if (r->repeat) { /* another 2xx to the INVITE: ACK it again */
        ack_2xx(c, r->msg);
        return;
    }
    if (!r->final)
        return;
    int *finals = !u->invite ? &c->message_finals : is_bye ? &c->bye_finals : &c->invite_finals;
    if (++*finals > 1) {
        u->double_finals++;
        return;
    }
    if (!u->invite || is_bye) {
        call_end(c, r->status == 200);
    } else if (r->status >= 200 && r->status < 300 && !r->local) {
        ack_2xx(c, r->msg);
        sip_addr to;
        sp_str tag = sip_addr_parse(peer_hdr(r->msg, SIP_H_TO), &to, NULL) == 0 ? to.tag : SP_STR_NULL;
        start_request(c, "BYE", 2, tag);
        return;
    } else {
        call_end(c, false);
    }
    if (u->started < u->count)
        start_call(u);
}

static void time_up(tp_timer *t, void *ctx)
{
    (void)t;
    tp_loop_stop(ctx);
}

static void check_done(tp_loop *loop, void *ctx)
{
    uac *u = ctx;
    if (u->finished == u->count)
        tp_loop_stop(loop);
}

int main(int argc, char **argv)
{
    uac u = {.count = 10, .window = 5, .tp = SIP_TP_UDP};
    tp_addr to, bind;
    bool have_to = false;
    unsigned long t1 = 0, timeout = 30;
    tp_addr_loopback(&bind, AF_INET, 0);
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *v = argv[i + 1];
        if (!strcmp(argv[i], "--to"))
            peer_addr_arg(v, &to), have_to = true;
        else if (!strcmp(argv[i], "--bind"))
            peer_addr_arg(v, &bind);
        else if (!strcmp(argv[i], "--transport"))
            u.tp = !strcmp(v, "tcp") ? SIP_TP_TCP : SIP_TP_UDP;
        else if (!strcmp(argv[i], "--method"))
            u.invite = !strcmp(v, "invite");
        else if (!strcmp(argv[i], "--count"))
            u.count = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--window"))
            u.window = (unsigned)strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--t1"))
            t1 = strtoul(v, NULL, 10);
        else if (!strcmp(argv[i], "--timeout"))
            timeout = strtoul(v, NULL, 10);
        else
            return fprintf(stderr, "unknown option %s\n", argv[i]), 2;
    }
    if (!have_to || u.count == 0 || u.window == 0)
        return fprintf(stderr, "usage: uac --to IP:PORT [--transport udp|tcp] [--method message|invite] "
                               "[--count N] [--window W] [--t1 MS] [--timeout S]\n"), 2;
    u.calls = calloc(u.count, sizeof *u.calls);
    u.loop = tp_loop_new();
    sip_txn_tp_config cfg = {.udp = &bind};
    sip_txn_config_default(&cfg.txn);
    if (t1) {
        cfg.txn.t1_ms = (uint32_t)t1;
        cfg.txn.t2_ms = (uint32_t)(t1 * 8);
    }
    cfg.txn.max_txns = u.count * 2 + 16;
    if (!u.calls || !u.loop || sip_txn_tp_new(u.loop, &cfg, &u.a) != 0)
        return fprintf(stderr, "uac: cannot start\n"), 1;
    tp_addr local;
    sip_txn_tp_local(u.a, SIP_TP_UDP, &local);
    tp_addr_format(&local, u.local, sizeof u.local);
    sip_txn_tp_peer(&to, u.tp, &u.dest);
    tp_timer stop;
    tp_timer_init(&stop, time_up, u.loop);
    tp_timer_start(tp_loop_timers(u.loop), &stop, timeout * 1000);
    tp_loop_set_before_sleep(u.loop, check_done, &u);
    while (u.started < u.count && u.started < u.window)
        start_call(&u);
    tp_loop_run(u.loop);
    tp_timer_stop(tp_loop_timers(u.loop), &stop);
    printf("{\"calls\":%u,\"finished\":%u,\"ok\":%u,\"failed\":%u,\"double_finals\":%u,\"acks\":%u,"
           "\"retransmissions\":%llu}\n",
           u.count, u.finished, u.ok, u.failed, u.double_finals, u.acks,
           (unsigned long long)sip_txn_retransmissions(sip_txn_tp_layer(u.a)));
    fflush(stdout);
    bool good = u.ok == u.count && u.double_finals == 0;
    sip_txn_tp_free(u.a);
    tp_loop_free(u.loop);
    free(u.calls);
    return good ? 0 : 1;
}
