/* sdp_build.c - see sdp_build.h. */
#include "sdp_build.h"

#include <string.h>

#include "sdp_lex_impl.h"

/* --- writing a description ------------------------------------------------ */

/* A value from the caller: a CR, LF or NUL would end the line early and let
 * the rest pose as lines of its own, so the build fails instead. */
static void put_value(sp_buf *b, sp_str s)
{
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '\r' || s.p[i] == '\n' || s.p[i] == '\0') {
            b->overflow = true;
            return;
        }
    }
    sp_buf_put(b, s);
}

static sp_str or_default(sp_str s, const char *def) { return s.p ? s : sp_str_cstr(def); }

static void put_attr(sp_buf *b, const char *name, sp_str value)
{
    if (!value.p)
        return;
    sp_buf_puts(b, "a=");
    sp_buf_puts(b, name);
    sp_buf_puts(b, ":");
    put_value(b, value);
    sp_buf_puts(b, "\r\n");
}

static void put_conn(sp_buf *b, const sdp_conn *c)
{
    if (!c->address.p)
        return;
    sp_buf_puts(b, "c=");
    put_value(b, or_default(c->nettype, "IN"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(c->addrtype, "IP4"));
    sp_buf_puts(b, " ");
    put_value(b, c->address);
    sp_buf_puts(b, "\r\n");
}

static void put_selector(sp_buf *b, const sdp_file_selector *fs)
{
    if (!fs->name.p && !fs->type.p && !fs->has_size && !fs->hash_algorithm.p)
        return;
    const char *sep = "a=file-selector:";
    if (fs->name.p) {
        sp_buf_puts(b, sep);
        sp_buf_puts(b, "name:\"");
        put_value(b, fs->name);
        sp_buf_puts(b, "\"");
        sep = " ";
    }
    if (fs->type.p) {
        sp_buf_puts(b, sep);
        sp_buf_puts(b, "type:");
        put_value(b, fs->type);
        sep = " ";
    }
    if (fs->has_size) {
        sp_buf_puts(b, sep);
        sp_buf_puts(b, "size:");
        sp_buf_u64(b, fs->size);
        sep = " ";
    }
    if (fs->hash_algorithm.p) {
        sp_buf_puts(b, sep);
        sp_buf_puts(b, "hash:");
        put_value(b, fs->hash_algorithm);
        sp_buf_puts(b, ":");
        put_value(b, fs->hash_value);
    }
    sp_buf_puts(b, "\r\n");
}

static void put_date(sp_buf *b, const sdp_file_date *d)
{
    static const char *const names[] = {"creation", "modification", "read"};
    const sp_str dates[] = {d->creation, d->modification, d->read};
    const char *sep = "a=file-date:";
    for (size_t i = 0; i < 3; i++) {
        if (!dates[i].p)
            continue;
        sp_buf_puts(b, sep);
        sp_buf_puts(b, names[i]);
        sp_buf_puts(b, ":\"");
        put_value(b, dates[i]);
        sp_buf_puts(b, "\"");
        sep = " ";
    }
    if (sep[0] == ' ')
        sp_buf_puts(b, "\r\n");
}

static void put_stream(sp_buf *b, const sdp_stream *st)
{
    sp_buf_puts(b, "m=");
    put_value(b, or_default(st->media, "message"));
    sp_buf_puts(b, " ");
    sp_buf_u64(b, st->port);
    sp_buf_puts(b, " ");
    put_value(b, or_default(st->proto, "TCP/MSRP"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(st->formats, "*"));
    sp_buf_puts(b, "\r\n");
    put_conn(b, &st->conn);
    put_attr(b, "setup", sp_str_cstr(sdp_setup_name(st->setup)));
    if (st->direction != SDP_DIR_SENDRECV) {
        sp_buf_puts(b, "a=");
        sp_buf_puts(b, sdp_direction_name(st->direction));
        sp_buf_puts(b, "\r\n");
    }
    put_attr(b, "accept-types", st->accept_types);
    put_attr(b, "accept-wrapped-types", st->accept_wrapped_types);
    if (st->has_max_size) {
        sp_buf_puts(b, "a=max-size:");
        sp_buf_u64(b, st->max_size);
        sp_buf_puts(b, "\r\n");
    }
    put_attr(b, "path", st->path);
    put_attr(b, "file-transfer-id", st->file_transfer_id);
    put_selector(b, &st->selector);
    put_attr(b, "file-disposition", st->file_disposition);
    put_date(b, &st->date);
    put_attr(b, "file-icon", st->file_icon);
    if (st->has_range) {
        sp_buf_puts(b, "a=file-range:");
        sp_buf_u64(b, st->range.start);
        sp_buf_puts(b, "-");
        if (st->range.open)
            sp_buf_puts(b, "*");
        else
            sp_buf_u64(b, st->range.stop);
        sp_buf_puts(b, "\r\n");
    }
}

void sdp_build_into(sp_buf *b, const sdp_desc *d)
{
    const sdp_origin *o = &d->origin;
    sp_buf_puts(b, "v=0\r\no=");
    put_value(b, or_default(o->username, "-"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(o->sess_id, "0"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(o->sess_version, "0"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(o->nettype, "IN"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(o->addrtype, "IP4"));
    sp_buf_puts(b, " ");
    put_value(b, or_default(o->address, "0.0.0.0"));
    sp_buf_puts(b, "\r\ns=");
    put_value(b, d->name.n ? d->name : SP_LIT("-"));
    sp_buf_puts(b, "\r\n");
    put_conn(b, &d->conn);
    sp_buf_puts(b, "t=");
    sp_buf_u64(b, d->start_time);
    sp_buf_puts(b, " ");
    sp_buf_u64(b, d->stop_time);
    sp_buf_puts(b, "\r\n");
    for (size_t i = 0; i < d->nstreams; i++)
        put_stream(b, &d->streams[i]);
}

long sdp_build(const sdp_desc *d, char *out, size_t cap)
{
    sp_buf b;
    sp_buf_init(&b, out, cap);
    sdp_build_into(&b, d);
    return sp_buf_finish(&b);
}

/* --- reading a parsed description ----------------------------------------- */

/* Moves a typed parser's error offset (relative to the value) to one
 * relative to the whole description. */
static int rebase(const sdp_session *s, sp_str value, int rc, sp_error *err)
{
    if (rc != 0 && err)
        err->offset += (size_t)(value.p - s->text.p);
    return rc;
}

int sdp_stream_read(const sdp_session *s, const sdp_media *m, sdp_stream *st, sp_error *err)
{
    memset(st, 0, sizeof *st);
    st->media = m->media;
    st->port = m->port;
    st->proto = m->proto;
    st->formats = m->formats;
    st->conn = m->conn;
    st->direction = sdp_media_direction(s, m);
    const sdp_attr *a;
    int rc = 0;
    if (rc == 0 && (a = sdp_media_attr(m, "setup")) && a->value.p)
        rc = rebase(s, a->value, sdp_setup_parse(a->value, &st->setup, err), err);
    if (rc == 0 && (a = sdp_media_attr(m, "accept-types")) && a->value.p) {
        sdp_types t;
        rc = rebase(s, a->value, sdp_types_parse(a->value, &t, err), err);
        st->accept_types = sdp_trim(a->value);
    }
    if (rc == 0 && (a = sdp_media_attr(m, "accept-wrapped-types")) && a->value.p) {
        sdp_types t;
        rc = rebase(s, a->value, sdp_types_parse(a->value, &t, err), err);
        st->accept_wrapped_types = sdp_trim(a->value);
    }
    if (rc == 0 && (a = sdp_media_attr(m, "max-size")) && a->value.p) {
        rc = rebase(s, a->value, sdp_max_size_parse(a->value, &st->max_size, err), err);
        st->has_max_size = rc == 0;
    }
    if (rc == 0 && (a = sdp_media_attr(m, "path")) && a->value.p) {
        sdp_path p;
        rc = rebase(s, a->value, sdp_path_parse(a->value, &p, err), err);
        st->path = sdp_trim(a->value);
    }
    if (rc == 0 && (a = sdp_media_attr(m, "file-transfer-id")) && a->value.p)
        rc = rebase(s, a->value, sdp_token_parse(a->value, &st->file_transfer_id, err), err);
    if (rc == 0 && (a = sdp_media_attr(m, "file-selector")) && a->value.p)
        rc = rebase(s, a->value, sdp_file_selector_parse(a->value, &st->selector, err), err);
    if (rc == 0 && (a = sdp_media_attr(m, "file-disposition")) && a->value.p)
        rc = rebase(s, a->value, sdp_token_parse(a->value, &st->file_disposition, err), err);
    if (rc == 0 && (a = sdp_media_attr(m, "file-date")) && a->value.p)
        rc = rebase(s, a->value, sdp_file_date_parse(a->value, &st->date, err), err);
    if (rc == 0 && (a = sdp_media_attr(m, "file-icon")) && a->value.p)
        rc = rebase(s, a->value, sdp_file_icon_parse(a->value, &st->file_icon, err), err);
    if (rc == 0 && (a = sdp_media_attr(m, "file-range")) && a->value.p) {
        rc = rebase(s, a->value, sdp_file_range_parse(a->value, &st->range, err), err);
        st->has_range = rc == 0;
    }
    return rc;
}

int sdp_desc_read(const sdp_session *s, sdp_stream *streams, size_t max, sdp_desc *d, sp_error *err)
{
    memset(d, 0, sizeof *d);
    if (s->nmedia > max)
        return sp_fail(err, SP_ELIMIT, (size_t)(s->media[max].text.p - s->text.p), 488,
                       "too many media descriptions");
    d->origin = s->origin;
    d->name = s->name;
    d->conn = s->conn;
    d->start_time = s->start_time;
    d->stop_time = s->stop_time;
    d->streams = streams;
    d->nstreams = s->nmedia;
    for (size_t i = 0; i < s->nmedia; i++) {
        int rc = sdp_stream_read(s, &s->media[i], &streams[i], err);
        if (rc)
            return rc;
    }
    return 0;
}
