/* bench_sha1.c - placeholder until SHA-1 lands. */
#include <stdio.h>
#include "cli.h"
int bench_sha1(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "bench sha1: not built yet\n");
    return EXIT_FAIL;
}
