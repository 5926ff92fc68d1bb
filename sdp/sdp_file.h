/* sdp_file.h - the file-transfer attributes of RFC 5547 §6: file-selector,
 * file-date, file-range, file-icon (file-transfer-id and file-disposition
 * are single tokens: sdp_token_parse in sdp_attr.h).
 *
 * Same conventions as sdp_attr.h: the parsers take an attribute value,
 * trim it, fill slices into it, and return 0 or SP_EINVAL with err (offset
 * relative to value.p, status 400). Where the OMA examples are sloppy the
 * parsers are liberal: white space may follow a selector's or date's colon
 * ("type: text/plain"), and a backslash may escape a byte inside a quoted
 * name. */
#ifndef SIPPUSH_SDP_FILE_H
#define SIPPUSH_SDP_FILE_H

#include "sp_export.h"

#include <stdbool.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

#define SDP_SHA1_LEN 20

/* a=file-selector:[name:"..."] [type:t/s;p="v"] [size:N] [hash:alg:HH:HH...],
 * in any order, each at most once. Absent slices mean absent selectors. */
typedef struct sdp_file_selector {
    sp_str name;           /* between the quotes, escapes as written */
    sp_str type;           /* type/subtype and parameters as written */
    bool has_size;
    uint64_t size;
    sp_str hash_algorithm; /* "sha-1" */
    sp_str hash_value;     /* "72:24:5F:..." as written */
} sdp_file_selector;

SP_API int sdp_file_selector_parse(sp_str value, sdp_file_selector *fs, sp_error *err);

/* The file name with its %HH and backslash escapes undone, into out. Returns
 * the length, or SP_ENOSPC when out is too small. The result may hold any byte
 * (including '/' or NUL): sanitise it before using it as a local name
 * (RFC 5547 §6). */
SP_API long sdp_file_name_decode(sp_str name, char *out, size_t cap);

/* The other way: a local file name made fit for name:"..." with %HH for
 * every byte the grammar forbids (NUL, CR, LF, '"', '%') and for '/' and
 * backslash, which could read as directories (RFC 5547 §6). Returns the length,
 * or SP_ENOSPC when out is too small. */
SP_API long sdp_file_name_encode(sp_str raw, char *out, size_t cap);

/* A Content-Type (RFC 2045: type/subtype, then ";attribute=value" with
 * token or quoted-string values, white space allowed around them) as a
 * file-selector type (RFC 5547 §5: every value in DQUOTEs, percent-encoded
 * where a filename-string cannot hold the byte, and SP, '\\' too so the
 * selector stays one word): "text/plain; charset=UTF-8" gives
 * 'text/plain;charset="UTF-8"'. Returns the length, SP_EINVAL when malformed,
 * or SP_ENOSPC when out is too small. */
SP_API long sdp_file_type_encode(sp_str content_type, char *out, size_t cap);

/* The other way: a file-selector type (quoted values or, liberally, bare
 * tokens) as a Content-Type, each value decoded and written as a token when
 * it is one, else as a quoted-string. Returns the length, SP_EINVAL when
 * malformed (a value decoding to CR, LF or NUL included), or SP_ENOSPC when out
 * is too small. */
SP_API long sdp_file_type_decode(sp_str selector_type, char *out, size_t cap);

/* The bytes of a hash value ("72:24:5F"), SP_EINVAL when malformed, or
 * SP_ENOSPC when more than cap bytes. */
SP_API long sdp_hash_decode(sp_str value, uint8_t *out, size_t cap);

/* a=file-date: creation:"date" modification:"date" read:"date", any order,
 * each at most once; slices hold the RFC 5322 date-time without quotes. */
typedef struct sdp_file_date {
    sp_str creation, modification, read;
} sdp_file_date;

SP_API int sdp_file_date_parse(sp_str value, sdp_file_date *date, sp_error *err);

/* An RFC 5322 §3.3 date-time ("Tue, 31 Jul 2001 10:13:00 GMT", numeric or
 * obsolete zones, optional day of week and seconds) in seconds since the
 * epoch, UTC. Returns 0 or SP_EINVAL with err (offset relative to date.p). */
SP_API int sdp_date_to_time(sp_str date, int64_t *when, sp_error *err);

/* a=file-range:start-stop, start >= 1, stop ">= start" or "*" (RFC 5547 §8). */
typedef struct sdp_file_range {
    uint64_t start;
    uint64_t stop;  /* 0 when open */
    bool open;      /* stop was "*" */
} sdp_file_range;

SP_API int sdp_file_range_parse(sp_str value, sdp_file_range *range, sp_error *err);

/* a=file-icon:cid:... ; *cid is the whole URL ("cid:icon1@host"). */
SP_API int sdp_file_icon_parse(sp_str value, sp_str *cid, sp_error *err);

#endif
