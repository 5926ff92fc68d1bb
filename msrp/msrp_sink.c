/* msrp_sink.c - the sink dispatch through its table of operations, the
 * memory sink and the null sink. */
#include "msrp_sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>


#define MEMORY_FIRST_ALLOC 4096

static void sink_reset(msrp_sink *s, const msrp_sink_ops *ops)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->ops = ops;
}

int msrp_sink_open(msrp_sink *s, const msrp_sink_ops *ops, void *ctx, const msrp_sink_info *info)
{
    sink_reset(s, ops);
    return ops->open(s, ctx, info);
}

/* --- memory ---------------------------------------------------------------- */

int msrp_sink_memory_open(msrp_sink *s, size_t capacity)
{
    sink_reset(s, &msrp_sink_memory_ops);
    s->cap = capacity;
    return SP_OK;
}

static int memory_ops_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    (void)ctx;
    return msrp_sink_memory_open(s, info->max_size > SIZE_MAX ? SIZE_MAX : (size_t)info->max_size);
}

/* Grows the buffer to hold 'need' bytes, doubling, never past cap. */
static int memory_reserve(msrp_sink *s, size_t need)
{
    if (need <= s->alloc)
        return SP_OK;
    size_t n = s->alloc ? s->alloc : MEMORY_FIRST_ALLOC;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : 2 * n;
    if (n > s->cap)
        n = s->cap;
    /* Not cleared: only bytes below s->size are ever read, and a gap is
     * zeroed when a write or the commit goes past it (gaps read as zeros,
     * not garbage), so received content is written to memory once. */
    uint8_t *grown = realloc(s->buf, n);
    if (!grown) {
        s->err = ENOMEM;
        return -ENOMEM;
    }
    s->buf = grown;
    s->alloc = n;
    return SP_OK;
}

static void memory_expect(msrp_sink *s, uint64_t size)
{
    /* The whole message at once instead of growing (and copying) as it
     * comes; past the capacity the writes fail anyway. */
    if (size <= s->cap && size <= MSRP_SINK_EXPECT_MAX && size > s->alloc)
        memory_reserve(s, (size_t)size);
}

static int memory_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    if (offset > s->cap || len > s->cap - offset)
        return SP_ELIMIT;
    if (len == 0)
        return SP_OK;
    int rc = memory_reserve(s, (size_t)offset + len);
    if (rc != SP_OK)
        return rc;
    if (offset > s->size)
        memset(s->buf + s->size, 0, (size_t)(offset - s->size));
    memcpy(s->buf + offset, data, len);
    if (offset + len > s->size)
        s->size = offset + len;
    return SP_OK;
}

static long memory_read(msrp_sink *s, uint64_t offset, void *buf, size_t len)
{
    if (offset >= s->size)
        return 0;
    if (len > s->size - offset)
        len = (size_t)(s->size - offset);
    memcpy(buf, s->buf + offset, len);
    return (long)len;
}

static int memory_commit(msrp_sink *s, uint64_t size)
{
    if (size > s->cap)
        return SP_ELIMIT;
    if (memory_reserve(s, (size_t)size) != SP_OK)
        return MSRP_EIO;
    if (size > s->size)
        memset(s->buf + s->size, 0, (size_t)(size - s->size));
    s->size = size;
    s->committed = true;
    return SP_OK;
}

static void memory_close(msrp_sink *s)
{
    free(s->buf);
    s->buf = NULL;
    s->alloc = 0;
}

const msrp_sink_ops msrp_sink_memory_ops = {.open = memory_ops_open,
                                            .write = memory_write,
                                            .read = memory_read,
                                            .commit = memory_commit,
                                            .abort = memory_close,
                                            .close = memory_close,
                                            .expect = memory_expect};

/* --- null ------------------------------------------------------------------ */

int msrp_sink_null_open(msrp_sink *s)
{
    sink_reset(s, &msrp_sink_null_ops);
    return SP_OK;
}

static int null_ops_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    (void)ctx;
    (void)info;
    return msrp_sink_null_open(s);
}

static int null_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    (void)data;
    if (offset + len > s->size)
        s->size = offset + len;
    return SP_OK;
}

static int null_commit(msrp_sink *s, uint64_t size)
{
    s->size = size;
    s->committed = true;
    return SP_OK;
}

static void null_close(msrp_sink *s) { (void)s; }

/* Nothing kept to read back. */
const msrp_sink_ops msrp_sink_null_ops = {
    .open = null_ops_open, .write = null_write, .commit = null_commit, .abort = null_close, .close = null_close};

/* --- the dispatch ---------------------------------------------------------- */

void msrp_sink_expect(msrp_sink *s, uint64_t size)
{
    if (s->ops && s->ops->expect)
        s->ops->expect(s, size);
}

int msrp_sink_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    if (s->ops)
        return s->ops->write(s, offset, data, len);
    s->err = EBADF;
    return MSRP_EIO;
}

long msrp_sink_read(msrp_sink *s, uint64_t offset, void *buf, size_t len)
{
    if (s->ops && s->ops->read)
        return s->ops->read(s, offset, buf, len);
    s->err = EBADF;
    return MSRP_EIO;
}

int msrp_sink_commit(msrp_sink *s, uint64_t size)
{
    if (s->ops)
        return s->ops->commit(s, size);
    s->err = EBADF;
    return MSRP_EIO;
}

const char *msrp_sink_path(const msrp_sink *s)
{
    return s->ops == &msrp_sink_file_ops && s->committed ? s->final : NULL;
}

const uint8_t *msrp_sink_data(const msrp_sink *s, size_t *len)
{
    if (s->ops != &msrp_sink_memory_ops || !s->committed) {
        *len = 0;
        return NULL;
    }
    *len = (size_t)s->size;
    return s->buf ? s->buf : (const uint8_t *)"";
}

void msrp_sink_close(msrp_sink *s)
{
    if (s->ops)
        s->ops->close(s); /* one not committed is dropped: never left behind by accident */
    free(s->head);
    s->head = NULL;
    s->head_fn = NULL;
    s->ops = NULL;
}

void msrp_sink_discard(msrp_sink *s)
{
    if (s->ops)
        s->ops->abort(s);
    s->committed = false;
    msrp_sink_close(s);
}

int msrp_sink_keep(msrp_sink *s)
{
    if (s->ops && s->ops->keep)
        return s->ops->keep(s);
    msrp_sink_discard(s);
    s->err = EINVAL;
    return MSRP_EIO;
}
