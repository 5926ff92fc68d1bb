/* txn_fake.c - the fake clock, timers and network of txn_fake.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "txn_fake.h"

static fake_ep *ep_of(void *ctx) { return ctx; }

static uint64_t fake_now(void *ctx) { return ep_of(ctx)->net->now; }

static int fake_send(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    fake_ep *e = ep_of(ctx);
    fake_net *net = e->net;
    if (e->fail_sends < 0)
        return -1;
    if (e->fail_sends > 0) {
        e->fail_sends--;
        return -1;
    }
    if (e->nsent < FAKE_MAX_MSGS && len < FAKE_MSG_MAX) {
        fake_msg *m = &e->sent[e->nsent++];
        memcpy(m->buf, buf, len);
        m->buf[len] = 0;
        m->len = len;
        m->peer = *dest;
        m->at = net->now;
    }
    int to = -1;
    for (int i = 0; i < 2; i++)
        if (&net->ep[i] != e && !net->ep[i].deaf && !strcmp(net->ep[i].self.host, dest->host) &&
            net->ep[i].self.port == dest->port)
            to = i;
    if (to < 0 || len >= FAKE_MSG_MAX)
        return 0;
    fake_msg tmp;
    memcpy(tmp.buf, buf, len);
    tmp.buf[len] = 0;
    tmp.len = len;
    tmp.peer = e->self;
    int copies = 1;
    uint64_t delay = net->latency_ms;
    if (net->policy)
        net->policy(net, net->seq, &tmp, &copies, &delay);
    net->seq++;
    for (int c = 0; c < copies && net->nflight < FAKE_MAX_FLIGHT; c++) {
        fake_flight *f = &net->flight[net->nflight++];
        f->at = net->now + delay + (uint64_t)c; /* copies arrive one ms apart */
        f->to = to;
        f->m = malloc(sizeof *f->m);
        *f->m = tmp;
    }
    return 0;
}

static uint64_t fake_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    fake_ep *e = ep_of(ctx);
    fake_net *net = e->net;
    for (size_t i = 0; i < FAKE_MAX_TIMERS; i++) {
        fake_timer *t = &net->timers[i];
        if (t->armed)
            continue;
        t->armed = true;
        t->handle = ++net->next_handle;
        t->deadline = net->now + delay_ms;
        t->cookie = cookie;
        t->ep = (int)(e - net->ep);
        return t->handle;
    }
    return 0;
}

static void fake_timer_cancel(void *ctx, uint64_t handle)
{
    fake_net *net = ep_of(ctx)->net;
    for (size_t i = 0; i < FAKE_MAX_TIMERS; i++)
        if (net->timers[i].armed && net->timers[i].handle == handle)
            net->timers[i].armed = false;
}

static fake_msg *copy_msg(const sip_msg *m, const sip_peer *peer, uint64_t now)
{
    fake_msg *c = calloc(1, sizeof *c);
    /* the whole message from its first byte: start line through body */
    const char *start = m->is_request ? m->method.p : m->version.p;
    size_t len = m->length < FAKE_MSG_MAX - 1 ? m->length : FAKE_MSG_MAX - 1;
    if (start)
        memcpy(c->buf, start, len);
    c->len = start ? len : 0;
    if (peer)
        c->peer = *peer;
    c->at = now;
    return c;
}

static void tu_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    fake_ep *e = ep_of(ctx);
    if (e->nreq >= FAKE_MAX_MSGS)
        return;
    fake_event *ev = &e->req[e->nreq++];
    memset(ev, 0, sizeof *ev);
    ev->id = st;
    ev->end = -1;
    snprintf(ev->method, sizeof ev->method, "%.*s", (int)req->method.n, req->method.p);
    ev->msg = copy_msg(req, src, e->net->now);
    if (e->auto_status && st) {
        sip_txn_reply r = {.status = e->auto_status, .to_tag = SP_LIT("srvtag")};
        sip_txn_respond(e->L, st, &r);
    }
    if (e->on_request)
        e->on_request(e->on_request_ctx, st, req, src);
}

static void tu_end(void *ctx, sip_txn_id st, sip_txn_end why)
{
    fake_ep *e = ep_of(ctx);
    if (e->nends >= FAKE_MAX_MSGS)
        return;
    fake_event *ev = &e->ends[e->nends++];
    memset(ev, 0, sizeof *ev);
    ev->id = st;
    ev->end = (int)why;
}

static void tu_stray(void *ctx, const sip_msg *resp, const sip_peer *src)
{
    fake_ep *e = ep_of(ctx);
    if (e->nstray >= FAKE_MAX_MSGS)
        return;
    fake_event *ev = &e->stray[e->nstray++];
    memset(ev, 0, sizeof *ev);
    ev->status = resp->status;
    ev->end = -1;
    ev->msg = copy_msg(resp, src, e->net->now);
}

static void fake_log(void *ctx, const char *line)
{
    fake_ep *e = ep_of(ctx);
    if (e->nlog < FAKE_MAX_MSGS)
        snprintf(e->log[e->nlog++], sizeof e->log[0], "%s", line);
}

sip_peer fake_peer(const char *host, uint16_t port, sip_tp tp)
{
    sip_peer p;
    memset(&p, 0, sizeof p);
    p.tp = tp;
    p.port = port;
    snprintf(p.host, sizeof p.host, "%s", host);
    return p;
}

static void tu_room(void *ctx) { ((fake_ep *)ctx)->nroom++; }

fake_net *fake_net_new(const sip_txn_config *cfg)
{
    fake_net *net = calloc(1, sizeof *net);
    net->latency_ms = 10;
    for (int i = 0; i < 2; i++) {
        fake_ep *e = &net->ep[i];
        e->net = net;
        e->sent = calloc(FAKE_MAX_MSGS, sizeof *e->sent);
        e->self = fake_peer(i == 0 ? "10.0.0.1" : "10.0.0.2", 5060, SIP_TP_UDP);
        sip_txn_config c;
        if (cfg)
            c = *cfg;
        else
            sip_txn_config_default(&c);
        c.log = fake_log;
        c.log_ctx = e;
        sip_txn_env env = {.ctx = e, .now_ms = fake_now, .send = fake_send,
                           .timer_start = fake_timer_start, .timer_cancel = fake_timer_cancel};
        sip_txn_tu tu = {.ctx = e, .on_request = tu_request, .on_server_end = tu_end,
                         .on_stray_response = tu_stray, .on_room = tu_room};
        e->L = sip_txn_layer_new(&c, &env, &tu);
    }
    return net;
}

static void free_events(fake_event *ev, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(ev[i].msg);
}

void fake_net_free(fake_net *net)
{
    for (int i = 0; i < 2; i++) {
        fake_ep *e = &net->ep[i];
        sip_txn_layer_free(e->L);
        free(e->sent);
        free_events(e->req, e->nreq);
        free_events(e->resp, e->nresp);
        free_events(e->stray, e->nstray);
    }
    for (size_t i = 0; i < net->nflight; i++)
        free(net->flight[i].m);
    free(net);
}

void fake_advance(fake_net *net, uint64_t ms)
{
    uint64_t end = net->now + ms;
    for (;;) {
        /* the earliest thing due: a timer or a datagram (timers first on a tie) */
        fake_timer *tm = NULL;
        for (size_t i = 0; i < FAKE_MAX_TIMERS; i++) {
            fake_timer *t = &net->timers[i];
            if (t->armed && t->deadline <= end && (!tm || t->deadline < tm->deadline ||
                                                   (t->deadline == tm->deadline && t->handle < tm->handle)))
                tm = t;
        }
        size_t fi = SIZE_MAX;
        for (size_t i = 0; i < net->nflight; i++)
            if (net->flight[i].at <= end && (fi == SIZE_MAX || net->flight[i].at < net->flight[fi].at))
                fi = i;
        if (tm && (fi == SIZE_MAX || tm->deadline <= net->flight[fi].at)) {
            net->now = tm->deadline;
            tm->armed = false;
            sip_txn_timer(net->ep[tm->ep].L, tm->cookie);
        } else if (fi != SIZE_MAX) {
            fake_flight f = net->flight[fi];
            memmove(&net->flight[fi], &net->flight[fi + 1], (net->nflight - fi - 1) * sizeof f);
            net->nflight--;
            net->now = f.at;
            sip_txn_receive(net->ep[f.to].L, f.m->buf, f.m->len, &f.m->peer);
            free(f.m);
        } else {
            break;
        }
    }
    net->now = end;
}

size_t fake_timers_armed(const fake_net *net)
{
    size_t n = 0;
    for (size_t i = 0; i < FAKE_MAX_TIMERS; i++)
        n += net->timers[i].armed;
    return n;
}

void fake_inject(fake_net *net, int ep, const char *msg, const sip_peer *src)
{
    sip_txn_receive(net->ep[ep].L, msg, strlen(msg), src);
}

const char *fake_sent(const fake_net *net, int ep, size_t n)
{
    return n < net->ep[ep].nsent ? net->ep[ep].sent[n].buf : "";
}

bool fake_has(const char *msg, const char *text) { return strstr(msg, text) != NULL; }

size_t fake_count_sent(const fake_net *net, int ep, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < net->ep[ep].nsent; i++)
        n += strncmp(net->ep[ep].sent[i].buf, prefix, strlen(prefix)) == 0;
    return n;
}

bool fake_logged(const fake_net *net, int ep, const char *text)
{
    for (size_t i = 0; i < net->ep[ep].nlog; i++)
        if (strstr(net->ep[ep].log[i], text))
            return true;
    return false;
}

void fake_client_cb(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    fake_ep *e = ep_of(ctx);
    if (e->nresp >= FAKE_MAX_MSGS)
        return;
    fake_event *ev = &e->resp[e->nresp++];
    memset(ev, 0, sizeof *ev);
    ev->id = ct;
    ev->status = r->status;
    ev->final = r->final;
    ev->local = r->local;
    ev->repeat = r->repeat;
    ev->end = -1;
    if (r->msg && r->msg->length)
        ev->msg = copy_msg(r->msg, NULL, e->net->now);
}

sip_txn_id fake_request(fake_net *net, int ep, const char *msg)
{
    sip_txn_id id = 0;
    fake_ep *e = &net->ep[ep];
    int rc = sip_txn_request(e->L, msg, strlen(msg), &net->ep[1 - ep].self, fake_client_cb, e, &id);
    return rc == 0 ? id : 0;
}

static char req_buf[4][2048];
static unsigned req_turn;

const char *fake_req(const char *method, const char *branch, unsigned cseq, const char *to_tag)
{
    char *b = req_buf[req_turn++ % 4];
    snprintf(b, sizeof req_buf[0],
             "%s sip:bob@10.0.0.2 SIP/2.0\r\n"
             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=%s\r\n"
             "Max-Forwards: 70\r\n"
             "From: <sip:alice@example.com>;tag=alice1\r\n"
             "To: <sip:bob@example.com>%s%s\r\n"
             "Call-ID: call-1@10.0.0.1\r\n"
             "CSeq: %u %s\r\n"
             "Content-Length: 0\r\n\r\n",
             method, branch, to_tag ? ";tag=" : "", to_tag ? to_tag : "", cseq, method);
    return b;
}

const char *fake_resp(unsigned status, const char *method, const char *branch, unsigned cseq, const char *to_tag)
{
    char *b = req_buf[req_turn++ % 4];
    snprintf(b, sizeof req_buf[0],
             "SIP/2.0 %u Whatever\r\n"
             "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=%s\r\n"
             "From: <sip:alice@example.com>;tag=alice1\r\n"
             "To: <sip:bob@example.com>%s%s\r\n"
             "Call-ID: call-1@10.0.0.1\r\n"
             "CSeq: %u %s\r\n"
             "Content-Length: 0\r\n\r\n",
             status, branch, to_tag ? ";tag=" : "", to_tag ? to_tag : "", cseq, method);
    return b;
}
