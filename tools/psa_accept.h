/* psa_accept.h - how the psa accepts a push from its control socket: with
 * a journal (--state DIR, psa_journal.h) the push's record is added to the
 * batch, the batch is committed once per loop iteration (a deferred call),
 * and only then is the push answered "accepted" and started; its outcome
 * adds its END. After a restart, the pushes the journal holds live start
 * again with the ids they first went with (push_psa_push), and the
 * registrations are made again. Without a journal
 * a push starts at once. Each push has a number, printed with its outcome
 * as {"event":"push_ended","id":N,"delivered":B,"status":S}. */
#ifndef SIPPUSH_PSA_ACCEPT_H
#define SIPPUSH_PSA_ACCEPT_H

#include <stdbool.h>

#include "psa_journal.h"
#include "push_psa.h"
#include "sp_json_impl.h"
#include "tp_loop.h"
#include "tp_unix.h"

typedef struct psa_accept psa_accept;

/* The outcome for a waiting control connection (which it closes). */
typedef void (*psa_accept_reply_fn)(void *ctx, tp_unix_conn *c, const push_psa_result *r);

/* journal NULL: no journal. Owns neither the journal nor the psa. */
psa_accept *psa_accept_new(tp_loop *loop, push_psa *psa, json_out *out, psa_journal *journal,
                           psa_accept_reply_fn reply, void *ctx);
void psa_accept_free(psa_accept *a);
/* A push from connection c; reply_accepted: c is answered at acceptance,
 * else with the outcome. Copies what it needs of p. */
void psa_accept_push(psa_accept *a, tp_unix_conn *c, bool reply_accepted, const push_psa_push *p);
/* Starts the pushes the journal held live when it was opened. */
void psa_accept_resume(psa_accept *a);
/* A binding made or removed (PUSH_PSA_EV_REGISTERED, _UNREGISTERED): its
 * BIND or UNBIND, committed in this iteration's group commit (after the
 * REGISTER's 200: a crash between them loses a registration its device
 * refreshes, never a push). With its end on the wall clock, so a restart
 * gives it what remains. */
void psa_accept_binding(psa_accept *a, const push_psa_event *ev);
/* Makes again the bindings the journal holds that have not ended since
 * (those that have get their UNBIND): how many were made. */
size_t psa_accept_restore_bindings(psa_accept *a);

#endif
