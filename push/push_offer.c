/* push_offer.c - see push_offer.h. */
#include "push_offer.h"

#include <stdlib.h>
#include <string.h>

#include "sdp_build.h"
#include "sdp_file.h"
#include "sp_hex.h"
#include "sp_random.h"

bool push_transfer_id_new(char *out)
{
    return sp_random_token(out, PUSH_TRANSFER_ID_LEN, SP_RANDOM_ALNUM) == 0;
}

static sp_str addrtype(const char *host)
{
    return strchr(host, ':') ? SP_LIT("IP6") : SP_LIT("IP4");
}

long push_offer_build(const push_offer *o, char *out, size_t cap)
{
    if (o->nfiles == 0 || o->nfiles > PUSH_OFFER_MAX_FILES)
        return SP_EINVAL;
    sdp_stream st[PUSH_OFFER_MAX_FILES];
    char hashes[PUSH_OFFER_MAX_FILES][PUSH_SHA1_HEX_LEN + 1];
    /* RFC 5547 §5, §6: names percent-encoded ('/' included), type parameters
     * in DQUOTEs: at most three bytes for one, and two quotes per parameter */
    size_t need = 1;
    for (size_t i = 0; i < o->nfiles; i++)
        need += 3 * o->files[i].name.n + 5 * o->files[i].type.n;
    char *scratch = malloc(need), *at = scratch;
    if (!scratch)
        return -ENOMEM;
    char sid[24], ver[24];
    sp_buf nb;
    sp_buf_init(&nb, sid, sizeof sid);
    sp_buf_u64(&nb, o->sess_id);
    long sid_n = sp_buf_finish(&nb);
    sp_buf_init(&nb, ver, sizeof ver);
    sp_buf_u64(&nb, o->version);
    long ver_n = sp_buf_finish(&nb);
    sp_str host = sp_str_cstr(o->host);
    for (size_t i = 0; i < o->nfiles; i++) {
        const push_offer_file *f = &o->files[i];
        sdp_stream *s = &st[i];
        memset(s, 0, sizeof *s);
        s->port = f->port;
        if (f->port == 0)
            continue; /* RFC 3264 §8.2: a removed stream keeps its place, port 0 */
        s->setup = o->setup != SDP_SETUP_NONE ? o->setup : SDP_SETUP_PASSIVE;
        s->direction = SDP_DIR_SENDONLY;
        /* seed 000: accept-types holds message/cpim (RFC 4975 §8.6); with an
         * envelope, the wrapped type is said in accept-wrapped-types */
        s->accept_types = SP_LIT("message/cpim");
        s->accept_wrapped_types = f->wrapped_type;
        s->path = f->path;
        s->file_transfer_id = f->transfer_id;
        size_t room = need - (size_t)(at - scratch);
        long nn = f->name.p ? sdp_file_name_encode(f->name, at, room) : 0;
        long tn = nn >= 0 && f->type.p ? sdp_file_type_encode(f->type, at + nn, room - (size_t)nn) : 0;
        if (nn < 0 || tn < 0) {
            free(scratch);
            return nn < 0 ? nn : tn;
        }
        s->selector.name = f->name.p ? sp_str_make(at, (size_t)nn) : SP_STR_NULL;
        s->selector.type = f->type.p ? sp_str_make(at + nn, (size_t)tn) : SP_STR_NULL;
        at += nn + tn;
        s->selector.has_size = true;
        s->selector.size = f->size;
        sp_hex_encode_colon(f->sha1, SP_SHA1_LEN, hashes[i]);
        s->selector.hash_algorithm = SP_LIT("sha-1");
        s->selector.hash_value = sp_str_make(hashes[i], PUSH_SHA1_HEX_LEN);
        s->date.modification = f->modification;
        s->date.creation = f->creation;
    }
    sdp_desc d = {
        .origin = {.username = SP_LIT("sippush"), .sess_id = sp_str_make(sid, (size_t)sid_n),
                   .sess_version = sp_str_make(ver, (size_t)ver_n), .nettype = SP_LIT("IN"),
                   .addrtype = addrtype(o->host), .address = host},
        .conn = {.nettype = SP_LIT("IN"), .addrtype = addrtype(o->host), .address = host},
        .streams = st,
        .nstreams = o->nfiles,
    };
    long n = sdp_build(&d, out, cap);
    free(scratch);
    return n;
}
