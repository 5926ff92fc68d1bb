/* parse_msrp.c - `sippush parse msrp` output and the MSRP work of `sippush bench parse`. */
#include "cli.h"
#include "msrp_frame.h"
#include "msrp_uri.h"

static void json_path(json_out *j, const char *key, sp_str value)
{
    json_key(j, key);
    json_array_begin(j);
    size_t pos = 0;
    sp_str uri;
    while (sp_str_present(value) && msrp_path_next(value, &pos, &uri))
        json_str(j, uri);
    json_array_end(j);
}

static void json_range(json_out *j, sp_str value)
{
    msrp_range r;
    json_key(j, "byte_range");
    if (!sp_str_present(value) || msrp_range_parse(value, &r, NULL) < 0) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_u64(j, "start", r.start);
    json_key(j, "end");
    if (r.end_star)
        json_null(j);
    else
        json_u64(j, r.end);
    json_key(j, "total");
    if (r.total_star)
        json_null(j);
    else
        json_u64(j, r.total);
    json_object_end(j);
}

/* Everything of a frame known at its head; body_len and flag follow at its end. */
static void json_head(json_out *j, const msrp_head *h)
{
    json_object_begin(j);
    json_kv_str(j, "tid", msrp_head_str(h, h->tid));
    json_kv_cstr(j, "kind", h->is_request ? "request" : "response");
    json_kv_str(j, "method", h->is_request ? msrp_head_str(h, h->method) : SP_STR_NULL);
    json_key(j, "status");
    if (h->is_request)
        json_null(j);
    else
        json_u64(j, h->status);
    json_kv_str(j, "comment", h->has_comment ? msrp_head_str(h, h->comment) : SP_STR_NULL);
    json_path(j, "to_path", msrp_head_get(h, MSRP_H_TO_PATH));
    json_path(j, "from_path", msrp_head_get(h, MSRP_H_FROM_PATH));
    json_kv_str(j, "message_id", msrp_head_get(h, MSRP_H_MESSAGE_ID));
    json_range(j, msrp_head_get(h, MSRP_H_BYTE_RANGE));
    /* Report values with the RFC 4975 §7.1.3/§7.1.4 defaults; they mean
     * nothing for a response. */
    msrp_report sr = MSRP_REPORT_NO, fr = MSRP_REPORT_YES;
    msrp_success_report_parse(msrp_head_get(h, MSRP_H_SUCCESS_REPORT), &sr, NULL);
    msrp_failure_report_parse(msrp_head_get(h, MSRP_H_FAILURE_REPORT), &fr, NULL);
    json_kv_cstr(j, "success_report", h->is_request ? msrp_report_name(sr) : NULL);
    json_kv_cstr(j, "failure_report", h->is_request ? msrp_report_name(fr) : NULL);
    json_kv_str(j, "status_header", msrp_head_get(h, MSRP_H_STATUS));
    json_kv_str(j, "content_type", msrp_head_get(h, MSRP_H_CONTENT_TYPE));
}

/* Runs the whole stream through the parser; writes the frames when j is set. */
static int walk(const char *buf, size_t len, json_out *j, sp_error *err)
{
    msrp_parser p;
    msrp_parser_init(&p, NULL);
    size_t pos = 0, frames = 0;
    uint64_t body_len = 0;
    if (j) {
        json_object_begin(j);
        json_key(j, "frames");
        json_array_begin(j);
    }
    while (pos < len) {
        msrp_event ev;
        int rc = msrp_parse(&p, buf + pos, len - pos, &ev, err);
        if (rc == SP_AGAIN)
            break;
        if (rc < 0)
            return -1;
        pos += (size_t)rc;
        if (ev.kind == MSRP_EV_HEAD) {
            if (msrp_head_check(&p.head, err) < 0)
                return -1;
            body_len = 0;
            if (j)
                json_head(j, &p.head);
            continue;
        }
        body_len += ev.body.n;
        if (ev.kind == MSRP_EV_END) {
            frames++;
            if (j) {
                json_kv_u64(j, "body_len", body_len);
                json_kv_str(j, "flag", sp_str_make(&ev.flag, 1));
                json_object_end(j);
            }
        }
    }
    if (!msrp_parser_idle(&p))
        return sp_fail(err, SP_EINVAL, len, 400, "truncated frame");
    if (frames == 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "no MSRP frame");
    if (j) {
        json_array_end(j);
        json_object_end(j);
        json_line_end(j);
    }
    return 0;
}

int parse_msrp_json(const char *buf, size_t len, json_out *j, sp_error *err)
{
    /* Validate first: invalid input prints nothing. */
    if (walk(buf, len, NULL, err) < 0)
        return -1;
    return walk(buf, len, j, err);
}

long bench_parse_msrp(const char *buf, size_t len)
{
    msrp_parser p;
    msrp_parser_init(&p, NULL);
    size_t pos = 0;
    long frames = 0;
    msrp_uri uris[4];
    while (pos < len) {
        msrp_event ev;
        int rc = msrp_parse(&p, buf + pos, len - pos, &ev, NULL);
        if (rc < 0)
            return -1;
        pos += (size_t)rc;
        if (ev.kind == MSRP_EV_HEAD) {
            msrp_range r;
            sp_str br = msrp_head_get(&p.head, MSRP_H_BYTE_RANGE);
            if (sp_str_present(br) && msrp_range_parse(br, &r, NULL) < 0)
                return -1;
            if (msrp_path_parse(msrp_head_get(&p.head, MSRP_H_TO_PATH), uris, 4, NULL) < 0 ||
                msrp_path_parse(msrp_head_get(&p.head, MSRP_H_FROM_PATH), uris, 4, NULL) < 0)
                return -1;
        } else if (ev.kind == MSRP_EV_END) {
            frames++;
        }
    }
    return msrp_parser_idle(&p) ? frames : -1;
}
