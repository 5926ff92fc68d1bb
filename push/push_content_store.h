/* push_content_store.h - content the PSA sends by reference (seed 000
 * §8.3.6, RFC 4483), kept until the expiration written in its
 * message/external-body: each piece under a token a peer cannot guess
 * (PUSH_CONTENT_STORE_TOKEN_BITS from the CSPRNG, base/sp_random.h) that
 * the caller puts in the URL it serves it at.
 *
 * Sans-IO: a table; the clock is the caller's (wall seconds), the HTTP side
 * (tools/content_store.c) is the caller's. Bounded: at most max_items
 * pieces and max_bytes of content at once; a put past either (after
 * dropping the expired) is refused. Expired pieces are dropped whenever the
 * store is used. */
#ifndef SIPPUSH_PUSH_CONTENT_STORE_H
#define SIPPUSH_PUSH_CONTENT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sp_export.h"
#include "sp_str.h"

#define PUSH_CONTENT_STORE_TOKEN_BITS 128
#define PUSH_CONTENT_STORE_TOKEN_MAX 40     /* characters of a token; its buffer needs one more */
#define PUSH_CONTENT_STORE_MAX_ITEMS_DEFAULT 1024u
#define PUSH_CONTENT_STORE_MAX_BYTES_DEFAULT (256ull * 1024 * 1024)

typedef struct push_content_store push_content_store;

/* max_items, max_bytes: 0 for the defaults. NULL when out of memory. */
SP_API push_content_store *push_content_store_new(size_t max_items, uint64_t max_bytes);
SP_API void push_content_store_free(push_content_store *s);

/* Keeps a copy of body (of type) until expires (wall seconds; it is gone
 * from that second on) under a fresh token of [A-Za-z0-9], written
 * NUL-terminated into token. Returns 0; SP_ELIMIT when the store is full
 * (max_items pieces, or body would pass max_bytes); SP_ENOSPC when token is
 * too small; -ENOMEM; or the CSPRNG's error (nothing is kept without
 * randomness). */
SP_API int push_content_store_put(push_content_store *s, sp_str type, sp_str body, int64_t expires, int64_t now,
                                  char *token, size_t cap);

typedef struct push_content {
    sp_str type, body;       /* valid until the store is next changed */
    int64_t expires;
} push_content;

/* The piece of token when it has not expired at now. */
SP_API bool push_content_store_get(push_content_store *s, sp_str token, int64_t now, push_content *out);

/* Pieces and bytes held (expired ones included until the next use). */
SP_API size_t push_content_store_count(const push_content_store *s);
SP_API uint64_t push_content_store_bytes(const push_content_store *s);

#endif
