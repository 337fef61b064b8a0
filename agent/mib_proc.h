/* mib_proc.h: the lwProcesses definitions: process, group, top-N and descriptor tables, scalars. */
#ifndef LW_MIB_PROC_H
#define LW_MIB_PROC_H

#include "mibtree.h"

/* Columns that alarms and notifications name (the definitions use the same names). */
enum {
	LW_PROC_NAME = 2,           /* lwProcEntry */
	LW_PROC_START_TIME = 7,
	LW_PROC_RSS = 9,
	LW_PROC_FDS = 13,
	LW_GROUP_RSS = 4,           /* lwProcGroupEntry */
};

int lw_mib_proc_add(struct lw_mibtree *t);

#endif
