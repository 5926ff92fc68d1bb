/* msrp_chars.c - the character class table of msrp_chars_impl.h. */
#include "msrp_chars_impl.h"

#define A (MSRP_C_ALNUM | MSRP_C_IDENT | MSRP_C_TOKEN | MSRP_C_TEXT | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER)
#define T MSRP_C_TEXT

/* Built by hand from the ABNF: rows are 16 bytes. */
const uint8_t msrp_char_class[256] = {
    /* 0x00 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, T, 0, 0, 0, 0, 0, 0,
    /* 0x10 */ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /* 0x20  SP ! " # $ % & ' ( ) * + , - . / */
    T,
    T | MSRP_C_TOKEN | MSRP_C_HOST | MSRP_C_USER,                               /* ! */
    T,                                                                           /* " */
    T | MSRP_C_TOKEN,                                                            /* # */
    T | MSRP_C_TOKEN | MSRP_C_HOST | MSRP_C_USER,                               /* $ */
    T | MSRP_C_IDENT | MSRP_C_TOKEN | MSRP_C_HOST | MSRP_C_USER,                /* % */
    T | MSRP_C_TOKEN | MSRP_C_HOST | MSRP_C_USER,                               /* & */
    T | MSRP_C_TOKEN | MSRP_C_HOST | MSRP_C_USER,                               /* ' */
    T | MSRP_C_HOST | MSRP_C_USER,                                               /* ( */
    T | MSRP_C_HOST | MSRP_C_USER,                                               /* ) */
    T | MSRP_C_TOKEN | MSRP_C_HOST | MSRP_C_USER,                               /* * */
    T | MSRP_C_IDENT | MSRP_C_TOKEN | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER, /* + */
    T | MSRP_C_HOST | MSRP_C_USER,                                               /* , */
    T | MSRP_C_IDENT | MSRP_C_TOKEN | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER, /* - */
    T | MSRP_C_IDENT | MSRP_C_TOKEN | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER, /* . */
    T | MSRP_C_SESSION,                                                          /* / */
    /* 0x30 0-9 : ; < = > ? */
    A, A, A, A, A, A, A, A, A, A,
    T,                                                                           /* : */
    T,                                                                           /* ; */
    T,                                                                           /* < */
    T | MSRP_C_IDENT | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER,              /* = */
    T,                                                                           /* > */
    T,                                                                           /* ? */
    /* 0x40 @ A-O */
    T, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x50 P-Z [ \ ] ^ _ */
    A, A, A, A, A, A, A, A, A, A, A,
    T, T, T,
    T | MSRP_C_TOKEN,                                                            /* ^ */
    T | MSRP_C_TOKEN | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER,              /* _ */
    /* 0x60 ` a-o */
    T | MSRP_C_TOKEN, A, A, A, A, A, A, A, A, A, A, A, A, A, A, A,
    /* 0x70 p-z { | } ~ DEL */
    A, A, A, A, A, A, A, A, A, A, A,
    T | MSRP_C_TOKEN,                                                            /* { */
    T | MSRP_C_TOKEN,                                                            /* | */
    T | MSRP_C_TOKEN,                                                            /* } */
    T | MSRP_C_TOKEN | MSRP_C_SESSION | MSRP_C_HOST | MSRP_C_USER,              /* ~ */
    0,
    /* 0x80-0xFF: UTF-8 bytes of utf8text */
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
};
