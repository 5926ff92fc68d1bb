/* push_reginfo.h - application/reginfo+xml bodies of the reg event (RFC 3680
 * §5), as a Push Sender Agent watching its receivers' registrations reads
 * them (seed 002 §8.1), and the binding table they keep current.
 *
 * push_reginfo_parse() is zero-copy: every value is a raw slice of the
 * document (decode with push_xml_decode). Registrations, contacts and
 * unknown-params go into arrays the caller provides. Elements and attributes
 * the reader does not know are ignored (§5.1). */
#ifndef SIPPUSH_PUSH_REGINFO_H
#define SIPPUSH_PUSH_REGINFO_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_xml.h"
#include "sp_error.h"
#include "sp_str.h"

typedef struct push_reginfo_param {
    sp_str name;  /* e.g. "+sip.instance", "+g.oma.pusheventapp" */
    sp_str value; /* element content, raw; empty for a parameter without value */
} push_reginfo_param;

typedef enum push_reg_state { PUSH_REG_INIT, PUSH_REG_ACTIVE, PUSH_REG_TERMINATED } push_reg_state;

typedef struct push_reginfo_contact {
    sp_str id, event, uri;   /* raw; uri trimmed of surrounding white space */
    bool active;             /* state="active" (else "terminated") */
    bool has_expires;
    uint64_t expires;
    size_t param_first, param_count; /* into push_reginfo.params */
} push_reginfo_contact;

typedef struct push_reginfo_reg {
    sp_str aor, id;          /* raw */
    push_reg_state state;
    size_t contact_first, contact_count; /* into push_reginfo.contacts */
} push_reginfo_reg;

typedef struct push_reginfo {
    uint32_t version;
    bool full;               /* state="full" (else "partial") */
    /* caller storage: set the pointers and max_* before parsing */
    push_reginfo_reg *regs;
    size_t nregs, max_regs;
    push_reginfo_contact *contacts;
    size_t ncontacts, max_contacts;
    push_reginfo_param *params;
    size_t nparams, max_params;
} push_reginfo;

/* Parses a whole document. Returns len, or SP_EINVAL (malformed XML, not a
 * reginfo document, a required attribute or the contact's uri missing, a bad
 * number or enumeration: status 400) / SP_ELIMIT (an XML limit or a caller
 * array full: status 413). lim may be NULL for the defaults. */
SP_API int push_reginfo_parse(const char *buf, size_t len, push_reginfo *ri, const push_xml_limits *lim, sp_error *err);

/* The raw value of a contact's unknown-param by name (case-insensitive, as
 * SIP parameter names are), or false. */
SP_API bool push_reginfo_contact_param(const push_reginfo *ri, const push_reginfo_contact *c, const char *name,
                                       sp_str *value);

/* --- the binding table (RFC 3680 §5.2) ------------------------------------ */

#define PUSH_BINDING_ID_MAX 64    /* registration and contact ids */
#define PUSH_BINDING_URI_MAX 256  /* AoR and contact URI */
#define PUSH_BINDING_TAG_MAX 128  /* +sip.instance and +g.oma.pusheventapp values */

/* One active contact of a registration, decoded and NUL-terminated. */
typedef struct push_binding {
    char reg_id[PUSH_BINDING_ID_MAX];
    char aor[PUSH_BINDING_URI_MAX];
    char contact_id[PUSH_BINDING_ID_MAX];
    char uri[PUSH_BINDING_URI_MAX];
    char instance[PUSH_BINDING_TAG_MAX]; /* "<urn:uuid:...>", quotes removed; "" when none */
    char apps[PUSH_BINDING_TAG_MAX];     /* "sms.ua,mms.ua", quotes removed; "" when none */
    bool has_expires;
    uint64_t expires;
} push_binding;

/* Rows live in an array the caller owns; the table never allocates. */
typedef struct push_regtab {
    push_binding *rows;
    size_t n, cap;
    bool have_version;
    uint32_t version;
    bool want_refresh; /* a version gap or a lost update: ask for full state (re-SUBSCRIBE) */
} push_regtab;

SP_API void push_regtab_init(push_regtab *t, push_binding *rows, size_t cap);

enum { PUSH_REGTAB_APPLIED = 0, PUSH_REGTAB_STALE = 1 };

/* Applies one parsed document (§5.2): a version not above the table's is
 * stale and ignored (an equal one is a repeat); a gap of more than one is
 * applied and sets want_refresh; full state replaces every row, partial
 * state updates rows by (registration id, contact id); terminated contacts
 * and the contacts of terminated registrations are removed. Every value is
 * decoded and checked first, so SP_EINVAL (a bad reference, a value too long
 * for its field) changes nothing. SP_ELIMIT (more active contacts than rows)
 * leaves the rows that fit and sets want_refresh. */
SP_API int push_regtab_apply(push_regtab *t, const push_reginfo *ri, sp_error *err);

/* Iterates the bindings of one AoR (compared as decoded strings): start
 * with *iter = 0; NULL at the end. */
SP_API const push_binding *push_regtab_next(const push_regtab *t, sp_str aor, size_t *iter);

#endif
