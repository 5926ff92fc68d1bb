/* msrp_uri.c - MSRP URIs (RFC 4975 §6, §9; authority per RFC 3986 §3.2). */
#include "msrp_uri.h"

#include <string.h>

#include "msrp_chars_impl.h"
#include "sp_hex.h"

/* dec-octet "." dec-octet "." dec-octet "." dec-octet (RFC 3986 §3.2.2). */
static bool parse_ipv4(sp_str s, uint8_t out[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part && (i >= s.n || s.p[i++] != '.'))
            return false;
        size_t start = i;
        unsigned v = 0;
        while (i < s.n && s.p[i] >= '0' && s.p[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s.p[i++] - '0');
        /* no leading zeros: "01" is not a dec-octet */
        if (i == start || v > 255 || (i - start > 1 && s.p[start] == '0'))
            return false;
        out[part] = (uint8_t)v;
    }
    return i == s.n;
}

/* IPv6address of RFC 3986 §3.2.2: up to 8 groups, one "::", an IPv4 tail. */
static bool parse_ipv6(sp_str s, uint8_t out[16])
{
    uint16_t g[8];
    int n = 0, gap = -1;
    size_t i = 0;
    if (s.n >= 2 && s.p[0] == ':' && s.p[1] == ':') {
        gap = 0;
        i = 2;
    } else if (s.n && s.p[0] == ':') {
        return false;
    }
    while (i < s.n) {
        if (n == 8)
            return false;
        size_t start = i;
        unsigned v = 0;
        while (i < s.n && i - start < 4 && sp_hex_digit(s.p[i]) >= 0)
            v = v * 16 + (unsigned)sp_hex_digit(s.p[i++]);
        if (i < s.n && s.p[i] == '.') {
            uint8_t v4[4];
            if (n > 6 || !parse_ipv4(sp_str_make(s.p + start, s.n - start), v4))
                return false;
            g[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
            g[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
            i = s.n;
            break;
        }
        if (i == start)
            return false;
        g[n++] = (uint16_t)v;
        if (i == s.n)
            break;
        if (s.p[i] != ':')
            return false;
        i++;
        if (i < s.n && s.p[i] == ':') {
            if (gap >= 0)
                return false;
            gap = n;
            i++;
        } else if (i == s.n) {
            return false; /* a trailing single ':' */
        }
    }
    if (gap < 0 ? n != 8 : n > 7)
        return false;
    memset(out, 0, 16);
    int tail = gap < 0 ? 0 : n - gap, head = gap < 0 ? n : gap;
    for (int k = 0; k < head; k++)
        out[2 * k] = (uint8_t)(g[k] >> 8), out[2 * k + 1] = (uint8_t)g[k];
    for (int k = 0; k < tail; k++) {
        int at = 8 - tail + k;
        out[2 * at] = (uint8_t)(g[gap + k] >> 8), out[2 * at + 1] = (uint8_t)g[gap + k];
    }
    return true;
}

/* Checks s for class cls and well-formed %HH escapes; returns the offset of
 * the first bad byte, or s.n. */
static size_t check_chars(sp_str s, int cls)
{
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (!msrp_is(c, cls))
            return i;
        if (c == '%' && (i + 2 >= s.n || sp_hex_digit(s.p[i + 1]) < 0 || sp_hex_digit(s.p[i + 2]) < 0))
            return i;
    }
    return s.n;
}

int msrp_uri_parse(const char *buf, size_t len, msrp_uri *u, sp_error *err)
{
    memset(u, 0, sizeof *u);
    size_t i = 0;
    while (i < len && buf[i] != ':')
        i++;
    sp_str scheme = sp_str_make(buf, i);
    if (sp_str_caseeq_cstr(scheme, "msrps"))
        u->secure = true;
    else if (!sp_str_caseeq_cstr(scheme, "msrp"))
        return sp_fail(err, SP_EINVAL, 0, 400, "scheme is not msrp or msrps");
    u->scheme = scheme;
    if (len - i < 3 || memcmp(buf + i, "://", 3) != 0)
        return sp_fail(err, SP_EINVAL, i, 400, "no \"://\" after the scheme");
    i += 3;
    /* The authority runs to '/' or ';'. */
    size_t as = i;
    while (i < len && buf[i] != '/' && buf[i] != ';')
        i++;
    size_t ae = i, hs = as;
    const char *at = memchr(buf + as, '@', ae - as);
    if (at) {
        hs = (size_t)(at - buf) + 1;
        u->userinfo = sp_str_make(buf + as, hs - 1 - as);
        size_t bad = check_chars(u->userinfo, MSRP_C_USER);
        if (bad < u->userinfo.n)
            return sp_fail(err, SP_EINVAL, as + bad, 400,
                           buf[as + bad] == ':' ? "password in userinfo" : "bad character in userinfo");
    }
    size_t he;
    if (hs < ae && buf[hs] == '[') {
        const char *rb = memchr(buf + hs, ']', ae - hs);
        if (!rb)
            return sp_fail(err, SP_EINVAL, hs, 400, "IPv6 reference without ']'");
        he = (size_t)(rb - buf) + 1;
        u->host = sp_str_make(buf + hs + 1, he - hs - 2);
        u->host_kind = MSRP_HOST_IPV6;
        if (!parse_ipv6(u->host, u->addr))
            return sp_fail(err, SP_EINVAL, hs + 1, 400, "bad IPv6 address");
    } else {
        he = hs;
        while (he < ae && buf[he] != ':')
            he++;
        u->host = sp_str_make(buf + hs, he - hs);
        if (u->host.n == 0)
            return sp_fail(err, SP_EINVAL, hs, 400, "empty host");
        size_t bad = check_chars(u->host, MSRP_C_HOST);
        if (bad < u->host.n)
            return sp_fail(err, SP_EINVAL, hs + bad, 400, "bad character in host");
        if (parse_ipv4(u->host, u->addr))
            u->host_kind = MSRP_HOST_IPV4;
    }
    if (he < ae) {
        if (buf[he] != ':')
            return sp_fail(err, SP_EINVAL, he, 400, "junk after host");
        sp_str port = sp_str_make(buf + he + 1, ae - he - 1);
        uint64_t v;
        if (!sp_str_to_u64(port, 65535, &v))
            return sp_fail(err, SP_EINVAL, he + 1, 400, "port is not a number up to 65535");
        u->has_port = true;
        u->port = (uint16_t)v;
    } else if (u->host_kind != MSRP_HOST_NAME) {
        /* RFC 4975 §6: a numeric address comes with a port. */
        return sp_fail(err, SP_EINVAL, ae, 400, "numeric host without a port");
    }
    if (i < len && buf[i] == '/') {
        size_t ss = ++i;
        while (i < len && buf[i] != ';')
            i++;
        u->session_id = sp_str_make(buf + ss, i - ss);
        size_t bad = check_chars(u->session_id, MSRP_C_SESSION);
        if (u->session_id.n == 0 || bad < u->session_id.n)
            return sp_fail(err, SP_EINVAL, ss + bad, 400, "bad session-id");
    }
    /* The transport parameter is mandatory (RFC 4975 §6, §9). */
    if (i >= len)
        return sp_fail(err, SP_EINVAL, i, 400, "no transport parameter");
    size_t ts = ++i;
    while (i < len && buf[i] != ';')
        i++;
    u->transport = sp_str_make(buf + ts, i - ts);
    if (i == ts)
        return sp_fail(err, SP_EINVAL, ts, 400, "empty transport");
    for (size_t k = ts; k < i; k++)
        if (!msrp_is((unsigned char)buf[k], MSRP_C_ALNUM))
            return sp_fail(err, SP_EINVAL, k, 400, "bad transport");
    if (i < len) {
        u->params = sp_str_make(buf + i + 1, len - i - 1);
        /* *( ";" token ["=" token] ) */
        while (i < len) {
            size_t ns = ++i;
            while (i < len && msrp_is((unsigned char)buf[i], MSRP_C_TOKEN))
                i++;
            if (i == ns)
                return sp_fail(err, SP_EINVAL, i, 400, "bad URI parameter");
            if (i < len && buf[i] == '=') {
                size_t vs = ++i;
                while (i < len && msrp_is((unsigned char)buf[i], MSRP_C_TOKEN))
                    i++;
                if (i == vs)
                    return sp_fail(err, SP_EINVAL, i, 400, "bad URI parameter");
            }
            if (i < len && buf[i] != ';')
                return sp_fail(err, SP_EINVAL, i, 400, "bad URI parameter");
        }
    }
    return (int)len;
}

/* Next byte of a reg-name with unreserved %HH decoded (RFC 3986 §6.2.2.2). */
static char host_byte(sp_str s, size_t *i)
{
    char c = s.p[*i];
    if (c == '%' && *i + 2 < s.n && sp_hex_digit(s.p[*i + 1]) >= 0 && sp_hex_digit(s.p[*i + 2]) >= 0) {
        char d = (char)(sp_hex_digit(s.p[*i + 1]) * 16 + sp_hex_digit(s.p[*i + 2]));
        if (msrp_is((unsigned char)d, MSRP_C_ALNUM) || d == '-' || d == '.' || d == '_' || d == '~') {
            *i += 3;
            return sp_ascii_lower(d);
        }
    }
    (*i)++;
    return sp_ascii_lower(c);
}

static bool host_eq(sp_str a, sp_str b)
{
    size_t i = 0, j = 0;
    while (i < a.n && j < b.n) {
        char x = host_byte(a, &i), y = host_byte(b, &j);
        /* an escape of a reserved character compares as written, case-blind */
        if (x != y)
            return false;
    }
    return i == a.n && j == b.n;
}

bool msrp_uri_eq(const msrp_uri *a, const msrp_uri *b)
{
    if (a->secure != b->secure || a->host_kind != b->host_kind)
        return false;
    if (a->host_kind == MSRP_HOST_NAME ? !host_eq(a->host, b->host)
                                        : memcmp(a->addr, b->addr, a->host_kind == MSRP_HOST_IPV4 ? 4 : 16))
        return false;
    if (a->has_port != b->has_port || (a->has_port && a->port != b->port))
        return false;
    if (sp_str_present(a->session_id) != sp_str_present(b->session_id) || !sp_str_eq(a->session_id, b->session_id))
        return false;
    return sp_str_caseeq(a->transport, b->transport);
}

bool msrp_path_next(sp_str v, size_t *pos, sp_str *uri)
{
    size_t i = *pos;
    while (i < v.n && v.p[i] == ' ')
        i++;
    if (i >= v.n)
        return false;
    const char *sp = memchr(v.p + i, ' ', v.n - i);
    size_t e = sp ? (size_t)(sp - v.p) : v.n;
    *uri = sp_str_make(v.p + i, e - i);
    *pos = e;
    return true;
}

int msrp_path_parse(sp_str v, msrp_uri *uris, size_t max, sp_error *err)
{
    size_t pos = 0, count = 0;
    sp_str one;
    msrp_uri scratch;
    while (msrp_path_next(v, &pos, &one)) {
        msrp_uri *u = count < max ? &uris[count] : &scratch;
        int rc = msrp_uri_parse(one.p, one.n, u, err);
        if (rc < 0) {
            if (err)
                err->offset += (size_t)(one.p - v.p);
            return rc;
        }
        count++;
    }
    if (count == 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "empty path");
    return count > INT32_MAX ? INT32_MAX : (int)count;
}
