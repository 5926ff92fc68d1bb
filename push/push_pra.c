/* push_pra.c - the Push Receiver Agent: method dispatch, sender checks,
 * page-mode and subscription pushes, indirect content, OPTIONS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "push_featuretags.h"
#include "push_indirect.h"
#include "push_invite_receiver.h"
#include "push_pra_impl.h"
#include "push_status.h"
#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_stateless.h"
#include "sp_random.h"

/* --- the method table ------------------------------------------------------ */

typedef void (*pra_handler)(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src);

static void on_message(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src);
static void on_notify(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src);
static void on_options(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src);
static void on_session(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src);
static bool route_app(const push_pra *a, const sip_msg *req, sp_str *app);

/* What the receiver takes; the session-mode entries only when it has a
 * session-mode receiver (config.invite). PUSH_PRA_ALLOW and
 * PUSH_PRA_ALLOW_SESSION list these names in this order. */
static const struct {
    const char *name;
    unsigned bit; /* PUSH_M_*: advertised in the methods feature tag */
    pra_handler fn;
    bool session;
} pra_table[] = {
    {"MESSAGE", PUSH_M_MESSAGE, on_message, false},
    {"NOTIFY", PUSH_M_NOTIFY, on_notify, false},
    {"REFER", PUSH_M_REFER, pra_on_refer, false},
    {"OPTIONS", PUSH_M_OPTIONS, on_options, false},
    {"INVITE", PUSH_M_INVITE, on_session, true},
    {"ACK", PUSH_M_ACK, on_session, true},
    {"BYE", PUSH_M_BYE, on_session, true},
    {"CANCEL", PUSH_M_CANCEL, on_session, true},
    {"UPDATE", 0, on_session, true}, /* session refreshes (RFC 4028) */
};
#define PRA_NMETHODS (sizeof pra_table / sizeof pra_table[0])

static bool offered(bool session, size_t i) { return session || !pra_table[i].session; }

unsigned pra_push_methods(const push_pra *a)
{
    /* seed 002 §7.1.1, §7.2.1, §7.3.1: every push method served is disclosed */
    return pra_methods(a) & (PUSH_M_MESSAGE | PUSH_M_NOTIFY | PUSH_M_INVITE);
}

unsigned pra_methods(const push_pra *a)
{
    unsigned m = 0;
    for (size_t i = 0; i < PRA_NMETHODS; i++)
        if (offered(a->cfg.invite != NULL, i))
            m |= pra_table[i].bit;
    return m;
}

sp_str push_pra_allow(bool session)
{
    /* constants: agents in several threads share nothing written */
    return session ? SP_LIT(PUSH_PRA_ALLOW_SESSION) : SP_LIT(PUSH_PRA_ALLOW);
}

sp_str pra_allow(const push_pra *a) { return push_pra_allow(a->cfg.invite != NULL); }

static void tu_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    push_pra *a = ctx;
    if (!st && !a->cfg.invite)
        return; /* an ACK: nothing of ours needs one */
    if (st && !push_ruri_served(req)) {
        pra_answer(a, st, req, 416, NULL, SP_STR_NULL); /* RFC 3261 §8.2.2.1 */
        return;
    }
    for (size_t i = 0; i < PRA_NMETHODS; i++)
        if (offered(a->cfg.invite != NULL, i) && sp_str_eq(req->method, sp_str_cstr(pra_table[i].name))) {
            pra_table[i].fn(a, st, req, src);
            return;
        }
    if (!st)
        return;
    char allow[160];
    int n = snprintf(allow, sizeof allow, "Allow: %.*s\r\n", (int)pra_allow(a).n, pra_allow(a).p);
    pra_answer(a, st, req, sip_method_refusal(req->method), NULL, sp_str_make(allow, (size_t)n));
}

/* The session-mode push (seed 002 §7.3.1): a new INVITE passes the same
 * sender checks as a MESSAGE, then everything of the session goes to the
 * session-mode receiver. */
static void on_session(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    sip_addr to;
    bool initial = sp_str_eq(req->method, SP_LIT("INVITE")) &&
                   sip_addr_parse(push_hdr(req, SIP_H_TO), &to, NULL) == 0 && !to.tag.p;
    if (initial) {
        const char *why = NULL;
        unsigned bad = pra_check_sender(a, req, src, &why);
        sp_str app;
        if (!bad && !route_app(a, req, &app))
            bad = PUSH_STATUS_UNKNOWN_APP, why = "Push Application Not Served";
        if (bad) {
            pra_answer(a, st, req, bad, why, SP_STR_NULL);
            return;
        }
    }
    if (!push_invite_rx_route(a->cfg.invite, st, req, src) && st)
        pra_answer(a, st, req, 481, "Call/Transaction Does Not Exist", SP_STR_NULL); /* RFC 3261 §12.2.2 */
}

static void tu_server_end(void *ctx, sip_txn_id st, sip_txn_end why)
{
    push_pra *a = ctx;
    if (a->cfg.invite)
        push_invite_rx_server_end(a->cfg.invite, st, why);
}

static bool is_external_body(const sip_msg *req)
{
    sip_media_type mt;
    return sip_media_type_parse(push_hdr(req, SIP_H_CONTENT_TYPE), &mt, NULL) == 0 &&
           sp_str_caseeq_cstr(mt.type, "message") && sp_str_caseeq_cstr(mt.subtype, "external-body");
}

/* A MESSAGE whose answer is known at once is answered without a
 * transaction (RFC 3261 §8.2.7): the duplicate table answers its
 * retransmissions, in 24 bytes instead of a transaction's copies. One with
 * indirect content waits for the fetch in a transaction. */
static bool tu_stateless(void *ctx, const sip_msg *req, const sip_peer *src, sip_txn_reply *out)
{
    push_pra *a = ctx;
    if (!sp_str_eq(req->method, SP_LIT("MESSAGE")) || is_external_body(req))
        return false;
    out->status = 0;
    a->capture = out;
    if (!push_ruri_served(req))
        pra_answer(a, 0, req, 416, NULL, SP_STR_NULL); /* RFC 3261 §8.2.2.1 */
    else
        on_message(a, 0, req, src);
    a->capture = NULL;
    return out->status != 0;
}

sip_txn_tu push_pra_tu(push_pra *a)
{
    return (sip_txn_tu){.ctx = a, .on_request = tu_request, .on_server_end = tu_server_end,
                        .on_stateless_request = tu_stateless};
}

void push_pra_set_layer(push_pra *a, sip_txn_layer *L)
{
    a->L = L;
    a->subs.L = L;
}

/* --- events and answers ------------------------------------------------------ */

void pra_event(push_pra *a, push_pra_event_kind kind, unsigned status, uint32_t expires, sp_str method, sp_str reason,
               sp_str target)
{
    if (!a->cfg.on_event)
        return;
    push_pra_event ev = {.kind = kind, .status = status, .expires = expires, .method = method, .reason = reason,
                         .target = target};
    a->cfg.on_event(a->cfg.ctx, &ev);
}

/* Answers through the transaction st, or into the captured reply when
 * answering without one. reason is static text (sp_error.h), so the
 * captured reply points at it whole instead of a copy of bounded size. */
static void reply(push_pra *a, sip_txn_id st, const sip_msg *req, unsigned status, const char *reason, sp_str headers)
{
    if (!st && a->capture) {
        size_t n = headers.p && headers.n < sizeof a->capture_hdrs ? headers.n : 0;
        if (n)
            memcpy(a->capture_hdrs, headers.p, n);
        *a->capture = (sip_txn_reply){.status = status, .reason = sp_str_cstr(reason),
                                      .headers = sp_str_make(a->capture_hdrs, n)};
        return;
    }
    char tag[SIP_TAG_SIZE];
    sp_str to_tag = sip_stateless_tag(req, tag) ? sp_str_cstr(tag) : SP_STR_NULL;
    sip_txn_reply r = {.status = status, .reason = sp_str_cstr(reason), .to_tag = to_tag, .headers = headers};
    sip_txn_respond(a->L, st, &r);
}

void pra_answer(push_pra *a, sip_txn_id st, const sip_msg *req, unsigned status, const char *reason, sp_str headers)
{
    reply(a, st, req, status, reason, headers);
    if (status >= 300) {
        const char *why = reason ? reason : sip_reason_phrase(status);
        push_logf(&a->env, "refused %.*s: %u %s", (int)req->method.n, req->method.p, status, why);
        pra_event(a, PUSH_PRA_EV_REJECTED, status, 0, req->method, sp_str_cstr(why), SP_STR_NULL);
    }
}

static bool host_trusted(const push_pra *a, const sip_peer *src)
{
    for (size_t i = 0; i < a->cfg.ntrust; i++)
        if (sp_str_caseeq(a->cfg.trust[i], sp_str_cstr(src->host)))
            return true;
    return false;
}

unsigned pra_check_sender(const push_pra *a, const sip_msg *req, const sip_peer *src, const char **why)
{
    /* seed 002 §7.1.1 step 1, RFC 3325 §5: an identity is believed only from a trusted peer */
    sp_str pai = push_addr_uri(push_hdr(req, SIP_H_P_ASSERTED_IDENTITY));
    if (!pai.n) {
        *why = "P-Asserted-Identity missing";
        return 403;
    }
    if (!host_trusted(a, src)) {
        *why = "P-Asserted-Identity from an untrusted peer";
        return 403;
    }
    if (!a->cfg.nwhitelist)
        return 0;
    /* seed 004 §7.4: only senders on the terminal's whitelist */
    sip_uri who;
    if (sip_uri_parse(pai, &who, NULL) == 0)
        for (size_t i = 0; i < a->cfg.nwhitelist; i++) {
            sip_uri w;
            if (sip_uri_parse(a->cfg.whitelist[i], &w, NULL) == 0 && sip_uri_equal(&w, &who))
                return 0;
        }
    *why = "sender not on the whitelist";
    return 403;
}

/* --- duplicates (RFC 3428 §7: a repeated MESSAGE is delivered once) ---------- */

static uint64_t fnv(uint64_t h, sp_str s)
{
    for (size_t i = 0; i < s.n; i++)
        h = (h ^ (unsigned char)s.p[i]) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull; /* a separator between fields */
}

/* Call-ID, From tag, CSeq and method name one request whatever path it took. */
static uint64_t dedup_key(const sip_msg *req)
{
    sip_addr from;
    sp_str tag = SP_STR_NULL;
    if (sip_addr_parse(push_hdr(req, SIP_H_FROM), &from, NULL) == 0)
        tag = from.tag;
    uint64_t h = 14695981039346656037ull;
    h = fnv(h, push_hdr(req, SIP_H_CALL_ID));
    h = fnv(h, tag);
    h = fnv(h, push_hdr(req, SIP_H_CSEQ));
    h = fnv(h, req->method);
    return h ? h : 1;
}

static pra_dedup *dedup_find(push_pra *a, uint64_t key)
{
    uint64_t now = a->env.now_ms(a->env.ctx);
    for (size_t i = 0; i < PUSH_PRA_DEDUP_PROBE; i++) {
        pra_dedup *d = &a->dedup[(key + i) & (PUSH_PRA_DEDUP_SLOTS - 1)];
        if (d->key == key && now - d->at <= PUSH_PRA_DEDUP_MS)
            return d;
    }
    return NULL;
}

static void dedup_put(push_pra *a, uint64_t key, unsigned status)
{
    pra_dedup *d = dedup_find(a, key);
    if (!d) {
        /* the oldest of the key's probe window goes, so memory stays fixed */
        for (size_t i = 0; i < PUSH_PRA_DEDUP_PROBE; i++) {
            pra_dedup *c = &a->dedup[(key + i) & (PUSH_PRA_DEDUP_SLOTS - 1)];
            if (!d || c->at < d->at)
                d = c;
        }
        d->at = a->env.now_ms(a->env.ctx);
    }
    d->key = key;
    d->status = status;
}

/* A duplicate gets the first one's answer, and is not delivered again. */
static bool answered_before(push_pra *a, sip_txn_id st, const sip_msg *req, uint64_t key)
{
    pra_dedup *d = dedup_find(a, key);
    if (!d)
        return false;
    /* one whose first is still being fetched is asked to come back shortly (RFC 3261 §21.5.1) */
    unsigned status = d->status ? d->status : 500;
    sp_str retry = SP_LIT(PUSH_RETRY_AFTER_LINE(PUSH_PRA_RETRY_AFTER_PENDING_S));
    reply(a, st, req, status, NULL, d->status ? SP_STR_NULL : retry);
    push_logf(&a->env, "duplicate %.*s answered %u", (int)req->method.n, req->method.p, status);
    return true;
}

/* --- content checks ------------------------------------------------------------ */

static bool type_accepted(const push_pra *a, sp_str content_type)
{
    if (!a->cfg.naccept)
        return true;
    sip_media_type mt;
    if (sip_media_type_parse(content_type, &mt, NULL) != 0)
        return false;
    for (size_t i = 0; i < a->cfg.naccept; i++) {
        sp_str want = a->cfg.accept[i];
        sip_media_type w;
        if (sp_str_eq(want, SP_LIT("*")) || sp_str_eq(want, SP_LIT("*/*")))
            return true;
        if (sip_media_type_parse(want, &w, NULL) != 0 || !sp_str_caseeq(w.type, mt.type))
            continue;
        if (sp_str_eq(w.subtype, SP_LIT("*")) || sp_str_caseeq(w.subtype, mt.subtype))
            return true;
    }
    return false;
}

/* The Accept of a 415 (RFC 3261 §21.4.13) and of OPTIONS answers. */
static size_t accept_header(const push_pra *a, char *out, size_t cap)
{
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sp_buf_puts(&b, "Accept: ");
    if (!a->cfg.naccept)
        sp_buf_puts(&b, "*/*");
    for (size_t i = 0; i < a->cfg.naccept; i++) {
        if (i)
            sp_buf_puts(&b, ", ");
        sp_buf_put(&b, sp_str_eq(a->cfg.accept[i], SP_LIT("*")) ? SP_LIT("*/*") : a->cfg.accept[i]);
    }
    if (a->cfg.fetch && a->cfg.naccept)
        sp_buf_puts(&b, ", message/external-body");
    sp_buf_puts(&b, "\r\n");
    long n = sp_buf_finish(&b);
    return n < 0 ? 0 : (size_t)n;
}

static void refuse_type(push_pra *a, sip_txn_id st, const sip_msg *req, uint64_t key)
{
    char acc[512];
    size_t n = accept_header(a, acc, sizeof acc);
    pra_answer(a, st, req, 415, NULL, sp_str_make(acc, n));
    dedup_put(a, key, 415);
}

static uint64_t max_size(const push_pra *a) { return a->cfg.max_size ? a->cfg.max_size : PUSH_PRA_MAX_SIZE_DEFAULT; }

static unsigned hand_over(push_pra *a, push_method m, sp_str app, sp_str from, sp_str ctype, sp_str body)
{
    push_delivery d = {.method = m, .app = app, .from = from, .content_type = ctype, .body = body};
    unsigned s = a->cfg.on_push ? a->cfg.on_push(a->cfg.ctx, &d) : 0;
    return s ? s : 200;
}

static void start_fetch(push_pra *a, sip_txn_id st, const sip_msg *req, push_method m, sp_str app, sp_str from,
                        uint64_t key, const push_extbody *x)
{
    pra_fetch *f = NULL;
    for (size_t i = 0; i < PUSH_PRA_MAX_FETCHES && !f; i++)
        if (!a->fetches[i].id)
            f = &a->fetches[i];
    if (!f) {
        pra_answer(a, st, req, 503, "Too Many Fetches", SP_LIT(PUSH_RETRY_AFTER_LINE(PUSH_PRA_RETRY_AFTER_FETCHES_S)));
        return;
    }
    if (!sip_stateless_tag(req, f->tag))
        return; /* no randomness for the tag: the transaction ends unanswered */
    f->id = ++a->next_fetch;
    f->st = st;
    f->method = m;
    f->key = key;
    snprintf(f->app, sizeof f->app, "%.*s", (int)app.n, app.p ? app.p : "");
    snprintf(f->from, sizeof f->from, "%.*s", (int)from.n, from.p ? from.p : "");
    snprintf(f->content_type, sizeof f->content_type, "%.*s", (int)x->content_type.n,
             x->content_type.p ? x->content_type.p : "");
    dedup_put(a, key, 0);
    uint64_t limit = x->has_size && x->size < max_size(a) ? x->size : max_size(a);
    push_logf(&a->env, "fetch %llu: %.*s", (unsigned long long)f->id, (int)x->url.n, x->url.p);
    a->cfg.fetch(a->cfg.ctx, f->id, x->url, limit);
}

/* The delivery path of MESSAGE and NOTIFY pushes (seed 002 §7.1.1, §7.2.1.2). */
static void deliver(push_pra *a, sip_txn_id st, const sip_msg *req, push_method m, sp_str app, sp_str from,
                    uint64_t key)
{
    sp_str ct = push_hdr(req, SIP_H_CONTENT_TYPE), body = req->body;
    if (body.n > max_size(a)) {
        pra_answer(a, st, req, 413, "Content Larger Than --max-size", SP_STR_NULL);
        dedup_put(a, key, 413);
        return;
    }
    sip_media_type mt;
    if (!sp_str_present(ct) || sip_media_type_parse(ct, &mt, NULL) != 0) {
        pra_answer(a, st, req, 400, "Body Without A Valid Content-Type", SP_STR_NULL);
        return;
    }
    if (sp_str_caseeq_cstr(mt.type, "message") && sp_str_caseeq_cstr(mt.subtype, "external-body")) {
        push_extbody x;
        sp_error err;
        if (!a->cfg.fetch) {
            refuse_type(a, st, req, key);
            return;
        }
        if (push_extbody_parse(ct, body, &x, &err) != 0) {
            pra_answer(a, st, req, err.status ? (unsigned)err.status : 400, err.reason, SP_STR_NULL);
            return;
        }
        if (sp_str_present(x.content_type) && !type_accepted(a, x.content_type)) {
            refuse_type(a, st, req, key);
            return;
        }
        if (x.has_size && x.size > max_size(a)) {
            pra_answer(a, st, req, 413, "Referenced Content Larger Than --max-size", SP_STR_NULL);
            dedup_put(a, key, 413);
            return;
        }
        start_fetch(a, st, req, m, app, from, key, &x);
        return;
    }
    if (!type_accepted(a, ct)) {
        refuse_type(a, st, req, key);
        return;
    }
    unsigned status = hand_over(a, m, app, from, ct, body);
    pra_answer(a, st, req, status, status == 200 ? NULL : "Push Not Stored", SP_STR_NULL);
    dedup_put(a, key, status);
}

void push_pra_fetch_done(push_pra *a, uint64_t id, unsigned status, sp_str content_type, const void *data,
                         size_t len)
{
    pra_fetch *f = NULL;
    for (size_t i = 0; i < PUSH_PRA_MAX_FETCHES && !f; i++)
        if (id && a->fetches[i].id == id)
            f = &a->fetches[i];
    if (!f)
        return;
    sp_str ct = f->content_type[0] ? sp_str_cstr(f->content_type) : content_type;
    unsigned answer;
    const char *why = NULL;
    if (status >= 200 && status < 300) {
        if (!sp_str_present(ct) || !ct.n)
            ct = SP_LIT("application/octet-stream");
        if (!type_accepted(a, ct)) {
            answer = 415;
        } else {
            answer = hand_over(a, f->method, sp_str_cstr(f->app), sp_str_cstr(f->from), ct, sp_str_make(data, len));
            why = answer == 200 ? NULL : "Push Not Stored";
        }
    } else {
        /* the content server failed us: 413 when it was too big, else 502
         * (a bad or no answer from the server we depend on; retryable) */
        answer = status == 413 ? 413 : 502;
        why = answer == 413 ? "Referenced Content Too Large" : "Content Retrieval Failed";
    }
    push_logf(&a->env, "fetch %llu: %u -> %u", (unsigned long long)id, status, answer);
    sip_txn_reply r = {.status = answer, .reason = sp_str_cstr(why), .to_tag = sp_str_cstr(f->tag)};
    sip_txn_respond(a->L, f->st, &r);
    if (answer >= 300)
        pra_event(a, PUSH_PRA_EV_REJECTED, answer, 0, sp_str_cstr(push_method_name(f->method)),
                  sp_str_cstr(why ? why : sip_reason_phrase(answer)), SP_STR_NULL);
    dedup_put(a, f->key, answer);
    memset(f, 0, sizeof *f);
}

/* --- MESSAGE (seed 002 §7.1.1) ------------------------------------------------ */

/* The application the request is for: the first +g.oma.pusheventapp value
 * of its Accept-Contact that we serve (seed 003 §8.1.1.1). No such tag: the
 * first application we serve. Returns false when the request names only
 * applications we do not serve. */
static bool route_app(const push_pra *a, const sip_msg *req, sp_str *app)
{
    *app = a->cfg.napps ? a->cfg.apps[0] : SP_STR_NULL;
    bool named = false;
    for (const sip_header *h = sip_msg_find(req, SIP_H_ACCEPT_CONTACT); h; h = sip_msg_find_next(req, h)) {
        sp_str rest = h->value, item, tag;
        while (sip_list_next(&rest, &item)) {
            sip_ac_value ac;
            if (sip_ac_value_parse(item, &ac, NULL) != 0 || !sip_feature_find(ac.params, PUSH_FTAG_APP, &tag))
                continue;
            named = true;
            for (size_t i = 0; i < a->cfg.napps; i++)
                if (sip_feature_has(ac.params, PUSH_FTAG_APP, a->cfg.apps[i])) {
                    *app = a->cfg.apps[i];
                    return true;
                }
        }
    }
    return !named;
}

/* RFC 3428 §7: a MESSAGE with Expires lapses that many seconds after its
 * Date, or after its arrival when it has none (we present it at once, so
 * it is never late then). 0: in time; 400: Expires or Date malformed or
 * repeated; 410: expired (push/README.md). */
static unsigned message_expiry(const push_pra *a, const sip_msg *req)
{
    if (!req->count[SIP_H_EXPIRES])
        return 0;
    uint64_t delta;
    time_t date;
    if (req->count[SIP_H_EXPIRES] > 1 || req->count[SIP_H_DATE] > 1 ||
        !sp_str_to_u64(sp_str_trim(push_hdr(req, SIP_H_EXPIRES)), UINT32_MAX, &delta))
        return 400;
    if (!req->count[SIP_H_DATE])
        return 0;
    if (sip_date_parse(push_hdr(req, SIP_H_DATE), &date, NULL) != 0)
        return 400;
    int64_t now = a->cfg.wall_s ? a->cfg.wall_s(a->cfg.ctx) : (int64_t)time(NULL);
    return now > (int64_t)date + (int64_t)delta ? 410 : 0;
}

static void on_message(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    /* The sender first: a refused request never reaches the duplicate
     * table, so no untrusted host can plant an answer there for a later
     * request with the same keys. */
    const char *why = NULL;
    unsigned bad = pra_check_sender(a, req, src, &why);
    if (bad) {
        pra_answer(a, st, req, bad, why, SP_STR_NULL);
        return;
    }
    uint64_t key = dedup_key(req);
    if (answered_before(a, st, req, key))
        return;
    unsigned late = message_expiry(a, req);
    if (late) {
        pra_answer(a, st, req, late, late == 410 ? "Message Expired" : "Bad Expires Or Date", SP_STR_NULL);
        dedup_put(a, key, late);
        return;
    }
    /* seed 002 §7.1: a page-mode push body never exceeds 1300 bytes */
    if (req->body.n > PUSH_PAGE_MODE_MAX) {
        pra_answer(a, st, req, 413, "MESSAGE Body Over 1300 Bytes", SP_STR_NULL);
        dedup_put(a, key, 413);
        return;
    }
    sp_str app;
    if (!route_app(a, req, &app)) {
        pra_answer(a, st, req, PUSH_STATUS_UNKNOWN_APP, "Push Application Not Served", SP_STR_NULL);
        dedup_put(a, key, PUSH_STATUS_UNKNOWN_APP);
        return;
    }
    deliver(a, st, req, PUSH_METHOD_MESSAGE, app, push_addr_uri(push_hdr(req, SIP_H_P_ASSERTED_IDENTITY)), key);
}

/* --- NOTIFY (seed 002 §7.2.1.2) --------------------------------------------- */

static void on_notify(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    if (!push_subc_route_notify(&a->subs, st, req, src))
        pra_answer(a, st, req, 481, "Subscription Does Not Exist", SP_STR_NULL); /* RFC 6665 §4.1.3 */
}

/* The application of a subscription: the event-app-id of its Event. */
static sp_str sub_app(const push_subc *s)
{
    sip_event ev;
    sp_str v;
    if (sip_event_parse(s->cfg.event, &ev, NULL) == 0 && sip_param_find(ev.params, "event-app-id", &v) && v.p)
        return sip_unquote(v);
    return SP_STR_NULL;
}

static unsigned sub_notify(void *ctx, push_subc *s, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    push_pra *a = ctx;
    /* the sender of a NOTIFY push is checked like a MESSAGE's (seed 004
     * §7.3.2), and first: only trusted requests enter the duplicate table */
    const char *why = NULL;
    unsigned bad = pra_check_sender(a, req, src, &why);
    uint64_t key = dedup_key(req);
    if (!bad && answered_before(a, st, req, key))
        return 0;
    pra_refer_first_notify(a, s);
    if (!req->body.n) {
        if (!bad)
            dedup_put(a, key, 200);
        return 200; /* state only (the enrolment confirmation, a termination) */
    }
    if (bad) {
        pra_answer(a, st, req, bad, why, SP_STR_NULL);
        return 0;
    }
    if (req->body.n > PUSH_PAGE_MODE_MAX) {
        pra_answer(a, st, req, 413, "NOTIFY Body Over 1300 Bytes", SP_STR_NULL);
        dedup_put(a, key, 413);
        return 0;
    }
    sp_str app = sub_app(s);
    deliver(a, st, req, PUSH_METHOD_NOTIFY, app.n ? app : (a->cfg.napps ? a->cfg.apps[0] : SP_STR_NULL),
            push_addr_uri(push_hdr(req, SIP_H_P_ASSERTED_IDENTITY)), key);
    return 0;
}

static void sub_state(void *ctx, push_subc *s, push_subc_state old, unsigned status, uint32_t expires)
{
    push_pra *a = ctx;
    if (s->user && (s->state == PUSH_SUBC_ACTIVE || s->state == PUSH_SUBC_TERMINATED))
        pra_refer_sub_state(a, s, status); /* made for a REFER */
    if (s->state == PUSH_SUBC_ACTIVE && old == PUSH_SUBC_SUBSCRIBING)
        pra_event(a, PUSH_PRA_EV_SUBSCRIBED, status, expires, SP_STR_NULL, SP_STR_NULL, s->cfg.target);
    else if (s->state == PUSH_SUBC_TERMINATED)
        pra_event(a, PUSH_PRA_EV_SUB_ENDED, status, 0, SP_STR_NULL, SP_STR_NULL, s->cfg.target);
}

size_t pra_sub_headers(const push_pra *a, sp_str accept_contact, char *out, size_t cap)
{
    char acc[512];
    size_t an = accept_header(a, acc, sizeof acc);
    /* seed 002 §7.2.1.1 step 2: P-Preferred-Identity, which the core turns
     * into P-Asserted-Identity (RFC 3325 §6). With no core between us and
     * the sender, we are the edge of the trust domain and assert it
     * ourselves, so the sender's identity check (§7.2.2.1) can pass. */
    const char *pid = a->cfg.proxy.n ? "P-Preferred-Identity" : "P-Asserted-Identity";
    int n = snprintf(out, cap, "%s: <%.*s>\r\n%.*sAccept-Contact: %.*s\r\nAllow: %.*s\r\n", pid, (int)a->cfg.aor.n,
                     a->cfg.aor.p, (int)an, acc, (int)accept_contact.n, accept_contact.p, (int)pra_allow(a).n,
                     pra_allow(a).p);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

/* The initial subscription (seed 002 §7.2.1.1): ua-profile with the oma-app
 * profile type, the application, and dev-cap or vendor, model and version. */
void pra_start_subscription(push_pra *a)
{
    if (a->main_sub || !a->cfg.subscribe.n || a->stopping)
        return;
    char event[768], ac[256], hdrs[1200];
    sp_buf b;
    sp_buf_init(&b, event, sizeof event);
    sp_buf_puts(&b, "ua-profile;profile-type=oma-app");
    if (a->cfg.napps) {
        sp_buf_puts(&b, ";event-app-id=\"");
        sp_buf_put(&b, a->cfg.apps[0]);
        sp_buf_puts(&b, "\"");
    }
    if (a->cfg.dev_cap.n) {
        sp_buf_puts(&b, ";dev-cap=\"");
        sp_buf_put(&b, a->cfg.dev_cap);
        sp_buf_puts(&b, "\"");
    } else {
        sp_buf_puts(&b, ";vendor=\"");
        sp_buf_put(&b, a->cfg.vendor);
        sp_buf_puts(&b, "\";model=\"");
        sp_buf_put(&b, a->cfg.model);
        sp_buf_puts(&b, "\";version=\"");
        sp_buf_put(&b, a->cfg.version);
        sp_buf_puts(&b, "\"");
    }
    long en = sp_buf_finish(&b);
    sp_error err;
    int acn = push_accept_contact_build(a->cfg.napps ? a->cfg.apps[0] : SP_STR_NULL, SP_STR_NULL, pra_push_methods(a),
                                        false, false, ac, sizeof ac, &err);
    size_t hn = acn > 0 ? pra_sub_headers(a, sp_str_make(ac, (size_t)acn), hdrs, sizeof hdrs) : 0;
    if (en < 0 || !hn)
        return;
    push_subc_config sc = {.target = a->cfg.subscribe, .proxy = a->cfg.proxy,
                           .from_uri = a->cfg.aor, .contact = push_pra_contact(a),
                           .event = sp_str_make(event, (size_t)en), .headers = sp_str_make(hdrs, hn),
                           .expires = a->cfg.expires, .retry = true};
    a->main_sub = push_subc_new(&a->subs, &sc);
    if (a->main_sub && push_subc_start(a->main_sub) != 0)
        push_tmr_start(&a->env, &a->main_sub->tmr, PUSH_SUBC_RETRY_MS, push_cookie(PRA_TMR_SUBC, a->main_sub->id));
}

/* --- OPTIONS (RFC 3261 §11.2, RFC 3840 §9) ------------------------------------- */

static void on_options(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)src;
    char hdrs[2048], acc[512];
    size_t an = accept_header(a, acc, sizeof acc);
    sp_str contact = push_pra_contact(a);
    int n = snprintf(hdrs, sizeof hdrs, "Allow: %.*s\r\n%.*sSupported: gruu\r\nContact: %.*s%s\r\n",
                     (int)pra_allow(a).n, pra_allow(a).p, (int)an, acc, (int)contact.n, contact.p,
                     a->contact_tags);
    pra_answer(a, st, req, 200, NULL, n > 0 && (size_t)n < sizeof hdrs ? sp_str_make(hdrs, (size_t)n) : SP_STR_NULL);
}

/* --- life cycle ----------------------------------------------------------------- */

static size_t copy_len(const sp_str *s) { return s->p ? s->n : 0; }

static void copy_into(char **at, sp_str *s)
{
    if (!s->p)
        return;
    memcpy(*at, s->p, s->n);
    s->p = *at;
    *at += s->n;
}

/* Every slice of the configuration, to copy it in one block. */
static size_t cfg_fields(push_pra_config *c, sp_str **f)
{
    size_t n = 0;
    sp_str *one[] = {&c->aor, &c->registrar, &c->proxy, &c->subscribe, &c->instance, &c->dev_cap, &c->vendor,
                     &c->model, &c->version};
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++)
        f[n++] = one[i];
    for (size_t i = 0; i < c->napps; i++)
        f[n++] = &c->apps[i];
    for (size_t i = 0; i < c->naccept; i++)
        f[n++] = &c->accept[i];
    for (size_t i = 0; i < c->ntrust; i++)
        f[n++] = &c->trust[i];
    for (size_t i = 0; i < c->nwhitelist; i++)
        f[n++] = &c->whitelist[i];
    return n;
}

/* A version 4 UUID URN (RFC 4122 §4.4) for a receiver given none; false
 * without randomness (a fixed one would make every such receiver one). */
static bool new_instance(char *out, size_t cap)
{
    unsigned char r[16];
    if (sp_random_bytes(r, sizeof r) != 0)
        return false;
    r[6] = (unsigned char)((r[6] & 0x0f) | 0x40);
    r[8] = (unsigned char)((r[8] & 0x3f) | 0x80);
    snprintf(out, cap, "urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", r[0], r[1],
             r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
    return true;
}

push_pra *push_pra_new(const push_pra_config *cfg, const push_env *env, const char **why)
{
    const char *dummy;
    why = why ? why : &dummy;
    if (cfg->napps > PUSH_PRA_MAX_APPS || cfg->naccept > PUSH_PRA_MAX_ACCEPT || cfg->ntrust > PUSH_PRA_MAX_TRUST ||
        cfg->nwhitelist > PUSH_PRA_MAX_WHITELIST) {
        *why = "too many --app, --accept, --trust or --allow-from";
        return NULL;
    }
    sip_uri u;
    if (sip_uri_parse(cfg->aor, &u, NULL) != 0 || (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS)) {
        *why = "the AoR is not a sip: URI";
        return NULL;
    }
    sip_peer p;
    if ((cfg->registrar.n && push_uri_peer(cfg->registrar, &p) != 0) ||
        (cfg->subscribe.n && push_uri_peer(cfg->subscribe, &p) != 0) ||
        (cfg->proxy.n && push_uri_peer(cfg->proxy, &p) != 0)) {
        *why = "a registrar, proxy or subscription URI is not a usable sip: URI";
        return NULL;
    }
    push_pra *a = calloc(1, sizeof *a);
    if (!a) {
        *why = "out of memory";
        return NULL;
    }
    a->cfg = *cfg;
    a->env = *env;
    sp_str *f[16 + PUSH_PRA_MAX_APPS + PUSH_PRA_MAX_ACCEPT + PUSH_PRA_MAX_TRUST + PUSH_PRA_MAX_WHITELIST];
    size_t nf = cfg_fields(&a->cfg, f), total = 1;
    for (size_t i = 0; i < nf; i++)
        total += copy_len(f[i]);
    a->mem = malloc(total);
    a->dedup = calloc(PUSH_PRA_DEDUP_SLOTS, sizeof *a->dedup);
    a->sub_dialogs = sip_dialog_set_new(0);
    a->refer_dialogs = sip_dialog_set_new(0);
    if (!a->mem || !a->dedup || !a->sub_dialogs || !a->refer_dialogs) {
        *why = "out of memory";
        push_pra_free(a);
        return NULL;
    }
    char *at = a->mem;
    for (size_t i = 0; i < nf; i++)
        copy_into(&at, f[i]);
    if (!a->cfg.expires)
        a->cfg.expires = PUSH_PRA_EXPIRES_DEFAULT;
    if (!a->cfg.vendor.n)
        a->cfg.vendor = SP_LIT("sippush");
    if (!a->cfg.model.n)
        a->cfg.model = SP_LIT("sippush-pra");
    if (!a->cfg.version.n)
        a->cfg.version = SP_LIT("1");
    if (a->cfg.instance.n)
        snprintf(a->instance, sizeof a->instance, "%.*s", (int)a->cfg.instance.n, a->cfg.instance.p);
    else if (!new_instance(a->instance, sizeof a->instance)) {
        *why = "no randomness for an instance id";
        push_pra_free(a);
        return NULL;
    }
    sip_tp tp = a->cfg.local.udp_port ? SIP_TP_UDP : SIP_TP_TCP;
    push_features feat = {.instance = sp_str_cstr(a->instance), .apps = a->cfg.apps, .napps = a->cfg.napps,
                          .methods = pra_methods(a)};
    sp_error err;
    if (!push_contact_uri(&a->cfg.local, tp, u.user, a->contact_addr, sizeof a->contact_addr) ||
        push_contact_features_build(&feat, a->contact_tags, sizeof a->contact_tags, &err) < 0) {
        *why = "bad application id or instance";
        push_pra_free(a);
        return NULL;
    }
    a->subs = (push_subc_host){.env = &a->env, .local = &a->cfg.local, .dialogs = a->sub_dialogs,
                               .timer_kind = PRA_TMR_SUBC, .ctx = a, .on_state = sub_state, .on_notify = sub_notify};
    sip_auth_client_init(&a->reg.auth, a->cfg.creds, a->cfg.ncreds);
    return a;
}

void push_pra_free(push_pra *a)
{
    if (!a)
        return;
    push_tmr_stop(&a->env, &a->reg.tmr);
    push_tmr_stop(&a->env, &a->stop_tmr);
    pra_refer_free_all(a);
    push_subc_host_clear(&a->subs);
    sip_dialog_set_free(a->sub_dialogs);
    sip_dialog_set_free(a->refer_dialogs);
    free(a->dedup);
    free(a->mem);
    free(a);
}

void push_pra_start(push_pra *a)
{
    /* seed 002 §7.2.1.1: the subscription follows the initial registration,
     * whose GRUU becomes its Contact */
    if (a->cfg.registrar.n)
        pra_reg_start(a);
    else
        pra_start_subscription(a);
}

void pra_check_stopped(push_pra *a)
{
    if (!a->stopping || a->stopped || !pra_reg_done(a))
        return;
    a->stopped = true;
    push_tmr_stop(&a->env, &a->stop_tmr);
    pra_event(a, PUSH_PRA_EV_STOPPED, 0, 0, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL);
}

void push_pra_stop(push_pra *a)
{
    if (a->stopping)
        return;
    a->stopping = true;
    for (push_subc *s = a->subs.list; s; s = s->next)
        push_subc_stop(s);
    pra_reg_stop(a);
    push_tmr_start(&a->env, &a->stop_tmr, PUSH_PRA_STOP_WAIT_MS, push_cookie(PRA_TMR_STOP, 0));
    pra_check_stopped(a);
}

void push_pra_timer(push_pra *a, uint64_t cookie)
{
    switch (push_cookie_kind(cookie)) {
    case PRA_TMR_REG:
        a->reg.tmr.handle = 0;
        pra_reg_timer(a);
        break;
    case PRA_TMR_SUBC:
        push_subc_timer(&a->subs, push_cookie_id(cookie));
        break;
    case PRA_TMR_STOP:
        a->stop_tmr.handle = 0;
        if (!a->stopped) {
            a->stopped = true;
            pra_event(a, PUSH_PRA_EV_STOPPED, 408, 0, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL);
        }
        break;
    default:
        break;
    }
    pra_check_stopped(a);
}

sp_str push_pra_pub_gruu(const push_pra *a) { return a->reg.pub_gruu[0] ? sp_str_cstr(a->reg.pub_gruu) : SP_STR_NULL; }
sp_str push_pra_temp_gruu(const push_pra *a)
{
    return a->reg.temp_gruu[0] ? sp_str_cstr(a->reg.temp_gruu) : SP_STR_NULL;
}

sp_str push_pra_contact(const push_pra *a)
{
    /* RFC 5627 §4.3: the GRUU is the Contact of every request but REGISTER */
    if (a->reg.pub_gruu[0]) {
        push_pra *m = (push_pra *)a;
        snprintf(m->gruu_contact, sizeof m->gruu_contact, "<%s>", a->reg.pub_gruu);
        return sp_str_cstr(a->gruu_contact);
    }
    return sp_str_cstr(a->contact_addr);
}
