/* pap_gateway.c - see pap_gateway.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http_post.h"
#include "push_pap.h"
#include "pap_gateway.h"
#include "push_control.h"
#include "push_headers.h"
#include "push_indirect.h"
#include "push_receiver_caps.h"
#include "sp_random.h"

#define DOC_MAX (16u * 1024u)          /* a response document, with PAP_GATEWAY_MAX_ADDRESSES results */
#define HDRS_MAX 2048                  /* mapped push headers of one push */
#define APP_MAX 64

typedef struct pap_push pap_push;
typedef struct asked asked;

typedef struct pap_dlv {
    pap_push *push;
    char address[PUSH_URI_MAX];        /* the address-value as the initiator wrote it */
    char uri[PUSH_URI_MAX];            /* what it maps to */
    push_pap_state state;
    unsigned code;
    const char *desc;
    int64_t event_time;
    bool started, in_flight;
    char url[128];                     /* where its content is served when sent by reference; "" */
} pap_dlv;

struct pap_push {
    pap_push *prev, *next;
    pap_push *id_next;         /* in its push-id's bucket */
    pap_gateway *g;
    char *push_id, *notify_to;
    push_pap_version version;
    int64_t received;
    char app[APP_MAX];
    control_request creq;              /* the push as the control socket would take it */
    char *copy;                        /* the bytes creq points into */
    bool has_before;
    int64_t before;
    size_t n, open;                    /* deliveries, and those not ended */
    pap_dlv *d;
    tp_timer hold, forget;
};

struct pap_gateway {
    pap_gateway_config cfg;
    pap_push *list;
    size_t count;
    pap_push **ids;                    /* buckets by push-id: the next power of 2 from max_pushes */
    size_t id_mask;
    http_poster *poster;
    push_receiver_caps *caps;          /* what OPTIONS answers said of receivers */
    asked *asked;                      /* OPTIONS not answered yet */
    char base_url[96];
    push_pap_address addr[PAP_GATEWAY_MAX_ADDRESSES];
};

static int64_t wall(void) { return (int64_t)time(NULL); }

size_t pap_gateway_count(const pap_gateway *g) { return g->count; }

/* FNV-1a: push-ids are compared as written (PAP §9.1). */
static pap_push **id_bucket(pap_gateway *g, sp_str id)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < id.n; i++)
        h = (h ^ (uint8_t)id.p[i]) * 16777619u;
    return &g->ids[h & g->id_mask];
}

static pap_push *find(pap_gateway *g, sp_str id)
{
    for (pap_push *p = *id_bucket(g, id); p; p = p->id_next)
        if (sp_str_eq(sp_str_cstr(p->push_id), id))
            return p;
    return NULL;
}

static void push_free(pap_push *p)
{
    pap_gateway *g = p->g;
    tp_timer_stop(tp_loop_timers(g->cfg.loop), &p->hold);
    tp_timer_stop(tp_loop_timers(g->cfg.loop), &p->forget);
    if (p->prev)
        p->prev->next = p->next;
    else
        g->list = p->next;
    if (p->next)
        p->next->prev = p->prev;
    g->count--;
    for (pap_push **pp = id_bucket(g, sp_str_cstr(p->push_id)); *pp; pp = &(*pp)->id_next)
        if (*pp == p) {
            *pp = p->id_next;
            break;
        }
    free(p->push_id);
    free(p->notify_to);
    free(p->copy);
    free(p->d);
    free(p);
}

static void on_forget(tp_timer *t, void *ctx)
{
    (void)t;
    pap_push *p = ctx;
    for (size_t i = 0; i < p->n; i++)
        if (p->d[i].in_flight)
            return; /* its results still come back here; dropped when they have */
    push_free(p);
}

/* --- the result notification (PAP 1.0 §7.6, §7.7) ------------------------------- */

typedef struct notified {
    pap_gateway *g;
    char push_id[128];
} notified;

static void on_notified(void *ctx, unsigned status, sp_str body)
{
    notified *n = ctx;
    json_out *j = n->g->cfg.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "pap_notified");
    json_kv_cstr(j, "push_id", n->push_id);
    json_kv_u64(j, "status", status);
    /* the initiator's resultnotification-response, read for its code */
    push_pap_request r;
    push_pap_error err;
    char *text = malloc(body.n + 1);
    push_pap_store st = {.addr = n->g->addr, .addr_cap = PAP_GATEWAY_MAX_ADDRESSES, .text = text, .text_cap = body.n + 1};
    json_key(j, "code");
    if (text && status && push_pap_parse(SP_LIT("application/xml"), body, NULL, &st, &r, &err) == 0 &&
        r.kind == PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE)
        json_u64(j, r.code);
    else
        json_null(j);
    free(text);
    json_object_end(j);
    json_line_end(j);
    free(n);
}

static void notify(pap_push *p, const pap_dlv *d)
{
    pap_gateway *g = p->g;
    char *doc = malloc(DOC_MAX);
    notified *n = calloc(1, sizeof *n);
    if (!doc || !n)
        goto fail;
    sp_buf b;
    sp_buf_init(&b, doc, DOC_MAX);
    push_pap_notification nt = {.push_id = sp_str_cstr(p->push_id), .address = sp_str_cstr(d->address),
                           .state = d->state, .code = d->code, .desc = sp_str_cstr(d->desc),
                           .received_time = p->received, .event_time = d->event_time};
    push_pap_build_resultnotification(&b, p->version, &nt);
    long len = sp_buf_finish(&b);
    n->g = g;
    snprintf(n->push_id, sizeof n->push_id, "%s", p->push_id);
    if (len < 0 || http_post_start(g->poster, sp_str_cstr(p->notify_to), SP_LIT("application/xml"),
                                   sp_str_make(doc, (size_t)len), HTTP_POST_RETRIES_DEFAULT, on_notified, n) != 0)
        goto fail;
    free(doc);
    return;
fail:
    fprintf(stderr, "sippush psa: the result notification of %s to %s could not be sent\n", p->push_id,
            p->notify_to);
    free(doc);
    free(n);
}

/* --- deliveries ----------------------------------------------------------------- */

static void delivery_ended(pap_dlv *d, push_pap_state state, unsigned code, const char *desc, const push_psa_result *r)
{
    pap_push *p = d->push;
    pap_gateway *g = p->g;
    d->state = state;
    d->code = code;
    d->desc = desc;
    d->event_time = wall();
    json_out *j = g->cfg.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "pap_result");
    json_kv_cstr(j, "push_id", p->push_id);
    json_kv_cstr(j, "address", d->uri);
    json_kv_cstr(j, "state", push_pap_state_name(state));
    json_kv_u64(j, "code", code);
    json_key(j, "indirect");
    json_cstr(j, d->url[0] ? d->url : NULL);
    json_key(j, "method");
    json_cstr(j, r ? push_method_name(r->method) : NULL);
    json_key(j, "status");
    if (r)
        json_u64(j, r->status);
    else
        json_null(j);
    json_object_end(j);
    json_line_end(j);
    if (p->notify_to)
        notify(p, d);
    if (--p->open == 0)
        tp_timer_start(tp_loop_timers(g->cfg.loop), &p->forget, (tp_ms)g->cfg.remember_s * 1000);
}

static void on_delivered(void *ctx, const push_psa_result *r)
{
    pap_dlv *d = ctx;
    d->in_flight = false;
    push_pap_outcome o = push_pap_outcome_of(r);
    delivery_ended(d, o.state, o.code, o.desc, r);
}

/* The method as `send --method auto` picks it, with NOTIFY for a receiver
 * subscribed to the application and indirection for one that takes MESSAGE
 * but not INVITE (seed 000 §8.3.6). */
static const char *method_for(pap_gateway *g, const pap_push *p, sp_str to, bool *indirect)
{
    sp_str app = sp_str_cstr(p->app);
    bool subscribed = p->app[0] && push_psa_subscriptions(g->cfg.psa, to, app) > 0;
    push_caps caps = push_psa_receiver_caps(g->cfg.psa, to);
    *indirect = false;
    if (p->creq.body.n <= PUSH_PAGE_MODE_MAX)
        return subscribed ? "notify" : "auto";
    if ((caps.known && !caps.invite) || !push_psa_may_invite(g->cfg.psa, to)) {
        *indirect = true;
        return subscribed ? "notify" : "message";
    }
    return "invite";
}

/* Seed 000 §8.2.5.1, §8.3.5: for session mode the Last-Modified of the
 * content entity travels too, and becomes the offer's a=file-date (the
 * session-mode sender maps it); the control mapping keeps only what a SIP
 * request carries. */
static bool keep_last_modified(const control_request *cr, push_psa_push *pp, char *hdrs, size_t cap)
{
    size_t len = pp->headers.n;
    for (size_t i = 0; i < cr->nheaders; i++) {
        sp_str name, value;
        sp_error err;
        if (push_header_split(cr->headers[i], &name, &value, &err) != 0 ||
            push_pap_header_class(name) != PUSH_PAP_HDR_LAST_MODIFIED)
            continue;
        int n = snprintf(hdrs + len, cap - len, "Last-Modified: %.*s\r\n", (int)value.n, value.p);
        if (n < 0 || (size_t)n >= cap - len)
            return false;
        len += (size_t)n;
    }
    pp->headers = sp_str_make(hdrs, len);
    return true;
}

static void start_delivery(pap_dlv *d)
{
    pap_push *p = d->push;
    pap_gateway *g = p->g;
    d->started = true;
    if (p->has_before && wall() >= p->before) {
        delivery_ended(d, PUSH_PAP_STATE_EXPIRED, PUSH_PAP_SERVICE_FAILURE, "deliver-before-timestamp passed", NULL);
        return;
    }
    control_request cr = p->creq;
    cr.to = sp_str_cstr(d->uri);
    bool indirect;
    cr.method = sp_str_cstr(method_for(g, p, cr.to, &indirect));
    char ct[512], part[1024];
    if (indirect) {
        sp_error err;
        /* RFC 4483 §5.7: the expiration written is when the store forgets it */
        time_t exp = time(NULL) + g->cfg.indirect_ttl_s;
        int n = -1;
        if (content_store_put(g->cfg.store, sp_str_cstr(g->base_url), cr.content_type, cr.body, exp, d->url,
                              sizeof d->url) == 0)
            n = push_extbody_build(sp_str_cstr(d->url), exp, true, cr.body.n, cr.content_type, SP_STR_NULL, ct,
                                   sizeof ct, part, sizeof part, &err);
        if (n < 0) {
            delivery_ended(d, PUSH_PAP_STATE_UNDELIVERABLE, PUSH_PAP_SERVICE_UNAVAILABLE, "content store full", NULL);
            return;
        }
        cr.content_type = sp_str_cstr(ct);
        cr.body = sp_str_make(part, (size_t)n);
        cr.indirect = true;
    }
    push_psa_push pp;
    char hdrs[HDRS_MAX];
    const char *why = NULL;
    push_psa_result now;
    if (!control_push_prepare(&cr, &pp, hdrs, sizeof hdrs, &why)) {
        delivery_ended(d, PUSH_PAP_STATE_UNDELIVERABLE, PUSH_PAP_BAD_REQUEST, why, NULL);
        return;
    }
    if (!strcmp(cr.method.p, "invite") && !keep_last_modified(&cr, &pp, hdrs, sizeof hdrs)) {
        delivery_ended(d, PUSH_PAP_STATE_UNDELIVERABLE, PUSH_PAP_BAD_REQUEST, "push headers too long", NULL);
        return;
    }
    d->in_flight = true;
    if (push_psa_send(g->cfg.psa, &pp, on_delivered, d, &now) != 0) {
        d->in_flight = false;
        push_pap_outcome o = push_pap_outcome_of(&now);
        delivery_ended(d, o.state, o.code, o.desc, &now);
    }
}

static void start_push(pap_push *p)
{
    for (size_t i = 0; i < p->n; i++)
        if (!p->d[i].started)
            start_delivery(&p->d[i]);
}

static void on_hold(tp_timer *t, void *ctx)
{
    (void)t;
    start_push(ctx);
}

/* --- answers ---------------------------------------------------------------------- */

static void answer_doc(http_exchange *x, unsigned http_status, sp_buf *b)
{
    long len = sp_buf_finish(b);
    if (len < 0) {
        http_exchange_respond(x, 500, SP_LIT("text/plain"), SP_LIT("answer too large"), SP_STR_NULL);
        return;
    }
    http_exchange_respond(x, http_status, SP_LIT("application/xml"), sp_str_make(b->p, (size_t)len), SP_STR_NULL);
}

static void push_response(http_exchange *x, sp_buf *b, const push_pap_request *r, unsigned code, const char *desc)
{
    push_pap_push_response pr = {.push_id = r->push_id, .reply_time = wall(), .code = code,
                            .desc = desc ? sp_str_cstr(desc) : SP_STR_NULL};
    push_pap_build_push_response(b, r->version, &pr);
    answer_doc(x, code == PUSH_PAP_ACCEPTED ? 202 : 200, b);
}

/* PAP 1.0 §9.5: progress-notes-requested="true" asks for the stages the
 * push went through before the push-response; the PSA writes one note per
 * address (the address in the note attribute, the DTD's progress-note has no
 * address element): "accepted" for every address, then "held" until its
 * deliver-after-timestamp, "sent" while its request is out, or the state it
 * ended in already (expired, undeliverable...). */
static void accepted_with_notes(http_exchange *x, sp_buf *b, const push_pap_request *r, const pap_push *p, bool held)
{
    push_pap_progress_note notes[2 * PAP_GATEWAY_MAX_ADDRESSES];
    size_t n = 0;
    int64_t now = wall();
    for (size_t i = 0; i < p->n && i < PAP_GATEWAY_MAX_ADDRESSES; i++) {
        const pap_dlv *d = &p->d[i];
        sp_str about = sp_str_cstr(d->address);
        notes[n++] = (push_pap_progress_note){.stage = SP_LIT("accepted"), .note = about, .time = p->received};
        const char *stage = held ? "held" : d->in_flight ? "sent" : push_pap_state_name(d->state);
        notes[n++] = (push_pap_progress_note){.stage = sp_str_cstr(stage), .note = about,
                                              .time = d->event_time ? d->event_time : now};
    }
    push_pap_push_response pr = {.push_id = r->push_id, .reply_time = now, .code = PUSH_PAP_ACCEPTED};
    push_pap_build_push_response_notes(b, r->version, &pr, notes, n);
    answer_doc(x, 202, b);
}

static char *dup_cstr(sp_str v)
{
    char *s = malloc(v.n + 1);
    if (s) {
        memcpy(s, v.p, v.n);
        s[v.n] = '\0';
    }
    return s;
}

/* Copies what the push needs of the request (the body dies with the
 * exchange): the content, its type and the push headers seed 000 §8.3.5
 * keeps (Content-*, Last-Modified), as a control request. */
static bool keep_content(pap_push *p, const push_pap_request *r)
{
    const push_pap_content *c = &r->content;
    size_t need = c->headers.n + c->content_type.n + c->body.n + 1;
    char *at = p->copy = malloc(need);
    if (!at)
        return false;
    control_request *cr = &p->creq;
    memset(cr, 0, sizeof *cr);
#define KEEP(dst, v) (memcpy(at, (v).p, (v).n), (dst) = sp_str_make(at, (v).n), at += (v).n)
    KEEP(cr->body, c->body);
    if (c->content_type.n)
        KEEP(cr->content_type, c->content_type);
    sp_str rest = c->headers, name, value;
    while (push_pap_header_next(&rest, &name, &value)) {
        push_pap_hdr_class k = push_pap_header_class(name);
        if (k == PUSH_PAP_HDR_APPLICATION_ID)
            push_pap_application_id(value, p->app, sizeof p->app);
        if ((k != PUSH_PAP_HDR_CONTENT && k != PUSH_PAP_HDR_LAST_MODIFIED) || cr->nheaders >= CONTROL_MAX_HEADERS ||
            sp_str_caseeq_cstr(name, "Content-Type") || value.p < name.p)
            continue;
        sp_str line = sp_str_make(name.p, (size_t)(value.p + value.n - name.p)); /* NAME: VALUE as written */
        KEEP(cr->headers[cr->nheaders++], line);
    }
#undef KEEP
    cr->verb = SP_LIT("PUSH");
    cr->app = p->app[0] ? sp_str_cstr(p->app) : SP_STR_NULL;
    cr->confirm = r->qos.delivery_method == PUSH_PAP_DELIVERY_CONFIRMED ||
                  r->qos.delivery_method == PUSH_PAP_DELIVERY_PREFERCONFIRMED;
    return true;
}

static void on_push_message(pap_gateway *g, http_exchange *x, sp_buf *b, const push_pap_request *r)
{
    if (!r->push_id.n)
        return push_response(x, b, r, PUSH_PAP_BAD_REQUEST, "push-id missing");
    if (find(g, r->push_id))
        return push_response(x, b, r, PUSH_PAP_DUPLICATE_PUSH_ID, NULL);
    if (!r->n_addr)
        return push_response(x, b, r, PUSH_PAP_ADDRESS_ERROR, "no address");
    if (g->count >= g->cfg.max_pushes)
        return push_response(x, b, r, PUSH_PAP_SERVICE_UNAVAILABLE, "too many pushes held");
    /* accepted means it goes out: refused now if it could not wait its turn */
    if (!push_psa_can_queue(g->cfg.psa, r->n_addr, r->content.body.n))
        return push_response(x, b, r, PUSH_PAP_SERVICE_UNAVAILABLE, "the push queue is full");
    pap_push *p = calloc(1, sizeof *p);
    if (!p || !(p->d = calloc(r->n_addr, sizeof *p->d)))
        goto no_memory;
    p->g = g;
    p->n = p->open = r->n_addr;
    for (size_t i = 0; i < r->n_addr; i++) {
        pap_dlv *d = &p->d[i];
        d->push = p;
        d->state = PUSH_PAP_STATE_PENDING;
        sp_str v = r->addr[i].value;
        if (v.n >= sizeof d->address ||
            !push_pap_address_to_uri(v, sp_str_cstr(g->cfg.domain), d->uri, sizeof d->uri)) {
            free(p->d);
            free(p);
            return push_response(x, b, r, PUSH_PAP_ADDRESS_ERROR, NULL);
        }
        memcpy(d->address, v.p, v.n);
        /* seed 002 §7.1.2 step 3: a type the receiver said it does not take is
         * refused before anything is sent */
        const char *accept = push_receiver_caps_accept(g->caps, sp_str_cstr(d->uri));
        if (accept && r->content.content_type.n &&
            !push_receiver_caps_takes(sp_str_cstr(accept), r->content.content_type)) {
            free(p->d);
            free(p);
            return push_response(x, b, r, PUSH_PAP_CAPABILITIES_MISMATCH, "the receiver does not take this content type");
        }
    }
    if (!(p->push_id = dup_cstr(r->push_id)) || !keep_content(p, r) ||
        (r->ppg_notify_requested_to.n && !(p->notify_to = dup_cstr(r->ppg_notify_requested_to))))
        goto no_memory;
    p->version = r->version;
    p->received = wall();
    p->has_before = r->has_deliver_before;
    p->before = r->deliver_before;
    tp_timer_init(&p->hold, on_hold, p);
    tp_timer_init(&p->forget, on_forget, p);
    p->next = g->list;
    if (g->list)
        g->list->prev = p;
    g->list = p;
    g->count++;
    pap_push **bucket = id_bucket(g, sp_str_cstr(p->push_id));
    p->id_next = *bucket;
    *bucket = p;
    json_out *j = g->cfg.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "pap_push");
    json_kv_cstr(j, "push_id", p->push_id);
    json_kv_u64(j, "addresses", p->n);
    json_kv_str(j, "app", sp_str_cstr(p->app));
    json_kv_str(j, "content_type", p->creq.content_type);
    json_kv_u64(j, "size", p->creq.body.n);
    json_object_end(j);
    json_line_end(j);
    int64_t now = wall();
    bool held = r->has_deliver_after && r->deliver_after > now;
    if (held)
        tp_timer_start(tp_loop_timers(g->cfg.loop), &p->hold, (tp_ms)(r->deliver_after - now) * 1000);
    else
        start_push(p);
    if (r->progress_notes_requested)
        accepted_with_notes(x, b, r, p, held);
    else
        push_response(x, b, r, PUSH_PAP_ACCEPTED, NULL);
    return;
no_memory:
    if (p) {
        free(p->push_id);
        free(p->notify_to);
        free(p->copy);
        free(p->d);
        free(p);
    }
    push_response(x, b, r, PUSH_PAP_INTERNAL_ERROR, "out of memory");
}

/* The deliveries a cancel or status query names: all, or those whose
 * address is among the request's. */
static bool named(const push_pap_request *r, const pap_dlv *d)
{
    if (!r->n_addr)
        return true;
    for (size_t i = 0; i < r->n_addr; i++)
        if (sp_str_eq(r->addr[i].value, sp_str_cstr(d->address)))
            return true;
    return false;
}

static void on_cancel(pap_gateway *g, http_exchange *x, sp_buf *b, const push_pap_request *r)
{
    pap_push *p = find(g, r->push_id);
    push_pap_result res[PAP_GATEWAY_MAX_ADDRESSES];
    size_t n = 0;
    if (!p) {
        res[n++] = (push_pap_result){.code = PUSH_PAP_PUSH_ID_NOT_FOUND};
    } else {
        /* a delivery held for its deliver-after-timestamp that is cancelled is
         * marked started: the hold timer, when it fires, starts the others */
        for (size_t i = 0; i < p->n && n < PAP_GATEWAY_MAX_ADDRESSES; i++) {
            pap_dlv *d = &p->d[i];
            if (!named(r, d))
                continue;
            bool can = !d->started;
            if (can) {
                d->started = true;
                delivery_ended(d, PUSH_PAP_STATE_CANCELLED, PUSH_PAP_OK, "cancelled", NULL);
            }
            res[n++] = (push_pap_result){.address = sp_str_cstr(d->address),
                                    .code = can ? PUSH_PAP_OK : PUSH_PAP_CANCELLATION_NOT_POSSIBLE};
        }
    }
    push_pap_build_cancel_response(b, r->version, r->push_id, res, n);
    answer_doc(x, 200, b);
}

static void on_status_query(pap_gateway *g, http_exchange *x, sp_buf *b, const push_pap_request *r)
{
    pap_push *p = find(g, r->push_id);
    push_pap_result res[PAP_GATEWAY_MAX_ADDRESSES];
    size_t n = 0;
    if (!p) {
        res[n++] = (push_pap_result){.code = PUSH_PAP_PUSH_ID_NOT_FOUND, .state = PUSH_PAP_STATE_UNKNOWN, .event_time = -1};
    } else {
        for (size_t i = 0; i < p->n && n < PAP_GATEWAY_MAX_ADDRESSES; i++)
            if (named(r, &p->d[i]))
                res[n++] = (push_pap_result){.address = sp_str_cstr(p->d[i].address), .code = PUSH_PAP_OK,
                                        .state = p->d[i].state,
                                        .event_time = p->d[i].event_time ? p->d[i].event_time : -1};
    }
    push_pap_build_statusquery_response(b, r->version, r->push_id, res, n);
    answer_doc(x, 200, b);
}

struct asked {
    asked *prev, *next;            /* the gateway's, freed with it when never answered */
    pap_gateway *g;
    char uri[PUSH_URI_MAX];
};

static void asked_free(asked *a)
{
    if (a->prev)
        a->prev->next = a->next;
    else
        a->g->asked = a->next;
    if (a->next)
        a->next->prev = a->prev;
    free(a);
}

static void on_options(void *ctx, const push_psa_caps *c)
{
    asked *a = ctx;
    push_receiver_caps_put(a->g->caps, sp_str_cstr(a->uri), c);
    json_out *j = a->g->cfg.out;
    json_object_begin(j);
    json_kv_cstr(j, "event", "receiver_caps");
    json_kv_cstr(j, "aor", a->uri);
    json_kv_u64(j, "status", c->status);
    json_kv_str(j, "accept", c->accept);
    json_object_end(j);
    json_line_end(j);
    asked_free(a);
}

/* Asks the receiver what it takes (OPTIONS, RFC 3261 §11), for the next
 * ccq and push. */
static void learn(pap_gateway *g, const char *uri)
{
    asked *a = calloc(1, sizeof *a);
    if (!a)
        return;
    a->g = g;
    snprintf(a->uri, sizeof a->uri, "%s", uri);
    a->next = g->asked;
    if (g->asked)
        g->asked->prev = a;
    g->asked = a;
    if (push_psa_options(g->cfg.psa, sp_str_cstr(a->uri), on_options, a) != 0)
        asked_free(a);
}

/* ccq-message: what the PSA knows of the receiver (seed 002 §6.1 (3)): its
 * registration's push methods, the types its last OPTIONS answer took and
 * the dev-cap link (or vendor, model, version) of its ua-profile
 * subscription, as a text part of the ccq-response; the receiver is asked
 * again for the next time. */
static void on_ccq(pap_gateway *g, http_exchange *x, sp_buf *b, const push_pap_request *r)
{
    char uri[PUSH_URI_MAX];
    push_pap_result res = {.code = PUSH_PAP_OK};
    const char *accept = NULL;
    if (r->n_addr != 1 || !push_pap_address_to_uri(r->addr[0].value, sp_str_cstr(g->cfg.domain), uri, sizeof uri)) {
        res.code = PUSH_PAP_ADDRESS_ERROR;
    } else {
        res.address = r->addr[0].value;
        accept = push_receiver_caps_accept(g->caps, sp_str_cstr(uri));
        push_psa_profile none;
        if (!push_psa_bindings(g->cfg.psa, sp_str_cstr(uri)) && !accept &&
            !push_psa_receiver_profile(g->cfg.psa, sp_str_cstr(uri), &none))
            res.code = PUSH_PAP_CAPABILITIES_NOT_AVAILABLE;
        learn(g, uri);
    }
    if (res.code != PUSH_PAP_OK) {
        push_pap_build_ccq_response(b, r->version, r->push_id, &res);
        answer_doc(x, 200, b);
        return;
    }
    push_caps c = push_psa_receiver_caps(g->cfg.psa, sp_str_cstr(uri));
    push_psa_profile prof;
    bool has_prof = push_psa_receiver_profile(g->cfg.psa, sp_str_cstr(uri), &prof);
    char caps[PUSH_RECEIVER_CAPS_ACCEPT_MAX + sizeof prof + 512], ct[256], boundary[32];
    int n = snprintf(caps, sizeof caps, "Methods: %s%s%s%s\r\nReachable: %s\r\nAccept: %s\r\n",
                     c.known ? "" : "MESSAGE, NOTIFY, INVITE", c.known && c.message ? "MESSAGE " : "",
                     c.known && c.notify ? "NOTIFY " : "", c.known && c.invite ? "INVITE" : "",
                     push_psa_may_invite(g->cfg.psa, sp_str_cstr(uri)) ? "yes" : "no", accept ? accept : "unknown");
    /* seed 002 §6.1 (3): the applications its registration named, and the
     * device its ua-profile subscription named */
    char apps[256];
    if (n > 0 && (size_t)n < sizeof caps && push_psa_receiver_apps(g->cfg.psa, sp_str_cstr(uri), apps, sizeof apps))
        n += snprintf(caps + n, sizeof caps - (size_t)n, "Applications: %s\r\n", apps);
    if (n > 0 && (size_t)n < sizeof caps && has_prof && prof.dev_cap[0])
        snprintf(caps + n, sizeof caps - (size_t)n, "Dev-Cap: %s\r\n", prof.dev_cap);
    else if (n > 0 && (size_t)n < sizeof caps && has_prof)
        snprintf(caps + n, sizeof caps - (size_t)n, "Vendor: %s\r\nModel: %s\r\nVersion: %s\r\n", prof.vendor,
                 prof.model, prof.version);
    if (sp_random_token(boundary, 24, SP_RANDOM_ALNUM) != 0 ||
        push_pap_build_ccq_multipart(b, ct, sizeof ct, r->version, r->push_id, &res, SP_LIT("text/plain"),
                                sp_str_cstr(caps), sp_str_cstr(boundary)) != 0) {
        http_exchange_respond(x, 500, SP_LIT("text/plain"), SP_LIT("no answer"), SP_STR_NULL);
        return;
    }
    long len = sp_buf_finish(b);
    if (len < 0)
        http_exchange_respond(x, 500, SP_LIT("text/plain"), SP_LIT("answer too large"), SP_STR_NULL);
    else
        http_exchange_respond(x, 200, sp_str_cstr(ct), sp_str_make(b->p, (size_t)len), SP_STR_NULL);
}

static void on_refused(http_exchange *x, sp_buf *b, const push_pap_request *r, const push_pap_error *err)
{
    if (err->unreadable) {
        push_pap_build_badmessage_response(b, r->version ? r->version : PUSH_PAP_V1_0, err->code, sp_str_cstr(err->reason),
                                      err->fragment);
        answer_doc(x, 400, b);
        return;
    }
    push_pap_result res = {.code = err->code, .desc = sp_str_cstr(err->reason), .state = PUSH_PAP_STATE_UNKNOWN,
                      .event_time = -1};
    switch (r->kind) {
    case PUSH_PAP_KIND_PUSH:
        push_response(x, b, r, err->code, err->reason);
        return;
    case PUSH_PAP_KIND_CANCEL:
        push_pap_build_cancel_response(b, r->version, r->push_id, &res, 1);
        break;
    case PUSH_PAP_KIND_STATUS_QUERY:
        push_pap_build_statusquery_response(b, r->version, r->push_id, &res, 1);
        break;
    default:
        push_pap_build_badmessage_response(b, r->version, err->code, sp_str_cstr(err->reason), err->fragment);
        answer_doc(x, 400, b);
        return;
    }
    answer_doc(x, 200, b);
}

void pap_gateway_http(void *ctx, http_exchange *x, const push_http_req *req, sp_str body)
{
    pap_gateway *g = ctx;
    size_t pl = strlen(CONTENT_STORE_PREFIX);
    if (req->path.n > pl && !memcmp(req->path.p, CONTENT_STORE_PREFIX, pl)) {
        content_store_serve(g->cfg.store, x, req, time(NULL));
        return;
    }
    if (!sp_str_eq(req->path, sp_str_cstr(g->cfg.path))) {
        http_exchange_respond(x, 404, SP_LIT("text/plain"), SP_LIT("not found"), SP_STR_NULL);
        return;
    }
    if (!sp_str_eq(req->method, SP_LIT("POST"))) {
        http_exchange_respond(x, 405, SP_LIT("text/plain"), SP_LIT("POST only"), SP_LIT("Allow: POST\r\n"));
        return;
    }
    char *text = malloc(body.n + 1), *doc = malloc(DOC_MAX);
    if (!text || !doc) {
        free(text);
        free(doc);
        http_exchange_respond(x, 503, SP_LIT("text/plain"), SP_LIT("out of memory"), SP_STR_NULL);
        return;
    }
    push_pap_store st = {.addr = g->addr, .addr_cap = PAP_GATEWAY_MAX_ADDRESSES, .text = text, .text_cap = body.n + 1};
    push_pap_request r;
    push_pap_error err;
    sp_buf b;
    sp_buf_init(&b, doc, DOC_MAX);
    memset(&r, 0, sizeof r);
    if (push_pap_parse(req->content_type, body, NULL, &st, &r, &err) != 0)
        on_refused(x, &b, &r, &err);
    else if (r.kind == PUSH_PAP_KIND_PUSH)
        on_push_message(g, x, &b, &r);
    else if (r.kind == PUSH_PAP_KIND_CANCEL)
        on_cancel(g, x, &b, &r);
    else if (r.kind == PUSH_PAP_KIND_STATUS_QUERY)
        on_status_query(g, x, &b, &r);
    else if (r.kind == PUSH_PAP_KIND_CCQ)
        on_ccq(g, x, &b, &r);
    else
        http_exchange_respond(x, 400, SP_LIT("text/plain"), SP_LIT("not a request a gateway takes"), SP_STR_NULL);
    free(text);
    free(doc);
}

pap_gateway *pap_gateway_new(const pap_gateway_config *cfg)
{
    pap_gateway *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->cfg = *cfg;
    if (!g->cfg.path)
        g->cfg.path = "/pap";
    if (!g->cfg.max_pushes)
        g->cfg.max_pushes = PAP_GATEWAY_MAX_PUSHES_DEFAULT;
    if (!g->cfg.indirect_ttl_s)
        g->cfg.indirect_ttl_s = PAP_GATEWAY_INDIRECT_TTL_S;
    if (!g->cfg.remember_s)
        g->cfg.remember_s = PAP_GATEWAY_REMEMBER_S_DEFAULT;
    for (g->id_mask = 1; g->id_mask < g->cfg.max_pushes; g->id_mask <<= 1)
        ;
    g->ids = calloc(g->id_mask--, sizeof *g->ids);
    if (!g->ids || !(g->poster = http_poster_new(cfg->loop, 256)) || !(g->caps = push_receiver_caps_new(0))) {
        http_poster_free(g->poster);
        free(g->ids);
        free(g);
        return NULL;
    }
    return g;
}

void pap_gateway_set_base_url(pap_gateway *g, const char *url)
{
    snprintf(g->base_url, sizeof g->base_url, "%s", url);
}

void pap_gateway_free(pap_gateway *g)
{
    if (!g)
        return;
    while (g->list)
        push_free(g->list);
    while (g->asked)
        asked_free(g->asked);
    http_poster_free(g->poster);
    push_receiver_caps_free(g->caps);
    free(g->ids);
    free(g);
}
