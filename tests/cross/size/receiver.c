/* receiver.c - what `make size` links for "receiver_text": registration,
 * MESSAGE, subscription/NOTIFY and INVITE + MSRP receive over the sans-IO
 * transaction layer and MSRP endpoint, content into the memory sink. */
#include "push_invite_receiver.h"
#include "size_env.h"

int main(void)
{
    sip_txn_layer *L;
    push_pra *a = size_receiver(&L);
    push_pra_start(a);
    static const msrp_env menv;
    msrp_endpoint *ep;
    if (msrp_endpoint_new_env(&menv, &ep) != 0)
        return 1;
    static push_invite_ctx ctx;
    ctx.sip = L;
    ctx.msrp = ep;
    static const push_invite_rx_config rcfg;
    static const push_invite_rx_cb rcb;
    push_invite_rx *rx = push_invite_rx_new(&ctx, &rcfg, &rcb);
    size_input(L);
    push_invite_rx_route(rx, 1, NULL, NULL);
    push_invite_timer(&ctx, 1);
    msrp_conn *mc = msrp_endpoint_accept(ep, 1);
    msrp_conn_input(mc, "", 0);
    msrp_endpoint_timer(ep, 1);
    push_pra_timer(a, 1);
    return 0;
}
