/* push_offer.h - the SDP offer of a session-mode push (seed 000 §8.2.5.1,
 * RFC 5547 §8.1): one "m=message PORT TCP/MSRP *" stream per file, with
 * setup passive (or the role asked for), sendonly, accept-types message/cpim, the sender's MSRP
 * path, a fresh file-transfer-id, the file-selector (name, type, size,
 * SHA-1) and the file-date. A stream already finished is offered again
 * with port 0 (seed 002 §7.3.2.3: a re-INVITE drops it). */
#ifndef SIPPUSH_PUSH_OFFER_H
#define SIPPUSH_PUSH_OFFER_H

#include "sp_export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdp_attr.h"
#include "sp_hex.h"
#include "sp_sha1.h"
#include "sp_str.h"

/* Files one push session carries at most (one m-line each). */
#define PUSH_OFFER_MAX_FILES 8
/* 32 characters of [A-Za-z0-9]: about 190 random bits, globally unique in
 * practice (seed 000: "a new globally unique random identifier"). */
#define PUSH_TRANSFER_ID_LEN 32
/* "72:24:5F:..." (sp_hex_encode_colon of a SHA-1). */
#define PUSH_SHA1_HEX_LEN SP_HEX_COLON_LEN(SP_SHA1_LEN)

typedef struct push_offer_file {
    sp_str type;           /* file-selector type: the MIME type sent */
    sp_str name;           /* file-selector name; absent: none */
    uint64_t size;
    uint8_t sha1[SP_SHA1_LEN];
    sp_str wrapped_type;   /* CPIM envelope: the type inside, advertised in
                              accept-wrapped-types; absent: not wrapped */
    sp_str path;           /* our MSRP URI */
    uint16_t port;         /* 0: the stream is dropped */
    sp_str transfer_id;
    sp_str modification;   /* file-date modification (RFC 1123 date); absent: none */
    sp_str creation;       /* file-date creation (RFC 1123 date); absent: none */
} push_offer_file;

typedef struct push_offer {
    const char *host;      /* o= and c= address (IPv4 or IPv6 literal, or a name) */
    uint64_t sess_id, version;
    const push_offer_file *files;
    size_t nfiles;
    sdp_setup setup;       /* every stream's a=setup; SDP_SETUP_NONE: passive (seed 000) */
} push_offer;

/* Writes the offer. Returns its length, SP_ENOSPC when it does not fit or a
 * value would forge a line, SP_EINVAL for no files or too many, or -ENOMEM. */
SP_API long push_offer_build(const push_offer *o, char *out, size_t cap);

/* A fresh file-transfer-id into out[PUSH_TRANSFER_ID_LEN + 1]; false when
 * the kernel gives no randomness. */
SP_API bool push_transfer_id_new(char *out);

#endif
