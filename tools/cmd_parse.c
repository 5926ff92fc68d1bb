/* cmd_parse.c - `sippush parse sip|sdp|msrp|pap [--stream] [FILE|-]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_usage(void)
{
    fprintf(stderr, "usage: sippush parse sip [--stream] [FILE|-]\n"
                    "       sippush parse sdp|msrp|pap [FILE|-]\n");
    return EXIT_USAGE;
}

int cmd_parse(int argc, char **argv)
{
    const char *kind = NULL, *path = "-";
    bool stream = false, have_path = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--stream"))
            stream = true;
        else if (!kind)
            kind = argv[i];
        else if (!have_path)
            path = argv[i], have_path = true;
        else
            return parse_usage();
    }
    if (!kind || (strcmp(kind, "sip") && strcmp(kind, "sdp") && strcmp(kind, "msrp") && strcmp(kind, "pap")))
        return parse_usage();
    if (stream && strcmp(kind, "sip"))
        return parse_usage();

    size_t len;
    char *buf = cli_read_file(path, &len);
    if (!buf) {
        fprintf(stderr, "error: 0: cannot read %s\n", path);
        return EXIT_FAIL;
    }
    json_out j;
    json_init(&j, stdout);
    sp_error err = {0, "invalid input", 0};
    int rc;
    if (!strcmp(kind, "sip"))
        rc = parse_sip_json(buf, len, stream, &j, &err);
    else if (!strcmp(kind, "sdp"))
        rc = parse_sdp_json(buf, len, &j, &err);
    else if (!strcmp(kind, "pap"))
        rc = parse_pap_json(buf, len, &j, &err);
    else
        rc = parse_msrp_json(buf, len, &j, &err);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "error: %zu: %s\n", err.offset, err.reason ? err.reason : "invalid input");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}
