/* parse_msrp.c - JSON output and bench work for msrp (placeholder until the parser lands). */
#include "cli.h"

int parse_msrp_json(const char *buf, size_t len, json_out *j, sp_error *err)
{
    (void)buf, (void)len, (void)j;
    return sp_fail(err, SP_EINVAL, 0, 0, "msrp parser not built yet");
}
long bench_parse_msrp(const char *buf, size_t len) { (void)buf, (void)len; return -1; }
