/* control_flood.c - pushes into a psa's control socket as fast as it takes
 * them: WINDOW connections at once, each a PUSH with "Reply: accepted" to
 * sip:uN@HOST (N the push's number), answered once the push is accepted.
 * Prints {"pushes":N,"accepted":A,"refused":R,"seconds":S,"accepted_per_s":X}.
 *   control_flood PATH PUSHES WINDOW HOST:PORT
 * Built and run by tests/perf/psa_journal_rate.py (POSIX only). */
#define _GNU_SOURCE
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

typedef struct slot {
    int fd;
    char buf[512];
    size_t len;
} slot;

static int open_push(const char *path, long i, const char *dest, slot *s)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
        perror("connect");
        exit(1);
    }
    char body[64], req[512];
    int bn = snprintf(body, sizeof body, "push %ld", i);
    int n = snprintf(req, sizeof req,
                     "PUSH SIPPUSH-CONTROL/1\nTo: sip:u%ld@%s\nMethod: message\nReply: accepted\n"
                     "Content-Type: text/plain\nContent-Length: %d\n\n%s",
                     i, dest, bn, body);
    if (write(fd, req, (size_t)n) != n) {
        perror("write");
        exit(1);
    }
    s->fd = fd;
    s->len = 0;
    return fd;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: control_flood PATH PUSHES WINDOW HOST:PORT\n");
        return 2;
    }
    long pushes = atol(argv[2]), window = atol(argv[3]), sent = 0, accepted = 0, refused = 0;
    if (window > pushes)
        window = pushes;
    slot *slots = calloc((size_t)window, sizeof *slots);
    struct pollfd *pf = calloc((size_t)window, sizeof *pf);
    if (!slots || !pf)
        return 1;
    double t0 = now_s();
    for (long k = 0; k < window; k++)
        pf[k] = (struct pollfd){.fd = open_push(argv[1], sent++, argv[4], &slots[k]), .events = POLLIN};
    long open = window;
    while (open) {
        if (poll(pf, (nfds_t)window, 10000) <= 0) {
            fprintf(stderr, "control_flood: no answer in 10 s\n");
            return 1;
        }
        for (long k = 0; k < window; k++) {
            if (pf[k].fd < 0 || !pf[k].revents)
                continue;
            slot *s = &slots[k];
            ssize_t r = read(s->fd, s->buf + s->len, sizeof s->buf - 1 - s->len);
            if (r > 0) {
                s->len += (size_t)r;
                continue;
            }
            s->buf[s->len] = '\0';
            if (strstr(s->buf, "\"accepted\""))
                accepted++;
            else
                refused++;
            close(s->fd);
            pf[k].fd = -1;
            open--;
            if (sent < pushes) {
                pf[k].fd = open_push(argv[1], sent++, argv[4], s);
                open++;
            }
        }
    }
    double secs = now_s() - t0;
    printf("{\"pushes\":%ld,\"accepted\":%ld,\"refused\":%ld,\"seconds\":%.3f,\"accepted_per_s\":%.0f}\n", pushes,
           accepted, refused, secs, accepted / secs);
    return 0;
}
