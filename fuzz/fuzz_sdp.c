/* fuzz_sdp.c - fuzz harness for the SDP layer.
 *
 * Parses the input; runs every typed attribute parser over every attribute
 * value whatever its name; and when the description reads as MSRP streams,
 * checks the invariants: the builder writes it back, the rebuilt text parses
 * and reads to the same fields, and an answer built for it parses too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdp_attr.h"
#include "sdp_build.h"
#include "sdp_file.h"
#include "sdp_offer.h"
#include "sdp_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MEDIA SDP_DEFAULT_MAX_MEDIA
#define MAX_ATTRS SDP_DEFAULT_MAX_ATTRS

typedef struct parsed {
    sdp_session s;
    sdp_media media[MAX_MEDIA];
    sdp_attr attrs[MAX_ATTRS];
    sdp_stream streams[MAX_MEDIA];
    sdp_desc d;
} parsed;

static bool same(sp_str a, sp_str b) { return a.p ? (b.p && sp_str_eq(a, b)) : !b.p; }

#define CHECK(cond) \
    do {            \
        if (!(cond)) \
            abort(); \
    } while (0)

static void every_typed_parser(sp_str v)
{
    sdp_path path;
    sdp_types types;
    uint64_t n;
    sdp_setup setup;
    sp_str tok;
    sdp_file_selector fs;
    sdp_file_date date;
    sdp_file_range range;
    int64_t when;
    sp_error err;
    if (sdp_path_parse(v, &path, &err) == 0)
        CHECK(path.n >= 1 && path.n <= SDP_PATH_MAX);
    if (sdp_types_parse(v, &types, &err) == 0) {
        CHECK(types.n >= 1);
        /* every entry covers itself unless it is a bare subtype wildcard */
        for (size_t i = 0; i < types.n; i++)
            CHECK(sdp_type_covers(types.entry[i], types.entry[i]));
    }
    (void)sdp_max_size_parse(v, &n, &err);
    (void)sdp_setup_parse(v, &setup, &err);
    (void)sdp_token_parse(v, &tok, &err);
    if (sdp_file_selector_parse(v, &fs, &err) == 0 && fs.name.p) {
        char name[256];
        (void)sdp_file_name_decode(fs.name, name, sizeof name);
        uint8_t hash[64];
        if (fs.hash_value.p)
            CHECK(sdp_hash_decode(fs.hash_value, hash, sizeof hash) > 0 || fs.hash_value.n > 3 * 64);
    }
    (void)sdp_file_date_parse(v, &date, &err);
    (void)sdp_date_to_time(v, &when, &err);
    if (sdp_file_range_parse(v, &range, &err) == 0)
        CHECK(range.start >= 1 && (range.open || range.stop >= range.start));
    (void)sdp_file_icon_parse(v, &tok, &err);
    char enc[1024];
    long e = sdp_file_name_encode(v, enc, sizeof enc);
    if (e >= 0) {
        char dec[1024];
        CHECK(sdp_file_name_decode(sp_str_make(enc, (size_t)e), dec, sizeof dec) == (long)v.n);
        CHECK(memcmp(dec, v.p, v.n) == 0);
    }
}

static bool parse_read(const char *buf, size_t len, parsed *p)
{
    sp_error err;
    if (sdp_parse(buf, len, &p->s, p->media, MAX_MEDIA, p->attrs, MAX_ATTRS, NULL, &err) < 0) {
        CHECK(err.reason && err.offset <= len);
        return false;
    }
    for (size_t i = 0; i < p->s.nattrs; i++)
        if (p->s.attrs[i].value.p)
            every_typed_parser(p->s.attrs[i].value);
    for (size_t m = 0; m < p->s.nmedia; m++)
        for (size_t i = 0; i < p->s.media[m].nattrs; i++)
            if (p->s.media[m].attrs[i].value.p)
                every_typed_parser(p->s.media[m].attrs[i].value);
    if (sdp_desc_read(&p->s, p->streams, MAX_MEDIA, &p->d, &err) != 0) {
        CHECK(err.reason && err.offset <= len);
        return false;
    }
    return true;
}

static void same_stream(const sdp_stream *a, const sdp_stream *b)
{
    CHECK(same(a->media, b->media) && a->port == b->port && same(a->proto, b->proto));
    CHECK(same(a->formats, b->formats) && same(a->conn.address, b->conn.address));
    CHECK(a->setup == b->setup && a->direction == b->direction);
    CHECK(same(a->accept_types, b->accept_types) && same(a->accept_wrapped_types, b->accept_wrapped_types));
    CHECK(a->has_max_size == b->has_max_size && a->max_size == b->max_size);
    CHECK(same(a->path, b->path) && same(a->file_transfer_id, b->file_transfer_id));
    CHECK(same(a->selector.name, b->selector.name) && same(a->selector.type, b->selector.type));
    CHECK(a->selector.has_size == b->selector.has_size && a->selector.size == b->selector.size);
    CHECK(same(a->selector.hash_algorithm, b->selector.hash_algorithm));
    CHECK(same(a->selector.hash_value, b->selector.hash_value));
    CHECK(same(a->date.creation, b->date.creation) && same(a->date.modification, b->date.modification));
    CHECK(same(a->date.read, b->date.read) && same(a->file_disposition, b->file_disposition));
    CHECK(same(a->file_icon, b->file_icon) && a->has_range == b->has_range);
    CHECK(a->range.start == b->range.start && a->range.stop == b->range.stop && a->range.open == b->range.open);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static parsed a, b, c;
    static char out[2 * SDP_DEFAULT_MAX_SIZE], ans[2 * SDP_DEFAULT_MAX_SIZE];
    if (!parse_read((const char *)data, size, &a))
        return 0;

    long n = sdp_build(&a.d, out, sizeof out);
    CHECK(n > 0);
    CHECK(parse_read(out, (size_t)n, &b));
    CHECK(a.d.nstreams == b.d.nstreams && a.d.start_time == b.d.start_time);
    CHECK(same(a.d.origin.sess_id, b.d.origin.sess_id) && same(a.d.conn.address, b.d.conn.address));
    for (size_t i = 0; i < a.d.nstreams; i++)
        same_stream(&a.d.streams[i], &b.d.streams[i]);

    sdp_caps caps;
    CHECK(sdp_caps_init(&caps, SP_STR_NULL, SP_STR_NULL, 1u << 20, NULL) == 0);
    sdp_endpoint local[MAX_MEDIA];
    sdp_stream answers[MAX_MEDIA];
    for (size_t i = 0; i < a.d.nstreams; i++)
        local[i] = (sdp_endpoint){8888, SP_LIT("msrp://192.0.2.4:8888/fuzz;tcp")};
    size_t accepted = sdp_answer_offer(&a.d, &caps, local, answers, NULL);
    CHECK(accepted <= a.d.nstreams);
    sdp_desc answer = a.d;
    answer.conn = (sdp_conn){SP_LIT("IN"), SP_LIT("IP4"), SP_LIT("192.0.2.4")};
    answer.streams = answers;
    n = sdp_build(&answer, ans, sizeof ans);
    CHECK(n > 0);
    CHECK(parse_read(ans, (size_t)n, &c));
    CHECK(c.d.nstreams == a.d.nstreams);
    for (size_t i = 0; i < c.d.nstreams; i++)
        CHECK((c.d.streams[i].port != 0) == (answers[i].port != 0));
    return 0;
}
