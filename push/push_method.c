/* push_method.c - see push_method.h. */
#include "push_method.h"

#include "sip_hdr.h"

const char *push_method_name(push_method m)
{
    switch (m) {
    case PUSH_METHOD_MESSAGE: return "MESSAGE";
    case PUSH_METHOD_NOTIFY: return "NOTIFY";
    case PUSH_METHOD_INVITE: return "INVITE";
    case PUSH_METHOD_REFER: return "REFER";
    }
    return "?";
}

push_caps push_caps_from_list(sp_str methods)
{
    push_caps c;
    c.known = true;
    c.message = sip_list_has(methods, SP_LIT("MESSAGE"), true);
    c.notify = sip_list_has(methods, SP_LIT("NOTIFY"), true);
    c.invite = sip_list_has(methods, SP_LIT("INVITE"), true);
    return c;
}

static bool accepts(const push_caps *c, bool method_flag)
{
    return !c->known || method_flag;
}

static int pick(push_method *out, push_method m)
{
    *out = m;
    return 0;
}

int push_method_select(const push_method_input *in, push_method *out, sp_error *err)
{
    const push_caps *c = &in->caps;
    bool fits = in->body_len <= PUSH_PAGE_MODE_MAX;

    switch (in->ask) {
    case PUSH_ASK_MESSAGE:
        if (!accepts(c, c->message))
            return sp_fail(err, SP_EINVAL, 0, 405, "receiver does not accept MESSAGE");
        if (!fits)
            return sp_fail(err, SP_EINVAL, 0, 513, "MESSAGE body over 1300 bytes");
        return pick(out, PUSH_METHOD_MESSAGE);
    case PUSH_ASK_NOTIFY:
        if (!in->has_subscription)
            return sp_fail(err, SP_EINVAL, 0, 481, "no subscription of the recipient to carry the NOTIFY");
        if (!accepts(c, c->notify))
            return sp_fail(err, SP_EINVAL, 0, 405, "receiver does not accept NOTIFY");
        if (!fits)
            return sp_fail(err, SP_EINVAL, 0, 513, "NOTIFY body over 1300 bytes");
        return pick(out, PUSH_METHOD_NOTIFY);
    case PUSH_ASK_INVITE:
        /* RFC 4483 indirection replaces a body; an MSRP session has none to replace. */
        if (in->indirect)
            return sp_fail(err, SP_EINVAL, 0, 400, "content indirection needs MESSAGE or NOTIFY");
        if (!accepts(c, c->invite))
            return sp_fail(err, SP_EINVAL, 0, 405, "receiver does not accept INVITE");
        return pick(out, PUSH_METHOD_INVITE);
    case PUSH_ASK_AUTO:
        break;
    }

    if (fits && accepts(c, c->message))
        return pick(out, PUSH_METHOD_MESSAGE);
    if (fits && in->has_subscription && accepts(c, c->notify))
        return pick(out, PUSH_METHOD_NOTIFY);
    if (in->indirect)
        return sp_fail(err, SP_EINVAL, 0, fits ? 405 : 513,
                       fits ? "receiver accepts neither MESSAGE nor NOTIFY" : "external-body part over 1300 bytes");
    if (accepts(c, c->invite))
        return pick(out, PUSH_METHOD_INVITE);
    if (!fits)
        return sp_fail(err, SP_EINVAL, 0, 513, "content over 1300 bytes and receiver does not accept INVITE");
    return sp_fail(err, SP_EINVAL, 0, 405, "receiver accepts no push method");
}
