/* push_pap_status.c - see push_pap.h: what the PSA's result of a delivery (seed 004
 * Appendix Q through push_status) tells the push initiator (seed 004 §1
 * item 11). One row per status; push/README.md has the same table.
 *
 * The code's class carries the retry decision, since PAP has no other
 * field for it: 4xxx (service failure / unavailable) and 5xxx (the client
 * aborted) mean a new submission later may succeed; 2xxx and 3xxx mean
 * the same push will fail again. So each row has the code written when the
 * PSA says the push may be retried and the code written when it may not. */
#include "push_pap.h"

typedef struct outcome_row {
    unsigned status;
    push_pap_state state;
    unsigned final_code; /* retry false */
    unsigned retry_code; /* retry true */
} outcome_row;

#define U PUSH_PAP_STATE_UNDELIVERABLE
static const outcome_row rows[] = {
    {200, PUSH_PAP_STATE_DELIVERED, PUSH_PAP_OK, PUSH_PAP_OK},
    {400, U, PUSH_PAP_BAD_REQUEST, PUSH_PAP_SERVICE_FAILURE},                      /* Q row 2; a local 400: the push is bad */
    {401, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},                     /* the core wants credentials */
    {403, U, PUSH_PAP_FORBIDDEN, PUSH_PAP_SERVICE_FAILURE},                        /* Q row 3 */
    {404, U, PUSH_PAP_ADDRESS_NOT_FOUND, PUSH_PAP_SERVICE_FAILURE},
    {407, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {408, PUSH_PAP_STATE_TIMEOUT, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},     /* Q row 4, and a local timeout */
    {410, U, PUSH_PAP_ADDRESS_NOT_FOUND, PUSH_PAP_SERVICE_FAILURE},
    {413, U, PUSH_PAP_CAPABILITIES_MISMATCH, PUSH_PAP_SERVICE_FAILURE},            /* too large for the receiver */
    {415, U, PUSH_PAP_CAPABILITIES_MISMATCH, PUSH_PAP_SERVICE_FAILURE},            /* Q row 6 */
    {420, U, PUSH_PAP_DELIVERY_METHOD_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {421, U, PUSH_PAP_DELIVERY_METHOD_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {423, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {480, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_UNAVAILABLE},                 /* not reachable now */
    {481, U, PUSH_PAP_DELIVERY_METHOD_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},     /* Q row 7; MSRP: session gone */
    {484, U, PUSH_PAP_ADDRESS_ERROR, PUSH_PAP_SERVICE_FAILURE},
    {486, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_UNAVAILABLE},
    {487, PUSH_PAP_STATE_CANCELLED, PUSH_PAP_OK, PUSH_PAP_OK},                          /* we cancelled it */
    {488, U, PUSH_PAP_CAPABILITIES_MISMATCH, PUSH_PAP_SERVICE_FAILURE},
    {489, U, PUSH_PAP_DELIVERY_METHOD_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {491, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {500, U, PUSH_PAP_INTERNAL_ERROR, PUSH_PAP_SERVICE_FAILURE},                   /* Q row 5 */
    {501, U, PUSH_PAP_DELIVERY_METHOD_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {502, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {503, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_UNAVAILABLE},                 /* Q row 2, and a transport error */
    {504, PUSH_PAP_STATE_TIMEOUT, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {505, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {513, U, PUSH_PAP_CAPABILITIES_MISMATCH, PUSH_PAP_SERVICE_FAILURE},
    {600, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_UNAVAILABLE},
    {603, PUSH_PAP_STATE_ABORTED, PUSH_PAP_CLIENT_ABORTED, PUSH_PAP_CLIENT_ABORTED},    /* Q row 2: the client declined */
    {604, U, PUSH_PAP_ADDRESS_NOT_FOUND, PUSH_PAP_SERVICE_FAILURE},                /* Q row 3 */
    {606, U, PUSH_PAP_CAPABILITIES_MISMATCH, PUSH_PAP_SERVICE_FAILURE},
};

/* A status no row names, by its class (RFC 3261 §21). */
static const outcome_row class_rows[] = {
    {100, PUSH_PAP_STATE_PENDING, PUSH_PAP_ACCEPTED, PUSH_PAP_ACCEPTED},
    {200, PUSH_PAP_STATE_DELIVERED, PUSH_PAP_OK, PUSH_PAP_OK},
    {300, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {400, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
    {500, U, PUSH_PAP_INTERNAL_ERROR, PUSH_PAP_SERVICE_FAILURE},
    {600, U, PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_SERVICE_FAILURE},
};
#undef U

static const outcome_row invalid_row = {0, PUSH_PAP_STATE_UNDELIVERABLE, PUSH_PAP_INTERNAL_ERROR, PUSH_PAP_SERVICE_FAILURE};

static const outcome_row *row_of(unsigned status)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].status == status)
            return &rows[i];
    if (status >= 100 && status <= 699)
        return &class_rows[status / 100 - 1];
    return &invalid_row;
}

push_pap_outcome push_pap_outcome_of(const push_psa_result *r)
{
    /* delivered is the PSA's word (a 202 to a MESSAGE, a Success-Report). */
    const outcome_row *row = r->delivered ? &rows[0] : row_of(r->status);
    if (!r->delivered && row->state == PUSH_PAP_STATE_DELIVERED)
        row = &invalid_row;
    push_pap_outcome o;
    o.code = r->retry ? row->retry_code : row->final_code;
    o.state = row->state;
    o.retry = r->retry;
    o.desc = r->reason ? r->reason : push_pap_code_desc(o.code);
    return o;
}

push_pap_outcome push_pap_outcome_expired(void)
{
    push_pap_outcome o = {PUSH_PAP_NOT_POSSIBLE, PUSH_PAP_STATE_EXPIRED, false, "deliver-before-timestamp passed before delivery"};
    return o;
}
