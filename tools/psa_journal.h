/* psa_journal.h - the psa's journal on disk (`sippush psa --state DIR`):
 * DIR/journal holds the records of push_journal.h. Records are added to a
 * batch in memory and written with one fdatasync per commit (group commit:
 * the host commits once per loop iteration, and answers what the batch
 * accepted only after it). The pushes not ended are kept in memory too, so
 * the file can be compacted: the live records are written to DIR/journal.tmp,
 * synced, renamed over DIR/journal and the folder synced, at open and
 * whenever the file grows past compact_at bytes and four times the live
 * records. */
#ifndef SIPPUSH_PSA_JOURNAL_H
#define SIPPUSH_PSA_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "push_journal.h"

/* The file's size that starts a compaction (--state-compact-at). */
#define PSA_JOURNAL_COMPACT_AT_DEFAULT (64u * 1024 * 1024)

typedef struct psa_journal psa_journal;

/* Opens (creating) DIR/journal, replays it, drops a torn or corrupt tail,
 * and compacts it. *st says what replay found. 0, or a negative errno. */
int psa_journal_open(const char *dir, uint64_t compact_at, psa_journal **out, push_journal_replay_stats *st);
void psa_journal_free(psa_journal *j);
/* The id for the next push accepted. */
uint64_t psa_journal_next_id(psa_journal *j);
/* Adds a record to the batch (a PUSH is kept live until its END, a BIND
 * until the next record of its binding). 0, -ENOMEM, or SP_ELIMIT: a
 * record over the format's 4 GiB. */
int psa_journal_add(psa_journal *j, const push_jrec *r);
/* Writes the batch and syncs it (compacting first when due). 0, or a
 * negative errno: then nothing the batch holds may be answered. */
int psa_journal_commit(psa_journal *j);
/* Drops a live push without a record: one whose commit failed (the
 * journal was cut back to before the batch). */
void psa_journal_forget(psa_journal *j, uint64_t id);
/* Bytes the batch holds, not yet committed. */
size_t psa_journal_pending(const psa_journal *j);
/* The live push or binding id, decoded (its strings valid until its END is added).
 * false when it is not live. */
bool psa_journal_get(const psa_journal *j, uint64_t id, push_jrec *r);
/* Calls fn for each live push and binding (ids with
 * PUSH_JOURNAL_BINDING_BIT), in the order written. */
void psa_journal_each(const psa_journal *j, void (*fn)(void *ctx, uint64_t id), void *ctx);

#endif
