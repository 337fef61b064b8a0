/* ifdrops.h: an interface's receive drops as libpcap's ps_ifdrop counts them, from sysfs. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_IFDROPS_H
#define LW_IFDROPS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/lw_error.h"

/*
 * rx_missed_errors + rx_fifo_errors of ROOT/sys/class/net/IFNAME/statistics: frames the NIC
 * had no room for, before any capture. A missing file counts 0 (drivers that keep neither,
 * as libpcap assumes); a missing interface directory or an unreadable value is an error.
 */
int lw_if_drops_read(int rootfd, const char *ifname, uint64_t *out, struct lw_error *err);

/*
 * A total over readings of a kernel counter that can restart (a driver reloaded, an interface
 * re-created): a reading below the last one counts whole, as counted since the restart.
 */
struct lw_counter_total {
	uint64_t last, total;
};

void lw_counter_total_start(struct lw_counter_total *c, uint64_t reading);
void lw_counter_total_add(struct lw_counter_total *c, uint64_t reading);

#endif
