/* test_tp_unix.c - the local request endpoint over real unix sockets: the
 * file's mode whatever the umask, group access, a regular file or a live
 * server's socket left alone, a stale socket replaced, and every limit at
 * its boundary (connections, bytes held, request size, time). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check_main.h"
#include "loop_run.h"
#include "tp_unix.h"

/* The test's protocol: a request ends at its first LF and is answered
 * "ok N" (N its length); "hold" ones are taken and answered later. */
typedef struct server {
    tp_loop *loop;
    tp_unix *u;
    int requests, refusals;
    bool got;
    tp_unix_refusal why;
    tp_unix_conn *held;
} server;

static int on_data(void *ctx, tp_unix_conn *c, const char *buf, size_t len)
{
    server *s = ctx;
    const char *nl = memchr(buf, '\n', len);
    if (!nl)
        return TP_UNIX_MORE;
    s->requests++;
    s->got = true;
    if (len >= 4 && !memcmp(buf, "hold", 4)) {
        s->held = c;
        return TP_UNIX_TAKEN;
    }
    char line[32];
    int n = snprintf(line, sizeof line, "ok %zu\n", len);
    tp_unix_reply(c, line, (size_t)n);
    return TP_UNIX_TAKEN;
}

static void on_refused(void *ctx, tp_unix_conn *c, tp_unix_refusal why)
{
    server *s = ctx;
    static const char *const names[] = {"busy\n", "too-large\n", "timeout\n"};
    s->refusals++;
    s->why = why;
    s->got = true;
    tp_unix_reply(c, names[why], strlen(names[why]));
}

static char path[108];

static void make_path(void) { snprintf(path, sizeof path, "/tmp/sippush-unix-test-%d.sock", (int)getpid()); }

static int server_open(server *s, tp_unix_limits l, bool group, gid_t gid)
{
    memset(s, 0, sizeof *s);
    s->loop = tp_loop_new();
    ck_assert_ptr_nonnull(s->loop);
    tp_unix_config c = {.path = path, .group_access = group, .group = gid, .limits = l, .ctx = s,
                        .on_data = on_data, .on_refused = on_refused};
    return tp_unix_open(s->loop, &c, &s->u);
}

static void server_close(server *s)
{
    tp_unix_free(s->u);
    tp_loop_free(s->loop);
}

static int client(void)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    return fd;
}

static void put(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
        ck_assert_int_gt(n, 0);
        buf += n;
        len -= (size_t)n;
    }
}

static void put_n(int fd, char c, size_t n)
{
    char *b = malloc(n);
    memset(b, c, n);
    put(fd, b, n);
    free(b);
}

/* Runs the loop until the server saw a request or refusal. */
static void await(server *s)
{
    s->got = false;
    ck_assert(loop_run_until(s->loop, &s->got, 5000));
}

/* What the server answered on fd, up to its close. */
static const char *answer(int fd)
{
    static char buf[64];
    size_t got = 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (got < sizeof buf - 1 && poll(&p, 1, 5000) == 1) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    buf[got] = '\0';
    close(fd);
    return buf;
}

START_TEST(owner_only_whatever_the_umask)
{
    make_path();
    mode_t old = umask(0);
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){0}, false, 0), 0);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_uint_eq(st.st_mode & 07777, 0600);
    int fd = client();
    put(fd, "hello\n", 6);
    await(&s);
    ck_assert_str_eq(answer(fd), "ok 6\n");
    server_close(&s);
    /* the file went with it */
    ck_assert_int_ne(lstat(path, &st), 0);
}
END_TEST

START_TEST(group_access_is_0660_with_that_group)
{
    make_path();
    /* a group the test may give its files: root any, others their own */
    gid_t gid = getuid() == 0 ? 1 : getgid();
    mode_t old = umask(0);
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){0}, true, gid), 0);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 07777, 0660);
    ck_assert_uint_eq(st.st_gid, gid);
    server_close(&s);
}
END_TEST

START_TEST(a_regular_file_is_kept)
{
    make_path();
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("precious", f);
    fclose(f);
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){0}, false, 0), -EEXIST);
    tp_loop_free(s.loop);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_size, 8);
    unlink(path);
}
END_TEST

START_TEST(a_stale_socket_is_replaced)
{
    make_path();
    /* what a crashed server leaves: a socket file nobody listens on */
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    memcpy(sun.sun_path, path, strlen(path));
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    close(fd);
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){0}, false, 0), 0);
    int c = client();
    put(c, "x\n", 2);
    await(&s);
    ck_assert_str_eq(answer(c), "ok 2\n");
    server_close(&s);
}
END_TEST

START_TEST(a_live_servers_socket_is_not_stolen)
{
    make_path();
    server a, b;
    ck_assert_int_eq(server_open(&a, (tp_unix_limits){0}, false, 0), 0);
    struct stat before, after;
    ck_assert_int_eq(stat(path, &before), 0);
    ck_assert_int_eq(server_open(&b, (tp_unix_limits){0}, false, 0), -EADDRINUSE);
    tp_loop_free(b.loop);
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert_uint_eq(before.st_ino, after.st_ino);
    /* the probe's connection came and went; the first still answers */
    loop_run_for(a.loop, 20);
    int c = client();
    put(c, "still\n", 6);
    await(&a);
    ck_assert_str_eq(answer(c), "ok 6\n");
    server_close(&a);
}
END_TEST

START_TEST(connections_at_the_limit)
{
    make_path();
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){.max_conns = 3}, false, 0), 0);
    int fds[3];
    for (int i = 0; i < 3; i++) {
        fds[i] = client();
        put(fds[i], "h", 1);
    }
    loop_run_for(s.loop, 50);
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 3);
    ck_assert_int_eq(s.refusals, 0);
    /* one more: told it is busy, the others stay */
    int extra = client();
    await(&s);
    ck_assert_int_eq(s.why, TP_UNIX_BUSY);
    ck_assert_str_eq(answer(extra), "busy\n");
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 3);
    /* a connection whose request is taken and not yet answered still counts */
    put(fds[0], "old\n", 4);
    await(&s);
    ck_assert_ptr_nonnull(s.held);
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 3);
    extra = client();
    await(&s);
    ck_assert_str_eq(answer(extra), "busy\n");
    tp_unix_reply(s.held, "later\n", 6);
    ck_assert_str_eq(answer(fds[0]), "later\n");
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 2);
    extra = client();
    put(extra, "\n", 1);
    await(&s);
    ck_assert_str_eq(answer(extra), "ok 1\n");
    close(fds[1]);
    close(fds[2]);
    server_close(&s);
}
END_TEST

START_TEST(bytes_held_at_the_limit)
{
    make_path();
    server s;
    /* buffers grow 4096, 8192: one connection may hold the whole 8192 */
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){.max_buffered = 8192, .max_request = 16384}, false, 0), 0);
    int a = client();
    put_n(a, 'a', 5000);
    loop_run_for(s.loop, 50);
    ck_assert_uint_eq(tp_unix_buffered(s.u), 8192);
    ck_assert_int_eq(s.refusals, 0);
    /* a second one needs room that is not there */
    int b = client();
    put(b, "b", 1);
    await(&s);
    ck_assert_int_eq(s.why, TP_UNIX_BUSY);
    ck_assert_str_eq(answer(b), "busy\n");
    /* the first completes within the limit; its bytes are released */
    put(a, "\n", 1);
    await(&s);
    ck_assert_str_eq(answer(a), "ok 5001\n");
    ck_assert_uint_eq(tp_unix_buffered(s.u), 0);
    b = client();
    put(b, "b\n", 2);
    await(&s);
    ck_assert_str_eq(answer(b), "ok 2\n");
    server_close(&s);
}
END_TEST

START_TEST(a_budget_below_one_buffer)
{
    make_path();
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){.max_buffered = 100}, false, 0), 0);
    int a = client();
    put_n(a, 'a', 99);
    put(a, "\n", 1);
    await(&s);
    ck_assert_str_eq(answer(a), "ok 100\n");
    a = client();
    put_n(a, 'a', 100);
    put(a, "\n", 1);
    await(&s);
    ck_assert_int_eq(s.why, TP_UNIX_BUSY);
    ck_assert_str_eq(answer(a), "busy\n");
    server_close(&s);
}
END_TEST

START_TEST(request_size_at_the_limit)
{
    make_path();
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){.max_request = 4096}, false, 0), 0);
    int a = client();
    put_n(a, 'a', 4095);
    put(a, "\n", 1);
    await(&s);
    ck_assert_str_eq(answer(a), "ok 4096\n");
    a = client();
    put_n(a, 'a', 4096);
    put(a, "\n", 1);
    await(&s);
    ck_assert_int_eq(s.why, TP_UNIX_TOO_LARGE);
    ck_assert_str_eq(answer(a), "too-large\n");
    ck_assert_uint_eq(tp_unix_buffered(s.u), 0);
    server_close(&s);
}
END_TEST

START_TEST(a_slow_client_is_timed_out)
{
    make_path();
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){.timeout_ms = 100}, false, 0), 0);
    int a = client();
    put(a, "half a req", 10);
    await(&s);
    ck_assert_int_eq(s.why, TP_UNIX_TIMEOUT);
    ck_assert_str_eq(answer(a), "timeout\n");
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 0);
    ck_assert_uint_eq(tp_unix_buffered(s.u), 0);
    /* a taken request is not timed: it waits for its answer */
    a = client();
    put(a, "hold\n", 5);
    await(&s);
    loop_run_for(s.loop, 250);
    ck_assert_int_eq(s.refusals, 1);
    tp_unix_reply(s.held, "done\n", 5);
    ck_assert_str_eq(answer(a), "done\n");
    server_close(&s);
}
END_TEST

START_TEST(a_peer_gone_early_is_forgotten)
{
    make_path();
    server s;
    ck_assert_int_eq(server_open(&s, (tp_unix_limits){0}, false, 0), 0);
    int a = client();
    put(a, "part", 4);
    loop_run_for(s.loop, 30);
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 1);
    close(a);
    loop_run_for(s.loop, 30);
    ck_assert_uint_eq(tp_unix_conn_count(s.u), 0);
    ck_assert_uint_eq(tp_unix_buffered(s.u), 0);
    ck_assert_int_eq(s.requests + s.refusals, 0);
    server_close(&s);
}
END_TEST

static Suite *tp_unix_suite(void)
{
    Suite *s = suite_create("tp_unix");
    TCase *t = tcase_create("unix");
    tcase_add_test(t, owner_only_whatever_the_umask);
    tcase_add_test(t, group_access_is_0660_with_that_group);
    tcase_add_test(t, a_regular_file_is_kept);
    tcase_add_test(t, a_stale_socket_is_replaced);
    tcase_add_test(t, a_live_servers_socket_is_not_stolen);
    tcase_add_test(t, connections_at_the_limit);
    tcase_add_test(t, bytes_held_at_the_limit);
    tcase_add_test(t, a_budget_below_one_buffer);
    tcase_add_test(t, request_size_at_the_limit);
    tcase_add_test(t, a_slow_client_is_timed_out);
    tcase_add_test(t, a_peer_gone_early_is_forgotten);
    suite_add_tcase(s, t);
    return s;
}

CHECK_MAIN(tp_unix_suite)
