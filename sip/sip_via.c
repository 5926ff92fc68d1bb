/* sip_via.c - one via-parm (RFC 3261 §20.42, §25; rport from RFC 3581). */
#include "sip_hdr.h"

#include "sip_lex_impl.h"
#include "sip_zero_impl.h"

/* The whole slice is a host (maddr) or an IP address (received). */
static bool whole_host(sp_str v, bool ip_only)
{
    sip_lex_err e;
    sip_host_type type;
    /* An IPv4address is what sip_scan_host() below would find there
     * too (digits and dots, no letter to make it a name); received
     * carries a bare IPv6address, which always holds a ':'. */
    if (ip_only && (sip_ipv4_valid(v.p, v.n) || (memchr(v.p, ':', v.n) && sip_ipv6_valid(v.p, v.n))))
        return true;
    size_t end = sip_scan_host(v.p, 0, v.n, &type, &e);
    return end == v.n && (!ip_only || type != SIP_HOST_NAME);
}

static bool all_token(sp_str v) { return v.n > 0 && sip_span(v.p, 0, v.n, SIP_C_TOKEN) == v.n; }

/* The known via-params, each checked and allowed once; token says that
 * the value is known to be a non-empty token already. */
static int via_param(sip_via *via, const sip_param *prm, bool token, size_t at, sp_error *err)
{
    sp_str name = prm->name, v = prm->value;
    sp_str *slot = NULL;
    bool ok = true;
    /* one length test picks the only name that can match */
    switch (name.n) {
    case 6:
        if (SIP_NAME_IS(name, "branch")) {
            slot = &via->branch;
            ok = token || all_token(v);
        }
        break;
    case 8:
        if (SIP_NAME_IS(name, "received")) {
            slot = &via->received;
            ok = v.p && whole_host(v, true);
        }
        break;
    case 5:
        if (SIP_NAME_IS(name, "rport")) {
            /* response-port = "rport" [EQUAL 1*DIGIT] (RFC 3581 §3) */
            slot = &via->rport;
            uint64_t port;
            sip_lex_err e;
            if (v.p)
                ok = sip_scan_uint(v.p, 0, v.n, 65535, &port, &e) == v.n;
            else
                v = sp_str_make(name.p + name.n, 0);
        } else if (SIP_NAME_IS(name, "maddr")) {
            slot = &via->maddr;
            ok = v.p && whole_host(v, false);
        }
        break;
    case 3:
        if (SIP_NAME_IS(name, "ttl")) {
            /* ttl = 1*3DIGIT ; 0 to 255 */
            slot = &via->ttl;
            uint64_t ttl;
            sip_lex_err e;
            ok = v.p && v.n <= 3 && sip_scan_uint(v.p, 0, v.n, 255, &ttl, &e) == v.n;
        }
        break;
    }
    if (!slot)
        return 0;
    if (!ok)
        return sip_hdr_fail(err, at, "malformed Via parameter");
    if (slot->p)
        return sip_hdr_fail(err, at, "duplicate Via parameter");
    *slot = v;
    return 0;
}

int sip_via_parse(sp_str value, sip_via *via, sp_error *err)
{
    const char *p = value.p;
    size_t n = value.n;
    sip_lex_err e;
    sip_zero(via, sizeof *via);
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    /* sent-protocol = protocol-name SLASH protocol-version SLASH transport */
    size_t i = sip_skip_ws(p, 0, n), start = i, transport;
    if (n - i > 8 && memcmp(p + i, "SIP/2.0/", 8) == 0) {
        /* as nearly every Via writes it: the general walk would find the
         * same protocol and reach the transport at the same place */
        via->protocol = sip_slice(p, i, i + 7);
        i += 8;
        goto transport;
    }
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == start)
        return sip_hdr_fail(err, i, "expected Via protocol name");
    i = sip_skip_ws(p, i, n);
    if (i >= n || p[i] != '/')
        return sip_hdr_fail(err, i, "expected '/' in Via protocol");
    size_t version = i = sip_skip_ws(p, i + 1, n);
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == version)
        return sip_hdr_fail(err, i, "expected Via protocol version");
    via->protocol = sip_slice(p, start, i);
    i = sip_skip_ws(p, i, n);
    if (i >= n || p[i] != '/')
        return sip_hdr_fail(err, i, "expected '/' before Via transport");
    i++;
transport:
    transport = i = sip_skip_ws(p, i, n);
    i = sip_span(p, i, n, SIP_C_TOKEN);
    if (i == transport)
        return sip_hdr_fail(err, i, "expected Via transport");
    via->transport = sip_slice(p, transport, i);

    /* LWS sent-by */
    size_t host = sip_skip_ws(p, i, n);
    if (host == i)
        return sip_hdr_fail(err, i, "expected white space before Via sent-by");
    i = sip_scan_host(p, host, n, &via->host_type, &e);
    if (i == SIP_LEX_BAD)
        return sip_hdr_fail(err, e.at, e.why);
    via->host = sip_slice(p, host, i);
    i = sip_skip_ws(p, i, n);
    if (i < n && p[i] == ':') {
        i = sip_scan_port(p, sip_skip_ws(p, i + 1, n), n, &via->port, &e);
        if (i == SIP_LEX_BAD)
            return sip_hdr_fail(err, e.at, e.why);
        via->has_port = true;
        i = sip_skip_ws(p, i, n);
    }

    if (i == n)
        return 0;
    if (p[i] != ';')
        return sip_hdr_fail(err, i, "unexpected character after Via sent-by");
    size_t first = sip_skip_ws(p, i + 1, n);
    while (i < n) {
        if (p[i] != ';')
            return sip_hdr_fail(err, i, "expected ';' between Via parameters");
        sip_param prm;
        size_t at = i + 1, j = sip_span(p, at, n, SIP_C_TOKEN), k = j;
        bool token = false;
        /* The usual ";name=token" read inline: sip_scan_param_fast()
         * finds the same there (';' is no gen-value character). */
        if (j > at && j < n && p[j] == '=') {
            k = sip_span(p, j + 1, n, SIP_C_TOKEN);
            token = k > j + 1 && (k == n || p[k] == ';');
        }
        if (token) {
            prm.name = sip_slice(p, at, j);
            prm.value = sip_slice(p, j + 1, k);
            i = k;
        } else {
            at = sip_skip_ws(p, at, n);
            i = sip_scan_param_fast(p, at, n, &prm, &e);
            if (i == SIP_LEX_BAD)
                return sip_hdr_fail(err, e.at, e.why);
        }
        if (via_param(via, &prm, token, at, err) != 0)
            return SP_EINVAL;
    }
    via->params = sip_slice(p, first, n);
    return 0;
}
