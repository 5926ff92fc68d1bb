/* sp_json_impl.h - a small streaming JSON writer (events of the agents, output of the program).
 *
 * Commas and nesting are tracked here so callers only say what comes next.
 * Strings are escaped per RFC 8259; bytes that are not valid UTF-8 are
 * written as \u00XX (their Latin-1 reading) so the output is always valid. */
#ifndef SIPPUSH_SP_JSON_H
#define SIPPUSH_SP_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sp_str.h"

#define JSON_MAX_DEPTH 32

typedef struct json_out {
    FILE *f;
    int depth;
    bool first[JSON_MAX_DEPTH]; /* no value written yet at this level */
    bool after_key;             /* the next value belongs to a key just written */
} json_out;

void json_init(json_out *j, FILE *f);
void json_object_begin(json_out *j);
void json_object_end(json_out *j);
void json_array_begin(json_out *j);
void json_array_end(json_out *j);
void json_key(json_out *j, const char *key);

void json_str(json_out *j, sp_str s); /* null when s is absent */
void json_cstr(json_out *j, const char *s); /* null when s is NULL */
void json_u64(json_out *j, uint64_t v);
void json_i64(json_out *j, int64_t v);
void json_double(json_out *j, double v);
void json_bool(json_out *j, bool v);
void json_null(json_out *j);

/* Ends the top-level value with a newline and flushes. */
void json_line_end(json_out *j);

/* key + value shorthands */
static inline void json_kv_str(json_out *j, const char *k, sp_str v) { json_key(j, k); json_str(j, v); }
static inline void json_kv_cstr(json_out *j, const char *k, const char *v) { json_key(j, k); json_cstr(j, v); }
static inline void json_kv_u64(json_out *j, const char *k, uint64_t v) { json_key(j, k); json_u64(j, v); }
static inline void json_kv_double(json_out *j, const char *k, double v) { json_key(j, k); json_double(j, v); }
static inline void json_kv_bool(json_out *j, const char *k, bool v) { json_key(j, k); json_bool(j, v); }
static inline void json_kv_null(json_out *j, const char *k) { json_key(j, k); json_null(j); }

#endif
