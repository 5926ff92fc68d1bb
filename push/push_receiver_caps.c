/* push_receiver_caps.c - see push_receiver_caps.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_receiver_caps.h"

typedef struct entry {
    char uri[PUSH_URI_MAX];
    char accept[PUSH_RECEIVER_CAPS_ACCEPT_MAX];
    unsigned long long seq;   /* when it was learnt: the lowest is replaced */
} entry;

struct push_receiver_caps {
    entry *e;
    size_t n, max;
    unsigned long long seq;
};

push_receiver_caps *push_receiver_caps_new(size_t max)
{
    push_receiver_caps *rc = calloc(1, sizeof *rc);
    if (!rc)
        return NULL;
    rc->max = max ? max : PUSH_RECEIVER_CAPS_MAX_DEFAULT;
    if (!(rc->e = calloc(rc->max, sizeof *rc->e))) {
        free(rc);
        return NULL;
    }
    return rc;
}

void push_receiver_caps_free(push_receiver_caps *rc)
{
    if (rc)
        free(rc->e);
    free(rc);
}

static entry *find(const push_receiver_caps *rc, sp_str uri)
{
    for (size_t i = 0; i < rc->n; i++)
        if (sp_str_eq(sp_str_cstr(rc->e[i].uri), uri))
            return &rc->e[i];
    return NULL;
}

void push_receiver_caps_put(push_receiver_caps *rc, sp_str uri, const push_psa_caps *c)
{
    if (c->status < 200 || c->status >= 300 || !c->accept.n || c->accept.n >= PUSH_RECEIVER_CAPS_ACCEPT_MAX ||
        uri.n >= PUSH_URI_MAX)
        return;
    entry *e = find(rc, uri);
    if (!e && rc->n < rc->max)
        e = &rc->e[rc->n++];
    if (!e) {
        e = &rc->e[0];
        for (size_t i = 1; i < rc->n; i++)
            if (rc->e[i].seq < e->seq)
                e = &rc->e[i];
    }
    snprintf(e->uri, sizeof e->uri, "%.*s", (int)uri.n, uri.p);
    snprintf(e->accept, sizeof e->accept, "%.*s", (int)c->accept.n, c->accept.p);
    e->seq = ++rc->seq;
}

const char *push_receiver_caps_accept(const push_receiver_caps *rc, sp_str uri)
{
    const entry *e = find(rc, uri);
    return e ? e->accept : NULL;
}

/* The type/subtype of a media type or range, parameters and spaces aside. */
static sp_str bare(sp_str t)
{
    const char *semi = memchr(t.p, ';', t.n);
    return sp_str_trim(semi ? sp_str_make(t.p, (size_t)(semi - t.p)) : t);
}

/* Whether the parameters of a range say q=0 (RFC 9110 §12.4.2: not acceptable). */
static bool q_zero(sp_str range)
{
    const char *semi = memchr(range.p, ';', range.n);
    while (semi) {
        sp_str rest = sp_str_make(semi + 1, range.n - (size_t)(semi + 1 - range.p));
        const char *next = memchr(rest.p, ';', rest.n);
        sp_str param = sp_str_trim(next ? sp_str_make(rest.p, (size_t)(next - rest.p)) : rest);
        if (param.n >= 2 && (param.p[0] == 'q' || param.p[0] == 'Q') && param.p[1] == '=') {
            sp_str v = sp_str_make(param.p + 2, param.n - 2);
            bool zero = v.n > 0;
            for (size_t i = 0; i < v.n; i++)
                zero &= v.p[i] == '0' || v.p[i] == '.';
            return zero;
        }
        semi = next;
    }
    return false;
}

bool push_receiver_caps_takes(sp_str accept, sp_str type)
{
    sp_str t = bare(type);
    const char *slash = memchr(t.p, '/', t.n);
    size_t major = slash ? (size_t)(slash - t.p) : t.n;
    size_t i = 0;
    while (i < accept.n) {
        size_t j = i;
        while (j < accept.n && accept.p[j] != ',')
            j++;
        sp_str range = sp_str_make(accept.p + i, j - i);
        sp_str r = bare(range);
        i = j + 1;
        if (q_zero(range))
            continue;
        if (sp_str_eq(r, SP_LIT("*/*")) || sp_str_caseeq(r, t))
            return true;
        if (r.n == major + 2 && r.p[major] == '/' && r.p[major + 1] == '*' &&
            sp_str_caseeq(sp_str_make(r.p, major), sp_str_make(t.p, major)))
            return true;
    }
    return false;
}
