/* psa_accept.c - see psa_accept.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "psa_accept.h"

/* A push between its acceptance and its outcome. */
typedef struct accepted {
    psa_accept *owner;
    uint64_t id;
    tp_unix_conn *conn;     /* waiting for the outcome; NULL when answered or after a restart */
    bool reply_accepted;
    struct accepted *next;  /* the batch waiting for its commit */
    struct accepted *out_prev, *out_next; /* every push not ended: freed with the acceptor */
} accepted;

struct psa_accept {
    tp_loop *loop;
    push_psa *psa;
    json_out *out;
    psa_journal *journal;
    psa_accept_reply_fn reply;
    void *ctx;
    uint64_t next_id;       /* without a journal */
    tp_defer commit;
    accepted *batch, **batch_end;
    accepted *outstanding;
    bool restoring;         /* bindings being made again from the journal */
};

static accepted *accepted_new(psa_accept *a, uint64_t id, tp_unix_conn *c, bool reply_accepted)
{
    accepted *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    *e = (accepted){.owner = a, .id = id, .conn = c, .reply_accepted = reply_accepted, .out_next = a->outstanding};
    if (a->outstanding)
        a->outstanding->out_prev = e;
    a->outstanding = e;
    return e;
}

static void accepted_free(accepted *e)
{
    psa_accept *a = e->owner;
    if (e->out_prev)
        e->out_prev->out_next = e->out_next;
    else
        a->outstanding = e->out_next;
    if (e->out_next)
        e->out_next->out_prev = e->out_prev;
    free(e);
}

static void print_accepted_line(json_out *j, uint64_t id)
{
    json_object_begin(j);
    json_kv_cstr(j, "event", "accepted");
    json_kv_u64(j, "id", id);
    json_object_end(j);
}

static void answer_accepted(accepted *e)
{
    char *text = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&text, &n);
    if (m) {
        json_out j;
        json_init(&j, m);
        print_accepted_line(&j, e->id);
        json_line_end(&j);
        fclose(m);
    }
    if (tp_unix_reply(e->conn, text ? text : "", text ? n : 0) != 0)
        fprintf(stderr, "sippush psa: the control client left before its answer\n");
    free(text);
    e->conn = NULL;
}

static void on_done(void *ctx, const push_psa_result *r)
{
    accepted *e = ctx;
    psa_accept *a = e->owner;
    if (a->journal) {
        push_jrec end = {.kind = PUSH_JREC_END, .id = e->id, .status = r->status, .delivered = r->delivered};
        if (psa_journal_add(a->journal, &end) != 0)
            fprintf(stderr, "sippush psa: out of memory for the journal: push %llu ended unrecorded\n",
                    (unsigned long long)e->id);
        tp_loop_defer(a->loop, &a->commit); /* nothing waits for it: a lost END only repeats a push */
    }
    json_object_begin(a->out);
    json_kv_cstr(a->out, "event", "push_ended");
    json_kv_u64(a->out, "id", e->id);
    json_kv_bool(a->out, "delivered", r->delivered);
    json_kv_u64(a->out, "status", r->status);
    if (!r->delivered && r->reason)
        json_kv_cstr(a->out, "reason", r->reason);
    json_object_end(a->out);
    json_line_end(a->out);
    if (e->conn)
        a->reply(a->ctx, e->conn, r);
    accepted_free(e);
}

static void start(accepted *e, const push_psa_push *p)
{
    push_psa_result now;
    if (push_psa_send(e->owner->psa, p, on_done, e, &now) != 0)
        on_done(e, &now);
}

/* The journal holds the push: it starts from its record. */
static void start_journaled(accepted *e)
{
    push_jrec r;
    if (!psa_journal_get(e->owner->journal, e->id, &r)) {
        push_psa_result lost = {.status = 500, .reason = "the push is missing from the journal"};
        on_done(e, &lost);
        return;
    }
    start(e, &r.push);
}

/* Group commit: one write and one sync for every push of the iteration. */
static void commit(void *ctx)
{
    psa_accept *a = ctx;
    accepted *batch = a->batch;
    a->batch = NULL;
    a->batch_end = &a->batch;
    int rc = psa_journal_commit(a->journal);
    if (rc != 0)
        fprintf(stderr, "sippush psa: the journal could not be written: %s\n", strerror(-rc));
    while (batch) {
        accepted *e = batch;
        batch = e->next;
        if (rc != 0) {
            psa_journal_forget(a->journal, e->id);
            push_psa_result r = {.method = PUSH_METHOD_MESSAGE, .status = 503, .retry = true,
                                 .reason = "the push could not be written to the journal"};
            if (e->conn)
                a->reply(a->ctx, e->conn, &r);
            accepted_free(e);
            continue;
        }
        if (e->reply_accepted)
            answer_accepted(e);
        start_journaled(e);
    }
}

psa_accept *psa_accept_new(tp_loop *loop, push_psa *psa, json_out *out, psa_journal *journal,
                           psa_accept_reply_fn reply, void *ctx)
{
    psa_accept *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    *a = (psa_accept){.loop = loop, .psa = psa, .out = out, .journal = journal, .reply = reply, .ctx = ctx,
                      .next_id = 1};
    a->batch_end = &a->batch;
    tp_defer_init(&a->commit, commit, a);
    return a;
}

void psa_accept_free(psa_accept *a)
{
    if (!a)
        return;
    tp_defer_cancel(&a->commit);
    while (a->outstanding) /* the batch's too: they are journaled or not, never answered */
        accepted_free(a->outstanding);
    free(a);
}

static void refuse(psa_accept *a, tp_unix_conn *c, const char *why)
{
    push_psa_result r = {.method = PUSH_METHOD_MESSAGE, .status = 503, .retry = true, .reason = why};
    a->reply(a->ctx, c, &r);
}

void psa_accept_push(psa_accept *a, tp_unix_conn *c, bool reply_accepted, const push_psa_push *p)
{
    accepted *e = accepted_new(a, 0, c, reply_accepted);
    if (!e) {
        refuse(a, c, "out of memory");
        return;
    }
    if (!a->journal) {
        e->id = a->next_id++;
        if (reply_accepted)
            answer_accepted(e);
        start(e, p);
        return;
    }
    /* the ids it goes with, kept so that a repeat after a restart is known
     * for one by the receiver (RFC 3428 §7, RFC 5547 §8) */
    char call_id[PUSH_TOKEN_MAX], tag[PUSH_TOKEN_MAX], tid[PUSH_TOKEN_MAX], unused[PUSH_TOKEN_MAX];
    if (!push_req_ids_new(call_id, tag) || !push_req_ids_new(tid, unused)) {
        accepted_free(e);
        refuse(a, c, "no randomness for the push's ids");
        return;
    }
    e->id = psa_journal_next_id(a->journal);
    push_jrec r = {.kind = PUSH_JREC_PUSH, .id = e->id, .push = *p};
    r.push.call_id = sp_str_cstr(call_id);
    r.push.from_tag = sp_str_cstr(tag);
    r.push.cseq = 1;
    r.push.transfer_id = sp_str_cstr(tid);
    int rc = psa_journal_add(a->journal, &r);
    if (rc != 0) {
        accepted_free(e);
        refuse(a, c, rc == SP_ELIMIT ? "the push is too large for the journal" : "out of memory for the journal");
        return;
    }
    *a->batch_end = e;
    a->batch_end = &e->next;
    tp_loop_defer(a->loop, &a->commit);
}

typedef struct id_list {
    uint64_t *ids;
    size_t n, cap;
} id_list;

static void collect(void *ctx, uint64_t id)
{
    id_list *l = ctx;
    if (id & PUSH_JOURNAL_BINDING_BIT)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256;
        uint64_t *ids = realloc(l->ids, cap * sizeof *ids);
        if (!ids)
            return;
        l->ids = ids, l->cap = cap;
    }
    l->ids[l->n++] = id;
}

void psa_accept_resume(psa_accept *a)
{
    if (!a->journal)
        return;
    /* the ids first: a push that fails at once ends, and leaves the live set */
    id_list l = {0};
    psa_journal_each(a->journal, collect, &l);
    for (size_t i = 0; i < l.n; i++) {
        accepted *e = accepted_new(a, l.ids[i], NULL, false);
        if (e)
            start_journaled(e);
        else
            fprintf(stderr, "sippush psa: out of memory: push %llu not started again\n", (unsigned long long)l.ids[i]);
    }
    free(l.ids);
}

static uint64_t wall_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

void psa_accept_binding(psa_accept *a, const push_psa_event *ev)
{
    if (!a || !a->journal || a->restoring)
        return;
    push_jrec r = {.kind = ev->kind == PUSH_PSA_EV_REGISTERED ? PUSH_JREC_BIND : PUSH_JREC_UNBIND,
                   .id = push_journal_binding_id(ev->aor, ev->contact),
                   .bind = {.aor = ev->aor, .contact = ev->contact}};
    if (r.kind == PUSH_JREC_BIND) {
        r.bind.params = ev->params;
        r.bind.third_party = ev->third_party;
        r.bind.gruu = ev->gruu;
        r.bind.until_ms = wall_ms() + (uint64_t)ev->expires * 1000u;
    }
    if (psa_journal_add(a->journal, &r) != 0)
        fprintf(stderr, "sippush psa: out of memory for the journal: a binding change unrecorded\n");
    tp_loop_defer(a->loop, &a->commit);
}

static void collect_bindings(void *ctx, uint64_t id)
{
    if (id & PUSH_JOURNAL_BINDING_BIT)
        collect(ctx, id & ~PUSH_JOURNAL_BINDING_BIT);
}

size_t psa_accept_restore_bindings(psa_accept *a)
{
    if (!a->journal)
        return 0;
    id_list l = {0};
    psa_journal_each(a->journal, collect_bindings, &l);
    uint64_t now = wall_ms();
    size_t made = 0;
    a->restoring = true; /* their REGISTERED events are the journal's own records */
    for (size_t i = 0; i < l.n; i++) {
        uint64_t id = l.ids[i] | PUSH_JOURNAL_BINDING_BIT;
        push_jrec r;
        if (!psa_journal_get(a->journal, id, &r))
            continue;
        if (r.bind.until_ms < now + 1000) {
            /* it ended while the psa was down */
            push_jrec u = {.kind = PUSH_JREC_UNBIND, .id = id, .bind = {.aor = r.bind.aor, .contact = r.bind.contact}};
            if (psa_journal_add(a->journal, &u) == 0)
                tp_loop_defer(a->loop, &a->commit);
            continue;
        }
        uint64_t left = (r.bind.until_ms - now) / 1000u;
        if (push_psa_binding_restore(a->psa, r.bind.aor, r.bind.contact, r.bind.params,
                                     (uint32_t)(left > UINT32_MAX ? UINT32_MAX : left), r.bind.third_party,
                                     r.bind.gruu) == 0)
            made++;
        else
            fprintf(stderr, "sippush psa: a binding of %.*s could not be made again\n", (int)r.bind.aor.n,
                    r.bind.aor.p);
    }
    a->restoring = false;
    free(l.ids);
    return made;
}
