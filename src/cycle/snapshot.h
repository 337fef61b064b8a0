/* snapshot.h: the immutable data the agent serves, and the single-slot mailbox that hands it over. */
#ifndef LW_SNAPSHOT_H
#define LW_SNAPSHOT_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "detect/alarms.h"
#include "cycle/collector.h"
#include "kmem/kmem.h"
#include "base/lw_error.h"
#include "detect/watch.h"

struct lw_snapshot {
	uint64_t seq;                 /* 1 for the first snapshot, +1 per cycle */
	struct timespec completed;    /* CLOCK_REALTIME when the cycle finished */
	uint32_t interval_s;          /* sampling interval in force */
	struct lw_system sys;
	struct lw_collector_stats collectors[LW_COL_COUNT];
	struct lw_proc_table procs;   /* owned: released with the snapshot */
	struct lw_tcp_table tcp;      /* owned: released with the snapshot */
	struct lw_kmem kmem;          /* owned copy: released with the snapshot */
	struct lw_membership_list members;  /* owned: mcast-members, sorted by table index */
	struct lw_alarm_table alarms; /* owned: the active alarms and the recent events */
	struct lw_trend trends[LW_TREND_COUNT];  /* the system series' detectors */
};

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
