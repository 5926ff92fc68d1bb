/* push_pap.h - the Push Access Protocol document layer (WAP-247-PAP 1.0 and its
 * 2.x successors): what a push initiator POSTs to the push gateway, and the
 * documents the gateway answers or sends back.
 *
 * Sans-IO: push_pap_parse() reads one HTTP request body given its Content-Type
 * (multipart/related for a push-message, RFC 2387; application/xml for the
 * others) into a push_pap_request whose slices point into the body (or into a
 * caller scratch buffer for values whose XML references were resolved);
 * the builders write into an sp_buf. No sockets, no clock, no allocation.
 *
 * A failure is a PAP result code (push_pap_code) and a static reason, with the
 * offending piece of the input, so the server can answer a badmessage-
 * response (a document that cannot be read) or a push-response / cancel-
 * response carrying that code (a document read but refused). */
#ifndef SIPPUSH_PUSH_PAP_H
#define SIPPUSH_PUSH_PAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_export.h"
#include "push_psa.h"
#include "push_xml.h"
#include "sp_buf.h"
#include "sp_str.h"

/* --- result codes (PAP 1.0 §9.13, PAP 2.x "Status Codes") ---------------- */

typedef enum push_pap_code {
    PUSH_PAP_OK = 1000,
    PUSH_PAP_ACCEPTED = 1001,              /* accepted for processing */
    PUSH_PAP_BAD_REQUEST = 2000,
    PUSH_PAP_FORBIDDEN = 2001,
    PUSH_PAP_ADDRESS_ERROR = 2002,
    PUSH_PAP_ADDRESS_NOT_FOUND = 2003,
    PUSH_PAP_PUSH_ID_NOT_FOUND = 2004,
    PUSH_PAP_CAPABILITIES_MISMATCH = 2005,
    PUSH_PAP_REQUIRED_CAPS_NOT_SUPPORTED = 2006,
    PUSH_PAP_DUPLICATE_PUSH_ID = 2007,
    PUSH_PAP_CANCELLATION_NOT_POSSIBLE = 2008,
    PUSH_PAP_INTERNAL_ERROR = 3000,
    PUSH_PAP_NOT_IMPLEMENTED = 3001,
    PUSH_PAP_VERSION_NOT_SUPPORTED = 3002,
    PUSH_PAP_NOT_POSSIBLE = 3003,
    PUSH_PAP_CAPABILITY_MATCHING_NOT_POSSIBLE = 3004,
    PUSH_PAP_MULTIPLE_ADDRESSES_NOT_SUPPORTED = 3005,
    PUSH_PAP_TRANSFORMATION_FAILURE = 3006,
    PUSH_PAP_DELIVERY_METHOD_NOT_POSSIBLE = 3007,
    PUSH_PAP_CAPABILITIES_NOT_AVAILABLE = 3008,
    PUSH_PAP_REQUIRED_NETWORK_NOT_AVAILABLE = 3009,
    PUSH_PAP_REQUIRED_BEARER_NOT_AVAILABLE = 3010,
    PUSH_PAP_REPLACEMENT_NOT_SUPPORTED = 3011,
    PUSH_PAP_SERVICE_FAILURE = 4000,
    PUSH_PAP_SERVICE_UNAVAILABLE = 4001,
    PUSH_PAP_CLIENT_ABORTED = 5000,        /* the mobile client aborted the operation */
} push_pap_code;

/* The standard description of a code ("Bad Request"...), or "Unknown". */
SP_API const char *push_pap_code_desc(unsigned code);

typedef enum push_pap_version {
    PUSH_PAP_V1_0 = 10,
    PUSH_PAP_V2_0 = 20,
    PUSH_PAP_V2_1 = 21,
} push_pap_version;

/* "1.0", "2.0", "2.1". */
SP_API const char *push_pap_version_name(push_pap_version v);

/* --- requests ------------------------------------------------------------- */

typedef enum push_pap_kind {
    PUSH_PAP_KIND_PUSH,                        /* push-message (+ content entity) */
    PUSH_PAP_KIND_CANCEL,                      /* cancel-message */
    PUSH_PAP_KIND_STATUS_QUERY,                /* statusquery-message */
    PUSH_PAP_KIND_CCQ,                         /* ccq-message */
    PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE, /* resultnotification-response */
} push_pap_kind;

/* "push", "cancel", "status-query", "ccq", "resultnotification-response". */
SP_API const char *push_pap_kind_name(push_pap_kind k);

typedef enum push_pap_delivery_method {
    PUSH_PAP_DELIVERY_NOTSPECIFIED = 0,
    PUSH_PAP_DELIVERY_CONFIRMED,
    PUSH_PAP_DELIVERY_PREFERCONFIRMED,
    PUSH_PAP_DELIVERY_UNCONFIRMED,
} push_pap_delivery_method;

typedef enum push_pap_priority {
    PUSH_PAP_PRIORITY_MEDIUM = 0, /* the default */
    PUSH_PAP_PRIORITY_HIGH,
    PUSH_PAP_PRIORITY_LOW,
} push_pap_priority;

typedef struct push_pap_qos {
    bool present;
    push_pap_priority priority;
    push_pap_delivery_method delivery_method;
    sp_str network;        /* absent when not given */
    bool network_required;
    sp_str bearer;
    bool bearer_required;
} push_pap_qos;

/* One address element: its address-value (references resolved). Turn it
 * into a SIP or tel URI with push_pap_address_to_uri(). */
typedef struct push_pap_address {
    sp_str value;
} push_pap_address;

/* The content entity of a push-message (RFC 2387 body part). */
typedef struct push_pap_content {
    sp_str headers;        /* the part's header block, lines as written (walk with push_pap_header_next) */
    sp_str content_type;   /* its Content-Type value, absent when none */
    sp_str body;           /* with any base64 Content-Transfer-Encoding undone (into push_pap_store.text) */
    size_t offset;         /* where the entity starts in the request body */
} push_pap_content;

typedef struct push_pap_request {
    push_pap_kind kind;
    push_pap_version version;
    sp_str push_id;                 /* push-message, cancel, status query, result response; ccq: query-id */
    sp_str app_id;                  /* ccq-message app-id, absent when not given */
    sp_str replace_push_id;         /* 2.x push-message: absent when not given */
    bool replace_pending_only;      /* replace-method="pending-only" (default "all") */
    bool has_deliver_before, has_deliver_after;
    int64_t deliver_before;         /* epoch seconds */
    int64_t deliver_after;
    sp_str source_reference;
    sp_str ppg_notify_requested_to;
    bool progress_notes_requested;
    push_pap_qos qos;
    push_pap_address *addr;              /* the caller's array (push_pap_store) */
    size_t n_addr;
    push_pap_content content;            /* push-message only */
    /* resultnotification-response: what the initiator answers. */
    unsigned code;
    sp_str desc;
} push_pap_request;

/* Caller-owned storage of one parse. text receives the values that held
 * XML references (&amp;, &#..;); a buffer as large as the body always
 * suffices. addr_cap bounds the addresses of one document (more: code 3005). */
typedef struct push_pap_store {
    push_pap_address *addr;
    size_t addr_cap;
    char *text;
    size_t text_cap;
} push_pap_store;

#define PUSH_PAP_DEFAULT_MAX_CONTROL (1024 * 1024) /* bytes of the control (XML) entity */
#define PUSH_PAP_DEFAULT_MAX_PARTS 8               /* body parts of one multipart/related */
#define PUSH_PAP_MAX_PARTS 32                      /* ceiling of max_parts (the part table is on the stack) */

typedef struct push_pap_limits {
    size_t max_control;   /* the XML document's bytes (push_xml max_size) */
    unsigned max_parts;   /* parts of the multipart body */
} push_pap_limits;

typedef struct push_pap_error {
    unsigned code;        /* a push_pap_code: 2000, 2002, 3002, 3005... */
    int http_status;      /* 400, or 413 for a limit, 415 for an unknown Content-Type */
    const char *reason;   /* static */
    bool unreadable;      /* the document could not be read: answer badmessage-response */
    sp_str fragment;      /* the bad piece of the input (at most PUSH_PAP_FRAGMENT_MAX bytes) */
    size_t offset;        /* where in the body */
} push_pap_error;

#define PUSH_PAP_FRAGMENT_MAX 128

/* Parses one request body. lim may be NULL for the defaults. Returns 0, or
 * -1 with *err filled; on a refusal of a readable document (unreadable
 * false) the request fields read so far (kind, version, push_id) are kept
 * for the answer. */
SP_API int push_pap_parse(sp_str content_type, sp_str body, const push_pap_limits *lim, const push_pap_store *st, push_pap_request *r,
              push_pap_error *err);

/* "YYYY-MM-DDThh:mm:ssZ" (PAP 1.0 §9.2.1) to epoch seconds, and back (writes
 * PUSH_PAP_TIME_LEN bytes and a NUL; returns PUSH_PAP_TIME_LEN, or 0 out of range). */
#define PUSH_PAP_TIME_LEN 20
SP_API bool push_pap_time_parse(sp_str s, int64_t *t);
SP_API size_t push_pap_time_format(int64_t t, char *out, size_t cap);

/* --- addresses ------------------------------------------------------------ */

/* The longest URI an address gives (the caller's buffer needs one more). */
#define PUSH_PAP_URI_MAX 1024

/* WAPPUSH=<client>/TYPE=USER@<ppg> with a sip:, sips: or tel: client (its
 * '@' raw or %40; the last '@' starts the ppg part; %-escapes of the client
 * decoded), and WAPPUSH=+<E.164>/TYPE=PLMN@<ppg> → tel:+N, or
 * sip:+N@DOMAIN;user=phone when domain is present. Writes the URI and a NUL
 * into out; returns its length, or 0 for an address that cannot be read or
 * does not fit (code 2002). */
SP_API size_t push_pap_address_to_uri(sp_str address_value, sp_str domain, char *out, size_t cap);

/* --- content entity headers (seed 000 §8.3.5) -------------------------------- */

typedef enum push_pap_hdr_class {
    PUSH_PAP_HDR_CONTENT,        /* Content-*: kept (push_header_map decides per method) */
    PUSH_PAP_HDR_LAST_MODIFIED,  /* → a=file-date in session mode */
    PUSH_PAP_HDR_APPLICATION_ID, /* X-Wap-Application-Id: the push application */
    PUSH_PAP_HDR_DROP,           /* X-Wap-Push-OTA-*, other Push-OTA headers, the rest */
} push_pap_hdr_class;

SP_API push_pap_hdr_class push_pap_header_class(sp_str name);

/* Walks a push_pap_content.headers block: false at its end (or a malformed line). */
SP_API bool push_pap_header_next(sp_str *rest, sp_str *name, sp_str *value);

/* The push application of an X-Wap-Application-Id value: x-wap-application:NAME
 * → NAME, a registered numeric id (decimal or 0x hex) → its NAME, any other
 * absolute URI whose last ':'-part is a token → that token. Writes NAME and a
 * NUL; returns its length, or 0 when the value names no application. */
SP_API size_t push_pap_application_id(sp_str value, char *out, size_t cap);

/* --- outcomes (seed 004 Appendix Q → PAP) -------------------------------- */

typedef enum push_pap_state {
    PUSH_PAP_STATE_PENDING,
    PUSH_PAP_STATE_DELIVERED,
    PUSH_PAP_STATE_UNDELIVERABLE,
    PUSH_PAP_STATE_EXPIRED,
    PUSH_PAP_STATE_ABORTED,
    PUSH_PAP_STATE_TIMEOUT,
    PUSH_PAP_STATE_CANCELLED,
    PUSH_PAP_STATE_UNKNOWN,
} push_pap_state;

/* "pending", "delivered"... as the message-state attribute writes it. */
SP_API const char *push_pap_state_name(push_pap_state s);

typedef struct push_pap_outcome {
    unsigned code;        /* push_pap_code */
    push_pap_state state;
    bool retry;           /* the initiator may submit the same push again later */
    const char *desc;     /* static */
} push_pap_outcome;

/* What the PSA's result of one delivery means for the initiator: the row
 * of r->status (push/README.md), its code chosen by r->retry. */
SP_API push_pap_outcome push_pap_outcome_of(const push_psa_result *r);
/* A push whose deliver-before-timestamp passed before it could be sent. */
SP_API push_pap_outcome push_pap_outcome_expired(void);

/* --- documents the gateway writes ---------------------------------------- */

typedef struct push_pap_push_response {
    sp_str push_id;
    sp_str sender_address, sender_name;   /* absent: not written */
    int64_t reply_time;                   /* epoch seconds; < 0: not written */
    unsigned code;
    sp_str desc;                          /* absent: push_pap_code_desc(code) */
} push_pap_push_response;

typedef struct push_pap_progress_note {        /* a stage of a push the initiator asked to hear of */
    sp_str stage;                         /* e.g. "queued", "sent" */
    sp_str note;                          /* absent: not written */
    int64_t time;                         /* < 0: not written */
} push_pap_progress_note;

typedef struct push_pap_result {               /* cancel-result, statusquery-result, ccq query-result */
    sp_str address;                       /* absent: not written (applies to every address) */
    unsigned code;
    sp_str desc;
    push_pap_state state;                      /* statusquery only */
    int64_t event_time;                   /* statusquery: < 0 not written */
} push_pap_result;

typedef struct push_pap_notification {         /* resultnotification-message */
    sp_str push_id;
    sp_str sender_address, sender_name;
    sp_str address;
    push_pap_state state;
    unsigned code;
    sp_str desc;
    int64_t received_time, event_time;    /* < 0: not written */
} push_pap_notification;

/* Each writes one complete XML document (declaration, the DOCTYPE of
 * version, values XML-escaped); check with sp_buf_finish(). */
SP_API void push_pap_build_push_response(sp_buf *b, push_pap_version v, const push_pap_push_response *r);
/* The same with progress-note elements before the response-result (PAP
 * §9.5: for a push-message with progress-notes-requested="true"). */
SP_API void push_pap_build_push_response_notes(sp_buf *b, push_pap_version v, const push_pap_push_response *r,
                                   const push_pap_progress_note *notes, size_t n);
SP_API void push_pap_build_cancel_response(sp_buf *b, push_pap_version v, sp_str push_id, const push_pap_result *res, size_t n);
SP_API void push_pap_build_statusquery_response(sp_buf *b, push_pap_version v, sp_str push_id, const push_pap_result *res, size_t n);
SP_API void push_pap_build_ccq_response(sp_buf *b, push_pap_version v, sp_str query_id, const push_pap_result *res);
SP_API void push_pap_build_resultnotification(sp_buf *b, push_pap_version v, const push_pap_notification *n);
SP_API void push_pap_build_badmessage_response(sp_buf *b, push_pap_version v, unsigned code, sp_str desc, sp_str fragment);

/* A ccq-response with the receiver's capabilities: a multipart/related body
 * (the ccq-response, then a part of caps_type holding caps). Writes the
 * Content-Type value for the HTTP response into ct (NUL-terminated) and the
 * body into b; boundary is the caller's (random) token. Returns 0, or -1 when
 * ct is too small or the boundary occurs in the parts. */
SP_API int push_pap_build_ccq_multipart(sp_buf *b, char *ct, size_t ct_cap, push_pap_version v, sp_str query_id,
                            const push_pap_result *res, sp_str caps_type, sp_str caps, sp_str boundary);

#endif
