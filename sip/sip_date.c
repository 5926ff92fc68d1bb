/* sip_date.c - the Date header (RFC 3261 §20.17: rfc1123-date, GMT only).
 * The calendar arithmetic is done here, so the result depends on neither the
 * locale nor the time zone. */
#include "sip_hdr.h"

#include "sip_lex_impl.h"

static const char names_wkday[] = "montuewedthufrisatsun";
static const char names_month[] = "janfebmaraprmayjunjulaugsepoctnovdec";

/* The index of a three-letter name in a list (ABNF literals are
 * case-insensitive, RFC 2234 §2.3), or -1. */
static int name3(const char *p, const char *list, int count)
{
    char a = sp_ascii_lower(p[0]), b = sp_ascii_lower(p[1]), c = sp_ascii_lower(p[2]);
    for (int k = 0; k < count; k++)
        if (list[3 * k] == a && list[3 * k + 1] == b && list[3 * k + 2] == c)
            return k;
    return -1;
}

/* exactly ndigits digits at p[*i] */
static bool digits(const char *p, size_t *i, size_t n, int ndigits, int *out)
{
    int v = 0;
    for (int k = 0; k < ndigits; k++, (*i)++) {
        if (*i >= n || !sip_is(p[*i], SIP_C_DIGIT))
            return false;
        v = v * 10 + (p[*i] - '0');
    }
    *out = v;
    return true;
}

static bool expect(const char *p, size_t *i, size_t n, char c)
{
    if (*i >= n || p[*i] != c)
        return false;
    (*i)++;
    return true;
}

/* SP where the grammar has one; folding counts as white space */
static bool space(const char *p, size_t *i, size_t n)
{
    size_t j = sip_skip_ws(p, *i, n);
    if (j == *i)
        return false;
    *i = j;
    return true;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days from 0000-01-01 to the first of January of year y (proleptic Gregorian). */
static int64_t days_before_year(int64_t y)
{
    return 365 * y + (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
}

int sip_date_parse(sp_str value, time_t *when, sp_error *err)
{
    static const int days_before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    static const int month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = value.p;
    size_t n = value.n;
    while (n && sip_is(p[n - 1], SIP_C_WS))
        n--;
    size_t i = sip_skip_ws(p, 0, n);
    int day, year, hh, mm, ss;
    /* wkday "," SP */
    if (n - i < 3 || name3(p + i, names_wkday, 7) < 0)
        return sip_hdr_fail(err, i, "expected day of week");
    i += 3;
    if (!expect(p, &i, n, ',') || !space(p, &i, n))
        return sip_hdr_fail(err, i, "expected ', ' after day of week");
    /* date1 = 2DIGIT SP month SP 4DIGIT */
    size_t at = i, day_at = i;
    if (!digits(p, &i, n, 2, &day) || !space(p, &i, n))
        return sip_hdr_fail(err, at, "expected day of month");
    at = i;
    int month = n - i >= 3 ? name3(p + i, names_month, 12) : -1;
    if (month < 0)
        return sip_hdr_fail(err, at, "expected month");
    i += 3;
    if (!space(p, &i, n))
        return sip_hdr_fail(err, i, "expected space after month");
    at = i;
    if (!digits(p, &i, n, 4, &year) || !space(p, &i, n))
        return sip_hdr_fail(err, at, "expected year");
    /* time = 2DIGIT ":" 2DIGIT ":" 2DIGIT, 00:00:00 - 23:59:59 */
    at = i;
    if (!digits(p, &i, n, 2, &hh) || !expect(p, &i, n, ':') || !digits(p, &i, n, 2, &mm) ||
        !expect(p, &i, n, ':') || !digits(p, &i, n, 2, &ss))
        return sip_hdr_fail(err, at, "expected time");
    if (hh > 23 || mm > 59 || ss > 59)
        return sip_hdr_fail(err, at, "time out of range");
    if (!space(p, &i, n) || n - i != 3 || !SIP_NAME_IS(sip_slice(p, i, n), "gmt"))
        return sip_hdr_fail(err, i, "expected GMT at the end");
    if (day < 1 || day > month_days[month] || (month == 1 && day == 29 && !leap(year)))
        return sip_hdr_fail(err, day_at, "day out of range");

    int64_t days = days_before_year(year) - days_before_year(1970) + days_before_month[month] +
                   (month > 1 && leap(year)) + day - 1;
    int64_t t = days * 86400 + hh * 3600 + mm * 60 + ss;
    if ((int64_t)(time_t)t != t)
        return sip_hdr_fail(err, at, "date out of range");
    *when = (time_t)t;
    return 0;
}
