/* push_pap_headers.c - see push_pap.h: the headers of a push-message's content
 * entity (seed 000 §8.3.5) and the push application they name. */
#include "push_pap.h"
#include "push_mime_impl.h"
#include "sp_hex.h"

#include <string.h>

push_pap_hdr_class push_pap_header_class(sp_str name)
{
    if (sp_str_caseeq_cstr(name, "X-Wap-Application-Id"))
        return PUSH_PAP_HDR_APPLICATION_ID;
    if (sp_str_caseeq_cstr(name, "Last-Modified"))
        return PUSH_PAP_HDR_LAST_MODIFIED;
    /* Framing of the entity: push_pap_parse has already applied it. */
    if (sp_str_caseeq_cstr(name, "Content-Length") || sp_str_caseeq_cstr(name, "Content-Transfer-Encoding"))
        return PUSH_PAP_HDR_DROP;
    if (name.n > 8 && sp_str_caseeq(sp_str_make(name.p, 8), SP_LIT("Content-")))
        return PUSH_PAP_HDR_CONTENT;
    /* X-Wap-Push-OTA-*, X-Wap-Initiator-URI and every other Push OTA
     * header have no meaning past the gateway. */
    return PUSH_PAP_HDR_DROP;
}

bool push_pap_header_next(sp_str *rest, sp_str *name, sp_str *value)
{
    size_t after;
    if (rest->n == 0 || push_mime_blank_line(*rest, 0, &after))
        return false;
    size_t end = push_mime_header_line(*rest, 0, name, value);
    if (!end) {
        rest->n = 0;
        return false;
    }
    rest->p += end;
    rest->n -= end;
    return true;
}

/* The OMNA registry of Push Application IDs: the registered numbers of
 * X-Wap-Application-Id (WAP-251 PushMessage §6.2.2.2). */
static const struct {
    unsigned id;
    const char *uri;
} registered_apps[] = {
    {0x00, "x-wap-application:*"},
    {0x01, "x-wap-application:push.sia"},
    {0x02, "x-wap-application:wml.ua"},
    {0x03, "x-wap-application:wta.ua"},
    {0x04, "x-wap-application:mms.ua"},
    {0x05, "x-wap-application:push.syncml"},
    {0x06, "x-wap-application:loc.ua"},
    {0x07, "x-wap-application:syncml.dm"},
    {0x08, "x-wap-application:drm.ua"},
    {0x09, "x-wap-application:emn.ua"},
    {0x0A, "x-wap-application:wv.ua"},
    {0x8000, "x-wap-microsoft:localcontent.ua"},
    {0x8001, "x-wap-microsoft:IMclient.ua"},
    {0x8002, "x-wap-docomo:imode.mail.ua"},
    {0x8003, "x-wap-docomo:imode.mr.ua"},
    {0x8004, "x-wap-docomo:imode.mf.ua"},
    {0x8005, "x-motorola:location.ua"},
    {0x8006, "x-motorola:now.ua"},
    {0x8007, "x-motorola:otaprov.ua"},
    {0x8008, "x-motorola:browser.ua"},
    {0x8009, "x-motorola:splash.ua"},
    {0x800B, "x-wap-nai:mvsw.command"},
    {0x8010, "x-wap-openwave:iota.ua"},
    {0x9000, "x-wap-docomo:imode.mail2.ua"},
    {0x9001, "x-oma-nec:otaprov.ua"},
    {0x9002, "x-oma-nokia:call.ua"},
    {0x9003, "x-oma-coremobility:sqa.ua"},
};

/* RFC 3840 token characters (the form of a +g.oma.pusheventapp value). */
static bool is_token_char(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c && strchr("-.!%*_+`'~", c) != NULL;
}

static bool read_number(sp_str s, unsigned *v)
{
    uint64_t n = 0;
    bool hex = s.n > 2 && s.p[0] == '0' && (s.p[1] == 'x' || s.p[1] == 'X');
    size_t i = hex ? 2 : 0;
    if (i >= s.n)
        return false;
    for (; i < s.n; i++) {
        int d = hex ? sp_hex_digit(s.p[i]) : (s.p[i] >= '0' && s.p[i] <= '9' ? s.p[i] - '0' : -1);
        if (d < 0)
            return false;
        n = n * (hex ? 16 : 10) + (unsigned)d;
        if (n > 0xFFFFFFFFu)
            return false;
    }
    *v = (unsigned)n;
    return true;
}

static size_t copy_name(sp_str name, char *out, size_t cap)
{
    if (name.n == 0 || name.n >= cap)
        return 0;
    for (size_t i = 0; i < name.n; i++)
        if (!is_token_char((unsigned char)name.p[i]))
            return 0;
    memcpy(out, name.p, name.n);
    out[name.n] = '\0';
    return name.n;
}

/* The part after the last ':' of an absolute URI (RFC 3986 §3.1: a scheme
 * first), when it is a token: "x-wap-application:wml.ua" and Kannel's
 * "http://www.wiral.com:wml.ua" both give "wml.ua". */
static size_t last_part(sp_str uri, char *out, size_t cap)
{
    const char *colon = memchr(uri.p, ':', uri.n);
    if (!colon || colon == uri.p)
        return 0;
    for (const char *p = uri.p; p < colon; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (p > uri.p && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.'))))
            return 0;
    size_t last = 0;
    for (size_t i = 0; i < uri.n; i++)
        if (uri.p[i] == ':')
            last = i;
    return copy_name(sp_str_make(uri.p + last + 1, uri.n - last - 1), out, cap);
}

size_t push_pap_application_id(sp_str value, char *out, size_t cap)
{
    sp_str v = sp_str_trim(value);
    unsigned id;
    if (read_number(v, &id)) {
        for (size_t i = 0; i < sizeof registered_apps / sizeof registered_apps[0]; i++)
            if (registered_apps[i].id == id)
                return last_part(sp_str_cstr(registered_apps[i].uri), out, cap);
        return 0;
    }
    return last_part(v, out, cap);
}
