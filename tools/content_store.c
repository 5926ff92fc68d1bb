/* content_store.c - see content_store.h. */
#include <stdio.h>
#include <string.h>

#include "content_store.h"

int content_store_put(push_content_store *s, sp_str base, sp_str type, sp_str body, time_t expires, char *url,
                      size_t cap)
{
    int n = snprintf(url, cap, "%.*s" CONTENT_STORE_PREFIX, (int)base.n, base.p);
    /* the token is written after the prefix; one that does not fit is refused before anything is kept */
    if (n < 0 || (size_t)n >= cap ||
        push_content_store_put(s, type, body, (int64_t)expires, (int64_t)time(NULL), url + n, cap - (size_t)n) != 0)
        return -1;
    return 0;
}

void content_store_serve(push_content_store *s, http_exchange *x, const push_http_req *req, time_t now)
{
    sp_str tok = sp_str_make(req->path.p + strlen(CONTENT_STORE_PREFIX), req->path.n - strlen(CONTENT_STORE_PREFIX));
    if (!sp_str_eq(req->method, SP_LIT("GET"))) {
        http_exchange_respond(x, 405, SP_LIT("text/plain"), SP_LIT("GET only"), SP_LIT("Allow: GET\r\n"));
        return;
    }
    push_content c;
    if (!push_content_store_get(s, tok, (int64_t)now, &c)) {
        http_exchange_respond(x, 404, SP_LIT("text/plain"), SP_LIT("no such content"), sp_str_make("", 0));
        return;
    }
    char extra[96];
    /* no cache may keep it past the reference's life */
    snprintf(extra, sizeof extra, "Cache-Control: private, max-age=%lld\r\n", (long long)(c.expires - (int64_t)now));
    http_exchange_respond(x, 200, c.type, c.body, sp_str_cstr(extra));
}
