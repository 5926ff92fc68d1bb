/* msrp_capture.c - runs a transfer between two sessions through a relay
 * that writes every MSRP frame, each as its own TCP segment, into a pcap
 * file (tshark decodes one MSRP frame per segment), for
 * test_msrp_tshark.sh.
 *
 *   msrp_capture OUT.pcap BYTES CHUNK  -> prints "frames PORT" */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "msrp_frame.h"
#include "msrp_session.h"
#include "msrp_tp.h"

typedef struct side {
    int fd;
    msrp_parser parser;
    char buf[1 << 20];
    size_t len, frame_start;
    uint32_t seq;
    uint16_t sport, dport;
} side;

static FILE *pcap;
static long frames;

static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }

/* One IPv4/TCP packet carrying p[0..n) (LINKTYPE_RAW). */
static void write_segment(side *s, const char *p, size_t n)
{
    uint8_t h[40] = {0};
    h[0] = 0x45;
    put16(h + 2, (uint16_t)(40 + n));
    h[8] = 64;
    h[9] = 6;
    put32(h + 12, 0x7f000001);
    put32(h + 16, 0x7f000001);
    put16(h + 20, s->sport);
    put16(h + 22, s->dport);
    put32(h + 24, s->seq);
    h[32] = 0x50;
    h[33] = 0x18; /* PSH ACK */
    put16(h + 34, 65535);
    uint32_t rec[4] = {(uint32_t)frames, 0, (uint32_t)(40 + n), (uint32_t)(40 + n)};
    fwrite(rec, sizeof rec, 1, pcap);
    fwrite(h, 40, 1, pcap);
    fwrite(p, 1, n, pcap);
    s->seq += (uint32_t)n;
    frames++;
}

/* Forwards what arrived on 'from' to 'to', cutting it at frame ends. */
static bool relay(side *from, side *to)
{
    ssize_t r = recv(from->fd, from->buf + from->len, sizeof from->buf - from->len, MSG_DONTWAIT);
    if (r == 0)
        return false;
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK;
    for (ssize_t put = 0; put < r;) {
        ssize_t w = send(to->fd, from->buf + from->len + put, (size_t)(r - put), MSG_NOSIGNAL);
        if (w < 0 && errno != EAGAIN)
            return false;
        if (w > 0)
            put += w;
    }
    from->len += (size_t)r;
    /* buf holds the current frame from its start; the parser has consumed
     * frame_start bytes of it */
    size_t off = 0, scan = from->frame_start;
    for (;;) {
        msrp_event ev;
        sp_error err;
        int n = msrp_parse(&from->parser, from->buf + scan, from->len - scan, &ev, &err);
        if (n == SP_AGAIN || n < 0)
            break;
        scan += (size_t)n;
        if (ev.kind == MSRP_EV_END) {
            write_segment(from, from->buf + off, scan - off);
            off = scan;
        }
    }
    /* keep the unfinished frame at the start */
    memmove(from->buf, from->buf + off, from->len - off);
    from->len -= off;
    from->frame_start = scan - off;
    return true;
}

typedef struct outcome {
    bool sent, received, failed;
} outcome;

static void on_event(void *ctx, msrp_session *s, const msrp_event_info *ev)
{
    (void)s;
    outcome *o = ctx;
    if (ev->type == MSRP_EV_SENT)
        o->sent = true;
    if (ev->type == MSRP_EV_RECEIVED)
        o->received = true;
    if (ev->type == MSRP_EV_SEND_FAILED || ev->type == MSRP_EV_DISCARDED || ev->type == MSRP_EV_CLOSED)
        o->failed = true;
}

int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    size_t bytes = (size_t)atol(argv[2]);
    uint32_t chunk = (uint32_t)atol(argv[3]);
    pcap = fopen(argv[1], "wb");
    if (!pcap)
        return 1;
    uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 101};
    fwrite(gh, sizeof gh, 1, pcap);

    tp_loop *loop = tp_loop_new();
    msrp_endpoint *ep;
    tp_addr lo, rx_at;
    tp_addr_loopback(&lo, AF_INET, 0);
    if (msrp_endpoint_new(loop, NULL, &ep) < 0 || msrp_endpoint_listen(ep, &lo, &rx_at) < 0)
        return 1;
    /* the relay's listening socket: the receiver's URI names it */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    tp_addr relay_at = lo;
    socklen_t alen = relay_at.len;
    if (bind(lfd, tp_addr_sa(&relay_at), relay_at.len) < 0 || listen(lfd, 1) < 0 ||
        getsockname(lfd, (struct sockaddr *)&relay_at.ss, &alen) < 0)
        return 1;
    outcome tx_o = {0}, rx_o = {0};
    msrp_session_config rc, tc;
    msrp_session_config_default(&rc);
    msrp_session_config_default(&tc);
    rc.setup = MSRP_SETUP_PASSIVE;
    rc.local_port = tp_addr_port(&relay_at);
    rc.on_event = on_event;
    rc.ctx = &rx_o;
    tc.local_port = 9;
    tc.chunk_size = chunk;
    tc.on_event = on_event;
    tc.ctx = &tx_o;
    msrp_session *rs, *ts;
    if (msrp_session_new(ep, &rc, &rs) < 0 || msrp_session_new(ep, &tc, &ts) < 0 ||
        msrp_session_set_peer(rs, msrp_session_local_uri(ts)) < 0 ||
        msrp_session_set_peer(ts, msrp_session_local_uri(rs)) < 0 || msrp_session_start(rs) < 0 ||
        msrp_session_start(ts) < 0)
        return 1;
    static side a, b; /* a: sender to relay; b: relay to receiver */
    msrp_parser_init(&a.parser, NULL);
    msrp_parser_init(&b.parser, NULL);
    a.sport = 40000, a.dport = tp_addr_port(&relay_at), a.seq = 1;
    b.sport = a.dport, b.dport = a.sport, b.seq = 1;
    a.fd = b.fd = -1;
    char *content = malloc(bytes ? bytes : 1);
    for (size_t i = 0; i < bytes; i++)
        content[i] = (char)('a' + i % 26);
    msrp_message m;
    msrp_message_init(&m);
    m.content_type = SP_LIT("text/plain");
    m.data = content;
    m.size = bytes;
    m.success_report = true;
    if (msrp_session_send(ts, &m, NULL) < 0)
        return 1;
    tp_ms end = tp_clock_ms() + 20000;
    while (!(tx_o.sent && rx_o.received) && !tx_o.failed && !rx_o.failed && tp_clock_ms() < end) {
        tp_loop_run_once(loop, 1);
        if (a.fd < 0) {
            a.fd = accept(lfd, NULL, NULL);
            b.fd = socket(AF_INET, SOCK_STREAM, 0);
            if (a.fd < 0 || b.fd < 0 || connect(b.fd, tp_addr_sa(&rx_at), rx_at.len) < 0)
                return 1;
        }
        if (!relay(&a, &b) || !relay(&b, &a))
            break;
    }
    fclose(pcap);
    printf("%ld %u\n", frames, (unsigned)a.dport);
    bool ok = tx_o.sent && rx_o.received;
    msrp_session_free(ts);
    msrp_session_free(rs);
    tp_loop_run_once(loop, 0);
    msrp_endpoint_free(ep);
    tp_loop_free(loop);
    free(content);
    close(a.fd);
    close(b.fd);
    close(lfd);
    return ok ? 0 : 1;
}
