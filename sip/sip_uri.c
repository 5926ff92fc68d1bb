/* sip_uri.c - parsing SIP, SIPS and TEL URIs (RFC 3261 §19.1, §25; RFC 3966
 * §3), other schemes kept opaque. */
#include "sip_uri.h"

#include "sip_lex_impl.h"

static int uri_fail(sp_error *err, const sip_lex_err *e) { return sip_hdr_fail(err, e->at, e->why); }

/* uri-parameters: *( ";" pname [ "=" pvalue ] ), both 1*paramchar. */
static size_t scan_uri_params(const char *p, size_t i, size_t n, sip_lex_err *e)
{
    while (i < n && p[i] == ';') {
        size_t name = ++i;
        i = sip_span_escaped(p, i, n, SIP_C_PARAM, e);
        if (i == SIP_LEX_BAD)
            return i;
        if (i == name)
            return sip_lex_fail(e, i, "empty URI parameter name");
        if (i < n && p[i] == '=') {
            size_t value = ++i;
            i = sip_span_escaped(p, i, n, SIP_C_PARAM, e);
            if (i == SIP_LEX_BAD)
                return i;
            if (i == value)
                return sip_lex_fail(e, i, "empty URI parameter value");
        }
    }
    return i;
}

/* headers: "?" hname "=" hvalue *( "&" hname "=" hvalue ); i is after '?'. */
static size_t scan_uri_headers(const char *p, size_t i, size_t n, sip_lex_err *e)
{
    for (;;) {
        size_t name = i;
        i = sip_span_escaped(p, i, n, SIP_C_HNV, e);
        if (i == SIP_LEX_BAD)
            return i;
        if (i == name)
            return sip_lex_fail(e, i, "empty URI header name");
        if (i >= n || p[i] != '=')
            return sip_lex_fail(e, i, "expected '=' in URI header");
        i = sip_span_escaped(p, i + 1, n, SIP_C_HNV, e);
        if (i == SIP_LEX_BAD || i >= n || p[i] != '&')
            return i;
        i++;
    }
}

static int parse_sip_hostport(const char *p, size_t i, size_t n, sip_uri *uri, sp_error *err);

static int parse_sip(const char *p, size_t i, size_t n, sip_uri *uri, sp_error *err)
{
    sip_lex_err e;
    /* Usually the userinfo runs straight to its '@': spanned once, with no
     * search for the '@' first. Neither user nor password characters
     * include '@', so the '@' such a span stops at is the first one, as the
     * search below would find. Anything else takes the search. */
    size_t j = sip_span_escaped(p, i, n, SIP_C_USER, &e), k = j;
    if (j != SIP_LEX_BAD && j < n && p[j] == ':')
        k = sip_span_escaped(p, j + 1, n, SIP_C_PASS, &e);
    if (k != SIP_LEX_BAD && k < n && p[k] == '@') {
        if (j == i)
            return sip_hdr_fail(err, i, "empty user in URI");
        uri->user = sip_slice(p, i, j);
        if (k != j)
            uri->password = sip_slice(p, j + 1, k);
        i = k + 1;
        return parse_sip_hostport(p, i, n, uri, err);
    }
    /* '@' appears nowhere in a SIP URI but after the userinfo (§25.1) */
    const char *at = memchr(p + i, '@', n - i);
    if (at) {
        size_t end = (size_t)(at - p);
        j = sip_span_escaped(p, i, end, SIP_C_USER, &e);
        if (j == SIP_LEX_BAD)
            return uri_fail(err, &e);
        if (j == i)
            return sip_hdr_fail(err, i, "empty user in URI");
        uri->user = sip_slice(p, i, j);
        if (j < end && p[j] == ':') {
            k = sip_span_escaped(p, j + 1, end, SIP_C_PASS, &e);
            if (k == SIP_LEX_BAD)
                return uri_fail(err, &e);
            uri->password = sip_slice(p, j + 1, k);
            j = k;
        }
        if (j != end)
            return sip_hdr_fail(err, j, "bad character in URI userinfo");
        i = end + 1;
    }
    return parse_sip_hostport(p, i, n, uri, err);
}

/* hostport [uri-parameters] [headers] from p[i] to the end. */
static int parse_sip_hostport(const char *p, size_t i, size_t n, sip_uri *uri, sp_error *err)
{
    sip_lex_err e;
    size_t h = i;
    i = sip_scan_host(p, i, n, &uri->host_type, &e);
    if (i == SIP_LEX_BAD)
        return uri_fail(err, &e);
    uri->host = sip_slice(p, h, i);
    if (i < n && p[i] == ':') {
        i = sip_scan_port(p, i + 1, n, &uri->port, &e);
        if (i == SIP_LEX_BAD)
            return uri_fail(err, &e);
        uri->has_port = true;
    }
    if (i < n && p[i] == ';') {
        size_t start = i + 1;
        i = scan_uri_params(p, i, n, &e);
        if (i == SIP_LEX_BAD)
            return uri_fail(err, &e);
        uri->params = sip_slice(p, start, i);
    }
    if (i < n && p[i] == '?') {
        size_t start = i + 1;
        i = scan_uri_headers(p, start, n, &e);
        if (i == SIP_LEX_BAD)
            return uri_fail(err, &e);
        uri->headers = sip_slice(p, start, i);
    }
    if (i != n)
        return sip_hdr_fail(err, i, "unexpected character in URI");
    return 0;
}

size_t sip_uri_scan_angled(const char *p, size_t i, size_t n, sip_uri *uri)
{
    sip_lex_err e;
    if (n - i < 5 || (p[i] | 0x20) != 's' || (p[i + 1] | 0x20) != 'i' || (p[i + 2] | 0x20) != 'p' || p[i + 3] != ':')
        return 0;
    size_t u = i + 4, h = u;
    size_t j = sip_span_escaped(p, u, n, SIP_C_USER, &e);
    if (j == SIP_LEX_BAD || j == n)
        return 0;
    if (p[j] == '@') {
        if (j == u)
            return 0;
        uri->user = sip_slice(p, u, j);
        h = j + 1;
    } else if (p[j] == ':') {
        /* host ":" port, unless a password and '@' follow (left to the
         * general reading) */
        size_t k = sip_span_escaped(p, j + 1, n, SIP_C_PASS, &e);
        if (k == SIP_LEX_BAD || (k < n && p[k] == '@'))
            return 0;
    }
    size_t t = sip_scan_host(p, h, n, &uri->host_type, &e);
    if (t == SIP_LEX_BAD || t == n)
        return 0;
    uri->host = sip_slice(p, h, t);
    if (p[t] == ':') {
        t = sip_scan_port(p, t + 1, n, &uri->port, &e);
        if (t == SIP_LEX_BAD || t == n)
            return 0;
        uri->has_port = true;
    }
    if (p[t] == ';') {
        size_t start = t + 1;
        t = scan_uri_params(p, t, n, &e);
        if (t == SIP_LEX_BAD || t == n)
            return 0;
        uri->params = sip_slice(p, start, t);
    }
    if (p[t] != '>')
        return 0;
    uri->scheme_str = sip_slice(p, i, i + 3);
    uri->scheme = SIP_URI_SIP;
    return t;
}

static bool tel_visual(char c) { return c == '-' || c == '.' || c == '(' || c == ')'; }

/* telephone-subscriber (RFC 3966 §3): a global number "+" with digits, or a
 * local one (hex digits, '*', '#') that needs a phone-context parameter. */
static int parse_tel(const char *p, size_t i, size_t n, sip_uri *uri, sp_error *err)
{
    size_t start = i;
    bool global = i < n && p[i] == '+';
    bool digits = false;
    if (global)
        i++;
    for (; i < n && p[i] != ';'; i++) {
        char c = p[i];
        if (sip_is(c, SIP_C_DIGIT) || (!global && (sip_is(c, SIP_C_HEX) || c == '*' || c == '#')))
            digits = true;
        else if (!tel_visual(c))
            return sip_hdr_fail(err, i, "bad character in telephone number");
    }
    if (!digits)
        return sip_hdr_fail(err, start, "telephone number without digits");
    uri->user = sip_slice(p, start, i);
    bool context = false;
    if (i < n) {
        uri->params = sip_slice(p, i + 1, n);
        while (i < n) {
            /* pname = 1*( alphanum / "-" ); pvalue = 1*paramchar */
            size_t name = ++i;
            while (i < n && (sip_is(p[i], SIP_C_ALNUM) || p[i] == '-'))
                i++;
            if (i == name)
                return sip_hdr_fail(err, i, "empty tel URI parameter name");
            if (SIP_NAME_IS(sip_slice(p, name, i), "phone-context"))
                context = true;
            if (i < n && p[i] == '=') {
                sip_lex_err e;
                size_t value = ++i;
                i = sip_span_escaped(p, i, n, SIP_C_PARAM, &e);
                if (i == SIP_LEX_BAD)
                    return uri_fail(err, &e);
                if (i == value)
                    return sip_hdr_fail(err, i, "empty tel URI parameter value");
            }
            if (i < n && p[i] != ';')
                return sip_hdr_fail(err, i, "unexpected character in tel URI");
        }
    }
    if (!global && !context)
        return sip_hdr_fail(err, start, "local telephone number without phone-context");
    return 0;
}

int sip_uri_parse(sp_str s, sip_uri *uri, sp_error *err)
{
    *uri = (sip_uri){0};
    return sip_uri_parse_zeroed(s, uri, err);
}

int sip_uri_parse_zeroed(sp_str s, sip_uri *uri, sp_error *err)
{
    const char *p = s.p;
    size_t n = s.n;
    /* scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
    if (n == 0 || !sip_is(p[0], SIP_C_ALPHA))
        return sip_hdr_fail(err, 0, "expected URI scheme");
    size_t i = 1;
    if (n > 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' && p[3] == ':') {
        /* the usual "sip:", read without the loop below */
        uri->scheme_str = sip_slice(p, 0, 3);
        uri->scheme = SIP_URI_SIP;
        return parse_sip(p, 4, n, uri, err);
    } else {
        while (i < n && (sip_is(p[i], SIP_C_ALNUM) || p[i] == '+' || p[i] == '-' || p[i] == '.'))
            i++;
        if (i >= n || p[i] != ':')
            return sip_hdr_fail(err, i, "expected ':' after URI scheme");
    }
    uri->scheme_str = sip_slice(p, 0, i);
    i++;
    if (SIP_NAME_IS(uri->scheme_str, "sip"))
        uri->scheme = SIP_URI_SIP;
    else if (SIP_NAME_IS(uri->scheme_str, "sips"))
        uri->scheme = SIP_URI_SIPS;
    else if (SIP_NAME_IS(uri->scheme_str, "tel"))
        uri->scheme = SIP_URI_TEL;
    else
        uri->scheme = SIP_URI_OTHER;

    switch (uri->scheme) {
    case SIP_URI_SIP:
    case SIP_URI_SIPS:
        return parse_sip(p, i, n, uri, err);
    case SIP_URI_TEL:
        return parse_tel(p, i, n, uri, err);
    default: {
        /* absoluteURI: 1*uric after the scheme (§25.1) */
        sip_lex_err e;
        size_t end = sip_span_escaped(p, i, n, SIP_C_URIC, &e);
        if (end == SIP_LEX_BAD)
            return uri_fail(err, &e);
        if (end == i)
            return sip_hdr_fail(err, i, "empty URI after scheme");
        if (end != n)
            return sip_hdr_fail(err, end, "unexpected character in URI");
        uri->opaque = sip_slice(p, i, n);
        return 0;
    }
    }
}

bool sip_uri_param(const sip_uri *uri, const char *name, sp_str *value)
{
    sp_str want = sp_str_cstr(name);
    const char *p = uri->params.p;
    size_t n = uri->params.n, i = 0;
    if (!p)
        return false;
    while (i <= n) {
        size_t start = i, eq = SIZE_MAX;
        while (i < n && p[i] != ';') {
            if (p[i] == '=' && eq == SIZE_MAX)
                eq = i;
            i++;
        }
        size_t name_end = eq == SIZE_MAX ? i : eq;
        if (sp_str_caseeq(sip_slice(p, start, name_end), want)) {
            if (value)
                *value = eq == SIZE_MAX ? SP_STR_NULL : sip_slice(p, eq + 1, i);
            return true;
        }
        i++;
    }
    return false;
}

size_t sp_pct_decode(sp_str in, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < in.n; i++) {
        char c = in.p[i];
        if (c == '%') {
            if (in.n - i < 3 || !sip_is(in.p[i + 1], SIP_C_HEX) || !sip_is(in.p[i + 2], SIP_C_HEX))
                return (size_t)-1;
            c = (char)(sip_hexval(in.p[i + 1]) << 4 | sip_hexval(in.p[i + 2]));
            i += 2;
        }
        if (o == cap)
            return (size_t)-1;
        out[o++] = c;
    }
    return o;
}
