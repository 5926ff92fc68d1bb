/* push_xml.h - a minimal, bounded, zero-copy XML tokenizer for the small
 * documents push reads (application/reginfo+xml, RFC 3680).
 *
 * It checks well-formedness as far as a reader of such documents needs:
 * names, attribute syntax (' or " quotes, no '<' inside, no duplicates),
 * matching end tags, one root element, nothing but white space, comments and
 * processing instructions outside it. Comments and processing instructions
 * are skipped; CDATA sections are text. A DOCTYPE is refused unless the
 * limits allow one, and then only in the form PAP documents carry: a root
 * name, a public and/or system identifier (never fetched) and an internal
 * subset of processing instructions and comments; any entity, element,
 * attribute-list or notation declaration and any parameter-entity reference
 * is refused, so no entity is ever declared or expanded (XML 1.0 §2.8, §4).
 * Text and attribute values are returned raw, as
 * slices of the input; push_xml_decode() resolves their references into a
 * caller buffer. Namespaces are not resolved: callers compare local names. */
#ifndef SIPPUSH_PUSH_XML_H
#define SIPPUSH_PUSH_XML_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>

#include "sp_error.h"
#include "sp_str.h"

/* Defaults of push_xml_limits; PUSH_XML_MAX_DEPTH and PUSH_XML_MAX_ATTRS
 * are the ceilings of max_depth and max_attrs (fixed arrays). */
#define PUSH_XML_DEFAULT_MAX_SIZE (64 * 1024)
#define PUSH_XML_DEFAULT_MAX_DEPTH 16
#define PUSH_XML_MAX_DEPTH 32
#define PUSH_XML_DEFAULT_MAX_ATTRS 16
#define PUSH_XML_MAX_ATTRS 64

typedef struct push_xml_limits {
    size_t max_size;    /* document bytes; over it: SP_ELIMIT, status 413 */
    unsigned max_depth; /* nested elements, 1..PUSH_XML_MAX_DEPTH; over it: SP_ELIMIT */
    unsigned max_attrs; /* attributes of one element, up to PUSH_XML_MAX_ATTRS; over it: SP_ELIMIT */
    bool allow_doctype; /* accept one DOCTYPE before the root (see above); false: refused */
} push_xml_limits;

/* The DOCTYPE as written, when one was read (slices of the document; the
 * identifiers without their quotes, the subset without its brackets). */
typedef struct push_xml_doctype {
    bool present;
    sp_str name;
    sp_str public_id; /* absent without PUBLIC */
    sp_str system_id; /* absent without an external identifier */
    sp_str subset;    /* absent without '[' ... ']' */
} push_xml_doctype;

typedef enum push_xml_kind {
    PUSH_XML_OPEN,  /* start tag, or an empty-element tag (a CLOSE follows) */
    PUSH_XML_CLOSE, /* end tag */
    PUSH_XML_TEXT,  /* character data inside the root (raw), or a CDATA section */
    PUSH_XML_END,   /* the document is complete */
} push_xml_kind;

typedef struct push_xml_token {
    push_xml_kind kind;
    sp_str name;     /* OPEN / CLOSE: the qualified name as written */
    sp_str local;    /* the name after any "prefix:" */
    sp_str attrs;    /* OPEN: the raw attribute list (walk with push_xml_attr_next) */
    sp_str text;     /* TEXT: raw character data */
    bool cdata;      /* TEXT came from a CDATA section: no references to decode */
    unsigned depth;  /* OPEN / CLOSE: 1 for the root element */
    size_t offset;   /* where the token starts in the document */
} push_xml_token;

typedef struct push_xml {
    const char *buf;
    size_t len, pos;
    push_xml_limits lim;
    unsigned depth;
    bool root_seen, pending_close;
    sp_str open[PUSH_XML_MAX_DEPTH]; /* names of the open elements */
    push_xml_doctype doctype;        /* filled once the DOCTYPE has been passed */
} push_xml;

/* lim may be NULL for the defaults. */
SP_API void push_xml_init(push_xml *x, const char *buf, size_t len, const push_xml_limits *lim);

/* The next token. Returns 0, or SP_EINVAL (malformed, status 400) /
 * SP_ELIMIT (a limit, status 413) with err->offset into the document. After
 * PUSH_XML_END or an error, further calls repeat the same answer. */
SP_API int push_xml_next(push_xml *x, push_xml_token *t, sp_error *err);

/* Walks an attribute list already checked by push_xml_next: name as
 * written, value raw without its quotes. */
SP_API bool push_xml_attr_next(sp_str *rest, sp_str *name, sp_str *value);
/* The raw value of the attribute whose local name is name, or false. */
SP_API bool push_xml_attr_find(sp_str attrs, const char *name, sp_str *value);

/* Resolves &lt; &gt; &amp; &quot; &apos; and &#N; / &#xH; (as UTF-8) from
 * raw into out. Returns the length written, or (size_t)-1 for an unknown or
 * malformed reference, a character XML does not allow, or when out is too
 * small. */
SP_API size_t push_xml_decode(sp_str raw, char *out, size_t cap);

#endif
