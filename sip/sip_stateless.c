/* sip_stateless.c - stateless answers, the Via stamp and response routing
 * (RFC 3261 §8.2.6, §8.2.7, §18.2.1, §18.2.2, RFC 3581 §4). */
#include <stdio.h>
#include <string.h>

#include "sip_build.h"
#include "sip_stateless.h"
#include "sip_txn_impl.h"
#include "sp_platform.h"
#include "sp_random.h"
#include "sp_sha1.h"

#if SP_HAVE_THREADS
#include <pthread.h>
#endif

static uint16_t default_port(sip_tp tp) { return tp == SIP_TP_TLS || tp == SIP_TP_WSS ? 5061 : 5060; }

void sip_response_dest(const sip_via *via, const sip_peer *src, sip_peer *dest)
{
    *dest = *src;
    uint16_t sent_by_port = via->has_port ? via->port : default_port(src->tp);
    if (sip_tp_reliable(src->tp)) {
        /* the same connection; received + sent-by if it has to be reopened */
        dest->port = sp_str_present(via->rport) ? src->port : sent_by_port;
        return;
    }
    if (sp_str_present(via->maddr) && via->maddr.n && sip_peer_set_host(dest, via->maddr)) {
        dest->conn = 0;
        dest->port = sent_by_port;
        return;
    }
    /* the source address stands for received (we stamp it whenever it differs) */
    dest->port = sp_str_present(via->rport) ? src->port : sent_by_port;
}

/* --- the Via stamp --------------------------------------------------------- */

typedef struct insertion {
    size_t at, n;
} insertion;

/* Where a byte offset of the original lands in the copy: bytes at or after
 * an insertion point move by the inserted length. */
static const char *moved(const char *p, const char *from, char *to, const insertion *ins)
{
    size_t off = (size_t)(p - from), shift = 0;
    for (int i = 0; i < 2; i++)
        if (ins[i].n && off >= ins[i].at)
            shift += ins[i].n;
    return to + off + shift;
}

static void rebase(sp_str *s, const char *from, char *to, const insertion *ins)
{
    if (!s->p)
        return;
    const char *b = moved(s->p, from, to, ins);
    /* a slice ending exactly at an insertion point (the Via value) grows to take it in */
    const char *e = moved(s->p + s->n, from, to, ins);
    s->p = b;
    s->n = (size_t)(e - b);
}

long sip_via_stamp(const sip_msg *msg, const char *buf, const sip_peer *src,
                   char *out, size_t cap, sip_msg *copy)
{
    const sip_header *h = sip_msg_find(msg, SIP_H_VIA);
    sip_via via;
    sp_str rest, first;
    if (!h)
        return SP_EINVAL;
    rest = h->value;
    if (!sip_list_next(&rest, &first) || sip_via_parse(first, &via, NULL) != 0)
        return SP_EINVAL;
    return sip_via_stamp_parsed(msg, buf, first, &via, src, out, cap, copy);
}

long sip_via_stamp_parsed(const sip_msg *msg, const char *buf, sp_str first, const sip_via *top,
                          const sip_peer *src, char *out, size_t cap, sip_msg *copy)
{
    sip_via via = *top;
    char rport_text[8] = "", recv_text[SIP_PEER_HOST_MAX + 16] = "";
    insertion ins[2] = {{0, 0}, {0, 0}};
    bool rport_asked = false;
    sp_str prest = via.params;
    sip_param prm;
    while (sip_param_next(&prest, &prm)) {
        if (!sp_str_caseeq_cstr(prm.name, "rport") || (prm.value.p && prm.value.n))
            continue;
        rport_asked = true;
        ins[0].at = (size_t)((prm.value.p ? prm.value.p : prm.name.p + prm.name.n) - buf);
        /* "=" and the port, written without printf: this runs for every request */
        char digits[5];
        size_t nd = 0, k = 0;
        for (unsigned v = src->port; nd == 0 || v; v /= 10)
            digits[nd++] = (char)('0' + v % 10);
        if (!prm.value.p)
            rport_text[k++] = '=';
        while (nd)
            rport_text[k++] = digits[--nd];
        rport_text[k] = 0;
        ins[0].n = k;
        break;
    }
    sp_str host = via.host;
    if (host.n >= 2 && host.p[0] == '[')
        host = sp_str_make(host.p + 1, host.n - 2);
    if (!sp_str_present(via.received) && (rport_asked || !sp_str_caseeq_cstr(host, src->host))) {
        ins[1].at = (size_t)(first.p + first.n - buf);
        size_t hn = strnlen(src->host, sizeof src->host);
        memcpy(recv_text, ";received=", 10);
        memcpy(recv_text + 10, src->host, hn);
        ins[1].n = 10 + hn;
    }
    size_t len = msg->length;
    if (len + ins[0].n + ins[1].n > cap)
        return SP_ENOSPC;
    /* ins[0] (inside the first via-parm) always precedes ins[1] (its end) */
    size_t pos = 0, o = 0;
    const char *texts[2] = {rport_text, recv_text};
    for (int i = 0; i < 2; i++) {
        if (!ins[i].n)
            continue;
        memcpy(out + o, buf + pos, ins[i].at - pos);
        o += ins[i].at - pos;
        memcpy(out + o, texts[i], ins[i].n);
        o += ins[i].n;
        pos = ins[i].at;
    }
    memcpy(out + o, buf + pos, len - pos);
    o += len - pos;

    sip_header *hdrs = copy->headers;
    *copy = *msg;
    copy->headers = hdrs;
    rebase(&copy->method, buf, out, ins);
    rebase(&copy->uri, buf, out, ins);
    rebase(&copy->reason, buf, out, ins);
    rebase(&copy->version, buf, out, ins);
    rebase(&copy->body, buf, out, ins);
    for (size_t i = 0; i < msg->nheaders; i++) {
        hdrs[i] = msg->headers[i];
        rebase(&hdrs[i].name, buf, out, ins);
        rebase(&hdrs[i].value, buf, out, ins);
    }
    copy->length = o;
    return (long)o;
}

/* --- stateless responses -------------------------------------------------- */

size_t sip_reason_clean(const char *reason, char *out, size_t cap)
{
    size_t n = 0;
    if (!reason || !*reason)
        reason = "Bad Request";
    for (; *reason && n + 1 < cap && n < SIP_STATELESS_REASON_MAX; reason++) {
        unsigned char c = (unsigned char)*reason;
        out[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : ' ';
    }
    out[n] = 0;
    return n;
}

size_t sip_check_reason(const sip_msg *msg, const char *buf, const sp_error *err, char *out, size_t cap)
{
    const char *reason = err->reason ? err->reason : "Bad Request", *at = buf + err->offset;
    char name[40] = "";
    if (msg->is_request && at >= msg->uri.p && at <= msg->uri.p + msg->uri.n)
        snprintf(name, sizeof name, "Request-URI");
    for (size_t i = 0; !name[0] && i < msg->nheaders; i++) {
        const sip_header *h = &msg->headers[i];
        if (at >= h->value.p && at <= h->value.p + h->value.n)
            snprintf(name, sizeof name, "%s", h->id != SIP_H_OTHER ? sip_hdr_name((sip_hdr_id)h->id) : "");
    }
    char both[SIP_STATELESS_REASON_MAX + 1];
    if (name[0] && !strcasestr(reason, name)) {
        snprintf(both, sizeof both, "%s: %s", name, reason);
        reason = both;
    }
    return sip_reason_clean(reason, out, cap);
}

unsigned sip_method_refusal(sp_str method)
{
    static const char *const known[] = {"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "PRACK",
                                        "SUBSCRIBE", "NOTIFY", "PUBLISH", "INFO", "REFER", "MESSAGE", "UPDATE"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (sp_str_eq(method, sp_str_cstr(known[i])))
            return 405;
    return 501;
}

static uint8_t tag_key[16];
static bool tag_keyed;
#if SP_HAVE_THREADS
static pthread_mutex_t tag_key_lock = PTHREAD_MUTEX_INITIALIZER;
#define LOCK_TAG_KEY() pthread_mutex_lock(&tag_key_lock)
#define UNLOCK_TAG_KEY() pthread_mutex_unlock(&tag_key_lock)
#else
#define LOCK_TAG_KEY() ((void)0)
#define UNLOCK_TAG_KEY() ((void)0)
#endif

bool sip_stateless_key(void)
{
    LOCK_TAG_KEY();
    if (!tag_keyed)
        tag_keyed = sp_random_bytes(tag_key, sizeof tag_key) == 0;
    bool ok = tag_keyed;
    UNLOCK_TAG_KEY();
    return ok;
}

/* A To tag for a stateless answer: the same request always gets the same
 * one, and without the key no one can compute it (RFC 3261 §19.3 asks tags
 * to be random; the dialogs of SUBSCRIBE and REFER begin with this tag).
 * The first 64 bits of SHA-1(key, fields) cannot be extended without the
 * rest of the digest. */
static bool stateless_tag(sp_str callid, sp_str from_tag, uint32_t cseq, sp_str branch, char out[SIP_TAG_SIZE])
{
    if (!sip_stateless_key()) {
        out[0] = '\0';
        return false;
    }
    static const char zero = 0;
    uint8_t n[4] = {(uint8_t)cseq, (uint8_t)(cseq >> 8), (uint8_t)(cseq >> 16), (uint8_t)(cseq >> 24)}, d[SP_SHA1_LEN];
    sp_sha1_ctx c;
    sp_sha1_init(&c);
    sp_sha1_update(&c, tag_key, sizeof tag_key);
    sp_sha1_update(&c, callid.p ? callid.p : "", callid.p ? callid.n : 0);
    sp_sha1_update(&c, &zero, 1);
    sp_sha1_update(&c, from_tag.p ? from_tag.p : "", from_tag.p ? from_tag.n : 0);
    sp_sha1_update(&c, &zero, 1);
    sp_sha1_update(&c, n, sizeof n);
    sp_sha1_update(&c, branch.p ? branch.p : "", branch.p ? branch.n : 0);
    sp_sha1_final(&c, d);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++)
        out[2 * i] = hex[d[i] >> 4], out[2 * i + 1] = hex[d[i] & 15];
    out[SIP_TAG_SIZE - 1] = '\0';
    return true;
}

static sp_str value_of(const sip_msg *m, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(m, id);
    return h ? h->value : SP_STR_NULL;
}

bool sip_stateless_tag(const sip_msg *req, char out[SIP_TAG_SIZE])
{
    /* the CSeq number and branch, not the method: an INVITE and its CANCEL share the tag */
    sip_via via;
    sip_cseq cs = {0};
    sp_str branch = txn_top_via(req, &via) ? via.branch : SP_STR_NULL;
    txn_cseq_of(req, &cs);
    return stateless_tag(value_of(req, SIP_H_CALL_ID), txn_tag_of(req, SIP_H_FROM), cs.seq, branch, out);
}

long sip_stateless_build(const sip_msg *req, unsigned status, sp_str reason, sp_str headers,
                         char *out, size_t cap)
{
    char tag[SIP_TAG_SIZE];
    sp_str to_tag = SP_STR_NULL;
    if (status > 100 && !sp_str_present(txn_tag_of(req, SIP_H_TO))) {
        if (!sip_stateless_tag(req, tag))
            return -EIO; /* no randomness */
        to_tag = sp_str_make(tag, SIP_TAG_SIZE - 1);
    }
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sip_build_response_head(&b, req, status, reason, to_tag);
    if (sp_str_present(headers))
        sp_buf_put(&b, headers);
    sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
    return sp_buf_finish(&b);
}

/* --- salvaging an unparseable request -------------------------------------- */

#define SALVAGE_MAX_LINES (SIP_DEFAULT_MAX_HEADERS + 1)

static bool line_is_clean(sp_str s)
{
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] == 0 || s.p[i] == '\r' || s.p[i] == '\n')
            return false;
    return true;
}

long sip_stateless_salvage(const char *buf, size_t len, const sp_error *err,
                           char *out, size_t cap, sip_via *via)
{
    size_t pos = 0, lines = 0;
    bool have_via = false;
    sp_str start = SP_STR_NULL;
    sp_str keep[SALVAGE_MAX_LINES];
    sip_hdr_id keep_id[SALVAGE_MAX_LINES];
    size_t nkeep = 0;

    while (pos < len && lines < SALVAGE_MAX_LINES + 1) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        sp_str line = sp_str_make(buf + pos, end - pos);
        if (line.n && line.p[line.n - 1] == '\r')
            line.n--;
        pos = nl ? end + 1 : len;
        if (lines++ == 0) {
            start = line;
            continue;
        }
        if (line.n == 0)
            break; /* end of the header section */
        const char *colon = memchr(line.p, ':', line.n);
        if (!colon || line.p[0] == ' ' || line.p[0] == '\t')
            continue;
        sip_hdr_id id = sip_hdr_id_of(sp_str_trim(sp_str_make(line.p, (size_t)(colon - line.p))));
        if (id != SIP_H_VIA && id != SIP_H_FROM && id != SIP_H_TO && id != SIP_H_CALL_ID && id != SIP_H_CSEQ)
            continue;
        sp_str value = sp_str_trim(sp_str_make(colon + 1, (size_t)(line.p + line.n - colon - 1)));
        if (!line_is_clean(value) || value.n == 0)
            continue;
        if (id == SIP_H_VIA && !have_via) {
            sp_str rest = value, first;
            if (!sip_list_next(&rest, &first) || sip_via_parse(first, via, NULL) != 0)
                continue;
            have_via = true;
        }
        keep[nkeep] = value;
        keep_id[nkeep++] = id;
    }
    /* Only requests are answered, and never an ACK (§17.1.1.3 has no answer for it). */
    if (!have_via || start.n < 4 || memcmp(start.p, "SIP/", 4) == 0 || memcmp(start.p, "ACK ", 4) == 0)
        return SP_EINVAL;

    unsigned status = (err && err->status >= 400 && err->status <= 599) ? (unsigned)err->status : 400;
    char reason[SIP_STATELESS_REASON_MAX + 1];
    size_t rn = sip_reason_clean(err ? err->reason : NULL, reason, sizeof reason);
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sip_build_status_line(&b, status, sp_str_make(reason, rn));
    for (size_t i = 0; i < nkeep; i++) {
        sip_build_header(&b, sp_str_cstr(sip_hdr_name(keep_id[i])), keep[i]);
        if (keep_id[i] != SIP_H_TO)
            continue;
        sip_addr to;
        if (sip_addr_parse(keep[i], &to, NULL) == 0 && !sp_str_present(to.tag)) {
            /* sip_build_header ended the line: put the tag before its CRLF (§8.2.6.2) */
            char tag[SIP_TAG_SIZE];
            if (!stateless_tag(keep[i], SP_STR_NULL, 0, SP_STR_NULL, tag))
                return -EIO; /* no randomness */
            if (!b.overflow && b.len >= 2) {
                b.len -= 2;
                sp_buf_printf(&b, ";tag=%s\r\n", tag);
            }
        }
    }
    sip_build_body(&b, SP_STR_NULL, SP_STR_NULL);
    return sp_buf_finish(&b);
}
