/* push_loop.c - see push_loop.h. */
#include "msrp_tp.h"
#include "push_loop.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop_run.h"

static void timer_fired(void *ctx, uint64_t cookie)
{
    pl_side *s = ctx;
    push_invite_timer(&s->sess.ctx, cookie);
}

static uint64_t env_now(void *ctx)
{
    pl_side *s = ctx;
    return s->host_env.now_ms(s->host_env.ctx);
}

static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    pl_side *s = ctx;
    if (s->pl->time_div > 1) /* session timers of minutes run in a test's seconds */
        delay_ms /= s->pl->time_div;
    uint64_t h = s->host_env.timer_start(s->host_env.ctx, delay_ms, cookie);
    ck_assert_uint_ne(h, 0);
    return h;
}

static void env_timer_cancel(void *ctx, uint64_t handle)
{
    pl_side *s = ctx;
    s->host_env.timer_cancel(s->host_env.ctx, handle);
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
    if (push_invite_sender_route(&s->sess.ctx, st, req, src))
        return;
    if (s->rx && push_invite_rx_route(s->rx, st, req, src))
        return;
    if (st) {
        sip_txn_reply r = {.status = 481};
        sip_txn_respond(host_sip_layer(&s->sip), st, &r);
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
    host_timers_init(&s->timers, pl->loop, timer_fired, NULL, s);
    s->host_env = host_timers_env(&s->timers);
    push_env env = {.ctx = s, .now_ms = env_now, .timer_start = env_timer_start, .timer_cancel = env_timer_cancel,
                    .log = env_log};
    host_sip_config c = {.udp = tp == SIP_TP_UDP ? &any : NULL, .tcp = &any};
    ck_assert_int_eq(host_sip_open(&s->sip, pl->loop, &c), 0);
    host_sip_set_tu(&s->sip, (sip_txn_tu){.ctx = s, .on_request = on_request, .on_server_end = on_server_end});
    ck_assert_int_eq(host_sip_bound(&s->sip, tp, &s->sip_addr), 0);
    host_session_config mc = {.listen = &any, .tp = tp};
    ck_assert_int_eq(host_session_open(&s->sess, pl->loop, &env, &s->sip, &mc), 0);
    /* the agents' Contact and Via name the transport under test only */
    if (tp == SIP_TP_UDP)
        s->sess.ctx.local.tcp_port = 0;
    else
        s->sess.ctx.local.udp_port = 0;
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
    pl->tx.sess.ctx.user = SP_LIT("psa");
    pl->rx.sess.ctx.user = SP_LIT("bob");
    push_invite_rx_config def = {0};
    push_invite_rx_cb cb = {.ctx = pl, .accept = on_accept, .delivered = on_delivered, .rejected = on_rejected,
                            .ended = on_ended};
    pl->rx.rx = push_invite_rx_new(&pl->rx.sess.ctx, cfg ? cfg : &def, &cb);
    ck_assert_ptr_nonnull(pl->rx.rx);
}

static void side_close(pl_side *s)
{
    if (s->rx)
        push_invite_rx_free(s->rx);
    host_sip_close(&s->sip);
    host_timers_free(&s->timers);
    loop_run_for(s->pl->loop, 1);
    host_session_close(&s->sess);
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
             pl->rx.sess.ctx.tp == SIP_TP_TCP ? ";transport=tcp" : "");
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
    sip_txn_tp_peer(&pl->rx.sip_addr, pl->rx.sess.ctx.tp, &p->next_hop);
    p->app = SP_LIT("wml.ua");
    p->files = f;
    p->nfiles = 1;
}

push_invite_sender *pl_send(push_loop *pl, const push_invite_params *p)
{
    push_invite_sender_cb cb = {.ctx = pl, .done = on_done, .progress = on_progress};
    pl->done = false;
    push_invite_sender_free(pl->sender);
    ck_assert_int_eq(push_invite_sender_new(&pl->tx.sess.ctx, p, &cb, &pl->sender), 0);
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
