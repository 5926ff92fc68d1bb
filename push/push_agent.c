/* push_agent.c - timers, logging, addressing and request building shared by
 * the push agents. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "push_agent.h"
#include "sip_build.h"
#include "sip_hdr.h"
#include "sp_random.h"

void push_tmr_start(const push_env *env, push_tmr *t, uint64_t delay_ms, uint64_t cookie)
{
    push_tmr_stop(env, t);
    t->handle = env->timer_start(env->ctx, delay_ms, cookie);
}

void push_tmr_stop(const push_env *env, push_tmr *t)
{
    if (t->handle)
        env->timer_cancel(env->ctx, t->handle);
    t->handle = 0;
}

void push_logf(const push_env *env, const char *fmt, ...)
{
    if (!env->log)
        return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    env->log(env->ctx, line);
}

int push_uri_peer(sp_str uri, sip_peer *out)
{
    sip_uri u;
    if (sip_uri_parse(uri, &u, NULL) != 0 || (u.scheme != SIP_URI_SIP && u.scheme != SIP_URI_SIPS))
        return SP_EINVAL;
    memset(out, 0, sizeof *out);
    sp_str tp, maddr;
    out->tp = SIP_TP_UDP;
    if (sip_uri_param(&u, "transport", &tp) && tp.p && sp_str_caseeq_cstr(tp, "tcp"))
        out->tp = SIP_TP_TCP;
    if (u.scheme == SIP_URI_SIPS)
        out->tp = SIP_TP_TLS;
    out->port = u.has_port ? u.port : (u.scheme == SIP_URI_SIPS ? 5061 : 5060);
    /* RFC 3261 §19.1.1: maddr overrides the host as the destination */
    sp_str host = sip_uri_param(&u, "maddr", &maddr) && maddr.n ? maddr : u.host;
    return sip_peer_set_host(out, host) ? 0 : SP_EINVAL;
}

sip_tp push_local_tp(const push_local *l, sip_tp wanted)
{
    if (wanted == SIP_TP_TCP && (l->tcp_port || !l->udp_port))
        return SIP_TP_TCP;
    return l->udp_port ? SIP_TP_UDP : SIP_TP_TCP;
}

static uint16_t port_of(const push_local *l, sip_tp tp)
{
    uint16_t p = tp == SIP_TP_UDP ? l->udp_port : l->tcp_port;
    return p ? p : (l->udp_port ? l->udp_port : l->tcp_port);
}

static bool is_v6(const char *host) { return strchr(host, ':') != NULL; }

size_t push_via_value(const push_local *l, sip_tp tp, const char *branch, char *out, size_t cap)
{
    const char *o = is_v6(l->host) ? "[" : "", *c = is_v6(l->host) ? "]" : "";
    /* RFC 3581: rport asks for answers to the source port, through NATs */
    int n = snprintf(out, cap, "SIP/2.0/%s %s%s%s:%u;branch=%s;rport", tp == SIP_TP_TCP ? "TCP" : "UDP", o, l->host, c,
                     (unsigned)port_of(l, tp), branch);
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t push_contact_uri(const push_local *l, sip_tp tp, sp_str user, char *out, size_t cap)
{
    const char *o = is_v6(l->host) ? "[" : "", *c = is_v6(l->host) ? "]" : "";
    int n = snprintf(out, cap, "<sip:%.*s%s%s%s%s:%u%s>", (int)user.n, user.p ? user.p : "", user.n ? "@" : "", o,
                     l->host, c, (unsigned)port_of(l, tp), tp == SIP_TP_TCP ? ";transport=tcp" : "");
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

size_t push_local_uri(const push_local *l, const char *user, char *out, size_t cap)
{
    const char *o = is_v6(l->host) ? "[" : "", *c = is_v6(l->host) ? "]" : "";
    int n = snprintf(out, cap, "sip:%s@%s%s%s:%u", user, o, l->host, c, (unsigned)port_of(l, SIP_TP_UDP));
    return n < 0 || (size_t)n >= cap ? 0 : (size_t)n;
}

bool push_token(char *out, size_t len)
{
    if (sp_random_token(out, len, SP_RANDOM_ALNUM) == 0)
        return true;
    out[0] = '\0';
    return false;
}

bool push_req_ids_new(char call_id[PUSH_TOKEN_MAX], char from_tag[PUSH_TOKEN_MAX])
{
    if (push_token(call_id, PUSH_CALL_ID_LEN) && push_token(from_tag, PUSH_TAG_LEN))
        return true;
    call_id[0] = from_tag[0] = '\0';
    return false;
}

/* The Via of a new request leaving over tp: a fresh branch from L in
 * push_via_value; 0 when no randomness could be had. */
static size_t via_new(sip_txn_layer *L, const push_local *l, sip_tp tp, char out[PUSH_VIA_MAX])
{
    char branch[SIP_BRANCH_SIZE];
    out[0] = '\0';
    return sip_txn_branch_new(L, branch) == 0 ? push_via_value(l, tp, branch, out, PUSH_VIA_MAX) : 0;
}

long push_req_build(sip_txn_layer *L, const push_local *l, sip_tp tp, const push_req *r, char *out, size_t cap)
{
    if (r->from_uri.n > PUSH_URI_MAX || r->to_uri.n > PUSH_URI_MAX || r->proxy.n > PUSH_URI_MAX)
        return SP_ELIMIT;
    char via[PUSH_VIA_MAX];
    size_t vn = via_new(L, l, tp, via);
    if (!vn)
        return SP_EINVAL; /* no randomness: no guessable branch */
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sip_build_request_line(&b, r->method, r->ruri);
    sip_build_header(&b, SP_LIT("Via"), sp_str_make(via, vn));
    if (r->proxy.n) { /* RFC 3261 §8.1.2: loose routing through the outbound proxy */
        sp_buf_puts(&b, "Route: <");
        sp_buf_put(&b, r->proxy);
        sp_buf_puts(&b, ";lr>\r\n");
    }
    sip_build_header(&b, SP_LIT("Max-Forwards"), SP_LIT("70"));
    sp_buf_puts(&b, "From: <");
    sp_buf_put(&b, r->from_uri);
    sp_buf_puts(&b, ">;tag=");
    sp_buf_put(&b, r->from_tag);
    sp_buf_puts(&b, "\r\nTo: <");
    sp_buf_put(&b, r->to_uri);
    sp_buf_puts(&b, ">\r\n");
    sip_build_header(&b, SP_LIT("Call-ID"), r->call_id);
    sp_buf_printf(&b, "CSeq: %u ", (unsigned)r->cseq);
    sp_buf_put(&b, r->method);
    sp_buf_puts(&b, "\r\n");
    if (sp_str_present(r->contact) && r->contact.n)
        sip_build_header(&b, SP_LIT("Contact"), r->contact);
    if (sp_str_present(r->headers))
        sp_buf_put(&b, r->headers);
    sip_build_body(&b, r->content_type, r->body);
    return sp_buf_finish(&b); /* SP_ENOSPC when it does not fit */
}

int push_req_first_hop(const push_local *l, const push_req *r, sip_peer *dest)
{
    if (push_uri_peer(r->proxy.n ? r->proxy : r->ruri, dest) != 0)
        return SP_EINVAL;
    dest->tp = push_local_tp(l, dest->tp);
    return 0;
}

long push_dialog_req_build(sip_txn_layer *L, const push_local *l, sip_tp tp, sip_dialog *d, const sip_dialog_req *r,
                           char *out, size_t cap)
{
    char via[PUSH_VIA_MAX];
    size_t vn = via_new(L, l, tp, via);
    if (!vn)
        return SP_EINVAL; /* no randomness: no guessable branch */
    sip_dialog_req q = *r;
    q.via = sp_str_make(via, vn);
    long n = sip_dialog_build(d, &q, out, cap);
    return n < 0 ? SP_ENOSPC : n;
}

sp_str push_hdr(const sip_msg *m, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(m, id);
    return h ? h->value : SP_STR_NULL;
}

sp_str push_addr_uri(sp_str value)
{
    sp_str rest = value, first;
    sip_addr a;
    if (!sp_str_present(value) || !sip_list_next(&rest, &first) || sip_addr_parse(first, &a, NULL) != 0 || a.star)
        return SP_STR_NULL;
    return a.uri_str;
}

bool push_ruri_served(const sip_msg *req)
{
    sip_uri u;
    return sip_uri_parse(req->uri, &u, NULL) == 0 && (u.scheme == SIP_URI_SIP || u.scheme == SIP_URI_SIPS);
}
