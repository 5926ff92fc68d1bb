/* sp_str.h - byte slices: the currency of every sippush parser.
 *
 * A slice points into a buffer the caller owns; parsers never copy, allocate
 * or NUL-terminate. A slice with p == NULL is "absent"; p != NULL with n == 0
 * is "present but empty" (e.g. "tag=" with no value). */
#ifndef SIPPUSH_SP_STR_H
#define SIPPUSH_SP_STR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

typedef struct sp_str {
    const char *p;
    size_t n;
} sp_str;

#define SP_STR_NULL ((sp_str){NULL, 0})
/* A slice of a string literal, e.g. SP_LIT("INVITE"). */
#define SP_LIT(s) ((sp_str){(s), sizeof(s) - 1})

static inline sp_str sp_str_make(const char *p, size_t n) { return (sp_str){p, n}; }
static inline sp_str sp_str_cstr(const char *s) { return (sp_str){s, s ? strlen(s) : 0}; }
static inline bool sp_str_present(sp_str s) { return s.p != NULL; }

static inline bool sp_str_eq(sp_str a, sp_str b)
{
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

static inline char sp_ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

/* ASCII case-insensitive equality (SIP tokens, header names, parameters). */
static inline bool sp_str_caseeq(sp_str a, sp_str b)
{
    if (a.n != b.n)
        return false;
    for (size_t i = 0; i < a.n; i++)
        if (sp_ascii_lower(a.p[i]) != sp_ascii_lower(b.p[i]))
            return false;
    return true;
}

static inline bool sp_str_caseeq_cstr(sp_str a, const char *b) { return sp_str_caseeq(a, sp_str_cstr(b)); }

/* Parses a decimal number of at most 'max' value; false on empty, junk or overflow. */
static inline bool sp_str_to_u64(sp_str s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        unsigned d = (unsigned char)s.p[i] - '0';
        if (d > 9 || v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/* Removes leading and trailing SP / HTAB / CR / LF. */
static inline sp_str sp_str_trim(sp_str s)
{
    while (s.n && (s.p[0] == ' ' || s.p[0] == '\t' || s.p[0] == '\r' || s.p[0] == '\n'))
        s.p++, s.n--;
    while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r' || s.p[s.n - 1] == '\n'))
        s.n--;
    return s;
}

#endif
