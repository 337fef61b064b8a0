/* snapshot.h: the data the agent serves, who owns it, and the mailbox that hands it over. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SNAPSHOT_H
#define LW_SNAPSHOT_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "base/lw_error.h"
#include "cycle/registry.h"
#include "detect/alarms.h"
#include "detect/watch.h"
#include "kmem/kmem.h"
#include "kmem/vmstat.h"
#include "mcast/igmp.h"
#include "net/netstat.h"
#include "net/sockstat.h"
#include "net/sysctlnum.h"
#include "net/tcpcollect.h"
#include "proc/proctable.h"
#include "sys/filenr.h"
#include "sys/loadavg.h"
#include "sys/meminfo.h"

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
	uint32_t processes;            /* procs.seen, copied when the cycle ends */
	struct lw_sockmem sock;
	struct lw_vmstat vmstat;
};

/*
 * Ownership, the one rule: a snapshot owns every table it carries, and shares nothing.
 *
 *  - The cycle (cycle/collect.c) keeps one working snapshot, never published. Each collector
 *    fills its part of it in place (cycle/registry_table.c names the part), and the stages after them
 *    add the detectors' verdicts, trends and alarms. A table in it is replaced only by its own
 *    collector's next run, so a collector not due this cycle (kernel cadence) keeps its rows.
 *  - Each published snapshot is lw_snapshot_copy() of the working one: every table (procs,
 *    tcp, kmem, members, alarms) deep-copied into memory of its own. It is never written again.
 *  - Who allocates: the cycle, its working snapshot inside its state (lw_snapshot_init) and
 *    each published one (lw_snapshot_copy, one malloc for the struct, one per table array).
 *  - Who frees: whoever holds a published snapshot, with lw_snapshot_free(), which frees all it
 *    carries: the agent thread once a newer one replaces it, or the mailbox for one the agent
 *    never took. The working snapshot is released with lw_snapshot_release() by the cycle.
 *  - What is shared: nothing. A published snapshot holds no pointer into the cycle, the
 *    collectors' states, the configuration or another snapshot, so any thread may free it.
 */
struct lw_snapshot {
	uint64_t seq;                 /* 1 for the first snapshot, +1 per cycle */
	struct timespec completed;    /* CLOCK_REALTIME when the cycle finished */
	uint32_t interval_s;          /* sampling interval in force */
	struct lw_system sys;
	struct lw_collector_stats collectors[LW_COL_COUNT];
	struct lw_proc_table procs;   /* processes collector */
	struct lw_tcp_table tcp;      /* tcp collector (NETLINK_SOCK_DIAG) */
	struct lw_kmem kmem;          /* slabinfo, zoneinfo, buddyinfo collectors */
	struct lw_membership_list members;  /* mcast-members, sorted by table index */
	struct lw_alarm_table alarms; /* detector stage: the active alarms and the recent events */
	struct lw_trend trends[LW_TREND_COUNT];  /* detector stage: the system series */
};

/* An empty snapshot, every table empty (a working snapshot's start). */
void lw_snapshot_init(struct lw_snapshot *snap);

/* A new snapshot owning a deep copy of every table of src; NULL when out of memory. */
struct lw_snapshot *lw_snapshot_copy(const struct lw_snapshot *src);

/* Frees every table snap carries (not snap itself), leaving it empty. */
void lw_snapshot_release(struct lw_snapshot *snap);

/* lw_snapshot_release, then frees snap (from lw_snapshot_copy, or malloc'd and zeroed). */
void lw_snapshot_free(struct lw_snapshot *snap);

/*
 * One producer (the sampler) and one consumer (the agent thread). Publishing exchanges the slot
 * with the new snapshot, so an unread older one is freed by the producer; taking exchanges it
 * with NULL. The eventfd wakes the consumer's select loop.
 */
struct lw_mailbox {
	_Atomic(struct lw_snapshot *) slot;
	int eventfd;
	atomic_uint_fast64_t displaced;  /* snapshots replaced before the consumer took them */
};

int lw_mailbox_init(struct lw_mailbox *mb, struct lw_error *err);
void lw_mailbox_publish(struct lw_mailbox *mb, struct lw_snapshot *snap);
/* Returns the latest snapshot (caller owns it) or NULL; clears the eventfd. */
struct lw_snapshot *lw_mailbox_take(struct lw_mailbox *mb);
void lw_mailbox_destroy(struct lw_mailbox *mb);

#endif
