/* watch.h: each cycle's detectors and alarms: processes, groups, slab caches, system series. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_WATCH_H
#define LW_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "detect/alarms.h"
#include "detect/detect.h"
#include "base/histpoint.h"
#include "sys/loadavg.h"
#include "sys/meminfo.h"
#include "proc/proctable.h"
#include "kmem/slabinfo.h"
#include "net/sockstat.h"
#include "net/sysctlnum.h"
#include "config/thresholds.h"

/* System-wide series (lwTrendTable rows, lwTrendIndex = id + 1). */
enum lw_trend_id {
	LW_TREND_SUNRECLAIM,        /* SUnreclaim KiB, up, against MemTotal */
	LW_TREND_MEM_AVAILABLE,     /* MemAvailable KiB, down, toward 0 */
	LW_TREND_TCP_ORPHANS,       /* orphaned sockets, up, against tcp_max_orphans */
	LW_TREND_TCP_MEM,           /* TCP memory in KiB, up, against tcp_mem's maximum */
	LW_TREND_COUNT
};

/* The series' name: lwTrendName, and the object of its alarms. */
const char *lw_trend_name(enum lw_trend_id id);

struct lw_trend {
	bool known;                 /* sampled at least once */
	uint8_t state;              /* enum lw_leak_state */
	uint64_t value;             /* the last sample */
	int64_t slope;              /* units per hour */
	uint64_t time_to_limit;     /* seconds, 0 none forecast */
};

/* One interface's multicast rate, as the capture threads last published it. */
struct lw_watch_mcast {
	char ifname[16];
	uint32_t ifindex;
	uint64_t pps10;
};

/* What a cycle gives the watcher; procs, groups and slabs are annotated in place. */
struct lw_watch_input {
	int64_t now;                       /* seconds since the epoch */
	struct lw_proc_table *procs;       /* NULL: the processes collector failed */
	struct lw_slab_list *slabs;        /* NULL: the slabinfo collector failed */
	bool slabs_fresh;                  /* slabinfo ran in this cycle: new samples */
	const struct lw_meminfo *meminfo;  /* NULL: failed */
	const struct lw_sockstat *sockstat;
	const struct lw_tcp_limits *limits;
	const struct lw_sockmem_pct *pct;
	const struct lw_loadavg *loadavg;
	uint32_t cpus;                     /* 0: unknown */
	const struct lw_watch_mcast *mcast;
	size_t nmcast;
};

struct lw_watch;

/* th: the settings a replay uses before the first cycle (each cycle then brings its own). */
int lw_watch_new(struct lw_watch **out, const struct lw_thresholds *th);
void lw_watch_free(struct lw_watch *w);

/*
 * Feeds a history point (lw_history_replay at start) to the series it belongs to, so that the
 * detectors resume where they were instead of learning again. Points must come in time order.
 */
int lw_watch_replay_point(void *watch, const struct lw_hist_point *p);

/*
 * One cycle: samples every series, annotates the rows (leak states, slopes, time to
 * exhaustion), evaluates every alarm with th, and returns the system trends in trends.
 */
void lw_watch_cycle(struct lw_watch *w, const struct lw_thresholds *th,
		    const struct lw_watch_input *in, struct lw_trend trends[LW_TREND_COUNT]);

/*
 * After a replay (leakwatch report): the verdict of the series a point like p feeds (the same
 * key: series, pid and start time, name, field): its state (enum lw_leak_state) and slope per
 * hour. Returns 0, or -1 when p names no watched series (multicast, an unwatched field).
 */
int lw_watch_replay_state(struct lw_watch *w, const struct lw_hist_point *p, uint8_t *state,
			  int64_t *slope_per_h);

const struct lw_alarms *lw_watch_alarms(const struct lw_watch *w);

#endif
