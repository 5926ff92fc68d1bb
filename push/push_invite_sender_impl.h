/* push_invite_sender_impl.h - the sender's insides, shared by
 * push_invite_sender.c (the state machine) and push_invite_prepare.c
 * (parameters, content digests, headers, the INVITE). */
#ifndef SIPPUSH_PUSH_INVITE_SENDER_IMPL_H
#define SIPPUSH_PUSH_INVITE_SENDER_IMPL_H

#include "push_headers.h"
#include "push_invite_impl.h"
#include "push_invite_sender.h"
#include "push_session_timer.h"

#define PUSH_SENDER_TYPE_MAX 128
#define PUSH_SENDER_NAME_MAX 256
#define PUSH_SENDER_EXTRA_MEM 2048
/* 422 rounds before giving up (RFC 4028 §7.4 needs one; a second covers a
 * proxy and a UAS with different minimums). */
#define PUSH_SENDER_MAX_422 2
/* 491 rounds for one refresh before the session is left to run out. */
#define PUSH_SENDER_MAX_491 3
/* How often progress is reported while content flows. */
#define PUSH_SENDER_PROGRESS_MS 100u
/* A session without a session timer waits this long after the 2xx for the
 * receiver's MSRP connection (RFC 4975 §5.4 sets no bound; an MSRP
 * transaction's own timeout is taken): nothing else would end it. */
#define PUSH_SENDER_CONNECT_MS MSRP_TXN_TIMEOUT_MS

/* Timers of a sender: the cookie id is (sender id << 2) | which. */
enum { SND_TMR_ANSWER = 0, SND_TMR_SESSION = 1, SND_TMR_PROGRESS = 2, SND_TMR_GLARE = 3 };

typedef struct snd_file {
    push_invite_file f;          /* content as given (type and name re-pointed below) */
    char type[PUSH_SENDER_TYPE_MAX];
    char name[PUSH_SENDER_NAME_MAX];
    char wrapped_type[PUSH_SENDER_TYPE_MAX]; /* CPIM: the type inside */
    uint8_t sha1[SP_SHA1_LEN];
    char tid[PUSH_TRANSFER_ID_LEN + 1];
    char date[PUSH_DATE_LEN + 1];  /* a=file-date without a Last-Modified: */
    bool date_is_creation;         /* the push's creation, or the file's mtime */
    char *cpim;                  /* the CPIM body sent instead of the content */
    msrp_session *ms;
    uint64_t handle;
    uint64_t acked;
    bool settled, delivered, dropped;
} snd_file;

struct push_invite_sender {
    push_invite_ctx *c;
    push_invite_sender *next;    /* c->senders */
    uint64_t id;
    push_sender_state state;
    push_invite_sender_cb cb;
    char target[PUSH_URI_MAX], from[PUSH_URI_MAX];
    char app[64], icsi[128];
    sip_peer next_hop;
    bool confirm;
    uint32_t chunk_size, window, answer_timeout_ms;
    snd_file files[PUSH_OFFER_MAX_FILES];
    size_t nfiles;
    char modification[PUSH_DATE_LEN + 1];
    sp_str extra[PUSH_INVITE_MAX_HEADERS][2];
    char extra_mem[PUSH_SENDER_EXTRA_MEM];
    size_t nextra;
    /* SIP */
    char call_id[PUSH_TOKEN_MAX], from_tag[PUSH_TOKEN_MAX];
    uint32_t cseq;               /* of the INVITE in flight (or that made the dialog) */
    char *invite;                /* the INVITE as sent: the dialog is made from it */
    size_t invite_len;
    sip_txn_id invite_ct, cancel_ct, refresh_ct, bye_ct;
    sip_dialog *dialog;
    char allow[256];             /* the receiver's Allow (seed 002 §7.3.2.1) */
    char identity[PUSH_URI_MAX]; /* its Contact: the session identity (RFC 4579) */
    uint32_t se_asked, min_se;
    unsigned rounds_422, rounds_491;
    push_se se;
    uint64_t se_since;           /* when the session interval last started (ms) */
    uint64_t sess_id, sdp_version;
    bool refresh_is_update;      /* the refresh in flight is an UPDATE */
    bool drop_wanted;            /* a finished stream waits for its re-INVITE */
    bool reinvite_drop;          /* the re-INVITE in flight drops streams */
    bool glare_drop;             /* the one to send again after a 491 drops streams */
    push_tmr answer_tmr, session_tmr, progress_tmr, glare_tmr;
    uint64_t started_ms, confirmed_ms;
    /* outcome */
    bool have_result;
    push_invite_result res;
};

/* push_invite_prepare.c */
int snd_prepare(push_invite_sender *s, const push_invite_params *p);
/* Writes the (re-)INVITE's SDP: every stream, dropped ones with port 0. */
long snd_offer(push_invite_sender *s, char *out, size_t cap);
/* Builds the initial INVITE into s->invite (a new branch, s->cseq). */
int snd_build_invite(push_invite_sender *s);
void snd_free_content(push_invite_sender *s);

#endif
