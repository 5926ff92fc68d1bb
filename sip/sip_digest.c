/* sip_digest.c - see sip_digest.h. */
#include "sip_digest.h"

#include "sp_hex.h"
#include "sp_md5.h"
#include "sp_random.h"

/* H(parts joined by ':') as hex; absent parts are skipped. */
static void md5_joined(const sp_str *parts, size_t count, char out[SIP_DIGEST_HEX_SIZE])
{
    sp_md5_ctx c;
    uint8_t d[SP_MD5_LEN];
    sp_md5_init(&c);
    bool first = true;
    for (size_t i = 0; i < count; i++) {
        if (!sp_str_present(parts[i]))
            continue;
        if (!first)
            sp_md5_update(&c, ":", 1);
        sp_md5_update(&c, parts[i].p, parts[i].n);
        first = false;
    }
    sp_md5_final(&c, d);
    sp_hex_encode(d, SP_MD5_LEN, out);
    out[SIP_DIGEST_HEX_LEN] = '\0';
}

static sp_str hex_str(const char hex[SIP_DIGEST_HEX_SIZE])
{
    return sp_str_make(hex, SIP_DIGEST_HEX_LEN);
}

/* Present even when empty: an empty realm or password is still hashed. */
static sp_str present(sp_str s)
{
    return s.p ? s : sp_str_make("", 0);
}

void sip_digest_ha1(sp_str username, sp_str realm, sp_str password, char out[SIP_DIGEST_HEX_SIZE])
{
    sp_str parts[] = {present(username), present(realm), present(password)};
    md5_joined(parts, 3, out);
}

void sip_digest_ha1_sess(const char ha1[SIP_DIGEST_HEX_SIZE], sp_str nonce, sp_str cnonce,
                         char out[SIP_DIGEST_HEX_SIZE])
{
    sp_str parts[] = {hex_str(ha1), present(nonce), present(cnonce)};
    md5_joined(parts, 3, out);
}

void sip_digest_ha2(sp_str method, sp_str uri, char out[SIP_DIGEST_HEX_SIZE])
{
    sp_str parts[] = {present(method), present(uri)};
    md5_joined(parts, 2, out);
}

void sip_digest_ha2_auth_int(sp_str method, sp_str uri, sp_str body, char out[SIP_DIGEST_HEX_SIZE])
{
    char body_hash[SIP_DIGEST_HEX_SIZE];
    sp_str whole[] = {present(body)};
    md5_joined(whole, 1, body_hash);
    sp_str parts[] = {present(method), present(uri), hex_str(body_hash)};
    md5_joined(parts, 3, out);
}

void sip_digest_response(const char ha1[SIP_DIGEST_HEX_SIZE], sp_str nonce, sp_str nc, sp_str cnonce, sp_str qop,
                         const char ha2[SIP_DIGEST_HEX_SIZE], char out[SIP_DIGEST_HEX_SIZE])
{
    if (!sp_str_present(qop)) {
        sp_str parts[] = {hex_str(ha1), present(nonce), hex_str(ha2)};
        md5_joined(parts, 3, out);
        return;
    }
    sp_str parts[] = {hex_str(ha1), present(nonce), present(nc), present(cnonce), qop, hex_str(ha2)};
    md5_joined(parts, 6, out);
}

void sip_digest_nc(uint32_t count, char out[SIP_DIGEST_NC_SIZE])
{
    uint8_t be[4] = {(uint8_t)(count >> 24), (uint8_t)(count >> 16), (uint8_t)(count >> 8), (uint8_t)count};
    sp_hex_encode(be, sizeof be, out);
    out[8] = '\0';
}

int sip_digest_cnonce(char out[SIP_DIGEST_CNONCE_LEN + 1])
{
    return sp_random_token(out, SIP_DIGEST_CNONCE_LEN, SP_RANDOM_ALNUM) == 0 ? 0 : -EIO;
}

int sip_digest_compute(const sip_digest_input *in, char out[SIP_DIGEST_HEX_SIZE])
{
    char ha1[SIP_DIGEST_HEX_SIZE], ha2[SIP_DIGEST_HEX_SIZE];
    bool sess;
    if (!sp_str_present(in->algorithm) || sp_str_caseeq_cstr(in->algorithm, "MD5"))
        sess = false;
    else if (sp_str_caseeq_cstr(in->algorithm, "MD5-sess"))
        sess = true;
    else
        return SP_EINVAL;

    bool auth_int = false;
    if (sp_str_present(in->qop)) {
        if (sp_str_caseeq_cstr(in->qop, "auth-int"))
            auth_int = true;
        else if (!sp_str_caseeq_cstr(in->qop, "auth"))
            return SP_EINVAL;
    }

    sip_digest_ha1(in->username, in->realm, in->password, ha1);
    if (sess)
        sip_digest_ha1_sess(ha1, in->nonce, in->cnonce, ha1);
    if (auth_int)
        sip_digest_ha2_auth_int(in->method, in->uri, in->body, ha2);
    else
        sip_digest_ha2(in->method, in->uri, ha2);
    sip_digest_response(ha1, in->nonce, in->nc, in->cnonce, in->qop, ha2, out);
    return 0;
}
