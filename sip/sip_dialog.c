/* sip_dialog.c - dialog state (RFC 3261 §12.1, §12.2) and in-dialog
 * requests (§12.2.1.1, §13.2.2.4). */
#include <stdlib.h>
#include <string.h>

#include "sip_build.h"
#include "sip_dialog.h"
#include "sip_hdr.h"
#include "sip_txn_impl.h"

/* Copies every slice of d into one new block and frees the old one: the
 * slices may point into messages, temporaries, or the old block itself. */
static int dialog_repack(sip_dialog *d)
{
    sp_str *fields[7 + SIP_DIALOG_MAX_ROUTES] = {&d->call_id, &d->local_tag, &d->remote_tag, &d->local,
                                                 &d->remote, &d->remote_target, &d->local_contact};
    size_t nf = 7, total = 1;
    for (size_t i = 0; i < d->nroutes; i++)
        fields[nf++] = &d->routes[i];
    for (size_t i = 0; i < nf; i++)
        total += fields[i]->n;
    char *mem = malloc(total), *p = mem;
    if (!mem)
        return SP_ELIMIT;
    for (size_t i = 0; i < nf; i++) {
        if (fields[i]->n)
            memcpy(p, fields[i]->p, fields[i]->n);
        *fields[i] = sp_str_make(p, fields[i]->n);
        p += fields[i]->n;
    }
    free(d->mem);
    d->mem = mem;
    return 0;
}

static sp_str value_of(const sip_msg *m, sip_hdr_id id)
{
    const sip_header *h = sip_msg_find(m, id);
    return h ? h->value : SP_STR_NULL;
}

/* The URI of the first Contact, without brackets; absent when none. */
static sp_str contact_uri(const sip_msg *m)
{
    sp_str rest = value_of(m, SIP_H_CONTACT), first;
    sip_addr a;
    if (!sp_str_present(rest) || !sip_list_next(&rest, &first) || sip_addr_parse(first, &a, NULL) != 0 || a.star)
        return SP_STR_NULL;
    return a.uri_str;
}

/* The route set from Record-Route (§12.1.1, §12.1.2): in order for a UAS,
 * reversed for a UAC. */
static int route_set(sip_dialog *d, const sip_msg *m, bool reverse)
{
    sp_str found[SIP_DIALOG_MAX_ROUTES];
    size_t n = 0;
    for (const sip_header *h = sip_msg_find(m, SIP_H_RECORD_ROUTE); h; h = sip_msg_find_next(m, h)) {
        sp_str rest = h->value, item;
        while (sip_list_next(&rest, &item)) {
            sip_addr a;
            if (sip_addr_parse(item, &a, NULL) != 0)
                return SP_EINVAL;
            if (n == SIP_DIALOG_MAX_ROUTES)
                return SP_ELIMIT;
            found[n++] = item;
        }
    }
    for (size_t i = 0; i < n; i++)
        d->routes[i] = found[reverse ? n - 1 - i : i];
    d->nroutes = n;
    return 0;
}

static bool secure_request(const sip_msg *req, bool tls)
{
    sip_uri u;
    return tls && sip_uri_parse(req->uri, &u, NULL) == 0 && u.scheme == SIP_URI_SIPS;
}

static sip_dialog *dialog_alloc(void) { return calloc(1, sizeof(sip_dialog)); }

int sip_dialog_uac_new(sip_dialog **out, const sip_msg *req, const sip_msg *resp, sp_str local_contact, bool tls)
{
    sip_addr from, to;
    sip_cseq cs;
    sp_str callid = value_of(req, SIP_H_CALL_ID);
    sp_str fromv = value_of(req, SIP_H_FROM), tov = value_of(resp, SIP_H_TO);
    *out = NULL;
    if (!sp_str_present(callid) || !sp_str_present(fromv) || !sp_str_present(tov) || !txn_cseq_of(req, &cs) ||
        sip_addr_parse(fromv, &from, NULL) != 0 || sip_addr_parse(tov, &to, NULL) != 0 || !from.tag.n ||
        !to.tag.n)
        return SP_EINVAL;
    sp_str target = contact_uri(resp);
    bool ok2xx = resp->status >= 200 && resp->status < 300;
    if (!sp_str_present(target)) {
        if (ok2xx)
            return SP_EINVAL; /* §12.1.2: a 2xx creating a dialog carries a Contact */
        target = req->uri;
    }
    sip_dialog *d = dialog_alloc();
    if (!d)
        return SP_ELIMIT;
    d->is_uac = true;
    d->state = ok2xx ? SIP_DIALOG_CONFIRMED : SIP_DIALOG_EARLY;
    d->secure = secure_request(req, tls);
    d->call_id = callid;
    d->local = fromv;
    d->local_tag = from.tag;
    d->remote = tov;
    d->remote_tag = to.tag;
    d->remote_target = target;
    d->local_contact = local_contact;
    d->local_seq = cs.seq;
    int rc = route_set(d, resp, true);
    if (rc == 0)
        rc = dialog_repack(d);
    if (rc != 0) {
        sip_dialog_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

int sip_dialog_uas_new(sip_dialog **out, const sip_msg *req, sp_str local_tag, sp_str local_contact, bool tls,
                       bool early)
{
    sip_addr from, to;
    sip_cseq cs;
    sp_str callid = value_of(req, SIP_H_CALL_ID);
    sp_str fromv = value_of(req, SIP_H_FROM), tov = value_of(req, SIP_H_TO);
    sp_str target = contact_uri(req);
    *out = NULL;
    if (!sp_str_present(callid) || !sp_str_present(fromv) || !sp_str_present(tov) || !txn_cseq_of(req, &cs) ||
        sip_addr_parse(fromv, &from, NULL) != 0 || sip_addr_parse(tov, &to, NULL) != 0 ||
        !sp_str_present(target))
        return SP_EINVAL;
    if (!to.tag.n && !local_tag.n)
        return SP_EINVAL;
    sip_dialog *d = dialog_alloc();
    if (!d)
        return SP_ELIMIT;
    char *local = NULL;
    d->state = early ? SIP_DIALOG_EARLY : SIP_DIALOG_CONFIRMED;
    d->secure = secure_request(req, tls);
    d->call_id = callid;
    d->remote = fromv;
    d->remote_tag = from.tag.p ? from.tag : SP_LIT(""); /* an RFC 2543 peer may send none */
    if (to.tag.n) {
        d->local = tov;
        d->local_tag = to.tag;
    } else {
        /* our answer's To: the request's with our tag (§12.1.1) */
        local = malloc(tov.n + 5 + local_tag.n);
        if (!local) {
            free(d);
            return SP_ELIMIT;
        }
        memcpy(local, tov.p, tov.n);
        memcpy(local + tov.n, ";tag=", 5);
        memcpy(local + tov.n + 5, local_tag.p, local_tag.n);
        d->local = sp_str_make(local, tov.n + 5 + local_tag.n);
        d->local_tag = sp_str_make(local + tov.n + 5, local_tag.n);
    }
    d->remote_target = target;
    d->local_contact = local_contact;
    d->remote_seq = cs.seq;
    d->remote_seq_set = true;
    int rc = route_set(d, req, false);
    if (rc == 0)
        rc = dialog_repack(d);
    free(local);
    if (rc != 0) {
        sip_dialog_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void sip_dialog_free(sip_dialog *d)
{
    if (!d)
        return;
    free(d->mem);
    free(d);
}

static bool is_target_refresh(sp_str method)
{
    return sp_str_eq(method, SP_LIT("INVITE")) || sp_str_eq(method, SP_LIT("UPDATE")) ||
           sp_str_eq(method, SP_LIT("SUBSCRIBE")) || sp_str_eq(method, SP_LIT("NOTIFY")) ||
           sp_str_eq(method, SP_LIT("REFER"));
}

static void refresh_target(sip_dialog *d, const sip_msg *m)
{
    sp_str target = contact_uri(m);
    if (!sp_str_present(target))
        return;
    sp_str old = d->remote_target;
    d->remote_target = target;
    if (dialog_repack(d) != 0)
        d->remote_target = old; /* out of memory: keep the old target */
}

unsigned sip_dialog_on_request(sip_dialog *d, const sip_msg *req)
{
    sip_cseq cs;
    if (!txn_cseq_of(req, &cs))
        return 400;
    bool unordered = sp_str_eq(req->method, SP_LIT("ACK")) || sp_str_eq(req->method, SP_LIT("CANCEL"));
    if (!unordered) {
        if (d->remote_seq_set && cs.seq < d->remote_seq)
            return 500; /* §12.2.2: out of order */
        d->remote_seq = cs.seq;
        d->remote_seq_set = true;
    }
    if (is_target_refresh(req->method))
        refresh_target(d, req);
    return 0;
}

sip_dialog_state sip_dialog_on_response(sip_dialog *d, sp_str method, const sip_msg *resp)
{
    unsigned s = resp->status;
    if (s == 481 || s == 408) {
        d->state = SIP_DIALOG_TERMINATED; /* §12.2.1.2 */
    } else if (s >= 200 && s < 300) {
        if (d->state == SIP_DIALOG_EARLY && d->is_uac) {
            sip_dialog saved = *d;
            /* §13.2.2.4: the route set is recomputed from the 2xx */
            if (route_set(d, resp, true) != 0)
                d->nroutes = saved.nroutes, memcpy(d->routes, saved.routes, sizeof d->routes);
            sp_str target = contact_uri(resp);
            if (sp_str_present(target))
                d->remote_target = target;
            if (dialog_repack(d) != 0)
                *d = saved;
        } else if (is_target_refresh(method)) {
            refresh_target(d, resp);
        }
        if (d->state == SIP_DIALOG_EARLY)
            d->state = SIP_DIALOG_CONFIRMED;
    } else if (s >= 300 && d->state == SIP_DIALOG_EARLY && sp_str_eq(method, SP_LIT("INVITE"))) {
        d->state = SIP_DIALOG_TERMINATED; /* the early dialog dies with its INVITE */
    }
    return d->state;
}

/* Is the first route a loose router (§16.12, the lr parameter)? */
static bool first_route(const sip_dialog *d, sip_addr *a)
{
    return d->nroutes && sip_addr_parse(d->routes[0], a, NULL) == 0;
}

sp_str sip_dialog_next_hop(const sip_dialog *d)
{
    sip_addr a;
    return first_route(d, &a) ? a.uri_str : d->remote_target;
}

long sip_dialog_build(sip_dialog *d, const sip_dialog_req *r, char *out, size_t cap)
{
    bool unordered = sp_str_eq(r->method, SP_LIT("ACK")) || sp_str_eq(r->method, SP_LIT("CANCEL"));
    if (unordered && r->cseq == 0)
        return SP_EINVAL;
    uint32_t cseq = unordered ? r->cseq : d->local_seq + 1;
    sip_addr first;
    sp_str lr;
    bool strict = first_route(d, &first) && !sip_uri_param(&first.uri, "lr", &lr);
    sp_buf b;
    sp_buf_init(&b, out, cap);
    /* §12.2.1.1: a strict first hop takes the Request-URI and the remote target joins the Route */
    sip_build_request_line(&b, r->method, strict ? first.uri_str : d->remote_target);
    sip_build_header(&b, SP_LIT("Via"), r->via);
    for (size_t i = strict ? 1 : 0; i < d->nroutes; i++)
        sip_build_header(&b, SP_LIT("Route"), d->routes[i]);
    if (strict)
        sp_buf_printf(&b, "Route: <%.*s>\r\n", (int)d->remote_target.n, d->remote_target.p);
    sip_build_header(&b, SP_LIT("Max-Forwards"), SP_LIT("70"));
    sip_build_header(&b, SP_LIT("From"), d->local);
    sip_build_header(&b, SP_LIT("To"), d->remote);
    sip_build_header(&b, SP_LIT("Call-ID"), d->call_id);
    sp_buf_printf(&b, "CSeq: %u %.*s\r\n", (unsigned)cseq, (int)r->method.n, r->method.p);
    if (is_target_refresh(r->method) && d->local_contact.n)
        sip_build_header(&b, SP_LIT("Contact"), d->local_contact);
    if (sp_str_present(r->headers))
        sp_buf_put(&b, r->headers);
    sip_build_body(&b, r->content_type, r->body);
    long n = sp_buf_finish(&b);
    if (n >= 0 && !unordered)
        d->local_seq = cseq; /* §12.2.1.1: one more for each new request */
    return n;
}
