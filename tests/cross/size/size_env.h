/* size_env.h - the parts the size programs share: the device's clock and
 * an agent on a transaction layer. Linked, never run. */
#ifndef SIPPUSH_CROSS_SIZE_ENV_H
#define SIPPUSH_CROSS_SIZE_ENV_H

#include <stdint.h>

#include "push_pra.h"
#include "sip_txn.h"
#include "sp_platform.h"

int main(void);

uint64_t sp_clock_ms(void) { return 0; }

static push_pra *size_receiver(sip_txn_layer **L)
{
    static push_pra_config cfg;
    static const push_env env;
    static sip_txn_config tcfg;
    static const sip_txn_env tenv;
    push_pra *a = push_pra_new(&cfg, &env, NULL);
    sip_txn_tu tu = push_pra_tu(a);
    *L = sip_txn_layer_new(&tcfg, &tenv, &tu);
    push_pra_set_layer(a, *L);
    return a;
}

static void size_input(sip_txn_layer *L)
{
    sip_txn_receive(L, "", 0, NULL);
    sip_txn_timer(L, 1);
}

#endif
