/* sdp_lex.c - see sdp_lex_impl.h. */
#include "sdp_lex_impl.h"
#include "sdp_attr.h"

#include <string.h>

#define T SDP_C_TOKEN
#define D (SDP_C_TOKEN | SDP_C_DIGIT | SDP_C_HEX)
#define H (SDP_C_TOKEN | SDP_C_HEX)
#define W SDP_C_WS

/* token-char = %x21 / %x23-27 / %x2A-2B / %x2D-2E / %x30-39 / %x41-5A / %x5E-7E */
const uint8_t sdp_char_class[256] = {
    ['\t'] = W, [' '] = W,
    ['!'] = T, ['#'] = T, ['$'] = T, ['%'] = T, ['&'] = T, ['\''] = T,
    ['*'] = T, ['+'] = T, ['-'] = T, ['.'] = T,
    ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D,
    ['5'] = D, ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D,
    ['A'] = H, ['B'] = H, ['C'] = H, ['D'] = H, ['E'] = H, ['F'] = H,
    ['G'] = T, ['H'] = T, ['I'] = T, ['J'] = T, ['K'] = T, ['L'] = T, ['M'] = T,
    ['N'] = T, ['O'] = T, ['P'] = T, ['Q'] = T, ['R'] = T, ['S'] = T, ['T'] = T,
    ['U'] = T, ['V'] = T, ['W'] = T, ['X'] = T, ['Y'] = T, ['Z'] = T,
    ['^'] = T, ['_'] = T, ['`'] = T,
    ['a'] = H, ['b'] = H, ['c'] = H, ['d'] = H, ['e'] = H, ['f'] = H,
    ['g'] = T, ['h'] = T, ['i'] = T, ['j'] = T, ['k'] = T, ['l'] = T, ['m'] = T,
    ['n'] = T, ['o'] = T, ['p'] = T, ['q'] = T, ['r'] = T, ['s'] = T, ['t'] = T,
    ['u'] = T, ['v'] = T, ['w'] = T, ['x'] = T, ['y'] = T, ['z'] = T,
    ['{'] = T, ['|'] = T, ['}'] = T, ['~'] = T,
};

bool sdp_list_next(sp_str *rest, sp_str *word)
{
    const char *p = rest->p, *end = rest->p + rest->n;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p == end) {
        *rest = sp_str_make(end, 0);
        return false;
    }
    const char *start = p;
    for (;;) {
        p = sdp_find3(p, end, ' ', '\t', '"');
        if (p == end || *p != '"')
            break;
        for (p++; p < end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < end)
                p++;
        if (p < end)
            p++; /* the closing quote */
    }
    *word = sp_str_make(start, (size_t)(p - start));
    *rest = sp_str_make(p, (size_t)(end - p));
    return true;
}

/* parm-value = token / quoted-string */
static bool param_value(sp_str v)
{
    if (v.n && v.p[0] == '"') {
        for (size_t i = 1; i < v.n; i++) {
            if (v.p[i] == '\\')
                i++;
            else if (v.p[i] == '"')
                return i == v.n - 1;
        }
        return false;
    }
    return sdp_is_token(v);
}

/* format-entry = "*" / ((type "/" subtype / type "/" "*") *(";" type-param)) */
const char *sdp_mime_error(sp_str e, bool wildcards)
{
    if (e.n == 1 && e.p[0] == '*')
        return wildcards ? NULL : e.p;
    const char *end = e.p + e.n, *p = e.p;
    /* type "/" subtype in one pass over token characters */
    p = sdp_token_span(p, end);
    if (p == e.p || p == end || *p != '/')
        return e.p;
    const char *sub = ++p;
    p = sdp_token_span(p, end);
    if (p == sub || (p < end && *p != ';'))
        return sub;
    if (!wildcards && p - sub == 1 && *sub == '*')
        return sub;
    const char *semi = p < end ? p : NULL;
    while (semi) {
        const char *name = semi + 1;
        const char *eq = sdp_find(name, '=', (size_t)(end - name));
        if (!eq || !sdp_is_token(sp_str_make(name, (size_t)(eq - name))))
            return name;
        /* the value runs to the next ';' outside quotes */
        const char *q = eq + 1;
        bool quoted = false;
        for (; q < end; q++) {
            if (quoted && *q == '\\' && q + 1 < end)
                q++;
            else if (*q == '"')
                quoted = !quoted;
            else if (!quoted && *q == ';')
                break;
        }
        if (!param_value(sp_str_make(eq + 1, (size_t)(q - eq - 1))))
            return eq + 1;
        semi = q < end ? q : NULL;
    }
    return NULL;
}

