/* send_invite.c - `sippush send` of a session-mode push (INVITE/MSRP): the
 * sender agent on the host's loop, the content read in place, the progress
 * bar, the outcome line. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "invite_host.h"
#include "push_method.h"

typedef struct send_state {
    agent_host *h;
    invite_host *ih;
    bool finished, progress;
    push_invite_result result;
    uint64_t started;
} send_state;

void send_invite_result_json(json_out *j, const push_invite_result *r, uint64_t ms)
{
    json_object_begin(j);
    bool ok = r->status.outcome == PUSH_OUTCOME_DELIVERED;
    json_kv_cstr(j, "event", ok ? "delivered" : "failed");
    json_kv_cstr(j, "method", push_method_name(PUSH_METHOD_INVITE));
    json_kv_u64(j, "status", r->code);
    if (ok) {
        json_kv_u64(j, "bytes", r->bytes);
        json_kv_u64(j, "chunks", r->chunks);
        json_kv_u64(j, "ms", ms);
    } else {
        json_kv_cstr(j, "reason", r->status.reason ? r->status.reason : "failed");
        json_kv_bool(j, "retry", r->status.retry);
    }
    json_object_end(j);
}

static void on_done(void *ctx, push_invite_sender *s, const push_invite_result *r)
{
    (void)s;
    send_state *st = ctx;
    st->result = *r;
    st->finished = true;
    tp_loop_stop(st->h->loop);
}

static void on_progress(void *ctx, push_invite_sender *s, uint64_t acked, uint64_t total)
{
    (void)s;
    send_state *st = ctx;
    if (st->progress && acked < total)
        progress_draw(acked, total, st->h->env.now_ms(st->h->env.ctx) - st->started);
}

static void on_request(void *ctx, sip_txn_id st, const sip_msg *req, const sip_peer *src)
{
    invite_host *ih = ctx;
    if (push_invite_sender_route(&ih->ctx, st, req, src) || !st)
        return;
    sip_txn_reply r = {.status = 481};
    sip_txn_respond(ih->ctx.sip, st, &r);
}

int send_invite_run(agent_host *h, invite_host *ih, const send_invite_opts *o)
{
    send_state st = {.h = h, .ih = ih, .progress = o->progress};
    push_invite_file f = {.type = o->type.n ? o->type : SP_LIT("application/octet-stream"), .name = o->name,
                          .fd = -1};
    if (o->file) {
        f.fd = open(o->file, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (f.fd < 0 || fstat(f.fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            fprintf(stderr, "sippush send: cannot read %s\n", o->file);
            if (f.fd >= 0)
                close(f.fd);
            return 1;
        }
        f.size = (uint64_t)sb.st_size;
        if (!o->name.p) {
            const char *base = strrchr(o->file, '/');
            f.name = sp_str_cstr(base ? base + 1 : o->file);
        }
    } else {
        f.data = o->body.p;
        f.size = o->body.n;
    }
    push_invite_params p = {.target = o->to, .from = o->from, .app = o->app, .icsi = o->icsi, .files = &f,
                            .nfiles = 1, .headers = o->headers, .nheaders = o->nheaders, .confirm = o->confirm,
                            .chunk_size = o->chunk_size, .setup = o->setup};
    int status = 2;
    if (push_uri_peer(o->proxy.n ? o->proxy : o->to, &p.next_hop) != 0) {
        fprintf(stderr, "sippush send: --to / --proxy is not a usable sip: URI\n");
        goto out;
    }
    agent_host_set_tu(h, (sip_txn_tu){.ctx = ih, .on_request = on_request});
    push_invite_sender_cb cb = {.ctx = &st, .done = on_done, .progress = on_progress};
    push_invite_sender *s = NULL;
    int rc = push_invite_sender_new(&ih->ctx, &p, &cb, &s);
    if (rc != 0) {
        fprintf(stderr, "sippush send: the push cannot be prepared (bad --type, --name, --header or file)\n");
        goto out;
    }
    st.started = h->env.now_ms(h->env.ctx);
    if (push_invite_sender_start(s) != 0) {
        push_invite_result r = {.code = 503, .source = PUSH_SRC_SIP_TRANSPORT};
        r.status = push_status_of(PUSH_SRC_SIP_TRANSPORT, PUSH_METHOD_INVITE, 503);
        st.result = r;
        st.finished = true;
    } else {
        agent_host_run(h);
    }
    if (!st.finished) { /* interrupted: give up cleanly, as a caller's abort */
        push_invite_sender_abort(s);
        push_invite_result r = {.code = 487, .source = PUSH_SRC_SIP};
        r.status = push_status_of(PUSH_SRC_SIP, PUSH_METHOD_INVITE, 487);
        r.status.reason = "interrupted";
        st.result = r;
    }
    uint64_t ms = st.result.ms;
    if (st.progress && st.result.status.outcome == PUSH_OUTCOME_DELIVERED)
        progress_draw(st.result.bytes, st.result.bytes, ms);
    push_invite_sender_free(s);
    send_invite_result_json(&h->out, &st.result, ms);
    json_line_end(&h->out);
    status = st.result.status.outcome == PUSH_OUTCOME_DELIVERED ? 0 : 1;
out:
    if (f.fd >= 0)
        close(f.fd);
    return status;
}
