/* fuzz_journal.c - the push journal's decoder and replay on any bytes.
 *
 * Beyond not crashing: a record that decodes encodes back to exactly its
 * bytes (one encoding per record), and replay of the good prefix it reports
 * ends cleanly on a boundary with the same live pushes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "push_journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count(void *ctx, const push_jrec *r)
{
    if (r->kind != PUSH_JREC_PUSH && r->kind != PUSH_JREC_BIND)
        abort();
    ++*(uint64_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    const size_t max = 1u << 16;
    size_t at = 0;
    while (at < size) {
        push_jrec r;
        sp_error err;
        long n = push_journal_decode(in + at, size - at, max, &r, &err);
        if (n < 0)
            break;
        char *back = malloc((size_t)n);
        if (!back || push_journal_size(&r) != (size_t)n || push_journal_encode(&r, back, (size_t)n) != n ||
            memcmp(back, in + at, (size_t)n))
            abort();
        free(back);
        at += (size_t)n;
    }
    uint64_t live = 0, again = 0;
    push_journal_replay_stats st, st2;
    if (push_journal_replay(in, size, max, count, &live, &st) != 0)
        return 0;
    if (st.valid != at || st.valid > size || st.live + st.bindings != live || st.accepted != st.ended + st.live)
        abort();
    if (push_journal_replay(in, (size_t)st.valid, max, count, &again, &st2) != 0)
        return 0;
    if (st2.stop != 0 || st2.valid != st.valid || again != live)
        abort();
    return 0;
}
