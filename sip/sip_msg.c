/* sip_msg.c - one pass over a SIP message: start line, header lines, body
 * framing (RFC 3261 §7, §18.3, §25).
 *
 * Header lines are read sixteen bytes at a time (SSE2, eight bytes
 * elsewhere). The usual line (a name ending at its colon within 32 bytes,
 * one SP, a value without control characters, CRLF) is read in one forward
 * pass: the load that finds the name's end also holds the control
 * characters the value scan starts from, and the name's first eight bytes
 * as one word with its length pick the only known name it can be
 * (sip_hdr_names_impl.h). Any other line, errors included, is read by the
 * general loop from its start; there only names that are not known are
 * walked with a character-class table. Nothing else looks at a value here:
 * typed parsing is left to sip_hdr.h, on demand.
 *
 * Liberal reading, where RFC 3261 §7 allows senders' slips to be tolerated:
 * a bare LF ends a line like CRLF does, and a Status-Line that ends right
 * after its code has an empty reason phrase. Everything else follows the
 * grammar of §25. */
#include <limits.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "sip_hdr_names_impl.h"
#include "sip_zero_impl.h"
#include "sip_msg.h"

enum { C_TOKEN = 1, C_VISIBLE = 2 };
#define T (C_TOKEN | C_VISIBLE)
#define V C_VISIBLE

/* token (§25.1: alphanum - . ! % * _ + ` ' ~) and visible ASCII (%x21-7E). */
static const uint8_t cls[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, T, V, V, V, T, V, T, V, V, T, T, V, T, T, V,
    T, T, T, T, T, T, T, T, T, T, V, V, V, V, V, V,
    V, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, V, V, V, V, T,
    T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T,
    T, T, T, T, T, T, T, T, T, T, T, V, V, V, T, 0,
};
#undef T
#undef V

#define IS_TOKEN(c) (cls[(unsigned char)(c)] & C_TOKEN)
#define IS_VISIBLE(c) (cls[(unsigned char)(c)] & C_VISIBLE)
#define IS_WS(c) ((c) == ' ' || (c) == '\t')
#define IS_DIGIT(c) ((unsigned char)((c) - '0') < 10)

/* The first byte in [p, e) below 0x20 or equal to 0x7F (CR, LF, HTAB and
 * the control characters RFC 3261 §25.1 keeps out of TEXT-UTF8char), or
 * NULL: one pass finds both a header line's end and any control character
 * in its value. Sixteen bytes at a time with SSE2, eight elsewhere; never
 * reads at or past e. */
static inline const char *next_special(const char *p, const char *e)
{
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i below = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, below), x), _mm_cmpeq_epi8(x, del));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#else
    /* A byte below 0x20 or equal to 0x7F sets its top bit in the mask
     * (exact for "is there one", which is all the skip needs). */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    while (e - p >= 8) {
        uint64_t w, del;
        memcpy(&w, p, 8);
        del = w ^ (ones * 0x7f);
        if ((((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) & highs)
            break;
        p += 8;
    }
#endif
    for (; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            return p;
    }
    return NULL;
}

/* The first byte in [p, e) that can end a header name or a Request-URI: a
 * ':' (when colon), SP, a control character, DEL or a byte above 0x7F, or
 * NULL. Sixteen bytes at a time with SSE2; never reads at or past e. */
static inline const char *next_stop(const char *p, const char *e, bool colon)
{
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i sp1 = _mm_set1_epi8(0x21), del = _mm_set1_epi8(0x7f);
    const __m128i col = _mm_set1_epi8(colon ? ':' : 0x7f);
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* signed: below 0x21, or 0x80 and above */
        __m128i hit = _mm_or_si128(_mm_cmplt_epi8(x, sp1), _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, col)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    for (; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c <= 0x20 || c >= 0x7f || (colon && c == ':'))
            return p;
    }
    return NULL;
}

/* The first control character other than HTAB in [p, e), or NULL. */
static const char *find_ctl(const char *p, const char *e)
{
    while ((p = next_special(p, e)) != NULL && *p == '\t')
        p++;
    return p;
}

/* The id of the name line[0..n), 1 <= n, where 16 bytes from line (24 when
 * n > 16) can be read: the only known name the first word and the length
 * point at, confirmed word by word ("| 0x20" folds
 * exactly the letters, and a known name is letters and '-',
 * sip_hdr_names_impl.h). */
static inline sip_hdr_id classify_name(const char *line, size_t n)
{
    if (n == 1)
        return sip_hdr_compact_of(line[0]);
    uint64_t key = sip_hdr_word_cut(sip_hdr_load8(line) | SIP_HDR_FOLD8, n);
    unsigned id = sip_hdr_candidate(key, n);
    if (sip_hdr_len[id] != n || key != sip_hdr_lower_word(id, 0))
        return SIP_H_OTHER;
    if (n > 8 && sip_hdr_word_cut(sip_hdr_load8(line + 8) | SIP_HDR_FOLD8, n - 8) != sip_hdr_lower_word(id, 1))
        return SIP_H_OTHER;
    if (n > 16 && sip_hdr_word_cut(sip_hdr_load8(line + 16) | SIP_HDR_FOLD8, n - 16) != sip_hdr_lower_word(id, 2))
        return SIP_H_OTHER;
    return (sip_hdr_id)id;
}

#if defined(__SSE2__) && defined(__GNUC__)
/* Bit k set when x[k] is a control character or DEL. */
static inline unsigned ctl_mask(__m128i x)
{
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))));
}

/* Bit k set when x[k] can end a header name: ':', SP, a control
 * character, DEL or a byte above 0x7F; *colon gets the ':' bits alone. */
static inline unsigned name_stops(__m128i x, unsigned *colon)
{
    const __m128i c = _mm_cmpeq_epi8(x, _mm_set1_epi8(':'));
    /* signed: below 0x21, or 0x80 and above */
    const __m128i s = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x21)), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f)));
    *colon = (unsigned)_mm_movemask_epi8(c);
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(s, c));
}

/* CR LF as the 16-bit word two bytes in memory make. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define SIP_CRLF16 0x0d0a
#else
#define SIP_CRLF16 0x0a0d
#endif

static inline uint16_t sip_load16(const char *p)
{
    uint16_t w;
    memcpy(&w, p, 2);
    return w;
}

/* The first control character or DEL in [p, end), or NULL, where the 16
 * bytes before end belong to the input: whole 16-byte blocks, then those
 * last 16 bytes once more for the tail, so nothing outside is read. */
static inline const char *find_ctl_block(const char *p, const char *end)
{
    const char *const last = end - 16;
    for (; p <= last; p += 16) {
        unsigned m = ctl_mask(_mm_loadu_si128((const __m128i *)(const void *)p));
        if (m)
            return p + __builtin_ctz(m);
    }
    if (p == end)
        return NULL;
    unsigned m = ctl_mask(_mm_loadu_si128((const __m128i *)(const void *)last)) >> (16 - (end - p));
    return m ? p + __builtin_ctz(m) : NULL;
}

/* The end of the header name that starts at line: the first byte that
 * next_stop() finds, or NULL when none comes before end. *id is the name's
 * sip_hdr_id when there is an end. With 16 bytes to read, the same load
 * finds the end of a name shorter than 16 bytes and leaves the control
 * characters of those bytes in *ctl (bit k for line[k]) with *scanned past
 * them, for the value scan to start from. */
static inline const char *scan_name(const char *line, const char *end, sip_hdr_id *id, unsigned *ctl,
                                    const char **scanned)
{
    const char *stop;
    if (end - line >= 16) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)line);
        unsigned colon, m = name_stops(x, &colon);
        *ctl = ctl_mask(x);
        *scanned = line + 16;
        if (m) {
            size_t n = (size_t)__builtin_ctz(m);
            *id = n ? classify_name(line, n) : SIP_H_OTHER;
            return line + n;
        }
        stop = next_stop(line + 16, end, true);
    } else {
        *ctl = 0;
        *scanned = line;
        stop = next_stop(line, end, true);
    }
    *id = stop ? sip_hdr_id_of(sp_str_make(line, (size_t)(stop - line))) : SIP_H_OTHER;
    return stop;
}

/* The usual header line, read in one forward pass: a name of token
 * characters ending right at its colon within its first 32 bytes, white
 * space, a value without HTAB or other control characters, CRLF or LF. h
 * gets the line as the general reading in sip_msg_parse() would store it,
 * and the return is where the next line starts. Anything else, errors
 * included, is NULL: the general reading then takes the line from its
 * start. The caller has checked that 16 bytes can be read. */
static inline const char *read_usual_line(const char *line, const char *end, sip_header *h)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)line);
    unsigned colon, m = name_stops(x, &colon);
    size_t n;
    if (m) {
        n = (size_t)__builtin_ctz(m);
        /* a line starting with a stop (the empty line ending the headers, a
         * continuation, an empty name) is the general reading's */
        if (n == 0 || !(colon >> n & 1))
            return NULL;
    } else {
        if (end - line < 32)
            return NULL;
        const __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(line + 16));
        unsigned colon2, m2 = name_stops(y, &colon2);
        if (!m2)
            return NULL;
        n = 16 + (size_t)__builtin_ctz(m2);
        if (!(colon2 >> (n - 16) & 1))
            return NULL;
    }
    sip_hdr_id id = classify_name(line, n);
    if (id == SIP_H_OTHER) {
        /* the general reading walks an unknown name as token characters */
        for (size_t k = 0; k < n; k++)
            if (!IS_TOKEN(line[k]))
                return NULL;
    }
    const char *q = line + n + 1;
    if (n < 14 && line[n + 1] == ' ' && !(m >> (n + 2) & 1)) {
        q++; /* the usual one SP, and the value's first byte is no stop */
    } else {
        while (q < end && IS_WS(*q))
            q++;
        if (q == end)
            return NULL;
    }
    /* The line's end: the first control character at or after q, from the
     * first load's bytes when q lies among them. */
    size_t seen = (size_t)(q - line);
    unsigned ctl = seen < 16 ? ctl_mask(x) >> seen : 0;
    const char *eol = ctl ? q + __builtin_ctz(ctl) : find_ctl_block(seen < 16 ? line + 16 : q, end);
    const char *lf;
    if (!eol)
        return NULL;
    if (end - eol >= 2 && sip_load16(eol) == SIP_CRLF16)
        lf = eol + 1;
    else if (*eol == '\n')
        lf = eol;
    else
        return NULL;
    /* no HTAB lies between q and eol: only SP can pad the value's end */
    const char *ve = eol;
    while (ve > q && ve[-1] == ' ')
        ve--;
    h->name = sp_str_make(line, n);
    h->value = sp_str_make(q, (size_t)(ve - q));
    h->id = (uint16_t)id;
    return lf + 1;
}
#else
static inline const char *scan_name(const char *line, const char *end, sip_hdr_id *id, unsigned *ctl,
                                    const char **scanned)
{
    const char *stop = next_stop(line, end, true);
    *ctl = 0;
    *scanned = line;
    *id = stop ? sip_hdr_id_of(sp_str_make(line, (size_t)(stop - line))) : SIP_H_OTHER;
    return stop;
}
#endif

static int fail_at(sp_error *err, const char *buf, const char *at, const char *reason)
{
    return sp_fail(err, SP_EINVAL, (size_t)(at - buf), 400, reason);
}

/* A byte that stopped a scan: NUL gets its own reason (it is how C-string
 * bugs further down the line are exploited). */
static int fail_char(sp_error *err, const char *buf, const char *at, const char *reason)
{
    return fail_at(err, buf, at, *at == '\0' ? "NUL byte in header section" : reason);
}

/* Whether the control character at x is the second byte of a quoted-pair
 * (§25.1: "\\" and any byte but CR and LF) inside a quoted-string or a
 * comment of the header value that starts at v: the value is walked from its
 * start, quotes and parentheses opening and closing as the grammar has them.
 * Only a line that holds a control character gets here. */
static bool in_quoted_pair(const char *v, const char *x)
{
    bool quoted = false;
    unsigned comment = 0;
    for (const char *p = v; p < x; p++) {
        if ((quoted || comment) && *p == '\\') {
            if (++p == x)
                return true;
        } else if (*p == '"' && !comment) {
            quoted = !quoted;
        } else if (!quoted && *p == '(') {
            comment++;
        } else if (!quoted && comment && *p == ')') {
            comment--;
        }
    }
    return false;
}

/* SIP-Version (§7.1): "SIP/2.0", "SIP" case-insensitively. A well-formed
 * other version is refused with 505 Version Not Supported (§21.5.7), a
 * malformed one with 400. */
static int check_version(const char *buf, const char *s, const char *e, sp_error *err)
{
    if (e - s == 7 && (s[0] | 0x20) == 's' && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'p' &&
        s[3] == '/' && s[4] == '2' && s[5] == '.' && s[6] == '0')
        return 0;
    const char *q = s + 4;
    bool shaped = e - s >= 7 && (s[0] | 0x20) == 's' && (s[1] | 0x20) == 'i' && (s[2] | 0x20) == 'p' &&
                  s[3] == '/' && IS_DIGIT(*q);
    if (shaped) {
        while (q < e && IS_DIGIT(*q))
            q++;
        shaped = q < e && *q == '.' && ++q < e && IS_DIGIT(*q);
        while (q < e && IS_DIGIT(*q))
            q++;
        shaped = shaped && q == e;
    }
    if (shaped)
        return sp_fail(err, SP_EINVAL, (size_t)(s - buf), 505, "bad SIP version: only SIP/2.0 is supported");
    return fail_char(err, buf, s, "bad SIP version");
}

/* Request-Line = Method SP Request-URI SP SIP-Version (§7.1, §25.1). */
static int parse_request_line(const char *buf, const char *p, const char *eol, sip_msg *msg, sp_error *err)
{
    const char *q = p;
    while (IS_TOKEN(*q))
        q++;
    if (q == p)
        return fail_char(err, buf, q, "bad method");
    if (*q != ' ')
        return q == eol ? fail_at(err, buf, q, "Request-Line ends after the method")
                        : fail_char(err, buf, q, "bad character in method");
    msg->method = sp_str_make(p, (size_t)(q - p));
    const char *u = ++q;
    q = next_stop(q, eol + 1, false); /* *eol (CR or LF) stops it at the latest */
    if (q == u)
        return *q == ' ' ? fail_at(err, buf, q, "more than one SP in Request-Line")
                         : fail_char(err, buf, q, "empty Request-URI");
    if (*q != ' ')
        return q == eol ? fail_at(err, buf, q, "Request-Line has no SIP version")
                        : fail_char(err, buf, q, "bad character in Request-URI");
    msg->uri = sp_str_make(u, (size_t)(q - u));
    q++;
    if (*q == ' ')
        return fail_at(err, buf, q, "more than one SP in Request-Line");
    int rc = check_version(buf, q, eol, err);
    if (rc)
        return rc;
    msg->version = sp_str_make(q, (size_t)(eol - q));
    msg->is_request = true;
    return 0;
}

/* Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2, §25.1). */
static int parse_status_line(const char *buf, const char *p, const char *eol, sip_msg *msg, sp_error *err)
{
    const char *q = p;
    while (*q != ' ' && q < eol)
        q++;
    int rc = check_version(buf, p, q, err);
    if (rc)
        return rc;
    msg->version = sp_str_make(p, (size_t)(q - p));
    if (q == eol)
        return fail_at(err, buf, q, "Status-Line has no status code");
    q++;
    if (!(IS_DIGIT(q[0]) && IS_DIGIT(q[1]) && IS_DIGIT(q[2])))
        return fail_char(err, buf, q, "bad status code");
    if (q + 3 != eol && q[3] != ' ')
        return fail_char(err, buf, q + 3, IS_DIGIT(q[3]) ? "status code has more than 3 digits" : "bad status code");
    unsigned status = (unsigned)(q[0] - '0') * 100 + (unsigned)(q[1] - '0') * 10 + (unsigned)(q[2] - '0');
    if (status < 100 || status > 699)
        return fail_at(err, buf, q, "status code out of range 100-699");
    msg->status = status;
    const char *r = q + 3 == eol ? eol : q + 4;
    const char *bad = find_ctl(r, eol);
    if (bad)
        return fail_char(err, buf, bad, "control character in reason phrase");
    msg->reason = sp_str_make(r, (size_t)(eol - r));
    msg->is_request = false;
    return 0;
}

static int parse_start_line(const char *buf, const char *p, const char *eol, sip_msg *msg, sp_error *err)
{
    if (eol == p)
        return fail_at(err, buf, p, "empty line before the start line");
    if (eol - p >= 4 && (p[0] | 0x20) == 's' && (p[1] | 0x20) == 'i' && (p[2] | 0x20) == 'p' && p[3] == '/')
        return parse_status_line(buf, p, eol, msg, err);
    return parse_request_line(buf, p, eol, msg, err);
}

/* Content-Length = 1*DIGIT (§20.14); every copy must agree (§18.3 frames the
 * body by it, so two different values leave the message ambiguous). */
static int parse_content_length(const char *buf, sip_msg *msg, sp_error *err)
{
    for (size_t i = (size_t)msg->first[SIP_H_CONTENT_LENGTH] - 1; i < msg->nheaders; i++) {
        const sip_header *h = &msg->headers[i];
        if (h->id != SIP_H_CONTENT_LENGTH)
            continue;
        if (h->value.n == 0)
            return fail_at(err, buf, h->value.p, "empty Content-Length");
        uint64_t v = 0;
        for (size_t k = 0; k < h->value.n; k++) {
            unsigned d = (unsigned char)h->value.p[k] - '0';
            if (d > 9)
                return fail_at(err, buf, h->value.p + k, "bad character in Content-Length");
            /* below UINT64_MAX / 10, v * 10 + 9 cannot overflow */
            if (v >= UINT64_MAX / 10 && v > (UINT64_MAX - d) / 10)
                return fail_at(err, buf, h->value.p, "Content-Length overflows");
            v = v * 10 + d;
        }
        if (msg->has_content_length && v != msg->content_length)
            return fail_at(err, buf, h->value.p, "two different Content-Length values");
        msg->has_content_length = true;
        msg->content_length = v;
    }
    return 0;
}

int sip_msg_parse(const char *buf, size_t len, sip_msg *msg, sip_header *hdrs, size_t max_hdrs,
                  const sip_limits *limits, sip_framing framing, sp_error *err)
{
    size_t max_size = limits ? limits->max_msg_size : SIP_DEFAULT_MAX_MSG_SIZE;
    size_t max_h = limits ? limits->max_headers : SIP_DEFAULT_MAX_HEADERS;
    /* The return value is an int and first[] holds index + 1 in 16 bits. */
    if (max_size > INT_MAX)
        max_size = INT_MAX;
    if (max_h > max_hdrs || !hdrs)
        max_h = hdrs ? max_hdrs : 0;
    if (max_h > UINT16_MAX - 1)
        max_h = UINT16_MAX - 1;

    sip_zero(msg, sizeof *msg);
    msg->headers = hdrs;

    size_t start = 0;
    if (framing == SIP_FRAME_STREAM) {
        /* §7.5: CRLFs before a start line on a stream are ignored (they are
         * also the keep-alives of RFC 5626 §3.5.1). */
        while (start < len && (buf[start] == '\n' || (buf[start] == '\r' && start + 1 < len && buf[start + 1] == '\n')))
            start += buf[start] == '\n' ? 1 : 2;
        if (start > max_size)
            return sp_fail(err, SP_ELIMIT, max_size, 513, "too many empty lines before the message");
        if (start == len || (start + 1 == len && buf[start] == '\r'))
            return SP_AGAIN;
    }

    /* Nothing past max_size bytes of the message is ever looked at. */
    size_t avail = len - start;
    const char *const end = buf + start + (avail < max_size ? avail : max_size);
    const char *const first_line = buf + start;
    size_t n = 0;
    int rc;

    const char *lf = memchr(first_line, '\n', (size_t)(end - first_line));
    if (!lf)
        goto incomplete;
    const char *eol = lf > first_line && lf[-1] == '\r' ? lf - 1 : lf;
    if ((rc = parse_start_line(buf, first_line, eol, msg, err)) != 0)
        return rc;

    const char *line = lf + 1, *head_end;
    for (;;) {
#if defined(__SSE2__) && defined(__GNUC__)
        if (n < max_h && end - line >= 16) {
            const char *next = read_usual_line(line, end, &hdrs[n]);
            if (next) {
                unsigned k = hdrs[n].id;
                if (msg->count[k]++ == 0)
                    msg->first[k] = (uint16_t)(n + 1);
                n++;
                line = next;
                continue;
            }
        }
#endif
        if (line >= end)
            goto incomplete;
        unsigned char c = (unsigned char)*line;
        /* The value starts at q; its line ends at eol (CR or LF), the next
         * line after lf. ctl has bit k set when line[k] is a control
         * character or DEL, for k below scanned - line. */
        const char *q = line, *name_end = NULL, *scanned = line;
        unsigned ctl = 0;
        sip_hdr_id id = SIP_H_OTHER;
        if (c <= ' ' && (c == '\n' || c == '\r' || IS_WS(c))) {
            if (c == '\n') {
                head_end = line + 1;
                break;
            }
            if (c == '\r') {
                if (line + 1 >= end)
                    goto incomplete;
                if (line[1] == '\n') {
                    head_end = line + 2;
                    break;
                }
                return fail_at(err, buf, line, "CR not followed by LF");
            }
            /* §7.3.1: a line starting with white space continues the value
             * of the header line before it. */
            if (n == 0)
                return fail_at(err, buf, line, "continuation line before the first header");
        } else {
            /* message-header = header-name HCOLON header-value (§7.3.1, §25.1);
             * HCOLON allows SP/HTAB before the colon. */
            if (n == max_h)
                return sp_fail(err, SP_ELIMIT, (size_t)(line - buf), 513, "too many header lines");
            /* The name runs to the first byte that cannot be in a token and
             * is not a letter or digit either ("Via", "Call-ID"): classify it
             * as such. A known name is made of token characters; any other
             * is walked character by character, which also finds where a
             * malformed one goes wrong. */
            const char *stop = scan_name(line, end, &id, &ctl, &scanned);
            if (id != SIP_H_OTHER) {
                q = stop;
            } else {
                while (q < end && IS_TOKEN(*q))
                    q++;
            }
            name_end = q;
            if (q < end && *q != ':') {
                while (q < end && IS_WS(*q))
                    q++;
            }
            if (q == end)
                goto incomplete;
            if (*q != ':') {
                if (name_end == line)
                    return fail_char(err, buf, q, "bad character in header name");
                if (q == name_end && *q != '\r' && *q != '\n')
                    return fail_char(err, buf, q, "bad character in header name");
                return fail_char(err, buf, q, "header name has no colon");
            }
            if (name_end == line)
                return fail_at(err, buf, q, "empty header name");
            q++;
        }
        /* usually one SP after the colon, then the value */
        if (q < end && *q == ' ')
            q++;
        while (q < end && IS_WS(*q))
            q++;
        /* The first control character at or after q: from the bytes the
         * name scan has looked at already when it lies among them. */
        size_t seen = (size_t)(q - line);
        if (seen < (size_t)(scanned - line) && (ctl >> seen) != 0)
            eol = q + __builtin_ctz(ctl >> seen);
        else
            eol = next_special(q > scanned ? q : scanned, end);
        for (;;) {
            if (!eol)
                goto incomplete;
            if (*eol == '\r') {
                if (eol + 1 < end && eol[1] == '\n')
                    break;
                if (eol + 1 == end)
                    goto incomplete;
            } else if (*eol == '\n') {
                break;
            } else if (*eol == '\t' || in_quoted_pair(name_end ? q : hdrs[n - 1].value.p, eol)) {
                eol = next_special(eol + 1, end);
                continue;
            }
            return fail_char(err, buf, eol, "control character in header value");
        }
        lf = *eol == '\n' ? eol : eol + 1;
        const char *ve = eol;
        while (ve > q && IS_WS(ve[-1]))
            ve--;

        if (!name_end) {
            sip_header *cur = &hdrs[n - 1];
            if (q < ve) {
                if (cur->value.n == 0)
                    cur->value.p = q;
                cur->value.n = (size_t)(ve - cur->value.p);
            }
        } else {
            sip_header *cur = &hdrs[n];
            cur->name = sp_str_make(line, (size_t)(name_end - line));
            cur->value = sp_str_make(q, (size_t)(ve - q));
            cur->id = (uint16_t)id;
            if (msg->count[id]++ == 0)
                msg->first[id] = (uint16_t)(n + 1);
            n++;
        }
        line = lf + 1;
    }
    msg->nheaders = n;

    if (msg->count[SIP_H_CONTENT_LENGTH] && (rc = parse_content_length(buf, msg, err)) != 0)
        return rc;

    /* §18.3: the body's end. */
    size_t head_len = (size_t)(head_end - first_line);
    size_t body_avail = len - (size_t)(head_end - buf);
    size_t body_len;
    if (framing == SIP_FRAME_DATAGRAM) {
        if (msg->has_content_length && msg->content_length > body_avail)
            return fail_at(err, buf, hdrs[msg->first[SIP_H_CONTENT_LENGTH] - 1].value.p,
                           "Content-Length larger than the message");
        body_len = msg->has_content_length ? (size_t)msg->content_length : body_avail;
        if (body_len > max_size - head_len)
            return sp_fail(err, SP_ELIMIT, start + max_size, 513, "message larger than the size limit");
    } else {
        /* Refused before the body arrives, at the length that announces it. */
        if (msg->content_length > max_size - head_len)
            return sp_fail(err, SP_ELIMIT, (size_t)(hdrs[msg->first[SIP_H_CONTENT_LENGTH] - 1].value.p - buf), 513,
                           "message larger than the size limit");
        body_len = (size_t)msg->content_length;
        if (body_len > body_avail)
            return SP_AGAIN;
    }
    msg->body = sp_str_make(head_end, body_len);
    msg->length = (size_t)(head_end - buf) + body_len;
    return (int)msg->length;

incomplete:
    if (avail > max_size)
        return sp_fail(err, SP_ELIMIT, start + max_size, 513, "message larger than the size limit");
    return SP_AGAIN;
}

const sip_header *sip_msg_find(const sip_msg *msg, sip_hdr_id id)
{
    if ((unsigned)id >= SIP_H__COUNT || !msg->first[id])
        return NULL;
    return &msg->headers[msg->first[id] - 1];
}

const sip_header *sip_msg_find_next(const sip_msg *msg, const sip_header *h)
{
    if (!h || h < msg->headers || h >= msg->headers + msg->nheaders)
        return NULL;
    for (const sip_header *x = h + 1; x < msg->headers + msg->nheaders; x++) {
        if (x->id != h->id)
            continue;
        /* Extension headers share SIP_H_OTHER: their names tell them apart. */
        if (h->id != SIP_H_OTHER || sp_str_caseeq(x->name, h->name))
            return x;
    }
    return NULL;
}

const sip_header *sip_msg_find_name(const sip_msg *msg, sp_str name)
{
    sip_hdr_id id = sip_hdr_id_of(name);
    if (id != SIP_H_OTHER)
        return sip_msg_find(msg, id);
    for (size_t i = 0; i < msg->nheaders; i++)
        if (msg->headers[i].id == SIP_H_OTHER && sp_str_caseeq(msg->headers[i].name, name))
            return &msg->headers[i];
    return NULL;
}

size_t sip_value_unfold(sp_str value, char *out, size_t cap)
{
    size_t n = 0, ws_run = 0;
    for (size_t i = 0; i < value.n;) {
        char c = value.p[i];
        if (c == '\r' || c == '\n') {
            /* A fold: it and the white space on both sides become one space. */
            n -= ws_run;
            while (i < value.n && (IS_WS(value.p[i]) || value.p[i] == '\r' || value.p[i] == '\n'))
                i++;
            c = ' ';
            ws_run = 0;
        } else {
            ws_run = IS_WS(c) ? ws_run + 1 : 0;
            i++;
        }
        if (n < cap)
            out[n] = c;
        n++;
    }
    return n;
}
