/* push_method.h - choosing how a push travels (seed 002 §7, seed 000 §8.3).
 *
 * MESSAGE (page mode) carries bodies of at most PUSH_PAGE_MODE_MAX bytes;
 * NOTIFY travels inside a subscription the receiver opened; INVITE sets up
 * an MSRP session for anything larger; content indirection (RFC 4483) puts
 * a reference in a MESSAGE or NOTIFY instead of the content. */
#ifndef SIPPUSH_PUSH_METHOD_H
#define SIPPUSH_PUSH_METHOD_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>

#include "sp_error.h"
#include "sp_str.h"

typedef enum push_method {
    PUSH_METHOD_MESSAGE,
    PUSH_METHOD_NOTIFY,
    PUSH_METHOD_INVITE, /* the content itself travels in MSRP SENDs */
    PUSH_METHOD_REFER,  /* only asks the receiver to subscribe */
} push_method;

/* "MESSAGE", "NOTIFY", "INVITE", "REFER". */
SP_API const char *push_method_name(push_method m);

/* Seed 002 §7.1 (RFC 3428 §7): the body of a MESSAGE never exceeds 1300
 * bytes. What counts is the message body exactly as sent: after any CPIM
 * wrapping, or the external-body part when the content is indirect; never
 * the SIP headers. The same bound is applied to NOTIFY bodies (seed 004 §2:
 * INVITE/MSRP is the way past the MESSAGE and NOTIFY size limits). */
#define PUSH_PAGE_MODE_MAX 1300

/* What the receiver said it accepts: the methods feature tag of its Contact
 * (RFC 3840 §9) or an Allow header. known == false: nothing was said, and
 * every method is assumed possible. */
typedef struct push_caps {
    bool known;
    bool message, notify, invite;
} push_caps;

/* From the value of a methods="..." feature tag (quotes removed) or an Allow
 * header value; both are comma lists of method names (case-sensitive,
 * RFC 3261 §7.1). */
SP_API push_caps push_caps_from_list(sp_str methods);

typedef enum push_ask {
    PUSH_ASK_AUTO,
    PUSH_ASK_MESSAGE,
    PUSH_ASK_NOTIFY,
    PUSH_ASK_INVITE,
} push_ask;

typedef struct push_method_input {
    push_ask ask;
    size_t body_len;       /* the body a MESSAGE or NOTIFY would carry (see PUSH_PAGE_MODE_MAX) */
    bool indirect;         /* --indirect URL: body_len is then the external-body part */
    bool has_subscription; /* a ua-profile subscription of the receiver is active */
    push_caps caps;
} push_method_input;

/* Picks the method. Returns 0, or SP_EINVAL with err->reason and a status
 * the sender reports (513 body too large for page mode, 481 NOTIFY without
 * a subscription, 405 the receiver does not accept the method, 400 a
 * combination that cannot work such as indirection over INVITE). */
SP_API int push_method_select(const push_method_input *in, push_method *out, sp_error *err);

#endif
