/* push_journal.h - the Push Sender Agent's journal of accepted pushes: the
 * records' bytes and their replay, pure functions over memory (the file, its
 * group commit and its compaction belong to the host: tools/psa_journal.c).
 *
 * A record (push/README.md, "The journal"):
 *
 *   u32 length   bytes of the payload, little-endian
 *   u32 crc      CRC-32C (sp_crc32c.h) of the length's 4 bytes then the payload
 *   payload      u8 kind, u64 id, then the kind's fields
 *
 * PUSH (kind 1): u8 ask, u8 flags (1 indirect, 2 confirm), u32 cseq, then
 * nine strings, each u32 length + bytes: to, target, app, content_type,
 * headers, body, call_id, from_tag, transfer_id. END (kind 2): u16 status,
 * u8 delivered. BIND (kind 3): u8 flags (1 third party, 2 GRUU), u64 the
 * binding's end (ms since the epoch), then aor, contact, params. UNBIND
 * (kind 4): aor, contact. Integers are little-endian; an empty string reads
 * as absent.
 *
 * A push's id is its number (1, 2, ...); a binding's is
 * push_journal_binding_id(aor, contact), with the top bit set. What is live
 * is the last record of each id when that is a PUSH or a BIND.
 *
 * A short tail (a record cut by a power failure) reads as SP_AGAIN and a
 * record whose checksum or fields do not hold as SP_EINVAL: replay stops at
 * either and reports the length of the good prefix, which the host keeps. */
#ifndef SIPPUSH_PUSH_JOURNAL_H
#define SIPPUSH_PUSH_JOURNAL_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "push_psa.h"
#include "sp_error.h"

#define PUSH_JOURNAL_HEAD 8
/* A bound on the payload a record may declare, for a reader that knows its
 * largest push (the control socket's default 16 MiB and the fields); the
 * psa's file takes any length the format carries (tools/psa_journal.c). */
#define PUSH_JOURNAL_MAX_RECORD_DEFAULT (16u * 1024 * 1024 + 64 * 1024)

typedef enum push_jrec_kind {
    PUSH_JREC_PUSH = 1,
    PUSH_JREC_END = 2,
    PUSH_JREC_BIND = 3,
    PUSH_JREC_UNBIND = 4,
} push_jrec_kind;

#define PUSH_JOURNAL_BINDING_BIT (1ull << 63)

/* A registration (the fields of PUSH_PSA_EV_REGISTERED). */
typedef struct push_jbinding {
    sp_str aor, contact, params;
    bool third_party, gruu;
    uint64_t until_ms;     /* its end, ms since the epoch */
} push_jbinding;

typedef struct push_jrec {
    push_jrec_kind kind;
    uint64_t id;           /* the push's number, the same in its PUSH and END */
    push_psa_push push;    /* PUSH: slices into the record's bytes when decoded */
    push_jbinding bind;    /* BIND; UNBIND: aor and contact */
    unsigned status;       /* END: the outcome */
    bool delivered;
} push_jrec;

/* The id of a binding's records: a hash of its AoR and contact. */
SP_API uint64_t push_journal_binding_id(sp_str aor, sp_str contact);

/* Bytes push_journal_encode writes for r. */
SP_API size_t push_journal_size(const push_jrec *r);
/* Writes r as one record: its length, or SP_ENOSPC when cap is short. */
SP_API long push_journal_encode(const push_jrec *r, char *out, size_t cap);
/* Reads one record of at most max payload bytes: bytes consumed, SP_AGAIN
 * (the record is not all there), or SP_EINVAL with err (bad checksum,
 * length over max, unknown kind, fields that do not fit). *r's strings
 * point into buf. */
SP_API long push_journal_decode(const char *buf, size_t len, size_t max, push_jrec *r, sp_error *err);

typedef struct push_journal_replay_stats {
    uint64_t valid;        /* bytes of whole, good records from the start */
    uint64_t records;      /* good records read */
    uint64_t accepted;     /* pushes (ids of PUSH records) */
    uint64_t ended;        /* of them, ended */
    uint64_t live;         /* pushes accepted and not ended: given to on_live */
    uint64_t bindings;     /* bindings whose last record is a BIND: given to on_live */
    uint64_t next_id;      /* one more than the largest push id seen (1 when none) */
    int stop;              /* 0: the bytes ended on a record boundary; SP_AGAIN: a torn tail; SP_EINVAL: corrupt */
} push_journal_replay_stats;

/* Reads the records in buf and calls on_live, in journal order, for every
 * live record: a push accepted and not ended, a binding made and not
 * removed (its strings point into buf). Stops at the first record that is
 * torn or corrupt. 0, or -ENOMEM. */
SP_API int push_journal_replay(const char *buf, size_t len, size_t max,
                               void (*on_live)(void *ctx, const push_jrec *r), void *ctx,
                               push_journal_replay_stats *st);

#endif
