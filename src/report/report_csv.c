/* report_csv.c: csv/: one long-format file per table (split before a spreadsheet's row limit), its start-end file, runs, gaps, alarms. */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/escape.h"

static const char *const tables[] = { "processes", "groups", "slab", "meminfo", "sockstat",
				      "tcp", "buddy", "mcast", "system" };

#define POINT_HEADER "t,time,kind,pid,start_time,name,metric,unit,min,max,avg,n\n"
#define SUMMARY_HEADER "kind,pid,start_time,name,metric,unit,first_t,start,last_t,end,delta," \
	"min,max,slope_per_h,growing_share,exhaustion_s,limit,verdict,suspect_rank,samples\n"

static void ident(FILE *f, const struct lw_report_series *s)
{
	fprintf(f, "%s,%u,%lld,", s->kind_name, s->pid, (long long)s->start_time);
	lw_csv_field(f, s->name);
	fprintf(f, ",%s,%s", s->metric, s->unit);
}

static void num(FILE *f, double v)
{
	char b[64];

	lw_rfmt_num(b, sizeof(b), v);
	fprintf(f, ",%s", b);
}

/* The point files hold millions of rows (a 10,000-process host over 48 h): each row is put
 * together in a buffer, its series' identity formatted once, numbers and times without printf. */

static char *put_u64(char *o, uint64_t v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*o++ = tmp[--n];
	return o;
}

static char *put_i64(char *o, int64_t v)
{
	if (v < 0) {
		*o++ = '-';
		return put_u64(o, (uint64_t)0 - (uint64_t)v);
	}
	return put_u64(o, (uint64_t)v);
}

/* lw_rfmt_num's text, its integers written here. */
static char *put_num(char *o, double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 9007199254740992.0 && !(v == 0 && signbit(v)))
		return put_i64(o, (int64_t)v);
	lw_rfmt_num(o, 64, v);
	return o + strlen(o);
}

struct when_cache {
	int64_t day;                /* the day (t / 86400) date holds; INT64_MIN none */
	char date[16];              /* "2026-12-07T" */
};

/* lw_rfmt_time's text: the date once a day, the time of day by arithmetic. */
static char *put_time(char *o, int64_t t, struct when_cache *c)
{
	int64_t s;

	if (t < 0) {
		lw_rfmt_time(o, 32, t);
		return o + strlen(o);
	}
	if (t / 86400 != c->day) {
		char iso[32];

		lw_rfmt_time(iso, sizeof(iso), t);
		memcpy(c->date, iso, 11);
		c->day = t / 86400;
	}
	memcpy(o, c->date, 11);
	o += 11;
	s = t % 86400;
	*o++ = (char)('0' + s / 36000);
	*o++ = (char)('0' + s / 3600 % 10);
	*o++ = ':';
	*o++ = (char)('0' + s % 3600 / 600);
	*o++ = (char)('0' + s % 600 / 60);
	*o++ = ':';
	*o++ = (char)('0' + s % 60 / 10);
	*o++ = (char)('0' + s % 10);
	*o++ = 'Z';
	return o;
}

/* A series' identity columns, as ident() writes them; NULL when they do not fit. */
static size_t ident_text(const struct lw_report_series *s, char *buf, size_t cap)
{
	FILE *m = fmemopen(buf, cap, "w");
	long n;

	if (m == NULL)
		return 0;
	ident(m, s);
	n = ferror(m) ? -1 : ftell(m);
	fclose(m);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* A table's points: table.csv, then table-2.csv... each at most LW_RCSV_MAX_ROWS rows. */
static int points(const struct lw_report *r, const char *dir, const char *table,
		  struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], id[1024], row[1024 + 256];
	struct when_cache wc = { .day = INT64_MIN };
	size_t rows = 0, part = 1, idlen;
	FILE *f = NULL;

	for (size_t i = 0; i < r->nseries; i++) {
		const struct lw_report_series *s = &r->series[i];

		if (strcmp(lw_rtable_of(s), table) != 0)
			continue;
		idlen = ident_text(s, id, sizeof(id));
		for (size_t k = 0; k < s->npts; k++) {
			const struct lw_report_point *p = &s->pts[k];
			char when[32], *o = row;

			if (f == NULL || rows == LW_RCSV_MAX_ROWS) {
				if (f != NULL && lw_rfile_commit(f, tmp, path, err) != 0)
					return -1;
				if (f != NULL)
					part++;
				if (part == 1)
					lw_rpath(path, sizeof(path), "%s/%s.csv", dir, table);
				else
					lw_rpath(path, sizeof(path), "%s/%s-%zu.csv", dir, table, part);
				if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
					return -1;
				setvbuf(f, NULL, _IOFBF, 1 << 20);
				fputs(POINT_HEADER, f);
				rows = 0;
			}
			rows++;
			if (idlen == 0) {  /* a name too long for the buffer: the slow way */
				lw_rfmt_time(when, sizeof(when), p->t);
				fprintf(f, "%lld,%s,", (long long)p->t, when);
				ident(f, s);
				num(f, p->min);
				num(f, p->max);
				num(f, p->avg);
				fprintf(f, ",%u\n", p->n);
				continue;
			}
			o = put_i64(o, p->t);
			*o++ = ',';
			o = put_time(o, p->t, &wc);
			*o++ = ',';
			memcpy(o, id, idlen);
			o += idlen;
			*o++ = ',';
			o = put_num(o, p->min);
			*o++ = ',';
			o = put_num(o, p->max);
			*o++ = ',';
			o = put_num(o, p->avg);
			*o++ = ',';
			o = put_u64(o, p->n);
			*o++ = '\n';
			fwrite(row, 1, (size_t)(o - row), f);
		}
	}
	if (f == NULL) {  /* an empty table still has its file: the columns are documented */
		lw_rpath(path, sizeof(path), "%s/%s.csv", dir, table);
		if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
			return -1;
		fputs(POINT_HEADER, f);
	}
	return lw_rfile_commit(f, tmp, path, err);
}

static int summary(const struct lw_report *r, const char *dir, const char *table,
		   const size_t *rank, struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	lw_rpath(path, sizeof(path), "%s/%s-start-end.csv", dir, table);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	fputs(SUMMARY_HEADER, f);
	for (size_t i = 0; i < r->nseries; i++) {
		const struct lw_report_series *s = &r->series[i];

		if (strcmp(lw_rtable_of(s), table) != 0 || s->samples == 0)
			continue;
		ident(f, s);
		fprintf(f, ",%lld", (long long)s->first_t);
		num(f, s->start);
		fprintf(f, ",%lld", (long long)s->last_t);
		num(f, s->end);
		num(f, s->delta);
		num(f, s->min);
		num(f, s->max);
		num(f, s->slope_per_h);
		num(f, s->growing_share);
		fprintf(f, ",%lld,%s,%s,", (long long)s->exhaustion_s,
			s->limit_name ? s->limit_name : "", lw_rverdict_name(s->verdict));
		if (rank[i])
			fprintf(f, "%zu", rank[i]);
		fprintf(f, ",%llu\n", (unsigned long long)s->samples);
	}
	return lw_rfile_commit(f, tmp, path, err);
}

static int runs(const struct lw_report *r, const char *dir, struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	lw_rpath(path, sizeof(path), "%s/runs.csv", dir);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	fputs("start_t,stop_t,end_t,pid,program,version,boot_id,boot_t,interval_s,crashed,"
	      "reboot_before,self_rss_kb,self_rss_kb_max,self_cpu_pct\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct lw_report_run *u = &r->runs[i];

		fprintf(f, "%lld,", (long long)u->start_t);
		if (u->stop_t)
			fprintf(f, "%lld", (long long)u->stop_t);
		fprintf(f, ",%lld,%u,", (long long)u->end_t, u->pid);
		lw_csv_field(f, u->program);
		fputc(',', f);
		lw_csv_field(f, u->version);
		fprintf(f, ",%s,%lld,%u,%d,%d,%lld,%lld", u->boot_id, (long long)u->boot_t,
			u->interval_s, u->crashed, u->reboot_before, (long long)u->self_rss_kb,
			(long long)u->self_rss_kb_max);
		num(f, u->self_cpu_pct);
		fputc('\n', f);
	}
	return lw_rfile_commit(f, tmp, path, err);
}

static int gaps(const struct lw_report *r, const char *dir, struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	lw_rpath(path, sizeof(path), "%s/gaps.csv", dir);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	fputs("from,to,seconds,why\n", f);
	for (size_t i = 0; i < r->ngaps; i++)
		fprintf(f, "%lld,%lld,%lld,%s\n", (long long)r->gaps[i].from, (long long)r->gaps[i].to,
			(long long)(r->gaps[i].to - r->gaps[i].from), r->gaps[i].why);
	return lw_rfile_commit(f, tmp, path, err);
}

static int alarms(const struct lw_report *r, const char *dir, struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	lw_rpath(path, sizeof(path), "%s/alarms.csv", dir);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	fputs("t,time,event,alarm_index,type,severity,object,name,instance,value,threshold,"
	      "slope_per_h,exhaustion_s\n", f);
	for (size_t i = 0; i < r->nevents; i++) {
		const struct lw_report_event *e = &r->events[i];
		char when[32];

		lw_rfmt_time(when, sizeof(when), e->t);
		fprintf(f, "%lld,%s,%s,%u,%s,%s,", (long long)e->t, when, e->raise ? "raise" : "clear",
			e->alarm_index, e->type, e->severity);
		lw_csv_field(f, e->object);
		fputc(',', f);
		lw_csv_field(f, e->name);
		fprintf(f, ",%u,%llu,%llu,%lld,%llu\n", e->instance, (unsigned long long)e->value,
			(unsigned long long)e->threshold, (long long)e->slope,
			(unsigned long long)e->exhaustion_s);
	}
	return lw_rfile_commit(f, tmp, path, err);
}

int lw_rcsv_write(const struct lw_report *r, const char *dir, struct lw_error *err)
{
	char sub[PATH_MAX];
	size_t *rank = calloc(r->nseries ? r->nseries : 1, sizeof(*rank));
	int rc = 0;

	if (rank == NULL)
		return lw_error_set(err, ENOMEM, "out of memory");
	for (size_t k = 0; k < r->nsuspects; k++)
		rank[r->suspects[k]] = k + 1;
	lw_rpath(sub, sizeof(sub), "%s/csv", dir);
	if (mkdir(sub, 0755) != 0 && errno != EEXIST) {
		free(rank);
		return lw_error_set(err, errno, "cannot create %s: %s", sub, strerror(errno));
	}
	for (size_t t = 0; rc == 0 && t < sizeof(tables) / sizeof(tables[0]); t++)
		rc = points(r, sub, tables[t], err) || summary(r, sub, tables[t], rank, err) ? -1 : 0;
	if (rc == 0)
		rc = runs(r, sub, err) || gaps(r, sub, err) || alarms(r, sub, err) ? -1 : 0;
	free(rank);
	return rc;
}
