/* guard.c - see guard.h. */
#include "guard.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A few rotating slots, so a test may hold two guarded inputs at once. */
#define GUARD_SLOTS 4

static struct {
    char *map;
    size_t size; /* bytes mapped, the last page being the guard */
} slots[GUARD_SLOTS];
static unsigned next_slot;

const char *guard_copy(const void *data, size_t len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_pages = (len + page - 1) / page;
    size_t size = (data_pages + 1) * page;
    unsigned s = next_slot++ % GUARD_SLOTS;
    if (slots[s].map)
        munmap(slots[s].map, slots[s].size);
    char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        abort();
    if (mprotect(map + data_pages * page, page, PROT_NONE) != 0)
        abort();
    slots[s].map = map;
    slots[s].size = size;
    char *start = map + data_pages * page - len;
    if (len)
        memcpy(start, data, len);
    return start;
}

const char *guard_str(const char *s)
{
    return guard_copy(s, strlen(s));
}
