/* test_sdp_seeds.c - the SDP of every seed flow (tests/seeds/sdp/): each
 * parses, its typed fields are read, and the builder writes it back from
 * those fields byte for byte (the files are in the builder's attribute
 * order); the rebuilt text parses to the same fields. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "check_main.h"
#include "guard.h"
#include "sdp_build.h"

#define SEED_DIR "tests/seeds/sdp"

static bool same(sp_str a, sp_str b) { return a.p ? (b.p && sp_str_eq(a, b)) : !b.p; }

typedef struct parsed {
    sdp_session s;
    sdp_media media[4];
    sdp_attr attrs[32];
    sdp_stream streams[4];
    sdp_desc d;
} parsed;

static void parse_read(const char *text, size_t len, parsed *p)
{
    sp_error err = {0};
    const char *g = guard_copy(text, len);
    ck_assert_msg(sdp_parse(g, len, &p->s, p->media, 4, p->attrs, 32, NULL, &err) == (int)len, "%zu: %s",
                  err.offset, err.reason);
    ck_assert_msg(sdp_desc_read(&p->s, p->streams, 4, &p->d, &err) == 0, "%zu: %s", err.offset, err.reason);
}

static void check_seed(const char *name)
{
    char path[512], text[4096], out[4096];
    snprintf(path, sizeof path, "%s/%s", SEED_DIR, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s", path);
    size_t len = fread(text, 1, sizeof text, f);
    fclose(f);

    static parsed a, b;
    parse_read(text, len, &a);
    ck_assert_uint_ge(a.d.nstreams, 1);
    /* what the flows need is there */
    const sdp_stream *st = &a.d.streams[0];
    ck_assert(st->setup == SDP_SETUP_PASSIVE || st->setup == SDP_SETUP_ACTIVE);
    ck_assert(st->direction == (st->setup == SDP_SETUP_PASSIVE ? SDP_DIR_SENDONLY : SDP_DIR_RECVONLY));
    ck_assert_ptr_nonnull(st->path.p);
    ck_assert(sp_str_eq(st->file_transfer_id, SP_LIT("a3cd20b8ae7f")));
    ck_assert(st->selector.has_size && st->selector.size == 4092);

    long n = sdp_build(&a.d, out, sizeof out);
    ck_assert_msg(n == (long)len && memcmp(out, text, len) == 0, "%s: rebuilt text differs", name);
    parse_read(out, (size_t)n, &b);
    ck_assert_uint_eq(a.d.nstreams, b.d.nstreams);
    ck_assert(same(a.d.origin.sess_id, b.d.origin.sess_id));
    ck_assert(same(a.d.conn.address, b.d.conn.address));
    for (size_t i = 0; i < a.d.nstreams; i++) {
        const sdp_stream *x = &a.d.streams[i], *y = &b.d.streams[i];
        ck_assert(x->port == y->port && x->setup == y->setup && x->direction == y->direction);
        ck_assert(same(x->accept_types, y->accept_types) && same(x->path, y->path));
        ck_assert(same(x->selector.name, y->selector.name) && same(x->selector.type, y->selector.type));
        ck_assert(same(x->selector.hash_value, y->selector.hash_value));
        ck_assert(same(x->date.modification, y->date.modification));
    }
}

START_TEST(every_seed_sdp)
{
    DIR *d = opendir(SEED_DIR);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int count = 0;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 4 && !strcmp(e->d_name + n - 4, ".sdp")) {
            check_seed(e->d_name);
            count++;
        }
    }
    closedir(d);
    ck_assert_int_eq(count, 4);
}
END_TEST

START_TEST(seed_typing_slips_still_parse)
{
    /* seed 000's offer as printed, line folding and blank lines aside */
    const char raw[] = "v=0\r\no=psa 2890844526 2890844526 IN IP4 domain.com\r\ns=-\r\nc=IN IP4 psa.domain.com\r\n"
                       "t=0 0\r\nm=message 7654 TCP/MSRP *\r\na=setup: passive\r\na=sendonly\r\n"
                       "a=accept-types: message/cpim\r\na=path: msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp\r\n"
                       "a=file-transfer-id: a3cd20b8ae7f\r\n"
                       "a=file-selector: name:\"pushid-a3cd20b8ae7f\" type: text/vnd.wap.si size:4092 "
                       "hash:sha-1:72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E\r\n"
                       "a=file-date:modification:\"Tue, 31 Jul 2001 10:13:00 GMT\"\r\n";
    static parsed a;
    parse_read(raw, sizeof raw - 1, &a);
    const sdp_stream *st = &a.d.streams[0];
    ck_assert_int_eq(st->setup, SDP_SETUP_PASSIVE);
    ck_assert(sp_str_eq(st->accept_types, SP_LIT("message/cpim")));
    ck_assert(sp_str_eq(st->path, SP_LIT("msrp://psa.domain.com:7654/a3cd20b8ae7f;tcp")));
    ck_assert(sp_str_eq(st->file_transfer_id, SP_LIT("a3cd20b8ae7f")));
    ck_assert(sp_str_eq(st->selector.type, SP_LIT("text/vnd.wap.si")));
}
END_TEST

static Suite *sdp_seeds_suite(void)
{
    Suite *su = suite_create("sdp_seeds");
    TCase *tc = tcase_create("seeds");
    tcase_add_test(tc, every_seed_sdp);
    tcase_add_test(tc, seed_typing_slips_still_parse);
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(sdp_seeds_suite)
