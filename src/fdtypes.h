/* fdtypes.h: classifying a process's open descriptors (sockets, pipes, files, anon inodes). */
#ifndef LW_FDTYPES_H
#define LW_FDTYPES_H

#include <sys/types.h>

#include "lw_error.h"
#include "proctable.h"

/* Classifies every entry of the process's fd directory; pid_dirfd is /proc/PID. */
int lw_fd_types_read(int pid_dirfd, struct lw_fd_types *out, struct lw_error *err);

/* Classifies one readlink() text of /proc/PID/fd/N; mode is what a path's fstatat gave (or 0). */
void lw_fd_types_add(struct lw_fd_types *t, const char *link, size_t len, mode_t mode);

#endif
