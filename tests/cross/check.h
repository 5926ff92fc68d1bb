/* check.h - the part of the check unit-test API the parser suites use, for
 * the Cortex-M4 image where libcheck does not exist. Tests run one after
 * another in the one process; a failed assertion prints where and why and
 * jumps back to the runner (check forks instead). */
#ifndef SIPPUSH_CROSS_CHECK_H
#define SIPPUSH_CROSS_CHECK_H

#include <stdint.h>
#include <string.h>

typedef void (*ck_test_fn)(int _i);

#define CK_MAX_TESTS 64
#define CK_MAX_TCASES 16

typedef struct TCase {
    const char *name;
    struct { ck_test_fn fn; const char *name; int start, end; } tests[CK_MAX_TESTS];
    int ntests;
} TCase;

typedef struct Suite {
    const char *name;
    TCase *tcases[CK_MAX_TCASES];
    int ntcases;
} Suite;

typedef struct SRunner {
    Suite *suite;
    int failed;
} SRunner;

enum print_output { CK_SILENT, CK_MINIMAL, CK_NORMAL, CK_VERBOSE };

Suite *suite_create(const char *name);
TCase *tcase_create(const char *name);
void suite_add_tcase(Suite *s, TCase *tc);
void ck_add_test(TCase *tc, ck_test_fn fn, const char *name, int start, int end);
#define tcase_add_test(tc, fn) ck_add_test((tc), (fn), #fn, 0, 1)
#define tcase_add_loop_test(tc, fn, s, e) ck_add_test((tc), (fn), #fn, (s), (e))
#define tcase_set_timeout(tc, t) ((void)(tc), (void)(t))
SRunner *srunner_create(Suite *s);
void srunner_run_all(SRunner *sr, enum print_output mode);
int srunner_ntests_failed(SRunner *sr);
void srunner_free(SRunner *sr);

/* newlib has no timegm(), which a suite takes as its reference for dates:
 * check.c gives it over mktime() (the image's time zone is UTC). */
struct tm;
long long ck_timegm(struct tm *tm);
#define timegm(tm) ((time_t)ck_timegm(tm))

/* A suite's CHECK_MAIN main(), renamed by -Dmain=cross_test_X for the
 * image's runner to call, is declared here. */
int main(void);

/* Tests run by every srunner so far, and how many of them failed. */
extern int ck_tests_run, ck_tests_failed;

#define START_TEST(name) static void name(int _i __attribute__((unused)))
#define END_TEST

/* Ends the running test as failed: what failed, and a printf-style message. */
_Noreturn void ck_fail_at(const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define ck_assert_msg(expr, ...) ((expr) ? (void)0 : ck_fail_at(__FILE__, __LINE__, #expr, __VA_ARGS__))
#define ck_assert(expr) ck_assert_msg(expr, "%s", "")
#define ck_abort_msg(...) ck_fail_at(__FILE__, __LINE__, "abort", __VA_ARGS__)
#define ck_abort() ck_abort_msg("%s", "")

/* A failed comparison of two integers (printed without printf's %lld, which
 * newlib-nano lacks). */
_Noreturn void ck_fail_int(const char *file, int line, const char *what, long long x, long long y);
_Noreturn void ck_fail_uint(const char *file, int line, const char *what, unsigned long long x,
                            unsigned long long y);
#define ck_assert_cmp_(T, fail, X, OP, Y)                                                                  \
    do {                                                                                                  \
        T x_ = (X), y_ = (Y);                                                                             \
        if (!(x_ OP y_))                                                                                  \
            fail(__FILE__, __LINE__, #X " " #OP " " #Y, x_, y_);                                         \
    } while (0)
#define ck_assert_int_eq(X, Y) ck_assert_cmp_(long long, ck_fail_int, X, ==, Y)
#define ck_assert_int_ne(X, Y) ck_assert_cmp_(long long, ck_fail_int, X, !=, Y)
#define ck_assert_int_lt(X, Y) ck_assert_cmp_(long long, ck_fail_int, X, <, Y)
#define ck_assert_int_le(X, Y) ck_assert_cmp_(long long, ck_fail_int, X, <=, Y)
#define ck_assert_int_gt(X, Y) ck_assert_cmp_(long long, ck_fail_int, X, >, Y)
#define ck_assert_int_ge(X, Y) ck_assert_cmp_(long long, ck_fail_int, X, >=, Y)
#define ck_assert_uint_eq(X, Y) ck_assert_cmp_(unsigned long long, ck_fail_uint, X, ==, Y)
#define ck_assert_uint_ne(X, Y) ck_assert_cmp_(unsigned long long, ck_fail_uint, X, !=, Y)
#define ck_assert_uint_lt(X, Y) ck_assert_cmp_(unsigned long long, ck_fail_uint, X, <, Y)
#define ck_assert_uint_le(X, Y) ck_assert_cmp_(unsigned long long, ck_fail_uint, X, <=, Y)
#define ck_assert_uint_gt(X, Y) ck_assert_cmp_(unsigned long long, ck_fail_uint, X, >, Y)
#define ck_assert_uint_ge(X, Y) ck_assert_cmp_(unsigned long long, ck_fail_uint, X, >=, Y)
#define ck_assert_ptr_eq(X, Y) ck_assert_msg((const void *)(X) == (const void *)(Y), "pointers differ")
#define ck_assert_ptr_ne(X, Y) ck_assert_msg((const void *)(X) != (const void *)(Y), "pointers equal")
#define ck_assert_ptr_null(X) ck_assert_msg((const void *)(X) == NULL, "not NULL")
#define ck_assert_ptr_nonnull(X) ck_assert_msg((const void *)(X) != NULL, "NULL")
#define ck_assert_str_eq(X, Y)                                                             \
    do {                                                                                  \
        const char *x_ = (X), *y_ = (Y);                                                  \
        ck_assert_msg(strcmp(x_, y_) == 0, "\"%s\" != \"%s\"", x_, y_);                   \
    } while (0)
#define ck_assert_str_ne(X, Y) ck_assert_msg(strcmp((X), (Y)) != 0, "strings equal")
#define ck_assert_mem_eq(X, Y, L) ck_assert_msg(memcmp((X), (Y), (L)) == 0, "memory differs")

#endif
