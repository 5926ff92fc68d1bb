/* sip_auth_client.c - the Digest client (RFC 3261 §22, RFC 2617 §3.2.2). */
#include <stdio.h>
#include <string.h>

#include "sip_auth_client.h"
#include "sip_build.h"
#include "sip_hdr.h"

void sip_auth_client_init(sip_auth_client *a, const sip_credentials *creds, size_t ncreds)
{
    memset(a, 0, sizeof *a);
    a->creds = creds;
    a->ncreds = ncreds;
}

static const sip_credentials *creds_for(const sip_auth_client *a, sp_str realm)
{
    const sip_credentials *any = NULL;
    for (size_t i = 0; i < a->ncreds; i++) {
        if (!sp_str_present(a->creds[i].realm))
            any = any ? any : &a->creds[i];
        else if (sp_str_eq(a->creds[i].realm, realm)) /* realm is a quoted string: exact (§22.1) */
            return &a->creds[i];
    }
    return any;
}

static bool copy_value(char *dst, size_t cap, sp_str v)
{
    if (v.n >= cap || memchr(v.p, 0, v.n) || memchr(v.p, '"', v.n) || memchr(v.p, '\r', v.n) ||
        memchr(v.p, '\n', v.n))
        return false; /* too long, or unsafe to quote again */
    memcpy(dst, v.p, v.n);
    dst[v.n] = 0;
    return true;
}

typedef enum { TAKE_OK, TAKE_SKIP, TAKE_FAILED, TAKE_NOCREDS } take_result;

/* One challenge: a new realm, a new nonce for a known one, or the sign of refused credentials. */
static take_result take_challenge(sip_auth_client *a, sp_str value, bool proxy)
{
    sip_auth ch;
    sp_str realm, nonce, opaque = SP_STR_NULL, qop, alg, stale;
    if (sip_auth_parse(value, &ch, NULL) != 0 || !sp_str_caseeq_cstr(ch.scheme, "Digest") ||
        !sip_auth_param(&ch, "realm", &realm) || !sip_auth_param(&ch, "nonce", &nonce))
        return TAKE_SKIP;
    sip_auth_param(&ch, "opaque", &opaque);
    bool has_qop = sip_auth_param(&ch, "qop", &qop);
    bool qop_auth = has_qop && sip_list_has(qop, SP_LIT("auth"), false);
    if (has_qop && !qop_auth)
        return TAKE_SKIP; /* auth-int only: not offered by this client */
    bool sess = false;
    if (sip_auth_param(&ch, "algorithm", &alg)) {
        if (sp_str_caseeq_cstr(alg, "MD5-sess"))
            sess = true;
        else if (!sp_str_caseeq_cstr(alg, "MD5"))
            return TAKE_SKIP;
    }
    bool is_stale = sip_auth_param(&ch, "stale", &stale) && sp_str_caseeq_cstr(stale, "true");

    sip_auth_realm *r = NULL;
    for (size_t i = 0; i < a->nrealms; i++)
        if (a->realms[i].proxy == proxy && sp_str_eq(sp_str_cstr(a->realms[i].realm), realm))
            r = &a->realms[i];
    if (r) {
        /* RFC 2617 §3.2.1: without stale=true the same nonce means the answer was wrong */
        if ((!is_stale && sp_str_eq(sp_str_cstr(r->nonce), nonce)) || ++r->tries > SIP_AUTH_MAX_TRIES)
            return TAKE_FAILED;
    } else {
        const sip_credentials *c = creds_for(a, realm);
        if (!c)
            return TAKE_NOCREDS;
        if (a->nrealms == SIP_AUTH_MAX_REALMS)
            return TAKE_SKIP;
        r = &a->realms[a->nrealms];
        memset(r, 0, sizeof *r);
        r->creds = c;
        r->proxy = proxy;
        r->tries = 1;
        if (!copy_value(r->realm, sizeof r->realm, realm))
            return TAKE_SKIP;
        a->nrealms++;
    }
    if (!copy_value(r->nonce, sizeof r->nonce, nonce) ||
        !copy_value(r->opaque, sizeof r->opaque, sp_str_present(opaque) ? opaque : SP_LIT(""))) {
        r->nonce[0] = 0; /* unusable until a better challenge comes */
        return TAKE_SKIP;
    }
    r->qop_auth = qop_auth;
    r->sess = sess;
    r->nc = 0;
    r->cnonce[0] = 0;
    return TAKE_OK;
}

int sip_auth_client_challenge(sip_auth_client *a, const sip_msg *resp)
{
    bool proxy = resp->status == 407;
    if (resp->is_request || (resp->status != 401 && !proxy))
        return SP_EINVAL;
    sip_hdr_id id = proxy ? SIP_H_PROXY_AUTHENTICATE : SIP_H_WWW_AUTHENTICATE;
    bool usable = false, nocreds = false;
    for (const sip_header *h = sip_msg_find(resp, id); h; h = sip_msg_find_next(resp, h)) {
        switch (take_challenge(a, h->value, proxy)) {
        case TAKE_FAILED:
            return SIP_AUTH_EFAILED;
        case TAKE_OK:
            usable = true;
            break;
        case TAKE_NOCREDS:
            nocreds = true;
            break;
        case TAKE_SKIP:
            break;
        }
    }
    if (usable)
        return 0;
    return nocreds ? SIP_AUTH_ENOCREDS : SP_EINVAL;
}

void sip_auth_client_accepted(sip_auth_client *a)
{
    for (size_t i = 0; i < a->nrealms; i++)
        a->realms[i].tries = 0;
}

static bool realm_cnonce(const sip_auth_client *a, sip_auth_realm *r)
{
    if (r->cnonce[0])
        return true;
    if (sp_str_present(a->fixed_cnonce))
        return copy_value(r->cnonce, sizeof r->cnonce, a->fixed_cnonce);
    return sip_digest_cnonce(r->cnonce) == 0;
}

long sip_auth_client_headers(sip_auth_client *a, sp_str method, sp_str uri, char *out, size_t cap)
{
    sp_buf b;
    sp_buf_init(&b, out, cap);
    for (size_t i = 0; i < a->nrealms; i++) {
        sip_auth_realm *r = &a->realms[i];
        if (!r->nonce[0])
            continue;
        char nc[SIP_DIGEST_NC_SIZE], resp[SIP_DIGEST_HEX_SIZE];
        bool qop = r->qop_auth;
        if (qop && !realm_cnonce(a, r))
            return -EIO; /* no randomness for the cnonce */
        sip_digest_nc(r->nc + 1, nc);
        sip_digest_input in = {
            .username = r->creds->username, .realm = sp_str_cstr(r->realm), .password = r->creds->password,
            .method = method, .uri = uri, .nonce = sp_str_cstr(r->nonce),
            .cnonce = qop ? sp_str_cstr(r->cnonce) : SP_STR_NULL, .nc = qop ? sp_str_cstr(nc) : SP_STR_NULL,
            .qop = qop ? SP_LIT("auth") : SP_STR_NULL, .algorithm = r->sess ? SP_LIT("MD5-sess") : SP_LIT("MD5"),
        };
        if (sip_digest_compute(&in, resp) != 0)
            return SP_EINVAL;
        sp_buf_printf(&b, "%s: Digest username=\"%.*s\", realm=\"%s\", nonce=\"%s\", uri=\"%.*s\", "
                           "response=\"%s\", algorithm=%s",
                       r->proxy ? "Proxy-Authorization" : "Authorization", (int)r->creds->username.n,
                       r->creds->username.p, r->realm, r->nonce, (int)uri.n, uri.p, resp,
                       r->sess ? "MD5-sess" : "MD5");
        if (qop)
            sp_buf_printf(&b, ", cnonce=\"%s\", qop=auth, nc=%s", r->cnonce, nc);
        if (r->opaque[0])
            sp_buf_printf(&b, ", opaque=\"%s\"", r->opaque);
        sp_buf_puts(&b, "\r\n");
        r->nc++; /* §3.2.2: each request with this nonce counts */
    }
    return sp_buf_finish(&b);
}
