/* push_pap_address.c - see push_pap.h: PPG client addresses (WAP-151 PPG Service
 * §7.1 "WAPPUSH=<client>/TYPE=<type>@<ppg>") turned into the URI the push
 * goes to. */
#include "push_pap.h"
#include "sp_hex.h"

#include <string.h>

static bool has_prefix_case(sp_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.n >= n && sp_str_caseeq(sp_str_make(s.p, n), sp_str_make(lit, n));
}

/* The last occurrence of lit (case-insensitive) in s, or s.n. */
static size_t rfind_case(sp_str s, const char *lit)
{
    size_t n = strlen(lit);
    for (size_t i = s.n >= n ? s.n - n + 1 : 0; i-- > 0;)
        if (sp_str_caseeq(sp_str_make(s.p + i, n), sp_str_make(lit, n)))
            return i;
    return s.n;
}

/* Resolves %XX escapes (RFC 3986 §2.1) into out; refuses a bad escape and
 * any control, space or character a URI cannot hold unescaped in a SIP
 * header ('<', '>', '"'). Returns the length, or (size_t)-1. */
static size_t unescape(sp_str s, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (c == '%') {
            if (i + 2 >= s.n)
                return (size_t)-1;
            int hi = sp_hex_digit(s.p[i + 1]), lo = sp_hex_digit(s.p[i + 2]);
            if (hi < 0 || lo < 0)
                return (size_t)-1;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
        }
        if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"')
            return (size_t)-1;
        if (o >= cap)
            return (size_t)-1;
        out[o++] = (char)c;
    }
    return o;
}

static size_t finish(char *out, size_t cap, size_t n)
{
    if (n >= cap)
        return 0;
    out[n] = '\0';
    return n;
}

/* TYPE=USER: a sip:, sips: or tel: URI with something after the scheme. */
static size_t user_address(sp_str client, char *out, size_t cap)
{
    size_t n = unescape(client, out, cap);
    if (n == (size_t)-1)
        return 0;
    sp_str uri = sp_str_make(out, n);
    size_t scheme = has_prefix_case(uri, "sip:") ? 4 : has_prefix_case(uri, "sips:") ? 5
                    : has_prefix_case(uri, "tel:") ? 4 : 0;
    if (!scheme || n == scheme)
        return 0;
    return finish(out, cap, n);
}

/* TYPE=PLMN: "+" and an E.164 number (ITU-T E.164 §6: at most 15 digits). */
static size_t plmn_address(sp_str client, sp_str domain, char *out, size_t cap)
{
    char num[1 + 15];
    size_t n = unescape(client, num, sizeof num);
    if (n == (size_t)-1 || n < 2 || num[0] != '+')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (num[i] < '0' || num[i] > '9')
            return 0;
    sp_buf b;
    sp_buf_init(&b, out, cap);
    if (domain.n) {
        sp_buf_puts(&b, "sip:");
        sp_buf_put(&b, sp_str_make(num, n));
        sp_buf_puts(&b, "@");
        sp_buf_put(&b, domain);
        sp_buf_puts(&b, ";user=phone");
    } else {
        sp_buf_puts(&b, "tel:");
        sp_buf_put(&b, sp_str_make(num, n));
    }
    long len = sp_buf_finish(&b);
    return len < 0 ? 0 : finish(out, cap, (size_t)len);
}

size_t push_pap_address_to_uri(sp_str v, sp_str domain, char *out, size_t cap)
{
    if (!v.p || !has_prefix_case(v, "WAPPUSH="))
        return 0;
    const char *at = NULL;
    for (size_t i = v.n; i-- > 0;)
        if (v.p[i] == '@') {
            at = v.p + i;
            break;
        }
    if (!at)
        return 0;
    /* The PPG part names the gateway (us); it must be there but is not read. */
    sp_str ppg = sp_str_make(at + 1, (size_t)(v.p + v.n - at - 1));
    if (ppg.n == 0)
        return 0;
    for (size_t i = 0; i < ppg.n; i++)
        if ((unsigned char)ppg.p[i] <= 0x20 || ppg.p[i] == 0x7f || ppg.p[i] == '/')
            return 0;
    sp_str head = sp_str_make(v.p + 8, (size_t)(at - v.p) - 8);
    size_t t = rfind_case(head, "/TYPE=");
    if (t == head.n || t == 0)
        return 0;
    sp_str client = sp_str_make(head.p, t);
    sp_str type = sp_str_make(head.p + t + 6, head.n - t - 6);
    if (sp_str_caseeq_cstr(type, "USER"))
        return user_address(client, out, cap);
    if (sp_str_caseeq_cstr(type, "PLMN"))
        return plmn_address(client, domain, out, cap);
    return 0;
}
