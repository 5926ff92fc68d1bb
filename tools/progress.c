/* progress.c - the progress bar of an MSRP transfer (invite_host.h). */
#include <stdio.h>
#include <unistd.h>

#include "invite_host.h"

#define PROGRESS_WIDTH 40

void progress_draw(uint64_t done, uint64_t total, uint64_t elapsed_ms)
{
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (!tty || !total)
        return;
    unsigned pct = (unsigned)(done * 100 / total);
    unsigned fill = (unsigned)(done * PROGRESS_WIDTH / total);
    char bar[PROGRESS_WIDTH + 1];
    for (unsigned i = 0; i < PROGRESS_WIDTH; i++)
        bar[i] = i < fill ? '#' : ' ';
    bar[PROGRESS_WIDTH] = '\0';
    double mbs = elapsed_ms ? (double)done / 1e6 / ((double)elapsed_ms / 1000.0) : 0.0;
    fprintf(stderr, "\r[%s] %3u%%  %.1f MB/s", bar, pct, mbs);
    if (done >= total)
        fputc('\n', stderr);
    fflush(stderr);
}
