/* sip_auth_hdr.c - challenges and credentials (RFC 3261 §20.7, §20.27,
 * §20.44, §25; RFC 2617 §1.2): auth-scheme LWS auth-param *(COMMA auth-param). */
#include "sip_hdr.h"

#include "sip_lex_impl.h"

/* auth-param = token EQUAL ( token / quoted-string ) at p[i]; returns its end
 * (white space after it skipped). */
static size_t auth_param(const char *p, size_t i, size_t n, sp_str *name, sp_str *value, sip_lex_err *e)
{
    size_t start = i;
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == start)
        return sip_lex_fail(e, i, "expected auth-param name");
    *name = sip_slice(p, start, i);
    i = sip_skip_ws(p, i, n);
    if (i >= n || p[i] != '=')
        return sip_lex_fail(e, i, "expected '=' in auth-param");
    size_t v = i = sip_skip_ws(p, i + 1, n);
    if (i < n && p[i] == '"')
        i = sip_scan_quoted(p, i, n, e);
    else
        i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == SIP_LEX_BAD)
        return i;
    if (i == v)
        return sip_lex_fail(e, i, "expected auth-param value");
    *value = sip_slice(p, v, i);
    return sip_skip_ws(p, i, n);
}

int sip_auth_parse(sp_str value, sip_auth *auth, sp_error *err)
{
    const char *p = value.p;
    size_t n = value.n;
    sip_lex_err e;
    *auth = (sip_auth){0};
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    size_t i = sip_skip_ws(p, 0, n), start = i;
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == start)
        return sip_hdr_fail(err, i, "expected auth scheme");
    auth->scheme = sip_slice(p, start, i);
    size_t first = sip_skip_ws(p, i, n);
    if (first == i || first == n)
        return sip_hdr_fail(err, i, "expected auth-params after the scheme");
    i = first;
    for (;;) {
        sp_str name, v;
        i = auth_param(p, i, n, &name, &v, &e);
        if (i == SIP_LEX_BAD)
            return sip_hdr_fail(err, e.at, e.why);
        if (i == n)
            break;
        if (p[i] != ',')
            return sip_hdr_fail(err, i, "expected ',' between auth-params");
        i = sip_skip_ws(p, i + 1, n);
    }
    auth->params = sip_slice(p, first, n);
    return 0;
}

bool sip_auth_param(const sip_auth *auth, const char *name, sp_str *value)
{
    sp_str want = sp_str_cstr(name), rest = auth->params, item;
    while (sip_list_next(&rest, &item)) {
        sip_lex_err e;
        sp_str pname, pvalue;
        if (auth_param(item.p, 0, item.n, &pname, &pvalue, &e) == SIP_LEX_BAD)
            continue;
        if (sp_str_caseeq(pname, want)) {
            if (value)
                *value = sip_unquote(pvalue);
            return true;
        }
    }
    return false;
}
