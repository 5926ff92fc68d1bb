/* msrp_chars_impl.h - character classes of the MSRP grammar (RFC 4975 §9,
 * RFC 3986 §2), one table lookup per byte. Private to msrp/. */
#ifndef SIPPUSH_MSRP_CHARS_IMPL_H
#define SIPPUSH_MSRP_CHARS_IMPL_H

#include <stdint.h>

enum {
    MSRP_C_ALNUM = 1 << 0,   /* ALPHA / DIGIT */
    MSRP_C_IDENT = 1 << 1,   /* ident-char: ALPHANUM . - + % = */
    MSRP_C_TOKEN = 1 << 2,   /* token */
    MSRP_C_TEXT = 1 << 3,    /* utf8text: HTAB, %x20-7E, bytes >= 0x80 */
    MSRP_C_SESSION = 1 << 4, /* session-id: unreserved + = / */
    MSRP_C_HOST = 1 << 5,    /* reg-name: unreserved, sub-delims but ';', '%' */
    MSRP_C_USER = 1 << 6,    /* userinfo without the password part (no ":") and no ";" */
};

extern const uint8_t msrp_char_class[256];

static inline int msrp_is(unsigned char c, int cls) { return msrp_char_class[c] & cls; }

#endif
