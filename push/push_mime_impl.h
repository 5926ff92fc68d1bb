/* push_mime_impl.h - MIME entity header lines (RFC 2045 §3, RFC 5322 §2.2):
 * shared by the readers of external-body parts and CPIM messages. */
#ifndef SIPPUSH_PUSH_MIME_IMPL_H
#define SIPPUSH_PUSH_MIME_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "sp_str.h"

/* Reads the header line starting at b.p[i] ("Name: value", CRLF or LF,
 * continuation lines starting with SP / HTAB belong to the value). Returns
 * the index after it, or 0 when malformed (no colon, empty name, a control
 * character or space in the name, a NUL anywhere). */
size_t push_mime_header_line(sp_str b, size_t i, sp_str *name, sp_str *value);

/* true when b.p[i] starts the empty line that ends a header block; *after
 * is the index past it. */
bool push_mime_blank_line(sp_str b, size_t i, size_t *after);

#endif
