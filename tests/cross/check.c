/* check.c - see check.h. */
#include "check.h"

#include "cross.h"
#include "sp_decimal.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int ck_tests_run, ck_tests_failed;
static jmp_buf test_exit;

Suite *suite_create(const char *name)
{
    Suite *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->name = name;
    return s;
}

TCase *tcase_create(const char *name)
{
    TCase *tc = calloc(1, sizeof *tc);
    if (!tc)
        abort();
    tc->name = name;
    return tc;
}

void suite_add_tcase(Suite *s, TCase *tc)
{
    if (s->ntcases == CK_MAX_TCASES)
        abort();
    s->tcases[s->ntcases++] = tc;
}

void ck_add_test(TCase *tc, ck_test_fn fn, const char *name, int start, int end)
{
    if (tc->ntests == CK_MAX_TESTS)
        abort();
    tc->tests[tc->ntests].fn = fn;
    tc->tests[tc->ntests].name = name;
    tc->tests[tc->ntests].start = start;
    tc->tests[tc->ntests].end = end;
    tc->ntests++;
}

void ck_fail_uint(const char *file, int line, const char *what, unsigned long long x, unsigned long long y)
{
    char xs[SP_U64_DEC_SIZE], ys[SP_U64_DEC_SIZE];
    sp_u64_dec(xs, x);
    sp_u64_dec(ys, y);
    ck_fail_at(file, line, what, "%s vs %s", xs, ys);
}

void ck_fail_int(const char *file, int line, const char *what, long long x, long long y)
{
    char xs[SP_U64_DEC_SIZE], ys[SP_U64_DEC_SIZE];
    sp_u64_dec(xs, x < 0 ? 0 - (unsigned long long)x : (unsigned long long)x);
    sp_u64_dec(ys, y < 0 ? 0 - (unsigned long long)y : (unsigned long long)y);
    ck_fail_at(file, line, what, "%s%s vs %s%s", x < 0 ? "-" : "", xs, y < 0 ? "-" : "", ys);
}

SRunner *srunner_create(Suite *s)
{
    SRunner *sr = calloc(1, sizeof *sr);
    if (!sr)
        abort();
    sr->suite = s;
    return sr;
}

void ck_fail_at(const char *file, int line, const char *what, const char *fmt, ...)
{
    printf("%s:%d: '%s' failed: ", file, line, what);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    longjmp(test_exit, 1);
}

/* Whether fn(i) ran to its end. */
static bool passes(ck_test_fn fn, int i)
{
    cross_heap_test_begin();
    bool ok = setjmp(test_exit) == 0;
    if (ok)
        fn(i);
    cross_heap_test_end(); /* what the test left, freed as by the end of a process */
    return ok;
}

void srunner_run_all(SRunner *sr, enum print_output mode)
{
    Suite *s = sr->suite;
    int run = 0;
    for (int c = 0; c < s->ntcases; c++) {
        TCase *tc = s->tcases[c];
        for (int t = 0; t < tc->ntests; t++)
            for (int i = tc->tests[t].start; i < tc->tests[t].end; i++) {
                run++;
                if (!passes(tc->tests[t].fn, i)) {
                    printf("  in %s/%s/%s[%d]\n", s->name, tc->name, tc->tests[t].name, i);
                    sr->failed++;
                }
            }
    }
    ck_tests_run += run;
    ck_tests_failed += sr->failed;
    if (mode != CK_SILENT)
        printf("%s: %d checks, %d failed\n", s->name, run, sr->failed);
}

int srunner_ntests_failed(SRunner *sr) { return sr->failed; }

void srunner_free(SRunner *sr)
{
    Suite *s = sr->suite;
    for (int c = 0; c < s->ntcases; c++)
        free(s->tcases[c]);
    free(s);
    free(sr);
}

long long ck_timegm(struct tm *tm) { return (long long)mktime(tm); }
