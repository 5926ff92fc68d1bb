/* sp_version.c - the library's version string. */
#include "sp_version.h"

const char *sp_version(void) { return SIPPUSH_VERSION; }
