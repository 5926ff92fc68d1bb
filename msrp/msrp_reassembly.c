/* msrp_reassembly.c - see msrp_reassembly.h. */
#include "msrp_reassembly.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_hasher_impl.h"
#include "sp_decimal.h"

void msrp_reassembly_init(msrp_reassembly *r, msrp_sink *sink, const msrp_reassembly_limits *limits,
                          const msrp_expect *expect)
{
    memset(r, 0, sizeof *r);
    r->sink = sink;
    r->max_size = limits && limits->max_size ? limits->max_size : MSRP_MAX_SIZE_DEFAULT;
    r->hash_thread_min = limits && limits->hash_thread_min ? limits->hash_thread_min : MSRP_HASH_THREAD_MIN_DEFAULT;
    if (r->max_size > MSRP_POS_MAX)
        r->max_size = MSRP_POS_MAX;
    msrp_ranges_init(&r->ranges, limits ? limits->max_intervals : 0);
    if (expect)
        r->expect = *expect;
    r->total = MSRP_UNKNOWN;
    if (r->expect.has_sha1)
        r->expect.skip_sha1 = false;
    r->streaming = !r->expect.skip_sha1;
    r->state = MSRP_RX_RECEIVING;
    sp_sha1_init(&r->sha);
}

void msrp_reassembly_restore(msrp_reassembly *r, const msrp_ranges *received)
{
    size_t max = r->ranges.max;
    r->ranges = *received;
    if (r->ranges.max < max)
        r->ranges.max = max;
    /* The bytes already there were never hashed: read them back at the end. */
    r->streaming = received->count == 0 && !r->expect.skip_sha1;
}

/* The bytes will not be hashed as they came: the thread, if any, ends. */
static void hash_drop(msrp_reassembly *r)
{
    if (r->hasher)
        msrp_hasher_cancel(r->hasher);
    r->hasher = NULL;
}

/* Ends the message with a failure: the sink is discarded and the failure
 * kept, so later calls repeat it. */
static int fail(msrp_reassembly *r, sp_error *err, int code, uint64_t pos, int status, const char *reason)
{
    hash_drop(r);
    msrp_sink_discard(r->sink);
    r->state = MSRP_RX_FAILED;
    r->error_code = code;
    sp_fail(&r->error, code, (size_t)pos, status, reason);
    if (err)
        *err = r->error;
    return code;
}

/* Whether the message still takes chunks; fills err and returns the code
 * to give otherwise. */
static int check_receiving(const msrp_reassembly *r, sp_error *err)
{
    switch (r->state) {
    case MSRP_RX_RECEIVING:
        return MSRP_RX_OK;
    case MSRP_RX_FAILED:
        if (err)
            *err = r->error;
        return r->error_code;
    case MSRP_RX_DONE:
        return sp_fail(err, SP_EINVAL, 0, 400, "message already complete");
    case MSRP_RX_CANCELLED:
    case MSRP_RX_SUSPENDED:
        break;
    }
    return sp_fail(err, SP_EINVAL, 0, 400, "message no longer being received");
}

/* Why a message reaching position pos is too large (RFC 4975 §10.5: 413,
 * the sender stops), or NULL: past max-size, or past the size the offer
 * gave (RFC 5547 §8.3.1: the file is what the offer described). */
static const char *too_large(const msrp_reassembly *r, uint64_t pos)
{
    if (pos > r->max_size)
        return "message larger than max-size";
    if (r->expect.has_size && pos > r->expect.size)
        return "message larger than the offered size";
    return NULL;
}

static uint64_t last_received(const msrp_reassembly *r)
{
    return r->ranges.count ? r->ranges.iv[r->ranges.count - 1].end : 0;
}

/* The digest of positions 1..total, reading back what was not hashed on
 * arrival. SP_OK or MSRP_EIO. */
static int content_digest(msrp_reassembly *r)
{
    if (r->expect.skip_sha1)
        return SP_OK;
    if (r->hasher)
        msrp_hasher_finish(r->hasher, &r->sha);
    r->hasher = NULL;
    if (!r->streaming || r->hashed != r->total) {
        sp_sha1_init(&r->sha);
        uint8_t *piece = malloc(MSRP_VERIFY_PIECE);
        if (!piece)
            return MSRP_EIO;
        for (uint64_t off = 0; off < r->total;) {
            size_t want = r->total - off < MSRP_VERIFY_PIECE ? (size_t)(r->total - off) : MSRP_VERIFY_PIECE;
            long got = msrp_sink_read(r->sink, off, piece, want);
            if (got != (long)want) {
                free(piece);
                return MSRP_EIO;
            }
            sp_sha1_update(&r->sha, piece, want);
            off += want;
        }
        free(piece);
    }
    sp_sha1_final(&r->sha, r->sha1);
    return SP_OK;
}

/* Every byte is in: verify, then commit (RFC 5547 §8.2.2: a file that does
 * not match what the offer described is a failed transfer). */
static int finish(msrp_reassembly *r, sp_error *err)
{
    if (r->expect.has_size && r->total != r->expect.size)
        return fail(r, err, MSRP_ESIZE, r->total, 400, "message size differs from the offered size");
    if (content_digest(r) != SP_OK)
        return fail(r, err, MSRP_EIO, 0, 413, "cannot read the message back");
    if (r->expect.has_sha1 && memcmp(r->sha1, r->expect.sha1, SP_SHA1_LEN) != 0)
        return fail(r, err, MSRP_EHASH, 0, 400, "content does not match the offered hash");
    int rc = msrp_sink_commit(r->sink, r->total);
    if (rc == MSRP_EEXIST)
        return fail(r, err, rc, 0, 403, "a file of that name exists");
    if (rc == SP_EINVAL)
        return fail(r, err, rc, 0, 400, "content does not open");
    if (rc != SP_OK)
        return fail(r, err, rc == SP_ELIMIT ? SP_ELIMIT : MSRP_EIO, 0, 413, "cannot store the message");
    r->state = MSRP_RX_DONE;
    return MSRP_RX_COMPLETE;
}

int msrp_reassembly_begin(msrp_reassembly *r, uint64_t start, uint64_t end, uint64_t total, sp_error *err)
{
    int rc = check_receiving(r, err);
    if (rc != MSRP_RX_OK)
        return rc;
    if (start == 0 || start > MSRP_POS_MAX)
        return fail(r, err, SP_EINVAL, start, 400, "range-start out of range");
    if (total != MSRP_UNKNOWN) {
        const char *big = too_large(r, total);
        if (big)
            return fail(r, err, SP_ELIMIT, total, 413, big);
        if (r->expect.has_size && total != r->expect.size)
            return fail(r, err, MSRP_ESIZE, total, 400, "message size differs from the offered size");
        if (r->total != MSRP_UNKNOWN && total != r->total)
            return fail(r, err, SP_EINVAL, total, 400, "total differs from an earlier chunk");
        if (last_received(r) > total)
            return fail(r, err, SP_EINVAL, total, 400, "bytes already received past the total");
        if (start - 1 > total)
            return fail(r, err, SP_EINVAL, start, 400, "range-start past the total");
        if (r->total == MSRP_UNKNOWN)
            msrp_sink_expect(r->sink, total);
        r->total = total;
    }
    if (end != MSRP_UNKNOWN) {
        /* "1-0/0" is the empty message: end may be start - 1 (§7.1.1). */
        if (end < start - 1)
            return fail(r, err, SP_EINVAL, end, 400, "range-end before range-start");
        if (r->total != MSRP_UNKNOWN && end > r->total)
            return fail(r, err, SP_EINVAL, end, 400, "range past the declared total");
        const char *big = too_large(r, end);
        if (big)
            return fail(r, err, SP_ELIMIT, end, 413, big);
    }
    r->chunk_end = start - 1;
    return MSRP_RX_OK;
}

int msrp_reassembly_write(msrp_reassembly *r, uint64_t pos, const void *data, size_t len, sp_error *err)
{
    int rc = check_receiving(r, err);
    if (rc != MSRP_RX_OK || len == 0)
        return rc;
    if (pos == 0 || pos > MSRP_POS_MAX)
        return fail(r, err, SP_EINVAL, pos, 400, "byte position out of range");
    if (len - 1 > MSRP_POS_MAX - pos)
        return fail(r, err, SP_ELIMIT, pos, 413, "message larger than max-size");
    uint64_t end = pos + len - 1;
    if (r->total != MSRP_UNKNOWN && end > r->total)
        return fail(r, err, SP_EINVAL, end, 400, "range past the declared total");
    const char *big = too_large(r, end);
    if (big)
        return fail(r, err, SP_ELIMIT, end, 413, big);
    if (msrp_ranges_add(&r->ranges, pos, end) != SP_OK)
        return fail(r, err, SP_ELIMIT, pos, 413, "too many separate ranges in the message");
    rc = msrp_sink_write(r->sink, pos - 1, data, len);
    if (rc == SP_ELIMIT)
        return fail(r, err, SP_ELIMIT, pos, 413, "message larger than the receiver holds");
    if (rc == SP_EINVAL)
        return fail(r, err, SP_EINVAL, pos, 400, "content does not open");
    if (rc != SP_OK)
        return fail(r, err, MSRP_EIO, pos, 413, "cannot store the message");
    if (r->streaming && pos == r->hashed + 1) {
        if (!r->hasher && r->total != MSRP_UNKNOWN && r->total >= r->hash_thread_min &&
            !(r->hasher = msrp_hasher_start(&r->sha)))
            r->hash_thread_min = MSRP_HASH_THREAD_NEVER; /* no thread to be had: in line */
        if (r->hasher)
            msrp_hasher_feed(r->hasher, data, len);
        else
            sp_sha1_update(&r->sha, data, len);
        r->hashed = end;
    } else {
        r->streaming = false; /* out of order or overlapping: hash at the end */
        hash_drop(r);
    }
    if (end > r->chunk_end)
        r->chunk_end = end;
    if (r->total != MSRP_UNKNOWN && msrp_ranges_complete(&r->ranges, r->total))
        return finish(r, err);
    return MSRP_RX_OK;
}

int msrp_reassembly_end(msrp_reassembly *r, char flag, sp_error *err)
{
    if (flag != '$' && flag != '+' && flag != '#') {
        if (r->state != MSRP_RX_RECEIVING)
            return sp_fail(err, SP_EINVAL, 0, 400, "unknown end-line flag");
        return fail(r, err, SP_EINVAL, 0, 400, "unknown end-line flag");
    }
    if (r->state == MSRP_RX_DONE)
        return MSRP_RX_OK; /* the last byte completed it; the end-line adds nothing */
    int rc = check_receiving(r, err);
    if (rc != MSRP_RX_OK)
        return rc;
    if (flag == '#') {
        hash_drop(r);
        msrp_sink_discard(r->sink);
        r->state = MSRP_RX_CANCELLED;
        return MSRP_RX_ABORTED;
    }
    if (flag == '+')
        return MSRP_RX_OK;
    /* §7.3.1: the chunk ending in '$' defines the length of the message. */
    if (r->total == MSRP_UNKNOWN) {
        r->total = r->chunk_end;
        if (r->expect.has_size && r->total != r->expect.size)
            return fail(r, err, MSRP_ESIZE, r->total, 400, "message size differs from the offered size");
        if (last_received(r) > r->total)
            return fail(r, err, SP_EINVAL, r->total, 400, "bytes received past the end of the message");
    }
    if (msrp_ranges_complete(&r->ranges, r->total))
        return finish(r, err);
    return MSRP_RX_OK;
}

void msrp_reassembly_abort(msrp_reassembly *r)
{
    if (r->state != MSRP_RX_RECEIVING)
        return;
    hash_drop(r);
    msrp_sink_discard(r->sink);
    r->state = MSRP_RX_CANCELLED;
}

int msrp_reassembly_suspend(msrp_reassembly *r)
{
    if (r->state != MSRP_RX_RECEIVING)
        return SP_EINVAL;
    hash_drop(r);
    r->state = MSRP_RX_SUSPENDED;
    return msrp_sink_keep(r->sink);
}

int msrp_reassembly_byte_range(const msrp_reassembly *r, size_t i, char *out, size_t cap)
{
    if (i >= r->ranges.count)
        return SP_EINVAL;
    char start[SP_U64_DEC_SIZE], end[SP_U64_DEC_SIZE], total[SP_U64_DEC_SIZE] = "*";
    sp_u64_dec(start, r->ranges.iv[i].start);
    sp_u64_dec(end, r->ranges.iv[i].end);
    if (r->total != MSRP_UNKNOWN)
        sp_u64_dec(total, r->total);
    int n = snprintf(out, cap, "%s-%s/%s", start, end, total);
    return n >= 0 && (size_t)n < cap ? n : SP_ENOSPC;
}
