/* session.c - a 1 MiB session-mode push received on the device: a passive
 * MSRP session on the sans-IO endpoint (msrp_env), the SENDs fed in 4 KiB
 * reads on a fake connection, the content into a sink that only checks and
 * counts it. Steps: every 200 answers its SEND, the message arrives whole
 * and in order; the bytes the library held at most meanwhile are printed
 * as "heap_peak N" (make size reads it). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cross.h"
#include "msrp_session.h"
#include "msrp_sink.h"

#define TOTAL (1u << 20)
#define CHUNK 2048u
#define READ 4096u
#define PEER "msrp://10.0.0.1:2856/sender1;tcp"

typedef struct rig {
    size_t written, oks;       /* bytes the endpoint wrote, 200s among them */
    uint64_t sunk, received;   /* bytes into the sink in order, RECEIVED size */
    int bad;                   /* a byte out of place */
} rig;

static rig R;

static uint8_t content_byte(uint64_t i) { return (uint8_t)(i * 7 + 3); }

static uint64_t env_now(void *ctx) { (void)ctx; return cross_now_ms; }
static int env_write(void *ctx, uint64_t conn, const msrp_seg *segs, size_t nsegs, msrp_write_done_fn done,
                     void *done_ctx)
{
    (void)ctx, (void)conn;
    for (size_t i = 0; i < nsegs; i++) {
        R.written += segs[i].n;
        for (size_t k = 0; k + 6 <= segs[i].n; k++)
            R.oks += memcmp((const char *)segs[i].p + k, " 200 OK", 7) == 0 && k + 7 <= segs[i].n;
    }
    if (done)
        done(done_ctx, 0);
    return 0;
}
static int env_connect(void *ctx, sp_str host, uint16_t port, msrp_conn *mc, uint64_t *conn)
{
    (void)ctx, (void)host, (void)port, (void)mc, (void)conn;
    return -EHOSTUNREACH; /* passive: never asked */
}
static bool env_can_write(void *ctx, uint64_t conn) { (void)ctx, (void)conn; return true; }
static void env_close(void *ctx, uint64_t conn, msrp_close_how how) { (void)ctx, (void)conn, (void)how; }
static uint64_t env_timer_start(void *ctx, uint64_t delay_ms, uint64_t cookie)
{
    (void)ctx, (void)delay_ms, (void)cookie;
    return 1; /* nothing falls due: the script never waits */
}
static void env_timer_cancel(void *ctx, uint64_t handle) { (void)ctx, (void)handle; }

/* The device's sink: checks each byte where it lands, keeps none. */
static int sink_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    (void)s, (void)ctx, (void)info;
    return 0;
}
static int sink_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    (void)s;
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        R.bad += p[i] != content_byte(offset + i);
    if (offset == R.sunk)
        R.sunk += len;
    return 0;
}
static int sink_commit(msrp_sink *s, uint64_t size) { (void)s, (void)size; return 0; }
static void sink_abort(msrp_sink *s) { (void)s; }
static void sink_close(msrp_sink *s) { (void)s; }
static const msrp_sink_ops checking_sink = {
    .open = sink_open, .write = sink_write, .commit = sink_commit, .abort = sink_abort, .close = sink_close};

static void on_event(void *ctx, msrp_session *s, const msrp_event_info *ev)
{
    (void)ctx, (void)s;
    if (ev->type == MSRP_EV_RECEIVED)
        R.received = ev->bytes;
}

static void step(int *passed, int *failed, bool ok, const char *what)
{
    if (ok) {
        ++*passed;
    } else {
        ++*failed;
        printf("session: %s\n", what);
    }
}

void cross_session(int *passed, int *failed)
{
    /* the sender's side of the connection, written out first (static: not
     * the library's heap) */
    static char stream[TOTAL + (TOTAL / CHUNK) * 512];
    size_t len = 0;
    memset(&R, 0, sizeof R);
    size_t base = cross_heap_in_use;
    cross_heap_peak = base;
    msrp_env env = {.now_ms = env_now, .connect = env_connect, .write = env_write, .can_write = env_can_write, .close = env_close,
                    .timer_start = env_timer_start, .timer_cancel = env_timer_cancel};
    msrp_endpoint *ep;
    if (msrp_endpoint_new_env(&env, &ep) != 0) {
        step(passed, failed, false, "no endpoint");
        return;
    }
    msrp_session_config cfg;
    msrp_session_config_default(&cfg);
    cfg.setup = MSRP_SETUP_PASSIVE;
    cfg.local_port = 2855;
    cfg.rx_sink = &checking_sink;
    cfg.on_event = on_event;
    msrp_session *rx;
    bool ok = msrp_session_new(ep, &cfg, &rx) == 0 && msrp_session_set_peer(rx, sp_str_cstr(PEER)) == 0 &&
              msrp_session_start(rx) == 0;
    step(passed, failed, ok, "no passive session");
    msrp_conn *mc = ok ? msrp_endpoint_accept(ep, 1) : NULL;
    step(passed, failed, mc != NULL, "connection not accepted");
    sp_str to = msrp_session_local_uri(rx);
    for (uint32_t at = 0; at < TOTAL; at += CHUNK) {
        char *frame = stream + len;
        int n = snprintf(frame, sizeof stream - len,
                         "MSRP tx%06lu SEND\r\nTo-Path: %.*s\r\nFrom-Path: " PEER "\r\nMessage-ID: big1\r\n"
                         "Byte-Range: %lu-%lu/%lu\r\nContent-Type: application/octet-stream\r\n\r\n",
                         (unsigned long)at, (int)to.n, to.p, (unsigned long)at + 1, (unsigned long)(at + CHUNK),
                         (unsigned long)TOTAL);
        for (uint32_t i = 0; i < CHUNK; i++)
            frame[n + (int)i] = (char)content_byte(at + i);
        n += (int)CHUNK;
        n += snprintf(frame + n, sizeof stream - len - (size_t)n, "\r\n-------tx%06lu%c\r\n", (unsigned long)at,
                      at + CHUNK == TOTAL ? '$' : '+');
        len += (size_t)n;
    }
    /* in reads of at most READ bytes, as a socket gives them; what the
     * endpoint leaves unconsumed comes again with the next read */
    size_t pos = 0, kept = 0;
    bool fed = mc != NULL;
    while (fed && pos < len) {
        size_t avail = len - pos < kept + READ ? len - pos : kept + READ;
        long used = msrp_conn_input(mc, stream + pos, avail);
        fed = used >= 0 && (used > 0 || avail > kept);
        kept = used >= 0 ? avail - (size_t)used : 0;
        pos += used > 0 ? (size_t)used : 0;
        cross_now_ms += 1;
    }
    if (!fed || pos != len)
        printf("session: stopped at byte %lu of %lu\n", (unsigned long)pos, (unsigned long)len);
    step(passed, failed, fed && pos == len, "the stream was not taken");
    step(passed, failed, R.oks == TOTAL / CHUNK, "not every SEND answered 200");
    step(passed, failed, R.received == TOTAL && R.sunk == TOTAL && R.bad == 0, "content not received whole");
    printf("session: 1 MiB in %lu SENDs, %lu bytes answered; heap_peak %lu\n", (unsigned long)(TOTAL / CHUNK),
           (unsigned long)R.written, (unsigned long)(cross_heap_peak - base));
    if (ok)
        msrp_session_free(rx);
    msrp_endpoint_free(ep);
    step(passed, failed, cross_heap_in_use == base, "the library kept memory after the end");
}
