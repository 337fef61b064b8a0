/* report_meta.c: how complete the window's data are: the writer's runs, the gaps and why, the alarm events, the writer's own cost. */
/* SPDX-License-Identifier: ISC */
#include "report/report_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/rows.h"
#include "history/history_kinds.h"

static void text_col(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(buf, cap, "%s", s != NULL ? (const char *)s : "");
}

int lw_rmeta_runs(struct lw_report *r, struct lw_rdb *d, struct lw_error *err)
{
	sqlite3_stmt *st;
	struct lw_report_run *all = NULL;
	size_t n = 0, cap = 0;
	int rc;

	rc = sqlite3_prepare_v2(d->db, "SELECT start_t, stop_t, pid, program, version, boot_id,"
				 " boot_t, interval_s, config, id FROM run ORDER BY start_t, id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_error_set(err, EIO, "%s: %s", r->db_path, sqlite3_errmsg(d->db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lw_report_run *u;
		const unsigned char *cfg = sqlite3_column_text(st, 8);

		if (n == cap) {
			void *p = all;

			if (lw_rows_grow(&p, &cap, sizeof(*all), 16) != 0) {
				rc = SQLITE_NOMEM;
				break;
			}
			all = p;
		}
		u = &all[n++];
		memset(u, 0, sizeof(*u));
		u->start_t = sqlite3_column_int64(st, 0);
		u->stop_t = sqlite3_column_int64(st, 1);  /* NULL reads 0 */
		u->pid = (uint32_t)sqlite3_column_int64(st, 2);
		text_col(st, 3, u->program, sizeof(u->program));
		text_col(st, 4, u->version, sizeof(u->version));
		text_col(st, 5, u->boot_id, sizeof(u->boot_id));
		u->boot_t = sqlite3_column_int64(st, 6);
		u->interval_s = (uint32_t)sqlite3_column_int64(st, 7);
		u->config = cfg != NULL ? strdup((const char *)cfg) : NULL;
		u->id = sqlite3_column_int64(st, 9);
		u->self_rss_kb = u->self_rss_kb_max = -1;
		u->self_cpu_pct = -1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (size_t i = 0; i < n; i++)
			free(all[i].config);
		free(all);
		return lw_error_set(err, rc == SQLITE_NOMEM ? ENOMEM : EIO, "%s: reading the runs: %s",
				    r->db_path, sqlite3_errstr(rc));
	}
	/* A run ends at its stop, else when the next one started (it was killed or crashed),
	 * else it is running (or was killed last): up to the data's end. */
	for (size_t i = 0; i < n; i++) {
		struct lw_report_run *u = &all[i];

		u->crashed = u->stop_t == 0 && i + 1 < n;
		u->end_t = u->stop_t ? u->stop_t : i + 1 < n ? all[i + 1].start_t : r->data_to;
		u->reboot_before = i > 0 && strcmp(all[i - 1].boot_id, u->boot_id) != 0;
	}
	/* Keep the runs that overlap the window. */
	r->runs = all;
	r->nruns = 0;
	for (size_t i = 0; i < n; i++) {
		if (all[i].end_t < r->from || all[i].start_t > r->to) {
			free(all[i].config);
			continue;
		}
		if (r->nruns > 0) {
			r->restarts++;
			r->reboots += all[i].reboot_before;
		}
		all[r->nruns++] = all[i];
	}
	for (size_t i = 0; i < r->nruns; i++)
		r->crashes += r->runs[i].crashed && r->runs[i].end_t <= r->to;
	return 0;
}

static int read_collectors(struct lw_report_run *u, sqlite3_stmt *st)
{
	size_t cap = 0;
	int rc;

	sqlite3_bind_int64(st, 1, u->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lw_report_collector *k;

		if (u->ncoll == cap) {
			void *p = u->coll;

			if (lw_rows_grow(&p, &cap, sizeof(*u->coll), 16) != 0) {
				rc = SQLITE_NOMEM;
				break;
			}
			u->coll = p;
		}
		k = &u->coll[u->ncoll++];
		memset(k, 0, sizeof(*k));
		text_col(st, 0, k->name, sizeof(k->name));
		text_col(st, 1, k->source, sizeof(k->source));
		k->interval_s = (uint32_t)sqlite3_column_int64(st, 2);
		k->runs = (uint32_t)sqlite3_column_int64(st, 3);
		k->errors = (uint32_t)sqlite3_column_int64(st, 4);
		k->ok = sqlite3_column_int(st, 5) != 0;
		text_col(st, 6, k->last_error, sizeof(k->last_error));
		text_col(st, 7, k->notice, sizeof(k->notice));
		k->last_duration_us = (uint32_t)sqlite3_column_int64(st, 8);
		k->total_duration_us = (uint64_t)sqlite3_column_int64(st, 9);
		k->t = sqlite3_column_int64(st, 10);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int lw_rmeta_collectors(struct lw_report *r, struct lw_rdb *d, struct lw_error *err)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(d->db, "SELECT name, source, interval_s, runs, errors, ok,"
				    " last_error, notice, last_duration_us, total_duration_us, t"
				    " FROM collector WHERE run_id = ?1 ORDER BY name", -1, &st, NULL);

	if (rc != SQLITE_OK)
		return lw_error_set(err, EIO, "%s: %s", r->db_path, sqlite3_errmsg(d->db));
	for (size_t i = 0; i < r->nruns && rc == SQLITE_OK; i++)
		rc = read_collectors(&r->runs[i], st);
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return lw_error_set(err, rc == SQLITE_NOMEM ? ENOMEM : EIO, "%s: reading the collector"
				    " table: %s", r->db_path, sqlite3_errstr(rc));
	return 0;
}

static const char *severity_label(int s)
{
	/* lwAlarmSeverity (LEAKWATCH-MIB) */
	switch (s) {
	case 1: return "warning";
	case 2: return "minor";
	case 3: return "major";
	case 4: return "critical";
	default: return "unknown";
	}
}

int lw_rmeta_events(struct lw_report *r, struct lw_rdb *d, struct lw_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	rc = sqlite3_prepare_v2(d->db, "SELECT t, is_raise, alarm_index, type_name, severity, object,"
				" name, instance, value, threshold, slope, exhaustion_s, run_id,"
				" (SELECT start_t FROM run WHERE id = run_id) FROM alarm_event"
				" WHERE t >= ?1 AND t <= ?2 ORDER BY t, run_id, seq", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return lw_error_set(err, EIO, "%s: %s", r->db_path, sqlite3_errmsg(d->db));
	sqlite3_bind_int64(st, 1, r->from);
	sqlite3_bind_int64(st, 2, r->to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct lw_report_event *e;
		int64_t run_start = sqlite3_column_int64(st, 13);

		if (r->nevents == cap) {
			void *p = r->events;

			if (lw_rows_grow(&p, &cap, sizeof(*r->events), 64) != 0) {
				rc = SQLITE_NOMEM;
				break;
			}
			r->events = p;
		}
		e = &r->events[r->nevents++];
		memset(e, 0, sizeof(*e));
		e->t = sqlite3_column_int64(st, 0);
		e->raise = sqlite3_column_int(st, 1) != 0;
		e->alarm_index = (uint32_t)sqlite3_column_int64(st, 2);
		text_col(st, 3, e->type, sizeof(e->type));
		snprintf(e->severity, sizeof(e->severity), "%s",
			 severity_label(sqlite3_column_int(st, 4)));
		text_col(st, 5, e->object, sizeof(e->object));
		text_col(st, 6, e->name, sizeof(e->name));
		e->instance = (uint32_t)sqlite3_column_int64(st, 7);
		e->value = (uint64_t)sqlite3_column_int64(st, 8);
		e->threshold = (uint64_t)sqlite3_column_int64(st, 9);
		e->slope = sqlite3_column_int64(st, 10);
		e->exhaustion_s = (uint64_t)sqlite3_column_int64(st, 11);
		e->run_index = UINT32_MAX;
		for (size_t i = 0; i < r->nruns; i++)
			if (r->runs[i].start_t == run_start)
				e->run_index = (uint32_t)i;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return lw_error_set(err, EIO, "%s: reading the alarm events: %s", r->db_path,
				    sqlite3_errstr(rc));
	return 0;
}

/* Why nothing was sampled from `from` to `to`: what the runs say. */
static const char *why(const struct lw_report *r, int64_t from, int64_t to)
{
	const struct lw_report_run *before = NULL, *after = NULL;

	if (r->nruns == 0)
		return r->schema_version < 2 ? "no samples (no run table to say why)" : "cycles missed";
	for (size_t i = 0; i < r->nruns; i++) {
		if (r->runs[i].start_t <= from)
			before = &r->runs[i];
		if (after == NULL && r->runs[i].start_t > from && r->runs[i].start_t <= to)
			after = &r->runs[i];
	}
	if (after == NULL || before == NULL || after == before)
		return "cycles missed";
	if (after->reboot_before)
		return "host rebooted";
	if (before->stop_t == 0)
		return "after a crash";
	return "leakwatchd not running";
}

int lw_rmeta_gaps(struct lw_report *r, const int64_t *t, size_t n, int64_t gap_s,
		  struct lw_error *err)
{
	for (size_t i = 1; i < n; i++) {
		struct lw_report_gap *g;
		void *p;

		if (t[i] - t[i - 1] <= gap_s)
			continue;
		if ((p = realloc(r->gaps, (r->ngaps + 1) * sizeof(*r->gaps))) == NULL)
			return lw_error_set(err, ENOMEM, "out of memory");
		r->gaps = p;
		g = &r->gaps[r->ngaps++];
		g->from = t[i - 1];
		g->to = t[i];
		g->why = why(r, t[i - 1], t[i]);
	}
	return 0;
}

/* The writer's own cost: its process series (the run's pid, started about when the run did). */
void lw_rmeta_self(struct lw_report *r)
{
	long hz = sysconf(_SC_CLK_TCK);

	for (size_t k = 0; k < r->nruns; k++) {
		struct lw_report_run *u = &r->runs[k];

		for (size_t i = 0; i < r->nseries; i++) {
			const struct lw_report_series *s = &r->series[i];

			if (s->kind != LW_HK_PROC || s->pid != u->pid || s->npts == 0 ||
			    s->start_time > u->start_t + 5 || s->start_time < u->start_t - 600 ||
			    s->last_t < u->start_t)
				continue;
			if (strcmp(s->metric, "rss_kb") == 0) {
				u->self_rss_kb = (int64_t)s->end;
				u->self_rss_kb_max = (int64_t)s->max;
			} else if (strcmp(s->metric, "cpu_ticks") == 0 && hz > 0) {
				double sum = 0;
				uint64_t n = 0;

				for (size_t j = 0; j < s->npts; j++) {
					sum += s->pts[j].avg * s->pts[j].n;
					n += s->pts[j].n;
				}
				u->self_cpu_pct = n ? sum / (double)n / (double)hz * 100.0 : -1;
			}
		}
	}
}
