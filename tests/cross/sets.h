/* sets.h - the conformance sets embedded in the test image
 * (build/cross/conformance_sets.c, written by embed_sets.py). */
#ifndef SIPPUSH_CROSS_SETS_H
#define SIPPUSH_CROSS_SETS_H

#include <stddef.h>

typedef struct conformance_case {
    const char *kind; /* "sip", "sdp", "msrp" */
    const char *name; /* valid/NAME.KIND or invalid/NAME.KIND */
    int valid;        /* must parse; else must be refused */
    int stream;       /* a .stream.sip: parsed as a stream */
    long offset;      /* where an invalid input is refused, or -1: anywhere */
    const char *data;
    size_t len;
} conformance_case;

extern const conformance_case conformance_cases[];
extern const unsigned conformance_count;

#endif
