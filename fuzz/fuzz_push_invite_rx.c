/* fuzz_push_invite_rx.c - fuzzes the Push Receiver Agent's handling of a SIP
 * request (an INVITE with its file-transfer offer, or anything else): the
 * input goes through a transaction layer whose transport and timers go
 * nowhere, to the receiver, which answers, refuses or builds its sessions.
 * No ACK ever comes, so no MSRP connection is opened. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "msrp_tp.h"
#include "push_invite_receiver.h"
#include "tp_loop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct world {
    push_invite_rx *rx;
    push_invite_ctx c;
} world;

static tp_loop *loop;
static msrp_endpoint *ep;
static uint64_t handles;

static uint64_t now(void *ctx) { (void)ctx; return 1000; }
static int send_nowhere(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    (void)ctx, (void)dest, (void)buf, (void)len;
    return 0;
}
static uint64_t timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    (void)ctx, (void)delay_ms, (void)cookie;
    return ++handles;
}
static void timer_cancel(void *ctx, uint64_t handle) { (void)ctx, (void)handle; }

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    world *w = ctx;
    if (!push_invite_rx_route(w->rx, st, req, src) && st) {
        sip_txn_reply r = {.status = 481};
        sip_txn_respond(w->c.sip, st, &r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!loop) {
        loop = tp_loop_new();
        if (!loop || msrp_endpoint_new(loop, NULL, &ep) != 0)
            abort();
    }
    world w = {0};
    sip_txn_env env = {.now_ms = now, .send = send_nowhere, .timer_start = timer_start, .timer_cancel = timer_cancel};
    sip_txn_tu tu = {.ctx = &w, .on_request = on_request};
    sip_txn_layer *L = sip_txn_layer_new(NULL, &env, &tu);
    if (!L)
        abort();
    w.c.env = (push_env){.now_ms = now, .timer_start = timer_start, .timer_cancel = timer_cancel};
    w.c.sip = L;
    w.c.msrp = ep;
    w.c.msrp_host = "127.0.0.1";
    w.c.msrp_port = 2855;
    snprintf(w.c.local.host, sizeof w.c.local.host, "127.0.0.1");
    w.c.local.udp_port = 5060;
    sp_str apps[] = {SP_LIT("wml.ua")};
    push_invite_rx_config cfg = {.apps = apps, .napps = 1, .max_size = 1000000, .max_sessions = 4};
    w.rx = push_invite_rx_new(&w.c, &cfg, NULL);
    if (!w.rx)
        abort();
    sip_peer src = {.tp = SIP_TP_UDP, .port = 5070};
    sip_peer_set_host(&src, SP_LIT("127.0.0.2"));
    sip_txn_receive(L, (const char *)data, size, &src);
    push_invite_rx_free(w.rx);
    sip_txn_layer_free(L);
    tp_loop_run_once(loop, 0); /* deferred releases of MSRP sessions */
    return 0;
}
