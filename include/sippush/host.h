/* sippush/host.h - a Push Receiver Agent hosted on the event loop in one object (host_agent.h),
 * and the parts it is made of, for programs that host agents of their own: the transaction
 * layer on UDP and TCP listeners (host_sip.h), the agents' timers on the loop (host_timers.h) and
 * the MSRP endpoint of session-mode pushes (host_session.h).
 *
 * One include for embedders: #include <sippush/host.h> with $(pkg-config --cflags sippush). */
#ifndef SIPPUSH_UMBRELLA_HOST_H
#define SIPPUSH_UMBRELLA_HOST_H

#include "sp_error.h"
#include "sp_str.h"
#include "host_agent.h"
#include "host_session.h"
#include "host_sip.h"
#include "host_timers.h"

#endif
