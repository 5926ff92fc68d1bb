/* sip_hdr_names.c - header name classification: full and compact forms
 * (RFC 3261 §7.3.3, §20 and the extensions' compact letters).
 *
 * sip_msg_parse() classifies every header line, so this runs once per line:
 * one multiplicative hash of the name's length and its (case-folded) first
 * eight bytes as one word picks the only known name it can be, then a
 * comparison word by word decides. No strlen, no loop over entries. */
#include <string.h>

#include "sip_hdr_names_impl.h"

/* SLOT(len, first up to eight letters) */
#define SLOT(len, ...) SLOT_(len, __VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define SLOT_(len, a, b, c, d, e, f, g, h, ...) SIP_HDR_SLOT_OF(SIP_HDR_KEY8(a, b, c, d, e, f, g, h), len)

/* A collision between two names would be a repeated designator here, which
 * -Woverride-init (part of -Wextra, an error with -Werror) refuses. */
const uint8_t sip_hdr_by_slot[SIP_HDR_SLOTS] = {
    [SLOT(6, 'a', 'c', 'c', 'e', 'p', 't')] = SIP_H_ACCEPT,
    [SLOT(14, 'a', 'c', 'c', 'e', 'p', 't', '-', 'c')] = SIP_H_ACCEPT_CONTACT,
    [SLOT(15, 'a', 'c', 'c', 'e', 'p', 't', '-', 'e')] = SIP_H_ACCEPT_ENCODING,
    [SLOT(5, 'a', 'l', 'l', 'o', 'w')] = SIP_H_ALLOW,
    [SLOT(12, 'a', 'l', 'l', 'o', 'w', '-', 'e', 'v')] = SIP_H_ALLOW_EVENTS,
    [SLOT(13, 'a', 'u', 't', 'h', 'o', 'r', 'i', 'z')] = SIP_H_AUTHORIZATION,
    [SLOT(7, 'c', 'a', 'l', 'l', '-', 'i', 'd')] = SIP_H_CALL_ID,
    [SLOT(7, 'c', 'o', 'n', 't', 'a', 'c', 't')] = SIP_H_CONTACT,
    [SLOT(19, 'c', 'o', 'n', 't', 'e', 'n', 't', '-')] = SIP_H_CONTENT_DISPOSITION,
    [SLOT(16, 'c', 'o', 'n', 't', 'e', 'n', 't', '-')] = SIP_H_CONTENT_ENCODING,
    [SLOT(14, 'c', 'o', 'n', 't', 'e', 'n', 't', '-')] = SIP_H_CONTENT_LENGTH,
    [SLOT(12, 'c', 'o', 'n', 't', 'e', 'n', 't', '-')] = SIP_H_CONTENT_TYPE,
    [SLOT(4, 'c', 's', 'e', 'q')] = SIP_H_CSEQ,
    [SLOT(4, 'd', 'a', 't', 'e')] = SIP_H_DATE,
    [SLOT(5, 'e', 'v', 'e', 'n', 't')] = SIP_H_EVENT,
    [SLOT(7, 'e', 'x', 'p', 'i', 'r', 'e', 's')] = SIP_H_EXPIRES,
    [SLOT(4, 'f', 'r', 'o', 'm')] = SIP_H_FROM,
    [SLOT(8, 'i', 'd', 'e', 'n', 't', 'i', 't', 'y')] = SIP_H_IDENTITY,
    [SLOT(13, 'i', 'd', 'e', 'n', 't', 'i', 't', 'y')] = SIP_H_IDENTITY_INFO,
    [SLOT(12, 'm', 'a', 'x', '-', 'f', 'o', 'r', 'w')] = SIP_H_MAX_FORWARDS,
    [SLOT(11, 'm', 'i', 'n', '-', 'e', 'x', 'p', 'i')] = SIP_H_MIN_EXPIRES,
    [SLOT(6, 'm', 'i', 'n', '-', 's', 'e')] = SIP_H_MIN_SE,
    [SLOT(4, 'p', 'a', 't', 'h')] = SIP_H_PATH,
    [SLOT(18, 'p', 'r', 'o', 'x', 'y', '-', 'a', 'u')] = SIP_H_PROXY_AUTHENTICATE,
    [SLOT(19, 'p', 'r', 'o', 'x', 'y', '-', 'a', 'u')] = SIP_H_PROXY_AUTHORIZATION,
    [SLOT(13, 'p', 'r', 'o', 'x', 'y', '-', 'r', 'e')] = SIP_H_PROXY_REQUIRE,
    [SLOT(19, 'p', '-', 'a', 's', 's', 'e', 'r', 't')] = SIP_H_P_ASSERTED_IDENTITY,
    [SLOT(18, 'p', '-', 'a', 's', 's', 'e', 'r', 't')] = SIP_H_P_ASSERTED_SERVICE,
    [SLOT(17, 'p', '-', 'c', 'a', 'l', 'l', 'e', 'd')] = SIP_H_P_CALLED_PARTY_ID,
    [SLOT(12, 'r', 'e', 'c', 'o', 'r', 'd', '-', 'r')] = SIP_H_RECORD_ROUTE,
    [SLOT(11, 'r', 'e', 'f', 'e', 'r', 'r', 'e', 'd')] = SIP_H_REFERRED_BY,
    [SLOT(8, 'r', 'e', 'f', 'e', 'r', '-', 't', 'o')] = SIP_H_REFER_TO,
    [SLOT(14, 'r', 'e', 'j', 'e', 'c', 't', '-', 'c')] = SIP_H_REJECT_CONTACT,
    [SLOT(19, 'r', 'e', 'q', 'u', 'e', 's', 't', '-')] = SIP_H_REQUEST_DISPOSITION,
    [SLOT(7, 'r', 'e', 'q', 'u', 'i', 'r', 'e')] = SIP_H_REQUIRE,
    [SLOT(11, 'r', 'e', 't', 'r', 'y', '-', 'a', 'f')] = SIP_H_RETRY_AFTER,
    [SLOT(5, 'r', 'o', 'u', 't', 'e')] = SIP_H_ROUTE,
    [SLOT(13, 's', 'e', 'r', 'v', 'i', 'c', 'e', '-')] = SIP_H_SERVICE_ROUTE,
    [SLOT(15, 's', 'e', 's', 's', 'i', 'o', 'n', '-')] = SIP_H_SESSION_EXPIRES,
    [SLOT(7, 's', 'u', 'b', 'j', 'e', 'c', 't')] = SIP_H_SUBJECT,
    [SLOT(18, 's', 'u', 'b', 's', 'c', 'r', 'i', 'p')] = SIP_H_SUBSCRIPTION_STATE,
    [SLOT(9, 's', 'u', 'p', 'p', 'o', 'r', 't', 'e')] = SIP_H_SUPPORTED,
    [SLOT(9, 't', 'i', 'm', 'e', 's', 't', 'a', 'm')] = SIP_H_TIMESTAMP,
    [SLOT(2, 't', 'o')] = SIP_H_TO,
    [SLOT(11, 'u', 'n', 's', 'u', 'p', 'p', 'o', 'r')] = SIP_H_UNSUPPORTED,
    [SLOT(10, 'u', 's', 'e', 'r', '-', 'a', 'g', 'e')] = SIP_H_USER_AGENT,
    [SLOT(3, 'v', 'i', 'a')] = SIP_H_VIA,
    [SLOT(16, 'w', 'w', 'w', '-', 'a', 'u', 't', 'h')] = SIP_H_WWW_AUTHENTICATE,
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

const uint8_t sip_hdr_len[SIP_H__COUNT] = {
    [SIP_H_ACCEPT] = 6,
    [SIP_H_ACCEPT_CONTACT] = 14,
    [SIP_H_ACCEPT_ENCODING] = 15,
    [SIP_H_ALLOW] = 5,
    [SIP_H_ALLOW_EVENTS] = 12,
    [SIP_H_AUTHORIZATION] = 13,
    [SIP_H_CALL_ID] = 7,
    [SIP_H_CONTACT] = 7,
    [SIP_H_CONTENT_DISPOSITION] = 19,
    [SIP_H_CONTENT_ENCODING] = 16,
    [SIP_H_CONTENT_LENGTH] = 14,
    [SIP_H_CONTENT_TYPE] = 12,
    [SIP_H_CSEQ] = 4,
    [SIP_H_DATE] = 4,
    [SIP_H_EVENT] = 5,
    [SIP_H_EXPIRES] = 7,
    [SIP_H_FROM] = 4,
    [SIP_H_IDENTITY] = 8,
    [SIP_H_IDENTITY_INFO] = 13,
    [SIP_H_MAX_FORWARDS] = 12,
    [SIP_H_MIN_EXPIRES] = 11,
    [SIP_H_MIN_SE] = 6,
    [SIP_H_PATH] = 4,
    [SIP_H_PROXY_AUTHENTICATE] = 18,
    [SIP_H_PROXY_AUTHORIZATION] = 19,
    [SIP_H_PROXY_REQUIRE] = 13,
    [SIP_H_P_ASSERTED_IDENTITY] = 19,
    [SIP_H_P_ASSERTED_SERVICE] = 18,
    [SIP_H_P_CALLED_PARTY_ID] = 17,
    [SIP_H_RECORD_ROUTE] = 12,
    [SIP_H_REFERRED_BY] = 11,
    [SIP_H_REFER_TO] = 8,
    [SIP_H_REJECT_CONTACT] = 14,
    [SIP_H_REQUEST_DISPOSITION] = 19,
    [SIP_H_REQUIRE] = 7,
    [SIP_H_RETRY_AFTER] = 11,
    [SIP_H_ROUTE] = 5,
    [SIP_H_SERVICE_ROUTE] = 13,
    [SIP_H_SESSION_EXPIRES] = 15,
    [SIP_H_SUBJECT] = 7,
    [SIP_H_SUBSCRIPTION_STATE] = 18,
    [SIP_H_SUPPORTED] = 9,
    [SIP_H_TIMESTAMP] = 9,
    [SIP_H_TO] = 2,
    [SIP_H_UNSUPPORTED] = 11,
    [SIP_H_USER_AGENT] = 10,
    [SIP_H_VIA] = 3,
    [SIP_H_WWW_AUTHENTICATE] = 16,
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

/* Word k of name[0..n), folded, zero past the name; lower-case names are
 * zero-padded the same way, so equal words mean equal bytes up to the
 * fold. Never reads past name + n. */
static inline uint64_t name_word(const char *name, size_t n, size_t k)
{
    if (n >= 8 * k + 8)
        return sip_hdr_load8(name + 8 * k) | SIP_HDR_FOLD8;
    char tail[8] = {0};
    memcpy(tail, name + 8 * k, n - 8 * k);
    return sip_hdr_word_cut(sip_hdr_load8(tail) | SIP_HDR_FOLD8, n - 8 * k);
}

sip_hdr_id sip_hdr_id_of(sp_str name)
{
    if (name.n == 1)
        return sip_hdr_compact_of(name.p[0]);
    if (name.n < 2 || name.n > SIP_HDR_NAME_MAX || name.p == NULL)
        return SIP_H_OTHER;
    uint64_t key = name_word(name.p, name.n, 0);
    unsigned id = sip_hdr_candidate(key, name.n);
    if (sip_hdr_len[id] != name.n || key != sip_hdr_lower_word(id, 0))
        return SIP_H_OTHER;
    for (size_t k = 1; 8 * k < name.n; k++)
        if (name_word(name.p, name.n, k) != sip_hdr_lower_word(id, (unsigned)k))
            return SIP_H_OTHER;
    return (sip_hdr_id)id;
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
