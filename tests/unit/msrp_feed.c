/* msrp_feed.c - see msrp_feed.h. */
#include "msrp_feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guard.h"

typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void put(text *t, const void *s, size_t n)
{
    if (t->len + n > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (cap < t->len + n)
            cap *= 2;
        t->p = realloc(t->p, cap);
        if (!t->p)
            abort();
        t->cap = cap;
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }
static void put_str(text *t, sp_str s) { put(t, s.p, s.n); }

static void put_head(text *t, const msrp_head *h)
{
    char line[128];
    snprintf(line, sizeof line, "HEAD@%lu req=%d status=%u body=%d len=%lu\n", (unsigned long)h->offset,
             h->is_request, (unsigned)h->status, h->has_body, (unsigned long)h->length);
    puts_(t, line);
    put_str(t, msrp_head_str(h, h->tid));
    puts_(t, "|");
    put_str(t, msrp_head_str(h, h->method));
    puts_(t, "|");
    if (h->has_comment)
        put_str(t, msrp_head_str(h, h->comment));
    puts_(t, "\n");
    for (uint32_t i = 0; i < h->nheaders; i++) {
        snprintf(line, sizeof line, "%u:", h->headers[i].id);
        puts_(t, line);
        put_str(t, msrp_head_str(h, h->headers[i].name));
        puts_(t, "=");
        put_str(t, msrp_head_str(h, h->headers[i].value));
        puts_(t, "\n");
    }
    puts_(t, "BODY:");
}

void feed_cuts(const char *data, size_t len, const size_t *cuts, size_t ncuts, const msrp_limits *lim,
               feed_out *out)
{
    msrp_parser p;
    msrp_parser_init(&p, lim);
    memset(out, 0, sizeof *out);
    text t = {0};
    char *rx = malloc(len + 1);
    size_t kept = 0, at = 0;
    if (!rx)
        abort();
    for (size_t c = 0; c <= ncuts && !out->error; c++) {
        size_t upto = c < ncuts ? cuts[c] : len;
        if (upto < at || upto > len)
            continue;
        memcpy(rx + kept, data + at, upto - at);
        kept += upto - at;
        at = upto;
        for (;;) {
            const char *buf = guard_copy(rx, kept);
            msrp_event ev;
            sp_error err = {0, NULL, 0};
            int rc = msrp_parse(&p, buf, kept, &ev, &err);
            if (rc == SP_AGAIN)
                break;
            if (rc < 0) {
                char line[160];
                snprintf(line, sizeof line, "\nERROR %d at %lu (%d): %s\n", rc, (unsigned long)err.offset, err.status, err.reason);
                puts_(&t, line);
                out->error = rc;
                out->offset = err.offset;
                break;
            }
            if (ev.kind == MSRP_EV_HEAD) {
                put_head(&t, &p.head);
            } else {
                put_str(&t, ev.body);
                if (ev.kind == MSRP_EV_END) {
                    char line[64];
                    snprintf(line, sizeof line, "\nEND %c body_len=%lu\n", ev.flag, (unsigned long)p.body_len);
                    puts_(&t, line);
                    out->frames++;
                }
            }
            memmove(rx, rx + rc, kept - (size_t)rc);
            kept -= (size_t)rc;
        }
        if (kept > out->max_kept)
            out->max_kept = kept;
    }
    if (!out->error && !msrp_parser_idle(&p)) {
        puts_(&t, "\nTRUNCATED\n");
        out->error = SP_AGAIN;
        out->offset = len;
    }
    put(&t, "", 1);
    out->text = t.p;
    out->len = t.len;
    free(rx);
}

void feed_whole(const char *data, size_t len, const msrp_limits *lim, feed_out *out)
{
    feed_cuts(data, len, NULL, 0, lim, out);
}

void feed_free(feed_out *out)
{
    free(out->text);
    out->text = NULL;
}

char *feed_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(n > 0 ? (size_t)n : 1);
    if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = n > 0 ? (size_t)n : 0;
    return buf;
}
