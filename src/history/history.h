/* history.h: the sampled history in an embedded SQLite file, written by its own thread. */
#ifndef LW_HISTORY_H
#define LW_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

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
struct lw_hist_proc {
	uint32_t pid;
	int64_t start_time;         /* seconds since the epoch: (pid, start_time) is the identity */
	char name[64];              /* escaped, as lwProcName */
	uint64_t rss_kb, anon_kb, vsz_kb;
	uint32_t fds;
	uint64_t cpu_ticks;
};

struct lw_hist_group {
	char name[64];
	uint32_t count, fds;
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

/* System-wide figures; a field of a collector that failed in the cycle is absent (bit clear). */
enum lw_hist_sys_field {
	LW_HSYS_MEM_TOTAL_KB,
	LW_HSYS_MEM_AVAILABLE_KB,
	LW_HSYS_MEM_FREE_KB,
	LW_HSYS_SLAB_KB,
	LW_HSYS_SUNRECLAIM_KB,
	LW_HSYS_LOAD1,              /* hundredths */
	LW_HSYS_FILES_ALLOCATED,
	LW_HSYS_TCP_INUSE,
	LW_HSYS_TCP_ORPHANS,
	LW_HSYS_TCP_TIME_WAIT,
	LW_HSYS_TCP_MEM_PAGES,
	LW_HSYS_TCP_ESTABLISHED,    /* TCP-MIB state counts of the tcp collector */
	LW_HSYS_TCP_SYN_RECV,
	LW_HSYS_TCP_CLOSE_WAIT,
	LW_HSYS_TCP_TIME_WAIT_SOCKETS,
	LW_HSYS_COUNT
};

struct lw_history_cycle {
	int64_t t;                  /* seconds since the epoch: when the cycle completed */
	uint64_t sys[LW_HSYS_COUNT];
	uint64_t sys_present;       /* bit (1 << field) */
	size_t nprocs, ngroups, nslabs, nmcast;
	struct lw_hist_proc *procs;  /* owned by the record */
	struct lw_hist_group *groups;
	struct lw_hist_slab *slabs;
	struct lw_hist_mcast *mcast;
};

/* Frees the arrays the record owns and empties it; the struct itself is the caller's. */
void lw_history_cycle_free(struct lw_history_cycle *c);

struct lw_history_config {
	char path[512];             /* the database file; its directory must exist */
	uint32_t full_hours;        /* samples kept at full resolution (default 48) */
	uint32_t window_s;          /* older samples become min/max/avg per window (default 600) */
	uint32_t days;              /* windows kept (default 30) */
	uint32_t max_mb;            /* the file never grows past this: oldest data go first */
};

/* The defaults above: 48 h, 600 s, 30 days, 1024 MiB; no path (the caller names the file:
 * leakwatchd puts it in its state_dir). The configuration file's defaults are these. */
void lw_history_config_default(struct lw_history_config *cfg);

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

struct lw_history;

/*
 * Opens (creating it and its schema, version checked) and starts the writer thread. A file
 * that cannot be opened, is read-only, full or corrupt does not fail this: the status says why
 * and the writer retries at each submitted cycle; a corrupt file is renamed aside
 * (PATH.corrupt-EPOCH) and a new one started, which the status's notice says. Fails only on
 * bad arguments or when the thread cannot start.
 */
int lw_history_open(struct lw_history **out, const struct lw_history_config *cfg,
		    struct lw_error *err);

/*
 * Queues a copy of the cycle for the writer (one transaction per cycle). Never blocks: when
 * the writer has fallen behind by a few cycles (a slow or full disk), the oldest queued cycle
 * is dropped and counted in cycles_dropped.
 */
int lw_history_submit(struct lw_history *h, const struct lw_history_cycle *c);
/* The same without the copy: the queue takes c's arrays (malloc'ed, freed by the writer with
 * lw_history_cycle_free) and leaves *c empty. */
int lw_history_submit_take(struct lw_history *h, struct lw_history_cycle *c);

void lw_history_status(struct lw_history *h, struct lw_history_status *out);

/* A sample of a series, delivered by lw_history_replay. */
enum lw_hist_series {
	LW_HS_PROC_RSS,             /* key: pid, start_time, name */
	LW_HS_PROC_FDS,
	LW_HS_GROUP_RSS,            /* key: name */
	LW_HS_GROUP_FDS,
	LW_HS_SLAB_KB,              /* key: name */
	LW_HS_SYS,                  /* key: field (enum lw_hist_sys_field) */
};

struct lw_hist_point {
	enum lw_hist_series series;
	uint32_t pid;
	int64_t start_time;
	const char *name;           /* valid during the callback */
	int field;
	int64_t t;
	uint64_t value;
};

/*
 * Calls cb for every stored full-resolution sample taken at or after since_s, cycle by cycle
 * in time order (every point of a cycle before the next cycle's), as the detector needs them
 * to resume after a restart. Values are as submitted. cb returning non-zero stops the replay.
 * Synchronous (it waits for the writer to finish what is queued); meant for start-up.
 *
 * Series: a process's rss_kb and fds, a group's rss_kb and fds, a slab cache's total_bytes / 1024
 * (rounded down), every system field present in the cycle; multicast rates are stored but not
 * replayed. cb runs on the calling thread while the writer is paused (cycles submitted meanwhile
 * wait in the queue); it must not call lw_history_replay, lw_history_flush or lw_history_close.
 * A cycle whose t is not after the last stored one (the clock went back) was dropped, so time
 * never goes back in a replay.
 */
int lw_history_replay(struct lw_history *h, int64_t since_s,
		      int (*cb)(void *arg, const struct lw_hist_point *p), void *arg,
		      struct lw_error *err);

/*
 * Waits until every cycle submitted so far has been written or dropped (and the upkeep that
 * followed it is done): after it, the status tells what became of them. For tests, benchmarks
 * and a clean stop; the sampler never waits for the disk.
 */
void lw_history_flush(struct lw_history *h);

/* Writes what is queued, stops the thread, closes the file. NULL is a no-op. */
void lw_history_close(struct lw_history *h);

#endif
