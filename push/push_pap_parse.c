/* push_pap_parse.c - see push_pap.h: reading one PAP request body.
 *
 * Unreadable documents (not XML, not PAP, a version we do not speak, no
 * push-id to answer to) fail at once. A readable document that breaks a
 * rule of the DTD or carries a bad value is read to its end all the same,
 * so a later well-formedness error still makes it unreadable, and then
 * refused with the first rule it broke. */
#include "push_pap_impl.h"
#include "sp_base64.h"

#include <string.h>

typedef struct walk {
    sp_str body;          /* the request body: error offsets and fragments */
    sp_str doc;           /* the control document, inside body */
    const push_pap_store *st;
    size_t text_used;
    push_pap_request *r;
    push_pap_error *err;
    bool refused;         /* readable but refused: refusal holds the first reason */
    push_pap_error refusal;
    bool have_message, have_qos, have_code;
    size_t addresses;     /* address elements read (stored or not) */
    const char *attr_at;  /* the raw value of the attribute being read: where a refusal points */
} walk;

static size_t body_off(const walk *w, const char *p) { return (size_t)(p - w->body.p); }

static int unreadable(walk *w, unsigned code, int http, const char *at, const char *why)
{
    return push_pap_fail(w->err, code, http, true, w->body, body_off(w, at), why);
}

static void refuse(walk *w, unsigned code, const char *at, const char *why)
{
    if (w->refused)
        return;
    w->refused = true;
    push_pap_fail(&w->refusal, code, 400, false, w->body, body_off(w, at), why);
}

/* Bytes of store.text still free. */
static size_t text_room(const walk *w) { return w->st && w->st->text ? w->st->text_cap - w->text_used : 0; }

/* An attribute value with its references resolved (the raw slice when it
 * has none). XML 1.0 §2.2: no C0 control but TAB, CR, LF, even raw. */
static int value(walk *w, sp_str raw, sp_str *out)
{
    for (size_t i = 0; i < raw.n; i++) {
        unsigned char c = (unsigned char)raw.p[i];
        if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
            return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, raw.p + i, "control character in an attribute value");
    }
    if (!memchr(raw.p, '&', raw.n)) {
        *out = raw;
        return 0;
    }
    if (text_room(w) < raw.n)
        return unreadable(w, PUSH_PAP_INTERNAL_ERROR, 500, raw.p, "no room to resolve references");
    char *dst = w->st->text + w->text_used;
    size_t n = push_xml_decode(raw, dst, raw.n);
    if (n == (size_t)-1)
        return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, raw.p, "unknown or malformed reference in an attribute value");
    w->text_used += n;
    *out = sp_str_make(dst, n);
    return 0;
}

/* --- the version ------------------------------------------------------------ */

/* Public identifiers compare after white space is collapsed (XML 1.0
 * §4.2.2: a PubidLiteral is normalised before it is matched). */
static bool pubid_eq(sp_str id, const char *want)
{
    size_t i = 0, k = 0, n = strlen(want);
    while (i < id.n && (id.p[i] == ' ' || id.p[i] == '\r' || id.p[i] == '\n'))
        i++;
    while (i < id.n) {
        bool ws = id.p[i] == ' ' || id.p[i] == '\r' || id.p[i] == '\n';
        if (ws) {
            while (i < id.n && (id.p[i] == ' ' || id.p[i] == '\r' || id.p[i] == '\n'))
                i++;
            if (i == id.n)
                break;
            if (k >= n || want[k] != ' ')
                return false;
            k++;
            continue;
        }
        if (k >= n || want[k] != id.p[i])
            return false;
        i++, k++;
    }
    return k == n;
}

static bool contains(sp_str s, const char *lit)
{
    return s.n && memmem(s.p, s.n, lit, strlen(lit)) != NULL;
}

static const struct {
    const char *public_id;
    const char *system_file; /* NULL: matched by its public identifier only */
    push_pap_version v;
} known_versions[] = {
    {"-//WAPFORUM//DTD PAP 1.0//EN", "pap_1.0.dtd", PUSH_PAP_V1_0},
    {"-//WAPFORUM//DTD PAP//EN", NULL, PUSH_PAP_V1_0}, /* the 1.0 form Kannel's initiator writes */
    {"-//WAPFORUM//DTD PAP 2.0//EN", "pap_2.0.dtd", PUSH_PAP_V2_0},
    {"-//WAPFORUM//DTD PAP 2.1//EN", "pap_2.1.dtd", PUSH_PAP_V2_1},
};

/* The DOCTYPE names the version (PAP 2.x §8: the public identifier; the
 * wap-pap-ver processing instruction of the internal subset only lists the
 * versions the initiator also reads, so it is accepted and not needed). A
 * document without a DOCTYPE is read as 1.0, the version every initiator
 * reads answers in. */
static int read_version(walk *w, const push_xml_doctype *d, const char *at)
{
    if (!d->present) {
        w->r->version = PUSH_PAP_V1_0;
        return 0;
    }
    if (!sp_str_eq(d->name, SP_LIT("pap")))
        return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, d->name.p, "the DOCTYPE does not name the pap element");
    size_t n = sizeof known_versions / sizeof known_versions[0];
    if (d->public_id.p) {
        for (size_t i = 0; i < n; i++)
            if (pubid_eq(d->public_id, known_versions[i].public_id)) {
                w->r->version = known_versions[i].v;
                return 0;
            }
        if (contains(d->public_id, "DTD PAP"))
            return unreadable(w, PUSH_PAP_VERSION_NOT_SUPPORTED, 400, d->public_id.p, "PAP version not supported");
        return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, d->public_id.p, "not the PAP document type");
    }
    if (d->system_id.p) {
        sp_str file = d->system_id;
        for (size_t i = file.n; i-- > 0;)
            if (file.p[i] == '/') {
                file = sp_str_make(file.p + i + 1, file.n - i - 1);
                break;
            }
        for (size_t i = 0; i < n; i++)
            if (known_versions[i].system_file && sp_str_eq(file, sp_str_cstr(known_versions[i].system_file))) {
                w->r->version = known_versions[i].v;
                return 0;
            }
        if (file.n > 4 && !memcmp(file.p, "pap_", 4))
            return unreadable(w, PUSH_PAP_VERSION_NOT_SUPPORTED, 400, d->system_id.p, "PAP version not supported");
        return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, d->system_id.p, "not the PAP document type");
    }
    (void)at;
    w->r->version = PUSH_PAP_V1_0;
    return 0;
}

/* --- attribute values --------------------------------------------------------- */

static bool read_bool(walk *w, sp_str v, bool *out, const char *why)
{
    if (sp_str_eq(v, SP_LIT("true")))
        *out = true;
    else if (sp_str_eq(v, SP_LIT("false")))
        *out = false;
    else {
        refuse(w, PUSH_PAP_BAD_REQUEST, w->attr_at, why);
        return false;
    }
    return true;
}

static void read_time(walk *w, sp_str v, bool *has, int64_t *t, const char *why)
{
    if (push_pap_time_parse(v, t))
        *has = true;
    else
        refuse(w, PUSH_PAP_BAD_REQUEST, w->attr_at, why);
}

/* One of names (NULL-terminated); its index, or -1 (refused with why). */
static int read_enum(walk *w, sp_str v, const char *const *names, const char *why)
{
    for (int i = 0; names[i]; i++)
        if (sp_str_eq(v, sp_str_cstr(names[i])))
            return i;
    refuse(w, PUSH_PAP_BAD_REQUEST, w->attr_at, why);
    return -1;
}

/* --- elements ---------------------------------------------------------------- */

static const struct {
    const char *name;
    push_pap_kind kind;
} request_elements[] = {
    {"push-message", PUSH_PAP_KIND_PUSH},
    {"cancel-message", PUSH_PAP_KIND_CANCEL},
    {"statusquery-message", PUSH_PAP_KIND_STATUS_QUERY},
    {"ccq-message", PUSH_PAP_KIND_CCQ},
    {"resultnotification-response", PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE},
};

static int message_attr(walk *w, sp_str name, sp_str v)
{
    push_pap_request *r = w->r;
    bool push = r->kind == PUSH_PAP_KIND_PUSH;
    if (sp_str_eq(name, SP_LIT("push-id")) && r->kind != PUSH_PAP_KIND_CCQ)
        r->push_id = v;
    else if (sp_str_eq(name, SP_LIT("query-id")) && r->kind == PUSH_PAP_KIND_CCQ)
        r->push_id = v;
    else if (sp_str_eq(name, SP_LIT("app-id")) && r->kind == PUSH_PAP_KIND_CCQ)
        r->app_id = v;
    else if (push && sp_str_eq(name, SP_LIT("replace-push-id")))
        r->replace_push_id = v;
    else if (push && sp_str_eq(name, SP_LIT("replace-method"))) {
        static const char *const methods[] = {"all", "pending-only", NULL};
        int m = read_enum(w, v, methods, "replace-method is neither all nor pending-only");
        r->replace_pending_only = m == 1;
    } else if (push && sp_str_eq(name, SP_LIT("deliver-before-timestamp")))
        read_time(w, v, &r->has_deliver_before, &r->deliver_before,
                  "deliver-before-timestamp is not YYYY-MM-DDThh:mm:ssZ");
    else if (push && sp_str_eq(name, SP_LIT("deliver-after-timestamp")))
        read_time(w, v, &r->has_deliver_after, &r->deliver_after,
                  "deliver-after-timestamp is not YYYY-MM-DDThh:mm:ssZ");
    else if (push && sp_str_eq(name, SP_LIT("source-reference")))
        r->source_reference = v;
    else if (push && sp_str_eq(name, SP_LIT("ppg-notify-requested-to")))
        r->ppg_notify_requested_to = v;
    else if (push && sp_str_eq(name, SP_LIT("progress-notes-requested")))
        read_bool(w, v, &r->progress_notes_requested, "progress-notes-requested is neither true nor false");
    else if (r->kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE && sp_str_eq(name, SP_LIT("code"))) {
        uint64_t c;
        if (sp_str_to_u64(v, 5999, &c) && c >= 1000) {
            r->code = (unsigned)c;
            w->have_code = true;
        } else {
            refuse(w, PUSH_PAP_BAD_REQUEST, w->attr_at, "code is not a PAP status code");
        }
    } else if (r->kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE && sp_str_eq(name, SP_LIT("desc")))
        r->desc = v;
    /* Other attributes (a later version's, an extension's) are ignored. */
    return 0;
}

static int qos_attr(walk *w, sp_str name, sp_str v)
{
    push_pap_qos *q = &w->r->qos;
    if (sp_str_eq(name, SP_LIT("priority"))) {
        static const char *const names[] = {"medium", "high", "low", NULL};
        int p = read_enum(w, v, names, "priority is not high, medium or low");
        if (p >= 0)
            q->priority = (push_pap_priority)p;
    } else if (sp_str_eq(name, SP_LIT("delivery-method"))) {
        static const char *const names[] = {"notspecified", "confirmed", "preferconfirmed", "unconfirmed", NULL};
        int m = read_enum(w, v, names, "delivery-method is not confirmed, preferconfirmed, unconfirmed or notspecified");
        if (m >= 0)
            q->delivery_method = (push_pap_delivery_method)m;
    } else if (sp_str_eq(name, SP_LIT("network")))
        q->network = v;
    else if (sp_str_eq(name, SP_LIT("network-required")))
        read_bool(w, v, &q->network_required, "network-required is neither true nor false");
    else if (sp_str_eq(name, SP_LIT("bearer")))
        q->bearer = v;
    else if (sp_str_eq(name, SP_LIT("bearer-required")))
        read_bool(w, v, &q->bearer_required, "bearer-required is neither true nor false");
    return 0;
}

/* Calls each(w, name, value) for every attribute, values resolved. */
static int attrs(walk *w, sp_str list, int (*each)(walk *, sp_str, sp_str))
{
    sp_str rest = list, name, raw, v;
    while (push_xml_attr_next(&rest, &name, &raw)) {
        w->attr_at = raw.p;
        if (value(w, raw, &v) || each(w, name, v))
            return -1;
    }
    return 0;
}

static int address(walk *w, const push_xml_token *t)
{
    push_pap_request *r = w->r;
    sp_str raw, v;
    w->addresses++;
    if (!push_xml_attr_find(t->attrs, "address-value", &raw)) {
        refuse(w, PUSH_PAP_BAD_REQUEST, w->doc.p + t->offset, "address without address-value");
        return 0;
    }
    if (value(w, raw, &v))
        return -1;
    char uri[PUSH_PAP_URI_MAX + 1];
    if (!push_pap_address_to_uri(v, SP_STR_NULL, uri, sizeof uri)) {
        refuse(w, PUSH_PAP_ADDRESS_ERROR, raw.p, "address-value is not WAPPUSH=<sip:, sips: or tel: URI>/TYPE=USER@<ppg> "
                                            "or WAPPUSH=+<E.164>/TYPE=PLMN@<ppg>");
        return 0;
    }
    bool single = r->kind == PUSH_PAP_KIND_CCQ || r->kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE;
    if (single && w->addresses > 1) {
        refuse(w, PUSH_PAP_BAD_REQUEST, w->doc.p + t->offset, "more than one address");
        return 0;
    }
    if (!w->st || r->n_addr >= w->st->addr_cap) {
        refuse(w, PUSH_PAP_MULTIPLE_ADDRESSES_NOT_SUPPORTED, w->doc.p + t->offset, "too many addresses");
        return 0;
    }
    r->addr[r->n_addr++].value = v;
    return 0;
}

static int open_element(walk *w, const push_xml_token *t)
{
    push_pap_request *r = w->r;
    const char *at = w->doc.p + t->offset;
    if (t->depth == 1) {
        if (!sp_str_eq(t->name, SP_LIT("pap")))
            return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, at, "the root element is not pap");
        return 0;
    }
    if (t->depth == 2) {
        if (w->have_message)
            return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, at, "more than one message in the pap element");
        size_t i = 0, n = sizeof request_elements / sizeof request_elements[0];
        while (i < n && !sp_str_eq(t->name, sp_str_cstr(request_elements[i].name)))
            i++;
        if (i == n)
            return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, at, "not a PAP request element");
        w->have_message = true;
        r->kind = request_elements[i].kind;
        return attrs(w, t->attrs, message_attr);
    }
    if (t->depth == 3 && sp_str_eq(t->name, SP_LIT("address")))
        return address(w, t);
    if (t->depth == 3 && r->kind == PUSH_PAP_KIND_PUSH && sp_str_eq(t->name, SP_LIT("quality-of-service"))) {
        if (w->have_qos)
            refuse(w, PUSH_PAP_BAD_REQUEST, at, "more than one quality-of-service");
        w->have_qos = r->qos.present = true;
        return attrs(w, t->attrs, qos_attr);
    }
    refuse(w, PUSH_PAP_BAD_REQUEST, at, "element not allowed here by the PAP DTD");
    return 0;
}

static bool blank(sp_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] != ' ' && s.p[i] != '\t' && s.p[i] != '\r' && s.p[i] != '\n')
            return false;
    return true;
}

/* What the DTD requires once the document has been read. */
static int check_complete(walk *w)
{
    push_pap_request *r = w->r;
    const char *end = w->doc.p + w->doc.n;
    if (!w->have_message)
        return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, w->doc.p, "the pap element holds no message");
    if (r->kind != PUSH_PAP_KIND_CCQ && r->push_id.n == 0)
        return unreadable(w, PUSH_PAP_BAD_REQUEST, 400, w->doc.p, "push-id missing");
    bool needs_address = r->kind == PUSH_PAP_KIND_PUSH || r->kind == PUSH_PAP_KIND_CCQ ||
                         r->kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE;
    if (needs_address && w->addresses == 0)
        refuse(w, PUSH_PAP_BAD_REQUEST, end, "no address");
    if (r->kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE && !w->have_code)
        refuse(w, PUSH_PAP_BAD_REQUEST, end, "code missing");
    if (r->has_deliver_before && r->has_deliver_after && r->deliver_before < r->deliver_after)
        refuse(w, PUSH_PAP_BAD_REQUEST, end, "deliver-before-timestamp is earlier than deliver-after-timestamp");
    return 0;
}

static int read_document(walk *w, const push_pap_limits *lim)
{
    push_xml_limits xl = {lim->max_control, 8, 16, true};
    push_xml x;
    push_xml_init(&x, w->doc.p, w->doc.n, &xl);
    for (;;) {
        push_xml_token t;
        sp_error e;
        if (push_xml_next(&x, &t, &e) != 0) {
            const char *at = w->doc.p + (e.offset < w->doc.n ? e.offset : w->doc.n);
            return unreadable(w, PUSH_PAP_BAD_REQUEST, e.status == 413 ? 413 : 400, at, e.reason);
        }
        if (t.kind == PUSH_XML_END)
            return check_complete(w);
        if (t.kind == PUSH_XML_TEXT) {
            if (!blank(t.text))
                refuse(w, PUSH_PAP_BAD_REQUEST, w->doc.p + t.offset, "text where the PAP DTD allows none");
            continue;
        }
        if (t.kind != PUSH_XML_OPEN)
            continue;
        if (t.depth == 1 && read_version(w, &x.doctype, w->doc.p + t.offset))
            return -1;
        if (open_element(w, &t))
            return -1;
    }
}

/* --- the content entity ----------------------------------------------------------- */

static bool is_lws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* MIME base64 (RFC 2045 §6.8): line breaks and white space between the
 * quads, padding only at the end. Decoded into store.text. */
static int base64_body(walk *w, sp_str in, sp_str *out)
{
    char *dst = w->st && w->st->text ? w->st->text + w->text_used : NULL;
    size_t room = text_room(w), o = 0;
    char quad[4];
    size_t q = 0;
    bool ended = false;
    for (size_t i = 0; i < in.n; i++) {
        if (is_lws(in.p[i]))
            continue;
        if (ended) {
            refuse(w, PUSH_PAP_BAD_REQUEST, in.p + i, "base64 content continues after its padding");
            return 0;
        }
        quad[q++] = in.p[i];
        if (q < 4)
            continue;
        q = 0;
        if (room - o < 3) {
            refuse(w, PUSH_PAP_INTERNAL_ERROR, in.p + i, "no room to decode the content");
            return 0;
        }
        sp_error e;
        long n = sp_base64_decode(quad, 4, (uint8_t *)dst + o, 3, &e);
        if (n < 0) {
            refuse(w, PUSH_PAP_BAD_REQUEST, in.p + i, "content is not valid base64");
            return 0;
        }
        o += (size_t)n;
        ended = quad[3] == '=';
    }
    if (q) {
        refuse(w, PUSH_PAP_BAD_REQUEST, in.p + in.n, "base64 content ends inside a quad");
        return 0;
    }
    w->text_used += o;
    *out = sp_str_make(dst ? dst : in.p, o);
    return 0;
}

static int content_entity(walk *w, const push_pap_part *part)
{
    push_pap_content *c = &w->r->content;
    c->headers = part->headers;
    c->content_type = push_pap_header_find(part->headers, "Content-Type");
    c->body = part->body;
    c->offset = part->offset;
    sp_str cte = push_pap_header_find(part->headers, "Content-Transfer-Encoding");
    if (!cte.p || sp_str_caseeq_cstr(cte, "7bit") || sp_str_caseeq_cstr(cte, "8bit") ||
        sp_str_caseeq_cstr(cte, "binary"))
        return 0;
    if (sp_str_caseeq_cstr(cte, "base64"))
        return base64_body(w, part->body, &c->body);
    refuse(w, PUSH_PAP_NOT_IMPLEMENTED, cte.p, "Content-Transfer-Encoding not supported");
    return 0;
}

/* --- the request body ------------------------------------------------------------ */

static bool is_xml_type(const push_pap_media *m)
{
    return push_pap_media_is(m, "application/xml") || push_pap_media_is(m, "text/xml");
}

static bool is_xml_value(sp_str v)
{
    push_pap_media m;
    return v.p && push_pap_media_parse(v, &m) && is_xml_type(&m);
}

/* RFC 2387 §3.2: start names the root's Content-ID, angle brackets and all;
 * compared here with or without them. */
static sp_str strip_angles(sp_str s)
{
    s = sp_str_trim(s);
    if (s.n >= 2 && s.p[0] == '<' && s.p[s.n - 1] == '>')
        return sp_str_make(s.p + 1, s.n - 2);
    return s;
}

int push_pap_parse(sp_str content_type, sp_str body, const push_pap_limits *lim, const push_pap_store *st, push_pap_request *r,
              push_pap_error *err)
{
    push_pap_limits dflt = {PUSH_PAP_DEFAULT_MAX_CONTROL, PUSH_PAP_DEFAULT_MAX_PARTS};
    if (!lim)
        lim = &dflt;
    memset(r, 0, sizeof *r);
    r->addr = st ? st->addr : NULL;
    walk w = {.body = body, .st = st, .r = r, .err = err};
    if (!body.p)
        body = w.body = SP_LIT("");
    push_pap_media m;
    if (!content_type.p || !push_pap_media_parse(content_type, &m))
        return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 415, true, body, 0, "Content-Type missing or malformed");
    push_pap_part parts[PUSH_PAP_MAX_PARTS];
    const push_pap_part *content = NULL;
    if (is_xml_type(&m)) {
        w.doc = body;
    } else if (push_pap_media_is(&m, "multipart/related")) {
        sp_str boundary, type, start;
        if (!push_pap_media_param(&m, "boundary", &boundary))
            return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, 0, "multipart/related without a boundary");
        if (push_pap_media_param(&m, "type", &type) && !is_xml_value(type))
            return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, 0,
                            "the type of the multipart/related root is not application/xml");
        size_t max = lim->max_parts < PUSH_PAP_MAX_PARTS ? lim->max_parts : PUSH_PAP_MAX_PARTS;
        long n = push_pap_multipart_split(body, boundary, parts, max, err);
        if (n < 0)
            return -1;
        long root = 0;
        if (push_pap_media_param(&m, "start", &start)) {
            sp_str want = strip_angles(start);
            if (want.n == 0)
                return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, 0, "empty start parameter");
            while (root < n && !sp_str_eq(strip_angles(push_pap_header_find(parts[root].headers, "Content-ID")), want))
                root++;
            if (root == n)
                return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, 0, "no part has the start Content-ID");
        }
        if (!is_xml_value(push_pap_header_find(parts[root].headers, "Content-Type")))
            return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 400, true, body, parts[root].offset,
                            "the control entity is not application/xml");
        w.doc = parts[root].body;
        /* The content entity is the first other part; any further one (the
         * capabilities entity) is not read. */
        if (n > 1)
            content = &parts[root == 0 ? 1 : 0];
    } else {
        return push_pap_fail(err, PUSH_PAP_BAD_REQUEST, 415, true, body, 0,
                        "Content-Type is neither multipart/related nor application/xml");
    }
    if (read_document(&w, lim))
        return -1;
    if (r->kind == PUSH_PAP_KIND_PUSH) {
        if (!content)
            refuse(&w, PUSH_PAP_BAD_REQUEST, w.doc.p, "push-message without a content entity");
        else if (content_entity(&w, content))
            return -1;
    }
    if (w.refused) {
        if (err)
            *err = w.refusal;
        return -1;
    }
    return 0;
}
