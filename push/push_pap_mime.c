/* push_pap_mime.c - see push_pap_impl.h. */
#include "push_pap_impl.h"
#include "push_mime_impl.h"

#include <string.h>

int push_pap_fail(push_pap_error *err, unsigned code, int http_status, bool unreadable, sp_str in, size_t at,
             const char *reason)
{
    if (err) {
        err->code = code;
        err->http_status = http_status;
        err->unreadable = unreadable;
        err->reason = reason;
        err->offset = at;
        if (at > in.n)
            at = in.n;
        size_t n = in.n - at < PUSH_PAP_FRAGMENT_MAX ? in.n - at : PUSH_PAP_FRAGMENT_MAX;
        err->fragment = sp_str_make(in.p ? in.p + at : "", n);
    }
    return -1;
}

static bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* RFC 2045 §5.1 token: any CHAR but SP, CTLs and tspecials. */
static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?=", c);
}

static size_t skip_lws(sp_str s, size_t i)
{
    while (i < s.n && is_lws(s.p[i]))
        i++;
    return i;
}

static size_t token_end(sp_str s, size_t i)
{
    while (i < s.n && is_token_char((unsigned char)s.p[i]))
        i++;
    return i;
}

bool push_pap_media_parse(sp_str value, push_pap_media *m)
{
    size_t i = skip_lws(value, 0), at = i;
    i = token_end(value, i);
    if (i == at || i >= value.n || value.p[i] != '/')
        return false;
    size_t sub = ++i;
    i = token_end(value, i);
    if (i == sub)
        return false;
    m->type = sp_str_make(value.p + at, i - at);
    i = skip_lws(value, i);
    if (i < value.n && value.p[i] != ';')
        return false;
    m->params = sp_str_make(value.p + i, value.n - i);
    return true;
}

bool push_pap_media_is(const push_pap_media *m, const char *type) { return sp_str_caseeq_cstr(m->type, type); }

bool push_pap_media_param(const push_pap_media *m, const char *name, sp_str *value)
{
    sp_str s = m->params;
    size_t i = 0;
    while (i < s.n) {
        if (s.p[i] != ';')
            return false;
        i = skip_lws(s, i + 1);
        if (i >= s.n)
            return false;
        if (s.p[i] == ';')
            continue; /* an empty parameter, as some initiators write */
        size_t at = i;
        i = token_end(s, i);
        if (i == at)
            return false;
        sp_str pname = sp_str_make(s.p + at, i - at);
        i = skip_lws(s, i);
        if (i >= s.n || s.p[i] != '=')
            return false;
        i = skip_lws(s, i + 1);
        sp_str v;
        if (i < s.n && s.p[i] == '"') {
            const char *q = memchr(s.p + i + 1, '"', s.n - i - 1);
            if (!q)
                return false;
            v = sp_str_make(s.p + i + 1, (size_t)(q - s.p) - i - 1);
            if (memchr(v.p, '\\', v.n))
                return false;
            i = (size_t)(q - s.p) + 1;
        } else {
            size_t vat = i;
            i = token_end(s, i);
            if (i == vat)
                return false;
            v = sp_str_make(s.p + vat, i - vat);
        }
        i = skip_lws(s, i);
        if (sp_str_caseeq_cstr(pname, name)) {
            *value = v;
            return true;
        }
    }
    return false;
}

sp_str push_pap_header_find(sp_str headers, const char *name)
{
    sp_str rest = headers, n, v;
    while (push_pap_header_next(&rest, &n, &v))
        if (sp_str_caseeq_cstr(n, name))
            return v;
    return SP_STR_NULL;
}

/* The index of the next delimiter "--boundary" that starts a line at or
 * after from, or body.n when there is none. */
static size_t find_delimiter(sp_str body, sp_str dash_boundary, size_t from)
{
    size_t i = from;
    while (i < body.n) {
        const char *hit = memmem(body.p + i, body.n - i, dash_boundary.p, dash_boundary.n);
        if (!hit)
            return body.n;
        size_t at = (size_t)(hit - body.p);
        if (at == 0 || body.p[at - 1] == '\n')
            return at;
        i = at + 1;
    }
    return body.n;
}

/* After a delimiter (RFC 2046 §5.1.1): "--" closes, else optional transport
 * padding and a line end. Returns the index after it, 0 when malformed;
 * *close says which. */
static size_t after_delimiter(sp_str body, size_t i, bool *close)
{
    *close = false;
    if (i + 1 < body.n && body.p[i] == '-' && body.p[i + 1] == '-') {
        *close = true;
        return i + 2;
    }
    while (i < body.n && (body.p[i] == ' ' || body.p[i] == '\t'))
        i++;
    size_t after;
    return push_mime_blank_line(body, i, &after) ? after : 0;
}

long push_pap_multipart_split(sp_str body, sp_str boundary, push_pap_part *parts, size_t max, push_pap_error *err)
{
    /* RFC 2046 §5.1.1: 1 to 70 characters. */
    char delim[2 + 70];
    if (boundary.n == 0 || boundary.n > 70)
        return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, 0, "multipart boundary missing or too long");
    delim[0] = delim[1] = '-';
    memcpy(delim + 2, boundary.p, boundary.n);
    sp_str dash = sp_str_make(delim, boundary.n + 2);

    size_t at = find_delimiter(body, dash, 0);
    if (at >= body.n)
        return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, 0, "no multipart delimiter with this boundary");
    bool close;
    size_t i = after_delimiter(body, at + dash.n, &close);
    if (!i)
        return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, at, "malformed multipart delimiter line");
    if (close)
        return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, at, "multipart body without parts");
    size_t count = 0;
    for (;;) {
        size_t start = i;
        size_t next = find_delimiter(body, dash, i);
        if (next >= body.n)
            return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, start,
                            "multipart body truncated: no closing delimiter");
        if (count >= max)
            return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 413, true, body, start, "too many multipart parts");
        /* The line end before the delimiter belongs to it. */
        size_t end = next;
        if (end > start && body.p[end - 1] == '\n')
            end--;
        if (end > start && body.p[end - 1] == '\r')
            end--;
        sp_str part = sp_str_make(body.p + start, end - start);
        size_t h = 0, after;
        while (!push_mime_blank_line(part, h, &after)) {
            sp_str n, v;
            size_t line_end = h < part.n ? push_mime_header_line(part, h, &n, &v) : 0;
            if (!line_end)
                return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, start + h,
                                "malformed header in a multipart part");
            h = line_end;
        }
        parts[count].headers = sp_str_make(part.p, h);
        parts[count].body = sp_str_make(part.p + after, part.n - after);
        parts[count].offset = start;
        count++;
        i = after_delimiter(body, next + dash.n, &close);
        if (!i)
            return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, next, "malformed multipart delimiter line");
        if (close)
            return (long)count;
    }
}
