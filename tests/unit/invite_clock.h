/* invite_clock.h - the timers of a push_invite_ctx on the fake clock of a
 * fake_net (txn_fake.h): the context's env starts and cancels timers in a
 * heap that advancing the network's clock runs. */
#ifndef SIPPUSH_TEST_INVITE_CLOCK_H
#define SIPPUSH_TEST_INVITE_CLOCK_H

#include <stdint.h>

#include "push_invite.h"
#include "tp_timer.h"
#include "txn_fake.h"

typedef struct invite_clock {
    fake_net *net;
    push_invite_ctx *ctx;
    tp_timers heap;
} invite_clock;

/* Points ctx->env at c; net and ctx must outlive c. */
void invite_clock_init(invite_clock *c, fake_net *net, push_invite_ctx *ctx);

/* Moves the network's clock and the timers forward in 10 ms steps. */
void invite_clock_advance(invite_clock *c, uint64_t ms);

/* Frees what is still armed. */
void invite_clock_free(invite_clock *c);

#endif
