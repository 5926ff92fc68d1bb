/* push_pra_impl.h - the Push Receiver Agent's insides, shared by its files:
 * push_pra.c (requests, delivery), push_pra_reg.c (registration),
 * push_pra_refer.c (REFER). */
#ifndef SIPPUSH_PUSH_PRA_IMPL_H
#define SIPPUSH_PUSH_PRA_IMPL_H

#include "push_pra.h"
#include "push_subc.h"
#include "sip_dialog.h"
#include "sip_stateless.h"

/* Timer cookie kinds. */
enum { PRA_TMR_REG = 1, PRA_TMR_SUBC = 2, PRA_TMR_STOP = 3 };

typedef enum pra_reg_state {
    PRA_REG_IDLE,
    PRA_REG_REGISTERING,
    PRA_REG_REGISTERED,
    PRA_REG_REFRESHING,
    PRA_REG_UNREGISTERING,
    PRA_REG_UNREGISTERED,
    PRA_REG_FAILED,
} pra_reg_state;

typedef struct pra_reg {
    pra_reg_state state;
    char call_id[PUSH_TOKEN_MAX], from_tag[PUSH_TOKEN_MAX];
    uint32_t cseq;
    uint32_t asked;          /* Expires we ask for (raised by a 423's Min-Expires) */
    uint32_t granted;
    sip_txn_id ct;
    push_tmr tmr;
    bool no_pref;            /* the registrar refused Require: pref (420) */
    sip_auth_client auth;
    char pub_gruu[PUSH_URI_MAX], temp_gruu[PUSH_URI_MAX];
} pra_reg;

typedef struct pra_dedup {
    uint64_t key, at;
    unsigned status;         /* 0 while the answer is pending (an indirect fetch) */
} pra_dedup;

typedef struct pra_fetch {
    uint64_t id;             /* 0: slot free */
    sip_txn_id st;
    push_method method;
    uint64_t key;            /* its dedup key */
    char tag[SIP_TAG_SIZE];  /* the To tag of its answer */
    char app[64];
    char from[PUSH_URI_MAX];
    char content_type[128];  /* the phantom body's type, "" when none */
} pra_fetch;

/* A REFER we accepted (RFC 3515 §2.4.4): its dialog, where the NOTIFYs
 * about the SUBSCRIBE it asked for travel. */
typedef struct pra_refer {
    sip_dialog *dlg;
    push_subc *sub;
    unsigned answer;         /* the SUBSCRIBE's 2xx, 0 until it came */
    struct pra_refer *next;
} pra_refer;

struct push_pra {
    push_pra_config cfg;     /* slices into mem */
    char *mem;
    push_env env;
    sip_txn_layer *L;
    char instance[96];
    char contact_addr[PUSH_URI_MAX];   /* "<sip:user@host:port>" */
    char contact_tags[768];            /* ";+sip.instance=...;+g.oma.pusheventapp=...;methods=..." */
    char gruu_contact[PUSH_URI_MAX + 2];
    pra_reg reg;
    push_subc_host subs;
    sip_dialog_set *sub_dialogs, *refer_dialogs;
    push_subc *main_sub;
    pra_refer *refers;
    pra_dedup *dedup;        /* PUSH_PRA_DEDUP_SLOTS, open addressing */
    sip_txn_reply *capture;  /* set while answering without a transaction */
    char capture_hdrs[512];
    pra_fetch fetches[PUSH_PRA_MAX_FETCHES];
    uint64_t next_fetch;
    bool stopping, stopped;
    push_tmr stop_tmr;
};

/* Methods the agent advertises (RFC 3840 methods tag) and handles. */
unsigned pra_methods(const push_pra *a);
/* The push methods among them (MESSAGE, NOTIFY, INVITE): the methods tag of
 * the SUBSCRIBE's Accept-Contact. */
unsigned pra_push_methods(const push_pra *a);
/* The Allow of this agent: with the session-mode methods when it has a receiver for them. */
sp_str pra_allow(const push_pra *a);

void pra_event(push_pra *a, push_pra_event_kind kind, unsigned status, uint32_t expires, sp_str method, sp_str reason,
               sp_str target);
/* Answers a request; a refusal (>= 300) is reported as PUSH_PRA_EV_REJECTED. */
void pra_answer(push_pra *a, sip_txn_id st, const sip_msg *req, unsigned status, const char *reason, sp_str headers);
/* 0, or 403 with *why when the request's P-Asserted-Identity is missing,
 * came from an untrusted peer, or names a sender outside the whitelist. */
unsigned pra_check_sender(const push_pra *a, const sip_msg *req, const sip_peer *src, const char **why);

/* Reports PUSH_PRA_EV_STOPPED once stopping has finished. */
void pra_check_stopped(push_pra *a);

/* The --subscribe subscription, once (after the first registration outcome). */
void pra_start_subscription(push_pra *a);

/* registration (push_pra_reg.c) */
void pra_reg_start(push_pra *a);
void pra_reg_stop(push_pra *a);
void pra_reg_timer(push_pra *a);
bool pra_reg_done(const push_pra *a);

/* REFER (push_pra_refer.c) */
void pra_on_refer(push_pra *a, sip_txn_id st, const sip_msg *req, const sip_peer *src);
/* A subscription made for a REFER changed state: its 2xx is kept, a
 * failure or an end is reported in the final NOTIFY. */
void pra_refer_sub_state(push_pra *a, push_subc *s, unsigned status);
/* The first NOTIFY of a subscription made for a REFER arrived: the final
 * NOTIFY of the refer subscription goes now (seed 002 §7.2.3.2 step 3). */
void pra_refer_first_notify(push_pra *a, push_subc *s);
void pra_refer_free_all(push_pra *a);

/* The SUBSCRIBE lines every push subscription carries besides Event. */
size_t pra_sub_headers(const push_pra *a, sp_str accept_contact, char *out, size_t cap);

#endif
