/* sippush/msrp.h - the MSRP layer: incremental frame parser, typed headers, URIs, builder, byte
 * ranges, reassembly into a sink, progress reports and sessions over an environment of the
 * embedder's (msrp_env.h; msrp_tp.h binds it to the event loop and is included by name).
 *
 * One include for embedders: #include <sippush/msrp.h> with $(pkg-config --cflags sippush). */
#ifndef SIPPUSH_UMBRELLA_MSRP_H
#define SIPPUSH_UMBRELLA_MSRP_H

#include "sp_error.h"
#include "sp_str.h"
#include "msrp_build.h"
#include "msrp_env.h"
#include "msrp_frame.h"
#include "msrp_hdr.h"
#include "msrp_progress.h"
#include "msrp_ranges.h"
#include "msrp_reassembly.h"
#include "msrp_session.h"
#include "msrp_sink.h"
#include "msrp_uri.h"

#endif
