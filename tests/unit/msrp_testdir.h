/* msrp_testdir.h - a scratch directory for file-sink tests. */
#ifndef SIPPUSH_TEST_MSRP_TESTDIR_H
#define SIPPUSH_TEST_MSRP_TESTDIR_H

#include <stddef.h>

/* Creates a fresh empty directory under TMPDIR (or /tmp); its path. */
const char *testdir_create(char *buf, size_t cap);
/* Removes every file in dir, then dir. */
void testdir_remove(const char *dir);
/* Regular files in dir, and (when not NULL) the name of the last one seen. */
int testdir_count(const char *dir, char *name, size_t cap);

#endif
