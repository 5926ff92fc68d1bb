/* msrp_session.h - MSRP sessions over TCP (RFC 4975): whole messages
 * sent in chunks and received by reassembly, with transaction responses
 * and REPORTs.
 *
 * An msrp_endpoint is the MSRP side of one agent: the connections it
 * opens and accepts and the sessions living on them. It does no I/O of its
 * own: its environment (msrp_env.h) writes, connects, listens and keeps
 * the timers; msrp_tp.h binds it to the event loop. A session is bound to its local URI (a fresh random session-id)
 * and the peer's path from SDP a=path. The a=setup negotiation (RFC 4145,
 * RFC 6135) decides which end opens the connection: an active session
 * connects (or reuses an open connection to the same address, §5.4) and
 * sends its first SEND at once, bodiless when it has nothing to say; a
 * passive session waits until a request on an accepted connection names it
 * in To-Path (else 481) and comes from the negotiated peer (else 403 and
 * the connection is closed). A session already bound elsewhere answers 506.
 *
 * Sending: msrp_session_send() queues a message (memory or file content);
 * it goes out in chunks of config.chunk_size, pipelined up to config.window
 * unanswered transactions, several chunks per writev. Queued messages take
 * turns chunk by chunk, so a long message is interrupted ('+') by a new one
 * and resumed after it. The outcome arrives as one MSRP_EV_SENT or
 * MSRP_EV_SEND_FAILED event per message (status and bytes acknowledged),
 * plus MSRP_EV_REPORT for each REPORT received about it. A message sent
 * with Success-Report: yes is SENT only once its success REPORT came; when
 * none comes within config.report_timeout_ms of the last 200 it ends in
 * MSRP_EV_SEND_FAILED (status 408, every byte acknowledged but not
 * confirmed). Several success REPORTs whose Byte-Ranges together cover the
 * message confirm it as one does (§7.1.2), in any order, overlapping or not.
 *
 * Receiving: chunks are reassembled by Byte-Range (msrp_reassembly.h) into
 * a memory sink or a file sink in config.rx_dir (a name taken gets "-2",
 * "-3"... before its extension); a complete, verified
 * message is handed over once (MSRP_EV_RECEIVED), never a part of one.
 * Its SHA-1 is computed while it arrives, by a thread of its own from
 * rx_limits.hash_thread_min bytes (1 MiB by default; msrp_reassembly.h).
 * Success and failure REPORTs follow the sender's Success-Report and
 * Failure-Report (§7.1.3, §7.1.4); the REPORT about a complete message
 * goes after MSRP_EV_RECEIVED, whose handler may refuse the message
 * (msrp_event_info.refuse): the REPORT then carries the refusal, so a
 * sender is never told "200" about a message the application lost.
 *
 * When the connection fails, every session on it fails (§5.4): messages
 * not yet acknowledged end in MSRP_EV_SEND_FAILED (status 0) with the bytes
 * acknowledged so far, partial incoming messages are discarded (or kept for
 * a resume, RFC 5547 §8, with config.rx_keep_partial), then MSRP_EV_CLOSED.
 *
 * Ownership: the caller owns the endpoint and its sessions (new/free
 * pairs); sessions must be freed before their endpoint, the endpoint before
 * its loop. A session may be freed from inside its own event callback: it
 * then stops at once and its memory is released after the dispatch. Message
 * content given by pointer must stay untouched until the message's outcome
 * event. */
#ifndef SIPPUSH_MSRP_SESSION_H
#define SIPPUSH_MSRP_SESSION_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msrp_hdr.h"
#include "msrp_reassembly.h"
#include "msrp_sink.h"
#include "msrp_env.h"
#include "sp_str.h"

#define MSRP_CHUNK_DEFAULT 2048u          /* body bytes per SEND (RFC 4975 §7.1.1) */
#define MSRP_CHUNK_MAX (1u << 20)         /* largest chunk_size accepted */
#define MSRP_WINDOW_DEFAULT 256u          /* unanswered transactions per session */
#define MSRP_WINDOW_MAX 4096u
#define MSRP_TXN_TIMEOUT_MS 30000u        /* no response within 30 s: 408 (§7.1.1) */
#define MSRP_REPORT_TIMEOUT_MS 30000u     /* no success REPORT within 30 s of the last 200:
                                             not confirmed (§7.1.1 leaves the value open) */
#define MSRP_RX_MESSAGES_MAX 4u           /* incoming messages in progress per session */
#define MSRP_SESSION_ID_LEN 16            /* [A-Za-z0-9]{16}: 95 random bits (§14.1: >= 80) */
#define MSRP_URI_MAX 256                  /* bytes of the local URI */
#define MSRP_PATH_MAX 1024                /* bytes of the peer's a=path value */
#define MSRP_MESSAGE_ID_MAX 32            /* ident = ALPHANUM 3*31ident-char (§9) */
#define MSRP_CONTENT_TYPE_MAX 128         /* bytes of a sent message's Content-Type */
#define MSRP_ACCEPT_MAX 256               /* bytes of the accepted types list */

typedef struct msrp_session msrp_session;

typedef enum msrp_setup {
    MSRP_SETUP_ACTIVE,  /* opens the connection (a=setup:active) */
    MSRP_SETUP_PASSIVE, /* waits for it (a=setup:passive) */
} msrp_setup;

typedef enum msrp_event_type {
    MSRP_EV_BOUND = 1,    /* the session has its connection */
    MSRP_EV_SENT,         /* an outgoing message was acknowledged (all chunks, and the
                             success REPORT when one was asked for) */
    MSRP_EV_SEND_FAILED,  /* an outgoing message was not (all) delivered */
    MSRP_EV_REPORT,       /* a REPORT about an outgoing message */
    MSRP_EV_RECEIVED,     /* an incoming message is complete and verified */
    MSRP_EV_DISCARDED,    /* an incoming message failed, was aborted or cut off */
    MSRP_EV_CLOSED,       /* the session failed (connection lost, 481, 506...) */
} msrp_event_type;

typedef struct msrp_event_info {
    msrp_event_type type;
    uint64_t msg;          /* SENT, SEND_FAILED, REPORT: the handle msrp_session_send gave */
    sp_str message_id;
    unsigned status;       /* MSRP status (200, 413...); 0 when the connection failed */
    const char *reason;    /* static text */
    uint64_t bytes;        /* SENT/SEND_FAILED: bytes acknowledged; RECEIVED: size;
                              DISCARDED: bytes received */
    uint64_t range_start, range_end, range_total; /* REPORT: its Byte-Range (0 when absent) */
    sp_str content_type;   /* RECEIVED */
    msrp_sink *sink;       /* RECEIVED: the committed sink, valid during the callback;
                              DISCARDED with rx_keep_partial: the kept sink (temp path) */
    const msrp_ranges *received; /* DISCARDED with rx_keep_partial: ranges kept */
    const uint8_t *sha1;   /* RECEIVED: SP_SHA1_LEN bytes, NULL when not computed */
    /* RECEIVED: the handler refuses the message by setting *refuse to an
     * MSRP status (400, 413, 415...) and *refuse_reason to a static text;
     * the failure REPORT (when the sender wants failure reports) then names
     * the whole message with it instead of the success REPORT. */
    unsigned *refuse;
    const char **refuse_reason;
} msrp_event_info;

typedef void (*msrp_event_fn)(void *ctx, msrp_session *s, const msrp_event_info *ev);

typedef struct msrp_session_config {
    const char *local_host;   /* host of the local URI (NUL-terminated); required */
    uint16_t local_port;      /* port of the local URI (the listener's when passive) */
    msrp_setup setup;
    uint32_t chunk_size;      /* 0: MSRP_CHUNK_DEFAULT; at most MSRP_CHUNK_MAX */
    uint32_t window;          /* 0: MSRP_WINDOW_DEFAULT; at most MSRP_WINDOW_MAX */
    uint32_t txn_timeout_ms;  /* 0: MSRP_TXN_TIMEOUT_MS */
    uint32_t report_timeout_ms; /* Success-Report yes: the REPORT is due this long after
                                   the last chunk's 200, else MSRP_EV_SEND_FAILED with
                                   status 408; 0: MSRP_REPORT_TIMEOUT_MS */
    /* receiving */
    const msrp_sink_ops *rx_sink; /* the sink incoming messages go to (msrp_sink.h), opened
                                     with rx_sink_ctx for each; NULL: the built-in ones below */
    void *rx_sink_ctx;
    const char *rx_dir;       /* without rx_sink: NULL: memory sinks; else file sinks committed there */
    msrp_sink_head_fn rx_head; /* with rx_dir: the head left out of the file (a CPIM
                                 envelope's headers; msrp_sink_file_strip_head) */
    void *rx_head_ctx;
    bool rx_discard;          /* content verified and confirmed but not kept (held already) */
    sp_str rx_name;           /* file name offered (RFC 5547 file-selector name) */
    const char *accept;       /* accepted media types separated by spaces, "type/ *" and "*"
                                 allowed (SDP accept-types); NULL: "*"; others get 415 */
    msrp_reassembly_limits rx_limits; /* max-size (413) and interval limits */
    msrp_expect rx_expect;    /* size and SHA-1 from the offer's file-selector */
    bool rx_keep_partial;     /* keep a cut-off file for a resume (RFC 5547 §8) */
    const char *rx_resume_temp;       /* resume: the temp file kept earlier, */
    const msrp_ranges *rx_resume_ranges; /* with the ranges it holds */
    msrp_event_fn on_event;
    void *ctx;
} msrp_session_config;

SP_API void msrp_session_config_default(msrp_session_config *cfg);

/* What to send. Content comes from memory (data) or from a file read in
 * pieces with pread (fd, from 'offset'), so any size costs constant memory. */
typedef struct msrp_message {
    sp_str content_type;      /* required (a message has a body) */
    const void *data;         /* memory content, or NULL for fd */
    int fd;
    uint64_t offset;          /* file offset of the first byte */
    uint64_t size;            /* bytes of the whole message */
    uint64_t first;           /* first position to send (1-based; 0 = 1): a resume
                                 after a=file-range (RFC 5547 §8) */
    bool success_report;      /* Success-Report: yes (confirmed push) */
    msrp_report failure_report; /* default yes */
    sp_str message_id;        /* absent: a fresh one; a resume reuses the old one (§5.4) */
    const sp_str (*extra)[2]; /* MIME headers of every chunk (Content-Disposition...),
                                 name/value pairs, kept like data until the outcome */
    size_t nextra;
} msrp_message;

SP_API void msrp_message_init(msrp_message *m);

/* --- endpoint ----------------------------------------------------------- */

/* Made on an environment (msrp_endpoint_new_env, msrp_env.h) or on the
 * event loop (msrp_endpoint_new, msrp_tp.h). Closes every connection; the
 * sessions must have been freed. */
SP_API void msrp_endpoint_free(msrp_endpoint *ep);

/* --- sessions ----------------------------------------------------------- */

/* A session with a fresh local URI. 0, SP_EINVAL (bad config), -ENOMEM. */
SP_API int msrp_session_new(msrp_endpoint *ep, const msrp_session_config *cfg, msrp_session **out);
SP_API void msrp_session_free(msrp_session *s);

/* The local URI, for the SDP a=path. */
SP_API sp_str msrp_session_local_uri(const msrp_session *s);
/* The peer's a=path (URIs separated by spaces; the first is where requests
 * go, the last the peer itself). 0 or SP_EINVAL. */
SP_API int msrp_session_set_peer(msrp_session *s, sp_str path);
/* The role, before msrp_session_start (an offerer learns it from the
 * answer, RFC 6135 §4.2). 0, or SP_EINVAL once started. */
SP_API int msrp_session_set_setup(msrp_session *s, msrp_setup setup);
/* Active: connects (or reuses a connection) and sends the first SEND.
 * Passive: waits for the peer. 0 or a negative errno / SP_EINVAL. */
SP_API int msrp_session_start(msrp_session *s);

/* Queues a message; *msg (if not NULL) receives its handle for the events.
 * 0, SP_EINVAL (bad message, session closed), 415 refusal remembered
 * (-EPROTO: the peer refused this content type, §10.6), -ENOMEM. */
SP_API int msrp_session_send(msrp_session *s, const msrp_message *m, uint64_t *msg);
/* Stops sending a message: its next chunk ends in '#' (§7.1). */
SP_API int msrp_session_abort(msrp_session *s, uint64_t msg);

SP_API bool msrp_session_bound(const msrp_session *s);
/* Messages queued or in flight, and transactions unanswered. */
SP_API size_t msrp_session_pending(const msrp_session *s);
/* Bytes the session holds now: its struct and every allocation it owns
 * (not the connection it shares). */
SP_API size_t msrp_session_footprint(const msrp_session *s);

#endif
