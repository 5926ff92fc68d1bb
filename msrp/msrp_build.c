/* msrp_build.c - serialising MSRP frames (see msrp_build.h). */
#include "msrp_build.h"

#include <string.h>

#include "sp_random.h"


static void put_3digits(sp_buf *b, unsigned v)
{
    char d[3] = {(char)('0' + v / 100 % 10), (char)('0' + v / 10 % 10), (char)('0' + v % 10)};
    sp_buf_put(b, sp_str_make(d, 3));
}

void msrp_build_request_line(sp_buf *b, sp_str tid, sp_str method)
{
    sp_buf_put(b, SP_LIT("MSRP "));
    sp_buf_put(b, tid);
    sp_buf_put(b, SP_LIT(" "));
    sp_buf_put(b, method);
    sp_buf_put(b, SP_LIT("\r\n"));
}

void msrp_build_response_line(sp_buf *b, sp_str tid, unsigned status, sp_str comment)
{
    sp_buf_put(b, SP_LIT("MSRP "));
    sp_buf_put(b, tid);
    sp_buf_put(b, SP_LIT(" "));
    put_3digits(b, status);
    if (sp_str_present(comment)) {
        sp_buf_put(b, SP_LIT(" "));
        sp_buf_put(b, comment);
    }
    sp_buf_put(b, SP_LIT("\r\n"));
}

void msrp_build_header(sp_buf *b, sp_str name, sp_str value)
{
    sp_buf_put(b, name);
    sp_buf_put(b, SP_LIT(": "));
    sp_buf_put(b, value);
    sp_buf_put(b, SP_LIT("\r\n"));
}

void msrp_build_range_start(sp_buf *b, const msrp_range *r)
{
    sp_buf_put(b, SP_LIT("Byte-Range: "));
    sp_buf_u64(b, r->start);
    sp_buf_put(b, SP_LIT("-"));
    if (r->end_star)
        sp_buf_put(b, SP_LIT("*"));
    else
        sp_buf_u64(b, r->end);
}

void msrp_build_range_total(sp_buf *b, const msrp_range *r)
{
    sp_buf_put(b, SP_LIT("/"));
    if (r->total_star)
        sp_buf_put(b, SP_LIT("*"));
    else
        sp_buf_u64(b, r->total);
    sp_buf_put(b, SP_LIT("\r\n"));
}

void msrp_build_range(sp_buf *b, const msrp_range *r)
{
    msrp_build_range_start(b, r);
    msrp_build_range_total(b, r);
}

void msrp_build_status(sp_buf *b, unsigned ns, unsigned code, sp_str comment)
{
    sp_buf_put(b, SP_LIT("Status: "));
    put_3digits(b, ns);
    sp_buf_put(b, SP_LIT(" "));
    put_3digits(b, code);
    if (sp_str_present(comment)) {
        sp_buf_put(b, SP_LIT(" "));
        sp_buf_put(b, comment);
    }
    sp_buf_put(b, SP_LIT("\r\n"));
}

void msrp_build_body_start(sp_buf *b) { sp_buf_put(b, SP_LIT("\r\n")); }

void msrp_build_end_line(sp_buf *b, sp_str tid, char flag, bool after_body)
{
    if (after_body)
        sp_buf_put(b, SP_LIT("\r\n"));
    sp_buf_put(b, SP_LIT("-------"));
    sp_buf_put(b, tid);
    sp_buf_put(b, sp_str_make(&flag, 1));
    sp_buf_put(b, SP_LIT("\r\n"));
}

void msrp_build_send_before_range(sp_buf *b, const msrp_send *m)
{
    msrp_build_header(b, SP_LIT("To-Path"), m->to_path);
    msrp_build_header(b, SP_LIT("From-Path"), m->from_path);
    msrp_build_header(b, SP_LIT("Message-ID"), m->message_id);
}

void msrp_build_send_after_range(sp_buf *b, const msrp_send *m)
{
    if (m->success_report)
        msrp_build_header(b, SP_LIT("Success-Report"), SP_LIT("yes"));
    if (m->failure_report != MSRP_REPORT_YES)
        msrp_build_header(b, SP_LIT("Failure-Report"), sp_str_cstr(msrp_report_name(m->failure_report)));
    for (size_t i = 0; i < m->nextra; i++)
        msrp_build_header(b, m->extra[i][0], m->extra[i][1]);
    /* Content-Type comes last, right before the blank line (RFC 4975 §7.1). */
    if (sp_str_present(m->content_type)) {
        msrp_build_header(b, SP_LIT("Content-Type"), m->content_type);
        msrp_build_body_start(b);
    }
}

void msrp_build_send_head(sp_buf *b, sp_str tid, const msrp_send *m)
{
    msrp_build_request_line(b, tid, SP_LIT("SEND"));
    msrp_build_send_before_range(b, m);
    msrp_build_range(b, &m->range);
    msrp_build_send_after_range(b, m);
}

void msrp_build_response(sp_buf *b, sp_str tid, unsigned status, sp_str comment, sp_str to_path,
                         sp_str from_path)
{
    msrp_build_response_line(b, tid, status, comment);
    msrp_build_header(b, SP_LIT("To-Path"), to_path);
    msrp_build_header(b, SP_LIT("From-Path"), from_path);
    msrp_build_end_line(b, tid, '$', false);
}

#define TO_PATH_AT (sizeof "To-Path: " - 1)
#define FROM_PATH_AT (sizeof "\r\nFrom-Path: " - 1)

bool msrp_response_tmpl_set(msrp_response_tmpl *t, sp_str to_path, sp_str from_path)
{
    if (t->len && t->to_len == to_path.n && t->from_len == from_path.n &&
        memcmp(t->lines + TO_PATH_AT, to_path.p, to_path.n) == 0 &&
        memcmp(t->lines + TO_PATH_AT + to_path.n + FROM_PATH_AT, from_path.p, from_path.n) == 0)
        return true;
    sp_buf b;
    sp_buf_init(&b, t->lines, sizeof t->lines);
    msrp_build_header(&b, SP_LIT("To-Path"), to_path);
    msrp_build_header(&b, SP_LIT("From-Path"), from_path);
    sp_buf_put(&b, SP_LIT("-------"));
    long n = sp_buf_finish(&b);
    t->len = n > 0 ? (uint16_t)n : 0;
    t->to_len = (uint16_t)to_path.n;
    t->from_len = (uint16_t)from_path.n;
    return t->len != 0;
}

void msrp_build_response_tmpl(sp_buf *b, const msrp_response_tmpl *t, sp_str tid, unsigned status,
                              sp_str comment)
{
    /* One bounds check for the whole response, then plain copies. */
    size_t words = sp_str_present(comment) ? 1 + comment.n : 0;
    size_t need = 5 + tid.n + 4 + words + 2 + t->len + tid.n + 3;
    if (b->overflow || need > b->cap - b->len) {
        b->overflow = true;
        return;
    }
    char *o = b->p + b->len;
    memcpy(o, "MSRP ", 5);
    memcpy(o += 5, tid.p, tid.n);
    o += tid.n;
    *o++ = ' ';
    *o++ = (char)('0' + status / 100 % 10);
    *o++ = (char)('0' + status / 10 % 10);
    *o++ = (char)('0' + status % 10);
    if (words) {
        *o++ = ' ';
        memcpy(o, comment.p, comment.n);
        o += comment.n;
    }
    memcpy(o, "\r\n", 2);
    memcpy(o += 2, t->lines, t->len);
    memcpy(o += t->len, tid.p, tid.n);
    memcpy(o += tid.n, "$\r\n", 3);
    b->len += need;
}

void msrp_build_report(sp_buf *b, sp_str tid, sp_str to_path, sp_str from_path, sp_str message_id,
                       const msrp_range *range, unsigned code, sp_str comment)
{
    msrp_build_request_line(b, tid, SP_LIT("REPORT"));
    msrp_build_header(b, SP_LIT("To-Path"), to_path);
    msrp_build_header(b, SP_LIT("From-Path"), from_path);
    msrp_build_header(b, SP_LIT("Message-ID"), message_id);
    if (range)
        msrp_build_range(b, range);
    msrp_build_status(b, 0, code, comment);
    msrp_build_end_line(b, tid, '$', false);
}

bool msrp_body_has_tid(sp_str body, sp_str tid)
{
    if (tid.n > MSRP_TID_MAX || !body.n)
        return false;
    size_t at = 0;
    while (at < body.n) {
        size_t a = at + msrp_hyphens_find(body.p + at, body.n - at);
        if (a >= body.n)
            return false;
        size_t e = a;
        while (e < body.n && body.p[e] == '-')
            e++;
        /* "-------" tid starts seven hyphens before the run's end, unless
         * tid itself starts with hyphens (not an ident, but be exact). */
        for (size_t s = tid.n && tid.p[0] == '-' ? a : e - 7; s + 7 <= e; s++)
            if (body.n - (s + 7) >= tid.n && memcmp(body.p + s + 7, tid.p, tid.n) == 0)
                return true;
        at = e;
    }
    return false;
}

static int kernel_random(void *ctx, uint8_t *out, size_t n)
{
    (void)ctx;
    return sp_random_bytes(out, n);
}

int msrp_tid_make_with(char out[MSRP_TID_LEN], sp_str body, msrp_random_fn rnd, void *ctx)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /* A collision has odds of about len(body) / 2^95; a source that keeps
     * colliding is broken. */
    for (int attempt = 0; attempt < 16; attempt++) {
        size_t n = 0;
        while (n < MSRP_TID_LEN) {
            uint8_t r[MSRP_TID_LEN];
            if (rnd(ctx, r, sizeof r) != 0)
                return -EIO;
            /* 248 = 4 * 62: rejection keeps every character equally likely */
            for (size_t k = 0; k < sizeof r && n < MSRP_TID_LEN; k++)
                if (r[k] < 248)
                    out[n++] = alnum[r[k] % 62];
        }
        if (!msrp_body_has_tid(body, sp_str_make(out, MSRP_TID_LEN)))
            return 0;
    }
    return -EIO; /* a source that keeps colliding is broken */
}

int msrp_tid_make(char out[MSRP_TID_LEN], sp_str body)
{
    return msrp_tid_make_with(out, body, kernel_random, NULL);
}
