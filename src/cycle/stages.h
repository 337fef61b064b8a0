/* stages.h: what the cycle runs after every collector: the detector (15), the history (16). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_STAGES_H
#define LW_STAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/lw_error.h"
#include "config/lw_config.h"
#include "config/thresholds.h"
#include "cycle/snapshot.h"
#include "mcast/mcastcap.h"

struct lw_history;
struct lw_watch;

/* What both stages are given: the cycle as the collectors left it. */
struct lw_stage_input {
	int64_t now;                        /* seconds since the epoch, at the stage's start */
	/*
	 * This cycle's working snapshot: its tables and its collectors' statuses (a table is read
	 * only while collectors[id].ok). The detector writes its verdicts into it (see stage_detect.c).
	 */
	struct lw_snapshot *cycle;
	const bool *ran;                    /* ran[id]: ran this cycle, not only kept from before */
	const struct lw_mcast_summary *mcast;  /* the captures' counters and rates, this cycle */
	size_t nmcast;
	const struct lw_thresholds *thresholds;
};

/* Whether id's last run succeeded, so that its part of in->cycle is valid. */
static inline bool lw_stage_ok(const struct lw_stage_input *in, enum lw_collector_id id)
{
	return in->cycle->collectors[id].ok;
}

/* The detector stage's own state. */
struct lw_detect_stage {
	struct lw_watch *watch;       /* owned: the detectors and alarms */
	struct lw_history *history;   /* borrowed; NULL: nothing to replay */
	bool replayed;                /* the history was replayed into the detectors */
};

int lw_detect_stage_init(struct lw_detect_stage *d, const struct lw_thresholds *th,
			 struct lw_error *err);
void lw_detect_stage_destroy(struct lw_detect_stage *d);

/*
 * Stage 15 "detector": at its first run replays the history into the detectors (so they resume
 * instead of learning again), then every cycle feeds the cycle's tables to the detectors and
 * evaluates the alarms (src/detect/watch.c). Writes in->cycle's trends and alarms, and the leak
 * columns of its procs and kmem.slabs rows.
 */
int lw_detect_stage_run(struct lw_detect_stage *d, const struct lw_stage_input *in, char *notice,
			size_t notice_cap, struct lw_error *err);

/*
 * Stage 16 "history": hands the cycle to the history writer (NULL: history off, a notice) and
 * reports the writer's state: the run fails (lwCollectorLastError) while the writer cannot write
 * (a full disk, a read-only file...), and succeeds again once it can; a notice says what the
 * writer did on its own (a corrupt file moved aside).
 */
int lw_history_stage_run(struct lw_history *h, const struct lw_stage_input *in, char *notice,
			 size_t notice_cap, struct lw_error *err);

#endif
