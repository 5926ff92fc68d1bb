/* test_push_method.c - method selection and the 1300-byte page-mode bound. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "push_method.h"

static int sel(push_ask ask, size_t len, bool indirect, bool sub, push_caps caps, push_method *m, sp_error *e)
{
    push_method_input in = {ask, len, indirect, sub, caps};
    return push_method_select(&in, m, e);
}

static const push_caps unknown = {false, false, false, false};

START_TEST(auto_message_up_to_1300_bytes_of_body)
{
    push_method m;
    sp_error e;
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 0, false, false, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_MESSAGE);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 1300, false, false, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_MESSAGE);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 1301, false, false, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_INVITE);
}
END_TEST

START_TEST(message_over_1300_is_never_sent)
{
    push_method m = PUSH_METHOD_REFER;
    sp_error e;
    ck_assert_int_eq(sel(PUSH_ASK_MESSAGE, 1300, false, false, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_MESSAGE);
    m = PUSH_METHOD_REFER;
    ck_assert_int_eq(sel(PUSH_ASK_MESSAGE, 1301, false, false, unknown, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 513);
    ck_assert_int_eq(m, PUSH_METHOD_REFER);
    /* the external-body part counts the same way */
    ck_assert_int_eq(sel(PUSH_ASK_MESSAGE, 1301, true, false, unknown, &m, &e), SP_EINVAL);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 1301, true, false, unknown, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 513);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 1300, true, false, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_MESSAGE);
}
END_TEST

START_TEST(notify_needs_a_subscription)
{
    push_method m;
    sp_error e;
    ck_assert_int_eq(sel(PUSH_ASK_NOTIFY, 10, false, false, unknown, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 481);
    ck_assert_int_eq(sel(PUSH_ASK_NOTIFY, 10, false, true, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_NOTIFY);
    ck_assert_int_eq(sel(PUSH_ASK_NOTIFY, 1300, true, true, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_NOTIFY);
    ck_assert_int_eq(sel(PUSH_ASK_NOTIFY, 1301, false, true, unknown, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 513);
}
END_TEST

START_TEST(invite_and_indirection_do_not_mix)
{
    push_method m;
    sp_error e;
    ck_assert_int_eq(sel(PUSH_ASK_INVITE, 5, false, false, unknown, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_INVITE);
    ck_assert_int_eq(sel(PUSH_ASK_INVITE, 5, true, false, unknown, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 400);
}
END_TEST

static push_caps caps_of(const char *list)
{
    return push_caps_from_list(sp_str_make(guard_str(list), strlen(list)));
}

START_TEST(capabilities_from_methods_tag_or_allow)
{
    push_caps c = caps_of("INVITE, ACK, BYE, CANCEL, MESSAGE, NOTIFY, REFER, OPTIONS");
    ck_assert(c.known && c.message && c.notify && c.invite);
    c = caps_of("MESSAGE,NOTIFY");
    ck_assert(c.known && c.message && c.notify && !c.invite);
    /* method names are case-sensitive (RFC 3261 §7.1) */
    c = caps_of("message,INVITE");
    ck_assert(c.known && !c.message && c.invite);
    c = caps_of("");
    ck_assert(c.known && !c.message && !c.notify && !c.invite);
}
END_TEST

START_TEST(auto_follows_capabilities)
{
    push_method m;
    sp_error e;
    push_caps invite_only = caps_of("INVITE,ACK,BYE");
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 10, false, false, invite_only, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_INVITE);
    push_caps notify_only = caps_of("NOTIFY");
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 10, false, true, notify_only, &m, &e), 0);
    ck_assert_int_eq(m, PUSH_METHOD_NOTIFY);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 10, false, false, notify_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 405);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 2000, false, true, notify_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 513);
    push_caps message_only = caps_of("MESSAGE");
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 1301, false, false, message_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 513);
    ck_assert_int_eq(sel(PUSH_ASK_INVITE, 10, false, false, message_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 405);
    ck_assert_int_eq(sel(PUSH_ASK_MESSAGE, 10, false, false, invite_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 405);
    ck_assert_int_eq(sel(PUSH_ASK_NOTIFY, 10, false, true, invite_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 405);
    ck_assert_int_eq(sel(PUSH_ASK_AUTO, 10, true, false, invite_only, &m, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 405);
}
END_TEST

START_TEST(method_names)
{
    ck_assert_str_eq(push_method_name(PUSH_METHOD_MESSAGE), "MESSAGE");
    ck_assert_str_eq(push_method_name(PUSH_METHOD_NOTIFY), "NOTIFY");
    ck_assert_str_eq(push_method_name(PUSH_METHOD_INVITE), "INVITE");
    ck_assert_str_eq(push_method_name(PUSH_METHOD_REFER), "REFER");
}
END_TEST

static Suite *push_method_suite(void)
{
    Suite *s = suite_create("push_method");
    TCase *tc = tcase_create("select");
    tcase_add_test(tc, auto_message_up_to_1300_bytes_of_body);
    tcase_add_test(tc, message_over_1300_is_never_sent);
    tcase_add_test(tc, notify_needs_a_subscription);
    tcase_add_test(tc, invite_and_indirection_do_not_mix);
    tcase_add_test(tc, capabilities_from_methods_tag_or_allow);
    tcase_add_test(tc, auto_follows_capabilities);
    tcase_add_test(tc, method_names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(push_method_suite)
