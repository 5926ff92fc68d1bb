/* push_status.c - see push_status.h. Rows marked with a scenario number are
 * seed 004 Appendix Q; the others fill the table's gaps (push/README.md). */
#include "push_status.h"

#include <stddef.h>

typedef struct code_row {
    unsigned code;
    int scenario;
    bool retry;
    const char *reason;
} code_row;

/* SIP final responses to MESSAGE, NOTIFY, REFER and INVITE. */
static const code_row sip_rows[] = {
    {200, 1, false, "push request accepted"},
    /* Row 2 lists 400, 500, 503 and 603; row 5 lists 500 again with a more
     * precise cause. Both allow retries, so 500 keeps row 5's reason. */
    {400, 2, true, "push request rejected without specific cause"},
    {500, 5, true, "push message discarded due to resource shortage"},
    {503, 2, true, "push request rejected without specific cause"},
    {603, 2, true, "push request rejected without specific cause"},
    {403, 3, false, "push request forbidden"},
    {604, 3, false, "push recipient does not exist anywhere"},
    {408, 4, true, "push message cannot be delivered to the intended destination"},
    {415, 6, false, "push content type cannot be processed"},
    /* Row 7 (481) is for NOTIFY and REFER: see push_status_of(). */
    {401, 0, true, "authentication required"},
    {407, 0, true, "proxy authentication required"},
    {404, 0, false, "push recipient not found"},
    {410, 0, false, "push recipient gone"},
    {413, 0, false, "push content too large for this method"},
    {420, 0, false, "extension not supported"},
    {421, 0, false, "extension required"},
    {423, 0, false, "interval too brief"},
    {480, 0, true, "push recipient temporarily unavailable"},
    {484, 0, false, "address incomplete"},
    {486, 0, true, "push recipient busy"},
    {487, 0, false, "push request terminated"},
    {488, 0, false, "push offer not acceptable here"},
    {489, 0, false, "event package not supported"},
    {491, 0, true, "request pending"},
    {501, 0, false, "method not implemented by the recipient"},
    {502, 0, true, "bad gateway"},
    {504, 0, true, "server time-out"},
    {505, 0, false, "SIP version not supported"},
    {513, 0, false, "push message too large"},
    {600, 0, true, "push recipient busy everywhere"},
    {606, 0, false, "push not acceptable"},
};

/* MSRP transaction responses and REPORT statuses (RFC 4975 §10), read
 * through the same table where a row has the same meaning. */
static const code_row msrp_rows[] = {
    {200, 1, false, "push content delivered"},
    {400, 2, true, "MSRP request rejected without specific cause"},
    {403, 3, false, "MSRP request forbidden"},
    {408, 4, true, "MSRP transaction timed out"},
    {413, 0, false, "receiver stopped the transfer: content too large"},
    {415, 6, false, "push content type cannot be processed"},
    {423, 0, false, "MSRP parameter out of bounds"},
    /* The session is gone; a new INVITE can set up another. */
    {481, 0, true, "MSRP session does not exist"},
    {501, 0, false, "MSRP method not understood"},
    {506, 0, false, "MSRP request on the wrong connection"},
};

static const code_row *find_row(const code_row *rows, size_t n, unsigned code)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].code == code)
            return &rows[i];
    return NULL;
}

static push_status make(push_outcome o, bool retry, int scenario, const char *reason)
{
    push_status s = {o, retry, scenario, reason};
    return s;
}

static push_status from_row(const code_row *r)
{
    push_outcome o = r->code / 100 == 2 ? PUSH_OUTCOME_DELIVERED : PUSH_OUTCOME_FAILED;
    return make(o, r->retry, r->scenario, r->reason);
}

/* What a class says when no row names the code (RFC 3261 §21: 5xx are
 * server failures, worth another try; 3xx, 4xx and 6xx are answers). */
static push_status by_class(unsigned code)
{
    switch (code / 100) {
    case 1: return make(PUSH_OUTCOME_PENDING, false, 0, "provisional response");
    case 2: return make(PUSH_OUTCOME_DELIVERED, false, 0, "push request accepted");
    case 3: return make(PUSH_OUTCOME_FAILED, false, 0, "push request redirected");
    case 4: return make(PUSH_OUTCOME_FAILED, false, 0, "push request rejected");
    case 5: return make(PUSH_OUTCOME_FAILED, true, 0, "server failure");
    case 6: return make(PUSH_OUTCOME_FAILED, false, 0, "push request declined");
    }
    return make(PUSH_OUTCOME_FAILED, false, 0, "invalid status code");
}

push_status push_status_of(push_code_source src, push_method method, unsigned code)
{
    const code_row *r;
    switch (src) {
    case PUSH_SRC_SIP_TIMEOUT:
        return make(PUSH_OUTCOME_FAILED, true, 4, "no response: the request timed out");
    case PUSH_SRC_SIP_TRANSPORT:
        return make(PUSH_OUTCOME_FAILED, true, 2, "transport error: the request could not be sent");
    case PUSH_SRC_MSRP:
    case PUSH_SRC_MSRP_REPORT:
        if (code < 100 || code > 999)
            return by_class(0);
        r = find_row(msrp_rows, sizeof msrp_rows / sizeof msrp_rows[0], code);
        return r ? from_row(r) : by_class(code);
    case PUSH_SRC_SIP:
        break;
    }
    if (code < 100 || code > 699)
        return by_class(0);
    if (code == 481) {
        if (method == PUSH_METHOD_NOTIFY || method == PUSH_METHOD_REFER)
            return make(PUSH_OUTCOME_FAILED, false, 7, "matching provisioning context not found");
        return make(PUSH_OUTCOME_FAILED, false, 0, "no matching dialog or transaction");
    }
    r = find_row(sip_rows, sizeof sip_rows / sizeof sip_rows[0], code);
    return r ? from_row(r) : by_class(code);
}
