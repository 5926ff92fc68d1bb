/* sip_hdr.h - typed parsers for SIP header values (RFC 3261 §20, §25 and the
 * extensions push needs). Each is a function over one value slice (from
 * sip_msg) filling a struct of slices; none allocates. CR and LF inside a
 * value are folding and count as white space.
 *
 * Return convention: 0 or SP_EINVAL with err (offset relative to value.p). */
#ifndef SIPPUSH_SIP_HDR_H
#define SIPPUSH_SIP_HDR_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sip_uri.h"
#include "sp_error.h"
#include "sp_str.h"

/* --- lists and parameters ------------------------------------------------ */

/* Splits the next element off a comma-separated header value; commas inside
 * quoted strings and <...> do not separate. Returns false when *rest holds no
 * more elements. Empty elements (",,") are skipped. */
SP_API bool sip_list_next(sp_str *rest, sp_str *item);

/* true when the comma list holds token (case-insensitively unless
 * case_sensitive: Allow methods are case-sensitive, option tags are not). */
SP_API bool sip_list_has(sp_str value, sp_str token, bool case_sensitive);

typedef struct sip_param {
    sp_str name;
    sp_str value; /* absent for a parameter without '='; quoted values keep their quotes */
} sip_param;

/* Walks ";name[=value]" parameters of a slice such as sip_addr.params
 * (starting with or without ';'). Returns false at the end or on malformed
 * input (*rest is then emptied). */
SP_API bool sip_param_next(sp_str *rest, sip_param *param);
/* Finds a parameter by name (case-insensitive). */
SP_API bool sip_param_find(sp_str params, const char *name, sp_str *value);
/* A quoted-string's content without the quotes (escapes left as written),
 * or the slice itself when it is not quoted. */
SP_API sp_str sip_unquote(sp_str s);

/* --- Via (§20.42) ------------------------------------------------------- */

typedef struct sip_via {
    sp_str protocol;  /* "SIP/2.0" */
    sp_str transport; /* "UDP", "TCP", "TLS", "SCTP", "WS" or other token */
    sp_str host;      /* IPv6 reference keeps its brackets */
    sip_host_type host_type;
    uint16_t port;
    bool has_port;
    sp_str branch, received, maddr, ttl;
    sp_str rport;     /* present-but-empty for ";rport" */
    sp_str params;    /* every parameter, raw */
} sip_via;

/* Parses one via-parm (one element of a Via list). */
SP_API int sip_via_parse(sp_str value, sip_via *via, sp_error *err);

/* --- name-addr / addr-spec: From, To, Contact, Route, Record-Route,
 *     Refer-To, Referred-By, P-Asserted-Identity, P-Called-Party-ID ------- */

typedef struct sip_addr {
    bool star;          /* Contact: * */
    sp_str display;     /* display-name as written (quotes kept), absent when none */
    sp_str uri_str;     /* the URI without '<' '>' */
    sip_uri uri;
    sp_str params;      /* header parameters after the URI, raw, absent when none */
    sp_str tag;         /* the tag parameter, absent when none */
} sip_addr;

/* Parses one element (use sip_list_next for Contact/Route lists). */
SP_API int sip_addr_parse(sp_str value, sip_addr *addr, sp_error *err);

/* --- simple values -------------------------------------------------------- */

typedef struct sip_cseq {
    uint32_t seq;     /* 0 .. 2^31-1 (§8.1.1.5) */
    sp_str method;
} sip_cseq;
SP_API int sip_cseq_parse(sp_str value, sip_cseq *cseq, sp_error *err);

/* A non-negative decimal of at most max (Max-Forwards, Content-Length, Expires,
 * Min-Expires...). */
SP_API int sip_uint_parse(sp_str value, uint64_t max, uint64_t *out, sp_error *err);

/* Call-ID: word [ "@" word ] */
SP_API int sip_callid_parse(sp_str value, sp_str *callid, sp_error *err);

typedef struct sip_media_type {
    sp_str type, subtype; /* case-insensitive tokens */
    sp_str params;        /* raw, absent when none */
} sip_media_type;
/* Content-Type, and each element of Accept. */
SP_API int sip_media_type_parse(sp_str value, sip_media_type *mt, sp_error *err);

typedef struct sip_event {
    sp_str package;       /* event-type, e.g. "ua-profile", "reg", "refer" */
    sp_str id;            /* the id parameter, absent when none */
    sp_str params;        /* raw: profile-type, appids, vendor, model, version... */
} sip_event;
SP_API int sip_event_parse(sp_str value, sip_event *ev, sp_error *err);

typedef enum sip_substate { SIP_SUBSTATE_ACTIVE, SIP_SUBSTATE_PENDING, SIP_SUBSTATE_TERMINATED, SIP_SUBSTATE_OTHER } sip_substate;
typedef struct sip_subscription_state {
    sip_substate state;
    sp_str state_str;
    sp_str reason;        /* absent when none */
    bool has_expires, has_retry_after;
    uint32_t expires, retry_after;
    sp_str params;
} sip_subscription_state;
SP_API int sip_subscription_state_parse(sp_str value, sip_subscription_state *ss, sp_error *err);

/* Accept-Contact / Reject-Contact element (RFC 3841): "*" then feature
 * parameters, require, explicit. */
typedef struct sip_ac_value {
    sp_str params;        /* raw feature parameters */
    bool require, explicit_;
} sip_ac_value;
SP_API int sip_ac_value_parse(sp_str value, sip_ac_value *ac, sp_error *err);

/* A feature tag's value from parameters (RFC 3840 §9): finds name (e.g.
 * "+g.oma.pusheventapp") and returns its value without the quotes; a tag
 * without a value is "TRUE". The value may be a comma list ("a,b"): use
 * sip_feature_has() to test membership (case-sensitive for strings, per
 * RFC 3840 §9; the leading '<' '>' of string values are kept). */
SP_API bool sip_feature_find(sp_str params, const char *name, sp_str *value);
SP_API bool sip_feature_has(sp_str params, const char *name, sp_str wanted);

typedef struct sip_session_expires {
    uint32_t delta;
    sp_str refresher;     /* "uac", "uas" or absent */
    sp_str params;
} sip_session_expires;
/* Session-Expires and Min-SE (RFC 4028). */
SP_API int sip_session_expires_parse(sp_str value, sip_session_expires *se, sp_error *err);

/* Date (RFC 3261 §20.17, RFC 1123 form, GMT only). */
SP_API int sip_date_parse(sp_str value, time_t *when, sp_error *err);

/* WWW-Authenticate / Proxy-Authenticate / Authorization (RFC 2617, §25):
 * scheme then comma-separated auth-params. */
typedef struct sip_auth {
    sp_str scheme;        /* "Digest" */
    sp_str params;        /* raw, comma-separated name=value pairs */
} sip_auth;
SP_API int sip_auth_parse(sp_str value, sip_auth *auth, sp_error *err);
/* Finds an auth-param by name (case-insensitive); quoted values are returned
 * without their quotes. */
SP_API bool sip_auth_param(const sip_auth *auth, const char *name, sp_str *value);

/* --- a message's typed checks ------------------------------------------- */

struct sip_msg;

/* The values sip_msg_check_fields() has parsed, for the caller to use. */
typedef struct sip_msg_fields {
    sip_cseq cseq;
    sp_str call_id;
    sip_addr from, to;
    bool has_max_forwards;
    uint64_t max_forwards;
    sp_str content_type;  /* absent when none */
    sip_uri uri;          /* requests: the Request-URI */
    sip_via via;          /* the top via-parm */
    sp_str via_elem;      /* its text */
} sip_msg_fields;

/* sip_msg_check() (sip_msg.h), keeping what it parsed in *f. */
SP_API int sip_msg_check_fields(const struct sip_msg *msg, const char *buf, sip_msg_fields *f, sp_error *err);

#endif
