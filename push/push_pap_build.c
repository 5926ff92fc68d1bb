/* push_pap_build.c - see push_pap.h: the documents the gateway writes (PAP 1.0 §9,
 * PAP 2.x: push-response, cancel-response, statusquery-response,
 * ccq-response, resultnotification-message, badmessage-response). */
#include "push_pap.h"

#include <string.h>

/* The DOCTYPE of each version; a 2.x document also says which versions we
 * read (the wap-pap-ver processing instruction of PAP 2.x). */
static void prolog(sp_buf *b, push_pap_version v)
{
    sp_buf_puts(b, "<?xml version=\"1.0\"?>\n<!DOCTYPE pap PUBLIC ");
    switch (v) {
    case PUSH_PAP_V2_0:
        sp_buf_puts(b, "\"-//WAPFORUM//DTD PAP 2.0//EN\" \"http://www.wapforum.org/DTD/pap_2.0.dtd\"\n"
                       "[<?wap-pap-ver supported-versions=\"2.1,2.0,1.*\"?>]>\n");
        break;
    case PUSH_PAP_V2_1:
        sp_buf_puts(b, "\"-//WAPFORUM//DTD PAP 2.1//EN\" \"http://www.openmobilealliance.org/tech/DTD/pap_2.1.dtd\"\n"
                       "[<?wap-pap-ver supported-versions=\"2.1,2.0,1.*\"?>]>\n");
        break;
    case PUSH_PAP_V1_0:
    default:
        sp_buf_puts(b, "\"-//WAPFORUM//DTD PAP 1.0//EN\" \"http://www.wapforum.org/DTD/pap_1.0.dtd\">\n");
        break;
    }
    sp_buf_puts(b, "<pap>\n");
}

static void epilog(sp_buf *b) { sp_buf_puts(b, "</pap>\n"); }

/* The length of the UTF-8 sequence at s[i] (RFC 3629 §4), 0 when invalid. */
static size_t utf8_len(sp_str s, size_t i)
{
    unsigned char c = (unsigned char)s.p[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!n || s.n - i < n)
        return 0;
    unsigned long cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n; k++) {
        unsigned char cc = (unsigned char)s.p[i + k];
        if ((cc >> 6) != 2)
            return 0;
        cp = cp << 6 | (cc & 0x3F);
    }
    static const unsigned long min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF)
        return 0;
    return n;
}

/* An attribute value (XML 1.0 §2.4, §3.3.3): markup characters as
 * references, TAB, CR and LF as character references so that they survive
 * normalisation; a byte XML cannot carry (a C0 control, invalid UTF-8) as
 * '?'. */
static void escaped(sp_buf *b, sp_str v)
{
    for (size_t i = 0; i < v.n;) {
        char c = v.p[i];
        const char *ref = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;"
                          : c == '\t' ? "&#9;" : c == '\n' ? "&#10;" : c == '\r' ? "&#13;" : NULL;
        if (ref) {
            sp_buf_puts(b, ref);
            i++;
            continue;
        }
        size_t n = (unsigned char)c < 0x20 ? 0 : utf8_len(v, i);
        if (!n) {
            sp_buf_puts(b, "?");
            i++;
            continue;
        }
        sp_buf_put(b, sp_str_make(v.p + i, n));
        i += n;
    }
}

static void attr(sp_buf *b, const char *name, sp_str v)
{
    if (!v.p)
        return;
    sp_buf_puts(b, " ");
    sp_buf_puts(b, name);
    sp_buf_puts(b, "=\"");
    escaped(b, v);
    sp_buf_puts(b, "\"");
}

static void attr_time(sp_buf *b, const char *name, int64_t t)
{
    char s[PUSH_PAP_TIME_LEN + 1];
    if (t >= 0 && push_pap_time_format(t, s, sizeof s))
        attr(b, name, sp_str_make(s, PUSH_PAP_TIME_LEN));
}

/* code="N" desc="..." (the code's standard description when desc is absent). */
static void attr_code(sp_buf *b, unsigned code, sp_str desc)
{
    sp_buf_puts(b, " code=\"");
    sp_buf_u64(b, code);
    sp_buf_puts(b, "\"");
    attr(b, "desc", desc.p ? desc : sp_str_cstr(push_pap_code_desc(code)));
}

static void address_element(sp_buf *b, sp_str address)
{
    if (!address.p)
        return;
    sp_buf_puts(b, "<address");
    attr(b, "address-value", address);
    sp_buf_puts(b, "/>\n");
}

void push_pap_build_push_response_notes(sp_buf *b, push_pap_version v, const push_pap_push_response *r,
                                   const push_pap_progress_note *notes, size_t n)
{
    prolog(b, v);
    sp_buf_puts(b, "<push-response");
    attr(b, "push-id", r->push_id);
    attr(b, "sender-address", r->sender_address);
    attr(b, "sender-name", r->sender_name);
    attr_time(b, "reply-time", r->reply_time);
    sp_buf_puts(b, ">\n");
    for (size_t i = 0; i < n; i++) {
        sp_buf_puts(b, "<progress-note");
        attr(b, "stage", notes[i].stage.p ? notes[i].stage : SP_LIT(""));
        attr(b, "note", notes[i].note);
        attr_time(b, "time", notes[i].time);
        sp_buf_puts(b, "/>\n");
    }
    sp_buf_puts(b, "<response-result");
    attr_code(b, r->code, r->desc);
    sp_buf_puts(b, "/>\n</push-response>\n");
    epilog(b);
}

void push_pap_build_push_response(sp_buf *b, push_pap_version v, const push_pap_push_response *r)
{
    push_pap_build_push_response_notes(b, v, r, NULL, 0);
}

/* One result element: its attributes, then the address it is about. */
static void result_element(sp_buf *b, const char *name, const push_pap_result *res, bool state)
{
    sp_buf_puts(b, "<");
    sp_buf_puts(b, name);
    if (state) {
        attr_time(b, "event-time", res->event_time);
        attr(b, "message-state", sp_str_cstr(push_pap_state_name(res->state)));
    }
    attr_code(b, res->code, res->desc);
    if (!res->address.p) {
        sp_buf_puts(b, "/>\n");
        return;
    }
    sp_buf_puts(b, ">\n");
    address_element(b, res->address);
    sp_buf_puts(b, "</");
    sp_buf_puts(b, name);
    sp_buf_puts(b, ">\n");
}

/* cancel-response and statusquery-response: push-id and a result per address. */
static void results_document(sp_buf *b, push_pap_version v, const char *name, const char *result, bool state,
                             sp_str push_id, const push_pap_result *res, size_t n)
{
    prolog(b, v);
    sp_buf_puts(b, "<");
    sp_buf_puts(b, name);
    attr(b, "push-id", push_id);
    sp_buf_puts(b, ">\n");
    for (size_t i = 0; i < n; i++)
        result_element(b, result, &res[i], state);
    sp_buf_puts(b, "</");
    sp_buf_puts(b, name);
    sp_buf_puts(b, ">\n");
    epilog(b);
}

void push_pap_build_cancel_response(sp_buf *b, push_pap_version v, sp_str push_id, const push_pap_result *res, size_t n)
{
    results_document(b, v, "cancel-response", "cancel-result", false, push_id, res, n);
}

void push_pap_build_statusquery_response(sp_buf *b, push_pap_version v, sp_str push_id, const push_pap_result *res, size_t n)
{
    results_document(b, v, "statusquery-response", "statusquery-result", true, push_id, res, n);
}

void push_pap_build_ccq_response(sp_buf *b, push_pap_version v, sp_str query_id, const push_pap_result *res)
{
    prolog(b, v);
    sp_buf_puts(b, "<ccq-response");
    attr(b, "query-id", query_id);
    sp_buf_puts(b, ">\n");
    address_element(b, res->address);
    sp_buf_puts(b, "<query-result");
    attr_code(b, res->code, res->desc);
    sp_buf_puts(b, "/>\n</ccq-response>\n");
    epilog(b);
}

void push_pap_build_resultnotification(sp_buf *b, push_pap_version v, const push_pap_notification *n)
{
    prolog(b, v);
    sp_buf_puts(b, "<resultnotification-message");
    attr(b, "push-id", n->push_id);
    attr(b, "sender-address", n->sender_address);
    attr(b, "sender-name", n->sender_name);
    attr_time(b, "received-time", n->received_time);
    attr_time(b, "event-time", n->event_time);
    attr(b, "message-state", sp_str_cstr(push_pap_state_name(n->state)));
    attr_code(b, n->code, n->desc);
    sp_buf_puts(b, ">\n");
    address_element(b, n->address);
    sp_buf_puts(b, "</resultnotification-message>\n");
    epilog(b);
}

void push_pap_build_badmessage_response(sp_buf *b, push_pap_version v, unsigned code, sp_str desc, sp_str fragment)
{
    prolog(b, v);
    sp_buf_puts(b, "<badmessage-response");
    attr_code(b, code, desc);
    attr(b, "bad-message-fragment", fragment);
    sp_buf_puts(b, "/>\n");
    epilog(b);
}

/* RFC 2046 §5.1.1 bchars, without the space (no quoting needed). */
static bool boundary_ok(sp_str s)
{
    if (s.n == 0 || s.n > 70)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("'()+_,-./:=?", c)))
            return false;
    }
    return true;
}

static bool holds_delimiter(sp_str s, sp_str boundary)
{
    for (size_t i = 0; i + 2 + boundary.n <= s.n; i++)
        if (s.p[i] == '-' && s.p[i + 1] == '-' && !memcmp(s.p + i + 2, boundary.p, boundary.n))
            return true;
    return false;
}

int push_pap_build_ccq_multipart(sp_buf *b, char *ct, size_t ct_cap, push_pap_version v, sp_str query_id,
                            const push_pap_result *res, sp_str caps_type, sp_str caps, sp_str boundary)
{
    if (!boundary_ok(boundary) || !caps_type.n || memchr(caps_type.p, '\r', caps_type.n) ||
        memchr(caps_type.p, '\n', caps_type.n) || holds_delimiter(caps, boundary))
        return -1;
    sp_buf h;
    sp_buf_init(&h, ct, ct_cap);
    sp_buf_puts(&h, "multipart/related; boundary=");
    sp_buf_put(&h, boundary);
    sp_buf_puts(&h, "; type=\"application/xml\"");
    sp_buf_put(&h, SP_LIT("\0"));
    if (sp_buf_finish(&h) < 0)
        return -1;
    sp_buf_puts(b, "--");
    sp_buf_put(b, boundary);
    sp_buf_puts(b, "\r\nContent-Type: application/xml\r\n\r\n");
    size_t xml_at = b->len;
    push_pap_build_ccq_response(b, v, query_id, res);
    if (!b->overflow && holds_delimiter(sp_str_make(b->p + xml_at, b->len - xml_at), boundary))
        return -1;
    sp_buf_puts(b, "\r\n--");
    sp_buf_put(b, boundary);
    sp_buf_puts(b, "\r\nContent-Type: ");
    sp_buf_put(b, caps_type);
    sp_buf_puts(b, "\r\n\r\n");
    sp_buf_put(b, caps);
    sp_buf_puts(b, "\r\n--");
    sp_buf_put(b, boundary);
    sp_buf_puts(b, "--\r\n");
    return sp_buf_finish(b) < 0 ? -1 : 0;
}
