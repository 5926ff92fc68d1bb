/* msrp_sink.h - where the bytes of a received MSRP message go.
 *
 * A sink is a table of operations (msrp_sink_ops: open, write at an
 * offset, read back, commit, abort, close) and the state they keep in the
 * caller's msrp_sink, so a device may store into flash as the file sink
 * stores into a file. The memory, file and null sinks below are three
 * implementations of it; msrp_sink_open opens any.
 *
 * A memory sink grows (up to a fixed capacity) as bytes arrive. A file sink
 * writes at offsets into a temporary file (".sippush-<pid>-XXXXXX", mode
 * 0600, locked while open) in the destination directory, and on commit truncates it to the message
 * size, fsyncs it and renames it into place in one step, so no reader ever
 * sees a partial file under the final name. The final name is a safe form
 * of the name the sender offered (RFC 5547 §6 file-selector name).
 *
 * Ownership: the caller owns the msrp_sink struct; open allocates the
 * memory buffer or creates the temp file, and exactly one of commit +
 * close, discard, or keep releases them. */
#ifndef SIPPUSH_MSRP_SINK_H
#define SIPPUSH_MSRP_SINK_H

#include "sp_export.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_error.h"
#include "sp_str.h"

#define MSRP_SINK_PATH_MAX 1024 /* bytes of a temp or final path, NUL included */
#define MSRP_SINK_NAME_MAX 200  /* bytes kept of an offered file name */
#define MSRP_SINK_DEFAULT_NAME "unnamed"
/* A memory sink allocates a declared size at once up to this; a larger
 * declaration (which a peer may make with one byte) grows as bytes come. */
#define MSRP_SINK_EXPECT_MAX (64u << 20)

/* The most a file sink holds in memory of a head it leaves out of the file
 * (msrp_sink_file_strip_head). */
#define MSRP_SINK_HEAD_MAX (16u << 10)

/* Results beyond sp_error.h's: SP_OK, SP_ELIMIT (memory capacity), and */
enum {
    MSRP_EIO = -EIO,       /* the file system failed: errno in sink->err */
    MSRP_EEXIST = -EEXIST, /* the final name exists and overwriting was not asked for */
};

/* msrp_sink_file_open flags: replace a file of the final name, or (UNIQUE)
 * take "name-2.ext", "name-3.ext"... up to MSRP_SINK_UNIQUE_TRIES instead */
enum { MSRP_SINK_OVERWRITE = 1, MSRP_SINK_UNIQUE = 2 };
#define MSRP_SINK_UNIQUE_TRIES 100

typedef struct msrp_sink msrp_sink;

/* What a sink is told about the message it opens for. */
typedef struct msrp_sink_info {
    sp_str name;          /* the file name offered (RFC 5547 file-selector), may be empty */
    sp_str content_type;  /* the MSRP Content-Type of its first chunk */
    uint64_t max_size;    /* the receiver's limit: writes never go past it */
} msrp_sink_info;

/* The operations of one kind of sink. Every one gets the msrp_sink it
 * serves; an implementation keeps its state in s->impl (or the fields
 * below, as the built-in ones do). Results as msrp_sink_write & co say. */
typedef struct msrp_sink_ops {
    /* Opens s for one message (s is zeroed, s->ops set, s->fd -1); ctx is
     * the one given to msrp_sink_open. SP_OK or an error (the sender is
     * then told 413). */
    int (*open)(msrp_sink *s, void *ctx, const msrp_sink_info *info);
    /* len bytes at the 0-based offset, in any order (chunks may come out
     * of order, RFC 4975 §7.3.1); a byte may be written twice. */
    int (*write)(msrp_sink *s, uint64_t offset, const void *data, size_t len);
    /* Reads back what was written (the SHA-1 of content that came out of
     * order is computed from it once complete); NULL: cannot, and such
     * content is refused with 413 ("cannot read the message back"). */
    long (*read)(msrp_sink *s, uint64_t offset, void *buf, size_t len);
    /* Makes the content final at exactly size bytes (gaps read as zeros). */
    int (*commit)(msrp_sink *s, uint64_t size);
    /* Drops everything written (not committed). */
    void (*abort)(msrp_sink *s);
    /* Releases what the sink holds, committed or not (not committed: as abort). */
    void (*close)(msrp_sink *s);
    /* A hint: the declared total (may be NULL). */
    void (*expect)(msrp_sink *s, uint64_t size);
    /* Closes but keeps the partial content for a resume (RFC 5547 §8); NULL
     * when the sink cannot. */
    int (*keep)(msrp_sink *s);
} msrp_sink_ops;

SP_API extern const msrp_sink_ops msrp_sink_memory_ops; /* ctx: none; capacity info->max_size */
SP_API extern const msrp_sink_ops msrp_sink_file_ops;   /* ctx: the directory (const char *) */
SP_API extern const msrp_sink_ops msrp_sink_null_ops;   /* ctx: none */

/* Where a head the file leaves out ends (a CPIM envelope's headers, RFC
 * 3862), from the first len bytes of the message: its length once they
 * hold all of it, 0 while more are needed, SP_EINVAL when they cannot start
 * a message the caller takes. */
typedef long (*msrp_sink_head_fn)(void *ctx, const uint8_t *head, size_t len);

struct msrp_sink {
    const msrp_sink_ops *ops; /* NULL: closed */
    void *impl;               /* an implementation's own state */
    uint64_t size; /* one past the highest byte written */
    int err;       /* errno of the last MSRP_EIO */
    /* memory */
    uint8_t *buf;
    size_t alloc, cap;
    /* file */
    int fd;
    bool overwrite, unique, committed;
    char temp[MSRP_SINK_PATH_MAX];  /* the temporary file while open or kept */
    char final[MSRP_SINK_PATH_MAX]; /* where commit puts it */
    /* a head left out of the file (msrp_sink_file_strip_head) */
    msrp_sink_head_fn head_fn;
    void *head_ctx;
    uint8_t *head;                  /* MSRP_SINK_HEAD_MAX bytes */
    size_t head_got;                /* bytes 0..head_got-1 are in head */
    size_t head_len;                /* SIZE_MAX until head_fn has said */
};

/* Opens s with ops (any implementation) for one message. */
SP_API int msrp_sink_open(msrp_sink *s, const msrp_sink_ops *ops, void *ctx, const msrp_sink_info *info);

/* A memory sink holding at most capacity bytes; its buffer grows on write,
 * so opening cannot fail (SP_OK). */
SP_API int msrp_sink_memory_open(msrp_sink *s, size_t capacity);
/* A file sink: a new temp file in dir, to be committed as dir/safe(name).
 * SP_OK, MSRP_EIO (dir unusable, paths too long: errno in s->err). */
SP_API int msrp_sink_file_open(msrp_sink *s, const char *dir, sp_str offered_name, unsigned flags);
/* A sink that keeps nothing: writes are counted and dropped, reads fail
 * (MSRP_EIO), commit succeeds with no path and no data. For content that
 * is verified and confirmed but already held (a push offered again). */
SP_API int msrp_sink_null_open(msrp_sink *s);
/* Makes an open file sink leave the message's head out of the file: bytes
 * are held in memory (at most MSRP_SINK_HEAD_MAX) until fn says where the
 * head ends, then the rest goes to the file at its offset minus the head's
 * length, so the content after the head is stored as it comes, never held.
 * Until the head's end is known the bytes must come in order: a write
 * past the bytes held, or a head longer than MSRP_SINK_HEAD_MAX, fails with
 * SP_ELIMIT; fn refusing them fails the write with SP_EINVAL, as does a
 * commit before the head's end is known. Reads and commit sizes count the
 * head. SP_OK, or -ENOMEM. */
SP_API int msrp_sink_file_strip_head(msrp_sink *s, msrp_sink_head_fn fn, void *ctx);
/* The head a stripped file sink left out, once known (until close), else NULL. */
SP_API const uint8_t *msrp_sink_head(const msrp_sink *s, size_t *len);
/* Resumes into a temp file kept by msrp_sink_keep(); as above. */
SP_API int msrp_sink_file_reopen(msrp_sink *s, const char *temp_path, const char *dir, sp_str offered_name,
                                 unsigned flags);

/* A hint: the message holds 'size' bytes (its Byte-Range total). A memory
 * sink allocates them at once (up to MSRP_SINK_EXPECT_MAX); failure is not an error here (the writes
 * report it). */
SP_API void msrp_sink_expect(msrp_sink *s, uint64_t size);

/* Writes len bytes at 0-based offset. SP_OK, SP_ELIMIT (past a memory
 * sink's capacity), -ENOMEM (a memory sink could not grow), MSRP_EIO. */
SP_API int msrp_sink_write(msrp_sink *s, uint64_t offset, const void *data, size_t len);
/* Reads up to len bytes at offset into buf: the count (short only at the
 * end of what was written), or MSRP_EIO. */
SP_API long msrp_sink_read(msrp_sink *s, uint64_t offset, void *buf, size_t len);

/* Makes the content final at exactly 'size' bytes. A file sink is fsynced
 * and renamed into place (MSRP_EEXIST if the name is taken and neither
 * overwriting nor a unique name was asked for, or every unique name is:
 * the temp file is then left for discard or another try); s->final then
 * holds the name taken. SP_OK, MSRP_EEXIST, MSRP_EIO. */
SP_API int msrp_sink_commit(msrp_sink *s, uint64_t size);
/* After commit: the final path (file) or NULL (memory). */
SP_API const char *msrp_sink_path(const msrp_sink *s);
/* After commit of a memory sink: the content. */
SP_API const uint8_t *msrp_sink_data(const msrp_sink *s, size_t *len);
/* Releases the sink: frees a memory sink's content; a file sink not
 * committed is discarded. */
SP_API void msrp_sink_close(msrp_sink *s);

/* Drops everything: frees the buffer or removes the temp file. */
SP_API void msrp_sink_discard(msrp_sink *s);
/* Closes a file sink but keeps its temp file (s->temp) for a later resume
 * (RFC 5547 §8); SP_OK or MSRP_EIO. A memory sink cannot be kept: it is
 * discarded and MSRP_EIO returned. */
SP_API int msrp_sink_keep(msrp_sink *s);

/* Removes what file sinks of processes now gone left in dir (a crash in
 * the middle of a message): only regular files of this user named exactly
 * ".sippush-<pid>-XXXXXX" whose pid runs no more and which no process holds
 * locked. Nothing else is touched. Returns how many went, or MSRP_EIO when
 * dir cannot be read. */
SP_API int msrp_sink_sweep(const char *dir);

/* A file name safe to create from an offered one: percent-escapes decoded
 * (RFC 5547 §6), the components of a path ('/' or '\\' between them)
 * joined by '_' ("docs/a.txt" is "docs_a.txt": a prefix given to the name
 * stays), control bytes removed, leading dots and spaces of every component
 * and trailing spaces removed (no hidden file, no "." or ".."), at most
 * MSRP_SINK_NAME_MAX bytes cut at a UTF-8 boundary; MSRP_SINK_DEFAULT_NAME
 * when nothing is left. Writes it and a NUL into out (cap >= sizeof
 * MSRP_SINK_DEFAULT_NAME), returns its length. */
SP_API size_t msrp_sink_safe_name(sp_str offered, char *out, size_t cap);

#endif
