/* proccount.h: counting processes as the numeric entries of <root>/proc. */
#ifndef LW_PROCCOUNT_H
#define LW_PROCCOUNT_H

#include <stdint.h>

#include "lw_error.h"

int lw_count_processes(int rootfd, uint32_t *count, struct lw_error *err);

#endif
