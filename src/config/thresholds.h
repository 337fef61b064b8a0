/* thresholds.h: the detector and alarm settings: one table for the file, SNMP SETs and persistence. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_THRESHOLDS_H
#define LW_THRESHOLDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"

/* Order is the sub-identifier under lwThresholds (id + 1): append only. */
enum lw_threshold_id {
	LW_TH_LEAK_WINDOW,        /* seconds: the floor window */
	LW_TH_LEAK_SIGNIFICANCE,  /* per mille: the trend test's one-sided level */
	LW_TH_LEAK_MIN_SLOPE,     /* KiB per hour a memory leak grows at least */
	LW_TH_LEAK_MIN_PCT_DAY,   /* hundredths of a percent of the current size per day; 0 off */
	LW_TH_LEAK_WARMUP,        /* seconds after a process starts before a verdict */
	LW_TH_FD_MIN_SLOPE,       /* descriptors per hour a descriptor leak grows at least */
	LW_TH_ORPHAN_PCT,         /* hundredths of a percent of tcp_max_orphans; 0 off */
	LW_TH_TCP_MEM_PCT,        /* hundredths of a percent of tcp_mem's maximum; 0 off */
	LW_TH_MCAST_PPS,          /* packets per second on one interface (10 s); 0 off */
	LW_TH_LOAD_PER_CPU,       /* hundredths of the 1-minute load per online CPU; 0 off */
	LW_TH_HOLDDOWN,           /* seconds an object's alarm stays quiet after it cleared */
	LW_TH_CLEAR_PCT,          /* percent of a threshold below which its alarm clears */
	LW_TH_COUNT
};

struct lw_threshold_def {
	const char *directive;    /* leakwatchd.conf and the persisted file: "leak_window" */
	const char *object;       /* LEAKWATCH-MIB: "lwLeakWindow" */
	uint32_t lo, hi, def;
	const char *unit;         /* for messages: "seconds" */
};

const struct lw_threshold_def *lw_threshold_def(enum lw_threshold_id id);

/* The id whose directive is name, or -1. */
int lw_threshold_by_directive(const char *name);

struct lw_thresholds {
	uint32_t v[LW_TH_COUNT];
	uint32_t set_mask;        /* bit (1 << id): the value came from an SNMP SET (persisted) */
};

void lw_thresholds_default(struct lw_thresholds *t);

/* Which names a message uses: the SET path's MIB objects, or a file's directives. */
enum lw_threshold_names { LW_TH_NAMES_OBJECT, LW_TH_NAMES_DIRECTIVE };

/* 0 when v lies in the definition's range, else -1 with "lwLeakWindow: 5 is out of range
 * 60..86400 seconds" in err. */
int lw_threshold_check(enum lw_threshold_id id, uint32_t v, struct lw_error *err);

/* The same, naming the value as names says ("leak_window: 5 is out of range ..."). */
int lw_threshold_check_named(enum lw_threshold_id id, uint32_t v, enum lw_threshold_names names,
			     struct lw_error *err);

/*
 * Whether the values hold together: the window a multiple of 10 s (the detector's steps; err
 * code EDOM), the warm-up 0 or at least one window (EINVAL, naming both objects). Returns -1
 * with the id at fault in *bad: of the two, the one an SNMP SET gave (set_mask), else the
 * window.
 */
int lw_thresholds_consistent(const struct lw_thresholds *t, enum lw_threshold_id *bad,
			     struct lw_error *err);

/* The same, with the names of names: leakwatchd.conf and the persisted file name directives. */
int lw_thresholds_consistent_named(const struct lw_thresholds *t, enum lw_threshold_names names,
				   enum lw_threshold_id *bad, struct lw_error *err);

/*
 * The values an SNMP SET gave (set_mask), as "directive value" lines: written to path.tmp,
 * flushed to disk, then renamed over path, so a crash leaves the old file or the new one.
 */
int lw_thresholds_save(const char *path, const struct lw_thresholds *t, struct lw_error *err);

/*
 * Applies path's values on top of t and marks them in set_mask. A missing file is no value;
 * a line that is not a known directive with a value in range and consistent is an error that
 * names the file and line, and t is then unchanged.
 */
int lw_thresholds_load(const char *path, struct lw_thresholds *t, struct lw_error *err);

/* lw_thresholds_load on text already read (len bytes of buf, path only names it in errors):
 * the loader's whole judgement without the file system, for the fuzz target. */
int lw_thresholds_parse(const char *path, const char *buf, size_t len, struct lw_thresholds *t,
			struct lw_error *err);

#endif
