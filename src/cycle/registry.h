/* registry.h: the one list of collectors and stages: index, name, source, cadence, part. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_REGISTRY_H
#define LW_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/lw_error.h"
#include "cycle/collector.h"

/*
 * id + 1 is the lwCollectorIndex, the MIB's: append only, never reorder. A collector appended
 * after the stages still runs before them: the cycle runs the stages last, by name, not by id.
 */
enum lw_collector_id {
	LW_COL_LOADAVG,
	LW_COL_MEMINFO,
	LW_COL_FILENR,
	LW_COL_CPUS,
	LW_COL_PROCESSES,
	LW_COL_TCP,
	LW_COL_SOCKSTAT,
	LW_COL_TCP_LIMITS,
	LW_COL_TCP_COUNTERS,
	LW_COL_SLABINFO,
	LW_COL_ZONEINFO,
	LW_COL_BUDDYINFO,
	LW_COL_VMSTAT,
	LW_COL_MCAST_MEMBERS,
	LW_COL_DETECTOR,        /* stage: the leak detectors and alarms over this cycle's tables */
	LW_COL_HISTORY,         /* stage: hands the cycle to the history writer; its status */
	LW_COL_COUNT
};

/* What lwCollectorTable shows of each collector and stage. */
struct lw_collector_stats {
	uint32_t interval_s;
	struct timespec last_run;     /* CLOCK_REALTIME at the start of the last run */
	uint32_t last_duration_us;    /* wall clock of the last run */
	uint64_t total_duration_us;
	uint32_t runs;
	uint32_t errors;
	bool ok;                      /* the last run succeeded: its data is valid */
	char last_error[LW_ERROR_TEXT_MAX];
	char notice[LW_ERROR_TEXT_MAX];  /* not an error, but limits what is published */
};

/* How often a collector runs. */
enum lw_cadence {
	LW_CADENCE_CYCLE,       /* every sampling interval */
	LW_CADENCE_KERNEL,      /* every kernel_interval: large, slowly changing kernel files */
};

/* A member of struct lw_snapshot, by place and size; name NULL: none. */
struct lw_snapshot_part {
	size_t offset, size;
	const char *name;       /* as written in struct lw_snapshot, e.g. "sys.loadavg" */
};

struct lw_collector_def {
	const char *name;       /* lwCollectorName */
	const char *source;     /* the file or interface it reads */
	enum lw_cadence cadence;
	const struct lw_collector *collector;  /* NULL: a stage, run by the cycle after collectors */
	struct lw_snapshot_part fills;          /* what it writes */
	struct lw_snapshot_part reads;          /* what it reads that an earlier collector filled */
};

/* The row of id, or NULL past the table. */
const struct lw_collector_def *lw_collector_def(enum lw_collector_id id);

struct lw_snapshot;

/* Points ctx->part and ctx->in at the places in work that collector id's row names. */
void lw_collector_bind(enum lw_collector_id id, struct lw_snapshot *work,
		       struct lw_collector_ctx *ctx);

#endif
