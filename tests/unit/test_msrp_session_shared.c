/* test_msrp_session_shared.c - sessions over real loopback sockets:
 * two sessions between the same endpoints share one TCP connection (RFC
 * 4975 §5.4 reuse) and interleave their transfers; a sending session
 * resumes a message from a byte offset (msrp_message.first) into the file
 * a receiver kept after a drop (RFC 5547 §8), and the whole file is
 * verified by its SHA-1. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "loop_run.h"
#include "msrp_pair.h"
#include "msrp_testdir.h"
#include "msrp_tp.h"
#include "sp_sha1.h"

/* Two endpoints on one loop: 'a' opens connections (active sessions), 'b'
 * listens (passive sessions). */
typedef struct duo {
    tp_loop *loop;
    msrp_endpoint *a, *b;
    tp_addr bound;
} duo;

static void duo_open(duo *d)
{
    memset(d, 0, sizeof *d);
    d->loop = tp_loop_new();
    ck_assert_ptr_nonnull(d->loop);
    ck_assert_int_eq(msrp_endpoint_new(d->loop, NULL, &d->a), 0);
    ck_assert_int_eq(msrp_endpoint_new(d->loop, NULL, &d->b), 0);
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    ck_assert_int_eq(msrp_endpoint_listen(d->b, &any, &d->bound), 0);
}

static void duo_close(duo *d)
{
    loop_run_for(d->loop, 1);
    msrp_endpoint_free(d->a);
    msrp_endpoint_free(d->b);
    loop_run_for(d->loop, 1);
    tp_loop_free(d->loop);
}

/* A sender on d->a and a receiver on d->b, paths exchanged, both started. */
static void duo_sessions(duo *d, pair_side *tx, msrp_session_config *txc, pair_side *rx, msrp_session_config *rxc)
{
    rxc->local_port = tp_addr_port(&d->bound);
    rxc->setup = MSRP_SETUP_PASSIVE;
    rxc->on_event = pair_on_event;
    rxc->ctx = rx;
    txc->local_port = 9;
    txc->setup = MSRP_SETUP_ACTIVE;
    txc->on_event = pair_on_event;
    txc->ctx = tx;
    ck_assert_int_eq(msrp_session_new(d->b, rxc, &rx->s), 0);
    ck_assert_int_eq(msrp_session_new(d->a, txc, &tx->s), 0);
    ck_assert_int_eq(msrp_session_set_peer(rx->s, msrp_session_local_uri(tx->s)), 0);
    ck_assert_int_eq(msrp_session_set_peer(tx->s, msrp_session_local_uri(rx->s)), 0);
    ck_assert_int_eq(msrp_session_start(rx->s), 0);
    ck_assert_int_eq(msrp_session_start(tx->s), 0);
}

static bool both_done(const pair_side *x, const pair_side *y)
{
    return x->counts[MSRP_EV_RECEIVED] + x->counts[MSRP_EV_DISCARDED] > 0 &&
           y->counts[MSRP_EV_RECEIVED] + y->counts[MSRP_EV_DISCARDED] > 0;
}

static void side_free(pair_side *p)
{
    msrp_session_free(p->s);
    free(p->data);
}

/* Two sessions to the same peer address use one connection each way
 * round, and their chunks interleave on it: both messages arrive whole. */
START_TEST(two_sessions_one_connection)
{
    enum { SIZE = 300000 };
    static uint8_t c1[SIZE], c2[SIZE];
    pair_fill(c1, sizeof c1, 1);
    pair_fill(c2, sizeof c2, 2);
    duo d;
    duo_open(&d);
    pair_side tx1 = {0}, rx1 = {0}, tx2 = {0}, rx2 = {0};
    msrp_session_config t1, r1, t2, r2;
    msrp_session_config_default(&t1);
    msrp_session_config_default(&r1);
    msrp_session_config_default(&t2);
    msrp_session_config_default(&r2);
    t2.chunk_size = 1000; /* different chunkings, so the frames alternate unevenly */
    duo_sessions(&d, &tx1, &t1, &rx1, &r1);
    duo_sessions(&d, &tx2, &t2, &rx2, &r2);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.data = c1;
    m.size = SIZE;
    ck_assert_int_eq(msrp_session_send(tx1.s, &m, NULL), 0);
    m.data = c2;
    ck_assert_int_eq(msrp_session_send(tx2.s, &m, NULL), 0);
    tp_ms end = tp_clock_ms() + 10000;
    while (!both_done(&rx1, &rx2) && tp_clock_ms() < end)
        tp_loop_run_once(d.loop, 5);
    ck_assert_int_eq(tp_tcp_count(msrp_endpoint_tcp(d.a)), 1);
    ck_assert_int_eq(tp_tcp_count(msrp_endpoint_tcp(d.b)), 1);
    ck_assert_int_eq(rx1.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(rx2.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(rx1.size, SIZE);
    ck_assert_int_eq(rx2.size, SIZE);
    ck_assert_mem_eq(rx1.data, c1, SIZE);
    ck_assert_mem_eq(rx2.data, c2, SIZE);
    for (int i = 0; i < 200 && (!tx1.counts[MSRP_EV_SENT] || !tx2.counts[MSRP_EV_SENT]); i++)
        tp_loop_run_once(d.loop, 5);
    ck_assert_int_eq(tx1.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(tx2.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(tx1.counts[MSRP_EV_CLOSED] + tx2.counts[MSRP_EV_CLOSED], 0);
    /* One session going away leaves the other's connection in place. */
    side_free(&tx1);
    side_free(&rx1);
    loop_run_for(d.loop, 5);
    ck_assert(msrp_session_bound(tx2.s));
    ck_assert_int_eq(tp_tcp_count(msrp_endpoint_tcp(d.a)), 1);
    side_free(&tx2);
    side_free(&rx2);
    duo_close(&d);
}
END_TEST

/* Bytes of the temp file the receiver is writing into dir, or 0. */
static off_t temp_size(const char *dir)
{
    DIR *dd = opendir(dir);
    ck_assert_ptr_nonnull(dd);
    off_t size = 0;
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (strncmp(e->d_name, ".sippush-", 9) != 0)
            continue;
        char path[600];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0)
            size = st.st_size;
    }
    closedir(dd);
    return size;
}

/* The connection drops part way; the receiver keeps the partial file and
 * its ranges; new sessions resume: the sender from the first byte the
 * receiver lacks (same Message-ID), the receiver into the kept file. */
START_TEST(sender_resumes_from_offset)
{
    enum { SIZE = 8 << 20 };
    uint8_t *content = malloc(SIZE);
    ck_assert_ptr_nonnull(content);
    pair_fill(content, SIZE, 5);
    char dir[256];
    testdir_create(dir, sizeof dir);
    duo d;
    duo_open(&d);
    pair_side tx = {0}, rx = {0};
    msrp_session_config txc, rxc;
    msrp_session_config_default(&txc);
    msrp_session_config_default(&rxc);
    rxc.rx_dir = dir;
    rxc.rx_name = SP_LIT("resumed.bin");
    rxc.rx_keep_partial = true;
    rxc.rx_expect.has_size = true;
    rxc.rx_expect.size = SIZE;
    rxc.rx_expect.has_sha1 = true;
    sp_sha1(content, SIZE, rxc.rx_expect.sha1);
    duo_sessions(&d, &tx, &txc, &rx, &rxc);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("application/octet-stream");
    m.data = content;
    m.size = SIZE;
    m.message_id = SP_LIT("resumeFromOffset1");
    m.success_report = true;
    ck_assert_int_eq(msrp_session_send(tx.s, &m, NULL), 0);
    /* Cut once about a megabyte is stored. */
    tp_ms end = tp_clock_ms() + 10000;
    while (temp_size(dir) < (1 << 20) && tp_clock_ms() < end)
        tp_loop_run_once(d.loop, 1);
    ck_assert_int_ge(temp_size(dir), 1 << 20);
    tp_conn *c = tp_tcp_find(msrp_endpoint_tcp(d.a), &d.bound);
    ck_assert_ptr_nonnull(c);
    tp_conn_close(c);
    for (int i = 0; i < 200 && !rx.counts[MSRP_EV_DISCARDED]; i++)
        tp_loop_run_once(d.loop, 5);
    ck_assert_int_eq(tx.counts[MSRP_EV_SEND_FAILED], 1);
    ck_assert_int_eq(rx.counts[MSRP_EV_DISCARDED], 1);
    ck_assert_int_eq(rx.counts[MSRP_EV_RECEIVED], 0);
    ck_assert(rx.has_kept);
    msrp_ranges kept = rx.kept;
    ck_assert_int_eq(kept.count, 1);
    ck_assert_int_eq(kept.iv[0].start, 1);
    ck_assert_uint_lt(kept.iv[0].end, SIZE);
    char temp[MSRP_SINK_PATH_MAX];
    snprintf(temp, sizeof temp, "%s", rx.kept_temp);
    side_free(&tx);
    side_free(&rx);
    loop_run_for(d.loop, 2);

    /* The new offer carries a=file-range:(end+1)-SIZE (RFC 5547 §8). */
    pair_side tx2 = {0}, rx2 = {0};
    rxc.rx_resume_temp = temp;
    rxc.rx_resume_ranges = &kept;
    duo_sessions(&d, &tx2, &txc, &rx2, &rxc);
    m.first = kept.iv[0].end + 1;
    ck_assert_int_eq(msrp_session_send(tx2.s, &m, NULL), 0);
    end = tp_clock_ms() + 20000;
    while (!tx2.counts[MSRP_EV_SENT] && !tx2.counts[MSRP_EV_SEND_FAILED] && tp_clock_ms() < end)
        tp_loop_run_once(d.loop, 5);
    ck_assert_int_eq(rx2.counts[MSRP_EV_RECEIVED], 1);
    ck_assert_int_eq(tx2.counts[MSRP_EV_SENT], 1);
    ck_assert_int_eq(tx2.last[MSRP_EV_SENT].bytes, SIZE - kept.iv[0].end);
    ck_assert(rx2.has_sha1);
    ck_assert_mem_eq(rx2.sha1, rxc.rx_expect.sha1, SP_SHA1_LEN);
    char path[300];
    snprintf(path, sizeof path, "%s/resumed.bin", dir);
    int fd = open(path, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    uint8_t *back = malloc(SIZE);
    ck_assert_ptr_nonnull(back);
    ck_assert_int_eq(read(fd, back, SIZE), SIZE);
    ck_assert_mem_eq(back, content, SIZE);
    close(fd);
    free(back);
    ck_assert_int_eq(access(temp, F_OK), -1); /* the temp file became the final one */
    side_free(&tx2);
    side_free(&rx2);
    duo_close(&d);
    testdir_remove(dir);
    free(content);
}
END_TEST

static Suite *msrp_session_shared_suite(void)
{
    Suite *s = suite_create("msrp_session_shared");
    TCase *tc = tcase_create("shared");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_sessions_one_connection);
    tcase_add_test(tc, sender_resumes_from_offset);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_session_shared_suite)
