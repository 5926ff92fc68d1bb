/* receiver_caps.h - what the PSA has learnt of receivers from their OPTIONS
 * answers (seed 002 §6.1 (3): the PSA receives, stores and shares the
 * receiver's capabilities): the content types each takes (Accept) and its
 * methods. The gateway answers ccq-messages from them and refuses, before
 * anything is sent, a push whose type a receiver said it does not take
 * (seed 002 §7.1.2 step 3). Bounded: at most max receivers, the one learnt
 * longest ago replaced. */
#ifndef SIPPUSH_RECEIVER_CAPS_H
#define SIPPUSH_RECEIVER_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "push_psa.h"

#define RECEIVER_CAPS_MAX_DEFAULT 1024u
#define RECEIVER_CAPS_ACCEPT_MAX 512   /* a longer Accept is not kept (nothing is concluded from it) */

typedef struct receiver_caps receiver_caps;

receiver_caps *receiver_caps_new(size_t max);
void receiver_caps_free(receiver_caps *rc);

/* Keeps what a 2xx to OPTIONS said of uri (an answer without Accept says
 * nothing of types and is not kept). */
void receiver_caps_put(receiver_caps *rc, sp_str uri, const push_psa_caps *c);
/* The Accept uri answered with (NUL-terminated), or NULL when none is known. */
const char *receiver_caps_accept(const receiver_caps *rc, sp_str uri);

/* Whether a media type (parameters aside) matches one of the media-ranges
 * of an Accept value (RFC 3261 §20.1: type/subtype, type/ *, * / *; a
 * q=0 range is not an acceptance, RFC 9110 §12.4.2). */
bool receiver_caps_takes(sp_str accept, sp_str type);

#endif
