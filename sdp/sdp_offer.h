/* sdp_offer.h - answering an MSRP file-transfer offer (RFC 3264 §6,
 * RFC 5547 §8.2-8.3, RFC 6135 §4.2) as a Push Receiver Agent does.
 *
 * Each offered stream is judged against the receiver's capabilities: an
 * MSRP "message" stream on a non-zero port whose offerer will send, whose
 * accept-types meet the receiver's (wildcards honoured both ways), whose
 * file type (file-selector type) the receiver takes and whose size fits its
 * max-size. An accepted stream is answered with the opposite setup role,
 * a=recvonly, the receiver's accept-types, max-size and path, and the
 * offer's file-transfer-id, file-selector, file-date and file-range copied
 * (RFC 5547 §8.3). A refused one is answered with port 0, the offer's
 * file-transfer-id and file-selector (RFC 5547 §8.3; not a name refused
 * for its length), and a=max-size when the size was the reason.
 * When no stream is accepted the whole offer is refused with 488 (OMA Push
 * 7.3.1.1, RFC 3261 §13.3.1.3). */
#ifndef SIPPUSH_SDP_OFFER_H
#define SIPPUSH_SDP_OFFER_H

#include "sp_export.h"

#include <stdint.h>

#include "sdp_attr.h"
#include "sdp_build.h"

/* What the receiver takes. accept_types is advertised in the answer as is:
 * RFC 4975 §8.6 and the OMA seed want "message/cpim" in it, then "*" or the
 * accepted types (the default "message/cpim *"). */
typedef struct sdp_caps {
    sp_str accept_types;
    sp_str accept_wrapped_types; /* absent: not advertised */
    uint64_t max_size;           /* 0: no limit and no a=max-size */
    size_t max_name;             /* bytes of a file-selector name as written; 0: no limit */
    sdp_types types;             /* accept_types parsed (sdp_caps_init) */
} sdp_caps;

/* Fills caps; accept_types absent means "message/cpim *". Returns 0 or
 * SP_EINVAL when accept_types is malformed. */
SP_API int sdp_caps_init(sdp_caps *caps, sp_str accept_types, sp_str accept_wrapped_types, uint64_t max_size,
                         sp_error *err);

typedef enum sdp_verdict {
    SDP_ACCEPT = 0,
    SDP_REFUSE_MEDIA,     /* not "message" over TCP/MSRP or TCP/TLS/MSRP */
    SDP_REFUSE_PORT,      /* already refused (port 0) in the offer */
    SDP_REFUSE_DIRECTION, /* the offerer will not send (recvonly, inactive) */
    SDP_REFUSE_TYPE,      /* no accept-types or file type in common */
    SDP_REFUSE_SIZE,      /* file-selector size above max-size */
    SDP_REFUSE_NAME,      /* file-selector name longer than max_name */
} sdp_verdict;

SP_API sdp_verdict sdp_offer_judge(const sdp_stream *offer, const sdp_caps *caps);
SP_API const char *sdp_verdict_reason(sdp_verdict v);

/* The answer to one offered stream: accepted with the local port and path
 * when v is SDP_ACCEPT, refused (port 0) otherwise. Slices of answer point
 * into offer, caps and path. */
SP_API void sdp_answer_stream(const sdp_stream *offer, const sdp_caps *caps, sdp_verdict v, uint16_t port,
                              sp_str path, sdp_stream *answer);

/* The capability description of RFC 5547 §8.5 (RFC 3264 §9): an m=message
 * line on port 0 with the receiver's accept-types and max-size, for a 488
 * (RFC 3261 §21.4.26: the answer may say what would be taken). */
SP_API void sdp_caps_stream(const sdp_caps *caps, sdp_stream *out);

/* The answerer's role for an offered one (RFC 4145 §4.1, RFC 6135 §4.2):
 * active for passive and actpass, passive for active, none and holdconn
 * (RFC 4975 §5.4: the offerer connects). */
SP_API sdp_setup sdp_answer_setup(sdp_setup offered);

/* The offerer's role once the answer is in: SDP_SETUP_ACTIVE (connect to
 * the answerer's path), SDP_SETUP_PASSIVE (wait for its connection), or
 * SDP_SETUP_NONE when the pair cannot work (passive answering a passive
 * offer, active answering an active one, actpass in an answer). An answer
 * without a=setup (or holdconn) is an RFC 4975 answerer listening at its
 * path: the offerer connects, whatever it offered. */
SP_API sdp_setup sdp_offerer_role(sdp_setup offered, sdp_setup answered);

/* Where the receiver listens for one stream. */
typedef struct sdp_endpoint {
    uint16_t port;
    sp_str path; /* its MSRP URI (path-list) */
} sdp_endpoint;

/* Answers every stream of an offer: answers[i] for offer->streams[i], with
 * local[i] the receiver's endpoint for it; verdicts may be NULL. Returns how
 * many were accepted: 0 means refuse the offer with 488. */
SP_API size_t sdp_answer_offer(const sdp_desc *offer, const sdp_caps *caps, const sdp_endpoint *local,
                               sdp_stream *answers, sdp_verdict *verdicts);

/* The SIP status answering an offer with that many accepted streams. */
static inline int sdp_answer_status(size_t accepted) { return accepted ? 200 : 488; }

#endif
