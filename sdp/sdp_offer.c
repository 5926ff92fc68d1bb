/* sdp_offer.c - see sdp_offer.h. */
#include "sdp_offer.h"

#include <string.h>

int sdp_caps_init(sdp_caps *caps, sp_str accept_types, sp_str accept_wrapped_types, uint64_t max_size,
                  sp_error *err)
{
    memset(caps, 0, sizeof *caps);
    caps->accept_types = accept_types.p ? accept_types : SP_LIT("message/cpim *");
    caps->accept_wrapped_types = accept_wrapped_types;
    caps->max_size = max_size;
    return sdp_types_parse(caps->accept_types, &caps->types, err);
}

static bool is_msrp(const sdp_stream *st)
{
    sp_str proto = st->proto.p ? st->proto : SP_LIT("TCP/MSRP");
    sp_str media = st->media.p ? st->media : SP_LIT("message");
    return sdp_lit_caseeq(media, "message") &&
           (sp_str_caseeq_cstr(proto, "TCP/MSRP") || sp_str_caseeq_cstr(proto, "TCP/TLS/MSRP"));
}

sdp_verdict sdp_offer_judge(const sdp_stream *offer, const sdp_caps *caps)
{
    if (!is_msrp(offer))
        return SDP_REFUSE_MEDIA;
    if (offer->port == 0)
        return SDP_REFUSE_PORT;
    if (offer->direction != SDP_DIR_SENDONLY && offer->direction != SDP_DIR_SENDRECV)
        return SDP_REFUSE_DIRECTION;
    /* RFC 4975 §8.6: an MSRP stream must carry accept-types. */
    sdp_types offered;
    if (!offer->accept_types.p || sdp_types_parse(offer->accept_types, &offered, NULL) != 0)
        return SDP_REFUSE_TYPE;
    if (!sdp_types_intersect(&offered, &caps->types))
        return SDP_REFUSE_TYPE;
    if (offer->selector.type.p && !sdp_types_accept(&caps->types, offer->selector.type))
        return SDP_REFUSE_TYPE;
    if (caps->max_size && offer->selector.has_size && offer->selector.size > caps->max_size)
        return SDP_REFUSE_SIZE;
    if (caps->max_name && offer->selector.name.n > caps->max_name)
        return SDP_REFUSE_NAME;
    return SDP_ACCEPT;
}

const char *sdp_verdict_reason(sdp_verdict v)
{
    switch (v) {
    case SDP_ACCEPT: return "accepted";
    case SDP_REFUSE_MEDIA: return "not an MSRP stream";
    case SDP_REFUSE_PORT: return "stream refused in the offer";
    case SDP_REFUSE_DIRECTION: return "offerer does not send";
    case SDP_REFUSE_TYPE: return "no acceptable type";
    case SDP_REFUSE_SIZE: return "file larger than max-size";
    case SDP_REFUSE_NAME: return "file name too long";
    }
    return "refused";
}

/* RFC 4145 §4.1 / RFC 6135 §4.2: the answerer takes the other role. An offer
 * without a role (or with holdconn, which RFC 6135 says to ignore) leaves
 * the offerer active as in plain RFC 4975 §5.4, so the answerer listens. */
sdp_setup sdp_answer_setup(sdp_setup offered)
{
    switch (offered) {
    case SDP_SETUP_PASSIVE:
    case SDP_SETUP_ACTPASS:
        return SDP_SETUP_ACTIVE;
    default:
        return SDP_SETUP_PASSIVE;
    }
}

sdp_setup sdp_offerer_role(sdp_setup offered, sdp_setup answered)
{
    if (offered == SDP_SETUP_HOLDCONN)
        offered = SDP_SETUP_NONE; /* RFC 6135 §4.2.1: as if absent */
    switch (answered) {
    case SDP_SETUP_ACTIVE: /* the answerer connects: we must be listening */
        return offered == SDP_SETUP_PASSIVE || offered == SDP_SETUP_ACTPASS ? SDP_SETUP_PASSIVE : SDP_SETUP_NONE;
    case SDP_SETUP_PASSIVE: /* the answerer listens: we must be willing to connect */
        return offered == SDP_SETUP_PASSIVE ? SDP_SETUP_NONE : SDP_SETUP_ACTIVE;
    case SDP_SETUP_NONE:
    case SDP_SETUP_HOLDCONN:
        /* An answerer without COMEDIA follows RFC 4975 §5.4: the offerer
         * connects and the answerer listens at its path (RFC 6135 §5), even
         * when the offer said passive. */
        return SDP_SETUP_ACTIVE;
    case SDP_SETUP_ACTPASS: /* RFC 4145 §4.1: not a role an answer may take */
    default:
        return SDP_SETUP_NONE;
    }
}

void sdp_answer_stream(const sdp_stream *offer, const sdp_caps *caps, sdp_verdict v, uint16_t port,
                       sp_str path, sdp_stream *answer)
{
    memset(answer, 0, sizeof *answer);
    answer->media = offer->media;
    answer->proto = offer->proto;
    answer->formats = offer->formats;
    if (v != SDP_ACCEPT) { /* port 0 (RFC 3264 §6), saying which file (RFC 5547 §8.3) */
        answer->file_transfer_id = offer->file_transfer_id;
        if (v != SDP_REFUSE_NAME)
            answer->selector = offer->selector;
        answer->has_max_size = v == SDP_REFUSE_SIZE;
        answer->max_size = caps->max_size;
        return;
    }
    answer->port = port;
    answer->setup = sdp_answer_setup(offer->setup);
    answer->direction = SDP_DIR_RECVONLY;
    answer->accept_types = caps->accept_types;
    answer->accept_wrapped_types = caps->accept_wrapped_types;
    answer->has_max_size = caps->max_size != 0;
    answer->max_size = caps->max_size;
    answer->path = path;
    answer->file_transfer_id = offer->file_transfer_id;
    answer->selector = offer->selector;
    answer->date = offer->date;
    answer->has_range = offer->has_range;
    answer->range = offer->range;
}

void sdp_caps_stream(const sdp_caps *caps, sdp_stream *out)
{
    memset(out, 0, sizeof *out);
    out->accept_types = caps->accept_types;
    out->accept_wrapped_types = caps->accept_wrapped_types;
    out->has_max_size = caps->max_size != 0;
    out->max_size = caps->max_size;
}

size_t sdp_answer_offer(const sdp_desc *offer, const sdp_caps *caps, const sdp_endpoint *local,
                        sdp_stream *answers, sdp_verdict *verdicts)
{
    size_t accepted = 0;
    for (size_t i = 0; i < offer->nstreams; i++) {
        sdp_verdict v = sdp_offer_judge(&offer->streams[i], caps);
        sdp_answer_stream(&offer->streams[i], caps, v, local[i].port, local[i].path, &answers[i]);
        if (verdicts)
            verdicts[i] = v;
        accepted += v == SDP_ACCEPT;
    }
    return accepted;
}
