/* loop_run.h - bounded runs of a tp_loop for the transport tests. */
#ifndef SIPPUSH_TEST_LOOP_RUN_H
#define SIPPUSH_TEST_LOOP_RUN_H

#include <stdbool.h>

#include "tp_loop.h"

/* Iterates the loop until *flag is true or timeout_ms have passed; returns
 * *flag. Every networked test waits through this, so none can hang. */
bool loop_run_until(tp_loop *loop, const bool *flag, int timeout_ms);
/* Iterates the loop for about ms milliseconds. */
void loop_run_for(tp_loop *loop, int ms);

#endif
