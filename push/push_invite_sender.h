/* push_invite_sender.h - the Push Sender Agent's session-mode push (seed 000
 * §8.2.5.1, seed 002 §7.3.2, §7.3.3.2.1): an INVITE with the file-transfer
 * offer, ACK, the content in chunked, pipelined MSRP SENDs, BYE.
 *
 *   IDLE --start--> INVITING --2xx--> TRANSFER --all sent--> CLOSING --BYE done--> DONE
 *                      |  \--abort/timeout--> CANCELLING --487/2xx--> (CLOSING) --> DONE
 *                      \--3xx-6xx--> DONE (failed)
 *   TRANSFER --failure, session timer out, BYE received--> CLOSING / DONE
 *
 * In TRANSFER the sender is the session refresher it asked to be
 * (Session-Expires refresher=uac) unless the answer says otherwise: it
 * refreshes by UPDATE when the receiver allows it, else by re-INVITE, and a
 * 422 is retried once with the Min-SE it names (RFC 4028). With several
 * files, each finished one is dropped by a re-INVITE setting its port to 0,
 * and BYE follows the last (seed 002 §7.3.2.3).
 *
 * Connection roles (RFC 4975 §5.4, RFC 6135 §4.2): the answer's a=setup
 * decides whether a file's MSRP session connects or waits for the
 * receiver (sdp_offerer_role); an answer that cannot work (passive to a
 * passive offer, active to an active one) is refused at once: ACK, BYE,
 * 488 without retry. A connection not made within the context's
 * msrp_connect_timeout_ms of the 2xx ends the push: BYE, 408 (retry).
 *
 * The outcome comes once, through done(), as a push_status (seed 004
 * Appendix Q) with the code that decided it (a file whose every chunk
 * was acknowledged but whose success REPORT never came is never reported
 * with retry: it has probably arrived, and a new push would be a second
 * copy); the sender has then torn down
 * everything it set up (the BYE answered, the MSRP sessions closed), except
 * for transactions the layer still runs on its own (retransmissions),
 * which no longer reach it.
 *
 * Ownership: the caller owns the sender (new/free) and the content it
 * points to, until done(). free may be called from done(). */
#ifndef SIPPUSH_PUSH_INVITE_SENDER_H
#define SIPPUSH_PUSH_INVITE_SENDER_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "push_invite.h"
#include "push_offer.h"
#include "push_status.h"
#include "sdp_attr.h"

/* How long an INVITE answered only provisionally waits for its final answer
 * when the caller sets no answer_timeout_ms: RFC 3261 §17.1.1.2 runs no
 * timer in Proceeding, so without one a receiver that rings for ever holds
 * the push for ever; three minutes is the floor of a proxy's Timer C
 * (§16.6 step 11). */
#define PUSH_INVITE_ANSWER_TIMEOUT_DEFAULT_MS 180000u

/* The push message headers given with one push at most. */
#define PUSH_INVITE_MAX_HEADERS 16

typedef struct push_invite_file {
    sp_str type;               /* the MIME type of the content */
    sp_str name;               /* file-selector name; absent: "pushid-<file-transfer-id>" */
    const void *data;          /* memory content, or NULL to read fd */
    int fd;
    uint64_t offset, size;
    const uint8_t *sha1;       /* SP_SHA1_LEN bytes, or NULL: computed (reads fd once) */
    sp_str transfer_id;        /* a push offered again keeps its id; absent: a fresh one */
} push_invite_file;

typedef struct push_invite_params {
    sp_str target;             /* Request-URI and To */
    sp_str from;               /* our identity: From and P-Asserted-Identity */
    sip_peer next_hop;         /* where the INVITE goes: the proxy, or the target itself */
    sp_str app;                /* Push Resource Identifier (+g.oma.pusheventapp) */
    sp_str icsi;               /* IMS mode: the ICSI; absent: none */
    const push_invite_file *files;
    size_t nfiles;             /* 1..PUSH_OFFER_MAX_FILES */
    const sp_str *headers;     /* push message headers, "NAME:VALUE" (seed 000 §8.3.5) */
    size_t nheaders;
    bool confirm;              /* Success-Report: yes, done() after the REPORT */
    bool cpim;                 /* legacy envelope: the receiver takes only message/cpim;
                                  memory content only */
    uint32_t chunk_size;       /* 0: MSRP_CHUNK_DEFAULT */
    uint32_t window;           /* 0: MSRP_WINDOW_DEFAULT */
    uint32_t session_expires_s;/* 0: PUSH_SE_DEFAULT_S */
    uint32_t answer_timeout_ms;/* no final answer by then: CANCEL
                                  (0: PUSH_INVITE_ANSWER_TIMEOUT_DEFAULT_MS) */
    sdp_setup setup;           /* the role offered (RFC 6135 §4.2): SDP_SETUP_NONE or
                                  PASSIVE for passive (seed 000), ACTIVE, or ACTPASS;
                                  an answer whose role cannot work with it ends the
                                  push with BYE and 488 */
} push_invite_params;

typedef struct push_invite_result {
    push_status status;        /* outcome, retry, reason */
    unsigned code;             /* the SIP or MSRP code that decided (200 delivered) */
    push_code_source source;
    uint64_t bytes;            /* content bytes acknowledged */
    uint64_t chunks;           /* SEND chunks that carried them */
    size_t files_delivered;
    uint64_t ms;               /* from the INVITE to the content confirmed (the last 200,
                                  or the success REPORT when asked); failures: to the end */
} push_invite_result;

typedef struct push_invite_sender push_invite_sender;

typedef struct push_invite_sender_cb {
    void *ctx;
    void (*done)(void *ctx, push_invite_sender *s, const push_invite_result *r);
    /* bytes acknowledged so far of all files (may be NULL); called as 200s arrive */
    void (*progress)(void *ctx, push_invite_sender *s, uint64_t acked, uint64_t total);
} push_invite_sender_cb;

typedef enum push_sender_state {
    PUSH_SENDER_IDLE,
    PUSH_SENDER_INVITING,
    PUSH_SENDER_CANCELLING,
    PUSH_SENDER_TRANSFER,
    PUSH_SENDER_CLOSING,
    PUSH_SENDER_DONE,
} push_sender_state;

SP_API const char *push_sender_state_name(push_sender_state s);

/* Copies what it needs of p (not the content). Returns 0, SP_EINVAL (bad
 * parameters, a push header refused), -ENOMEM, or a negative errno when a
 * file cannot be read for its hash. */
SP_API int push_invite_sender_new(push_invite_ctx *c, const push_invite_params *p, const push_invite_sender_cb *cb,
                                  push_invite_sender **out);
/* Sends the INVITE. 0, or a negative errno value when it could not be sent
 * (done() is not called): -EALREADY when already started. */
SP_API int push_invite_sender_start(push_invite_sender *s);
/* Abandons the push: CANCEL before a final answer, BYE after; done()
 * follows with 487 (or the answer that raced it). */
SP_API void push_invite_sender_abort(push_invite_sender *s);
/* A request the layer delivered: true when it belongs to one of env's
 * senders (BYE, re-INVITE, UPDATE, ACK in their dialogs) and was answered. */
SP_API bool push_invite_sender_route(push_invite_ctx *c, sip_txn_id st, const sip_msg *req, const sip_peer *src);
SP_API void push_invite_sender_free(push_invite_sender *s);

SP_API push_sender_state push_invite_sender_state(const push_invite_sender *s);
/* The negotiated session interval and whether we refresh (tests, logs). */
SP_API uint32_t push_invite_sender_interval(const push_invite_sender *s, bool *local_refresh);

#endif
