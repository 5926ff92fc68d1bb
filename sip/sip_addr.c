/* sip_addr.c - name-addr / addr-spec values with their header parameters
 * (RFC 3261 §20.10, §20.20, §20.39, §25; Contact: *). */
#include "sip_hdr.h"

#include "sip_lex_impl.h"
#include "sip_zero_impl.h"

/* Parses the URI at p[a..b) (addr->uri is still zeroed) and moves an
 * error's offset to the value's. */
static int addr_uri(const char *p, size_t a, size_t b, sip_addr *addr, sp_error *err)
{
    addr->uri_str = sip_slice(p, a, b);
    if (sip_uri_parse_zeroed(addr->uri_str, &addr->uri, err) != 0) {
        if (err)
            err->offset += a;
        return SP_EINVAL;
    }
    return 0;
}

/* Header parameters after the URI; the tag must be a token and unique. */
static int addr_params(const char *p, size_t i, size_t n, sip_addr *addr, sp_error *err)
{
    sip_lex_err e;
    if (p[i] != ';')
        return sip_hdr_fail(err, i, "unexpected character after address");
    size_t first = sip_skip_ws(p, i + 1, n);
    while (i < n) {
        if (p[i] != ';')
            return sip_hdr_fail(err, i, "expected ';' between parameters");
        sip_param prm;
        size_t at = sip_skip_ws(p, i + 1, n);
        i = sip_scan_param_fast(p, at, n, &prm, &e);
        if (i == SIP_LEX_BAD)
            return sip_hdr_fail(err, e.at, e.why);
        if (SIP_NAME_IS(prm.name, "tag")) {
            sp_str v = prm.value;
            if (!v.p || sip_span(v.p, 0, v.n, SIP_C_TOKEN) != v.n)
                return sip_hdr_fail(err, at, "tag is not a token");
            if (addr->tag.p)
                return sip_hdr_fail(err, at, "duplicate tag");
            addr->tag = v;
        }
    }
    addr->params = sip_slice(p, first, n);
    return 0;
}

/* The header parameters of addr_fast(): ";name[=value]" each right after
 * the last, the value a token, a gen-value or a quoted string. A token
 * span that ends at ';' or the end is the gen-value span too (';' is no
 * gen-value character), so the tag's token test comes with it. */
static bool addr_params_fast(const char *p, size_t i, size_t n, sip_addr *addr)
{
    size_t first = i + 1;
    while (i < n) {
        if (p[i] != ';')
            return false;
        size_t at = i + 1, j = sip_span(p, at, n, SIP_C_TOKEN);
        if (j == at)
            return false;
        sp_str name = sip_slice(p, at, j);
        sp_str v = SP_STR_NULL;
        bool token = false;
        if (j < n && p[j] == '=') {
            size_t start = j + 1, k;
            if (start < n && p[start] == '"') {
                sip_lex_err e;
                k = sip_scan_quoted(p, start, n, &e);
                if (k == SIP_LEX_BAD)
                    return false;
            } else {
                k = sip_span(p, start, n, SIP_C_TOKEN);
                token = true;
                if (k < n && p[k] != ';') {
                    token = false;
                    k = sip_span(p, k, n, SIP_C_GVAL);
                }
                if (k == start)
                    return false;
            }
            v = sip_slice(p, start, k);
            j = k;
        }
        if (j < n && p[j] != ';')
            return false;
        if (SIP_NAME_IS(name, "tag")) {
            if (!token || addr->tag.p)
                return false;
            addr->tag = v;
        }
        i = j;
    }
    addr->params = sip_slice(p, first, n);
    return true;
}

/* The usual shapes, "<sip:...>" and "\"Name\" <sip:...>", each followed by
 * nothing or by header parameters, white space only between the name and
 * the '<': addr filled as the general reading fills it; false for
 * anything else, which that reading then takes from the value's start
 * (so errors are only ever its own). */
static bool addr_fast(const char *p, size_t n, sip_addr *addr)
{
    size_t i = 0;
    if (n == 0)
        return false;
    if (p[0] == '"') {
        sip_lex_err e;
        size_t d = sip_scan_quoted(p, 0, n, &e);
        if (d == SIP_LEX_BAD)
            return false;
        i = sip_skip_ws(p, d, n);
        if (i == n || p[i] != '<')
            return false;
        addr->display = sip_slice(p, 0, d);
    } else if (p[0] != '<') {
        return false;
    }
    size_t close = sip_uri_scan_angled(p, i + 1, n, &addr->uri);
    if (!close)
        return false;
    addr->uri_str = sip_slice(p, i + 1, close);
    return close + 1 == n || addr_params_fast(p, close + 1, n, addr);
}

int sip_addr_parse(sp_str value, sip_addr *addr, sp_error *err)
{
    const char *p = value.p;
    size_t n = value.n;
    sip_zero(addr, sizeof *addr);
    if (addr_fast(p, n, addr))
        return 0;
    sip_zero(addr, sizeof *addr);
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    size_t i = sip_skip_ws(p, 0, n);
    if (i == n)
        return sip_hdr_fail(err, i, "empty address");
    if (p[i] == '*' && sip_skip_ws(p, i + 1, n) == n) {
        addr->star = true; /* Contact: * (§20.10), alone in the value */
        return 0;
    }

    size_t d = i;
    if (p[i] == '"') {
        sip_lex_err e;
        i = sip_scan_quoted(p, i, n, &e);
        if (i == SIP_LEX_BAD)
            return sip_hdr_fail(err, e.at, e.why);
        addr->display = sip_slice(p, d, i);
        i = sip_skip_ws(p, i, n);
    } else {
        /* display-name = *(token LWS), unless the first token is a scheme */
        size_t dend = d;
        for (;;) {
            size_t t = i;
            i = sip_span(p, i, n, SIP_C_TOKEN);
            if (i == t)
                break;
            if (t == d && i < n && p[i] == ':') {
                /* addr-spec: parameters after it belong to the header (§20.10) */
                size_t end = i;
                while (end < n && p[end] != ';' && !sip_is(p[end], SIP_C_WS))
                    end++;
                if (addr_uri(p, d, end, addr, err) != 0)
                    return SP_EINVAL;
                i = sip_skip_ws(p, end, n);
                return i == n ? 0 : addr_params(p, i, n, addr, err);
            }
            dend = i;
            i = sip_skip_ws(p, i, n);
        }
        if (dend > d)
            addr->display = sip_slice(p, d, dend);
    }
    if (i >= n || p[i] != '<')
        return sip_hdr_fail(err, i, "expected '<' or a URI");
    const char *gt = memchr(p + i + 1, '>', n - i - 1);
    if (!gt)
        return sip_hdr_fail(err, i, "missing '>'");
    size_t close = (size_t)(gt - p);
    if (addr_uri(p, i + 1, close, addr, err) != 0)
        return SP_EINVAL;
    i = sip_skip_ws(p, close + 1, n);
    return i == n ? 0 : addr_params(p, i, n, addr, err);
}
