/* collector.h: the registry of collectors, their per-run statistics and the system data they fill. */
#ifndef LW_COLLECTOR_H
#define LW_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "sys/filenr.h"
#include "mcast/igmp.h"
#include "sys/loadavg.h"
#include "base/lw_error.h"
#include "config/lw_config.h"
#include "sys/meminfo.h"
#include "net/netstat.h"
#include "proc/proctable.h"
#include "net/sockstat.h"
#include "net/sysctlnum.h"
#include "net/tcpcollect.h"
#include "kmem/vmstat.h"

/* Order is the lwCollectorIndex (id + 1): append only, never reorder. */
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
	LW_COL_DETECTOR,        /* the leak detectors and alarms over this cycle's tables */
	LW_COL_HISTORY,         /* hands the cycle to the history writer; its status */
	LW_COL_COUNT
};

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

/* Socket memory: usage, its limits, the TCP counters, and usage against the limits. */
struct lw_sockmem {
	struct lw_sockstat sockstat;   /* sockstat collector */
	struct lw_tcp_limits limits;   /* tcp-limits collector */
	struct lw_netstat counters;    /* tcp-counters collector */
	struct lw_sockmem_pct pct;     /* known only while sockstat and tcp-limits succeed */
};

/* What the collectors of the system group fill in. */
struct lw_system {
	struct lw_loadavg loadavg;
	struct lw_meminfo meminfo;
	struct lw_filenr filenr;
	uint32_t cpus;
	uint32_t processes;
	struct lw_sockmem sock;
	struct lw_vmstat vmstat;
};

struct lw_proc_collector;
struct lw_tcp_collector;
struct lw_kmem;
struct lw_filebuf;
struct lw_watch;
struct lw_trend;
struct lw_history;
struct lw_mcast_capture;
struct lw_thresholds;

/* What a collector needs from the sampler: where to read, its state, where to write. */
struct lw_collect_ctx {
	int rootfd;
	struct lw_proc_collector **procs;       /* created on first use */
	const struct lw_proc_config *proc_cfg;
	struct lw_proc_table *proc_out;         /* the processes collector's table */
	struct lw_tcp_collector **tcp;          /* created on first use */
	const struct lw_tcp_config *tcp_cfg;
	struct lw_tcp_table *tcp_out;           /* the tcp collector's table */
	struct lw_kmem *kmem;                   /* the slow kernel collectors' tables */
	struct lw_filebuf *filebuf;             /* reused for files of host-dependent size */
	struct lw_membership_list *members_out; /* the mcast-members collector's list */
	char *notice;                           /* the running collector's notice, "" if none */
	size_t notice_cap;
	/* The cycle as the collectors before this one left it (detector and history). */
	int64_t now;                            /* seconds since the epoch */
	const struct lw_collector_stats *stats; /* every collector's, this cycle */
	const bool *ran;                        /* ran[id]: the collector ran in this cycle */
	struct lw_watch *watch;
	const struct lw_thresholds *thresholds;
	struct lw_trend *trends_out;            /* LW_TREND_COUNT */
	struct lw_history *history;             /* NULL: history off */
	bool *replayed;                         /* the history was replayed into the detectors */
	struct lw_mcast_capture *mcast;         /* NULL: no capture */
};

/* How often a collector runs. */
enum lw_cadence {
	LW_CADENCE_CYCLE,       /* every sampling interval */
	LW_CADENCE_KERNEL,      /* every kernel_interval: large, slowly changing kernel files */
};

struct lw_collector_def {
	const char *name;
	int (*run)(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err);
	enum lw_cadence cadence;
};

const struct lw_collector_def *lw_collector_def(enum lw_collector_id id);

#endif
