/* msrp_feed.h - drives the MSRP frame parser the way a connection does, for
 * tests: bytes arrive in pieces, unconsumed bytes are kept and compacted, and
 * every call sees its input right before a guard page. What comes out (heads,
 * body bytes, flags, the error) is written as one transcript, so two runs
 * over different cuts of the same stream compare with one memcmp. */
#ifndef SIPPUSH_TEST_MSRP_FEED_H
#define SIPPUSH_TEST_MSRP_FEED_H

#include <stddef.h>

#include "msrp_frame.h"

typedef struct feed_out {
    char *text;      /* the transcript (malloc'd) */
    size_t len;
    int frames;
    int error;       /* 0, SP_EINVAL or SP_ELIMIT; SP_AGAIN when the stream ended mid-frame */
    size_t offset;   /* of the error */
    size_t max_kept; /* the most bytes the "connection" had to keep between reads */
} feed_out;

/* Feeds data cut at cuts[0..ncuts) (increasing offsets). lim may be NULL. */
void feed_cuts(const char *data, size_t len, const size_t *cuts, size_t ncuts, const msrp_limits *lim,
               feed_out *out);
/* Whole, in one piece. */
void feed_whole(const char *data, size_t len, const msrp_limits *lim, feed_out *out);
void feed_free(feed_out *out);

/* Reads a whole file; NULL when it cannot. */
char *feed_read_file(const char *path, size_t *len);
/* The regular files of a folder, sorted; returns how many (at most max), names malloc'd. */
size_t feed_list_dir(const char *dir, char **paths, size_t max);

#endif
