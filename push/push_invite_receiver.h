/* push_invite_receiver.h - the Push Receiver Agent's session-mode push
 * (seed 000 §8.2.5.2, seed 002 §7.3.1, §7.3.3.2.2): answers an INVITE
 * carrying a file-transfer offer, connects to the sender's MSRP path,
 * receives and verifies the content, delivers it to the application the
 * Accept-Contact names, and sends the REPORTs asked for.
 *
 * Per session:
 *   ANSWERING --200 sent--> ACTIVE --all streams received--> RECEIVED --BYE--> (freed)
 *   ANSWERING --CANCEL--> (487 by the layer, freed)
 *   ACTIVE/RECEIVED --session timer out, MSRP lost--> BYE sent, (freed)
 *
 * Refusals: 488 when no offered stream has an accept-type (or file type)
 * it takes, when the only stream is larger than max-size (the 488 then
 * carries the capability SDP of RFC 5547 §8.5 with a=max-size), or its
 * name is longer than max_name; with several streams a refused one gets
 * port 0 (RFC 5547 §8.2, RFC 3264 §6); 404 for an application it does not
 * serve; 422 for a session interval below its Min-SE; 415 for a body that
 * is not SDP; 486 with Retry-After when it holds max_sessions. A stream
 * that grows past its offered size or max-size is stopped with 413.
 *
 * A 200 never ACKed ends the session when the layer gives up retransmitting
 * it (64*T1, RFC 3261 §13.3.1.4): BYE, and the slot is free.
 *
 * A file-transfer-id it has delivered before (same stored name and
 * SHA-1) is taken again, verified and confirmed to the sender, but not
 * stored nor delivered to the application a second time (push/README.md).
 *
 * Confirmation: the REPORT about a message goes once the content is where
 * the application finds it; a CPIM envelope that does not open is refused
 * with 400, content that cannot be stored with 413, and the application
 * may refuse (push_invite_rx_cb.accept). */
#ifndef SIPPUSH_PUSH_INVITE_RECEIVER_H
#define SIPPUSH_PUSH_INVITE_RECEIVER_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_invite.h"

#define PUSH_RX_SESSIONS_DEFAULT 64
/* An INVITE past max_sessions gets 486 with this Retry-After (seconds). */
#define PUSH_RX_RETRY_AFTER_SESSIONS_S 30
/* Bytes of an offered file-selector name as written (percent-escapes
 * included); a longer one refuses its stream. */
#define PUSH_RX_NAME_MAX_DEFAULT 1024
/* Delivered file-transfer-ids remembered to recognise a push offered again. */
#define PUSH_RX_SEEN_MAX 256
#define PUSH_RX_TRANSFER_ID_MAX 128
#define PUSH_RX_MAX_APPS 16

typedef struct push_invite_rx_config {
    sp_str accept_types;        /* SDP accept-types answered; absent: "message/cpim *" */
    uint64_t max_size;          /* largest file taken, stated as a=max-size; 0: PUSH_MAX_SIZE_DEFAULT */
    size_t max_name;            /* 0: PUSH_RX_NAME_MAX_DEFAULT */
    const char *out_dir;        /* files are committed here; NULL: kept in memory */
    /* Where session-mode content goes instead (msrp_sink.h: a device's
     * flash...), opened with sink_ctx per message; NULL: the file sink in
     * out_dir, or memory. With a sink of its own a CPIM envelope is stored
     * and delivered whole (content type message/cpim), not opened. */
    const msrp_sink_ops *sink;
    void *sink_ctx;
    const sp_str *apps;         /* Push Resource Identifiers served; none: any */
    size_t napps;
    uint32_t session_expires_s; /* 0: PUSH_SE_DEFAULT_S */
    uint32_t min_se_s;          /* 0: PUSH_MIN_SE_FLOOR_S */
    uint32_t answer_delay_ms;   /* wait before the 200 (a device asking its user) */
    size_t max_sessions;        /* 0: PUSH_RX_SESSIONS_DEFAULT */
} push_invite_rx_config;

typedef struct push_invite_delivery {
    sp_str app;                 /* from Accept-Contact; absent when none was named */
    sp_str from;                /* P-Asserted-Identity URI, else From */
    sp_str content_type;        /* of the content (inside a CPIM envelope when there was one) */
    sp_str transfer_id;
    uint64_t size;
    const uint8_t *sha1;        /* SP_SHA1_LEN bytes */
    const char *file;           /* its final path, or NULL (memory) */
    const uint8_t *data;        /* memory content, NULL with a file */
    bool duplicate;             /* delivered before: not for the application again */
} push_invite_delivery;

typedef struct push_invite_rx_cb {
    void *ctx;
    /* May refuse a push before it is confirmed (seed 000 §8.2.5.2: the
     * success REPORT only for content the application accepted): 0 takes
     * it, an MSRP status (400, 413, 415) refuses it; the stored file is
     * then removed and the sender gets a failure REPORT. May be NULL. */
    unsigned (*accept)(void *ctx, const push_invite_delivery *d);
    void (*delivered)(void *ctx, const push_invite_delivery *d);
    void (*rejected)(void *ctx, unsigned status, const char *reason);
    /* a session ended (BYE either way, CANCEL, failure); may be NULL */
    void (*ended)(void *ctx, const char *why);
} push_invite_rx_cb;

typedef struct push_invite_rx push_invite_rx;

/* NULL when out of memory or the accept-types are malformed. */
SP_API push_invite_rx *push_invite_rx_new(push_invite_ctx *c, const push_invite_rx_config *cfg, const push_invite_rx_cb *cb);
/* Ends every session silently (no BYE) and frees the agent. */
SP_API void push_invite_rx_free(push_invite_rx *rx);

/* A request the layer delivered: a new INVITE, or ACK, BYE, UPDATE,
 * re-INVITE of one of its sessions. true when it was taken (answered). */
SP_API bool push_invite_rx_route(push_invite_rx *rx, sip_txn_id st, const sip_msg *req, const sip_peer *src);
/* A server transaction ended (a CANCEL, no ACK). */
SP_API void push_invite_rx_server_end(push_invite_rx *rx, sip_txn_id st, sip_txn_end why);

SP_API size_t push_invite_rx_sessions(const push_invite_rx *rx);
/* Ends every session with a BYE (RFC 3261 §15.1.1), as a receiver about to
 * go away does once it has waited long enough for the senders' own BYEs. */
SP_API void push_invite_rx_hang_up_all(push_invite_rx *rx, const char *why);

#endif
