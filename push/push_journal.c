/* push_journal.c - see push_journal.h. */
#include <stdlib.h>
#include <string.h>

#include "push_journal.h"
#include "sp_buf.h"
#include "sp_crc32c.h"

enum { FLAG_INDIRECT = 1, FLAG_CONFIRM = 2, NSTRINGS = 9 };
enum { FLAG_THIRD_PARTY = 1, FLAG_GRUU = 2 };

static void strings_of(const push_psa_push *p, const sp_str *out[NSTRINGS])
{
    const sp_str *s[NSTRINGS] = {&p->to, &p->target, &p->app, &p->content_type, &p->headers,
                                 &p->body, &p->call_id, &p->from_tag, &p->transfer_id};
    memcpy(out, s, sizeof s);
}

uint64_t push_journal_binding_id(sp_str aor, sp_str contact)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < aor.n; i++)
        h = (h ^ (unsigned char)aor.p[i]) * 1099511628211ull;
    h = (h ^ 0x100) * 1099511628211ull; /* a separator no byte makes */
    for (size_t i = 0; i < contact.n; i++)
        h = (h ^ (unsigned char)contact.p[i]) * 1099511628211ull;
    return h | PUSH_JOURNAL_BINDING_BIT;
}

static size_t payload_size(const push_jrec *r)
{
    size_t n = 1 + 8;
    if (r->kind == PUSH_JREC_END)
        return n + 2 + 1;
    if (r->kind == PUSH_JREC_BIND)
        return n + 1 + 8 + 12 + r->bind.aor.n + r->bind.contact.n + r->bind.params.n;
    if (r->kind == PUSH_JREC_UNBIND)
        return n + 8 + r->bind.aor.n + r->bind.contact.n;
    const sp_str *s[NSTRINGS];
    strings_of(&r->push, s);
    n += 1 + 1 + 4;
    for (size_t i = 0; i < NSTRINGS; i++)
        n += 4 + s[i]->n;
    return n;
}

size_t push_journal_size(const push_jrec *r) { return PUSH_JOURNAL_HEAD + payload_size(r); }

static unsigned char *put_le(unsigned char *at, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        *at++ = (unsigned char)(v >> (8 * i));
    return at;
}

static unsigned char *put_str(unsigned char *at, sp_str s)
{
    at = put_le(at, s.n, 4);
    if (s.n)
        memcpy(at, s.p, s.n);
    return at + s.n;
}

static uint64_t get_le(const unsigned char *at, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v |= (uint64_t)at[i] << (8 * i);
    return v;
}

long push_journal_encode(const push_jrec *r, char *out, size_t cap)
{
    size_t pn = payload_size(r);
    if (pn > UINT32_MAX || cap < PUSH_JOURNAL_HEAD + pn)
        return SP_ENOSPC;
    unsigned char *at = (unsigned char *)out + PUSH_JOURNAL_HEAD;
    *at++ = (unsigned char)r->kind;
    at = put_le(at, r->id, 8);
    if (r->kind == PUSH_JREC_END) {
        at = put_le(at, r->status, 2);
        *at++ = r->delivered;
    } else if (r->kind == PUSH_JREC_BIND || r->kind == PUSH_JREC_UNBIND) {
        if (r->kind == PUSH_JREC_BIND) {
            *at++ = (unsigned char)((r->bind.third_party ? FLAG_THIRD_PARTY : 0) | (r->bind.gruu ? FLAG_GRUU : 0));
            at = put_le(at, r->bind.until_ms, 8);
        }
        at = put_str(at, r->bind.aor);
        at = put_str(at, r->bind.contact);
        if (r->kind == PUSH_JREC_BIND)
            at = put_str(at, r->bind.params);
    } else {
        *at++ = (unsigned char)r->push.ask;
        *at++ = (unsigned char)((r->push.indirect ? FLAG_INDIRECT : 0) | (r->push.confirm ? FLAG_CONFIRM : 0));
        at = put_le(at, r->push.cseq, 4);
        const sp_str *s[NSTRINGS];
        strings_of(&r->push, s);
        for (size_t i = 0; i < NSTRINGS; i++)
            at = put_str(at, *s[i]);
    }
    put_le((unsigned char *)out, pn, 4);
    uint32_t crc = sp_crc32c(sp_crc32c(0, out, 4), out + PUSH_JOURNAL_HEAD, pn);
    put_le((unsigned char *)out + 4, crc, 4);
    return (long)(PUSH_JOURNAL_HEAD + pn);
}

/* A reader over the payload that refuses to pass its end. */
typedef struct reader {
    const unsigned char *p;
    size_t left;
    bool bad;
} reader;

static uint64_t take_le(reader *rd, int bytes)
{
    if (rd->bad || rd->left < (size_t)bytes) {
        rd->bad = true;
        return 0;
    }
    uint64_t v = get_le(rd->p, bytes);
    rd->p += bytes, rd->left -= (size_t)bytes;
    return v;
}

static sp_str take_str(reader *rd)
{
    uint64_t n = take_le(rd, 4);
    if (rd->bad || n > rd->left) {
        rd->bad = true;
        return SP_STR_NULL;
    }
    sp_str s = n ? sp_str_make((const char *)rd->p, (size_t)n) : SP_STR_NULL;
    rd->p += n, rd->left -= (size_t)n;
    return s;
}

static int corrupt(sp_error *err, size_t at, const char *why) { return sp_fail(err, SP_EINVAL, at, 0, why); }

long push_journal_decode(const char *buf, size_t len, size_t max, push_jrec *r, sp_error *err)
{
    memset(r, 0, sizeof *r);
    if (len < PUSH_JOURNAL_HEAD)
        return SP_AGAIN;
    const unsigned char *u = (const unsigned char *)buf;
    uint64_t pn = get_le(u, 4);
    if (pn > max)
        return corrupt(err, 0, "record length over the limit");
    if (len - PUSH_JOURNAL_HEAD < pn)
        return SP_AGAIN;
    if (sp_crc32c(sp_crc32c(0, buf, 4), buf + PUSH_JOURNAL_HEAD, (size_t)pn) != (uint32_t)get_le(u + 4, 4))
        return corrupt(err, 4, "record checksum does not match");
    reader rd = {.p = u + PUSH_JOURNAL_HEAD, .left = (size_t)pn};
    r->kind = (push_jrec_kind)take_le(&rd, 1);
    r->id = take_le(&rd, 8);
    if (r->kind == PUSH_JREC_END) {
        r->status = (unsigned)take_le(&rd, 2);
        uint64_t d = take_le(&rd, 1);
        if (d > 1)
            rd.bad = true;
        r->delivered = d == 1;
    } else if (r->kind == PUSH_JREC_PUSH) {
        uint64_t ask = take_le(&rd, 1), flags = take_le(&rd, 1);
        if (ask > PUSH_ASK_INVITE || flags & ~(uint64_t)(FLAG_INDIRECT | FLAG_CONFIRM))
            rd.bad = true;
        r->push.ask = (push_ask)ask;
        r->push.indirect = flags & FLAG_INDIRECT;
        r->push.confirm = flags & FLAG_CONFIRM;
        r->push.cseq = (uint32_t)take_le(&rd, 4);
        sp_str *s[NSTRINGS] = {&r->push.to, &r->push.target, &r->push.app, &r->push.content_type, &r->push.headers,
                               &r->push.body, &r->push.call_id, &r->push.from_tag, &r->push.transfer_id};
        for (size_t i = 0; i < NSTRINGS; i++)
            *s[i] = take_str(&rd);
    } else if (r->kind == PUSH_JREC_BIND || r->kind == PUSH_JREC_UNBIND) {
        if (r->kind == PUSH_JREC_BIND) {
            uint64_t flags = take_le(&rd, 1);
            if (flags & ~(uint64_t)(FLAG_THIRD_PARTY | FLAG_GRUU))
                rd.bad = true;
            r->bind.third_party = flags & FLAG_THIRD_PARTY;
            r->bind.gruu = flags & FLAG_GRUU;
            r->bind.until_ms = take_le(&rd, 8);
        }
        r->bind.aor = take_str(&rd);
        r->bind.contact = take_str(&rd);
        if (r->kind == PUSH_JREC_BIND)
            r->bind.params = take_str(&rd);
        if (!rd.bad && r->id != push_journal_binding_id(r->bind.aor, r->bind.contact))
            return corrupt(err, PUSH_JOURNAL_HEAD, "binding record under another binding's id");
    } else {
        return corrupt(err, PUSH_JOURNAL_HEAD, "unknown record kind");
    }
    bool binding = r->kind == PUSH_JREC_BIND || r->kind == PUSH_JREC_UNBIND;
    if (!binding && r->id & PUSH_JOURNAL_BINDING_BIT)
        rd.bad = true; /* push ids stay below the bindings' */
    if (rd.bad || rd.left || !r->id)
        return corrupt(err, PUSH_JOURNAL_HEAD, "record fields do not fill its length");
    return (long)(PUSH_JOURNAL_HEAD + pn);
}

/* --- replay ---------------------------------------------------------------------- */

/* The offset of each id's last record: open addressing over a power-of-two
 * table (ids are never 0). */
typedef struct last_map {
    uint64_t *id;
    uint64_t *at;
    size_t mask;
} last_map;

static size_t id_hash(uint64_t id, size_t mask) { return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 17) & mask; }

static size_t last_slot(const last_map *m, uint64_t id)
{
    size_t i = id_hash(id, m->mask);
    while (m->id[i] && m->id[i] != id)
        i = (i + 1) & m->mask;
    return i;
}

/* Walks the good prefix; calls fn on each record with its offset. */
static void walk(const char *buf, size_t len, size_t max, void (*fn)(void *ctx, const push_jrec *r, uint64_t at),
                 void *ctx, push_journal_replay_stats *st)
{
    memset(st, 0, sizeof *st);
    st->next_id = 1;
    size_t at = 0;
    while (at < len) {
        push_jrec r;
        sp_error err;
        long n = push_journal_decode(buf + at, len - at, max, &r, &err);
        if (n < 0) {
            st->stop = (int)n;
            break;
        }
        st->records++;
        if (!(r.id & PUSH_JOURNAL_BINDING_BIT) && r.id >= st->next_id)
            st->next_id = r.id + 1;
        fn(ctx, &r, at);
        at += (size_t)n;
    }
    st->valid = at;
}

typedef struct replay_ctx {
    last_map last;
    void (*on_live)(void *ctx, const push_jrec *r);
    void *ctx;
    push_journal_replay_stats *st;
} replay_ctx;

static void nothing(void *ctx, const push_jrec *r, uint64_t at) { (void)ctx, (void)r, (void)at; }

static void note_last(void *ctx, const push_jrec *r, uint64_t at)
{
    replay_ctx *c = ctx;
    size_t i = last_slot(&c->last, r->id);
    c->last.id[i] = r->id;
    c->last.at[i] = at;
}

static void live_pass(void *ctx, const push_jrec *r, uint64_t at)
{
    replay_ctx *c = ctx;
    bool last = c->last.at[last_slot(&c->last, r->id)] == at;
    if (r->kind == PUSH_JREC_PUSH) {
        c->st->accepted++;
        if (!last) {
            c->st->ended++;
            return;
        }
        c->st->live++;
    } else if (r->kind == PUSH_JREC_BIND && last) {
        c->st->bindings++;
    } else {
        return;
    }
    c->on_live(c->ctx, r);
}

int push_journal_replay(const char *buf, size_t len, size_t max, void (*on_live)(void *ctx, const push_jrec *r),
                        void *ctx, push_journal_replay_stats *st)
{
    /* first the records, to size the map (at most one id per record) */
    walk(buf, len, max, nothing, NULL, st);
    size_t cap = 16;
    while (cap < 2 * st->records + 2)
        cap *= 2;
    replay_ctx c = {.last = {.id = calloc(cap, sizeof(uint64_t)), .at = calloc(cap, sizeof(uint64_t)),
                             .mask = cap - 1},
                    .on_live = on_live, .ctx = ctx, .st = st};
    int rc = 0;
    if (!c.last.id || !c.last.at) {
        rc = -ENOMEM;
    } else {
        walk(buf, len, max, note_last, &c, st);
        walk(buf, len, max, live_pass, &c, st); /* starts the counts afresh: they are this pass's */
    }
    free(c.last.id);
    free(c.last.at);
    return rc;
}
