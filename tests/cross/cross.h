/* cross.h - what the parts of the Cortex-M4 test image share. */
#ifndef SIPPUSH_CROSS_H
#define SIPPUSH_CROSS_H

#include <stddef.h>
#include <stdint.h>

/* The fake clock behind sp_clock_ms(), in milliseconds. */
extern uint64_t cross_now_ms;

/* Marks the start and end of a test: what it leaves allocated is freed
 * at its end (heap.c). Bytes allocated now, and the most so far. */
void cross_heap_test_begin(void);
void cross_heap_test_end(void);
extern size_t cross_heap_in_use, cross_heap_peak;
/* Keeps a block a test allocated past the test's end. */
void cross_heap_keep(void *p);

/* The scripted receiver session (session.c): adds one to *passed or
 * *failed per step. */
void cross_session(int *passed, int *failed);

#endif
