/* test_msrp_seed.c - the MSRP exchange of seed 000 §8.3.7.2 (tests/seeds/msrp):
 * two chunks, their 200s and the success REPORT, as one connection's stream. */
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "msrp_feed.h"
#include "msrp_frame.h"

#define SEEDS "tests/seeds/msrp"

typedef struct seen {
    char tid[MSRP_TID_MAX + 1];
    bool request;
    unsigned status;
    msrp_range range;
    bool has_range;
    char message_id[40];
    char status_hdr[40];
    uint64_t body_len;
    char flag;
} seen;

START_TEST(seed_exchange)
{
    char *paths[8];
    size_t count = feed_list_dir(SEEDS, paths, 8);
    ck_assert_uint_eq(count, 5);
    char *stream = NULL;
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n;
        char *one = feed_read_file(paths[i], &n);
        ck_assert_ptr_nonnull(one);
        stream = realloc(stream, len + n);
        memcpy(stream + len, one, n);
        len += n;
        free(one);
        free(paths[i]);
    }
    const char *buf = guard_copy(stream, len);
    msrp_parser p;
    msrp_parser_init(&p, NULL);
    seen f[5];
    memset(f, 0, sizeof f);
    int k = 0;
    for (size_t pos = 0; pos < len;) {
        msrp_event ev;
        int rc = msrp_parse(&p, buf + pos, len - pos, &ev, NULL);
        ck_assert_int_ge(rc, 0);
        pos += (size_t)rc;
        ck_assert_int_lt(k, 5);
        if (ev.kind == MSRP_EV_HEAD) {
            const msrp_head *h = &p.head;
            ck_assert_int_eq(msrp_head_check(h, NULL), 0);
            sp_str t = msrp_head_str(h, h->tid), mid = msrp_head_get(h, MSRP_H_MESSAGE_ID),
                   st = msrp_head_get(h, MSRP_H_STATUS), br = msrp_head_get(h, MSRP_H_BYTE_RANGE);
            memcpy(f[k].tid, t.p, t.n);
            f[k].request = h->is_request;
            f[k].status = h->status;
            if (mid.p)
                memcpy(f[k].message_id, mid.p, mid.n < 39 ? mid.n : 39);
            if (st.p)
                memcpy(f[k].status_hdr, st.p, st.n < 39 ? st.n : 39);
            f[k].has_range = br.p && msrp_range_parse(br, &f[k].range, NULL) == 0;
        } else {
            f[k].body_len += ev.body.n;
            if (ev.kind == MSRP_EV_END)
                f[k++].flag = ev.flag;
        }
    }
    ck_assert_int_eq(k, 5);
    ck_assert(msrp_parser_idle(&p));
    /* chunk 1, continued; its 200 */
    ck_assert_str_eq(f[0].tid, "d93kswow");
    ck_assert(f[0].request && f[0].flag == '+' && f[0].has_range);
    ck_assert_str_eq(f[0].message_id, "12339sdqwer");
    ck_assert_uint_eq(f[0].range.start, 1);
    ck_assert_uint_eq(f[0].range.end, f[0].body_len);
    ck_assert_str_eq(f[1].tid, "d93kswow");
    ck_assert(!f[1].request && f[1].status == 200 && f[1].flag == '$');
    /* chunk 2 picks up where chunk 1 stopped and completes the message */
    ck_assert_str_eq(f[2].tid, "op2nc9a");
    ck_assert(f[2].flag == '$' && f[2].has_range);
    ck_assert_str_eq(f[2].message_id, "12339sdqwer");
    ck_assert_uint_eq(f[2].range.start, f[0].range.end + 1);
    ck_assert_uint_eq(f[2].range.end - f[2].range.start + 1, f[2].body_len);
    ck_assert_uint_eq(f[2].range.end, f[2].range.total);
    ck_assert_uint_eq(f[0].range.total, f[2].range.total);
    ck_assert_str_eq(f[3].tid, "op2nc9a");
    ck_assert(f[3].status == 200);
    /* the REPORT covers the whole message */
    ck_assert_str_eq(f[4].tid, "dkei38sd");
    ck_assert_str_eq(f[4].status_hdr, "000 200 OK");
    ck_assert_str_eq(f[4].message_id, "12339sdqwer");
    ck_assert(f[4].range.start == 1 && f[4].range.end == f[2].range.total && f[4].body_len == 0);
    free(stream);
}
END_TEST

static Suite *msrp_seed_suite(void)
{
    Suite *s = suite_create("msrp_seed");
    TCase *tc = tcase_create("seed000");
    tcase_add_test(tc, seed_exchange);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(msrp_seed_suite)
