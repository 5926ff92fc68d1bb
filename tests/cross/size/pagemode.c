/* pagemode.c - what `make size` links for "pagemode_text": a receiver that
 * registers and takes page-mode pushes (REGISTER + MESSAGE) over the
 * sans-IO transaction layer; the device's I/O is not counted. */
#include "size_env.h"

int main(void)
{
    sip_txn_layer *L;
    push_pra *a = size_receiver(&L);
    push_pra_start(a);
    size_input(L);
    push_pra_timer(a, 1);
    return 0;
}
