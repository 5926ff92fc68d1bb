/* push_control.c - see push_control.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_control.h"
#include "push_headers.h"
#include "sip_uri.h"

static int bad(sp_error *err, size_t at, const char *why) { return sp_fail(err, SP_EINVAL, at, 400, why); }

static bool is_push_uri(sp_str s)
{
    sip_uri u;
    return sip_uri_parse(s, &u, NULL) == 0 && u.scheme != SIP_URI_OTHER;
}

int control_request_parse(const char *buf, size_t len, size_t max, control_request *r, sp_error *err)
{
    memset(r, 0, sizeof *r);
    size_t pos = 0;
    bool first = true, has_length = false;
    uint64_t clen = 0;
    for (;;) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl)
            return len >= max ? sp_fail(err, SP_ELIMIT, len, 413, "request too large") : SP_AGAIN;
        size_t end = (size_t)(nl - buf), next = end + 1;
        if (end > pos && buf[end - 1] == '\r')
            end--;
        sp_str line = sp_str_make(buf + pos, end - pos);
        if (memchr(line.p, '\0', line.n))
            return bad(err, pos, "NUL in the request head");
        if (first) {
            const char *sp = memchr(line.p, ' ', line.n);
            if (!sp || !sp_str_eq(sp_str_make(sp + 1, line.n - (size_t)(sp - line.p) - 1), SP_LIT(CONTROL_MAGIC)))
                return bad(err, pos, "not a " CONTROL_MAGIC " request");
            r->verb = sp_str_make(line.p, (size_t)(sp - line.p));
            first = false;
            pos = next;
            continue;
        }
        pos = next;
        if (!line.n)
            break;
        const char *colon = memchr(line.p, ':', line.n);
        if (!colon)
            return bad(err, pos, "header line without ':'");
        sp_str name = sp_str_make(line.p, (size_t)(colon - line.p));
        sp_str value = sp_str_trim(sp_str_make(colon + 1, line.n - name.n - 1));
        if (sp_str_caseeq_cstr(name, "To"))
            r->to = value;
        else if (sp_str_caseeq_cstr(name, "Method"))
            r->method = value;
        else if (sp_str_caseeq_cstr(name, "App"))
            r->app = value;
        else if (sp_str_caseeq_cstr(name, "Target"))
            r->target = value;
        else if (sp_str_caseeq_cstr(name, "Content-Type"))
            r->content_type = value;
        else if (sp_str_caseeq_cstr(name, "Indirect"))
            r->indirect = sp_str_caseeq_cstr(value, "yes");
        else if (sp_str_caseeq_cstr(name, "Confirm"))
            r->confirm = sp_str_caseeq_cstr(value, "yes");
        else if (sp_str_caseeq_cstr(name, "Reply"))
            r->reply_accepted = sp_str_caseeq_cstr(value, "accepted");
        else if (sp_str_caseeq_cstr(name, "Header")) {
            if (r->nheaders >= CONTROL_MAX_HEADERS)
                return sp_fail(err, SP_ELIMIT, pos, 413, "too many Header lines");
            r->headers[r->nheaders++] = value;
        } else if (sp_str_caseeq_cstr(name, "Content-Length")) {
            if (!sp_str_to_u64(value, UINT64_MAX, &clen))
                return bad(err, pos, "bad Content-Length");
            has_length = true;
        }
    }
    if (!has_length)
        return bad(err, pos, "Content-Length missing");
    if (clen > max || pos > max - clen)
        return sp_fail(err, SP_ELIMIT, pos, 413, "request too large");
    if (!r->to.n)
        return bad(err, pos, "no recipient (To)");
    if (!is_push_uri(r->to) || (r->target.p && !is_push_uri(r->target)))
        return bad(err, pos, "To or Target is not a sip:, sips: or tel: URI");
    if (len - pos < clen)
        return SP_AGAIN;
    r->body = sp_str_make(buf + pos, (size_t)clen);
    return (int)(pos + clen);
}

static void put_line(char **p, size_t *left, const char *name, sp_str v)
{
    if (!v.p)
        return;
    int n = snprintf(*p, *left, "%s: %.*s\n", name, (int)v.n, v.p);
    if (n > 0 && (size_t)n < *left) {
        *p += n;
        *left -= (size_t)n;
    }
}

char *control_request_format(const control_request *r, size_t *len)
{
    size_t cap = 1024 + r->to.n + r->method.n + r->app.n + r->target.n + r->content_type.n + r->body.n;
    for (size_t i = 0; i < r->nheaders; i++)
        cap += r->headers[i].n + 16;
    char *buf = malloc(cap), *p = buf;
    if (!buf)
        return NULL;
    size_t left = cap;
    int n = snprintf(p, left, "%.*s " CONTROL_MAGIC "\n", (int)r->verb.n, r->verb.p);
    p += n;
    left -= (size_t)n;
    put_line(&p, &left, "To", r->to);
    put_line(&p, &left, "Method", r->method);
    put_line(&p, &left, "App", r->app);
    put_line(&p, &left, "Target", r->target);
    put_line(&p, &left, "Content-Type", r->content_type);
    if (r->indirect)
        put_line(&p, &left, "Indirect", SP_LIT("yes"));
    if (r->confirm)
        put_line(&p, &left, "Confirm", SP_LIT("yes"));
    for (size_t i = 0; i < r->nheaders; i++)
        put_line(&p, &left, "Header", r->headers[i]);
    n = snprintf(p, left, "Content-Length: %zu\n\n", r->body.n);
    p += n;
    left -= (size_t)n;
    if (r->body.n)
        memcpy(p, r->body.p, r->body.n);
    *len = (size_t)(p - buf) + r->body.n;
    return buf;
}

static bool ask_of(sp_str m, push_ask *ask)
{
    static const struct {
        const char *name;
        push_ask ask;
    } asks[] = {{"auto", PUSH_ASK_AUTO}, {"message", PUSH_ASK_MESSAGE}, {"notify", PUSH_ASK_NOTIFY},
                {"invite", PUSH_ASK_INVITE}};
    if (!m.p || !m.n) {
        *ask = PUSH_ASK_AUTO;
        return true;
    }
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++)
        if (sp_str_caseeq_cstr(m, asks[i].name)) {
            *ask = asks[i].ask;
            return true;
        }
    return false;
}

bool control_push_prepare(const control_request *r, push_psa_push *out, char *hdrs, size_t cap, const char **why)
{
    memset(out, 0, sizeof *out);
    if (!ask_of(r->method, &out->ask)) {
        *why = "method is not auto, message, notify or invite";
        return false;
    }
    if (!r->to.n) {
        *why = "no recipient (To)";
        return false;
    }
    out->to = r->to;
    out->target = r->target;
    out->app = r->app;
    out->content_type = r->content_type.n ? r->content_type : SP_LIT("application/octet-stream");
    out->body = r->body;
    out->indirect = r->indirect;
    out->confirm = r->confirm;
    push_method m = out->ask == PUSH_ASK_INVITE ? PUSH_METHOD_INVITE : PUSH_METHOD_MESSAGE;
    size_t len = 0;
    for (size_t i = 0; i < r->nheaders; i++) {
        sp_str name, value;
        sp_error err;
        if (push_header_split(r->headers[i], &name, &value, &err) != 0) {
            *why = err.reason;
            return false;
        }
        push_hdr_map map = push_header_map(m, name);
        if (map.action != PUSH_HDR_COPY)
            continue;
        const char *canon = map.canonical_name;
        if (canon && !strcmp(canon, "Content-Type")) {
            out->content_type = value;
            continue;
        }
        int n = snprintf(hdrs + len, cap - len, "%s: %.*s\r\n", canon ? canon : "", (int)value.n, value.p);
        if (!canon)
            n = snprintf(hdrs + len, cap - len, "%.*s: %.*s\r\n", (int)name.n, name.p, (int)value.n, value.p);
        if (n < 0 || (size_t)n >= cap - len) {
            *why = "push headers too long";
            return false;
        }
        len += (size_t)n;
    }
    out->headers = sp_str_make(hdrs, len);
    return true;
}

static void result_keys(json_out *j, const push_psa_result *r)
{
    json_kv_cstr(j, "event", r->delivered ? "delivered" : "failed");
    json_kv_cstr(j, "method", push_method_name(r->method));
    json_kv_u64(j, "status", r->status);
    if (r->delivered) {
        json_kv_u64(j, "bytes", r->bytes);
        json_kv_u64(j, "chunks", r->chunks ? r->chunks : 1);
        json_kv_u64(j, "ms", r->ms);
    } else {
        json_kv_cstr(j, "reason", r->reason ? r->reason : "failed");
        json_kv_bool(j, "retry", r->retry);
    }
}

void control_result_json(json_out *j, const push_psa_result *r)
{
    json_object_begin(j);
    result_keys(j, r);
    json_object_end(j);
}

void control_referral_json(json_out *j, const push_psa_result *r, unsigned referral)
{
    json_object_begin(j);
    result_keys(j, r);
    json_key(j, "referral");
    if (referral)
        json_u64(j, referral);
    else
        json_null(j);
    json_object_end(j);
}
