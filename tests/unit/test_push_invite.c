/* test_push_invite.c - the session-mode push agents against each other over
 * loopback: what travels on the wire (seed 000 §8.2.5, §8.3.7.2), delivery
 * with and without confirmation, every refusal and failure with the delivery
 * status it ends in (seed 004 Appendix Q), CANCEL, session timers. */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_main.h"
#include "msrp_testdir.h"
#include "msrp_tp.h"
#include "push_loop.h"
#include "sp_sha1.h"

static uint8_t *content(size_t n, unsigned seed)
{
    uint8_t *b = malloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (uint8_t)(x >> 16);
    }
    return b;
}

/* A sparse file of n bytes (content never read whole): a transfer that
 * outlives the test's interest. */
/* The file at path holds exactly the n bytes of data. */
static void file_holds(const char *path, const uint8_t *data, size_t n)
{
    FILE *fp = fopen(path, "rb");
    ck_assert_ptr_nonnull(fp);
    uint8_t *back = malloc(n + 1);
    ck_assert_uint_eq(fread(back, 1, n + 1, fp), n);
    fclose(fp);
    ck_assert_mem_eq(back, data, n);
    free(back);
}

static int sparse_file(uint64_t n)
{
    char path[] = "/tmp/push-test-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    unlink(path);
    ck_assert_int_eq(ftruncate(fd, (off_t)n), 0);
    return fd;
}

static bool has(const char *msg, const char *text) { return msg && strstr(msg, text) != NULL; }

/* RFC 6135 §4.2, RFC 4975 §5.4: every role our sender offers works with our
 * receiver, over 127.0.0.1 and [::1]: passive (seed 000: the receiver
 * connects), active (port 9; the receiver listens, the sender connects),
 * actpass (the receiver connects). */
static const struct {
    int family;
    sdp_setup offered;
    const char *line;
} roles[] = {
    {AF_INET, SDP_SETUP_PASSIVE, "a=setup:passive\r\n"}, {AF_INET, SDP_SETUP_ACTIVE, "a=setup:active\r\n"},
    {AF_INET, SDP_SETUP_ACTPASS, "a=setup:actpass\r\n"}, {AF_INET6, SDP_SETUP_PASSIVE, "a=setup:passive\r\n"},
    {AF_INET6, SDP_SETUP_ACTIVE, "a=setup:active\r\n"},  {AF_INET6, SDP_SETUP_ACTPASS, "a=setup:actpass\r\n"},
};

START_TEST(every_offered_role_delivers)
{
    push_loop pl;
    pl_open_family(&pl, roles[_i].family, SIP_TP_UDP, NULL);
    uint8_t *data = content(20000, 7);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 20000, "text/plain");
    p.setup = roles[_i].offered;
    p.confirm = true;
    p.chunk_size = 4096;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_uint_eq(pl.result.bytes, 20000);
    ck_assert_int_eq(pl.delivered, 1);
    ck_assert_ptr_nonnull(pl.last_data);
    ck_assert_mem_eq(pl.last_data, data, 20000);
    const char *inv = pl_wire(&pl.rx, "INVITE ", 0);
    ck_assert(has(inv, roles[_i].line));
    ck_assert(has(inv, roles[_i].offered == SDP_SETUP_ACTIVE ? "\r\nm=message 9 TCP/MSRP *\r\n" : "\r\nm=message "));
    if (roles[_i].family == AF_INET6) {
        ck_assert(has(inv, "c=IN IP6 ::1\r\n"));
        ck_assert(has(inv, "a=path:msrp://[::1]:"));
    }
    free(data);
    pl_close(&pl);
}
END_TEST

START_TEST(delivers_with_the_seed_offer)
{
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, NULL);
    uint8_t *data = content(1024, 1);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 1024, "text/vnd.wap.si");
    f.name = SP_LIT("walrus.si");
    sp_str hdrs[] = {SP_LIT("Last-Modified: Tue, 31 Jul 2001 10:13:00 GMT"), SP_LIT("X-Wap-Push-OTA-Version: 1.0"),
                     SP_LIT("Content-Language: en")};
    p.headers = hdrs;
    p.nheaders = 3;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_uint_eq(pl.result.code, 200);
    ck_assert_uint_eq(pl.result.bytes, 1024);
    ck_assert_uint_eq(pl.result.files_delivered, 1);
    ck_assert_int_eq(pl.delivered, 1);
    uint8_t sha[SP_SHA1_LEN];
    sp_sha1(data, 1024, sha);
    ck_assert_mem_eq(pl.last_sha1, sha, SP_SHA1_LEN);
    ck_assert_ptr_nonnull(pl.last_data);
    ck_assert_mem_eq(pl.last_data, data, 1024);
    ck_assert_str_eq(pl.last_type, "text/vnd.wap.si");
    ck_assert_str_eq(pl.last_app, "wml.ua");
    /* the INVITE as the receiver got it (seed 000 §8.2.5.1) */
    const char *inv = pl_wire(&pl.rx, "INVITE ", 0);
    ck_assert(has(inv, "Supported: timer\r\n"));
    ck_assert(has(inv, "Session-Expires: 1800;refresher=uac\r\n"));
    ck_assert(has(inv, "Accept-Contact: *;+g.oma.pusheventapp=\"wml.ua\";require;explicit\r\n"));
    ck_assert(has(inv, "P-Asserted-Identity: <sip:psa@127.0.0.1>\r\n"));
    ck_assert(has(inv, "Allow: INVITE, ACK, CANCEL, BYE, UPDATE\r\n"));
    ck_assert(has(inv, "Content-Type: application/sdp\r\n"));
    ck_assert(has(inv, ";+g.oma.pusheventapp=\"wml.ua\"\r\n")); /* in the Contact too */
    ck_assert(has(inv, "\r\nm=message "));
    ck_assert(has(inv, " TCP/MSRP *\r\n"));
    ck_assert(has(inv, "t=0 0\r\n"));
    ck_assert(has(inv, "a=setup:passive\r\n"));
    ck_assert(has(inv, "a=sendonly\r\n"));
    ck_assert(has(inv, "a=accept-types:message/cpim\r\n"));
    ck_assert(has(inv, "a=path:msrp://127.0.0.1:"));
    ck_assert(has(inv, "a=file-transfer-id:"));
    char sel[160], hex[PUSH_SHA1_HEX_LEN + 1];
    sp_hex_encode_colon(sha, SP_SHA1_LEN, hex);
    hex[PUSH_SHA1_HEX_LEN] = '\0';
    snprintf(sel, sizeof sel, "a=file-selector:name:\"walrus.si\" type:text/vnd.wap.si size:1024 hash:sha-1:%s\r\n",
             hex);
    ck_assert_msg(has(inv, sel), "%s", inv);
    /* Last-Modified becomes the file-date; the WAP header goes nowhere */
    ck_assert(has(inv, "a=file-date:modification:\"Tue, 31 Jul 2001 10:13:00 GMT\"\r\n"));
    ck_assert(!has(inv, "X-Wap"));
    ck_assert(!has(inv, "Content-Language"));
    /* ACK for the 200, then BYE once the content is through */
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "ACK ", 0));
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "BYE ", 0));
    ck_assert(pl_logged(&pl.tx, "inviting -> transfer (2xx)"));
    ck_assert(pl_logged(&pl.tx, "closing -> done (BYE answered)"));
    bool refresh;
    ck_assert_uint_eq(push_invite_sender_interval(pl.sender, &refresh), 1800);
    ck_assert(refresh);
    pl_run_for(&pl, 20);
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 0);
    ck_assert_int_eq(pl.ended, 1);
    free(data);
    pl_close(&pl);
}
END_TEST

START_TEST(confirmed_chunks_over_tcp_into_a_file)
{
    char dir[256];
    ck_assert_ptr_nonnull(testdir_create(dir, sizeof dir));
    push_invite_rx_config cfg = {.out_dir = dir};
    push_loop pl;
    pl_open(&pl, SIP_TP_TCP, &cfg);
    size_t n = 300 * 1024;
    uint8_t *data = content(n, 2);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, n, "application/octet-stream");
    f.name = SP_LIT("big.bin");
    p.confirm = true;
    p.chunk_size = 4096;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 10000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_uint_eq(pl.result.bytes, n);
    ck_assert_uint_eq(pl.result.chunks, (n + 4095) / 4096);
    ck_assert_int_eq(pl.delivered, 1);
    file_holds(pl.last_file, data, n); /* complete under its final name */
    ck_assert(strstr(pl.last_file, "big.bin") != NULL);
    const char *inv = pl_wire(&pl.rx, "INVITE ", 0);
    ck_assert(has(inv, "Via: SIP/2.0/TCP "));
    free(data);
    pl_close(&pl);
    testdir_remove(dir);
}
END_TEST

/* A sink of the application's own (a device's flash): a RAM store that
 * counts the operations it is asked for. */
typedef struct ram_store {
    uint8_t buf[512 * 1024];
    uint64_t size, written;
    unsigned opens, writes, commits, aborts, closes;
    bool committed;
} ram_store;

static int ram_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    ram_store *r = ctx;
    ck_assert_uint_ge(info->max_size, sizeof r->buf);
    s->impl = r;
    r->opens++;
    return SP_OK;
}

static int ram_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    ram_store *r = s->impl;
    if (offset > sizeof r->buf || len > sizeof r->buf - offset)
        return SP_ELIMIT;
    memcpy(r->buf + offset, data, len);
    r->writes++;
    r->written += len;
    return SP_OK;
}

static long ram_read(msrp_sink *s, uint64_t offset, void *buf, size_t len)
{
    ram_store *r = s->impl;
    if (offset >= sizeof r->buf)
        return 0;
    if (len > sizeof r->buf - offset)
        len = (size_t)(sizeof r->buf - offset);
    memcpy(buf, r->buf + offset, len);
    return (long)len;
}

static int ram_commit(msrp_sink *s, uint64_t size)
{
    ram_store *r = s->impl;
    r->size = size;
    r->committed = s->committed = true;
    r->commits++;
    return SP_OK;
}

static void ram_abort(msrp_sink *s) { ((ram_store *)s->impl)->aborts++; }
static void ram_close(msrp_sink *s) { ((ram_store *)s->impl)->closes++; }

static const msrp_sink_ops ram_sink = {.open = ram_open, .write = ram_write, .read = ram_read,
                                       .commit = ram_commit, .abort = ram_abort, .close = ram_close};

START_TEST(own_sink_receives_a_push)
{
    ram_store *store = calloc(1, sizeof *store);
    push_invite_rx_config cfg = {.sink = &ram_sink, .sink_ctx = store};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    size_t n = 300 * 1024;
    uint8_t *data = content(n, 5);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, n, "application/octet-stream");
    p.confirm = true;
    p.chunk_size = 4096;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 10000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_uint_eq(pl.result.bytes, n);
    ck_assert_int_eq(pl.delivered, 1);
    /* Neither a file nor memory of the receiver's: the store holds it. */
    ck_assert_str_eq(pl.last_file, "");
    ck_assert_uint_eq(pl.last_len, 0);
    ck_assert_uint_eq(pl.last.size, n);
    ck_assert(store->committed);
    ck_assert_uint_eq(store->size, n);
    ck_assert_mem_eq(store->buf, data, n);
    ck_assert_uint_eq(store->opens, 1);
    /* Stored as it came, each byte once: a write per chunk or per piece of
     * one split between reads. */
    ck_assert_uint_ge(store->writes, (n + 4095) / 4096);
    ck_assert_uint_eq(store->written, n);
    ck_assert_uint_eq(store->commits, 1);
    ck_assert_uint_eq(store->aborts, 0);
    ck_assert_uint_eq(store->closes, 1);
    uint8_t sha[SP_SHA1_LEN];
    sp_sha1(data, n, sha);
    ck_assert_mem_eq(pl.last_sha1, sha, SP_SHA1_LEN);
    free(data);
    pl_close(&pl);
    free(store);
}
END_TEST

START_TEST(unsupported_type_is_488)
{
    push_invite_rx_config cfg = {.accept_types = SP_LIT("message/cpim text/plain")};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(100, 3);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 100, "image/png");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    ck_assert_uint_eq(pl.result.code, 488);
    ck_assert(!pl.result.status.retry);
    ck_assert_int_eq(pl.rejected, 1);
    ck_assert_uint_eq(pl.last_reject, 488);
    ck_assert_int_eq(pl.delivered, 0);
    ck_assert_ptr_null(pl_wire(&pl.rx, "BYE ", 0));
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 0);
    free(data);
    pl_close(&pl);
}
END_TEST

/* RFC 5547 §8.2: max-size; the limit passes, one byte more is refused */
START_TEST(max_size_boundary)
{
    push_invite_rx_config cfg = {.max_size = 2000};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(2001, 4);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 2000, "text/plain");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    pl_params(&pl, &p, &f, data, 2001, "text/plain");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    ck_assert_uint_eq(pl.result.code, 488);
    ck_assert_int_eq(pl.delivered, 1);
    free(data);
    pl_close(&pl);
}
END_TEST

/* With no max_size configured the default of every method applies: an
 * offer one byte past it is refused with 488 (its SDP: test_push_invite_rx_fake.c). */
START_TEST(default_max_size_reaches_session_mode)
{
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, NULL);
    uint8_t sha[SP_SHA1_LEN] = {0};
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, NULL, 0, "application/octet-stream");
    f.fd = sparse_file(PUSH_MAX_SIZE_DEFAULT + 1ull);
    f.size = PUSH_MAX_SIZE_DEFAULT + 1ull;
    f.sha1 = sha;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_uint_eq(pl.result.code, 488);
    ck_assert_int_eq(pl.rejected, 1);
    close(f.fd);
    pl_close(&pl);
}
END_TEST

/* Two files: one too large gets port 0, the other is delivered; the push
 * as a whole reports the refusal. */
START_TEST(port_zero_for_one_stream)
{
    push_invite_rx_config cfg = {.max_size = 5000};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *a = content(1000, 5), *b = content(9000, 6);
    push_invite_params p;
    push_invite_file f[2];
    pl_params(&pl, &p, &f[0], a, 1000, "text/plain");
    pl_params(&pl, &p, &f[1], b, 9000, "text/plain");
    p.files = f;
    p.nfiles = 2;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    ck_assert_uint_eq(pl.result.code, 488);
    ck_assert_uint_eq(pl.result.files_delivered, 1);
    ck_assert_int_eq(pl.delivered, 1);
    ck_assert_uint_eq(pl.last.size, 1000);
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "BYE ", 0));
    free(a);
    free(b);
    pl_close(&pl);
}
END_TEST

/* The connection watch counts the files still going only: one refused
 * (port 0) never connects, and the other's long transfer outlives the
 * watch on both sides. */
START_TEST(connection_watch_skips_refused_streams)
{
    push_invite_rx_config cfg = {.max_size = 1u << 30};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    pl.tx.sess.ctx.msrp_connect_timeout_ms = 200;
    pl.rx.sess.ctx.msrp_connect_timeout_ms = 200;
    uint8_t sha[SP_SHA1_LEN] = {0};
    push_invite_params p;
    push_invite_file f[2];
    pl_params(&pl, &p, &f[0], NULL, 0, "application/octet-stream");
    pl_params(&pl, &p, &f[1], NULL, 0, "application/octet-stream");
    f[0].fd = sparse_file(1u << 30);
    f[0].size = 1u << 30;
    f[0].sha1 = sha;
    f[1].fd = sparse_file((1u << 30) + 1); /* over max-size: port 0 */
    f[1].size = (1u << 30) + 1;
    f[1].sha1 = sha;
    p.files = f;
    p.nfiles = 2;
    p.chunk_size = 1024;
    p.window = 1; /* slow: the transfer outlives the watch */
    pl_send(&pl, &p);
    pl_run_for(&pl, 700);
    ck_assert(!pl.done);
    ck_assert_int_eq(push_invite_sender_state(pl.sender), PUSH_SENDER_TRANSFER);
    ck_assert_ptr_null(pl_wire(&pl.rx, "BYE ", 0));
    ck_assert_ptr_null(pl_wire(&pl.tx, "BYE ", 0));
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 1);
    pl_close(&pl);
    close(f[0].fd);
    close(f[1].fd);
}
END_TEST

/* Two files both taken: the first finished is dropped by a re-INVITE with
 * its port at 0, BYE after the second (seed 002 §7.3.2.3). */
START_TEST(two_files_reinvite_then_bye)
{
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, NULL);
    uint8_t *a = content(500, 7), *b = content(200000, 8);
    push_invite_params p;
    push_invite_file f[2];
    pl_params(&pl, &p, &f[0], a, 500, "text/plain");
    pl_params(&pl, &p, &f[1], b, 200000, "application/octet-stream");
    p.files = f;
    p.nfiles = 2;
    p.chunk_size = 1024;
    p.window = 4;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 10000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_uint_eq(pl.result.files_delivered, 2);
    ck_assert_uint_eq(pl.result.bytes, 200500);
    ck_assert_int_eq(pl.delivered, 2);
    const char *re = pl_wire(&pl.rx, "INVITE ", 1);
    ck_assert_ptr_nonnull(re);
    /* seed 002 §7.3.2.3 timer 1-2: the stream of the finished file (the first,
     * 500 bytes) goes to port 0, the other stays as offered, in its place. */
    const char *first = pl_wire(&pl.rx, "INVITE ", 0);
    const char *o1 = strstr(first, "\r\nm="), *o2 = o1 ? strstr(o1 + 2, "\r\nm=") : NULL;
    ck_assert(o1 && o2);
    ck_assert(memmem(o1, (size_t)(o2 - o1), "size:500 ", 9) != NULL);
    ck_assert(has(o2, "size:200000 "));
    const char *m1 = strstr(re, "\r\nm="), *m2 = m1 ? strstr(m1 + 2, "\r\nm=") : NULL;
    ck_assert(m1 && m2);
    ck_assert_ptr_null(strstr(m2 + 2, "\r\nm=")); /* both streams kept, no new one */
    ck_assert(!strncmp(m1, "\r\nm=message 0 TCP/MSRP *\r\n", 26));
    ck_assert(strncmp(m2, "\r\nm=message 0 ", 16) != 0);
    ck_assert(has(m2, "size:200000 "));
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "BYE ", 0));
    free(a);
    free(b);
    pl_close(&pl);
}
END_TEST

START_TEST(unknown_application_is_404)
{
    sp_str apps[] = {SP_LIT("mms.ua")};
    push_invite_rx_config cfg = {.apps = apps, .napps = 1};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(10, 9);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 10, "text/plain");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_uint_eq(pl.result.code, 404);
    ck_assert(!pl.result.status.retry);
    free(data);
    pl_close(&pl);
}
END_TEST

/* RFC 4028 §7.4: a 422 names the Min-SE, the INVITE goes again with it */
START_TEST(session_interval_too_small_422)
{
    push_invite_rx_config cfg = {.min_se_s = 3600, .session_expires_s = 3600};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(10, 10);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 10, "text/plain");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    const char *second = pl_wire(&pl.rx, "INVITE ", 1);
    ck_assert(has(second, "Session-Expires: 3600;refresher=uac\r\n"));
    ck_assert(has(second, "Min-SE: 3600\r\n"));
    ck_assert(has(second, "CSeq: 2 INVITE\r\n"));
    ck_assert_uint_eq(push_invite_sender_interval(pl.sender, NULL), 3600);
    ck_assert_int_eq(pl.rejected, 1);
    ck_assert_uint_eq(pl.last_reject, 422);
    free(data);
    pl_close(&pl);
}
END_TEST

/* No final answer in time: CANCEL, the receiver's 487, a 408 with retry. */
START_TEST(timeout_cancels)
{
    push_invite_rx_config cfg = {.answer_delay_ms = 5000};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(10, 11);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 10, "text/plain");
    p.answer_timeout_ms = 300;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    ck_assert_uint_eq(pl.result.code, 408);
    ck_assert(pl.result.status.retry);
    ck_assert_uint_eq(pl.last_reject, 487);
    ck_assert(pl_logged(&pl.tx, "inviting -> cancelling (abandoned)"));
    pl_run_for(&pl, 50);
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 0);
    ck_assert_int_eq(pl.delivered, 0);
    free(data);
    pl_close(&pl);
}
END_TEST

/* The caller abandons the push after the 180: CANCEL, 487, no retry. */
START_TEST(caller_abort_cancels)
{
    push_invite_rx_config cfg = {.answer_delay_ms = 5000};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(10, 12);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 10, "text/plain");
    pl_send(&pl, &p);
    pl_run_for(&pl, 200);
    ck_assert_int_eq(push_invite_sender_state(pl.sender), PUSH_SENDER_INVITING);
    push_invite_sender_abort(pl.sender);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_uint_eq(pl.result.code, 487);
    ck_assert(!pl.result.status.retry);
    ck_assert_uint_eq(pl.last_reject, 487);
    free(data);
    pl_close(&pl);
}
END_TEST

/* The CANCEL/200 race (RFC 3261 §9.1): the 200 comes first; ACK, then BYE. */
START_TEST(cancel_crossing_the_200)
{
    push_invite_rx_config cfg = {.answer_delay_ms = 100};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(10, 13);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 10, "text/plain");
    p.answer_timeout_ms = 100; /* fires together with the answer */
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    pl_run_for(&pl, 100);
    /* whichever won, nothing is left at the receiver */
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 0);
    ck_assert(pl_wire(&pl.rx, "BYE ", 0) || pl.last_reject == 487);
    free(data);
    pl_close(&pl);
}
END_TEST

/* A hash that does not match the content: the failure REPORT decides. */
START_TEST(failure_report)
{
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, NULL);
    uint8_t *data = content(5000, 14);
    uint8_t wrong[SP_SHA1_LEN] = {1, 2, 3};
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 5000, "text/plain");
    f.sha1 = wrong;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    ck_assert(pl.result.source == PUSH_SRC_MSRP_REPORT || pl.result.source == PUSH_SRC_MSRP);
    ck_assert_uint_eq(pl.result.code, 400);
    ck_assert_int_eq(pl.delivered, 0);
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "BYE ", 0));
    free(data);
    pl_close(&pl);
}
END_TEST

/* The same file-transfer-id again: confirmed, not delivered twice. */
START_TEST(offered_again)
{
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, NULL);
    uint8_t *data = content(3000, 15);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 3000, "text/plain");
    f.transfer_id = SP_LIT("a3cd20b8ae7f");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_int_eq(pl.delivered, 1);
    ck_assert_int_eq(pl.duplicates, 1);
    /* another id with the same content is a new push */
    f.transfer_id = SP_LIT("b3cd20b8ae7f");
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.delivered, 2);
    free(data);
    pl_close(&pl);
}
END_TEST

/* The same push offered again into a file sink (a sender retrying after a
 * lost REPORT): 200s and the success REPORT again, a duplicate for the
 * application, one file kept. */
START_TEST(offered_again_into_files)
{
    char dir[256];
    ck_assert_ptr_nonnull(testdir_create(dir, sizeof dir));
    push_invite_rx_config cfg = {.out_dir = dir};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(5000, 21);
    push_invite_params p;
    push_invite_file f;
    for (int i = 0; i < 2; i++) {
        pl_params(&pl, &p, &f, data, 5000, "text/plain");
        f.transfer_id = SP_LIT("c3cd20b8ae7f");
        f.name = SP_LIT("docs/report.txt");
        p.confirm = true;
        pl_send(&pl, &p);
        ck_assert(pl_run_until(&pl, &pl.done, 5000));
        ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED); /* the success REPORT came */
    }
    ck_assert_int_eq(pl.delivered, 1);
    ck_assert_int_eq(pl.duplicates, 1);
    ck_assert_int_eq(pl.rejected, 0);
    char seen[256];
    ck_assert_int_eq(testdir_count(dir, seen, sizeof seen), 1);
    ck_assert_str_eq(seen, "c3cd20b8ae7f-docs_report.txt"); /* the prefix kept */
    /* bytes other than the offered hash's are no duplicate: refused */
    uint8_t *other = content(5000, 22);
    pl_params(&pl, &p, &f, other, 5000, "text/plain");
    uint8_t claimed[SP_SHA1_LEN];
    sp_sha1(data, 5000, claimed);
    f.transfer_id = SP_LIT("c3cd20b8ae7f");
    f.name = SP_LIT("docs/report.txt");
    f.sha1 = claimed;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
    ck_assert_uint_eq(pl.result.code, 400);
    ck_assert_int_eq(pl.duplicates, 1);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 1);
    free(data);
    free(other);
    pl_close(&pl);
    testdir_remove(dir);
}
END_TEST

/* A CPIM envelope into a file sink: the content inside is stored as it
 * comes (the headers apart), and delivered with its own type and SHA-1. */
START_TEST(cpim_envelope_into_a_file)
{
    char dir[256];
    ck_assert_ptr_nonnull(testdir_create(dir, sizeof dir));
    push_invite_rx_config cfg = {.out_dir = dir};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint8_t *data = content(200000, 23);
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, data, 200000, "application/vnd.wap.mms-message");
    p.cpim = true;
    p.chunk_size = 1000; /* the headers end inside a later chunk than the first's end */
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 10000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    ck_assert_int_eq(pl.delivered, 1);
    ck_assert_str_eq(pl.last_type, "application/vnd.wap.mms-message");
    uint8_t sha[SP_SHA1_LEN];
    sp_sha1(data, 200000, sha);
    ck_assert_mem_eq(pl.last_sha1, sha, SP_SHA1_LEN);
    file_holds(pl.last_file, data, 200000);
    free(data);
    pl_close(&pl);
    testdir_remove(dir);
}
END_TEST

/* Session timers at 1/100 speed: the sender refreshes (UPDATE, allowed by
 * the receiver) before the interval runs out, several times. */
START_TEST(session_refreshed_by_update)
{
    push_invite_rx_config cfg = {.answer_delay_ms = 0, .max_size = 1ull << 30};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    pl.time_div = 100;
    uint64_t n = 1ull << 30;
    uint8_t sha[SP_SHA1_LEN] = {0};
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, NULL, 0, "application/octet-stream");
    f.fd = sparse_file(n);
    f.size = n;
    f.sha1 = sha;
    p.session_expires_s = 90;
    p.chunk_size = 1024;
    p.window = 1; /* slow enough to outlive a few refreshes */
    pl_send(&pl, &p);
    pl_run_for(&pl, 1500);
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "UPDATE ", 0));
    ck_assert(has(pl_wire(&pl.rx, "UPDATE ", 0), "Session-Expires: 90;refresher=uac\r\n"));
    ck_assert_ptr_nonnull(pl_wire(&pl.rx, "UPDATE ", 1));
    ck_assert_int_eq(push_invite_sender_state(pl.sender), PUSH_SENDER_TRANSFER);
    pl_close(&pl);
    close(f.fd);
}
END_TEST

/* The sender vanishes mid-transfer: the receiver delivers nothing, removes
 * the partial file and ends the session with BYE. */
START_TEST(sender_vanishes)
{
    char dir[256];
    ck_assert_ptr_nonnull(testdir_create(dir, sizeof dir));
    push_invite_rx_config cfg = {.out_dir = dir, .max_size = 1ull << 30};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    uint64_t n = 1ull << 30;
    uint8_t sha[SP_SHA1_LEN] = {0};
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, NULL, 0, "application/octet-stream");
    f.fd = sparse_file(n);
    f.size = n;
    f.sha1 = sha;
    p.chunk_size = 2048;
    p.window = 2;
    pl_send(&pl, &p);
    pl_run_for(&pl, 300);
    ck_assert_int_eq(push_invite_sender_state(pl.sender), PUSH_SENDER_TRANSFER);
    push_invite_sender_free(pl.sender);
    pl.sender = NULL;
    msrp_endpoint_free(pl.tx.sess.ep); /* its connections go with it */
    ck_assert_int_eq(msrp_endpoint_new(pl.loop, NULL, &pl.tx.sess.ep), 0);
    pl_run_for(&pl, 300);
    ck_assert_int_eq(pl.delivered, 0);
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 0);
    ck_assert_int_eq(testdir_count(dir, NULL, 0), 0);
    pl_close(&pl);
    close(f.fd);
    testdir_remove(dir);
}
END_TEST

/* The sender stops refreshing (it is gone, its MSRP connection idle): the
 * receiver ends the session when the interval runs out (RFC 4028 §10). */
START_TEST(receiver_ends_an_unrefreshed_session)
{
    push_invite_rx_config cfg = {.max_size = 1ull << 30};
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, &cfg);
    pl.time_div = 100;
    uint64_t n = 1ull << 30;
    uint8_t sha[SP_SHA1_LEN] = {0};
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, NULL, 0, "application/octet-stream");
    f.fd = sparse_file(n);
    f.size = n;
    f.sha1 = sha;
    p.session_expires_s = 90;
    p.window = 1;
    pl_send(&pl, &p);
    pl_run_for(&pl, 200);
    ck_assert_int_eq(push_invite_sender_state(pl.sender), PUSH_SENDER_TRANSFER);
    push_invite_sender_free(pl.sender); /* no BYE, no refresh from now on */
    pl.sender = NULL;
    pl_run_for(&pl, 1200);
    ck_assert(pl_logged(&pl.rx, "active -> ended (session timer ran out)"));
    ck_assert_uint_eq(push_invite_rx_sessions(pl.rx.rx), 0);
    ck_assert_int_eq(pl.delivered, 0);
    pl_close(&pl);
    close(f.fd);
}
END_TEST

/* Legacy envelope: the content travels inside message/cpim and comes out
 * whole on the other side. */
START_TEST(cpim_envelope)
{
    push_loop pl;
    pl_open(&pl, SIP_TP_UDP, NULL);
    const char *si = "<si><indication>You have 4 new emails</indication></si>";
    push_invite_params p;
    push_invite_file f;
    pl_params(&pl, &p, &f, si, strlen(si), "text/vnd.wap.si");
    p.cpim = true;
    pl_send(&pl, &p);
    ck_assert(pl_run_until(&pl, &pl.done, 5000));
    ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_DELIVERED);
    const char *inv = pl_wire(&pl.rx, "INVITE ", 0);
    ck_assert(has(inv, "a=accept-wrapped-types:text/vnd.wap.si\r\n"));
    ck_assert(has(inv, "type:message/cpim"));
    ck_assert_int_eq(pl.delivered, 1);
    ck_assert_str_eq(pl.last_type, "text/vnd.wap.si");
    ck_assert_uint_eq(pl.last_len, strlen(si));
    ck_assert_mem_eq(pl.last_data, si, strlen(si));
    pl_close(&pl);
}
END_TEST

/* Seed 000 §8.2.5.2: confirmed only once the application has the content.
 * An envelope that does not open (400) and content that cannot be stored
 * (413) are refused on the chunk that shows it (the envelope is opened as
 * it arrives, its content stored as it comes); the application's refusal
 * (415 here) ends in a failure REPORT. Either way the sender reports the
 * push failed, nothing is delivered or kept. */
START_TEST(refused_after_arrival_is_never_confirmed)
{
    char dir[256];
    for (int k = 0; k < 3; k++) {
        ck_assert_ptr_nonnull(testdir_create(dir, sizeof dir));
        push_invite_rx_config cfg = {.out_dir = dir};
        push_loop pl;
        pl_open(&pl, SIP_TP_UDP, &cfg);
        const char *si = "<si><indication>You have 4 new emails</indication></si>";
        push_invite_params p;
        push_invite_file f;
        unsigned want;
        if (k == 0) { /* offered as an envelope, but none */
            pl_params(&pl, &p, &f, si, strlen(si), "message/cpim");
            want = 400;
        } else if (k == 1) { /* the envelope opens, its content has nowhere to go */
            pl_params(&pl, &p, &f, si, strlen(si), "text/vnd.wap.si");
            p.cpim = true;
            ck_assert_int_eq(rmdir(dir), 0);
            want = 413;
        } else { /* the application says no */
            pl_params(&pl, &p, &f, si, strlen(si), "text/vnd.wap.si");
            pl.refuse = 415;
            want = 415;
        }
        p.confirm = true;
        pl_send(&pl, &p);
        ck_assert(pl_run_until(&pl, &pl.done, 5000));
        ck_assert_int_eq(pl.result.status.outcome, PUSH_OUTCOME_FAILED);
        ck_assert_int_eq(pl.result.source, k < 2 ? PUSH_SRC_MSRP : PUSH_SRC_MSRP_REPORT);
        ck_assert_uint_eq(pl.result.code, want);
        ck_assert_int_eq(pl.delivered, 0);
        ck_assert_int_eq(pl.rejected, 1);
        ck_assert_uint_eq(pl.last_reject, want);
        pl_close(&pl);
        /* nothing kept */
        DIR *d = opendir(dir);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)))
                ck_assert_msg(e->d_name[0] == '.', "%s kept", e->d_name);
            closedir(d);
            rmdir(dir);
        }
    }
}
END_TEST

static Suite *push_invite_suite(void)
{
    Suite *s = suite_create("push_invite");
    TCase *t = tcase_create("loopback");
    tcase_set_timeout(t, 60);
    tcase_add_loop_test(t, every_offered_role_delivers, 0, (int)(sizeof roles / sizeof roles[0]));
    tcase_add_test(t, delivers_with_the_seed_offer);
    tcase_add_test(t, confirmed_chunks_over_tcp_into_a_file);
    tcase_add_test(t, unsupported_type_is_488);
    tcase_add_test(t, max_size_boundary);
    tcase_add_test(t, port_zero_for_one_stream);
    tcase_add_test(t, two_files_reinvite_then_bye);
    tcase_add_test(t, unknown_application_is_404);
    tcase_add_test(t, session_interval_too_small_422);
    tcase_add_test(t, timeout_cancels);
    tcase_add_test(t, caller_abort_cancels);
    tcase_add_test(t, cancel_crossing_the_200);
    tcase_add_test(t, failure_report);
    tcase_add_test(t, refused_after_arrival_is_never_confirmed);
    tcase_add_test(t, offered_again);
    tcase_add_test(t, default_max_size_reaches_session_mode);
    tcase_add_test(t, offered_again_into_files);
    tcase_add_test(t, cpim_envelope_into_a_file);
    tcase_add_test(t, session_refreshed_by_update);
    tcase_add_test(t, connection_watch_skips_refused_streams);
    tcase_add_test(t, sender_vanishes);
    tcase_add_test(t, cpim_envelope);
    tcase_add_test(t, receiver_ends_an_unrefreshed_session);
    tcase_add_test(t, own_sink_receives_a_push);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(push_invite_suite)
