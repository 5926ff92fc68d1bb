/* push_control.h - the control protocol between `sippush send --psa
 * unix:PATH` and a running `sippush psa --control unix:PATH`.
 *
 * One request per connection, header lines then the content:
 *
 *   PUSH SIPPUSH-CONTROL/1          (or REFER: ask the receiver to subscribe)
 *   To: sip:bob@example.com
 *   Method: auto|message|notify|invite
 *   App: mms.ua                     (optional)
 *   Target: SIP-URI                 (optional: a GRUU)
 *   Indirect: yes                   (optional: the content is an RFC 4483 part)
 *   Confirm: yes                    (optional: ask for delivery confirmation)
 *   Reply: accepted                 (optional: answer once the push is accepted)
 *   Content-Type: text/plain
 *   Header: Content-Language: en    (optional, repeatable: a mapped push header)
 *   Content-Length: 21
 *                                   (empty line)
 *   <21 bytes of content>
 *
 * Lines end in LF or CRLF. The psa answers with one JSON line, the same
 * "delivered" or "failed" event it prints itself, and closes. With
 * "Reply: accepted" it answers {"event":"accepted","id":N} as soon as the
 * push is accepted (with --state: once its journal record is on disk) and
 * prints the outcome only on its own output, with the same id. A request
 * larger than the psa takes (--max-request) is answered 413, a malformed one (To not a
 * sip:, sips: or tel: URI...) 400, both with "retry": false. */
#ifndef SIPPUSH_PUSH_CONTROL_H
#define SIPPUSH_PUSH_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_psa.h"
#include "sp_error.h"
#include "sp_json_impl.h"
#include "sp_str.h"

#define CONTROL_MAGIC "SIPPUSH-CONTROL/1"
/* The largest request a psa reads (head and content) is its --max-request,
 * shared with the PAP listener (PUSH_HTTP_REQ_DEFAULT_MAX_BODY, 16 MiB, by
 * default). */
#define CONTROL_MAX_HEADERS 16

typedef struct control_request {
    sp_str verb;          /* PUSH or REFER */
    sp_str to, method, app, target, content_type;
    bool indirect, confirm;
    bool reply_accepted;  /* Reply: accepted */
    sp_str headers[CONTROL_MAX_HEADERS];
    size_t nheaders;
    sp_str body;
} control_request;

/* Parses a whole request of at most max bytes from buf: its length,
 * SP_AGAIN (incomplete), or SP_EINVAL (400) / SP_ELIMIT (413) with err. A
 * Content-Length that makes the request larger than max is refused as soon
 * as the head is in. */
int control_request_parse(const char *buf, size_t len, size_t max, control_request *r, sp_error *err);

/* Writes a request into a malloc'd buffer; NULL when out of memory. */
char *control_request_format(const control_request *r, size_t *len);

/* The push a request asks for: the method asked, the push headers mapped
 * as the seeds say (seed 000 §8.3.5: Content-* to the request, the rest
 * dropped; a Content-Type among them replaces the request's), written as
 * CRLF lines into hdrs. Returns false with *why for a bad method or header. */
bool control_push_prepare(const control_request *r, push_psa_push *out, char *hdrs, size_t cap, const char **why);

/* The outcome line of CONTRACT.md: {"event":"delivered",...} or
 * {"event":"failed",...}, without its newline. */
void control_result_json(json_out *j, const push_psa_result *r);
/* The outcome line of a REFER that waited for the referral's final NOTIFY
 * (RFC 3515 §2.4.5): the same keys and "referral", the status line of its
 * sipfrag (what the receiver's SUBSCRIBE got), or null when none came. */
void control_referral_json(json_out *j, const push_psa_result *r, unsigned referral);

#endif
