/* report.h: the support report: what a history database says about a window, and writing it out. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_REPORT_H
#define LW_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/lw_error.h"

/*
 * The report is built in two steps so that each output is written from one model:
 *   lw_report_build   reads the history (read-only, never blocking the daemon's writer) into a
 *                     struct lw_report: the window, its runs, gaps and alarm events, every series
 *                     with its points and its figures (start, end, slope...), the suspects;
 *   lw_report_write   writes the directory or tarball: index.html (lw_report_write_html),
 *                     csv/, report.json, system information, the database copy, SHA256SUMS.
 * Times are seconds since the epoch (UTC).
 */

struct lw_report_opts {
	const char *db_path;        /* the history database */
	int64_t from, to;           /* the window; 0: the database's first / last sample */
	const char *out;            /* a directory, or a file ending in .tar.gz */
	const char *config_path;    /* leakwatchd.conf to include; NULL: none */
	const char *thresholds_path; /* the thresholds file the detector replay uses; NULL: defaults */
	unsigned chart_width_px;    /* charts' plot width: points are reduced to ~2 per pixel; 0: 900 */
	/* Added by report-data: */
	int64_t last_s;             /* > 0: the window is the last_s seconds up to the history's
				       last sample (from and to are then ignored) */
	const char *leakwatchd_path; /* for `leakwatchd -V` in the system information; NULL: PATH */
};

/* One point of a series. At full resolution min == max == avg == the sample; from the window
 * tier (older than full resolution is kept) the window's min, max and average, n samples. */
struct lw_report_point {
	int64_t t;
	double min, max, avg;
	uint32_t n;                 /* samples behind it: 1 at full resolution */
};

enum lw_report_verdict {
	LW_RV_NONE = 0,             /* not judged, or normal */
	LW_RV_LEARNING = 1,         /* the detector had too little history */
	LW_RV_SUSPECT = 2,
	LW_RV_LEAKING = 3,
};

/* One metric of one object over the window: "rss_kb of nginx (pid 1234, started T)". */
struct lw_report_series {
	int kind;                   /* enum lw_hkind (history/history_kinds.h) */
	const char *kind_name;      /* "process", "group", "slab", "mcast", "system" */
	uint32_t pid;               /* processes; 0 otherwise */
	int64_t start_time;         /* processes: their start (s); 0 otherwise */
	char name[96];              /* process or group name, slab cache, interface, system field */
	const char *metric;         /* "rss_kb", "fds", "total_bytes", "value", ... (kind table) */
	const char *unit;           /* "KiB", "bytes", "count", "ticks", "pps", "bps", "hundredths" */
	bool counter;               /* a counter (cpu_ticks, packets, octets): rates, not levels */
	struct lw_report_point *pts;  /* time order, owned */
	size_t npts;
	/* Figures over the window (a counter's are of its rate per second). */
	double start, end, delta;   /* first and last value, end - start */
	double slope_per_h;         /* robust (Theil-Sen style) slope, units per hour */
	double growing_share;       /* 0..1: share of the window's steps that went up */
	int64_t exhaustion_s;       /* seconds until the limit at the slope; -1: none forecast */
	const char *limit_name;     /* "MemAvailable", "RLIMIT_NOFILE", "tcp_mem", ...; NULL */
	enum lw_report_verdict verdict;  /* the detector's, replayed over the window */
	int64_t first_t, last_t;    /* the series' own span within the window */
	/* Added by report-data: */
	double min, max;            /* over the window (of the points' min and max) */
	uint64_t samples;           /* samples behind the points (the sum of their n) */
	bool rising;                /* its level rose through the window (see docs/REPORT.md) */
	double rel_slope_per_h;     /* slope_per_h / the series' average level: the ranking key */
};

/* One start of a history writer: leakwatchd, or leakwatch collect. */
/* One row of lwCollectorTable as a run stored it (table collector, schema version 3). */
struct lw_report_collector {
	char name[32];
	char source[96];
	uint32_t interval_s, runs, errors, last_duration_us;
	bool ok;
	uint64_t total_duration_us;
	int64_t t;                  /* when the row was written: runs and durations as of then */
	char last_error[LW_ERROR_TEXT_MAX];
	char notice[LW_ERROR_TEXT_MAX];
};

struct lw_report_run {
	int64_t id;                 /* run.id in the history */
	int64_t start_t, stop_t;    /* stop_t 0: never stopped cleanly (killed, crashed, running) */
	uint32_t pid;
	char program[32];           /* "leakwatchd" or "leakwatch collect" */
	char version[32];
	char boot_id[40];           /* /proc/sys/kernel/random/boot_id: another one is a reboot */
	int64_t boot_t;             /* when the host booted (s) */
	uint32_t interval_s;
	char *config;               /* the configuration in force (text), owned; may be NULL */
	/* Added by report-data: */
	int64_t end_t;              /* stop_t, else the next run's start, else its last sample */
	bool crashed;               /* no stop_t and another run started after it */
	bool reboot_before;         /* another boot_id than the run before it: the host rebooted */
	int64_t self_rss_kb;        /* the writer's own RSS at its last sample in the window; -1 */
	int64_t self_rss_kb_max;    /* and its largest; -1 */
	double self_cpu_pct;        /* its CPU over the window, % of one core; -1: unknown */
	struct lw_report_collector *coll;  /* owned; its collector table, by name */
	size_t ncoll;
};

/* A stretch of the window without samples, and why (what the runs tell). */
struct lw_report_gap {
	int64_t from, to;
	const char *why;            /* "leakwatchd not running", "host rebooted", "after a crash",
				       "cycles missed" */
};

/* One alarm raise or clear. */
struct lw_report_event {
	int64_t t;
	bool raise;
	uint32_t alarm_index;
	char type[32];              /* "procRss", ... as lwAlarmType's labels */
	char severity[16];
	char object[96];
	char name[64];              /* added by report-data: a process's name alone */
	uint32_t instance;          /* added by report-data: the MIB row */
	uint32_t run_index;         /* added by report-data: index into runs; UINT32_MAX none */
	uint64_t value, threshold;
	int64_t slope;
	uint64_t exhaustion_s;
};

struct lw_report {
	char db_path[4096];
	int64_t from, to;           /* the window as asked, clamped to the data */
	size_t cycles;              /* full-resolution samples in the window */
	size_t windows;             /* window-tier samples used (older than full resolution) */
	uint32_t interval_s;        /* the usual spacing of full-resolution samples */
	struct lw_report_run *runs; size_t nruns;
	struct lw_report_gap *gaps; size_t ngaps;
	struct lw_report_event *events; size_t nevents;
	struct lw_report_series *series; size_t nseries;
	/* Indexes into series, best first: leaking, then suspect, then by slope relative to size. */
	size_t *suspects; size_t nsuspects;
	int schema_version;         /* the database's user_version */
	bool has_collectors;        /* the history keeps the collector table (version 3) */
	int64_t generated_t;
	/* Added by report-data: */
	int64_t data_from, data_to; /* what the history holds, both tiers */
	int64_t full_from;          /* the first full-resolution sample in the window; 0: none */
	uint32_t window_s;          /* the window tier's span (0: no windows in the window) */
	bool immutable;             /* opened with immutable=1 (a read-only file or directory):
				       a writer changing the file meanwhile would go unseen */
	unsigned restarts;          /* runs started within the window after its first */
	unsigned reboots;           /* boot_id changes between the runs of the window */
	unsigned crashes;           /* runs without a clean stop followed by another */
	char notes[8][256];         /* what else the header must say ("version 1 history: ...") */
	size_t nnotes;
	void *names;                /* owned: the kind and metric names the series point into */
};

int lw_report_build(struct lw_report **out, const struct lw_report_opts *o, struct lw_error *err);
void lw_report_free(struct lw_report *r);

/* index.html, self-contained (inline SVG and CSS, no request to any file or host). */
int lw_report_write_html(const struct lw_report *r, const struct lw_report_opts *o, FILE *f,
			 struct lw_error *err);

/* Everything, into o->out (a directory created if missing, or FILE.tar.gz written via a
 * temporary name and renamed). */
int lw_report_write(const struct lw_report *r, const struct lw_report_opts *o,
		    struct lw_error *err);

#endif
