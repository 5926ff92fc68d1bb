/* sippush.c - the command-line program: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"parse", cmd_parse, "parse sip|sdp|msrp|pap [--stream] [FILE|-] print one message as JSON"},
    {"bench", cmd_bench, "bench parse|sha1 [...]                 measure the stack"},
    {"recv", cmd_recv, "recv [--listen ...] [--aor URI] [--registrar URI] [--app ID]...  run a Push Receiver Agent"},
    {"psa", cmd_psa, "psa [--listen ...] [--control unix:PATH]     run a Push Sender Agent"},
    {"send", cmd_send, "send --to URI [--method ...] [--psa CONTROL] FILE|-  push one content"},
    {"demo", cmd_demo, "demo                                    run the loopback demonstration"},
};

static int usage(FILE *f, int status)
{
    fprintf(f, "usage: sippush COMMAND [ARGS]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %s\n", commands[i].summary);
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, EXIT_USAGE);
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
        return usage(stdout, EXIT_OK);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "sippush: unknown command '%s'\n", argv[1]);
    return usage(stderr, EXIT_USAGE);
}
