/* pap_status.c - see pap.h: what the PSA's result of a delivery (seed 004
 * Appendix Q through push_status) tells the push initiator (seed 004 §1
 * item 11). One row per status; push/README.md has the same table.
 *
 * The code's class carries the retry decision, since PAP has no other
 * field for it: 4xxx (service failure / unavailable) and 5xxx (the client
 * aborted) mean a new submission later may succeed; 2xxx and 3xxx mean
 * the same push will fail again. So each row has the code written when the
 * PSA says the push may be retried and the code written when it may not. */
#include "pap.h"

typedef struct outcome_row {
    unsigned status;
    pap_state state;
    unsigned final_code; /* retry false */
    unsigned retry_code; /* retry true */
} outcome_row;

#define U PAP_STATE_UNDELIVERABLE
static const outcome_row rows[] = {
    {200, PAP_STATE_DELIVERED, PAP_OK, PAP_OK},
    {400, U, PAP_BAD_REQUEST, PAP_SERVICE_FAILURE},                      /* Q row 2; a local 400: the push is bad */
    {401, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},                     /* the core wants credentials */
    {403, U, PAP_FORBIDDEN, PAP_SERVICE_FAILURE},                        /* Q row 3 */
    {404, U, PAP_ADDRESS_NOT_FOUND, PAP_SERVICE_FAILURE},
    {407, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {408, PAP_STATE_TIMEOUT, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},     /* Q row 4, and a local timeout */
    {410, U, PAP_ADDRESS_NOT_FOUND, PAP_SERVICE_FAILURE},
    {413, U, PAP_CAPABILITIES_MISMATCH, PAP_SERVICE_FAILURE},            /* too large for the receiver */
    {415, U, PAP_CAPABILITIES_MISMATCH, PAP_SERVICE_FAILURE},            /* Q row 6 */
    {420, U, PAP_DELIVERY_METHOD_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {421, U, PAP_DELIVERY_METHOD_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {423, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {480, U, PAP_NOT_POSSIBLE, PAP_SERVICE_UNAVAILABLE},                 /* not reachable now */
    {481, U, PAP_DELIVERY_METHOD_NOT_POSSIBLE, PAP_SERVICE_FAILURE},     /* Q row 7; MSRP: session gone */
    {484, U, PAP_ADDRESS_ERROR, PAP_SERVICE_FAILURE},
    {486, U, PAP_NOT_POSSIBLE, PAP_SERVICE_UNAVAILABLE},
    {487, PAP_STATE_CANCELLED, PAP_OK, PAP_OK},                          /* we cancelled it */
    {488, U, PAP_CAPABILITIES_MISMATCH, PAP_SERVICE_FAILURE},
    {489, U, PAP_DELIVERY_METHOD_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {491, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {500, U, PAP_INTERNAL_ERROR, PAP_SERVICE_FAILURE},                   /* Q row 5 */
    {501, U, PAP_DELIVERY_METHOD_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {502, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {503, U, PAP_NOT_POSSIBLE, PAP_SERVICE_UNAVAILABLE},                 /* Q row 2, and a transport error */
    {504, PAP_STATE_TIMEOUT, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {505, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {513, U, PAP_CAPABILITIES_MISMATCH, PAP_SERVICE_FAILURE},
    {600, U, PAP_NOT_POSSIBLE, PAP_SERVICE_UNAVAILABLE},
    {603, PAP_STATE_ABORTED, PAP_CLIENT_ABORTED, PAP_CLIENT_ABORTED},    /* Q row 2: the client declined */
    {604, U, PAP_ADDRESS_NOT_FOUND, PAP_SERVICE_FAILURE},                /* Q row 3 */
    {606, U, PAP_CAPABILITIES_MISMATCH, PAP_SERVICE_FAILURE},
};

/* A status no row names, by its class (RFC 3261 §21). */
static const outcome_row class_rows[] = {
    {100, PAP_STATE_PENDING, PAP_ACCEPTED, PAP_ACCEPTED},
    {200, PAP_STATE_DELIVERED, PAP_OK, PAP_OK},
    {300, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {400, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
    {500, U, PAP_INTERNAL_ERROR, PAP_SERVICE_FAILURE},
    {600, U, PAP_NOT_POSSIBLE, PAP_SERVICE_FAILURE},
};
#undef U

static const outcome_row invalid_row = {0, PAP_STATE_UNDELIVERABLE, PAP_INTERNAL_ERROR, PAP_SERVICE_FAILURE};

static const outcome_row *row_of(unsigned status)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        if (rows[i].status == status)
            return &rows[i];
    if (status >= 100 && status <= 699)
        return &class_rows[status / 100 - 1];
    return &invalid_row;
}

pap_outcome pap_outcome_of(const push_psa_result *r)
{
    /* delivered is the PSA's word (a 202 to a MESSAGE, a Success-Report). */
    const outcome_row *row = r->delivered ? &rows[0] : row_of(r->status);
    if (!r->delivered && row->state == PAP_STATE_DELIVERED)
        row = &invalid_row;
    pap_outcome o;
    o.code = r->retry ? row->retry_code : row->final_code;
    o.state = row->state;
    o.retry = r->retry;
    o.desc = r->reason ? r->reason : pap_code_desc(o.code);
    return o;
}

pap_outcome pap_outcome_expired(void)
{
    pap_outcome o = {PAP_NOT_POSSIBLE, PAP_STATE_EXPIRED, false, "deliver-before-timestamp passed before delivery"};
    return o;
}
