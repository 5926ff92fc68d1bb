/* msrp_frame.c - the incremental MSRP frame parser (see msrp_frame.h). */
#include "msrp_frame.h"

#include <limits.h>
#include <string.h>

#include "msrp_build.h"
#include "msrp_chars_impl.h"

enum { S_HEAD = 0, S_BODY = 1 };

void msrp_limits_default(msrp_limits *lim)
{
    lim->max_head = MSRP_DEFAULT_MAX_HEAD;
    lim->max_headers = MSRP_DEFAULT_MAX_HEADERS;
    lim->max_nonsend_body = MSRP_DEFAULT_MAX_NONSEND_BODY;
}

void msrp_parser_init(msrp_parser *p, const msrp_limits *limits)
{
    memset(p, 0, sizeof *p);
    if (limits)
        p->lim = *limits;
    else
        msrp_limits_default(&p->lim);
    if (p->lim.max_headers > MSRP_MAX_HEADERS)
        p->lim.max_headers = MSRP_MAX_HEADERS;
    /* Offsets in the head are 32-bit and the return value is an int. */
    if (p->lim.max_head > INT_MAX / 2)
        p->lim.max_head = INT_MAX / 2;
}

static int fail(const msrp_parser *p, sp_error *err, int code, size_t at, int status, const char *why)
{
    return sp_fail(err, code, (size_t)p->offset + at, status, why);
}

static msrp_span span(size_t off, size_t len) { return (msrp_span){(uint32_t)off, (uint32_t)len}; }

/* "MSRP" SP transact-id SP ( method / status-code [SP comment] ) (RFC 4975 §9). */
static int parse_start_line(msrp_parser *p, const char *l, size_t n, sp_error *err)
{
    msrp_head *h = &p->head;
    if (n < 5 || memcmp(l, "MSRP ", 5) != 0)
        return fail(p, err, SP_EINVAL, 0, 400, "not an MSRP start line");
    size_t i = 5;
    if (i >= n || !msrp_is((unsigned char)l[i], MSRP_C_ALNUM))
        return fail(p, err, SP_EINVAL, i, 400, "transaction id must start with a letter or digit");
    while (i < n && msrp_is((unsigned char)l[i], MSRP_C_IDENT))
        i++;
    size_t tid_len = i - 5;
    if (tid_len < MSRP_TID_MIN)
        return fail(p, err, SP_EINVAL, 5, 400, "transaction id shorter than 4 characters");
    if (tid_len > MSRP_TID_MAX)
        return fail(p, err, SP_EINVAL, 5 + MSRP_TID_MAX, 400, "transaction id longer than 32 characters");
    if (i >= n || l[i] != ' ')
        return fail(p, err, SP_EINVAL, i, 400, "bad character in transaction id");
    h->tid = span(5, tid_len);
    p->tid_len = (uint8_t)tid_len;
    memcpy(p->pat, "\r\n-------", 9);
    memcpy(p->pat + 9, l + 5, tid_len);
    i++;
    if (i < n && l[i] >= '0' && l[i] <= '9') {
        unsigned code = 0;
        for (size_t k = i; k < i + 3; k++) {
            if (k >= n || l[k] < '0' || l[k] > '9')
                return fail(p, err, SP_EINVAL, k, 400, "status code is not 3 digits");
            code = code * 10 + (unsigned)(l[k] - '0');
        }
        h->is_request = false;
        h->status = code;
        i += 3;
        if (i < n) {
            if (l[i] != ' ')
                return fail(p, err, SP_EINVAL, i, 400, "status code is not 3 digits");
            for (size_t k = i + 1; k < n; k++)
                if (!msrp_is((unsigned char)l[k], MSRP_C_TEXT))
                    return fail(p, err, SP_EINVAL, k, 400, "control character in comment");
            h->comment = span(i + 1, n - i - 1);
            h->has_comment = true;
        }
        p->is_send = false;
        return 0;
    }
    size_t m = i;
    while (i < n && l[i] >= 'A' && l[i] <= 'Z')
        i++;
    if (i == m)
        return fail(p, err, SP_EINVAL, m, 400, "no method or status code");
    if (i != n)
        return fail(p, err, SP_EINVAL, i, 400, "method is not upper-case letters");
    h->is_request = true;
    h->method = span(m, n - m);
    p->is_send = n - m == 4 && memcmp(l + m, "SEND", 4) == 0;
    return 0;
}

/* How many bytes of s[0..n) are utf8text (RFC 4975 §9: HTAB, %x20-7E,
 * bytes >= 0x80). Eight at a time: a word with no byte below 0x20 and no
 * 0x7F passes whole; only a word with one (a tab, or the culprit) is looked
 * at byte by byte. */
static size_t text_span(const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    size_t k = 0;
    while (k < n) {
        if (n - k >= 8) {
            uint64_t w;
            memcpy(&w, s + k, 8);
            uint64_t del = w ^ (0x7f * ones);
            if (((((w - 0x20 * ones) & ~w) | ((del - ones) & ~del)) & highs) == 0) {
                k += 8;
                continue;
            }
        }
        size_t stop = n - k >= 8 ? k + 8 : n;
        for (; k < stop; k++)
            if (!msrp_is((unsigned char)s[k], MSRP_C_TEXT))
                return k;
    }
    return n;
}

/* Adds a header line that passed its character checks: name and value
 * relative to the line at ls. */
static int add_header(msrp_parser *p, size_t ls, size_t name_len, size_t vs, size_t vlen, msrp_hdr_id id,
                      sp_error *err)
{
    msrp_head *h = &p->head;
    if (h->nheaders >= p->lim.max_headers)
        return fail(p, err, SP_ELIMIT, ls, 413, "too many headers");
    /* Every header MSRP defines occurs at most once (RFC 4975 §9). */
    if (id != MSRP_H_OTHER && h->first[id])
        return fail(p, err, SP_EINVAL, ls, 400, "duplicate header");
    msrp_header *hd = &h->headers[h->nheaders++];
    hd->name = span(ls, name_len);
    hd->value = span(ls + vs, vlen);
    hd->id = (uint8_t)id;
    if (id != MSRP_H_OTHER)
        h->first[id] = (uint8_t)h->nheaders;
    return 0;
}

/* Keeps header line k (line[0..len), CRLF included) and its parse. Lines
 * stay packed: one of another length drops those kept after it. */
static void memo_keep(msrp_parser *p, size_t k, const char *line, size_t len, size_t name_len, size_t vs,
                      size_t vlen, msrp_hdr_id id)
{
    msrp_memo_line *m = &p->memo_line[k];
    if (k > p->memo_count)
        return;
    if (k == p->memo_count || m->len != len) {
        size_t off = k ? (size_t)p->memo_line[k - 1].off + p->memo_line[k - 1].len : 0;
        if (len > MSRP_MEMO_BYTES - off) {
            p->memo_count = (uint8_t)k;
            return;
        }
        m->off = (uint16_t)off;
        m->len = (uint16_t)len;
        p->memo_count = (uint8_t)(k + 1);
    }
    memcpy(p->memo + m->off, line, len);
    m->name_len = (uint16_t)name_len;
    m->value_off = (uint16_t)vs;
    m->value_len = (uint16_t)vlen;
    m->id = (uint8_t)id;
}

/* Header line k at ls when it equals the one kept at its place: the same
 * checks passed then, so only the ones that depend on the lines before it
 * are made. Returns the bytes of the line (0: not equal), or an error. */
static int memo_line(msrp_parser *p, const char *buf, size_t ls, size_t end, sp_error *err)
{
    size_t k = p->head.nheaders;
    if (k >= p->memo_count)
        return 0;
    const msrp_memo_line *m = &p->memo_line[k];
    if (m->len > end - ls || memcmp(buf + ls, p->memo + m->off, m->len) != 0)
        return 0;
    int rc = add_header(p, ls, m->name_len, m->value_off, m->value_len, (msrp_hdr_id)m->id, err);
    return rc < 0 ? rc : (int)m->len;
}

/* hname ":" SP hval (RFC 4975 §9); any amount of SP/HTAB around hval is taken. */
static int parse_header_line(msrp_parser *p, const char *buf, size_t ls, size_t n, sp_error *err)
{
    msrp_head *h = &p->head;
    const char *l = buf + ls;
    unsigned char c0 = (unsigned char)l[0];
    if (!msrp_is(c0, MSRP_C_ALNUM) || (c0 >= '0' && c0 <= '9'))
        return fail(p, err, SP_EINVAL, ls, 400, "header name must start with a letter");
    size_t i = 1;
    while (i < n && msrp_is((unsigned char)l[i], MSRP_C_TOKEN))
        i++;
    if (i >= n || l[i] != ':')
        return fail(p, err, SP_EINVAL, ls + i, 400, "bad character in header name");
    size_t name_len = i++;
    while (i < n && (l[i] == ' ' || l[i] == '\t'))
        i++;
    size_t vs = i, ve = n;
    while (ve > vs && (l[ve - 1] == ' ' || l[ve - 1] == '\t'))
        ve--;
    size_t bad = vs + text_span(l + vs, ve - vs);
    if (bad < ve)
        return fail(p, err, SP_EINVAL, ls + bad, 400, "control character in header value");
    msrp_hdr_id id = msrp_hdr_id_of(sp_str_make(l, name_len));
    size_t k = h->nheaders;
    int rc = add_header(p, ls, name_len, vs, ve - vs, id, err);
    if (rc == 0)
        memo_keep(p, k, l, n + 2, name_len, vs, ve - vs, id);
    return rc;
}

static void head_reset(msrp_parser *p)
{
    msrp_head *h = &p->head;
    h->nheaders = 0;
    memset(h->first, 0, sizeof h->first);
    h->has_body = h->has_comment = false;
    h->method = h->comment = span(0, 0);
    h->status = 0;
    p->body_len = 0;
}

static int head_done(msrp_parser *p, const char *buf, size_t consumed, bool has_body, msrp_event *ev,
                     sp_error *err)
{
    msrp_head *h = &p->head;
    if (!h->first[MSRP_H_TO_PATH])
        return fail(p, err, SP_EINVAL, consumed, 400, "no To-Path header");
    if (!h->first[MSRP_H_FROM_PATH])
        return fail(p, err, SP_EINVAL, consumed, 400, "no From-Path header");
    h->base = buf;
    h->offset = p->offset;
    h->length = (uint32_t)consumed;
    h->has_body = has_body;
    p->state = S_BODY;
    p->offset += consumed;
    ev->kind = MSRP_EV_HEAD;
    ev->body = SP_STR_NULL;
    ev->flag = 0;
    return (int)consumed;
}

static bool is_flag(char c) { return c == '$' || c == '+' || c == '#'; }

static int parse_head(msrp_parser *p, const char *buf, size_t len, msrp_event *ev, sp_error *err)
{
    if (p->line == 0 && p->scan == 0)
        head_reset(p);
    size_t limit = p->lim.max_head;
    size_t end = len < limit ? len : limit;
    for (;;) {
        size_t ls = p->line, from = p->scan > ls ? p->scan : ls;
        if (ls > 0 && ls < end) {
            int kept = memo_line(p, buf, ls, end, err);
            if (kept < 0)
                return kept;
            if (kept > 0) {
                p->line = p->scan = (uint32_t)(ls + (size_t)kept);
                continue;
            }
        }
        const char *lf = from < end ? memchr(buf + from, '\n', end - from) : NULL;
        if (!lf) {
            if (len >= limit)
                return fail(p, err, SP_ELIMIT, limit, 413, "MSRP head too long");
            p->scan = (uint32_t)end;
            return SP_AGAIN;
        }
        size_t e = (size_t)(lf - buf);
        if (e == ls || buf[e - 1] != '\r')
            return fail(p, err, SP_EINVAL, e, 400, "line not ended by CRLF");
        size_t n = e - 1 - ls;
        p->line = p->scan = (uint32_t)(e + 1);
        int rc;
        if (ls == 0) {
            rc = parse_start_line(p, buf, n, err);
        } else if (n == 0) {
            /* The blank line before a body (RFC 4975 §7.1, §7.2). */
            if (!p->head.is_request)
                return fail(p, err, SP_EINVAL, ls, 400, "response with a body");
            if (!p->head.first[MSRP_H_CONTENT_TYPE])
                return fail(p, err, SP_EINVAL, ls, 400, "body without Content-Type");
            return head_done(p, buf, e + 1, true, ev, err);
        } else if (buf[ls] == '-') {
            /* A bodiless frame: the end-line follows the headers. It stays
             * unconsumed; the body state sees it at its first byte. */
            size_t t = p->tid_len;
            if (n != 7 + t + 1 || memcmp(buf + ls, p->pat + 2, 7 + t) != 0 || !is_flag(buf[ls + n - 1]))
                return fail(p, err, SP_EINVAL, ls, 400, "end-line does not match the transaction");
            if (!p->head.is_request && buf[ls + n - 1] != '$')
                return fail(p, err, SP_EINVAL, ls + n - 1, 400, "response end-line flag is not '$'");
            return head_done(p, buf, ls, false, ev, err);
        } else {
            rc = parse_header_line(p, buf, ls, n, err);
        }
        if (rc < 0)
            return rc;
    }
}

enum { M_NO, M_PARTIAL, M_END, M_BAD };

/* Does s[0..avail) hold the end-line: pat[skip..] flag CRLF? M_PARTIAL when
 * the bytes agree so far but end too soon to tell. */
static int match_end(const msrp_parser *p, const char *s, size_t avail, size_t skip)
{
    size_t plen = 9 + (size_t)p->tid_len - skip;
    size_t n = avail < plen ? avail : plen;
    if (memcmp(s, p->pat + skip, n) != 0)
        return M_NO;
    if (avail <= plen)
        return M_PARTIAL;
    /* Another tid, or this one without a flag: body bytes (RFC 4975 §7.1). */
    if (!is_flag(s[plen]))
        return M_NO;
    if (avail == plen + 1)
        return M_PARTIAL;
    if (s[plen + 1] != '\r')
        return M_BAD;
    if (avail == plen + 2)
        return M_PARTIAL;
    return s[plen + 2] == '\n' ? M_END : M_BAD;
}

/* How many of the next n body bytes may be handed out; 0 with err set when
 * none may. */
static size_t body_allowed(msrp_parser *p, size_t n, sp_error *err)
{
    if (p->is_send || p->body_len + n <= p->lim.max_nonsend_body)
        return n;
    if (p->body_len >= p->lim.max_nonsend_body) {
        fail(p, err, SP_ELIMIT, 0, 413, "body of a non-SEND request too large");
        return 0;
    }
    return (size_t)(p->lim.max_nonsend_body - p->body_len);
}

static int body_out(msrp_parser *p, const char *buf, size_t n, msrp_event *ev, sp_error *err)
{
    if (n == 0)
        return SP_AGAIN;
    n = body_allowed(p, n, err);
    if (n == 0)
        return SP_ELIMIT;
    p->body_len += n;
    p->offset += n;
    ev->kind = MSRP_EV_BODY;
    ev->body = sp_str_make(buf, n);
    ev->flag = 0;
    return (int)n;
}

/* The body ends at buf[n], where the end-line of 'end_len' bytes starts. */
static int frame_end(msrp_parser *p, const char *buf, size_t n, size_t end_len, msrp_event *ev, sp_error *err)
{
    if (body_allowed(p, n, err) < n)
        return body_out(p, buf, n, ev, err);
    p->body_len += n;
    p->offset += n + end_len;
    p->state = S_HEAD;
    p->line = p->scan = 0;
    ev->kind = MSRP_EV_END;
    ev->body = sp_str_make(buf, n);
    ev->flag = buf[n + end_len - 3];
    return (int)(n + end_len);
}

/* A malformed end-line at buf[c]: the body before it is handed out first, so
 * what a caller sees does not depend on how the bytes were cut. */
static int bad_end_line(msrp_parser *p, const char *buf, size_t c, size_t at, msrp_event *ev, sp_error *err)
{
    if (c > 0)
        return body_out(p, buf, c, ev, err);
    return fail(p, err, SP_EINVAL, at, 400, "end-line not ended by CRLF");
}

static int parse_body(msrp_parser *p, const char *buf, size_t len, msrp_event *ev, sp_error *err)
{
    size_t plen = 9 + (size_t)p->tid_len;
    if (len > INT_MAX - 2 * MSRP_END_LINE_MAX)
        len = INT_MAX - 2 * MSRP_END_LINE_MAX;
    /* The CRLF that ended the blank line also starts a line: a body-less
     * frame's end-line, and an empty body written without its own CRLF, end
     * here. */
    if (p->body_len == 0) {
        switch (match_end(p, buf, len, 2)) {
        case M_END: return frame_end(p, buf, 0, plen - 2 + 3, ev, err);
        case M_PARTIAL: return SP_AGAIN;
        case M_BAD: return bad_end_line(p, buf, 0, plen - 1, ev, err);
        default: break;
        }
    }
    /* Every end-line holds seven hyphens right after a CRLF: the runs are
     * found reading one byte in seven (RFC 4975 §7.3.1 wants framing at
     * about the speed of a memory copy), then the CRLF before each is
     * checked. */
    for (size_t i = 2; i + 7 <= len;) {
        size_t a = i + msrp_hyphens_find(buf + i, len - i);
        if (a >= len)
            break;
        size_t c = a - 2;
        if (buf[c] == '\r' && buf[c + 1] == '\n') {
            switch (match_end(p, buf + c, len - c, 0)) {
            case M_END: return frame_end(p, buf, c, plen + 3, ev, err);
            case M_PARTIAL: return body_out(p, buf, c, ev, err);
            case M_BAD: return bad_end_line(p, buf, c, plen + 1, ev, err);
            default: break;
            }
        }
        i = a + 7;
        while (i < len && buf[i] == '-')
            i++; /* the rest of the run: an end-line's hyphens are followed by its tid */
    }
    /* A CR in the last eight bytes may start an end-line whose hyphens are
     * not all here yet: those bytes wait for the next ones. */
    for (size_t c = len > 8 ? len - 8 : 0; c < len; c++)
        if (buf[c] == '\r' && match_end(p, buf + c, len - c, 0) == M_PARTIAL)
            return body_out(p, buf, c, ev, err);
    return body_out(p, buf, len, ev, err);
}

int msrp_parse(msrp_parser *p, const char *buf, size_t len, msrp_event *ev, sp_error *err)
{
    if (p->state == S_HEAD)
        return parse_head(p, buf, len, ev, err);
    return parse_body(p, buf, len, ev, err);
}
