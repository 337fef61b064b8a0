/* history_write.c: one cycle's transaction, change-only rows through prepared statements. */
/* SPDX-License-Identifier: ISC */
#include "history/history_write.h"

#include "history/history_db.h"
#include "history/history_retention.h"
#include "history/history_rows.h"
#include "history/history_run.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The ident id of a series: from the map when it was live at the last cycle, else from ident
 * (inserting it, or marking the start of its new run of samples in seen_t). */
static int resolve(struct lw_hwriter *w, const struct lw_hidkey *key, const char *name,
		   size_t name_len, int64_t t, int64_t *id)
{
	sqlite3_stmt *st;
	int rc;

	if ((*id = lw_hidmap_find(&w->ids, key)) != 0)
		return SQLITE_OK;
	st = w->stmt[LW_HS_IDENT_UPSERT];
	sqlite3_bind_int(st, 1, key->kind);
	sqlite3_bind_int64(st, 2, key->pid);
	sqlite3_bind_int64(st, 3, key->start_time);
	sqlite3_bind_text(st, 4, name, (int)name_len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, t);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? SQLITE_INTERNAL : rc;
	return lw_hidmap_add(&w->ids, key, *id) == 0 ? SQLITE_OK : SQLITE_NOMEM;
}

static int add_series(struct lw_hwriter *w, int64_t t, int kind, uint32_t pid, int64_t start_time,
		      const char *name, size_t name_cap, const uint64_t *values)
{
	size_t len = strnlen(name, name_cap);
	struct lw_hidkey key = { .kind = kind, .pid = pid, .start_time = start_time,
				 .name_hash = lw_hidmap_hash_name(name, len) };
	unsigned nvals = lw_hkind_width(kind);
	int64_t v[LW_HFULL_WIDTH];
	int64_t id;
	int rc;

	if ((rc = resolve(w, &key, name, len, t, &id)) != SQLITE_OK)
		return rc;
	/* Stored as the bits of the uint64: read back the same (SQLite integers are signed). */
	for (unsigned i = 0; i < nvals; i++)
		v[i] = (int64_t)values[i];
	return lw_hvecs_push(&w->cur, id, kind, nvals, v) == 0 ? SQLITE_OK : SQLITE_NOMEM;
}

/* Every series of the record into w->cur, sorted by id; *sampled: the kinds it holds. */
static int gather(struct lw_hwriter *w, const struct lw_history_cycle *c, uint32_t *sampled)
{
	int rc = SQLITE_OK;

	lw_hvecs_clear(&w->cur);
	*sampled = 0;
	if (c->nprocs > 0 && c->procs != NULL)
		*sampled |= 1u << LW_HK_PROC;
	for (size_t i = 0; rc == SQLITE_OK && (*sampled & (1u << LW_HK_PROC)) && i < c->nprocs; i++) {
		const struct lw_hist_proc *p = &c->procs[i];
		uint64_t v[] = { p->rss_kb, p->anon_kb, p->vsz_kb, p->fds, p->cpu_ticks };

		rc = add_series(w, c->t, LW_HK_PROC, p->pid, p->start_time, p->name, sizeof(p->name), v);
	}
	if (c->ngroups > 0 && c->groups != NULL)
		*sampled |= 1u << LW_HK_GROUP;
	for (size_t i = 0; rc == SQLITE_OK && (*sampled & (1u << LW_HK_GROUP)) && i < c->ngroups;
	     i++) {
		const struct lw_hist_group *g = &c->groups[i];
		uint64_t v[] = { g->count, g->fds, g->rss_kb };

		rc = add_series(w, c->t, LW_HK_GROUP, 0, 0, g->name, sizeof(g->name), v);
	}
	if (c->nslabs > 0 && c->slabs != NULL)
		*sampled |= 1u << LW_HK_SLAB;
	for (size_t i = 0; rc == SQLITE_OK && (*sampled & (1u << LW_HK_SLAB)) && i < c->nslabs; i++) {
		const struct lw_hist_slab *s = &c->slabs[i];
		uint64_t v[] = { s->total_bytes, s->active_bytes };

		rc = add_series(w, c->t, LW_HK_SLAB, 0, 0, s->name, sizeof(s->name), v);
	}
	if (*sampled & (1u << LW_HK_PROC))
		*sampled |= 1u << LW_HK_PROC_EXT;
	for (size_t i = 0; rc == SQLITE_OK && (*sampled & (1u << LW_HK_PROC)) && i < c->nprocs; i++) {
		const struct lw_hist_proc *p = &c->procs[i];
		uint64_t v[] = { p->swap_kb, p->sockets, p->fd_limit, p->threads };

		rc = add_series(w, c->t, LW_HK_PROC_EXT, p->pid, p->start_time, p->name,
				sizeof(p->name), v);
	}
	if (c->nmcast > 0 && c->mcast != NULL)
		*sampled |= 1u << LW_HK_MCAST;
	for (size_t i = 0; rc == SQLITE_OK && (*sampled & (1u << LW_HK_MCAST)) && i < c->nmcast; i++) {
		const struct lw_hist_mcast *m = &c->mcast[i];
		uint64_t v[] = { m->packets, m->octets, m->pps10, m->bps10 };

		rc = add_series(w, c->t, LW_HK_MCAST, 0, 0, m->ifname, sizeof(m->ifname), v);
	}
	if (c->nmgroups > 0 && c->mgroups != NULL)
		*sampled |= 1u << LW_HK_MCAST_GROUP;
	for (size_t i = 0; rc == SQLITE_OK && (*sampled & (1u << LW_HK_MCAST_GROUP)) &&
			   i < c->nmgroups; i++) {
		const struct lw_hist_mcast_group *g = &c->mgroups[i];
		uint64_t v[] = { g->pps10, g->bps10 };

		rc = add_series(w, c->t, LW_HK_MCAST_GROUP, 0, 0, g->name, sizeof(g->name), v);
	}
	if (c->sys_present & (LW_HSYS_COUNT < 64 ? (1ull << LW_HSYS_COUNT) - 1 : ~0ull))
		*sampled |= 1u << LW_HK_SYS;
	for (int f = 0; rc == SQLITE_OK && f < LW_HSYS_COUNT; f++) {
		const char *name = lw_hsys_name(f);

		if (c->sys_present & (1ull << f))
			rc = add_series(w, c->t, LW_HK_SYS, 0, 0, name, strlen(name) + 1, &c->sys[f]);
	}
	if (rc == SQLITE_OK && lw_hvecs_sort(&w->cur) != 0)
		rc = SQLITE_NOMEM;
	return rc;
}

static int write_txn(struct lw_hwriter *w, const struct lw_history_cycle *c)
{
	struct lw_hrow_sink sink = { w, LW_HT_FULL, c->t };
	bool keyframe = !w->last_valid[LW_HT_FULL];
	uint32_t sampled;
	size_t rows;
	int rc;

	lw_hwriter_doing(w, "writing the cycle of t=%lld", (long long)c->t);
	if ((rc = lw_hdb_run(w, LW_HS_BEGIN_WRITE)) != SQLITE_OK)
		return rc;
	if ((rc = lw_hrun_write(w, c)) != SQLITE_OK)
		return rc;
	lw_hwriter_doing(w, "writing the cycle of t=%lld", (long long)c->t);
	lw_hidmap_begin(&w->ids);
	if ((rc = gather(w, c, &sampled)) != SQLITE_OK)
		return rc;
	if ((rc = lw_hvecs_diff(&w->last[LW_HT_FULL], w->last_valid[LW_HT_FULL], &w->cur, sampled,
				lw_hput_row, &sink, &rows)) != SQLITE_OK ||
	    (rc = lw_hwrite_point(w, LW_HT_FULL, c->t, keyframe, sampled, rows)) != SQLITE_OK ||
	    (rc = lw_hdb_run(w, LW_HS_COMMIT)) != SQLITE_OK)
		return rc;
	/* Committed: now what is in memory may describe it. (A failure above closes the handle,
	 * which rolls back and forgets the map and states: the next cycle is a keyframe.) Without
	 * memory to carry the unsampled series, forgetting is as safe. */
	w->last_valid[LW_HT_FULL] = lw_hvecs_carry(&w->last[LW_HT_FULL], w->last_valid[LW_HT_FULL],
						   sampled, &w->cur) == 0;
	lw_hvecs_swap(&w->last[LW_HT_FULL], &w->cur);
	lw_hidmap_evict(&w->ids, sampled);
	w->newest[LW_HT_FULL] = c->t;
	if (w->oldest[LW_HT_FULL] == LW_HTIME_NONE)
		w->oldest[LW_HT_FULL] = c->t;
	return SQLITE_OK;
}

/* Sentinel of store(): the cycle is not after the last one stored; it is dropped. */
#define CLOCK_WENT_BACK (-2)

/*
 * The clock stepped back this far (a host that booted with its clock ahead, then NTP): the
 * history written ahead of the clock is moved aside rather than every cycle dropped until the
 * clock catches up with it. A smaller step only costs the cycles until it does.
 */
#define CLOCK_BACK_MAX_S 3600

static bool move_aside_for_clock(struct lw_hwriter *w, const struct lw_history_cycle *c)
{
	int64_t newest = w->newest[LW_HT_FULL];
	char moved_to[sizeof(w->cfg.path) + 48];

	if (!lw_hdb_move_aside(w, "clock", moved_to, sizeof(moved_to))) {
		lw_htext(w->st.notice, sizeof(w->st.notice),
			 "the clock went back %lld s and the history ahead of it cannot be moved"
			 " aside: %s; cycles dropped until it catches up", (long long)(newest - c->t),
			 strerror(errno));
		return false;
	}
	lw_htext(w->st.notice, sizeof(w->st.notice),
		 "the clock went back %lld s: the history written ahead of it was moved to %s,"
		 " a new history started", (long long)(newest - c->t), moved_to);
	return true;
}

static int store(struct lw_hwriter *w, const struct lw_history_cycle *c)
{
	int rc = SQLITE_OK;

	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = lw_hdb_open(w)) != SQLITE_OK)
			return rc;
		if (w->newest[LW_HT_FULL] != LW_HTIME_NONE && c->t <= w->newest[LW_HT_FULL]) {
			if (w->newest[LW_HT_FULL] - c->t > CLOCK_BACK_MAX_S && attempt == 0) {
				if (!move_aside_for_clock(w, c))
					return CLOCK_WENT_BACK;
				continue;
			}
			snprintf(w->st.notice, sizeof(w->st.notice),
				 "a cycle at t=%lld is not after the last one stored (t=%lld): the clock"
				 " went back, cycle dropped", (long long)c->t,
				 (long long)w->newest[LW_HT_FULL]);
			return CLOCK_WENT_BACK;
		}
		if ((rc = write_txn(w, c)) == SQLITE_OK)
			return rc;
		/* A corrupt file was moved aside: the cycle goes into the new one. */
		if (!lw_hdb_fail(w, rc))
			return rc;
	}
	return rc;
}

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int64_t status_time(int64_t t)
{
	return t == LW_HTIME_NONE ? 0 : t;
}

static void refresh_status(struct lw_hwriter *w)
{
	int64_t oldest = w->oldest[LW_HT_FULL];

	w->st.file_bytes = lw_hdb_file_bytes(w);
	if (w->db == NULL)
		return;  /* keep the last known bounds while the file is not open */
	if (w->oldest[LW_HT_WIN] != LW_HTIME_NONE &&
	    (oldest == LW_HTIME_NONE || w->oldest[LW_HT_WIN] < oldest))
		oldest = w->oldest[LW_HT_WIN];
	w->st.oldest_t = status_time(oldest);
	w->st.full_oldest_t = status_time(w->oldest[LW_HT_FULL]);
	w->st.newest_t = status_time(w->newest[LW_HT_FULL]);
}

/*
 * Between cycles SQLite needs no page in memory: empty its page cache (sqlite3_db_release_memory
 * frees every page no statement holds). Kept, the cache filled a page at a time with every b-tree
 * page a cycle touched until cache_size (1 MiB, plus SQLite's ~20 % per-page overhead) was
 * reached: leakwatchd's RSS grew for hours at the default 60 s interval (issue 14, item 7; the
 * process churn of a busy host touches new ident pages every cycle, so it filled faster), and
 * what looked like a leak was a cache warming up. Emptied, the cache holds one cycle's pages at
 * most, from the first cycle on: a cycle appends at the right edge of the b-trees and re-reads the
 * few pages it needs from the kernel's page cache (a pread each, microseconds a cycle). After a
 * retention pass (folds, cuts, vacuums read many pages, up to cache_size), this thread's malloc
 * arena is trimmed too, as glibc would otherwise keep the pages the pass freed resident.
 */
static void release_memory(struct lw_hwriter *w, bool after_pass)
{
	if (w->db != NULL)
		(void)sqlite3_db_release_memory(w->db);
	if (after_pass)
		malloc_trim(0);
}

void lw_hwrite_cycle(struct lw_hwriter *w, const struct lw_history_cycle *c)
{
	uint64_t wall0 = clock_us(CLOCK_MONOTONIC), cpu0 = clock_us(CLOCK_THREAD_CPUTIME_ID), wall;
	int rc;

	w->st.last_write_t = (int64_t)time(NULL);
	rc = store(w, c);
	if (rc != SQLITE_OK) {
		/* The status says why: an error, or the clock's notice. */
		w->st.cycles_dropped++;
	} else {
		w->st.cycles_written++;
		w->st.ok = true;
		w->st.error[0] = '\0';
		/* The cycle is stored whatever happens to its upkeep: a failure there is reported,
		 * and the next cycle reopens the file and tries the upkeep again. */
		uint64_t passes = w->upkeep_passes;

		if ((rc = lw_hretain(w)) != SQLITE_OK || (rc = lw_hdb_checkpoint(w, false)) != SQLITE_OK)
			lw_hdb_fail(w, rc);
		release_memory(w, w->upkeep_passes != passes);
	}
	refresh_status(w);
	wall = clock_us(CLOCK_MONOTONIC) - wall0;
	w->st.last_write_us = wall > UINT32_MAX ? UINT32_MAX : (uint32_t)wall;
	w->st.total_write_us += wall;
	w->st.total_cpu_us += clock_us(CLOCK_THREAD_CPUTIME_ID) - cpu0;
}
