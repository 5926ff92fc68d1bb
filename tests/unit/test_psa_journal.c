/* test_psa_journal.c - the journal's file (tools/psa_journal.c, compiled in
 * here): group commit and reopen, a torn tail cut off, compaction at open
 * and while running, bindings, a failed write cut back. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "psa_journal.c"

static char dir[64], file[96];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/sippush-journal-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(file, sizeof file, "%s/journal", dir);
}

static void teardown(void)
{
    char tmp[128];
    unlink(file);
    snprintf(tmp, sizeof tmp, "%s/journal.tmp", dir);
    unlink(tmp);
    rmdir(dir);
}

static uint64_t file_size(void)
{
    struct stat st;
    ck_assert_int_eq(stat(file, &st), 0);
    return (uint64_t)st.st_size;
}

static push_jrec a_push(uint64_t id, const char *body)
{
    push_jrec r = {.kind = PUSH_JREC_PUSH, .id = id};
    r.push.to = SP_LIT("sip:bob@example.com");
    r.push.body = sp_str_cstr(body);
    r.push.call_id = SP_LIT("cid");
    r.push.from_tag = SP_LIT("tag");
    r.push.cseq = 1;
    return r;
}

static push_jrec an_end(uint64_t id)
{
    push_jrec r = {.kind = PUSH_JREC_END, .id = id, .status = 200, .delivered = true};
    return r;
}

START_TEST(commit_and_reopen)
{
    psa_journal *j;
    push_journal_replay_stats st;
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    ck_assert_uint_eq(st.records, 0);
    ck_assert_uint_eq(psa_journal_next_id(j), 1);
    push_jrec p1 = a_push(1, "one"), p2 = a_push(2, "two"), p3 = a_push(3, "three"), e2 = an_end(2);
    ck_assert_int_eq(psa_journal_add(j, &p1), 0);
    ck_assert_int_eq(psa_journal_add(j, &p2), 0);
    ck_assert_int_eq(psa_journal_add(j, &e2), 0);
    ck_assert_int_eq(psa_journal_add(j, &p3), 0);
    ck_assert_uint_eq(psa_journal_next_id(j), 4);
    ck_assert_uint_gt(psa_journal_pending(j), 0);
    ck_assert_uint_eq(file_size(), 0); /* nothing written before the commit */
    ck_assert_int_eq(psa_journal_commit(j), 0);
    ck_assert_uint_eq(psa_journal_pending(j), 0);
    uint64_t written = file_size();
    ck_assert_uint_eq(written, push_journal_size(&p1) + push_journal_size(&p2) + push_journal_size(&e2) +
                                   push_journal_size(&p3));
    push_jrec r;
    ck_assert(psa_journal_get(j, 3, &r));
    ck_assert(sp_str_eq(r.push.body, SP_LIT("three")));
    ck_assert(!psa_journal_get(j, 2, &r));
    psa_journal_free(j); /* as a crash leaves it: nothing more written */

    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    ck_assert_uint_eq(st.live, 2);
    ck_assert_uint_eq(st.records, 4);
    ck_assert_uint_eq(psa_journal_next_id(j), 4);
    ck_assert(psa_journal_get(j, 1, &r) && psa_journal_get(j, 3, &r));
    /* compacted at open: the two live pushes; the high-water id 3 is live, no mark */
    ck_assert_uint_eq(file_size(), push_journal_size(&p1) + push_journal_size(&p3));
    psa_journal_free(j);
}
END_TEST

START_TEST(torn_tail_cut_off)
{
    psa_journal *j;
    push_journal_replay_stats st;
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    push_jrec p1 = a_push(1, "one"), p2 = a_push(2, "two");
    ck_assert_int_eq(psa_journal_add(j, &p1), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    psa_journal_free(j);
    /* the second record cut short, as a power failure leaves it */
    char buf[256];
    long n = push_journal_encode(&p2, buf, sizeof buf);
    int fd = open(file, O_WRONLY | O_APPEND);
    ck_assert_int_eq(write(fd, buf, (size_t)n - 3), n - 3);
    close(fd);
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    ck_assert_int_eq(st.stop, SP_AGAIN);
    ck_assert_uint_eq(st.live, 1);
    ck_assert_uint_eq(file_size(), push_journal_size(&p1));
    /* appends go after the good prefix */
    ck_assert_int_eq(psa_journal_add(j, &p2), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    psa_journal_free(j);
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    ck_assert_int_eq(st.stop, 0);
    ck_assert_uint_eq(st.live, 2);
    psa_journal_free(j);
}
END_TEST

/* Past compact_at and four times the live records, a commit compacts:
 * only the live push and the high-water END are left. */
START_TEST(compaction_while_running)
{
    psa_journal *j;
    push_journal_replay_stats st;
    char big[301];
    memset(big, 'b', 300);
    big[300] = '\0';
    push_jrec p1 = a_push(1, big), e1 = an_end(1), p2 = a_push(2, "two"), e2 = an_end(2), p3 = a_push(3, "x");
    uint64_t at = push_journal_size(&p1) + push_journal_size(&e1) + push_journal_size(&p2) + push_journal_size(&e2);
    ck_assert_int_eq(psa_journal_open(dir, at, &j, &st), 0);
    ck_assert_int_eq(psa_journal_add(j, &p1), 0);
    ck_assert_int_eq(psa_journal_add(j, &e1), 0);
    ck_assert_int_eq(psa_journal_add(j, &p2), 0);
    ck_assert_int_eq(psa_journal_add(j, &e2), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    ck_assert_uint_eq(file_size(), at); /* at the limit: not past it */
    ck_assert_int_eq(psa_journal_add(j, &p3), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    ck_assert_uint_eq(file_size(), push_journal_size(&p3));
    push_jrec e3 = an_end(3);
    ck_assert_int_eq(psa_journal_add(j, &e3), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    psa_journal_free(j);
    ck_assert_int_eq(psa_journal_open(dir, at, &j, &st), 0);
    ck_assert_uint_eq(st.live, 0);
    ck_assert_uint_eq(psa_journal_next_id(j), 4);
    ck_assert_uint_eq(file_size(), push_journal_size(&e3)); /* the high-water mark only */
    psa_journal_free(j);
    ck_assert_int_eq(psa_journal_open(dir, at, &j, &st), 0);
    ck_assert_uint_eq(psa_journal_next_id(j), 4); /* ids not given twice */
    psa_journal_free(j);
}
END_TEST

START_TEST(bindings_kept_and_removed)
{
    psa_journal *j;
    push_journal_replay_stats st;
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    push_jrec b = {.kind = PUSH_JREC_BIND, .bind = {.aor = SP_LIT("sip:bob@x"), .contact = SP_LIT("sip:bob@1.2.3.4"),
                                                    .until_ms = 5000}};
    b.id = push_journal_binding_id(b.bind.aor, b.bind.contact);
    push_jrec c = b;
    c.bind.contact = SP_LIT("sip:bob@1.2.3.5");
    c.id = push_journal_binding_id(c.bind.aor, c.bind.contact);
    ck_assert_int_eq(psa_journal_add(j, &b), 0);
    ck_assert_int_eq(psa_journal_add(j, &c), 0);
    b.bind.until_ms = 9000; /* a refresh */
    ck_assert_int_eq(psa_journal_add(j, &b), 0);
    push_jrec u = {.kind = PUSH_JREC_UNBIND, .id = c.id, .bind = {.aor = c.bind.aor, .contact = c.bind.contact}};
    ck_assert_int_eq(psa_journal_add(j, &u), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    ck_assert_uint_eq(psa_journal_next_id(j), 1); /* bindings take no push ids */
    psa_journal_free(j);
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    ck_assert_uint_eq(st.bindings, 1);
    push_jrec r;
    ck_assert(psa_journal_get(j, b.id, &r));
    ck_assert_uint_eq(r.bind.until_ms, 9000);
    ck_assert(!psa_journal_get(j, c.id, &r));
    psa_journal_free(j);
}
END_TEST

/* A commit whose write fails reports it, and leaves the file with the
 * records committed before: the push it held is forgotten, not replayed. */
START_TEST(failed_write_cut_back)
{
    psa_journal *j;
    push_journal_replay_stats st;
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    push_jrec p1 = a_push(1, "one"), p2 = a_push(2, "two");
    ck_assert_int_eq(psa_journal_add(j, &p1), 0);
    ck_assert_int_eq(psa_journal_commit(j), 0);
    int keep = j->fd;
    j->fd = open(file, O_RDONLY); /* writes fail: EBADF */
    ck_assert_int_eq(psa_journal_add(j, &p2), 0);
    ck_assert_int_lt(psa_journal_commit(j), 0);
    psa_journal_forget(j, 2);
    close(j->fd);
    j->fd = keep;
    ck_assert_uint_eq(file_size(), push_journal_size(&p1));
    psa_journal_free(j);
    ck_assert_int_eq(psa_journal_open(dir, 0, &j, &st), 0);
    ck_assert_uint_eq(st.live, 1);
    ck_assert_int_eq(st.stop, 0);
    psa_journal_free(j);
}
END_TEST

static Suite *psa_journal_suite(void)
{
    Suite *s = suite_create("psa_journal");
    TCase *t = tcase_create("file");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, commit_and_reopen);
    tcase_add_test(t, torn_tail_cut_off);
    tcase_add_test(t, compaction_while_running);
    tcase_add_test(t, bindings_kept_and_removed);
    tcase_add_test(t, failed_write_cut_back);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(psa_journal_suite)
