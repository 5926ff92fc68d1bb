/* sip_hdr_names.c - header name classification: full and compact forms
 * (RFC 3261 §7.3.3, §20 and the extensions' compact letters).
 *
 * sip_msg_parse() classifies every header line, so this runs once per line:
 * it switches on the name's length, checks the first letter, then compares
 * the rest case-insensitively. No hashing, no strlen. */
#include <string.h>

#include "sip_msg.h"

typedef struct hdr_name {
    const char *lower; /* lower-case full name */
    uint8_t len;
    uint8_t id;
    uint8_t next;      /* index + 1 of the next entry of the same length and first letter, 0 if none */
} hdr_name;

#define N(s, id, next) {s, sizeof(s) - 1, id, next}

/* Sorted by length. */
static const hdr_name known[] = {
    N("to", SIP_H_TO, 0),
    N("via", SIP_H_VIA, 0),
    N("date", SIP_H_DATE, 0),
    N("cseq", SIP_H_CSEQ, 0),
    N("from", SIP_H_FROM, 0),
    N("path", SIP_H_PATH, 0),
    N("allow", SIP_H_ALLOW, 0),
    N("event", SIP_H_EVENT, 0),
    N("route", SIP_H_ROUTE, 0),
    N("accept", SIP_H_ACCEPT, 0),
    N("min-se", SIP_H_MIN_SE, 0),
    N("call-id", SIP_H_CALL_ID, 13),
    N("contact", SIP_H_CONTACT, 0),
    N("expires", SIP_H_EXPIRES, 0),
    N("require", SIP_H_REQUIRE, 0),
    N("subject", SIP_H_SUBJECT, 0),
    N("refer-to", SIP_H_REFER_TO, 0),
    N("identity", SIP_H_IDENTITY, 0),
    N("supported", SIP_H_SUPPORTED, 0),
    N("timestamp", SIP_H_TIMESTAMP, 0),
    N("user-agent", SIP_H_USER_AGENT, 0),
    N("min-expires", SIP_H_MIN_EXPIRES, 0),
    N("referred-by", SIP_H_REFERRED_BY, 24),
    N("retry-after", SIP_H_RETRY_AFTER, 0),
    N("unsupported", SIP_H_UNSUPPORTED, 0),
    N("allow-events", SIP_H_ALLOW_EVENTS, 0),
    N("content-type", SIP_H_CONTENT_TYPE, 0),
    N("max-forwards", SIP_H_MAX_FORWARDS, 0),
    N("record-route", SIP_H_RECORD_ROUTE, 0),
    N("identity-info", SIP_H_IDENTITY_INFO, 0),
    N("proxy-require", SIP_H_PROXY_REQUIRE, 0),
    N("service-route", SIP_H_SERVICE_ROUTE, 0),
    N("authorization", SIP_H_AUTHORIZATION, 0),
    N("accept-contact", SIP_H_ACCEPT_CONTACT, 0),
    N("content-length", SIP_H_CONTENT_LENGTH, 0),
    N("reject-contact", SIP_H_REJECT_CONTACT, 0),
    N("accept-encoding", SIP_H_ACCEPT_ENCODING, 0),
    N("session-expires", SIP_H_SESSION_EXPIRES, 0),
    N("content-encoding", SIP_H_CONTENT_ENCODING, 0),
    N("www-authenticate", SIP_H_WWW_AUTHENTICATE, 0),
    N("p-called-party-id", SIP_H_P_CALLED_PARTY_ID, 0),
    N("proxy-authenticate", SIP_H_PROXY_AUTHENTICATE, 44),
    N("subscription-state", SIP_H_SUBSCRIPTION_STATE, 0),
    N("p-asserted-service", SIP_H_P_ASSERTED_SERVICE, 0),
    N("content-disposition", SIP_H_CONTENT_DISPOSITION, 0),
    N("p-asserted-identity", SIP_H_P_ASSERTED_IDENTITY, 47),
    N("proxy-authorization", SIP_H_PROXY_AUTHORIZATION, 0),
    N("request-disposition", SIP_H_REQUEST_DISPOSITION, 0),
};

#define KNOWN_COUNT (sizeof known / sizeof known[0])
#define MAX_KNOWN_LEN 19

/* by_start[n][c]: index + 1 in known[] of the first entry whose name has n
 * characters and starts with letter c (more through .next), 0 if none. The
 * test suite round-trips every name, which checks this. */
static const uint8_t by_start[MAX_KNOWN_LEN + 1][26] = {
    [2]['t' - 'a'] = 1, [3]['v' - 'a'] = 2, [4]['c' - 'a'] = 4, [4]['d' - 'a'] = 3,
    [4]['f' - 'a'] = 5, [4]['p' - 'a'] = 6, [5]['a' - 'a'] = 7, [5]['e' - 'a'] = 8,
    [5]['r' - 'a'] = 9, [6]['a' - 'a'] = 10, [6]['m' - 'a'] = 11, [7]['c' - 'a'] = 12,
    [7]['e' - 'a'] = 14, [7]['r' - 'a'] = 15, [7]['s' - 'a'] = 16, [8]['i' - 'a'] = 18,
    [8]['r' - 'a'] = 17, [9]['s' - 'a'] = 19, [9]['t' - 'a'] = 20, [10]['u' - 'a'] = 21,
    [11]['m' - 'a'] = 22, [11]['r' - 'a'] = 23, [11]['u' - 'a'] = 25, [12]['a' - 'a'] = 26,
    [12]['c' - 'a'] = 27, [12]['m' - 'a'] = 28, [12]['r' - 'a'] = 29, [13]['a' - 'a'] = 33,
    [13]['i' - 'a'] = 30, [13]['p' - 'a'] = 31, [13]['s' - 'a'] = 32, [14]['a' - 'a'] = 34,
    [14]['c' - 'a'] = 35, [14]['r' - 'a'] = 36, [15]['a' - 'a'] = 37, [15]['s' - 'a'] = 38,
    [16]['c' - 'a'] = 39, [16]['w' - 'a'] = 40, [17]['p' - 'a'] = 41, [18]['p' - 'a'] = 42,
    [18]['s' - 'a'] = 43, [19]['c' - 'a'] = 45, [19]['p' - 'a'] = 46, [19]['r' - 'a'] = 48,
};

/* Compact forms (RFC 3261 §7.3.3 and the extensions' registrations), by letter. */
static const uint8_t compact[26] = {
    ['a' - 'a'] = SIP_H_ACCEPT_CONTACT,
    ['b' - 'a'] = SIP_H_REFERRED_BY,
    ['c' - 'a'] = SIP_H_CONTENT_TYPE,
    ['d' - 'a'] = SIP_H_REQUEST_DISPOSITION,
    ['e' - 'a'] = SIP_H_CONTENT_ENCODING,
    ['f' - 'a'] = SIP_H_FROM,
    ['i' - 'a'] = SIP_H_CALL_ID,
    ['j' - 'a'] = SIP_H_REJECT_CONTACT,
    ['k' - 'a'] = SIP_H_SUPPORTED,
    ['l' - 'a'] = SIP_H_CONTENT_LENGTH,
    ['m' - 'a'] = SIP_H_CONTACT,
    ['n' - 'a'] = SIP_H_IDENTITY_INFO,
    ['o' - 'a'] = SIP_H_EVENT,
    ['r' - 'a'] = SIP_H_REFER_TO,
    ['s' - 'a'] = SIP_H_SUBJECT,
    ['t' - 'a'] = SIP_H_TO,
    ['u' - 'a'] = SIP_H_ALLOW_EVENTS,
    ['v' - 'a'] = SIP_H_VIA,
    ['x' - 'a'] = SIP_H_SESSION_EXPIRES,
    ['y' - 'a'] = SIP_H_IDENTITY,
};

/* Header names are tokens, and among token characters only upper-case letters
 * change under "| 0x20", so this folds case exactly for the comparison. */
static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static inline uint32_t load4(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/* name[0..n) equals lower[0..n) up to case; words overlap rather than loop,
 * and every load stays inside both strings. */
static inline bool name_eq(const char *name, const char *lower, size_t n)
{
    const uint64_t fold8 = 0x2020202020202020ull;
    const uint32_t fold4 = 0x20202020u;
    if (n >= 8) {
        if ((load8(name) | fold8) != load8(lower) || (load8(name + n - 8) | fold8) != load8(lower + n - 8))
            return false;
        return n <= 16 || (load8(name + 8) | fold8) == load8(lower + 8);
    }
    if (n >= 4)
        return (load4(name) | fold4) == load4(lower) && (load4(name + n - 4) | fold4) == load4(lower + n - 4);
    for (size_t i = 0; i < n; i++)
        if ((name[i] | 0x20) != lower[i])
            return false;
    return true;
}

sip_hdr_id sip_hdr_id_of(sp_str name)
{
    if (name.n == 1) {
        unsigned c = (unsigned char)(name.p[0] | 0x20) - 'a';
        return c < 26 ? (sip_hdr_id)compact[c] : SIP_H_OTHER;
    }
    if (name.n == 0 || name.n > MAX_KNOWN_LEN || name.p == NULL)
        return SIP_H_OTHER;
    unsigned c = (unsigned char)(name.p[0] | 0x20) - 'a';
    if (c >= 26)
        return SIP_H_OTHER;
    for (unsigned i = by_start[name.n][c]; i; i = known[i - 1].next)
        if (name_eq(name.p, known[i - 1].lower, name.n))
            return (sip_hdr_id)known[i - 1].id;
    return SIP_H_OTHER;
}

/* The canonical spellings, as RFC 3261 §20 and the extensions write them. */
static const char *const canonical[SIP_H__COUNT] = {
    [SIP_H_OTHER] = NULL,
    [SIP_H_ACCEPT] = "Accept",
    [SIP_H_ACCEPT_CONTACT] = "Accept-Contact",
    [SIP_H_ACCEPT_ENCODING] = "Accept-Encoding",
    [SIP_H_ALLOW] = "Allow",
    [SIP_H_ALLOW_EVENTS] = "Allow-Events",
    [SIP_H_AUTHORIZATION] = "Authorization",
    [SIP_H_CALL_ID] = "Call-ID",
    [SIP_H_CONTACT] = "Contact",
    [SIP_H_CONTENT_DISPOSITION] = "Content-Disposition",
    [SIP_H_CONTENT_ENCODING] = "Content-Encoding",
    [SIP_H_CONTENT_LENGTH] = "Content-Length",
    [SIP_H_CONTENT_TYPE] = "Content-Type",
    [SIP_H_CSEQ] = "CSeq",
    [SIP_H_DATE] = "Date",
    [SIP_H_EVENT] = "Event",
    [SIP_H_EXPIRES] = "Expires",
    [SIP_H_FROM] = "From",
    [SIP_H_IDENTITY] = "Identity",
    [SIP_H_IDENTITY_INFO] = "Identity-Info",
    [SIP_H_MAX_FORWARDS] = "Max-Forwards",
    [SIP_H_MIN_EXPIRES] = "Min-Expires",
    [SIP_H_MIN_SE] = "Min-SE",
    [SIP_H_P_ASSERTED_IDENTITY] = "P-Asserted-Identity",
    [SIP_H_P_ASSERTED_SERVICE] = "P-Asserted-Service",
    [SIP_H_P_CALLED_PARTY_ID] = "P-Called-Party-ID",
    [SIP_H_PATH] = "Path",
    [SIP_H_PROXY_AUTHENTICATE] = "Proxy-Authenticate",
    [SIP_H_PROXY_AUTHORIZATION] = "Proxy-Authorization",
    [SIP_H_PROXY_REQUIRE] = "Proxy-Require",
    [SIP_H_RECORD_ROUTE] = "Record-Route",
    [SIP_H_REFER_TO] = "Refer-To",
    [SIP_H_REFERRED_BY] = "Referred-By",
    [SIP_H_REJECT_CONTACT] = "Reject-Contact",
    [SIP_H_REQUEST_DISPOSITION] = "Request-Disposition",
    [SIP_H_REQUIRE] = "Require",
    [SIP_H_RETRY_AFTER] = "Retry-After",
    [SIP_H_ROUTE] = "Route",
    [SIP_H_SERVICE_ROUTE] = "Service-Route",
    [SIP_H_SESSION_EXPIRES] = "Session-Expires",
    [SIP_H_SUBJECT] = "Subject",
    [SIP_H_SUBSCRIPTION_STATE] = "Subscription-State",
    [SIP_H_SUPPORTED] = "Supported",
    [SIP_H_TIMESTAMP] = "Timestamp",
    [SIP_H_TO] = "To",
    [SIP_H_UNSUPPORTED] = "Unsupported",
    [SIP_H_USER_AGENT] = "User-Agent",
    [SIP_H_VIA] = "Via",
    [SIP_H_WWW_AUTHENTICATE] = "WWW-Authenticate",
};

const char *sip_hdr_name(sip_hdr_id id)
{
    return (unsigned)id < SIP_H__COUNT ? canonical[id] : NULL;
}
