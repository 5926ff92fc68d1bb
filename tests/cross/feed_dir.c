/* feed_dir.c - feed_list_dir (msrp_feed.h) on the device, where semihosting
 * opens files but lists no folder: the names come from the listing the
 * build wrote (build/cross/corpus_list.c); the files are read from the host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_feed.h"

extern const char cross_corpus_dir[];
extern const char *const cross_corpus_names[];
extern const unsigned cross_corpus_count;

size_t feed_list_dir(const char *dir, char **paths, size_t max)
{
    if (strcmp(dir, cross_corpus_dir) != 0)
        return 0;
    size_t n = 0;
    for (unsigned i = 0; i < cross_corpus_count && n < max; i++) {
        size_t need = strlen(dir) + strlen(cross_corpus_names[i]) + 2;
        if (!(paths[n] = malloc(need)))
            abort();
        snprintf(paths[n], need, "%s/%s", dir, cross_corpus_names[i]);
        n++;
    }
    return n;
}
