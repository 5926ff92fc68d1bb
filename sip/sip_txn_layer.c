/* sip_txn_layer.c - the layer's life cycle, its inputs (messages, timers),
 * the one state-change function, timers and sends. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sip_stateless.h"
#include "sip_txn_impl.h"
#include "sp_random.h"

void sip_txn_config_default(sip_txn_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->t1_ms = SIP_T1_MS_DEFAULT;
    cfg->t2_ms = SIP_T2_MS_DEFAULT;
    cfg->t4_ms = SIP_T4_MS_DEFAULT;
    cfg->trying_ms = SIP_TRYING_MS_DEFAULT;
    cfg->max_txns = SIP_MAX_TXNS_DEFAULT;
    cfg->limits.max_msg_size = SIP_DEFAULT_MAX_MSG_SIZE;
    cfg->limits.max_headers = SIP_DEFAULT_MAX_HEADERS;
}

bool sip_peer_set_host(sip_peer *p, sp_str host)
{
    if (host.n >= 2 && host.p[0] == '[' && host.p[host.n - 1] == ']')
        host = sp_str_make(host.p + 1, host.n - 2);
    if (host.n >= sizeof p->host || memchr(host.p, 0, host.n))
        return false;
    memcpy(p->host, host.p, host.n);
    p->host[host.n] = 0;
    return true;
}

sip_txn_layer *sip_txn_layer_new(const sip_txn_config *cfg, const sip_txn_env *env, const sip_txn_tu *tu)
{
    sip_txn_config c;
    if (cfg)
        c = *cfg;
    else
        sip_txn_config_default(&c);
    if (c.t1_ms == 0 || c.t2_ms < c.t1_ms || c.max_txns == 0 || c.max_txns > SIP_MAX_TXNS_LIMIT ||
        !env || !env->now_ms || !env->send || !env->timer_start || !env->timer_cancel)
        return NULL;
    if (!sip_stateless_key())
        return NULL; /* no randomness: no tags no one can guess */
    if (c.limits.max_msg_size == 0)
        c.limits.max_msg_size = SIP_DEFAULT_MAX_MSG_SIZE;
    if (c.limits.max_headers == 0 || c.limits.max_headers > SIP_TXN_MAX_HDRS)
        c.limits.max_headers = SIP_TXN_MAX_HDRS;

    sip_txn_layer *L = calloc(1, sizeof *L);
    if (!L)
        return NULL;
    L->cfg = c;
    L->env = *env;
    if (tu)
        L->tu = *tu;
    L->chunks = calloc((c.max_txns + TXN_CHUNK - 1) / TXN_CHUNK, sizeof *L->chunks);
    /* Room for the largest response we build: the request's headers plus ours. */
    L->scratch_cap = c.limits.max_msg_size + 1024;
    L->scratch = malloc(L->scratch_cap);
    if (!L->chunks || !L->scratch) {
        sip_txn_layer_free(L);
        return NULL;
    }
    return L;
}

void sip_txn_layer_free(sip_txn_layer *L)
{
    if (!L)
        return;
    if (L->chunks) {
        txn_free_all(L);
        for (uint32_t c = 0; c < (L->cfg.max_txns + TXN_CHUNK - 1) / TXN_CHUNK; c++)
            free(L->chunks[c]);
    }
    free(L->chunks);
    txn_index_free(&L->index);
    txn_index_free(&L->dindex);
    free(L->scratch);
    free(L);
}

int sip_txn_branch_new(sip_txn_layer *L, char out[SIP_BRANCH_SIZE])
{
    (void)L;
    /* §8.1.1.7 asks for unique branches; 64 bits from the CSPRNG also make
     * them unguessable, so that a response can only come from someone who
     * saw the request (the match of §17.1.3 is on the branch) */
    static const char hex[] = "0123456789abcdef";
    uint64_t v;
    if (sp_random_bytes(&v, sizeof v) != 0) {
        out[0] = 0;
        return -EIO;
    }
    memcpy(out, SIP_MAGIC_COOKIE, sizeof SIP_MAGIC_COOKIE - 1);
    for (int i = 0; i < 16; i++)
        out[sizeof SIP_MAGIC_COOKIE - 1 + i] = hex[(v >> (60 - 4 * i)) & 15];
    out[SIP_BRANCH_SIZE - 1] = 0;
    return 0;
}

char *txn_dup(const char *buf, size_t len)
{
    char *p = malloc(len ? len : 1);
    if (p && len)
        memcpy(p, buf, len);
    return p;
}

/* --- state, timers, sends ------------------------------------------------- */

const char *sip_txn_state_name(sip_txn_state s)
{
    /* one past the public states: a record being set up */
    static const char *const names[] = {"Calling", "Trying", "Proceeding", "Completed",
                                        "Confirmed", "Accepted", "Terminated", "Init"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

static const char *kind_name(sip_txn_kind k)
{
    static const char *const names[] = {"client-invite", "client-non-invite", "server-invite",
                                        "server-non-invite"};
    return names[k];
}

void txn_set_state(sip_txn_layer *L, sip_txn *t, sip_txn_state to, const char *event)
{
    sip_txn_state from = (sip_txn_state)t->state;
    t->state = (uint8_t)to;
    if (L->cfg.log) {
        char line[160];
        snprintf(line, sizeof line, "txn %llx %s: %s -> %s (%s)", (unsigned long long)t->id,
                 kind_name((sip_txn_kind)t->kind), sip_txn_state_name(from), sip_txn_state_name(to), event);
        L->cfg.log(L->cfg.log_ctx, line);
    }
    if (to == SIP_TXN_TERMINATED)
        txn_kill(L, t);
}

int txn_send(sip_txn_layer *L, const sip_peer *dest, const char *buf, size_t len)
{
    return L->env.send(L->env.ctx, dest, buf, len) == 0 ? 0 : SIP_TXN_ETRANSPORT;
}

void txn_timer_expired(sip_txn_layer *L, sip_txn *t, txn_timer_name name)
{
    if (t->kind == SIP_TXN_CLIENT_INVITE || t->kind == SIP_TXN_CLIENT_NON_INVITE)
        txn_client_timer(L, t, name);
    else
        txn_server_timer(L, t, name);
}

static bool waits_on(const sip_txn *t, const sip_peer *where)
{
    if ((t->kind != SIP_TXN_CLIENT_INVITE && t->kind != SIP_TXN_CLIENT_NON_INVITE) ||
        (t->flags & (TXN_F_DEAD | TXN_F_FINAL_SENT)) || t->peer.tp != where->tp)
        return false;
    if (t->state != SIP_TXN_CALLING && t->state != SIP_TXN_TRYING && t->state != SIP_TXN_PROCEEDING)
        return false;
    if (where->conn && t->peer.conn == where->conn)
        return true;
    return where->host[0] && t->peer.conn == 0 && t->peer.port == where->port &&
           strcasecmp(t->peer.host, where->host) == 0;
}

void sip_txn_transport_error(sip_txn_layer *L, const sip_peer *where, bool connect_failed)
{
    txn_enter(L);
    /* Mark first, then act: transactions the TU starts from its callbacks are not concerned. */
    size_t marked = 0;
    for (uint32_t rec = 1; rec <= L->nrecs; rec++) {
        sip_txn *t = txn_rec(L, rec);
        if (t->id && waits_on(t, where)) {
            t->flags |= TXN_F_TP_ERROR;
            marked++;
        }
    }
    for (uint32_t rec = 1; rec <= L->nrecs && marked; rec++) {
        sip_txn *t = txn_rec(L, rec);
        if (t->id && (t->flags & TXN_F_TP_ERROR) && !(t->flags & TXN_F_DEAD)) {
            marked--;
            txn_client_transport_error(L, t, connect_failed);
        }
    }
    txn_leave(L);
}

/* --- inspection -------------------------------------------------------- */

sip_txn_state sip_txn_state_of(const sip_txn_layer *L, sip_txn_id id)
{
    const sip_txn *t = txn_get(L, id);
    return t ? (sip_txn_state)t->state : SIP_TXN_TERMINATED;
}

size_t sip_txn_count(const sip_txn_layer *L) { return L->live; }

size_t sip_txn_footprint(const sip_txn_layer *L, sip_txn_id id)
{
    const sip_txn *t = txn_get(L, id);
    return t ? sizeof *t + TXN_INDEX_BYTES_PER_TXN + t->req_len + t->out_len : 0;
}

uint64_t sip_txn_retransmissions(const sip_txn_layer *L) { return L->retransmissions; }

/* --- messages in ---------------------------------------------------------- */

static void receive_response(sip_txn_layer *L, const sip_msg *msg, const sip_peer *src)
{
    sip_txn *t = txn_match_response(L, msg);
    if (t && !txn_response_from_peer(t, src)) {
        /* the branch of one of our requests from a host we did not send it
         * to: a guess or a copy, dropped (neither ours nor the core's) */
        if (L->cfg.log)
            L->cfg.log(L->cfg.log_ctx, "response from a host the request was not sent to: dropped");
        return;
    }
    if (t)
        txn_client_response(L, t, msg);
    else if (L->tu.on_stray_response)
        L->tu.on_stray_response(L->tu.ctx, msg, src); /* §18.1.2: no transaction, to the core */
}

/* The option tags of Require that the TU does not support, as an Unsupported value. */
static size_t unsupported_tags(sip_txn_layer *L, const sip_msg *req, char *out, size_t cap)
{
    size_t n = 0;
    for (const sip_header *h = sip_msg_find(req, SIP_H_REQUIRE); h; h = sip_msg_find_next(req, h)) {
        sp_str rest = h->value, tag;
        while (sip_list_next(&rest, &tag)) {
            tag = sp_str_trim(tag);
            if (sip_list_has(L->cfg.supported, tag, false))
                continue;
            if (n + tag.n + 2 > cap)
                return n;
            if (n)
                out[n++] = ',', out[n++] = ' ';
            memcpy(out + n, tag.p, tag.n);
            n += tag.n;
        }
    }
    return n;
}

static void receive_request(sip_txn_layer *L, const sip_msg *msg, const char *buf, const sip_peer *src)
{
    sp_error err = {0};
    sip_msg_fields f;
    if (sip_msg_check_fields(msg, buf, &f, &err) != 0) {
        char reason[SIP_STATELESS_REASON_MAX + 1];
        size_t n = sip_check_reason(msg, buf, &err, reason, sizeof reason);
        txn_stateless_reply(L, msg, buf, src, err.status ? (unsigned)err.status : 400,
                            sp_str_make(reason, n), SP_STR_NULL);
        return;
    }
    sip_via via = f.via; /* the checks parsed the top Via */
    sp_str via_elem = f.via_elem;

    if (sp_str_eq(msg->method, SP_LIT("ACK"))) {
        sip_txn *t = txn_match_request(L, msg, &via, SP_LIT("INVITE"), false);
        if (t && t->state != SIP_TXN_ACCEPTED) {
            txn_server_ack(L, t); /* ACK for a non-2xx: the transaction's (§17.2.1) */
            return;
        }
        t = txn_match_ack_2xx(L, msg);
        if (t)
            txn_server_ack(L, t);
        if (L->tu.on_request)
            L->tu.on_request(L->tu.ctx, 0, msg, src); /* ACK for a 2xx: the TU's (§17.1.1.3) */
        return;
    }
    sip_txn *t = txn_match_request(L, msg, &via, msg->method, false);
    if (t) {
        txn_server_retransmit(L, t, msg);
        return;
    }
    if (sp_str_eq(msg->method, SP_LIT("CANCEL"))) {
        txn_server_cancel(L, msg, &via, via_elem, buf, src);
        return;
    }
    if (sp_str_present(L->cfg.allow) && !sip_list_has(L->cfg.allow, msg->method, true)) {
        char allow[256];
        int n = snprintf(allow, sizeof allow, "Allow: %.*s\r\n", (int)L->cfg.allow.n, L->cfg.allow.p);
        if (n > 0 && (size_t)n < sizeof allow)
            txn_stateless_reply(L, msg, buf, src, sip_method_refusal(msg->method), SP_STR_NULL,
                                sp_str_make(allow, (size_t)n));
        return;
    }
    char tags[256];
    size_t ntags = unsupported_tags(L, msg, tags, sizeof tags - 40);
    if (ntags) { /* §8.2.2.3 */
        char hdr[256];
        int n = snprintf(hdr, sizeof hdr, "Unsupported: %.*s\r\n", (int)ntags, tags);
        txn_stateless_reply(L, msg, buf, src, 420, SP_STR_NULL, sp_str_make(hdr, (size_t)n));
        return;
    }
    sip_txn_reply r = {0};
    if (L->tu.on_stateless_request && !sp_str_eq(msg->method, SP_LIT("INVITE")) &&
        L->tu.on_stateless_request(L->tu.ctx, msg, src, &r)) {
        txn_stateless_reply(L, msg, buf, src, r.status, r.reason, r.headers); /* §8.2.7 */
        return;
    }
    if (L->live >= L->cfg.max_txns) {
        txn_stateless_reply(L, msg, buf, src, 503, SP_STR_NULL, SP_LIT(TXN_FULL_RETRY_AFTER));
        return;
    }
    txn_server_new(L, msg, &via, via_elem, buf, src);
}

void sip_txn_receive(sip_txn_layer *L, const char *buf, size_t len, const sip_peer *src)
{
    sip_header hdrs[SIP_TXN_MAX_HDRS];
    sip_msg msg;
    sp_error err = {0};
    txn_enter(L);
    int rc = sip_msg_parse(buf, len, &msg, hdrs, SIP_TXN_MAX_HDRS, &L->cfg.limits, SIP_FRAME_DATAGRAM, &err);
    if (rc < 0) {
        sip_via via;
        long n = sip_stateless_salvage(buf, len, &err, L->scratch, L->scratch_cap, &via);
        if (n > 0)
            txn_stateless_send(L, &via, src, L->scratch, n);
    } else if (msg.is_request) {
        receive_request(L, &msg, buf, src);
    } else {
        receive_response(L, &msg, src);
    }
    txn_leave(L);
}
