/* sp_inet.c - see sp_inet.h. */
#include "sp_inet.h"

#include <stdbool.h>
#include <string.h>

static bool parse_v4(const char *s, uint8_t out[4])
{
    for (int part = 0; part < 4; part++) {
        if (part > 0 && *s++ != '.')
            return false;
        if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] >= '0' && s[1] <= '9'))
            return false;
        unsigned v = 0;
        for (int digits = 0; *s >= '0' && *s <= '9'; s++)
            if (++digits > 3 || (v = v * 10 + (unsigned)(*s - '0')) > 255)
                return false;
        out[part] = (uint8_t)v;
    }
    return *s == '\0';
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_v6(const char *s, uint8_t out[16])
{
    uint8_t a[16] = {0};
    int n = 0, gap = -1; /* bytes written; where "::" stands */
    if (s[0] == ':' && s[1] != ':')
        return false;
    if (s[0] == ':')
        s++;
    while (*s) {
        if (*s == ':') { /* a second colon in a row: the "::" */
            if (gap >= 0)
                return false;
            gap = n;
            s++;
            continue;
        }
        const char *start = s;
        unsigned v = 0;
        int digits = 0, d;
        for (; (d = hex_digit(*s)) >= 0; s++) {
            if (++digits > 4)
                return false;
            v = v << 4 | (unsigned)d;
        }
        if (*s == '.') { /* the last 32 bits as a dotted quad */
            if (n > 12 || !parse_v4(start, a + n))
                return false;
            n += 4;
            break;
        }
        if (digits == 0 || n > 14)
            return false;
        a[n++] = (uint8_t)(v >> 8), a[n++] = (uint8_t)v;
        if (*s == ':') {
            if (*++s == '\0')
                return false; /* a single trailing colon */
        } else if (*s) {
            return false;
        }
    }
    if (gap >= 0) {
        if (n == 16)
            return false;
        memmove(a + 16 - (n - gap), a + gap, (size_t)(n - gap));
        memset(a + gap, 0, (size_t)(16 - n));
    } else if (n != 16) {
        return false;
    }
    memcpy(out, a, 16);
    return true;
}

int sp_inet_parse(const char *s, uint8_t out[16])
{
    if (strchr(s, ':'))
        return parse_v6(s, out) ? 16 : 0;
    return parse_v4(s, out) ? 4 : 0;
}
