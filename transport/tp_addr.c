/* tp_addr.c - see tp_addr.h. */
#include "tp_addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "sp_error.h"
#include "sp_str.h"

/* A numeric host (no brackets) into out; inet_pton wants a C string, so the
 * host is copied into a bounded local buffer first. */
static bool host_parse(const char *host, size_t n, uint16_t port, tp_addr *out)
{
    char text[TP_ADDR_HOST_MAX + 1];
    if (n == 0 || n > TP_ADDR_HOST_MAX || memchr(host, '\0', n))
        return false;
    memcpy(text, host, n);
    text[n] = '\0';
    memset(out, 0, sizeof *out);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
    if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        out->len = sizeof *v4;
        return true;
    }
    if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        out->len = sizeof *v6;
        return true;
    }
    out->len = 0;
    return false;
}

static bool port_parse(const char *p, size_t n, uint16_t *port)
{
    uint64_t v;
    if (n > 5 || !sp_str_to_u64(sp_str_make(p, n), 65535, &v))
        return false;
    *port = (uint16_t)v;
    return true;
}

int tp_addr_parse(const char *buf, size_t len, uint16_t default_port, tp_addr *out)
{
    const char *host = buf;
    size_t host_n = len;
    uint16_t port = default_port;
    const char *end = buf + len;
    if (len >= TP_ADDR_STRLEN)
        return SP_EINVAL;
    if (len > 0 && buf[0] == '[') {
        const char *close = memchr(buf, ']', len);
        if (!close)
            return SP_EINVAL;
        host = buf + 1;
        host_n = (size_t)(close - host);
        const char *rest = close + 1;
        if (rest < end && (*rest != ':' || !port_parse(rest + 1, (size_t)(end - rest - 1), &port)))
            return SP_EINVAL;
        /* Brackets are for IPv6 only. */
        if (!host_parse(host, host_n, port, out) || out->ss.ss_family != AF_INET6)
            return SP_EINVAL;
        return (int)len;
    }
    const char *colon = memchr(buf, ':', len);
    /* One colon: IPv4 with a port; more: a bare IPv6 without a port. */
    if (colon && !memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
        host_n = (size_t)(colon - buf);
        if (!port_parse(colon + 1, (size_t)(end - colon - 1), &port))
            return SP_EINVAL;
        if (!host_parse(host, host_n, port, out) || out->ss.ss_family != AF_INET)
            return SP_EINVAL;
        return (int)len;
    }
    return host_parse(host, host_n, port, out) ? (int)len : SP_EINVAL;
}

/* The system resolver's answers for a name (BLOCKING): 0 with *res to
 * free, SP_EINVAL for an empty, over-long or NUL-holding name, -ENOENT. */
static int lookup(const char *host, size_t len, int family, struct addrinfo **res)
{
    char name[TP_ADDR_NAME_MAX + 1];
    if (len == 0 || len > TP_ADDR_NAME_MAX || memchr(host, '\0', len))
        return SP_EINVAL;
    memcpy(name, host, len);
    name[len] = '\0';
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_DGRAM};
    *res = NULL;
    if (getaddrinfo(name, NULL, &hints, res) != 0 || !*res)
        return -ENOENT;
    return 0;
}

int tp_addr_resolve(const char *host, size_t len, uint16_t port, int family, tp_addr *out)
{
    if (host_parse(host, len, port, out)) {
        if (family == AF_UNSPEC || family == out->ss.ss_family)
            return 0;
        return -ENOENT;
    }
    struct addrinfo *res;
    int rc = lookup(host, len, family, &res);
    if (rc != 0)
        return rc;
    bool ok = false;
    for (struct addrinfo *ai = res; ai && !ok; ai = ai->ai_next)
        ok = tp_addr_from_sockaddr(out, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(res);
    if (!ok)
        return -ENOENT;
    tp_addr_set_port(out, port);
    return 0;
}

static bool is_localhost(const char *host, size_t len)
{
    if (len && host[len - 1] == '.')
        len--; /* the absolute form */
    return sp_str_caseeq_cstr(sp_str_make(host, len), "localhost");
}

/* Appends a unless it is there already; false when out is full. */
static bool add_unique(tp_addr *out, size_t *n, size_t max, const tp_addr *a)
{
    for (size_t i = 0; i < *n; i++)
        if (tp_addr_eq(&out[i], a))
            return true;
    if (*n >= max)
        return false;
    out[(*n)++] = *a;
    return true;
}

int tp_addr_resolve_all(const char *host, size_t len, uint16_t port, tp_addr *out, size_t max)
{
    tp_addr a;
    size_t n = 0;
    if (len >= 2 && host[0] == '[') {
        if (host[len - 1] != ']' || !host_parse(host + 1, len - 2, port, &a) || a.ss.ss_family != AF_INET6)
            return SP_EINVAL;
        return add_unique(out, &n, max, &a) ? 1 : SP_ELIMIT;
    }
    if (host_parse(host, len, port, &a))
        return add_unique(out, &n, max, &a) ? 1 : SP_ELIMIT;
    if (len == 0 || len > TP_ADDR_NAME_MAX || memchr(host, '\0', len))
        return SP_EINVAL;
    if (is_localhost(host, len)) {
        tp_addr lo4, lo6;
        tp_addr_loopback(&lo4, AF_INET, port);
        tp_addr_loopback(&lo6, AF_INET6, port);
        return add_unique(out, &n, max, &lo4) && add_unique(out, &n, max, &lo6) ? (int)n : SP_ELIMIT;
    }
    struct addrinfo *res;
    int rc = lookup(host, len, AF_UNSPEC, &res);
    if (rc != 0)
        return rc;
    bool fits = true;
    for (struct addrinfo *ai = res; ai && fits; ai = ai->ai_next)
        if (tp_addr_from_sockaddr(&a, ai->ai_addr, ai->ai_addrlen)) {
            tp_addr_set_port(&a, port);
            fits = add_unique(out, &n, max, &a);
        }
    freeaddrinfo(res);
    if (!fits)
        return SP_ELIMIT;
    return n ? (int)n : -ENOENT;
}

bool tp_addr_from_sockaddr(tp_addr *out, const struct sockaddr *sa, socklen_t len)
{
    socklen_t need;
    if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
        need = sizeof(struct sockaddr_in);
    else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
        need = sizeof(struct sockaddr_in6);
    else
        need = 0;
    /* sa may point into *out (a receive buffer's own address slot). */
    struct sockaddr_storage copy;
    memcpy(&copy, sa, need);
    memset(out, 0, sizeof *out);
    memcpy(&out->ss, &copy, need);
    out->len = need;
    return need != 0;
}

void tp_addr_any(tp_addr *out, int family, uint16_t port)
{
    memset(out, 0, sizeof *out);
    if (family == AF_INET6) {
        struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
        v6->sin6_family = AF_INET6;
        v6->sin6_addr = in6addr_any;
        v6->sin6_port = htons(port);
        out->len = sizeof *v6;
    } else {
        struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
        v4->sin_family = AF_INET;
        v4->sin_addr.s_addr = htonl(INADDR_ANY);
        v4->sin_port = htons(port);
        out->len = sizeof *v4;
    }
}

void tp_addr_loopback(tp_addr *out, int family, uint16_t port)
{
    tp_addr_any(out, family, port);
    if (family == AF_INET6)
        ((struct sockaddr_in6 *)&out->ss)->sin6_addr = in6addr_loopback;
    else
        ((struct sockaddr_in *)&out->ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

uint16_t tp_addr_port(const tp_addr *a)
{
    switch (tp_addr_family(a)) {
    case AF_INET:
        return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
    case AF_INET6:
        return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
    default:
        return 0;
    }
}

void tp_addr_set_port(tp_addr *a, uint16_t port)
{
    if (tp_addr_family(a) == AF_INET)
        ((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
    else if (tp_addr_family(a) == AF_INET6)
        ((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

bool tp_addr_eq(const tp_addr *a, const tp_addr *b)
{
    if (tp_addr_family(a) != tp_addr_family(b))
        return false;
    if (tp_addr_family(a) == AF_INET) {
        const struct sockaddr_in *x = (const void *)&a->ss, *y = (const void *)&b->ss;
        return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
    }
    if (tp_addr_family(a) == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;
        return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
               memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
    }
    return true; /* two empty addresses */
}

/* FNV-1a over the bytes tp_addr_eq compares. */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

uint32_t tp_addr_hash(const tp_addr *a)
{
    uint32_t h = 2166136261u;
    if (tp_addr_family(a) == AF_INET) {
        const struct sockaddr_in *x = (const void *)&a->ss;
        h = fnv(h, &x->sin_addr, sizeof x->sin_addr);
        h = fnv(h, &x->sin_port, sizeof x->sin_port);
    } else if (tp_addr_family(a) == AF_INET6) {
        const struct sockaddr_in6 *x = (const void *)&a->ss;
        h = fnv(h, &x->sin6_addr, sizeof x->sin6_addr);
        h = fnv(h, &x->sin6_port, sizeof x->sin6_port);
        h = fnv(h, &x->sin6_scope_id, sizeof x->sin6_scope_id);
    }
    return h;
}

size_t tp_addr_format_host(const tp_addr *a, char *buf, size_t size)
{
    char text[TP_ADDR_HOST_MAX + 1] = "";
    if (tp_addr_family(a) == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->ss)->sin_addr, text, sizeof text);
    else if (tp_addr_family(a) == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, text, sizeof text);
    int n = snprintf(buf, size, "%s", text);
    return n > 0 ? (size_t)n : 0;
}

size_t tp_addr_format(const tp_addr *a, char *buf, size_t size)
{
    char host[TP_ADDR_HOST_MAX + 1];
    tp_addr_format_host(a, host, sizeof host);
    const char *fmt = tp_addr_family(a) == AF_INET6 ? "[%s]:%u" : "%s:%u";
    int n = snprintf(buf, size, fmt, host, (unsigned)tp_addr_port(a));
    return n > 0 ? (size_t)n : 0;
}
