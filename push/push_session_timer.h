/* push_session_timer.h - SIP session timers (RFC 4028) as the push agents
 * use them: what a Push Sender Agent asks for in its INVITE (seed 000
 * §8.2.5.1: Supported: timer, Session-Expires with refresher=uac), what a
 * Push Receiver Agent answers (seed 002 §7.3.1.1: Require: timer and
 * Session-Expires in the 200), the 422 round, and when each end acts.
 *
 * Pure functions over parsed messages; the agents own the timers. */
#ifndef SIPPUSH_PUSH_SESSION_TIMER_H
#define SIPPUSH_PUSH_SESSION_TIMER_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip_msg.h"
#include "sp_error.h"

/* RFC 4028 §4: the session interval asked for by default (the RFC's
 * recommendation), and the floor no Min-SE may go below. */
#define PUSH_SE_DEFAULT_S 1800u
#define PUSH_MIN_SE_FLOOR_S 90u
/* The largest interval accepted from the wire: a day. Longer ones are
 * lowered to it, which §9 allows an answerer to do. */
#define PUSH_SE_MAX_S 86400u
/* Bytes the header lines of one request or answer take at most. */
#define PUSH_SE_HEADERS_MAX 128

/* A running session timer. */
typedef struct push_se {
    bool on;              /* false: no session timer for this session */
    uint32_t interval_s;  /* the negotiated session interval */
    bool local_refresh;   /* this end sends the refreshes; the other one watches */
} push_se;

/* The lines a UAC puts in an INVITE, re-INVITE or UPDATE: Supported: timer,
 * Session-Expires: interval;refresher=uac and, after a 422, Min-SE (§7.1,
 * §7.4). min_se 0 leaves Min-SE out. Each line ends in CRLF. Returns the
 * length written (NUL-terminated) or SP_ELIMIT when cap is too small. */
SP_API int push_se_request_headers(uint32_t interval_s, uint32_t min_se_s, char *out, size_t cap);

/* UAC: the 2xx to a request carrying the lines above (§7.2). Without a
 * Session-Expires the session has no timer; with one, its refresher says
 * who refreshes ("uac" is us; absent, which a UAS must not do when we
 * support the extension, is read as us too). Returns 0 or SP_EINVAL with err
 * for a malformed Session-Expires. */
SP_API int push_se_uac_2xx(const sip_msg *resp, push_se *se, sp_error *err);

/* UAC: the interval to retry with after a 422 (§7.4): the Min-SE it names,
 * raised to the floor, and at least the interval asked before. false when
 * the 422 has no readable Min-SE or it is above PUSH_SE_MAX_S (give up). */
SP_API bool push_se_uac_422(const sip_msg *resp, uint32_t asked_s, uint32_t *retry_s);

/* UAS: the decision for an incoming INVITE, re-INVITE or UPDATE (§9). */
typedef struct push_se_answer {
    unsigned status;      /* 0: go on; 422: too brief (answer with Min-SE: min_se_s);
                             400: malformed Session-Expires or Min-SE */
    uint32_t min_se_s;    /* 422 */
    bool require;         /* the UAC supports timer: Require: timer in the 2xx */
    push_se se;           /* the timer this end runs after its 2xx */
    bool uac_refreshes;   /* refresher=uac in the answer */
} push_se_answer;

/* local_min_se_s: the shortest interval this UAS takes (at least the
 * floor); preferred_s: the interval it asks for when the request names none
 * (0: PUSH_SE_DEFAULT_S). */
SP_API void push_se_uas_answer(const sip_msg *req, uint32_t local_min_se_s, uint32_t preferred_s, push_se_answer *a);

/* The lines of the answer: for a 2xx "Require: timer" (when a->require)
 * and "Session-Expires: N;refresher=uac|uas"; for a 422 "Min-SE: N". Each
 * ends in CRLF. Returns the length or SP_ELIMIT. */
SP_API int push_se_answer_headers(const push_se_answer *a, char *out, size_t cap);

/* When this end acts, in ms after the 2xx that started or refreshed the
 * timer (§10): the refresher refreshes at half the interval; the other end
 * ends the session (BYE) at the interval minus the smaller of 32 s and a
 * third of it. 0 when no timer runs. */
SP_API uint64_t push_se_due_ms(const push_se *se);

#endif
