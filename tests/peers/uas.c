/* uas.c - a test UAS on the transaction layer: MESSAGE, OPTIONS and BYE
 * get 200, INVITE gets 200 with a Contact, ACKs are counted; the rest gets
 * the layer's 405. It counts the requests its TU was handed and how many of
 * them it had been handed before (same Call-ID, CSeq and method: a
 * retransmission the layer should have absorbed).
 *
 *   uas --udp IP:PORT [--tcp IP:PORT] [--t1 MS] [--seconds S] [--max-txns N]
 *       [--sockbuf BYTES]
 *
 * Prints {"listening":...} once ready, and the counts as one JSON line when
 * it ends (SIGTERM, SIGINT or after S seconds). */
#include <limits.h>

#include "peer_common.h"

typedef struct uas {
    tp_loop *loop;
    sip_txn_tp *a;
    char contact[128];
    peer_seen seen;
    uint64_t message, invite, ack, bye, options, other, duplicates;
} uas;

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)src;
    uas *u = ctx;
    sp_str m = req->method;
    if (!st) {
        u->ack++; /* an ACK for a 2xx: no transaction, every copy reaches the TU */
        return;
    }
    uint64_t key = peer_fnv(peer_fnv(peer_fnv(1469598103934665603ull, peer_hdr(req, SIP_H_CALL_ID)),
                                     peer_hdr(req, SIP_H_CSEQ)), m);
    if (peer_seen_add(&u->seen, key))
        u->duplicates++;
    sip_txn_reply r = {.status = 200, .to_tag = SP_LIT("uas")};
    if (sp_str_eq(m, SP_LIT("MESSAGE"))) {
        u->message++;
    } else if (sp_str_eq(m, SP_LIT("INVITE"))) {
        u->invite++;
        r.headers = sp_str_cstr(u->contact);
    } else if (sp_str_eq(m, SP_LIT("BYE"))) {
        u->bye++;
    } else if (sp_str_eq(m, SP_LIT("OPTIONS"))) {
        u->options++;
    } else {
        u->other++;
        r.status = 501;
    }
    sip_txn_respond(sip_txn_tp_layer(u->a), st, &r);
}

static void time_up(tp_timer *t, void *ctx)
{
    (void)t;
    tp_loop_stop(ctx);
}

int main(int argc, char **argv)
{
    uas u = {0};
    tp_addr udp, tcp;
    bool have_udp = false, have_tcp = false;
    unsigned long t1 = 0, seconds = 0, max_txns = 0, sockbuf = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--udp"))
            peer_addr_arg(argv[i + 1], &udp), have_udp = true;
        else if (!strcmp(argv[i], "--tcp"))
            peer_addr_arg(argv[i + 1], &tcp), have_tcp = true;
        else if (!strcmp(argv[i], "--t1"))
            t1 = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--seconds"))
            seconds = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--max-txns"))
            max_txns = strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "--sockbuf"))
            sockbuf = strtoul(argv[i + 1], NULL, 10);
        else
            return fprintf(stderr, "unknown option %s\n", argv[i]), 2;
    }
    if (!have_udp && !have_tcp)
        return fprintf(stderr, "usage: uas --udp IP:PORT [--tcp IP:PORT] [--t1 MS] [--seconds S]\n"), 2;
    u.loop = tp_loop_new();
    sip_txn_tp_config cfg = {.udp = have_udp ? &udp : NULL, .tcp = have_tcp ? &tcp : NULL};
    sip_txn_config_default(&cfg.txn);
    if (t1) {
        cfg.txn.t1_ms = (uint32_t)t1;
        cfg.txn.t2_ms = (uint32_t)(t1 * 8);
    }
    if (max_txns)
        cfg.txn.max_txns = (uint32_t)max_txns;
    if (sockbuf && sockbuf <= INT_MAX)
        cfg.udp_sockbuf = (int)sockbuf;
    cfg.txn.allow = SP_LIT("INVITE, ACK, BYE, CANCEL, MESSAGE, OPTIONS");
    cfg.tu.ctx = &u;
    cfg.tu.on_request = on_request;
    int rc = sip_txn_tp_new(u.loop, &cfg, &u.a);
    if (rc != 0)
        return fprintf(stderr, "uas: %s\n", strerror(-rc)), 1;
    char host[TP_ADDR_STRLEN];
    tp_addr_format(have_udp ? &udp : &tcp, host, sizeof host);
    snprintf(u.contact, sizeof u.contact, "Contact: <sip:uas@%s>\r\n", host);
    tp_loop_signal(u.loop, SIGTERM, peer_stop, NULL);
    tp_loop_signal(u.loop, SIGINT, peer_stop, NULL);
    tp_timer stop;
    tp_timer_init(&stop, time_up, u.loop);
    if (seconds)
        tp_timer_start(tp_loop_timers(u.loop), &stop, seconds * 1000);
    printf("{\"listening\":\"%s\"}\n", host);
    fflush(stdout);
    tp_loop_run(u.loop);
    tp_timer_stop(tp_loop_timers(u.loop), &stop);
    printf("{\"MESSAGE\":%llu,\"INVITE\":%llu,\"ACK\":%llu,\"BYE\":%llu,\"OPTIONS\":%llu,\"other\":%llu,"
           "\"duplicates\":%llu,\"retransmissions\":%llu}\n",
           (unsigned long long)u.message, (unsigned long long)u.invite, (unsigned long long)u.ack,
           (unsigned long long)u.bye, (unsigned long long)u.options, (unsigned long long)u.other,
           (unsigned long long)u.duplicates,
           (unsigned long long)sip_txn_retransmissions(sip_txn_tp_layer(u.a)));
    fflush(stdout);
    sip_txn_tp_free(u.a);
    tp_loop_free(u.loop);
    free(u.seen.slot);
    return 0;
}
