/* loadavg.h: parser and collector of /proc/loadavg (load averages, runnable and total tasks). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_LOADAVG_H
#define LW_LOADAVG_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

struct lw_loadavg {
	uint64_t load1, load5, load15;  /* hundredths */
	uint64_t running;               /* runnable tasks */
	uint64_t tasks;                 /* kernel scheduling entities: threads of all processes */
};

int lw_loadavg_parse(const char *buf, size_t len, struct lw_loadavg *out, struct lw_error *err);

struct lw_collector;

/* The collector of /proc/loadavg: fills a struct lw_loadavg. */
extern const struct lw_collector lw_loadavg_collector;

#endif
