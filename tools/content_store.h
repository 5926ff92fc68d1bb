/* content_store.h - content the PSA sends by reference (seed 000 §8.3.6,
 * RFC 4483) and serves itself over HTTP: each piece under an unguessable
 * URL (128 bits from the CSPRNG) until the expiration written in its
 * message/external-body, then 404.
 *
 * Bounded: at most max_items pieces and max_bytes of content at once; a
 * put past either (after dropping the expired) fails. Expired pieces are
 * dropped whenever the store is used. */
#ifndef SIPPUSH_CONTENT_STORE_H
#define SIPPUSH_CONTENT_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http_server.h"

#define CONTENT_STORE_PREFIX "/c/"
#define CONTENT_STORE_TOKEN_BITS 128
#define CONTENT_STORE_MAX_ITEMS_DEFAULT 1024u
#define CONTENT_STORE_MAX_BYTES_DEFAULT (256ull * 1024 * 1024)

typedef struct content_store content_store;

content_store *content_store_new(size_t max_items, uint64_t max_bytes);
void content_store_free(content_store *s);

/* Keeps a copy of body (of type) until expires (wall clock, seconds) at a
 * fresh URL, base (http://HOST:PORT) + CONTENT_STORE_PREFIX + token,
 * written NUL-terminated into url. 0, or -1: full, out of memory, url too
 * small, or no randomness. */
int content_store_put(content_store *s, sp_str base, sp_str type, sp_str body, time_t expires, char *url,
                      size_t cap);

/* Answers a request whose path starts with CONTENT_STORE_PREFIX: a GET gets 200
 * with the content, or 404 when unknown or expired; another method 405. */
void content_store_serve(content_store *s, http_exchange *x, const push_http_req *req, time_t now);

size_t content_store_count(const content_store *s);

#endif
