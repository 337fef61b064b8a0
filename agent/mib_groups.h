/* mib_groups.h: what agent/mib_*.c export: each part's add function, and the columns other files name. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MIB_GROUPS_H
#define LW_MIB_GROUPS_H

#include <stdbool.h>

#include "mibtree.h"

struct lw_agent;
struct lw_alarm;

/*
 * Each adds its part of LEAKWATCH-MIB to the tree (lw_mibtree_add_all calls them all); -1 when
 * out of memory or an object is there twice.
 */
int lw_mib_agent_add(struct lw_mibtree *t);    /* lwAgent scalars, lwCollectorTable */
int lw_mib_system_add(struct lw_mibtree *t);   /* lwSystem scalars */
int lw_mib_proc_add(struct lw_mibtree *t);     /* process, group, top-N and descriptor tables */
int lw_mib_tcp_add(struct lw_mibtree *t);      /* state, remote and port tables, lwTcp groups */
int lw_mib_kernel_add(struct lw_mibtree *t);   /* lwKernelMemory, slab/zone/buddy, lwVmstat */
int lw_mib_mcast_add(struct lw_mibtree *t);    /* capture and membership tables, scalars */
int lw_mib_alarms_add(struct lw_mibtree *t);   /* thresholds (read-write), alarms, trends */

/*
 * Objects that alarms (lwAlarmObjectId) and notifications name: the definitions use the same
 * names, so a number is written once.
 */
enum {
	LW_COLLECTOR_NAME = 2,          /* lwCollectorEntry */
	LW_COLLECTOR_LAST_ERROR = 9,
	LW_SYS_LOAD1 = 1,               /* lwSystem */
	LW_SYS_MEM_AVAILABLE = 7,
	LW_PROC_NAME = 2,               /* lwProcEntry */
	LW_PROC_START_TIME = 7,
	LW_PROC_RSS = 9,
	LW_PROC_FDS = 13,
	LW_GROUP_RSS = 4,               /* lwProcGroupEntry */
	LW_TCP_ORPHAN_PERCENT = 6,      /* lwTcpLimits */
	LW_TCP_MEM_MAX_PERCENT = 8,
	LW_KMEM_SUNRECLAIM = 3,         /* lwKernelMemory */
	LW_SLAB_TOTAL_KB = 9,        /* lwSlabEntry */
	LW_MCAST_IF_PPS10 = 6,          /* lwMcastIfEntry */
	LW_ALARM_COL_OBJECT = 3,        /* lwAlarmEntry (NOTIFICATION-TYPE OBJECTS) */
	LW_ALARM_COL_OBJECT_ID = 4,
	LW_ALARM_COL_SEVERITY = 5,
	LW_ALARM_COL_VALUE = 7,
	LW_ALARM_COL_THRESHOLD = 8,
	LW_ALARM_COL_SLOPE = 9,
	LW_ALARM_COL_TIME_TO_EXHAUSTION = 10,
};

/* Sets vb to an alarm's value in an lwAlarmEntry column, through the table's own definition;
 * false when the column has no value for it. */
bool lw_mib_alarm_value(netsnmp_variable_list *vb, unsigned column, const struct lw_alarm *a);

/* Takes what the capture threads published into agent->mcast_current (agent thread), reloads
 * the capture tables, frees what they replace. */
void lw_mib_mcast_take(struct lw_agent *agent);

/* Frees the publications served (at shutdown, after the tree). */
void lw_mib_mcast_release(struct lw_agent *agent);

#endif
