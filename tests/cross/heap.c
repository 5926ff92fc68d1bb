/* heap.c - malloc and friends of the image's own code and the library
 * (linked with --wrap, so newlib's internal allocations stay apart): every
 * live block is listed, so that what a test leaves allocated is freed when
 * it ends, as check's fork would; and the bytes in use are counted. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cross.h"

void *__real_malloc(size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void __wrap_free(void *p);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);

typedef struct block {
    struct block *prev, *next;
    size_t size;
    unsigned epoch; /* the test that allocated it, 0 outside tests */
    uint32_t magic; /* BLOCK_MAGIC: one of ours, not newlib's own (tzset frees with free) */
} block;

#define BLOCK_MAGIC 0x5eed600du

static block live = {&live, &live, 0, 0, 0};
static unsigned epoch;
size_t cross_heap_in_use, cross_heap_peak;

void *__wrap_malloc(size_t n)
{
    if (n > SIZE_MAX - sizeof(block))
        return NULL;
    block *b = __real_malloc(sizeof *b + n);
    if (!b)
        return NULL;
    b->size = n;
    b->epoch = epoch;
    b->magic = BLOCK_MAGIC;
    b->next = live.next, b->prev = &live;
    live.next->prev = b, live.next = b;
    cross_heap_in_use += n;
    if (cross_heap_in_use > cross_heap_peak)
        cross_heap_peak = cross_heap_in_use;
    return b + 1;
}

void __wrap_free(void *p)
{
    if (!p)
        return;
    block *b = (block *)p - 1;
    if (b->magic != BLOCK_MAGIC) {
        __real_free(p);
        return;
    }
    b->magic = 0;
    b->prev->next = b->next, b->next->prev = b->prev;
    cross_heap_in_use -= b->size;
    __real_free(b);
}

void *__wrap_calloc(size_t k, size_t n)
{
    if (n && k > SIZE_MAX / n)
        return NULL;
    void *p = __wrap_malloc(k * n);
    if (p)
        memset(p, 0, k * n);
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (!p)
        return __wrap_malloc(n);
    block *b = (block *)p - 1;
    void *q = __wrap_malloc(n);
    if (!q)
        return NULL;
    memcpy(q, p, b->size < n ? b->size : n);
    __wrap_free(p);
    return q;
}

void cross_heap_keep(void *p)
{
    if (p && ((block *)p - 1)->magic == BLOCK_MAGIC)
        ((block *)p - 1)->epoch = 0;
}

void cross_heap_test_begin(void) { epoch++; }

void cross_heap_test_end(void)
{
    for (block *b = live.next, *next; b != &live; b = next) {
        next = b->next;
        if (b->epoch == epoch)
            __wrap_free(b + 1);
    }
}
