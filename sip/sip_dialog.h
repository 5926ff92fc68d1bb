/* sip_dialog.h - SIP dialogs (RFC 3261 §12, §13.2.2.4) and subscription
 * dialog usages (RFC 6665 §4.1, §4.4.1).
 *
 * A dialog owns copies of what it keeps (Call-ID, tags, local and remote
 * URIs, remote target, route set, local contact); the messages it is made
 * from may go away. One owner frees it with sip_dialog_free(); a
 * sip_dialog_set only indexes dialogs, it never frees them. */
#ifndef SIPPUSH_SIP_DIALOG_H
#define SIPPUSH_SIP_DIALOG_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_msg.h"
#include "sp_str.h"

/* Most Record-Route entries a route set keeps; more: SP_ELIMIT. */
#define SIP_DIALOG_MAX_ROUTES 16

typedef enum sip_dialog_state { SIP_DIALOG_EARLY, SIP_DIALOG_CONFIRMED, SIP_DIALOG_TERMINATED } sip_dialog_state;

typedef struct sip_dialog sip_dialog;
struct sip_dialog {
    sip_dialog_state state;
    bool is_uac;          /* we sent the request that made it */
    bool secure;          /* §12.1: over TLS with a SIPS Request-URI */
    sp_str call_id;
    sp_str local_tag, remote_tag;
    sp_str local;         /* the From value of our requests (with local tag) */
    sp_str remote;        /* the To value of our requests (with remote tag, when any) */
    sp_str remote_target; /* a URI, no angle brackets */
    sp_str local_contact; /* our Contact value */
    sp_str routes[SIP_DIALOG_MAX_ROUTES]; /* name-addr values, in the order Route takes them */
    size_t nroutes;
    uint32_t local_seq;
    uint32_t remote_seq;
    bool remote_seq_set;
    void *user;           /* for the owner */
    sip_dialog *next;     /* sip_dialog_set chain */
    char *mem;            /* every slice above points here */
};

/* A UAC dialog from the request we sent and a response carrying a To tag
 * (1xx: early, 2xx: confirmed); local_contact is the Contact we sent.
 * tls: the request went over TLS. Returns 0, SP_EINVAL (no To tag, no
 * Contact in a 2xx, missing headers), SP_ELIMIT (route set too long). */
SP_API int sip_dialog_uac_new(sip_dialog **out, const sip_msg *req, const sip_msg *resp, sp_str local_contact, bool tls);
/* A UAS dialog from a request received and the tag and Contact of our
 * answer. A request already carrying a To tag keeps it (RFC 6665 §4.4.1: a
 * NOTIFY creating the subscriber's dialog) and local_tag is then ignored. */
SP_API int sip_dialog_uas_new(sip_dialog **out, const sip_msg *req, sp_str local_tag, sp_str local_contact, bool tls,
                              bool early);
SP_API void sip_dialog_free(sip_dialog *d);

/* A request received in d (§12.2.2). Returns 0, or the status to answer
 * with: 500 for a CSeq lower than the remote one. ACK and CANCEL are not
 * ordered. A target refresh (INVITE, UPDATE, SUBSCRIBE, NOTIFY, REFER)
 * with a Contact replaces the remote target. */
SP_API unsigned sip_dialog_on_request(sip_dialog *d, const sip_msg *req);

/* A response to a request sent in d (or to the one that made it), for the
 * given method. A 2xx confirms an early dialog (its route set recomputed,
 * §13.2.2.4) and refreshes the remote target of a target refresh. A 481 or
 * 408 ends the dialog (§12.2.1.2). Returns the dialog's state. */
SP_API sip_dialog_state sip_dialog_on_response(sip_dialog *d, sp_str method, const sip_msg *resp);

/* What an in-dialog request carries beyond what the dialog gives. */
typedef struct sip_dialog_req {
    sp_str method;
    sp_str via;           /* the whole Via value, branch included */
    uint32_t cseq;        /* ACK and CANCEL: the number of the request they go with; otherwise ignored */
    sp_str headers;       /* extra lines, each ending in CRLF; may be absent */
    sp_str content_type;  /* absent without a body */
    sp_str body;
} sip_dialog_req;

/* Builds a request in d (§12.2.1.1): Request-URI and Route from the remote
 * target and route set (loose routing, or a strict first hop), To/From/
 * Call-ID of the dialog, the next local CSeq (not for ACK and CANCEL),
 * Contact for target refreshes. An ACK for a 2xx (§13.2.2.4) is built with
 * method ACK and the INVITE's number. Returns the length, SP_ENOSPC when it
 * does not fit, or SP_EINVAL (for ACK/CANCEL, cseq is 0). */
SP_API long sip_dialog_build(sip_dialog *d, const sip_dialog_req *r, char *out, size_t cap);

/* Where requests of d go first: the first route's URI, else the remote target. */
SP_API sp_str sip_dialog_next_hop(const sip_dialog *d);

/* --- finding dialogs ------------------------------------------------------ */

typedef struct sip_dialog_set sip_dialog_set;
/* A set of at most max dialogs (0: SIP_DIALOG_SET_MAX_DEFAULT). */
#define SIP_DIALOG_SET_MAX_DEFAULT 4096
SP_API sip_dialog_set *sip_dialog_set_new(size_t max);
/* Frees the index only. */
SP_API void sip_dialog_set_free(sip_dialog_set *s);
/* 0, or SP_ELIMIT when full. */
SP_API int sip_dialog_set_add(sip_dialog_set *s, sip_dialog *d);
SP_API void sip_dialog_set_remove(sip_dialog_set *s, sip_dialog *d);
SP_API sip_dialog *sip_dialog_set_find(const sip_dialog_set *s, sp_str call_id, sp_str local_tag, sp_str remote_tag);
SP_API size_t sip_dialog_set_count(const sip_dialog_set *s);

/* An in-dialog request (one with a To tag) to its dialog: Call-ID, To tag
 * (ours), From tag (theirs). When found, sip_dialog_on_request is applied;
 * *status is 0, or 500 (CSeq out of order), or 481 when no dialog matches
 * (§12.2.2). A request without a To tag is not in a dialog: NULL, status 0. */
SP_API sip_dialog *sip_dialog_set_route(sip_dialog_set *s, const sip_msg *req, unsigned *status);

/* --- subscriptions (RFC 6665) --------------------------------------------- */

typedef enum sip_sub_state { SIP_SUB_NOTIFY_WAIT, SIP_SUB_PENDING, SIP_SUB_ACTIVE, SIP_SUB_TERMINATED } sip_sub_state;

/* §4.4.1: a NOTIFY belongs to a SUBSCRIBE we sent outside a dialog when the
 * Call-ID matches, its To tag is our From tag, and the Event matches
 * (package without case, id exactly, absent only with absent, §8.2.1). Each
 * distinct From tag of such NOTIFYs is a fork: its own dialog. */
SP_API bool sip_sub_notify_matches(const sip_msg *subscribe, const sip_msg *notify);

/* The state a NOTIFY puts its subscription in (§4.1.3), from its
 * Subscription-State; *expires_s gets the expires parameter when present
 * (unchanged otherwise). A NOTIFY without a readable Subscription-State
 * leaves the state as it was (the caller answers 400). */
SP_API sip_sub_state sip_sub_on_notify(sip_sub_state now, const sip_msg *notify, uint32_t *expires_s);

/* Whether a failed SUBSCRIBE refresh ends the subscription (§4.1.2.2 with
 * RFC 5057): 404, 405, 410, 416, 480-485, 489, 501, 604, and 408 (a
 * timeout). 401 and 407 never do: the request is retried with credentials. */
SP_API bool sip_sub_refresh_ends(unsigned status);
/* Whether a NOTIFY's failure ends the subscription at the notifier (§4.2.2):
 * 481, 408 / timer F, and the same unrecoverable answers; not 401/407. */
SP_API bool sip_sub_notify_failure_ends(unsigned status);
/* A 2xx to SUBSCRIBE says nothing of the state (§4.1.2.1): only its Expires
 * counts. Returns true and sets *expires_s when the 2xx has one. */
SP_API bool sip_sub_accepted_expires(const sip_msg *resp, uint32_t *expires_s);

#endif
