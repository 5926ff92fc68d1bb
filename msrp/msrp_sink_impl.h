/* msrp_sink_impl.h - the file sink's half of msrp_sink.c's dispatch (private). */
#ifndef SIPPUSH_MSRP_SINK_IMPL_H
#define SIPPUSH_MSRP_SINK_IMPL_H

#include "msrp_sink.h"

int msrp_sink_file_write(msrp_sink *s, uint64_t offset, const void *data, size_t len);
long msrp_sink_file_read(msrp_sink *s, uint64_t offset, void *buf, size_t len);
int msrp_sink_file_commit(msrp_sink *s, uint64_t size);
void msrp_sink_file_discard(msrp_sink *s);
int msrp_sink_file_keep(msrp_sink *s);

#endif
