/* sp_export.h - what the shared library exports.
 *
 * The library is built with -fvisibility=hidden: a function or object leaves
 * libsippush.so only when its declaration in an installed header carries
 * SP_API. Everything else (the helpers shared between a module's files,
 * declared in *_impl.h headers) stays inside the library.
 * tests/integration/test_exports.sh holds the two in step. */
#ifndef SIPPUSH_SP_EXPORT_H
#define SIPPUSH_SP_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define SP_API __attribute__((visibility("default")))
#else
#define SP_API
#endif

#endif
