/* push_loop.c - see push_loop.h. */
#include "msrp_tp.h"
#include "push_loop.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop_run.h"

struct pl_timer {
    tp_timer t;
    uint64_t cookie;
    pl_side *side;
    pl_timer *prev, *next;
};

static void timer_unlink(pl_side *s, pl_timer *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        s->timers = r->next;
    if (r->next)
        r->next->prev = r->prev;
}

static void timer_fired(tp_timer *t, void *ctx)
{
    (void)t;
    pl_timer *r = ctx;
    pl_side *s = r->side;
    uint64_t cookie = r->cookie;
    timer_unlink(s, r);
    free(r);
    push_invite_timer(&s->ctx, cookie);
}

static uint64_t env_now(void *ctx) { return tp_loop_now(((pl_side *)ctx)->pl->loop); }

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    pl_side *s = ctx;
    pl_timer *r = calloc(1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    if (s->pl->time_div > 1) /* session timers of minutes run in a test's seconds */
        delay_ms /= s->pl->time_div;
    r->side = s;
    r->cookie = cookie;
    tp_timer_init(&r->t, timer_fired, r);
    ck_assert_int_eq(tp_timer_start(tp_loop_timers(s->pl->loop), &r->t, delay_ms), 0);
    r->next = s->timers;
    if (s->timers)
        s->timers->prev = r;
    s->timers = r;
    return (uint64_t)(uintptr_t)r;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    pl_side *s = ctx;
    pl_timer *r = (pl_timer *)(uintptr_t)handle;
    tp_timer_stop(tp_loop_timers(s->pl->loop), &r->t);
    timer_unlink(s, r);
    free(r);
}

static void env_log(void *ctx, const char *line)
{
    pl_side *s = ctx;
    if (s->nlines < PL_LOG_MAX)
        snprintf(s->lines[s->nlines++], sizeof s->lines[0], "%s", line);
    if (getenv("PUSH_TEST_VERBOSE"))
        fprintf(stderr, "%s\n", line);
}

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    pl_side *s = ctx;
    if (s->nwire < PL_WIRE_MAX) {
        /* from the start line to the end of the body */
        size_t n = (size_t)(req->body.p + req->body.n - req->method.p);
        s->wire[s->nwire] = malloc(n + 1);
        memcpy(s->wire[s->nwire], req->method.p, n);
        s->wire[s->nwire][n] = '\0';
        s->nwire++;
    }
    if (push_invite_sender_route(&s->ctx, st, req, src))
        return;
    if (s->rx && push_invite_rx_route(s->rx, st, req, src))
        return;
    if (st) {
        sip_txn_reply r = {.status = 481};
        sip_txn_respond(sip_txn_tp_layer(s->tp), st, &r);
    }
}

static void on_server_end(void *ctx, sip_txn_id st, sip_txn_end why)
{
    pl_side *s = ctx;
    if (s->rx)
        push_invite_rx_server_end(s->rx, st, why);
}

static void side_open(push_loop *pl, pl_side *s, sip_tp tp)
{
    s->pl = pl;
    tp_addr any;
    tp_addr_loopback(&any, pl->family, 0);
    sip_txn_tp_config c;
    memset(&c, 0, sizeof c);
    sip_txn_config_default(&c.txn);
    c.tu = (sip_txn_tu){.ctx = s, .on_request = on_request, .on_server_end = on_server_end};
    c.udp = tp == SIP_TP_UDP ? &any : NULL;
    c.tcp = &any;
    ck_assert_int_eq(sip_txn_tp_new(pl->loop, &c, &s->tp), 0);
    ck_assert_int_eq(sip_txn_tp_local(s->tp, tp, &s->sip_addr), 0);
    ck_assert_int_eq(msrp_endpoint_new(pl->loop, NULL, &s->ep), 0);
    ck_assert_int_eq(msrp_endpoint_listen(s->ep, &any, &s->msrp_addr), 0);
    s->ctx.env = (push_env){.ctx = s, .now_ms = env_now, .timer_start = env_timer_start,
                            .timer_cancel = env_timer_cancel, .log = env_log};
    s->ctx.sip = sip_txn_tp_layer(s->tp);
    s->ctx.msrp = s->ep;
    s->ctx.msrp_host = pl_host(pl);
    s->ctx.msrp_port = tp_addr_port(&s->msrp_addr);
    snprintf(s->ctx.local.host, sizeof s->ctx.local.host, "%s", pl_host(pl));
    if (tp == SIP_TP_UDP)
        s->ctx.local.udp_port = tp_addr_port(&s->sip_addr);
    else
        s->ctx.local.tcp_port = tp_addr_port(&s->sip_addr);
    s->ctx.tp = tp;
}

static void on_done(void *ctx, push_invite_sender *s, const push_invite_result *r)
{
    (void)s;
    push_loop *pl = ctx;
    pl->result = *r;
    pl->done = true;
}

static void on_progress(void *ctx, push_invite_sender *s, uint64_t acked, uint64_t total)
{
    (void)s;
    push_loop *pl = ctx;
    ck_assert_uint_le(acked, total);
    ck_assert_uint_ge(acked, pl->progress_last);
    pl->progress_last = acked;
    pl->progress_calls++;
}

static void on_delivered(void *ctx, const push_invite_delivery *d)
{
    push_loop *pl = ctx;
    if (d->duplicate) {
        pl->duplicates++;
        return;
    }
    pl->delivered++;
    pl->last = *d;
    memcpy(pl->last_sha1, d->sha1, SP_SHA1_LEN);
    snprintf(pl->last_file, sizeof pl->last_file, "%s", d->file ? d->file : "");
    snprintf(pl->last_type, sizeof pl->last_type, "%.*s", (int)d->content_type.n, d->content_type.p);
    snprintf(pl->last_app, sizeof pl->last_app, "%.*s", (int)d->app.n, d->app.p ? d->app.p : "");
    free(pl->last_data);
    pl->last_data = NULL;
    pl->last_len = 0;
    if (d->data) {
        pl->last_data = malloc(d->size ? d->size : 1);
        memcpy(pl->last_data, d->data, d->size);
        pl->last_len = d->size;
    }
}

static unsigned on_accept(void *ctx, const push_invite_delivery *d)
{
    (void)d;
    return ((push_loop *)ctx)->refuse;
}

static void on_rejected(void *ctx, unsigned status, const char *reason)
{
    (void)reason;
    push_loop *pl = ctx;
    pl->rejected++;
    pl->last_reject = status;
}

static void on_ended(void *ctx, const char *why)
{
    (void)why;
    ((push_loop *)ctx)->ended++;
}

const char *pl_host(const push_loop *pl) { return pl->family == AF_INET6 ? "::1" : "127.0.0.1"; }

void pl_open(push_loop *pl, sip_tp tp, const push_invite_rx_config *cfg)
{
    pl_open_family(pl, AF_INET, tp, cfg);
}

void pl_open_family(push_loop *pl, int family, sip_tp tp, const push_invite_rx_config *cfg)
{
    memset(pl, 0, sizeof *pl);
    pl->family = family;
    pl->loop = tp_loop_new();
    ck_assert_ptr_nonnull(pl->loop);
    side_open(pl, &pl->tx, tp);
    side_open(pl, &pl->rx, tp);
    pl->tx.ctx.user = SP_LIT("psa");
    pl->rx.ctx.user = SP_LIT("bob");
    push_invite_rx_config def = {0};
    push_invite_rx_cb cb = {.ctx = pl, .accept = on_accept, .delivered = on_delivered, .rejected = on_rejected,
                            .ended = on_ended};
    pl->rx.rx = push_invite_rx_new(&pl->rx.ctx, cfg ? cfg : &def, &cb);
    ck_assert_ptr_nonnull(pl->rx.rx);
}

static void side_close(pl_side *s)
{
    if (s->rx)
        push_invite_rx_free(s->rx);
    sip_txn_tp_free(s->tp);
    while (s->timers) {
        pl_timer *r = s->timers;
        tp_timer_stop(tp_loop_timers(s->pl->loop), &r->t);
        timer_unlink(s, r);
        free(r);
    }
    loop_run_for(s->pl->loop, 1);
    msrp_endpoint_free(s->ep);
    for (size_t i = 0; i < s->nwire; i++)
        free(s->wire[i]);
}

void pl_close(push_loop *pl)
{
    push_invite_sender_free(pl->sender);
    pl->sender = NULL;
    loop_run_for(pl->loop, 1);
    side_close(&pl->tx);
    side_close(&pl->rx);
    loop_run_for(pl->loop, 1);
    tp_loop_free(pl->loop);
    free(pl->last_data);
}

const char *pl_target(push_loop *pl)
{
    static char uri[128];
    snprintf(uri, sizeof uri, pl->family == AF_INET6 ? "sip:bob@[%s]:%u%s" : "sip:bob@%s:%u%s", pl_host(pl),
             (unsigned)tp_addr_port(&pl->rx.sip_addr),
             pl->rx.ctx.tp == SIP_TP_TCP ? ";transport=tcp" : "");
    return uri;
}

void pl_params(push_loop *pl, push_invite_params *p, push_invite_file *f, const void *data, size_t len,
               const char *type)
{
    memset(p, 0, sizeof *p);
    memset(f, 0, sizeof *f);
    f->type = sp_str_cstr(type);
    f->data = data;
    f->fd = -1;
    f->size = len;
    p->target = sp_str_cstr(pl_target(pl));
    p->from = SP_LIT("sip:psa@127.0.0.1");
    sip_txn_tp_peer(&pl->rx.sip_addr, pl->rx.ctx.tp, &p->next_hop);
    p->app = SP_LIT("wml.ua");
    p->files = f;
    p->nfiles = 1;
}

push_invite_sender *pl_send(push_loop *pl, const push_invite_params *p)
{
    push_invite_sender_cb cb = {.ctx = pl, .done = on_done, .progress = on_progress};
    pl->done = false;
    push_invite_sender_free(pl->sender);
    ck_assert_int_eq(push_invite_sender_new(&pl->tx.ctx, p, &cb, &pl->sender), 0);
    ck_assert_int_eq(push_invite_sender_start(pl->sender), 0);
    return pl->sender;
}

bool pl_run_until(push_loop *pl, const bool *flag, int timeout_ms)
{
    return loop_run_until(pl->loop, flag, timeout_ms);
}

void pl_run_for(push_loop *pl, int ms) { loop_run_for(pl->loop, ms); }

bool pl_logged(const pl_side *s, const char *text)
{
    for (size_t i = 0; i < s->nlines; i++)
        if (strstr(s->lines[i], text))
            return true;
    return false;
}

const char *pl_wire(const pl_side *s, const char *prefix, size_t nth)
{
    for (size_t i = 0; i < s->nwire; i++)
        if (!strncmp(s->wire[i], prefix, strlen(prefix)) && nth-- == 0)
            return s->wire[i];
    return NULL;
}
