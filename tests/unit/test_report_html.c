/* test_report_html.c: index.html from a synthetic report: hostile names escaped, spikes kept, gaps kept, nothing loaded from outside, tags balanced. */
/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "history/history_kinds.h"
#include "report/report.h"
#include "report/report_html.h"

/* What a process may put in its comm (16 bytes) or, for a group, in its name: markup, quotes,
 * an ampersand, control bytes, a byte that is not UTF-8. */
static const char hostile[] = "<script>alert(\"x\")</script>'&\x01\n\x7f\xff<img src=x>";

#define T0 1800000000
#define NPTS 7200

struct fixture {
	struct lw_report r;
	struct lw_report_series s[6];
	struct lw_report_point *pts[6];
	struct lw_report_run runs[2];
	struct lw_report_gap gaps[1];
	struct lw_report_event ev[2];
	size_t suspects[3];
};

static void series(struct fixture *fx, size_t i, int kind, const char *kind_name, uint32_t pid,
		   const char *name, const char *metric, const char *unit, size_t n)
{
	struct lw_report_series *s = &fx->s[i];

	s->kind = kind;
	s->kind_name = kind_name;
	s->pid = pid;
	s->start_time = pid ? T0 - 100 : 0;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->metric = metric;
	s->unit = unit;
	fx->pts[i] = calloc(n, sizeof(*fx->pts[i]));
	assert_non_null(fx->pts[i]);
	s->pts = fx->pts[i];
	s->npts = n;
	s->exhaustion_s = -1;
}

/* A 2-hour window sampled every second, but for a gap of 10 minutes in its middle. */
static struct fixture *make(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct lw_report *r;

	assert_non_null(fx);
	r = &fx->r;
	snprintf(r->db_path, sizeof(r->db_path), "/var/lib/leakwatch/%s.db", hostile);
	r->from = T0;
	r->to = T0 + 7200;
	r->interval_s = 1;
	r->cycles = NPTS - 600;
	r->schema_version = 2;
	r->generated_t = T0 + 7300;
	r->runs = fx->runs;
	r->nruns = 2;
	snprintf(fx->runs[0].program, sizeof(fx->runs[0].program), "leakwatchd");
	snprintf(fx->runs[0].boot_id, sizeof(fx->runs[0].boot_id), "aaaa");
	fx->runs[0].start_t = T0 - 10;
	fx->runs[0].pid = 42;
	fx->runs[0].interval_s = 1;
	fx->runs[0].config = (char *)"interval 1\nprocess_name \"<evil>\"\n";
	fx->runs[0].self_rss_kb = 20480;
	fx->runs[0].self_rss_kb_max = 21000;
	fx->runs[0].self_cpu_pct = 0.42;
	fx->runs[1] = fx->runs[0];
	fx->runs[0].crashed = true;
	fx->runs[1].start_t = T0 + 4000;
	fx->runs[1].pid = 43;
	fx->runs[1].self_rss_kb = fx->runs[1].self_rss_kb_max = -1;
	fx->runs[1].self_cpu_pct = -1;
	r->restarts = 1;
	r->crashes = 1;
	snprintf(r->notes[0], sizeof(r->notes[0]), "a note with %s", hostile);
	r->nnotes = 1;
	fx->gaps[0] = (struct lw_report_gap){ T0 + 3400, T0 + 4000, "after a crash" };
	r->gaps = fx->gaps;
	r->ngaps = 1;
	fx->ev[0] = (struct lw_report_event){ .t = T0 + 100, .raise = true, .alarm_index = 1,
					      .value = 5, .threshold = 3 };
	snprintf(fx->ev[0].type, sizeof(fx->ev[0].type), "procRss");
	snprintf(fx->ev[0].object, sizeof(fx->ev[0].object), "%s", hostile);
	fx->ev[1] = fx->ev[0];
	fx->ev[1].raise = false;
	fx->ev[1].t = T0 + 200;
	r->events = fx->ev;
	r->nevents = 2;

	/* 0: the hostile process, leaking 1 MiB/h, with a one-sample spike; 1: its CPU. */
	series(fx, 0, LW_HK_PROC, "process", 4242, hostile, "rss_kb", "KiB", NPTS);
	series(fx, 1, LW_HK_PROC, "process", 4242, hostile, "cpu_ticks", "ticks", NPTS);
	fx->s[0].npts = fx->s[1].npts = 0;
	for (int64_t t = T0; t < T0 + NPTS; t++) {
		size_t k = fx->s[0].npts;
		double v = 100000 + (double)(t - T0) * 1024 / 3600;

		if (t >= T0 + 3400 && t < T0 + 4000)
			continue;
		if (k == 1234)
			v = 900000;
		fx->pts[0][k] = (struct lw_report_point){ t, v, v, v, 1 };
		fx->pts[1][k] = (struct lw_report_point){ t, (double)k, (double)k, (double)k, 1 };
		fx->s[0].npts = fx->s[1].npts = k + 1;
	}
	fx->s[0].start = 100000;
	fx->s[0].end = 102048;
	fx->s[0].delta = 2048;
	fx->s[0].slope_per_h = 1024;
	fx->s[0].growing_share = 0.6;
	fx->s[0].verdict = LW_RV_LEAKING;
	fx->s[0].exhaustion_s = 86400 * 3;
	fx->s[0].limit_name = "MemAvailable";
	fx->s[1].counter = true;
	/* 2: a group from the window tier (min/max/avg of 60 samples). */
	series(fx, 2, LW_HK_GROUP, "group", 0, "workers", "rss_kb", "KiB", 120);
	for (size_t i = 0; i < 120; i++)
		fx->pts[2][i] = (struct lw_report_point){ T0 + (int64_t)i * 60, 10.0 * (double)i,
							  10.0 * (double)i + 500,
							  10.0 * (double)i + 200, 60 };
	fx->s[2].verdict = LW_RV_SUSPECT;
	fx->s[2].slope_per_h = 600;
	/* 3, 4: system fields; 5: a slab cache. */
	series(fx, 3, LW_HK_SYS, "system", 0, "mem_available_kb", "value", "KiB", 2);
	fx->pts[3][0] = (struct lw_report_point){ T0, 4e6, 4e6, 4e6, 1 };
	fx->pts[3][1] = (struct lw_report_point){ T0 + 7200, 3.9e6, 3.9e6, 3.9e6, 1 };
	series(fx, 4, LW_HK_SYS, "system", 0, "tcp_orphans", "value", "count", 1);
	/* A slab cache whose every string is the file's: its kind's, metric's and unit's names too. */
	series(fx, 5, LW_HK_SLAB, "sl<ab>", 0, hostile, "<b>m\"", "<i>u'", 1);
	fx->pts[5][0] = (struct lw_report_point){ T0 + 60, 1, 1, 1, 1 };
	fx->s[5].start = 1;
	fx->s[5].end = 2;
	fx->s[5].slope_per_h = 3;
	r->series = fx->s;
	r->nseries = 6;
	fx->suspects[0] = 0;
	fx->suspects[1] = 2;
	fx->suspects[2] = 5;
	r->suspects = fx->suspects;
	r->nsuspects = 3;
	return fx;
}

static void unmake(struct fixture *fx)
{
	for (size_t i = 0; i < 6; i++)
		free(fx->pts[i]);
	free(fx);
}

static char *page(const struct lw_report *r, size_t *len)
{
	struct lw_report_opts o = { .chart_width_px = 600 };
	struct lw_error err = { 0 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(lw_report_write_html(r, &o, f, &err), 0);
	fclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

static void hostile_names_are_escaped(void **state)
{
	struct fixture *fx = make();
	size_t len;
	char *html = page(&fx->r, &len);

	(void)state;
	/* The only script is the page's own, and no tag comes from a name. */
	assert_int_equal(count(html, "<script"), 1);
	assert_int_equal(count(html, "<img"), 0);
	assert_int_equal(count(html, "<b>"), 0);
	assert_int_equal(count(html, "<i>"), 0);
	assert_int_equal(count(html, "<ab>"), 0);
	assert_non_null(strstr(html, "&lt;b&gt;m&quot;"));
	assert_non_null(strstr(html, "&lt;i&gt;u&#39;"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;"
				     "\\x01\\x0a\\x7f\\xff&lt;img src=x&gt;"));
	/* No control byte but newlines and tabs; no byte that is not UTF-8. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)html[i];

		assert_false((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || c == 0xff);
	}
	free(html);
	unmake(fx);
}

static void reduction_keeps_a_one_sample_spike(void **state)
{
	enum { N = 100000, COLS = 500 };
	struct lw_report_point *p = calloc(N, sizeof(*p));
	struct lw_rh_pt *out = calloc(N, sizeof(*out));
	size_t n, spikes = 0;

	(void)state;
	assert_non_null(p);
	assert_non_null(out);
	for (size_t i = 0; i < N; i++)
		p[i] = (struct lw_report_point){ (int64_t)i, 10, 10, 10, 1 };
	p[54321].min = p[54321].max = p[54321].avg = 1000;
	p[77777].min = p[77777].max = p[77777].avg = -5;
	n = lw_rh_reduce(p, N, 0, N - 1, COLS, 3, NULL, 0, out);
	assert_true(n <= 2 * COLS);
	assert_true(n >= COLS);
	for (size_t i = 0; i < n; i++) {
		spikes += out[i].avg == 1000 && out[i].t == 54321;
		spikes += out[i].avg == -5 && out[i].t == 77777;
		assert_false(out[i].band);
		if (i > 0)
			assert_true(out[i].t > out[i - 1].t);
		assert_int_equal(out[i].newseg, i == 0);
	}
	assert_int_equal(spikes, 2);
	free(p);
	free(out);
}

static void reduction_keeps_gaps_and_bands(void **state)
{
	struct lw_report_point p[300];
	struct lw_rh_pt out[300];
	struct lw_report_gap g = { 1000, 1100, "leakwatchd not running" };
	size_t n, segs = 0;

	(void)state;
	/* 100 samples every 10 s, nothing for 500 s, 100 more: two segments. */
	for (size_t i = 0; i < 200; i++) {
		double v = (double)i;

		p[i] = (struct lw_report_point){ (int64_t)(i * 10 + (i >= 100 ? 500 : 0)), v, v, v, 1 };
	}
	n = lw_rh_reduce(p, 200, 0, 2500, 1000, 30, NULL, 0, out);
	assert_int_equal(n, 200);
	for (size_t i = 0; i < n; i++)
		segs += out[i].newseg;
	assert_int_equal(segs, 2);
	assert_true(out[100].newseg);
	/* A gap the runs tell about breaks the line even when the step is not long. */
	for (size_t i = 0; i < 200; i++)
		p[i].t = (int64_t)(i * 10 + (i >= 100 ? 110 : 0));
	n = lw_rh_reduce(p, 200, 0, 3000, 1000, 1000, &g, 1, out);
	segs = 0;
	for (size_t i = 0; i < n; i++)
		segs += out[i].newseg;
	assert_int_equal(segs, 2);
	assert_true(out[100].newseg);
	n = lw_rh_reduce(p, 200, 0, 3000, 1000, 1000, NULL, 0, out);
	assert_int_equal(out[0].newseg + out[100].newseg, 1);
	/* Window-tier points: one per column with the column's min and max, weighted average. */
	for (size_t i = 0; i < 300; i++)
		p[i] = (struct lw_report_point){ (int64_t)i * 60, (double)i, (double)i + 10,
						 (double)i + 1, 60 };
	n = lw_rh_reduce(p, 300, 0, 299 * 60, 100, 1, NULL, 0, out);
	assert_true(n <= 100);
	assert_true(out[0].band);
	assert_true(out[0].min == 0);
	assert_true(out[0].max >= 12);
	for (size_t i = 1; i < n; i++)
		assert_false(out[i].newseg);
	assert_int_equal(n, 100);
}

/* The value of an attribute at p (just past '='), quoted or not. */
static void attr_value(const char *p, char *out, size_t size)
{
	char q = *p == '"' || *p == '\'' ? *p++ : 0;
	size_t n = 0;

	while (*p && n + 1 < size && (q ? *p != q : !isspace((unsigned char)*p) && *p != '>'))
		out[n++] = *p++;
	out[n] = '\0';
}

static void no_external_reference(void **state)
{
	static const char *const attrs[] = { "src=", "href=", "action=", "srcset=", "poster=",
					     "data=", "formaction=", "background=" };
	struct fixture *fx = make();
	size_t len, refs = 0;
	char *html = page(&fx->r, &len);

	(void)state;
	/* The attributes of every tag, values skipped as a browser does (text and attribute
	 * values may say anything, escaped). */
	for (const char *p = html; (p = strchr(p, '<')) != NULL;) {
		bool raw = strncmp(p, "<script", 7) == 0 || strncmp(p, "<style", 6) == 0;

		p++;
		while (*p && !isspace((unsigned char)*p) && *p != '>')
			p++;
		for (;;) {
			char name[32], v[256];
			size_t n = 0;

			while (isspace((unsigned char)*p))
				p++;
			if (*p == '>' || *p == '/' || *p == '\0')
				break;
			while (*p && !isspace((unsigned char)*p) && *p != '=' && *p != '>' &&
			       n + 1 < sizeof(name))
				name[n++] = (char)tolower((unsigned char)*p++);
			name[n] = '\0';
			v[0] = '\0';
			if (*p == '=') {
				char q = *++p == '"' || *p == '\'' ? *p++ : 0;

				n = 0;
				while (*p && (q ? *p != q : !isspace((unsigned char)*p) && *p != '>')) {
					if (n + 1 < sizeof(v))
						v[n++] = *p;
					p++;
				}
				v[n] = '\0';
				if (q && *p == q)
					p++;
			}
			for (size_t a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++) {
				if (strncmp(name, attrs[a], strlen(attrs[a]) - 1) != 0 ||
				    name[strlen(attrs[a]) - 1] != '\0')
					continue;
				if (!(v[0] == '#' || strncmp(v, "data:", 5) == 0))
					fail_msg("%s=\"%s\" loads from outside the page", name, v);
				refs++;
			}
		}
		if (raw)  /* the page's own style and script: raw text, checked below */
			p = strstr(p, "</");
		assert_non_null(p);
	}
	assert_true(refs > 0);  /* the nav and the suspects' chart links were seen */
	assert_null(strcasestr(html, "url("));
	assert_null(strcasestr(html, "@import"));
	assert_null(strcasestr(html, "<link rel=\"stylesheet"));
	/* Every in-page link has its target. */
	for (const char *p = html; (p = strstr(p, "href=\"#")) != NULL; p += 7) {
		char id[64], want[80];

		attr_value(p + 5, id, sizeof(id));
		snprintf(want, sizeof(want), "id=\"%s\"", id + 1);
		if (strstr(html, want) == NULL)
			fail_msg("a link to %s, which the page does not have", id);
	}
	/* The policy that enforces it in the browser. */
	assert_non_null(strstr(html, "Content-Security-Policy\" content=\"default-src 'none';"));
	free(html);
	unmake(fx);
}

static bool is_void(const char *tag)
{
	static const char *const v[] = { "meta", "link", "br", "hr", "img", "input", "col",
					 "wbr", "area", "base", "source" };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(tag, v[i]) == 0)
			return true;
	return false;
}

static void valid_structure(void **state)
{
	struct fixture *fx = make();
	size_t len, depth = 0, charts = 0;
	char *html = page(&fx->r, &len);
	char stack[256][16];
	const char *p = html;

	(void)state;
	if (getenv("LW_TEST_HTML_OUT") != NULL) {  /* to look at it in a browser */
		FILE *f = fopen(getenv("LW_TEST_HTML_OUT"), "w");

		assert_non_null(f);
		fwrite(html, 1, len, f);
		fclose(f);
	}
	assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
			    60) == 0);
	p = strchr(html, '\n') + 1;
	while ((p = strchr(p, '<')) != NULL) {
		char tag[16];
		size_t n = 0;
		bool close = p[1] == '/';
		const char *q = p + 1 + close, *end;

		while (isalnum((unsigned char)*q) && n + 1 < sizeof(tag))
			tag[n++] = (char)tolower((unsigned char)*q++);
		tag[n] = '\0';
		assert_true(n > 0);  /* a '<' of text would have been escaped */
		end = strchr(q, '>');
		assert_non_null(end);
		/* No '<' inside a tag: attribute values are escaped too. */
		assert_null(memchr(q, '<', (size_t)(end - q)));
		if (close) {
			assert_true(depth > 0);
			assert_string_equal(stack[depth - 1], tag);
			depth--;
		} else if (!is_void(tag) && end[-1] != '/') {
			assert_true(depth < 256);
			snprintf(stack[depth++], sizeof(stack[0]), "%s", tag);
			if (strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0) {
				/* Raw text up to its end tag. */
				char closer[24];

				snprintf(closer, sizeof(closer), "</%s>", tag);
				end = strstr(end, closer);
				assert_non_null(end);
				end--;
			}
		}
		charts += strcmp(tag, "svg") == 0 && !close;
		p = end + 1;
	}
	assert_int_equal(depth, 0);
	assert_string_equal(html + len - 15, "</body></html>\n");
	/* The order the reader needs: completeness, suspects, charts, tables, alarms. */
	assert_true(strstr(html, "id=\"completeness\"") < strstr(html, "id=\"suspects\""));
	assert_true(strstr(html, "id=\"suspects\"") < strstr(html, "id=\"charts\""));
	assert_true(strstr(html, "id=\"charts\"") < strstr(html, "id=\"tables\""));
	assert_true(strstr(html, "id=\"tables\"") < strstr(html, "id=\"alarms\""));
	/* Three ranked series' charts (two judged, one among the first ranks) and the host's
	 * available memory; a band for the window-tier group. */
	assert_int_equal(charts, 4);
	assert_non_null(strstr(html, "id=\"c-5\""));
	assert_non_null(strstr(html, "id=\"c-0\""));
	assert_non_null(strstr(html, "id=\"c-2\""));
	assert_non_null(strstr(html, "class=\"bd\""));
	assert_non_null(strstr(html, "class=\"gap\""));
	assert_null(strstr(html, "no samples in the window"));
	assert_int_equal(count(html, "<path class=\"tr\""), 2);  /* the suspects' slopes */
	/* The crash shows: a run that never stopped cleanly, followed by another. */
	assert_non_null(strstr(html, "data-crashes=\"1\""));
	free(html);
	unmake(fx);
}

static void human_units(void **state)
{
	char b[48];

	(void)state;
	lw_rh_fmt_value(b, sizeof(b), "KiB", 1536, false, false);
	assert_string_equal(b, "1.50 MiB");
	lw_rh_fmt_value(b, sizeof(b), "KiB", 3.5 * 1024 * 1024, false, true);
	assert_string_equal(b, "+3.50 GiB");
	lw_rh_fmt_value(b, sizeof(b), "bytes", 900, false, false);
	assert_string_equal(b, "900 B");
	lw_rh_fmt_value(b, sizeof(b), "count", 123456, false, false);
	assert_string_equal(b, "123k");
	lw_rh_fmt_value(b, sizeof(b), "count", 42, false, true);
	assert_string_equal(b, "+42");
	lw_rh_fmt_value(b, sizeof(b), "ticks", 250, true, false);
	assert_string_equal(b, "250 ticks/s");
	lw_rh_fmt_value(b, sizeof(b), "hundredths", 157, false, false);
	assert_string_equal(b, "1.57");
	lw_rh_fmt_time(b, sizeof(b), 1800000000);
	assert_string_equal(b, "2027-01-15 08:00:00");
	lw_rh_fmt_duration(b, sizeof(b), 3 * 86400 + 7200);
	assert_string_equal(b, "3 d 2 h");
}

/*
 * The size bound: 10,000 processes over 48 h at 60 s (five metrics each), 300 groups, 200 slab
 * caches, the system's fields, 100 suspects with every point of the window: at most 10 MB, with
 * the processes table cut to its first rows and saying how many there are.
 */
static void ten_thousand_processes_fit(void **state)
{
	enum { PROCS = 10000, GROUPS = 300, SLABS = 200, SYS = 15, SUSPECTS = 100, NP = 2880 };
	static const char *const pm[] = { "rss_kb", "anon_kb", "vsz_kb", "fds", "cpu_ticks" };
	static const char *const pu[] = { "KiB", "KiB", "KiB", "count", "ticks" };
	size_t ns = PROCS * 5 + GROUPS * 3 + SLABS * 2 + SYS, k = 0, len;
	struct lw_report r = { .from = T0, .to = T0 + NP * 60, .interval_s = 60, .cycles = NP };
	struct lw_report_series *s = calloc(ns, sizeof(*s));
	struct lw_report_point *pts = calloc(NP, sizeof(*pts));
	size_t *sus = calloc(SUSPECTS, sizeof(*sus));
	unsigned long shown;
	const char *at;
	char *html;

	(void)state;
	assert_non_null(s);
	assert_non_null(pts);
	assert_non_null(sus);
	for (size_t i = 0; i < NP; i++) {
		double v = 1e5 + (double)i * 10 + (double)(i * 7919 % 500);

		pts[i] = (struct lw_report_point){ T0 + (int64_t)i * 60, v, v, v, 1 };
	}
	for (uint32_t p = 0; p < PROCS; p++)
		for (size_t m = 0; m < 5; m++, k++) {
			s[k] = (struct lw_report_series){ .kind = LW_HK_PROC, .kind_name = "process",
							  .pid = 1000 + p, .start_time = T0 - p,
							  .metric = pm[m], .unit = pu[m],
							  .counter = m == 4, .exhaustion_s = -1 };
			snprintf(s[k].name, sizeof(s[k].name), "worker-%u", p % 300);
			s[k].start = 1e5 + p;
			s[k].end = s[k].start + (double)(p * 37 % 1000);
			s[k].delta = s[k].end - s[k].start;
			s[k].slope_per_h = s[k].delta / 48;
			s[k].growing_share = 0.5;
			if (m == 0 && p < SUSPECTS) {
				s[k].pts = pts;
				s[k].npts = NP;
				s[k].verdict = p < 10 ? LW_RV_LEAKING : LW_RV_SUSPECT;
				sus[p] = k;
			}
		}
	for (size_t g = 0; g < GROUPS; g++)
		for (size_t m = 0; m < 3; m++, k++) {
			s[k] = (struct lw_report_series){ .kind = LW_HK_GROUP, .kind_name = "group",
							  .metric = m == 0 ? "count" : m == 1 ? "fds" :
							  "rss_kb", .unit = m == 2 ? "KiB" : "count",
							  .exhaustion_s = -1, .slope_per_h = (double)g };
			snprintf(s[k].name, sizeof(s[k].name), "worker-%zu", g);
		}
	for (size_t c = 0; c < SLABS; c++)
		for (size_t m = 0; m < 2; m++, k++) {
			s[k] = (struct lw_report_series){ .kind = LW_HK_SLAB, .kind_name = "slab",
							  .metric = m ? "active_bytes" : "total_bytes",
							  .unit = "bytes", .exhaustion_s = -1 };
			snprintf(s[k].name, sizeof(s[k].name), "cache-%zu", c);
		}
	for (int f = 0; f < SYS; f++, k++) {
		s[k] = (struct lw_report_series){ .kind = LW_HK_SYS, .kind_name = "system",
						  .metric = "value", .unit = "KiB", .pts = pts,
						  .npts = NP, .exhaustion_s = -1 };
		snprintf(s[k].name, sizeof(s[k].name), "%s", lw_hsys_name(f));
	}
	assert_int_equal(k, ns);
	r.series = s;
	r.nseries = ns;
	r.suspects = sus;
	r.nsuspects = SUSPECTS;
	html = page(&r, &len);
	if (getenv("LW_TEST_HTML_BIG") != NULL) {
		FILE *f = fopen(getenv("LW_TEST_HTML_BIG"), "w");

		assert_non_null(f);
		fwrite(html, 1, len, f);
		fclose(f);
	}
	assert_true(len <= 10 * 1000 * 1000);
	/* Every suspect, the rest of the 200 rows the fastest-growing and the largest. */
	at = strstr(html, "data-table=\"t-procs\" data-rows=\"10000\" data-shown=\"");
	assert_non_null(at);
	shown = strtoul(at + strlen("data-table=\"t-procs\" data-rows=\"10000\" data-shown=\""),
			NULL, 10);
	assert_true(shown >= LW_RH_TABLE_ROWS && shown <= LW_RH_TABLE_ROWS + SUSPECTS);
	for (size_t i = 0; i < SUSPECTS; i++) {
		char want[64];

		snprintf(want, sizeof(want), "<td class=\"n\" data-v=\"%u\">", 1000 + (unsigned)i);
		assert_non_null(strstr(strstr(html, "id=\"t-procs\""), want));
	}
	/* A fastest-growing process (999 KiB in 48 h) is first. */
	at = strstr(strstr(html, "id=\"t-procs\""), "<tbody>");
	assert_non_null(at);
	assert_true(strstr(at, "data-v=\"20.8125\"") < strstr(at, "</tr>"));
	free(html);
	free(s);
	free(pts);
	free(sus);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hostile_names_are_escaped),
		cmocka_unit_test(reduction_keeps_a_one_sample_spike),
		cmocka_unit_test(reduction_keeps_gaps_and_bands),
		cmocka_unit_test(no_external_reference),
		cmocka_unit_test(valid_structure),
		cmocka_unit_test(human_units),
		cmocka_unit_test(ten_thousand_processes_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
