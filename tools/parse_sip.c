/* parse_sip.c - `sippush parse sip [--stream]` output and the per-message
 * work of `sippush bench parse --kind sip`.
 *
 * The output is written in a second pass: the first validates every message
 * (split, semantic checks, every typed parse the output needs), so invalid
 * input prints nothing. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sip_hdr.h"
#include "sip_msg.h"

/* One message and the typed values the output shows. */
typedef struct sip_view {
    sip_msg msg;
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg_fields f;
} sip_view;

/* Every via-parm of every Via header, top first (§20.42: one header line
 * may carry several, comma-separated); sip_msg_check has parsed them all. */
static void print_vias(const sip_msg *msg, json_out *j)
{
    for (const sip_header *h = sip_msg_find(msg, SIP_H_VIA); h; h = sip_msg_find_next(msg, h)) {
        sp_str rest = h->value, item;
        while (sip_list_next(&rest, &item)) {
            sip_via via;
            if (sip_via_parse(item, &via, NULL) != 0)
                continue;
            json_object_begin(j);
            json_kv_str(j, "transport", via.transport);
            json_kv_str(j, "host", via.host);
            if (via.has_port)
                json_kv_u64(j, "port", via.port);
            else
                json_kv_null(j, "port");
            json_kv_str(j, "branch", via.branch);
            json_object_end(j);
        }
    }
}

static int view_parse(const char *buf, size_t off, size_t len, sip_framing framing, sip_view *v, sp_error *err)
{
    sp_error e;
    int rc = sip_msg_parse(buf + off, len - off, &v->msg, v->hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, framing, &e);
    if (rc == SP_AGAIN)
        return sp_fail(err, SP_EINVAL, len, 400,
                       framing == SIP_FRAME_STREAM ? "stream ends inside a message" : "message ends inside the header section");
    if (rc < 0)
        return sp_fail(err, rc, off + e.offset, e.status, e.reason);
    const sip_msg *m = &v->msg;
    if (sip_msg_check_fields(m, buf, &v->f, err) != 0)
        return SP_EINVAL;
    /* §8.1.1: a request as a UAC formulates it carries Max-Forwards (a UAS
     * takes one without, sip_msg_check) */
    if (m->is_request && !v->f.has_max_forwards)
        return sp_fail(err, SP_EINVAL, (size_t)(m->method.p - buf), 400, "missing Max-Forwards header");
    return (int)m->length;
}

/* A header value as the output shows it: folds replaced by one space. */
static void json_unfolded(json_out *j, sp_str value, char *scratch)
{
    if (!value.p) {
        json_null(j);
        return;
    }
    json_str(j, sp_str_make(scratch, sip_value_unfold(value, scratch, value.n)));
}

static void view_print(const sip_view *v, json_out *j, char *scratch)
{
    const sip_msg *m = &v->msg;
    json_object_begin(j);
    json_kv_cstr(j, "kind", m->is_request ? "request" : "response");
    json_kv_str(j, "method", m->is_request ? m->method : SP_STR_NULL);
    json_kv_str(j, "uri", m->is_request ? m->uri : SP_STR_NULL);
    if (m->is_request)
        json_kv_null(j, "status");
    else
        json_kv_u64(j, "status", m->status);
    json_kv_str(j, "reason", m->is_request ? SP_STR_NULL : m->reason);
    json_kv_str(j, "call_id", v->f.call_id);
    json_kv_u64(j, "cseq", v->f.cseq.seq);
    json_kv_str(j, "cseq_method", v->f.cseq.method);
    json_kv_str(j, "from_uri", v->f.from.uri_str);
    json_kv_str(j, "from_tag", v->f.from.tag);
    json_kv_str(j, "to_uri", v->f.to.uri_str);
    json_kv_str(j, "to_tag", v->f.to.tag);
    json_key(j, "via");
    json_array_begin(j);
    print_vias(m, j);
    json_array_end(j);
    if (v->f.has_max_forwards)
        json_kv_u64(j, "max_forwards", v->f.max_forwards);
    else
        json_kv_null(j, "max_forwards");
    json_key(j, "content_type");
    json_unfolded(j, v->f.content_type, scratch);
    if (m->has_content_length)
        json_kv_u64(j, "content_length", m->content_length);
    else
        json_kv_null(j, "content_length");
    json_kv_u64(j, "body_len", m->body.n);
    json_key(j, "headers");
    json_array_begin(j);
    for (size_t i = 0; i < m->nheaders; i++) {
        json_array_begin(j);
        json_str(j, m->headers[i].name);
        json_unfolded(j, m->headers[i].value, scratch);
        json_array_end(j);
    }
    json_array_end(j);
    json_object_end(j);
}

int parse_sip_json(const char *buf, size_t len, bool stream, json_out *j, sp_error *err)
{
    sip_view *v = malloc(sizeof *v);
    char *scratch = malloc(len ? len : 1);
    int rc = v && scratch ? 0 : sp_fail(err, SP_EINVAL, 0, 0, "out of memory");
    if (rc == 0 && !stream) {
        if (len == 0)
            rc = sp_fail(err, SP_EINVAL, 0, 400, "empty message");
        else if ((rc = view_parse(buf, 0, len, SIP_FRAME_DATAGRAM, v, err)) > 0) {
            view_print(v, j, scratch);
            json_line_end(j);
            rc = 0;
        }
    } else if (rc == 0) {
        /* Validate the whole stream, then print it: nothing on error. */
        for (int pass = 0; pass < 2 && rc >= 0; pass++) {
            if (pass == 1) {
                json_object_begin(j);
                json_key(j, "messages");
                json_array_begin(j);
            }
            size_t off = 0;
            for (;;) {
                size_t rest = off;
                while (rest < len && (buf[rest] == '\r' || buf[rest] == '\n'))
                    rest++;
                if (rest == len)
                    break; /* only keep-alives left */
                if ((rc = view_parse(buf, off, len, SIP_FRAME_STREAM, v, err)) < 0)
                    break;
                off += (size_t)rc;
                if (pass == 1)
                    view_print(v, j, scratch);
            }
        }
        if (rc >= 0) {
            json_array_end(j);
            json_object_end(j);
            json_line_end(j);
            rc = 0;
        }
    }
    free(scratch);
    free(v);
    return rc < 0 ? -1 : 0;
}

/* The first element of a comma-separated header value. A value without a
 * comma is one element already (sip_msg_parse trimmed it), which memchr
 * finds faster than a walk that tracks quotes and angle brackets. */
static bool first_element(sp_str value, sp_str *item)
{
    if (!memchr(value.p, ',', value.n)) {
        *item = value;
        return value.n > 0;
    }
    return sip_list_next(&value, item);
}

long bench_parse_sip(const char *buf, size_t len)
{
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg m;
    sp_error e;
    if (sip_msg_parse(buf, len, &m, hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, &e) < 0)
        return -1;
    /* What a transaction layer reads of every message: the top Via and its
     * branch (§17.2.3), From/To with tags, Call-ID, CSeq, the body's type,
     * and the first Contact (the target of a dialog, §12.1). */
    const sip_header *h = sip_msg_find(&m, SIP_H_VIA);
    sp_str item;
    sip_via via;
    if (!h || !first_element(h->value, &item) || sip_via_parse(item, &via, &e) != 0 || !via.branch.p)
        return -1;
    sip_addr from, to;
    if (!(h = sip_msg_find(&m, SIP_H_FROM)) || sip_addr_parse(h->value, &from, &e) != 0)
        return -1;
    if (!(h = sip_msg_find(&m, SIP_H_TO)) || sip_addr_parse(h->value, &to, &e) != 0)
        return -1;
    sp_str callid;
    if (!(h = sip_msg_find(&m, SIP_H_CALL_ID)) || sip_callid_parse(h->value, &callid, &e) != 0)
        return -1;
    sip_cseq cseq;
    if (!(h = sip_msg_find(&m, SIP_H_CSEQ)) || sip_cseq_parse(h->value, &cseq, &e) != 0)
        return -1;
    sip_media_type mt;
    if ((h = sip_msg_find(&m, SIP_H_CONTENT_TYPE)) && sip_media_type_parse(h->value, &mt, &e) != 0)
        return -1;
    sip_addr contact;
    if ((h = sip_msg_find(&m, SIP_H_CONTACT)) &&
        (!first_element(h->value, &item) || sip_addr_parse(item, &contact, &e) != 0))
        return -1;
    return 1;
}
