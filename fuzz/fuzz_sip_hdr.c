/* fuzz_sip_hdr.c - fuzzes every typed SIP header parser, the URI parser and
 * comparison, and the builder. The first byte picks the target; the rest is
 * the value. Every slice a parser returns must lie inside the input, every
 * failure must carry a reason and an offset inside the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip_build.h"
#include "sip_hdr.h"
#include "sip_uri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi;

static void inside(sp_str s)
{
    if (s.p && (s.p < lo || s.p + s.n > hi || s.n > (size_t)(hi - lo)))
        abort();
}

static void check_rc(int rc, const sp_error *e, size_t n)
{
    if (rc == 0)
        return;
    if (rc != SP_EINVAL || !e->reason || e->offset > n || e->status != 400)
        abort();
}

/* feature values are slices of the input, except the implicit "TRUE" */
static void feature_inside(sp_str v)
{
    if (!(v.n == 4 && memcmp(v.p, "TRUE", 4) == 0))
        inside(v);
}

static void check_uri(const sip_uri *u)
{
    inside(u->scheme_str), inside(u->user), inside(u->password), inside(u->host);
    inside(u->params), inside(u->headers), inside(u->opaque);
    if (!sip_uri_equal(u, u))
        abort();
    sp_str v;
    if (sip_uri_param(u, "transport", &v))
        inside(v);
}

static void walk_params(sp_str params)
{
    sip_param prm;
    inside(params);
    while (sip_param_next(&params, &prm))
        inside(prm.name), inside(prm.value), inside(sip_unquote(prm.value));
    inside(params);
}

static void uri_pair(sp_str s)
{
    const char *nl = memchr(s.p, '\n', s.n);
    if (!nl)
        return;
    sip_uri a, b;
    sp_str first = sp_str_make(s.p, (size_t)(nl - s.p));
    sp_str second = sp_str_make(nl + 1, s.n - first.n - 1);
    if (sip_uri_parse(first, &a, NULL) == 0 && sip_uri_parse(second, &b, NULL) == 0)
        if (sip_uri_equal(&a, &b) != sip_uri_equal(&b, &a))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    sp_str s = sp_str_make((const char *)data + 1, size - 1);
    lo = s.p, hi = s.p + s.n;
    sp_error e = {0};
    int rc = 0;
    switch (data[0] % 18) {
    case 0: {
        sip_via v;
        rc = sip_via_parse(s, &v, &e);
        if (rc == 0)
            inside(v.protocol), inside(v.transport), inside(v.host), inside(v.branch), inside(v.received),
                inside(v.maddr), inside(v.ttl), inside(v.rport), walk_params(v.params);
        break;
    }
    case 1: {
        sip_addr a;
        rc = sip_addr_parse(s, &a, &e);
        if (rc == 0 && !a.star)
            inside(a.display), inside(a.uri_str), inside(a.tag), walk_params(a.params), check_uri(&a.uri);
        break;
    }
    case 2: {
        sip_cseq c;
        rc = sip_cseq_parse(s, &c, &e);
        if (rc == 0 && (c.seq > 0x7fffffffu || !c.method.n))
            abort();
        if (rc == 0)
            inside(c.method);
        break;
    }
    case 3: {
        uint64_t v;
        rc = sip_uint_parse(s, 65535, &v, &e);
        if (rc == 0 && v > 65535)
            abort();
        break;
    }
    case 4: {
        sp_str id;
        rc = sip_callid_parse(s, &id, &e);
        if (rc == 0)
            inside(id);
        break;
    }
    case 5: {
        sip_media_type mt;
        rc = sip_media_type_parse(s, &mt, &e);
        if (rc == 0)
            inside(mt.type), inside(mt.subtype), walk_params(mt.params);
        break;
    }
    case 6: {
        sip_event ev;
        rc = sip_event_parse(s, &ev, &e);
        if (rc == 0)
            inside(ev.package), inside(ev.id), walk_params(ev.params);
        break;
    }
    case 7: {
        sip_subscription_state ss;
        rc = sip_subscription_state_parse(s, &ss, &e);
        if (rc == 0)
            inside(ss.state_str), inside(ss.reason), walk_params(ss.params);
        break;
    }
    case 8: {
        sip_ac_value ac;
        rc = sip_ac_value_parse(s, &ac, &e);
        if (rc == 0) {
            sp_str v;
            walk_params(ac.params);
            if (sip_feature_find(ac.params, "+g.oma.pusheventapp", &v))
                feature_inside(v);
            (void)sip_feature_has(ac.params, "methods", SP_LIT("MESSAGE"));
        }
        break;
    }
    case 9: {
        sip_session_expires se;
        rc = sip_session_expires_parse(s, &se, &e);
        if (rc == 0)
            inside(se.refresher), walk_params(se.params);
        break;
    }
    case 10: {
        time_t t;
        rc = sip_date_parse(s, &t, &e);
        break;
    }
    case 11: {
        sip_auth a;
        rc = sip_auth_parse(s, &a, &e);
        if (rc == 0) {
            sp_str v;
            inside(a.scheme), inside(a.params);
            if (sip_auth_param(&a, "nonce", &v))
                inside(v);
        }
        break;
    }
    case 12: {
        sip_uri u;
        rc = sip_uri_parse(s, &u, &e);
        if (rc == 0)
            check_uri(&u);
        break;
    }
    case 13: {
        sp_str rest = s, item;
        while (sip_list_next(&rest, &item)) {
            inside(item), inside(rest);
            walk_params(item);
        }
        (void)sip_list_has(s, SP_LIT("gruu"), false);
        break;
    }
    case 14: {
        sp_str v;
        if (sip_feature_find(s, "+sip.instance", &v))
            feature_inside(v);
        (void)sip_feature_has(s, "+sip.instance", SP_LIT("<urn:uuid:1>"));
        sp_str list = s;
        walk_params(list);
        break;
    }
    case 15: {
        char out[64];
        size_t n = sp_pct_decode(s, out, sizeof out);
        if (n != (size_t)-1 && n > sizeof out)
            abort();
        inside(sip_unquote(s));
        break;
    }
    case 16:
        uri_pair(s);
        break;
    default: {
        char mem[96];
        sp_buf b;
        sp_buf_init(&b, mem, sizeof mem);
        sip_build_header(&b, SP_LIT("Subject"), s);
        sip_build_body(&b, SP_LIT("text/plain"), s);
        long n = sp_buf_finish(&b);
        if (n > (long)sizeof mem || b.len > sizeof mem)
            abort();
        break;
    }
    }
    check_rc(rc, &e, s.n);
    return 0;
}
