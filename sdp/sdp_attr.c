/* sdp_attr.c - see sdp_attr.h. */
#include "sdp_attr.h"

#include <string.h>

#include "sdp_lex_impl.h"

static int bad(sp_error *err, sp_str value, const char *at, const char *reason)
{
    return sp_fail(err, SP_EINVAL, (size_t)(at - value.p), 400, reason);
}

/* Scheme, a non-empty authority and a ";transport" (RFC 4975 §9); the
 * MSRP URI parser in msrp/ does the rest. */
static bool msrp_uri_plausible(sp_str u)
{
    size_t skip;
    if (sdp_has_prefix(u, "msrp://"))
        skip = 7;
    else if (sdp_has_prefix(u, "msrps://"))
        skip = 8;
    else
        return false;
    if (u.n == skip || u.p[skip] == '/' || u.p[skip] == ';')
        return false;
    /* a transport parameter after the authority, and no quote anywhere */
    const char *end = u.p + u.n;
    const char *semi = sdp_find3(u.p + skip, end, ';', '"', '"');
    return semi < end - 1 && *semi == ';' && sdp_find3(semi, end, '"', '"', '"') == end;
}

int sdp_path_parse(sp_str value, sdp_path *path, sp_error *err)
{
    sp_str rest = value, uri;
    path->n = 0;
    while (sdp_list_next(&rest, &uri)) {
        if (path->n == SDP_PATH_MAX)
            return sp_fail(err, SP_ELIMIT, (size_t)(uri.p - value.p), 488, "path: too many URIs");
        if (!msrp_uri_plausible(uri))
            return bad(err, value, uri.p, "path: not an MSRP URI");
        path->uri[path->n++] = uri;
    }
    if (path->n == 0)
        return bad(err, value, value.p, "path: empty");
    return 0;
}

int sdp_types_parse(sp_str value, sdp_types *types, sp_error *err)
{
    sp_str rest = value, e;
    types->n = 0;
    while (sdp_list_next(&rest, &e)) {
        if (types->n == SDP_TYPES_MAX)
            return sp_fail(err, SP_ELIMIT, (size_t)(e.p - value.p), 488, "accept-types: too many entries");
        const char *at = sdp_mime_error(e, true);
        if (at)
            return bad(err, value, at, "accept-types: bad format entry");
        types->entry[types->n++] = e;
    }
    if (types->n == 0)
        return bad(err, value, value.p, "accept-types: empty");
    return 0;
}

/* Splits "type/subtype;params" into its two halves (subtype absent for "*"). */
static void mime_split(sp_str m, sp_str *type, sp_str *sub)
{
    const char *semi = sdp_find(m.p, ';', m.n);
    if (semi)
        m.n = (size_t)(semi - m.p);
    m = sdp_trim(m);
    const char *slash = sdp_find(m.p, '/', m.n);
    *type = sp_str_make(m.p, slash ? (size_t)(slash - m.p) : m.n);
    *sub = slash ? sp_str_make(slash + 1, (size_t)(m.p + m.n - slash - 1)) : SP_STR_NULL;
}

static bool is_star(sp_str s) { return s.n == 1 && s.p[0] == '*'; }

bool sdp_type_covers(sp_str pattern, sp_str mime)
{
    sp_str pt, ps, mt, ms;
    mime_split(pattern, &pt, &ps);
    mime_split(mime, &mt, &ms);
    if (is_star(pt) && !ps.p)
        return true;
    if (is_star(mt) && !ms.p)
        return false;
    if (!ps.p || !ms.p || !sp_str_caseeq(pt, mt))
        return false;
    if (is_star(ps))
        return true;
    return !is_star(ms) && sp_str_caseeq(ps, ms);
}

bool sdp_types_accept(const sdp_types *types, sp_str mime)
{
    for (size_t i = 0; i < types->n; i++)
        if (sdp_type_covers(types->entry[i], mime))
            return true;
    return false;
}

bool sdp_types_intersect(const sdp_types *a, const sdp_types *b)
{
    for (size_t i = 0; i < a->n; i++)
        for (size_t j = 0; j < b->n; j++)
            if (sdp_type_covers(a->entry[i], b->entry[j]) || sdp_type_covers(b->entry[j], a->entry[i]))
                return true;
    return false;
}

int sdp_max_size_parse(sp_str value, uint64_t *max_size, sp_error *err)
{
    sp_str v = sdp_trim(value);
    if (!sdp_all(v, SDP_C_DIGIT))
        return bad(err, value, v.p, "max-size: not a number");
    if (!sp_str_to_u64(v, UINT64_MAX, max_size))
        return bad(err, value, v.p, "max-size: out of range");
    return 0;
}

static const char *const setup_names[] = {NULL, "active", "passive", "actpass", "holdconn"};

int sdp_setup_parse(sp_str value, sdp_setup *setup, sp_error *err)
{
    sp_str v = sdp_trim(value);
    for (int i = SDP_SETUP_ACTIVE; i <= SDP_SETUP_HOLDCONN; i++) {
        if (sdp_lit_caseeq(v, setup_names[i])) {
            *setup = (sdp_setup)i;
            return 0;
        }
    }
    return bad(err, value, v.p, "setup: unknown role");
}

const char *sdp_setup_name(sdp_setup setup)
{
    return (unsigned)setup <= SDP_SETUP_HOLDCONN ? setup_names[setup] : NULL;
}

static const char *const direction_names[] = {"sendrecv", "sendonly", "recvonly", "inactive"};

/* The first direction property among attrs, or -1. */
static int find_direction(const sdp_attr *attrs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* Every direction name is 8 bytes long: a cheap first filter. */
        if (attrs[i].name.n != 8 || attrs[i].value.p)
            continue;
        for (int d = 0; d < 4; d++)
            if (sdp_lit_caseeq(attrs[i].name, direction_names[d]))
                return d;
    }
    return -1;
}

sdp_direction sdp_media_direction(const sdp_session *s, const sdp_media *m)
{
    int d = find_direction(m->attrs, m->nattrs);
    if (d < 0)
        d = find_direction(s->attrs, s->nattrs);
    return d < 0 ? SDP_DIR_SENDRECV : (sdp_direction)d;
}

const char *sdp_direction_name(sdp_direction dir)
{
    return (unsigned)dir <= SDP_DIR_INACTIVE ? direction_names[dir] : "sendrecv";
}

int sdp_token_parse(sp_str value, sp_str *token, sp_error *err)
{
    sp_str v = sdp_trim(value);
    if (!sdp_is_token(v))
        return bad(err, value, v.p ? v.p : value.p, "not a token");
    *token = v;
    return 0;
}
