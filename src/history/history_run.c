/* history_run.c: the writer's run row (who writes, since when, stopped cleanly or not), its collector rows and the alarm events. */
/* SPDX-License-Identifier: ISC */
#include "history/history_run.h"

#include "history/history_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The first line of a small /proc file, without its newline; false when unreadable. */
static bool read_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (f == NULL)
		return false;
	ok = fgets(buf, (int)cap, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/*
 * The boot: boot_id is a random UUID the kernel makes at each boot (random(4), "boot_id"), so
 * two runs with different ones have a reboot between them; boot_t (the boot's time) is now
 * less /proc/uptime's first figure, the seconds since boot (proc(5)).
 */
static void read_boot(struct lw_hrun *r)
{
	char line[128];
	double up;

	if (!read_line("/proc/sys/kernel/random/boot_id", r->boot_id, sizeof(r->boot_id)))
		r->boot_id[0] = '\0';
	r->boot_t = 0;
	if (read_line("/proc/uptime", line, sizeof(line)) && sscanf(line, "%lf", &up) == 1 && up >= 0)
		r->boot_t = r->start_t - (int64_t)up;
}

void lw_hrun_init(struct lw_hrun *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->info.program, sizeof(r->info.program), "unknown");
	r->pid = (uint32_t)getpid();
	r->start_t = (int64_t)time(NULL);
	read_boot(r);
}

void lw_hrun_info_free(struct lw_hrun_info *i)
{
	free(i->config);
	memset(i, 0, sizeof(*i));
}

void lw_hrun_free(struct lw_hrun *r)
{
	lw_hrun_info_free(&r->info);
	free(r->coll);
	r->coll = NULL;
	r->ncoll = 0;
}

int lw_hrun_info_set(struct lw_hrun_info *out, const struct lw_history_run_info *info)
{
	char *config = NULL;

	if (info->config != NULL && (config = strdup(info->config)) == NULL)
		return -1;
	lw_hrun_info_free(out);
	out->config = config;
	snprintf(out->program, sizeof(out->program), "%s", info->program != NULL ? info->program : "");
	snprintf(out->version, sizeof(out->version), "%s", info->version != NULL ? info->version : "");
	out->interval_s = info->interval_s;
	return 0;
}

void lw_hrun_adopt(struct lw_hrun *r, struct lw_hrun_info *info)
{
	lw_hrun_info_free(&r->info);
	r->info = *info;
	memset(info, 0, sizeof(*info));
	r->dirty = r->id != 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Whether row r->id of the open file is still this run's (the file was reopened after a
 * failure: it is, unless the file was replaced or moved aside meanwhile). */
static int check_row(struct lw_hwriter *w)
{
	struct lw_hrun *r = &w->run;
	sqlite3_stmt *st = w->stmt[LW_HS_RUN_FIND];
	int64_t id;
	int rc;

	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, r->pid);
	sqlite3_bind_int64(st, 3, r->start_t);
	if ((rc = lw_hdb_int(w, LW_HS_RUN_FIND, 0, &id)) != SQLITE_OK)
		return rc;
	if (id != r->id)
		r->id = 0;
	r->check = false;
	return SQLITE_OK;
}

static int insert_row(struct lw_hwriter *w)
{
	struct lw_hrun *r = &w->run;
	sqlite3_stmt *st = w->stmt[LW_HS_RUN_INSERT];
	int64_t id;
	int rc;

	lw_hwriter_doing(w, "writing the run's row");
	sqlite3_bind_int64(st, 1, r->start_t);
	sqlite3_bind_int64(st, 2, r->pid);
	bind_text(st, 3, r->info.program);
	bind_text(st, 4, r->info.version);
	bind_text(st, 5, r->boot_id);
	sqlite3_bind_int64(st, 6, r->boot_t);
	sqlite3_bind_int64(st, 7, r->info.interval_s);
	bind_text(st, 8, r->info.config);
	rc = lw_hdb_int(w, LW_HS_RUN_INSERT, 0, &id);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_OK)
		return rc;
	if (id == 0)
		return SQLITE_INTERNAL;
	/* A rollback of the cycle closes the file (lw_hdb_fail), and the reopen checks the id. */
	r->id = id;
	r->dirty = false;
	r->ncoll = 0;  /* a new row: none of its collector rows is stored */
	return SQLITE_OK;
}

static int update_row(struct lw_hwriter *w)
{
	struct lw_hrun *r = &w->run;
	sqlite3_stmt *st = w->stmt[LW_HS_RUN_UPDATE];
	int rc;

	lw_hwriter_doing(w, "updating the run's row");
	sqlite3_bind_int64(st, 1, r->id);
	bind_text(st, 2, r->info.program);
	bind_text(st, 3, r->info.version);
	sqlite3_bind_int64(st, 4, r->info.interval_s);
	bind_text(st, 5, r->info.config);
	rc = lw_hdb_run(w, LW_HS_RUN_UPDATE);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_OK)
		r->dirty = false;
	return rc;
}

static int put_event(struct lw_hwriter *w, const struct lw_hist_alarm_event *e)
{
	sqlite3_stmt *st = w->stmt[LW_HS_EVENT_PUT];

	sqlite3_bind_int64(st, 1, w->run.id);
	sqlite3_bind_int64(st, 2, (int64_t)e->seq);
	sqlite3_bind_int64(st, 3, e->t);
	sqlite3_bind_int(st, 4, e->raise ? 1 : 0);
	sqlite3_bind_int64(st, 5, e->alarm_index);
	sqlite3_bind_int(st, 6, e->type);
	sqlite3_bind_text(st, 7, e->type_name, (int)strnlen(e->type_name, sizeof(e->type_name)),
			  SQLITE_STATIC);
	sqlite3_bind_int(st, 8, e->severity);
	sqlite3_bind_text(st, 9, e->object, (int)strnlen(e->object, sizeof(e->object)),
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 10, e->name, (int)strnlen(e->name, sizeof(e->name)), SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, e->instance);
	sqlite3_bind_int64(st, 12, e->start_time);
	/* As the bits of the uint64, as sample's values (history_write.c). */
	sqlite3_bind_int64(st, 13, (int64_t)e->value);
	sqlite3_bind_int64(st, 14, (int64_t)e->threshold);
	sqlite3_bind_int64(st, 15, e->slope);
	sqlite3_bind_int64(st, 16, (int64_t)e->exhaustion_s);
	return lw_hdb_run(w, LW_HS_EVENT_PUT);
}

/* What an operator reads in the collector table: a change of it is written at once. */
static bool coll_changed(const struct lw_hist_collector *a, const struct lw_hist_collector *b)
{
	return a->ok != b->ok || a->errors != b->errors || strcmp(a->name, b->name) != 0 ||
	       strcmp(a->last_error, b->last_error) != 0 || strcmp(a->notice, b->notice) != 0;
}

/*
 * Whether every collector row is due: runs and the durations change every cycle, so rewriting
 * them each time would cost a dozen-odd row updates (and their pages in the WAL) per cycle for
 * figures nobody reads between reports. All rows are written with the run's first cycle and
 * then refreshed every LW_HRUN_COLLECTOR_REFRESH_S; between refreshes only a row whose
 * operator-visible part changed (coll_changed) is written, in the cycle it changed. So a steady
 * host costs nothing per cycle, and a notice that changes often (the processes collector's
 * count of unreadable processes, without privileges) costs its one row, not the table.
 */
static bool coll_all_due(const struct lw_hrun *r, const struct lw_history_cycle *c)
{
	return r->ncoll == 0 || r->ncoll != c->ncollectors ||
	       c->t - r->coll_t >= LW_HRUN_COLLECTOR_REFRESH_S || c->t < r->coll_t;
}

static void bind_fixed(sqlite3_stmt *st, int i, const char *s, size_t cap)
{
	sqlite3_bind_text(st, i, s, (int)strnlen(s, cap), SQLITE_STATIC);
}

static int put_collector(struct lw_hwriter *w, const struct lw_hist_collector *k, int64_t t)
{
	sqlite3_stmt *st = w->stmt[LW_HS_COLLECTOR_PUT];

	sqlite3_bind_int64(st, 1, w->run.id);
	bind_fixed(st, 2, k->name, sizeof(k->name));
	bind_fixed(st, 3, k->source, sizeof(k->source));
	sqlite3_bind_int64(st, 4, k->interval_s);
	sqlite3_bind_int64(st, 5, k->runs);
	sqlite3_bind_int64(st, 6, k->errors);
	sqlite3_bind_int(st, 7, k->ok ? 1 : 0);
	bind_fixed(st, 8, k->last_error, sizeof(k->last_error));
	bind_fixed(st, 9, k->notice, sizeof(k->notice));
	sqlite3_bind_int64(st, 10, k->last_duration_us);
	sqlite3_bind_int64(st, 11, (int64_t)k->total_duration_us);
	sqlite3_bind_int64(st, 12, t);
	return lw_hdb_run(w, LW_HS_COLLECTOR_PUT);
}

/* The cycle's collector rows that are due; the copy kept is what the file now holds (a rollback
 * closes the file, and the close forgets the copy: lw_hdb_close). */
static int write_collectors(struct lw_hwriter *w, const struct lw_history_cycle *c)
{
	struct lw_hrun *r = &w->run;
	bool all;
	int rc = SQLITE_OK;

	if (c->ncollectors == 0 || c->collectors == NULL)
		return SQLITE_OK;
	all = coll_all_due(r, c);
	if (all && r->ncoll != c->ncollectors) {
		struct lw_hist_collector *k = realloc(r->coll, c->ncollectors * sizeof(*k));

		/* Without memory for the copy the rows stay as stored, tried again next cycle:
		 * stale collector figures, not a failed cycle. */
		if (k == NULL) {
			r->ncoll = 0;
			return SQLITE_OK;
		}
		r->coll = k;
	}
	lw_hwriter_doing(w, "writing the collector rows");
	for (size_t i = 0; i < c->ncollectors && rc == SQLITE_OK; i++) {
		if (!all && !coll_changed(&r->coll[i], &c->collectors[i]))
			continue;
		if ((rc = put_collector(w, &c->collectors[i], c->t)) == SQLITE_OK)
			r->coll[i] = c->collectors[i];
	}
	if (rc != SQLITE_OK)
		return rc;
	r->ncoll = c->ncollectors;
	if (all)
		r->coll_t = c->t;
	return SQLITE_OK;
}

int lw_hrun_write(struct lw_hwriter *w, const struct lw_history_cycle *c)
{
	struct lw_hrun *r = &w->run;
	int rc = SQLITE_OK;

	if (r->id != 0 && r->check && (rc = check_row(w)) != SQLITE_OK)
		return rc;
	if (r->id == 0)
		rc = insert_row(w);
	else if (r->dirty)
		rc = update_row(w);
	if (rc != SQLITE_OK)
		return rc;
	lw_hwriter_doing(w, "writing %zu alarm events", c->nevents);
	for (size_t i = 0; i < c->nevents && rc == SQLITE_OK; i++)
		rc = put_event(w, &c->events[i]);
	if (rc != SQLITE_OK)
		return rc;
	return write_collectors(w, c);
}

void lw_hrun_stop(struct lw_hwriter *w)
{
	struct lw_hrun *r = &w->run;
	sqlite3_stmt *st;
	int rc;

	if (r->id == 0 || lw_hdb_open(w) != SQLITE_OK)
		return;
	if (r->check && (check_row(w) != SQLITE_OK || r->id == 0))
		return;
	lw_hwriter_doing(w, "writing the run's stop time");
	st = w->stmt[LW_HS_RUN_STOP];
	sqlite3_bind_int64(st, 1, r->id);
	sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
	if ((rc = lw_hdb_run(w, LW_HS_RUN_STOP)) != SQLITE_OK)
		lw_hdb_fail(w, rc);
}

int lw_hrun_prune(struct lw_hwriter *w, int64_t oldest)
{
	sqlite3_stmt *st = w->stmt[LW_HS_PRUNE_RUNS];
	int rc;

	sqlite3_bind_int64(w->stmt[LW_HS_PRUNE_EVENTS], 1, oldest);
	if ((rc = lw_hdb_run(w, LW_HS_PRUNE_EVENTS)) != SQLITE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, oldest);
	sqlite3_bind_int64(st, 2, w->run.id);
	if ((rc = lw_hdb_run(w, LW_HS_PRUNE_RUNS)) != SQLITE_OK)
		return rc;
	return lw_hdb_run(w, LW_HS_PRUNE_COLLECTORS);
}
