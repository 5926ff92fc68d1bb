/* push_headers.c - see push_headers.h. */
#include "push_headers.h"

#include <stdio.h>

#include "sip_hdr.h"

/* RFC 3261 §25.1 token characters. */
static bool is_token_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("-.!%*_+`'~", c) != NULL;
}

int push_header_split(sp_str arg, sp_str *name, sp_str *value, sp_error *err)
{
    size_t i = 0;
    while (i < arg.n && is_token_char((unsigned char)arg.p[i]))
        i++;
    if (i == 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "header name expected");
    size_t name_end = i;
    while (i < arg.n && (arg.p[i] == ' ' || arg.p[i] == '\t'))
        i++;
    if (i >= arg.n || arg.p[i] != ':')
        return sp_fail(err, SP_EINVAL, i, 400, "expected ':' after the header name");
    for (size_t k = i + 1; k < arg.n; k++) {
        unsigned char c = (unsigned char)arg.p[k];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return sp_fail(err, SP_EINVAL, k, 400, "control character in header value");
    }
    *name = sp_str_make(arg.p, name_end);
    *value = sp_str_trim(sp_str_make(arg.p + i + 1, arg.n - i - 1));
    return 0;
}

typedef struct entity_header {
    const char *name;
    bool sip;  /* a SIP header of the same meaning exists (RFC 3261 §20; Content-ID: RFC 4483 §5.6) */
    bool msrp; /* allowed in an MSRP SEND (RFC 4975 §9: Other-Mime-header) */
} entity_header;

static const entity_header entity_headers[] = {
    {"Content-Type", true, true},
    {"Content-ID", true, true},
    {"Content-Description", false, true},
    {"Content-Disposition", true, true},
    {"Content-Encoding", true, false},
    {"Content-Language", true, true},
};

static push_hdr_map map_of(push_hdr_action a, const char *canonical, const char *why)
{
    push_hdr_map m = {a, canonical, why};
    return m;
}

push_hdr_map push_header_map(push_method method, sp_str name)
{
    bool msrp = method == PUSH_METHOD_INVITE;
    if (sp_str_caseeq_cstr(name, "Last-Modified")) {
        /* Seed 000 §8.2.5.1 and §8.3.5. */
        if (msrp)
            return map_of(PUSH_HDR_FILE_DATE, NULL, NULL);
        return map_of(PUSH_HDR_DROP, NULL, "Last-Modified has no equivalent in a SIP request");
    }
    /* Framing belongs to the carrying protocol: SIP computes Content-Length,
     * MSRP has none and sends every body in binary (RFC 4975 §7.1.1). */
    if (sp_str_caseeq_cstr(name, "Content-Length") || sp_str_caseeq_cstr(name, "Content-Transfer-Encoding"))
        return map_of(PUSH_HDR_DROP, NULL, "framing is set by the carrying protocol");
    for (size_t i = 0; i < sizeof entity_headers / sizeof entity_headers[0]; i++) {
        const entity_header *h = &entity_headers[i];
        if (!sp_str_caseeq_cstr(name, h->name))
            continue;
        if (msrp ? h->msrp : h->sip)
            return map_of(PUSH_HDR_COPY, h->name, NULL);
        return map_of(PUSH_HDR_DROP, NULL, msrp ? "not an MSRP SEND header" : "not a SIP header");
    }
    /* Other Content-* names are MIME extension fields, which an MSRP SEND
     * carries (RFC 4975 §9) and SIP does not define. */
    if (msrp && name.n > 8 && sp_str_caseeq(sp_str_make(name.p, 8), SP_LIT("Content-")))
        return map_of(PUSH_HDR_COPY, NULL, NULL);
    /* X-Wap-Push-OTA-Version and every other legacy WAP Push header. */
    return map_of(PUSH_HDR_DROP, NULL, "push header with no SIP or MSRP equivalent");
}

size_t push_date_format(time_t t, char *out, size_t cap)
{
    static const char wkday[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char month[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (cap <= PUSH_DATE_LEN || !gmtime_r(&t, &tm) || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
        return 0;
    /* Fixed English names: strftime's %a and %b follow the locale. */
    int n = snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT", wkday[tm.tm_wday], tm.tm_mday,
                     month[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n == PUSH_DATE_LEN ? PUSH_DATE_LEN : 0;
}

int push_file_date_from_last_modified(sp_str value, char *out, size_t cap, sp_error *err)
{
    time_t t;
    if (sip_date_parse(value, &t, err) != 0)
        return SP_EINVAL;
    char date[PUSH_DATE_LEN + 1];
    if (push_date_format(t, date, sizeof date) == 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "date out of range");
    if (cap <= PUSH_FILE_DATE_LEN)
        return sp_fail(err, SP_ELIMIT, 0, 0, "output buffer too small");
    return snprintf(out, cap, "modification:\"%s\"", date);
}
