/* cmd_demo.c - placeholder until the parsers land. */
#include <stdio.h>
#include "cli.h"
int cmd_demo(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "demo: not built yet\n");
    return EXIT_FAIL;
}
