/* test_embed_example.c - the embedding example of sip/README.md compiles,
 * runs and prints the method and the Call-ID. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"

int example_main(void);
#define main example_main
#include "../embed/example.c"
#undef main

START_TEST(example_prints_method_and_call_id)
{
    FILE *out = tmpfile();
    ck_assert_ptr_nonnull(out);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    ck_assert_int_ge(saved, 0);
    dup2(fileno(out), STDOUT_FILENO);
    int rc = example_main();
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);

    char text[256] = {0};
    rewind(out);
    size_t n = fread(text, 1, sizeof text - 1, out);
    fclose(out);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_gt(n, 0);
    ck_assert_str_eq(text, "MESSAGE a84b4c76e66710@pc33.example.com\n");
}
END_TEST

static Suite *embed_example_suite(void)
{
    Suite *s = suite_create("embed_example");
    TCase *tc = tcase_create("readme");
    tcase_add_test(tc, example_prints_method_and_call_id);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(embed_example_suite)
