/* push_filetype.h - the media type of a push content from its file name,
 * for a sender that was given no type: ordinary user agents refuse
 * application/octet-stream for text (415), and a name like "notes.txt"
 * says what it holds. */
#ifndef SIPPUSH_PUSH_FILETYPE_H
#define SIPPUSH_PUSH_FILETYPE_H

#include "sp_export.h"

#include "sp_str.h"

/* The type registered for name's extension (the text after its last '.',
 * case-insensitive) when the extension names one type only, e.g. "txt" ->
 * text/plain, "jpg" -> image/jpeg; absent (SP_STR_NULL) for no extension,
 * an unknown one, or one several types share. A path's folders are no
 * part of the name. */
SP_API sp_str push_filetype_of(sp_str name);

#endif
