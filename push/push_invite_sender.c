/* push_invite_sender.c - the sender's state machine (see push_invite_sender.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_progress.h"
#include "push_invite_sender_impl.h"
#include "sdp_build.h"
#include "sdp_offer.h"
#include "sp_random.h"
#include "sip_hdr.h"

const char *push_sender_state_name(push_sender_state st)
{
    switch (st) {
    case PUSH_SENDER_IDLE: return "idle";
    case PUSH_SENDER_INVITING: return "inviting";
    case PUSH_SENDER_CANCELLING: return "cancelling";
    case PUSH_SENDER_TRANSFER: return "transfer";
    case PUSH_SENDER_CLOSING: return "closing";
    case PUSH_SENDER_DONE: return "done";
    }
    return "?";
}

/* Every transition goes through here. */
static void set_state(push_invite_sender *s, push_sender_state to, const char *event)
{
    push_logf(&s->c->env, "push sender %llu: %s -> %s (%s)", (unsigned long long)s->id,
              push_sender_state_name(s->state), push_sender_state_name(to), event);
    s->state = to;
}

static uint64_t cookie(const push_invite_sender *s, unsigned which)
{
    return push_cookie(PUSH_TMR_INVITE_SENDER, (s->id << 2) | which);
}

/* The first outcome decides; later failures (the teardown's) do not
 * replace it. */
static void set_result(push_invite_sender *s, push_code_source src, unsigned code, const char *reason)
{
    if (s->have_result)
        return;
    s->have_result = true;
    s->res.source = src;
    s->res.code = code;
    s->res.status = push_status_of(src, PUSH_METHOD_INVITE, code);
    if (reason)
        s->res.status.reason = reason;
}

static void stop_timers(push_invite_sender *s)
{
    push_tmr_stop(&s->c->env, &s->answer_tmr);
    push_tmr_stop(&s->c->env, &s->session_tmr);
    push_tmr_stop(&s->c->env, &s->progress_tmr);
    push_tmr_stop(&s->c->env, &s->glare_tmr);
    push_tmr_stop(&s->c->env, &s->connect_tmr);
}

static void close_media(push_invite_sender *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        snd_file *f = &s->files[i];
        uint64_t acked = f->ms && !f->settled ? msrp_session_acked(f->ms, f->handle) : 0;
        if (acked > f->acked)
            f->acked = acked; /* a message still in flight: what the receiver has */
        if (f->ms)
            msrp_session_free(f->ms);
        f->ms = NULL;
    }
}

/* A file whose every byte was acknowledged by 200s but whose success
 * REPORT did not come (RFC 4975 §7.1.1): it has most likely arrived, and a
 * retry would be a new push (a fresh file-transfer-id) delivered twice. */
static bool unconfirmed_arrival(const push_invite_sender *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        const snd_file *f = &s->files[i];
        if (s->confirm && !f->delivered && f->f.size && f->acked >= f->f.size)
            return true;
    }
    return false;
}

/* The end: nothing of the push is left but the struct, then done(). The
 * caller may free s from done(), so nothing touches s afterwards. */
static void finish(push_invite_sender *s, const char *event)
{
    stop_timers(s);
    close_media(s);
    set_result(s, PUSH_SRC_SIP, 500, "push ended without an outcome");
    s->res.files_delivered = 0;
    s->res.bytes = 0;
    s->res.chunks = 0;
    uint32_t chunk = s->chunk_size ? s->chunk_size : MSRP_CHUNK_DEFAULT;
    for (size_t i = 0; i < s->nfiles; i++) {
        s->res.files_delivered += s->files[i].delivered;
        s->res.bytes += s->files[i].acked;
        s->res.chunks += (s->files[i].acked + chunk - 1) / chunk;
    }
    if (s->res.status.outcome == PUSH_OUTCOME_FAILED && unconfirmed_arrival(s))
        s->res.status.retry = false;
    uint64_t end = s->confirmed_ms ? s->confirmed_ms : s->c->env.now_ms(s->c->env.ctx);
    s->res.ms = end - s->started_ms;
    set_state(s, PUSH_SENDER_DONE, event);
    if (s->cb.done)
        s->cb.done(s->cb.ctx, s, &s->res);
}

static void client_cb(void *ctx, sip_txn_id ct, const sip_txn_result *r);

/* BYE (seed 002 §7.3.2.3); done() comes with its answer. */
static void send_bye(push_invite_sender *s, const char *event)
{
    stop_timers(s);
    close_media(s);
    if (!s->dialog ||
        push_dialog_send(s->c, s->dialog, "BYE", 0, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL, client_cb, s->c,
                         &s->bye_ct) != 0) {
        finish(s, event);
        return;
    }
    set_state(s, PUSH_SENDER_CLOSING, event);
}

static void fail(push_invite_sender *s, push_code_source src, unsigned code, const char *reason, const char *event)
{
    set_result(s, src, code, reason);
    if (s->state == PUSH_SENDER_TRANSFER)
        send_bye(s, event);
    else if (s->state != PUSH_SENDER_CLOSING && s->state != PUSH_SENDER_DONE)
        finish(s, event);
}

/* --- the content ------------------------------------------------------------ */

static bool all_settled(const push_invite_sender *s)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (!s->files[i].settled)
            return false;
    return true;
}

static void send_reinvite(push_invite_sender *s, bool drop);

static void file_settled(push_invite_sender *s, snd_file *f, const char *event)
{
    f->settled = true;
    if (f->ms) {
        msrp_session_free(f->ms);
        f->ms = NULL;
    }
    if (all_settled(s)) {
        s->confirmed_ms = s->c->env.now_ms(s->c->env.ctx);
        bool all = true;
        for (size_t i = 0; i < s->nfiles; i++)
            all = all && s->files[i].delivered;
        if (all)
            set_result(s, PUSH_SRC_MSRP, 200, NULL);
        else /* RFC 3264 §6: the receiver refused a stream with port 0 */
            set_result(s, PUSH_SRC_SIP, 488, "a stream was refused (port 0)");
        send_bye(s, event);
        return;
    }
    /* seed 002 §7.3.2.3: a finished file's stream is dropped by re-INVITE */
    f->dropped = true;
    if (s->refresh_ct)
        s->drop_wanted = true;
    else
        send_reinvite(s, true);
}

static snd_file *file_of(push_invite_sender *s, msrp_session *ms)
{
    for (size_t i = 0; i < s->nfiles; i++)
        if (s->files[i].ms == ms)
            return &s->files[i];
    return NULL;
}

/* Whether every file still going has its MSRP connection. */
static bool media_bound(const push_invite_sender *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        const snd_file *f = &s->files[i];
        if (!f->settled && f->ms && !msrp_session_bound(f->ms))
            return false;
    }
    return true;
}

static void on_msrp(void *ctx, msrp_session *ms, const msrp_event_info *ev)
{
    push_invite_sender *s = ctx;
    snd_file *f = file_of(s, ms);
    if (!f || s->state != PUSH_SENDER_TRANSFER)
        return;
    switch (ev->type) {
    case MSRP_EV_BOUND:
        if (media_bound(s))
            push_tmr_stop(&s->c->env, &s->connect_tmr);
        return;
    case MSRP_EV_SENT: /* every chunk answered, and the success REPORT when asked */
        f->acked = ev->bytes ? ev->bytes : f->f.size;
        f->delivered = true;
        file_settled(s, f, "content delivered");
        return;
    case MSRP_EV_SEND_FAILED:
        f->acked = ev->bytes;
        if (ev->status)
            fail(s, PUSH_SRC_MSRP, ev->status, ev->reason, "MSRP error response");
        else
            fail(s, PUSH_SRC_SIP_TRANSPORT, 503, "MSRP connection lost", "MSRP connection lost");
        return;
    case MSRP_EV_REPORT:
        if (ev->status != 200)
            fail(s, PUSH_SRC_MSRP_REPORT, ev->status, ev->reason, "failure REPORT");
        return;
    case MSRP_EV_CLOSED:
        fail(s, PUSH_SRC_SIP_TRANSPORT, 503, "MSRP session closed", "MSRP session closed");
        return;
    default:
        return;
    }
}

/* RFC 4975 §8.6: the receiver's accept-types must take what we send. */
static bool answer_takes(const sdp_stream *a, const snd_file *f)
{
    sdp_types t;
    sp_error err;
    if (!a->accept_types.p)
        return true;
    return sdp_types_parse(a->accept_types, &t, &err) == 0 && sdp_types_accept(&t, sp_str_cstr(f->type));
}

/* The answer's streams, in the order of the offer (RFC 3264 §6), each
 * file's MSRP session in the role the answer leaves us (RFC 6135 §4.2).
 * Returns 0 when at least one file goes ahead, else the SIP code that ends
 * the push, with *why. */
static unsigned start_media(push_invite_sender *s, const sip_msg *resp, const char **why)
{
    sdp_session sess;
    sdp_media media[SDP_DEFAULT_MAX_MEDIA];
    sdp_attr attrs[SDP_DEFAULT_MAX_ATTRS];
    sdp_stream st[PUSH_OFFER_MAX_FILES];
    sdp_desc d;
    sp_error err;
    if (sdp_parse(resp->body.p, resp->body.n, &sess, media, SDP_DEFAULT_MAX_MEDIA, attrs, SDP_DEFAULT_MAX_ATTRS, NULL,
                  &err) < 0 ||
        sdp_desc_read(&sess, st, PUSH_OFFER_MAX_FILES, &d, &err) != 0 || d.nstreams != s->nfiles) {
        *why = "the answer is not an SDP answer to the offer";
        return 488;
    }
    sdp_setup role = SDP_SETUP_NONE;
    for (size_t i = 0; i < s->nfiles; i++) {
        if (st[i].port == 0)
            continue;
        /* RFC 4145 §4.1: no one would connect, or both would */
        sdp_setup r = sdp_offerer_role(s->offered, st[i].setup);
        if (r == SDP_SETUP_NONE || (role != SDP_SETUP_NONE && r != role)) {
            *why = st[i].setup == SDP_SETUP_PASSIVE   ? "a=setup:passive in the answer: no end would connect"
                   : st[i].setup == SDP_SETUP_ACTIVE ? "a=setup:active in the answer: both ends would connect"
                                                     : "the answer's a=setup cannot work with the offer";
            return 488;
        }
        role = r;
    }
    s->role = role;
    size_t going = 0;
    for (size_t i = 0; i < s->nfiles; i++) {
        snd_file *f = &s->files[i];
        msrp_message m;
        msrp_message_init(&m);
        m.content_type = sp_str_cstr(f->type);
        m.data = f->f.data;
        m.fd = f->f.fd;
        m.offset = f->f.offset;
        m.size = f->f.size;
        m.success_report = s->confirm;
        m.extra = (const sp_str(*)[2])s->extra;
        m.nextra = s->nextra;
        /* a stream refused (port 0) or one that cannot take the type: that file fails */
        if (st[i].port == 0 || !st[i].path.p || !answer_takes(&st[i], f) ||
            msrp_session_set_setup(f->ms, role == SDP_SETUP_ACTIVE ? MSRP_SETUP_ACTIVE : MSRP_SETUP_PASSIVE) != 0 ||
            msrp_session_set_peer(f->ms, st[i].path) != 0 || msrp_session_start(f->ms) != 0 ||
            msrp_session_send(f->ms, &m, &f->handle) != 0) {
            f->settled = true;
            f->dropped = true;
            continue;
        }
        going++;
    }
    if (!going)
        *why = "every stream was refused (port 0)";
    return going ? 0 : 488;
}

/* --- session refresh (RFC 4028) ------------------------------------------------ */

/* A session interval starts now (a 2xx to the INVITE or a refresh). */
static void arm_session_timer(push_invite_sender *s)
{
    s->se_since = s->c->env.now_ms(s->c->env.ctx);
    uint64_t due = push_se_due_ms(&s->se);
    if (due)
        push_tmr_start(&s->c->env, &s->session_tmr, due, cookie(s, SND_TMR_SESSION));
}

/* A refresh was refused: the session still ends where its last interval
 * does (RFC 4028 §10), so the watch counts from that interval's start. */
static void watch_rest_of_interval(push_invite_sender *s)
{
    s->se.local_refresh = false;
    uint64_t due = push_se_due_ms(&s->se), spent = s->c->env.now_ms(s->c->env.ctx) - s->se_since;
    if (due)
        push_tmr_start(&s->c->env, &s->session_tmr, due > spent ? due - spent : 1, cookie(s, SND_TMR_SESSION));
}

/* RFC 3261 §14.1: after a 491 the owner of the Call-ID (the sender, which
 * chose it) tries again after 2.1 to 4 s, in 10 ms steps. */
static uint64_t glare_delay_ms(void)
{
    uint16_t r = 0;
    sp_random_bytes(&r, sizeof r);
    return 2100 + (uint64_t)(r % 191) * 10;
}

static bool allows(const push_invite_sender *s, const char *method)
{
    return s->allow[0] && sip_list_has(sp_str_cstr(s->allow), sp_str_cstr(method), true);
}

/* A re-INVITE (the SDP with dropped streams at port 0), or an UPDATE when
 * only the session is refreshed and the receiver allows it. */
static void send_reinvite(push_invite_sender *s, bool drop)
{
    char hdrs[PUSH_SE_HEADERS_MAX + 64], sdp[4096];
    int hn = push_se_request_headers(s->se.interval_s ? s->se.interval_s : s->se_asked, s->min_se, hdrs, sizeof hdrs);
    if (hn < 0)
        return;
    bool update = !drop && allows(s, "UPDATE");
    long sdp_n = 0;
    if (!update) {
        s->sdp_version++;
        if ((sdp_n = snd_offer(s, sdp, sizeof sdp)) < 0)
            return;
    }
    s->refresh_is_update = update;
    s->reinvite_drop = drop;
    s->drop_wanted = false;
    if (push_dialog_send(s->c, s->dialog, update ? "UPDATE" : "INVITE", 0, sp_str_make(hdrs, (size_t)hn),
                         update ? SP_STR_NULL : SP_LIT("application/sdp"),
                         update ? SP_STR_NULL : sp_str_make(sdp, (size_t)sdp_n), client_cb, s->c, &s->refresh_ct) != 0)
        fail(s, PUSH_SRC_SIP_TRANSPORT, 503, "refresh could not be sent", "refresh not sent");
}

static void on_refresh_result(push_invite_sender *s, const sip_txn_result *r)
{
    if (r->status < 200 || s->state != PUSH_SENDER_TRANSFER)
        return;
    bool was_update = s->refresh_is_update;
    s->refresh_ct = 0;
    if (!was_update && r->status < 300) {
        /* §13.2.2.4: a 2xx to a re-INVITE is ACKed too */
        sip_txn_id none;
        sip_cseq cs;
        sp_error err;
        const sip_header *h = sip_msg_find(r->msg, SIP_H_CSEQ);
        if (h && sip_cseq_parse(h->value, &cs, &err) == 0)
            push_dialog_send(s->c, s->dialog, "ACK", cs.seq, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL, NULL, NULL, &none);
    }
    if (r->status < 300) {
        sp_error err;
        push_se se;
        s->rounds_491 = 0;
        if (push_se_uac_2xx(r->msg, &se, &err) == 0 && se.on)
            s->se = se;
        arm_session_timer(s);
        if (s->drop_wanted)
            send_reinvite(s, true);
        return;
    }
    uint32_t retry;
    if (r->status == 422 && s->rounds_422++ < PUSH_SENDER_MAX_422 && push_se_uac_422(r->msg, s->se.interval_s, &retry)) {
        s->se.interval_s = retry;
        s->min_se = retry;
        send_reinvite(s, s->reinvite_drop);
        return;
    }
    if (r->status == 408 || r->status == 481 || r->local) {
        /* RFC 4028 §7.2 with RFC 3261 §12.2.1.2: the dialog is gone, no BYE */
        set_result(s, r->local ? PUSH_SRC_SIP_TIMEOUT : PUSH_SRC_SIP, r->status, "session refresh failed");
        finish(s, "refresh failed");
        return;
    }
    if (r->status == 491 && s->rounds_491++ < PUSH_SENDER_MAX_491) {
        s->glare_drop = s->reinvite_drop;
        push_tmr_start(&s->c->env, &s->glare_tmr, glare_delay_ms(), cookie(s, SND_TMR_GLARE));
        return;
    }
    /* another refusal (500..., or 491 again and again): the session lasts
     * until its interval runs out; watch it as the non-refresher would */
    s->rounds_491 = 0;
    watch_rest_of_interval(s);
    if (s->drop_wanted)
        send_reinvite(s, true);
}

/* --- the INVITE ------------------------------------------------------------- */

static void ack_2xx(push_invite_sender *s)
{
    sip_txn_id none;
    push_dialog_send(s->c, s->dialog, "ACK", s->cseq, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL, NULL, NULL, &none);
}

static bool make_dialog(push_invite_sender *s, const sip_msg *resp)
{
    push_parsed req;
    char contact[PUSH_URI_MAX];
    push_invite_contact(s->c, contact, sizeof contact);
    return push_parse(&req, s->invite, s->invite_len) &&
           sip_dialog_uac_new(&s->dialog, &req.m, resp, sp_str_cstr(contact), false) == 0;
}

static void keep_answer_facts(push_invite_sender *s, const sip_msg *resp)
{
    /* seed 002 §7.3.2.1: the Allow list and the Contact (session identity) */
    const sip_header *h = sip_msg_find(resp, SIP_H_ALLOW);
    s->allow[0] = '\0';
    if (h && h->value.n < sizeof s->allow)
        snprintf(s->allow, sizeof s->allow, "%.*s", (int)h->value.n, h->value.p);
    sp_str id = push_addr_uri(push_hdr(resp, SIP_H_CONTACT));
    s->identity[0] = '\0';
    if (id.p && id.n < sizeof s->identity)
        snprintf(s->identity, sizeof s->identity, "%.*s", (int)id.n, id.p);
}

static void on_2xx(push_invite_sender *s, const sip_msg *resp)
{
    push_tmr_stop(&s->c->env, &s->answer_tmr);
    if (!make_dialog(s, resp)) {
        /* a 2xx without a usable To tag or Contact cannot be ACKed or ended */
        fail(s, PUSH_SRC_SIP, 500, "unusable 2xx to the INVITE", "bad 2xx");
        return;
    }
    if (s->state == PUSH_SENDER_CANCELLING) {
        ack_2xx(s);
        /* RFC 3261 §9.1: the 2xx crossed our CANCEL; the session is ended by BYE */
        set_state(s, PUSH_SENDER_TRANSFER, "2xx crossed the CANCEL");
        send_bye(s, "cancelled after all");
        return;
    }
    keep_answer_facts(s, resp);
    sp_error err;
    if (push_se_uac_2xx(resp, &s->se, &err) != 0)
        s->se = (push_se){0};
    set_state(s, PUSH_SENDER_TRANSFER, "2xx");
    const char *why = NULL;
    unsigned refused = start_media(s, resp, &why);
    ack_2xx(s); /* after the media is ready: the receiver connects on it */
    if (refused) {
        set_result(s, PUSH_SRC_SIP, refused, why);
        send_bye(s, "answer refused");
        return;
    }
    push_tmr_start(&s->c->env, &s->connect_tmr, push_msrp_connect_timeout(s->c),
                   push_cookie(PUSH_TMR_MSRP_CONNECT, s->id));
    arm_session_timer(s);
    if (s->cb.progress)
        push_tmr_start(&s->c->env, &s->progress_tmr, PUSH_SENDER_PROGRESS_MS, cookie(s, SND_TMR_PROGRESS));
}

static int send_invite(push_invite_sender *s)
{
    int rc = snd_build_invite(s);
    if (rc)
        return rc;
    return sip_txn_request(s->c->sip, s->invite, s->invite_len, &s->next_hop, client_cb, s->c, &s->invite_ct);
}

static void on_invite_result(push_invite_sender *s, const sip_txn_result *r)
{
    if (r->repeat) {
        if (s->dialog)
            ack_2xx(s); /* §13.2.2.4: every retransmitted 2xx gets the ACK again */
        return;
    }
    if (r->status < 200)
        return;
    s->invite_ct = r->status < 300 ? s->invite_ct : 0;
    if (r->status < 300) {
        on_2xx(s, r->msg);
        return;
    }
    uint32_t retry;
    if (r->status == 422 && s->state == PUSH_SENDER_INVITING && s->rounds_422++ < PUSH_SENDER_MAX_422 &&
        push_se_uac_422(r->msg, s->se_asked, &retry)) {
        /* RFC 4028 §7.4: the same INVITE again with the interval it asks for */
        s->se_asked = retry;
        s->min_se = retry;
        s->cseq++;
        if (send_invite(s) == 0) {
            push_logf(&s->c->env, "push sender %llu: 422, retrying with Session-Expires %u",
                      (unsigned long long)s->id, (unsigned)retry);
            return;
        }
    }
    if (s->state == PUSH_SENDER_CANCELLING) {
        finish(s, "487 after CANCEL"); /* the reason was set when abandoning */
        return;
    }
    push_code_source src = !r->local ? PUSH_SRC_SIP : r->status == 408 ? PUSH_SRC_SIP_TIMEOUT : PUSH_SRC_SIP_TRANSPORT;
    set_result(s, src, r->status, NULL);
    finish(s, "INVITE refused");
}

static push_invite_sender *owner_of(push_invite_ctx *c, sip_txn_id ct)
{
    for (push_invite_sender *s = c->senders; s; s = s->next)
        if (ct && (s->invite_ct == ct || s->cancel_ct == ct || s->refresh_ct == ct || s->bye_ct == ct))
            return s;
    return NULL;
}

static void client_cb(void *ctx, sip_txn_id ct, const sip_txn_result *r)
{
    push_invite_sender *s = owner_of(ctx, ct);
    if (!s)
        return; /* the sender is gone: a late answer changes nothing */
    if (ct == s->invite_ct)
        on_invite_result(s, r);
    else if (ct == s->refresh_ct)
        on_refresh_result(s, r);
    else if (ct == s->bye_ct && r->final && s->state == PUSH_SENDER_CLOSING)
        finish(s, "BYE answered");
    /* the CANCEL's own outcome changes nothing: the INVITE's 487 (or 2xx) decides */
}

/* --- timers ------------------------------------------------------------------- */

static void abandon(push_invite_sender *s, push_code_source src, unsigned code, const char *reason)
{
    switch (s->state) {
    case PUSH_SENDER_INVITING:
        set_result(s, src, code, reason);
        set_state(s, PUSH_SENDER_CANCELLING, "abandoned");
        /* §9.1: the CANCEL goes once a provisional answer has come; the
         * layer holds it until then, and ends the INVITE with 487 */
        if (sip_txn_cancel(s->c->sip, s->invite_ct, client_cb, s->c) != 0)
            finish(s, "nothing to cancel");
        return;
    case PUSH_SENDER_TRANSFER:
        fail(s, src, code, reason, "abandoned");
        return;
    default:
        return;
    }
}

void push_sender_timer(push_invite_ctx *c, uint64_t id)
{
    push_invite_sender *s = c->senders;
    while (s && s->id != id >> 2)
        s = s->next;
    if (!s)
        return;
    switch (id & 3) {
    case SND_TMR_ANSWER:
        s->answer_tmr.handle = 0;
        if (s->state != PUSH_SENDER_INVITING)
            return;
        abandon(s, PUSH_SRC_SIP_TIMEOUT, 408, "no final answer in time");
        return;
    case SND_TMR_SESSION:
        s->session_tmr.handle = 0;
        if (s->state != PUSH_SENDER_TRANSFER)
            return;
        if (s->se.local_refresh && !s->refresh_ct)
            send_reinvite(s, false);
        else /* RFC 4028 §10: no refresh came in time */
            fail(s, PUSH_SRC_SIP_TIMEOUT, 408, "session timer ran out", "session expired");
        return;
    case SND_TMR_GLARE:
        s->glare_tmr.handle = 0;
        if (s->state == PUSH_SENDER_TRANSFER && !s->refresh_ct)
            send_reinvite(s, s->glare_drop);
        return;
    case SND_TMR_PROGRESS: {
        s->progress_tmr.handle = 0;
        if (s->state != PUSH_SENDER_TRANSFER)
            return;
        uint64_t acked = 0, total = 0;
        for (size_t i = 0; i < s->nfiles; i++) {
            snd_file *f = &s->files[i];
            total += f->f.size;
            acked += f->ms ? msrp_session_acked(f->ms, f->handle) : f->delivered ? f->f.size : f->acked;
        }
        push_tmr_start(&c->env, &s->progress_tmr, PUSH_SENDER_PROGRESS_MS, cookie(s, SND_TMR_PROGRESS));
        s->cb.progress(s->cb.ctx, s, acked, total);
        return;
    }
    default:
        return;
    }
}

bool push_sender_connect_timer(push_invite_ctx *c, uint64_t id)
{
    push_invite_sender *s = c->senders;
    while (s && s->id != id)
        s = s->next;
    if (!s)
        return false;
    s->connect_tmr.handle = 0;
    if (s->state == PUSH_SENDER_TRANSFER && !media_bound(s))
        fail(s, PUSH_SRC_SIP_TIMEOUT, 408, "no MSRP connection in time", "MSRP connection timeout");
    return true;
}

/* --- requests from the receiver ------------------------------------------------- */

static void answer(push_invite_ctx *c, sip_txn_id st, unsigned status, sp_str headers, sp_str ctype, sp_str body)
{
    sip_txn_reply rep = {.status = status, .headers = headers, .content_type = ctype, .body = body};
    sip_txn_respond(c->sip, st, &rep);
}

bool push_invite_sender_route(push_invite_ctx *c, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    (void)src;
    sip_addr to, from;
    sp_error err;
    sp_str callid = push_hdr(req, SIP_H_CALL_ID);
    if (!callid.p || sip_addr_parse(push_hdr(req, SIP_H_TO), &to, &err) || !to.tag.p ||
        sip_addr_parse(push_hdr(req, SIP_H_FROM), &from, &err))
        return false;
    push_invite_sender *s = c->senders;
    for (; s; s = s->next)
        if (s->dialog && sp_str_eq(s->dialog->call_id, callid) && sp_str_eq(s->dialog->local_tag, to.tag) &&
            sp_str_eq(s->dialog->remote_tag, from.tag))
            break;
    if (!s)
        return false;
    if (sp_str_eq(req->method, SP_LIT("ACK")))
        return true;
    unsigned bad = sip_dialog_on_request(s->dialog, req);
    if (bad) {
        answer(c, st, bad, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL);
        return true;
    }
    if (sp_str_eq(req->method, SP_LIT("BYE"))) {
        answer(c, st, 200, SP_STR_NULL, SP_STR_NULL, SP_STR_NULL);
        if (s->state == PUSH_SENDER_TRANSFER) {
            /* the receiver ended the session before the content was through */
            set_result(s, PUSH_SRC_SIP, 487, "the receiver ended the session");
            finish(s, "BYE received");
        }
        return true;
    }
    if (sp_str_eq(req->method, SP_LIT("UPDATE")) || sp_str_eq(req->method, SP_LIT("INVITE"))) {
        /* a refresh by the receiver (refresher=uas): answered, timer re-armed */
        push_se_answer a;
        push_se_uas_answer(req, PUSH_MIN_SE_FLOOR_S, s->se.interval_s, &a);
        char hdrs[PUSH_SE_HEADERS_MAX + 64], sdp[4096];
        int hn = push_se_answer_headers(&a, hdrs, sizeof hdrs);
        if (a.status || hn < 0) {
            answer(c, st, a.status ? a.status : 500, hn > 0 ? sp_str_make(hdrs, (size_t)hn) : SP_STR_NULL,
                   SP_STR_NULL, SP_STR_NULL);
            return true;
        }
        long sdp_n = req->body.n ? snd_offer(s, sdp, sizeof sdp) : 0;
        answer(c, st, 200, sp_str_make(hdrs, (size_t)hn), sdp_n > 0 ? SP_LIT("application/sdp") : SP_STR_NULL,
               sdp_n > 0 ? sp_str_make(sdp, (size_t)sdp_n) : SP_STR_NULL);
        if (s->state == PUSH_SENDER_TRANSFER) {
            s->se = a.se;
            arm_session_timer(s);
        }
        return true;
    }
    answer(c, st, 405, SP_LIT("Allow: " PUSH_INVITE_ALLOW "\r\n"), SP_STR_NULL, SP_STR_NULL);
    return true;
}

/* --- life cycle --------------------------------------------------------------- */

int push_invite_sender_new(push_invite_ctx *c, const push_invite_params *p, const push_invite_sender_cb *cb,
                           push_invite_sender **out)
{
    push_invite_sender *s = calloc(1, sizeof *s);
    if (!s)
        return -ENOMEM;
    s->c = c;
    s->id = ++c->next_id;
    if (cb)
        s->cb = *cb;
    int rc = snd_prepare(s, p);
    for (size_t i = 0; !rc && i < s->nfiles; i++) {
        msrp_session_config mc;
        msrp_session_config_default(&mc);
        mc.local_host = c->msrp_host;
        mc.local_port = c->msrp_port;
        mc.setup = MSRP_SETUP_PASSIVE; /* seed 000: a=setup:passive in the offer */
        mc.chunk_size = s->chunk_size;
        mc.window = s->window;
        mc.on_event = on_msrp;
        mc.ctx = s;
        rc = msrp_session_new(c->msrp, &mc, &s->files[i].ms);
    }
    if (rc) {
        close_media(s);
        snd_free_content(s);
        free(s);
        return rc;
    }
    s->next = c->senders;
    c->senders = s;
    *out = s;
    return 0;
}

int push_invite_sender_start(push_invite_sender *s)
{
    if (s->state != PUSH_SENDER_IDLE)
        return -EALREADY;
    s->started_ms = s->c->env.now_ms(s->c->env.ctx);
    int rc = send_invite(s);
    if (rc != 0)
        return rc;
    set_state(s, PUSH_SENDER_INVITING, "start");
    if (s->answer_timeout_ms)
        push_tmr_start(&s->c->env, &s->answer_tmr, s->answer_timeout_ms, cookie(s, SND_TMR_ANSWER));
    return 0;
}

void push_invite_sender_abort(push_invite_sender *s)
{
    abandon(s, PUSH_SRC_SIP, 487, "push abandoned by the caller");
}

void push_invite_sender_free(push_invite_sender *s)
{
    if (!s)
        return;
    for (push_invite_sender **pp = &s->c->senders; *pp; pp = &(*pp)->next)
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    stop_timers(s);
    close_media(s);
    sip_dialog_free(s->dialog);
    snd_free_content(s);
    free(s);
}

push_sender_state push_invite_sender_state(const push_invite_sender *s) { return s->state; }

uint32_t push_invite_sender_interval(const push_invite_sender *s, bool *local_refresh)
{
    if (local_refresh)
        *local_refresh = s->se.local_refresh;
    return s->se.on ? s->se.interval_s : 0;
}
