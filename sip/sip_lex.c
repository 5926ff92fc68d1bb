/* sip_lex.c - the character table and the scanning steps shared by the SIP
 * value parsers (RFC 3261 §25.1). */
#include "sip_lex_impl.h"

/* Bit i is set when the character belongs to class i of sip_lex_impl.h; the
 * unit tests check every entry against the grammar's character lists. */
const uint16_t sip_ctype[256] = {
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x4002, 0x4002, 0x0000, 0x0000, 0x4002, 0x0000, 0x0000,
    0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000, 0x0000,
    0x4002, 0x7fc1, 0x0800, 0x4000, 0x5780, 0x6801, 0x5380, 0x7fc1, 0x5fc0, 0x5fc0, 0x7fc1, 0x7f81, 0x5180, 0xffc1, 0xffc1, 0x5e80,
    0xffed, 0xffed, 0xffed, 0xffed, 0xffed, 0xffed, 0xffed, 0xffed, 0xffed, 0xffed, 0x7e00, 0x5080, 0x4800, 0x5180, 0x4800, 0x5c80,
    0x5000, 0xfff9, 0xfff9, 0xfff9, 0xfff9, 0xfff9, 0xfff9, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1,
    0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0x7e00, 0x0800, 0x7e00, 0x4000, 0x7fc1,
    0x6801, 0xfff9, 0xfff9, 0xfff9, 0xfff9, 0xfff9, 0xfff9, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1,
    0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0xfff1, 0x4800, 0x4000, 0x4800, 0x7fc1, 0x0000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
    0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000, 0x4000,
};

size_t sip_span_escaped_from(const char *p, size_t i, size_t n, unsigned cls, sip_lex_err *e)
{
    while (i < n) {
        if (sip_is(p[i], cls)) {
            i++;
        } else if (p[i] == '%') {
            if (n - i < 3 || !sip_is(p[i + 1], SIP_C_HEX) || !sip_is(p[i + 2], SIP_C_HEX))
                return sip_lex_fail(e, i, "malformed %-escape");
            i += 3;
        } else {
            break;
        }
    }
    return i;
}

size_t sip_scan_quoted(const char *p, size_t i, size_t n, sip_lex_err *e)
{
    size_t open = i++;
    while (i < n) {
        i = sip_span(p, i, n, SIP_C_QDTEXT);
        if (i == n)
            break;
        char c = p[i];
        if (c == '"') {
            return i + 1;
        } else if (c == '\\') {
            /* quoted-pair: anything but CR and LF (§25.1) */
            if (i + 1 >= n)
                break;
            if (p[i + 1] == '\r' || p[i + 1] == '\n')
                return sip_lex_fail(e, i + 1, "CR or LF escaped in quoted string");
            i += 2;
        } else {
            return sip_lex_fail(e, i, "control character in quoted string");
        }
    }
    return sip_lex_fail(e, open, "unterminated quoted string");
}

size_t sip_scan_param(const char *p, size_t i, size_t n, sip_param *prm, sip_lex_err *e)
{
    i = sip_skip_ws(p, i, n);
    size_t start = i;
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == start)
        return sip_lex_fail(e, i, "expected parameter name");
    prm->name = sip_slice(p, start, i);
    prm->value = SP_STR_NULL;
    i = sip_skip_ws(p, i, n);
    if (i < n && p[i] == '=') {
        i = sip_skip_ws(p, i + 1, n);
        size_t v = i;
        if (i < n && p[i] == '"')
            i = sip_scan_quoted(p, i, n, e);
        else
            i = sip_span(p, i, n, SIP_C_GVAL);
        if (i == SIP_LEX_BAD)
            return i;
        if (i == v)
            return sip_lex_fail(e, i, "expected parameter value");
        prm->value = sip_slice(p, v, i);
        i = sip_skip_ws(p, i, n);
    }
    return i;
}

size_t sip_scan_params(const char *p, size_t i, size_t n, sp_str *params, sip_lex_err *e)
{
    *params = SP_STR_NULL;
    if (i == n)
        return n;
    if (p[i] != ';')
        return sip_lex_fail(e, i, "expected ';' before parameter");
    size_t first = sip_skip_ws(p, i + 1, n);
    while (i < n) {
        if (p[i] != ';')
            return sip_lex_fail(e, i, "expected ';' between parameters");
        sip_param prm;
        i = sip_scan_param(p, i + 1, n, &prm, e);
        if (i == SIP_LEX_BAD)
            return i;
    }
    *params = sp_str_trim(sip_slice(p, first, n));
    return n;
}

/* IPv4address with each part 0..255 (RFC 3986 §3.2.2 dec-octet, leading
 * zeros tolerated): four parts of one to three digits, in one pass. */
static bool ipv4_valid(const char *p, size_t n)
{
    unsigned dots = 0, digits = 0, v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)p[i] - (unsigned)'0';
        if (d < 10) {
            if (++digits > 3)
                return false;
            v = v * 10 + d;
        } else if (p[i] == '.' && digits && v <= 255 && ++dots < 4) {
            digits = v = 0;
        } else {
            return false;
        }
    }
    return dots == 3 && digits && v <= 255;
}

bool sip_ipv6_valid(const char *p, size_t n)
{
    size_t i = 0;
    unsigned groups = 0;
    bool elided = false;
    if (n >= 2 && p[0] == ':' && p[1] == ':') {
        elided = true;
        i = 2;
    }
    while (i < n) {
        size_t start = i;
        while (i < n && i - start < 5 && sip_is(p[i], SIP_C_HEX))
            i++;
        if (i < n && p[i] == '.') {
            /* the trailing IPv4address counts as two groups */
            if (!ipv4_valid(p + start, n - start))
                return false;
            groups += 2;
            i = n;
            break;
        }
        if (i == start || i - start > 4)
            return false;
        groups++;
        if (i == n)
            break;
        if (p[i] != ':' || i + 1 == n)
            return false;
        i++;
        if (p[i] == ':') {
            if (elided)
                return false;
            elided = true;
            i++;
        }
    }
    return elided ? groups <= 7 : groups == 8;
}

size_t sip_scan_host(const char *p, size_t i, size_t n, sip_host_type *type, sip_lex_err *e)
{
    size_t start = i;
    if (i < n && p[i] == '[') {
        i++;
        while (i < n && (sip_is(p[i], SIP_C_HEX) || p[i] == ':' || p[i] == '.'))
            i++;
        if (i >= n || p[i] != ']' || !sip_ipv6_valid(p + start + 1, i - start - 1))
            return sip_lex_fail(e, start, "malformed IPv6 reference");
        *type = SIP_HOST_IPV6;
        return i + 1;
    }
    /* hostname = *( domainlabel "." ) toplabel [ "." ]: labels start and end
     * with alphanum and the top label starts with a letter (§25.1). Letters
     * and digits are spanned in bulk; only a label's ends need checking. */
    size_t label = i, prev = i;
    bool labels_ok = true;
    for (;;) {
        i = sip_span(p, i, n, SIP_C_ALNUM);
        if (i == n)
            break;
        if (p[i] == '.') {
            labels_ok &= i != label && p[label] != '-' && p[i - 1] != '-';
            prev = label;
            label = i + 1;
        } else if (p[i] != '-') {
            break;
        }
        i++;
    }
    if (i == start)
        return sip_lex_fail(e, start, "expected host");
    size_t top = label == i ? prev : label; /* after one trailing '.', the label before it */
    if (!sip_is(p[top], SIP_C_ALPHA)) {
        /* no letter there: an IPv4address, or nothing valid (a host of only
         * digits and dots is judged as an address) */
        if (ipv4_valid(p + start, i - start)) {
            *type = SIP_HOST_IPV4;
            return i;
        }
        size_t k = start;
        while (k < i && (sip_is(p[k], SIP_C_DIGIT) || p[k] == '.'))
            k++;
        return sip_lex_fail(e, start, k == i ? "malformed IPv4 address" : "malformed host name");
    }
    if (!labels_ok || p[i - 1] == '-')
        return sip_lex_fail(e, start, "malformed host name");
    *type = SIP_HOST_NAME;
    return i;
}
