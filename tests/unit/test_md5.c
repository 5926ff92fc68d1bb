/* test_md5.c - MD5: the RFC 1321 §A.5 test suite, and streaming splits. */
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sp_hex.h"
#include "sp_md5.h"

static const struct {
    const char *msg, *hex;
} vectors[] = {
    {"", "d41d8cd98f00b204e9800998ecf8427e"},
    {"a", "0cc175b9c0f1b6a831c399e269772661"},
    {"abc", "900150983cd24fb0d6963f7d28e17f72"},
    {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
    {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
    {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
    {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
     "57edf4a22be3c955ac49da2e2107b67a"},
};

static void hex_of(const uint8_t d[SP_MD5_LEN], char out[33])
{
    sp_hex_encode(d, SP_MD5_LEN, out);
    out[32] = '\0';
}

START_TEST(rfc1321_vectors)
{
    for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++) {
        const char *g = guard_str(vectors[v].msg);
        uint8_t d[SP_MD5_LEN];
        char hex[33];
        sp_md5(g, strlen(vectors[v].msg), d);
        hex_of(d, hex);
        ck_assert_str_eq(hex, vectors[v].hex);
    }
}
END_TEST

/* Every length 0..200 fed byte by byte and in two pieces matches one-shot;
 * lengths around 55/56/64 cross the padding boundaries. */
START_TEST(streaming_matches_one_shot)
{
    uint8_t data[200];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 37 + 11);
    for (size_t len = 0; len <= sizeof data; len++) {
        const uint8_t *g = (const uint8_t *)guard_copy(data, len);
        uint8_t want[SP_MD5_LEN], got[SP_MD5_LEN];
        sp_md5(g, len, want);
        sp_md5_ctx c;
        sp_md5_init(&c);
        for (size_t k = 0; k < len; k++)
            sp_md5_update(&c, g + k, 1);
        sp_md5_final(&c, got);
        ck_assert_msg(!memcmp(want, got, SP_MD5_LEN), "bytewise len %zu", len);
        for (size_t split = 0; split <= len; split += 7) {
            sp_md5_init(&c);
            sp_md5_update(&c, g, split);
            sp_md5_update(&c, g + split, len - split);
            sp_md5_final(&c, got);
            ck_assert_msg(!memcmp(want, got, SP_MD5_LEN), "len %zu split %zu", len, split);
        }
    }
}
END_TEST

START_TEST(million_a)
{
    char thousand[1000];
    memset(thousand, 'a', sizeof thousand);
    sp_md5_ctx c;
    sp_md5_init(&c);
    for (int i = 0; i < 1000; i++)
        sp_md5_update(&c, thousand, sizeof thousand);
    uint8_t d[SP_MD5_LEN];
    char hex[33];
    sp_md5_final(&c, d);
    hex_of(d, hex);
    ck_assert_str_eq(hex, "7707d6ae4e027c70eea2a935c2296f21");
}
END_TEST

static Suite *md5_suite(void)
{
    Suite *s = suite_create("md5");
    TCase *tc = tcase_create("md5");
    tcase_add_test(tc, rfc1321_vectors);
    tcase_add_test(tc, streaming_matches_one_shot);
    tcase_add_test(tc, million_a);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(md5_suite)
