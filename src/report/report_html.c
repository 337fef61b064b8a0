/* report_html.c: index.html, one self-contained page: how complete the data is, the suspects, their charts, the tables, the alarms. */
/* SPDX-License-Identifier: ISC */
#include "report/report_html.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "history/history_kinds.h"

/* Rows of the suspects panel and charts of suspects: a host where everything grows needs the
 * first few dozen to be read, and the CSV files hold the rest. */
#define SUSPECT_ROWS 100
#define SUSPECT_CHARTS 40
/* The first of the ranking are charted whatever their verdict: a short window may leave every
 * series learning, and the reader still wants to see what grew most. */
#define RANKED_CHARTS 8

#define PL(n) ((n) == 1 ? "" : "s")

/*
 * The page's style and its one script. Both go through the Content-Security-Policy by their
 * SHA-256 (CSP Level 2, "hash-source"), and nothing else may load or run: a process name that
 * slipped past escaping could still not fetch or run anything, and a reader can check the page
 * asks for nothing by reading its first lines.
 */
static const char css[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 12px;"
	"color:#1d1d1f;background:#fff}"
	"h1{font-size:22px;margin:16px 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:1px solid #ccc}h3{font-size:15px;margin:18px 0 4px}"
	"nav a{margin-right:12px}"
	"table{border-collapse:collapse;margin:6px 0;font-size:13px}"
	"th,td{padding:2px 6px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}"
	"th{background:#f3f3f5;cursor:pointer}th.grp{text-align:center;cursor:default;"
	"border-left:1px solid #ddd}.tw{overflow-x:auto}"
	"td.n,th.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
	"td.nm{max-width:360px;overflow-wrap:anywhere}td.tm{white-space:nowrap}"
	".up{color:#b00020}.note{color:#666;font-size:12px}"
	"tr.sus{background:#fff4e5}"
	".v3{background:#b00020;color:#fff}.v2{background:#f0a000}.v1{background:#ddd}"
	".vb{padding:0 5px;border-radius:3px;font-size:12px}"
	"dl.sum{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:8px 0}"
	"dl.sum dt{color:#555}dl.sum dd{margin:0}"
	".warn{color:#b00020}"
	"pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:400px;font-size:12px}"
	"figure.chart{margin:4px 0 10px}figcaption{font-size:13px;margin-left:72px}"
	"svg{display:block;max-width:100%;height:auto}"
	"svg text{font-size:11px;fill:#444}text.yl{text-anchor:end}text.xl{text-anchor:middle}"
	"text.nd{text-anchor:middle;fill:#999}"
	".pa{fill:#fcfcfd;stroke:#bbb}.gr{stroke:#e6e6e6;fill:none}"
	".gap{fill:#e8e8e8}.bd{fill:#9ec5ee;stroke:#9ec5ee;stroke-width:1}"
	".ln{fill:none;stroke:#1f5fa8;stroke-width:1.3;stroke-linejoin:round;"
	"stroke-linecap:round}"
	".tr{fill:none;stroke:#b00020;stroke-width:1.2;stroke-dasharray:6 4}";

/* Sortable tables: a click on a heading sorts its table by that column, numbers by the raw value
 * in data-v. Without JavaScript the tables stay in the order they were written (by slope). */
static const char js[] =
	"document.querySelectorAll('table.sort th:not([colspan])').forEach(function(h){"
	"h.addEventListener('click',function(){"
	"var b=h.closest('table').tBodies[0],d=h.dataset.d==='-1'?1:-1,"
	"i=h.dataset.col!==undefined?+h.dataset.col:h.cellIndex;"
	"h.dataset.d=String(d);"
	"var rows=Array.prototype.slice.call(b.rows);"
	"rows.sort(function(x,y){var a=x.cells[i],c=y.cells[i];if(!a||!c)return 0;"
	"var u=a.dataset.v,w=c.dataset.v;"
	"if(u!==undefined&&w!==undefined){if(u===w)return 0;if(u==='')return 1;if(w==='')return -1;"
	"return d*(parseFloat(u)-parseFloat(w));}"
	"return d*a.textContent.localeCompare(c.textContent);});"
	"rows.forEach(function(r){b.appendChild(r);});});});";

static int sha256_b64(const char *text, char *out, size_t size)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (size < 45 || EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
	return 0;
}

static const char *verdict_name(enum lw_report_verdict v)
{
	switch (v) {
	case LW_RV_LEAKING: return "leaking";
	case LW_RV_SUSPECT: return "suspect";
	case LW_RV_LEARNING: return "learning";
	default: return "-";
	}
}

static const char *kind_label(const struct lw_report_series *s)
{
	switch (s->kind) {
	case LW_HK_PROC: return "process";
	case LW_HK_GROUP: return "group";
	case LW_HK_SLAB: return "slab cache";
	case LW_HK_MCAST: return "multicast";
	case LW_HK_SYS: return "system";
	default: return s->kind_name != NULL ? s->kind_name : "?";
	}
}

/* "RSS of nginx (pid 1234)": a chart's title, plain text (escaped when written). */
static void series_title(char *buf, size_t size, const struct lw_report_series *s)
{
	if (s->kind == LW_HK_PROC)
		snprintf(buf, size, "%s of %.*s (pid %u)", s->metric ? s->metric : "?",
			 (int)sizeof(s->name), s->name, s->pid);
	else if (s->kind == LW_HK_SYS)
		snprintf(buf, size, "%.*s", (int)sizeof(s->name), s->name);
	else
		snprintf(buf, size, "%s of %s %.*s", s->metric ? s->metric : "?", kind_label(s),
			 (int)sizeof(s->name), s->name);
}

static void head(FILE *f, const struct lw_report *r)
{
	char hcss[64] = "", hjs[64] = "";

	sha256_b64(css, hcss, sizeof(hcss));
	sha256_b64(js, hjs, sizeof(hjs));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n", f);
	fprintf(f, "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		"style-src 'sha256-%s'; script-src 'sha256-%s'; img-src data:\">\n", hcss, hjs);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"leakwatch report\">\n"
	      "<link rel=\"icon\" href=\"data:,\">\n<title>leakwatch report: ", f);
	lw_rh_esc_n(f, r->db_path, sizeof(r->db_path));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
}

/* --- the header: how complete the data is --- */

/* The cost of watching: the writer's own RSS and CPU over the window (the model's, per run). */
static void own_cost_cells(FILE *f, const struct lw_report_run *u)
{
	char a[48], b[48];

	if (u->self_rss_kb >= 0) {
		lw_rh_fmt_value(a, sizeof(a), "KiB", (double)u->self_rss_kb, false, false);
		lw_rh_fmt_value(b, sizeof(b), "KiB", (double)u->self_rss_kb_max, false, false);
		fprintf(f, "<td class=\"n\" data-v=\"%lld\">%s, %s</td>", (long long)u->self_rss_kb,
			a, b);
	} else {
		fputs("<td class=\"n\">-</td>", f);
	}
	if (u->self_cpu_pct >= 0)
		fprintf(f, "<td class=\"n\" data-v=\"%.4f\">%.2f %%</td>", u->self_cpu_pct,
			u->self_cpu_pct);
	else
		fputs("<td class=\"n\">-</td>", f);
}

static void runs_table(FILE *f, const struct lw_report *r)
{
	fputs("<table id=\"runs\"><thead><tr><th>program</th><th>version</th><th class=\"n\">pid"
	      "</th><th>started (UTC)</th><th>stopped (UTC)</th><th class=\"n\">interval</th>"
	      "<th>boot</th><th class=\"n\">own RSS (last, max)</th><th class=\"n\">own CPU</th>"
	      "</tr></thead><tbody>\n", f);
	for (size_t i = 0; i < r->nruns; i++) {
		const struct lw_report_run *u = &r->runs[i];
		char a[32], b[32];

		lw_rh_fmt_time(a, sizeof(a), u->start_t);
		lw_rh_fmt_time(b, sizeof(b), u->stop_t);
		fputs("<tr><td>", f);
		lw_rh_esc_n(f, u->program, sizeof(u->program));
		fputs("</td><td>", f);
		lw_rh_esc_n(f, u->version, sizeof(u->version));
		fprintf(f, "</td><td class=\"n\">%u</td><td>%s</td><td>", u->pid, a);
		if (u->stop_t != 0)
			fputs(b, f);
		else if (u->crashed)
			fputs("<span class=\"warn\">never stopped cleanly (killed or crashed); the "
			      "next start recovered the history</span>", f);
		else
			fputs("running, or killed", f);
		fprintf(f, "</td><td class=\"n\">%u s</td><td>", u->interval_s);
		lw_rh_esc_n(f, u->boot_id, 8);
		if (u->reboot_before)
			fputs(" <span class=\"warn\">host rebooted before</span>", f);
		fputs("</td>", f);
		own_cost_cells(f, u);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void gaps_table(FILE *f, const struct lw_report *r)
{
	fputs("<table id=\"gaps\"><thead><tr><th>from (UTC)</th><th>to (UTC)</th>"
	      "<th class=\"n\">length</th><th>why</th></tr></thead><tbody>\n", f);
	for (size_t i = 0; i < r->ngaps; i++) {
		const struct lw_report_gap *g = &r->gaps[i];
		char a[32], b[32], d[40];

		lw_rh_fmt_time(a, sizeof(a), g->from);
		lw_rh_fmt_time(b, sizeof(b), g->to);
		lw_rh_fmt_duration(d, sizeof(d), g->to - g->from);
		fprintf(f, "<tr><td>%s</td><td>%s</td><td class=\"n\" data-v=\"%lld\">%s</td><td>",
			a, b, (long long)(g->to - g->from), d);
		lw_rh_esc(f, g->why != NULL ? g->why : "");
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

static void own_cost(FILE *f, const struct lw_report *r)
{
	bool any = false;

	for (size_t i = 0; i < r->nruns; i++) {
		const struct lw_report_run *u = &r->runs[i];
		char a[48], b[48];

		if (u->self_rss_kb < 0 && u->self_cpu_pct < 0)
			continue;
		fputs(any ? "<br>" : "<dt>own cost</dt><dd id=\"own-cost\">", f);
		any = true;
		lw_rh_esc_n(f, u->program, sizeof(u->program));
		fprintf(f, " pid %u:", u->pid);
		if (u->self_rss_kb >= 0) {
			lw_rh_fmt_value(a, sizeof(a), "KiB", (double)u->self_rss_kb, false, false);
			lw_rh_fmt_value(b, sizeof(b), "KiB", (double)u->self_rss_kb_max, false, false);
			fprintf(f, " RSS %s (at most %s)", a, b);
		}
		if (u->self_cpu_pct >= 0)
			fprintf(f, ", CPU %.2f %% of one core over the window", u->self_cpu_pct);
	}
	if (any)
		fputs("</dd>\n", f);
}

static void configs(FILE *f, const struct lw_report *r)
{
	const char *prev = NULL;

	for (size_t i = 0; i < r->nruns; i++) {
		const char *c = r->runs[i].config;
		char when[32];

		if (c == NULL || (prev != NULL && strcmp(prev, c) == 0))
			continue;
		lw_rh_fmt_time(when, sizeof(when), r->runs[i].start_t);
		fprintf(f, "<details class=\"cfg\"><summary>configuration in force from %s "
			"(pid %u)</summary><pre>", when, r->runs[i].pid);
		lw_rh_esc(f, c);
		fputs("</pre></details>\n", f);
		prev = c;
	}
	if (prev == NULL)
		fputs("<p class=\"note\">No configuration recorded in the history.</p>\n", f);
}

static void header(FILE *f, const struct lw_report *r)
{
	int64_t span = r->to - r->from, missing = 0;
	char a[32], b[32], d[40], g[40];

	for (size_t i = 0; i < r->ngaps; i++) {
		int64_t lo = r->gaps[i].from > r->from ? r->gaps[i].from : r->from;
		int64_t hi = r->gaps[i].to < r->to ? r->gaps[i].to : r->to;

		missing += hi > lo ? hi - lo : 0;
	}
	lw_rh_fmt_time(a, sizeof(a), r->from);
	lw_rh_fmt_time(b, sizeof(b), r->to);
	lw_rh_fmt_duration(d, sizeof(d), span);
	lw_rh_fmt_duration(g, sizeof(g), missing);
	fputs("<header><h1>leakwatch report</h1>\n<nav><a href=\"#completeness\">data</a>"
	      "<a href=\"#suspects\">suspects</a><a href=\"#charts\">charts</a>"
	      "<a href=\"#tables\">tables</a><a href=\"#alarms\">alarms</a></nav></header>\n", f);
	fputs("<section id=\"completeness\"><h2>How complete the data is</h2>\n", f);
	for (size_t i = 0; i < r->nnotes && i < sizeof(r->notes) / sizeof(r->notes[0]); i++) {
		fputs("<p class=\"warn\">", f);
		lw_rh_esc_n(f, r->notes[i], sizeof(r->notes[i]));
		fputs("</p>\n", f);
	}
	if (r->immutable)
		fputs("<p class=\"warn\">The history was read as an unchanging file (read-only): had a "
		      "writer changed it meanwhile, the report would not show it.</p>\n", f);
	fputs("<dl class=\"sum\">", f);
	fprintf(f, "<dt>window (UTC)</dt><dd id=\"window\" data-from=\"%lld\" data-to=\"%lld\">%s "
		"&rarr; %s (%s)", (long long)r->from, (long long)r->to, a, b, d);
	if (r->data_from != 0 && (r->data_from < r->from || r->data_to > r->to)) {
		lw_rh_fmt_time(a, sizeof(a), r->data_from);
		lw_rh_fmt_time(b, sizeof(b), r->data_to);
		fprintf(f, " <span class=\"note\">of a history from %s to %s</span>", a, b);
	}
	fputs("</dd>\n", f);
	fprintf(f, "<dt>samples</dt><dd id=\"samples\" data-cycles=\"%zu\" data-windows=\"%zu\">"
		"%zu at full resolution, every %u s", r->cycles, r->windows, r->cycles,
		r->interval_s);
	if (r->full_from != 0 && r->cycles > 0) {
		lw_rh_fmt_time(a, sizeof(a), r->full_from);
		fprintf(f, " from %s", a);
	}
	if (r->windows > 0) {
		lw_rh_fmt_duration(d, sizeof(d), r->window_s);
		fprintf(f, "; before that %zu windows of %s (their min, max and average)", r->windows,
			d);
	}
	fputs("</dd>\n", f);
	fprintf(f, "<dt>gaps</dt><dd id=\"ngaps\" data-v=\"%zu\">%s%zu gap%s, %s without samples "
		"(%.1f %% of the window)%s</dd>\n", r->ngaps, r->ngaps ? "<span class=\"warn\">" : "",
		r->ngaps, PL(r->ngaps), g, span > 0 ? 100.0 * (double)missing / (double)span : 0.0,
		r->ngaps ? "</span>" : "");
	fprintf(f, "<dt>runs</dt><dd id=\"nruns\" data-runs=\"%zu\" data-restarts=\"%u\" "
		"data-reboots=\"%u\" data-crashes=\"%u\">%zu run%s of the history's writer: "
		"%u restart%s, %u host reboot%s, %u recover%s after a crash or kill</dd>\n", r->nruns,
		r->restarts, r->reboots, r->crashes, r->nruns, PL(r->nruns), r->restarts,
		PL(r->restarts), r->reboots, PL(r->reboots), r->crashes,
		r->crashes == 1 ? "y" : "ies");
	own_cost(f, r);
	fprintf(f, "<dt>series</dt><dd>%zu</dd>\n<dt>database</dt><dd>", r->nseries);
	lw_rh_esc_n(f, r->db_path, sizeof(r->db_path));
	lw_rh_fmt_time(a, sizeof(a), r->generated_t);
	fprintf(f, " (schema version %d)</dd>\n<dt>generated (UTC)</dt><dd>%s</dd></dl>\n",
		r->schema_version, a);
	if (r->nruns > 0) {
		fputs("<h3>Runs of the history's writer</h3>\n", f);
		runs_table(f, r);
	}
	if (r->ngaps > 0) {
		fputs("<h3>Gaps</h3>\n", f);
		gaps_table(f, r);
	}
	configs(f, r);
	fputs("</section>\n", f);
}

/* --- the suspects panel --- */

static bool judged(const struct lw_report_series *s)
{
	return s->verdict == LW_RV_LEAKING || s->verdict == LW_RV_SUSPECT;
}

/* Which ranks of r->suspects get a chart: every judged one up to SUSPECT_CHARTS, and the first
 * RANKED_CHARTS whatever their verdict. One decision for the panel's links and the charts. */
static bool *chart_ranks(const struct lw_report *r)
{
	bool *c = calloc(r->nsuspects ? r->nsuspects : 1, sizeof(*c));
	size_t n = 0;

	for (size_t i = 0; c != NULL && i < r->nsuspects; i++) {
		if (r->suspects[i] >= r->nseries)
			continue;
		if (judged(&r->series[r->suspects[i]]) && n < SUSPECT_CHARTS) {
			c[i] = true;
			n++;
		}
		c[i] |= i < RANKED_CHARTS;
	}
	return c;
}

static void value_cell(FILE *f, const struct lw_report_series *s, double v, bool signed_,
		       const char *suffix)
{
	char buf[48];

	if (!isfinite(v)) {
		fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		return;
	}
	lw_rh_fmt_value(buf, sizeof(buf), s->unit, v, s->counter, signed_);
	fprintf(f, "<td class=\"n%s\" data-v=\"%.17g\">", signed_ && v > 0 ? " up" : "", v);
	lw_rh_esc(f, buf);  /* a unit's name comes from the model */
	fprintf(f, "%s</td>", suffix);
}

static void suspects(FILE *f, const struct lw_report *r, const bool *charted)
{
	size_t verdicts = 0, shown = r->nsuspects < SUSPECT_ROWS ? r->nsuspects : SUSPECT_ROWS;

	for (size_t i = 0; i < r->nsuspects; i++)
		if (r->suspects[i] < r->nseries && judged(&r->series[r->suspects[i]]))
			verdicts++;
	fprintf(f, "<section id=\"suspects\"><h2>Suspects</h2>\n<p>%zu series judged leaking or "
		"suspect by the detector (replayed over the window); ranked by robust slope. ",
		verdicts);
	if (shown < r->nsuspects)
		fprintf(f, "The first %zu of %zu are shown; the CSV files have them all.", shown,
			r->nsuspects);
	fputs("</p>\n", f);
	if (r->nsuspects == 0) {
		fputs("<p id=\"no-suspects\">Nothing grew enough to be ranked.</p></section>\n", f);
		return;
	}
	fputs("<table class=\"sort\" id=\"suspect-table\"><thead><tr><th class=\"n\">#</th>"
	      "<th>verdict</th><th>kind</th><th>object</th><th>metric</th><th class=\"n\">start"
	      "</th><th class=\"n\">end</th><th class=\"n\">\xce\x94</th><th class=\"n\">slope</th>"
	      "<th class=\"n\">growing</th><th class=\"n\">exhaustion</th><th>chart</th></tr>"
	      "</thead><tbody>\n", f);
	for (size_t i = 0; i < shown; i++) {
		size_t idx = r->suspects[i];
		const struct lw_report_series *s;

		if (idx >= r->nseries)
			continue;
		s = &r->series[idx];
		fprintf(f, "<tr class=\"suspect\" data-series=\"%zu\" data-verdict=\"%s\" "
			"data-kind=\"", idx, verdict_name(s->verdict));
		lw_rh_esc(f, s->kind_name);
		fprintf(f, "\" data-pid=\"%u\" data-start-time=\"%lld\" data-name=\"", s->pid,
			(long long)s->start_time);
		lw_rh_esc_n(f, s->name, sizeof(s->name));
		fputs("\" data-metric=\"", f);
		lw_rh_esc(f, s->metric);
		fprintf(f, "\" data-start=\"%.17g\" data-end=\"%.17g\" data-slope=\"%.17g\">"
			"<td class=\"n\" data-v=\"%zu\">%zu</td><td data-v=\"%d\"><span class=\"vb v%d\">"
			"%s</span></td><td>", s->start, s->end, s->slope_per_h, i + 1, i + 1,
			(int)s->verdict, (int)s->verdict, verdict_name(s->verdict));
		lw_rh_esc(f, kind_label(s));
		fputs("</td><td class=\"nm\">", f);
		lw_rh_object(f, s);
		fputs("</td><td>", f);
		lw_rh_esc(f, s->metric);
		fputs("</td>", f);
		value_cell(f, s, s->start, false, "");
		value_cell(f, s, s->end, false, "");
		value_cell(f, s, s->delta, true, "");
		value_cell(f, s, s->slope_per_h, true, "/h");
		if (isfinite(s->growing_share))
			fprintf(f, "<td class=\"n\" data-v=\"%.4f\">%.0f %%</td>", s->growing_share,
				s->growing_share * 100);
		else
			fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		if (s->exhaustion_s >= 0) {
			char d[40];

			lw_rh_fmt_duration(d, sizeof(d), s->exhaustion_s);
			fprintf(f, "<td class=\"n\" data-v=\"%lld\">%s", (long long)s->exhaustion_s, d);
			if (s->limit_name != NULL) {
				fputs(" <span class=\"note\">(", f);
				lw_rh_esc(f, s->limit_name);
				fputs(")</span>", f);
			}
			fputs("</td>", f);
		} else {
			fputs("<td class=\"n\" data-v=\"\">-</td>", f);
		}
		if (charted != NULL && charted[i]) {
			fprintf(f, "<td><a href=\"#c-%zu\">chart</a></td>", idx);
		} else {
			fputs("<td></td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

/* --- the charts: the suspects', then the host's memory, on one time axis --- */

static bool host_memory(const struct lw_report_series *s)
{
	static const char *const fields[] = { "mem_available_kb", "mem_free_kb", "slab_kb",
					      "sunreclaim_kb", "swap_free_kb", "anon_kb",
					      "committed_as_kb" };

	if (s->kind != LW_HK_SYS)
		return false;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(s->name, fields[i]) == 0)
			return true;
	return false;
}

static void charts(FILE *f, const struct lw_report *r, const struct lw_report_opts *o,
		   const bool *charted)
{
	struct lw_rh_axis ax = { .t0 = r->from, .t1 = r->to,
				 .width = o != NULL && o->chart_width_px ? o->chart_width_px : 900 };
	size_t n = 0, verdicts = 0, n_judged = 0;
	char id[32], title[200];

	fputs("<section id=\"charts\"><h2>Charts</h2>\n<p class=\"note\">One time axis (UTC) for "
	      "every chart. Past full resolution the band is each window's min and max and the line "
	      "its average; grey stretches have no samples.</p>\n<h3>Suspects</h3>\n", f);
	for (size_t i = 0; i < r->nsuspects; i++) {
		size_t idx = r->suspects[i];

		if (idx >= r->nseries)
			continue;
		verdicts += judged(&r->series[idx]);
		if (charted == NULL || !charted[i])
			continue;
		snprintf(id, sizeof(id), "c-%zu", idx);
		series_title(title, sizeof(title), &r->series[idx]);
		lw_rh_chart(f, r, &r->series[idx], &ax, id, title, true);
		n_judged += judged(&r->series[idx]);
		n++;
	}
	if (n == 0)
		fputs("<p>No suspect.</p>\n", f);
	if (verdicts > n_judged)
		fprintf(f, "<p class=\"note\">%zu more suspects are not charted; their points are in "
			"the CSV files.</p>\n", verdicts - n_judged);
	fputs("<h3 id=\"host-memory\">Host memory</h3>\n", f);
	for (size_t i = 0; i < r->nseries; i++) {
		if (!host_memory(&r->series[i]))
			continue;
		snprintf(id, sizeof(id), "m-%zu", i);
		series_title(title, sizeof(title), &r->series[i]);
		lw_rh_chart(f, r, &r->series[i], &ax, id, title, false);
	}
	fputs("</section>\n", f);
}

int lw_report_write_html(const struct lw_report *r, const struct lw_report_opts *o, FILE *f,
			 struct lw_error *err)
{
	bool *charted = chart_ranks(r);  /* NULL (no memory): no suspect's chart */

	head(f, r);
	header(f, r);
	suspects(f, r, charted);
	charts(f, r, o, charted);
	free(charted);
	lw_rh_tables(f, r);
	lw_rh_alarms(f, r);
	fprintf(f, "<footer class=\"note\"><p>Written by leakwatch report. All times UTC.</p>"
		"</footer>\n<script>%s</script>\n</body></html>\n", js);
	if (fflush(f) != 0 || ferror(f))
		return lw_error_set(err, errno ? errno : EIO, "writing index.html: %s",
				    strerror(errno ? errno : EIO));
	return 0;
}
