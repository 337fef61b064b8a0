/* report_html.h: the parts of index.html's writer (page, charts, tables, reduction), shared among its files and the unit test. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_REPORT_HTML_H
#define LW_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/report.h"

/* --- text: escaping and human units (report_html_text.c) --- */

/*
 * Writes s as HTML text or attribute value: & < > " ' become entities; control bytes, DEL and
 * bytes that are not part of valid UTF-8 become a visible "\xNN" (a process name is whatever
 * the process wrote into its comm: the page must show it, not run it). At most max bytes of s.
 */
void lw_rh_esc_n(FILE *f, const char *s, size_t max);
void lw_rh_esc(FILE *f, const char *s);

/* "2026-12-07 16:58:28" (UTC); "-" for 0. */
void lw_rh_fmt_time(char *buf, size_t size, int64_t t);
/* "16:58" or "12-07 16:58" (UTC), with ":05" seconds if asked, for axis labels. */
void lw_rh_fmt_tick(char *buf, size_t size, int64_t t, bool with_date, bool seconds);
/* "2 h 05 min", "3 d 4 h", "42 s". */
void lw_rh_fmt_duration(char *buf, size_t size, int64_t s);

/*
 * A value of a series' unit in human units: KiB and bytes as B/KiB/MiB/GiB (binary), counts with
 * k/M/G past 10,000, hundredths as a decimal, others plain with the unit. A rate (a counter's
 * figures) gets "/s". signed_: a "+" before positive values (deltas, slopes).
 */
void lw_rh_fmt_value(char *buf, size_t size, const char *unit, double v, bool rate, bool signed_);

/* The factor that turns a value of the unit into the one lw_rh_fmt_value shows (KiB -> bytes). */
double lw_rh_unit_scale(const char *unit);

/* --- reduction: about two points per pixel column, spikes kept (report_html_reduce.c) --- */

struct lw_rh_pt {
	int64_t t;
	double min, max, avg;
	bool band;                  /* from the window tier: min/max differ from avg */
	bool newseg;                /* the first point after a gap: the line does not join it */
};

/*
 * Reduces pts (time order) over [t0, t1] split into cols pixel columns. In each column a run of
 * full-resolution points gives at most two: the lowest and the highest sample, in time order, so a
 * one-sample spike survives; window-tier points (n > 1) give one point with the column's min, max
 * and sample-weighted average. A step between two points longer than gap_s (times the samples a
 * window-tier point stands for, twice over: a window may be partly filled), or across one of the
 * report's gaps (sorted by time), starts a new segment: gaps are drawn as gaps, never bridged.
 * out must hold npts points (never more out than in; points outside [t0, t1] are dropped);
 * returns the count.
 */
size_t lw_rh_reduce(const struct lw_report_point *pts, size_t npts, int64_t t0, int64_t t1,
		    unsigned cols, double gap_s, const struct lw_report_gap *gaps, size_t ngaps,
		    struct lw_rh_pt *out);

/* --- charts: inline SVG (report_html_chart.c) --- */

struct lw_rh_axis {
	int64_t t0, t1;             /* the shared time axis of every chart */
	unsigned width;             /* plot width in px (the columns of the reduction) */
};

/* One small-multiple chart of a series as <figure id=id>, drawn on the shared time axis; trend:
 * with the line of its slope (dashed), for a suspect. */
void lw_rh_chart(FILE *f, const struct lw_report *r, const struct lw_report_series *s,
		 const struct lw_rh_axis *ax, const char *id, const char *title, bool trend);

/* --- tables (report_html_tables.c) --- */

/* How many rows a table shows at most; the rest are in the CSV files. */
#define LW_RH_TABLE_ROWS 200

/* The series' object as text: "nginx (pid 1234, started 2026-12-07 16:00:00)". */
void lw_rh_object(FILE *f, const struct lw_report_series *s);

/* The tables sorted by slope with start, end and delta: processes, groups, slab caches, the
 * system's fields by family, multicast. */
void lw_rh_tables(FILE *f, const struct lw_report *r);

/* The alarm history: every raise and clear of the window. */
void lw_rh_alarms(FILE *f, const struct lw_report *r);

#endif
