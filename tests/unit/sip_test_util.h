/* sip_test_util.h - shared helpers of the SIP parser suites. */
#ifndef SIPPUSH_SIP_TEST_UTIL_H
#define SIPPUSH_SIP_TEST_UTIL_H

#include <check.h>
#include <string.h>

#include "guard.h"
#include "sp_str.h"

/* A C string copied to end at a guard page, as a slice. */
static inline sp_str G(const char *s) { return sp_str_make(guard_str(s), strlen(s)); }

/* A slice equals a C string (absent slices never do). */
#define ck_assert_slice(s, lit)                                                           \
    do {                                                                                  \
        sp_str s_ = (s);                                                                  \
        ck_assert_msg(s_.p != NULL, "slice absent, wanted \"%s\"", (lit));              \
        ck_assert_msg(sp_str_eq(s_, sp_str_cstr(lit)), "got \"%.*s\", wanted \"%s\"", \
                      (int)s_.n, s_.p, (lit));                                            \
    } while (0)
#define ck_assert_absent(s) ck_assert_ptr_null((s).p)

#endif
