/* report_html_chart.c: one small-multiple chart as inline SVG: min/max band, average line, gaps, UTC time axis, human units. */
/* SPDX-License-Identifier: ISC */
#include "report/report_html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The plot's frame in px: room on the left for "1023 MiB", below for "12-07 16:00". */
#define ML 72
#define MR 28
#define MT 8
#define PH 110
#define MB 20
#define YTICKS 4

struct frame {
	int64_t t0, t1;
	unsigned w;
	double ylo, yhi;
};

static double xof(const struct frame *fr, int64_t t)
{
	return ML + (double)(t - fr->t0) / (double)(fr->t1 > fr->t0 ? fr->t1 - fr->t0 : 1) * fr->w;
}

static double yof(const struct frame *fr, double v)
{
	return MT + PH - (v - fr->ylo) / (fr->yhi - fr->ylo) * PH;
}

/* A coordinate, short: SVG is most of the page's bytes, a tenth of a pixel is plenty. */
static void coord(FILE *f, double v)
{
	long r = lround(v * 10);

	if (r % 10 == 0)
		fprintf(f, "%ld", r / 10);
	else
		fprintf(f, "%s%ld.%ld", r < 0 ? "-" : "", labs(r) / 10, labs(r) % 10);
}

static void xy(FILE *f, const struct frame *fr, int64_t t, double v)
{
	coord(f, xof(fr, t));
	fputc(' ', f);
	coord(f, yof(fr, v));
}

/* 1, 2 or 5 times a power of ten, at least x. */
static double nice_step(double x)
{
	double p = pow(10, floor(log10(x))), m = x / p;

	return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/*
 * The value axis: about YTICKS round labels. A byte-sized unit steps in round binary multiples
 * (256 MiB, 512 MiB, 1 GiB) so that its labels read as the table's values do.
 */
static double value_step(const char *unit, double lo, double hi)
{
	double scale = lw_rh_unit_scale(unit), shown = (hi - lo) * scale / YTICKS, mag = 1;
	double top = fmax(fabs(lo), fabs(hi)) * scale;

	if (unit != NULL && (strcmp(unit, "KiB") == 0 || strcmp(unit, "bytes") == 0)) {
		/* The magnitude of the largest label, so that 0.5 MiB steps read 512 KiB, 1 MiB,
		 * 1.5 MiB rather than 1000 KiB, 1.46 MiB. */
		while (top / mag >= 1024)
			mag *= 1024;
		return nice_step(shown / mag) * mag / scale;
	}
	return nice_step(shown) / scale;
}

/* The time axis: a step of round UTC minutes, hours or days giving at most ~8 labels. */
static int64_t time_step(int64_t span)
{
	static const int64_t steps[] = { 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800,
					 21600, 43200, 86400, 2 * 86400, 7 * 86400, 14 * 86400,
					 28 * 86400 };
	size_t n = sizeof(steps) / sizeof(steps[0]);

	for (size_t i = 0; i < n; i++)
		if (span / steps[i] <= 8)
			return steps[i];
	return steps[n - 1] * (span / (8 * steps[n - 1]) + 1);
}

static void axes(FILE *f, const struct frame *fr, const struct lw_report_series *s, bool rate,
		 double ystep)
{
	int64_t step = time_step(fr->t1 - fr->t0);
	int64_t prev_day = INT64_MIN;
	char label[48];

	fprintf(f, "<rect class=\"pa\" x=\"%d\" y=\"%d\" width=\"%u\" height=\"%d\"/>", ML, MT,
		fr->w, PH);
	fputs("<path class=\"gr\" d=\"", f);
	for (double v = fr->ylo; v <= fr->yhi + ystep / 2; v += ystep) {
		fprintf(f, "M%d ", ML);
		coord(f, yof(fr, v));
		fprintf(f, "h%u", fr->w);
	}
	for (int64_t t = (fr->t0 + step - 1) / step * step; t <= fr->t1; t += step) {
		fputc('M', f);
		coord(f, xof(fr, t));
		fprintf(f, " %dv%d", MT, PH);
	}
	fputs("\"/>", f);
	for (double v = fr->ylo; v <= fr->yhi + ystep / 2; v += ystep) {
		lw_rh_fmt_value(label, sizeof(label), s->unit, fabs(v) < ystep / 1e6 ? 0 : v, rate,
				false);
		fprintf(f, "<text class=\"yl\" x=\"%d\" y=\"", ML - 4);
		coord(f, yof(fr, v) + 4);
		fputs("\">", f);
		lw_rh_esc(f, label);
		fputs("</text>", f);
	}
	for (int64_t t = (fr->t0 + step - 1) / step * step; t <= fr->t1; t += step) {
		int64_t day = t / 86400;

		lw_rh_fmt_tick(label, sizeof(label), t, step >= 86400 || day != prev_day, step < 60);
		prev_day = day;
		fputs("<text class=\"xl\" x=\"", f);
		coord(f, xof(fr, t));
		fprintf(f, "\" y=\"%d\">%s</text>", MT + PH + 15, label);
	}
}

/* The report's gaps, shaded: "no sample here", not "the value stayed flat". */
static void gaps(FILE *f, const struct frame *fr, const struct lw_report *r)
{
	for (size_t i = 0; i < r->ngaps; i++) {
		const struct lw_report_gap *g = &r->gaps[i];
		int64_t a = g->from > fr->t0 ? g->from : fr->t0, b = g->to < fr->t1 ? g->to : fr->t1;

		if (b <= a)
			continue;
		fputs("<rect class=\"gap\" x=\"", f);
		coord(f, xof(fr, a));
		fprintf(f, "\" y=\"%d\" width=\"", MT);
		coord(f, xof(fr, b) - xof(fr, a) < 1 ? 1 : xof(fr, b) - xof(fr, a));
		fprintf(f, "\" height=\"%d\"><title>", PH);
		lw_rh_esc(f, g->why != NULL ? g->why : "no samples");
		fputs("</title></rect>", f);
	}
}

/* The min/max band of window-tier points: one closed shape per run of them in a segment; a lone
 * point is a vertical stroke. */
static void band(FILE *f, const struct frame *fr, const struct lw_rh_pt *p, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (!p[i].band) {
			i++;
			continue;
		}
		while (j + 1 < n && p[j + 1].band && !p[j + 1].newseg)
			j++;
		if (!any)
			fputs("<path class=\"bd\" d=\"", f);
		any = true;
		fputc('M', f);
		xy(f, fr, p[i].t, p[i].max);
		for (size_t k = i + 1; k <= j; k++) {
			fputc(' ', f);
			xy(f, fr, p[k].t, p[k].max);
		}
		for (size_t k = j + 1; k-- > i;) {
			fputc(' ', f);
			xy(f, fr, p[k].t, p[k].min);
		}
		fputc('Z', f);
		i = j + 1;
	}
	if (any)
		fputs("\"/>", f);
}

/* The average line, broken at every new segment; a one-point segment is a dot (a zero-length
 * subpath drawn with round caps). */
static void line(FILE *f, const struct frame *fr, const struct lw_rh_pt *p, size_t n)
{
	fputs("<path class=\"ln\" d=\"", f);
	for (size_t i = 0; i < n; i++) {
		bool start = i == 0 || p[i].newseg, alone = start && (i + 1 == n || p[i + 1].newseg);

		fputc(start ? 'M' : ' ', f);  /* pairs after a moveto are linetos */
		xy(f, fr, p[i].t, p[i].avg);
		if (alone)
			fputs("h0", f);
	}
	fputs("\"/>", f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The line the slope describes, through the points: the slope is the model's (a robust one),
 * its level the median of each point's value less the slope times its time (the Theil-Sen
 * intercept; Sen 1968), so that a spike moves it no more than it moved the slope. Over the
 * series' own span; false if there is no line to draw.
 */
static bool trend_line(const struct lw_report_series *s, int64_t t0, int64_t t1, int64_t *ta,
		       double *va, int64_t *tb, double *vb)
{
	size_t n = 0, step = s->npts / 4096 + 1;
	double *d, per_s = s->slope_per_h / 3600.0, mid;

	if (s->npts < 2 || !isfinite(per_s))
		return false;
	d = malloc((s->npts / step + 1) * sizeof(*d));
	if (d == NULL)
		return false;
	*ta = INT64_MAX;
	*tb = INT64_MIN;
	for (size_t i = 0; i < s->npts; i += step) {
		const struct lw_report_point *p = &s->pts[i];

		if (p->t < t0 || p->t > t1 || !isfinite(p->avg))
			continue;
		d[n++] = p->avg - per_s * (double)(p->t - t0);
		*ta = p->t < *ta ? p->t : *ta;
		*tb = p->t > *tb ? p->t : *tb;
	}
	if (n > 0 && s->pts[s->npts - 1].t <= t1 && s->pts[s->npts - 1].t > *tb)
		*tb = s->pts[s->npts - 1].t;
	if (n < 2 || *tb <= *ta) {
		free(d);
		return false;
	}
	qsort(d, n, sizeof(*d), cmp_double);
	mid = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	free(d);
	*va = mid + per_s * (double)(*ta - t0);
	*vb = mid + per_s * (double)(*tb - t0);
	return true;
}

void lw_rh_chart(FILE *f, const struct lw_report *r, const struct lw_report_series *s,
		 const struct lw_rh_axis *ax, const char *id, const char *title, bool trend)
{
	int64_t ta = 0, tb = 0;
	double va = 0, vb = 0;
	struct frame fr = { .t0 = ax->t0, .t1 = ax->t1, .w = ax->width ? ax->width : 900 };
	struct lw_rh_pt *red;
	size_t n = s->npts, nred = 0;
	double gap_s = 3.0 * (r->interval_s ? r->interval_s : 60), ystep;

	/* A counter's points are already its rate per second (the model's): drawn as they are. */
	red = malloc((n ? n : 1) * sizeof(*red));
	if (red != NULL)
		nred = lw_rh_reduce(s->pts, n, fr.t0, fr.t1, fr.w, gap_s, r->gaps, r->ngaps, red);

	trend = trend && nred > 0 && trend_line(s, fr.t0, fr.t1, &ta, &va, &tb, &vb);
	fr.ylo = trend ? fmin(va, vb) : INFINITY;
	fr.yhi = trend ? fmax(va, vb) : -INFINITY;
	for (size_t i = 0; i < nred; i++) {
		fr.ylo = fmin(fr.ylo, red[i].min);
		fr.yhi = fmax(fr.yhi, red[i].max);
	}
	if (nred == 0) {
		fr.ylo = 0;
		fr.yhi = 1;
	}
	if (fr.yhi - fr.ylo < 1e-9 * fmax(fabs(fr.yhi), 1)) {
		/* A flat series: a band around its value, so the line sits in the middle. */
		double pad = fmax(fabs(fr.yhi) * 0.05, 1);

		fr.ylo -= pad;
		fr.yhi += pad;
	}
	ystep = value_step(s->unit, fr.ylo, fr.yhi);
	fr.ylo = floor(fr.ylo / ystep) * ystep;
	fr.yhi = ceil(fr.yhi / ystep) * ystep;
	if (fr.yhi <= fr.ylo)
		fr.yhi = fr.ylo + ystep;

	fputs("<figure class=\"chart\" id=\"", f);
	lw_rh_esc(f, id);
	fputs("\" data-kind=\"", f);
	lw_rh_esc(f, s->kind_name);
	fprintf(f, "\" data-pid=\"%u\" data-start-time=\"%lld\" data-name=\"", s->pid,
		(long long)s->start_time);
	lw_rh_esc_n(f, s->name, sizeof(s->name));
	fputs("\" data-metric=\"", f);
	lw_rh_esc(f, s->metric);
	fprintf(f, "\" data-points=\"%zu\" data-drawn=\"%zu\"><figcaption>", s->npts, nred);
	lw_rh_esc(f, title);
	if (s->counter)
		fputs(" <span class=\"note\">(rate per second)</span>", f);
	if (trend) {
		char slope[48];

		lw_rh_fmt_value(slope, sizeof(slope), s->unit, s->slope_per_h, s->counter, true);
		fputs(" <span class=\"note\">dashed: the slope, ", f);
		lw_rh_esc(f, slope);
		fputs("/h</span>", f);
	}
	fprintf(f, "</figcaption><svg viewBox=\"0 0 %u %d\" "
		"width=\"%u\" height=\"%d\" role=\"img\" aria-label=\"", ML + fr.w + MR, MT + PH + MB,
		ML + fr.w + MR, MT + PH + MB);
	lw_rh_esc(f, title);
	fputs("\">", f);
	axes(f, &fr, s, s->counter, ystep);
	gaps(f, &fr, r);
	band(f, &fr, red, nred);
	if (nred > 0)
		line(f, &fr, red, nred);
	else
		fprintf(f, "<text class=\"nd\" x=\"%u\" y=\"%d\">no samples in the window</text>",
			ML + fr.w / 2, MT + PH / 2);
	if (trend) {
		fputs("<path class=\"tr\" d=\"M", f);
		xy(f, &fr, ta, va);
		fputc(' ', f);
		xy(f, &fr, tb, vb);
		fputs("\"/>", f);
	}
	fputs("</svg></figure>\n", f);
	free(red);
}
