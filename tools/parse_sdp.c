/* parse_sdp.c - `sippush parse sdp` output and the sdp part of `bench parse`.
 *
 * JSON types: version, port, max_size, file_selector.size and
 * file_range.start are numbers, file_range.stop is a number or null for "*";
 * formats, path, accept_types and accept_wrapped_types are arrays of
 * strings; an absent line or attribute is null; file_selector.name is the
 * text between the quotes with its escapes as written; attribute values are
 * as written (null for a property attribute). Extra keys: a media's own
 * `connection` (null when the session's applies), `file_icon`, and the
 * session-level `attributes`. */
#include "cli.h"
#include "sdp_attr.h"
#include "sdp_build.h"
#include "sdp_file.h"
#include "sdp_parse.h"

static void conn_json(json_out *j, const char *key, const sdp_conn *c)
{
    json_key(j, key);
    if (!c->address.p) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_str(j, "nettype", c->nettype);
    json_kv_str(j, "addrtype", c->addrtype);
    json_kv_str(j, "address", c->address);
    json_object_end(j);
}

/* A white-space separated list as an array of strings, null when absent. */
static void list_json(json_out *j, const char *key, sp_str list)
{
    json_key(j, key);
    if (!list.p) {
        json_null(j);
        return;
    }
    json_array_begin(j);
    sp_str rest = list, item;
    while (sdp_list_next(&rest, &item))
        json_str(j, item);
    json_array_end(j);
}

static void attrs_json(json_out *j, const sdp_attr *attrs, size_t n)
{
    json_key(j, "attributes");
    json_array_begin(j);
    for (size_t i = 0; i < n; i++) {
        json_array_begin(j);
        json_str(j, attrs[i].name);
        json_str(j, attrs[i].value);
        json_array_end(j);
    }
    json_array_end(j);
}

static void selector_json(json_out *j, const sdp_file_selector *fs)
{
    json_key(j, "file_selector");
    if (!fs->name.p && !fs->type.p && !fs->has_size && !fs->hash_algorithm.p) {
        json_null(j);
        return;
    }
    json_object_begin(j);
    json_kv_str(j, "name", fs->name);
    json_kv_str(j, "type", fs->type);
    json_key(j, "size");
    if (fs->has_size)
        json_u64(j, fs->size);
    else
        json_null(j);
    json_key(j, "hash");
    if (fs->hash_algorithm.p) {
        json_object_begin(j);
        json_kv_str(j, "algorithm", fs->hash_algorithm);
        json_kv_str(j, "value", fs->hash_value);
        json_object_end(j);
    } else {
        json_null(j);
    }
    json_object_end(j);
}

static void stream_json(json_out *j, const sdp_media *m, const sdp_stream *st)
{
    json_object_begin(j);
    json_kv_str(j, "media", m->media);
    json_kv_u64(j, "port", m->port);
    json_kv_str(j, "proto", m->proto);
    list_json(j, "formats", m->formats);
    conn_json(j, "connection", &m->conn);
    json_kv_cstr(j, "direction", sdp_direction_name(st->direction));
    json_kv_cstr(j, "setup", sdp_setup_name(st->setup));
    list_json(j, "path", st->path);
    list_json(j, "accept_types", st->accept_types);
    list_json(j, "accept_wrapped_types", st->accept_wrapped_types);
    json_key(j, "max_size");
    if (st->has_max_size)
        json_u64(j, st->max_size);
    else
        json_null(j);
    selector_json(j, &st->selector);
    json_kv_str(j, "file_transfer_id", st->file_transfer_id);
    json_key(j, "file_date");
    if (st->date.creation.p || st->date.modification.p || st->date.read.p) {
        json_object_begin(j);
        json_kv_str(j, "creation", st->date.creation);
        json_kv_str(j, "modification", st->date.modification);
        json_kv_str(j, "read", st->date.read);
        json_object_end(j);
    } else {
        json_null(j);
    }
    json_kv_str(j, "file_disposition", st->file_disposition);
    json_key(j, "file_range");
    if (st->has_range) {
        json_object_begin(j);
        json_kv_u64(j, "start", st->range.start);
        json_key(j, "stop");
        if (st->range.open)
            json_null(j);
        else
            json_u64(j, st->range.stop);
        json_object_end(j);
    } else {
        json_null(j);
    }
    json_kv_str(j, "file_icon", st->file_icon);
    attrs_json(j, m->attrs, m->nattrs);
    json_object_end(j);
}

int parse_sdp_json(const char *buf, size_t len, json_out *j, sp_error *err)
{
    sdp_session s;
    sdp_media media[SDP_DEFAULT_MAX_MEDIA];
    sdp_attr attrs[SDP_DEFAULT_MAX_ATTRS];
    sdp_stream streams[SDP_DEFAULT_MAX_MEDIA];
    sdp_desc d;
    if (sdp_parse(buf, len, &s, media, SDP_DEFAULT_MAX_MEDIA, attrs, SDP_DEFAULT_MAX_ATTRS, NULL, err) < 0)
        return -1;
    /* Every typed attribute is checked before anything is printed. */
    if (sdp_desc_read(&s, streams, SDP_DEFAULT_MAX_MEDIA, &d, err) != 0)
        return -1;

    json_object_begin(j);
    json_kv_u64(j, "version", s.version);
    json_key(j, "origin");
    json_object_begin(j);
    json_kv_str(j, "username", s.origin.username);
    json_kv_str(j, "sess_id", s.origin.sess_id);
    json_kv_str(j, "sess_version", s.origin.sess_version);
    json_kv_str(j, "nettype", s.origin.nettype);
    json_kv_str(j, "addrtype", s.origin.addrtype);
    json_kv_str(j, "address", s.origin.address);
    json_object_end(j);
    json_kv_str(j, "session_name", s.name);
    conn_json(j, "connection", &s.conn);
    attrs_json(j, s.attrs, s.nattrs);
    json_key(j, "media");
    json_array_begin(j);
    for (size_t i = 0; i < s.nmedia; i++)
        stream_json(j, &s.media[i], &streams[i]);
    json_array_end(j);
    json_object_end(j);
    json_line_end(j);
    return 0;
}

/* What a session does with an offer or answer: parse it, then read the
 * path, accept-types, setup, direction, file-selector and file-transfer-id
 * of every stream. */
long bench_parse_sdp(const char *buf, size_t len)
{
    sdp_session s;
    sdp_media media[SDP_DEFAULT_MAX_MEDIA];
    sdp_attr attrs[SDP_DEFAULT_MAX_ATTRS];
    if (sdp_parse(buf, len, &s, media, SDP_DEFAULT_MAX_MEDIA, attrs, SDP_DEFAULT_MAX_ATTRS, NULL, NULL) < 0)
        return -1;
    for (size_t i = 0; i < s.nmedia; i++) {
        const sdp_media *m = &s.media[i];
        const sdp_attr *a;
        sdp_path path;
        sdp_types types;
        sdp_setup setup;
        sdp_file_selector fs;
        sp_str id;
        if (!(a = sdp_media_attr(m, "path")) || !a->value.p || sdp_path_parse(a->value, &path, NULL))
            return -1;
        if (!(a = sdp_media_attr(m, "accept-types")) || !a->value.p || sdp_types_parse(a->value, &types, NULL))
            return -1;
        if ((a = sdp_media_attr(m, "setup")) && a->value.p && sdp_setup_parse(a->value, &setup, NULL))
            return -1;
        if ((a = sdp_media_attr(m, "file-selector")) && a->value.p && sdp_file_selector_parse(a->value, &fs, NULL))
            return -1;
        if ((a = sdp_media_attr(m, "file-transfer-id")) && a->value.p && sdp_token_parse(a->value, &id, NULL))
            return -1;
        (void)sdp_media_direction(&s, m);
    }
    return 1;
}
