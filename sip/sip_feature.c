/* sip_feature.c - Accept-Contact / Reject-Contact values (RFC 3841 §10) and
 * feature tags in parameters (RFC 3840 §9). */
#include "sip_hdr.h"

#include "sip_lex_impl.h"

int sip_ac_value_parse(sp_str value, sip_ac_value *ac, sp_error *err)
{
    const char *p = value.p;
    size_t n = value.n;
    sip_lex_err e;
    *ac = (sip_ac_value){0};
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    /* ac-value = "*" *(SEMI ac-params) */
    size_t i = sip_skip_ws(p, 0, n);
    if (i >= n || p[i] != '*')
        return sip_hdr_fail(err, i, "expected '*'");
    i = sip_skip_ws(p, i + 1, n);
    if (sip_scan_params(p, i, n, &ac->params, &e) == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    sp_str rest = ac->params;
    sip_param prm;
    while (sip_param_next(&rest, &prm)) {
        bool require = SIP_NAME_IS(prm.name, "require");
        if (!require && !SIP_NAME_IS(prm.name, "explicit"))
            continue;
        if (prm.value.p)
            return sip_hdr_fail(err, (size_t)(prm.name.p - p), "require and explicit take no value");
        if (require)
            ac->require = true;
        else
            ac->explicit_ = true;
    }
    return 0;
}

bool sip_feature_find(sp_str params, const char *name, sp_str *value)
{
    sp_str v;
    if (!sip_param_find(params, name, &v))
        return false;
    /* a feature tag without a value is an explicit TRUE (RFC 3840 §9) */
    if (value)
        *value = v.p ? sip_unquote(v) : SP_LIT("TRUE");
    return true;
}

bool sip_feature_has(sp_str params, const char *name, sp_str wanted)
{
    sp_str v;
    if (!sip_feature_find(params, name, &v))
        return false;
    /* tag-value-list: strings ("<...>") compare case-sensitively, tokens
     * not (RFC 3840 §9, RFC 3841 §7.2.1) */
    bool string = wanted.n > 0 && wanted.p[0] == '<';
    sp_str item;
    while (sip_list_next(&v, &item))
        if (string ? sp_str_eq(item, wanted) : sp_str_caseeq(item, wanted))
            return true;
    return false;
}
