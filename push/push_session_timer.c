/* push_session_timer.c - see push_session_timer.h. */
#include "push_session_timer.h"

#include <stdio.h>

#include "sip_hdr.h"

/* Supported (or Require) names the option tag in any of its lines. */
static bool lists_tag(const sip_msg *m, sip_hdr_id id, const char *tag)
{
    for (const sip_header *h = sip_msg_find(m, id); h; h = sip_msg_find_next(m, h))
        if (sip_list_has(h->value, sp_str_cstr(tag), false))
            return true;
    return false;
}

static int finish(int n, size_t cap)
{
    return n < 0 || (size_t)n >= cap ? SP_ELIMIT : n;
}

int push_se_request_headers(uint32_t interval_s, uint32_t min_se_s, char *out, size_t cap)
{
    int n;
    if (min_se_s)
        n = snprintf(out, cap, "Supported: timer\r\nSession-Expires: %u;refresher=uac\r\nMin-SE: %u\r\n",
                     (unsigned)interval_s, (unsigned)min_se_s);
    else
        n = snprintf(out, cap, "Supported: timer\r\nSession-Expires: %u;refresher=uac\r\n", (unsigned)interval_s);
    return finish(n, cap);
}

/* The one Session-Expires of a message, parsed; false when absent. A
 * repeated header is malformed (it is single-valued, §4). */
static int read_se(const sip_msg *m, sip_hdr_id id, sip_session_expires *se, bool *present, sp_error *err)
{
    const sip_header *h = sip_msg_find(m, id);
    *present = h != NULL;
    if (!h)
        return 0;
    if (m->count[id] > 1)
        return sp_fail(err, SP_EINVAL, 0, 400, "repeated session timer header");
    return sip_session_expires_parse(h->value, se, err) ? SP_EINVAL : 0;
}

int push_se_uac_2xx(const sip_msg *resp, push_se *se, sp_error *err)
{
    sip_session_expires v;
    bool present;
    *se = (push_se){0};
    if (read_se(resp, SIP_H_SESSION_EXPIRES, &v, &present, err))
        return SP_EINVAL;
    if (!present)
        return 0; /* §7.2: no Session-Expires in the 2xx, no session timer */
    if (v.delta < PUSH_MIN_SE_FLOOR_S)
        return sp_fail(err, SP_EINVAL, 0, 400, "Session-Expires below 90 seconds");
    se->on = true;
    se->interval_s = v.delta > PUSH_SE_MAX_S ? PUSH_SE_MAX_S : v.delta;
    se->local_refresh = !v.refresher.p || sp_str_caseeq_cstr(v.refresher, "uac");
    return 0;
}

bool push_se_uac_422(const sip_msg *resp, uint32_t asked_s, uint32_t *retry_s)
{
    sip_session_expires v;
    bool present;
    sp_error err;
    if (read_se(resp, SIP_H_MIN_SE, &v, &present, &err) || !present || v.delta > PUSH_SE_MAX_S)
        return false;
    uint32_t r = v.delta < PUSH_MIN_SE_FLOOR_S ? PUSH_MIN_SE_FLOOR_S : v.delta;
    *retry_s = r > asked_s ? r : asked_s;
    return true;
}

void push_se_uas_answer(const sip_msg *req, uint32_t local_min_se_s, uint32_t preferred_s, push_se_answer *a)
{
    sip_session_expires se, mse;
    bool has_se, has_mse;
    sp_error err;
    *a = (push_se_answer){0};
    if (local_min_se_s < PUSH_MIN_SE_FLOOR_S)
        local_min_se_s = PUSH_MIN_SE_FLOOR_S;
    if (!preferred_s)
        preferred_s = PUSH_SE_DEFAULT_S;
    if (preferred_s < local_min_se_s)
        preferred_s = local_min_se_s;
    if (read_se(req, SIP_H_SESSION_EXPIRES, &se, &has_se, &err) || read_se(req, SIP_H_MIN_SE, &mse, &has_mse, &err)) {
        a->status = 400;
        return;
    }
    bool supported = lists_tag(req, SIP_H_SUPPORTED, "timer") || lists_tag(req, SIP_H_REQUIRE, "timer");
    uint32_t floor_s = local_min_se_s;
    if (has_mse && mse.delta > floor_s)
        floor_s = mse.delta;
    uint32_t interval = preferred_s;
    if (has_se) {
        if (se.delta < local_min_se_s) {
            if (supported) { /* §9: too brief for us, and the UAC can retry */
                a->status = 422;
                a->min_se_s = local_min_se_s;
                return;
            }
            interval = local_min_se_s; /* §9: a UAC without the extension gets a longer one */
        } else {
            interval = se.delta < preferred_s ? se.delta : preferred_s; /* §9: may only shorten */
        }
    }
    if (interval < floor_s)
        interval = floor_s;
    if (interval > PUSH_SE_MAX_S)
        interval = PUSH_SE_MAX_S;
    /* §9: the request's refresher is kept; absent, the UAS chooses, and a
     * UAC that does not support timers cannot refresh. The push sender asks
     * to refresh (seed 000), so uac is chosen when it can. */
    bool uac = supported && (!has_se || !se.refresher.p || sp_str_caseeq_cstr(se.refresher, "uac"));
    a->require = supported;
    a->uac_refreshes = uac;
    a->se = (push_se){.on = true, .interval_s = interval, .local_refresh = !uac};
}

int push_se_answer_headers(const push_se_answer *a, char *out, size_t cap)
{
    int n;
    if (a->status == 422)
        n = snprintf(out, cap, "Min-SE: %u\r\n", (unsigned)a->min_se_s);
    else if (!a->se.on)
        n = snprintf(out, cap, "%s", "");
    else
        n = snprintf(out, cap, "%sSession-Expires: %u;refresher=%s\r\n", a->require ? "Require: timer\r\n" : "",
                     (unsigned)a->se.interval_s, a->uac_refreshes ? "uac" : "uas");
    return finish(n, cap);
}

uint64_t push_se_due_ms(const push_se *se)
{
    if (!se->on || !se->interval_s)
        return 0;
    uint64_t i = se->interval_s;
    if (se->local_refresh)
        return i * 1000 / 2;
    uint64_t margin = i / 3 < 32 ? i / 3 : 32;
    return (i - margin) * 1000;
}
