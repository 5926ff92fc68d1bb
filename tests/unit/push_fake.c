/* push_fake.c - see push_fake.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "push_fake.h"
#include "sip_stateless.h"

static uint64_t f_now(void *ctx) { return ((pfake *)ctx)->now; }

static uint64_t arm(pfake *f, uint64_t delay, uint64_t cookie, bool agent)
{
    for (size_t i = 0; i < PFAKE_MAX_TIMERS; i++)
        if (!f->timers[i].armed) {
            f->timers[i] = (pfake_timer){.armed = true, .agent = agent, .handle = ++f->next_handle,
                                         .at = f->now + delay, .cookie = cookie};
            return f->timers[i].handle;
        }
    return 0;
}

static void disarm(pfake *f, uint64_t handle)
{
    for (size_t i = 0; i < PFAKE_MAX_TIMERS; i++)
        if (f->timers[i].armed && f->timers[i].handle == handle)
            f->timers[i].armed = false;
}

static uint64_t l_timer_start(void *ctx, uint64_t d, uint64_t c) { return arm(ctx, d, c, false); }
static uint64_t a_timer_start(void *ctx, uint64_t d, uint64_t c) { return arm(ctx, d, c, true); }
static void any_timer_cancel(void *ctx, uint64_t h) { disarm(ctx, h); }

static int f_send(void *ctx, const sip_peer *dest, const char *buf, size_t len)
{
    pfake *f = ctx;
    if (f->nsent < PFAKE_MAX_SENT && len <= PUSH_MSG_MAX) {
        pfake_sent *s = &f->sent[f->nsent++];
        memcpy(s->buf, buf, len);
        s->buf[len] = '\0';
        s->len = len;
        s->to = *dest;
    }
    return f->fail_sends ? -1 : 0;
}

static void f_log(void *ctx, const char *line)
{
    pfake *f = ctx;
    if (f->nlog < 64)
        snprintf(f->log[f->nlog++], sizeof f->log[0], "%s", line);
}

static void fwd_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    pfake *f = ctx;
    if (f->tu.on_request)
        f->tu.on_request(f->tu.ctx, st, req, src);
}

static bool fwd_stateless(void *ctx, const sip_msg *req, const sip_peer *src, sip_txn_reply *reply)
{
    pfake *f = ctx;
    return f->tu.on_stateless_request && f->tu.on_stateless_request(f->tu.ctx, req, src, reply);
}

static void fwd_room(void *ctx)
{
    pfake *f = ctx;
    if (f->tu.on_room)
        f->tu.on_room(f->tu.ctx);
}

push_local pfake_local(void)
{
    push_local l;
    memset(&l, 0, sizeof l);
    snprintf(l.host, sizeof l.host, "10.0.0.9");
    l.udp_port = 5060;
    return l;
}

pfake *pfake_new(const char *allow, const char *supported) { return pfake_new_sized(allow, supported, 0); }

pfake *pfake_new_sized(const char *allow, const char *supported, uint32_t max_txns)
{
    pfake *f = calloc(1, sizeof *f);
    f->sent = calloc(PFAKE_MAX_SENT, sizeof *f->sent);
    f->now = 1000000;
    sip_txn_config c;
    sip_txn_config_default(&c);
    c.allow = sp_str_cstr(allow);
    c.supported = sp_str_cstr(supported);
    if (max_txns)
        c.max_txns = max_txns;
    sip_txn_env env = {.ctx = f, .now_ms = f_now, .send = f_send, .timer_start = l_timer_start,
                       .timer_cancel = any_timer_cancel};
    sip_txn_tu tu = {.ctx = f, .on_request = fwd_request, .on_stateless_request = fwd_stateless, .on_room = fwd_room};
    f->L = sip_txn_layer_new(&c, &env, &tu);
    f->env = (push_env){.ctx = f, .now_ms = f_now, .timer_start = a_timer_start, .timer_cancel = any_timer_cancel,
                        .log = f_log};
    return f;
}

void pfake_free(pfake *f)
{
    sip_txn_layer_free(f->L);
    free(f->sent);
    free(f);
}

void pfake_attach(pfake *f, void *agent, sip_txn_tu tu, void (*timer)(void *agent, uint64_t cookie))
{
    f->agent = agent;
    f->tu = tu;
    f->agent_timer = timer;
}

void pfake_advance(pfake *f, uint64_t ms)
{
    uint64_t end = f->now + ms;
    for (;;) {
        pfake_timer *t = NULL;
        for (size_t i = 0; i < PFAKE_MAX_TIMERS; i++) {
            pfake_timer *x = &f->timers[i];
            if (x->armed && x->at <= end && (!t || x->at < t->at || (x->at == t->at && x->handle < t->handle)))
                t = x;
        }
        if (!t)
            break;
        f->now = t->at;
        t->armed = false;
        if (t->agent)
            f->agent_timer(f->agent, t->cookie);
        else
            sip_txn_timer(f->L, t->cookie);
    }
    f->now = end;
}

void pfake_inject(pfake *f, const char *msg, const char *host, uint16_t port)
{
    sip_peer src;
    memset(&src, 0, sizeof src);
    src.tp = SIP_TP_UDP;
    src.port = port;
    snprintf(src.host, sizeof src.host, "%s", host);
    sip_txn_receive(f->L, msg, strlen(msg), &src);
}

void pfake_reply(pfake *f, size_t n, unsigned status, const char *headers, const char *ctype, const char *body)
{
    const pfake_sent *s = &f->sent[n];
    sip_header hdrs[64];
    sip_msg req;
    char out[PUSH_MSG_MAX], extra[4096];
    if (sip_msg_parse(s->buf, s->len, &req, hdrs, 64, NULL, SIP_FRAME_DATAGRAM, NULL) < 0)
        return;
    size_t bl = body ? strlen(body) : 0;
    snprintf(extra, sizeof extra, "%s%s%s%s", headers ? headers : "", ctype ? "Content-Type: " : "", ctype ? ctype : "",
             ctype ? "\r\n" : "");
    long len = sip_stateless_build(&req, status, SP_STR_NULL, sp_str_cstr(extra), out, sizeof out);
    if (len < 0)
        return;
    /* sip_stateless_build ends with an empty body: put ours in place */
    char msg[PUSH_MSG_MAX + 2048];
    char *cl = strstr(out, "Content-Length: 0\r\n\r\n");
    if (cl && bl) {
        size_t head = (size_t)(cl - out);
        snprintf(msg, sizeof msg, "%.*sContent-Length: %lu\r\n\r\n%s", (int)head, out, (unsigned long)bl, body);
    } else {
        snprintf(msg, sizeof msg, "%.*s", (int)len, out);
    }
    pfake_inject(f, msg, s->to.host, s->to.port);
}

const char *pfake_msg(const pfake *f, size_t n) { return n < f->nsent ? f->sent[n].buf : ""; }

long pfake_last(const pfake *f, const char *prefix)
{
    for (size_t i = f->nsent; i-- > 0;)
        if (!strncmp(f->sent[i].buf, prefix, strlen(prefix)))
            return (long)i;
    return -1;
}

size_t pfake_count(const pfake *f, const char *prefix)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nsent; i++)
        n += !strncmp(f->sent[i].buf, prefix, strlen(prefix));
    return n;
}

bool pfake_header(const pfake *f, size_t n, const char *name, char *out, size_t cap)
{
    if (n >= f->nsent)
        return false;
    sip_header hdrs[64];
    sip_msg m;
    if (sip_msg_parse(f->sent[n].buf, f->sent[n].len, &m, hdrs, 64, NULL, SIP_FRAME_DATAGRAM, NULL) < 0)
        return false;
    const sip_header *h = sip_msg_find_name(&m, sp_str_cstr(name));
    if (!h)
        return false;
    snprintf(out, cap, "%.*s", (int)h->value.n, h->value.p);
    return true;
}

bool pfake_logged(const pfake *f, const char *text)
{
    for (size_t i = 0; i < f->nlog; i++)
        if (strstr(f->log[i], text))
            return true;
    return false;
}
