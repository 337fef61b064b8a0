/* status_view.c: the screen of `leakwatch status`: 80 columns, sections in the order an operator
 * asks (is the agent healthy, what is alarmed, what leaks, who holds memory, CPU, descriptors
 * and sockets, the kernel's share), colour only as an aid. */
/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "human.h"
#include "render.h"
#include "status_view.h"

#define BOLD "\033[1m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define RESET "\033[0m"

/* LwLeakState (LEAKWATCH-MIB): learning(1), normal(2), suspect(3), leaking(4) */
enum { LEAK_SUSPECT = 3, LEAK_LEAKING = 4 };

struct out {
	FILE *f;
	const struct lw_view_opts *o;
};

static void title(struct out *w, const char *text)
{
	fprintf(w->f, "%s%s%s", w->o->color ? BOLD : "", text, w->o->color ? RESET : "");
}

/* TEXT padded to WIDTH (negative: left-aligned), coloured by CODE when colour is on. */
static void painted(struct out *w, const char *code, int width, const char *text)
{
	if (w->o->color && code)
		fputs(code, w->f);
	fprintf(w->f, "%*s", width, text);
	if (w->o->color && code)
		fputs(RESET, w->f);
}

static const char *state_color(long state)
{
	return state == LEAK_LEAKING ? RED : state == LEAK_SUSPECT ? YELLOW : NULL;
}

static int64_t num(const struct lw_val *v)
{
	return lw_val_num(v);
}

static const struct lw_val *cell(const struct lw_table *t, size_t r, const char *col)
{
	static const struct lw_val absent;
	int c = lw_table_col(t, col);
	return c < 0 || r >= t->nrows ? &absent : &t->rows[r].vals[c];
}

static const char *text(const struct lw_table *t, size_t r, const char *col)
{
	const struct lw_val *v = cell(t, r, col);
	return v->kind == LW_V_TEXT ? v->text : "";
}

static char *kib(char *b, size_t n, int64_t v)
{
	return lw_human_kib(b, n, (double)v);
}

static char *kib_per_hour(char *b, size_t n, int64_t v)
{
	char t[32];
	snprintf(b, n, "%s%s/h", v > 0 ? "+" : "", lw_human_kib(t, sizeof(t), (double)v));
	return b;
}

static char *hundredths(char *b, size_t n, int64_t v, const char *suffix)
{
	snprintf(b, n, "%" PRId64 ".%02" PRId64 "%s", v / 100, (v < 0 ? -v : v) % 100, suffix);
	return b;
}

/* A string cut to WIDTH characters, with '~' marking the cut. */
static const char *cut(char *b, size_t n, const char *s, size_t width)
{
	size_t len = strlen(s);
	if (len >= n)
		len = n - 1;
	memcpy(b, s, len);
	b[len] = 0;
	if (width < n && len > width) {
		b[width] = 0;
		if (width > 0)
			b[width - 1] = '~';
	}
	return b;
}

/* Items joined by SEP, wrapped before column 80; lines after the first start with INDENT. */
struct wrap {
	struct out *w;
	size_t col;
	const char *sep, *indent;
	int first;
};

static void wrap_start(struct wrap *x, struct out *w, size_t col, const char *sep,
		       const char *indent)
{
	*x = (struct wrap){ w, col, sep, indent, 1 };
}

static void wrap_item(struct wrap *x, const char *item)
{
	size_t need = (x->first ? 0 : strlen(x->sep)) + strlen(item);
	if (!x->first && x->col + need > 79) {  /* 79: room for the comma a wrap leaves */
		fprintf(x->w->f, "%s\n%s", x->sep[0] == ',' ? "," : "", x->indent);
		x->col = strlen(x->indent);
		need = strlen(item);
	} else if (!x->first) {
		fputs(x->sep, x->w->f);
	}
	fputs(item, x->w->f);
	x->col += need;
	x->first = 0;
}

static void header(struct out *w, const struct lw_status *s)
{
	const struct lw_val *sc = s->sc;
	char up[32], age[32], b1[32], b2[32], b3[32];
	int64_t now = (int64_t)w->o->now;
	int64_t start = num(&sc[LW_S_START]), snap = num(&sc[LW_S_SNAPSHOT]);
	char peer[40], item[160];
	struct wrap x;
	title(w, cut(peer, sizeof(peer), s->peer, 32));
	wrap_start(&x, w, strlen(peer), ", ", "  ");
	snprintf(item, sizeof(item), ": leakwatchd %s", sc[LW_S_VERSION].text);
	x.col += strlen(item);
	x.first = 0;
	fputs(item, w->f);
	snprintf(item, sizeof(item), "up %s",
		 lw_human_duration(up, sizeof(up), (uint64_t)(now > start && start ? now - start : 0)));
	wrap_item(&x, item);
	snprintf(item, sizeof(item), "sampling every %s", lw_human_duration(age, sizeof(age),
		 (uint64_t)num(&sc[LW_S_INTERVAL])));
	wrap_item(&x, item);
	if (snap) {
		snprintf(item, sizeof(item), "last %s ago", lw_human_duration(age, sizeof(age),
			 (uint64_t)(now > snap ? now - snap : 0)));
		wrap_item(&x, item);
	}
	fputc('\n', w->f);
	int64_t total = num(&sc[LW_S_MEMTOTAL]), avail = num(&sc[LW_S_MEMAVAIL]);
	wrap_start(&x, w, 0, ", ", "  ");
	snprintf(item, sizeof(item), "load %s %s %s on %" PRId64 " CPUs",
		 hundredths(b1, sizeof(b1), num(&sc[LW_S_LOAD1]), ""),
		 hundredths(b2, sizeof(b2), num(&sc[LW_S_LOAD5]), ""),
		 hundredths(b3, sizeof(b3), num(&sc[LW_S_LOAD15]), ""), num(&sc[LW_S_CPUS]));
	wrap_item(&x, item);
	snprintf(item, sizeof(item), "memory %s available of %s (%" PRId64 "%%)",
		 kib(age, sizeof(age), avail), kib(up, sizeof(up), total),
		 total ? avail * 100 / total : 0);
	wrap_item(&x, item);
	int64_t swt = num(&sc[LW_S_SWAPTOTAL]), swf = num(&sc[LW_S_SWAPFREE]);
	char c1[32], c2[32], c3[32];
	snprintf(item, sizeof(item), "%" PRId64 " processes", num(&sc[LW_S_PROCS]));
	wrap_item(&x, item);
	snprintf(item, sizeof(item), "%" PRId64 " threads", num(&sc[LW_S_THREADS]));
	wrap_item(&x, item);
	snprintf(item, sizeof(item), "files %s of %s",
		 lw_human_count(c1, sizeof(c1), (double)num(&sc[LW_S_FILES])),
		 lw_human_count(c2, sizeof(c2), (double)num(&sc[LW_S_FILESMAX])));
	wrap_item(&x, item);
	if (swt) {
		snprintf(item, sizeof(item), "swap %s used of %s", kib(c3, sizeof(c3), swt - swf),
			 kib(b1, sizeof(b1), swt));
		wrap_item(&x, item);
	}
	fputc('\n', w->f);
	/* collectors: the ones whose last run failed, with their error */
	const struct lw_table *t = &s->collectors;
	size_t failing = 0;
	for (size_t r = 0; r < t->nrows; r++)
		failing += text(t, r, "lwCollectorLastError")[0] != 0;
	fprintf(w->f, "collectors: %zu ok", t->nrows - failing);
	if (failing) {
		fputs(", ", w->f);
		char b[32];
		snprintf(b, sizeof(b), "%zu failing", failing);
		painted(w, RED, 0, b);
	}
	fputc('\n', w->f);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *e = text(t, r, "lwCollectorLastError");
		if (!e[0])
			continue;
		char line[160], shown[80], name[24];
		snprintf(line, sizeof(line), "%s (%" PRId64 " errors)", e,
			 num(cell(t, r, "lwCollectorErrors")));
		fprintf(w->f, "  %-13s ", cut(name, sizeof(name), text(t, r, "lwCollectorName"), 13));
		fprintf(w->f, "%s\n", cut(shown, sizeof(shown), line, 62));
	}
}

/* The unit of an alarm's value, by lwAlarmType (lwAlarmValue's DESCRIPTION). */
static char *alarm_value(char *b, size_t n, long type, int64_t v)
{
	switch (type) {
	case 2:
		snprintf(b, n, "%" PRId64 " fds", v);
		return b;
	case 4:
	case 5:
		return hundredths(b, n, v, "%");
	case 6:
		snprintf(b, n, "%" PRId64 " pps", v);
		return b;
	case 7:
		return hundredths(b, n, v, "/CPU");
	default:
		return kib(b, n, v);
	}
}

static char *alarm_slope(char *b, size_t n, long type, int64_t v)
{
	if (type == 2) {
		snprintf(b, n, "%s%" PRId64 " fds/h", v > 0 ? "+" : "", v);
		return b;
	}
	return kib_per_hour(b, n, v);
}

static void alarms(struct out *w, const struct lw_status *s)
{
	const struct lw_table *t = &s->alarms;
	const struct lw_obj *type_obj = lw_obj_find(t->group, "lwAlarmType");
	const struct lw_obj *sev_obj = lw_obj_find(t->group, "lwAlarmSeverity");
	fputc('\n', w->f);
	if (t->nrows == 0) {
		title(w, "ALARMS");
		fputs(": none\n", w->f);
		return;
	}
	char b[64];
	snprintf(b, sizeof(b), "ALARMS (%zu)", t->nrows);
	title(w, b);
	fputc('\n', w->f);
	for (size_t r = 0; r < t->nrows; r++) {
		long type = (long)num(cell(t, r, "lwAlarmType"));
		long sev = (long)num(cell(t, r, "lwAlarmSeverity"));
		const char *sl = lw_obj_enum_label(sev_obj, sev);
		const char *tl = lw_obj_enum_label(type_obj, type);
		char obj[32], v[32], extra[64], ago[32];
		fputs("  ", w->f);
		painted(w, sev >= 3 ? RED : YELLOW, -8, sl ? sl : "?");
		char rest[160], shown[80];
		size_t used = (size_t)snprintf(rest, sizeof(rest), " %-17s %-20s %9s", tl ? tl : "?",
			cut(obj, sizeof(obj), text(t, r, "lwAlarmObject"), 20),
			alarm_value(v, sizeof(v), type, num(cell(t, r, "lwAlarmValue"))));
		int64_t thr = num(cell(t, r, "lwAlarmThreshold"));
		int64_t slope = num(cell(t, r, "lwAlarmSlope"));
		int64_t tte = num(cell(t, r, "lwAlarmTimeToExhaustion"));
		if (thr) {
			char tb[32];
			snprintf(extra, sizeof(extra), " > %s", alarm_value(tb, sizeof(tb), type, thr));
		} else {
			char sb[32], tb[32];
			snprintf(extra, sizeof(extra), " %s%s%s", alarm_slope(sb, sizeof(sb), type, slope),
				 tte ? ", full in " : "",
				 tte ? lw_human_duration(tb, sizeof(tb), (uint64_t)tte) : "");
		}
		if (used < sizeof(rest))
			used += (size_t)snprintf(rest + used, sizeof(rest) - used, "%s", extra);
		int64_t raised = num(cell(t, r, "lwAlarmRaisedUnix"));
		char since[48];
		if (raised && (int64_t)w->o->now >= raised) {
			snprintf(since, sizeof(since), " (%s ago)", lw_human_duration(ago, sizeof(ago),
				 (uint64_t)((int64_t)w->o->now - raised)));
			/* the age only where it fits whole */
			if (used + strlen(since) <= 70 && used + strlen(since) < sizeof(rest))
				memcpy(rest + used, since, strlen(since) + 1);
		}
		/* 2 + 8 columns of severity before: the rest within 80 */
		fprintf(w->f, "%s\n", cut(shown, sizeof(shown), rest, 70));
	}
}

struct suspect {
	long state;
	const char *kind;
	char name[40];
	char value[24];
	char slope[24];
	int64_t tte;
	int64_t rank;  /* leaking first, then by slope */
};

static int suspect_cmp(const void *pa, const void *pb)
{
	const struct suspect *a = pa, *b = pb;
	if (a->state != b->state)
		return a->state > b->state ? -1 : 1;
	return a->rank > b->rank ? -1 : a->rank < b->rank ? 1 : 0;
}

#define MAX_SUSPECTS 256

static void add_suspect(struct suspect *list, size_t *n, long state, const char *kind,
			const char *name, const char *value, const char *slope, int64_t tte,
			int64_t rank)
{
	if (*n >= MAX_SUSPECTS || (state != LEAK_SUSPECT && state != LEAK_LEAKING))
		return;
	struct suspect *x = &list[(*n)++];
	x->state = state;
	x->kind = kind;
	snprintf(x->name, sizeof(x->name), "%s", name);
	snprintf(x->value, sizeof(x->value), "%s", value);
	snprintf(x->slope, sizeof(x->slope), "%s", slope);
	x->tte = tte;
	x->rank = rank < 0 ? -rank : rank;
}

/* lwTrendValue's unit by lwTrendIndex: KiB but for tcpOrphans(3), in sockets. */
static void trend_texts(const struct lw_table *t, size_t r, char *v, char *sl, size_t n)
{
	unsigned idx = t->rows[r].idx_len ? t->rows[r].idx[0] : 0;
	int64_t value = num(cell(t, r, "lwTrendValue")), slope = num(cell(t, r, "lwTrendSlope"));
	if (idx == 3) {
		snprintf(v, n, "%" PRId64, value);
		snprintf(sl, n, "%s%" PRId64 "/h", slope > 0 ? "+" : "", slope);
	} else {
		kib(v, n, value);
		kib_per_hour(sl, n, slope);
	}
}

static void suspects(struct out *w, const struct lw_status *s)
{
	struct suspect *list = calloc(MAX_SUSPECTS, sizeof(*list));
	size_t n = 0;
	char v[32], sl[32], name[64];
	if (!list)
		return;
	const struct lw_table *t = &s->trends;
	for (size_t r = 0; r < t->nrows; r++) {
		trend_texts(t, r, v, sl, sizeof(v));
		add_suspect(list, &n, (long)num(cell(t, r, "lwTrendState")), "host",
			    text(t, r, "lwTrendName"), v, sl, num(cell(t, r, "lwTrendTimeToLimit")),
			    num(cell(t, r, "lwTrendSlope")));
	}
	/* the processes of the top table (the leak columns of lwProcTable, read by PID) */
	for (size_t p = 0; p < s->npids; p++) {
		const struct lw_val *pv = s->pidvals[p];
		const char *pname = "";
		int pc = lw_table_col(&s->top, "lwProcTopPid");
		for (size_t r = 0; r < s->top.nrows; r++)
			if ((unsigned)num(&s->top.rows[r].vals[pc]) == s->pids[p])
				pname = text(&s->top, r, "lwProcTopName");
		snprintf(name, sizeof(name), "%s[%u]", pname, s->pids[p]);
		add_suspect(list, &n, (long)num(&pv[0]), "process", name,
			    kib(v, sizeof(v), num(&pv[5])), kib_per_hour(sl, sizeof(sl), num(&pv[1])),
			    num(&pv[4]), num(&pv[1]));
		snprintf(v, sizeof(v), "%" PRId64 " fds", num(&pv[6]));
		snprintf(sl, sizeof(sl), "%s%" PRId64 " fds/h", num(&pv[3]) > 0 ? "+" : "", num(&pv[3]));
		add_suspect(list, &n, (long)num(&pv[2]), "process", name, v, sl, num(&pv[4]),
			    num(&pv[3]));
	}
	t = &s->groups;
	for (size_t r = 0; r < t->nrows; r++) {
		snprintf(name, sizeof(name), "%s (%" PRId64 ")", text(t, r, "lwProcGroupName"),
			 num(cell(t, r, "lwProcGroupCount")));
		int64_t slope = num(cell(t, r, "lwProcGroupRssSlope"));
		add_suspect(list, &n, (long)num(cell(t, r, "lwProcGroupLeakState")), "group", name,
			    kib(v, sizeof(v), num(cell(t, r, "lwProcGroupRssKB"))),
			    kib_per_hour(sl, sizeof(sl), slope),
			    num(cell(t, r, "lwProcGroupTimeToExhaustion")), slope);
		slope = num(cell(t, r, "lwProcGroupFdSlope"));
		snprintf(v, sizeof(v), "%" PRId64 " fds", num(cell(t, r, "lwProcGroupFds")));
		snprintf(sl, sizeof(sl), "%s%" PRId64 " fds/h", slope > 0 ? "+" : "", slope);
		add_suspect(list, &n, (long)num(cell(t, r, "lwProcGroupFdLeakState")), "group", name,
			    v, sl, num(cell(t, r, "lwProcGroupTimeToExhaustion")), slope);
	}
	t = &s->slabs;
	for (size_t r = 0; r < t->nrows; r++) {
		int64_t slope = num(cell(t, r, "lwSlabSlope"));
		add_suspect(list, &n, (long)num(cell(t, r, "lwSlabLeakState")), "slab",
			    text(t, r, "lwSlabName"), kib(v, sizeof(v), num(cell(t, r, "lwSlabTotalKB"))),
			    kib_per_hour(sl, sizeof(sl), slope),
			    num(cell(t, r, "lwSlabTimeToExhaustion")), slope);
	}
	qsort(list, n, sizeof(*list), suspect_cmp);
	fputc('\n', w->f);
	title(w, "LEAK SUSPECTS");
	if (n == 0)
		fputs(": none", w->f);
	fputc('\n', w->f);
	size_t shown = n < 8 ? n : 8;
	for (size_t i = 0; i < shown; i++) {
		const struct suspect *x = &list[i];
		char nb[32], tb[32];
		fputs("  ", w->f);
		painted(w, state_color(x->state), -8, x->state == LEAK_LEAKING ? "leaking" : "suspect");
		fprintf(w->f, " %-7s %-22s %9s %11s", x->kind, cut(nb, sizeof(nb), x->name, 22),
			x->value, x->slope);
		if (x->tte)
			fprintf(w->f, "  full in %s", lw_human_duration(tb, sizeof(tb), (uint64_t)x->tte));
		fputc('\n', w->f);
	}
	if (n > shown)
		fprintf(w->f, "  ... and %zu more (leakwatch show groups|slab|trends)\n", n - shown);
	/* the host-wide series, whatever their state, on one line */
	t = &s->trends;
	const struct lw_obj *so = lw_obj_find(t->group, "lwTrendState");
	if (t->nrows) {
		struct wrap x;
		fputs("  host:", w->f);
		wrap_start(&x, w, 7, ", ", "    ");
		x.first = 0;
		x.sep = " ";
		for (size_t r = 0; r < t->nrows; r++) {
			const char *l = lw_obj_enum_label(so, (long)num(cell(t, r, "lwTrendState")));
			char item[96];
			snprintf(item, sizeof(item), "%s %s", text(t, r, "lwTrendName"), l ? l : "?");
			wrap_item(&x, item);
			x.sep = ", ";
		}
		fputc('\n', w->f);
	}
	free(list);
}

/* lwProcTopMetric: rss(1), cpu(2), fds(3), rssGrowth(4) */
static void top_cell(struct out *w, const struct lw_status *s, unsigned metric, size_t rank,
		     int pad)
{
	const struct lw_table *t = &s->top;
	for (size_t r = 0; r < t->nrows; r++) {
		const struct lw_row *row = &t->rows[r];
		if (row->idx_len < 2 || row->idx[0] != metric || row->idx[1] != rank)
			continue;
		char v[32], nb[32];
		int64_t value = num(cell(t, r, "lwProcTopValue"));
		if (metric == 1)
			kib(v, sizeof(v), value);
		else if (metric == 2)
			hundredths(v, sizeof(v), value, "%");
		else if (metric == 3)
			snprintf(v, sizeof(v), "%" PRId64, value);
		else
			snprintf(v, sizeof(v), "%s%s", value > 0 ? "+" : "", kib(nb, sizeof(nb), value));
		fprintf(w->f, "%7" PRId64 " %-16s %10s", num(cell(t, r, "lwProcTopPid")),
			cut(nb, sizeof(nb), text(t, r, "lwProcTopName"), 16), v);
		return;
	}
	if (pad)
		fprintf(w->f, "%35s", "");
}

static void tops(struct out *w, const struct lw_status *s)
{
	static const char *const names[] = { "", "by RSS", "by CPU", "by descriptors",
		"by RSS growth (last cycle)" };
	fputc('\n', w->f);
	title(w, "TOP PROCESSES");
	fputc('\n', w->f);
	for (unsigned pair = 1; pair <= 3; pair += 2) {
		fprintf(w->f, "  %-38s%s\n", names[pair], names[pair + 1]);
		for (size_t rank = 1; rank <= w->o->top; rank++) {
			fputs("  ", w->f);
			top_cell(w, s, pair, rank, 1);
			fputs("   ", w->f);
			top_cell(w, s, pair + 1, rank, 0);
			fputc('\n', w->f);
		}
	}
}

/* TCP states as ss(8) and the kernel's tcp_states.h spell them, by LwTcpConnState value. */
static const char *const tcp_names[] = { "", "CLOSE", "LISTEN", "SYN_SENT", "SYN_RECV",
	"ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "CLOSE_WAIT", "LAST_ACK", "CLOSING", "TIME_WAIT" };

static int64_t state_count(const struct lw_status *s, unsigned state)
{
	const struct lw_table *t = &s->states;
	for (size_t r = 0; r < t->nrows; r++)
		if (t->rows[r].idx_len && t->rows[r].idx[0] == state)
			return num(&t->rows[r].vals[0]);
	return 0;
}

static void tcp(struct out *w, const struct lw_status *s)
{
	/* the states that matter for leaks and overload, with their top remote peers */
	static const unsigned shown[] = { 5, 4, 11, 8, 9 };
	const struct lw_val *sc = s->sc;
	char b[64];
	fputc('\n', w->f);
	snprintf(b, sizeof(b), "TCP: %" PRId64 " sockets", num(&sc[LW_S_TCPSOCKETS]));
	title(w, b);
	struct wrap x;
	wrap_start(&x, w, strlen(b), ", ", "  ");
	for (unsigned st = 1; st <= 11; st++) {
		int64_t n = state_count(s, st);
		if (!n || st == 5 || st == 4 || st == 11 || st == 8 || st == 9)
			continue;
		char item[48];
		snprintf(item, sizeof(item), "%s%s %" PRId64, x.first ? ", also " : "", tcp_names[st], n);
		wrap_item(&x, item);
	}
	fputc('\n', w->f);
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		unsigned st = shown[i];
		fprintf(w->f, "  %-11s %7" PRId64, tcp_names[st], state_count(s, st));
		const struct lw_table *t = &s->remotes;
		size_t listed = 0, width = 22;
		for (size_t r = 0; r < t->nrows && listed < w->o->remotes; r++) {
			if (t->rows[r].idx_len < 2 || t->rows[r].idx[0] != st)
				continue;
			char rb[80];
			snprintf(rb, sizeof(rb), "%s%s %" PRId64, listed ? ", " : "  ",
				 text(t, r, "lwTcpTopRemoteAddrText"), num(cell(t, r, "lwTcpTopRemoteCount")));
			if (width + strlen(rb) > 79)
				break;
			fputs(rb, w->f);
			width += strlen(rb);
			listed++;
		}
		fputc('\n', w->f);
	}
	char p1[32], p2[32];
	fprintf(w->f, "  memory %" PRId64 " pages of tcp_mem max %" PRId64 " (%s, pressure at %"
		PRId64 ")\n", num(&sc[LW_S_TCPMEM]), num(&sc[LW_S_TCPMEMMAX]),
		hundredths(p1, sizeof(p1), num(&sc[LW_S_TCPMEMPCT]), "%"), num(&sc[LW_S_TCPMEMPRESSURE]));
	fprintf(w->f, "  orphans %" PRId64 " of tcp_max_orphans %" PRId64 " (%s)\n",
		num(&sc[LW_S_ORPHANS]), num(&sc[LW_S_MAXORPHANS]),
		hundredths(p2, sizeof(p2), num(&sc[LW_S_ORPHANPCT]), "%"));
}

struct slab_sort {
	const struct lw_table *t;
	int col;
};

static int by_total(const void *a, const void *b, void *ctx)
{
	const struct slab_sort *ss = ctx;
	int64_t x = num(&ss->t->rows[*(const size_t *)a].vals[ss->col]);
	int64_t y = num(&ss->t->rows[*(const size_t *)b].vals[ss->col]);
	return x > y ? -1 : x < y ? 1 : 0;
}

static void slab(struct out *w, const struct lw_status *s)
{
	const struct lw_table *t = &s->slabs;
	char b1[32], b2[32], line[96];
	fputc('\n', w->f);
	snprintf(line, sizeof(line), "SLAB: %s, unreclaimable %s, %zu caches",
		 kib(b1, sizeof(b1), num(&s->sc[LW_S_SLAB])),
		 kib(b2, sizeof(b2), num(&s->sc[LW_S_SUNRECLAIM])), t->nrows);
	title(w, line);
	fputc('\n', w->f);
	size_t *by_size = calloc(t->nrows ? t->nrows : 1, sizeof(size_t));
	size_t *by_slope = calloc(t->nrows ? t->nrows : 1, sizeof(size_t));
	if (!by_size || !by_slope) {
		free(by_size);
		free(by_slope);
		return;
	}
	for (size_t r = 0; r < t->nrows; r++)
		by_size[r] = by_slope[r] = r;
	struct slab_sort ss = { t, lw_table_col(t, "lwSlabTotalKB") };
	qsort_r(by_size, t->nrows, sizeof(size_t), by_total, &ss);
	ss.col = lw_table_col(t, "lwSlabSlope");
	qsort_r(by_slope, t->nrows, sizeof(size_t), by_total, &ss);
	size_t growing = 0;
	while (growing < t->nrows && num(&t->rows[by_slope[growing]].vals[ss.col]) > 0)
		growing++;
	fprintf(w->f, "  %-38s%s\n", "largest", growing ? "fastest-growing" :
		"fastest-growing: none growing");
	size_t n = w->o->top < 5 ? w->o->top : 5;
	for (size_t i = 0; i < n && i < t->nrows; i++) {
		char nb[32];
		fprintf(w->f, "  %-24s %10s", cut(nb, sizeof(nb), text(t, by_size[i], "lwSlabName"), 24),
			kib(b1, sizeof(b1), num(cell(t, by_size[i], "lwSlabTotalKB"))));
		if (i < growing) {
			size_t r = by_slope[i];
			long st = (long)num(cell(t, r, "lwSlabLeakState"));
			fprintf(w->f, "    %-18s %11s ", cut(nb, sizeof(nb), text(t, r, "lwSlabName"), 18),
				kib_per_hour(b2, sizeof(b2), num(cell(t, r, "lwSlabSlope"))));
			painted(w, state_color(st), 0, st == LEAK_LEAKING ? "leaking" : "suspect");
		}
		fputc('\n', w->f);
	}
	free(by_size);
	free(by_slope);
}

static void mcast(struct out *w, const struct lw_status *s)
{
	const struct lw_table *t = &s->mcast;
	const struct lw_obj *cs = lw_obj_find(t->group, "lwMcastIfCaptureState");
	fputc('\n', w->f);
	title(w, "MULTICAST");
	if (t->nrows == 0) {
		fputs(": no interface captured\n", w->f);
		return;
	}
	fputc('\n', w->f);
	for (size_t r = 0; r < t->nrows; r++) {
		long st = (long)num(cell(t, r, "lwMcastIfCaptureState"));
		const char *l = lw_obj_enum_label(cs, st);
		char nb[24], pps[24], bps[24];
		fprintf(w->f, "  %-15s ", cut(nb, sizeof(nb), text(t, r, "lwMcastIfName"), 15));
		painted(w, st == 1 ? NULL : RED, -8, l ? l : "?");
		fprintf(w->f, " %8s pps %13s %6" PRId64 " groups",
			lw_human_count(pps, sizeof(pps), (double)num(cell(t, r, "lwMcastIfPps10"))),
			lw_human_bps(bps, sizeof(bps), (double)num(cell(t, r, "lwMcastIfBps10"))),
			num(cell(t, r, "lwMcastIfGroups")));
		const char *e = text(t, r, "lwMcastIfLastError");
		if (st != 1 && e[0]) {
			char eb[80];
			fprintf(w->f, "\n    %s", cut(eb, sizeof(eb), e, 74));
		}
		fputc('\n', w->f);
	}
}

void lw_status_print(FILE *f, const struct lw_status *s, const struct lw_view_opts *o)
{
	struct out w = { f, o };
	header(&w, s);
	alarms(&w, s);
	suspects(&w, s);
	tops(&w, s);
	tcp(&w, s);
	slab(&w, s);
	mcast(&w, s);
}

void lw_status_json(FILE *f, const struct lw_status *s)
{
	static const char *const names[LW_S_COUNT] = {
		"lwAgentVersion", "lwSampleInterval", "lwAgentStartTimeUnix",
		"lwAgentSnapshotTimeUnix", "lwLoad1", "lwLoad5", "lwLoad15", "lwCpuCount",
		"lwMemTotalKB", "lwMemAvailableKB", "lwSwapTotalKB", "lwSwapFreeKB",
		"lwFilesAllocated", "lwFilesMax", "lwProcessCount", "lwThreadCount", "lwTcpSockets",
		"lwSockstatTcpOrphan", "lwSockstatTcpMemPages", "lwTcpMemPressurePages",
		"lwTcpMemMaxPages", "lwTcpMaxOrphans", "lwTcpOrphanPercent", "lwTcpMemMaxPercent",
		"lwSlabKB", "lwSUnreclaimKB", "lwAlarmCount", "lwProcTopN" };
	char b[64];
	fputs("{\"agent\": ", f);
	lw_json_string(f, s->peer);
	fputs(",\n \"scalars\": {", f);
	for (size_t i = 0; i < LW_S_COUNT; i++) {
		fprintf(f, "%s\"%s\": ", i ? ", " : "", names[i]);
		if (s->sc[i].kind == LW_V_TEXT)
			lw_json_string(f, s->sc[i].text);
		else if (s->sc[i].kind == LW_V_ABSENT)
			fputs("null", f);
		else
			fputs(lw_raw_value(b, sizeof(b), &s->sc[i]), f);
	}
	fputs("},\n", f);
	const struct { const char *name; const struct lw_table *t; } tables[] = {
		{ "collectors", &s->collectors }, { "alarms", &s->alarms }, { "trends", &s->trends },
		{ "top", &s->top }, { "tcp", &s->states }, { "remotes", &s->remotes },
		{ "groups", &s->groups }, { "slab", &s->slabs }, { "mcast", &s->mcast } };
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		fprintf(f, " \"%s\": ", tables[i].name);
		lw_render_table(f, tables[i].t, LW_FMT_JSON, NULL);
		fputs(",\n", f);
	}
	fputs(" \"processes\": [", f);
	static const char *const pcols[LW_PID_COLS] = { "lwProcLeakState", "lwProcRssSlope",
		"lwProcFdLeakState", "lwProcFdSlope", "lwProcTimeToExhaustion", "lwProcRssKB",
		"lwProcFds" };
	for (size_t p = 0; p < s->npids; p++) {
		fprintf(f, "%s{\"lwProcPid\": %u", p ? ", " : "", s->pids[p]);
		for (size_t k = 0; k < LW_PID_COLS; k++) {
			fprintf(f, ", \"%s\": ", pcols[k]);
			if (s->pidvals[p][k].kind == LW_V_ABSENT)
				fputs("null", f);
			else
				fputs(lw_raw_value(b, sizeof(b), &s->pidvals[p][k]), f);
		}
		fputc('}', f);
	}
	fputs("]}\n", f);
}
