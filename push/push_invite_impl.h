/* push_invite_impl.h - private helpers of the session-mode push agents. */
#ifndef SIPPUSH_PUSH_INVITE_IMPL_H
#define SIPPUSH_PUSH_INVITE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "push_invite.h"
#include "sip_build.h"
#include "sip_dialog.h"
#include "sip_msg.h"

/* An in-dialog request or an INVITE, the SDP of several streams included. */
#define PUSH_INVITE_MSG_MAX 8192

/* Our Contact value ("<sip:psa@host:port>"). */
void push_invite_contact(const push_invite_ctx *c, char *out, size_t cap);

/* Parses a whole received message copy; false when it does not parse. */
typedef struct push_parsed {
    sip_msg m;
    sip_header h[SIP_DEFAULT_MAX_HEADERS];
} push_parsed;
bool push_parse(push_parsed *p, const char *buf, size_t len);

/* Builds a request in dialog d and sends it: ACK without a transaction
 * (cseq: the INVITE's), the others through a client transaction reporting
 * to cb. Returns 0 with *ct (0 for ACK), or a negative errno value. */
int push_dialog_send(const push_invite_ctx *c, sip_dialog *d, const char *method, uint32_t cseq, sp_str headers,
                     sp_str content_type, sp_str body, sip_txn_client_cb cb, void *cb_ctx, sip_txn_id *ct);

/* The receiver side's timer entry (push_invite_rx.c). */
void push_rx_timer(push_invite_ctx *c, uint64_t id);
/* The sender side's (push_invite_sender.c). */
void push_sender_timer(push_invite_ctx *c, uint64_t id);
/* The MSRP connection watch of agent id ran out: false when no sender has
 * that id (push_invite_sender.c); the receiver's (push_invite_receiver.c). */
bool push_sender_connect_timer(push_invite_ctx *c, uint64_t id);
void push_rx_connect_timer(push_invite_ctx *c, uint64_t id);
/* c's connection timeout, the default applied. */
static inline uint32_t push_msrp_connect_timeout(const push_invite_ctx *c)
{
    return c->msrp_connect_timeout_ms ? c->msrp_connect_timeout_ms : PUSH_MSRP_CONNECT_TIMEOUT_MS;
}

#endif
