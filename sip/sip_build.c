/* sip_build.c - writing SIP messages into a caller's buffer (RFC 3261 §7,
 * §8.2.6, §21). Nothing is written past the capacity: the first write that
 * does not fit marks the buffer overflowed and every later one is ignored. */
#include "sip_build.h"

#include <stdio.h>

#include "sip_hdr.h"


void sip_build_request_line(sp_buf *b, sp_str method, sp_str uri)
{
    sp_buf_put(b, method);
    sp_buf_put(b, SP_LIT(" "));
    sp_buf_put(b, uri);
    sp_buf_put(b, SP_LIT(" SIP/2.0\r\n"));
}

void sip_build_status_line(sp_buf *b, unsigned status, sp_str reason)
{
    sp_buf_put(b, SP_LIT("SIP/2.0 "));
    sp_buf_u64(b, status);
    sp_buf_put(b, SP_LIT(" "));
    sp_buf_put(b, reason.p ? reason : sp_str_cstr(sip_reason_phrase(status)));
    sp_buf_put(b, SP_LIT("\r\n"));
}

void sip_build_header(sp_buf *b, sp_str name, sp_str value)
{
    sp_buf_put(b, name);
    sp_buf_put(b, SP_LIT(": "));
    sp_buf_put(b, value);
    sp_buf_put(b, SP_LIT("\r\n"));
}

void sip_build_header_cstr(sp_buf *b, const char *name, const char *value)
{
    sip_build_header(b, sp_str_cstr(name), sp_str_cstr(value));
}

void sip_build_body(sp_buf *b, sp_str content_type, sp_str body)
{
    if (content_type.p)
        sip_build_header(b, SP_LIT("Content-Type"), content_type);
    sp_buf_put(b, SP_LIT("Content-Length: "));
    sp_buf_u64(b, body.n);
    sp_buf_put(b, SP_LIT("\r\n\r\n"));
    if (body.p)
        sp_buf_put(b, body);
}

const char *sip_reason_phrase(unsigned status)
{
    static const struct {
        unsigned short code;
        const char *phrase;
    } table[] = {
        {100, "Trying"}, {180, "Ringing"}, {181, "Call Is Being Forwarded"}, {182, "Queued"},
        {183, "Session Progress"}, {199, "Early Dialog Terminated"},
        {200, "OK"}, {202, "Accepted"}, {204, "No Notification"},
        {300, "Multiple Choices"}, {301, "Moved Permanently"}, {302, "Moved Temporarily"},
        {305, "Use Proxy"}, {380, "Alternative Service"},
        {400, "Bad Request"}, {401, "Unauthorized"}, {402, "Payment Required"}, {403, "Forbidden"},
        {404, "Not Found"}, {405, "Method Not Allowed"}, {406, "Not Acceptable"},
        {407, "Proxy Authentication Required"}, {408, "Request Timeout"}, {410, "Gone"},
        {412, "Conditional Request Failed"}, {413, "Request Entity Too Large"},
        {414, "Request-URI Too Long"}, {415, "Unsupported Media Type"},
        {416, "Unsupported URI Scheme"}, {417, "Unknown Resource-Priority"}, {420, "Bad Extension"},
        {421, "Extension Required"}, {422, "Session Interval Too Small"}, {423, "Interval Too Brief"},
        {428, "Use Identity Header"}, {429, "Provide Referrer Identity"}, {430, "Flow Failed"},
        {433, "Anonymity Disallowed"}, {436, "Bad Identity-Info"}, {437, "Unsupported Certificate"},
        {438, "Invalid Identity Header"}, {439, "First Hop Lacks Outbound Support"},
        {470, "Consent Needed"}, {480, "Temporarily Unavailable"},
        {481, "Call/Transaction Does Not Exist"}, {482, "Loop Detected"}, {483, "Too Many Hops"},
        {484, "Address Incomplete"}, {485, "Ambiguous"}, {486, "Busy Here"},
        {487, "Request Terminated"}, {488, "Not Acceptable Here"}, {489, "Bad Event"},
        {491, "Request Pending"}, {493, "Undecipherable"}, {494, "Security Agreement Required"},
        {500, "Server Internal Error"}, {501, "Not Implemented"}, {502, "Bad Gateway"},
        {503, "Service Unavailable"}, {504, "Server Time-out"}, {505, "Version Not Supported"},
        {513, "Message Too Large"}, {580, "Precondition Failure"},
        {600, "Busy Everywhere"}, {603, "Decline"}, {604, "Does Not Exist Anywhere"},
        {606, "Not Acceptable"}, {607, "Unwanted"},
    };
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].code == status)
            return table[k].phrase;
    /* an unknown code is treated as the x00 of its class (§21) */
    if (status >= 100 && status <= 699 && status % 100 != 0)
        return sip_reason_phrase(status - status % 100);
    return "Unknown";
}

/* The header of an id at index first[id] - 1, or NULL. */
static const sip_header *first_of(const sip_msg *m, sip_hdr_id id)
{
    unsigned k = m->first[id];
    return k && k <= m->nheaders ? &m->headers[k - 1] : NULL;
}

static void copy_header(sp_buf *b, const sip_msg *m, sip_hdr_id id, const char *name)
{
    const sip_header *h = first_of(m, id);
    if (h)
        sip_build_header(b, sp_str_cstr(name), h->value);
}

void sip_build_response_head(sp_buf *b, const sip_msg *req, unsigned status, sp_str reason, sp_str to_tag)
{
    sip_build_status_line(b, status, reason);
    /* §8.2.6.2: every Via, in order; From, Call-ID and CSeq as they were */
    for (size_t k = 0; k < req->nheaders; k++)
        if (req->headers[k].id == SIP_H_VIA)
            sip_build_header(b, SP_LIT("Via"), req->headers[k].value);
    copy_header(b, req, SIP_H_FROM, "From");
    const sip_header *to = first_of(req, SIP_H_TO);
    if (to) {
        sip_addr addr;
        sip_build_header(b, SP_LIT("To"), to->value);
        /* the tag goes in before the CRLF just written, when the To has none */
        if (status > 100 && to_tag.p && to_tag.n && sip_addr_parse(to->value, &addr, NULL) == 0 &&
            !addr.tag.p && !addr.star && !b->overflow) {
            b->len -= 2;
            sp_buf_put(b, SP_LIT(";tag="));
            sp_buf_put(b, to_tag);
            sp_buf_put(b, SP_LIT("\r\n"));
        }
    }
    copy_header(b, req, SIP_H_CALL_ID, "Call-ID");
    copy_header(b, req, SIP_H_CSEQ, "CSeq");
}
