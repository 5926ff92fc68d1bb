/* sip_uri_cmp.c - URI equivalence (RFC 3261 §19.1.4; RFC 3966 §4 for tel). */
#include "sip_uri.h"

#include "sip_lex_impl.h"

/* RFC 2396 reserved characters: their escapes are not equivalent to them. */
static bool is_reserved(unsigned c)
{
    return c == ';' || c == '/' || c == '?' || c == ':' || c == '@' || c == '&' || c == '=' ||
           c == '+' || c == '$' || c == ',';
}

/* The next character of an escaped component, escapes decoded. An escaped
 * reserved character comes back as 256 + c so it never equals the literal. */
static unsigned next_char(sp_str s, size_t *i, bool fold)
{
    unsigned c = (unsigned char)s.p[*i];
    if (c == '%' && s.n - *i >= 3 && sip_is(s.p[*i + 1], SIP_C_HEX) && sip_is(s.p[*i + 2], SIP_C_HEX)) {
        c = sip_hexval(s.p[*i + 1]) << 4 | sip_hexval(s.p[*i + 2]);
        *i += 3;
        if (is_reserved(c))
            return 256 + c;
    } else {
        (*i)++;
    }
    return fold && c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Escaped components equal after decoding; fold: case-insensitively. */
static bool component_eq(sp_str a, sp_str b, bool fold)
{
    if (!a.p || !b.p)
        return !a.p && !b.p;
    size_t i = 0, j = 0;
    while (i < a.n && j < b.n)
        if (next_char(a, &i, fold) != next_char(b, &j, fold))
            return false;
    return i == a.n && j == b.n;
}

typedef struct pair {
    sp_str name, value; /* value absent without '=' */
} pair;

/* The next "name[=value]" of a list separated by sep. */
static bool next_pair(sp_str *rest, char sep, pair *out)
{
    if (!rest->p || rest->n == 0)
        return false;
    const char *p = rest->p;
    size_t n = rest->n, i = 0, eq = SIZE_MAX;
    for (; i < n && p[i] != sep; i++)
        if (p[i] == '=' && eq == SIZE_MAX)
            eq = i;
    out->name = sip_slice(p, 0, eq == SIZE_MAX ? i : eq);
    out->value = eq == SIZE_MAX ? SP_STR_NULL : sip_slice(p, eq + 1, i);
    *rest = i < n ? sip_slice(p, i + 1, n) : sp_str_make(p + n, 0);
    return true;
}

/* How a name=value pair occurs in a list: not by name, by name only, or
 * with an equal value too (names and values case-insensitive, decoded). */
enum { PAIR_ABSENT, PAIR_OTHER_VALUE, PAIR_MATCH };

static int find_pair(sp_str list, char sep, const pair *want)
{
    pair q;
    int found = PAIR_ABSENT;
    while (next_pair(&list, sep, &q))
        if (component_eq(q.name, want->name, true)) {
            if (component_eq(q.value, want->value, true))
                return PAIR_MATCH;
            found = PAIR_OTHER_VALUE;
        }
    return found;
}

static size_t count_pairs(sp_str list, char sep)
{
    pair q;
    size_t k = 0;
    while (next_pair(&list, sep, &q))
        k++;
    return k;
}

/* Parameters whose absence means a default, so they must be in both (§19.1.4). */
static bool must_be_in_both(sp_str name)
{
    static const char *const names[] = {"user", "ttl", "method", "maddr", "transport"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (component_eq(name, sp_str_cstr(names[k]), true))
            return true;
    return false;
}

/* Every parameter of a: equal in b when b has it, and present in b when it is
 * one of the must-match ones. */
static bool params_cover(sp_str a, sp_str b)
{
    pair q;
    while (next_pair(&a, ';', &q)) {
        int found = find_pair(b, ';', &q);
        if (found == PAIR_OTHER_VALUE || (found == PAIR_ABSENT && must_be_in_both(q.name)))
            return false;
    }
    return true;
}

/* Headers are never ignored: the same set on both sides (§19.1.4). */
static bool headers_eq(sp_str a, sp_str b)
{
    if (count_pairs(a, '&') != count_pairs(b, '&'))
        return false;
    pair q;
    while (next_pair(&a, '&', &q))
        if (find_pair(b, '&', &q) != PAIR_MATCH)
            return false;
    return true;
}

/* Telephone numbers compare without their visual separators (RFC 3966 §4). */
static bool tel_number_eq(sp_str a, sp_str b)
{
    size_t i = 0, j = 0;
    for (;;) {
        while (i < a.n && (a.p[i] == '-' || a.p[i] == '.' || a.p[i] == '(' || a.p[i] == ')'))
            i++;
        while (j < b.n && (b.p[j] == '-' || b.p[j] == '.' || b.p[j] == '(' || b.p[j] == ')'))
            j++;
        if (i == a.n || j == b.n)
            return i == a.n && j == b.n;
        if (sp_ascii_lower(a.p[i++]) != sp_ascii_lower(b.p[j++]))
            return false;
    }
}

/* tel parameters: the same set, in any order (RFC 3966 §4). */
static bool tel_params_eq(sp_str a, sp_str b)
{
    if (count_pairs(a, ';') != count_pairs(b, ';'))
        return false;
    pair q;
    while (next_pair(&a, ';', &q))
        if (find_pair(b, ';', &q) != PAIR_MATCH)
            return false;
    return true;
}

bool sip_uri_equal(const sip_uri *a, const sip_uri *b)
{
    if (a->scheme != b->scheme)
        return false;
    switch (a->scheme) {
    case SIP_URI_TEL:
        return tel_number_eq(a->user, b->user) && tel_params_eq(a->params, b->params) &&
               tel_params_eq(b->params, a->params);
    case SIP_URI_OTHER:
        return sp_str_caseeq(a->scheme_str, b->scheme_str) && component_eq(a->opaque, b->opaque, false);
    default:
        break;
    }
    /* userinfo is case-sensitive; everything else is not (§19.1.4) */
    if (!component_eq(a->user, b->user, false) || !component_eq(a->password, b->password, false))
        return false;
    if (!sp_str_caseeq(a->host, b->host) || a->has_port != b->has_port || a->port != b->port)
        return false;
    if (!params_cover(a->params, b->params) || !params_cover(b->params, a->params))
        return false;
    return headers_eq(a->headers, b->headers) && headers_eq(b->headers, a->headers);
}
