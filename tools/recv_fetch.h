/* recv_fetch.h - fetching RFC 4483 indirect content for `sippush recv`
 * off the loop thread: one worker thread per fetch runs the blocking
 * push_http_fetch and posts the result back through a pipe the loop
 * watches, where it is handed to the receiver agent. */
#ifndef SIPPUSH_RECV_FETCH_H
#define SIPPUSH_RECV_FETCH_H

#include <stdint.h>

#include "push_pra.h"
#include "tp_loop.h"

typedef struct recv_fetcher recv_fetcher;

/* NULL when the pipe cannot be made. The agent is set later. */
recv_fetcher *recv_fetcher_new(tp_loop *loop);
void recv_fetcher_set_agent(recv_fetcher *f, push_pra *agent);
/* The push_pra_config.fetch callback (ctx: the recv_fetcher). */
void recv_fetcher_start(void *ctx, uint64_t id, sp_str url, uint64_t max);
/* Stops watching; workers still running finish into a closed pipe. */
void recv_fetcher_free(recv_fetcher *f);

#endif
