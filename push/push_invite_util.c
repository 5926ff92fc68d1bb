/* push_invite_util.c - see push_invite_impl.h. */
#include <stdlib.h>
#include <string.h>

#include "push_invite_impl.h"

void push_invite_contact(const push_invite_ctx *c, char *out, size_t cap)
{
    if (!push_contact_uri(&c->local, c->tp, c->user, out, cap) && cap)
        out[0] = '\0';
}

bool push_parse(push_parsed *p, const char *buf, size_t len)
{
    sp_error err;
    return sip_msg_parse(buf, len, &p->m, p->h, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, &err) >= 0;
}

int push_dialog_send(const push_invite_ctx *c, sip_dialog *d, const char *method, uint32_t cseq, sp_str headers,
                     sp_str content_type, sp_str body, sip_txn_client_cb cb, void *cb_ctx, sip_txn_id *ct)
{
    char *buf = malloc(PUSH_INVITE_MSG_MAX);
    if (!buf)
        return -ENOMEM;
    sip_dialog_req r = {.method = sp_str_cstr(method), .cseq = cseq, .headers = headers, .content_type = content_type,
                        .body = body};
    long n = push_dialog_req_build(c->sip, &c->local, c->tp, d, &r, buf, PUSH_INVITE_MSG_MAX);
    sip_peer dest;
    int rc = n < 0 ? (int)n : SP_EINVAL;
    if (n > 0 && push_uri_peer(sip_dialog_next_hop(d), &dest) == 0) {
        if (dest.tp != SIP_TP_TCP)
            dest.tp = c->tp; /* the dialog stays on the transport it began on */
        if (!strcmp(method, "ACK")) {
            *ct = 0;
            rc = sip_txn_send_direct(c->sip, &dest, buf, (size_t)n);
        } else {
            rc = sip_txn_request(c->sip, buf, (size_t)n, &dest, cb, cb_ctx, ct);
        }
    }
    free(buf);
    return rc;
}

void push_invite_timer(push_invite_ctx *c, uint64_t cookie)
{
    switch (push_cookie_kind(cookie)) {
    case PUSH_TMR_INVITE_SENDER: push_sender_timer(c, push_cookie_id(cookie)); break;
    case PUSH_TMR_INVITE_RX: push_rx_timer(c, push_cookie_id(cookie)); break;
    case PUSH_TMR_MSRP_CONNECT:
        if (!push_sender_connect_timer(c, push_cookie_id(cookie)))
            push_rx_connect_timer(c, push_cookie_id(cookie));
        break;
    default: break;
    }
}
