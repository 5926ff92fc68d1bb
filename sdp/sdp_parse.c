/* sdp_parse.c - see sdp_parse.h. */
#include "sdp_parse.h"

#include <limits.h>
#include <string.h>

#include "sdp_lex_impl.h"

/* Where each line type may stand in the session part (RFC 8866 §5: v o s i u
 * e p c b (t r*)+ z k a, then m). A line may follow any line of a lower rank;
 * lines of the same rank may repeat only where the grammar says so. */
enum { R_V, R_O, R_S, R_I, R_U, R_E, R_P, R_C, R_B, R_T, R_R, R_Z, R_K, R_A, R_M, R_NONE };
/* The same inside a media section: m i c b k a. */
enum { M_M, M_I, M_C, M_B, M_K, M_A, M_NONE };

typedef struct parser {
    const char *buf;
    sp_error *err;
    sdp_session *s;
    sdp_media *media;
    size_t max_media;
    sdp_attr *attrs;
    size_t max_attrs, nattrs;
    sdp_media *cur; /* the media section being read, NULL in the session part */
    int last;       /* rank of the previous line in the current part, -1 before any */
} parser;

static int fail_at(const parser *ps, const char *at, const char *reason)
{
    return sp_fail(ps->err, SP_EINVAL, (size_t)(at - ps->buf), 400, reason);
}

static int session_rank(char type)
{
    switch (type) {
    case 'v': return R_V;
    case 'o': return R_O;
    case 's': return R_S;
    case 'i': return R_I;
    case 'u': return R_U;
    case 'e': return R_E;
    case 'p': return R_P;
    case 'c': return R_C;
    case 'b': return R_B;
    case 't': return R_T;
    case 'r': return R_R;
    case 'z': return R_Z;
    case 'k': return R_K;
    case 'a': return R_A;
    case 'm': return R_M;
    default: return R_NONE;
    }
}

static int media_rank(char type)
{
    switch (type) {
    case 'm': return M_M;
    case 'i': return M_I;
    case 'c': return M_C;
    case 'b': return M_B;
    case 'k': return M_K;
    case 'a': return M_A;
    default: return M_NONE;
    }
}

static bool session_repeatable(int rank)
{
    return rank == R_E || rank == R_P || rank == R_B || rank == R_T || rank == R_R || rank == R_A;
}

/* Splits v at single spaces into at most max fields, the last one taking the
 * rest of the value. Returns the number of fields, or 0 with *bad set when a
 * field is empty (a leading, trailing or doubled space). */
static size_t split_fields(sp_str v, sp_str *f, size_t max, const char **bad)
{
    const char *p = v.p, *end = v.p + v.n;
    size_t n = 0;
    for (;;) {
        const char *sp = n + 1 < max ? sdp_find(p, ' ', (size_t)(end - p)) : NULL;
        const char *fe = sp ? sp : end;
        if (fe == p) {
            *bad = p;
            return 0;
        }
        f[n++] = sp_str_make(p, (size_t)(fe - p));
        if (!sp)
            return n;
        p = sp + 1;
        if (p == end) {
            *bad = sp;
            return 0;
        }
    }
}

/* non-ws-string: visible bytes and anything above 0x7F. */
static bool non_ws(sp_str s)
{
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++)
        if ((unsigned char)s.p[i] <= 0x20 || s.p[i] == 0x7f)
            return false;
    return true;
}

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> */
static int parse_origin(const parser *ps, const char *line, sp_str v, sdp_origin *o)
{
    sp_str f[6];
    const char *bad = line;
    size_t n = split_fields(v, f, 6, &bad);
    if (n == 0)
        return fail_at(ps, bad, "o= line: empty field");
    if (n != 6)
        return fail_at(ps, line, "o= line needs 6 fields");
    if (!non_ws(f[0]))
        return fail_at(ps, f[0].p, "o= line: bad username");
    if (!sdp_all(f[1], SDP_C_DIGIT))
        return fail_at(ps, f[1].p, "o= line: sess-id is not a number");
    if (!sdp_all(f[2], SDP_C_DIGIT))
        return fail_at(ps, f[2].p, "o= line: sess-version is not a number");
    if (!sdp_is_token(f[3]))
        return fail_at(ps, f[3].p, "o= line: bad nettype");
    if (!sdp_is_token(f[4]))
        return fail_at(ps, f[4].p, "o= line: bad addrtype");
    if (!non_ws(f[5]))
        return fail_at(ps, f[5].p, "o= line: bad address");
    *o = (sdp_origin){f[0], f[1], f[2], f[3], f[4], f[5]};
    return 0;
}

/* c=<nettype> <addrtype> <connection-address> */
static int parse_conn(const parser *ps, const char *line, sp_str v, sdp_conn *c)
{
    sp_str f[3];
    const char *bad = line;
    size_t n = split_fields(v, f, 3, &bad);
    if (n == 0)
        return fail_at(ps, bad, "c= line: empty field");
    if (n != 3)
        return fail_at(ps, line, "c= line needs 3 fields");
    if (!sdp_is_token(f[0]))
        return fail_at(ps, f[0].p, "c= line: bad nettype");
    if (!sdp_is_token(f[1]))
        return fail_at(ps, f[1].p, "c= line: bad addrtype");
    if (!non_ws(f[2]))
        return fail_at(ps, f[2].p, "c= line: bad address");
    *c = (sdp_conn){f[0], f[1], f[2]};
    return 0;
}

/* b=<bwtype>:<bandwidth> */
static int parse_bandwidth(const parser *ps, const char *line, sp_str v)
{
    const char *colon = sdp_find(v.p, ':', v.n);
    if (!colon)
        return fail_at(ps, line, "b= line needs bwtype:bandwidth");
    sp_str type = sp_str_make(v.p, (size_t)(colon - v.p));
    sp_str bw = sp_str_make(colon + 1, v.n - type.n - 1);
    if (!sdp_is_token(type))
        return fail_at(ps, v.p, "b= line: bad bwtype");
    if (!sdp_all(bw, SDP_C_DIGIT))
        return fail_at(ps, bw.p, "b= line: bandwidth is not a number");
    return 0;
}

/* t=<start-time> <stop-time> */
static int parse_time(const parser *ps, const char *line, sp_str v, uint64_t *start, uint64_t *stop)
{
    sp_str f[2];
    const char *bad = line;
    size_t n = split_fields(v, f, 2, &bad);
    if (n == 0)
        return fail_at(ps, bad, "t= line: empty field");
    if (n != 2)
        return fail_at(ps, line, "t= line needs start and stop times");
    for (size_t i = 0; i < 2; i++) {
        if (!sdp_all(f[i], SDP_C_DIGIT))
            return fail_at(ps, f[i].p, "t= line: time is not a number");
        if (!sp_str_to_u64(f[i], UINT64_MAX, i ? stop : start))
            return fail_at(ps, f[i].p, "t= line: time out of range");
    }
    return 0;
}

/* typed-time = 1*DIGIT [fixed-len-time-unit] */
static bool typed_time(sp_str s)
{
    if (s.n && (s.p[s.n - 1] == 'd' || s.p[s.n - 1] == 'h' || s.p[s.n - 1] == 'm' || s.p[s.n - 1] == 's'))
        s.n--;
    return sdp_all(s, SDP_C_DIGIT);
}

/* r=<repeat interval> <active duration> <offsets from start-time>...
 * z=<adjustment time> <offset> ... ; fields are single-space separated. */
static int parse_repeat_or_zone(const parser *ps, const char *line, sp_str v, bool zone)
{
    size_t count = 0;
    const char *p = v.p, *end = v.p + v.n;
    while (p <= end) {
        const char *sp = sdp_find(p, ' ', (size_t)(end - p));
        const char *fe = sp ? sp : end;
        sp_str f = sp_str_make(p, (size_t)(fe - p));
        bool ok;
        if (zone && count % 2 == 0)
            ok = sdp_all(f, SDP_C_DIGIT);
        else if (zone && f.n && f.p[0] == '-')
            ok = typed_time(sp_str_make(f.p + 1, f.n - 1));
        else
            ok = typed_time(f);
        if (!ok)
            return fail_at(ps, p, zone ? "z= line: bad time or offset" : "r= line: bad typed time");
        count++;
        if (!sp)
            break;
        p = sp + 1;
    }
    if (zone ? (count % 2 != 0) : count < 3)
        return fail_at(ps, line, zone ? "z= line needs time and offset pairs" : "r= line needs at least 3 fields");
    return 0;
}

/* k=<method> or k=<method>:<encryption key> */
static int parse_key(const parser *ps, sp_str v)
{
    const char *colon = sdp_find(v.p, ':', v.n);
    sp_str method = sp_str_make(v.p, colon ? (size_t)(colon - v.p) : v.n);
    if (!sdp_is_token(method))
        return fail_at(ps, v.p, "k= line: bad method");
    if (colon && colon + 1 == v.p + v.n)
        return fail_at(ps, colon, "k= line: empty key");
    return 0;
}

/* a=<attribute> or a=<attribute>:<value> */
static int parse_attr(parser *ps, const char *line, sp_str v)
{
    if (ps->nattrs == ps->max_attrs)
        return sp_fail(ps->err, SP_ELIMIT, (size_t)(line - ps->buf), 488, "too many attributes");
    /* att-field = token, then ':' or the end of the line */
    size_t i = (size_t)(sdp_token_span(v.p, v.p + v.n) - v.p);
    if (i == 0 || (i < v.n && v.p[i] != ':'))
        return fail_at(ps, v.p + i, "a= line: bad attribute name");
    const char *colon = i < v.n ? v.p + i : NULL;
    sp_str name = sp_str_make(v.p, i);
    sdp_attr *a = &ps->attrs[ps->nattrs++];
    a->name = name;
    if (colon) {
        a->value = sp_str_make(colon + 1, v.n - name.n - 1);
        if (a->value.n == 0)
            return fail_at(ps, colon, "a= line: empty attribute value");
    } else {
        a->value = SP_STR_NULL;
    }
    return 0;
}

/* m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static int parse_media(const parser *ps, const char *line, sp_str v, sdp_media *m)
{
    sp_str f[4];
    const char *bad = line;
    size_t n = split_fields(v, f, 4, &bad);
    if (n == 0)
        return fail_at(ps, bad, "m= line: empty field");
    if (n != 4)
        return fail_at(ps, line, "m= line needs media, port, proto and formats");
    if (!sdp_is_token(f[0]))
        return fail_at(ps, f[0].p, "m= line: bad media");
    const char *slash = sdp_find(f[1].p, '/', f[1].n);
    sp_str port = sp_str_make(f[1].p, slash ? (size_t)(slash - f[1].p) : f[1].n);
    uint64_t num;
    if (!sdp_all(port, SDP_C_DIGIT) || !sp_str_to_u64(port, 65535, &num))
        return fail_at(ps, f[1].p, "m= line: bad port");
    m->port = (uint16_t)num;
    m->port_count = 1;
    if (slash) {
        sp_str count = sp_str_make(slash + 1, f[1].n - port.n - 1);
        if (!sdp_all(count, SDP_C_DIGIT) || !sp_str_to_u64(count, 65535, &num) || num == 0)
            return fail_at(ps, slash + 1, "m= line: bad number of ports");
        m->port_count = (uint16_t)num;
    }
    /* proto = token *("/" token) */
    sp_str proto = f[2];
    size_t start = 0;
    for (size_t i = 0; i <= proto.n; i++) {
        if (i == proto.n || proto.p[i] == '/') {
            if (!sdp_is_token(sp_str_make(proto.p + start, i - start)))
                return fail_at(ps, proto.p + start, "m= line: bad proto");
            start = i + 1;
        }
    }
    /* fmt *(SP fmt), fmt = token */
    start = 0;
    for (size_t i = 0; i <= f[3].n; i++) {
        if (i == f[3].n || f[3].p[i] == ' ') {
            if (!sdp_is_token(sp_str_make(f[3].p + start, i - start)))
                return fail_at(ps, f[3].p + start, "m= line: bad format");
            start = i + 1;
        }
    }
    m->media = f[0];
    m->proto = proto;
    m->formats = f[3];
    return 0;
}

/* Text fields (s=, i=) may hold any byte but NUL, CR and LF, and may start
 * with a space ("s= " is the RFC 8866 §5.3 name of an unnamed session). The
 * structured ones may not start with white space (RFC 8866 §5). */
static int check_structured(const parser *ps, const char *line, sp_str v)
{
    if (v.n == 0)
        return fail_at(ps, line, "empty value");
    if (sdp_is(v.p[0], SDP_C_WS))
        return fail_at(ps, v.p, "white space after '='");
    return 0;
}

static int start_media(parser *ps, const char *line, sp_str v)
{
    sdp_session *s = ps->s;
    if (s->nmedia == ps->max_media)
        return sp_fail(ps->err, SP_ELIMIT, (size_t)(line - ps->buf), 488, "too many media descriptions");
    sdp_media *m = &ps->media[s->nmedia];
    memset(m, 0, sizeof *m);
    int rc = parse_media(ps, line, v, m);
    if (rc)
        return rc;
    m->attrs = ps->attrs + ps->nattrs;
    m->text = sp_str_make(line, 0);
    s->nmedia++;
    ps->cur = m;
    ps->last = M_M;
    return 0;
}

static int session_line(parser *ps, char type, const char *line, sp_str v)
{
    sdp_session *s = ps->s;
    int rank = session_rank(type);
    if (rank == R_NONE)
        return fail_at(ps, line, "unknown line type");
    if (ps->last < 0 && rank != R_V)
        return fail_at(ps, line, "first line must be v=");
    if (rank < ps->last && !(rank == R_T && ps->last == R_R))
        return fail_at(ps, line, "line out of order");
    if (rank == ps->last && !session_repeatable(rank))
        return fail_at(ps, line, "line must not repeat");
    /* Ranks never go back, so a mandatory line is missing exactly when a
     * later one comes first. */
    if (rank > R_O && ps->last < R_O)
        return fail_at(ps, line, "missing o= line");
    if (rank > R_S && ps->last < R_S)
        return fail_at(ps, line, "missing s= line");
    if (rank > R_R && ps->last < R_T)
        return fail_at(ps, line, "missing t= line");
    if (rank == R_R && ps->last < R_T)
        return fail_at(ps, line, "r= line without t= line");
    if (rank == R_M)
        return start_media(ps, line, v);
    ps->last = rank;

    if (rank != R_S && rank != R_I) {
        int rc = check_structured(ps, line, v);
        if (rc)
            return rc;
    } else if (v.n == 0) {
        return fail_at(ps, line, "empty text field");
    }
    switch (rank) {
    case R_V:
        if (v.n == 1 && v.p[0] == '0')
            return 0;
        return fail_at(ps, v.p, sdp_all(v, SDP_C_DIGIT) ? "unsupported SDP version" : "bad v= line");
    case R_O: return parse_origin(ps, line, v, &s->origin);
    case R_S: s->name = v; return 0;
    case R_I: s->info = v; return 0;
    case R_U: s->uri = v; return non_ws(v) ? 0 : fail_at(ps, v.p, "u= line: bad URI");
    case R_E: if (!s->email.p) s->email = v; return 0;
    case R_P: if (!s->phone.p) s->phone = v; return 0;
    case R_C: return parse_conn(ps, line, v, &s->conn);
    case R_B:
        if (!s->bandwidth.p)
            s->bandwidth = v;
        return parse_bandwidth(ps, line, v);
    case R_T: {
        uint64_t start, stop;
        int rc = parse_time(ps, line, v, &start, &stop);
        if (rc == 0 && s->ntimes++ == 0)
            s->start_time = start, s->stop_time = stop;
        return rc;
    }
    case R_R: return parse_repeat_or_zone(ps, line, v, false);
    case R_Z: return parse_repeat_or_zone(ps, line, v, true);
    case R_K: s->key = v; return parse_key(ps, v);
    default: {
        int rc = parse_attr(ps, line, v);
        if (rc == 0)
            s->nattrs++;
        return rc;
    }
    }
}

static int media_line(parser *ps, char type, const char *line, sp_str v)
{
    sdp_media *m = ps->cur;
    int rank = media_rank(type);
    if (rank == M_NONE)
        return fail_at(ps, line, session_rank(type) == R_NONE ? "unknown line type"
                                                                 : "line not allowed in a media description");
    if (rank == M_M)
        return start_media(ps, line, v);
    if (rank < ps->last)
        return fail_at(ps, line, "line out of order");
    if (rank == ps->last && rank != M_B && rank != M_A)
        return fail_at(ps, line, "line must not repeat");
    ps->last = rank;
    if (rank == M_I) {
        if (v.n == 0)
            return fail_at(ps, line, "empty text field");
        m->info = v;
        return 0;
    }
    int rc = check_structured(ps, line, v);
    if (rc)
        return rc;
    switch (rank) {
    case M_C: return parse_conn(ps, line, v, &m->conn);
    case M_B:
        if (!m->bandwidth.p)
            m->bandwidth = v;
        return parse_bandwidth(ps, line, v);
    case M_K: m->key = v; return parse_key(ps, v);
    default:
        rc = parse_attr(ps, line, v);
        if (rc == 0)
            m->nattrs++;
        return rc;
    }
}

/* Only line ends may follow a blank line. */
static bool only_line_ends(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p != '\r' && *p != '\n')
            return false;
    return true;
}

int sdp_parse(const char *buf, size_t len, sdp_session *s, sdp_media *media, size_t max_media,
              sdp_attr *attrs, size_t max_attrs, const sdp_limits *limits, sp_error *err)
{
    size_t max_size = limits ? limits->max_size : SDP_DEFAULT_MAX_SIZE;
    size_t lim_media = limits ? limits->max_media : SDP_DEFAULT_MAX_MEDIA;
    size_t lim_attrs = limits ? limits->max_attrs : SDP_DEFAULT_MAX_ATTRS;
    if (max_size > INT_MAX)
        max_size = INT_MAX; /* the return value is an int */
    memset(s, 0, sizeof *s);
    if (len > max_size)
        return sp_fail(err, SP_ELIMIT, max_size, 413, "SDP too large");

    parser ps = {
        .buf = buf, .err = err, .s = s, .media = media,
        .max_media = max_media < lim_media ? max_media : lim_media,
        .attrs = attrs,
        .max_attrs = max_attrs < lim_attrs ? max_attrs : lim_attrs,
        .last = -1,
    };
    s->media = media;
    s->attrs = attrs;

    const char *p = buf, *end = buf + len;
    while (p < end) {
        /* a line ends at LF; CR and NUL may only stand before it (RFC 8866 §9) */
        const char *le = sdp_find3(p, end, '\n', '\r', '\0'), *next;
        if (le == end) {
            next = end;
        } else if (*le == '\n') {
            next = le + 1;
        } else if (*le == '\r' && le + 1 < end && le[1] == '\n') {
            next = le + 2;
        } else if (*le == '\r') {
            return fail_at(&ps, le, "CR without LF");
        } else {
            return fail_at(&ps, le, "NUL byte");
        }
        if (le == p) {
            if (!only_line_ends(p, end))
                return fail_at(&ps, p, "empty line");
            break;
        }
        size_t n = (size_t)(le - p);
        if (n < 2 || p[1] != '=')
            return fail_at(&ps, p, "line is not type=value");
        sp_str v = sp_str_make(p + 2, n - 2);
        int rc = ps.cur ? media_line(&ps, p[0], p, v) : session_line(&ps, p[0], p, v);
        if (rc)
            return rc;
        if (ps.cur)
            ps.cur->text.n = (size_t)(next - ps.cur->text.p);
        p = next;
    }

    if (ps.last < 0)
        return fail_at(&ps, p, "missing v= line");
    if (!ps.cur) {
        if (ps.last < R_O)
            return fail_at(&ps, p, "missing o= line");
        if (ps.last < R_S)
            return fail_at(&ps, p, "missing s= line");
        if (ps.last < R_T)
            return fail_at(&ps, p, "missing t= line");
    }
    /* RFC 8866 §5.7: connection data at session level or in every stream. */
    if (!s->conn.address.p)
        for (size_t i = 0; i < s->nmedia; i++)
            if (!media[i].conn.address.p)
                return fail_at(&ps, media[i].text.p, "no c= line for this media");
    s->text = sp_str_make(buf, len);
    return (int)len;
}

const sdp_conn *sdp_media_conn(const sdp_session *s, const sdp_media *m)
{
    return m->conn.address.p ? &m->conn : &s->conn;
}
