/* msrp_sink.c - the sink dispatch and the memory sink. */
#include "msrp_sink.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_sink_impl.h"

#define MEMORY_FIRST_ALLOC 4096

int msrp_sink_memory_open(msrp_sink *s, size_t capacity)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->kind = MSRP_SINK_MEMORY;
    s->cap = capacity;
    return SP_OK;
}

int msrp_sink_null_open(msrp_sink *s)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->kind = MSRP_SINK_NULL;
    return SP_OK;
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

void msrp_sink_expect(msrp_sink *s, uint64_t size)
{
    /* A memory sink takes the whole message at once instead of growing
     * (and copying) as it comes; past its capacity the writes fail anyway. */
    if (s->kind == MSRP_SINK_MEMORY && size <= s->cap && size <= MSRP_SINK_EXPECT_MAX && size > s->alloc)
        memory_reserve(s, (size_t)size);
}

int msrp_sink_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    switch (s->kind) {
    case MSRP_SINK_MEMORY: {
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
    case MSRP_SINK_FILE:
        return msrp_sink_file_write(s, offset, data, len);
    case MSRP_SINK_NULL:
        if (offset + len > s->size)
            s->size = offset + len;
        return SP_OK;
    case MSRP_SINK_CLOSED:
        break;
    }
    s->err = EBADF;
    return MSRP_EIO;
}

long msrp_sink_read(msrp_sink *s, uint64_t offset, void *buf, size_t len)
{
    switch (s->kind) {
    case MSRP_SINK_MEMORY: {
        if (offset >= s->size)
            return 0;
        if (len > s->size - offset)
            len = (size_t)(s->size - offset);
        memcpy(buf, s->buf + offset, len);
        return (long)len;
    }
    case MSRP_SINK_FILE:
        return msrp_sink_file_read(s, offset, buf, len);
    case MSRP_SINK_NULL: /* nothing kept to read back */
    case MSRP_SINK_CLOSED:
        break;
    }
    s->err = EBADF;
    return MSRP_EIO;
}

int msrp_sink_commit(msrp_sink *s, uint64_t size)
{
    switch (s->kind) {
    case MSRP_SINK_MEMORY:
        if (size > s->cap)
            return SP_ELIMIT;
        if (memory_reserve(s, (size_t)size) != SP_OK)
            return MSRP_EIO;
        if (size > s->size)
            memset(s->buf + s->size, 0, (size_t)(size - s->size));
        s->size = size;
        s->committed = true;
        return SP_OK;
    case MSRP_SINK_FILE:
        return msrp_sink_file_commit(s, size);
    case MSRP_SINK_NULL:
        s->size = size;
        s->committed = true;
        return SP_OK;
    case MSRP_SINK_CLOSED:
        break;
    }
    s->err = EBADF;
    return MSRP_EIO;
}

const char *msrp_sink_path(const msrp_sink *s)
{
    return s->kind == MSRP_SINK_FILE && s->committed ? s->final : NULL;
}

const uint8_t *msrp_sink_data(const msrp_sink *s, size_t *len)
{
    if (s->kind != MSRP_SINK_MEMORY || !s->committed) {
        *len = 0;
        return NULL;
    }
    *len = (size_t)s->size;
    return s->buf ? s->buf : (const uint8_t *)"";
}

void msrp_sink_close(msrp_sink *s)
{
    if (s->kind == MSRP_SINK_FILE && !s->committed)
        msrp_sink_file_discard(s); /* never leave a temp file behind by accident */
    free(s->buf);
    s->buf = NULL;
    s->alloc = 0;
    free(s->head);
    s->head = NULL;
    s->head_fn = NULL;
    s->kind = MSRP_SINK_CLOSED;
}

void msrp_sink_discard(msrp_sink *s)
{
    if (s->kind == MSRP_SINK_FILE)
        msrp_sink_file_discard(s);
    s->committed = false;
    msrp_sink_close(s);
}

int msrp_sink_keep(msrp_sink *s)
{
    if (s->kind == MSRP_SINK_FILE)
        return msrp_sink_file_keep(s);
    msrp_sink_discard(s);
    s->err = EINVAL;
    return MSRP_EIO;
}
