/* runner.c - the main() of the Cortex-M4 test image: the parser suites, the
 * conformance sets through the same code as `sippush parse`, and a scripted
 * receiver session; one "N passed, N failed" line, exit status 1 on any
 * failure. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "check.h"
#include "cli.h"
#include "cross.h"
#include "sets.h"
#include "sp_platform.h"
#include "sp_random.h"

/* The device's clock: the session script moves it. */
uint64_t cross_now_ms;
uint64_t sp_clock_ms(void) { return cross_now_ms; }

/* The device's generator. A test image needs no secrecy, only bytes that
 * differ from draw to draw (xorshift64*, Vigna 2016). */
static int test_random(void *ctx, void *buf, size_t n)
{
    uint64_t *s = ctx;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++) {
        *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
        p[i] = (uint8_t)((*s * 2685821657736338717ull) >> 56);
    }
    return 0;
}

static uint64_t seed = 0x9e3779b97f4a7c15ull;

/* A suite that sets a failing source gives it back with NULL, the host's
 * kernel; on the device that is the image's generator again (linked with
 * --wrap=sp_random_set_source). */
void __real_sp_random_set_source(sp_random_source fn, void *ctx);
void __wrap_sp_random_set_source(sp_random_source fn, void *ctx);
void __wrap_sp_random_set_source(sp_random_source fn, void *ctx)
{
    if (fn)
        __real_sp_random_set_source(fn, ctx);
    else
        __real_sp_random_set_source(test_random, &seed);
}

#define X(t) int cross_##t(void);
CROSS_SUITES
#undef X

/* --- the conformance sets -------------------------------------------- */

static ssize_t count_bytes(void *cookie, const char *buf, size_t n)
{
    (void)buf;
    *(size_t *)cookie += n;
    return (ssize_t)n;
}

/* One input through the parse command's code: a valid input prints JSON, an
 * invalid one is refused (where its .expect says) and prints nothing. */
static const char *conformance_verdict(const conformance_case *c)
{
    size_t printed = 0;
    FILE *out = fopencookie(&printed, "w", (cookie_io_functions_t){.write = count_bytes});
    if (!out)
        return "no stream to print to";
    json_out j;
    json_init(&j, out);
    sp_error err = {0, "invalid input", 0};
    int rc;
    if (!strcmp(c->kind, "sip"))
        rc = parse_sip_json(c->data, c->len, c->stream, &j, &err);
    else if (!strcmp(c->kind, "sdp"))
        rc = parse_sdp_json(c->data, c->len, &j, &err);
    else
        rc = parse_msrp_json(c->data, c->len, &j, &err);
    fclose(out);
    static char why[96];
    if (c->valid && rc != 0)
        snprintf(why, sizeof why, "refused at %lu: %s", (unsigned long)err.offset, err.reason);
    else if (c->valid && printed == 0)
        snprintf(why, sizeof why, "parsed but printed nothing");
    else if (!c->valid && rc == 0)
        snprintf(why, sizeof why, "accepted");
    else if (!c->valid && printed != 0)
        snprintf(why, sizeof why, "refused after printing %lu bytes", (unsigned long)printed);
    else if (!c->valid && c->offset >= 0 && (long)err.offset != c->offset)
        snprintf(why, sizeof why, "refused at %lu, want %ld", (unsigned long)err.offset, c->offset);
    else
        return NULL;
    return why;
}

static void run_conformance(int *passed, int *failed)
{
    for (unsigned i = 0; i < conformance_count; i++) {
        const char *why = conformance_verdict(&conformance_cases[i]);
        if (why) {
            printf("conformance %s/%s: %s\n", conformance_cases[i].kind, conformance_cases[i].name, why);
            ++*failed;
        } else {
            ++*passed;
        }
    }
    printf("conformance: %u inputs\n", conformance_count);
}

int main(void)
{
    /* unbuffered: a run cut short still shows how far it came, and stdio
     * allocates nothing inside a test */
    setvbuf(stdout, NULL, _IONBF, 0);
    sp_random_set_source(NULL, NULL);
#define X(t) cross_##t();
    CROSS_SUITES
#undef X
    int passed = ck_tests_run - ck_tests_failed, failed = ck_tests_failed;
    run_conformance(&passed, &failed);
    cross_session(&passed, &failed);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
