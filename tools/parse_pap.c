/* parse_pap.c - `sippush parse pap` output.
 *
 * The input is one PAP request entity: its header lines (Content-Type at
 * least; an HTTP request line before them is skipped), an empty line and
 * the body, as a push initiator POSTs it. The output names what push_pap_parse
 * read: absent values are null, timestamps are epoch seconds, each address
 * has the URI the push would go to (no --pap-domain: a PLMN number becomes
 * a tel: URI), and each content entity header its fate (content, file-date,
 * application, drop). An invalid request fails with the PAP result code
 * before the reason. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "push_pap.h"
#include "push_headers.h"

#define PARSE_PAP_MAX_ADDRESSES 1024

/* The end of the header block (index after its empty line) or 0. */
static size_t headers_end(sp_str in, size_t *block_len)
{
    for (size_t i = 0; i < in.n; i++) {
        if (in.p[i] != '\n')
            continue;
        if (i + 1 < in.n && in.p[i + 1] == '\n') {
            *block_len = i + 1;
            return i + 2;
        }
        if (i + 2 < in.n && in.p[i + 1] == '\r' && in.p[i + 2] == '\n') {
            *block_len = i + 1;
            return i + 3;
        }
    }
    return 0;
}

static const char *class_name(push_pap_hdr_class c)
{
    switch (c) {
    case PUSH_PAP_HDR_CONTENT: return "content";
    case PUSH_PAP_HDR_LAST_MODIFIED: return "file-date";
    case PUSH_PAP_HDR_APPLICATION_ID: return "application";
    case PUSH_PAP_HDR_DROP: return "drop";
    }
    return "drop";
}

static void opt_time(json_out *j, const char *key, bool has, int64_t t)
{
    json_key(j, key);
    if (has)
        json_i64(j, t);
    else
        json_null(j);
}

static void qos_json(json_out *j, const push_pap_qos *q)
{
    static const char *const priorities[] = {"medium", "high", "low"};
    static const char *const methods[] = {"notspecified", "confirmed", "preferconfirmed", "unconfirmed"};
    json_key(j, "qos");
    if (!q->present) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_cstr(j, "priority", priorities[q->priority]);
    json_kv_cstr(j, "delivery_method", methods[q->delivery_method]);
    json_kv_str(j, "network", q->network);
    json_kv_bool(j, "network_required", q->network_required);
    json_kv_str(j, "bearer", q->bearer);
    json_kv_bool(j, "bearer_required", q->bearer_required);
    json_object_end(j);
}

static void content_json(json_out *j, const push_pap_request *r)
{
    json_key(j, "content");
    if (r->kind != PUSH_PAP_KIND_PUSH) {
        json_null(j);
        return;
    }
    const push_pap_content *c = &r->content;
    char app[128], file_date[PUSH_FILE_DATE_LEN + 1];
    bool have_app = false, have_date = false;
    json_object_begin(j);
    json_kv_str(j, "content_type", c->content_type);
    json_key(j, "headers");
    json_array_begin(j);
    sp_str rest = c->headers, name, value;
    while (push_pap_header_next(&rest, &name, &value)) {
        push_pap_hdr_class cls = push_pap_header_class(name);
        json_array_begin(j);
        json_str(j, name);
        json_str(j, value);
        json_cstr(j, class_name(cls));
        json_array_end(j);
        if (cls == PUSH_PAP_HDR_APPLICATION_ID && !have_app)
            have_app = push_pap_application_id(value, app, sizeof app) > 0;
        if (cls == PUSH_PAP_HDR_LAST_MODIFIED && !have_date)
            have_date = push_file_date_from_last_modified(value, file_date, sizeof file_date, NULL) > 0;
    }
    json_array_end(j);
    json_kv_cstr(j, "application", have_app ? app : NULL);
    json_kv_cstr(j, "file_date", have_date ? file_date : NULL);
    json_kv_u64(j, "body_len", c->body.n);
    json_object_end(j);
}

static void request_json(json_out *j, const push_pap_request *r)
{
    json_object_begin(j);
    json_kv_cstr(j, "kind", push_pap_kind_name(r->kind));
    json_kv_cstr(j, "version", push_pap_version_name(r->version));
    json_kv_str(j, "push_id", r->push_id);
    json_kv_str(j, "replace_push_id", r->replace_push_id);
    json_kv_cstr(j, "replace_method", r->replace_pending_only ? "pending-only" : "all");
    opt_time(j, "deliver_before", r->has_deliver_before, r->deliver_before);
    opt_time(j, "deliver_after", r->has_deliver_after, r->deliver_after);
    json_kv_str(j, "source_reference", r->source_reference);
    json_kv_str(j, "ppg_notify_requested_to", r->ppg_notify_requested_to);
    json_kv_bool(j, "progress_notes_requested", r->progress_notes_requested);
    json_kv_str(j, "app_id", r->app_id);
    json_key(j, "code");
    if (r->kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE)
        json_u64(j, r->code);
    else
        json_null(j);
    json_kv_str(j, "desc", r->desc);
    qos_json(j, &r->qos);
    json_key(j, "addresses");
    json_array_begin(j);
    for (size_t i = 0; i < r->n_addr; i++) {
        char uri[PUSH_PAP_URI_MAX + 1];
        size_t n = push_pap_address_to_uri(r->addr[i].value, SP_STR_NULL, uri, sizeof uri);
        json_object_begin(j);
        json_kv_str(j, "value", r->addr[i].value);
        json_kv_str(j, "uri", n ? sp_str_make(uri, n) : SP_STR_NULL);
        json_object_end(j);
    }
    json_array_end(j);
    content_json(j, r);
    json_object_end(j);
    json_line_end(j);
}

int parse_pap_json(const char *buf, size_t len, json_out *j, sp_error *err)
{
    static char reason[256];
    sp_str in = sp_str_make(buf, len);
    size_t start = 0;
    /* An HTTP request line ("POST /pap HTTP/1.1") is not a header. */
    const char *lf = memchr(buf, '\n', len);
    if (lf && memmem(buf, (size_t)(lf - buf), " HTTP/", 6))
        start = (size_t)(lf - buf) + 1;
    sp_str rest = sp_str_make(buf + start, len - start);
    size_t block = 0, body_at = headers_end(rest, &block);
    if (!body_at)
        return sp_fail(err, SP_EINVAL, len, 400, "no empty line after the request headers");
    sp_str headers = sp_str_make(rest.p, block), name, value, ct = SP_STR_NULL;
    while (push_pap_header_next(&headers, &name, &value))
        if (sp_str_caseeq_cstr(name, "Content-Type") && !ct.p)
            ct = value;
    sp_str body = sp_str_make(rest.p + body_at, rest.n - body_at);
    push_pap_address *addr = calloc(PARSE_PAP_MAX_ADDRESSES, sizeof *addr);
    char *text = malloc(body.n ? body.n : 1);
    if (!addr || !text) {
        free(addr);
        free(text);
        return sp_fail(err, SP_ELIMIT, 0, 0, "out of memory");
    }
    push_pap_store st = {addr, PARSE_PAP_MAX_ADDRESSES, text, body.n};
    push_pap_request r;
    push_pap_error e;
    int rc = push_pap_parse(ct, body, NULL, &st, &r, &e);
    if (rc == 0)
        request_json(j, &r);
    else {
        snprintf(reason, sizeof reason, "%u %s", e.code, e.reason);
        sp_fail(err, SP_EINVAL, (size_t)(body.p - in.p) + e.offset, e.http_status, reason);
    }
    free(addr);
    free(text);
    return rc == 0 ? 0 : -1;
}
