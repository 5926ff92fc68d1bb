/* check_main.h - the main() of one check suite file.
 *
 *   static Suite *sip_uri_suite(void) { ... }
 *   CHECK_MAIN(sip_uri_suite)
 */
#ifndef SIPPUSH_CHECK_MAIN_H
#define SIPPUSH_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn)                                   \
    int main(void)                                             \
    {                                                          \
        SRunner *sr = srunner_create(suite_fn());              \
        srunner_run_all(sr, CK_NORMAL);                        \
        int failed = srunner_ntests_failed(sr);                \
        srunner_free(sr);                                      \
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;      \
    }

#endif
