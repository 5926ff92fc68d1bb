/* psa_journal.c - see psa_journal.h. The only file of the journal that
 * touches the disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "psa_journal.h"

/* The file takes any record its format can carry (a push as large as
 * --max-request allows): a wrong length is refused by the checksum, or
 * reads as a torn tail when it runs past the file. */
#define JOURNAL_MAX_RECORD ((size_t)UINT32_MAX)

/* A push not ended: its record's bytes, in a list in accepted order and a
 * hash by id. */
typedef struct live_rec {
    uint64_t id;
    size_t len;
    struct live_rec *prev, *next;  /* accepted order */
    struct live_rec *chain;        /* same bucket */
    char bytes[];
} live_rec;

struct psa_journal {
    char *path, *tmp, *dir;
    int fd;
    uint64_t file_size, compact_at, next_id, live_bytes;
    live_rec *first, *last;
    live_rec **bucket;
    size_t nbuckets, nlive;
    char *batch;
    size_t batch_len, batch_cap;
};

static size_t bucket_of(const psa_journal *j, uint64_t id)
{
    return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 20) & (j->nbuckets - 1);
}

static live_rec *live_find(const psa_journal *j, uint64_t id)
{
    live_rec *l = j->bucket[bucket_of(j, id)];
    while (l && l->id != id)
        l = l->chain;
    return l;
}

static int live_grow(psa_journal *j)
{
    size_t n = j->nbuckets * 2;
    live_rec **b = calloc(n, sizeof *b);
    if (!b)
        return -ENOMEM;
    free(j->bucket);
    j->bucket = b;
    j->nbuckets = n;
    for (live_rec *l = j->first; l; l = l->next) {
        size_t i = bucket_of(j, l->id);
        l->chain = b[i];
        b[i] = l;
    }
    return 0;
}

static int live_add(psa_journal *j, uint64_t id, const char *bytes, size_t len)
{
    if (j->nlive >= j->nbuckets && live_grow(j) != 0)
        return -ENOMEM;
    live_rec *l = malloc(sizeof *l + len);
    if (!l)
        return -ENOMEM;
    l->id = id;
    l->len = len;
    memcpy(l->bytes, bytes, len);
    l->next = NULL;
    l->prev = j->last;
    if (j->last)
        j->last->next = l;
    else
        j->first = l;
    j->last = l;
    size_t i = bucket_of(j, id);
    l->chain = j->bucket[i];
    j->bucket[i] = l;
    j->nlive++;
    j->live_bytes += len;
    return 0;
}

static void live_drop(psa_journal *j, uint64_t id)
{
    live_rec **pp = &j->bucket[bucket_of(j, id)];
    while (*pp && (*pp)->id != id)
        pp = &(*pp)->chain;
    live_rec *l = *pp;
    if (!l)
        return;
    *pp = l->chain;
    if (l->prev)
        l->prev->next = l->next;
    else
        j->first = l->next;
    if (l->next)
        l->next->prev = l->prev;
    else
        j->last = l->prev;
    j->nlive--;
    j->live_bytes -= l->len;
    free(l);
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -errno;
        p += w, n -= (size_t)w;
    }
    return 0;
}

static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    int rc = fsync(fd) == 0 ? 0 : -errno;
    close(fd);
    return rc;
}

/* The live pushes, and an END of the highest id given so ids are not
 * given twice after the pushes that carried them are gone: written to the
 * temporary file, synced, renamed over the journal, the folder synced. */
static int compact(psa_journal *j)
{
    int fd = open(j->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    int rc = 0;
    uint64_t size = j->live_bytes;
    for (live_rec *l = j->first; l && !rc; l = l->next)
        rc = write_all(fd, l->bytes, l->len);
    if (!rc && j->next_id > 1 && !live_find(j, j->next_id - 1)) {
        push_jrec mark = {.kind = PUSH_JREC_END, .id = j->next_id - 1};
        char buf[32];
        long n = push_journal_encode(&mark, buf, sizeof buf);
        rc = write_all(fd, buf, (size_t)n);
        size += (uint64_t)n;
    }
    if (!rc && fsync(fd) != 0)
        rc = -errno;
    close(fd);
    if (!rc && rename(j->tmp, j->path) != 0)
        rc = -errno;
    if (!rc)
        rc = sync_dir(j->dir);
    if (rc)
        return rc;
    if (j->fd >= 0)
        close(j->fd);
    j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    if (j->fd < 0)
        return -errno;
    j->file_size = size;
    return 0;
}

static int read_file_all(const char *path, char **out, size_t *len)
{
    *out = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        close(fd);
        return -errno;
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf)
        return -ENOMEM;
    *out = buf;
    *len = got;
    return 0;
}

static void keep_live(void *ctx, const push_jrec *r)
{
    psa_journal *j = ctx;
    size_t n = push_journal_size(r);
    char *buf = malloc(n);
    if (buf && push_journal_encode(r, buf, n) == (long)n && !live_find(j, r->id))
        live_add(j, r->id, buf, n); /* out of memory here shows as a push missing from nlive */
    free(buf);
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

int psa_journal_open(const char *dir, uint64_t compact_at, psa_journal **out, push_journal_replay_stats *st)
{
    *out = NULL;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -errno;
    psa_journal *j = calloc(1, sizeof *j);
    if (!j)
        return -ENOMEM;
    j->fd = -1;
    j->compact_at = compact_at ? compact_at : PSA_JOURNAL_COMPACT_AT_DEFAULT;
    j->nbuckets = 1024;
    j->path = join(dir, "journal");
    j->tmp = join(dir, "journal.tmp");
    j->dir = join(dir, ".");
    j->bucket = calloc(j->nbuckets, sizeof *j->bucket);
    char *buf = NULL;
    size_t len = 0;
    int rc = !j->path || !j->tmp || !j->dir || !j->bucket ? -ENOMEM : read_file_all(j->path, &buf, &len);
    if (!rc)
        rc = push_journal_replay(buf ? buf : "", len, JOURNAL_MAX_RECORD, keep_live, j, st);
    free(buf);
    if (!rc && j->nlive != st->live + st->bindings)
        rc = -ENOMEM;
    if (!rc) {
        j->next_id = st->next_id;
        rc = compact(j); /* the torn tail goes with the ended pushes */
    }
    if (rc) {
        psa_journal_free(j);
        return rc;
    }
    *out = j;
    return 0;
}

void psa_journal_free(psa_journal *j)
{
    if (!j)
        return;
    while (j->first)
        live_drop(j, j->first->id);
    if (j->fd >= 0)
        close(j->fd);
    free(j->bucket);
    free(j->batch);
    free(j->path);
    free(j->tmp);
    free(j->dir);
    free(j);
}

uint64_t psa_journal_next_id(psa_journal *j) { return j->next_id; }

size_t psa_journal_pending(const psa_journal *j) { return j->batch_len; }

int psa_journal_add(psa_journal *j, const push_jrec *r)
{
    size_t n = push_journal_size(r);
    if (n - PUSH_JOURNAL_HEAD > JOURNAL_MAX_RECORD)
        return SP_ELIMIT;
    if (j->batch_len + n > j->batch_cap) {
        size_t cap = j->batch_cap ? j->batch_cap : 65536;
        while (cap < j->batch_len + n)
            cap *= 2;
        char *b = realloc(j->batch, cap);
        if (!b)
            return -ENOMEM;
        j->batch = b;
        j->batch_cap = cap;
    }
    char *at = j->batch + j->batch_len;
    push_journal_encode(r, at, n);
    /* what is live is each id's last record (push_journal.h) */
    live_drop(j, r->id);
    if ((r->kind == PUSH_JREC_PUSH || r->kind == PUSH_JREC_BIND) && live_add(j, r->id, at, n) != 0)
        return -ENOMEM;
    j->batch_len += n;
    if (!(r->id & PUSH_JOURNAL_BINDING_BIT) && r->id >= j->next_id)
        j->next_id = r->id + 1;
    return 0;
}

int psa_journal_commit(psa_journal *j)
{
    if (!j->batch_len)
        return 0;
    int rc;
    uint64_t after = j->file_size + j->batch_len;
    if (after > j->compact_at && after > 4 * j->live_bytes) {
        /* the live set holds the batch's pushes already: compaction writes them */
        rc = compact(j);
        j->batch_len = 0;
        return rc;
    }
    rc = write_all(j->fd, j->batch, j->batch_len);
    if (!rc && fdatasync(j->fd) != 0)
        rc = -errno;
    if (!rc)
        j->file_size += j->batch_len;
    else if (ftruncate(j->fd, (off_t)j->file_size) != 0)
        fprintf(stderr, "sippush psa: the journal could not be cut back after a failed write: %s\n", strerror(errno));
    j->batch_len = 0;
    return rc;
}

void psa_journal_forget(psa_journal *j, uint64_t id) { live_drop(j, id); }

bool psa_journal_get(const psa_journal *j, uint64_t id, push_jrec *r)
{
    live_rec *l = live_find(j, id);
    sp_error err;
    return l && push_journal_decode(l->bytes, l->len, JOURNAL_MAX_RECORD, r, &err) == (long)l->len;
}

void psa_journal_each(const psa_journal *j, void (*fn)(void *ctx, uint64_t id), void *ctx)
{
    for (live_rec *l = j->first; l; l = l->next)
        fn(ctx, l->id);
}
