/* bench_msrp.h - `sippush bench msrp ...` (tools/cmd_bench_msrp.c). */
#ifndef SIPPUSH_BENCH_MSRP_H
#define SIPPUSH_BENCH_MSRP_H

int bench_msrp(int argc, char **argv);

#endif
