/* push_featuretags.h - the feature tags that route a push to the right
 * receiver: the Contact feature parameters a Push Receiver Agent registers
 * (RFC 3840 §9, RFC 5627 §3.1 / RFC 5626 +sip.instance, seed 002 §8.2), the
 * Accept-Contact a Push Sender Agent puts in its requests (RFC 3841 §10,
 * seed 000 §8.2.5.1), and matching one against the other (RFC 3841 §7.2). */
#ifndef SIPPUSH_PUSH_FEATURETAGS_H
#define SIPPUSH_PUSH_FEATURETAGS_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>

#include "sp_error.h"
#include "sp_str.h"

#define PUSH_FTAG_INSTANCE "+sip.instance"
#define PUSH_FTAG_APP "+g.oma.pusheventapp"
/* The spelling of the seeds and of deployed push peers; RFC 3840's ftag-name
 * has no '_' and 3GPP registers "+g.3gpp.icsi-ref", which matching also
 * accepts. */
#define PUSH_FTAG_ICSI "+g.3gpp.icsi_ref"
#define PUSH_FTAG_ICSI_3GPP "+g.3gpp.icsi-ref"
/* The ICSI of OMA push in IMS (seed 000 §8.2.5.1, with the 3GPP urn-7 prefix). */
#define PUSH_ICSI_OMA_PUSH "urn:urn-7:3gpp-service.ims.icsi.oma.push"

/* SIP methods for the methods="..." feature tag, written in this order. */
enum {
    PUSH_M_INVITE = 1u << 0,
    PUSH_M_ACK = 1u << 1,
    PUSH_M_BYE = 1u << 2,
    PUSH_M_CANCEL = 1u << 3,
    PUSH_M_MESSAGE = 1u << 4,
    PUSH_M_SUBSCRIBE = 1u << 5,
    PUSH_M_NOTIFY = 1u << 6,
    PUSH_M_REFER = 1u << 7,
    PUSH_M_OPTIONS = 1u << 8,
};

/* What a receiver advertises. Absent slices / 0 leave a tag out. */
typedef struct push_features {
    sp_str instance;     /* "urn:uuid:f81d4fae-..." or a bare UUID; any URN */
    const sp_str *apps;  /* Push Resource Identifiers: "sms.ua", "mms.ua", "wml.ua", "ulp.ua"... */
    size_t napps;
    unsigned methods;    /* PUSH_M_* */
    sp_str icsi;         /* IMS mode: the ICSI URN as is (percent-encoded here) */
} push_features;

/* The Contact parameters, each with its leading ';':
 *   ;+sip.instance="<urn:uuid:...>";+g.oma.pusheventapp="sms.ua,mms.ua"
 *   ;+g.3gpp.icsi_ref="urn%3Aurn-7%3A...";methods="INVITE,MESSAGE"
 * Several applications share one parameter as a tag-value-list: RFC 3840 §9
 * allows one instance of a feature tag per Contact. An app id must be an
 * RFC 3840 token-nobang (letters, digits, - . % * _ + ` ' ~) and appear once.
 * Writes a NUL-terminated string; returns its length, SP_EINVAL (bad app id
 * or instance, status 400) or SP_ELIMIT (cap too small). */
SP_API int push_contact_features_build(const push_features *f, char *out, size_t cap, sp_error *err);

/* A sender's Accept-Contact value: "*;+g.oma.pusheventapp="wml.ua"" then the
 * ICSI and methods tags when given, then ";require;explicit" as asked. With
 * both, only contacts that list the application are reached (RFC 3841 §7.2.4,
 * what the corpus and seed 003 §8.1.1.1 rely on). */
SP_API int push_accept_contact_build(sp_str app, sp_str icsi, unsigned methods, bool require, bool explicit_, char *out,
                                     size_t cap, sp_error *err);

typedef enum push_match_verdict {
    PUSH_MATCH_DROP,     /* the contact must not receive the request */
    PUSH_MATCH_FALLBACK, /* may receive it, after every better contact */
    PUSH_MATCH_YES,      /* score tells how well */
} push_match_verdict;

typedef struct push_match {
    push_match_verdict verdict;
    double score; /* 0..1: share of the requested tags the contact explicitly has */
} push_match;

/* Matches one Accept-Contact value against a registered contact's
 * parameters (RFC 3841 §7.2.4 for a single predicate). A requested tag
 * matches when the contact has it with one of the requested values (tokens
 * case-insensitively, "<strings>" exactly, "!value" negated); a tag the
 * contact does not have matches without counting toward the score. Numeric
 * values are not compared (they never match). Contacts with no feature tag
 * at all are not treated as immune: push needs the application listed.
 * Returns 0 or SP_EINVAL for a malformed Accept-Contact value. */
SP_API int push_accept_contact_match(sp_str ac_value, sp_str contact_params, push_match *m, sp_error *err);

/* The contact lists app among its +g.oma.pusheventapp values. */
SP_API bool push_contact_serves(sp_str contact_params, sp_str app);

#endif
