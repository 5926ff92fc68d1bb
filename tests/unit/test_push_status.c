/* test_push_status.c - every row of seed 004 Appendix Q, the synthesised
 * timeout and transport codes, the gaps and the MSRP codes. */
#include "check_main.h"
#include "push_status.h"

static const push_method table_methods[] = {PUSH_METHOD_NOTIFY, PUSH_METHOD_MESSAGE, PUSH_METHOD_REFER};
#define NMETHODS (sizeof table_methods / sizeof table_methods[0])

static void expect(push_code_source src, push_method m, unsigned code, push_outcome o, bool retry, int scenario)
{
    push_status s = push_status_of(src, m, code);
    ck_assert_msg(s.outcome == o, "code %u method %d: outcome %d", code, (int)m, (int)s.outcome);
    ck_assert_msg(s.retry == retry, "code %u method %d: retry %d", code, (int)m, (int)s.retry);
    ck_assert_msg(s.scenario == scenario, "code %u method %d: scenario %d", code, (int)m, s.scenario);
    ck_assert_ptr_nonnull(s.reason);
    ck_assert(s.reason[0] != '\0');
}

START_TEST(row1_200_accepted)
{
    for (size_t i = 0; i < NMETHODS; i++)
        expect(PUSH_SRC_SIP, table_methods[i], 200, PUSH_OUTCOME_DELIVERED, false, 1);
}
END_TEST

START_TEST(row2_rejected_retry_allowed)
{
    static const unsigned codes[] = {400, 503, 603};
    for (size_t i = 0; i < NMETHODS; i++)
        for (size_t k = 0; k < 3; k++)
            expect(PUSH_SRC_SIP, table_methods[i], codes[k], PUSH_OUTCOME_FAILED, true, 2);
}
END_TEST

START_TEST(row3_rejected_no_retry)
{
    for (size_t i = 0; i < NMETHODS; i++) {
        expect(PUSH_SRC_SIP, table_methods[i], 403, PUSH_OUTCOME_FAILED, false, 3);
        expect(PUSH_SRC_SIP, table_methods[i], 604, PUSH_OUTCOME_FAILED, false, 3);
    }
}
END_TEST

START_TEST(row4_request_timeout)
{
    for (size_t i = 0; i < NMETHODS; i++)
        expect(PUSH_SRC_SIP, table_methods[i], 408, PUSH_OUTCOME_FAILED, true, 4);
    push_status s = push_status_of(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 408);
    ck_assert_str_eq(s.reason, "push message cannot be delivered to the intended destination");
}
END_TEST

START_TEST(row5_500_resource_shortage)
{
    /* 500 is in rows 2 and 5: retries allowed, row 5's cause reported. */
    for (size_t i = 0; i < NMETHODS; i++)
        expect(PUSH_SRC_SIP, table_methods[i], 500, PUSH_OUTCOME_FAILED, true, 5);
    ck_assert_str_eq(push_status_of(PUSH_SRC_SIP, PUSH_METHOD_NOTIFY, 500).reason,
                     "push message discarded due to resource shortage");
}
END_TEST

START_TEST(row6_unsupported_media_type)
{
    for (size_t i = 0; i < NMETHODS; i++)
        expect(PUSH_SRC_SIP, table_methods[i], 415, PUSH_OUTCOME_FAILED, false, 6);
}
END_TEST

START_TEST(row7_481_only_notify_and_refer)
{
    expect(PUSH_SRC_SIP, PUSH_METHOD_NOTIFY, 481, PUSH_OUTCOME_FAILED, false, 7);
    expect(PUSH_SRC_SIP, PUSH_METHOD_REFER, 481, PUSH_OUTCOME_FAILED, false, 7);
    ck_assert_str_eq(push_status_of(PUSH_SRC_SIP, PUSH_METHOD_REFER, 481).reason,
                     "matching provisioning context not found");
    /* Not a row for MESSAGE: still a failure, with a different reason. */
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 481, PUSH_OUTCOME_FAILED, false, 0);
    ck_assert_str_ne(push_status_of(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 481).reason,
                     "matching provisioning context not found");
}
END_TEST

START_TEST(invite_follows_the_table)
{
    expect(PUSH_SRC_SIP, PUSH_METHOD_INVITE, 200, PUSH_OUTCOME_DELIVERED, false, 1);
    expect(PUSH_SRC_SIP, PUSH_METHOD_INVITE, 603, PUSH_OUTCOME_FAILED, true, 2);
    expect(PUSH_SRC_SIP, PUSH_METHOD_INVITE, 488, PUSH_OUTCOME_FAILED, false, 0);
}
END_TEST

START_TEST(synthesised_timeout_and_transport_error)
{
    expect(PUSH_SRC_SIP_TIMEOUT, PUSH_METHOD_MESSAGE, 408, PUSH_OUTCOME_FAILED, true, 4);
    expect(PUSH_SRC_SIP_TRANSPORT, PUSH_METHOD_MESSAGE, 503, PUSH_OUTCOME_FAILED, true, 2);
    /* The reasons tell a local timeout from a 408 received. */
    ck_assert_str_ne(push_status_of(PUSH_SRC_SIP_TIMEOUT, PUSH_METHOD_MESSAGE, 408).reason,
                     push_status_of(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 408).reason);
}
END_TEST

START_TEST(gaps_follow_documented_choices)
{
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 100, PUSH_OUTCOME_PENDING, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 180, PUSH_OUTCOME_PENDING, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 202, PUSH_OUTCOME_DELIVERED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 302, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 401, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 407, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 404, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 413, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 480, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 486, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_NOTIFY, 489, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 499, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 501, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 502, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 513, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 599, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 600, PUSH_OUTCOME_FAILED, true, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 606, PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, 699, PUSH_OUTCOME_FAILED, false, 0);
}
END_TEST

START_TEST(out_of_range_codes_fail_without_retry)
{
    static const unsigned codes[] = {0, 99, 700, 1000, 65535};
    for (size_t k = 0; k < 5; k++)
        expect(PUSH_SRC_SIP, PUSH_METHOD_MESSAGE, codes[k], PUSH_OUTCOME_FAILED, false, 0);
    expect(PUSH_SRC_MSRP, PUSH_METHOD_INVITE, 1000, PUSH_OUTCOME_FAILED, false, 0);
}
END_TEST

START_TEST(msrp_responses_and_reports)
{
    static const push_code_source srcs[] = {PUSH_SRC_MSRP, PUSH_SRC_MSRP_REPORT};
    for (size_t i = 0; i < 2; i++) {
        expect(srcs[i], PUSH_METHOD_INVITE, 200, PUSH_OUTCOME_DELIVERED, false, 1);
        expect(srcs[i], PUSH_METHOD_INVITE, 400, PUSH_OUTCOME_FAILED, true, 2);
        expect(srcs[i], PUSH_METHOD_INVITE, 403, PUSH_OUTCOME_FAILED, false, 3);
        expect(srcs[i], PUSH_METHOD_INVITE, 408, PUSH_OUTCOME_FAILED, true, 4);
        expect(srcs[i], PUSH_METHOD_INVITE, 413, PUSH_OUTCOME_FAILED, false, 0);
        expect(srcs[i], PUSH_METHOD_INVITE, 415, PUSH_OUTCOME_FAILED, false, 6);
        expect(srcs[i], PUSH_METHOD_INVITE, 423, PUSH_OUTCOME_FAILED, false, 0);
        expect(srcs[i], PUSH_METHOD_INVITE, 481, PUSH_OUTCOME_FAILED, true, 0);
        expect(srcs[i], PUSH_METHOD_INVITE, 501, PUSH_OUTCOME_FAILED, false, 0);
        expect(srcs[i], PUSH_METHOD_INVITE, 506, PUSH_OUTCOME_FAILED, false, 0);
        expect(srcs[i], PUSH_METHOD_INVITE, 599, PUSH_OUTCOME_FAILED, true, 0);
    }
}
END_TEST

static Suite *push_status_suite(void)
{
    Suite *s = suite_create("push_status");
    TCase *tc = tcase_create("appendix_q");
    tcase_add_test(tc, row1_200_accepted);
    tcase_add_test(tc, row2_rejected_retry_allowed);
    tcase_add_test(tc, row3_rejected_no_retry);
    tcase_add_test(tc, row4_request_timeout);
    tcase_add_test(tc, row5_500_resource_shortage);
    tcase_add_test(tc, row6_unsupported_media_type);
    tcase_add_test(tc, row7_481_only_notify_and_refer);
    tcase_add_test(tc, invite_follows_the_table);
    tcase_add_test(tc, synthesised_timeout_and_transport_error);
    tcase_add_test(tc, gaps_follow_documented_choices);
    tcase_add_test(tc, out_of_range_codes_fail_without_retry);
    tcase_add_test(tc, msrp_responses_and_reports);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_status_suite)
