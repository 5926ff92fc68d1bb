/* sp_json.c - see sp_json_impl.h. */
#include "sp_json_impl.h"

#include <math.h>

#include "sp_decimal.h"

void json_init(json_out *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    j->first[0] = true;
    j->after_key = false;
}

/* Writes the separator a new value needs at the current level. */
static void value_prefix(json_out *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (!j->first[j->depth])
        fputc(',', j->f);
    j->first[j->depth] = false;
}

static void container_open(json_out *j, char c)
{
    value_prefix(j);
    fputc(c, j->f);
    if (j->depth + 1 < JSON_MAX_DEPTH)
        j->depth++;
    j->first[j->depth] = true;
}

static void container_close(json_out *j, char c)
{
    fputc(c, j->f);
    if (j->depth > 0)
        j->depth--;
}

void json_object_begin(json_out *j) { container_open(j, '{'); }
void json_object_end(json_out *j) { container_close(j, '}'); }
void json_array_begin(json_out *j) { container_open(j, '['); }
void json_array_end(json_out *j) { container_close(j, ']'); }

/* Length of the valid UTF-8 sequence at p (1..4), or 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    unsigned cp = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

static void write_escaped(FILE *f, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc((int)c, f);
            i++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            default: fprintf(f, "\\u%04x", c); break;
            }
            i++;
        } else {
            size_t len = utf8_len(p + i, n - i);
            if (len == 0) {
                fprintf(f, "\\u%04x", c);
                i++;
            } else {
                fwrite(p + i, 1, len, f);
                i += len;
            }
        }
    }
    fputc('"', f);
}

void json_key(json_out *j, const char *key)
{
    value_prefix(j);
    write_escaped(j->f, key, strlen(key));
    fputc(':', j->f);
    j->after_key = true;
}

void json_str(json_out *j, sp_str s)
{
    if (!s.p) {
        json_null(j);
        return;
    }
    value_prefix(j);
    write_escaped(j->f, s.p, s.n);
}

void json_cstr(json_out *j, const char *s)
{
    json_str(j, s ? sp_str_cstr(s) : SP_STR_NULL);
}

static void put_i64(FILE *f, int64_t v)
{
    char dec[SP_U64_DEC_SIZE];
    if (v < 0)
        fputc('-', f);
    sp_u64_dec(dec, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    fputs(dec, f);
}

void json_u64(json_out *j, uint64_t v)
{
    value_prefix(j);
    char dec[SP_U64_DEC_SIZE];
    sp_u64_dec(dec, v);
    fputs(dec, j->f);
}

void json_i64(json_out *j, int64_t v)
{
    value_prefix(j);
    put_i64(j->f, v);
}

void json_double(json_out *j, double v)
{
    value_prefix(j);
    if (!isfinite(v))
        fputs("null", j->f);
    else if (v == (double)(int64_t)v && fabs(v) < 1e15)
        put_i64(j->f, (int64_t)v);
    else
        fprintf(j->f, "%.4f", v);
}

void json_bool(json_out *j, bool v)
{
    value_prefix(j);
    fputs(v ? "true" : "false", j->f);
}

void json_null(json_out *j)
{
    value_prefix(j);
    fputs("null", j->f);
}

void json_line_end(json_out *j)
{
    fputc('\n', j->f);
    fflush(j->f);
    j->depth = 0;
    j->first[0] = true;
    j->after_key = false;
}
