/* history.h: the sampled history in an embedded SQLite file, written by its own thread. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_H
#define LW_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/histpoint.h"
#include "base/lw_error.h"
#include "config/history_settings.h"
#include "history/history_types.h"

/* Frees the arrays the record owns and empties it; the struct itself is the caller's. */
void lw_history_cycle_free(struct lw_history_cycle *c);

struct lw_history;

/*
 * Opens cfg->path (creating it and its schema, version checked) and starts the writer thread;
 * cfg->enabled is the caller's to check. A file that cannot be opened, is read-only, full or
 * corrupt does not fail this: the status says why and the writer retries at each submitted
 * cycle; a corrupt file is renamed aside (PATH.corrupt-EPOCH) and a new one started, which the
 * status's notice says. Fails only on bad arguments or when the thread cannot start. The
 * writer keeps its own copy of *cfg: the settings are fixed for the life of the file (a reload
 * that changes them asks for a restart), so cfg need not outlive the call.
 */
int lw_history_open(struct lw_history **out, const struct lw_history_settings *cfg,
		    struct lw_error *err);

/*
 * Says who writes (table run: program, version, interval, configuration). Call it after
 * lw_history_open, before the first lw_history_submit: the run's row is written with the first
 * cycle (in its transaction), with the pid, the time of lw_history_open and the host's boot. A
 * later call (a reload that changed the interval) updates the row with the next cycle. Without
 * it the row says program "unknown". lw_history_close sets the row's stop_t; a writer that is
 * killed leaves it NULL. Fails only on bad arguments or no memory.
 */
int lw_history_set_run(struct lw_history *h, const struct lw_history_run_info *run,
		       struct lw_error *err);

/*
 * The seq of the newest alarm event submitted so far (0: none): the history stage hands over
 * the events after it.
 */
uint64_t lw_history_alarm_seq(struct lw_history *h);

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

/*
 * For a file no writer has open any more, read by read-only connections since (a report): those
 * make the -wal and -shm files and, read-only, cannot remove them at their close. A read-write
 * open and close does (the last connection to close a WAL database checkpoints and deletes them,
 * sqlite.org/wal.html). Nothing in the file changes; a file in use elsewhere keeps them.
 */
int lw_history_tidy(const char *path, struct lw_error *err);

#endif
