/* test_tp_addr.c - numeric address parsing (guarded inputs), formatting,
 * equality, and the resolver's numeric and name paths. */
#include <errno.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sp_error.h"
#include "tp_addr.h"

static int parse(const char *s, uint16_t def, tp_addr *a)
{
    return tp_addr_parse(guard_str(s), strlen(s), def, a);
}

static const char *fmt(const tp_addr *a)
{
    static char buf[TP_ADDR_STRLEN];
    tp_addr_format(a, buf, sizeof buf);
    return buf;
}

START_TEST(parses_numeric_forms)
{
    tp_addr a;
    ck_assert_int_eq(parse("192.0.2.4", 5060, &a), 9);
    ck_assert_int_eq(tp_addr_family(&a), AF_INET);
    ck_assert_uint_eq(tp_addr_port(&a), 5060);
    ck_assert_str_eq(fmt(&a), "192.0.2.4:5060");
    ck_assert_int_eq(parse("10.1.2.3:5070", 5060, &a), 13);
    ck_assert_str_eq(fmt(&a), "10.1.2.3:5070");
    ck_assert_int_eq(parse("[::1]:5061", 5060, &a), 10);
    ck_assert_int_eq(tp_addr_family(&a), AF_INET6);
    ck_assert_str_eq(fmt(&a), "[::1]:5061");
    ck_assert_int_eq(parse("[2001:db8::7]", 5060, &a), 13);
    ck_assert_str_eq(fmt(&a), "[2001:db8::7]:5060");
    ck_assert_int_eq(parse("2001:db8::7", 9, &a), 11);
    ck_assert_uint_eq(tp_addr_port(&a), 9);
    char host[TP_ADDR_STRLEN];
    tp_addr_format_host(&a, host, sizeof host);
    ck_assert_str_eq(host, "2001:db8::7");
}
END_TEST

START_TEST(port_boundary)
{
    tp_addr a;
    ck_assert_int_gt(parse("127.0.0.1:65535", 0, &a), 0);
    ck_assert_uint_eq(tp_addr_port(&a), 65535);
    ck_assert_int_eq(parse("127.0.0.1:65536", 0, &a), SP_EINVAL);
    ck_assert_int_eq(parse("127.0.0.1:99999999999999999999", 0, &a), SP_EINVAL);
    ck_assert_int_gt(parse("[::1]:0", 7, &a), 0);
    ck_assert_uint_eq(tp_addr_port(&a), 0);
}
END_TEST

START_TEST(rejects_junk)
{
    static const char *bad[] = {
        "", ":", "1.2.3.4:", "1.2.3.4:x", "1.2.3", "1.2.3.4.5", "256.1.1.1", " 1.2.3.4",
        "1.2.3.4 ", "example.com", "example.com:5060", "[1.2.3.4]:5060", "[::1", "[::1]5060",
        "[::1]:", "[::1]:-1", "::1:5060:x", "[]", "[::1]:5060:1", "fe80::1%eth0",
    };
    tp_addr a;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(parse(bad[i], 5060, &a) == SP_EINVAL, "accepted \"%s\"", bad[i]);
    /* An embedded NUL must not cut the host short. */
    ck_assert_int_eq(tp_addr_parse(guard_copy("1.2.3.4\0:9", 10), 10, 0, &a), SP_EINVAL);
    ck_assert_int_eq(tp_addr_parse(guard_copy("1.2.3.4\0", 8), 8, 0, &a), SP_EINVAL);
    /* Length bound: longer than any numeric address. */
    char longest[TP_ADDR_STRLEN + 8];
    memset(longest, '1', sizeof longest - 1);
    longest[sizeof longest - 1] = '\0';
    ck_assert_int_eq(parse(longest, 0, &a), SP_EINVAL);
}
END_TEST

START_TEST(every_prefix_is_safe)
{
    /* Cut at every length: each prefix either parses or is refused, and the
     * guard page catches any read past it. */
    const char *full = "[2001:db8:85a3::8a2e:370:7334]:65535";
    size_t n = strlen(full);
    tp_addr a;
    for (size_t len = 0; len <= n; len++) {
        int r = tp_addr_parse(guard_copy(full, len), len, 1, &a);
        ck_assert(r == SP_EINVAL || r == (int)len);
    }
    ck_assert_int_eq(tp_addr_parse(guard_copy(full, n), n, 1, &a), (int)n);
}
END_TEST

START_TEST(equality_and_hash)
{
    tp_addr a, b, c, d;
    parse("127.0.0.1:5060", 0, &a);
    parse("127.0.0.1:5060", 0, &b);
    parse("127.0.0.1:5061", 0, &c);
    parse("[::1]:5060", 0, &d);
    ck_assert(tp_addr_eq(&a, &b));
    ck_assert_uint_eq(tp_addr_hash(&a), tp_addr_hash(&b));
    ck_assert(!tp_addr_eq(&a, &c));
    ck_assert(!tp_addr_eq(&a, &d));
    tp_addr_set_port(&c, 5060);
    ck_assert(tp_addr_eq(&a, &c));
    tp_addr l4, l6, any;
    tp_addr_loopback(&l4, AF_INET, 5060);
    tp_addr_loopback(&l6, AF_INET6, 5060);
    tp_addr_any(&any, AF_INET6, 0);
    ck_assert(tp_addr_eq(&l4, &a));
    ck_assert(tp_addr_eq(&l6, &d));
    ck_assert_str_eq(fmt(&any), "[::]:0");
}
END_TEST

START_TEST(resolver_numeric_and_names)
{
    tp_addr a;
    ck_assert_int_eq(tp_addr_resolve(guard_str("192.0.2.1"), 9, 5060, AF_UNSPEC, &a), 0);
    ck_assert_str_eq(fmt(&a), "192.0.2.1:5060");
    ck_assert_int_eq(tp_addr_resolve(guard_str("192.0.2.1"), 9, 5060, AF_INET6, &a), -ENOENT);
    /* "localhost" comes from the hosts file, without a DNS server. */
    ck_assert_int_eq(tp_addr_resolve(guard_str("localhost"), 9, 5070, AF_INET, &a), 0);
    ck_assert_str_eq(fmt(&a), "127.0.0.1:5070");
    ck_assert_int_eq(tp_addr_resolve(guard_str("no-such-host.invalid"), 20, 5060, AF_INET, &a), -ENOENT);
    ck_assert_int_eq(tp_addr_resolve(guard_copy("local\0host", 10), 10, 5060, AF_INET, &a), SP_EINVAL);
    char name[TP_ADDR_NAME_MAX + 2];
    memset(name, 'a', sizeof name);
    ck_assert_int_eq(tp_addr_resolve(guard_copy(name, TP_ADDR_NAME_MAX + 1), TP_ADDR_NAME_MAX + 1, 1,
                                     AF_INET, &a), SP_EINVAL);
}
END_TEST

static int resolve_all(const char *s, tp_addr *out, size_t max)
{
    return tp_addr_resolve_all(guard_str(s), strlen(s), 0, out, max);
}

static const char *host_of(const tp_addr *a)
{
    static char buf[TP_ADDR_STRLEN];
    tp_addr_format_host(a, buf, sizeof buf);
    return buf;
}

/* The forms a --trust takes: every one of them names the peer address a
 * datagram from it shows (its canonical text). */
START_TEST(resolve_all_forms)
{
    tp_addr a[4];
    ck_assert_int_eq(resolve_all("[::1]", a, 4), 1);
    ck_assert_int_eq(tp_addr_family(&a[0]), AF_INET6);
    ck_assert_str_eq(host_of(&a[0]), "::1");
    ck_assert_int_eq(resolve_all("::1", a, 4), 1);
    ck_assert_str_eq(host_of(&a[0]), "::1");
    ck_assert_int_eq(resolve_all("0:0:0:0:0:0:0:1", a, 4), 1);
    ck_assert_str_eq(host_of(&a[0]), "::1");
    ck_assert_int_eq(resolve_all("[2001:DB8::7]", a, 4), 1);
    ck_assert_str_eq(host_of(&a[0]), "2001:db8::7");
    ck_assert_int_eq(resolve_all("127.0.0.1", a, 4), 1);
    ck_assert_str_eq(host_of(&a[0]), "127.0.0.1");
    /* RFC 6761 §6.3: both loopbacks, whatever the hosts file lists */
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(resolve_all(i ? "LocalHost." : "localhost", a, 4), 2);
        ck_assert_str_eq(host_of(&a[0]), "127.0.0.1");
        ck_assert_str_eq(host_of(&a[1]), "::1");
    }
    /* max at its boundary: two fit in two, not in one */
    ck_assert_int_eq(resolve_all("localhost", a, 2), 2);
    ck_assert_int_eq(resolve_all("localhost", a, 1), SP_ELIMIT);
    ck_assert_int_eq(resolve_all("::1", a, 0), SP_ELIMIT);
}
END_TEST

START_TEST(resolve_all_refuses)
{
    tp_addr a[4];
    ck_assert_int_eq(resolve_all("", a, 4), SP_EINVAL);
    ck_assert_int_eq(resolve_all("[127.0.0.1]", a, 4), SP_EINVAL); /* brackets are for IPv6 */
    ck_assert_int_eq(resolve_all("[::1", a, 4), SP_EINVAL);
    ck_assert_int_eq(resolve_all("[]", a, 4), SP_EINVAL);
    ck_assert_int_eq(resolve_all("no-such-host.invalid", a, 4), -ENOENT);
    ck_assert_int_eq(tp_addr_resolve_all(guard_copy("::1\0", 4), 4, 0, a, 4), SP_EINVAL);
}
END_TEST

static Suite *tp_addr_suite(void)
{
    Suite *s = suite_create("tp_addr");
    TCase *tc = tcase_create("addr");
    tcase_add_test(tc, parses_numeric_forms);
    tcase_add_test(tc, port_boundary);
    tcase_add_test(tc, rejects_junk);
    tcase_add_test(tc, every_prefix_is_safe);
    tcase_add_test(tc, equality_and_hash);
    tcase_add_test(tc, resolver_numeric_and_names);
    tcase_add_test(tc, resolve_all_forms);
    tcase_add_test(tc, resolve_all_refuses);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(tp_addr_suite)
