/* sip_lex_impl.h - the character classes and scanning steps shared by the
 * typed header parsers and the URI parser (private).
 *
 * Scanners take (p, i, n) and return the index where they stopped, or
 * SIP_LEX_BAD with *e saying where and why. None reads p[n]. */
#ifndef SIPPUSH_SIP_LEX_IMPL_H
#define SIPPUSH_SIP_LEX_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sip_hdr.h"
#include "sp_str.h"

/* One bit per RFC 3261 §25.1 / §19.1 character set. */
enum {
    SIP_C_TOKEN = 1 << 0,   /* token */
    SIP_C_WS = 1 << 1,      /* SP HTAB CR LF: folding counts as white space */
    SIP_C_DIGIT = 1 << 2,
    SIP_C_HEX = 1 << 3,
    SIP_C_ALPHA = 1 << 4,
    SIP_C_ALNUM = 1 << 5,
    SIP_C_UNRES = 1 << 6,   /* unreserved = alphanum / mark */
    SIP_C_USER = 1 << 7,    /* user, without escapes */
    SIP_C_PASS = 1 << 8,    /* password, without escapes */
    SIP_C_PARAM = 1 << 9,   /* paramchar, without escapes */
    SIP_C_HNV = 1 << 10,    /* hname / hvalue chars, without escapes */
    SIP_C_WORD = 1 << 11,   /* word (Call-ID) */
    SIP_C_URIC = 1 << 12,   /* uric plus '[' ']' (opaque URIs) */
    SIP_C_GVAL = 1 << 13,   /* gen-value when not quoted: token / host */
    SIP_C_QDTEXT = 1 << 14, /* qdtext, LWS included */
    SIP_C_HOST = 1 << 15,   /* hostname characters */
};

extern const uint16_t sip_ctype[256];

#define SIP_LEX_BAD ((size_t)-1)

/* Where and why a scanner stopped on malformed input. */
typedef struct sip_lex_err {
    size_t at;
    const char *why;
} sip_lex_err;

static inline size_t sip_lex_fail(sip_lex_err *e, size_t at, const char *why)
{
    e->at = at;
    e->why = why;
    return SIP_LEX_BAD;
}

static inline bool sip_is(char c, unsigned cls) { return (sip_ctype[(unsigned char)c] & cls) != 0; }

/* The slice p[a..b). */
static inline sp_str sip_slice(const char *p, size_t a, size_t b) { return sp_str_make(p + a, b - a); }

static inline size_t sip_skip_ws(const char *p, size_t i, size_t n)
{
    while (i < n && sip_is(p[i], SIP_C_WS))
        i++;
    return i;
}

/* Four bytes per step while four remain: one load and one test per byte,
 * no bound check (these spans run over every byte of a typed value). */
static inline size_t sip_span(const char *p, size_t i, size_t n, unsigned cls)
{
    while (n - i >= 4) {
        if (!sip_is(p[i], cls))
            return i;
        if (!sip_is(p[i + 1], cls))
            return i + 1;
        if (!sip_is(p[i + 2], cls))
            return i + 2;
        if (!sip_is(p[i + 3], cls))
            return i + 3;
        i += 4;
    }
    while (i < n && sip_is(p[i], cls))
        i++;
    return i;
}

/* The value of a hex digit (the caller has checked SIP_C_HEX). */
static inline unsigned sip_hexval(char c)
{
    unsigned u = (unsigned char)c;
    return u <= '9' ? u - '0' : (u | 0x20) - 'a' + 10;
}

/* The rest of sip_span_escaped from an escape at p[i]. */
size_t sip_span_escaped_from(const char *p, size_t i, size_t n, unsigned cls, sip_lex_err *e);

/* Characters of cls and "%" HEXDIG HEXDIG escapes; escapes are rare, so the
 * plain span runs inline. */
static inline size_t sip_span_escaped(const char *p, size_t i, size_t n, unsigned cls, sip_lex_err *e)
{
    i = sip_span(p, i, n, cls);
    return i < n && p[i] == '%' ? sip_span_escaped_from(p, i, n, cls, e) : i;
}

/* A quoted-string whose '"' is at p[i]; returns the index after the closing
 * quote. */
size_t sip_scan_quoted(const char *p, size_t i, size_t n, sip_lex_err *e);

/* One generic-param (token [EQUAL gen-value]) starting at p[i], SWS around
 * it skipped: the next character is ';', ',' or the end. */
size_t sip_scan_param(const char *p, size_t i, size_t n, sip_param *prm, sip_lex_err *e);

/* sip_scan_param() with its usual case inline: a token name right at p[i],
 * then the end, ';', or '=' and an unquoted value ending at the end or
 * ';'. No white space is skipped there, so the result is the one
 * sip_scan_param() finds; anything else is left to it. */
static inline size_t sip_scan_param_fast(const char *p, size_t i, size_t n, sip_param *prm, sip_lex_err *e)
{
    size_t j = sip_span(p, i, n, SIP_C_TOKEN);
    if (j > i) {
        if (j == n || p[j] == ';') {
            prm->name = sip_slice(p, i, j);
            prm->value = SP_STR_NULL;
            return j;
        }
        if (p[j] == '=') {
            size_t k = sip_span(p, j + 1, n, SIP_C_GVAL);
            if (k > j + 1 && (k == n || p[k] == ';')) {
                prm->name = sip_slice(p, i, j);
                prm->value = sip_slice(p, j + 1, k);
                return k;
            }
        }
    }
    return sip_scan_param(p, i, n, prm, e);
}

/* Parameters ";a;b=c..." from p[i] (at ';') to n. Validates each one and
 * sets *params to them (after the first ';'), absent when i == n. */
size_t sip_scan_params(const char *p, size_t i, size_t n, sp_str *params, sip_lex_err *e);

/* A host (hostname, IPv4address or IPv6reference) at p[i]; returns its end. */
size_t sip_scan_host(const char *p, size_t i, size_t n, sip_host_type *type, sip_lex_err *e);
/* The whole of p[0..n) is an IPv4address (RFC 3986 dec-octets, leading
 * zeros tolerated). */
bool sip_ipv4_valid(const char *p, size_t n);
/* The whole of s is an IPv6address (no brackets). */
bool sip_ipv6_valid(const char *p, size_t n);

/* Decimal 1*DIGIT of at most max at p[i]. v * 10 + d <= max is tested as
 * v < max / 10, or v == max / 10 and d <= max % 10: no division per digit
 * (and none at all when max is a constant). */
static inline size_t sip_scan_uint(const char *p, size_t i, size_t n, uint64_t max, uint64_t *out, sip_lex_err *e)
{
    const uint64_t q = max / 10, r = max % 10;
    size_t start = i;
    uint64_t v = 0;
    for (; i < n; i++) {
        unsigned d = (unsigned char)p[i] - (unsigned)'0';
        if (d > 9)
            break;
        if (v > q || (v == q && d > r))
            return sip_lex_fail(e, start, "number out of range");
        v = v * 10 + d;
    }
    if (i == start)
        return sip_lex_fail(e, start, "expected a number");
    *out = v;
    return i;
}

/* ":" port after a host: 1*DIGIT of at most 65535. */
static inline size_t sip_scan_port(const char *p, size_t i, size_t n, uint16_t *port, sip_lex_err *e)
{
    uint64_t v;
    i = sip_scan_uint(p, i, n, 65535, &v, e);
    if (i != SIP_LEX_BAD)
        *port = (uint16_t)v;
    return i;
}

/* sip_uri_parse() into a uri the caller has zeroed already (sip_addr_parse
 * zeroes the whole address, URI included, in one go). */
int sip_uri_parse_zeroed(sp_str s, sip_uri *uri, sp_error *err);

/* The usual URI of a name-addr, read where it starts at p[i] without
 * looking for its '>' first: "sip:" [user "@"] host [":" port]
 * [uri-parameters] and then '>'. Returns the index of that '>' with uri
 * (zeroed by the caller) filled as sip_uri_parse_zeroed() fills it for
 * p[i..that index); 0 for any other URI, malformed ones included, which
 * the caller then reads the general way. None of the characters read
 * before it can be a '>' or an '@', so that '>' is the first one after
 * p[i] and the userinfo found is the only one. */
size_t sip_uri_scan_angled(const char *p, size_t i, size_t n, sip_uri *uri);

/* Case-insensitive comparison of a slice with a lower-case literal. Up to
 * eight bytes are one word each: "| 0x20" where the literal has a letter
 * (which folds exactly 'A'-'Z' onto 'a'-'z' there), equality elsewhere; the
 * mask is a constant once the literal is inlined. */
static inline bool sip_name_is(sp_str s, const char *lower, size_t len)
{
    if (s.n != len)
        return false;
    if (len <= 8) {
#define FOLD_AT(k) (unsigned char)((k) < len && lower[k] >= 'a' && lower[k] <= 'z' ? 0x20 : 0)
        const unsigned char fold_bytes[8] = {FOLD_AT(0), FOLD_AT(1), FOLD_AT(2), FOLD_AT(3),
                                             FOLD_AT(4), FOLD_AT(5), FOLD_AT(6), FOLD_AT(7)};
#undef FOLD_AT
        uint64_t a = 0, b = 0, fold;
        memcpy(&fold, fold_bytes, 8);
        memcpy(&a, s.p, len);
        memcpy(&b, lower, len);
        return (a | fold) == b;
    }
    for (size_t k = 0; k < len; k++)
        if ((char)(s.p[k] | ((s.p[k] >= 'A' && s.p[k] <= 'Z') ? 0x20 : 0)) != lower[k])
            return false;
    return true;
}
#define SIP_NAME_IS(s, lit) sip_name_is((s), (lit), sizeof(lit) - 1)

static inline int sip_hdr_fail(sp_error *err, size_t offset, const char *reason)
{
    return sp_fail(err, SP_EINVAL, offset, 400, reason);
}

#endif
