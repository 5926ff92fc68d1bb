/* bench_sha1.c - `sippush bench sha1 [--bytes N]`.
 *
 * Hashes N bytes (default 1 GiB) as one message, fed from a 1 MiB buffer
 * over and over, with the best implementation; then, in the same run, the
 * portable one over up to 256 MiB, so "speedup" compares like with like on
 * a noisy machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sp_sha1.h"

#define BENCH_BUFFER (1u << 20)
#define BENCH_DEFAULT_BYTES (1ull << 30)
#define BENCH_PORTABLE_MAX (256ull << 20)

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile uint8_t digest_sink;

/* Seconds taken to hash 'bytes' bytes of buf (BENCH_BUFFER long) with impl. */
static double time_hash(sp_sha1_impl impl, const uint8_t *buf, uint64_t bytes)
{
    sp_sha1_ctx c;
    uint8_t d[SP_SHA1_LEN];
    double t0 = now_seconds();
    sp_sha1_init_impl(&c, impl);
    for (uint64_t left = bytes; left;) {
        size_t n = left < BENCH_BUFFER ? (size_t)left : BENCH_BUFFER;
        sp_sha1_update(&c, buf, n);
        left -= n;
    }
    sp_sha1_final(&c, d);
    double t = now_seconds() - t0;
    digest_sink ^= d[0];
    return t;
}

static double mb_per_s(uint64_t bytes, double seconds)
{
    return seconds > 0 ? (double)bytes / seconds / 1e6 : 0;
}

int bench_sha1(int argc, char **argv)
{
    uint64_t bytes = BENCH_DEFAULT_BYTES;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bytes") && i + 1 < argc) {
            if (!sp_str_to_u64(sp_str_cstr(argv[++i]), UINT64_MAX, &bytes))
                goto usage;
        } else {
            goto usage;
        }
    }

    uint8_t *buf = malloc(BENCH_BUFFER);
    if (!buf) {
        fprintf(stderr, "bench sha1: out of memory\n");
        return EXIT_FAIL;
    }
    for (size_t i = 0; i < BENCH_BUFFER; i++)
        buf[i] = (uint8_t)(i * 2654435761u >> 13);

    const char *impl = sp_sha1_impl_name(SP_SHA1_BEST); /* the cpuid check, outside the timing */
    double seconds = time_hash(SP_SHA1_BEST, buf, bytes);
    uint64_t portable_bytes = bytes < BENCH_PORTABLE_MAX ? bytes : BENCH_PORTABLE_MAX;
    double portable_seconds = time_hash(SP_SHA1_PORTABLE, buf, portable_bytes);
    free(buf);

    double rate = mb_per_s(bytes, seconds), portable_rate = mb_per_s(portable_bytes, portable_seconds);
    json_out j;
    json_init(&j, stdout);
    json_object_begin(&j);
    json_kv_cstr(&j, "bench", "sha1");
    json_kv_u64(&j, "bytes", bytes);
    json_kv_double(&j, "seconds", seconds);
    json_kv_double(&j, "mb_per_s", rate);
    json_kv_cstr(&j, "impl", impl);
    json_kv_u64(&j, "portable_bytes", portable_bytes);
    json_kv_double(&j, "portable_mb_per_s", portable_rate);
    json_kv_double(&j, "speedup", portable_rate > 0 ? rate / portable_rate : 0);
    json_object_end(&j);
    json_line_end(&j);
    return EXIT_OK;
usage:
    fprintf(stderr, "usage: sippush bench sha1 [--bytes N]\n");
    return EXIT_USAGE;
}
