/* lwn_modes.h: the checks of check_leakwatch (alarms, leaks, group, tcp, mcast, collectors) and what they share. */
/* SPDX-License-Identifier: ISC */
#ifndef LWN_MODES_H
#define LWN_MODES_H

#include "lwn_range.h"
#include "lwn_snmp.h"

typedef struct {
	lwn_ctx *ctx;
	const char *arg;        /* NAME of `group NAME`, IFNAME of `mcast IFNAME`, else NULL */
	lwn_thresholds th;
	int user_thresholds;    /* -w/--critical given: a mode's default thresholds step aside */
	lwn_buf text, perf;
	int state;
} lwn_run;

typedef struct {
	const char *name;
	const char *const *labels;   /* threshold labels, [0] for a bare range; NULL-terminated */
	int arg;                     /* 0 no argument, 1 optional, 2 required */
	const char *argname;
	void (*run)(lwn_run *r);
	const char *summary;
} lwn_mode;

extern const lwn_mode lwn_modes[];
const lwn_mode *lwn_mode_find(const char *name);

/* FNV-1a 32-bit over the name, top bit cleared, 0 mapped to 1: lwProcGroupIndex of a name
 * that collides with no other (docs/MIB.md, "Group index stability"). */
unsigned long lwn_group_index(const char *name);

#endif
