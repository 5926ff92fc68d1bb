/* push_http.c - HTTP/1.1 URLs, GET requests and the incremental response
 * parser (RFC 7230 §3, §4.1). */
#include "push_indirect.h"

#include "push_buf_impl.h"
#include "push_http_impl.h"
#include "sp_hex.h"

#define is_ctl_or_space push_http_ctl_or_space

static bool is_host_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~' || c == '%';
}

int push_http_url_parse(sp_str url, push_http_url *u, sp_error *err)
{
    static const char scheme[] = "http://";
    size_t sn = sizeof scheme - 1;
    if (url.n < sn || !sp_str_caseeq(sp_str_make(url.p, sn), sp_str_make(scheme, sn)))
        return sp_fail(err, SP_EINVAL, 0, 400, "not an http:// URL");
    size_t i = sn, host_at = sn;
    if (i < url.n && url.p[i] == '[') {
        const char *close = memchr(url.p + i, ']', url.n - i);
        if (!close)
            return sp_fail(err, SP_EINVAL, i, 400, "unterminated IPv6 address");
        for (size_t k = i + 1; url.p + k < close; k++)
            if (!(is_host_char((unsigned char)url.p[k]) || url.p[k] == ':'))
                return sp_fail(err, SP_EINVAL, k, 400, "bad character in IPv6 address");
        i = (size_t)(close - url.p) + 1;
    } else {
        while (i < url.n && is_host_char((unsigned char)url.p[i]))
            i++;
    }
    if (i == host_at || (url.p[host_at] == '[' && i - host_at <= 2))
        return sp_fail(err, SP_EINVAL, i, 400, "host missing");
    if (i - host_at > 255)
        return sp_fail(err, SP_EINVAL, host_at, 400, "host name too long");
    u->host = sp_str_make(url.p + host_at, i - host_at);
    u->port = 80;
    if (i < url.n && url.p[i] == ':') {
        size_t port_at = ++i;
        while (i < url.n && url.p[i] >= '0' && url.p[i] <= '9')
            i++;
        uint64_t port;
        if (!sp_str_to_u64(sp_str_make(url.p + port_at, i - port_at), 65535, &port) || port == 0)
            return sp_fail(err, SP_EINVAL, port_at, 400, "bad port");
        u->port = (uint16_t)port;
    }
    if (i < url.n && url.p[i] != '/' && url.p[i] != '?' && url.p[i] != '#')
        return sp_fail(err, SP_EINVAL, i, 400, "unexpected character after the host");
    size_t path_at = i;
    while (i < url.n && url.p[i] != '#') {
        if (is_ctl_or_space((unsigned char)url.p[i]))
            return sp_fail(err, SP_EINVAL, i, 400, "bad character in path");
        i++;
    }
    u->path = i > path_at ? sp_str_make(url.p + path_at, i - path_at) : SP_LIT("/");
    return 0;
}

int push_http_request_build(const push_http_url *u, char *out, size_t cap, sp_error *err)
{
    sp_buf t;
    sp_buf_init(&t, out, cap);
    sp_buf_puts(&t, "GET ");
    /* a query without a path still needs the '/' of origin-form (§5.3.1) */
    if (u->path.n && u->path.p[0] == '?')
        sp_buf_put(&t, SP_LIT("/"));
    sp_buf_put(&t, u->path);
    sp_buf_puts(&t, " HTTP/1.1\r\nHost: ");
    sp_buf_put(&t, u->host);
    if (u->port != 80)
        sp_buf_printf(&t, ":%u", (unsigned)u->port);
    sp_buf_puts(&t, "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
    return push_buf_end(&t, err);
}

/* --- response ---------------------------------------------------------------- */

enum body_state {
    B_NONE,        /* no body (1xx, 204, 304) */
    B_LENGTH,      /* Content-Length bytes */
    B_CLOSE,       /* up to the end of the connection */
    B_CH_SIZE,     /* chunk-size hex digits */
    B_CH_EXT,      /* chunk extensions, up to LF */
    B_CH_SIZE_LF,  /* LF after the size line's CR */
    B_CH_DATA,
    B_CH_DATA_CR,  /* CRLF after chunk data */
    B_CH_DATA_LF,
    B_CH_TRAILER,  /* start of a trailer line, or the final empty line */
    B_CH_TRAILER_LINE,
    B_CH_END_LF,
};

void push_http_resp_init(push_http_resp *r, size_t max_head, uint64_t max_body)
{
    memset(r, 0, sizeof *r);
    r->max_head = max_head ? max_head : PUSH_HTTP_DEFAULT_MAX_HEAD;
    r->max_body = max_body;
}

static int bad(sp_error *err, size_t at, const char *why)
{
    return sp_fail(err, SP_EINVAL, at, 502, why);
}

size_t push_http_head_end(const char *buf, size_t len)
{
    for (const char *p = buf; (p = memchr(p, '\n', len - (size_t)(p - buf))); p++) {
        size_t i = (size_t)(p - buf) + 1;
        if (i < len && buf[i] == '\n')
            return i + 1;
        if (i + 1 < len && buf[i] == '\r' && buf[i + 1] == '\n')
            return i + 2;
        if (i >= len)
            break;
    }
    return 0;
}

/* One header field of the head (no obsolete folding: §3.2.4 lets us refuse it). */
static int header(void *ctx, sp_str name, sp_str value, size_t at, sp_error *err)
{
    push_http_resp *r = ctx;
    if (sp_str_caseeq_cstr(name, "Content-Length")) {
        uint64_t n;
        if (!sp_str_to_u64(value, UINT64_MAX, &n))
            return bad(err, at, "bad Content-Length");
        if (r->has_length && n != r->content_length)
            return bad(err, at, "conflicting Content-Length headers");
        r->has_length = true;
        r->content_length = n;
    } else if (sp_str_caseeq_cstr(name, "Transfer-Encoding")) {
        if (!sp_str_caseeq_cstr(value, "chunked"))
            return bad(err, at, "unsupported transfer coding");
        r->chunked = true;
    } else if (sp_str_caseeq_cstr(name, "Content-Type")) {
        r->content_type = value;
    }
    return 0;
}

int push_http_head_fields(const char *buf, size_t from, size_t end, int status, push_http_field_fn fn, void *ctx,
                          sp_error *err)
{
    size_t i = from;
    while (i < end) {
        const char *lf = memchr(buf + i, '\n', end - i);
        size_t line_end = (size_t)(lf - buf);
        size_t eol = line_end > i && buf[line_end - 1] == '\r' ? line_end - 1 : line_end;
        if (eol == i)
            break;
        if (buf[i] == ' ' || buf[i] == '\t')
            return sp_fail(err, SP_EINVAL, i, status, "folded header line");
        const char *colon = memchr(buf + i, ':', eol - i);
        if (!colon || colon == buf + i)
            return sp_fail(err, SP_EINVAL, i, status, "header line without name");
        sp_str name = sp_str_make(buf + i, (size_t)(colon - buf) - i);
        for (size_t k = 0; k < name.n; k++)
            if (is_ctl_or_space((unsigned char)name.p[k]))
                return sp_fail(err, SP_EINVAL, i + k, status, "bad header name");
        sp_str value = sp_str_trim(sp_str_make(colon + 1, (size_t)(buf + eol - colon - 1)));
        int rc = fn(ctx, name, value, i, err);
        if (rc)
            return rc;
        i = line_end + 1;
    }
    return 0;
}

int push_http_body_start(push_http_resp *r, bool no_body, bool to_close, sp_error *err)
{
    r->body_len = 0;
    r->done = false;
    if (no_body) {
        r->state = B_NONE;
        r->done = true;
    } else if (r->chunked) {
        r->state = B_CH_SIZE; /* Transfer-Encoding overrides Content-Length (§3.3.3) */
    } else if (r->has_length) {
        if (r->content_length > r->max_body)
            return sp_fail(err, SP_ELIMIT, 0, 413, "Content-Length over the body limit");
        r->state = B_LENGTH;
        r->remaining = r->content_length;
        r->done = r->remaining == 0;
    } else if (to_close) {
        r->state = B_CLOSE;
    } else {
        r->state = B_NONE; /* a request without framing has no body (RFC 9112 §6.3 rule 7) */
        r->done = true;
    }
    return 0;
}

int push_http_resp_head(push_http_resp *r, const char *buf, size_t len, sp_error *err)
{
    size_t look = len < r->max_head ? len : r->max_head;
    size_t end = push_http_head_end(buf, look);
    if (!end)
        return len >= r->max_head ? sp_fail(err, SP_ELIMIT, r->max_head, 413, "response head too large") : SP_AGAIN;
    if (memchr(buf, '\0', end))
        return bad(err, (size_t)((const char *)memchr(buf, '\0', end) - buf), "NUL in response head");
    uint64_t max_body = r->max_body;
    size_t max_head = r->max_head;
    push_http_resp_init(r, max_head, max_body);

    /* status-line = HTTP-version SP 3DIGIT SP reason-phrase */
    const char *lf = memchr(buf, '\n', end);
    size_t line_end = (size_t)(lf - buf);
    size_t eol = line_end > 0 && buf[line_end - 1] == '\r' ? line_end - 1 : line_end;
    if (eol < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') || buf[8] != ' ')
        return bad(err, 0, "bad status line");
    uint64_t status;
    if (!sp_str_to_u64(sp_str_make(buf + 9, 3), 999, &status) || status < 100 || (eol > 12 && buf[12] != ' '))
        return bad(err, 9, "bad status code");
    r->status = (unsigned)status;
    r->reason = eol > 13 ? sp_str_make(buf + 13, eol - 13) : sp_str_make(buf + eol, 0);

    int rc = push_http_head_fields(buf, line_end + 1, end, 502, header, r, err);
    if (rc)
        return rc;
    rc = push_http_body_start(r, r->status < 200 || r->status == 204 || r->status == 304, true, err);
    return rc ? rc : (int)end;
}

/* Takes up to remaining content bytes as one slice. */
static size_t take(push_http_resp *r, const char *buf, size_t len, sp_str *data, sp_error *err, int *rc)
{
    uint64_t n = r->remaining < len ? r->remaining : len;
    if (r->state == B_CLOSE)
        n = len;
    if (r->body_len + n > r->max_body || r->body_len + n < r->body_len) {
        *rc = sp_fail(err, SP_ELIMIT, 0, 413, "body over the limit");
        return 0;
    }
    *data = sp_str_make(buf, (size_t)n);
    r->body_len += n;
    if (r->state != B_CLOSE)
        r->remaining -= n;
    return (size_t)n;
}

int push_http_resp_body(push_http_resp *r, const char *buf, size_t len, sp_str *data, sp_error *err)
{
    *data = sp_str_make(buf, 0);
    size_t i = 0;
    int rc = 0;
    while (i < len && !r->done) {
        char c = buf[i];
        switch (r->state) {
        case B_NONE:
            r->done = true;
            break;
        case B_LENGTH:
        case B_CLOSE:
            i += take(r, buf + i, len - i, data, err, &rc);
            if (rc)
                return rc;
            r->done = r->state == B_LENGTH && r->remaining == 0;
            return (int)i;
        case B_CH_SIZE: {
            int h = sp_hex_digit(c);
            if (h >= 0) {
                if (r->digits == 16)
                    return bad(err, i, "chunk size too large");
                r->remaining = r->remaining * 16 + (uint64_t)h;
                r->digits++;
            } else if (r->digits && (c == ';' || c == ' ' || c == '\t')) {
                r->state = B_CH_EXT;
            } else if (r->digits && c == '\r') {
                r->state = B_CH_SIZE_LF;
            } else if (r->digits && c == '\n') {
                goto size_line_done;
            } else {
                return bad(err, i, "bad chunk size");
            }
            r->line_len++;
            i++;
            break;
        }
        case B_CH_EXT:
            if (++r->line_len > PUSH_HTTP_MAX_CHUNK_LINE)
                return sp_fail(err, SP_ELIMIT, i, 413, "chunk extension too long");
            i++;
            if (c == '\n')
                goto size_line_ended;
            break;
        case B_CH_SIZE_LF:
            if (c != '\n')
                return bad(err, i, "CR without LF after chunk size");
        size_line_done:
            i++;
        size_line_ended:
            r->line_len = 0;
            r->digits = 0;
            if (r->remaining == 0) {
                r->state = B_CH_TRAILER;
            } else {
                if (r->remaining > r->max_body - r->body_len)
                    return sp_fail(err, SP_ELIMIT, i, 413, "body over the limit");
                r->state = B_CH_DATA;
            }
            break;
        case B_CH_DATA:
            i += take(r, buf + i, len - i, data, err, &rc);
            if (rc)
                return rc;
            if (r->remaining == 0)
                r->state = B_CH_DATA_CR;
            return (int)i;
        case B_CH_DATA_CR:
            if (c == '\r')
                r->state = B_CH_DATA_LF;
            else if (c == '\n')
                r->state = B_CH_SIZE;
            else
                return bad(err, i, "chunk data longer than its size");
            i++;
            break;
        case B_CH_DATA_LF:
            if (c != '\n')
                return bad(err, i, "CR without LF after chunk data");
            r->state = B_CH_SIZE;
            i++;
            break;
        case B_CH_TRAILER:
            if (c == '\n')
                r->done = true;
            else
                r->state = c == '\r' ? B_CH_END_LF : B_CH_TRAILER_LINE;
            i++;
            break;
        case B_CH_TRAILER_LINE:
            if (++r->line_len > r->max_head)
                return sp_fail(err, SP_ELIMIT, i, 413, "trailer too long");
            if (c == '\n')
                r->state = B_CH_TRAILER;
            i++;
            break;
        case B_CH_END_LF:
            if (c != '\n')
                return bad(err, i, "CR without LF at the end of the chunked body");
            r->done = true;
            i++;
            break;
        }
    }
    return (int)i;
}

int push_http_resp_eof(push_http_resp *r, sp_error *err)
{
    if (r->state == B_CLOSE)
        r->done = true;
    return r->done ? 0 : bad(err, 0, "connection closed before the body was complete");
}
