/* test_msrp_ranges.c - the received byte-range set: merging, limits, and a
 * property test against a plain bitmap model. */
#include <string.h>

#include "check_main.h"
#include "msrp_ranges.h"

START_TEST(merges_adjacent_and_overlapping)
{
    msrp_ranges s;
    msrp_ranges_init(&s, 0);
    ck_assert_uint_eq(s.max, MSRP_RANGES_MAX_DEFAULT);
    ck_assert_int_eq(msrp_ranges_add(&s, 11, 20), SP_OK);
    ck_assert_int_eq(msrp_ranges_add(&s, 1, 5), SP_OK);
    ck_assert_uint_eq(s.count, 2);
    ck_assert_int_eq(msrp_ranges_add(&s, 6, 10), SP_OK); /* abuts both sides */
    ck_assert_uint_eq(s.count, 1);
    ck_assert_uint_eq(s.iv[0].start, 1);
    ck_assert_uint_eq(s.iv[0].end, 20);
    ck_assert_uint_eq(s.received, 20);
    ck_assert_int_eq(msrp_ranges_add(&s, 5, 25), SP_OK); /* overlaps */
    ck_assert_int_eq(msrp_ranges_add(&s, 3, 4), SP_OK);  /* duplicate */
    ck_assert_uint_eq(s.count, 1);
    ck_assert_uint_eq(s.received, 25);
    ck_assert(msrp_ranges_complete(&s, 25));
    ck_assert(!msrp_ranges_complete(&s, 26));
}
END_TEST

START_TEST(one_add_swallows_many)
{
    msrp_ranges s;
    msrp_ranges_init(&s, 0);
    for (uint64_t p = 10; p <= 100; p += 10)
        ck_assert_int_eq(msrp_ranges_add(&s, p, p + 1), SP_OK);
    ck_assert_uint_eq(s.count, 10);
    ck_assert_int_eq(msrp_ranges_add(&s, 22, 75), SP_OK);
    ck_assert_uint_eq(s.count, 5); /* 10-11, 20-75, 80-81, 90-91, 100-101 */
    ck_assert_uint_eq(s.iv[1].start, 20);
    ck_assert_uint_eq(s.iv[1].end, 75);
    ck_assert_uint_eq(s.received, 2 + 56 + 2 + 2 + 2);
}
END_TEST

START_TEST(invalid_ranges)
{
    msrp_ranges s;
    msrp_ranges_init(&s, 0);
    ck_assert_int_eq(msrp_ranges_add(&s, 0, 5), SP_EINVAL);
    ck_assert_int_eq(msrp_ranges_add(&s, 10, 8), SP_EINVAL);
    ck_assert_int_eq(msrp_ranges_add(&s, 1, UINT64_MAX), SP_EINVAL);
    ck_assert_int_eq(msrp_ranges_add(&s, 1, MSRP_POS_MAX), SP_OK);
    ck_assert_uint_eq(s.received, MSRP_POS_MAX);
    msrp_ranges_init(&s, 0);
    ck_assert_int_eq(msrp_ranges_add(&s, 1, 0), SP_OK); /* "1-0/0" */
    ck_assert_int_eq(msrp_ranges_add(&s, 8, 7), SP_OK);
    ck_assert_uint_eq(s.count, 0);
    ck_assert(msrp_ranges_complete(&s, 0));
    ck_assert(!msrp_ranges_complete(&s, 1));
}
END_TEST

START_TEST(interval_limit_boundary)
{
    msrp_ranges s;
    msrp_ranges_init(&s, 0);
    for (uint64_t i = 0; i < MSRP_RANGES_MAX_DEFAULT; i++)
        ck_assert_int_eq(msrp_ranges_add(&s, 2 * i + 1, 2 * i + 1), SP_OK);
    ck_assert_uint_eq(s.count, MSRP_RANGES_MAX_DEFAULT);
    msrp_ranges before = s;
    ck_assert_int_eq(msrp_ranges_add(&s, 1000, 1000), SP_ELIMIT); /* one more interval */
    ck_assert_int_eq(msrp_ranges_add(&s, 0 + 1, 1), SP_OK);       /* duplicate still fine */
    ck_assert(!memcmp(&before, &s, sizeof s));
    ck_assert_int_eq(msrp_ranges_add(&s, 2, 2), SP_OK);           /* filling a gap merges */
    ck_assert_uint_eq(s.count, MSRP_RANGES_MAX_DEFAULT - 1);
    ck_assert_int_eq(msrp_ranges_add(&s, 1000, 1000), SP_OK);

    msrp_ranges_init(&s, 3);
    ck_assert_int_eq(msrp_ranges_add(&s, 1, 1), SP_OK);
    ck_assert_int_eq(msrp_ranges_add(&s, 3, 3), SP_OK);
    ck_assert_int_eq(msrp_ranges_add(&s, 5, 5), SP_OK);
    ck_assert_int_eq(msrp_ranges_add(&s, 7, 7), SP_ELIMIT);
    ck_assert_int_eq(msrp_ranges_add(&s, 6, 7), SP_OK); /* extends the last one */

    msrp_ranges_init(&s, MSRP_RANGES_CAP + 100);
    ck_assert_uint_eq(s.max, MSRP_RANGES_CAP);
}
END_TEST

START_TEST(first_missing)
{
    msrp_ranges s;
    msrp_interval gap;
    msrp_ranges_init(&s, 0);
    ck_assert(msrp_ranges_first_missing(&s, 10, &gap));
    ck_assert_uint_eq(gap.start, 1);
    ck_assert_uint_eq(gap.end, 10);
    msrp_ranges_add(&s, 1, 4);
    msrp_ranges_add(&s, 8, 20);
    ck_assert(msrp_ranges_first_missing(&s, 30, &gap));
    ck_assert_uint_eq(gap.start, 5);
    ck_assert_uint_eq(gap.end, 7);
    msrp_ranges_add(&s, 5, 7);
    ck_assert(msrp_ranges_first_missing(&s, 30, &gap));
    ck_assert_uint_eq(gap.start, 21);
    ck_assert_uint_eq(gap.end, 30);
    ck_assert(!msrp_ranges_first_missing(&s, 20, &gap));
    ck_assert(!msrp_ranges_first_missing(&s, 0, &gap));
    msrp_ranges_init(&s, 0);
    msrp_ranges_add(&s, 5, 9);
    ck_assert(msrp_ranges_first_missing(&s, 3, &gap)); /* gap cut at the total */
    ck_assert_uint_eq(gap.start, 1);
    ck_assert_uint_eq(gap.end, 3);
}
END_TEST

/* --- property test against a bitmap ------------------------------------ */

#define MODEL_N 600

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(uint64_t bound)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % bound;
}

/* Disjoint, non-adjacent runs of set positions in model[1..MODEL_N]. */
static size_t model_runs(const bool *model)
{
    size_t runs = 0;
    for (size_t p = 1; p <= MODEL_N; p++)
        runs += model[p] && !model[p - 1];
    return runs;
}

START_TEST(matches_bitmap_model)
{
    for (int round = 0; round < 40; round++) {
        bool model[MODEL_N + 2] = {false};
        size_t max = 1 + rnd(12);
        msrp_ranges s;
        msrp_ranges_init(&s, max);
        for (int step = 0; step < 200; step++) {
            uint64_t a = 1 + rnd(MODEL_N), len = rnd(step % 3 == 0 ? 60 : 6);
            uint64_t b = a + len - 1 < MODEL_N ? a + len - 1 : MODEL_N;
            if (len == 0)
                b = a - 1;
            bool next[MODEL_N + 2];
            memcpy(next, model, sizeof next);
            for (uint64_t p = a; p <= b && len; p++)
                next[p] = true;
            int rc = msrp_ranges_add(&s, a, b);
            if (model_runs(next) > max) {
                ck_assert_int_eq(rc, SP_ELIMIT);
            } else {
                ck_assert_int_eq(rc, SP_OK);
                memcpy(model, next, sizeof next);
            }
            /* the set equals the model */
            ck_assert_uint_eq(s.count, model_runs(model));
            uint64_t received = 0;
            for (size_t p = 1; p <= MODEL_N; p++)
                received += model[p];
            ck_assert_uint_eq(s.received, received);
            /* check's assertions are costly: gather, then assert once */
            bool same = true;
            for (size_t i = 0; i < s.count; i++) {
                same &= i == 0 || s.iv[i - 1].end + 1 < s.iv[i].start;
                for (uint64_t p = s.iv[i].start; p <= s.iv[i].end; p++)
                    same &= model[p];
                same &= !model[s.iv[i].start - 1] && !model[s.iv[i].end + 1];
            }
            ck_assert_msg(same, "round %d step %d: intervals differ from the model", round, step);
            uint64_t x = 1 + rnd(MODEL_N), y = x + rnd(20);
            bool all = true;
            for (uint64_t p = x; p <= y; p++)
                all &= p <= MODEL_N && model[p];
            ck_assert(msrp_ranges_contains(&s, x, y) == all);
            uint64_t total = rnd(MODEL_N + 1);
            msrp_interval gap;
            uint64_t first = 0;
            for (uint64_t p = 1; p <= total && !first; p++)
                if (!model[p])
                    first = p;
            ck_assert(msrp_ranges_complete(&s, total) == (first == 0));
            ck_assert(msrp_ranges_first_missing(&s, total, &gap) == (first != 0));
            if (first) {
                ck_assert_uint_eq(gap.start, first);
                ck_assert(!model[gap.end] && gap.end <= total);
                ck_assert(gap.end == total || model[gap.end + 1]);
            }
        }
    }
}
END_TEST

/* Chunks in order, each continuing the last interval (the common case),
 * some after a gap, with the set at its interval limit: continuing is
 * always accepted, a new interval past the limit is not. */
START_TEST(in_order_appends)
{
    msrp_ranges s;
    msrp_ranges_init(&s, 3);
    uint64_t pos = 1, received = 0;
    size_t runs = 0;
    for (int step = 0; step < 300; step++) {
        bool gap = step % 50 == 10;
        uint64_t start = gap ? pos + 5 : pos, end = start + rnd(100);
        int rc = msrp_ranges_add(&s, start, end);
        if (gap && runs == 3) {
            ck_assert_int_eq(rc, SP_ELIMIT);
            continue;
        }
        ck_assert_int_eq(rc, SP_OK);
        if (gap || runs == 0)
            runs++;
        received += end - start + 1;
        pos = end + 1;
        ck_assert_uint_eq(s.count, runs);
        ck_assert_uint_eq(s.received, received);
        ck_assert_uint_eq(s.iv[s.count - 1].end, end);
    }
    ck_assert_uint_eq(s.count, 3);
}
END_TEST

static Suite *msrp_ranges_suite(void)
{
    Suite *s = suite_create("msrp_ranges");
    TCase *tc = tcase_create("ranges");
    tcase_add_test(tc, merges_adjacent_and_overlapping);
    tcase_add_test(tc, one_add_swallows_many);
    tcase_add_test(tc, invalid_ranges);
    tcase_add_test(tc, interval_limit_boundary);
    tcase_add_test(tc, first_missing);
    tcase_add_test(tc, matches_bitmap_model);
    tcase_add_test(tc, in_order_appends);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_ranges_suite)
