/* report_html_tables.c: the start/end tables sorted by slope (processes, groups, slab, system figures by family, multicast) and the alarm history. */
/* SPDX-License-Identifier: ISC */
#include "report/report_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history/history_kinds.h"
#include "report/report_out.h"

#define MAX_METRICS 10
/* Of a table cut to LW_RH_TABLE_ROWS, this many rows are the largest objects at the end of the
 * window that are not already among the fastest-growing: a big steady process matters too. */
#define LARGEST_ROWS 50

/* One row: an object (a process identity, a group, a cache...) and its series, one per metric. */
struct object {
	const struct lw_report_series *m[MAX_METRICS];
	const struct lw_report_series *any;
	double key;                 /* the primary metric's slope, for the order */
	double size;                /* the primary metric's end value */
	bool suspect;
};

struct table {
	const char *title, *anchor, *what;  /* what: "processes", "groups"... */
	const char *csv;            /* its CSV files' name (lw_rtable_of) */
	const char *metrics[MAX_METRICS];
	size_t nmetrics, primary;
	struct object *obj;
	size_t nobj;
};

/* Readable column names for the stored metrics' names (history/history_kinds.c, hist2's). */
static const char *metric_label(const char *m)
{
	static const char *const map[][2] = {
		{ "rss_kb", "RSS" }, { "anon_kb", "anon" }, { "vsz_kb", "VSZ" }, { "swap_kb", "swap" },
		{ "fds", "fds" }, { "sockets", "sockets" }, { "cpu_ticks", "CPU" },
		{ "count", "members" }, { "total_bytes", "size" }, { "active_bytes", "active" },
		{ "packets", "packets" }, { "octets", "octets" }, { "pps10", "pps" },
		{ "bps10", "bps" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(m, map[i][0]) == 0)
			return map[i][1];
	return m;
}

/* The columns' order: memory first, the largest measure first, then descriptors, CPU last. */
static int metric_rank(const char *m)
{
	static const char *const order[] = {
		"rss_kb", "anon_kb", "swap_kb", "vsz_kb", "total_bytes", "active_bytes", "count",
		"fds", "fd_limit", "sockets", "threads", "cpu_ticks", "packets", "octets", "pps10",
		"bps10",
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(m, order[i]) == 0)
			return (int)i;
	return 100;
}

static int by_rank(const void *pa, const void *pb)
{
	const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
	int ra = metric_rank(a), rb = metric_rank(b);

	return ra != rb ? ra - rb : strcmp(a, b);
}

static bool is_bytes(const char *unit)
{
	return unit != NULL && (strcmp(unit, "KiB") == 0 || strcmp(unit, "bytes") == 0);
}

static int cmp_key_desc(double a, double b)
{
	/* NaN (no figure) last. */
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return a < b ? 1 : a > b ? -1 : 0;
}

static int by_identity(const void *pa, const void *pb)
{
	const struct lw_report_series *a = *(const struct lw_report_series *const *)pa;
	const struct lw_report_series *b = *(const struct lw_report_series *const *)pb;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	if (a->start_time != b->start_time)
		return a->start_time < b->start_time ? -1 : 1;
	return 0;
}

static int by_key(const void *pa, const void *pb)
{
	const struct object *a = pa, *b = pb;
	int c = cmp_key_desc(a->key, b->key);

	return c != 0 ? c : by_identity(&a->any, &b->any);
}

static int by_size(const void *pa, const void *pb)
{
	const struct object *a = pa, *b = pb;
	int c = cmp_key_desc(a->size, b->size);

	return c != 0 ? c : by_identity(&a->any, &b->any);
}

static size_t metric_index(struct table *t, const char *m)
{
	for (size_t i = 0; i < t->nmetrics; i++)
		if (strcmp(t->metrics[i], m) == 0)
			return i;
	if (t->nmetrics == MAX_METRICS)
		return MAX_METRICS;
	t->metrics[t->nmetrics] = m;
	return t->nmetrics++;
}

/* The objects of one kind, each with its metrics side by side. */
static int build_kind(struct table *t, const struct lw_report *r, int kind)
{
	const struct lw_report_series **v;
	size_t n = 0;
	bool *suspect = calloc(r->nseries ? r->nseries : 1, sizeof(*suspect));

	v = malloc((r->nseries ? r->nseries : 1) * sizeof(*v));
	if (v == NULL || suspect == NULL) {
		free(v);
		free(suspect);
		return -1;
	}
	for (size_t i = 0; i < r->nsuspects; i++)
		if (r->suspects[i] < r->nseries)
			suspect[r->suspects[i]] = true;
	for (size_t i = 0; i < r->nseries; i++)
		if (r->series[i].kind == kind && r->series[i].metric != NULL)
			v[n++] = &r->series[i];
	for (size_t i = 0; i < n; i++)
		metric_index(t, v[i]->metric);
	qsort(t->metrics, t->nmetrics, sizeof(t->metrics[0]), by_rank);
	/* The slope that orders the rows: the first measure of memory. */
	t->primary = t->nmetrics;
	for (size_t i = 0; i < n; i++)
		if (is_bytes(v[i]->unit) && !v[i]->counter) {
			size_t k = metric_index(t, v[i]->metric);

			t->primary = k < t->primary ? k : t->primary;
		}
	if (t->primary == t->nmetrics)
		t->primary = 0;
	qsort(v, n, sizeof(*v), by_identity);
	t->obj = calloc(n ? n : 1, sizeof(*t->obj));
	if (t->obj == NULL) {
		free(v);
		free(suspect);
		return -1;
	}
	t->nobj = 0;
	for (size_t i = 0; i < n; i++) {
		struct object *o;
		size_t k;

		if (t->nobj == 0 || by_identity(&t->obj[t->nobj - 1].any, &v[i]) != 0) {
			o = &t->obj[t->nobj++];
			o->any = v[i];
			o->key = NAN;
			o->size = NAN;
		}
		o = &t->obj[t->nobj - 1];
		k = metric_index(t, v[i]->metric);
		if (k < MAX_METRICS)
			o->m[k] = v[i];
		if (suspect[v[i] - r->series])
			o->suspect = true;
		if (k == t->primary) {
			o->key = v[i]->slope_per_h;
			o->size = v[i]->end;
		}
	}
	free(v);
	free(suspect);
	return 0;
}

/*
 * A table of thousands of rows is read by no one and weighs megabytes: above LW_RH_TABLE_ROWS,
 * the fastest-growing, the largest at the end not among them, and every suspect; the CSV files
 * have them all. Leaves t->obj[0..shown) sorted by slope.
 */
static size_t select_rows(struct table *t)
{
	size_t keep = LW_RH_TABLE_ROWS - LARGEST_ROWS, n = t->nobj, shown;

	qsort(t->obj, n, sizeof(*t->obj), by_key);
	if (n <= LW_RH_TABLE_ROWS)
		return n;
	/* Suspects beyond the fastest-growing join them first. */
	shown = keep;
	for (size_t i = keep; i < n; i++)
		if (t->obj[i].suspect) {
			struct object tmp = t->obj[shown];

			t->obj[shown++] = t->obj[i];
			t->obj[i] = tmp;
		}
	if (shown < LW_RH_TABLE_ROWS) {
		size_t big = LW_RH_TABLE_ROWS - shown;

		qsort(t->obj + shown, n - shown, sizeof(*t->obj), by_size);
		shown += big < n - shown ? big : n - shown;
	}
	qsort(t->obj, shown, sizeof(*t->obj), by_key);
	return shown;
}

/* A number cell: the human text, and the raw value in data-v for sorting and for tests. */
static void num(FILE *f, const struct lw_report_series *s, double v, bool signed_)
{
	char buf[48];

	if (s == NULL || !isfinite(v)) {
		fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		return;
	}
	lw_rh_fmt_value(buf, sizeof(buf), s->unit, v, s->counter, signed_);
	fprintf(f, "<td class=\"n%s\" data-v=\"%.17g\">", signed_ && v > 0 ? " up" : "", v);
	lw_rh_esc(f, buf);  /* a unit's name comes from the model */
	fputs("</td>", f);
}

static void slope_cell(FILE *f, const struct lw_report_series *s)
{
	char buf[56];

	if (s == NULL || !isfinite(s->slope_per_h)) {
		fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		return;
	}
	lw_rh_fmt_value(buf, sizeof(buf), s->unit, s->slope_per_h, s->counter, true);
	fprintf(f, "<td class=\"n%s\" data-v=\"%.17g\">", s->slope_per_h > 0 ? " up" : "",
		s->slope_per_h);
	lw_rh_esc(f, buf);
	fputs("/h</td>", f);
}

static void share_cell(FILE *f, const struct lw_report_series *s)
{
	if (s == NULL || !isfinite(s->growing_share))
		fputs("<td class=\"n\" data-v=\"\">-</td>", f);
	else
		fprintf(f, "<td class=\"n\" data-v=\"%.4f\">%.0f %%</td>", s->growing_share,
			s->growing_share * 100);
}

static void th(FILE *f, const char *label, const char *unit_note, bool num_)
{
	fprintf(f, "<th%s>", num_ ? " class=\"n\"" : "");
	lw_rh_esc(f, label);
	if (unit_note != NULL) {
		fputc(' ', f);
		lw_rh_esc(f, unit_note);
	}
	fputs("</th>", f);
}

static void identity_cells(FILE *f, const struct lw_report_series *s)
{
	char when[32];

	if (s->kind == LW_HK_PROC) {
		lw_rh_fmt_time(when, sizeof(when), s->start_time);
		fprintf(f, "<td class=\"n\" data-v=\"%u\">%u</td><td class=\"tm\" data-v=\"%lld\">"
			"%s</td>", s->pid, s->pid, (long long)s->start_time, when);
	}
	fputs("<td class=\"nm\">", f);
	lw_rh_esc_n(f, s->name, sizeof(s->name));
	fputs("</td>", f);
}

static void write_kind_table(FILE *f, struct table *t, const struct lw_report *r, int kind)
{
	size_t shown, col;

	if (build_kind(t, r, kind) != 0 || t->nobj == 0) {
		free(t->obj);
		return;
	}
	shown = select_rows(t);
	fprintf(f, "<section id=\"%s\"><h3>%s</h3>\n<p class=\"note\">%zu %s", t->anchor, t->title,
		t->nobj, t->what);
	if (shown < t->nobj)
		fprintf(f, "; shown: the %zu of them growing fastest or largest at the end, and every "
			"suspect. All %zu are in csv/%s-start-end.csv", shown, t->nobj, t->csv);
	fprintf(f, "%s every sample in csv/%s.csv (and its -2, -3... past a million rows).",
		shown < t->nobj ? "," : ";", t->csv);
	fputs(" Sorted by the slope of ", f);
	lw_rh_esc(f, metric_label(t->metrics[t->primary]));
	fputs("; click a column to sort by it.</p>\n", f);
	/* Two heading rows: each measure over its start, end and delta (and, for the one that
	 * orders the rows, its slope and growing share). data-col: the column a heading sorts;
	 * data-key: "rss_kb.start", what it is. */
	fprintf(f, "<div class=\"tw\"><table class=\"sort\" data-table=\"%s\" data-rows=\"%zu\" "
		"data-shown=\"%zu\"><thead><tr>", t->anchor, t->nobj, shown);
	col = 0;
	if (kind == LW_HK_PROC) {
		fputs("<th class=\"n\" rowspan=\"2\" data-col=\"0\" data-key=\"pid\">pid</th>"
		      "<th rowspan=\"2\" data-col=\"1\" data-key=\"start_time\">started (UTC)</th>", f);
		col = 2;
	}
	fprintf(f, "<th rowspan=\"2\" data-col=\"%zu\" data-key=\"name\">name</th>", col++);
	for (size_t k = 0; k < t->nmetrics; k++) {
		fprintf(f, "<th class=\"grp\" colspan=\"%d\">", k == t->primary ? 5 : 3);
		lw_rh_esc(f, metric_label(t->metrics[k]));  /* the kind table's names: the file's */
		fputs("</th>", f);
	}
	fputs("</tr><tr>", f);
	for (size_t k = 0; k < t->nmetrics; k++) {
		static const char *const sub[][2] = { { "start", "start" }, { "end", "end" },
						      { "delta", "\xce\x94" }, { "slope", "slope" },
						      { "growing", "growing" } };

		for (size_t j = 0; j < (k == t->primary ? 5u : 3u); j++) {
			fprintf(f, "<th class=\"n\" data-col=\"%zu\" data-key=\"", col++);
			lw_rh_esc(f, t->metrics[k]);
			fprintf(f, ".%s\">%s</th>", sub[j][0], sub[j][1]);
		}
	}
	fputs("</tr></thead><tbody>\n", f);
	for (size_t i = 0; i < shown; i++) {
		const struct object *o = &t->obj[i];

		fprintf(f, "<tr%s>", o->suspect ? " class=\"sus\"" : "");
		identity_cells(f, o->any);
		for (size_t k = 0; k < t->nmetrics; k++) {
			const struct lw_report_series *s = o->m[k];

			num(f, s, s ? s->start : NAN, false);
			num(f, s, s ? s->end : NAN, false);
			num(f, s, s ? s->delta : NAN, true);
			if (k == t->primary) {
				slope_cell(f, s);
				share_cell(f, s);
			}
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div></section>\n", f);
	free(t->obj);
}

/* --- the system's figures, by family --- */

/* The system's tables, as the CSV files split the fields (lw_rtable_of: /proc's files). */
static const char *const sys_tables[][2] = {
	{ "meminfo", "Kernel memory (meminfo)" },
	{ "sockstat", "Sockets (sockstat): in use, orphans, memory" },
	{ "tcp", "TCP states" },
	{ "buddy", "Buddy allocator: high-order free blocks" },
	{ "system", "Other system figures" },
};

struct sysrow {
	const struct lw_report_series *s;
	double key;
};

static int by_sysrow(const void *pa, const void *pb)
{
	const struct sysrow *a = pa, *b = pb;
	int c = cmp_key_desc(a->key, b->key);

	return c != 0 ? c : strcmp(a->s->name, b->s->name);
}

static void exhaustion_cell(FILE *f, const struct lw_report_series *s)
{
	char d[40];

	if (s->exhaustion_s < 0) {
		fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		return;
	}
	lw_rh_fmt_duration(d, sizeof(d), s->exhaustion_s);
	fprintf(f, "<td class=\"n\" data-v=\"%lld\">%s", (long long)s->exhaustion_s, d);
	if (s->limit_name != NULL) {
		fputs(" <span class=\"note\">(", f);
		lw_rh_esc(f, s->limit_name);
		fputs(")</span>", f);
	}
	fputs("</td>", f);
}

static void write_system_tables(FILE *f, const struct lw_report *r)
{
	struct sysrow *rows = malloc((r->nseries ? r->nseries : 1) * sizeof(*rows));

	if (rows == NULL)
		return;
	for (size_t tb = 0; tb < sizeof(sys_tables) / sizeof(sys_tables[0]); tb++) {
		const char *name = sys_tables[tb][0];
		size_t n = 0;

		for (size_t i = 0; i < r->nseries; i++) {
			const struct lw_report_series *s = &r->series[i];
			double mag;

			if (s->kind != LW_HK_SYS || strcmp(lw_rtable_of(s), name) != 0)
				continue;
			/* Fields of different sizes side by side: ordered by growth relative to
			 * their size, so 1 MiB/h of a 10 MiB cache comes before 10 MiB/h of RAM. */
			mag = fmax(fmax(fabs(s->start), fabs(s->end)), 1);
			rows[n++] = (struct sysrow){ s, s->slope_per_h / mag };
		}
		if (n == 0)
			continue;
		qsort(rows, n, sizeof(*rows), by_sysrow);
		fprintf(f, "<section id=\"t-%s\"><h3>%s</h3>\n<p class=\"note\">Sorted by slope relative "
			"to size; every sample in csv/%s.csv.</p>\n<table class=\"sort\" "
			"data-table=\"t-%s\" data-rows=\"%zu\" data-shown=\"%zu\"><thead><tr>", name,
			sys_tables[tb][1], name, name, n, n);
		th(f, "field", NULL, false);
		th(f, "start", NULL, true);
		th(f, "end", NULL, true);
		th(f, "\xce\x94", NULL, true);
		th(f, "slope", NULL, true);
		th(f, "growing", NULL, true);
		th(f, "exhaustion", NULL, true);
		fputs("</tr></thead><tbody>\n", f);
		for (size_t i = 0; i < n; i++) {
			const struct lw_report_series *s = rows[i].s;

			fputs("<tr><td class=\"nm\">", f);
			lw_rh_esc_n(f, s->name, sizeof(s->name));
			fputs("</td>", f);
			num(f, s, s->start, false);
			num(f, s, s->end, false);
			num(f, s, s->delta, true);
			slope_cell(f, s);
			share_cell(f, s);
			exhaustion_cell(f, s);
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table></section>\n", f);
	}
	free(rows);
}

void lw_rh_tables(FILE *f, const struct lw_report *r)
{
	struct table t;

	fputs("<h2 id=\"tables\">Start and end of the window</h2>\n", f);
	t = (struct table){ .title = "Processes", .anchor = "t-procs", .csv = "processes",
			    .what = "process identities (pid, start time, name)" };
	write_kind_table(f, &t, r, LW_HK_PROC);
	t = (struct table){ .title = "Process groups", .anchor = "t-groups", .csv = "groups",
			    .what = "groups (processes of one name)" };
	write_kind_table(f, &t, r, LW_HK_GROUP);
	t = (struct table){ .title = "Slab caches", .anchor = "t-slab", .csv = "slab",
			    .what = "caches" };
	write_kind_table(f, &t, r, LW_HK_SLAB);
	write_system_tables(f, r);
	t = (struct table){ .title = "Multicast, per interface", .anchor = "t-mcast", .csv = "mcast",
			    .what = "interfaces" };
	write_kind_table(f, &t, r, LW_HK_MCAST);
}

void lw_rh_object(FILE *f, const struct lw_report_series *s)
{
	char when[32];

	lw_rh_esc_n(f, s->name, sizeof(s->name));
	if (s->kind == LW_HK_PROC) {
		lw_rh_fmt_time(when, sizeof(when), s->start_time);
		fprintf(f, " <span class=\"note\">(pid %u, started %s)</span>", s->pid, when);
	}
}

void lw_rh_alarms(FILE *f, const struct lw_report *r)
{
	size_t raises = 0;

	for (size_t i = 0; i < r->nevents; i++)
		raises += r->events[i].raise;
	fprintf(f, "<section id=\"alarms\"><h2>Alarm history</h2>\n<p>%zu events in the window: "
		"%zu raised, %zu cleared.</p>\n", r->nevents, raises, r->nevents - raises);
	if (r->nevents == 0) {
		fputs("</section>\n", f);
		return;
	}
	fputs("<table class=\"sort\" data-table=\"alarms\"><thead><tr>", f);
	th(f, "time (UTC)", NULL, false);
	th(f, "event", NULL, false);
	th(f, "index", NULL, true);
	th(f, "type", NULL, false);
	th(f, "severity", NULL, false);
	th(f, "object", NULL, false);
	th(f, "value", NULL, true);
	th(f, "threshold", NULL, true);
	th(f, "slope", NULL, true);
	th(f, "exhaustion", NULL, true);
	fputs("</tr></thead><tbody>\n", f);
	for (size_t i = 0; i < r->nevents; i++) {
		const struct lw_report_event *e = &r->events[i];
		char when[32], ex[40];

		lw_rh_fmt_time(when, sizeof(when), e->t);
		fprintf(f, "<tr class=\"%s\"><td data-v=\"%lld\">%s</td><td>%s</td>"
			"<td class=\"n\">%u</td><td>", e->raise ? "raise" : "clear", (long long)e->t,
			when, e->raise ? "raised" : "cleared", e->alarm_index);
		lw_rh_esc_n(f, e->type, sizeof(e->type));
		fputs("</td><td>", f);
		lw_rh_esc_n(f, e->severity, sizeof(e->severity));
		fputs("</td><td class=\"nm\">", f);
		lw_rh_esc_n(f, e->object, sizeof(e->object));
		fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
			"<td class=\"n\">%lld</td>", (unsigned long long)e->value,
			(unsigned long long)e->threshold, (long long)e->slope);
		if (e->exhaustion_s > 0) {
			lw_rh_fmt_duration(ex, sizeof(ex), (int64_t)e->exhaustion_s);
			fprintf(f, "<td class=\"n\" data-v=\"%llu\">%s</td>",
				(unsigned long long)e->exhaustion_s, ex);
		} else {
			fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}
