/* sip_hdr_simple.c - CSeq, numbers, Call-ID, media types and Session-Expires
 * (RFC 3261 §20.8, §20.15, §20.16, §25; RFC 4028 §4, §5). */
#include "sip_hdr.h"

#include "sip_lex_impl.h"

/* The value without the white space (folding included) around it. */
static void trim(sp_str value, size_t *i, size_t *n)
{
    *n = value.n;
    while (*n && sip_is(value.p[*n - 1], SIP_C_WS))
        (*n)--;
    *i = sip_skip_ws(value.p, 0, *n);
}

int sip_cseq_parse(sp_str value, sip_cseq *cseq, sp_error *err)
{
    const char *p = value.p;
    size_t i, n;
    sip_lex_err e = {0};
    uint64_t seq;
    trim(value, &i, &n);
    /* the sequence number is below 2^31 (§8.1.1.5) */
    size_t end = sip_scan_uint(p, i, n, 0x7fffffffu, &seq, &e);
    if (end == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    i = sip_skip_ws(p, end, n);
    if (i == end)
        return sip_hdr_fail(err, end, "expected white space after CSeq number");
    size_t m = i;
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == m)
        return sip_hdr_fail(err, m, "expected CSeq method");
    if (i != n)
        return sip_hdr_fail(err, i, "unexpected character after CSeq method");
    cseq->seq = (uint32_t)seq;
    cseq->method = sip_slice(p, m, n);
    return 0;
}

int sip_uint_parse(sp_str value, uint64_t max, uint64_t *out, sp_error *err)
{
    size_t i, n;
    sip_lex_err e = {0};
    trim(value, &i, &n);
    size_t end = sip_scan_uint(value.p, i, n, max, out, &e);
    if (end == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    if (end != n)
        return sip_hdr_fail(err, end, "unexpected character after number");
    return 0;
}

int sip_callid_parse(sp_str value, sp_str *callid, sp_error *err)
{
    const char *p = value.p;
    size_t i, n;
    trim(value, &i, &n);
    /* callid = word [ "@" word ] */
    size_t start = i;
    i = sip_span(p, i, n, SIP_C_WORD);
    if (i == start)
        return sip_hdr_fail(err, i, "expected Call-ID");
    if (i < n && p[i] == '@') {
        size_t w = ++i;
        i = sip_span(p, i, n, SIP_C_WORD);
        if (i == w)
            return sip_hdr_fail(err, i, "expected word after '@' in Call-ID");
    }
    if (i != n)
        return sip_hdr_fail(err, i, "unexpected character in Call-ID");
    *callid = sip_slice(p, start, n);
    return 0;
}

int sip_media_type_parse(sp_str value, sip_media_type *mt, sp_error *err)
{
    const char *p = value.p;
    size_t i, n;
    sip_lex_err e;
    trim(value, &i, &n);
    *mt = (sip_media_type){0};
    /* m-type SLASH m-subtype, '*' being a token character covers media-range */
    size_t t = i;
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == t)
        return sip_hdr_fail(err, i, "expected media type");
    mt->type = sip_slice(p, t, i);
    i = sip_skip_ws(p, i, n);
    if (i >= n || p[i] != '/')
        return sip_hdr_fail(err, i, "expected '/' in media type");
    size_t s = i = sip_skip_ws(p, i + 1, n);
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == s)
        return sip_hdr_fail(err, i, "expected media subtype");
    mt->subtype = sip_slice(p, s, i);
    i = sip_skip_ws(p, i, n);
    if (sip_scan_params(p, i, n, &mt->params, &e) == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    return 0;
}

int sip_session_expires_parse(sp_str value, sip_session_expires *se, sp_error *err)
{
    const char *p = value.p;
    size_t i, n;
    sip_lex_err e = {0};
    uint64_t delta;
    trim(value, &i, &n);
    *se = (sip_session_expires){0};
    i = sip_scan_uint(p, i, n, UINT32_MAX, &delta, &e);
    if (i == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    se->delta = (uint32_t)delta;
    i = sip_skip_ws(p, i, n);
    if (sip_scan_params(p, i, n, &se->params, &e) == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    /* refresher-param = "refresher" EQUAL ("uas" / "uac") (RFC 4028 §4) */
    sp_str rest = se->params;
    sip_param prm;
    while (sip_param_next(&rest, &prm)) {
        if (!SIP_NAME_IS(prm.name, "refresher"))
            continue;
        size_t at = (size_t)(prm.name.p - p);
        if (se->refresher.p)
            return sip_hdr_fail(err, at, "duplicate refresher");
        if (!prm.value.p || !(SIP_NAME_IS(prm.value, "uac") || SIP_NAME_IS(prm.value, "uas")))
            return sip_hdr_fail(err, at, "refresher is neither uac nor uas");
        se->refresher = prm.value;
    }
    return 0;
}
