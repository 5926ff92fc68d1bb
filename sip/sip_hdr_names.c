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
} hdr_name;

#define N(s, id) {s, sizeof(s) - 1, id}

/* Sorted by length: names_by_len[len - 2 .. ] index into this table. */
static const hdr_name known[] = {
    N("to", SIP_H_TO),
    N("via", SIP_H_VIA),
    N("date", SIP_H_DATE),
    N("cseq", SIP_H_CSEQ),
    N("from", SIP_H_FROM),
    N("path", SIP_H_PATH),
    N("allow", SIP_H_ALLOW),
    N("event", SIP_H_EVENT),
    N("route", SIP_H_ROUTE),
    N("accept", SIP_H_ACCEPT),
    N("min-se", SIP_H_MIN_SE),
    N("call-id", SIP_H_CALL_ID),
    N("contact", SIP_H_CONTACT),
    N("expires", SIP_H_EXPIRES),
    N("require", SIP_H_REQUIRE),
    N("subject", SIP_H_SUBJECT),
    N("refer-to", SIP_H_REFER_TO),
    N("identity", SIP_H_IDENTITY),
    N("supported", SIP_H_SUPPORTED),
    N("timestamp", SIP_H_TIMESTAMP),
    N("user-agent", SIP_H_USER_AGENT),
    N("min-expires", SIP_H_MIN_EXPIRES),
    N("referred-by", SIP_H_REFERRED_BY),
    N("retry-after", SIP_H_RETRY_AFTER),
    N("unsupported", SIP_H_UNSUPPORTED),
    N("allow-events", SIP_H_ALLOW_EVENTS),
    N("content-type", SIP_H_CONTENT_TYPE),
    N("max-forwards", SIP_H_MAX_FORWARDS),
    N("record-route", SIP_H_RECORD_ROUTE),
    N("identity-info", SIP_H_IDENTITY_INFO),
    N("proxy-require", SIP_H_PROXY_REQUIRE),
    N("service-route", SIP_H_SERVICE_ROUTE),
    N("authorization", SIP_H_AUTHORIZATION),
    N("accept-contact", SIP_H_ACCEPT_CONTACT),
    N("content-length", SIP_H_CONTENT_LENGTH),
    N("reject-contact", SIP_H_REJECT_CONTACT),
    N("accept-encoding", SIP_H_ACCEPT_ENCODING),
    N("session-expires", SIP_H_SESSION_EXPIRES),
    N("content-encoding", SIP_H_CONTENT_ENCODING),
    N("www-authenticate", SIP_H_WWW_AUTHENTICATE),
    N("p-called-party-id", SIP_H_P_CALLED_PARTY_ID),
    N("proxy-authenticate", SIP_H_PROXY_AUTHENTICATE),
    N("subscription-state", SIP_H_SUBSCRIPTION_STATE),
    N("p-asserted-service", SIP_H_P_ASSERTED_SERVICE),
    N("content-disposition", SIP_H_CONTENT_DISPOSITION),
    N("p-asserted-identity", SIP_H_P_ASSERTED_IDENTITY),
    N("proxy-authorization", SIP_H_PROXY_AUTHORIZATION),
    N("request-disposition", SIP_H_REQUEST_DISPOSITION),
};

#define KNOWN_COUNT (sizeof known / sizeof known[0])
#define MAX_KNOWN_LEN 19

/* by_len[n] .. by_len[n + 1] - 1: the entries of known[] whose name has n
 * characters. The test suite round-trips every name, which checks this. */
static const uint8_t by_len[MAX_KNOWN_LEN + 2] = {
    [0] = 0,   [1] = 0,   [2] = 0,   [3] = 1,   [4] = 2,   [5] = 6,   [6] = 9,
    [7] = 11,  [8] = 16,  [9] = 18,  [10] = 20, [11] = 21, [12] = 25, [13] = 29,
    [14] = 33, [15] = 36, [16] = 38, [17] = 40, [18] = 41, [19] = 44, [20] = 48,
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
    if (name.n > MAX_KNOWN_LEN || name.p == NULL)
        return SIP_H_OTHER;
    char first = (char)(name.p[0] | 0x20);
    for (unsigned i = by_len[name.n]; i < by_len[name.n + 1]; i++)
        if (known[i].lower[0] == first && name_eq(name.p, known[i].lower, name.n))
            return (sip_hdr_id)known[i].id;
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
