/* cpus.h: CPU range lists ("0-3,8") and the collector of /sys/devices/system/cpu/online. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CPUS_H
#define LW_CPUS_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* Counts the CPUs named by a range list. */
int lw_cpulist_parse(const char *buf, size_t len, uint32_t *count, struct lw_error *err);

struct lw_collector;

/* The collector of /sys/devices/system/cpu/online: fills a uint32_t, the online CPUs. */
extern const struct lw_collector lw_cpus_online_collector;

#endif
