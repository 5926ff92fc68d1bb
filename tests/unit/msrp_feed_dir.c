/* msrp_feed_dir.c - feed_list_dir over the file system (msrp_feed.h). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msrp_feed.h"

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

size_t feed_list_dir(const char *dir, char **paths, size_t max)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".msrp") != 0)
            continue;
        size_t need = strlen(dir) + l + 2;
        paths[n] = malloc(need);
        snprintf(paths[n], need, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(paths, n, sizeof *paths, cmp_names);
    return n;
}
