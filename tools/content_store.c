/* content_store.c - see content_store.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "content_store.h"
#include "sp_random.h"

#define TOKEN_MAX 40

typedef struct piece {
    struct piece *next;
    char token[TOKEN_MAX + 1];
    char *type, *body;
    size_t body_len;
    time_t expires;
} piece;

struct content_store {
    piece *list;
    size_t count, max_items;
    uint64_t bytes, max_bytes;
};

content_store *content_store_new(size_t max_items, uint64_t max_bytes)
{
    content_store *s = calloc(1, sizeof *s);
    if (s) {
        s->max_items = max_items ? max_items : CONTENT_STORE_MAX_ITEMS_DEFAULT;
        s->max_bytes = max_bytes ? max_bytes : CONTENT_STORE_MAX_BYTES_DEFAULT;
    }
    return s;
}

static void piece_free(content_store *s, piece **at)
{
    piece *p = *at;
    *at = p->next;
    s->count--;
    s->bytes -= p->body_len;
    free(p->type);
    free(p->body);
    free(p);
}

void content_store_free(content_store *s)
{
    if (!s)
        return;
    while (s->list)
        piece_free(s, &s->list);
    free(s);
}

/* RFC 4483 §4: the reference is good until its expiration, not after. */
static void drop_expired(content_store *s, time_t now)
{
    for (piece **at = &s->list; *at;)
        if ((*at)->expires <= now)
            piece_free(s, at);
        else
            at = &(*at)->next;
}

static char *dup_str(sp_str v)
{
    char *d = malloc(v.n + 1);
    if (d) {
        memcpy(d, v.p, v.n);
        d[v.n] = '\0';
    }
    return d;
}

int content_store_put(content_store *s, sp_str base, sp_str type, sp_str body, time_t expires, char *url,
                      size_t cap)
{
    drop_expired(s, time(NULL));
    if (s->count >= s->max_items || body.n > s->max_bytes - s->bytes)
        return -1;
    piece *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    size_t tlen = sp_random_token_len(CONTENT_STORE_TOKEN_BITS, strlen(SP_RANDOM_ALNUM));
    int n;
    if (tlen > TOKEN_MAX || sp_random_token(p->token, tlen, SP_RANDOM_ALNUM) != 0 || !(p->type = dup_str(type)) ||
        !(p->body = body.n ? malloc(body.n) : malloc(1)) ||
        (n = snprintf(url, cap, "%.*s" CONTENT_STORE_PREFIX "%s", (int)base.n, base.p, p->token)) < 0 ||
        (size_t)n >= cap) {
        free(p->type);
        free(p->body);
        free(p);
        return -1;
    }
    memcpy(p->body, body.p, body.n);
    p->body_len = body.n;
    p->expires = expires;
    p->next = s->list;
    s->list = p;
    s->count++;
    s->bytes += body.n;
    return 0;
}

void content_store_serve(content_store *s, http_exchange *x, const push_http_req *req, time_t now)
{
    drop_expired(s, now);
    sp_str tok = sp_str_make(req->path.p + strlen(CONTENT_STORE_PREFIX), req->path.n - strlen(CONTENT_STORE_PREFIX));
    if (!sp_str_eq(req->method, SP_LIT("GET"))) {
        http_exchange_respond(x, 405, SP_LIT("text/plain"), SP_LIT("GET only"), SP_LIT("Allow: GET\r\n"));
        return;
    }
    for (piece *p = s->list; p; p = p->next)
        if (sp_str_eq(tok, sp_str_cstr(p->token))) {
            char extra[96];
            /* no cache may keep it past the reference's life */
            long left = (long)(p->expires - now);
            snprintf(extra, sizeof extra, "Cache-Control: private, max-age=%ld\r\n", left);
            http_exchange_respond(x, 200, sp_str_cstr(p->type),
                                  sp_str_make(p->body, p->body_len), sp_str_cstr(extra));
            return;
        }
    http_exchange_respond(x, 404, SP_LIT("text/plain"), SP_LIT("no such content"), sp_str_make("", 0));
}

size_t content_store_count(const content_store *s) { return s->count; }
