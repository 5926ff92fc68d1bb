/* push_buf_impl.h - how the push builders end an sp_buf (sp_buf.h): the
 * text is NUL-terminated for callers that hand it on as a C string, and an
 * overflow becomes the SP_ELIMIT of the return convention. */
#ifndef SIPPUSH_PUSH_BUF_IMPL_H
#define SIPPUSH_PUSH_BUF_IMPL_H

#include "sp_buf.h"
#include "sp_error.h"

/* The length written, or SP_ELIMIT when the text and its NUL did not fit. */
static inline int push_buf_end(sp_buf *b, sp_error *err)
{
    if (b->overflow || b->len >= b->cap)
        return sp_fail(err, SP_ELIMIT, b->len, 0, "output buffer too small");
    b->p[b->len] = '\0';
    return (int)b->len;
}

#endif
