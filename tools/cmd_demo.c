/* cmd_demo.c - `sippush demo`: walks the seed flows of OMA Push using SIP
 * (tests/seeds/) through the parsers and says what each message is. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "msrp_frame.h"
#include "sip_hdr.h"
#include "sip_msg.h"

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Calls show() on every file of dir ending in ext, in name order; returns
 * how many failed. */
static int each_file(const char *dir, const char *ext, int (*show)(const char *name, const char *buf, size_t len))
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "demo: cannot open %s (run from the source tree)\n", dir);
        return 1;
    }
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t l = strlen(e->d_name), el = strlen(ext);
        if (l > el && !strcmp(e->d_name + l - el, ext))
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        size_t len;
        char *buf = cli_read_file(path, &len);
        failed += !buf || show(names[i], buf, len) != 0;
        free(buf);
        free(names[i]);
    }
    return failed;
}

static int show_sip(const char *name, const char *buf, size_t len)
{
    sip_header hdrs[SIP_DEFAULT_MAX_HEADERS];
    sip_msg msg;
    sp_error err;
    if (sip_msg_parse(buf, len, &msg, hdrs, SIP_DEFAULT_MAX_HEADERS, NULL, SIP_FRAME_DATAGRAM, &err) < 0 ||
        sip_msg_check(&msg, buf, &err) != 0) {
        printf("  %-40s INVALID at %zu: %s\n", name, err.offset, err.reason);
        return -1;
    }
    sip_via via = {0};
    const sip_header *v = sip_msg_find(&msg, SIP_H_VIA);
    sp_str first_via = v->value, rest = v->value;
    sip_list_next(&rest, &first_via);
    sip_via_parse(first_via, &via, &err);
    if (msg.is_request)
        printf("  %-40s %.*s %.*s", name, (int)msg.method.n, msg.method.p, (int)msg.uri.n, msg.uri.p);
    else
        printf("  %-40s %u %.*s", name, msg.status, (int)msg.reason.n, msg.reason.p);
    printf("  [%.*s via %.*s, %zu-byte body]\n", (int)via.transport.n, via.transport.p, (int)via.host.n,
           via.host.p, msg.body.n);
    return 0;
}

static int show_msrp(const char *name, const char *buf, size_t len)
{
    msrp_parser p;
    msrp_parser_init(&p, NULL);
    size_t off = 0, body = 0;
    msrp_event ev;
    sp_error err;
    while (off < len) {
        int rc = msrp_parse(&p, buf + off, len - off, &ev, &err);
        if (rc < 0) {
            printf("  %-40s INVALID at %zu: %s\n", name, (size_t)err.offset, err.reason);
            return -1;
        }
        off += (size_t)rc;
        if (ev.kind == MSRP_EV_BODY || ev.kind == MSRP_EV_END)
            body += ev.body.n;
        if (ev.kind != MSRP_EV_END)
            continue;
        const msrp_head *h = &p.head;
        sp_str what = h->is_request ? msrp_head_str(h, h->method) : msrp_head_str(h, h->comment);
        printf("  %-40s %s %.*s", name, h->is_request ? "" : "response", (int)what.n, what.p);
        if (!h->is_request)
            printf(" (%u)", h->status);
        sp_str range = msrp_head_get(h, MSRP_H_BYTE_RANGE);
        if (range.p)
            printf("  [Byte-Range %.*s]", (int)range.n, range.p);
        printf("  %zu-byte body, end-line %c\n", body, ev.flag);
        body = 0;
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: sippush demo\n");
        return EXIT_USAGE;
    }
    printf("The SIP messages of the OMA Push using SIP flows:\n");
    int failed = each_file("tests/seeds/sip", ".sip", show_sip);
    printf("The MSRP exchange of the session-mode push flow:\n");
    failed += each_file("tests/seeds/msrp", ".msrp", show_msrp);
    printf("demo: %s\n", failed ? "some messages did not parse" : "every message parsed and checked");
    return failed ? EXIT_FAIL : EXIT_OK;
}
