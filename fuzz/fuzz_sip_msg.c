/* fuzz_sip_msg.c - fuzzes the SIP message parser with both framings.
 *
 * Invariants (abort on violation): a success consumes no more than the input
 * and every slice lies inside it; a failure carries a reason, a status and an
 * offset inside the input; a stream of messages is consumed with progress;
 * and a parsed message rebuilt with sip_build.h parses again into the same
 * start line, header lines and body. The typed parsers the JSON output uses
 * run over what was split, so they meet the same inputs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HDRS 64

static const char *lo, *hi;

static void inside(sp_str s)
{
    if (s.p && (s.p < lo || s.n > (size_t)(hi - s.p)))
        abort();
}

static void check_failure(int rc, const sp_error *e, size_t n)
{
    if (rc != SP_AGAIN && rc != SP_EINVAL && rc != SP_ELIMIT)
        abort();
    if (rc != SP_AGAIN && (!e->reason || e->offset > n || e->status < 400 || e->status > 599))
        abort();
    if (rc == SP_ELIMIT && e->status != 513)
        abort();
}

static void check_message(const sip_msg *m, size_t consumed)
{
    if (m->length != consumed || m->nheaders > MAX_HDRS)
        abort();
    inside(m->method), inside(m->uri), inside(m->reason), inside(m->version), inside(m->body);
    if (m->is_request ? !m->method.n || !m->uri.n : m->status < 100 || m->status > 699)
        abort();
    if (m->body.p + m->body.n != lo + consumed)
        abort();
    size_t per_id = 0;
    for (int id = 0; id < SIP_H__COUNT; id++) {
        per_id += m->count[id];
        if ((m->count[id] == 0) != (m->first[id] == 0) || m->first[id] > m->nheaders)
            abort();
        if (m->first[id] && m->headers[m->first[id] - 1].id != id)
            abort();
    }
    if (per_id != m->nheaders)
        abort();
    char out[256];
    for (size_t i = 0; i < m->nheaders; i++) {
        const sip_header *h = &m->headers[i];
        inside(h->name), inside(h->value);
        if (!h->name.n || h->id != sip_hdr_id_of(h->name))
            abort();
        size_t n = sip_value_unfold(h->value, out, sizeof out);
        if (n > h->value.n || (n <= sizeof out && memchr(out, '\n', n)))
            abort();
    }
}

/* What the JSON output and a transaction layer parse of a message. */
static void typed_parses(const sip_msg *m)
{
    sp_error e;
    if (sip_msg_check(m, lo, &e) != 0 && (!e.reason || e.offset > (size_t)(hi - lo)))
        abort();
    for (const sip_header *h = sip_msg_find(m, SIP_H_VIA); h; h = sip_msg_find_next(m, h)) {
        sp_str rest = h->value, item;
        while (sip_list_next(&rest, &item)) {
            sip_via via;
            if (sip_via_parse(item, &via, &e) == 0)
                inside(via.host), inside(via.branch), inside(via.transport);
        }
    }
    static const sip_hdr_id addrs[] = {SIP_H_FROM, SIP_H_TO, SIP_H_CONTACT};
    for (size_t i = 0; i < 3; i++) {
        const sip_header *h = sip_msg_find(m, addrs[i]);
        sip_addr a;
        if (h && sip_addr_parse(h->value, &a, &e) == 0)
            inside(a.uri_str), inside(a.tag);
    }
    const sip_header *h = sip_msg_find(m, SIP_H_CSEQ);
    sip_cseq cseq;
    if (h && sip_cseq_parse(h->value, &cseq, &e) == 0)
        inside(cseq.method);
    h = sip_msg_find(m, SIP_H_CONTENT_TYPE);
    sip_media_type mt;
    if (h && sip_media_type_parse(h->value, &mt, &e) == 0)
        inside(mt.type), inside(mt.subtype);
}

/* Rebuilds m with the builder and checks that it parses into the same
 * message: start line, every header name, id and value, and the body. */
static void round_trip(const sip_msg *m)
{
    size_t cap = (size_t)(hi - lo) * 2 + 64;
    char *mem = malloc(cap);
    if (!mem)
        abort();
    sp_buf b;
    sp_buf_init(&b, mem, cap);
    if (m->is_request)
        sip_build_request_line(&b, m->method, m->uri);
    else
        sip_build_status_line(&b, m->status, m->reason);
    for (size_t i = 0; i < m->nheaders; i++)
        sip_build_header(&b, m->headers[i].name, m->headers[i].value);
    sp_buf_put(&b, SP_LIT("\r\n"));
    sp_buf_put(&b, m->body);
    long n = sp_buf_finish(&b);
    if (n < 0)
        abort();

    sip_msg again;
    sip_header hdrs[MAX_HDRS];
    sp_error e;
    sip_limits lim = {cap, MAX_HDRS};
    int rc = sip_msg_parse(mem, (size_t)n, &again, hdrs, MAX_HDRS, &lim, SIP_FRAME_DATAGRAM, &e);
    if (rc != n || again.is_request != m->is_request || again.nheaders != m->nheaders ||
        !sp_str_eq(again.body, m->body))
        abort();
    if (m->is_request ? !sp_str_eq(again.method, m->method) || !sp_str_eq(again.uri, m->uri)
                      : again.status != m->status || !sp_str_eq(again.reason, m->reason))
        abort();
    for (size_t i = 0; i < m->nheaders; i++)
        if (!sp_str_eq(hdrs[i].name, m->headers[i].name) || !sp_str_eq(hdrs[i].value, m->headers[i].value) ||
            hdrs[i].id != m->headers[i].id)
            abort();
    free(mem);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    lo = buf;
    hi = buf + size;
    sip_msg m;
    sip_header hdrs[MAX_HDRS];
    sp_error e;

    int rc = sip_msg_parse(buf, size, &m, hdrs, MAX_HDRS, NULL, SIP_FRAME_DATAGRAM, &e);
    if (rc >= 0) {
        if ((size_t)rc > size)
            abort();
        check_message(&m, (size_t)rc);
        typed_parses(&m);
        round_trip(&m);
    } else {
        check_failure(rc, &e, size);
    }

    /* The same bytes as a stream: messages one after another. */
    size_t off = 0;
    while (off < size) {
        lo = buf + off;
        rc = sip_msg_parse(buf + off, size - off, &m, hdrs, MAX_HDRS, NULL, SIP_FRAME_STREAM, &e);
        if (rc < 0) {
            check_failure(rc, &e, size - off);
            break;
        }
        if (rc == 0 || (size_t)rc > size - off)
            abort();
        check_message(&m, (size_t)rc);
        off += (size_t)rc;
    }
    return 0;
}
