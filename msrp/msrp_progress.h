/* msrp_progress.h - how far an outgoing message has got: for progress
 * displays while a long transfer runs. */
#ifndef SIPPUSH_MSRP_PROGRESS_H
#define SIPPUSH_MSRP_PROGRESS_H

#include "sp_export.h"

#include <stdint.h>

#include "msrp_session.h"

/* Bytes of message msg (a handle of msrp_session_send) acknowledged by 200
 * so far; 0 when the session no longer holds it. */
SP_API uint64_t msrp_session_acked(const msrp_session *s, uint64_t msg);

#endif
