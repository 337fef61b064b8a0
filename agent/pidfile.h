/* pidfile.h: writing the daemon's pid file. */
#ifndef LW_PIDFILE_H
#define LW_PIDFILE_H

#include "base/lw_error.h"

int lw_pidfile_write(const char *path, struct lw_error *err);

#endif
