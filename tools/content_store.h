/* content_store.h - the HTTP side of the content the PSA sends by reference
 * (seed 000 §8.3.6, RFC 4483): kept in a push_content_store
 * (push/push_content_store.h) and served at base + CONTENT_STORE_PREFIX +
 * its token until the expiration written in its message/external-body,
 * then 404. */
#ifndef SIPPUSH_CONTENT_STORE_H
#define SIPPUSH_CONTENT_STORE_H

#include <stddef.h>
#include <time.h>

#include "http_server.h"
#include "push_content_store.h"

#define CONTENT_STORE_PREFIX "/c/"

/* Keeps a copy of body (of type) until expires and writes its URL, base
 * (http://HOST:PORT) + CONTENT_STORE_PREFIX + token, NUL-terminated into
 * url. 0, or -1: full, out of memory, url too small, or no randomness. */
int content_store_put(push_content_store *s, sp_str base, sp_str type, sp_str body, time_t expires, char *url,
                      size_t cap);

/* Answers a request whose path starts with CONTENT_STORE_PREFIX: a GET gets 200
 * with the content, or 404 when unknown or expired; another method 405. */
void content_store_serve(push_content_store *s, http_exchange *x, const push_http_req *req, time_t now);

#endif
