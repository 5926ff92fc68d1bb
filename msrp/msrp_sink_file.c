/* msrp_sink_file.c - the file sink: a temp file written at offsets, renamed
 * into place on commit; and the safe file name. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msrp_sink.h"
#include "msrp_sink_impl.h"
#include "sp_hex.h"

#define TEMP_PATTERN ".sippush-XXXXXX"

static int fail_errno(msrp_sink *s, int e)
{
    s->err = e;
    return MSRP_EIO;
}

/* Fills the paths; false when they do not fit. */
static bool set_paths(msrp_sink *s, const char *dir, sp_str offered_name)
{
    char name[MSRP_SINK_NAME_MAX + 1];
    msrp_sink_safe_name(offered_name, name, sizeof name);
    int n = snprintf(s->final, sizeof s->final, "%s/%s", dir, name);
    int t = snprintf(s->temp, sizeof s->temp, "%s/" TEMP_PATTERN, dir);
    return n > 0 && (size_t)n < sizeof s->final && t > 0 && (size_t)t < sizeof s->temp;
}

static void file_init(msrp_sink *s, unsigned flags)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->overwrite = (flags & MSRP_SINK_OVERWRITE) != 0;
}

int msrp_sink_file_open(msrp_sink *s, const char *dir, sp_str offered_name, unsigned flags)
{
    file_init(s, flags);
    if (!set_paths(s, dir, offered_name))
        return fail_errno(s, ENAMETOOLONG);
    s->fd = mkostemp(s->temp, O_CLOEXEC);
    if (s->fd < 0)
        return fail_errno(s, errno);
    s->kind = MSRP_SINK_FILE;
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
    s->size = (uint64_t)st.st_size;
    s->kind = MSRP_SINK_FILE;
    return SP_OK;
}

int msrp_sink_file_write(msrp_sink *s, uint64_t offset, const void *data, size_t len)
{
    const char *p = data;
    if (offset > INT64_MAX || len > INT64_MAX - offset)
        return SP_ELIMIT;
    uint64_t end = offset + len;
    while (len) {
        ssize_t n = pwrite(s->fd, p, len, (off_t)offset);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return fail_errno(s, errno);
        }
        p += n, len -= (size_t)n, offset += (uint64_t)n;
    }
    if (end > s->size)
        s->size = end;
    return SP_OK;
}

long msrp_sink_file_read(msrp_sink *s, uint64_t offset, void *buf, size_t len)
{
    char *p = buf;
    size_t got = 0;
    if (offset > INT64_MAX)
        return 0;
    while (got < len) {
        ssize_t n = pread(s->fd, p + got, len - got, (off_t)(offset + got));
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

int msrp_sink_file_commit(msrp_sink *s, uint64_t size)
{
    if (s->fd < 0)
        return fail_errno(s, EBADF);
    if (size > INT64_MAX)
        return SP_ELIMIT;
    if (ftruncate(s->fd, (off_t)size) != 0 || fsync(s->fd) != 0)
        return fail_errno(s, errno);
    int rc = SP_OK;
    if (s->overwrite) {
        if (rename(s->temp, s->final) != 0)
            rc = fail_errno(s, errno);
    } else {
        rc = move_no_replace(s);
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

void msrp_sink_file_discard(msrp_sink *s)
{
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    if (!s->committed && s->temp[0])
        unlink(s->temp);
    s->temp[0] = '\0';
}

int msrp_sink_file_keep(msrp_sink *s)
{
    int rc = SP_OK;
    if (s->fd >= 0) {
        if (fsync(s->fd) != 0)
            rc = fail_errno(s, errno);
        close(s->fd);
        s->fd = -1;
    }
    s->kind = MSRP_SINK_CLOSED;
    return rc;
}

size_t msrp_sink_safe_name(sp_str offered, char *out, size_t cap)
{
    size_t n = 0, limit = cap - 1 < MSRP_SINK_NAME_MAX ? cap - 1 : MSRP_SINK_NAME_MAX;
    bool truncated = false;
    for (size_t i = 0; i < offered.n; i++) {
        unsigned char c = (unsigned char)offered.p[i];
        if (c == '%' && offered.n - i >= 3 && sp_hex_digit(offered.p[i + 1]) >= 0 && sp_hex_digit(offered.p[i + 2]) >= 0) {
            c = (unsigned char)(sp_hex_digit(offered.p[i + 1]) << 4 | sp_hex_digit(offered.p[i + 2]));
            i += 2;
        }
        if (c == '/' || c == '\\') { /* a path: keep only its last component */
            n = 0;
            truncated = false;
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            continue;
        if (n == 0 && (c == '.' || c == ' '))
            continue; /* no hidden files, no "." or "..", no leading blanks */
        if (n == limit) {
            truncated = true;
            continue; /* keep reading: a later '/' starts the name again */
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
