/* test_inet.c - sp_inet_parse reads what inet_pton() reads, and refuses
 * what it refuses. */
#include <arpa/inet.h>
#include <string.h>

#include "check_main.h"
#include "sp_inet.h"

static const char *const inputs[] = {
    "127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
    "1.2.3.4 ", " 1.2.3.4", "1..2.3", "1.2.3.", ".1.2.3", "1234.1.1.1", "", "a.b.c.d", "192.168.0.100",
    "::", "::1", "1::", "1::2", "1:::2", ":1::2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7::8", "12345::1", "fe80::1", "FE80::ABCD:1", "::ffff:127.0.0.1",
    "::ffff:127.0.0", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4", "1:", ":1", ":", ":::",
    "1:2:3:4:5:6:7:", "g::1", "2001:db8::ff00:42:8329", "::ffff:01.2.3.4", "1.2.3.4::",
};

START_TEST(agrees_with_inet_pton)
{
    const char *s = inputs[_i];
    uint8_t want[16], got[16];
    int family = strchr(s, ':') ? AF_INET6 : AF_INET;
    int ok = inet_pton(family, s, want) == 1;
    int n = sp_inet_parse(s, got);
    ck_assert_msg((n != 0) == ok, "\"%s\": sp_inet_parse %d, inet_pton %d", s, n, ok);
    if (ok) {
        ck_assert_int_eq(n, family == AF_INET6 ? 16 : 4);
        ck_assert_msg(memcmp(got, want, (size_t)n) == 0, "\"%s\": other bytes", s);
    }
}
END_TEST

static Suite *inet_suite(void)
{
    Suite *s = suite_create("inet");
    TCase *tc = tcase_create("parse");
    tcase_add_loop_test(tc, agrees_with_inet_pton, 0, (int)(sizeof inputs / sizeof inputs[0]));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(inet_suite)
