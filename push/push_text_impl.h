/* push_text_impl.h - appending formatted text to a caller buffer, for the
 * push builders. Once something does not fit, the text is marked as
 * overflowed and every later append is ignored, so a builder checks once at
 * the end. */
#ifndef SIPPUSH_PUSH_TEXT_IMPL_H
#define SIPPUSH_PUSH_TEXT_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sp_error.h"
#include "sp_str.h"

typedef struct push_text {
    char *p;
    size_t cap, len;
    bool overflow;
} push_text;

static inline void push_text_init(push_text *t, char *out, size_t cap)
{
    t->p = out;
    t->cap = cap;
    t->len = 0;
    t->overflow = cap == 0;
    if (cap)
        out[0] = '\0';
}

/* Appends n bytes; the text stays NUL-terminated. */
static inline void push_text_put(push_text *t, const char *s, size_t n)
{
    if (t->overflow || t->cap - t->len <= n) {
        t->overflow = true;
        return;
    }
    if (n)
        memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static inline void push_text_str(push_text *t, sp_str s) { push_text_put(t, s.p, s.n); }
static inline void push_text_cstr(push_text *t, const char *s) { push_text_put(t, s, strlen(s)); }

__attribute__((format(printf, 2, 3))) static inline void push_text_printf(push_text *t, const char *fmt, ...)
{
    if (t->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->cap - t->len) {
        t->overflow = true;
        t->p[t->len] = '\0';
        return;
    }
    t->len += (size_t)n;
}

/* The builder's return: the length, or SP_ELIMIT when the buffer was too small. */
static inline int push_text_finish(const push_text *t, sp_error *err)
{
    if (t->overflow)
        return sp_fail(err, SP_ELIMIT, t->len, 0, "output buffer too small");
    return (int)t->len;
}

#endif
