/* push_xml.c - see push_xml.h. */
#include "push_xml.h"
#include "sp_hex.h"

#include <string.h>

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* XML 1.0 §2.3 names, ASCII exactly; any byte >= 0x80 is taken as part of a
 * UTF-8 name character. */
static bool is_name_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || c >= 0x80;
}
static bool is_name_char(unsigned char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static size_t scan_name(const char *p, size_t i, size_t n)
{
    if (i >= n || !is_name_start((unsigned char)p[i]))
        return i;
    while (i < n && is_name_char((unsigned char)p[i]))
        i++;
    return i;
}

static sp_str local_of(sp_str name)
{
    const char *colon = memchr(name.p, ':', name.n);
    if (!colon)
        return name;
    size_t skip = (size_t)(colon - name.p) + 1;
    return sp_str_make(name.p + skip, name.n - skip);
}

void push_xml_init(push_xml *x, const char *buf, size_t len, const push_xml_limits *lim)
{
    memset(x, 0, sizeof *x);
    x->buf = buf;
    x->len = len;
    x->lim.max_size = lim ? lim->max_size : PUSH_XML_DEFAULT_MAX_SIZE;
    x->lim.max_depth = lim ? lim->max_depth : PUSH_XML_DEFAULT_MAX_DEPTH;
    x->lim.max_attrs = lim ? lim->max_attrs : PUSH_XML_DEFAULT_MAX_ATTRS;
    x->lim.allow_doctype = lim && lim->allow_doctype;
    if (x->lim.max_depth > PUSH_XML_MAX_DEPTH)
        x->lim.max_depth = PUSH_XML_MAX_DEPTH;
    if (x->lim.max_attrs > PUSH_XML_MAX_ATTRS)
        x->lim.max_attrs = PUSH_XML_MAX_ATTRS;
}

/* An error is sticky: the position moves past the end so every later call
 * fails the same way without reading the input again. */
static int fail(push_xml *x, sp_error *err, int code, size_t at, const char *why)
{
    x->pos = x->len + 1;
    x->root_seen = true;
    x->depth = 0;
    return sp_fail(err, code, at, code == SP_ELIMIT ? 413 : 400, why);
}

/* Checks the attribute list p[i..end) (XML 1.0 §3.1): S name S? = S? quoted
 * value, values without '<'; no name twice. */
static int check_attrs(push_xml *x, size_t i, size_t end, sp_error *err)
{
    const char *p = x->buf;
    sp_str seen[PUSH_XML_MAX_ATTRS];
    unsigned count = 0;
    while (i < end) {
        size_t ws = i;
        while (i < end && is_ws(p[i]))
            i++;
        if (i >= end)
            break;
        if (i == ws)
            return fail(x, err, SP_EINVAL, i, "white space expected between attributes");
        size_t name_at = i;
        i = scan_name(p, i, end);
        if (i == name_at)
            return fail(x, err, SP_EINVAL, i, "attribute name expected");
        sp_str name = sp_str_make(p + name_at, i - name_at);
        while (i < end && is_ws(p[i]))
            i++;
        if (i >= end || p[i] != '=')
            return fail(x, err, SP_EINVAL, i, "'=' expected after attribute name");
        i++;
        while (i < end && is_ws(p[i]))
            i++;
        if (i >= end || (p[i] != '"' && p[i] != '\''))
            return fail(x, err, SP_EINVAL, i, "quoted attribute value expected");
        char q = p[i++];
        const char *close = memchr(p + i, q, end - i);
        if (!close)
            return fail(x, err, SP_EINVAL, i, "unterminated attribute value");
        size_t vend = (size_t)(close - p);
        if (memchr(p + i, '<', vend - i))
            return fail(x, err, SP_EINVAL, i, "'<' in attribute value");
        i = vend + 1;
        if (count >= x->lim.max_attrs)
            return fail(x, err, SP_ELIMIT, name_at, "too many attributes");
        for (unsigned k = 0; k < count; k++)
            if (sp_str_eq(seen[k], name))
                return fail(x, err, SP_EINVAL, name_at, "duplicate attribute");
        seen[count++] = name;
    }
    return 0;
}

/* Skips a construct ending in term (comment, PI, CDATA); returns the index
 * after term, or 0 when it never ends. */
static size_t skip_past(const push_xml *x, size_t from, const char *term)
{
    size_t tn = strlen(term);
    const char *hit = memmem(x->buf + from, x->len - from, term, tn);
    return hit ? (size_t)(hit - x->buf) + tn : 0;
}

static bool starts(const push_xml *x, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return x->len - i >= n && memcmp(x->buf + i, lit, n) == 0;
}

/* XML 1.0 §2.3 PubidChar. */
static bool is_pubid_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ' ' || c == '\r' ||
           c == '\n' || (c && strchr("-'()+,./:=?;!*#@$_%", c));
}

static size_t skip_ws(const push_xml *x, size_t i)
{
    while (i < x->len && is_ws(x->buf[i]))
        i++;
    return i;
}

/* A quoted literal at i: its content in *lit, the index after the closing
 * quote returned, 0 when there is none. */
static size_t literal(const push_xml *x, size_t i, sp_str *lit)
{
    if (i >= x->len || (x->buf[i] != '"' && x->buf[i] != '\''))
        return 0;
    const char *close = memchr(x->buf + i + 1, x->buf[i], x->len - i - 1);
    if (!close)
        return 0;
    *lit = sp_str_make(x->buf + i + 1, (size_t)(close - x->buf) - i - 1);
    return (size_t)(close - x->buf) + 1;
}

/* The internal subset from i (after '['): white space, comments and
 * processing instructions only, up to ']'. Returns the index of ']'. */
static int internal_subset(push_xml *x, size_t i, size_t *end, sp_error *err)
{
    for (;;) {
        i = skip_ws(x, i);
        if (i >= x->len)
            return fail(x, err, SP_EINVAL, i, "unterminated internal subset");
        if (x->buf[i] == ']') {
            *end = i;
            return 0;
        }
        size_t after = 0;
        if (starts(x, i, "<!--"))
            after = skip_past(x, i + 4, "-->");
        else if (starts(x, i, "<?"))
            after = skip_past(x, i + 2, "?>");
        else if (starts(x, i, "<!ENTITY"))
            return fail(x, err, SP_EINVAL, i, "entity declarations are not accepted");
        else if (x->buf[i] == '%')
            return fail(x, err, SP_EINVAL, i, "parameter entity references are not accepted");
        else if (starts(x, i, "<!"))
            return fail(x, err, SP_EINVAL, i, "markup declarations are not accepted");
        else
            return fail(x, err, SP_EINVAL, i, "only comments and processing instructions may be in the internal subset");
        if (!after)
            return fail(x, err, SP_EINVAL, i, "unterminated comment or processing instruction");
        i = after;
    }
}

/* XML 1.0 §2.8 doctypedecl, restricted as push_xml.h says. Nothing named
 * here is fetched or expanded: the identifiers are only reported. */
static int doctype(push_xml *x, size_t at, sp_error *err)
{
    push_xml_doctype *d = &x->doctype;
    if (x->root_seen)
        return fail(x, err, SP_EINVAL, at, "DOCTYPE after the root element");
    if (d->present)
        return fail(x, err, SP_EINVAL, at, "second DOCTYPE");
    size_t i = at + 9;
    if (i >= x->len || !is_ws(x->buf[i]))
        return fail(x, err, SP_EINVAL, i, "white space expected after DOCTYPE");
    i = skip_ws(x, i);
    size_t name_at = i;
    i = scan_name(x->buf, i, x->len);
    if (i == name_at)
        return fail(x, err, SP_EINVAL, i, "DOCTYPE name expected");
    d->name = sp_str_make(x->buf + name_at, i - name_at);
    size_t ws = i;
    i = skip_ws(x, i);
    bool pub = starts(x, i, "PUBLIC"), sys = starts(x, i, "SYSTEM");
    if (pub || sys) {
        if (ws == i)
            return fail(x, err, SP_EINVAL, i, "white space expected before the external identifier");
        i += 6;
        if (i >= x->len || !is_ws(x->buf[i]))
            return fail(x, err, SP_EINVAL, i, "white space expected after PUBLIC or SYSTEM");
        i = skip_ws(x, i);
        if (pub) {
            size_t lit_at = i;
            i = literal(x, i, &d->public_id);
            if (!i)
                return fail(x, err, SP_EINVAL, lit_at, "quoted public identifier expected");
            for (size_t k = 0; k < d->public_id.n; k++)
                if (!is_pubid_char(d->public_id.p[k]))
                    return fail(x, err, SP_EINVAL, lit_at + 1 + k, "character not allowed in a public identifier");
            if (i >= x->len || !is_ws(x->buf[i]))
                return fail(x, err, SP_EINVAL, i, "white space expected before the system identifier");
            i = skip_ws(x, i);
        }
        size_t lit_at = i;
        i = literal(x, i, &d->system_id);
        if (!i)
            return fail(x, err, SP_EINVAL, lit_at, "quoted system identifier expected");
        i = skip_ws(x, i);
    }
    if (i < x->len && x->buf[i] == '[') {
        size_t end;
        int rc = internal_subset(x, i + 1, &end, err);
        if (rc)
            return rc;
        d->subset = sp_str_make(x->buf + i + 1, end - i - 1);
        i = skip_ws(x, end + 1);
    }
    if (i >= x->len || x->buf[i] != '>')
        return fail(x, err, SP_EINVAL, i, "'>' expected to end the DOCTYPE");
    d->present = true;
    x->pos = i + 1;
    return 0;
}

static int open_tag(push_xml *x, push_xml_token *t, size_t at, sp_error *err)
{
    const char *p = x->buf;
    size_t n = x->len;
    if (x->root_seen && x->depth == 0)
        return fail(x, err, SP_EINVAL, at, "content after the root element");
    size_t i = scan_name(p, at + 1, n);
    if (i == at + 1)
        return fail(x, err, SP_EINVAL, at, "element name expected");
    sp_str name = sp_str_make(p + at + 1, i - at - 1);
    /* Find the tag's '>' outside quoted values. */
    size_t attrs_at = i;
    char q = 0;
    while (i < n && (q || p[i] != '>')) {
        if (q && p[i] == q)
            q = 0;
        else if (!q && (p[i] == '"' || p[i] == '\''))
            q = p[i];
        else if (!q && p[i] == '<')
            return fail(x, err, SP_EINVAL, i, "'<' inside a tag");
        i++;
    }
    if (i >= n)
        return fail(x, err, SP_EINVAL, at, "unterminated start tag");
    bool empty = p[i - 1] == '/' && i - 1 >= attrs_at;
    size_t attrs_end = empty ? i - 1 : i;
    int rc = check_attrs(x, attrs_at, attrs_end, err);
    if (rc)
        return rc;
    if (x->depth >= x->lim.max_depth)
        return fail(x, err, SP_ELIMIT, at, "elements nested too deeply");
    x->open[x->depth++] = name;
    x->root_seen = true;
    x->pos = i + 1;
    x->pending_close = empty;
    t->kind = PUSH_XML_OPEN;
    t->name = name;
    t->local = local_of(name);
    t->attrs = sp_str_make(p + attrs_at, attrs_end - attrs_at);
    t->depth = x->depth;
    t->offset = at;
    return 0;
}

static int close_tag(push_xml *x, push_xml_token *t, size_t at, sp_error *err)
{
    const char *p = x->buf;
    size_t n = x->len;
    size_t i = scan_name(p, at + 2, n);
    sp_str name = sp_str_make(p + at + 2, i - at - 2);
    while (i < n && is_ws(p[i]))
        i++;
    if (name.n == 0 || i >= n || p[i] != '>')
        return fail(x, err, SP_EINVAL, at, "malformed end tag");
    if (x->depth == 0 || !sp_str_eq(x->open[x->depth - 1], name))
        return fail(x, err, SP_EINVAL, at, "end tag does not match the open element");
    t->kind = PUSH_XML_CLOSE;
    t->name = name;
    t->local = local_of(name);
    t->depth = x->depth--;
    t->offset = at;
    x->pos = i + 1;
    return 0;
}

int push_xml_next(push_xml *x, push_xml_token *t, sp_error *err)
{
    memset(t, 0, sizeof *t);
    if (x->pos > x->len)
        return sp_fail(err, SP_EINVAL, x->len, 400, "document already failed");
    if (x->len > x->lim.max_size)
        return fail(x, err, SP_ELIMIT, x->lim.max_size, "document too large");
    if (x->pending_close) {
        x->pending_close = false;
        t->kind = PUSH_XML_CLOSE;
        t->name = x->open[x->depth - 1];
        t->local = local_of(t->name);
        t->depth = x->depth--;
        t->offset = x->pos;
        return 0;
    }
    const char *p = x->buf;
    size_t n = x->len;
    for (;;) {
        size_t at = x->pos;
        if (at >= n) {
            if (!x->root_seen || x->depth)
                return fail(x, err, SP_EINVAL, n, "document ends before the root element is closed");
            t->kind = PUSH_XML_END;
            t->offset = n;
            return 0;
        }
        if (p[at] != '<') {
            const char *lt = memchr(p + at, '<', n - at);
            size_t end = lt ? (size_t)(lt - p) : n;
            x->pos = end;
            if (x->depth == 0) {
                for (size_t k = at; k < end; k++)
                    if (!is_ws(p[k]))
                        return fail(x, err, SP_EINVAL, k, "text outside the root element");
                continue;
            }
            t->kind = PUSH_XML_TEXT;
            t->text = sp_str_make(p + at, end - at);
            t->depth = x->depth;
            t->offset = at;
            return 0;
        }
        if (starts(x, at, "<!--")) {
            size_t after = skip_past(x, at + 4, "-->");
            if (!after)
                return fail(x, err, SP_EINVAL, at, "unterminated comment");
            x->pos = after;
            continue;
        }
        if (starts(x, at, "<?")) {
            size_t after = skip_past(x, at + 2, "?>");
            if (!after)
                return fail(x, err, SP_EINVAL, at, "unterminated processing instruction");
            x->pos = after;
            continue;
        }
        if (starts(x, at, "<![CDATA[")) {
            if (x->depth == 0)
                return fail(x, err, SP_EINVAL, at, "CDATA outside the root element");
            size_t after = skip_past(x, at + 9, "]]>");
            if (!after)
                return fail(x, err, SP_EINVAL, at, "unterminated CDATA section");
            x->pos = after;
            t->kind = PUSH_XML_TEXT;
            t->text = sp_str_make(p + at + 9, after - 3 - (at + 9));
            t->cdata = true;
            t->depth = x->depth;
            t->offset = at;
            return 0;
        }
        if (x->lim.allow_doctype && starts(x, at, "<!DOCTYPE")) {
            int rc = doctype(x, at, err);
            if (rc)
                return rc;
            continue;
        }
        if (starts(x, at, "<!"))
            return fail(x, err, SP_EINVAL, at, "DOCTYPE and declarations are not accepted");
        if (starts(x, at, "</"))
            return close_tag(x, t, at, err);
        return open_tag(x, t, at, err);
    }
}

bool push_xml_attr_next(sp_str *rest, sp_str *name, sp_str *value)
{
    const char *p = rest->p;
    size_t n = rest->n, i = 0;
    while (i < n && is_ws(p[i]))
        i++;
    size_t name_at = i;
    i = scan_name(p, i, n);
    if (i == name_at) {
        rest->n = 0;
        return false;
    }
    *name = sp_str_make(p + name_at, i - name_at);
    while (i < n && p[i] != '"' && p[i] != '\'')
        i++;
    if (i >= n) {
        rest->n = 0;
        return false;
    }
    char q = p[i++];
    const char *close = memchr(p + i, q, n - i);
    if (!close) {
        rest->n = 0;
        return false;
    }
    *value = sp_str_make(p + i, (size_t)(close - (p + i)));
    size_t used = (size_t)(close - p) + 1;
    rest->p = p + used;
    rest->n = n - used;
    return true;
}

bool push_xml_attr_find(sp_str attrs, const char *name, sp_str *value)
{
    sp_str rest = attrs, n, v;
    while (push_xml_attr_next(&rest, &n, &v))
        if (sp_str_eq(local_of(n), sp_str_cstr(name))) {
            *value = v;
            return true;
        }
    return false;
}

/* XML 1.0 §2.2 Char: no NUL or other C0 control but TAB, LF, CR; no
 * surrogates, U+FFFE, U+FFFF or beyond U+10FFFF. */
static bool xml_char_ok(unsigned long c)
{
    if (c < 0x20)
        return c == 0x9 || c == 0xA || c == 0xD;
    if (c >= 0xD800 && c <= 0xDFFF)
        return false;
    return c != 0xFFFE && c != 0xFFFF && c <= 0x10FFFF;
}

static size_t put_utf8(unsigned long c, char *out, size_t cap, size_t o)
{
    char b[4];
    size_t k;
    if (c < 0x80)
        b[0] = (char)c, k = 1;
    else if (c < 0x800)
        b[0] = (char)(0xC0 | (c >> 6)), b[1] = (char)(0x80 | (c & 0x3F)), k = 2;
    else if (c < 0x10000)
        b[0] = (char)(0xE0 | (c >> 12)), b[1] = (char)(0x80 | ((c >> 6) & 0x3F)), b[2] = (char)(0x80 | (c & 0x3F)),
        k = 3;
    else
        b[0] = (char)(0xF0 | (c >> 18)), b[1] = (char)(0x80 | ((c >> 12) & 0x3F)),
        b[2] = (char)(0x80 | ((c >> 6) & 0x3F)), b[3] = (char)(0x80 | (c & 0x3F)), k = 4;
    if (cap - o < k)
        return (size_t)-1;
    memcpy(out + o, b, k);
    return o + k;
}

size_t push_xml_decode(sp_str raw, char *out, size_t cap)
{
    static const struct { const char *name; char c; } named[] = {
        {"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''},
    };
    size_t o = 0;
    for (size_t i = 0; i < raw.n;) {
        if (raw.p[i] != '&') {
            if (o >= cap)
                return (size_t)-1;
            out[o++] = raw.p[i++];
            continue;
        }
        const char *semi = memchr(raw.p + i, ';', raw.n - i);
        if (!semi)
            return (size_t)-1;
        sp_str ref = sp_str_make(raw.p + i + 1, (size_t)(semi - raw.p) - i - 1);
        i = (size_t)(semi - raw.p) + 1;
        if (ref.n >= 2 && ref.p[0] == '#') {
            bool hex = ref.p[1] == 'x';
            size_t k = hex ? 2 : 1;
            if (k >= ref.n)
                return (size_t)-1;
            unsigned long c = 0;
            for (; k < ref.n; k++) {
                int d = hex ? sp_hex_digit(ref.p[k]) : (ref.p[k] >= '0' && ref.p[k] <= '9' ? ref.p[k] - '0' : -1);
                if (d < 0)
                    return (size_t)-1;
                c = c * (hex ? 16 : 10) + (unsigned long)d;
                if (c > 0x10FFFF)
                    return (size_t)-1;
            }
            if (!xml_char_ok(c))
                return (size_t)-1;
            o = put_utf8(c, out, cap, o);
            if (o == (size_t)-1)
                return o;
            continue;
        }
        size_t k = 0;
        while (k < sizeof named / sizeof named[0] && !sp_str_eq(ref, sp_str_cstr(named[k].name)))
            k++;
        if (k == sizeof named / sizeof named[0] || o >= cap)
            return (size_t)-1;
        out[o++] = named[k].c;
    }
    return o;
}
