/* cli.h - the pieces of the sippush program, one file per subcommand.
 *
 * Every command returns the process exit status of CONTRACT.md:
 * 0 success, 1 invalid input or failed operation, 2 usage error. */
#ifndef SIPPUSH_CLI_H
#define SIPPUSH_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "sp_json_impl.h"
#include "sp_error.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

int cmd_parse(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_recv(int argc, char **argv);
int cmd_psa(int argc, char **argv);
int cmd_send(int argc, char **argv);

/* Per-kind output of `sippush parse KIND`. Each validates the whole input
 * first and writes one JSON object (and its newline) only when it is valid;
 * on invalid input it writes nothing, fills *err and returns -1. */
int parse_sip_json(const char *buf, size_t len, bool stream, json_out *j, sp_error *err);
int parse_sdp_json(const char *buf, size_t len, json_out *j, sp_error *err);
int parse_msrp_json(const char *buf, size_t len, json_out *j, sp_error *err);
int parse_pap_json(const char *buf, size_t len, json_out *j, sp_error *err);

/* Per-input work timed by `sippush bench parse`: parse one corpus file the
 * way the stack would and return how many messages (frames) it held, or -1
 * when it did not parse. */
long bench_parse_sip(const char *buf, size_t len);
long bench_parse_sdp(const char *buf, size_t len);
long bench_parse_msrp(const char *buf, size_t len);

/* `sippush bench sha1 ...` */
int bench_sha1(int argc, char **argv);
/* `sippush bench txn ...` */
int bench_txn(int argc, char **argv);
int bench_psa(int argc, char **argv);

/* Reads a whole file ("-" for standard input) into a malloc'd buffer. */
char *cli_read_file(const char *path, size_t *len);

#endif
