/* push_regtab.c - the binding table kept from reg event documents
 * (RFC 3680 §5.2). */
#include <string.h>

#include "push_reginfo.h"

void push_regtab_init(push_regtab *t, push_binding *rows, size_t cap)
{
    memset(t, 0, sizeof *t);
    t->rows = rows;
    t->cap = cap;
}

/* Decodes raw XML text into a NUL-terminated field; false when it does not
 * decode or does not fit. */
static bool decode_into(sp_str raw, char *out, size_t cap)
{
    size_t n = push_xml_decode(raw, out, cap - 1);
    if (n == (size_t)-1 || memchr(out, '\0', n))
        return false;
    out[n] = '\0';
    return true;
}

/* A feature tag value: decoded, surrounding double quotes removed. */
static bool decode_tag(const push_reginfo *ri, const push_reginfo_contact *c, const char *name, char *out, size_t cap)
{
    sp_str raw;
    out[0] = '\0';
    if (!push_reginfo_contact_param(ri, c, name, &raw))
        return true;
    if (!decode_into(raw, out, cap))
        return false;
    size_t n = strlen(out);
    if (n >= 2 && out[0] == '"' && out[n - 1] == '"') {
        memmove(out, out + 1, n - 2);
        out[n - 2] = '\0';
    }
    return true;
}

/* Fills a row from one contact of one registration. */
static bool row_of(const push_reginfo *ri, const push_reginfo_reg *r, const push_reginfo_contact *c,
                   push_binding *b)
{
    memset(b, 0, sizeof *b);
    b->has_expires = c->has_expires;
    b->expires = c->expires;
    return decode_into(r->id, b->reg_id, sizeof b->reg_id) && decode_into(r->aor, b->aor, sizeof b->aor) &&
           decode_into(c->id, b->contact_id, sizeof b->contact_id) && decode_into(c->uri, b->uri, sizeof b->uri) &&
           decode_tag(ri, c, "+sip.instance", b->instance, sizeof b->instance) &&
           decode_tag(ri, c, "+g.oma.pusheventapp", b->apps, sizeof b->apps);
}

static bool same_key(const push_binding *a, const push_binding *b)
{
    return !strcmp(a->reg_id, b->reg_id) && !strcmp(a->contact_id, b->contact_id);
}

static void remove_at(push_regtab *t, size_t i)
{
    t->rows[i] = t->rows[--t->n];
}

static void remove_registration(push_regtab *t, const char *reg_id)
{
    for (size_t i = t->n; i-- > 0;)
        if (!strcmp(t->rows[i].reg_id, reg_id))
            remove_at(t, i);
}

/* Inserts or updates (active) or removes (terminated) one contact's row. */
static int put_row(push_regtab *t, const push_binding *b, bool active, sp_error *err)
{
    for (size_t i = 0; i < t->n; i++) {
        if (!same_key(&t->rows[i], b))
            continue;
        if (active)
            t->rows[i] = *b;
        else
            remove_at(t, i);
        return 0;
    }
    if (!active)
        return 0;
    if (t->n >= t->cap) {
        t->want_refresh = true;
        return sp_fail(err, SP_ELIMIT, 0, 413, "binding table full");
    }
    t->rows[t->n++] = *b;
    return 0;
}

int push_regtab_apply(push_regtab *t, const push_reginfo *ri, sp_error *err)
{
    push_binding b;
    /* Validate every value before touching the table. */
    for (size_t k = 0; k < ri->nregs; k++) {
        const push_reginfo_reg *r = &ri->regs[k];
        for (size_t i = 0; i < r->contact_count; i++)
            if (!row_of(ri, r, &ri->contacts[r->contact_first + i], &b))
                return sp_fail(err, SP_EINVAL, 0, 400, "contact value does not decode or is too long");
        if (!decode_into(r->id, b.reg_id, sizeof b.reg_id))
            return sp_fail(err, SP_EINVAL, 0, 400, "registration id does not decode or is too long");
    }

    if (t->have_version) {
        if (ri->version <= t->version)
            return PUSH_REGTAB_STALE;
        if (ri->version != t->version + 1)
            t->want_refresh = true;
    } else if (!ri->full) {
        /* Partial state with nothing to apply it to. */
        t->want_refresh = true;
    }
    t->have_version = true;
    t->version = ri->version;
    if (ri->full) {
        t->n = 0;
        t->want_refresh = false;
    }

    int rc = PUSH_REGTAB_APPLIED;
    for (size_t k = 0; k < ri->nregs; k++) {
        const push_reginfo_reg *r = &ri->regs[k];
        if (r->state == PUSH_REG_TERMINATED) {
            decode_into(r->id, b.reg_id, sizeof b.reg_id);
            remove_registration(t, b.reg_id);
            continue;
        }
        for (size_t i = 0; i < r->contact_count; i++) {
            const push_reginfo_contact *c = &ri->contacts[r->contact_first + i];
            row_of(ri, r, c, &b);
            if (put_row(t, &b, c->active, err) != 0)
                rc = SP_ELIMIT;
        }
    }
    return rc;
}

const push_binding *push_regtab_next(const push_regtab *t, sp_str aor, size_t *iter)
{
    while (*iter < t->n) {
        const push_binding *b = &t->rows[(*iter)++];
        if (sp_str_eq(sp_str_cstr(b->aor), aor))
            return b;
    }
    return NULL;
}
