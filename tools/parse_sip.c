/* parse_sip.c - JSON output and bench work for sip (placeholder until the parser lands). */
#include "cli.h"

int parse_sip_json(const char *buf, size_t len, bool stream, json_out *j, sp_error *err)
{
    (void)buf, (void)len, (void)stream, (void)j;
    return sp_fail(err, SP_EINVAL, 0, 0, "sip parser not built yet");
}
long bench_parse_sip(const char *buf, size_t len) { (void)buf, (void)len; return -1; }
