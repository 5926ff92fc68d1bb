/* guard.h - test inputs placed right before an inaccessible page, so that a
 * parser reading one byte past the end of its input crashes the test. */
#ifndef SIPPUSH_TEST_GUARD_H
#define SIPPUSH_TEST_GUARD_H

#include <stddef.h>

/* Copies len bytes so that they end exactly at a PROT_NONE page. The copy
 * stays valid until the next guard_copy() call in the same guard slot. */
const char *guard_copy(const void *data, size_t len);
/* The same for a NUL-free C string (the NUL is not copied). */
const char *guard_str(const char *s);

#endif
