/* msrp_hdr.c - header names and typed header values (RFC 4975 §9). */
#include "msrp_hdr.h"

#include <string.h>

#include "msrp_chars_impl.h"

#define NAME(s) {s, sizeof s - 1}
static const struct {
    const char *p;
    size_t n;
} hdr_names[MSRP_H__COUNT] = {
    [MSRP_H_TO_PATH] = NAME("To-Path"),
    [MSRP_H_FROM_PATH] = NAME("From-Path"),
    [MSRP_H_USE_PATH] = NAME("Use-Path"),
    [MSRP_H_MESSAGE_ID] = NAME("Message-ID"),
    [MSRP_H_BYTE_RANGE] = NAME("Byte-Range"),
    [MSRP_H_SUCCESS_REPORT] = NAME("Success-Report"),
    [MSRP_H_FAILURE_REPORT] = NAME("Failure-Report"),
    [MSRP_H_STATUS] = NAME("Status"),
    [MSRP_H_CONTENT_TYPE] = NAME("Content-Type"),
    [MSRP_H_CONTENT_ID] = NAME("Content-ID"),
    [MSRP_H_CONTENT_DESCRIPTION] = NAME("Content-Description"),
    [MSRP_H_CONTENT_DISPOSITION] = NAME("Content-Disposition"),
};

const char *msrp_hdr_name(msrp_hdr_id id)
{
    return (unsigned)id < MSRP_H__COUNT ? hdr_names[id].p : NULL;
}

/* Names are compared as written first: peers mostly use the RFC's case. */
static bool name_is(sp_str name, msrp_hdr_id id)
{
    sp_str want = sp_str_make(hdr_names[id].p, hdr_names[id].n);
    return name.n == want.n && (memcmp(name.p, want.p, want.n) == 0 || sp_str_caseeq(name, want));
}

msrp_hdr_id msrp_hdr_id_of(sp_str name)
{
    /* The length and first letter pick at most two candidates. */
    if (name.n < 6)
        return MSRP_H_OTHER;
    msrp_hdr_id a = MSRP_H_OTHER, b = MSRP_H_OTHER;
    switch (sp_ascii_lower(name.p[0])) {
    case 't': a = MSRP_H_TO_PATH; break;
    case 'f': a = MSRP_H_FROM_PATH, b = MSRP_H_FAILURE_REPORT; break;
    case 'u': a = MSRP_H_USE_PATH; break;
    case 'm': a = MSRP_H_MESSAGE_ID; break;
    case 'b': a = MSRP_H_BYTE_RANGE; break;
    case 's': a = MSRP_H_SUCCESS_REPORT, b = MSRP_H_STATUS; break;
    case 'c':
        if (name.n == 12)
            a = MSRP_H_CONTENT_TYPE;
        else if (name.n == 10)
            a = MSRP_H_CONTENT_ID;
        else if (name.n == 19)
            a = sp_ascii_lower(name.p[9]) == 'e' ? MSRP_H_CONTENT_DESCRIPTION : MSRP_H_CONTENT_DISPOSITION;
        break;
    default: return MSRP_H_OTHER;
    }
    if (a && name_is(name, a))
        return a;
    if (b && name_is(name, b))
        return b;
    return MSRP_H_OTHER;
}

bool msrp_ident_valid(sp_str s)
{
    if (s.n < 4 || s.n > 32 || !msrp_is((unsigned char)s.p[0], MSRP_C_ALNUM))
        return false;
    for (size_t i = 1; i < s.n; i++)
        if (!msrp_is((unsigned char)s.p[i], MSRP_C_IDENT))
            return false;
    return true;
}

/* Reads 1*DIGIT at *i into *out; false (and *i at the culprit) when there are
 * none or the number does not fit 64 bits. */
static bool read_u64(sp_str v, size_t *i, uint64_t *out)
{
    size_t start = *i, k = *i;
    uint64_t n = 0;
    /* Nineteen digits always fit in 64 bits: only those past them are
     * checked for overflow. */
    size_t safe = v.n - k > 19 ? k + 19 : v.n;
    while (k < safe && (unsigned char)(v.p[k] - '0') <= 9)
        n = n * 10 + (unsigned)(v.p[k++] - '0');
    while (k < v.n && v.p[k] >= '0' && v.p[k] <= '9') {
        unsigned d = (unsigned)(v.p[k] - '0');
        if (n > (UINT64_MAX - d) / 10) {
            *i = k;
            return false;
        }
        n = n * 10 + d;
        k++;
    }
    *i = k;
    *out = n;
    return k > start;
}

int msrp_range_parse(sp_str v, msrp_range *r, sp_error *err)
{
    size_t i = 0;
    *r = (msrp_range){0};
    if (!read_u64(v, &i, &r->start))
        return sp_fail(err, SP_EINVAL, i, 400, "Byte-Range start is not a number");
    if (r->start == 0)
        return sp_fail(err, SP_EINVAL, 0, 400, "Byte-Range start is 0");
    if (i >= v.n || v.p[i] != '-')
        return sp_fail(err, SP_EINVAL, i, 400, "Byte-Range lacks '-'");
    i++;
    size_t end_at = i;
    if (i < v.n && v.p[i] == '*') {
        r->end_star = true;
        i++;
    } else if (!read_u64(v, &i, &r->end)) {
        return sp_fail(err, SP_EINVAL, i, 400, "Byte-Range end is not a number or '*'");
    }
    if (i >= v.n || v.p[i] != '/')
        return sp_fail(err, SP_EINVAL, i, 400, "Byte-Range lacks '/'");
    i++;
    size_t total_at = i;
    if (i < v.n && v.p[i] == '*') {
        r->total_star = true;
        i++;
    } else if (!read_u64(v, &i, &r->total)) {
        return sp_fail(err, SP_EINVAL, i, 400, "Byte-Range total is not a number or '*'");
    }
    if (i != v.n)
        return sp_fail(err, SP_EINVAL, i, 400, "junk after Byte-Range");
    /* end = start - 1 is an empty range (RFC 4975 §9 example "1-0/0"). */
    if (!r->end_star && r->end < r->start - 1)
        return sp_fail(err, SP_EINVAL, end_at, 400, "Byte-Range end before start");
    if (!r->total_star && !r->end_star && r->end > r->total)
        return sp_fail(err, SP_EINVAL, total_at, 400, "Byte-Range end beyond total");
    if (!r->total_star && r->start - 1 > r->total)
        return sp_fail(err, SP_EINVAL, total_at, 400, "Byte-Range start beyond total");
    return 0;
}

static bool three_digits(sp_str v, size_t at, unsigned *out)
{
    if (at + 3 > v.n)
        return false;
    unsigned n = 0;
    for (size_t k = at; k < at + 3; k++) {
        if (v.p[k] < '0' || v.p[k] > '9')
            return false;
        n = n * 10 + (unsigned)(v.p[k] - '0');
    }
    *out = n;
    return true;
}

int msrp_status_parse(sp_str v, msrp_status *s, sp_error *err)
{
    *s = (msrp_status){0};
    if (!three_digits(v, 0, &s->ns) || (v.n > 3 && v.p[3] != ' '))
        return sp_fail(err, SP_EINVAL, 0, 400, "Status namespace is not 3 digits");
    if (v.n < 4)
        return sp_fail(err, SP_EINVAL, v.n, 400, "Status lacks a code");
    if (!three_digits(v, 4, &s->code) || (v.n > 7 && v.p[7] != ' '))
        return sp_fail(err, SP_EINVAL, 4, 400, "Status code is not 3 digits");
    if (v.n > 7) {
        s->comment = sp_str_make(v.p + 8, v.n - 8);
        for (size_t i = 8; i < v.n; i++)
            if (!msrp_is((unsigned char)v.p[i], MSRP_C_TEXT))
                return sp_fail(err, SP_EINVAL, i, 400, "control character in Status comment");
    }
    return 0;
}

static int report_parse(sp_str v, bool allow_partial, msrp_report *r, sp_error *err)
{
    if (sp_str_caseeq_cstr(v, "yes"))
        *r = MSRP_REPORT_YES;
    else if (sp_str_caseeq_cstr(v, "no"))
        *r = MSRP_REPORT_NO;
    else if (allow_partial && sp_str_caseeq_cstr(v, "partial"))
        *r = MSRP_REPORT_PARTIAL;
    else
        return sp_fail(err, SP_EINVAL, 0, 400,
                       allow_partial ? "Failure-Report is not yes, no or partial" : "Success-Report is not yes or no");
    return 0;
}

int msrp_success_report_parse(sp_str v, msrp_report *r, sp_error *err)
{
    if (!sp_str_present(v)) {
        *r = MSRP_REPORT_NO; /* RFC 4975 §7.1.3 */
        return 0;
    }
    return report_parse(v, false, r, err);
}

int msrp_failure_report_parse(sp_str v, msrp_report *r, sp_error *err)
{
    if (!sp_str_present(v)) {
        *r = MSRP_REPORT_YES; /* RFC 4975 §7.1.4 */
        return 0;
    }
    return report_parse(v, true, r, err);
}

const char *msrp_report_name(msrp_report r)
{
    return r == MSRP_REPORT_YES ? "yes" : r == MSRP_REPORT_PARTIAL ? "partial" : "no";
}
