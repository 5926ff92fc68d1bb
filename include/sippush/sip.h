/* sippush/sip.h - the SIP layer: message parser, typed headers, URIs, builder, digest
 * authentication, stateless replies, transactions (sans-IO, sip_txn_env) and dialogs.
 *
 * One include for embedders: #include <sippush/sip.h> with $(pkg-config --cflags sippush). The
 * binding of the transactions to the event loop (sip_txn_tp.h) stays out: it belongs with
 * transport/, include it by name when you use that loop. */
#ifndef SIPPUSH_UMBRELLA_SIP_H
#define SIPPUSH_UMBRELLA_SIP_H

#include "sp_error.h"
#include "sp_str.h"
#include "sip_auth_client.h"
#include "sip_build.h"
#include "sip_dialog.h"
#include "sip_digest.h"
#include "sip_hdr.h"
#include "sip_msg.h"
#include "sip_stateless.h"
#include "sip_txn.h"
#include "sip_uri.h"

#endif
