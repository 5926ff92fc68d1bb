/* big_size.h - the sizes of the big-data suites (msrp_1gib, msrp_bigfile,
 * msrp_session_big, sha1), reduced on request.
 *
 * SIPPUSH_TEST_SHRINK=N divides every such size by N: the same code paths at
 * a fraction of the cost. make test runs these suites at full size under the
 * sanitizers and with N = 64 under valgrind (some fifty times slower), where
 * 1 GiB becomes 16 MiB. Unset or 1: full size. */
#ifndef SIPPUSH_TEST_BIG_SIZE_H
#define SIPPUSH_TEST_BIG_SIZE_H

#include <stdint.h>

/* full when N is unset or 1; else full / N rounded down to a multiple of
 * unit, and never below one unit. */
uint64_t big_size(uint64_t full, uint64_t unit);

#endif
