/* push_pap_codes.c - see push_pap.h: the result codes, message states and the PAP
 * date form. */
#include "push_pap.h"

#include <stdio.h>
#include <time.h>

typedef struct code_desc {
    unsigned code;
    const char *desc;
} code_desc;

/* PAP 1.0 §9.14 and its 2.x successors. 5xxx is the client's abort reason
 * (5000 + the WSP abort code); one description covers the class. */
static const code_desc code_descs[] = {
    {1000, "OK"},
    {1001, "Accepted for Processing"},
    {2000, "Bad Request"},
    {2001, "Forbidden"},
    {2002, "Address Error"},
    {2003, "Address Not Found"},
    {2004, "Push ID Not Found"},
    {2005, "Capabilities Mismatch"},
    {2006, "Required Capabilities Not Supported"},
    {2007, "Duplicate Push ID"},
    {2008, "Cancellation Not Possible"},
    {3000, "Internal Server Error"},
    {3001, "Not Implemented"},
    {3002, "Version Not Supported"},
    {3003, "Not Possible"},
    {3004, "Capability Matching Not Possible"},
    {3005, "Multiple Addresses Not Supported"},
    {3006, "Transformation Failure"},
    {3007, "Specified Delivery Method Not Possible"},
    {3008, "Capabilities Not Available"},
    {3009, "Required Network Not Available"},
    {3010, "Required Bearer Not Available"},
    {3011, "Replacement Not Supported"},
    {4000, "Service Failure"},
    {4001, "Service Unavailable"},
};

const char *push_pap_code_desc(unsigned code)
{
    for (size_t i = 0; i < sizeof code_descs / sizeof code_descs[0]; i++)
        if (code_descs[i].code == code)
            return code_descs[i].desc;
    if (code >= 5000 && code <= 5999)
        return "Mobile Client Aborted";
    return "Unknown";
}

static const char *const state_names[] = {
    [PUSH_PAP_STATE_PENDING] = "pending",         [PUSH_PAP_STATE_DELIVERED] = "delivered",
    [PUSH_PAP_STATE_UNDELIVERABLE] = "undeliverable", [PUSH_PAP_STATE_EXPIRED] = "expired",
    [PUSH_PAP_STATE_ABORTED] = "aborted",         [PUSH_PAP_STATE_TIMEOUT] = "timeout",
    [PUSH_PAP_STATE_CANCELLED] = "cancelled",     [PUSH_PAP_STATE_UNKNOWN] = "unknown",
};

const char *push_pap_state_name(push_pap_state s)
{
    return (unsigned)s < sizeof state_names / sizeof state_names[0] ? state_names[s] : "unknown";
}

static bool digits(sp_str s, size_t at, size_t n, int *v)
{
    int r = 0;
    for (size_t i = at; i < at + n; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        r = r * 10 + (s.p[i] - '0');
    }
    *v = r;
    return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* PAP 1.0 §9.2.1: "YYYY-MM-DDThh:mm:ssZ", always UTC, nothing else. */
bool push_pap_time_parse(sp_str s, int64_t *t)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, mo, d, h, mi, se;
    if (s.n != PUSH_PAP_TIME_LEN || s.p[4] != '-' || s.p[7] != '-' || s.p[10] != 'T' || s.p[13] != ':' ||
        s.p[16] != ':' || s.p[19] != 'Z')
        return false;
    if (!digits(s, 0, 4, &y) || !digits(s, 5, 2, &mo) || !digits(s, 8, 2, &d) || !digits(s, 11, 2, &h) ||
        !digits(s, 14, 2, &mi) || !digits(s, 17, 2, &se))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59)
        return false;
    if (d > mdays[mo - 1] + (mo == 2 && leap(y)))
        return false;
    *t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return true;
}

size_t push_pap_time_format(int64_t t, char *out, size_t cap)
{
    struct tm tm;
    time_t tt = (time_t)t;
    if (cap <= PUSH_PAP_TIME_LEN || (int64_t)tt != t || !gmtime_r(&tt, &tm) || tm.tm_year < -1900 ||
        tm.tm_year > 9999 - 1900)
        return 0;
    int n = snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n == PUSH_PAP_TIME_LEN ? PUSH_PAP_TIME_LEN : 0;
}

const char *push_pap_version_name(push_pap_version v)
{
    switch (v) {
    case PUSH_PAP_V1_0: return "1.0";
    case PUSH_PAP_V2_0: return "2.0";
    case PUSH_PAP_V2_1: return "2.1";
    }
    return "1.0";
}

const char *push_pap_kind_name(push_pap_kind k)
{
    switch (k) {
    case PUSH_PAP_KIND_PUSH: return "push";
    case PUSH_PAP_KIND_CANCEL: return "cancel";
    case PUSH_PAP_KIND_STATUS_QUERY: return "status-query";
    case PUSH_PAP_KIND_CCQ: return "ccq";
    case PUSH_PAP_KIND_RESULTNOTIFICATION_RESPONSE: return "resultnotification-response";
    }
    return "push";
}
