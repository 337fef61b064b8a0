/* alarms.h: the active alarms, raised and cleared once per change, with a hold-down per object. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_ALARMS_H
#define LW_ALARMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* lwAlarmType; each has a notification pair (raise, clear) in LEAKWATCH-MIB. */
enum lw_alarm_type {
	LW_ALARM_PROC_MEM_LEAK = 1,   /* a process's RSS grows: detector state leaking */
	LW_ALARM_PROC_FD_LEAK,        /* a process's descriptors grow */
	LW_ALARM_SLAB_LEAK,           /* a slab cache grows */
	LW_ALARM_TCP_ORPHANS,         /* orphaned sockets against tcp_max_orphans */
	LW_ALARM_TCP_MEM,             /* TCP memory against tcp_mem's maximum */
	LW_ALARM_MCAST_RATE,          /* multicast packets per second on an interface */
	LW_ALARM_LOAD,                /* the 1-minute load per CPU */
	LW_ALARM_GROUP_MEM_LEAK,      /* the processes of one name together grow */
	LW_ALARM_KERNEL_MEM_LEAK,     /* SUnreclaim grows or MemAvailable falls */
	LW_ALARM_TYPE_MAX = LW_ALARM_KERNEL_MEM_LEAK
};

enum lw_alarm_severity {
	LW_SEV_WARNING = 1,
	LW_SEV_MINOR = 2,
	LW_SEV_MAJOR = 3,
	LW_SEV_CRITICAL = 4,
};

/* One alarm: what it is about, and the figures its notification and table row carry. */
struct lw_alarm {
	uint32_t index;               /* lwAlarmIndex: unique while the daemon runs, never reused */
	uint8_t type;                 /* enum lw_alarm_type */
	uint8_t severity;             /* enum lw_alarm_severity */
	uint64_t key;                 /* the object within its type (pid, group or slab index...) */
	uint32_t instance;            /* the MIB row: pid, group index, slab index, ifIndex, field */
	int64_t start_time;           /* a process's start time (s); 0 for other objects */
	char object[96];              /* "nginx (pid 1234)", "kmalloc-64", "eth1", "SUnreclaim" */
	char name[64];                /* a process's name alone (its notification's lwProcName) */
	int64_t raised;               /* seconds since the epoch */
	uint64_t value;               /* current: KiB, descriptors, hundredths of %, pps, load */
	uint64_t threshold;           /* what it was compared with; 0 for a trend */
	int64_t slope;                /* units per hour for a trend; 0 otherwise */
	uint64_t time_to_exhaustion;  /* seconds, 0 none forecast */
};

struct lw_alarm_event {
	uint64_t seq;                 /* increasing from 1, never reused */
	bool raise;                   /* false: a clear */
	struct lw_alarm alarm;        /* as it was at the event */
};

#define LW_ALARM_EVENTS 128          /* events kept for the agent to notify (a ring) */
#define LW_ALARMS_MAX 4096           /* active alarms held; more are counted, not held */

/*
 * One evaluation per cycle: lw_alarms_begin, lw_alarm_observe for every object in alarm
 * condition now, lw_alarms_end. An object observed and not active is raised (unless its
 * hold-down since its last clear is still running); an active alarm not observed in the cycle
 * is cleared (its condition ended, or its object is gone). Conditions with hysteresis (a
 * threshold must fall below a share of itself to clear) ask lw_alarm_active first.
 */
struct lw_alarms {
	struct lw_alarm *active;      /* sorted by (type, key) */
	bool *seen;                   /* per active alarm: observed this cycle */
	size_t n;
	struct lw_hold {              /* objects cleared recently: quiet until */
		uint8_t type;
		uint64_t key;
		int64_t until;
	} *holds;
	size_t nholds, cap_holds;
	struct lw_alarm_event events[LW_ALARM_EVENTS];
	uint64_t next_seq;            /* the seq of the next event */
	uint32_t next_index;
	uint64_t suppressed;          /* raises held back by a hold-down */
	uint64_t dropped;             /* raises refused because LW_ALARMS_MAX were active */
	uint32_t holddown_s;
	int64_t now;
};

int lw_alarms_init(struct lw_alarms *a);
void lw_alarms_free(struct lw_alarms *a);

void lw_alarms_begin(struct lw_alarms *a, int64_t now, uint32_t holddown_s);
bool lw_alarm_active(const struct lw_alarms *a, enum lw_alarm_type type, uint64_t key);

/*
 * An object in alarm condition now: a (the fields other than index and raised) describes it;
 * an active alarm's figures are updated, a new one raised. Returns 1 when raised now.
 */
int lw_alarm_observe(struct lw_alarms *a, const struct lw_alarm *cond);

/* Updates an active alarm's figures without keeping it (its condition ended this cycle): its
 * clear then carries the value that ended it. Nothing when the alarm is not active. */
void lw_alarm_refresh(struct lw_alarms *a, const struct lw_alarm *cond);

/* Keeps every active alarm of a type as it is (its source failed this cycle: no news is not a
 * clear). */
void lw_alarms_keep_type(struct lw_alarms *a, enum lw_alarm_type type);

/* Clears what was not observed since lw_alarms_begin. Returns the number cleared. */
size_t lw_alarms_end(struct lw_alarms *a);

/* The events with seq > after, oldest first, into out (at most cap); returns how many. */
size_t lw_alarm_events_since(const struct lw_alarms *a, uint64_t after,
			     struct lw_alarm_event *out, size_t cap);

/* A copy of the active alarms and the event ring, for a snapshot. */
struct lw_alarm_table {
	struct lw_alarm *rows;        /* n, sorted by index */
	size_t n;
	struct lw_alarm_event events[LW_ALARM_EVENTS];
	uint64_t last_seq;            /* seq of the newest event; 0 none */
	uint64_t suppressed, dropped;
};

int lw_alarm_table_copy(struct lw_alarm_table *dst, const struct lw_alarms *a);

/* The same as lw_alarm_events_since, on a copy. */
size_t lw_alarm_table_events_since(const struct lw_alarm_table *t, uint64_t after,
				   struct lw_alarm_event *out, size_t cap);
void lw_alarm_table_release(struct lw_alarm_table *t);

#endif
