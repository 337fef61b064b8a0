/* report_text.c: numbers, times, CSV and JSON quoting, the table a series belongs to, files written whole. */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"

#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "history/history_kinds.h"

void lw_rfmt_num(char *buf, size_t cap, double v)
{
	if (!isfinite(v)) {
		snprintf(buf, cap, "%s", "");
		return;
	}
	if (v == floor(v) && fabs(v) < 9007199254740992.0) {
		snprintf(buf, cap, "%.0f", v);
		return;
	}
	/* six decimals, trailing zeros dropped: what a spreadsheet reads back the same */
	snprintf(buf, cap, "%.6f", v);
	for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '0'; n--)
		buf[n - 1] = '\0';
	if (buf[strlen(buf) - 1] == '.')
		buf[strlen(buf) - 1] = '\0';
}

void lw_rfmt_time(char *buf, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, cap, "%lld", (long long)t);
	else
		strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void lw_rjson_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

const char *lw_rverdict_name(int verdict)
{
	switch (verdict) {
	case LW_RV_LEARNING: return "learning";
	case LW_RV_SUSPECT: return "suspect";
	case LW_RV_LEAKING: return "leaking";
	default: return "normal";
	}
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* docs/REPORT.md, "csv/": the system fields split as /proc splits them. */
const char *lw_rtable_of(const struct lw_report_series *s)
{
	static const char *const sockstat[] = { "tcp_inuse", "tcp_orphans", "tcp_tw", "tcp_alloc",
						"tcp_mem_pages", "tcp_mem_min_pages",
						"tcp_mem_pressure_pages", "tcp_mem_max_pages",
						"tcp_max_orphans" };
	size_t n;

	switch (s->kind) {
	case LW_HK_PROC: return "processes";
	case LW_HK_GROUP: return "groups";
	case LW_HK_SLAB: return "slab";
	case LW_HK_SYS: break;
	default: return "mcast";
	}
	if (starts(s->name, "buddy"))
		return "buddy";
	for (size_t i = 0; i < sizeof(sockstat) / sizeof(sockstat[0]); i++)
		if (strcmp(s->name, sockstat[i]) == 0)
			return "sockstat";
	if (starts(s->name, "sock") || starts(s->name, "udp"))
		return "sockstat";
	if (starts(s->name, "tcp_"))
		return "tcp";
	n = strlen(s->name);
	if (n > 3 && strcmp(s->name + n - 3, "_kb") == 0)
		return "meminfo";
	return "system";
}

FILE *lw_rfile_open(const char *path, char *tmp, size_t tmp_cap, struct lw_error *err)
{
	FILE *f;

	if ((size_t)snprintf(tmp, tmp_cap, "%s.tmp", path) >= tmp_cap) {
		lw_error_set(err, ENAMETOOLONG, "%s: name too long", path);
		return NULL;
	}
	if ((f = fopen(tmp, "w")) == NULL)
		lw_error_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	return f;
}

/* One report is written at a time in a process (leakwatch report, leakwatch collect). */
static bool durable = true;

void lw_rfile_durable(bool on)
{
	durable = on;
}

bool lw_rfile_is_durable(void)
{
	return durable;
}

int lw_rfile_commit(FILE *f, const char *tmp, const char *path, struct lw_error *err)
{
	bool bad = ferror(f) != 0;

	if (fflush(f) != 0 || (durable && fsync(fileno(f)) != 0))
		bad = true;
	if (fclose(f) != 0)
		bad = true;
	if (bad) {
		int e = errno ? errno : EIO;

		unlink(tmp);
		return lw_error_set(err, e, "cannot write %s: %s", path, strerror(e));
	}
	if (rename(tmp, path) != 0) {
		int e = errno;

		unlink(tmp);
		return lw_error_set(err, e, "cannot rename %s to %s: %s", tmp, path, strerror(e));
	}
	return 0;
}

int lw_rpath(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}
