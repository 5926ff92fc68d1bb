/* cmd_demo.c - `sippush demo`: a Push Sender Agent and a Push Receiver Agent
 * on loopback, three pushes, each checked on arrival (CONTRACT.md).
 *
 * The demo drives the program itself, as a user would: `sippush psa` and
 * `sippush recv` run as child processes (the receiver subscribes to the
 * sender's ua-profile event), and `sippush send` pushes a short text by
 * MESSAGE, another by NOTIFY through the subscription (handed to the psa),
 * and a 1 MiB file by INVITE/MSRP in chunks with a success report. The
 * receiver's "push" lines say what arrived; the files are hashed again
 * here. Everything runs in a fresh temporary folder that is removed at the
 * end, and every child is stopped. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>

#include "cli.h"
#include "sp_hex.h"
#include "sp_random.h"
#include "sp_sha1.h"

#define DEMO_WAIT_MS 15000
#define DEMO_LINE_MAX 4096
#define DEMO_BIG (1u << 20)

typedef struct child {
    pid_t pid;
    int out;             /* its stdout, read line by line */
    char buf[1 << 16];
    size_t len;
    const char *name;
} child;

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* A port nobody holds now on 127.0.0.1, for both UDP and TCP. */
static unsigned free_port(void)
{
    for (int tries = 0; tries < 50; tries++) {
        int u = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        unsigned port = 0;
        if (u >= 0 && t >= 0 && bind(u, (struct sockaddr *)&a, sizeof a) == 0 &&
            getsockname(u, (struct sockaddr *)&a, &len) == 0 && bind(t, (struct sockaddr *)&a, sizeof a) == 0)
            port = ntohs(a.sin_port);
        if (u >= 0)
            close(u);
        if (t >= 0)
            close(t);
        if (port)
            return port;
    }
    return 0;
}

/* Starts `sippush ARGS...` with stdout on a pipe (stderr on ours, or on
 * /dev/null when quiet). */
static bool spawn(child *c, const char *name, char *const argv[], bool quiet)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return false;
    c->name = name;
    c->len = 0;
    c->pid = fork();
    if (c->pid < 0) {
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (c->pid == 0) {
        dup2(p[1], STDOUT_FILENO);
        if (quiet) {
            int null = open("/dev/null", O_WRONLY);
            if (null >= 0)
                dup2(null, STDERR_FILENO);
        }
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(p[1]);
    c->out = p[0];
    return true;
}

/* The next line of c's output holding want, waiting at most until deadline;
 * copied into line. Lines before it are skipped. */
static bool next_line(child *c, const char *want, char *line, size_t cap, uint64_t deadline)
{
    for (;;) {
        char *nl;
        while ((nl = memchr(c->buf, '\n', c->len))) {
            size_t n = (size_t)(nl - c->buf);
            bool hit = n < cap && memmem(c->buf, n, want, strlen(want));
            if (hit) {
                memcpy(line, c->buf, n);
                line[n] = '\0';
            }
            memmove(c->buf, nl + 1, c->len - n - 1);
            c->len -= n + 1;
            if (hit)
                return true;
        }
        uint64_t t = now_ms();
        if (t >= deadline || c->len == sizeof c->buf)
            return false;
        struct pollfd pfd = {.fd = c->out, .events = POLLIN};
        if (poll(&pfd, 1, (int)(deadline - t)) <= 0)
            return false;
        ssize_t r = read(c->out, c->buf + c->len, sizeof c->buf - c->len);
        if (r <= 0)
            return false;
        c->len += (size_t)r;
    }
}

static void stop(child *c)
{
    if (c->pid <= 0)
        return;
    kill(c->pid, SIGTERM);
    uint64_t end = now_ms() + 3000;
    int st;
    while (waitpid(c->pid, &st, WNOHANG) == 0) {
        if (now_ms() > end) {
            kill(c->pid, SIGKILL);
            waitpid(c->pid, &st, 0);
            break;
        }
        usleep(10000);
    }
    close(c->out);
    c->pid = 0;
}

/* Runs `sippush ARGS...` to its end; its last stdout line into line. */
static int run(char *const argv[], char *line, size_t cap)
{
    child c;
    if (!spawn(&c, "send", argv, true))
        return -1;
    bool got = next_line(&c, "\"event\"", line, cap, now_ms() + DEMO_WAIT_MS);
    int st = 0;
    waitpid(c.pid, &st, 0);
    close(c.out);
    if (!got)
        line[0] = '\0';
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A string field of one of our JSON lines ("key":"value"), unescaped
 * slashes only: enough for paths, hex digests and method names. */
static bool field(const char *line, const char *key, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *p = strstr(line, pat);
    if (!p)
        return false;
    p += strlen(pat);
    size_t n = 0;
    while (*p && *p != '"' && n + 1 < cap) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p++;
    }
    out[n] = '\0';
    return *p == '"';
}

static bool write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f)
        ok = fclose(f) == 0 && ok;
    return ok;
}

static void sha1_hex(const void *data, size_t len, char out[2 * SP_SHA1_LEN + 1])
{
    uint8_t d[SP_SHA1_LEN];
    sp_sha1(data, len, d);
    sp_hex_encode(d, SP_SHA1_LEN, out);
    out[2 * SP_SHA1_LEN] = '\0';
}

/* The receiver's line for the push whose content hashes to sha; true when
 * the file it names holds exactly that content. */
static bool arrived(child *recv, const char *method, const char *sha, const void *data, size_t len)
{
    char line[DEMO_LINE_MAX], got_sha[64], path[1024], m[16];
    uint64_t deadline = now_ms() + DEMO_WAIT_MS;
    while (next_line(recv, "\"event\":\"push\"", line, sizeof line, deadline)) {
        if (!field(line, "sha1", got_sha, sizeof got_sha) || strcmp(got_sha, sha) ||
            !field(line, "method", m, sizeof m))
            continue;
        size_t flen = 0;
        char *back = field(line, "file", path, sizeof path) ? cli_read_file(path, &flen) : NULL;
        bool same = back && flen == len && !memcmp(back, data, len) && !strcmp(m, method);
        printf("  %-8s %7zu bytes  sha1 %.12s...  %s  -> %s\n", m, len, sha, same ? "verified" : "DIFFERS",
               back ? path : "(no file)");
        free(back);
        return same;
    }
    printf("  %-8s %7zu bytes  did not arrive\n", method, len);
    return false;
}

static void remove_tree(const char *dir)
{
    char cmd[1200];
    /* the folder is ours (mkdtemp) and holds only what the children wrote */
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "demo: could not remove %s\n", dir);
}

int cmd_demo(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: sippush demo\n");
        return EXIT_USAGE;
    }
    char tmp[] = "/tmp/sippush-demo-XXXXXX";
    if (!mkdtemp(tmp)) {
        perror("demo: temporary folder");
        return EXIT_FAIL;
    }
    signal(SIGPIPE, SIG_IGN);
    unsigned psa_port = free_port(), recv_port = free_port();
    while (recv_port == psa_port && psa_port)
        recv_port = free_port();
    char inbox[1100], sock[1100], ctl[1200], to[64], sub[64], listen_u[2][48], listen_t[2][48];
    snprintf(inbox, sizeof inbox, "%s/inbox", tmp);
    snprintf(sock, sizeof sock, "%s/psa.sock", tmp);
    snprintf(ctl, sizeof ctl, "unix:%s", sock);
    snprintf(to, sizeof to, "sip:bob@127.0.0.1:%u", recv_port);
    snprintf(sub, sizeof sub, "sip:psa@127.0.0.1:%u", psa_port);
    snprintf(listen_u[0], sizeof listen_u[0], "udp:127.0.0.1:%u", psa_port);
    snprintf(listen_t[0], sizeof listen_t[0], "tcp:127.0.0.1:%u", psa_port);
    snprintf(listen_u[1], sizeof listen_u[1], "udp:127.0.0.1:%u", recv_port);
    snprintf(listen_t[1], sizeof listen_t[1], "tcp:127.0.0.1:%u", recv_port);
    mkdir(inbox, 0700);

    char *psa_argv[] = {"sippush", "psa", "--listen", listen_u[0], "--listen", listen_t[0], "--control", ctl, NULL};
    char *recv_argv[] = {"sippush", "recv", "--listen", listen_u[1], "--listen", listen_t[1], "--aor",
                         "sip:bob@127.0.0.1", "--app", "wml.ua", "--subscribe", sub, "--out", inbox, NULL};
    child psa = {0}, recv = {0};
    int ok = 0;
    char line[DEMO_LINE_MAX];
    printf("sippush demo: a Push Sender Agent (127.0.0.1:%u) and a Push Receiver Agent (127.0.0.1:%u)\n", psa_port,
           recv_port);
    if (!psa_port || !spawn(&psa, "psa", psa_argv, true) ||
        !next_line(&psa, "\"listening\"", line, sizeof line, now_ms() + DEMO_WAIT_MS)) {
        fprintf(stderr, "demo: the psa did not start\n");
        goto out;
    }
    if (!spawn(&recv, "recv", recv_argv, true) ||
        !next_line(&recv, "\"subscribed\"", line, sizeof line, now_ms() + DEMO_WAIT_MS)) {
        fprintf(stderr, "demo: the receiver did not subscribe to the psa\n");
        goto out;
    }
    printf("the receiver subscribed to the psa's ua-profile event (oma-app)\n");

    /* 1: page mode */
    const char *text = "You have 4 new emails";
    char f1[1200], f2[1200], f3[1200], sha[64];
    snprintf(f1, sizeof f1, "%s/message.txt", tmp);
    write_file(f1, text, strlen(text));
    char *m_argv[] = {"sippush", "send", "--to", to, "--method", "message", "--app", "wml.ua", "--type",
                      "text/plain", f1, NULL};
    int rc = run(m_argv, line, sizeof line);
    printf("MESSAGE: %s\n", line[0] ? line : "(no answer)");
    sha1_hex(text, strlen(text), sha);
    ok += rc == 0 && arrived(&recv, "MESSAGE", sha, text, strlen(text));

    /* 2: through the subscription, handed to the running psa */
    const char *news = "Your subscription has news: 3 new articles";
    snprintf(f2, sizeof f2, "%s/notify.txt", tmp);
    write_file(f2, news, strlen(news));
    char *n_argv[] = {"sippush", "send", "--psa", ctl, "--to", "sip:bob@127.0.0.1", "--method", "notify", "--app",
                      "wml.ua", "--type", "text/plain", f2, NULL};
    rc = run(n_argv, line, sizeof line);
    printf("NOTIFY:  %s\n", line[0] ? line : "(no answer)");
    sha1_hex(news, strlen(news), sha);
    ok += rc == 0 && arrived(&recv, "NOTIFY", sha, news, strlen(news));

    /* 3: session mode, 1 MiB in 16 KiB chunks, confirmed by a REPORT */
    uint8_t *big = malloc(DEMO_BIG);
    if (big && sp_random_bytes(big, DEMO_BIG) == 0) {
        snprintf(f3, sizeof f3, "%s/picture.bin", tmp);
        write_file(f3, big, DEMO_BIG);
        char *i_argv[] = {"sippush", "send", "--to", to, "--method", "invite", "--app", "wml.ua", "--type",
                          "application/octet-stream", "--confirm", "--chunk-size", "16384", f3, NULL};
        rc = run(i_argv, line, sizeof line);
        printf("INVITE:  %s\n", line[0] ? line : "(no answer)");
        sha1_hex(big, DEMO_BIG, sha);
        ok += rc == 0 && arrived(&recv, "INVITE", sha, big, DEMO_BIG);
    }
    free(big);
out:
    stop(&recv);
    stop(&psa);
    remove_tree(tmp);
    printf("demo: %d of 3 pushes delivered and verified\n", ok);
    return ok == 3 ? EXIT_OK : EXIT_FAIL;
}
