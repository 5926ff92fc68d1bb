/* sdp_build.h - MSRP file-transfer session descriptions as typed values:
 * read from a parsed SDP, and written into a caller buffer.
 *
 * An sdp_stream is one "m=message PORT TCP/MSRP *" section with the
 * attributes the push flows use (RFC 4975 §8, RFC 4145, RFC 5547 §6), all
 * as slices; an sdp_desc is a whole description around them. Reading and
 * writing are inverse: sdp_desc_read(parse(sdp_build(d))) gives back d's
 * fields. Attributes other than these are not carried over.
 *
 * Descriptions are written through an sp_buf (sp_buf.h), which never writes
 * past its capacity. */
#ifndef SIPPUSH_SDP_BUILD_H
#define SIPPUSH_SDP_BUILD_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdp_attr.h"
#include "sdp_file.h"
#include "sdp_parse.h"
#include "sp_buf.h"


typedef struct sdp_stream {
    sp_str media;               /* absent: "message" */
    uint16_t port;              /* 0: the stream is refused (RFC 3264 §6) */
    sp_str proto;               /* absent: "TCP/MSRP" */
    sp_str formats;             /* absent: "*" */
    sdp_conn conn;              /* the stream's own c=; absent: the session's applies */
    sdp_setup setup;            /* SDP_SETUP_NONE: no a=setup */
    sdp_direction direction;    /* sendrecv is the default and is not written */
    sp_str accept_types;        /* format-list as written; absent: not written */
    sp_str accept_wrapped_types;
    bool has_max_size;
    uint64_t max_size;
    sp_str path;                /* path-list as written; absent: not written */
    sp_str file_transfer_id;
    sdp_file_selector selector; /* nothing present: no a=file-selector */
    sdp_file_date date;         /* nothing present: no a=file-date */
    sp_str file_disposition;
    sp_str file_icon;           /* "cid:..." */
    bool has_range;
    sdp_file_range range;
} sdp_stream;

typedef struct sdp_desc {
    sdp_origin origin;          /* nettype absent: "IN", addrtype absent: "IP4" */
    sp_str name;                /* absent: "-" (RFC 3264 §5) */
    sdp_conn conn;              /* session-level c=; absent: every stream needs its own */
    uint64_t start_time, stop_time; /* "t=0 0" by default */
    const sdp_stream *streams;
    size_t nstreams;
} sdp_desc;

/* Writes d into out[0..cap). Returns the length, or SP_ENOSPC when it does not
 * fit or a value holds CR, LF or NUL (which would forge lines). */
SP_API long sdp_build(const sdp_desc *d, char *out, size_t cap);
/* The same into a writer (to append a description to a larger message). */
SP_API void sdp_build_into(sp_buf *b, const sdp_desc *d);

/* The typed view of one parsed media section: every attribute above is
 * parsed (the first of each name counts). Returns 0 or SP_EINVAL /
 * SP_ELIMIT with err (offset into s->text). */
SP_API int sdp_stream_read(const sdp_session *s, const sdp_media *m, sdp_stream *st, sp_error *err);

/* Every stream of a parsed session into streams[0..max) and the session
 * fields into d (d->streams = streams). SP_ELIMIT (488) when there are more
 * media sections than max. */
SP_API int sdp_desc_read(const sdp_session *s, sdp_stream *streams, size_t max, sdp_desc *d, sp_error *err);

#endif
