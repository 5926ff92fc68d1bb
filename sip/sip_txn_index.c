/* sip_txn_index.c - transactions by hash: open addressing with linear
 * probing over (hash, record) pairs, so a probe compares 32-bit hashes and
 * touches a record only on a hash match. Grown by doubling at half full
 * (probes stay short) from a small start, so an idle layer holds little
 * whatever its max_txns; never shrunk. Removal shifts the entries that
 * follow back into the hole, so no tombstones accumulate. */
#include <stdlib.h>
#include <string.h>

#include "sip_txn_impl.h"

uint32_t txn_key_hash(sp_str s, bool fold_case)
{
    /* Folding sets bit 5 of every byte: letters become lower case (a few
     * other bytes meet too, which costs a compare now and then, never a
     * match). Equal keys have equal lengths, so the zeroed tail of the last
     * word lines up. */
    const uint64_t fold = fold_case ? 0x2020202020202020ull : 0;
    uint64_t h = s.n * 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < s.n; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s.p + i, s.n - i < 8 ? s.n - i : 8);
        h = (h ^ (w | fold)) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    return (uint32_t)h;
}

#define TXN_INDEX_MIN 64u

static void put(txn_index_entry *e, uint32_t mask, uint32_t hash, uint32_t rec)
{
    uint32_t i = txn_index_home(hash, mask);
    while (e[i].rec)
        i = (i + 1) & mask;
    e[i] = (txn_index_entry){.hash = hash, .rec = rec};
}

static int grow(txn_index *ix)
{
    uint32_t cap = ix->e ? (ix->mask + 1) * 2 : TXN_INDEX_MIN;
    if (cap == 0) /* 2^32 entries: more than records can exist */
        return -ENOMEM;
    txn_index_entry *e = calloc(cap, sizeof *e);
    if (!e)
        return -ENOMEM;
    if (ix->e) {
        for (uint32_t i = 0; i <= ix->mask; i++)
            if (ix->e[i].rec)
                put(e, cap - 1, ix->e[i].hash, ix->e[i].rec);
        free(ix->e);
    }
    ix->e = e;
    ix->mask = cap - 1;
    return 0;
}

int txn_index_reserve(txn_index *ix)
{
    if (!ix->e || (uint64_t)(ix->count + 1) * 2 > (uint64_t)ix->mask + 1)
        return grow(ix);
    return 0;
}

int txn_index_add(txn_index *ix, uint32_t hash, uint32_t rec)
{
    if (txn_index_reserve(ix) != 0)
        return -ENOMEM;
    put(ix->e, ix->mask, hash, rec);
    ix->count++;
    return 0;
}

void txn_index_del(txn_index *ix, uint32_t hash, uint32_t rec)
{
    if (!ix->e)
        return;
    uint32_t mask = ix->mask, i = txn_index_home(hash, mask);
    while (ix->e[i].rec != rec) {
        if (!ix->e[i].rec)
            return; /* not filed */
        i = (i + 1) & mask;
    }
    /* Backward shift: an entry after the hole moves into it unless its home
     * lies cyclically in (hole, its place]. */
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & mask; ix->e[j].rec; j = (j + 1) & mask) {
        uint32_t home = txn_index_home(ix->e[j].hash, mask);
        bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (!stays) {
            ix->e[hole] = ix->e[j];
            hole = j;
        }
    }
    ix->e[hole] = (txn_index_entry){0};
    ix->count--;
}

uint32_t txn_index_next(const txn_index *ix, uint32_t hash, uint32_t *pos)
{
    if (!ix->e)
        return 0;
    for (uint32_t i = *pos & ix->mask;; i = (i + 1) & ix->mask) {
        const txn_index_entry *en = &ix->e[i];
        if (!en->rec) {
            *pos = i;
            return 0;
        }
        if (en->hash == hash) {
            *pos = (i + 1) & ix->mask;
            return en->rec;
        }
    }
}

void txn_index_free(txn_index *ix)
{
    free(ix->e);
    *ix = (txn_index){0};
}
