/* sip_auth_client.h - answering Digest challenges (RFC 3261 §22.2, §22.3,
 * RFC 2617 §3.2): from the WWW-Authenticate / Proxy-Authenticate headers of
 * a 401 / 407, the Authorization / Proxy-Authorization headers of the
 * request sent again, for REGISTER and any challenged request.
 *
 * One sip_auth_client follows one chain of requests (a registration and its
 * refreshes, a dialog): it keeps each realm's nonce and counts its uses
 * (nc). It copies what it keeps; the credentials stay the caller's. */
#ifndef SIPPUSH_SIP_AUTH_CLIENT_H
#define SIPPUSH_SIP_AUTH_CLIENT_H

#include "sp_export.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_digest.h"
#include "sip_msg.h"
#include "sp_str.h"

/* Limits: realms answered at once, and the longest values kept (a longer
 * one makes its challenge unusable). */
#define SIP_AUTH_MAX_REALMS 4
#define SIP_AUTH_REALM_MAX 128
#define SIP_AUTH_NONCE_MAX 256
#define SIP_AUTH_OPAQUE_MAX 256
/* Consecutive challenges for one realm before giving up (a server that
 * changes its nonce on every 401 without saying stale=true). */
#define SIP_AUTH_MAX_TRIES 3

enum {
    SIP_AUTH_EFAILED = -EACCES,  /* the credentials were refused: do not retry */
    SIP_AUTH_ENOCREDS = -ENOENT, /* no credentials for any challenged realm */
};

typedef struct sip_credentials {
    sp_str realm;     /* absent: good for any realm */
    sp_str username, password;
} sip_credentials;

typedef struct sip_auth_realm {
    bool proxy;       /* from a 407: Proxy-Authorization */
    bool qop_auth;    /* qop=auth offered; otherwise no qop (RFC 2069 form) */
    bool sess;        /* algorithm MD5-sess */
    uint32_t nc;      /* requests sent with this nonce */
    uint8_t tries;    /* challenges since the last success */
    const sip_credentials *creds;
    char realm[SIP_AUTH_REALM_MAX];
    char nonce[SIP_AUTH_NONCE_MAX];
    char opaque[SIP_AUTH_OPAQUE_MAX]; /* empty when none */
    char cnonce[SIP_DIGEST_CNONCE_LEN + 1];
} sip_auth_realm;

typedef struct sip_auth_client {
    const sip_credentials *creds;
    size_t ncreds;
    sip_auth_realm realms[SIP_AUTH_MAX_REALMS];
    size_t nrealms;
    sp_str fixed_cnonce; /* tests: this cnonce instead of a random one */
} sip_auth_client;

SP_API void sip_auth_client_init(sip_auth_client *a, const sip_credentials *creds, size_t ncreds);

/* Takes in the challenges of a 401 or 407. Returns 0 (send the request
 * again with sip_auth_client_headers), SIP_AUTH_EFAILED (a realm answered
 * before challenges again with the same nonce and no stale=true, RFC 2617
 * §3.2.1, or too many times), SIP_AUTH_ENOCREDS, or SP_EINVAL (not a
 * 401/407, or no Digest challenge with MD5/MD5-sess and qop auth or none). */
SP_API int sip_auth_client_challenge(sip_auth_client *a, const sip_msg *resp);

/* The request got through: the next challenges count from zero. */
SP_API void sip_auth_client_accepted(sip_auth_client *a);

/* Writes one Authorization or Proxy-Authorization line (ending in CRLF)
 * per realm for a request of this method and Request-URI; every call counts
 * one more use of each nonce. Returns the length written, SP_ENOSPC when it
 * does not fit, SP_EINVAL for a challenge it cannot answer, or -EIO when no
 * randomness could be had for a cnonce. */
SP_API long sip_auth_client_headers(sip_auth_client *a, sp_str method, sp_str uri, char *out, size_t cap);

#endif
