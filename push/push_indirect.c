/* push_indirect.c - message/external-body (RFC 4483 §5, RFC 2046 §5.2.3). */
#include "push_indirect.h"

#include "push_buf_impl.h"
#include "push_headers.h"
#include "push_mime_impl.h"
#include "sip_hdr.h"
#include "sp_decimal.h"

/* sip_date_parse first; then, RFC 4483's examples write months in full
 * ("Mon, 24 June 2002 09:00:00 GMT"): shorten the name and try again. */
static bool read_expiration(sp_str v, time_t *t)
{
    sp_error e;
    if (sip_date_parse(v, t, &e) == 0)
        return true;
    /* wkday "," SP 2DIGIT SP month-name SP ... */
    char buf[64];
    if (v.n >= sizeof buf || v.n < 9 || v.p[3] != ',' || v.p[4] != ' ' || v.p[7] != ' ')
        return false;
    static const char *months[] = {"January", "February", "March", "April", "May", "June", "July",
                                   "August", "September", "October", "November", "December"};
    const char *name = v.p + 8;
    const char *sp = memchr(name, ' ', v.n - 8);
    if (!sp || sp - name <= 3)
        return false;
    sp_str full = sp_str_make(name, (size_t)(sp - name));
    size_t m = 0;
    while (m < 12 && !sp_str_caseeq_cstr(full, months[m]))
        m++;
    if (m == 12)
        return false;
    memcpy(buf, v.p, 11);
    size_t rest = v.n - (size_t)(sp - v.p);
    memcpy(buf + 11, sp, rest);
    return sip_date_parse(sp_str_make(buf, 11 + rest), t, &e) == 0;
}

static bool is_ctl_or_space(unsigned char c) { return c <= 0x20 || c == 0x7f; }

int push_extbody_parse(sp_str content_type, sp_str body, push_extbody *x, sp_error *err)
{
    sip_media_type mt;
    memset(x, 0, sizeof *x);
    if (sip_media_type_parse(content_type, &mt, err) != 0)
        return SP_EINVAL;
    if (!sp_str_caseeq_cstr(mt.type, "message") || !sp_str_caseeq_cstr(mt.subtype, "external-body"))
        return sp_fail(err, SP_EINVAL, 0, 415, "not message/external-body");
    sp_str v;
    /* §5.4: the URL access type (RFC 2017); parameter names and the
     * access-type value are case-insensitive (RFC 2045 §5.1). */
    if (!sip_param_find(mt.params, "access-type", &v) || !sp_str_caseeq_cstr(sip_unquote(v), "URL"))
        return sp_fail(err, SP_EINVAL, 0, 415, "access-type is not URL");
    if (!sip_param_find(mt.params, "URL", &v) || (x->url = sip_unquote(v)).n == 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "URL parameter missing");
    for (size_t i = 0; i < x->url.n; i++)
        if (is_ctl_or_space((unsigned char)x->url.p[i]))
            return sp_fail(err, SP_EINVAL, (size_t)(x->url.p + i - content_type.p), 400, "bad character in URL");
    if (!sip_param_find(mt.params, "expiration", &v) || !v.p)
        return sp_fail(err, SP_EINVAL, 0, 400, "expiration parameter missing");
    x->expiration = sip_unquote(v);
    if (!read_expiration(x->expiration, &x->expires))
        return sp_fail(err, SP_EINVAL, (size_t)(x->expiration.p - content_type.p), 400, "bad expiration date");
    if (sip_param_find(mt.params, "size", &v)) {
        if (!v.p || !sp_str_to_u64(sip_unquote(v), UINT64_MAX, &x->size))
            return sp_fail(err, SP_EINVAL, 0, 400, "bad size parameter");
        x->has_size = true;
    }

    /* The phantom headers run to the first empty line or the body's end. */
    size_t i = 0, after;
    while (i < body.n && !push_mime_blank_line(body, i, &after)) {
        sp_str name, value;
        size_t next = push_mime_header_line(body, i, &name, &value);
        if (!next)
            return sp_fail(err, SP_EINVAL, i, 400, "malformed header in the external-body part");
        if (sp_str_caseeq_cstr(name, "Content-Type"))
            x->content_type = value;
        else if (sp_str_caseeq_cstr(name, "Content-ID"))
            x->content_id = value;
        else if (sp_str_caseeq_cstr(name, "Content-Disposition"))
            x->content_disposition = value;
        i = next;
    }
    return 0;
}

int push_extbody_build(sp_str url, time_t expires, bool has_size, uint64_t size, sp_str content_type,
                       sp_str content_id, char *ct, size_t ct_cap, char *body, size_t body_cap, sp_error *err)
{
    char date[PUSH_DATE_LEN + 1];
    if (url.n == 0 || !push_date_format(expires, date, sizeof date))
        return sp_fail(err, SP_EINVAL, 0, 400, "URL or expiration missing");
    for (size_t i = 0; i < url.n; i++)
        if (is_ctl_or_space((unsigned char)url.p[i]) || url.p[i] == '"' || url.p[i] == '\\')
            return sp_fail(err, SP_EINVAL, i, 400, "URL cannot be written as a quoted string");
    sip_media_type mt;
    if (sip_media_type_parse(content_type, &mt, err) != 0)
        return SP_EINVAL;
    for (size_t i = 0; i < content_id.n; i++)
        if (is_ctl_or_space((unsigned char)content_id.p[i]))
            return sp_fail(err, SP_EINVAL, i, 400, "bad Content-ID");
    sp_buf t;
    sp_buf_init(&t, ct, ct_cap);
    sp_buf_puts(&t, "message/external-body;access-type=\"URL\";expiration=\"");
    sp_buf_puts(&t, date);
    sp_buf_puts(&t, "\";URL=\"");
    sp_buf_put(&t, url);
    sp_buf_puts(&t, "\"");
    if (has_size) {
        char dec[SP_U64_DEC_SIZE];
        sp_u64_dec(dec, size);
        sp_buf_printf(&t, ";size=%s", dec);
    }
    if (push_buf_end(&t, err) < 0)
        return SP_ELIMIT;
    sp_buf_init(&t, body, body_cap);
    sp_buf_puts(&t, "Content-Type: ");
    sp_buf_put(&t, content_type);
    sp_buf_puts(&t, "\r\n");
    if (content_id.n) {
        sp_buf_puts(&t, "Content-ID: <");
        sp_buf_put(&t, content_id);
        sp_buf_puts(&t, ">\r\n");
    }
    sp_buf_puts(&t, "\r\n");
    return push_buf_end(&t, err);
}
