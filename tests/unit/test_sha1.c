/* test_sha1.c - SHA-1: FIPS 180-4 / RFC 3174 vectors, the million-'a' vector,
 * and every length 0..300 fed in every way, SHA-NI against portable.
 * SIPPUSH_TEST_SHRINK (big_size.h) cuts the lengths to 0..130: still two
 * blocks and both padding boundaries (55/56, 119/120). */
#include <stdlib.h>
#include <string.h>

#include "big_size.h"
#include "check_main.h"
#include "guard.h"
#include "sp_hex.h"
#include "sp_sha1.h"

static const sp_sha1_impl impls[] = {SP_SHA1_PORTABLE, SP_SHA1_SHANI, SP_SHA1_BEST};
#define N_IMPLS (sizeof impls / sizeof impls[0])

static void digest_hex(const uint8_t d[SP_SHA1_LEN], char out[2 * SP_SHA1_LEN + 1])
{
    sp_hex_encode(d, SP_SHA1_LEN, out);
    out[2 * SP_SHA1_LEN] = '\0';
}

/* Hashes msg repeated 'times' with impl; false when impl cannot run here. */
static bool hash_with(sp_sha1_impl impl, const char *msg, size_t times, char hex[41])
{
    sp_sha1_ctx c;
    if (!sp_sha1_init_impl(&c, impl))
        return false;
    const char *g = guard_str(msg);
    for (size_t i = 0; i < times; i++)
        sp_sha1_update(&c, g, strlen(msg));
    uint8_t d[SP_SHA1_LEN];
    sp_sha1_final(&c, d);
    digest_hex(d, hex);
    return true;
}

static const struct {
    const char *msg;
    size_t times;
    const char *hex;
} vectors[] = {
    /* RFC 3174 §7.3 TEST1, TEST2, TEST4 and the FIPS 180 examples */
    {"abc", 1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1, "84983e441c3bd26ebaae4aa1f95129e5e54670f1"},
    {"0123456701234567012345670123456701234567012345670123456701234567", 10,
     "dea356a2cddd90c7a7ecedc5ebb563934f460452"},
    {"", 1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
    {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
     1, "a49b2446a02c645bf419f995b67091253a04a259"},
    {"The quick brown fox jumps over the lazy dog", 1, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"},
};

START_TEST(known_vectors)
{
    for (size_t v = 0; v < sizeof vectors / sizeof vectors[0]; v++)
        for (size_t i = 0; i < N_IMPLS; i++) {
            char hex[41];
            if (!hash_with(impls[i], vectors[v].msg, vectors[v].times, hex)) {
                ck_assert_int_eq(impls[i], SP_SHA1_SHANI); /* only SHA-NI may be missing */
                continue;
            }
            ck_assert_msg(!strcmp(hex, vectors[v].hex), "vector %zu impl %d: %s", v, (int)impls[i], hex);
        }
}
END_TEST

START_TEST(million_a)
{
    /* RFC 3174 §7.3 TEST3: one million 'a', fed a thousand at a time. */
    char thousand[1001];
    memset(thousand, 'a', 1000);
    thousand[1000] = '\0';
    for (size_t i = 0; i < N_IMPLS; i++) {
        char hex[41];
        if (!hash_with(impls[i], thousand, 1000, hex))
            continue;
        ck_assert_str_eq(hex, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }
}
END_TEST

/* Every length 0..300, one-shot against streaming with every first split and
 * byte-at-a-time, with each implementation: all digests must agree. */
START_TEST(every_length_and_split)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 131 + 7);
    size_t longest = (size_t)big_size(sizeof data, 130);
    for (size_t len = 0; len <= longest; len++) {
        const uint8_t *g = (const uint8_t *)guard_copy(data, len);
        uint8_t want[SP_SHA1_LEN];
        sp_sha1(g, len, want);
        for (size_t i = 0; i < N_IMPLS; i++) {
            sp_sha1_ctx c;
            uint8_t got[SP_SHA1_LEN];
            if (!sp_sha1_init_impl(&c, impls[i]))
                continue;
            for (size_t k = 0; k < len; k++)
                sp_sha1_update(&c, g + k, 1);
            sp_sha1_final(&c, got);
            ck_assert_msg(!memcmp(got, want, SP_SHA1_LEN), "len %zu bytewise impl %d", len, (int)impls[i]);
            for (size_t split = 0; split <= len; split++) {
                ck_assert(sp_sha1_init_impl(&c, impls[i]));
                sp_sha1_update(&c, g, split);
                sp_sha1_update(&c, g + split, len - split);
                sp_sha1_final(&c, got);
                ck_assert_msg(!memcmp(got, want, SP_SHA1_LEN), "len %zu split %zu impl %d", len, split,
                              (int)impls[i]);
            }
        }
    }
}
END_TEST

/* Many blocks in one update call exercise the multi-block loops. */
START_TEST(long_input_impls_agree)
{
    size_t len = 1 << 20;
    uint8_t *data = malloc(len);
    ck_assert_ptr_nonnull(data);
    uint32_t x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 24);
    }
    uint8_t a[SP_SHA1_LEN], b[SP_SHA1_LEN];
    sp_sha1_ctx c;
    ck_assert(sp_sha1_init_impl(&c, SP_SHA1_PORTABLE));
    sp_sha1_update(&c, data, len);
    sp_sha1_final(&c, a);
    if (sp_sha1_init_impl(&c, SP_SHA1_SHANI)) {
        sp_sha1_update(&c, data, 7);
        sp_sha1_update(&c, data + 7, len - 7);
        sp_sha1_final(&c, b);
        ck_assert(!memcmp(a, b, SP_SHA1_LEN));
    }
    free(data);
}
END_TEST

START_TEST(impl_names)
{
    ck_assert_str_eq(sp_sha1_impl_name(SP_SHA1_PORTABLE), "portable");
    ck_assert_str_eq(sp_sha1_impl_name(SP_SHA1_SHANI), "sha-ni");
    const char *best = sp_sha1_impl_name(SP_SHA1_BEST);
    ck_assert_str_eq(best, sp_sha1_impl_available(SP_SHA1_SHANI) ? "sha-ni" : "portable");
    ck_assert(sp_sha1_impl_available(SP_SHA1_PORTABLE));
}
END_TEST

static Suite *sha1_suite(void)
{
    Suite *s = suite_create("sha1");
    TCase *tc = tcase_create("sha1");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, known_vectors);
    tcase_add_test(tc, million_a);
    tcase_add_test(tc, every_length_and_split);
    tcase_add_test(tc, long_input_impls_agree);
    tcase_add_test(tc, impl_names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(sha1_suite)
