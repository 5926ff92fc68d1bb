/* host_fetch_impl.h - fetching RFC 4483 indirect content for the hosted
 * receiver off the loop thread: one worker thread per fetch runs the blocking
 * push_http_fetch and posts the result back through a pipe the loop
 * watches, where it is handed to the receiver agent. Without threads
 * (SP_HAVE_THREADS 0) there is no fetcher: host_fetcher_new returns NULL
 * and the receiver refuses indirect content with 415. */
#ifndef SIPPUSH_HOST_FETCH_IMPL_H
#define SIPPUSH_HOST_FETCH_IMPL_H

#include <stdint.h>

#include "push_pra.h"
#include "tp_loop.h"

typedef struct host_fetcher host_fetcher;

/* NULL when the pipe cannot be made. The agent is set later. */
host_fetcher *host_fetcher_new(tp_loop *loop);
void host_fetcher_set_agent(host_fetcher *f, push_pra *agent);
/* The push_pra_config.fetch callback (ctx: the host_fetcher). */
void host_fetcher_start(void *ctx, uint64_t id, sp_str url, uint64_t max);
/* Stops watching; workers still running finish into a closed pipe. */
void host_fetcher_free(host_fetcher *f);

#endif
