/* sippush/push.h - the Push Sender and Receiver Agents (OMA Push using SIP) and what they are
 * built from: methods, feature tags, CPIM, push headers, indirect push, registration and
 * subscription state, the INVITE sender and receiver, the journal of accepted pushes, the HTTP
 * request reader, the PAP documents of push initiators, and what a push gateway keeps: receivers'
 * Accept and the content it serves by reference.
 *
 * One include for embedders: #include <sippush/push.h> with $(pkg-config --cflags sippush). */
#ifndef SIPPUSH_UMBRELLA_PUSH_H
#define SIPPUSH_UMBRELLA_PUSH_H

#include "sp_error.h"
#include "sp_str.h"
#include "push_agent.h"
#include "push_content_store.h"
#include "push_cpim.h"
#include "push_featuretags.h"
#include "push_filetype.h"
#include "push_headers.h"
#include "push_http_req.h"
#include "push_indirect.h"
#include "push_invite.h"
#include "push_invite_receiver.h"
#include "push_invite_sender.h"
#include "push_journal.h"
#include "push_method.h"
#include "push_offer.h"
#include "push_pra.h"
#include "push_psa.h"
#include "push_receiver_caps.h"
#include "push_reginfo.h"
#include "push_session_timer.h"
#include "push_status.h"
#include "push_subc.h"
#include "push_xml.h"
#include "push_pap.h"

#endif
