/* sip_params.c - comma lists and ";name=value" parameters of header values
 * (RFC 3261 §7.3.1, §25.1). */
#include <string.h>

#include "sip_hdr.h"

#include "sip_lex_impl.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* The first index in [i, n) holding a, b or c (the characters that matter
 * when splitting a list), or n: sixteen bytes a step where SSE2 is there
 * (Contact values carry long quoted parameters); nothing at or past p[n]
 * is read. */
static size_t find_any3(const char *p, size_t i, size_t n, char a, char b, char c)
{
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    while (n - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_cmpeq_epi8(x, vb)), _mm_cmpeq_epi8(x, vc)));
        if (m)
            return i + (size_t)__builtin_ctz(m);
        i += 16;
    }
#endif
    while (i < n && p[i] != a && p[i] != b && p[i] != c)
        i++;
    return i;
}

bool sip_list_next(sp_str *rest, sp_str *item)
{
    const char *p = rest->p;
    size_t n = rest->p ? rest->n : 0, i = 0;
    /* skip white space and empty elements */
    while (i < n && (p[i] == ',' || sip_is(p[i], SIP_C_WS)))
        i++;
    if (i == n) {
        *rest = sp_str_make(p ? p + n : NULL, 0);
        return false;
    }
    size_t start = i;
    /* most values hold no quote and no '<': the element ends at the next ',' */
    const char *comma = memchr(p + i, ',', n - i);
    size_t end = comma ? (size_t)(comma - p) : n;
    if (!memchr(p + i, '"', end - i) && !memchr(p + i, '<', end - i))
        i = end;
    for (;;) {
        i = find_any3(p, i, n, ',', '"', '<');
        if (i == n || p[i] == ',')
            break;
        if (p[i] == '<') {
            /* a URI holds no '>' (§25.1), and its ',' does not separate */
            const char *gt = memchr(p + i, '>', n - i);
            i = gt ? (size_t)(gt - p) + 1 : n;
            continue;
        }
        /* a quoted string, escapes included */
        for (i = find_any3(p, i + 1, n, '"', '\\', '"'); i < n && p[i] != '"'; i = find_any3(p, i + 1, n, '"', '\\', '"'))
            if (i + 1 < n)
                i++; /* the byte after a backslash */
        if (i < n)
            i++;
    }
    *item = sp_str_trim(sip_slice(p, start, i));
    *rest = sip_slice(p, i, n);
    return true;
}

bool sip_list_has(sp_str value, sp_str token, bool case_sensitive)
{
    sp_str item;
    while (sip_list_next(&value, &item))
        if (case_sensitive ? sp_str_eq(item, token) : sp_str_caseeq(item, token))
            return true;
    return false;
}

bool sip_param_next(sp_str *rest, sip_param *param)
{
    const char *p = rest->p;
    size_t n = rest->p ? rest->n : 0;
    size_t i = sip_skip_ws(p, 0, n);
    if (i < n && p[i] == ';')
        i++;
    if (sip_skip_ws(p, i, n) == n) {
        *rest = sp_str_make(p ? p + n : NULL, 0);
        return false;
    }
    sip_lex_err e;
    i = sip_scan_param(p, i, n, param, &e);
    if (i == SIP_LEX_BAD || (i < n && p[i] != ';')) {
        *rest = sp_str_make(p + n, 0);
        return false;
    }
    *rest = sip_slice(p, i, n);
    return true;
}

bool sip_param_find(sp_str params, const char *name, sp_str *value)
{
    sp_str want = sp_str_cstr(name);
    sip_param prm;
    while (sip_param_next(&params, &prm))
        if (sp_str_caseeq(prm.name, want)) {
            if (value)
                *value = prm.value;
            return true;
        }
    return false;
}

sp_str sip_unquote(sp_str s)
{
    sip_lex_err e;
    /* only a whole quoted-string: a final '"' may be an escaped one */
    if (s.p && s.n >= 2 && s.p[0] == '"' && sip_scan_quoted(s.p, 0, s.n, &e) == s.n)
        return sp_str_make(s.p + 1, s.n - 2);
    return s;
}
