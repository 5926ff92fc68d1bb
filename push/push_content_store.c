/* push_content_store.c - see push_content_store.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "push_content_store.h"
#include "sp_error.h"
#include "sp_random.h"

typedef struct piece {
    struct piece *next;
    char token[PUSH_CONTENT_STORE_TOKEN_MAX + 1];
    char *type, *body;
    size_t type_len, body_len;
    int64_t expires;
} piece;

struct push_content_store {
    piece *list;
    size_t count, max_items;
    uint64_t bytes, max_bytes;
};

push_content_store *push_content_store_new(size_t max_items, uint64_t max_bytes)
{
    push_content_store *s = calloc(1, sizeof *s);
    if (s) {
        s->max_items = max_items ? max_items : PUSH_CONTENT_STORE_MAX_ITEMS_DEFAULT;
        s->max_bytes = max_bytes ? max_bytes : PUSH_CONTENT_STORE_MAX_BYTES_DEFAULT;
    }
    return s;
}

static void piece_free(push_content_store *s, piece **at)
{
    piece *p = *at;
    *at = p->next;
    s->count--;
    s->bytes -= p->body_len;
    free(p->type);
    free(p->body);
    free(p);
}

void push_content_store_free(push_content_store *s)
{
    if (!s)
        return;
    while (s->list)
        piece_free(s, &s->list);
    free(s);
}

/* RFC 4483 §4: the reference is good until its expiration, not after. */
static void drop_expired(push_content_store *s, int64_t now)
{
    for (piece **at = &s->list; *at;)
        if ((*at)->expires <= now)
            piece_free(s, at);
        else
            at = &(*at)->next;
}

int push_content_store_put(push_content_store *s, sp_str type, sp_str body, int64_t expires, int64_t now,
                           char *token, size_t cap)
{
    drop_expired(s, now);
    if (s->count >= s->max_items || body.n > s->max_bytes - s->bytes)
        return SP_ELIMIT;
    size_t tlen = sp_random_token_len(PUSH_CONTENT_STORE_TOKEN_BITS, strlen(SP_RANDOM_ALNUM));
    if (tlen > PUSH_CONTENT_STORE_TOKEN_MAX || cap <= tlen)
        return SP_ENOSPC;
    piece *p = calloc(1, sizeof *p);
    if (!p || !(p->type = malloc(type.n + 1)) || !(p->body = malloc(body.n ? body.n : 1))) {
        if (p)
            free(p->type);
        free(p);
        return -ENOMEM;
    }
    int rc = sp_random_token(p->token, tlen, SP_RANDOM_ALNUM);
    if (rc != 0) {
        free(p->type);
        free(p->body);
        free(p);
        return rc < 0 ? rc : -EIO;
    }
    if (type.n)
        memcpy(p->type, type.p, type.n);
    p->type[type.n] = '\0';
    p->type_len = type.n;
    if (body.n)
        memcpy(p->body, body.p, body.n);
    p->body_len = body.n;
    p->expires = expires;
    p->next = s->list;
    s->list = p;
    s->count++;
    s->bytes += body.n;
    memcpy(token, p->token, tlen + 1);
    return 0;
}

bool push_content_store_get(push_content_store *s, sp_str token, int64_t now, push_content *out)
{
    drop_expired(s, now);
    for (const piece *p = s->list; p; p = p->next)
        if (sp_str_eq(token, sp_str_cstr(p->token))) {
            *out = (push_content){.type = sp_str_make(p->type, p->type_len),
                                  .body = sp_str_make(p->body, p->body_len), .expires = p->expires};
            return true;
        }
    return false;
}

size_t push_content_store_count(const push_content_store *s) { return s->count; }

uint64_t push_content_store_bytes(const push_content_store *s) { return s->bytes; }
