/* push_reginfo.c - reading reginfo documents (RFC 3680 §5.1). */
#include "push_reginfo.h"

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static bool all_ws(sp_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (!is_ws(s.p[i]))
            return false;
    return true;
}

static int bad(sp_error *err, size_t at, const char *why)
{
    return sp_fail(err, SP_EINVAL, at, 400, why);
}

static int need_attr(const push_xml_token *t, const char *name, sp_str *v, sp_error *err)
{
    if (!push_xml_attr_find(t->attrs, name, v))
        return bad(err, t->offset, "required attribute missing");
    return 0;
}

/* What the text inside the current element is collected into. */
typedef enum capture { CAP_NONE, CAP_URI, CAP_PARAM } capture;

typedef struct walk {
    push_reginfo *ri;
    bool reg_open, contact_open;
    capture cap;
    sp_str *cap_into;
    bool cap_has_text;
} walk;

static int open_reginfo(push_reginfo *ri, const push_xml_token *t, sp_error *err)
{
    sp_str version, state;
    uint64_t v;
    if (!sp_str_eq(t->local, SP_LIT("reginfo")))
        return bad(err, t->offset, "root element is not reginfo");
    if (need_attr(t, "version", &version, err) || need_attr(t, "state", &state, err))
        return SP_EINVAL;
    /* §5.1: versions fit a 32-bit integer. */
    if (!sp_str_to_u64(version, UINT32_MAX, &v))
        return bad(err, t->offset, "bad version");
    ri->version = (uint32_t)v;
    if (sp_str_eq(state, SP_LIT("full")))
        ri->full = true;
    else if (sp_str_eq(state, SP_LIT("partial")))
        ri->full = false;
    else
        return bad(err, t->offset, "reginfo state is neither full nor partial");
    return 0;
}

static int open_registration(walk *w, const push_xml_token *t, sp_error *err)
{
    push_reginfo *ri = w->ri;
    sp_str aor, id, state;
    if (need_attr(t, "aor", &aor, err) || need_attr(t, "id", &id, err) || need_attr(t, "state", &state, err))
        return SP_EINVAL;
    if (ri->nregs >= ri->max_regs)
        return sp_fail(err, SP_ELIMIT, t->offset, 413, "too many registrations");
    push_reginfo_reg *r = &ri->regs[ri->nregs];
    r->aor = aor;
    r->id = id;
    if (sp_str_eq(state, SP_LIT("init")))
        r->state = PUSH_REG_INIT;
    else if (sp_str_eq(state, SP_LIT("active")))
        r->state = PUSH_REG_ACTIVE;
    else if (sp_str_eq(state, SP_LIT("terminated")))
        r->state = PUSH_REG_TERMINATED;
    else
        return bad(err, t->offset, "unknown registration state");
    r->contact_first = ri->ncontacts;
    r->contact_count = 0;
    ri->nregs++;
    w->reg_open = true;
    return 0;
}

static int open_contact(walk *w, const push_xml_token *t, sp_error *err)
{
    push_reginfo *ri = w->ri;
    sp_str id, state, event, expires;
    if (need_attr(t, "id", &id, err) || need_attr(t, "state", &state, err) || need_attr(t, "event", &event, err))
        return SP_EINVAL;
    if (ri->ncontacts >= ri->max_contacts)
        return sp_fail(err, SP_ELIMIT, t->offset, 413, "too many contacts");
    push_reginfo_contact *c = &ri->contacts[ri->ncontacts];
    *c = (push_reginfo_contact){0};
    c->id = id;
    c->event = event;
    if (sp_str_eq(state, SP_LIT("active")))
        c->active = true;
    else if (!sp_str_eq(state, SP_LIT("terminated")))
        return bad(err, t->offset, "unknown contact state");
    if (push_xml_attr_find(t->attrs, "expires", &expires)) {
        if (!sp_str_to_u64(expires, UINT64_MAX, &c->expires))
            return bad(err, t->offset, "bad expires");
        c->has_expires = true;
    }
    c->param_first = ri->nparams;
    ri->ncontacts++;
    ri->regs[ri->nregs - 1].contact_count++;
    w->contact_open = true;
    return 0;
}

static int open_in_contact(walk *w, const push_xml_token *t, sp_error *err)
{
    push_reginfo *ri = w->ri;
    push_reginfo_contact *c = &ri->contacts[ri->ncontacts - 1];
    if (sp_str_eq(t->local, SP_LIT("uri"))) {
        if (c->uri.p)
            return bad(err, t->offset, "contact has two uri elements");
        c->uri = sp_str_make(t->attrs.p + t->attrs.n, 0);
        w->cap = CAP_URI;
        w->cap_into = &c->uri;
    } else if (sp_str_eq(t->local, SP_LIT("unknown-param"))) {
        sp_str name;
        if (need_attr(t, "name", &name, err))
            return SP_EINVAL;
        if (ri->nparams >= ri->max_params)
            return sp_fail(err, SP_ELIMIT, t->offset, 413, "too many unknown-params");
        push_reginfo_param *p = &ri->params[ri->nparams++];
        p->name = name;
        p->value = sp_str_make(t->attrs.p + t->attrs.n, 0);
        c->param_count++;
        w->cap = CAP_PARAM;
        w->cap_into = &p->value;
    } else {
        return 0;
    }
    w->cap_has_text = false;
    return 0;
}

/* Text of uri / unknown-param: one run of character data; white space
 * around comments is tolerated, markup splitting the value is not. */
static int text(walk *w, const push_xml_token *t, sp_error *err)
{
    if (w->cap == CAP_NONE || all_ws(t->text))
        return 0;
    if (t->cdata)
        return bad(err, t->offset, "CDATA in a uri or unknown-param value");
    if (w->cap_has_text)
        return bad(err, t->offset, "value split by markup");
    *w->cap_into = w->cap == CAP_URI ? sp_str_trim(t->text) : t->text;
    w->cap_has_text = true;
    return 0;
}

int push_reginfo_parse(const char *buf, size_t len, push_reginfo *ri, const push_xml_limits *lim, sp_error *err)
{
    push_xml x;
    push_xml_token t;
    walk w = {ri, false, false, CAP_NONE, NULL, false};
    ri->nregs = ri->ncontacts = ri->nparams = 0;
    ri->version = 0;
    ri->full = false;
    push_xml_init(&x, buf, len, lim);
    for (;;) {
        int rc = push_xml_next(&x, &t, err);
        if (rc)
            return rc;
        switch (t.kind) {
        case PUSH_XML_END:
            return (int)len;
        case PUSH_XML_TEXT:
            if (t.depth == 4 && (rc = text(&w, &t, err)))
                return rc;
            break;
        case PUSH_XML_OPEN:
            if (t.depth == 1)
                rc = open_reginfo(ri, &t, err);
            else if (t.depth == 2 && sp_str_eq(t.local, SP_LIT("registration")))
                rc = open_registration(&w, &t, err);
            else if (t.depth == 3 && w.reg_open && sp_str_eq(t.local, SP_LIT("contact")))
                rc = open_contact(&w, &t, err);
            else if (t.depth == 4 && w.contact_open)
                rc = open_in_contact(&w, &t, err);
            if (rc)
                return rc;
            break;
        case PUSH_XML_CLOSE:
            if (t.depth == 4)
                w.cap = CAP_NONE;
            if (t.depth == 3 && w.contact_open) {
                w.contact_open = false;
                if (!ri->contacts[ri->ncontacts - 1].uri.p || ri->contacts[ri->ncontacts - 1].uri.n == 0)
                    return bad(err, t.offset, "contact without uri");
            }
            if (t.depth == 2)
                w.reg_open = false;
            break;
        }
    }
}

bool push_reginfo_contact_param(const push_reginfo *ri, const push_reginfo_contact *c, const char *name,
                                sp_str *value)
{
    for (size_t i = 0; i < c->param_count; i++) {
        const push_reginfo_param *p = &ri->params[c->param_first + i];
        if (sp_str_caseeq_cstr(p->name, name)) {
            *value = p->value;
            return true;
        }
    }
    return false;
}
