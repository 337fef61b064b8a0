/* collect_progress.c: the progress line of leakwatch collect, and its top suspect so far. */
/* SPDX-License-Identifier: ISC */
#include "collect_progress.h"

#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "collect_opts.h"
#include "detect/detect.h"
#include "detect/watch.h"

/* One candidate: which series, how sure the detector is, how steep. */
struct candidate {
	int state;                 /* enum lw_leak_state */
	int rank;                  /* lower first at equal state: the more specific object */
	int64_t slope;             /* units per hour */
	char words[160];
};

/* KiB per hour for people: "+512 KiB/h", "+3.4 GiB/h". */
static void kib_rate(char *buf, size_t cap, int64_t kib_h)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)kib_h;
	size_t u = 0;

	while ((v >= 1024.0 || v <= -1024.0) && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(buf, cap, "%+.*f %s/h", u == 0 || v >= 100.0 || v <= -100.0 ? 0 : 1, v,
		 units[u]);
}

static const char *state_word(int state)
{
	return state == LW_LEAK_LEAKING ? "leaking" : "suspect";
}

static bool judged(int state)
{
	return state == LW_LEAK_LEAKING || state == LW_LEAK_SUSPECT;
}

/* Keeps c in best when it comes first. */
static void consider(struct candidate *best, const struct candidate *c)
{
	if (!judged(c->state))
		return;
	if (best->state == 0 || c->state > best->state ||
	    (c->state == best->state && (c->rank < best->rank ||
	     (c->rank == best->rank && (c->slope < 0 ? -c->slope : c->slope) >
				       (best->slope < 0 ? -best->slope : best->slope)))))
		*best = *c;
}

static void procs(const struct lw_proc_table *t, struct candidate *best)
{
	char rate[32];

	for (size_t i = 0; i < t->count; i++) {
		const struct lw_proc *p = &t->rows[i];
		struct candidate c = { .state = p->leak_state, .rank = 0, .slope = p->rss_slope_kb_h };

		if (judged(c.state)) {
			kib_rate(rate, sizeof(rate), c.slope);
			snprintf(c.words, sizeof(c.words), "%s (pid %u): RSS %s, %s",
				 lw_proc_str(t, p->name), p->pid, rate, state_word(c.state));
			consider(best, &c);
		}
		c = (struct candidate){ .state = p->fd_leak_state, .rank = 1, .slope = p->fd_slope_h };
		if (judged(c.state)) {
			snprintf(c.words, sizeof(c.words), "%s (pid %u): descriptors %+lld/h, %s",
				 lw_proc_str(t, p->name), p->pid, (long long)c.slope,
				 state_word(c.state));
			consider(best, &c);
		}
	}
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct lw_proc_group *g = &t->groups[i];
		struct candidate c = { .state = g->leak_state, .rank = 2, .slope = g->rss_slope_kb_h };

		if (judged(c.state)) {
			kib_rate(rate, sizeof(rate), c.slope);
			snprintf(c.words, sizeof(c.words), "group %s (%u processes): RSS %s, %s",
				 lw_proc_str(t, g->name), g->count, rate, state_word(c.state));
			consider(best, &c);
		}
		c = (struct candidate){ .state = g->fd_leak_state, .rank = 3, .slope = g->fd_slope_h };
		if (judged(c.state)) {
			snprintf(c.words, sizeof(c.words), "group %s: descriptors %+lld/h, %s",
				 lw_proc_str(t, g->name), (long long)c.slope, state_word(c.state));
			consider(best, &c);
		}
	}
}

static void slabs_and_trends(const struct lw_snapshot *s, struct candidate *best)
{
	char rate[32];

	for (size_t i = 0; i < s->kmem.slabs.n; i++) {
		const struct lw_slab *sl = &s->kmem.slabs.rows[i];
		struct candidate c = { .state = sl->leak_state, .rank = 4, .slope = sl->slope_kb_h };

		if (judged(c.state)) {
			kib_rate(rate, sizeof(rate), c.slope);
			snprintf(c.words, sizeof(c.words), "slab %s: %s, %s", sl->name, rate,
				 state_word(c.state));
			consider(best, &c);
		}
	}
	for (int id = 0; id < LW_TREND_COUNT; id++) {
		const struct lw_trend *t = &s->trends[id];
		struct candidate c = { .state = t->known ? t->state : 0, .rank = 5,
				       .slope = t->slope };

		if (!judged(c.state))
			continue;
		/* KiB series but the orphan count (watch.h). */
		if (id == LW_TREND_TCP_ORPHANS)
			snprintf(rate, sizeof(rate), "%+lld/h", (long long)t->slope);
		else
			kib_rate(rate, sizeof(rate), t->slope);
		snprintf(c.words, sizeof(c.words), "%s: %s, %s", lw_trend_name((enum lw_trend_id)id),
			 rate, state_word(c.state));
		consider(best, &c);
	}
}

void collect_top_suspect(const struct lw_snapshot *s, char *buf, size_t cap)
{
	struct candidate best = { 0 };

	if (s == NULL) {
		snprintf(buf, cap, "none so far");
		return;
	}
	procs(&s->procs, &best);
	slabs_and_trends(s, &best);
	snprintf(buf, cap, "%s", best.state != 0 ? best.words : "none so far");
}

/* The terminal's width, so that the line never wraps (a wrapped line is not rewritten by \r). */
static size_t columns(FILE *f)
{
	struct winsize ws;

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
		return ws.ws_col;
	return 80;
}

void collect_progress_show(FILE *f, const struct collect_progress *p)
{
	char el[24], du[24], left[24], line[512];
	size_t width = columns(f);
	int n;

	collect_format_span(el, sizeof(el), p->elapsed_s);
	collect_format_span(du, sizeof(du), p->duration_s);
	collect_format_span(left, sizeof(left), p->duration_s - p->elapsed_s);
	if (p->note != NULL)
		n = snprintf(line, sizeof(line), "collect %s of %s, %llu sample%s; %s", el, du,
			     (unsigned long long)p->samples, p->samples == 1 ? "" : "s", p->note);
	else
		n = snprintf(line, sizeof(line), "collect %s of %s (%s left), %llu sample%s; top "
			     "suspect: %s", el, du, left, (unsigned long long)p->samples,
			     p->samples == 1 ? "" : "s",
			     p->suspect != NULL ? p->suspect : "none so far");
	if (n < 0)
		return;
	/* One column spare: writing the last column moves some terminals' cursor down. */
	if ((size_t)n >= width)
		line[width - 1] = '\0';
	fprintf(f, "\r%s\033[K", line);
	fflush(f);
}

void collect_progress_end(FILE *f)
{
	fputc('\n', f);
	fflush(f);
}
