/* push_status.h - what a response code means for a push (seed 004
 * Appendix Q, "Response Code Interpretation").
 *
 * Maps SIP final responses, the 408 and 503 a transaction synthesises on a
 * timeout or a transport error (RFC 3261 §8.1.3.1), MSRP transaction
 * responses and MSRP REPORT statuses (RFC 4975 §7.1.2, §10) to a delivery
 * outcome, whether the push may be retried, and a reason text. These are the
 * "retry" and "reason" of the send/psa "failed" events (CONTRACT.md). */
#ifndef SIPPUSH_PUSH_STATUS_H
#define SIPPUSH_PUSH_STATUS_H

#include "sp_export.h"

#include <stdbool.h>

#include "push_method.h"

/* What a receiver answers to a push for an application it does not serve:
 * a 4xx so that a forking proxy still tries the user's other terminals. */
#define PUSH_STATUS_UNKNOWN_APP 404

typedef enum push_outcome {
    PUSH_OUTCOME_PENDING,   /* 1xx: not final yet */
    PUSH_OUTCOME_DELIVERED,
    PUSH_OUTCOME_FAILED,
} push_outcome;

typedef enum push_code_source {
    PUSH_SRC_SIP,           /* a final response received from the network */
    PUSH_SRC_SIP_TIMEOUT,   /* 408 synthesised: no response before timer B / F */
    PUSH_SRC_SIP_TRANSPORT, /* 503 synthesised: the request could not be sent */
    PUSH_SRC_MSRP,          /* an MSRP transaction response to a SEND */
    PUSH_SRC_MSRP_REPORT,   /* the status code of a REPORT ("Status: 000 CODE") */
} push_code_source;

typedef struct push_status {
    push_outcome outcome;
    bool retry;         /* trying the same push again later may succeed */
    int scenario;       /* the Appendix Q row (1..7) that decided, 0 when the table is silent */
    const char *reason; /* static text */
} push_status;

/* Interprets code (100..699; anything else is a failure without retry). The
 * method tells which rows apply: rows 1-6 name NOTIFY, MESSAGE and REFER,
 * row 7 only NOTIFY and REFER; INVITE responses follow the same table. */
SP_API push_status push_status_of(push_code_source src, push_method method, unsigned code);

#endif
