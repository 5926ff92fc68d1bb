/* sip_hdr_names.c - header name classification: full and compact forms
 * (RFC 3261 §7.3.3, §20 and the extensions' compact letters).
 *
 * sip_msg_parse() classifies every header line, so this runs once per line:
 * one multiplicative hash of the name's length and (case-folded) first and
 * last two characters picks the only known name it can be, then one
 * comparison of the whole name decides. No strlen, no loop over entries. */
#include <string.h>

#include "sip_hdr_names_impl.h"

#define SLOT SIP_HDR_SLOT_OF

/* A collision between two names would be a repeated designator here, which
 * -Woverride-init (part of -Wextra, an error with -Werror) refuses. */
const uint8_t sip_hdr_by_slot[SIP_HDR_SLOTS] = {
    [SLOT('a', 'p', 't', 6)] = SIP_H_ACCEPT,
    [SLOT('a', 'c', 't', 14)] = SIP_H_ACCEPT_CONTACT,
    [SLOT('a', 'n', 'g', 15)] = SIP_H_ACCEPT_ENCODING,
    [SLOT('a', 'o', 'w', 5)] = SIP_H_ALLOW,
    [SLOT('a', 't', 's', 12)] = SIP_H_ALLOW_EVENTS,
    [SLOT('a', 'o', 'n', 13)] = SIP_H_AUTHORIZATION,
    [SLOT('c', 'i', 'd', 7)] = SIP_H_CALL_ID,
    [SLOT('c', 'c', 't', 7)] = SIP_H_CONTACT,
    [SLOT('c', 'o', 'n', 19)] = SIP_H_CONTENT_DISPOSITION,
    [SLOT('c', 'n', 'g', 16)] = SIP_H_CONTENT_ENCODING,
    [SLOT('c', 't', 'h', 14)] = SIP_H_CONTENT_LENGTH,
    [SLOT('c', 'p', 'e', 12)] = SIP_H_CONTENT_TYPE,
    [SLOT('c', 'e', 'q', 4)] = SIP_H_CSEQ,
    [SLOT('d', 't', 'e', 4)] = SIP_H_DATE,
    [SLOT('e', 'n', 't', 5)] = SIP_H_EVENT,
    [SLOT('e', 'e', 's', 7)] = SIP_H_EXPIRES,
    [SLOT('f', 'o', 'm', 4)] = SIP_H_FROM,
    [SLOT('i', 't', 'y', 8)] = SIP_H_IDENTITY,
    [SLOT('i', 'f', 'o', 13)] = SIP_H_IDENTITY_INFO,
    [SLOT('m', 'd', 's', 12)] = SIP_H_MAX_FORWARDS,
    [SLOT('m', 'e', 's', 11)] = SIP_H_MIN_EXPIRES,
    [SLOT('m', 's', 'e', 6)] = SIP_H_MIN_SE,
    [SLOT('p', 't', 'h', 4)] = SIP_H_PATH,
    [SLOT('p', 't', 'e', 18)] = SIP_H_PROXY_AUTHENTICATE,
    [SLOT('p', 'o', 'n', 19)] = SIP_H_PROXY_AUTHORIZATION,
    [SLOT('p', 'r', 'e', 13)] = SIP_H_PROXY_REQUIRE,
    [SLOT('p', 't', 'y', 19)] = SIP_H_P_ASSERTED_IDENTITY,
    [SLOT('p', 'c', 'e', 18)] = SIP_H_P_ASSERTED_SERVICE,
    [SLOT('p', 'i', 'd', 17)] = SIP_H_P_CALLED_PARTY_ID,
    [SLOT('r', 't', 'e', 12)] = SIP_H_RECORD_ROUTE,
    [SLOT('r', 'b', 'y', 11)] = SIP_H_REFERRED_BY,
    [SLOT('r', 't', 'o', 8)] = SIP_H_REFER_TO,
    [SLOT('r', 'c', 't', 14)] = SIP_H_REJECT_CONTACT,
    [SLOT('r', 'o', 'n', 19)] = SIP_H_REQUEST_DISPOSITION,
    [SLOT('r', 'r', 'e', 7)] = SIP_H_REQUIRE,
    [SLOT('r', 'e', 'r', 11)] = SIP_H_RETRY_AFTER,
    [SLOT('r', 't', 'e', 5)] = SIP_H_ROUTE,
    [SLOT('s', 't', 'e', 13)] = SIP_H_SERVICE_ROUTE,
    [SLOT('s', 'e', 's', 15)] = SIP_H_SESSION_EXPIRES,
    [SLOT('s', 'c', 't', 7)] = SIP_H_SUBJECT,
    [SLOT('s', 't', 'e', 18)] = SIP_H_SUBSCRIPTION_STATE,
    [SLOT('s', 'e', 'd', 9)] = SIP_H_SUPPORTED,
    [SLOT('t', 'm', 'p', 9)] = SIP_H_TIMESTAMP,
    [SLOT('t', 't', 'o', 2)] = SIP_H_TO,
    [SLOT('u', 'e', 'd', 11)] = SIP_H_UNSUPPORTED,
    [SLOT('u', 'n', 't', 10)] = SIP_H_USER_AGENT,
    [SLOT('v', 'i', 'a', 3)] = SIP_H_VIA,
    [SLOT('w', 't', 'e', 16)] = SIP_H_WWW_AUTHENTICATE,
};

const char sip_hdr_lower[SIP_H__COUNT][SIP_HDR_LOWER_SIZE] = {
    [SIP_H_ACCEPT] = "accept",
    [SIP_H_ACCEPT_CONTACT] = "accept-contact",
    [SIP_H_ACCEPT_ENCODING] = "accept-encoding",
    [SIP_H_ALLOW] = "allow",
    [SIP_H_ALLOW_EVENTS] = "allow-events",
    [SIP_H_AUTHORIZATION] = "authorization",
    [SIP_H_CALL_ID] = "call-id",
    [SIP_H_CONTACT] = "contact",
    [SIP_H_CONTENT_DISPOSITION] = "content-disposition",
    [SIP_H_CONTENT_ENCODING] = "content-encoding",
    [SIP_H_CONTENT_LENGTH] = "content-length",
    [SIP_H_CONTENT_TYPE] = "content-type",
    [SIP_H_CSEQ] = "cseq",
    [SIP_H_DATE] = "date",
    [SIP_H_EVENT] = "event",
    [SIP_H_EXPIRES] = "expires",
    [SIP_H_FROM] = "from",
    [SIP_H_IDENTITY] = "identity",
    [SIP_H_IDENTITY_INFO] = "identity-info",
    [SIP_H_MAX_FORWARDS] = "max-forwards",
    [SIP_H_MIN_EXPIRES] = "min-expires",
    [SIP_H_MIN_SE] = "min-se",
    [SIP_H_PATH] = "path",
    [SIP_H_PROXY_AUTHENTICATE] = "proxy-authenticate",
    [SIP_H_PROXY_AUTHORIZATION] = "proxy-authorization",
    [SIP_H_PROXY_REQUIRE] = "proxy-require",
    [SIP_H_P_ASSERTED_IDENTITY] = "p-asserted-identity",
    [SIP_H_P_ASSERTED_SERVICE] = "p-asserted-service",
    [SIP_H_P_CALLED_PARTY_ID] = "p-called-party-id",
    [SIP_H_RECORD_ROUTE] = "record-route",
    [SIP_H_REFERRED_BY] = "referred-by",
    [SIP_H_REFER_TO] = "refer-to",
    [SIP_H_REJECT_CONTACT] = "reject-contact",
    [SIP_H_REQUEST_DISPOSITION] = "request-disposition",
    [SIP_H_REQUIRE] = "require",
    [SIP_H_RETRY_AFTER] = "retry-after",
    [SIP_H_ROUTE] = "route",
    [SIP_H_SERVICE_ROUTE] = "service-route",
    [SIP_H_SESSION_EXPIRES] = "session-expires",
    [SIP_H_SUBJECT] = "subject",
    [SIP_H_SUBSCRIPTION_STATE] = "subscription-state",
    [SIP_H_SUPPORTED] = "supported",
    [SIP_H_TIMESTAMP] = "timestamp",
    [SIP_H_TO] = "to",
    [SIP_H_UNSUPPORTED] = "unsupported",
    [SIP_H_USER_AGENT] = "user-agent",
    [SIP_H_VIA] = "via",
    [SIP_H_WWW_AUTHENTICATE] = "www-authenticate",
};

/* Compact forms (RFC 3261 §7.3.3 and the extensions' registrations), by letter. */
const uint8_t sip_hdr_compact[26] = {
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

/* name[0..n) equals lower[0..n) up to "| 0x20" on every byte (exact case
 * folding for the letters and '-' the known names are made of); words
 * overlap rather than loop, and every load stays inside both strings. */
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
    if (name.n == 1)
        return sip_hdr_compact_of(name.p[0]);
    if (name.n < 2 || name.n > SIP_HDR_NAME_MAX || name.p == NULL)
        return SIP_H_OTHER;
    unsigned id = sip_hdr_by_slot[sip_hdr_slot(name.p, name.n)];
    /* the entry's name ends where this one does, and both agree up to case */
    return id && sip_hdr_lower[id][name.n] == 0 && name_eq(name.p, sip_hdr_lower[id], name.n) ? (sip_hdr_id)id
                                                                                              : SIP_H_OTHER;
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
