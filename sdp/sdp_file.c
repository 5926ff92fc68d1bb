/* sdp_file.c - see sdp_file.h. */
#include "sdp_file.h"

#include <string.h>

#include "sdp_attr.h"
#include "sdp_lex_impl.h"

static int bad(sp_error *err, sp_str value, const char *at, const char *reason)
{
    return sp_fail(err, SP_EINVAL, (size_t)(at - value.p), 400, reason);
}

/* Whether a word opens a new pair: letters, then a colon. No value does:
 * names and dates are quoted, types hold '/' first, hashes a digit. */
static bool starts_pair(sp_str w)
{
    size_t i = 0;
    while (i < w.n && (w.p[i] | 0x20) >= 'a' && (w.p[i] | 0x20) <= 'z')
        i++;
    return i > 0 && i < w.n && w.p[i] == ':';
}

/* The next "key:value" word of a selector or date list. A value left empty
 * by a space after the colon is the next word (the OMA examples write
 * "type: text/plain"). Returns false at the end. */
static bool next_pair(sp_str *rest, sp_str *word, sp_str *key, sp_str *val)
{
    if (!sdp_list_next(rest, word))
        return false;
    const char *colon = sdp_find(word->p, ':', word->n);
    if (!colon) {
        *key = *word;
        *val = SP_STR_NULL;
        return true;
    }
    *key = sp_str_make(word->p, (size_t)(colon - word->p));
    *val = sp_str_make(colon + 1, word->n - key->n - 1);
    if (val->n == 0) {
        sp_str next;
        sp_str saved = *rest;
        if (sdp_list_next(rest, &next) && !starts_pair(next))
            *val = next;
        else
            *rest = saved;
    }
    return true;
}

static bool is_hex2(const char *p) { return sdp_is(p[0], SDP_C_HEX) && sdp_is(p[1], SDP_C_HEX); }

/* DQUOTE filename-string DQUOTE: no bare quote inside, '%' starts %HH, a
 * backslash escapes the next byte (liberal). Returns NULL or the bad byte. */
static const char *quoted_name_error(sp_str q)
{
    if (q.n < 3 || q.p[0] != '"' || q.p[q.n - 1] != '"')
        return q.p;
    const char *p = q.p + 1, *end = q.p + q.n - 1;
    for (; p < end; p++) {
        if (*p == '\\') {
            if (++p == end)
                return p - 1;
        } else if (*p == '"') {
            return p;
        } else if (*p == '%') {
            if (end - p < 3 || !is_hex2(p + 1))
                return p;
            p += 2;
        }
    }
    return NULL;
}

/* hash-value = 2HEXDIG *(":" 2HEXDIG); returns the byte count or -1. */
static long hash_bytes(sp_str v, const char **at)
{
    long n = 0;
    for (size_t i = 0;; i += 3) {
        if (i + 2 > v.n || !is_hex2(v.p + i)) {
            *at = v.p + (i < v.n ? i : v.n);
            return SP_EINVAL;
        }
        n++;
        if (i + 2 == v.n)
            return n;
        if (v.p[i + 2] != ':') {
            *at = v.p + i + 2;
            return SP_EINVAL;
        }
    }
}

int sdp_file_selector_parse(sp_str value, sdp_file_selector *fs, sp_error *err)
{
    memset(fs, 0, sizeof *fs);
    sp_str rest = value, word, key, val;
    bool any = false;
    while (next_pair(&rest, &word, &key, &val)) {
        any = true;
        if (!val.p || val.n == 0)
            return bad(err, value, word.p, "file-selector: selector without value");
        if (sdp_lit_caseeq(key, "name")) {
            if (fs->name.p)
                return bad(err, value, word.p, "file-selector: duplicate name");
            const char *at = quoted_name_error(val);
            if (at)
                return bad(err, value, at, "file-selector: bad name");
            fs->name = sp_str_make(val.p + 1, val.n - 2);
        } else if (sdp_lit_caseeq(key, "type")) {
            if (fs->type.p)
                return bad(err, value, word.p, "file-selector: duplicate type");
            const char *at = sdp_mime_error(val, false);
            if (at)
                return bad(err, value, at, "file-selector: bad type");
            fs->type = val;
        } else if (sdp_lit_caseeq(key, "size")) {
            if (fs->has_size)
                return bad(err, value, word.p, "file-selector: duplicate size");
            if (!sdp_all(val, SDP_C_DIGIT) || !sp_str_to_u64(val, UINT64_MAX, &fs->size))
                return bad(err, value, val.p, "file-selector: bad size");
            fs->has_size = true;
        } else if (sdp_lit_caseeq(key, "hash")) {
            if (fs->hash_algorithm.p)
                return bad(err, value, word.p, "file-selector: duplicate hash");
            const char *colon = sdp_find(val.p, ':', val.n);
            sp_str alg = sp_str_make(val.p, colon ? (size_t)(colon - val.p) : val.n);
            if (!colon || !sdp_is_token(alg))
                return bad(err, value, val.p, "file-selector: bad hash algorithm");
            sp_str hv = sp_str_make(colon + 1, val.n - alg.n - 1);
            const char *at = hv.p;
            long n = hash_bytes(hv, &at);
            if (n < 0)
                return bad(err, value, at, "file-selector: bad hash value");
            if (sdp_lit_caseeq(alg, "sha-1") && n != SDP_SHA1_LEN)
                return bad(err, value, hv.p, "file-selector: sha-1 hash is not 20 bytes");
            fs->hash_algorithm = alg;
            fs->hash_value = hv;
        } else {
            return bad(err, value, word.p, "file-selector: unknown selector");
        }
    }
    if (!any)
        return bad(err, value, value.p, "file-selector: empty");
    return 0;
}

static int hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    return (sp_ascii_lower(c) - 'a') + 10;
}

long sdp_file_name_decode(sp_str name, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < name.n; i++) {
        char c = name.p[i];
        if (c == '\\' && i + 1 < name.n) {
            c = name.p[++i];
        } else if (c == '%' && i + 2 < name.n && is_hex2(name.p + i + 1)) {
            c = (char)(hex_val(name.p[i + 1]) * 16 + hex_val(name.p[i + 2]));
            i += 2;
        }
        if (n == cap)
            return SP_ENOSPC;
        out[n++] = c;
    }
    return (long)n;
}

long sdp_file_name_encode(sp_str raw, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (size_t i = 0; i < raw.n; i++) {
        unsigned char c = (unsigned char)raw.p[i];
        bool escape = c == 0 || c == '\r' || c == '\n' || c == '"' || c == '%' || c == '/' || c == '\\';
        size_t need = escape ? 3 : 1;
        if (cap - n < need)
            return SP_ENOSPC;
        if (escape) {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        } else {
            out[n++] = (char)c;
        }
    }
    return (long)n;
}

/* --- file-selector type <-> Content-Type (RFC 5547 §5 ft-parameter) ----- */

typedef struct type_out {
    char *p;
    size_t n, cap;
    bool overflow;
} type_out;

static void put_byte(type_out *o, char c)
{
    if (o->n == o->cap)
        o->overflow = true;
    else
        o->p[o->n++] = c;
}

static void put_span(type_out *o, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_byte(o, p[i]);
}

static const char *skip_lws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

/* One parameter of either form at p: its attribute, and its value decoded
 * into val (quotes gone, backslash pairs and, for a selector, %HH undone).
 * Returns the byte after it, or NULL when malformed. */
static const char *next_param(const char *p, const char *end, bool selector, sp_str *attr, char *val, size_t *vn,
                              size_t vcap)
{
    p = skip_lws(p, end);
    const char *a = p;
    while (p < end && *p != '=' && *p != ';' && *p != ' ' && *p != '\t')
        p++;
    *attr = sp_str_make(a, (size_t)(p - a));
    p = skip_lws(p, end);
    if (!attr->n || !sdp_is_token(*attr) || p == end || *p != '=')
        return NULL;
    p = skip_lws(p + 1, end);
    *vn = 0;
    bool quoted = p < end && *p == '"';
    if (quoted)
        p++;
    for (; p < end; p++) {
        char c = *p;
        if (quoted && c == '"')
            break;
        if (!quoted && (c == ';' || c == ' ' || c == '\t'))
            break;
        if (c == '\\' && p + 1 < end) {
            c = *++p;
        } else if (selector && c == '%' && end - p >= 3 && is_hex2(p + 1)) {
            c = (char)(hex_val(p[1]) * 16 + hex_val(p[2]));
            p += 2;
        } else if (!quoted && !sdp_is(c, SDP_C_TOKEN)) {
            return NULL;
        }
        if (*vn == vcap || c == '\r' || c == '\n' || c == '\0')
            return NULL;
        val[(*vn)++] = c;
    }
    if (quoted) {
        if (p == end)
            return NULL;
        p++;
    } else if (*vn == 0) {
        return NULL;
    }
    return skip_lws(p, end);
}

/* The type/subtype at the start of t, checked; NULL when malformed. */
static const char *base_type(sp_str t, type_out *o)
{
    const char *end = t.p + t.n, *p = skip_lws(t.p, end), *s = p;
    while (p < end && *p != ';' && *p != ' ' && *p != '\t')
        p++;
    sp_str base = sp_str_make(s, (size_t)(p - s));
    if (!base.n || sdp_mime_error(base, false))
        return NULL;
    put_span(o, base.p, base.n);
    return skip_lws(p, end);
}

static long convert_type(sp_str in, char *out, size_t cap, bool to_selector)
{
    static const char hex[] = "0123456789ABCDEF";
    type_out o = {.p = out, .cap = cap};
    const char *end = in.p + in.n, *p = base_type(in, &o);
    char val[256];
    while (p && p < end) {
        if (*p != ';')
            return SP_EINVAL;
        sp_str attr;
        size_t vn;
        p = next_param(p + 1, end, !to_selector, &attr, val, &vn, sizeof val);
        if (!p)
            return SP_EINVAL;
        put_byte(&o, ';');
        put_span(&o, attr.p, attr.n);
        put_byte(&o, '=');
        if (to_selector) {
            put_byte(&o, '"');
            for (size_t i = 0; i < vn; i++) {
                unsigned char c = (unsigned char)val[i];
                if (c == '"' || c == '%' || c == ' ' || c == '\\' || c < 0x21 || c == 0x7f) {
                    put_byte(&o, '%');
                    put_byte(&o, hex[c >> 4]);
                    put_byte(&o, hex[c & 15]);
                } else {
                    put_byte(&o, (char)c);
                }
            }
            put_byte(&o, '"');
        } else if (vn && sdp_is_token(sp_str_make(val, vn))) {
            put_span(&o, val, vn);
        } else {
            put_byte(&o, '"');
            for (size_t i = 0; i < vn; i++) {
                if (val[i] == '"' || val[i] == '\\')
                    put_byte(&o, '\\');
                put_byte(&o, val[i]);
            }
            put_byte(&o, '"');
        }
    }
    if (!p)
        return SP_EINVAL;
    return o.overflow ? SP_ENOSPC : (long)o.n;
}

long sdp_file_type_encode(sp_str content_type, char *out, size_t cap)
{
    return convert_type(content_type, out, cap, true);
}

long sdp_file_type_decode(sp_str selector_type, char *out, size_t cap)
{
    return convert_type(selector_type, out, cap, false);
}

long sdp_hash_decode(sp_str value, uint8_t *out, size_t cap)
{
    const char *at;
    long n = hash_bytes(value, &at);
    if (n < 0 || (size_t)n > cap)
        return n < 0 ? n : SP_ENOSPC;
    for (long i = 0; i < n; i++)
        out[i] = (uint8_t)(hex_val(value.p[i * 3]) * 16 + hex_val(value.p[i * 3 + 1]));
    return n;
}

int sdp_file_date_parse(sp_str value, sdp_file_date *date, sp_error *err)
{
    memset(date, 0, sizeof *date);
    sp_str rest = value, word, key, val;
    bool any = false;
    while (next_pair(&rest, &word, &key, &val)) {
        any = true;
        sp_str *slot;
        if (sdp_lit_caseeq(key, "creation"))
            slot = &date->creation;
        else if (sdp_lit_caseeq(key, "modification"))
            slot = &date->modification;
        else if (sdp_lit_caseeq(key, "read"))
            slot = &date->read;
        else
            return bad(err, value, word.p, "file-date: unknown date parameter");
        if (slot->p)
            return bad(err, value, word.p, "file-date: duplicate date parameter");
        if (!val.p || val.n < 2 || val.p[0] != '"' || val.p[val.n - 1] != '"')
            return bad(err, value, val.p ? val.p : word.p, "file-date: date is not quoted");
        sp_str d = sp_str_make(val.p + 1, val.n - 2);
        int64_t when;
        sp_error derr;
        if (sdp_date_to_time(d, &when, &derr) != 0)
            return bad(err, value, d.p + derr.offset, derr.reason);
        *slot = d;
    }
    if (!any)
        return bad(err, value, value.p, "file-date: empty");
    return 0;
}

/* --- RFC 5322 §3.3 date-time ------------------------------------------- */

typedef struct cursor {
    const char *p, *end;
} cursor;

static void skip_ws(cursor *c)
{
    while (c->p < c->end && sdp_is(*c->p, SDP_C_WS))
        c->p++;
}

/* min..max digits; false when fewer. */
static bool digits(cursor *c, int min, int max, int *v)
{
    int n = 0, x = 0;
    while (n < max && c->p < c->end && sdp_is(*c->p, SDP_C_DIGIT)) {
        x = x * 10 + (*c->p++ - '0');
        n++;
    }
    *v = x;
    return n >= min && !(c->p < c->end && sdp_is(*c->p, SDP_C_DIGIT));
}

static sp_str letters(cursor *c)
{
    const char *s = c->p;
    while (c->p < c->end && ((*c->p | 0x20) >= 'a' && (*c->p | 0x20) <= 'z'))
        c->p++;
    return sp_str_make(s, (size_t)(c->p - s));
}

/* Index of s in a list of three-letter names, or -1. */
static int name_index(sp_str s, const char *names, int count)
{
    if (s.n != 3)
        return -1;
    for (int i = 0; i < count; i++)
        if (sp_str_caseeq(s, sp_str_make(names + 3 * i, 3)))
            return i;
    return -1;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return days[m - 1] + (m == 2 && leap);
}

/* Offset of an obsolete alphabetic zone in minutes (RFC 5322 §4.3); false
 * when unknown. Military letters carry no reliable meaning: 0. */
static bool obs_zone(sp_str z, int *minutes)
{
    static const struct {
        const char *name;
        int offset;
    } zones[] = {{"UT", 0}, {"GMT", 0}, {"EST", -300}, {"EDT", -240}, {"CST", -360},
                 {"CDT", -300}, {"MST", -420}, {"MDT", -360}, {"PST", -480}, {"PDT", -420}};
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        if (sp_str_caseeq_cstr(z, zones[i].name)) {
            *minutes = zones[i].offset;
            return true;
        }
    }
    if (z.n == 1 && (z.p[0] | 0x20) != 'j') {
        *minutes = 0;
        return true;
    }
    return false;
}

int sdp_date_to_time(sp_str date, int64_t *when, sp_error *err)
{
    cursor c = {date.p, date.p + date.n};
    skip_ws(&c);
    const char *at = c.p;
    if (c.p < c.end && !sdp_is(*c.p, SDP_C_DIGIT)) {
        if (name_index(letters(&c), "MonTueWedThuFriSatSun", 7) < 0)
            return bad(err, date, at, "date: bad day of week");
        skip_ws(&c);
        if (c.p == c.end || *c.p != ',')
            return bad(err, date, c.p, "date: ',' expected after day of week");
        c.p++;
        skip_ws(&c);
    }
    int day, year, hour, minute, second = 0, zone = 0;
    at = c.p;
    if (!digits(&c, 1, 2, &day))
        return bad(err, date, at, "date: bad day");
    skip_ws(&c);
    at = c.p;
    int month = name_index(letters(&c), "JanFebMarAprMayJunJulAugSepOctNovDec", 12) + 1;
    if (month == 0)
        return bad(err, date, at, "date: bad month");
    skip_ws(&c);
    at = c.p;
    const char *ys = c.p;
    if (!digits(&c, 2, 4, &year))
        return bad(err, date, at, "date: bad year");
    if (c.p - ys == 2) /* obsolete two-digit year (RFC 5322 §4.3) */
        year += year < 50 ? 2000 : 1900;
    else if (c.p - ys == 3)
        year += 1900;
    skip_ws(&c);
    at = c.p;
    if (!digits(&c, 2, 2, &hour) || c.p == c.end || *c.p++ != ':' || !digits(&c, 2, 2, &minute))
        return bad(err, date, at, "date: bad time of day");
    if (c.p < c.end && *c.p == ':') {
        c.p++;
        if (!digits(&c, 2, 2, &second))
            return bad(err, date, at, "date: bad seconds");
    }
    if (day < 1 || day > month_days(year, month) || hour > 23 || minute > 59 || second > 60)
        return bad(err, date, at, "date: out of range");
    skip_ws(&c);
    at = c.p;
    if (c.p < c.end && (*c.p == '+' || *c.p == '-')) {
        int sign = *c.p++ == '-' ? -1 : 1, hhmm;
        if (!digits(&c, 4, 4, &hhmm) || hhmm % 100 > 59)
            return bad(err, date, at, "date: bad zone");
        zone = sign * (hhmm / 100 * 60 + hhmm % 100);
    } else if (!obs_zone(letters(&c), &zone)) {
        return bad(err, date, at, "date: bad zone");
    }
    skip_ws(&c);
    if (c.p != c.end)
        return bad(err, date, c.p, "date: junk after zone");
    *when = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - zone * 60;
    return 0;
}

/* --- file-range, file-icon --------------------------------------------- */

int sdp_file_range_parse(sp_str value, sdp_file_range *range, sp_error *err)
{
    sp_str v = sdp_trim(value);
    const char *dash = v.n ? sdp_find(v.p, '-', v.n) : NULL;
    if (!dash)
        return bad(err, value, v.p ? v.p : value.p, "file-range: start-stop expected");
    sp_str start = sp_str_make(v.p, (size_t)(dash - v.p));
    sp_str stop = sp_str_make(dash + 1, v.n - start.n - 1);
    memset(range, 0, sizeof *range);
    if (!sdp_all(start, SDP_C_DIGIT) || !sp_str_to_u64(start, UINT64_MAX, &range->start))
        return bad(err, value, v.p, "file-range: bad start");
    if (range->start == 0)
        return bad(err, value, v.p, "file-range: start must be at least 1");
    if (stop.n == 1 && stop.p[0] == '*') {
        range->open = true;
        return 0;
    }
    if (!sdp_all(stop, SDP_C_DIGIT) || !sp_str_to_u64(stop, UINT64_MAX, &range->stop))
        return bad(err, value, stop.p, "file-range: bad stop");
    if (range->stop < range->start)
        return bad(err, value, stop.p, "file-range: stop before start");
    return 0;
}

int sdp_file_icon_parse(sp_str value, sp_str *cid, sp_error *err)
{
    sp_str v = sdp_trim(value);
    if (!sdp_has_prefix(v, "cid:") || v.n == 4)
        return bad(err, value, v.p ? v.p : value.p, "file-icon: not a cid URL");
    for (size_t i = 4; i < v.n; i++)
        if ((unsigned char)v.p[i] <= 0x20 || v.p[i] == 0x7f || v.p[i] == '"' || v.p[i] == '<' || v.p[i] == '>')
            return bad(err, value, v.p + i, "file-icon: bad cid URL");
    *cid = v;
    return 0;
}
