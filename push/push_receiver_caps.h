/* push_receiver_caps.h - what the PSA has learnt of receivers from their
 * OPTIONS answers (seed 002 §6.1 (3): the PSA receives, stores and shares the
 * receiver's capabilities): the content types each takes (Accept) and its
 * methods. The gateway answers ccq-messages from them and refuses, before
 * anything is sent, a push whose type a receiver said it does not take
 * (seed 002 §7.1.2 step 3). Bounded: at most max receivers, the one learnt
 * longest ago replaced. Sans-IO: a table and a matcher, no sockets. */
#ifndef SIPPUSH_PUSH_RECEIVER_CAPS_H
#define SIPPUSH_PUSH_RECEIVER_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "sp_export.h"
#include "push_psa.h"

#define PUSH_RECEIVER_CAPS_MAX_DEFAULT 1024u
#define PUSH_RECEIVER_CAPS_ACCEPT_MAX 512   /* a longer Accept is not kept (nothing is concluded from it) */

typedef struct push_receiver_caps push_receiver_caps;

SP_API push_receiver_caps *push_receiver_caps_new(size_t max);
SP_API void push_receiver_caps_free(push_receiver_caps *rc);

/* Keeps what a 2xx to OPTIONS said of uri (an answer without Accept says
 * nothing of types and is not kept). */
SP_API void push_receiver_caps_put(push_receiver_caps *rc, sp_str uri, const push_psa_caps *c);
/* The Accept uri answered with (NUL-terminated), or NULL when none is known. */
SP_API const char *push_receiver_caps_accept(const push_receiver_caps *rc, sp_str uri);

/* Whether a media type (parameters aside) matches one of the media-ranges
 * of an Accept value (RFC 3261 §20.1: type/subtype, type/ *, * / *; a
 * q=0 range is not an acceptance, RFC 9110 §12.4.2). */
SP_API bool push_receiver_caps_takes(sp_str accept, sp_str type);

#endif
