/* lwn_modes.c: check_leakwatch's modes: what each reads from LEAKWATCH-MIB (compact tables, never lwProcTable) and how it judges it. */
/* SPDX-License-Identifier: ISC */
#include "lwn_modes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Names of the MIB's enumerations, compiled in so that no MIB file is needed. */
static const char *const alarm_types[] = { "?", "procMemLeak", "procFdLeak", "slabLeak",
	"tcpOrphanPressure", "tcpMemPressure", "mcastRateHigh", "loadHigh", "groupMemLeak",
	"kernelMemLeak" };
static const char *const severities[] = { "?", "warning", "minor", "major", "critical" };
static const char *const leak_states[] = { "?", "learning", "normal", "suspect", "leaking" };
static const char *const tcp_states[] = { "?", "closed", "listen", "synSent", "synReceived",
	"established", "finWait1", "finWait2", "closeWait", "lastAck", "closing", "timeWait" };
static const char *const capture_states[] = { "?", "running", "down", "error" };

/* The name of an enumeration value, "?" for a value the plugin does not know. */
static const char *name_of(const char *const *tab, size_t n, unsigned long long v)
{
	return v >= 1 && v < n ? tab[v] : tab[0];
}
#define NAME_OF(tab, v) name_of((tab), sizeof(tab) / sizeof((tab)[0]), (unsigned long long)(v))
#define LEAK_SUSPECT 3
#define LEAK_LEAKING 4

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail(lwn_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->text.buf, sizeof r->text.buf, fmt, ap);
	va_end(ap);
	r->text.len = strlen(r->text.buf);
	lwn_buf_init(&r->perf);
	r->state = LWN_UNKNOWN;
}

static void add_state(lwn_run *r, int state)
{
	r->state = lwn_worse(r->state, state);
}

/* "; " between the parts of the text. */
static void sep(lwn_buf *b)
{
	if (b->len)
		lwn_buf_printf(b, "; ");
}

static void fmt_kib(char *out, size_t outlen, long long kib)
{
	long long a = kib < 0 ? -kib : kib;

	if (a >= 1024LL * 1024)
		snprintf(out, outlen, "%.1f GiB", (double)kib / (1024.0 * 1024.0));
	else if (a >= 1024)
		snprintf(out, outlen, "%.1f MiB", (double)kib / 1024.0);
	else
		snprintf(out, outlen, "%lld KiB", kib);
}

static void fmt_bits(char *out, size_t outlen, unsigned long long bps)
{
	if (bps >= 1000000000ULL)
		snprintf(out, outlen, "%.2f Gbit/s", (double)bps / 1e9);
	else if (bps >= 1000000ULL)
		snprintf(out, outlen, "%.2f Mbit/s", (double)bps / 1e6);
	else if (bps >= 1000ULL)
		snprintf(out, outlen, "%.2f kbit/s", (double)bps / 1e3);
	else
		snprintf(out, outlen, "%llu bit/s", bps);
}

/* A GET that starts with lwAgentVersion.0: every mode first asks whether the agent serves
 * LEAKWATCH-MIB at all, in the same request as its own scalars. */
static int agent_get(lwn_run *r, const char *const *rel, size_t n, lwn_val *out)
{
	const char *all[40];
	lwn_val vals[40];
	size_t k;

	if (n + 1 > sizeof all / sizeof all[0]) {
		fail(r, "internal error: too many objects in one GET");
		return -1;
	}
	all[0] = "1.1.0";           /* lwAgentVersion.0 */
	for (k = 0; k < n; k++)
		all[k + 1] = rel[k];
	if (lwn_get(r->ctx, all, n + 1, vals) != 0) {
		fail(r, "%s", r->ctx->err);
		return -1;
	}
	if (vals[0].kind != LWN_STRING) {
		fail(r, "%s serves no LEAKWATCH-MIB (lwAgentVersion.0: %s): is leakwatchd running and attached to this agent?",
		     r->ctx->peer, vals[0].why ? vals[0].why : "not a string");
		return -1;
	}
	for (k = 0; k < n; k++)
		out[k] = vals[k + 1];
	return 0;
}

static int walk(lwn_run *r, const char *entry, const unsigned *cols, size_t ncols, size_t hint,
		lwn_table *t)
{
	if (lwn_walk(r->ctx, entry, cols, ncols, hint, t) != 0) {
		lwn_table_free(t);
		fail(r, "%s", r->ctx->err);
		return -1;
	}
	return 0;
}

/* lwAlarmTable, sized by lwAlarmCount read just before: no request at all when it is 0. */
static int walk_alarms(lwn_run *r, const unsigned *cols, const lwn_val *count, lwn_table *t)
{
	if (lwn_is_num(count) && lwn_u(count) == 0) {
		memset(t, 0, sizeof *t);
		return 0;
	}
	return walk(r, "7.2.1", cols, 4, lwn_u(count), t);
}

/* A perfdata item for an integer, judged against the thresholds of its label. */
static void perf_u(lwn_run *r, const char *label, const char *thlabel, unsigned long long v,
		   const char *uom, const char *min, const char *max)
{
	const lwn_threshold *t = lwn_thresholds_get(&r->th, thlabel ? thlabel : label);
	char num[32];

	add_state(r, lwn_check(t, (double)v));
	snprintf(num, sizeof num, "%llu", v);
	lwn_perf_add(&r->perf, label, num, uom, t, min, max);
}

/* The same for a value in hundredths of a percent, shown and judged in percent. */
static void perf_pct(lwn_run *r, const char *label, unsigned long long hundredths,
		     const char *max)
{
	const lwn_threshold *t = lwn_thresholds_get(&r->th, label);
	char num[32];

	add_state(r, lwn_check(t, (double)hundredths / 100.0));
	lwn_fmt_hundredths(num, sizeof num, (long long)hundredths);
	lwn_perf_add(&r->perf, label, num, "%", t, "0", max);
}

/* A threshold on a value the agent did not serve cannot be judged: UNKNOWN, saying why. */
static int missing_judged(lwn_run *r, const char *label, const char *object, const lwn_val *v)
{
	if (!lwn_thresholds_get(&r->th, label))
		return 0;
	add_state(r, LWN_UNKNOWN);
	sep(&r->text);
	lwn_buf_printf(&r->text, "cannot judge %s: %s is %s", label, object,
		       v->why ? v->why : "not a number");
	return 1;
}

/* Default thresholds of a mode, for the labels the user gave none. */
static void default_threshold(lwn_run *r, const char *label, const char *warn, const char *crit)
{
	const char *known[2] = { label, NULL };
	char err[128];

	if (lwn_thresholds_get(&r->th, label))
		return;
	if (warn)
		lwn_thresholds_add(&r->th, warn, 0, known, err, sizeof err);
	if (crit)
		lwn_thresholds_add(&r->th, crit, 1, known, err, sizeof err);
}

/* --- alarms ------------------------------------------------------------------------------ */

static const char *const alarms_labels[] = { "alarms", NULL };

static void mode_alarms(lwn_run *r)
{
	static const unsigned cols[] = { 2, 3, 5, 10 };   /* type, object, severity, time to exh. */
	const char *rel[] = { "7.4.0" };                  /* lwAlarmCount */
	unsigned long long per_sev[5] = { 0 };
	lwn_val count;
	lwn_table t;
	size_t k;
	int sev;
	char num[32];

	if (agent_get(r, rel, 1, &count) != 0 || walk_alarms(r, cols, &count, &t) != 0)
		return;
	for (k = 0; k < t.nrows; k++) {
		sev = (int)lwn_u(&t.rows[k].cells[2]);
		per_sev[sev >= 1 && sev <= 4 ? sev : 3]++;
	}
	if (t.nrows == 0)
		lwn_buf_printf(&r->text, "no active alarm");
	else
		lwn_buf_printf(&r->text, "%zu active alarm%s:", t.nrows, t.nrows == 1 ? "" : "s");
	/* Worst first: critical, major, minor, warning. */
	for (sev = 4; sev >= 1; sev--) {
		for (k = 0; k < t.nrows; k++) {
			const lwn_val *c = t.rows[k].cells;
			int s = (int)lwn_u(&c[2]);

			if ((s >= 1 && s <= 4 ? s : 3) != sev)
				continue;
			/* X.733 severities: critical and major need action now, minor and warning soon. */
			add_state(r, sev >= 3 ? LWN_CRITICAL : LWN_WARNING);
			lwn_buf_printf(&r->text, " %s %s (%s", NAME_OF(alarm_types, lwn_u(&c[0])),
				       c[1].kind == LWN_STRING ? c[1].s : "?", NAME_OF(severities, s));
			if (lwn_u(&c[3]) > 0) {
				lwn_fmt_duration(num, sizeof num, lwn_u(&c[3]));
				lwn_buf_printf(&r->text, ", exhaustion in %s", num);
			}
			lwn_buf_printf(&r->text, "),");
		}
	}
	if (t.nrows > 0 && r->text.buf[r->text.len - 1] == ',')
		r->text.buf[--r->text.len] = '\0';
	perf_u(r, "alarms", NULL, t.nrows, "", "0", "");
	perf_u(r, "alarms_critical", "-", per_sev[4], "", "0", "");
	perf_u(r, "alarms_major", "-", per_sev[3], "", "0", "");
	perf_u(r, "alarms_minor", "-", per_sev[2], "", "0", "");
	perf_u(r, "alarms_warning", "-", per_sev[1], "", "0", "");
	lwn_table_free(&t);
}

/* --- leaks ------------------------------------------------------------------------------- */

static const char *const leaks_labels[] = { "leaking", "suspect", "tte", NULL };

typedef struct {
	unsigned long long leaking, suspect, tte_min;
} leak_count;

static void leak_item(lwn_run *r, leak_count *lc, const char *what, const char *name,
		      const char *series, int state, long long slope, const char *slope_unit,
		      unsigned long long tte)
{
	char num[48];

	if (state == LEAK_LEAKING) {
		lc->leaking++;
		if (tte > 0 && (lc->tte_min == 0 || tte < lc->tte_min))
			lc->tte_min = tte;
	} else {
		lc->suspect++;
	}
	sep(&r->text);
	lwn_buf_printf(&r->text, "%s %s%s%s %s", what, name, series[0] ? " " : "", series,
		       NAME_OF(leak_states, state));
	if (strcmp(slope_unit, "KiB/h") == 0) {
		fmt_kib(num, sizeof num, slope);
		lwn_buf_printf(&r->text, " %s%s/h", slope >= 0 ? "+" : "", num);
	} else {
		lwn_buf_printf(&r->text, " %+lld %s", slope, slope_unit);
	}
	if (tte > 0) {
		lwn_fmt_duration(num, sizeof num, tte);
		lwn_buf_printf(&r->text, ", exhaustion in %s", num);
	}
}

/* GETs cols of the rows of entry whose index is in idx (in chunks: one request per 8 rows). */
static int get_rows(lwn_run *r, const char *entry, const unsigned *cols, size_t ncols,
		    const lwn_row *const *rows, size_t nrows, lwn_val *out)
{
	char names[32][96];
	const char *rel[32];
	size_t k = 0;

	while (k < nrows) {
		size_t n = 0, first = k, c;

		for (; k < nrows && n + ncols <= 32; k++) {
			char idx[64];

			lwn_index_text(rows[k], idx, sizeof idx);
			for (c = 0; c < ncols; c++, n++) {
				snprintf(names[n], sizeof names[n], "%s.%u.%s", entry, cols[c], idx);
				rel[n] = names[n];
			}
		}
		if (lwn_get(r->ctx, rel, n, out + first * ncols) != 0) {
			fail(r, "%s", r->ctx->err);
			return -1;
		}
	}
	return 0;
}

static void mode_leaks(lwn_run *r)
{
	static const unsigned trend_cols[] = { 2, 3, 5, 6 };   /* name, state, slope, time to limit */
	static const unsigned group_state_cols[] = { 9, 11 };  /* RSS and descriptor leak states */
	static const unsigned group_cols[] = { 2, 10, 12, 13 };/* name, RSS slope, fd slope, tte */
	static const unsigned slab_state_cols[] = { 11 };
	static const unsigned slab_cols[] = { 2, 12, 13 };     /* name, slope, tte */
	static const unsigned alarm_cols[] = { 2, 3, 9, 10 };  /* type, object, slope, tte */
	const char *rel[] = { "7.4.0", "5.5.0" };        /* lwAlarmCount, lwSlabRows */
	lwn_table trends, groups, slabs, alarms;
	const lwn_row **flag = NULL;
	lwn_val *vals = NULL, sc[2];
	leak_count lc = { 0, 0, 0 };
	size_t k, nflag;

	if (agent_get(r, rel, 2, sc) != 0 || walk(r, "7.3.1", trend_cols, 4, 4, &trends) != 0)
		return;
	if (walk(r, "3.2.1", group_state_cols, 2, 0, &groups) != 0) {
		lwn_table_free(&trends);
		return;
	}
	if (walk(r, "5.2.1", slab_state_cols, 1, lwn_u(&sc[1]), &slabs) != 0) {
		lwn_table_free(&trends);
		lwn_table_free(&groups);
		return;
	}
	if (walk_alarms(r, alarm_cols, &sc[0], &alarms) != 0) {
		lwn_table_free(&trends);
		lwn_table_free(&groups);
		lwn_table_free(&slabs);
		return;
	}
	flag = calloc(groups.nrows + slabs.nrows + 1, sizeof *flag);
	vals = calloc((groups.nrows + slabs.nrows + 1) * 4, sizeof *vals);
	if (!flag || !vals) {
		fail(r, "out of memory");
		goto out;
	}
	/* Process groups: the RSS sum and the descriptor sum. */
	for (k = 0, nflag = 0; k < groups.nrows; k++)
		if (lwn_u(&groups.rows[k].cells[0]) >= LEAK_SUSPECT ||
		    lwn_u(&groups.rows[k].cells[1]) >= LEAK_SUSPECT)
			flag[nflag++] = &groups.rows[k];
	if (get_rows(r, "3.2.1", group_cols, 4, flag, nflag, vals) != 0)
		goto out;
	for (k = 0; k < nflag; k++) {
		const lwn_val *st = flag[k]->cells, *v = vals + k * 4;
		const char *name = v[0].kind == LWN_STRING ? v[0].s : "?";

		if (lwn_u(&st[0]) >= LEAK_SUSPECT)
			leak_item(r, &lc, "group", name, "RSS", (int)lwn_u(&st[0]), lwn_i(&v[1]),
				  "KiB/h", lwn_u(&v[3]));
		if (lwn_u(&st[1]) >= LEAK_SUSPECT)
			leak_item(r, &lc, "group", name, "fds", (int)lwn_u(&st[1]), lwn_i(&v[2]),
				  "fds/h", 0);
	}
	/* Processes: those leaking have an alarm (procMemLeak, procFdLeak), which is cheap to
	 * read; suspect processes would need a walk of lwProcTable, which this plugin never does. */
	for (k = 0; k < alarms.nrows; k++) {
		const lwn_val *c = alarms.rows[k].cells;
		unsigned long long type = lwn_u(&c[0]);

		if (type != 1 && type != 2)
			continue;
		leak_item(r, &lc, "process", c[1].kind == LWN_STRING ? c[1].s : "?",
			  type == 1 ? "RSS" : "fds", LEAK_LEAKING, lwn_i(&c[2]),
			  type == 1 ? "KiB/h" : "fds/h", lwn_u(&c[3]));
	}
	/* Slab caches. */
	for (k = 0, nflag = 0; k < slabs.nrows; k++)
		if (lwn_u(&slabs.rows[k].cells[0]) >= LEAK_SUSPECT)
			flag[nflag++] = &slabs.rows[k];
	if (get_rows(r, "5.2.1", slab_cols, 3, flag, nflag, vals) != 0)
		goto out;
	for (k = 0; k < nflag; k++) {
		const lwn_val *v = vals + k * 3;

		leak_item(r, &lc, "slab", v[0].kind == LWN_STRING ? v[0].s : "?", "",
			  (int)lwn_u(&flag[k]->cells[0]), lwn_i(&v[1]), "KiB/h", lwn_u(&v[2]));
	}
	/* Host-wide trends: KiB but for tcpOrphans (sockets). */
	for (k = 0; k < trends.nrows; k++) {
		const lwn_val *c = trends.rows[k].cells;
		int st = (int)lwn_u(&c[1]);
		int sockets = trends.rows[k].idx[0] == 3;

		if (st < LEAK_SUSPECT)
			continue;
		leak_item(r, &lc, "trend", c[0].kind == LWN_STRING ? c[0].s : "?", "", st,
			  lwn_i(&c[2]), sockets ? "sockets/h" : "KiB/h", lwn_u(&c[3]));
	}
	if (lc.leaking + lc.suspect == 0)
		lwn_buf_printf(&r->text, "no leak suspected (%zu process groups, %zu slab caches, %zu trends watched)",
			       groups.nrows, slabs.nrows, trends.nrows);
	else {
		/* The counts first, the items after them. */
		lwn_buf head;

		lwn_buf_init(&head);
		lwn_buf_printf(&head, "%llu leaking, %llu suspect: %s", lc.leaking, lc.suspect,
			       r->text.buf);
		r->text = head;
	}
	default_threshold(r, "leaking", NULL, "0");
	default_threshold(r, "suspect", "0", NULL);
	perf_u(r, "leaking", NULL, lc.leaking, "", "0", "");
	perf_u(r, "suspect", NULL, lc.suspect, "", "0", "");
	if (lc.tte_min > 0)
		perf_u(r, "tte", NULL, lc.tte_min, "s", "0", "");
out:
	free(flag);
	free(vals);
	lwn_table_free(&trends);
	lwn_table_free(&groups);
	lwn_table_free(&slabs);
	lwn_table_free(&alarms);
}

/* --- group NAME -------------------------------------------------------------------------- */

static const char *const group_labels[] = { "rss", "fds", "procs", "cpu", "maxrss", NULL };

unsigned long lwn_group_index(const char *name)
{
	unsigned long h = 2166136261UL;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p; p++)
		h = ((h ^ *p) * 16777619UL) & 0xffffffffUL;
	h &= 0x7fffffffUL;
	return h ? h : 1;
}

/* Columns of lwProcGroupEntry read for one group, in this order. */
static const unsigned group_get_cols[] = { 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13 };
enum { G_NAME, G_COUNT, G_RSS, G_MAXRSS, G_FDS, G_CPU, G_LEAK, G_SLOPE, G_FDLEAK, G_FDSLOPE,
       G_TTE, G_N };

static int get_group(lwn_run *r, unsigned long idx, lwn_val *v)
{
	char names[G_N][64];
	const char *rel[G_N];
	size_t c;

	for (c = 0; c < G_N; c++) {
		snprintf(names[c], sizeof names[c], "3.2.1.%u.%lu", group_get_cols[c], idx);
		rel[c] = names[c];
	}
	return agent_get(r, rel, G_N, v);
}

static void leak_state_text(lwn_run *r, const char *what, const lwn_val *state,
			    const lwn_val *slope, const char *unit)
{
	int st = (int)lwn_u(state);
	char num[48];

	if (st < LEAK_SUSPECT)
		return;
	add_state(r, st == LEAK_LEAKING ? LWN_CRITICAL : LWN_WARNING);
	if (strcmp(unit, "KiB/h") == 0) {
		fmt_kib(num, sizeof num, lwn_i(slope));
		lwn_buf_printf(&r->text, ", %s %s at %s%s/h", what, NAME_OF(leak_states, st),
			       lwn_i(slope) >= 0 ? "+" : "", num);
	} else {
		lwn_buf_printf(&r->text, ", %s %s at %+lld %s", what, NAME_OF(leak_states, st),
			       (long long)lwn_i(slope), unit);
	}
}

static void mode_group(lwn_run *r)
{
	static const unsigned name_col[] = { 2 };
	unsigned long idx = lwn_group_index(r->arg);
	lwn_val v[G_N];
	char num[48], cpu[32];

	if (get_group(r, idx, v) != 0)
		return;
	if (v[G_NAME].kind != LWN_STRING || strcmp(v[G_NAME].s, r->arg) != 0) {
		/* Not at its hash: a collision moved it, or no such group. One column tells. */
		lwn_table t;
		size_t k;
		int found = 0;

		if (walk(r, "3.2.1", name_col, 1, 0, &t) != 0)
			return;
		for (k = 0; k < t.nrows && !found; k++)
			if (t.rows[k].cells[0].kind == LWN_STRING &&
			    strcmp(t.rows[k].cells[0].s, r->arg) == 0 && t.rows[k].idxlen == 1) {
				idx = (unsigned long)t.rows[k].idx[0];
				found = 1;
			}
		lwn_table_free(&t);
		if (!found) {
			r->state = LWN_CRITICAL;
			lwn_buf_printf(&r->text, "no process group '%s' on %s: no process of that name runs (or process_include/process_exclude leave it out)",
				       r->arg, r->ctx->peer);
			return;
		}
		if (get_group(r, idx, v) != 0)
			return;
	}
	fmt_kib(num, sizeof num, (long long)lwn_u(&v[G_RSS]));
	lwn_buf_printf(&r->text, "%s: RSS %s in %llu process%s", r->arg, num,
		       (unsigned long long)lwn_u(&v[G_COUNT]), lwn_u(&v[G_COUNT]) == 1 ? "" : "es");
	if (lwn_is_num(&v[G_FDS]))
		lwn_buf_printf(&r->text, ", %llu fds", (unsigned long long)lwn_u(&v[G_FDS]));
	else
		lwn_buf_printf(&r->text, ", fds not readable");
	lwn_fmt_hundredths(cpu, sizeof cpu, (long long)lwn_u(&v[G_CPU]));
	lwn_buf_printf(&r->text, ", CPU %s%%", cpu);
	leak_state_text(r, "RSS", &v[G_LEAK], &v[G_SLOPE], "KiB/h");
	leak_state_text(r, "fds", &v[G_FDLEAK], &v[G_FDSLOPE], "fds/h");
	if (lwn_u(&v[G_TTE]) > 0) {
		lwn_fmt_duration(num, sizeof num, lwn_u(&v[G_TTE]));
		lwn_buf_printf(&r->text, ", memory exhaustion in %s", num);
	}
	if (lwn_u(&v[G_LEAK]) < LEAK_SUSPECT && lwn_u(&v[G_FDLEAK]) < LEAK_SUSPECT)
		lwn_buf_printf(&r->text, ", leak state %s", NAME_OF(leak_states, lwn_u(&v[G_LEAK])));

	perf_u(r, "rss", NULL, lwn_u(&v[G_RSS]), "KB", "0", "");
	perf_u(r, "maxrss", NULL, lwn_u(&v[G_MAXRSS]), "KB", "0", "");
	perf_u(r, "procs", NULL, lwn_u(&v[G_COUNT]), "", "0", "");
	if (lwn_is_num(&v[G_FDS]))
		perf_u(r, "fds", NULL, lwn_u(&v[G_FDS]), "", "0", "");
	else
		missing_judged(r, "fds", "lwProcGroupFds", &v[G_FDS]);
	perf_pct(r, "cpu", lwn_u(&v[G_CPU]), "");
	snprintf(num, sizeof num, "%lld", (long long)lwn_i(&v[G_SLOPE]));
	lwn_perf_add(&r->perf, "rss_slope_kib_per_h", num, "", NULL, "", "");
	snprintf(num, sizeof num, "%lld", (long long)lwn_i(&v[G_FDSLOPE]));
	lwn_perf_add(&r->perf, "fds_slope_per_h", num, "", NULL, "", "");
	if (lwn_u(&v[G_TTE]) > 0) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)lwn_u(&v[G_TTE]));
		lwn_perf_add(&r->perf, "tte", num, "s", NULL, "0", "");
	}
}

/* --- tcp --------------------------------------------------------------------------------- */

/* The labels -w/--critical may name; the first four are also the percentages' perfdata labels. */
static const char *const tcp_labels[] = { "mem_pct", "pressure_pct", "orphan_pct", "tw_pct",
	"sockets", "orphans", "closed", "listen", "synSent", "synReceived", "established",
	"finWait1", "finWait2", "closeWait", "lastAck", "closing", "timeWait", NULL };

static void mode_tcp(lwn_run *r)
{
	static const unsigned state_cols[] = { 2 };
	/* lwTcpSockets, lwSockstatTcpOrphan, lwSockstatTcpMemPages, lwTcpMemMaxPercent,
	 * lwTcpMemPressurePercent, lwTcpOrphanPercent, lwTcpTwPercent */
	const char *rel[] = { "4.4.0", "4.9.3.0", "4.9.6.0", "4.10.8.0", "4.10.7.0", "4.10.6.0",
			      "4.10.9.0" };
	static const char *const pct_object[] = { "lwTcpMemMaxPercent.0",
		"lwTcpMemPressurePercent.0", "lwTcpOrphanPercent.0", "lwTcpTwPercent.0" };
	static const char *const pct_what[] = { "memory", "memory", "orphans", "timeWait" };
	static const char *const pct_of[] = { "tcp_mem max", "tcp_mem pressure", "tcp_max_orphans",
		"tcp_max_tw_buckets" };
	unsigned long long counts[12] = { 0 };
	lwn_val v[7];
	lwn_table t;
	size_t k;
	int i;
	char num[32];

	if (agent_get(r, rel, 7, v) != 0 || walk(r, "4.1.1", state_cols, 1, 11, &t) != 0)
		return;
	for (k = 0; k < t.nrows; k++)
		if (t.rows[k].idx[0] >= 1 && t.rows[k].idx[0] <= 11)
			counts[t.rows[k].idx[0]] = lwn_u(&t.rows[k].cells[0]);
	lwn_buf_printf(&r->text, "TCP");
	for (i = 0; i < 4; i++) {
		if (lwn_is_num(&v[3 + i])) {
			lwn_fmt_hundredths(num, sizeof num, (long long)lwn_u(&v[3 + i]));
			lwn_buf_printf(&r->text, "%s %s %s%% of %s", i ? "," : "", pct_what[i], num,
				       pct_of[i]);
		} else if (i == 0) {
			lwn_buf_printf(&r->text, " memory %% n/a (tcp_mem not visible here)");
		}
	}
	lwn_buf_printf(&r->text, "; %llu socket%s:", (unsigned long long)lwn_u(&v[0]),
		       lwn_u(&v[0]) == 1 ? "" : "s");
	for (i = 1; i <= 11; i++)
		if (counts[i] || i == 5 || i == 8 || i == 11)
			lwn_buf_printf(&r->text, " %s %llu,", tcp_states[i], counts[i]);
	lwn_buf_printf(&r->text, " orphans %llu", (unsigned long long)lwn_u(&v[1]));

	for (i = 0; i < 4; i++) {
		if (lwn_is_num(&v[3 + i]))
			perf_pct(r, tcp_labels[i], lwn_u(&v[3 + i]), "");
		else
			missing_judged(r, tcp_labels[i], pct_object[i], &v[3 + i]);
	}
	perf_u(r, "sockets", NULL, lwn_u(&v[0]), "", "0", "");
	perf_u(r, "orphans", NULL, lwn_u(&v[1]), "", "0", "");
	if (lwn_is_num(&v[2])) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)lwn_u(&v[2]));
		lwn_perf_add(&r->perf, "mem_pages", num, "", NULL, "0", "");
	}
	for (i = 1; i <= 11; i++)
		perf_u(r, tcp_states[i], NULL, counts[i], "", "0", "");
	lwn_table_free(&t);
}

/* --- mcast [IFNAME] ---------------------------------------------------------------------- */

static const char *const mcast_labels[] = { "pps", "bps", NULL };

static void mode_mcast(lwn_run *r)
{
	/* name, pps10, bps10 (Gauge32), capture state, last error, bps10X (64-bit twin) */
	static const unsigned cols[] = { 2, 6, 9, 14, 15, 21 };
	const char *rel[] = { "6.4.0" };               /* lwMcastInterfaces */
	lwn_val nif;
	lwn_table t;
	size_t k, shown = 0;
	char label[64], num[48], names[256] = "";

	if (agent_get(r, rel, 1, &nif) != 0 || walk(r, "6.1.1", cols, 6, lwn_u(&nif), &t) != 0)
		return;
	for (k = 0; k < t.nrows; k++) {
		const lwn_val *c = t.rows[k].cells;
		const char *name = c[0].kind == LWN_STRING ? c[0].s : "?";
		unsigned long long pps = lwn_u(&c[1]);
		unsigned long long bps = lwn_is_num(&c[5]) ? lwn_u(&c[5]) : lwn_u(&c[2]);
		unsigned long long st = lwn_u(&c[3]);
		size_t nl = strlen(names);

		snprintf(names + nl, sizeof names - nl, "%s%.20s", nl ? ", " : "", name);
		if (r->arg && strcmp(r->arg, name) != 0)
			continue;
		shown++;
		sep(&r->text);
		fmt_bits(num, sizeof num, bps);
		lwn_buf_printf(&r->text, "%s %llu pps %s", name, pps, num);
		if (st != 1) {
			/* down: the interface is gone or down (a finding); error: no capture (cannot check). */
			add_state(r, st == 2 ? LWN_WARNING : LWN_UNKNOWN);
			lwn_buf_printf(&r->text, ", capture %s%s%s", NAME_OF(capture_states, st),
				       c[4].kind == LWN_STRING && c[4].s[0] ? ": " : "",
				       c[4].kind == LWN_STRING ? c[4].s : "");
		}
		snprintf(label, sizeof label, "%.40s_pps", name);
		perf_u(r, label, "pps", pps, "", "0", "");
		snprintf(label, sizeof label, "%.40s_bps", name);
		perf_u(r, label, "bps", bps, "", "0", "");
	}
	if (t.nrows == 0)
		fail(r, "%s captures no multicast (%llu mcast_interface in leakwatchd.conf, no capture row)",
		     r->ctx->peer, (unsigned long long)lwn_u(&nif));
	else if (shown == 0)
		fail(r, "%s captures no multicast on %s (captured: %s)", r->ctx->peer, r->arg, names);
	lwn_table_free(&t);
}

/* --- collectors -------------------------------------------------------------------------- */

static const char *const collectors_labels[] = { "failing", NULL };

static void mode_collectors(lwn_run *r)
{
	static const unsigned cols[] = { 2, 7, 8, 9 };   /* name, runs, errors, last error */
	lwn_val none;
	lwn_table t;
	size_t k, failing = 0;
	char label[96], total[32];

	if (agent_get(r, NULL, 0, &none) != 0 || walk(r, "1.5.1", cols, 4, 16, &t) != 0)
		return;
	for (k = 0; k < t.nrows; k++) {
		const lwn_val *c = t.rows[k].cells;

		if (c[3].kind == LWN_STRING && c[3].s[0]) {
			failing++;
			sep(&r->text);
			lwn_buf_printf(&r->text, "%s failing: %s (%llu errors in %llu runs)",
				       c[0].kind == LWN_STRING ? c[0].s : "?", c[3].s,
				       (unsigned long long)lwn_u(&c[2]), (unsigned long long)lwn_u(&c[1]));
		}
	}
	if (failing == 0)
		lwn_buf_printf(&r->text, "%zu collectors, none failing", t.nrows);
	else {
		lwn_buf head;

		lwn_buf_init(&head);
		lwn_buf_printf(&head, "%zu of %zu collectors failing: %s", failing, t.nrows, r->text.buf);
		r->text = head;
	}
	default_threshold(r, "failing", "0", NULL);
	snprintf(total, sizeof total, "%zu", t.nrows);
	perf_u(r, "collectors", "-", t.nrows, "", "0", "");
	perf_u(r, "failing", NULL, failing, "", "0", total);
	/* lwCollectorErrors is a Counter32: the one true counter here, hence "c". */
	for (k = 0; k < t.nrows; k++) {
		const lwn_val *c = t.rows[k].cells;

		snprintf(label, sizeof label, "%.60s_errors", c[0].kind == LWN_STRING ? c[0].s : "?");
		perf_u(r, label, "-", lwn_u(&c[2]), "c", "", "");
	}
	lwn_table_free(&t);
}

const lwn_mode lwn_modes[] = {
	{ "alarms", alarms_labels, 0, NULL, mode_alarms,
	  "active alarms of lwAlarmTable; the worst severity decides (critical, major: CRITICAL; minor, warning: WARNING)" },
	{ "leaks", leaks_labels, 0, NULL, mode_leaks,
	  "leak suspects: process groups, leaking processes, slab caches, host-wide trends (default: leaking CRITICAL, suspect WARNING)" },
	{ "group", group_labels, 2, "NAME", mode_group,
	  "one process group by name: RSS, descriptors, CPU, leak states (leaking CRITICAL, suspect WARNING)" },
	{ "tcp", tcp_labels, 0, NULL, mode_tcp,
	  "TCP sockets per state, orphans, TCP memory in % of tcp_mem's maximum" },
	{ "mcast", mcast_labels, 1, "IFNAME", mode_mcast,
	  "multicast rate per captured interface (10-second packets and bits per second)" },
	{ "collectors", collectors_labels, 0, NULL, mode_collectors,
	  "collector health: failing collectors, errors, last error text (default: WARNING when one fails)" },
	{ NULL, NULL, 0, NULL, NULL, NULL }
};

const lwn_mode *lwn_mode_find(const char *name)
{
	const lwn_mode *m;

	for (m = lwn_modes; m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}
