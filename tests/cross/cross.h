/* cross.h - what the parts of the Cortex-M4 test image share. */
#ifndef SIPPUSH_CROSS_H
#define SIPPUSH_CROSS_H

#include <stdint.h>

/* The fake clock behind sp_clock_ms(), in milliseconds. */
extern uint64_t cross_now_ms;

/* The scripted receiver session (session.c): adds one to *passed or
 * *failed per step. */
void cross_session(int *passed, int *failed);

#endif
