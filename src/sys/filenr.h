/* filenr.h: parser and collector of /proc/sys/fs/file-nr (allocated, unused, maximum). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_FILENR_H
#define LW_FILENR_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

struct lw_filenr {
	uint64_t allocated;
	uint64_t unused;  /* always 0 since Linux 2.6 */
	uint64_t max;     /* may be LONG_MAX on recent kernels */
};

int lw_filenr_parse(const char *buf, size_t len, struct lw_filenr *out, struct lw_error *err);

struct lw_collector;

/* The collector of /proc/sys/fs/file-nr: fills a struct lw_filenr. */
extern const struct lw_collector lw_filenr_collector;

#endif
