/* history_types.h: what the history exchanges with the sampler: the cycle record and the status. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_TYPES_H
#define LW_HISTORY_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/histpoint.h"
#include "base/lw_error.h"

/* Apart from history.h so that the writer's parts (history_writer.h) can use them without
 * including the public face, which includes them: the includes stay a DAG. */

/*
 * One cycle's record, built by the sampler from the tables it has just published and handed to
 * the writer thread whole (lw_history_submit copies it, lw_history_submit_take moves it). Names
 * are NUL-terminated strings.
 *
 * An empty array (nprocs == 0, ...) or sys_present == 0 means that kind was not sampled in the
 * cycle (its collector failed or did not run, e.g. slabinfo between kernel_interval runs): its
 * series are carried over, not ended, and replay gives no point of that kind for the cycle.
 * An entry missing from a non-empty array (a process that exited) ends its series.
 */
/*
 * A descriptor count that could not be read (struct lw_proc.unknown; a group with such a
 * member): stored as is, so the file says "unknown" rather than 0. Replay gives no point for
 * it and a window over a cycle holding it has it as min, max and avg (history_retention.c).
 * No count reaches it: Linux caps descriptors at fs.nr_open, at most 2^30 (fs/file.c).
 */
#define LW_HIST_UNKNOWN UINT32_MAX

struct lw_hist_proc {
	uint32_t pid;
	int64_t start_time;         /* seconds since the epoch: (pid, start_time) is the identity */
	char name[64];              /* escaped, as lwProcName */
	uint64_t rss_kb, anon_kb, vsz_kb;
	uint32_t fds;               /* LW_HIST_UNKNOWN: not readable */
	uint64_t cpu_ticks;
	/* kind 6 (process_ext), same identity */
	uint64_t swap_kb;
	uint32_t sockets;           /* LW_HIST_UNKNOWN: not readable */
	uint32_t fd_limit;          /* the soft RLIMIT_NOFILE */
	uint32_t threads;
};

struct lw_hist_group {
	char name[64];
	uint32_t count, fds;        /* fds LW_HIST_UNKNOWN: some member's not readable */
	uint64_t rss_kb;
};

struct lw_hist_slab {
	char name[64];
	uint64_t total_bytes, active_bytes;
};

struct lw_hist_mcast {
	char ifname[16];
	uint64_t packets, octets, pps10, bps10;
};

/* One multicast group on one interface (kind 7, name "IFNAME GROUP"). */
struct lw_hist_mcast_group {
	char name[64];              /* "eth1 239.1.2.3" */
	uint64_t pps10, bps10;
};

/* An alarm's raise or clear, as the alarm table's event ring had it (table alarm_event). */
struct lw_hist_alarm_event {
	uint64_t seq;               /* the daemon's event sequence, increasing from 1 per run */
	int64_t t;                  /* seconds since the epoch */
	bool raise;                 /* false: a clear */
	uint32_t alarm_index;       /* lwAlarmIndex */
	uint8_t type;               /* lwAlarmType */
	uint8_t severity;           /* lwAlarmSeverity */
	char type_name[32];         /* lwAlarmType's label: "procMemLeak" */
	char object[96];
	char name[64];
	uint32_t instance;
	int64_t start_time;
	uint64_t value, threshold;
	int64_t slope;
	uint64_t exhaustion_s;
};

/* One row of lwCollectorTable (a collector or a stage) as the cycle left it (table collector). */
struct lw_hist_collector {
	char name[32];              /* lwCollectorName: the row's key within a run */
	char source[96];            /* lwCollectorSource */
	uint32_t interval_s;
	uint32_t runs, errors;
	bool ok;
	uint32_t last_duration_us;
	uint64_t total_duration_us;
	char last_error[LW_ERROR_TEXT_MAX];
	char notice[LW_ERROR_TEXT_MAX];
};

struct lw_history_cycle {
	int64_t t;                  /* seconds since the epoch: when the cycle completed */
	uint64_t sys[LW_HSYS_COUNT];
	uint64_t sys_present;       /* bit (1 << field) */
	size_t nprocs, ngroups, nslabs, nmcast, nmgroups;
	struct lw_hist_proc *procs;  /* owned by the record */
	struct lw_hist_group *groups;
	struct lw_hist_slab *slabs;
	struct lw_hist_mcast *mcast;
	struct lw_hist_mcast_group *mgroups;
	/*
	 * The alarm events since the last record, oldest first (stored whatever the cycle's other
	 * kinds; none is not "not sampled"). A record dropped from a full queue hands its events
	 * to the next one, so a slow disk loses samples but no raise or clear.
	 */
	size_t nevents;
	struct lw_hist_alarm_event *events;
	/*
	 * Optional: the collector table as the cycle left it (none: the rows stored stay as they
	 * are). Written with the run's row, only when it changed (history_run.c).
	 */
	size_t ncollectors;
	struct lw_hist_collector *collectors;
};

/*
 * Who writes the history (table run): lw_history_set_run. Strings are copied; NULL is "".
 */
struct lw_history_run_info {
	const char *program;        /* "leakwatchd", "leakwatch collect" */
	const char *version;        /* the program's version (LW_VERSION) */
	uint32_t interval_s;        /* the sampling interval */
	const char *config;         /* the configuration in force, as text; NULL: none */
};

/* What the collector table shows for the history (lwCollectorIndex 15, "history"). */
struct lw_history_status {
	bool ok;                    /* the last write (or open) succeeded */
	char error[LW_ERROR_TEXT_MAX];   /* why not, with the file's name */
	char notice[LW_ERROR_TEXT_MAX];  /* e.g. a corrupt file moved aside */
	uint64_t cycles_written, cycles_dropped, errors;
	uint32_t last_write_us;
	uint64_t total_write_us;
	int64_t last_write_t;       /* CLOCK_REALTIME seconds of the last attempt */
	uint64_t file_bytes;        /* database + WAL */
	uint64_t total_cpu_us;      /* the writer thread's CPU for cycles and their upkeep */
	int64_t oldest_t;           /* the oldest sample kept (a window or a cycle); 0: none */
	int64_t full_oldest_t;      /* the oldest cycle kept at full resolution; 0: none */
	int64_t newest_t;           /* the last cycle stored; 0: none */
};

#endif
