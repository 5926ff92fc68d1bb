/* http_post.h - an HTTP/1.1 POST on the event loop, retried while the
 * server cannot be reached: how the PAP gateway delivers a
 * resultnotification-message to the initiator's ppg-notify-requested-to.
 *
 * One connection per attempt (Connection: close). A failed connect, a
 * connection lost before the whole response, or no response within
 * HTTP_POST_TIMEOUT_MS is retried after 1 s, then 2 s, 4 s... up to
 * retries more times; any whole response ends the POST, whatever its
 * status. done is called once, with the response's status and body (valid
 * during the call), or status 0 when every attempt failed. */
#ifndef SIPPUSH_HTTP_POST_H
#define SIPPUSH_HTTP_POST_H

#include <stddef.h>

#include "sp_str.h"
#include "tp_loop.h"

#define HTTP_POST_TIMEOUT_MS 10000u
#define HTTP_POST_RETRIES_DEFAULT 3u
#define HTTP_POST_MAX_RESPONSE (64u * 1024u)

typedef struct http_poster http_poster;
typedef void (*http_post_done)(void *ctx, unsigned status, sp_str body);

/* The set of POSTs of one process: at most max_posts at once. */
http_poster *http_poster_new(tp_loop *loop, size_t max_posts);
/* Drops every POST in progress without calling done. */
void http_poster_free(http_poster *p);

/* Starts a POST of body (copied) to url (http://HOST[:PORT]/path; a name
 * is resolved now, blocking). 0, or -1 for a bad URL, an unknown host, too
 * many POSTs or no memory (done is not called then). */
int http_post_start(http_poster *p, sp_str url, sp_str content_type, sp_str body, unsigned retries,
                    http_post_done done, void *ctx);

#endif
