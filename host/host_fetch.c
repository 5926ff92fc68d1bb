/* host_fetch.c - see host_fetch_impl.h. */
#include "host_fetch_impl.h"
#include "sp_platform.h"

#if SP_HAVE_THREADS
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "push_indirect.h"

struct host_fetcher {
    tp_loop *loop;
    push_pra *agent;
    int fds[2]; /* results: read end watched by the loop */
};

/* One fetch: the worker fills it and writes its pointer to the pipe. */
typedef struct fetch_job {
    uint64_t id;
    char *url;
    uint64_t max;
    int wfd;
    unsigned status;
    char *data;
    size_t len, cap;
    char content_type[128];
} fetch_job;

static int sink(void *ctx, const char *p, size_t n)
{
    fetch_job *j = ctx;
    if (j->len + n > j->cap) {
        size_t cap = j->cap ? j->cap : 4096;
        while (cap < j->len + n)
            cap *= 2;
        char *grown = realloc(j->data, cap);
        if (!grown)
            return -1;
        j->data = grown;
        j->cap = cap;
    }
    memcpy(j->data + j->len, p, n);
    j->len += n;
    return 0;
}

static void *worker(void *arg)
{
    fetch_job *j = arg;
    push_http_result res;
    sp_error err;
    if (push_http_fetch(sp_str_cstr(j->url), PUSH_PRA_FETCH_TIMEOUT_MS, j->max, sink, j, &res, &err) == 0) {
        j->status = res.status;
        snprintf(j->content_type, sizeof j->content_type, "%s", res.content_type);
    } else {
        j->status = err.status ? (unsigned)err.status : 502;
    }
    if (write(j->wfd, &j, sizeof j) != (ssize_t)sizeof j) {
        free(j->data);
        free(j->url);
        free(j);
    }
    return NULL;
}

static void on_result(tp_loop *loop, int fd, unsigned events, void *ctx)
{
    (void)loop, (void)events;
    host_fetcher *f = ctx;
    fetch_job *j;
    while (read(fd, &j, sizeof j) == (ssize_t)sizeof j) {
        if (f->agent)
            push_pra_fetch_done(f->agent, j->id, j->status, sp_str_cstr(j->content_type), j->data, j->len);
        free(j->data);
        free(j->url);
        free(j);
    }
}

host_fetcher *host_fetcher_new(tp_loop *loop)
{
    host_fetcher *f = calloc(1, sizeof *f);
    if (!f || pipe2(f->fds, O_CLOEXEC | O_NONBLOCK) != 0 || tp_loop_fd_add(loop, f->fds[0], TP_EV_READ, on_result, f) != 0) {
        free(f);
        return NULL;
    }
    f->loop = loop;
    return f;
}

void host_fetcher_set_agent(host_fetcher *f, push_pra *agent) { f->agent = agent; }

void host_fetcher_start(void *ctx, uint64_t id, sp_str url, uint64_t max)
{
    host_fetcher *f = ctx;
    fetch_job *j = calloc(1, sizeof *j);
    pthread_t t;
    pthread_attr_t attr;
    if (j && (j->url = strndup(url.p, url.n)) != NULL) {
        j->id = id;
        j->max = max;
        j->wfd = f->fds[1];
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, worker, j);
        pthread_attr_destroy(&attr);
        if (rc == 0)
            return;
        free(j->url);
    }
    free(j);
    push_pra_fetch_done(f->agent, id, 503, SP_STR_NULL, NULL, 0);
}

void host_fetcher_free(host_fetcher *f)
{
    if (!f)
        return;
    tp_loop_fd_del(f->loop, f->fds[0]);
    close(f->fds[0]);
    /* the write end stays open for workers still running: they finish into
     * a pipe nobody reads, and the process is about to exit */
    free(f);
}

#else /* no threads: no fetcher, and the receiver refuses indirect content (415) */

host_fetcher *host_fetcher_new(tp_loop *loop)
{
    (void)loop;
    return NULL;
}

void host_fetcher_set_agent(host_fetcher *f, push_pra *agent) { (void)f, (void)agent; }

void host_fetcher_start(void *ctx, uint64_t id, sp_str url, uint64_t max) { (void)ctx, (void)id, (void)url, (void)max; }

void host_fetcher_free(host_fetcher *f) { (void)f; }

#endif
