/* test_msrp_reassembly.c - one message back together from its chunks:
 * property tests over random chunkings, orders, duplicates, overlaps and
 * interruptions; limits at their boundaries; the file sink's atomic rename,
 * its clean-up on failure, and resume. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_main.h"
#include "msrp_reassembly.h"
#include "msrp_testdir.h"

static uint64_t rng_state;
static uint64_t rnd(uint64_t bound)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return bound ? rng_state % bound : 0;
}

static uint8_t *random_content(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rnd(256);
    return p;
}

/* Reads a whole file; NULL when it does not exist. */
/* dir/name (one at a time). */
static const char *testdir_path(const char *dir, const char *name)
{
    static char path[768];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(n > 0 ? (size_t)n : 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

/* A SEND as the sender made it: the declared range and the body actually sent
 * (shorter when the sender interrupted it). */
typedef struct plan_chunk {
    uint64_t start, declared_end, body_end;
} plan_chunk;

#define PLAN_MAX 160

/* Covers 1..size with at most 40 base chunks, some interrupted (their rest
 * sent later as a new chunk), plus duplicates and random overlapping ones,
 * all shuffled. */
static size_t make_plan(uint64_t size, plan_chunk *plan)
{
    size_t n = 0;
    if (size == 0) {
        plan[n++] = (plan_chunk){1, 0, 0};
        return n;
    }
    uint64_t piece = size / (1 + rnd(40)) + 1;
    for (uint64_t s = 1; s <= size;) {
        uint64_t e = s + rnd(2 * piece);
        if (e > size)
            e = size;
        if (e > s && rnd(4) == 0) { /* interrupted, the rest resent */
            uint64_t m = s + rnd(e - s);
            plan[n++] = (plan_chunk){s, e, m};
            plan[n++] = (plan_chunk){m + 1, e, e};
        } else {
            plan[n++] = (plan_chunk){s, e, e};
        }
        s = e + 1;
    }
    size_t base = n;
    for (uint64_t k = rnd(6); k; k--) /* duplicates */
        plan[n++] = plan[rnd(base)];
    for (uint64_t k = rnd(6); k; k--) { /* overlaps */
        uint64_t a = 1 + rnd(size), b = a + rnd(size - a + 1);
        plan[n++] = (plan_chunk){a, b, b};
    }
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = rnd(i + 1);
        plan_chunk t = plan[i];
        plan[i] = plan[j];
        plan[j] = t;
    }
    return n;
}

typedef struct outcome {
    int completions; /* MSRP_RX_COMPLETE returns */
    int refused;     /* calls refused after completion */
} outcome;

/* Feeds one chunk; the body in random pieces. total_known: the Byte-Range
 * total is given; otherwise '*' and '$' ends the chunk holding the last byte. */
static void feed(msrp_reassembly *r, const uint8_t *content, uint64_t size, const plan_chunk *c, bool total_known,
                 outcome *o)
{
    sp_error e;
    bool done_before = r->state == MSRP_RX_DONE;
    uint64_t end = rnd(3) == 0 ? MSRP_UNKNOWN : c->declared_end;
    int rc = msrp_reassembly_begin(r, c->start, end, total_known ? size : MSRP_UNKNOWN, &e);
    if (done_before) {
        ck_assert_int_eq(rc, SP_EINVAL);
        ck_assert_int_eq(e.status, 400);
        o->refused++;
    } else {
        ck_assert_msg(rc == MSRP_RX_OK, "begin %d: %s", rc, e.reason);
    }
    for (uint64_t pos = c->start; pos <= c->body_end;) {
        uint64_t n = 1 + rnd(c->body_end - pos + 1);
        rc = msrp_reassembly_write(r, pos, content + pos - 1, (size_t)n, &e);
        if (rc == MSRP_RX_COMPLETE) {
            o->completions++;
        } else if (r->state == MSRP_RX_DONE && rc == SP_EINVAL) {
            o->refused++;
        } else {
            ck_assert_msg(rc == MSRP_RX_OK, "write %d: %s", rc, e.reason);
        }
        pos += n;
    }
    /* '$' on the chunk holding the last byte; an interrupted chunk ends in '+' */
    char flag = c->body_end == c->declared_end && c->declared_end == size ? '$' : '+';
    rc = msrp_reassembly_end(r, flag, &e);
    if (rc == MSRP_RX_COMPLETE)
        o->completions++;
    else
        ck_assert_msg(rc == MSRP_RX_OK, "end %d: %s", rc, e.reason);
    ck_assert(!done_before || r->state == MSRP_RX_DONE); /* stray calls undo nothing */
}

/* One message through a sink; checks completion once, content and digest. */
static void transfer_and_check(msrp_sink *sink, uint64_t size, bool file)
{
    uint8_t *content = random_content((size_t)size);
    uint8_t want[SP_SHA1_LEN];
    sp_sha1(content, (size_t)size, want);
    msrp_expect expect = {.has_size = rnd(2), .size = size, .has_sha1 = rnd(2)};
    memcpy(expect.sha1, want, SP_SHA1_LEN);
    msrp_reassembly r;
    msrp_reassembly_init(&r, sink, NULL, &expect);

    static plan_chunk plan[PLAN_MAX];
    size_t n = make_plan(size, plan);
    bool total_known = rnd(2);
    outcome o = {0};
    for (size_t i = 0; i < n; i++)
        feed(&r, content, size, &plan[i], total_known, &o);

    ck_assert_int_eq(o.completions, 1);
    ck_assert_int_eq(r.state, MSRP_RX_DONE);
    ck_assert(!memcmp(r.sha1, want, SP_SHA1_LEN));
    size_t got_len;
    if (file) {
        uint8_t *got = slurp(msrp_sink_path(sink), &got_len);
        ck_assert_ptr_nonnull(got);
        ck_assert_uint_eq(got_len, size);
        ck_assert(!memcmp(got, content, (size_t)size));
        free(got);
        unlink(msrp_sink_path(sink));
    } else {
        const uint8_t *got = msrp_sink_data(sink, &got_len);
        ck_assert_uint_eq(got_len, size);
        ck_assert(!memcmp(got, content, (size_t)size));
    }
    msrp_sink_close(sink);
    free(content);
}

START_TEST(random_chunkings_into_memory)
{
    rng_state = 0x243f6a8885a308d3ull; /* fixed: failures reproduce */
    for (int round = 0; round < 300; round++) {
        uint64_t size = round < 3 ? (uint64_t)round : rnd(round % 10 == 0 ? 300000 : 5000);
        msrp_sink sink;
        ck_assert_int_eq(msrp_sink_memory_open(&sink, 1 << 20), SP_OK);
        transfer_and_check(&sink, size, false);
    }
}
END_TEST

START_TEST(random_chunkings_into_files)
{
    rng_state = 0x13198a2e03707344ull;
    char dir[256];
    testdir_create(dir, sizeof dir);
    for (int round = 0; round < 40; round++) {
        uint64_t size = round < 2 ? (uint64_t)round : rnd(round % 5 == 0 ? 400000 : 20000);
        msrp_sink sink;
        char name[32];
        snprintf(name, sizeof name, "file-%d.bin", round);
        ck_assert_int_eq(msrp_sink_file_open(&sink, dir, sp_str_cstr(name), 0), SP_OK);
        transfer_and_check(&sink, size, true);
        ck_assert_int_eq(testdir_count(dir, NULL, 0), 0); /* no temp file left */
    }
    testdir_remove(dir);
}
END_TEST

/* --- limits ------------------------------------------------------------- */

START_TEST(max_size_boundary)
{
    msrp_reassembly_limits lim = {.max_size = 1000};
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    uint8_t buf[1001] = {0};

    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 1000, 1000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, buf, 1000, &e), MSRP_RX_COMPLETE);
    msrp_sink_close(&sink);

    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 1001, 1001, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    ck_assert_int_eq(r.state, MSRP_RX_FAILED);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, buf, 10, &e), SP_ELIMIT); /* the failure sticks */
    msrp_sink_close(&sink);

    /* total unknown: the bytes themselves hit the limit */
    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, MSRP_UNKNOWN, MSRP_UNKNOWN, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, buf, 1000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1001, buf, 1, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    msrp_sink_close(&sink);

    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 1001, MSRP_UNKNOWN, &e), SP_ELIMIT);
    msrp_sink_close(&sink);

    /* the default */
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_uint_eq(r.max_size, MSRP_MAX_SIZE_DEFAULT);
}
END_TEST

START_TEST(range_past_total)
{
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    uint8_t buf[16] = {0};

    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 91, 100, 100, &e), MSRP_RX_OK); /* ends on the total */
    ck_assert_int_eq(msrp_reassembly_write(&r, 91, buf, 10, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 95, 101, 100, &e), SP_EINVAL);
    ck_assert_int_eq(e.status, 400);
    msrp_sink_close(&sink);

    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 95, MSRP_UNKNOWN, 100, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 95, buf, 6, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 101, buf, 1, &e), SP_EINVAL); /* body longer than total */
    ck_assert_uint_eq(e.offset, 101);
    msrp_sink_close(&sink);

    const struct {
        uint64_t start, end, total;
    } bad[] = {
        {0, 10, 100},            /* positions start at 1 */
        {10, 8, 100},            /* end before start */
        {102, MSRP_UNKNOWN, 100}, /* start past total + 1 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        msrp_sink_memory_open(&sink, 4096);
        msrp_reassembly_init(&r, &sink, NULL, NULL);
        ck_assert_int_eq(msrp_reassembly_begin(&r, bad[i].start, bad[i].end, bad[i].total, &e), SP_EINVAL);
        ck_assert_int_eq(e.status, 400);
        msrp_sink_close(&sink);
    }

    /* a later chunk may not change the total, nor shrink it under received bytes */
    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 10, MSRP_UNKNOWN, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, buf, 10, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 11, 11, 9, &e), SP_EINVAL);
    msrp_sink_close(&sink);
    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 10, 50, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 11, 20, 51, &e), SP_EINVAL);
    msrp_sink_close(&sink);
}
END_TEST

START_TEST(interval_limit_boundary)
{
    msrp_reassembly_limits lim = {.max_intervals = 4};
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    uint8_t byte = 'x';
    msrp_sink_memory_open(&sink, 4096);
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 1, 100, &e), MSRP_RX_OK);
    for (uint64_t p = 1; p <= 7; p += 2) /* 4 separate ranges */
        ck_assert_int_eq(msrp_reassembly_write(&r, p, &byte, 1, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 9, &byte, 1, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    msrp_sink_close(&sink);
}
END_TEST

START_TEST(memory_capacity_boundary)
{
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    uint8_t buf[101] = {0};
    msrp_sink_memory_open(&sink, 100);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, buf, 100, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_end(&r, '$', &e), MSRP_RX_COMPLETE);
    msrp_sink_close(&sink);
    msrp_sink_memory_open(&sink, 100);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, buf, 101, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    msrp_sink_close(&sink);
}
END_TEST

/* --- verification -------------------------------------------------------- */

START_TEST(hash_mismatch_fails_and_leaves_no_file)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    msrp_expect expect = {.has_sha1 = true};
    sp_sha1("other", 5, expect.sha1);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("a.txt"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 5, 5, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "hello", 5, &e), MSRP_EHASH);
    ck_assert_int_eq(e.status, 400);
    ck_assert_int_eq(r.state, MSRP_RX_FAILED);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 0);
    ck_assert_int_eq(msrp_reassembly_end(&r, '$', &e), MSRP_EHASH);

    /* the right hash, out of order: read back from the file */
    sp_sha1("hello", 5, expect.sha1);
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("a.txt"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_write(&r, 4, "lo", 2, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 3, 5, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "hel", 3, &e), MSRP_RX_COMPLETE);
    ck_assert(!r.streaming);
    msrp_sink_close(&sink);
    testdir_remove(dir);
}
END_TEST

START_TEST(size_mismatch)
{
    msrp_expect expect = {.has_size = true, .size = 10};
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    msrp_sink_memory_open(&sink, 100);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 9, 9, &e), MSRP_ESIZE); /* smaller: not the file offered */
    ck_assert_int_eq(e.status, 400);
    msrp_sink_close(&sink);
    /* RFC 4975 §10.5: one that outgrows its offer is stopped with 413 */
    msrp_sink_memory_open(&sink, 100);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 11, 11, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    ck_assert_str_eq(e.reason, "message larger than the offered size");
    msrp_sink_close(&sink);
    /* ... also when the chunks say nothing of the total: at byte size + 1 */
    msrp_sink_memory_open(&sink, 100);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, MSRP_UNKNOWN, MSRP_UNKNOWN, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "0123456789", 10, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 11, "X", 1, &e), SP_ELIMIT);
    ck_assert_int_eq(e.status, 413);
    msrp_sink_close(&sink);
    /* learnt from '$' when the total was '*' */
    msrp_sink_memory_open(&sink, 100);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, MSRP_UNKNOWN, MSRP_UNKNOWN, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "123456789", 9, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_end(&r, '$', &e), MSRP_ESIZE);
    msrp_sink_close(&sink);
}
END_TEST

START_TEST(empty_message)
{
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    uint8_t empty_sha1[SP_SHA1_LEN];
    sp_sha1("", 0, empty_sha1);
    for (int known = 0; known < 2; known++) {
        msrp_sink_memory_open(&sink, 100);
        msrp_reassembly_init(&r, &sink, NULL, NULL);
        ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 0, known ? 0 : MSRP_UNKNOWN, &e), MSRP_RX_OK);
        ck_assert_int_eq(msrp_reassembly_end(&r, '$', &e), MSRP_RX_COMPLETE);
        ck_assert(!memcmp(r.sha1, empty_sha1, SP_SHA1_LEN));
        size_t len;
        ck_assert_ptr_nonnull(msrp_sink_data(&sink, &len));
        ck_assert_uint_eq(len, 0);
        ck_assert_int_eq(msrp_reassembly_end(&r, '$', &e), MSRP_RX_OK); /* reported once */
        msrp_sink_close(&sink);
    }
}
END_TEST

/* --- the file sink --------------------------------------------------------- */

START_TEST(rename_only_on_completion)
{
    char dir[256], path[512], seen[256];
    testdir_create(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/etc_report.pdf", dir);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("../../etc/report.pdf"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 10, 10, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "01234", 5, &e), MSRP_RX_OK);
    ck_assert_int_eq(access(path, F_OK), -1); /* nothing at the final name yet */
    ck_assert_int_eq(testdir_count(dir, seen, sizeof seen), 1);
    ck_assert(!strncmp(seen, ".sippush-", 9));
    ck_assert_int_eq(msrp_reassembly_write(&r, 6, "5678", 4, &e), MSRP_RX_OK);
    ck_assert_int_eq(access(path, F_OK), -1);
    ck_assert_int_eq(msrp_reassembly_write(&r, 10, "9", 1, &e), MSRP_RX_COMPLETE);
    ck_assert_str_eq(msrp_sink_path(&sink), path);
    ck_assert_int_eq(testdir_count(dir, seen, sizeof seen), 1);
    ck_assert_str_eq(seen, "etc_report.pdf");
    size_t len;
    uint8_t *got = slurp(path, &len);
    ck_assert_uint_eq(len, 10);
    ck_assert(!memcmp(got, "0123456789", 10));
    free(got);
    msrp_sink_close(&sink);
    testdir_remove(dir);
}
END_TEST

START_TEST(abort_removes_the_temp_file)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("x"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 4, 8, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "abcd", 4, &e), MSRP_RX_OK);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 1);
    ck_assert_int_eq(msrp_reassembly_end(&r, '#', &e), MSRP_RX_ABORTED);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 0);
    ck_assert_int_eq(msrp_reassembly_write(&r, 5, "efgh", 4, &e), SP_EINVAL);

    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("x"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "abcd", 4, &e), MSRP_RX_OK);
    msrp_reassembly_abort(&r);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 0);
    testdir_remove(dir);
}
END_TEST

START_TEST(refuses_to_overwrite_unless_asked)
{
    char dir[256], path[512];
    testdir_create(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/same.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    size_t len;

    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("same.txt"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 3, 3, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "new", 3, &e), MSRP_EEXIST);
    ck_assert_int_eq(e.status, 403);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 1); /* the temp file is gone */
    uint8_t *got = slurp(path, &len);
    ck_assert(len == 3 && !memcmp(got, "old", 3));
    free(got);

    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("same.txt"), MSRP_SINK_OVERWRITE), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 3, 3, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "new", 3, &e), MSRP_RX_COMPLETE);
    got = slurp(path, &len);
    ck_assert(len == 3 && !memcmp(got, "new", 3));
    free(got);
    msrp_sink_close(&sink);

    /* or a name of its own next to it, the extension kept */
    static const char *const names[] = {"same.txt", "same.txt", "noext", "noext"};
    static const char *const taken[] = {"same-2.txt", "same-3.txt", "noext", "noext-2"};
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(msrp_sink_file_open(&sink, dir, sp_str_cstr(names[i]), MSRP_SINK_UNIQUE), SP_OK);
        ck_assert_int_eq(msrp_sink_write(&sink, 0, "uniq", 4), SP_OK);
        ck_assert_int_eq(msrp_sink_commit(&sink, 4), SP_OK);
        ck_assert_str_eq(msrp_sink_path(&sink), testdir_path(dir, taken[i]));
        msrp_sink_close(&sink);
    }
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 5);
    testdir_remove(dir);
}
END_TEST

START_TEST(suspend_and_resume)
{
    char dir[256], temp[MSRP_SINK_PATH_MAX];
    testdir_create(dir, sizeof dir);
    rng_state = 0xa4093822299f31d0ull;
    uint8_t *content = random_content(100000);
    uint8_t want[SP_SHA1_LEN];
    sp_sha1(content, 100000, want);
    msrp_expect expect = {.has_sha1 = true, .has_size = true, .size = 100000};
    memcpy(expect.sha1, want, SP_SHA1_LEN);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;

    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("big.bin"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 100000, 100000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, content, 30000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 50001, content + 50000, 10000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_suspend(&r), SP_OK);
    strcpy(temp, sink.temp);
    ck_assert_int_eq(access(temp, F_OK), 0);
    msrp_ranges kept = r.ranges;
    msrp_interval gap;
    ck_assert(msrp_ranges_first_missing(&kept, 100000, &gap)); /* what a file-range would ask for */
    ck_assert_uint_eq(gap.start, 30001);
    ck_assert_uint_eq(gap.end, 50000);

    ck_assert_int_eq(msrp_sink_file_reopen(&sink, temp, dir, SP_LIT("big.bin"), 0), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    msrp_reassembly_restore(&r, &kept);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 30001, 50000, 100000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 30001, content + 30000, 20000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 60001, 100000, 100000, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 60001, content + 60000, 40000, &e), MSRP_RX_COMPLETE);
    ck_assert(!memcmp(r.sha1, want, SP_SHA1_LEN));
    size_t len;
    uint8_t *got = slurp(msrp_sink_path(&sink), &len);
    ck_assert(len == 100000 && !memcmp(got, content, len));
    ck_assert_int_eq(access(temp, F_OK), -1);
    free(got);
    free(content);
    msrp_sink_close(&sink);
    testdir_remove(dir);
}
END_TEST

START_TEST(describes_the_received_part)
{
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    char out[64];
    msrp_sink_memory_open(&sink, 1000);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "abc", 3, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 11, "xyz", 3, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_byte_range(&r, 0, out, sizeof out), 5);
    ck_assert_str_eq(out, "1-3/*");
    ck_assert_int_eq(msrp_reassembly_begin(&r, 20, 30, 500, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_byte_range(&r, 1, out, sizeof out), 9);
    ck_assert_str_eq(out, "11-13/500");
    ck_assert_int_eq(msrp_reassembly_byte_range(&r, 2, out, sizeof out), SP_EINVAL);
    ck_assert_int_eq(msrp_reassembly_byte_range(&r, 1, out, 9), SP_ENOSPC); /* no room for the NUL */
    ck_assert_int_eq(msrp_reassembly_end(&r, '?', &e), SP_EINVAL);
    msrp_sink_close(&sink);
}
END_TEST

START_TEST(safe_names)
{
    static const struct {
        const char *offered, *safe;
    } cases[] = {
        {"report.pdf", "report.pdf"},
        {"../../etc/passwd", "etc_passwd"},
        {"/abs/path/x.txt", "abs_path_x.txt"},
        {"docs/report.txt", "docs_report.txt"},
        {"id42-docs/report.txt", "id42-docs_report.txt"},
        {"x/.hidden/./../y", "x_hidden_y"},
        {"C:\\Users\\me\\photo.jpg", "C:_Users_me_photo.jpg"},
        {"..", "unnamed"},
        {"", "unnamed"},
        {"dir/", "dir"},
        {"/", "unnamed"},
        {".hidden", "hidden"},
        {"a%2F..%2Fb", "a_b"},
        {"my%20file.txt", "my file.txt"},
        {"bad%zzname", "bad%zzname"},
        {"tab\there\x7f.txt", "tabhere.txt"},
        {"nul%00byte", "nulbyte"},
        {"  . spaced  ", "spaced"},
        {"caf\xc3\xa9.txt", "caf\xc3\xa9.txt"},
    };
    char out[MSRP_SINK_NAME_MAX + 1];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = msrp_sink_safe_name(sp_str_cstr(cases[i].offered), out, sizeof out);
        ck_assert_msg(!strcmp(out, cases[i].safe), "'%s' gave '%s'", cases[i].offered, out);
        ck_assert_uint_eq(n, strlen(out));
    }
    /* long names are cut at the limit, never inside a UTF-8 sequence */
    char longname[600];
    memset(longname, 'a', sizeof longname);
    ck_assert_uint_eq(msrp_sink_safe_name(sp_str_make(longname, sizeof longname), out, sizeof out),
                      MSRP_SINK_NAME_MAX);
    longname[MSRP_SINK_NAME_MAX - 1] = (char)0xc3;
    longname[MSRP_SINK_NAME_MAX] = (char)0xa9;
    ck_assert_uint_eq(msrp_sink_safe_name(sp_str_make(longname, sizeof longname), out, sizeof out),
                      MSRP_SINK_NAME_MAX - 1);
    /* a small buffer */
    char tiny[8];
    ck_assert_uint_eq(msrp_sink_safe_name(SP_LIT("abcdefghij"), tiny, sizeof tiny), 7);
    ck_assert_str_eq(tiny, "abcdefg");
}
END_TEST

/* A sink that keeps nothing still lets a message be verified (in order)
 * and completed. */
START_TEST(null_sink_verifies_and_keeps_nothing)
{
    msrp_expect expect = {.has_size = true, .size = 10, .has_sha1 = true};
    sp_sha1("0123456789", 10, expect.sha1);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    ck_assert_int_eq(msrp_sink_null_open(&sink), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 10, 10, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "0123456789", 10, &e), MSRP_RX_COMPLETE);
    ck_assert_ptr_null(msrp_sink_path(&sink));
    size_t len;
    ck_assert_ptr_null(msrp_sink_data(&sink, &len));
    ck_assert_mem_eq(r.sha1, expect.sha1, SP_SHA1_LEN);
    msrp_sink_close(&sink);
    /* other bytes do not pass for the content offered */
    msrp_sink_null_open(&sink);
    msrp_reassembly_init(&r, &sink, NULL, &expect);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 10, 10, &e), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, "0123456780", 10, &e), MSRP_EHASH);
    msrp_sink_close(&sink);
}
END_TEST

/* A head ends after "##"; "!!" cannot start one. */
static long test_head(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    if (n >= 2 && p[0] == '!' && p[1] == '!')
        return SP_EINVAL;
    const uint8_t *e = memmem(p, n, "##", 2);
    return e ? (long)(e - p + 2) : 0;
}

static void strip_one(const char *dir, const char *msg, const size_t *cuts, size_t ncuts, const char *stored)
{
    msrp_sink sink;
    msrp_reassembly r;
    sp_error e;
    size_t total = strlen(msg);
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("strip.txt"), 0), SP_OK);
    ck_assert_int_eq(msrp_sink_file_strip_head(&sink, test_head, NULL), SP_OK);
    msrp_reassembly_init(&r, &sink, NULL, NULL);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, total, total, &e), MSRP_RX_OK);
    size_t at = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        size_t to = i < ncuts ? cuts[i] : total;
        int rc = msrp_reassembly_write(&r, at + 1, msg + at, to - at, &e);
        ck_assert_int_eq(rc, to == total ? MSRP_RX_COMPLETE : MSRP_RX_OK);
        at = to;
    }
    size_t hn;
    const uint8_t *head = msrp_sink_head(&sink, &hn);
    ck_assert_ptr_nonnull(head);
    ck_assert_uint_eq(hn, total - strlen(stored));
    ck_assert_mem_eq(head, msg, hn);
    size_t len;
    uint8_t *got = slurp(msrp_sink_path(&sink), &len);
    ck_assert_uint_eq(len, strlen(stored));
    ck_assert_mem_eq(got, stored, len);
    free(got);
    unlink(msrp_sink_path(&sink));
    msrp_sink_close(&sink);
}

/* The content after a head goes to the file as it comes, the head only
 * in memory, whatever the chunking. */
START_TEST(file_sink_strips_a_head)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    const char *msg = "head:1##the content itself";
    size_t cuts[3];
    strip_one(dir, msg, NULL, 0, "the content itself");
    for (size_t a = 1; a < strlen(msg); a++) {
        cuts[0] = a;
        strip_one(dir, msg, cuts, 1, "the content itself");
    }
    cuts[0] = 3, cuts[1] = 7, cuts[2] = 8;
    strip_one(dir, msg, cuts, 3, "the content itself");
    /* read back across the head and the file, as a verification does */
    msrp_sink sink;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("r.txt"), 0), SP_OK);
    msrp_sink_file_strip_head(&sink, test_head, NULL);
    ck_assert_int_eq(msrp_sink_write(&sink, 0, msg, strlen(msg)), SP_OK);
    char back[64];
    ck_assert_int_eq(msrp_sink_read(&sink, 4, back, 10), 10);
    ck_assert_mem_eq(back, msg + 4, 10);
    ck_assert_int_eq(msrp_sink_write(&sink, 2, "ad", 2), SP_OK); /* a repeat of head bytes */
    ck_assert_int_eq(msrp_sink_commit(&sink, strlen(msg)), SP_OK);
    msrp_sink_close(&sink);
    size_t len;
    uint8_t *got = slurp(testdir_path(dir, "r.txt"), &len);
    ck_assert_uint_eq(len, 18);
    free(got);
    testdir_remove(dir);
}
END_TEST

START_TEST(file_sink_head_failures)
{
    char dir[256], seen[256];
    testdir_create(dir, sizeof dir);
    msrp_sink sink;
    /* refused by the head function */
    msrp_sink_file_open(&sink, dir, SP_LIT("a"), 0);
    msrp_sink_file_strip_head(&sink, test_head, NULL);
    ck_assert_int_eq(msrp_sink_write(&sink, 0, "!!xx", 4), SP_EINVAL);
    msrp_sink_close(&sink);
    /* out of order before the head's end is known */
    msrp_sink_file_open(&sink, dir, SP_LIT("a"), 0);
    msrp_sink_file_strip_head(&sink, test_head, NULL);
    ck_assert_int_eq(msrp_sink_write(&sink, 0, "abc", 3), SP_OK);
    ck_assert_int_eq(msrp_sink_write(&sink, 4, "e", 1), SP_ELIMIT);
    ck_assert_int_eq(msrp_sink_write(&sink, 3, "d##x", 4), SP_OK); /* in order again: fine */
    msrp_sink_close(&sink);
    /* a head of MSRP_SINK_HEAD_MAX bytes is the most held; one more is refused */
    static char big[MSRP_SINK_HEAD_MAX + 8];
    memset(big, 'h', sizeof big);
    msrp_sink_file_open(&sink, dir, SP_LIT("a"), 0);
    msrp_sink_file_strip_head(&sink, test_head, NULL);
    memcpy(big + MSRP_SINK_HEAD_MAX - 2, "##", 2);
    ck_assert_int_eq(msrp_sink_write(&sink, 0, big, sizeof big), SP_OK);
    msrp_sink_close(&sink);
    memset(big, 'h', sizeof big);
    memcpy(big + MSRP_SINK_HEAD_MAX - 1, "##", 2);
    msrp_sink_file_open(&sink, dir, SP_LIT("a"), 0);
    msrp_sink_file_strip_head(&sink, test_head, NULL);
    ck_assert_int_eq(msrp_sink_write(&sink, 0, big, sizeof big), SP_ELIMIT);
    msrp_sink_close(&sink);
    /* a commit before the head ended */
    msrp_sink_file_open(&sink, dir, SP_LIT("a"), 0);
    msrp_sink_file_strip_head(&sink, test_head, NULL);
    ck_assert_int_eq(msrp_sink_write(&sink, 0, "abc", 3), SP_OK);
    ck_assert_int_eq(msrp_sink_commit(&sink, 3), SP_EINVAL);
    msrp_sink_close(&sink);
    ck_assert_int_eq(testdir_count(dir, seen, sizeof seen), 0); /* no temp file left */
    testdir_remove(dir);
}
END_TEST

/* Only what a sink of a dead process left goes: not a live writer's, not
 * ours, not a look-alike, not a hidden file of someone else's. */
START_TEST(sweep_removes_only_stale_temp_files)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    pid_t child = fork();
    if (child == 0) {
        msrp_sink s;
        _exit(msrp_sink_file_open(&s, dir, SP_LIT("x"), 0) == SP_OK ? 0 : 1); /* dies with its temp file */
    }
    int status;
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    char stale[512];
    ck_assert_int_eq(testdir_count(dir, stale, sizeof stale), 1);
    msrp_sink live;
    ck_assert_int_eq(msrp_sink_file_open(&live, dir, SP_LIT("y"), 0), SP_OK);
    static const char *const others[] = {".sippush-1x-abcdef", ".sippush-abcdef", ".hidden", ".sippush-99999999-abcdefg",
                                         "sippush-123-abcdef", ".sippush-0-abcdef"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        FILE *f = fopen(testdir_path(dir, others[i]), "w");
        ck_assert_ptr_nonnull(f);
        fclose(f);
    }
    ck_assert_int_eq(msrp_sink_sweep(dir), 1);
    ck_assert_int_eq(access(testdir_path(dir, stale), F_OK), -1);
    ck_assert_int_eq(access(live.temp, F_OK), 0);
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        ck_assert_int_eq(access(testdir_path(dir, others[i]), F_OK), 0);
    ck_assert_int_eq(msrp_sink_sweep(dir), 0);
    /* a dead pid's name but a lock held (a writer seen from another pid namespace): kept */
    char locked[64];
    snprintf(locked, sizeof locked, ".sippush-%ld-Zz9Zz9", (long)child);
    int fd = open(testdir_path(dir, locked), O_CREAT | O_RDWR, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0);
    ck_assert_int_eq(msrp_sink_sweep(dir), 0);
    ck_assert_int_eq(access(testdir_path(dir, locked), F_OK), 0);
    close(fd);
    ck_assert_int_eq(msrp_sink_sweep(dir), 1);
    msrp_sink_close(&live);
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
        unlink(testdir_path(dir, others[i]));
    ck_assert_int_eq(msrp_sink_sweep("/nonexistent-dir-for-sippush"), MSRP_EIO);
    testdir_remove(dir);
}
END_TEST

START_TEST(file_sink_open_failures)
{
    msrp_sink sink;
    ck_assert_int_eq(msrp_sink_file_open(&sink, "/nonexistent-dir-for-sippush", SP_LIT("a"), 0), MSRP_EIO);
    ck_assert_int_ne(sink.err, 0);
    char longdir[MSRP_SINK_PATH_MAX + 10];
    memset(longdir, 'd', sizeof longdir - 1);
    longdir[sizeof longdir - 1] = '\0';
    ck_assert_int_eq(msrp_sink_file_open(&sink, longdir, SP_LIT("a"), 0), MSRP_EIO);
}
END_TEST

/* A declared total sizes a memory sink once, up to MSRP_SINK_EXPECT_MAX
 * (taken) and not past it (+1 grows as bytes come), never past its
 * capacity; the content is the same either way. */
START_TEST(declared_total_sizes_memory_sink)
{
    msrp_sink s;
    msrp_sink_memory_open(&s, (size_t)MSRP_SINK_EXPECT_MAX + 4096);
    msrp_sink_expect(&s, MSRP_SINK_EXPECT_MAX + 1ull);
    ck_assert_uint_eq(s.alloc, 0);
    msrp_sink_expect(&s, MSRP_SINK_EXPECT_MAX);
    ck_assert_uint_eq(s.alloc, MSRP_SINK_EXPECT_MAX);
    ck_assert_int_eq(msrp_sink_write(&s, 10, "abc", 3), SP_OK);
    size_t len;
    ck_assert_int_eq(msrp_sink_commit(&s, 13), SP_OK);
    const uint8_t *d = msrp_sink_data(&s, &len);
    ck_assert_uint_eq(len, 13);
    ck_assert_mem_eq(d, "\0\0\0\0\0\0\0\0\0\0abc", 13); /* the gap reads as zeros */
    msrp_sink_close(&s);
    msrp_sink_memory_open(&s, 100);
    msrp_sink_expect(&s, 101);
    ck_assert_uint_eq(s.alloc, 0);
    msrp_sink_expect(&s, 100);
    ck_assert_uint_eq(s.alloc, 100);
    msrp_sink_close(&s);
}
END_TEST

static Suite *msrp_reassembly_suite(void)
{
    Suite *s = suite_create("msrp_reassembly");
    TCase *prop = tcase_create("properties");
    tcase_set_timeout(prop, 120);
    tcase_add_test(prop, random_chunkings_into_memory);
    tcase_add_test(prop, random_chunkings_into_files);
    suite_add_tcase(s, prop);
    TCase *lim = tcase_create("limits");
    tcase_add_test(lim, max_size_boundary);
    tcase_add_test(lim, range_past_total);
    tcase_add_test(lim, interval_limit_boundary);
    tcase_add_test(lim, memory_capacity_boundary);
    tcase_add_test(lim, declared_total_sizes_memory_sink);
    suite_add_tcase(s, lim);
    TCase *ver = tcase_create("verification");
    tcase_add_test(ver, hash_mismatch_fails_and_leaves_no_file);
    tcase_add_test(ver, size_mismatch);
    tcase_add_test(ver, empty_message);
    suite_add_tcase(s, ver);
    TCase *file = tcase_create("file sink");
    tcase_add_test(file, rename_only_on_completion);
    tcase_add_test(file, abort_removes_the_temp_file);
    tcase_add_test(file, refuses_to_overwrite_unless_asked);
    tcase_add_test(file, suspend_and_resume);
    tcase_add_test(file, describes_the_received_part);
    tcase_add_test(file, safe_names);
    tcase_add_test(file, file_sink_open_failures);
    tcase_add_test(file, null_sink_verifies_and_keeps_nothing);
    tcase_add_test(file, file_sink_strips_a_head);
    tcase_add_test(file, file_sink_head_failures);
    tcase_add_test(file, sweep_removes_only_stale_temp_files);
    suite_add_tcase(s, file);
    return s;
}

CHECK_MAIN(msrp_reassembly_suite)
