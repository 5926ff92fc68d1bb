/* sp_version.h - which sippush this is. */
#ifndef SIPPUSH_SP_VERSION_H
#define SIPPUSH_SP_VERSION_H

#include "sp_export.h"

#define SIPPUSH_VERSION "0.1.0"

SP_API const char *sp_version(void);

#endif
