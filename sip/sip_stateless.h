/* sip_stateless.h - answering without state, and where answers go
 * (RFC 3261 §8.2, §18.2.1, §18.2.2, RFC 3581).
 *
 * Pure functions over messages and caller buffers; the transaction layer
 * uses them for its stateless 400/405/420/481/503/513 answers and for
 * stamping the top Via of requests it keeps. */
#ifndef SIPPUSH_SIP_STATELESS_H
#define SIPPUSH_SIP_STATELESS_H

#include "sp_export.h"

#include <stddef.h>

#include "sip_hdr.h"
#include "sip_msg.h"
#include "sip_txn.h"
#include "sp_str.h"

/* Longest reason phrase a stateless 400 carries (the parser's reason, cleaned). */
#define SIP_STATELESS_REASON_MAX 96

/* Where a response to a request received from src goes (§18.2.2, RFC 3581
 * §4): the same connection for stream transports (with received/sent-by as
 * the fallback the adapter may open), maddr when present, else the source
 * address with the rport or sent-by port. */
SP_API void sip_response_dest(const sip_via *top_via, const sip_peer *src, sip_peer *dest);

/* Copies the request msg (parsed from buf) into out with its top Via
 * carrying received=<source> when the sent-by host differs from it (§18.2.1)
 * or rport is asked, and rport=<source port> in place of an empty rport
 * (RFC 3581 §4). *copy becomes msg with every slice moved into out. Returns
 * the copy's length, SP_ENOSPC when it does not fit, or SP_EINVAL when the top
 * Via is unreadable. */
SP_API long sip_via_stamp(const sip_msg *msg, const char *buf, const sip_peer *src,
                          char *out, size_t cap, sip_msg *copy);
/* The same with the top Via already read: top is its element in the Via
 * header's value (a slice of buf) and via its parse. */
SP_API long sip_via_stamp_parsed(const sip_msg *msg, const char *buf, sp_str top, const sip_via *via,
                                 const sip_peer *src, char *out, size_t cap, sip_msg *copy);

/* A response to a parsed request, built per §8.2.6 with a To tag derived
 * from the request (so retransmissions get the same answer). reason absent
 * means the default phrase; headers are extra lines, each ending in CRLF.
 * Returns the length written, SP_ENOSPC when it does not fit, or -EIO when no
 * randomness could be had for the To tag. */
SP_API long sip_stateless_build(const sip_msg *req, unsigned status, sp_str reason, sp_str headers,
                                char *out, size_t cap);

/* A To tag for answering req without a transaction: derived from Call-ID,
 * From tag, CSeq and branch under a secret key, so a retransmission (and
 * the INVITE a CANCEL names) gets the same one and no one else can tell it
 * in advance. 16 hex digits (64 bits of a keyed SHA-1) and a NUL. False,
 * with out empty, when there is no key and no randomness to make one; the
 * first sip_txn_layer_new() makes it (sip_stateless_key()). */
#define SIP_TAG_SIZE 17
SP_API bool sip_stateless_tag(const sip_msg *req, char out[SIP_TAG_SIZE]);

/* Makes the process's tag key from the CSPRNG once; false when randomness
 * failed (try again later). */
SP_API bool sip_stateless_key(void);

/* A 400 (or the status of err, e.g. 513) for bytes that did not parse:
 * the Via, From, To, Call-ID and CSeq lines that can be found are copied
 * and the reason phrase says what was wrong. Only requests are answered.
 * Returns the length written and fills *via with the top Via for routing,
 * SP_EINVAL when no Via can be read or the input is not a request to answer
 * (the input is then dropped), SP_ENOSPC, or -EIO (no randomness for a tag). */
SP_API long sip_stateless_salvage(const char *buf, size_t len, const sp_error *err,
                                  char *out, size_t cap, sip_via *via);

/* A reason phrase made safe from a static parser reason: printable ASCII
 * only, at most SIP_STATELESS_REASON_MAX bytes. Returns its length. */
SP_API size_t sip_reason_clean(const char *reason, char *out, size_t cap);

/* The reason phrase of a 400 for a message that failed sip_msg_check(): the
 * check's reason, led by the name of the header (or "Request-URI") whose
 * value holds the error when the reason does not name it ("To: expected
 * '>'"). Cleaned as sip_reason_clean() does; returns its length. */
SP_API size_t sip_check_reason(const sip_msg *msg, const char *buf, const sp_error *err, char *out, size_t cap);

/* The answer to a request whose method is not served here: 405 (with
 * Allow) for a method this stack knows of (RFC 3261 and the extensions push
 * meets), 501 for any other (RFC 3261 §8.2.1, §21.5.2). */
SP_API unsigned sip_method_refusal(sp_str method);

#endif
