/* msrp_reassembly.h - one incoming MSRP message put back together from its
 * chunks (RFC 4975 §7.3.1), into a sink, with its SHA-1.
 *
 * The session layer calls, per SEND: msrp_reassembly_begin() with the
 * Byte-Range header, msrp_reassembly_write() for each piece of the body as
 * it arrives, msrp_reassembly_end() with the end-line flag. Chunks may come
 * in any order, repeat, overlap or stop short. When [1..total] is covered
 * the content is verified (size and, when the offer gave one, the SHA-1 of
 * RFC 5547 §6's hash selector) and the sink committed; exactly one call
 * returns MSRP_RX_COMPLETE.
 *
 * Every failure fills an sp_error whose status is the MSRP answer (RFC 4975
 * §10): 400 bad ranges, content that fails verification or that a sink
 * refuses (SP_EINVAL: a head that does not open), 413 larger than max-size
 * or than the offered size, or the receiver cannot store it, 403 the file
 * name is taken. A failure before
 * completion ends the message: the sink is discarded and later calls repeat
 * the failure. After completion, stray calls fail without undoing it.
 *
 * Bytes are hashed as they arrive while they arrive in order; otherwise the
 * content is read back in pieces from the sink once complete (constant
 * memory either way). A message whose declared total reaches
 * limits.hash_thread_min is hashed by a thread of its own while it arrives
 * (its bytes copied to it through a fixed ring of buffers), so receiving
 * and hashing overlap; completion waits for that thread. */
#ifndef SIPPUSH_MSRP_REASSEMBLY_H
#define SIPPUSH_MSRP_REASSEMBLY_H

#include "sp_export.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "msrp_ranges.h"
#include "msrp_sink.h"
#include "sp_error.h"
#include "sp_sha1.h"

#define MSRP_UNKNOWN UINT64_MAX                     /* a "*" range-end or total */
#define MSRP_MAX_SIZE_DEFAULT (1ull << 30)          /* 1 GiB */
#define MSRP_VERIFY_PIECE (64u << 10)               /* bytes read back at a time */
#define MSRP_HASH_THREAD_MIN_DEFAULT (1ull << 20)   /* hashed in a thread from 1 MiB */
#define MSRP_HASH_THREAD_NEVER UINT64_MAX           /* always hashed in line */

enum {
    MSRP_RX_OK = 0,       /* accepted; nothing completed by this call */
    MSRP_RX_COMPLETE = 1, /* this call completed, verified and committed the message */
    MSRP_RX_ABORTED = 2,  /* the sender aborted the message ('#'): all discarded */
    /* failures: SP_EINVAL (400), SP_ELIMIT (413), MSRP_EIO (413), MSRP_EEXIST (403), and */
    MSRP_EHASH = -EBADMSG, /* the content's SHA-1 is not the offered one (400) */
    MSRP_ESIZE = -ERANGE,  /* the message size is not the offered one (400) */
};

typedef struct msrp_reassembly_limits {
    uint64_t max_size;    /* largest total accepted; 0 means MSRP_MAX_SIZE_DEFAULT */
    size_t max_intervals; /* disjoint received ranges; 0 means MSRP_RANGES_MAX_DEFAULT */
    uint64_t hash_thread_min; /* a declared total of at least this is hashed in a thread;
                                 0 means MSRP_HASH_THREAD_MIN_DEFAULT,
                                 MSRP_HASH_THREAD_NEVER keeps hashing in line */
} msrp_reassembly_limits;

/* What the offer said about the content (RFC 5547 file-selector). */
typedef struct msrp_expect {
    bool has_size, has_sha1;
    bool skip_sha1; /* no digest wanted (and none offered): the content is not hashed */
    uint64_t size;
    uint8_t sha1[SP_SHA1_LEN];
} msrp_expect;

typedef enum msrp_rx_state {
    MSRP_RX_RECEIVING,
    MSRP_RX_DONE,
    MSRP_RX_FAILED,
    MSRP_RX_CANCELLED, /* aborted by the sender or the caller */
    MSRP_RX_SUSPENDED, /* temp file kept for a resume */
} msrp_rx_state;

typedef struct msrp_reassembly {
    msrp_sink *sink; /* borrowed; committed or discarded here, closed by the caller */
    msrp_ranges ranges;
    msrp_expect expect;
    uint64_t max_size;
    uint64_t total;     /* MSRP_UNKNOWN until a chunk declares it or '$' ends it */
    uint64_t chunk_end; /* the last position of the current chunk seen so far */
    uint64_t hashed;    /* positions 1..hashed are in sha, in order */
    bool streaming;     /* still hashing as bytes arrive */
    msrp_rx_state state;
    uint64_t hash_thread_min;
    struct msrp_hasher *hasher; /* the thread hashing, while streaming; NULL: in line */
    sp_sha1_ctx sha;
    uint8_t sha1[SP_SHA1_LEN]; /* the content's digest, once DONE */
    int error_code;            /* the failure, once FAILED */
    sp_error error;
} msrp_reassembly;

/* Starts a message into an open sink. limits and expect may be NULL. */
SP_API void msrp_reassembly_init(msrp_reassembly *r, msrp_sink *sink, const msrp_reassembly_limits *limits,
                                 const msrp_expect *expect);
/* After init, for a resume: the ranges already in the (reopened) sink. */
SP_API void msrp_reassembly_restore(msrp_reassembly *r, const msrp_ranges *received);

/* A chunk's Byte-Range (start-end/total, end and total may be MSRP_UNKNOWN). */
SP_API int msrp_reassembly_begin(msrp_reassembly *r, uint64_t start, uint64_t end, uint64_t total, sp_error *err);
/* len body bytes whose first is at 1-based position pos (the chunk's
 * range-start plus the body bytes of this chunk already written). */
SP_API int msrp_reassembly_write(msrp_reassembly *r, uint64_t pos, const void *data, size_t len, sp_error *err);
/* The chunk's end-line flag: '$' (message ends here), '+' (more), '#'. */
SP_API int msrp_reassembly_end(msrp_reassembly *r, char flag, sp_error *err);

/* The caller gives up (session gone, 413 sent): the sink is discarded. */
SP_API void msrp_reassembly_abort(msrp_reassembly *r);
/* The session ended before the message did: keep the temp file and the
 * received ranges (r->ranges, r->sink->temp) for a resume (RFC 5547 §8
 * file-range). SP_OK or MSRP_EIO. */
SP_API int msrp_reassembly_suspend(msrp_reassembly *r);

/* The received part for a REPORT: writes interval i of r->ranges as a
 * Byte-Range value "start-end/total" (total "*" when unknown) and a NUL;
 * its length, SP_EINVAL when i is out of range, or SP_ENOSPC when cap is too small. */
SP_API int msrp_reassembly_byte_range(const msrp_reassembly *r, size_t i, char *out, size_t cap);

#endif
