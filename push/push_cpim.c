/* push_cpim.c - see push_cpim.h. */
#include "push_cpim.h"

#include "push_buf_impl.h"
#include "push_mime_impl.h"
#include "sip_hdr.h"

/* RFC 3862 §3.6 NAMECHAR: US-ASCII except '.', CTLs and SEPARATORS. */
static bool is_namechar(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("().<>@,;:\\\"/[]?={} ", c);
}

static int bad(sp_error *err, size_t at, const char *why)
{
    return sp_fail(err, SP_EINVAL, at, 400, why);
}

/* [ Formal-name ] "<" URI ">" (§4.1, §4.2). */
static bool read_addr(sp_str v, push_cpim_addr *a)
{
    size_t i = 0;
    if (v.n && v.p[0] == '"') {
        /* String = DQUOTE *( Str-char / Escape ) DQUOTE */
        for (i = 1; i < v.n && v.p[i] != '"'; i++)
            if (v.p[i] == '\\')
                i++;
        if (i >= v.n)
            return false;
        i++;
    }
    const char *lt = memchr(v.p + i, '<', v.n - i);
    if (!lt || v.n < 2 || v.p[v.n - 1] != '>')
        return false;
    size_t at = (size_t)(lt - v.p);
    sp_str name = sp_str_trim(sp_str_make(v.p, at));
    a->name = name.n ? name : SP_STR_NULL;
    a->uri = sp_str_make(lt + 1, v.n - at - 2);
    return a->uri.n > 0 && !memchr(a->uri.p, '<', a->uri.n) && !memchr(a->uri.p, '>', a->uri.n);
}

/* Header = Header-name ":" *( ";" Parameter ) SP Header-value CRLF (§3.6).
 * Returns the index after the line, or an error. */
static int message_header(push_cpim *m, sp_str b, size_t i, size_t *next, sp_error *err)
{
    size_t start = i;
    while (i < b.n && is_namechar((unsigned char)b.p[i]))
        i++;
    push_cpim_header h = {SP_STR_NULL, sp_str_make(b.p + start, i - start), SP_STR_NULL, SP_STR_NULL};
    if (i < b.n && b.p[i] == '.' && h.name.n) {
        h.prefix = h.name;
        size_t name_at = ++i;
        while (i < b.n && is_namechar((unsigned char)b.p[i]))
            i++;
        h.name = sp_str_make(b.p + name_at, i - name_at);
    }
    if (h.name.n == 0 || i >= b.n || b.p[i] != ':')
        return bad(err, i, "malformed CPIM header name");
    i++;
    const char *lf = memchr(b.p + i, '\n', b.n - i);
    if (!lf)
        return bad(err, b.n, "CPIM header without line end");
    size_t eol = (size_t)(lf - b.p);
    *next = eol + 1;
    if (eol > i && b.p[eol - 1] == '\r')
        eol--;
    /* Parameters run up to the SP that starts the value; a String
     * parameter value may hold spaces. */
    size_t vat = i;
    while (vat < eol && b.p[vat] == ';') {
        vat++;
        while (vat < eol && b.p[vat] != ';' && b.p[vat] != ' ') {
            if (b.p[vat] == '"') {
                for (vat++; vat < eol && b.p[vat] != '"'; vat++)
                    if (b.p[vat] == '\\')
                        vat++;
            }
            vat++;
        }
    }
    if (vat >= eol || b.p[vat] != ' ')
        return bad(err, i, "CPIM header without the space after ':'");
    if (vat > i)
        h.params = sp_str_make(b.p + i, vat - i);
    h.value = sp_str_make(b.p + vat + 1, eol - vat - 1);
    /* §2.2: no control characters; they travel escaped. */
    for (size_t k = i; k < eol; k++)
        if ((unsigned char)b.p[k] < 0x20 || b.p[k] == 0x7f)
            return bad(err, k, "control character in a CPIM header");

    if (!h.prefix.p && sp_str_eq(h.name, SP_LIT("From"))) {
        if (!read_addr(h.value, &m->from))
            return bad(err, vat + 1, "From without <URI>");
    } else if (!h.prefix.p && sp_str_eq(h.name, SP_LIT("To"))) {
        push_cpim_addr a;
        if (!read_addr(h.value, &a))
            return bad(err, vat + 1, "To without <URI>");
        if (m->nto++ == 0)
            m->to = a;
    } else if (!h.prefix.p && sp_str_eq(h.name, SP_LIT("DateTime"))) {
        m->datetime = h.value;
    }
    if (m->nheaders >= m->max_headers)
        return sp_fail(err, SP_ELIMIT, start, 413, "too many CPIM headers");
    m->headers[m->nheaders++] = h;
    return 0;
}

int push_cpim_parse(const char *buf, size_t len, push_cpim *m, sp_error *err)
{
    sp_str b = sp_str_make(buf, len);
    size_t i = 0, after;
    m->from = m->to = (push_cpim_addr){SP_STR_NULL, SP_STR_NULL};
    m->nto = m->nheaders = 0;
    m->datetime = m->mime_headers = m->content_type = m->body = SP_STR_NULL;
    while (!push_mime_blank_line(b, i, &after)) {
        if (i >= len)
            return bad(err, len, "CPIM message headers without their empty line");
        size_t next;
        int rc = message_header(m, b, i, &next, err);
        if (rc)
            return rc;
        i = next;
    }
    i = after;
    size_t mime_at = i;
    while (!push_mime_blank_line(b, i, &after)) {
        if (i >= len)
            return bad(err, len, "encapsulated MIME headers without their empty line");
        sp_str name, value;
        size_t next = push_mime_header_line(b, i, &name, &value);
        if (!next)
            return bad(err, i, "malformed encapsulated MIME header");
        if (sp_str_caseeq_cstr(name, "Content-Type"))
            m->content_type = value;
        i = next;
    }
    m->mime_headers = sp_str_make(buf + mime_at, i - mime_at);
    if (!m->content_type.p)
        return bad(err, mime_at, "encapsulated MIME entity without Content-Type");
    m->body = sp_str_make(buf + after, len - after);
    return (int)len;
}

bool push_cpim_mime_header(const push_cpim *m, const char *name, sp_str *value)
{
    sp_str b = m->mime_headers, n, v;
    size_t i = 0, next;
    while (i < b.n && (next = push_mime_header_line(b, i, &n, &v))) {
        if (sp_str_caseeq_cstr(n, name)) {
            *value = v;
            return true;
        }
        i = next;
    }
    return false;
}

bool push_cpim_ns(const push_cpim *m, sp_str prefix, sp_str *uri)
{
    /* NS: [ Name-prefix ] "<" URI ">" (§4.6); a later declaration wins. */
    bool found = false;
    for (size_t k = 0; k < m->nheaders; k++) {
        const push_cpim_header *h = &m->headers[k];
        push_cpim_addr a;
        if (h->prefix.p || !sp_str_eq(h->name, SP_LIT("NS")) || !read_addr(h->value, &a))
            continue;
        bool is_default = !a.name.p;
        if (prefix.p ? (!is_default && sp_str_eq(a.name, prefix)) : is_default) {
            *uri = a.uri;
            found = true;
        }
    }
    return found;
}

static bool is_token_name(sp_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != ' ' && !is_namechar((unsigned char)s.p[i]) && s.p[i] != '.' && (unsigned char)s.p[i] < 0x80)
            return false;
    return true;
}

static int put_addr(sp_buf *t, const char *hname, const push_cpim_addr *a, sp_error *err)
{
    if (a->uri.n == 0)
        return bad(err, 0, "address without URI");
    for (size_t i = 0; i < a->uri.n; i++) {
        unsigned char c = (unsigned char)a->uri.p[i];
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>')
            return bad(err, i, "character not allowed in a CPIM URI");
    }
    sp_buf_puts(t, hname);
    sp_buf_puts(t, ": ");
    if (a->name.n) {
        for (size_t i = 0; i < a->name.n; i++)
            if ((unsigned char)a->name.p[i] < 0x20 || a->name.p[i] == 0x7f)
                return bad(err, i, "control character in a formal name");
        if (is_token_name(a->name)) {
            sp_buf_put(t, a->name);
        } else {
            sp_buf_put(t, SP_LIT("\""));
            for (size_t i = 0; i < a->name.n; i++) {
                if (a->name.p[i] == '"' || a->name.p[i] == '\\')
                    sp_buf_put(t, SP_LIT("\\"));
                sp_buf_put(t, sp_str_make(&a->name.p[i], 1));
            }
            sp_buf_put(t, SP_LIT("\""));
        }
        sp_buf_put(t, SP_LIT(" "));
    }
    sp_buf_puts(t, "<");
    sp_buf_put(t, a->uri);
    sp_buf_puts(t, ">\r\n");
    return 0;
}

int push_cpim_wrap(const push_cpim_in *in, char *out, size_t cap, sp_error *err)
{
    sip_media_type mt;
    if (sip_media_type_parse(in->content_type, &mt, err) != 0 || memchr(in->content_type.p, '\n', in->content_type.n) ||
        memchr(in->content_type.p, '\r', in->content_type.n))
        return bad(err, 0, "bad content type");
    sp_buf t;
    sp_buf_init(&t, out, cap);
    if (put_addr(&t, "From", &in->from, err) || put_addr(&t, "To", &in->to, err))
        return SP_EINVAL;
    if (in->has_datetime) {
        struct tm tm;
        if (!gmtime_r(&in->datetime, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
            return bad(err, 0, "DateTime out of range");
        sp_buf_printf(&t, "DateTime: %04d-%02d-%02dT%02d:%02d:%02dZ\r\n", tm.tm_year + 1900, tm.tm_mon + 1,
                         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    sp_buf_puts(&t, "\r\nContent-Type: ");
    sp_buf_put(&t, in->content_type);
    sp_buf_puts(&t, "\r\n\r\n");
    sp_buf_put(&t, in->body);
    return push_buf_end(&t, err);
}
