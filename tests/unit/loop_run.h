/* loop_run.h - bounded runs of a tp_loop for the transport tests. */
#ifndef SIPPUSH_TEST_LOOP_RUN_H
#define SIPPUSH_TEST_LOOP_RUN_H

#include <stdbool.h>

#include "tp_loop.h"

/* Iterates the loop until *flag is true or timeout_ms have passed; returns
 * *flag. Every networked test waits through this, so none can hang. */
bool loop_run_until(tp_loop *loop, const bool *flag, int timeout_ms);
/* The factor by which waits for the peer's answers stretch on a slow run:
 * the CK_TIMEOUT_MULTIPLIER the suite runner sets under valgrind, else 1.
 * Only for waits that bound how long an answer may take, never for waits
 * that measure a protocol timer. */
int loop_slowdown(void);
/* Iterates the loop for about ms milliseconds. */
void loop_run_for(tp_loop *loop, int ms);

#endif
