/* sip_digest.h - the client side of HTTP Digest authentication as SIP uses it
 * (RFC 2617 §3.2.2, RFC 3261 §22.4): H(A1), H(A2) and the request-digest.
 *
 * Pure functions over strings the caller has already taken from the
 * challenge (parsing WWW-Authenticate is done elsewhere). Values are the
 * unquoted ones. Every hash is written as 32 lower-case hex characters and a
 * NUL into a SIP_DIGEST_HEX_SIZE buffer. */
#ifndef SIPPUSH_SIP_DIGEST_H
#define SIPPUSH_SIP_DIGEST_H

#include "sp_export.h"

#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

#define SIP_DIGEST_HEX_LEN 32
#define SIP_DIGEST_HEX_SIZE (SIP_DIGEST_HEX_LEN + 1)
#define SIP_DIGEST_NC_SIZE 9      /* "00000001" and a NUL */
#define SIP_DIGEST_CNONCE_LEN 16  /* alphanumeric: 95 random bits */

/* H(username ":" realm ":" password), algorithm MD5 (§3.2.2.2). */
SP_API void sip_digest_ha1(sp_str username, sp_str realm, sp_str password, char out[SIP_DIGEST_HEX_SIZE]);
/* MD5-sess: H(H(A1 of MD5) ":" nonce ":" cnonce), from the MD5 form above;
 * out may be ha1 itself. */
SP_API void sip_digest_ha1_sess(const char ha1[SIP_DIGEST_HEX_SIZE], sp_str nonce, sp_str cnonce,
                                char out[SIP_DIGEST_HEX_SIZE]);

/* H(method ":" digest-uri), for qop=auth or no qop (§3.2.2.3). */
SP_API void sip_digest_ha2(sp_str method, sp_str uri, char out[SIP_DIGEST_HEX_SIZE]);
/* H(method ":" digest-uri ":" H(body)), for qop=auth-int. */
SP_API void sip_digest_ha2_auth_int(sp_str method, sp_str uri, sp_str body, char out[SIP_DIGEST_HEX_SIZE]);

/* The request-digest (§3.2.2.1): with qop present,
 * H(ha1 ":" nonce ":" nc ":" cnonce ":" qop ":" ha2); with qop absent
 * (p == NULL, RFC 2069 compatibility), H(ha1 ":" nonce ":" ha2) and nc,
 * cnonce are ignored. */
SP_API void sip_digest_response(const char ha1[SIP_DIGEST_HEX_SIZE], sp_str nonce, sp_str nc, sp_str cnonce, sp_str qop,
                                const char ha2[SIP_DIGEST_HEX_SIZE], char out[SIP_DIGEST_HEX_SIZE]);

/* The nonce-count as 8 lower-case hex digits ("00000001"), §3.2.2. */
SP_API void sip_digest_nc(uint32_t count, char out[SIP_DIGEST_NC_SIZE]);
/* A fresh cnonce of SIP_DIGEST_CNONCE_LEN characters and a NUL; 0, or -EIO without randomness. */
SP_API int sip_digest_cnonce(char out[SIP_DIGEST_CNONCE_LEN + 1]);

/* Everything one Authorization header needs, from the challenge's values. */
typedef struct sip_digest_input {
    sp_str username, realm, password;
    sp_str method, uri;
    sp_str nonce, cnonce, nc; /* cnonce and nc only used with a qop */
    sp_str qop;       /* "auth", "auth-int", or absent */
    sp_str algorithm; /* "MD5" (also when absent) or "MD5-sess" */
    sp_str body;      /* for auth-int */
} sip_digest_input;

/* The response value; 0, or SP_EINVAL when the algorithm or qop is not one of
 * the above (the caller then tries another challenge or gives up). */
SP_API int sip_digest_compute(const sip_digest_input *in, char out[SIP_DIGEST_HEX_SIZE]);

#endif
