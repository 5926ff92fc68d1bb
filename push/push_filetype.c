/* push_filetype.c - see push_filetype.h. */
#include "push_filetype.h"

#include <string.h>

/* Extensions with one registered media type each (IANA media types;
 * RFC 2046 text/plain, RFC 8259 json, RFC 7303 xml, RFC 6350 vcard...).
 * Extensions several types claim (.xml as text/ or application/ aside,
 * .ogg, .ts...) are left out: the sender says --type for those. */
static const struct {
    const char *ext, *type;
} table[] = {
    {"txt", "text/plain"},        {"text", "text/plain"},       {"html", "text/html"},
    {"htm", "text/html"},         {"css", "text/css"},          {"csv", "text/csv"},
    {"vcf", "text/vcard"},        {"ics", "text/calendar"},     {"wml", "text/vnd.wap.wml"},
    {"xml", "application/xml"},   {"json", "application/json"}, {"pdf", "application/pdf"},
    {"zip", "application/zip"},   {"gz", "application/gzip"},   {"wmlc", "application/vnd.wap.wmlc"},
    {"png", "image/png"},         {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},         {"svg", "image/svg+xml"},     {"webp", "image/webp"},
    {"bmp", "image/bmp"},         {"mp3", "audio/mpeg"},        {"wav", "audio/wav"},
    {"amr", "audio/amr"},         {"mp4", "video/mp4"},         {"3gp", "video/3gpp"},
};

sp_str push_filetype_of(sp_str name)
{
    size_t dot = name.n, start = 0;
    for (size_t i = 0; i < name.n; i++) {
        if (name.p[i] == '/')
            start = i + 1, dot = name.n;
        else if (name.p[i] == '.')
            dot = i;
    }
    /* "README" and ".profile" have no extension */
    if (dot >= name.n || dot == start)
        return SP_STR_NULL;
    sp_str ext = sp_str_make(name.p + dot + 1, name.n - dot - 1);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (sp_str_caseeq_cstr(ext, table[i].ext))
            return sp_str_cstr(table[i].type);
    return SP_STR_NULL;
}
