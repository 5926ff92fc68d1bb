/* push_http_req.c - the HTTP/1.1 request parser and response heads of a
 * server (RFC 9112 §2-§7, RFC 9110 §10.1.1). The field walk and the body
 * decoder are the response parser's (push_http_impl.h). */
#include "push_http_req.h"

#include "push_buf_impl.h"
#include "push_http_impl.h"
#include "sp_decimal.h"

static int bad(sp_error *err, size_t at, const char *why) { return sp_fail(err, SP_EINVAL, at, 400, why); }

/* tchar (RFC 9110 §5.6.2) */
static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

typedef struct fields {
    push_http_req *r;
    unsigned hosts;
    bool close, keep_alive, te;
} fields;

/* Whether a comma-separated list (RFC 9110 §5.6.1) holds token. */
static bool list_has(sp_str v, const char *token)
{
    size_t i = 0;
    while (i < v.n) {
        size_t j = i;
        while (j < v.n && v.p[j] != ',')
            j++;
        if (sp_str_caseeq_cstr(sp_str_trim(sp_str_make(v.p + i, j - i)), token))
            return true;
        i = j + 1;
    }
    return false;
}

static int field(void *ctx, sp_str name, sp_str value, size_t at, sp_error *err)
{
    fields *f = ctx;
    push_http_req *r = f->r;
    if (sp_str_caseeq_cstr(name, "Host")) {
        f->hosts++;
        r->host = value;
    } else if (sp_str_caseeq_cstr(name, "Content-Length")) {
        uint64_t n;
        if (!value.n || !sp_str_to_u64(value, UINT64_MAX, &n))
            return bad(err, at, "bad Content-Length");
        if (r->body.has_length && n != r->body.content_length)
            return bad(err, at, "conflicting Content-Length headers");
        r->body.has_length = true;
        r->body.content_length = n;
    } else if (sp_str_caseeq_cstr(name, "Transfer-Encoding")) {
        /* §6.1: chunked is the only coding this server decodes, and it must
         * come once and last; anything else is 501 */
        if (f->te || !sp_str_caseeq_cstr(value, "chunked"))
            return sp_fail(err, SP_EINVAL, at, 501, "unsupported transfer coding");
        f->te = true;
        r->body.chunked = true;
    } else if (sp_str_caseeq_cstr(name, "Connection")) {
        f->close |= list_has(value, "close");
        f->keep_alive |= list_has(value, "keep-alive");
    } else if (sp_str_caseeq_cstr(name, "Expect")) {
        if (!sp_str_caseeq_cstr(value, "100-continue"))
            return sp_fail(err, SP_EINVAL, at, 417, "unsupported expectation");
        r->expect_continue = true;
    } else if (sp_str_caseeq_cstr(name, "Content-Type")) {
        r->content_type = value;
    }
    return 0;
}

/* The path of an origin-form or absolute-form target (§3.2.1, §3.2.2);
 * "*" for the asterisk form. Empty slice for anything else. */
static sp_str target_path(sp_str t)
{
    size_t i = 0;
    if (t.n == 1 && t.p[0] == '*')
        return t;
    if (t.p[0] != '/') {
        const char *sep = t.n > 3 ? memchr(t.p, ':', t.n) : NULL;
        if (!sep || (size_t)(sep - t.p) + 3 > t.n || sep[1] != '/' || sep[2] != '/')
            return sp_str_make(t.p, 0);
        for (i = (size_t)(sep - t.p) + 3; i < t.n && t.p[i] != '/' && t.p[i] != '?' && t.p[i] != '#'; i++)
            ;
        if (i == t.n || t.p[i] != '/')
            return SP_LIT("/");
    }
    size_t j = i;
    while (j < t.n && t.p[j] != '?' && t.p[j] != '#')
        j++;
    return sp_str_make(t.p + i, j - i);
}

/* request-line = method SP request-target SP HTTP-version (§3) */
static int request_line(push_http_req *r, const char *buf, size_t at, size_t eol, sp_error *err)
{
    size_t i = at;
    while (i < eol && is_tchar((unsigned char)buf[i]))
        i++;
    if (i == at || i == eol || buf[i] != ' ')
        return bad(err, i, "bad method");
    r->method = sp_str_make(buf + at, i - at);
    size_t t = ++i;
    while (i < eol && !push_http_ctl_or_space((unsigned char)buf[i]))
        i++;
    if (i == t || i == eol || buf[i] != ' ')
        return bad(err, i, "bad request target");
    r->target = sp_str_make(buf + t, i - t);
    r->path = target_path(r->target);
    if (!r->path.n)
        return bad(err, t, "request target is neither origin- nor absolute-form");
    sp_str v = sp_str_make(buf + i + 1, eol - i - 1);
    if (v.n == 8 && !memcmp(v.p, "HTTP/", 5) && v.p[5] >= '0' && v.p[5] <= '9' && v.p[6] == '.' && v.p[7] >= '0' &&
        v.p[7] <= '9') {
        if (v.p[5] != '1' || v.p[7] > '1')
            return sp_fail(err, SP_EINVAL, i + 1, 505, "HTTP version not supported");
        r->minor = (unsigned)(v.p[7] - '0');
        return 0;
    }
    return bad(err, i + 1, "bad HTTP version");
}

int push_http_req_head(push_http_req *r, const char *buf, size_t len, size_t max_head, uint64_t max_body,
                       sp_error *err)
{
    if (!max_head)
        max_head = PUSH_HTTP_REQ_DEFAULT_MAX_HEAD;
    memset(r, 0, sizeof *r);
    push_http_resp_init(&r->body, max_head, max_body);
    size_t look = len < max_head ? len : max_head;
    /* §2.2: empty lines before the request line are skipped */
    size_t at = 0;
    while (at < look && (buf[at] == '\n' || (buf[at] == '\r' && at + 1 < look && buf[at + 1] == '\n')))
        at += buf[at] == '\r' ? 2 : 1;
    size_t end = at < look ? push_http_head_end(buf + at, look - at) : 0;
    if (!end)
        return len >= max_head ? sp_fail(err, SP_ELIMIT, max_head, 431, "request head too large") : SP_AGAIN;
    end += at;
    const char *nul = memchr(buf, '\0', end);
    if (nul)
        return bad(err, (size_t)(nul - buf), "NUL in request head");
    const char *lf = memchr(buf + at, '\n', end - at);
    size_t line_end = (size_t)(lf - buf);
    size_t eol = line_end > at && buf[line_end - 1] == '\r' ? line_end - 1 : line_end;
    int rc = request_line(r, buf, at, eol, err);
    if (rc)
        return rc;
    fields f = {.r = r};
    rc = push_http_head_fields(buf, line_end + 1, end, 400, field, &f, err);
    if (rc)
        return rc;
    if (r->minor == 1 && f.hosts != 1)
        return bad(err, at, f.hosts ? "more than one Host" : "no Host");
    if (r->body.chunked && r->body.has_length)
        return bad(err, at, "both Content-Length and Transfer-Encoding");
    r->keep_alive = r->minor == 1 ? !f.close : f.keep_alive && !f.close;
    rc = push_http_body_start(&r->body, false, false, err);
    return rc ? rc : (int)end;
}

int push_http_req_body(push_http_req *r, const char *buf, size_t len, sp_str *data, sp_error *err)
{
    int rc = push_http_resp_body(&r->body, buf, len, data, err);
    if (rc == SP_EINVAL && err)
        err->status = 400; /* the decoder speaks as a client (502); here the peer sent it */
    return rc;
}

const char *push_http_reason(unsigned status)
{
    static const struct {
        unsigned status;
        const char *reason;
    } reasons[] = {
        {100, "Continue"},        {200, "OK"},
        {202, "Accepted"},        {204, "No Content"},
        {400, "Bad Request"},     {403, "Forbidden"},
        {404, "Not Found"},       {405, "Method Not Allowed"},
        {408, "Request Timeout"}, {413, "Content Too Large"},
        {415, "Unsupported Media Type"}, {417, "Expectation Failed"},
        {431, "Request Header Fields Too Large"}, {500, "Internal Server Error"},
        {501, "Not Implemented"}, {503, "Service Unavailable"},
        {505, "HTTP Version Not Supported"},
    };
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status)
            return reasons[i].reason;
    return "Unknown";
}

int push_http_response_head(unsigned status, sp_str content_type, uint64_t content_length, bool keep_alive,
                            sp_str extra, char *out, size_t cap, sp_error *err)
{
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sp_buf_printf(&b, "HTTP/1.1 %u %s\r\n", status, push_http_reason(status));
    if (content_type.n) {
        sp_buf_puts(&b, "Content-Type: ");
        sp_buf_put(&b, content_type);
        sp_buf_puts(&b, "\r\n");
    }
    /* a 1xx has no body and no framing (RFC 9110 §15.2) */
    if (status >= 200) {
        char dec[SP_U64_DEC_SIZE];
        sp_u64_dec(dec, content_length);
        sp_buf_printf(&b, "Content-Length: %s\r\n", dec);
    }
    if (!keep_alive && status >= 200)
        sp_buf_puts(&b, "Connection: close\r\n");
    sp_buf_put(&b, extra);
    sp_buf_puts(&b, "\r\n");
    return push_buf_end(&b, err);
}
