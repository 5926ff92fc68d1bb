/* msrp_sink_file.c - the file sink (msrp_sink_file_ops): a temp file
 * written at offsets, renamed into place on commit; the sweep of what dead
 * processes left; and the safe file name. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_sink.h"
#include "sp_hex.h"
#include "sp_platform.h"

#if SP_HAVE_FILES
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

/* ".sippush-<pid>-XXXXXX": the pid of the process writing it, which also
 * holds an flock on it while it lives, so a sweep knows a stale one. */
#define TEMP_PREFIX ".sippush-"
#define TEMP_RANDOM "XXXXXX"
#define HEAD_UNKNOWN SIZE_MAX

static int fail_errno(msrp_sink *s, int e)
{
    s->err = e;
    return MSRP_EIO;
}

const uint8_t *msrp_sink_head(const msrp_sink *s, size_t *len)
{
    if (!s->head || s->head_len == HEAD_UNKNOWN) {
        *len = 0;
        return NULL;
    }
    *len = s->head_len;
    return s->head;
}

#if SP_HAVE_FILES
/* Fills the paths; false when they do not fit. */
static bool set_paths(msrp_sink *s, const char *dir, sp_str offered_name)
{
    char name[MSRP_SINK_NAME_MAX + 1];
    msrp_sink_safe_name(offered_name, name, sizeof name);
    int n = snprintf(s->final, sizeof s->final, "%s/%s", dir, name);
    int t = snprintf(s->temp, sizeof s->temp, "%s/" TEMP_PREFIX "%ld-" TEMP_RANDOM, dir, (long)getpid());
    return n > 0 && (size_t)n < sizeof s->final && t > 0 && (size_t)t < sizeof s->temp;
}

static void file_init(msrp_sink *s, unsigned flags)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->overwrite = (flags & MSRP_SINK_OVERWRITE) != 0;
    s->unique = (flags & MSRP_SINK_UNIQUE) != 0;
}

int msrp_sink_file_open(msrp_sink *s, const char *dir, sp_str offered_name, unsigned flags)
{
    file_init(s, flags);
    if (!set_paths(s, dir, offered_name))
        return fail_errno(s, ENAMETOOLONG);
    s->fd = mkostemp(s->temp, O_CLOEXEC);
    if (s->fd < 0)
        return fail_errno(s, errno);
    flock(s->fd, LOCK_EX | LOCK_NB); /* ours while we live (msrp_sink_sweep) */
    s->ops = &msrp_sink_file_ops;
    return SP_OK;
}

int msrp_sink_file_strip_head(msrp_sink *s, msrp_sink_head_fn fn, void *ctx)
{
    if (s->ops != &msrp_sink_file_ops || s->size)
        return fail_errno(s, EINVAL);
    s->head = malloc(MSRP_SINK_HEAD_MAX);
    if (!s->head) {
        s->err = ENOMEM;
        return -ENOMEM;
    }
    s->head_fn = fn;
    s->head_ctx = ctx;
    s->head_got = 0;
    s->head_len = HEAD_UNKNOWN;
    return SP_OK;
}

int msrp_sink_file_reopen(msrp_sink *s, const char *temp_path, const char *dir, sp_str offered_name,
                          unsigned flags)
{
    file_init(s, flags);
    if (!set_paths(s, dir, offered_name) || strlen(temp_path) >= sizeof s->temp)
        return fail_errno(s, ENAMETOOLONG);
    strcpy(s->temp, temp_path);
    s->fd = open(s->temp, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
    if (s->fd < 0)
        return fail_errno(s, errno);
    struct stat st;
    if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno ? errno : EINVAL;
        close(s->fd);
        s->fd = -1;
        return fail_errno(s, e);
    }
    flock(s->fd, LOCK_EX | LOCK_NB); /* ours again: a sweep leaves it */
    s->size = (uint64_t)st.st_size;
    s->ops = &msrp_sink_file_ops;
    return SP_OK;
}

static int write_at(msrp_sink *s, uint64_t offset, const char *p, size_t len)
{
    while (len) {
        ssize_t n = pwrite(s->fd, p, len, (off_t)offset);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail_errno(s, errno);
        }
        p += n, len -= (size_t)n, offset += (uint64_t)n;
    }
    return SP_OK;
}

/* Bytes at message offset 'offset' while the head's end is unknown: held,
 * and once fn knows the end, what follows it goes to the file. */
static int head_take(msrp_sink *s, uint64_t offset, const char *p, size_t len)
{
    if (offset > s->head_got)
        return SP_ELIMIT; /* out of order before the head is known: no place for them yet */
    size_t n = MSRP_SINK_HEAD_MAX - (size_t)offset < len ? MSRP_SINK_HEAD_MAX - (size_t)offset : len;
    memcpy(s->head + offset, p, n);
    if (offset + n > s->head_got)
        s->head_got = (size_t)offset + n;
    long k = s->head_fn(s->head_ctx, s->head, s->head_got);
    if (k < 0 || (size_t)k > s->head_got)
        return SP_EINVAL;
    if (k == 0)
        return n < len || s->head_got == MSRP_SINK_HEAD_MAX ? SP_ELIMIT : SP_OK;
    s->head_len = (size_t)k;
    int rc = write_at(s, 0, (const char *)s->head + k, s->head_got - (size_t)k);
    if (rc == SP_OK && n < len)
        rc = write_at(s, offset + n - (uint64_t)k, p + n, len - n);
    return rc;
}

static int file_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    const char *p = data;
    if (offset > INT64_MAX || len > INT64_MAX - offset)
        return SP_ELIMIT;
    uint64_t end = offset + len;
    int rc;
    if (s->head && s->head_len == HEAD_UNKNOWN) {
        rc = head_take(s, offset, p, len);
    } else if (s->head) {
        /* a repeat of head bytes adds nothing; the rest moves down by the head */
        size_t skip = offset < s->head_len ? (s->head_len - (size_t)offset < len ? s->head_len - (size_t)offset : len) : 0;
        rc = write_at(s, offset + skip - s->head_len, p + skip, len - skip);
    } else {
        rc = write_at(s, offset, p, len);
    }
    if (rc != SP_OK)
        return rc;
    if (end > s->size)
        s->size = end;
    return SP_OK;
}

static long file_read(msrp_sink *s, uint64_t offset, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    if (offset > INT64_MAX)
        return 0;
    uint64_t shift = 0;
    if (s->head && s->head_len != HEAD_UNKNOWN) {
        if (offset < s->head_len) {
            got = s->head_len - (size_t)offset < len ? s->head_len - (size_t)offset : len;
            memcpy(p, s->head + offset, got);
        }
        shift = s->head_len;
    }
    while (got < len) {
        ssize_t n = pread(s->fd, p + got, len - got, (off_t)(offset + got - shift));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail_errno(s, errno);
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (long)got;
}

/* Makes a rename in dir survive a crash. */
static void sync_dir_of(const char *path)
{
    char dir[MSRP_SINK_PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        strcpy(dir, ".");
    else if (slash == path)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Moves temp to final without replacing an existing file: renameat2 where
 * the file system has it, otherwise link + unlink (both atomic). */
static int move_no_replace(msrp_sink *s)
{
#ifdef RENAME_NOREPLACE
    if (renameat2(AT_FDCWD, s->temp, AT_FDCWD, s->final, RENAME_NOREPLACE) == 0)
        return SP_OK;
    if (errno == EEXIST)
        return MSRP_EEXIST;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return fail_errno(s, errno);
#endif
    if (link(s->temp, s->final) != 0)
        return errno == EEXIST ? MSRP_EEXIST : fail_errno(s, errno);
    unlink(s->temp);
    return SP_OK;
}

/* s->final as "name-k.ext" from the name first asked for (k >= 2); false
 * when it does not fit. */
static bool numbered(msrp_sink *s, const char *first, unsigned k)
{
    const char *slash = strrchr(first, '/');
    const char *dot = strrchr(slash ? slash + 1 : first, '.');
    if (!dot || dot == (slash ? slash + 1 : first))
        dot = first + strlen(first); /* no extension (or a name that is one) */
    int n = snprintf(s->final, sizeof s->final, "%.*s-%u%s", (int)(dot - first), first, k, dot);
    return n > 0 && (size_t)n < sizeof s->final;
}

static int file_commit(msrp_sink *s, uint64_t size)
{
    if (s->fd < 0)
        return fail_errno(s, EBADF);
    if (size > INT64_MAX)
        return SP_ELIMIT;
    uint64_t stored = size;
    if (s->head) {
        if (s->head_len == HEAD_UNKNOWN || size < s->head_len)
            return SP_EINVAL; /* the head never ended: not a message the caller takes */
        stored = size - s->head_len;
    }
    if (ftruncate(s->fd, (off_t)stored) != 0 || fsync(s->fd) != 0)
        return fail_errno(s, errno);
    int rc = SP_OK;
    if (s->overwrite) {
        if (rename(s->temp, s->final) != 0)
            rc = fail_errno(s, errno);
    } else {
        char first[MSRP_SINK_PATH_MAX];
        memcpy(first, s->final, sizeof first);
        rc = move_no_replace(s);
        for (unsigned k = 2; rc == MSRP_EEXIST && s->unique && k <= MSRP_SINK_UNIQUE_TRIES; k++)
            rc = numbered(s, first, k) ? move_no_replace(s) : fail_errno(s, ENAMETOOLONG);
        if (rc == MSRP_EEXIST)
            memcpy(s->final, first, sizeof first);
    }
    if (rc != SP_OK)
        return rc; /* the temp file stays, still open, for discard or a retry */
    close(s->fd);
    s->fd = -1;
    s->size = size;
    s->committed = true;
    sync_dir_of(s->final);
    return SP_OK;
}

static void file_discard(msrp_sink *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (!s->committed && s->temp[0])
        unlink(s->temp);
    s->temp[0] = '\0';
}

static int file_keep(msrp_sink *s)
{
    int rc = SP_OK;
    if (s->fd >= 0) {
        if (fsync(s->fd) != 0)
            rc = fail_errno(s, errno);
        close(s->fd);
        s->fd = -1;
    }
    s->ops = NULL; /* closed, the temp file kept */
    return rc;
}

static int file_ops_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    return msrp_sink_file_open(s, ctx, info->name, MSRP_SINK_UNIQUE); /* never another's file */
}

static void file_close(msrp_sink *s)
{
    if (!s->committed)
        file_discard(s);
}

const msrp_sink_ops msrp_sink_file_ops = {.open = file_ops_open,
                                          .write = file_write,
                                          .read = file_read,
                                          .commit = file_commit,
                                          .abort = file_discard,
                                          .close = file_close,
                                          .keep = file_keep};

/* Whether name is exactly what msrp_sink_file_open creates, and its pid. */
static bool temp_name(const char *name, long *pid)
{
    const char *p = name + sizeof TEMP_PREFIX - 1;
    if (strncmp(name, TEMP_PREFIX, sizeof TEMP_PREFIX - 1) || *p < '1' || *p > '9')
        return false;
    char *end;
    errno = 0;
    long v = strtol(p, &end, 10);
    if (errno || *end != '-' || strlen(end + 1) != sizeof TEMP_RANDOM - 1)
        return false;
    for (const char *r = end + 1; *r; r++)
        if (!((*r >= '0' && *r <= '9') || (*r >= 'a' && *r <= 'z') || (*r >= 'A' && *r <= 'Z')))
            return false;
    *pid = v;
    return true;
}

int msrp_sink_sweep(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return MSRP_EIO;
    int dfd = dirfd(d), removed = 0;
    for (struct dirent *e; (e = readdir(d));) {
        long pid;
        if (!temp_name(e->d_name, &pid) || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* its writer may still be at work */
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;
        struct stat st;
        /* a lock held means a live owner after all (a pid seen from another namespace) */
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
            flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dfd, e->d_name, 0) == 0)
            removed++;
        close(fd);
    }
    closedir(d);
    return removed;
}

#else
/* No file system on this platform: a receiver stores through a sink of its
 * own (msrp_sink_open); a file asked for is refused as a disk that fails. */
int msrp_sink_file_open(msrp_sink *s, const char *dir, sp_str offered_name, unsigned flags)
{
    (void)dir, (void)offered_name, (void)flags;
    memset(s, 0, sizeof *s);
    s->fd = -1;
    return fail_errno(s, ENOSYS);
}

int msrp_sink_file_reopen(msrp_sink *s, const char *temp_path, const char *dir, sp_str offered_name,
                          unsigned flags)
{
    (void)temp_path;
    return msrp_sink_file_open(s, dir, offered_name, flags);
}

int msrp_sink_file_strip_head(msrp_sink *s, msrp_sink_head_fn fn, void *ctx)
{
    (void)fn, (void)ctx;
    return fail_errno(s, ENOSYS);
}

static int file_ops_open(msrp_sink *s, void *ctx, const msrp_sink_info *info)
{
    return msrp_sink_file_open(s, ctx, info->name, MSRP_SINK_UNIQUE);
}

const msrp_sink_ops msrp_sink_file_ops = {.open = file_ops_open};

int msrp_sink_sweep(const char *dir)
{
    (void)dir;
    return MSRP_EIO;
}
#endif

size_t msrp_sink_safe_name(sp_str offered, char *out, size_t cap)
{
    size_t n = 0, limit = cap - 1 < MSRP_SINK_NAME_MAX ? cap - 1 : MSRP_SINK_NAME_MAX;
    bool truncated = false, component_start = true;
    for (size_t i = 0; i < offered.n && !truncated; i++) {
        unsigned char c = (unsigned char)offered.p[i];
        if (c == '%' && offered.n - i >= 3 && sp_hex_digit(offered.p[i + 1]) >= 0 && sp_hex_digit(offered.p[i + 2]) >= 0) {
            c = (unsigned char)(sp_hex_digit(offered.p[i + 1]) << 4 | sp_hex_digit(offered.p[i + 2]));
            i += 2;
        }
        if (c == '/' || c == '\\') { /* a path: its components joined by '_', so nothing is lost */
            component_start = true;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (component_start && (c == '.' || c == ' '))
            continue; /* no hidden files, no "." or "..", no leading blanks */
        if (component_start && n) {
            if (n == limit) {
                truncated = true;
                break;
            }
            out[n++] = '_';
        }
        component_start = false;
        if (n == limit) {
            truncated = true;
            break;
        }
        out[n++] = (char)c;
    }
    if (truncated && n) { /* do not leave half a UTF-8 sequence at the cut */
        size_t k = n;
        while (k && ((unsigned char)out[k - 1] & 0xc0) == 0x80)
            k--;
        /* out[k - 1] starts the last sequence: keep it only if it is whole */
        if (k) {
            unsigned char lead = (unsigned char)out[k - 1];
            size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            if (n - (k - 1) < want)
                n = k - 1;
        }
    }
    while (n && out[n - 1] == ' ')
        n--;
    if (n == 0) {
        n = sizeof MSRP_SINK_DEFAULT_NAME - 1;
        memcpy(out, MSRP_SINK_DEFAULT_NAME, n);
    }
    out[n] = '\0';
    return n;
}
