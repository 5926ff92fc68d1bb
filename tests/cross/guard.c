/* guard.c - guard.h without pages to protect: the copy ends where a heap
 * block ends, so a read past it is not caught here (the host suites under
 * ASan and guard pages catch those), but every parser sees the same input. */
#include "guard.h"

#include "cross.h"

#include <stdlib.h>
#include <string.h>

#define GUARD_SLOTS 4

static char *slots[GUARD_SLOTS];
static unsigned next_slot;

const char *guard_copy(const void *data, size_t len)
{
    unsigned s = next_slot++ % GUARD_SLOTS;
    free(slots[s]);
    slots[s] = malloc(len ? len : 1);
    if (!slots[s])
        abort();
    cross_heap_keep(slots[s]); /* the slot outlives the test */
    if (len)
        memcpy(slots[s], data, len);
    return slots[s];
}

const char *guard_str(const char *s) { return guard_copy(s, strlen(s)); }
