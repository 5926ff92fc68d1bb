/* push_invite_prepare.c - a sender's parameters, content digests, push
 * message headers and its INVITE (seed 000 §8.2.5.1, §8.3.5). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "push_cpim.h"
#include "push_featuretags.h"
#include "push_headers.h"
#include "push_invite_sender_impl.h"
#include "sp_sha1.h"

/* Content read per pread while hashing a file. */
#define PREP_READ_BLOCK (256u << 10)

static bool copy_str(char *dst, size_t cap, sp_str src)
{
    if (!src.p || src.n >= cap || memchr(src.p, '\0', src.n) || memchr(src.p, '\r', src.n) ||
        memchr(src.p, '\n', src.n))
        return false;
    memcpy(dst, src.p, src.n);
    dst[src.n] = '\0';
    return true;
}

static int hash_fd(int fd, uint64_t offset, uint64_t size, uint8_t out[SP_SHA1_LEN])
{
    uint8_t *buf = malloc(PREP_READ_BLOCK);
    if (!buf)
        return -ENOMEM;
    sp_sha1_ctx h;
    sp_sha1_init(&h);
    uint64_t done = 0;
    while (done < size) {
        size_t want = size - done < PREP_READ_BLOCK ? (size_t)(size - done) : PREP_READ_BLOCK;
        ssize_t n = pread(fd, buf, want, (off_t)(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? -errno : -EIO; /* shorter than said */
            free(buf);
            return e;
        }
        sp_sha1_update(&h, buf, (size_t)n);
        done += (uint64_t)n;
    }
    sp_sha1_final(&h, out);
    free(buf);
    return 0;
}

/* Seed 000 §8.3.5: Content-* to the SEND, Last-Modified to a=file-date,
 * the rest dropped. A Content-Type header names the content's type. */
static int map_headers(push_invite_sender *s, const push_invite_params *p)
{
    size_t used = 0;
    for (size_t i = 0; i < p->nheaders; i++) {
        sp_str name, value;
        sp_error err;
        if (push_header_split(p->headers[i], &name, &value, &err))
            return SP_EINVAL;
        push_hdr_map m = push_header_map(PUSH_METHOD_INVITE, name);
        if (m.action == PUSH_HDR_DROP)
            continue;
        if (m.action == PUSH_HDR_FILE_DATE) {
            char fd[PUSH_FILE_DATE_LEN + 1];
            if (push_file_date_from_last_modified(value, fd, sizeof fd, &err) < 0)
                return SP_EINVAL;
            /* modification:"DATE": keep the date */
            const char *q = strchr(fd, '"');
            if (!q || strlen(q + 1) < 1)
                return SP_EINVAL;
            snprintf(s->modification, sizeof s->modification, "%.*s", (int)strlen(q + 1) - 1, q + 1);
            continue;
        }
        sp_str canon = m.canonical_name ? sp_str_cstr(m.canonical_name) : name;
        if (sp_str_caseeq_cstr(canon, "Content-Type")) {
            for (size_t f = 0; f < s->nfiles; f++)
                if (!copy_str(s->files[f].type, sizeof s->files[f].type, value))
                    return SP_EINVAL;
            continue;
        }
        if (s->nextra == PUSH_INVITE_MAX_HEADERS || used + canon.n + value.n > sizeof s->extra_mem)
            return SP_ELIMIT;
        memcpy(s->extra_mem + used, canon.p, canon.n);
        s->extra[s->nextra][0] = sp_str_make(s->extra_mem + used, canon.n);
        used += canon.n;
        memcpy(s->extra_mem + used, value.p, value.n);
        s->extra[s->nextra][1] = sp_str_make(s->extra_mem + used, value.n);
        used += value.n;
        s->nextra++;
    }
    return 0;
}

/* RFC 3862: the content inside a message/cpim envelope; the offer then
 * describes the envelope (what travels) and names the inner type in
 * accept-wrapped-types. */
static int wrap_cpim(push_invite_sender *s, snd_file *f)
{
    size_t cap = (size_t)f->f.size + 1024 + 2 * PUSH_URI_MAX;
    f->cpim = malloc(cap);
    if (!f->cpim)
        return -ENOMEM;
    push_cpim_in in = {.from = {.uri = sp_str_cstr(s->from)}, .to = {.uri = sp_str_cstr(s->target)},
                       .has_datetime = true, .datetime = time(NULL),
                       .content_type = sp_str_cstr(f->type),
                       .body = sp_str_make(f->f.data, (size_t)f->f.size)};
    sp_error err;
    int n = push_cpim_wrap(&in, f->cpim, cap, &err);
    if (n < 0)
        return SP_EINVAL;
    memcpy(f->wrapped_type, f->type, sizeof f->type);
    snprintf(f->type, sizeof f->type, "message/cpim");
    f->f.data = f->cpim;
    f->f.fd = -1;
    f->f.offset = 0;
    f->f.size = (uint64_t)n;
    f->f.sha1 = NULL;
    return 0;
}

/* Seed 000 §8.2.5.1 lists a=file-date in every offer; with no Last-Modified
 * it says when the content was made: a file's mtime (modification), else
 * the moment the push was prepared (creation). */
static void default_date(snd_file *f)
{
    struct stat st;
    bool file = f->f.fd >= 0 && fstat(f->f.fd, &st) == 0;
    f->date_is_creation = !file;
    if (!push_date_format(file ? st.st_mtime : time(NULL), f->date, sizeof f->date))
        f->date[0] = '\0';
}

int snd_prepare(push_invite_sender *s, const push_invite_params *p)
{
    if (!p->nfiles || p->nfiles > PUSH_OFFER_MAX_FILES || !copy_str(s->target, sizeof s->target, p->target) ||
        !copy_str(s->from, sizeof s->from, p->from) || !copy_str(s->app, sizeof s->app, p->app) ||
        (p->icsi.p && !copy_str(s->icsi, sizeof s->icsi, p->icsi)) ||
        (p->chunk_size && p->chunk_size > MSRP_CHUNK_MAX) || (p->window && p->window > MSRP_WINDOW_MAX))
        return SP_EINVAL;
    s->next_hop = p->next_hop;
    s->confirm = p->confirm;
    s->chunk_size = p->chunk_size;
    s->window = p->window;
    s->answer_timeout_ms = p->answer_timeout_ms ? p->answer_timeout_ms : PUSH_INVITE_ANSWER_TIMEOUT_DEFAULT_MS;
    /* seed 000 offers passive; RFC 6135 §4.2.2 prefers actpass */
    if (p->setup != SDP_SETUP_NONE && p->setup != SDP_SETUP_PASSIVE && p->setup != SDP_SETUP_ACTIVE &&
        p->setup != SDP_SETUP_ACTPASS)
        return SP_EINVAL;
    s->offered = p->setup == SDP_SETUP_NONE ? SDP_SETUP_PASSIVE : p->setup;
    s->se_asked = p->session_expires_s ? p->session_expires_s : PUSH_SE_DEFAULT_S;
    if (s->se_asked < PUSH_MIN_SE_FLOOR_S || s->se_asked > PUSH_SE_MAX_S)
        return SP_EINVAL;
    s->nfiles = p->nfiles;
    for (size_t i = 0; i < p->nfiles; i++) {
        snd_file *f = &s->files[i];
        f->f = p->files[i];
        if (!copy_str(f->type, sizeof f->type, f->f.type) || (!f->f.data && f->f.fd < 0) ||
            (p->cpim && !f->f.data))
            return SP_EINVAL;
        if (f->f.transfer_id.p) {
            if (!copy_str(f->tid, sizeof f->tid, f->f.transfer_id) || !f->f.transfer_id.n)
                return SP_EINVAL;
        } else if (!push_transfer_id_new(f->tid)) {
            return -EIO;
        }
        if (f->f.name.p) {
            if (!copy_str(f->name, sizeof f->name, f->f.name))
                return SP_EINVAL;
        } else {
            /* seed 000 §8.3.7.2: "pushid-" and the transfer id */
            memcpy(f->name, "pushid-", 7);
            memcpy(f->name + 7, f->tid, strlen(f->tid) + 1);
        }
    }
    int rc = map_headers(s, p);
    if (rc)
        return rc;
    for (size_t i = 0; i < s->nfiles; i++) {
        snd_file *f = &s->files[i];
        if (!s->modification[0])
            default_date(f);
        if (p->cpim && (rc = wrap_cpim(s, f)) != 0)
            return rc;
        if (f->f.sha1)
            memcpy(f->sha1, f->f.sha1, SP_SHA1_LEN);
        else if (f->f.data)
            sp_sha1(f->f.data, (size_t)f->f.size, f->sha1);
        else if ((rc = hash_fd(f->f.fd, f->f.offset, f->f.size, f->sha1)) != 0)
            return rc;
    }
    if (!push_req_ids_new(s->call_id, s->from_tag))
        return SP_EINVAL; /* no randomness: no guessable Call-ID or tag */
    s->sess_id = ((uint64_t)time(NULL) << 16) ^ s->id;
    s->sdp_version = s->sess_id;
    s->cseq = 1;
    return 0;
}

long snd_offer(push_invite_sender *s, char *out, size_t cap)
{
    /* RFC 6135 §4.2.2: an active end's port is 9; a re-offer keeps the role
     * the answer gave us, so the connection stays where it is */
    sdp_setup setup = s->role != SDP_SETUP_NONE ? s->role : s->offered;
    push_offer_file of[PUSH_OFFER_MAX_FILES];
    for (size_t i = 0; i < s->nfiles; i++) {
        snd_file *f = &s->files[i];
        of[i] = (push_offer_file){
            .type = sp_str_cstr(f->type), .name = sp_str_cstr(f->name), .size = f->f.size,
            .wrapped_type = f->wrapped_type[0] ? sp_str_cstr(f->wrapped_type) : SP_STR_NULL,
            .path = f->ms ? msrp_session_local_uri(f->ms) : SP_STR_NULL,
            .port = f->dropped || !f->ms ? 0 : setup == SDP_SETUP_ACTIVE ? 9 : s->c->msrp_port,
            .transfer_id = sp_str_cstr(f->tid),
            .modification = s->modification[0]                    ? sp_str_cstr(s->modification)
                            : f->date[0] && !f->date_is_creation ? sp_str_cstr(f->date)
                                                                 : SP_STR_NULL,
            .creation = f->date[0] && f->date_is_creation ? sp_str_cstr(f->date) : SP_STR_NULL};
        memcpy(of[i].sha1, f->sha1, SP_SHA1_LEN);
    }
    push_offer o = {.host = s->c->msrp_host, .sess_id = s->sess_id, .version = s->sdp_version, .files = of,
                    .nfiles = s->nfiles, .setup = setup};
    return push_offer_build(&o, out, cap);
}

int snd_build_invite(push_invite_sender *s)
{
    char sdp[4096], contact[PUSH_URI_MAX + 160];
    char hdrs[1024], ac[256], se[PUSH_SE_HEADERS_MAX];
    long sdp_n = snd_offer(s, sdp, sizeof sdp);
    if (sdp_n < 0)
        return SP_ELIMIT;
    char base[PUSH_URI_MAX];
    push_invite_contact(s->c, base, sizeof base);
    /* seed 000 §8.3.7.2: the Contact carries the application's tag too */
    snprintf(contact, sizeof contact, "%s;+g.oma.pusheventapp=\"%s\"", base, s->app);
    sp_error err;
    if (push_accept_contact_build(sp_str_cstr(s->app), s->icsi[0] ? sp_str_cstr(s->icsi) : SP_STR_NULL, 0, true,
                                  true, ac, sizeof ac, &err) < 0)
        return SP_EINVAL;
    if (push_se_request_headers(s->se_asked, s->min_se, se, sizeof se) < 0)
        return SP_ELIMIT;
    int n = snprintf(hdrs, sizeof hdrs, "P-Asserted-Identity: <%s>\r\nAccept-Contact: %s\r\n%s%s%sAllow: %s\r\n%s",
                     s->from, ac, s->icsi[0] ? "P-Asserted-Service: " : "", s->icsi, s->icsi[0] ? "\r\n" : "",
                     PUSH_INVITE_ALLOW, se);
    if (n < 0 || (size_t)n >= sizeof hdrs)
        return SP_ELIMIT;
    push_req r = {.method = SP_LIT("INVITE"), .ruri = sp_str_cstr(s->target), .from_uri = sp_str_cstr(s->from),
                  .from_tag = sp_str_cstr(s->from_tag), .to_uri = sp_str_cstr(s->target),
                  .call_id = sp_str_cstr(s->call_id), .cseq = s->cseq, .contact = sp_str_cstr(contact),
                  .headers = sp_str_make(hdrs, (size_t)n), .content_type = SP_LIT("application/sdp"),
                  .body = sp_str_make(sdp, (size_t)sdp_n)};
    if (!s->invite && !(s->invite = malloc(PUSH_INVITE_MSG_MAX)))
        return -ENOMEM;
    long len = push_req_build(s->c->sip, &s->c->local, s->c->tp, &r, s->invite, PUSH_INVITE_MSG_MAX);
    if (len < 0)
        return (int)len; /* SP_EINVAL: no randomness for the branch */
    s->invite_len = (size_t)len;
    return 0;
}

void snd_free_content(push_invite_sender *s)
{
    for (size_t i = 0; i < s->nfiles; i++) {
        free(s->files[i].cpim);
        s->files[i].cpim = NULL;
    }
    free(s->invite);
    s->invite = NULL;
}
