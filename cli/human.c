/* human.c: values in units an operator reads at a glance; binary prefixes for memory (IEC 80000-13). */
/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "human.h"

static char *scaled(char *buf, size_t size, double v, double step, const char *const *units,
		    size_t nunits)
{
	size_t u = 0;
	double a = v < 0 ? -v : v;
	while (a >= step * 0.995 && u + 1 < nunits) {
		a /= step;
		v /= step;
		u++;
	}
	if (u == 0 || a >= 99.95)
		snprintf(buf, size, "%.0f%s", v, units[u]);
	else
		snprintf(buf, size, "%.1f%s", v, units[u]);
	return buf;
}

char *lw_human_kib(char *buf, size_t size, double kib)
{
	static const char *const u[] = { " KiB", " MiB", " GiB", " TiB", " PiB" };
	return scaled(buf, size, kib, 1024, u, 5);
}

char *lw_human_bytes(char *buf, size_t size, double bytes)
{
	static const char *const u[] = { " B", " KiB", " MiB", " GiB", " TiB", " PiB" };
	return scaled(buf, size, bytes, 1024, u, 6);
}

char *lw_human_count(char *buf, size_t size, double n)
{
	static const char *const u[] = { "", "k", "M", "G", "T" };
	return scaled(buf, size, n, 1000, u, 5);
}

char *lw_human_bps(char *buf, size_t size, double bps)
{
	static const char *const u[] = { " bit/s", " kbit/s", " Mbit/s", " Gbit/s", " Tbit/s" };
	return scaled(buf, size, bps, 1000, u, 5);
}

char *lw_human_duration(char *buf, size_t size, uint64_t s)
{
	if (s < 60)
		snprintf(buf, size, "%" PRIu64 "s", s);
	else if (s < 3600)
		snprintf(buf, size, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, size, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s % 3600 / 60);
	else if (s < (uint64_t)86400 * 365)
		snprintf(buf, size, "%" PRIu64 "d%02" PRIu64 "h", s / 86400, s % 86400 / 3600);
	else
		snprintf(buf, size, "%" PRIu64 "y", s / ((uint64_t)86400 * 365));
	return buf;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

char *lw_raw_value(char *buf, size_t size, const struct lw_val *v)
{
	switch (v->kind) {
	case LW_V_INT:
		snprintf(buf, size, "%" PRId64, v->i);
		break;
	case LW_V_UINT:
		snprintf(buf, size, "%" PRIu64, v->u);
		break;
	case LW_V_TEXT:
		snprintf(buf, size, "%s", v->text);
		break;
	default:
		buf[0] = 0;
	}
	return buf;
}

char *lw_human_value(char *buf, size_t size, const struct lw_obj *o, const struct lw_val *v)
{
	if (v->kind == LW_V_ABSENT) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (v->kind == LW_V_TEXT)
		return lw_raw_value(buf, size, v);
	int64_t n = lw_val_num(v);
	const char *u = o->units;
	if (o->type == LW_T_ENUM) {
		const char *l = lw_obj_enum_label(o, (long)n);
		if (l)
			snprintf(buf, size, "%s", l);
		else
			lw_raw_value(buf, size, v);
	} else if (o->type == LW_T_HUNDREDTHS) {
		snprintf(buf, size, "%.2f", (double)n / 100.0);
	} else if (strcmp(u, "KiB") == 0) {
		lw_human_kib(buf, size, (double)n);
	} else if (strcmp(u, "KiB per hour") == 0) {
		char t[32];
		snprintf(buf, size, "%s%s/h", n > 0 ? "+" : "", lw_human_kib(t, sizeof(t), (double)n));
	} else if (strcmp(u, "bytes") == 0 || strcmp(u, "octets") == 0) {
		lw_human_bytes(buf, size, (double)n);
	} else if (strcmp(u, "bits per second") == 0) {
		lw_human_bps(buf, size, (double)n);
	} else if (strcmp(u, "microseconds") == 0) {
		if (n < 1000)
			snprintf(buf, size, "%" PRId64 "us", n);
		else if (n < 1000000)
			snprintf(buf, size, "%.1fms", (double)n / 1e3);
		else
			snprintf(buf, size, "%.2fs", (double)n / 1e6);
	} else if (strcmp(u, "seconds") == 0 && (ends_with(o->name, "Unix") ||
						ends_with(o->name, "StartTime"))) {
		/* seconds since the epoch: the local time, as date(1) prints it */
		time_t t = (time_t)n;
		struct tm tm;
		if (n == 0 || !localtime_r(&t, &tm))
			snprintf(buf, size, "-");
		else
			strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
	} else if (strcmp(u, "seconds") == 0 && (ends_with(o->name, "TimeToExhaustion") ||
						ends_with(o->name, "TimeToLimit")) && n == 0) {
		snprintf(buf, size, "-");  /* no forecast */
	} else if (strcmp(u, "seconds") == 0 && !ends_with(o->name, "StartTime")) {
		lw_human_duration(buf, size, (uint64_t)(n < 0 ? 0 : n));
	} else if (o->type == LW_T_COUNTER || o->type == LW_T_COUNTER64 || o->type == LW_T_GAUGE ||
		   o->type == LW_T_GAUGE64) {
		if (n >= 100000)
			lw_human_count(buf, size, (double)n);
		else
			lw_raw_value(buf, size, v);
	} else {
		lw_raw_value(buf, size, v);
	}
	return buf;
}
