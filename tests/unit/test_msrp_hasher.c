/* test_msrp_hasher.c - messages hashed in a thread of their own while they
 * arrive: the same digests as in line (in order, in pieces of every size,
 * across the ring's buffers), a hash mismatch still refused, the thread
 * stopped by every way a message ends (out of order, failure, abort, '#',
 * suspend), the threshold at its boundary, and a session whose offered hash
 * does not match with the thread on. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "msrp_hasher_impl.h"
#include "sp_platform.h"

/* A build without threads hashes every message in line. */
#define assert_threaded(h) ck_assert(((h) != NULL) == SP_HAVE_THREADS)
#include "msrp_pair.h"
#include "msrp_reassembly.h"
#include "msrp_testdir.h"

#define WAIT_MS 20000

static uint8_t *content(size_t n, uint64_t seed)
{
    uint8_t *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    pair_fill(p, n, seed);
    return p;
}

/* Feeds d[0..n) in order in pieces of 'piece' bytes, each its own chunk
 * with the total declared; returns the last call's result. */
static int feed_in_order(msrp_reassembly *r, const uint8_t *d, size_t n, size_t piece, sp_error *err)
{
    int rc = MSRP_RX_OK;
    for (size_t at = 0; at < n; at += piece) {
        size_t k = n - at < piece ? n - at : piece;
        rc = msrp_reassembly_begin(r, at + 1, at + k, n, err);
        if (rc < 0)
            return rc;
        rc = msrp_reassembly_write(r, at + 1, d + at, k, err);
        if (rc < 0)
            return rc;
        if (rc != MSRP_RX_COMPLETE)
            rc = msrp_reassembly_end(r, at + k == n ? '$' : '+', err);
        if (rc < 0)
            return rc;
    }
    return rc;
}

/* Threaded and in line give the digest of the content, for sizes around
 * the ring's buffers and pieces from one byte to more than a buffer. */
START_TEST(same_digest_as_in_line)
{
    static const size_t sizes[] = {1, 4096, MSRP_HASH_SLOT - 1, MSRP_HASH_SLOT, MSRP_HASH_SLOT + 1,
                                   MSRP_HASH_SLOTS * MSRP_HASH_SLOT + 77, 3 * MSRP_HASH_SLOTS * MSRP_HASH_SLOT};
    static const size_t pieces[] = {1000, 65536, MSRP_HASH_SLOT + 3, 1u << 20};
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
        for (size_t pi = 0; pi < sizeof pieces / sizeof *pieces; pi++) {
            size_t n = sizes[si];
            if (pieces[pi] == 1000 && n > MSRP_HASH_SLOT + 1)
                continue; /* small pieces of big messages: slow, and nothing new */
            uint8_t *d = content(n, si * 10 + pi);
            uint8_t want[SP_SHA1_LEN];
            sp_sha1(d, n, want);
            for (int threaded = 0; threaded <= 1; threaded++) {
                msrp_sink sink;
                msrp_sink_memory_open(&sink, n);
                msrp_reassembly_limits lim = {.hash_thread_min = threaded ? 1 : MSRP_HASH_THREAD_NEVER};
                msrp_expect ex = {.has_sha1 = true};
                memcpy(ex.sha1, want, SP_SHA1_LEN);
                msrp_reassembly r;
                msrp_reassembly_init(&r, &sink, &lim, &ex);
                sp_error err;
                ck_assert_int_eq(feed_in_order(&r, d, n, pieces[pi], &err), MSRP_RX_COMPLETE);
                ck_assert_ptr_null(r.hasher);
                ck_assert(memcmp(r.sha1, want, SP_SHA1_LEN) == 0);
                msrp_sink_close(&sink);
            }
            free(d);
        }
}
END_TEST

/* With the thread on, content that does not match the offered hash is
 * refused at completion (400), and nothing is committed. */
START_TEST(mismatch_refused_with_thread)
{
    size_t n = 3 * MSRP_HASH_SLOT + 5;
    uint8_t *d = content(n, 99);
    msrp_sink sink;
    msrp_sink_memory_open(&sink, n);
    msrp_reassembly_limits lim = {.hash_thread_min = 1};
    msrp_expect ex = {.has_sha1 = true};
    sp_sha1(d, n, ex.sha1);
    ex.sha1[7] ^= 1;
    msrp_reassembly r;
    msrp_reassembly_init(&r, &sink, &lim, &ex);
    sp_error err;
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, 100, n, &err), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, d, 100, &err), MSRP_RX_OK);
    assert_threaded(r.hasher); /* the thread is on */
    ck_assert_int_eq(msrp_reassembly_end(&r, '+', &err), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_begin(&r, 101, n, n, &err), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 101, d + 100, n - 100, &err), MSRP_EHASH);
    ck_assert_int_eq(err.status, 400);
    ck_assert_int_eq(r.state, MSRP_RX_FAILED);
    ck_assert_ptr_null(r.hasher);
    size_t len;
    ck_assert_ptr_null(msrp_sink_data(&sink, &len));
    msrp_sink_close(&sink);
    free(d);
}
END_TEST

/* Starts a threaded message and feeds its first 'fed' bytes in order. */
static void start_threaded(msrp_reassembly *r, msrp_sink *sink, const uint8_t *d, size_t n, size_t fed)
{
    msrp_sink_memory_open(sink, n);
    msrp_reassembly_limits lim = {.hash_thread_min = 1};
    msrp_reassembly_init(r, sink, &lim, NULL);
    sp_error err;
    ck_assert_int_eq(msrp_reassembly_begin(r, 1, MSRP_UNKNOWN, n, &err), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(r, 1, d, fed, &err), MSRP_RX_OK);
    assert_threaded(r->hasher);
}

/* Every way a message ends early stops its thread (the sanitizers and
 * valgrind see a thread or buffer left behind); out of order, the digest
 * comes from reading back and is still right. */
START_TEST(thread_stopped_by_every_end)
{
    size_t n = 2 * MSRP_HASH_SLOTS * MSRP_HASH_SLOT;
    uint8_t *d = content(n, 5);
    uint8_t want[SP_SHA1_LEN];
    sp_sha1(d, n, want);
    msrp_sink sink;
    msrp_reassembly r;
    sp_error err;

    /* out of order: the thread goes, the digest is read back */
    start_threaded(&r, &sink, d, n, MSRP_HASH_SLOT * 5 + 1);
    ck_assert_int_eq(msrp_reassembly_write(&r, n - 9, d + n - 10, 10, &err), MSRP_RX_OK);
    ck_assert_ptr_null(r.hasher);
    ck_assert(!r.streaming);
    size_t at = MSRP_HASH_SLOT * 5 + 1;
    ck_assert_int_eq(msrp_reassembly_write(&r, at + 1, d + at, n - 10 - at, &err), MSRP_RX_COMPLETE);
    ck_assert(memcmp(r.sha1, want, SP_SHA1_LEN) == 0);
    msrp_sink_close(&sink);

    /* a failure (bytes past the total) */
    start_threaded(&r, &sink, d, n, 1000);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1001, d, n, &err), SP_EINVAL);
    ck_assert_ptr_null(r.hasher);
    msrp_sink_close(&sink);

    /* the caller gives up */
    start_threaded(&r, &sink, d, n, MSRP_HASH_SLOT * 3);
    msrp_reassembly_abort(&r);
    ck_assert_ptr_null(r.hasher);
    ck_assert_int_eq(r.state, MSRP_RX_CANCELLED);
    msrp_sink_close(&sink);

    /* the sender aborts ('#') */
    start_threaded(&r, &sink, d, n, 10);
    ck_assert_int_eq(msrp_reassembly_end(&r, '#', &err), MSRP_RX_ABORTED);
    ck_assert_ptr_null(r.hasher);
    msrp_sink_close(&sink);

    /* an unknown flag fails the message */
    start_threaded(&r, &sink, d, n, 10);
    ck_assert_int_eq(msrp_reassembly_end(&r, '?', &err), SP_EINVAL);
    ck_assert_ptr_null(r.hasher);
    msrp_sink_close(&sink);
    free(d);
}
END_TEST

/* Suspended for a resume (file sink): the thread stops, the temp file stays. */
START_TEST(thread_stopped_by_suspend)
{
    char dir[256];
    testdir_create(dir, sizeof dir);
    size_t n = 3 * MSRP_HASH_SLOT;
    uint8_t *d = content(n, 6);
    msrp_sink sink;
    ck_assert_int_eq(msrp_sink_file_open(&sink, dir, SP_LIT("kept.bin"), 0), SP_OK);
    msrp_reassembly_limits lim = {.hash_thread_min = 1};
    msrp_reassembly r;
    msrp_reassembly_init(&r, &sink, &lim, NULL);
    sp_error err;
    ck_assert_int_eq(msrp_reassembly_begin(&r, 1, MSRP_UNKNOWN, n, &err), MSRP_RX_OK);
    ck_assert_int_eq(msrp_reassembly_write(&r, 1, d, 2 * MSRP_HASH_SLOT + 9, &err), MSRP_RX_OK);
    assert_threaded(r.hasher);
    ck_assert_int_eq(msrp_reassembly_suspend(&r), SP_OK);
    ck_assert_ptr_null(r.hasher);
    ck_assert_int_eq(unlink(sink.temp), 0);
    msrp_sink_close(&sink);
    testdir_remove(dir);
    free(d);
}
END_TEST

/* The threshold: a declared total equal to it is threaded, one byte less
 * is not; no total declared, no thread; 0 means the 1 MiB default. */
START_TEST(threshold_boundary)
{
    static const struct {
        uint64_t min, total;
        bool threaded;
    } cases[] = {
        {5000, 5000, true}, {5000, 4999, false}, {0, MSRP_HASH_THREAD_MIN_DEFAULT, true},
        {0, MSRP_HASH_THREAD_MIN_DEFAULT - 1, false}, {MSRP_HASH_THREAD_NEVER, 1u << 21, false},
        {1, MSRP_UNKNOWN, false},
    };
    uint8_t *d = content(100, 1);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        msrp_sink sink;
        msrp_sink_memory_open(&sink, 1u << 22);
        msrp_reassembly_limits lim = {.hash_thread_min = cases[i].min};
        msrp_reassembly r;
        msrp_reassembly_init(&r, &sink, &lim, NULL);
        sp_error err;
        ck_assert_int_eq(msrp_reassembly_begin(&r, 1, MSRP_UNKNOWN, cases[i].total, &err), MSRP_RX_OK);
        ck_assert_int_eq(msrp_reassembly_write(&r, 1, d, 100, &err), MSRP_RX_OK);
        ck_assert_msg((r.hasher != NULL) == (cases[i].threaded && SP_HAVE_THREADS), "case %zu", i);
        msrp_reassembly_abort(&r);
        msrp_sink_close(&sink);
    }
    free(d);
}
END_TEST

static void configs(msrp_session_config *txc, msrp_session_config *rxc)
{
    msrp_session_config_default(txc);
    msrp_session_config_default(rxc);
    txc->chunk_size = 65536;
}

/* A session with the offered hash wrong, a message big enough for the
 * thread (by default): refused with 400, nothing delivered; with the right
 * hash the same message is delivered with its digest. */
START_TEST(session_mismatch_with_thread)
{
    size_t n = (size_t)MSRP_HASH_THREAD_MIN_DEFAULT + 12345;
    uint8_t *d = content(n, 77);
    for (int right = 0; right <= 1; right++) {
        msrp_session_config txc, rxc;
        configs(&txc, &rxc);
        rxc.rx_expect.has_sha1 = true;
        sp_sha1(d, n, rxc.rx_expect.sha1);
        if (!right)
            rxc.rx_expect.sha1[0] ^= 0x80;
        pair p;
        pair_open(&p, &txc, &rxc);
        msrp_message m;
        msrp_message_init(&m);
        m.content_type = SP_LIT("application/octet-stream");
        m.data = d;
        m.size = n;
        ck_assert_int_eq(msrp_session_send(p.tx.s, &m, NULL), 0);
        if (right) {
            ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SENT, WAIT_MS));
            ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 1);
            ck_assert(p.rx.has_sha1 && memcmp(p.rx.sha1, rxc.rx_expect.sha1, SP_SHA1_LEN) == 0);
            ck_assert(p.rx.size == n && memcmp(p.rx.data, d, n) == 0);
        } else {
            ck_assert(pair_wait(&p, &p.tx, MSRP_EV_SEND_FAILED, WAIT_MS));
            ck_assert_int_eq(p.tx.last[MSRP_EV_SEND_FAILED].status, 400);
            ck_assert_int_eq(p.rx.counts[MSRP_EV_RECEIVED], 0);
            ck_assert_int_eq(p.rx.counts[MSRP_EV_DISCARDED], 1);
        }
        pair_close(&p);
    }
    free(d);
}
END_TEST

static Suite *msrp_hasher_suite(void)
{
    Suite *s = suite_create("msrp_hasher");
    TCase *tc = tcase_create("hasher");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, same_digest_as_in_line);
    tcase_add_test(tc, mismatch_refused_with_thread);
    tcase_add_test(tc, thread_stopped_by_every_end);
    tcase_add_test(tc, thread_stopped_by_suspend);
    tcase_add_test(tc, threshold_boundary);
    tcase_add_test(tc, session_mismatch_with_thread);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_hasher_suite)
