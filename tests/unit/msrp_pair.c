/* msrp_pair.c - see msrp_pair.h. */
#include "msrp_pair.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loop_run.h"
#include "msrp_tp.h"

void pair_on_event(void *ctx, msrp_session *s, const msrp_event_info *ev)
{
    pair_side *side = ctx;
    (void)s;
    side->counts[ev->type]++;
    side->last[ev->type] = *ev;
    if (side->nstatus < PAIR_EVENTS_MAX)
        side->statuses[side->nstatus++] = ev->status;
    if (ev->type == MSRP_EV_RECEIVED) {
        size_t len = 0;
        const uint8_t *d = msrp_sink_data(ev->sink, &len);
        free(side->data);
        side->data = NULL;
        side->size = ev->bytes;
        if (d) {
            side->data = malloc(len ? len : 1);
            ck_assert_ptr_nonnull(side->data);
            memcpy(side->data, d, len);
        }
        side->has_sha1 = ev->sha1 != NULL;
        if (ev->sha1)
            memcpy(side->sha1, ev->sha1, SP_SHA1_LEN);
        if (side->refuse) {
            *ev->refuse = side->refuse;
            *ev->refuse_reason = "refused by the test";
        }
    }
    if (ev->type == MSRP_EV_DISCARDED && ev->received && ev->sink) {
        side->has_kept = true;
        side->kept = *ev->received;
        snprintf(side->kept_temp, sizeof side->kept_temp, "%s", ev->sink->temp);
    }
    if (ev->type == side->done_on)
        side->done = true;
    if (ev->type == MSRP_EV_RECEIVED && side->free_on_received) {
        msrp_session_free(side->s);
        side->s = NULL;
    }
    if (ev->type == MSRP_EV_CLOSED && side->free_on_close) {
        msrp_session_free(side->s);
        side->s = NULL;
    }
}

void pair_open(pair *p, msrp_session_config *txc, msrp_session_config *rxc)
{
    memset(p, 0, sizeof *p);
    p->loop = tp_loop_new();
    ck_assert_ptr_nonnull(p->loop);
    ck_assert_int_eq(msrp_endpoint_new(p->loop, NULL, &p->ep), 0);
    tp_addr any;
    tp_addr_loopback(&any, AF_INET, 0);
    ck_assert_int_eq(msrp_endpoint_listen(p->ep, &any, &p->bound), 0);
    rxc->local_port = tp_addr_port(&p->bound);
    rxc->setup = MSRP_SETUP_PASSIVE;
    rxc->on_event = pair_on_event;
    rxc->ctx = &p->rx;
    txc->local_port = 9; /* RFC 6135 §4.2.2: an active end's port is 9 */
    txc->setup = MSRP_SETUP_ACTIVE;
    txc->on_event = pair_on_event;
    txc->ctx = &p->tx;
    ck_assert_int_eq(msrp_session_new(p->ep, rxc, &p->rx.s), 0);
    ck_assert_int_eq(msrp_session_new(p->ep, txc, &p->tx.s), 0);
    ck_assert_int_eq(msrp_session_set_peer(p->rx.s, msrp_session_local_uri(p->tx.s)), 0);
    ck_assert_int_eq(msrp_session_set_peer(p->tx.s, msrp_session_local_uri(p->rx.s)), 0);
    ck_assert_int_eq(msrp_session_start(p->rx.s), 0);
    ck_assert_int_eq(msrp_session_start(p->tx.s), 0);
}

void pair_close(pair *p)
{
    msrp_session_free(p->tx.s);
    msrp_session_free(p->rx.s);
    loop_run_for(p->loop, 1); /* the deferred releases */
    msrp_endpoint_free(p->ep);
    loop_run_for(p->loop, 1);
    tp_loop_free(p->loop);
    free(p->tx.data);
    free(p->rx.data);
}

bool pair_wait(pair *p, pair_side *side, msrp_event_type ev, int timeout_ms)
{
    side->done = side->counts[ev] > 0;
    side->done_on = ev;
    return loop_run_until(p->loop, &side->done, timeout_ms);
}

uint64_t pair_resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    ck_assert_ptr_nonnull(f);
    unsigned long size, resident;
    ck_assert_int_eq(fscanf(f, "%lu %lu", &size, &resident), 2);
    fclose(f);
    return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

void pair_fill(uint8_t *buf, size_t n, uint64_t seed)
{
    uint64_t x = 0x9e3779b97f4a7c15ull * (seed + 1);
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
}
