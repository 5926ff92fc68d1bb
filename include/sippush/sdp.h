/* sippush/sdp.h - the SDP layer: parser, the MSRP and file-transfer attributes (RFC 4975, RFC
 * 5547), builder and offer/answer.
 *
 * One include for embedders: #include <sippush/sdp.h> with $(pkg-config --cflags sippush). */
#ifndef SIPPUSH_UMBRELLA_SDP_H
#define SIPPUSH_UMBRELLA_SDP_H

#include "sp_error.h"
#include "sp_str.h"
#include "sdp_attr.h"
#include "sdp_build.h"
#include "sdp_file.h"
#include "sdp_offer.h"
#include "sdp_parse.h"

#endif
