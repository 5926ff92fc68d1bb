/* push_featuretags.c - see push_featuretags.h. */
#include "push_featuretags.h"

#include "push_buf_impl.h"
#include "sip_hdr.h"

/* RFC 3840 §9 token-nobang. */
static bool is_nobang(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("-.%*_+`'~", c) != NULL;
}

static bool is_token_nobang(sp_str s)
{
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if (!is_nobang((unsigned char)s.p[i]))
            return false;
    return true;
}

/* qdtext-no-abkt without white space: what may sit between '<' and '>'. */
static bool is_urn_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 8-4-4-4-12 hex digits (RFC 4122 §3). */
static bool is_bare_uuid(sp_str s)
{
    if (s.n != 36)
        return false;
    for (size_t i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s.p[i] != '-' : !is_hex(s.p[i]))
            return false;
    }
    return true;
}

static int put_instance(sp_buf *t, sp_str inst, sp_error *err)
{
    /* RFC 5626 §4.1: the instance id is a URN, always "<...>" in quotes. */
    if (is_bare_uuid(inst)) {
        sp_buf_puts(t, ";" PUSH_FTAG_INSTANCE "=\"<urn:uuid:");
        sp_buf_put(t, inst);
        sp_buf_puts(t, ">\"");
        return 0;
    }
    if (inst.n < 5 || !sp_str_caseeq(sp_str_make(inst.p, 4), SP_LIT("urn:")))
        return sp_fail(err, SP_EINVAL, 0, 400, "instance is not a URN");
    for (size_t i = 0; i < inst.n; i++)
        if (!is_urn_char((unsigned char)inst.p[i]))
            return sp_fail(err, SP_EINVAL, i, 400, "character not allowed in an instance URN");
    sp_buf_puts(t, ";" PUSH_FTAG_INSTANCE "=\"<");
    sp_buf_put(t, inst);
    sp_buf_puts(t, ">\"");
    return 0;
}

static int put_apps(sp_buf *t, const sp_str *apps, size_t napps, sp_error *err)
{
    for (size_t i = 0; i < napps; i++) {
        if (!is_token_nobang(apps[i]))
            return sp_fail(err, SP_EINVAL, i, 400, "application id is not an RFC 3840 token");
        for (size_t k = 0; k < i; k++)
            if (sp_str_caseeq(apps[k], apps[i]))
                return sp_fail(err, SP_EINVAL, i, 400, "application id listed twice");
    }
    sp_buf_puts(t, ";" PUSH_FTAG_APP "=\"");
    for (size_t i = 0; i < napps; i++) {
        if (i)
            sp_buf_put(t, SP_LIT(","));
        sp_buf_put(t, apps[i]);
    }
    sp_buf_put(t, SP_LIT("\""));
    return 0;
}

/* A URN as a token-nobang: every other byte, and '%' itself, as %XX. */
static void put_icsi(sp_buf *t, sp_str icsi)
{
    sp_buf_puts(t, ";" PUSH_FTAG_ICSI "=\"");
    for (size_t i = 0; i < icsi.n; i++) {
        unsigned char c = (unsigned char)icsi.p[i];
        if (is_nobang(c) && c != '%')
            sp_buf_put(t, sp_str_make((const char *)&icsi.p[i], 1));
        else
            sp_buf_printf(t, "%%%02X", c);
    }
    sp_buf_put(t, SP_LIT("\""));
}

static void put_methods(sp_buf *t, unsigned methods)
{
    static const char *names[] = {"INVITE", "ACK", "BYE", "CANCEL", "MESSAGE", "SUBSCRIBE", "NOTIFY", "REFER", "OPTIONS"};
    sp_buf_puts(t, ";methods=\"");
    bool first = true;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (methods & (1u << i)) {
            sp_buf_printf(t, "%s%s", first ? "" : ",", names[i]);
            first = false;
        }
    sp_buf_put(t, SP_LIT("\""));
}

int push_contact_features_build(const push_features *f, char *out, size_t cap, sp_error *err)
{
    sp_buf t;
    sp_buf_init(&t, out, cap);
    if (f->instance.p && put_instance(&t, f->instance, err))
        return SP_EINVAL;
    if (f->napps && put_apps(&t, f->apps, f->napps, err))
        return SP_EINVAL;
    if (f->icsi.p && f->icsi.n)
        put_icsi(&t, f->icsi);
    if (f->methods)
        put_methods(&t, f->methods);
    return push_buf_end(&t, err);
}

int push_accept_contact_build(sp_str app, sp_str icsi, unsigned methods, bool require, bool explicit_, char *out,
                              size_t cap, sp_error *err)
{
    sp_buf t;
    sp_buf_init(&t, out, cap);
    sp_buf_put(&t, SP_LIT("*"));
    if (app.p && put_apps(&t, &app, 1, err))
        return SP_EINVAL;
    if (icsi.p && icsi.n)
        put_icsi(&t, icsi);
    if (methods)
        put_methods(&t, methods);
    if (require)
        sp_buf_puts(&t, ";require");
    if (explicit_)
        sp_buf_puts(&t, ";explicit");
    return push_buf_end(&t, err);
}

/* RFC 3840 §9 base tags, and anything starting with '+'. */
static bool is_feature_name(sp_str name)
{
    static const char *base[] = {"audio", "automata", "class", "duplex", "data", "control", "mobility",
                                 "description", "events", "priority", "methods", "schemes", "application",
                                 "video", "language", "type", "isfocus", "actor", "text", "extensions"};
    if (name.n > 1 && name.p[0] == '+')
        return true;
    for (size_t i = 0; i < sizeof base / sizeof base[0]; i++)
        if (sp_str_caseeq_cstr(name, base[i]))
            return true;
    return false;
}

/* The contact's spelling of a tag: the ICSI tag may use either name. */
static const char *contact_tag(sp_str contact, sp_str name, char *buf, size_t cap)
{
    bool icsi = sp_str_caseeq_cstr(name, PUSH_FTAG_ICSI) || sp_str_caseeq_cstr(name, PUSH_FTAG_ICSI_3GPP);
    if (icsi)
        return sip_feature_find(contact, PUSH_FTAG_ICSI, NULL) ? PUSH_FTAG_ICSI : PUSH_FTAG_ICSI_3GPP;
    if (name.n >= cap)
        return NULL;
    memcpy(buf, name.p, name.n);
    buf[name.n] = '\0';
    return buf;
}

/* One requested tag against the contact: -1 the contact lacks the tag,
 * 0 it has the tag without a requested value, 1 it has one. */
static int term_match(sp_str contact, sp_str name, sp_str wanted)
{
    char buf[128];
    const char *tag = contact_tag(contact, name, buf, sizeof buf);
    if (!tag || !sip_feature_find(contact, tag, NULL))
        return -1;
    sp_str item, rest = wanted;
    while (sip_list_next(&rest, &item)) {
        item = sp_str_trim(item);
        bool negated = item.n > 1 && item.p[0] == '!';
        if (negated)
            item = sp_str_make(item.p + 1, item.n - 1);
        if (item.n && item.p[0] == '#')
            continue;
        if (sip_feature_has(contact, tag, item) != negated)
            return 1;
    }
    return 0;
}

int push_accept_contact_match(sp_str ac_value, sp_str contact_params, push_match *m, sp_error *err)
{
    sip_ac_value ac;
    if (sip_ac_value_parse(ac_value, &ac, err) != 0)
        return SP_EINVAL;
    unsigned terms = 0, explicit_hits = 0;
    bool all_match = true;
    sip_param prm;
    sp_str rest = ac.params;
    while (sip_param_next(&rest, &prm)) {
        if (!is_feature_name(prm.name))
            continue;
        terms++;
        sp_str wanted = prm.value.p ? sip_unquote(prm.value) : SP_LIT("TRUE");
        int r = term_match(contact_params, prm.name, wanted);
        if (r == 1)
            explicit_hits++;
        else if (r == 0)
            all_match = false;
    }
    if (!all_match) {
        m->verdict = ac.require ? PUSH_MATCH_DROP : PUSH_MATCH_FALLBACK;
        m->score = 0;
        return 0;
    }
    m->score = terms ? (double)explicit_hits / terms : 1.0;
    m->verdict = PUSH_MATCH_YES;
    if (m->score < 1.0 && ac.explicit_) {
        m->verdict = ac.require ? PUSH_MATCH_DROP : PUSH_MATCH_FALLBACK;
        m->score = 0;
    }
    return 0;
}

bool push_contact_serves(sp_str contact_params, sp_str app)
{
    return sip_feature_has(contact_params, PUSH_FTAG_APP, app);
}
