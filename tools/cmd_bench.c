/* cmd_bench.c - `sippush bench parse ...` and the dispatch to the other benches.
 *
 * The parse bench reports its rate beside baselines over the same bytes in
 * the same run, so the figure means something on a noisy machine:
 * "scan_ratio", parse time / a memchr call for every LF (bound by call
 * overhead where lines are short); "memmem_ratio", parse time / one memmem
 * per file for the MSRP end-line prefix CRLF "-------" (a naive framer's
 * scan, one pass over the bytes: bound by memory bandwidth, as a body is);
 * "memcpy_ratio", parse time / copying the same bytes. A ratio below 1
 * against the last two means the parser skips bytes, not that it reads
 * faster than memory. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_msrp.h"
#include "cli.h"

typedef struct corpus_file {
    char *buf;
    size_t len;
} corpus_file;

typedef struct corpus {
    corpus_file *files;
    size_t count;
    size_t bytes;
} corpus;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every regular file of DIR/KIND, sorted by name; false if none. */
static bool corpus_load(corpus *c, const char *dir, const char *kind)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, kind);
    memset(c, 0, sizeof *c);
    DIR *d = opendir(path);
    if (!d)
        return false;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
            continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown)
            break;
        names = grown;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    c->files = calloc(n ? n : 1, sizeof *c->files);
    for (size_t i = 0; i < n; i++) {
        char file[8192];
        snprintf(file, sizeof file, "%s/%s", path, names[i]);
        size_t len;
        char *buf = cli_read_file(file, &len);
        if (buf && c->files) {
            c->files[c->count].buf = buf;
            c->files[c->count].len = len;
            c->count++;
            c->bytes += len;
        } else {
            free(buf);
        }
        free(names[i]);
    }
    free(names);
    return c->count > 0;
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->count; i++)
        free(c->files[i].buf);
    free(c->files);
}

/* One pass of the baseline: find every LF with memchr. */
static size_t scan_pass(const corpus *c)
{
    size_t lines = 0;
    for (size_t i = 0; i < c->count; i++) {
        const char *p = c->files[i].buf, *end = p + c->files[i].len;
        while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            lines++;
            p++;
        }
    }
    return lines;
}

/* One pass of the parser over the corpus: messages parsed, or -1. */
static long parse_pass(const corpus *c, long (*parse)(const char *, size_t))
{
    long messages = 0;
    for (size_t i = 0; i < c->count; i++) {
        long m = parse(c->files[i].buf, c->files[i].len);
        if (m < 0)
            return -1 - (long)i;
        messages += m;
    }
    return messages;
}

/* One pass of a memory-bound baseline: memmem for the end-line prefix,
 * from each match on. */
static size_t memmem_pass(const corpus *c)
{
    size_t found = 0;
    for (size_t i = 0; i < c->count; i++) {
        const char *p = c->files[i].buf, *end = p + c->files[i].len;
        while (p < end && (p = memmem(p, (size_t)(end - p), "\r\n-------", 9)) != NULL) {
            found++;
            p += 9;
        }
    }
    return found;
}

static char *copy_scratch;

/* One pass of the other: every file copied into one scratch buffer. */
static size_t memcpy_pass(const corpus *c)
{
    size_t sum = 0;
    for (size_t i = 0; i < c->count; i++) {
        memcpy(copy_scratch, c->files[i].buf, c->files[i].len);
        sum += (unsigned char)copy_scratch[c->files[i].len / 2];
    }
    return sum;
}

static volatile size_t bench_sink;

/* Seconds per pass of a baseline: 'step' passes at a time, at least 50 ms
 * of them for timed runs (once for instruction counting). */
static double baseline_per_pass(const corpus *c, size_t (*pass)(const corpus *), long step, bool timed)
{
    double s0 = now_seconds(), elapsed;
    long passes = 0;
    do {
        for (long k = 0; k < step; k++)
            bench_sink += pass(c);
        passes += step;
        elapsed = now_seconds() - s0;
    } while (elapsed < 0.05 && timed);
    return elapsed / (double)passes;
}

static int bench_one_kind(const char *dir, const char *kind, long (*parse)(const char *, size_t),
                          double seconds, long iterations)
{
    corpus c;
    if (!corpus_load(&c, dir, kind)) {
        fprintf(stderr, "bench: no %s files in %s/%s\n", kind, dir, kind);
        return EXIT_FAIL;
    }
    long per_pass = parse_pass(&c, parse);
    if (per_pass < 0) {
        fprintf(stderr, "bench: %s file #%ld of %s/%s does not parse\n", kind, -per_pass - 1, dir, kind);
        corpus_free(&c);
        return EXIT_FAIL;
    }
    long passes = 0;
    double t0 = now_seconds(), elapsed;
    if (iterations > 0) {
        for (passes = 0; passes < iterations; passes++)
            bench_sink += (size_t)parse_pass(&c, parse);
        elapsed = now_seconds() - t0;
    } else {
        /* Check the clock only every few passes: it is not free either. */
        long step = 1;
        do {
            for (long k = 0; k < step; k++)
                bench_sink += (size_t)parse_pass(&c, parse);
            passes += step;
            elapsed = now_seconds() - t0;
            if (step < 4096 && elapsed < seconds / 100)
                step *= 2;
        } while (elapsed < seconds);
    }

    /* With --iterations (instruction counting) the baseline runs a few passes
     * only, so the count is the parser's; timed runs scan as often as they
     * parsed, and at least 50 ms. */
    long scan_step = iterations > 0 ? (passes < 16 ? passes : 16) : passes;
    if (scan_step < 1)
        scan_step = 1;
    size_t largest = 1;
    for (size_t i = 0; i < c.count; i++)
        largest = c.files[i].len > largest ? c.files[i].len : largest;
    copy_scratch = malloc(largest);
    if (!copy_scratch) {
        corpus_free(&c);
        return EXIT_FAIL;
    }
    double scan_per_pass = baseline_per_pass(&c, scan_pass, scan_step, iterations <= 0);
    double memmem_per_pass = baseline_per_pass(&c, memmem_pass, scan_step, iterations <= 0);
    double memcpy_per_pass = baseline_per_pass(&c, memcpy_pass, scan_step, iterations <= 0);
    free(copy_scratch);
    copy_scratch = NULL;

    double messages = (double)per_pass * (double)passes;
    double bytes = (double)c.bytes * (double)passes;
    double parse_per_pass = elapsed / (double)passes;

    json_out j;
    json_init(&j, stdout);
    json_object_begin(&j);
    char name[32];
    snprintf(name, sizeof name, "parse-%s", kind);
    json_kv_cstr(&j, "bench", name);
    json_kv_u64(&j, "messages", (uint64_t)messages);
    json_kv_u64(&j, "bytes", (uint64_t)bytes);
    json_kv_double(&j, "seconds", elapsed);
    json_kv_double(&j, "msgs_per_s", elapsed > 0 ? messages / elapsed : 0);
    json_kv_double(&j, "mb_per_s", elapsed > 0 ? bytes / elapsed / 1e6 : 0);
    json_kv_double(&j, "scan_ratio", scan_per_pass > 0 ? parse_per_pass / scan_per_pass : 0);
    json_kv_double(&j, "memmem_ratio", memmem_per_pass > 0 ? parse_per_pass / memmem_per_pass : 0);
    json_kv_double(&j, "memcpy_ratio", memcpy_per_pass > 0 ? parse_per_pass / memcpy_per_pass : 0);
    json_kv_double(&j, "memcpy_mb_per_s", memcpy_per_pass > 0 ? (double)c.bytes / memcpy_per_pass / 1e6 : 0);
    json_kv_u64(&j, "files", c.count);
    json_object_end(&j);
    json_line_end(&j);
    corpus_free(&c);
    return EXIT_OK;
}

static int bench_parse(int argc, char **argv)
{
    const char *dir = "../shared/corpus", *only = NULL;
    double seconds = 2;
    long iterations = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc)
            goto usage;
        if (!strcmp(a, "--corpus"))
            dir = argv[++i];
        else if (!strcmp(a, "--seconds"))
            seconds = atof(argv[++i]);
        else if (!strcmp(a, "--iterations"))
            iterations = atol(argv[++i]);
        else if (!strcmp(a, "--kind"))
            only = argv[++i];
        else
            goto usage;
    }
    if (seconds <= 0 || iterations < 0)
        goto usage;

    static const struct {
        const char *kind;
        long (*parse)(const char *, size_t);
    } kinds[] = {{"sip", bench_parse_sip}, {"sdp", bench_parse_sdp}, {"msrp", bench_parse_msrp}};
    bool known = false;
    int status = EXIT_OK;
    for (size_t k = 0; k < 3; k++) {
        if (only && strcmp(only, kinds[k].kind))
            continue;
        known = true;
        int rc = bench_one_kind(dir, kinds[k].kind, kinds[k].parse, seconds, iterations);
        if (rc != EXIT_OK)
            status = rc;
    }
    if (!known)
        goto usage;
    return status;
usage:
    fprintf(stderr, "usage: sippush bench parse [--corpus DIR] [--seconds S | --iterations N] [--kind sip|sdp|msrp]\n");
    return EXIT_USAGE;
}

int cmd_bench(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "parse"))
        return bench_parse(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "sha1"))
        return bench_sha1(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "msrp"))
        return bench_msrp(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "txn"))
        return bench_txn(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "psa"))
        return bench_psa(argc - 1, argv + 1);
    fprintf(stderr, "usage: sippush bench parse|sha1|msrp|txn|psa [...]\n");
    return EXIT_USAGE;
}
