/* report_json.c: report.json: the header, runs, gaps, alarm events, every series' figures and the suspects (docs/REPORT.md). */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef LW_VERSION
#define LW_VERSION "unknown"
#endif

static void key(FILE *f, const char *k, bool *first)
{
	fputs(*first ? "\n    " : ",\n    ", f);
	*first = false;
	lw_rjson_str(f, k);
	fputs(": ", f);
}

static void num(FILE *f, double v)
{
	char b[64];

	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	lw_rfmt_num(b, sizeof(b), v);
	fputs(b, f);
}

static void time_pair(FILE *f, const char *name, int64_t t, bool *first)
{
	char iso[32], k[64];

	key(f, name, first);
	fprintf(f, "%lld", (long long)t);
	snprintf(k, sizeof(k), "%s_utc", name);
	key(f, k, first);
	lw_rfmt_time(iso, sizeof(iso), t);
	lw_rjson_str(f, iso);
}

static void header(FILE *f, const struct lw_report *r)
{
	bool first = true;

	fputs("  \"window\": {", f);
	time_pair(f, "from", r->from, &first);
	time_pair(f, "to", r->to, &first);
	key(f, "cycles", &first);
	fprintf(f, "%zu", r->cycles);
	key(f, "windows", &first);
	fprintf(f, "%zu", r->windows);
	key(f, "interval_s", &first);
	fprintf(f, "%u", r->interval_s);
	key(f, "window_s", &first);
	fprintf(f, "%u", r->window_s);
	key(f, "full_resolution_from", &first);
	fprintf(f, "%lld", (long long)r->full_from);
	key(f, "restarts", &first);
	fprintf(f, "%u", r->restarts);
	key(f, "reboots", &first);
	fprintf(f, "%u", r->reboots);
	key(f, "crashes", &first);
	fprintf(f, "%u", r->crashes);
	key(f, "notes", &first);
	fputc('[', f);
	for (size_t i = 0; i < r->nnotes; i++) {
		if (i)
			fputs(", ", f);
		lw_rjson_str(f, r->notes[i]);
	}
	fputs("]\n  },\n", f);
	first = true;
	fputs("  \"database\": {", f);
	key(f, "path", &first);
	lw_rjson_str(f, r->db_path);
	key(f, "schema_version", &first);
	fprintf(f, "%d", r->schema_version);
	key(f, "immutable", &first);
	fputs(r->immutable ? "true" : "false", f);
	time_pair(f, "data_from", r->data_from, &first);
	time_pair(f, "data_to", r->data_to, &first);
	fputs("\n  },\n", f);
}

/* A run's collector table; null: not recorded (a history before schema version 3). */
static void collectors(FILE *f, const struct lw_report *r, const struct lw_report_run *u)
{
	if (!r->has_collectors) {
		fputs("null", f);
		return;
	}
	fputc('[', f);
	for (size_t i = 0; i < u->ncoll; i++) {
		const struct lw_report_collector *k = &u->coll[i];

		fprintf(f, "%s{\"name\": ", i ? ", " : "");
		lw_rjson_str(f, k->name);
		fputs(", \"source\": ", f);
		lw_rjson_str(f, k->source);
		fprintf(f, ", \"ok\": %s, \"runs\": %u, \"errors\": %u, \"interval_s\": %u,"
			" \"last_duration_us\": %u, \"total_duration_us\": %llu, \"t\": %lld,"
			" \"last_error\": ", k->ok ? "true" : "false", k->runs, k->errors, k->interval_s,
			k->last_duration_us, (unsigned long long)k->total_duration_us, (long long)k->t);
		lw_rjson_str(f, k->last_error);
		fputs(", \"notice\": ", f);
		lw_rjson_str(f, k->notice);
		fputc('}', f);
	}
	fputc(']', f);
}

static void runs(FILE *f, const struct lw_report *r)
{
	fputs("  \"runs\": [", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct lw_report_run *u = &r->runs[i];
		bool first = true;

		fputs(i ? ",\n   {" : "\n   {", f);
		time_pair(f, "start_t", u->start_t, &first);
		key(f, "stop_t", &first);
		if (u->stop_t)
			fprintf(f, "%lld", (long long)u->stop_t);
		else
			fputs("null", f);
		key(f, "end_t", &first);
		fprintf(f, "%lld", (long long)u->end_t);
		key(f, "pid", &first);
		fprintf(f, "%u", u->pid);
		key(f, "program", &first);
		lw_rjson_str(f, u->program);
		key(f, "version", &first);
		lw_rjson_str(f, u->version);
		key(f, "boot_id", &first);
		lw_rjson_str(f, u->boot_id);
		key(f, "boot_t", &first);
		fprintf(f, "%lld", (long long)u->boot_t);
		key(f, "interval_s", &first);
		fprintf(f, "%u", u->interval_s);
		key(f, "crashed", &first);
		fputs(u->crashed ? "true" : "false", f);
		key(f, "reboot_before", &first);
		fputs(u->reboot_before ? "true" : "false", f);
		key(f, "self_rss_kb", &first);
		fprintf(f, "%lld", (long long)u->self_rss_kb);
		key(f, "self_rss_kb_max", &first);
		fprintf(f, "%lld", (long long)u->self_rss_kb_max);
		key(f, "self_cpu_pct", &first);
		num(f, u->self_cpu_pct >= 0 ? u->self_cpu_pct : NAN);
		key(f, "config", &first);
		if (u->config)
			lw_rjson_str(f, u->config);
		else
			fputs("null", f);
		/* An added field, no new meaning: report.json's schema_version stays. */
		key(f, "collectors", &first);
		collectors(f, r, u);
		fputs("}", f);
	}
	fputs("],\n", f);
}

static void gaps_events(FILE *f, const struct lw_report *r)
{
	fputs("  \"gaps\": [", f);
	for (size_t i = 0; i < r->ngaps; i++) {
		fprintf(f, "%s{\"from\": %lld, \"to\": %lld, \"seconds\": %lld, \"why\": ",
			i ? ",\n   " : "\n   ", (long long)r->gaps[i].from, (long long)r->gaps[i].to,
			(long long)(r->gaps[i].to - r->gaps[i].from));
		lw_rjson_str(f, r->gaps[i].why);
		fputc('}', f);
	}
	fputs("],\n  \"alarm_events\": [", f);
	for (size_t i = 0; i < r->nevents; i++) {
		const struct lw_report_event *e = &r->events[i];

		fprintf(f, "%s{\"t\": %lld, \"event\": \"%s\", \"alarm_index\": %u, \"type\": ",
			i ? ",\n   " : "\n   ", (long long)e->t, e->raise ? "raise" : "clear",
			e->alarm_index);
		lw_rjson_str(f, e->type);
		fputs(", \"severity\": ", f);
		lw_rjson_str(f, e->severity);
		fputs(", \"object\": ", f);
		lw_rjson_str(f, e->object);
		fputs(", \"name\": ", f);
		lw_rjson_str(f, e->name);
		fprintf(f, ", \"instance\": %u, \"value\": %llu, \"threshold\": %llu,"
			" \"slope_per_h\": %lld, \"exhaustion_s\": %llu}", e->instance,
			(unsigned long long)e->value, (unsigned long long)e->threshold,
			(long long)e->slope, (unsigned long long)e->exhaustion_s);
	}
	fputs("],\n", f);
}

static void series(FILE *f, const struct lw_report *r, const size_t *rank)
{
	fputs("  \"series\": [", f);
	for (size_t i = 0; i < r->nseries; i++) {
		const struct lw_report_series *s = &r->series[i];

		fprintf(f, "%s{\"kind\": \"%s\", \"table\": \"%s\", \"pid\": %u, \"start_time\": %lld,"
			" \"name\": ", i ? ",\n   " : "\n   ", s->kind_name, lw_rtable_of(s), s->pid,
			(long long)s->start_time);
		lw_rjson_str(f, s->name);
		fprintf(f, ", \"metric\": \"%s\", \"unit\": \"%s\", \"counter\": %s, \"first_t\": %lld,"
			" \"last_t\": %lld, \"samples\": %llu, \"points\": %zu, \"start\": ", s->metric,
			s->unit, s->counter ? "true" : "false", (long long)s->first_t,
			(long long)s->last_t, (unsigned long long)s->samples, s->npts);
		num(f, s->start);
		fputs(", \"end\": ", f);
		num(f, s->end);
		fputs(", \"delta\": ", f);
		num(f, s->delta);
		fputs(", \"min\": ", f);
		num(f, s->min);
		fputs(", \"max\": ", f);
		num(f, s->max);
		fputs(", \"slope_per_h\": ", f);
		num(f, s->slope_per_h);
		fputs(", \"growing_share\": ", f);
		num(f, s->growing_share);
		fprintf(f, ", \"exhaustion_s\": %lld, \"limit\": ", (long long)s->exhaustion_s);
		if (s->limit_name)
			lw_rjson_str(f, s->limit_name);
		else
			fputs("null", f);
		fprintf(f, ", \"verdict\": \"%s\", \"rising\": %s, \"suspect_rank\": ",
			lw_rverdict_name(s->verdict), s->rising ? "true" : "false");
		if (rank[i])
			fprintf(f, "%zu}", rank[i]);
		else
			fputs("null}", f);
	}
	fputs("],\n  \"suspects\": [", f);
	for (size_t k = 0; k < r->nsuspects; k++)
		fprintf(f, "%s%zu", k ? ", " : "", r->suspects[k]);
	fputs("]\n", f);
}

int lw_rjson_write(const struct lw_report *r, const struct lw_report_opts *o, const char *path,
		   struct lw_error *err)
{
	char tmp[4200];
	size_t *rank = calloc(r->nseries ? r->nseries : 1, sizeof(*rank));
	FILE *f;

	(void)o;
	if (rank == NULL)
		return lw_error_set(err, 12, "out of memory");
	for (size_t k = 0; k < r->nsuspects; k++)
		rank[r->suspects[k]] = k + 1;
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL) {
		free(rank);
		return -1;
	}
	fprintf(f, "{\n  \"schema_version\": %d,\n  \"generator\": \"leakwatch %s\",\n"
		"  \"generated_t\": %lld,\n", LW_REPORT_JSON_SCHEMA, LW_VERSION,
		(long long)r->generated_t);
	header(f, r);
	runs(f, r);
	gaps_events(f, r);
	series(f, r, rank);
	fputs("}\n", f);
	free(rank);
	return lw_rfile_commit(f, tmp, path, err);
}
