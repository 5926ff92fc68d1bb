/* sip_lex.c - the character table and the scanning steps shared by the SIP
 * value parsers (RFC 3261 §25.1). */
#include "sip_lex_impl.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

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

#if defined(__SSE2__) && defined(__GNUC__)
/* Bit k set when x[k] may end a run of qdtext: a control character, '"',
 * '\\' or DEL. HTAB, CR and LF are qdtext (LWS) but stop it too; the
 * caller steps over them. */
static inline unsigned qd_stops(__m128i x)
{
    const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
    const __m128i q = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(ctl, q), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))));
}
#endif

/* sip_span(p, i, n, SIP_C_QDTEXT), sixteen bytes a step where SSE2 is
 * there: the tail, when p holds 16 bytes before n, re-read as the last
 * 16 of them, so nothing past p[n - 1] is read. */
static inline size_t span_qdtext(const char *p, size_t i, size_t n)
{
#if defined(__SSE2__) && defined(__GNUC__)
    while (i < n && n >= 16) {
        unsigned m;
        if (n - i >= 16) {
            m = qd_stops(_mm_loadu_si128((const __m128i *)(const void *)(p + i)));
        } else {
            m = qd_stops(_mm_loadu_si128((const __m128i *)(const void *)(p + n - 16))) >> (16 - (n - i));
            if (!m)
                return n;
        }
        if (!m) {
            i += 16;
            continue;
        }
        i += (size_t)__builtin_ctz(m);
        if (!sip_is(p[i], SIP_C_QDTEXT))
            return i;
        i++;
    }
#endif
    return sip_span(p, i, n, SIP_C_QDTEXT);
}

size_t sip_scan_quoted(const char *p, size_t i, size_t n, sip_lex_err *e)
{
    size_t open = i++;
    while (i < n) {
        i = span_qdtext(p, i, n);
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
        i = sip_scan_param_fast(p, i + 1, n, &prm, e);
        if (i == SIP_LEX_BAD)
            return i;
    }
    *params = sp_str_trim(sip_slice(p, first, n));
    return n;
}

/* IPv4address with each part 0..255 (RFC 3986 §3.2.2 dec-octet, leading
 * zeros tolerated): four parts of one to three digits, in one pass. */
bool sip_ipv4_valid(const char *p, size_t n)
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
            if (!sip_ipv4_valid(p + start, n - start))
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

#if defined(__SSE2__) && defined(__GNUC__)
/* Bit k of each mask is about byte k of a run of host characters: one of
 * them at all (alphanum, '-' or '.'), a letter, '-', '.'. */
typedef struct host_masks {
    uint32_t ok, alpha, dash, dot;
} host_masks;

/* Unsigned lo <= x <= hi on every byte, as one signed comparison. */
static inline __m128i in_range(__m128i x, char lo, char hi)
{
    return _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - lo))),
                          _mm_set1_epi8((char)(-128 + (hi - lo) + 1)));
}

static inline host_masks host_block(const char *s)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    const __m128i alpha = in_range(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 'z');
    const __m128i dash = _mm_cmpeq_epi8(x, _mm_set1_epi8('-'));
    const __m128i dot = _mm_cmpeq_epi8(x, _mm_set1_epi8('.'));
    const __m128i ok = _mm_or_si128(_mm_or_si128(alpha, in_range(x, '0', '9')), _mm_or_si128(dash, dot));
    return (host_masks){(uint32_t)_mm_movemask_epi8(ok), (uint32_t)_mm_movemask_epi8(alpha),
                        (uint32_t)_mm_movemask_epi8(dash), (uint32_t)_mm_movemask_epi8(dot)};
}

static inline host_masks host_masks_shift(host_masks m, unsigned right, unsigned left)
{
    return (host_masks){m.ok >> right << left, m.alpha >> right << left, m.dash >> right << left,
                        m.dot >> right << left};
}

/* The masks of p[i..i+32) with nothing set at or past n, read in at most
 * two 16-byte loads that stay inside p[0..n); false when p holds fewer
 * than 16 bytes. */
static inline bool host_masks_at(const char *p, size_t i, size_t n, host_masks *m)
{
    if (n - i >= 16) {
        host_masks a = host_block(p + i);
        /* most hosts end inside the first 16 bytes */
        if (~a.ok & 0xffff) {
            *m = a;
            return true;
        }
        /* the next 16 bytes, or the last 16 of the input shifted into place */
        size_t b = n - i >= 32 ? i + 16 : n - 16;
        host_masks c = host_masks_shift(host_block(p + b), (unsigned)(i + 16 - b), 16);
        *m = (host_masks){a.ok | c.ok, a.alpha | c.alpha, a.dash | c.dash, a.dot | c.dot};
        return true;
    }
    if (n < 16)
        return false;
    *m = host_masks_shift(host_block(p + n - 16), (unsigned)(i - (n - 16)), 0);
    return true;
}
#endif

#if defined(__SSE2__) && defined(__GNUC__)
/* The same judgement as sip_ipv4_valid() of p[0..len), digits and dots only,
 * whose dots are the bits of dot: four parts of one to three digits, each
 * at most 255 (a three-digit part compared as text with "255"). */
static bool ipv4_parts_valid(const char *p, unsigned len, uint32_t dot)
{
    unsigned from = 0;
    for (unsigned part = 0; part < 4; part++) {
        unsigned to = part < 3 ? (dot ? (unsigned)__builtin_ctz(dot) : len) : len;
        if (part == 3 && dot)
            return false;
        dot &= dot - 1;
        unsigned digits = to - from;
        if (digits - 1 > 2)
            return false;
        if (digits == 3) {
            const char *d = p + from;
            if (d[0] > '2' || (d[0] == '2' && (d[1] > '5' || (d[1] == '5' && d[2] > '5'))))
                return false;
        }
        from = to + 1;
    }
    return true;
}
#endif

static size_t host_fail(sip_lex_err *e, size_t start, bool digits_and_dots)
{
    return sip_lex_fail(e, start, digits_and_dots ? "malformed IPv4 address" : "malformed host name");
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
     * with alphanum and the top label starts with a letter (§25.1). A host
     * whose top label does not start with a letter is an IPv4address or
     * nothing valid (a host of only digits and dots is judged as an
     * address). */
#if defined(__SSE2__) && defined(__GNUC__)
    host_masks m;
    if (i < n && host_masks_at(p, i, n, &m) && ~m.ok != 0) {
        /* A host shorter than 32 bytes, judged from its masks: the same
         * decisions as the walk below. */
        unsigned len = (unsigned)__builtin_ctz(~m.ok);
        if (len == 0)
            return sip_lex_fail(e, start, "expected host");
        uint32_t in = len == 32 ? ~0u : (1u << len) - 1;
        uint32_t dot = m.dot & in, dash = m.dash & in;
        /* the top label: after the last dot, or after the one before when
         * the host ends with a dot */
        uint32_t last_dots = dot & ~(1u << (len - 1));
        unsigned top = last_dots ? 32 - (unsigned)__builtin_clz(last_dots) : 0;
        if (!(m.alpha >> top & 1)) {
            bool digits_and_dots = ((m.alpha | dash) & in) == 0;
            if (digits_and_dots && ipv4_parts_valid(p + start, len, dot)) {
                *type = SIP_HOST_IPV4;
                return start + len;
            }
            return host_fail(e, start, digits_and_dots);
        }
        /* no empty label, no label starting or ending with '-' */
        uint32_t starts = (dot << 1 | 1) & in;
        if ((dot & starts) || (dash & starts) || (dash & (dot >> 1)) || (dash >> (len - 1) & 1))
            return host_fail(e, start, false);
        *type = SIP_HOST_NAME;
        return start + len;
    }
#endif
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
        if (sip_ipv4_valid(p + start, i - start)) {
            *type = SIP_HOST_IPV4;
            return i;
        }
        size_t k = start;
        while (k < i && (sip_is(p[k], SIP_C_DIGIT) || p[k] == '.'))
            k++;
        return host_fail(e, start, k == i);
    }
    if (!labels_ok || p[i - 1] == '-')
        return host_fail(e, start, false);
    *type = SIP_HOST_NAME;
    return i;
}
