/* thresholds.c: ranges, consistency and the persisted file of the SNMP-settable thresholds. */
/* SPDX-License-Identifier: ISC */
#include "config/thresholds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/readfile.h"
#include "base/scan.h"

static const struct lw_threshold_def defs[LW_TH_COUNT] = {
	[LW_TH_LEAK_WINDOW] = { "leak_window", "lwLeakWindow", 10, 86400, 600, "seconds" },
	[LW_TH_LEAK_SIGNIFICANCE] = { "leak_significance", "lwLeakSignificance", 1, 200, 10,
				      "per mille" },
	[LW_TH_LEAK_MIN_SLOPE] = { "leak_min_slope", "lwLeakMinSlope", 1, 1u << 30, 1024,
				   "KiB per hour" },
	[LW_TH_LEAK_MIN_PCT_DAY] = { "leak_min_percent_day", "lwLeakMinPercentDay", 0, 1000000,
				     100, "hundredths of a percent per day" },
	[LW_TH_LEAK_WARMUP] = { "leak_warmup", "lwLeakWarmup", 0, 604800, 7200, "seconds" },
	[LW_TH_FD_MIN_SLOPE] = { "fd_leak_min_slope", "lwFdLeakMinSlope", 1, 1000000, 30,
				 "descriptors per hour" },
	[LW_TH_ORPHAN_PCT] = { "alarm_tcp_orphans", "lwAlarmTcpOrphanPercent", 0, 10000, 8000,
			       "hundredths of a percent" },
	[LW_TH_TCP_MEM_PCT] = { "alarm_tcp_mem", "lwAlarmTcpMemPercent", 0, 10000, 8000,
				"hundredths of a percent" },
	[LW_TH_MCAST_PPS] = { "alarm_mcast_pps", "lwAlarmMcastPps", 0, 100000000, 20000,
			      "packets per second" },
	[LW_TH_LOAD_PER_CPU] = { "alarm_load_per_cpu", "lwAlarmLoadPerCpu", 0, 100000, 200,
				 "hundredths per CPU" },
	[LW_TH_HOLDDOWN] = { "alarm_holddown", "lwAlarmHoldDown", 0, 86400, 300, "seconds" },
	[LW_TH_CLEAR_PCT] = { "alarm_clear_percent", "lwAlarmClearPercent", 50, 100, 90,
			      "percent" },
};

const struct lw_threshold_def *lw_threshold_def(enum lw_threshold_id id)
{
	return (unsigned)id < LW_TH_COUNT ? &defs[id] : NULL;
}

int lw_threshold_by_directive(const char *name)
{
	for (int i = 0; i < LW_TH_COUNT; i++)
		if (strcmp(defs[i].directive, name) == 0)
			return i;
	return -1;
}

void lw_thresholds_default(struct lw_thresholds *t)
{
	for (int i = 0; i < LW_TH_COUNT; i++)
		t->v[i] = defs[i].def;
	t->set_mask = 0;
}

static const char *name_of(const struct lw_threshold_def *d, enum lw_threshold_names names)
{
	return names == LW_TH_NAMES_DIRECTIVE ? d->directive : d->object;
}

int lw_threshold_check_named(enum lw_threshold_id id, uint32_t v, enum lw_threshold_names names,
			     struct lw_error *err)
{
	const struct lw_threshold_def *d = lw_threshold_def(id);

	if (d == NULL)
		return lw_error_set(err, EINVAL, "threshold %d does not exist", (int)id);
	if (v < d->lo || v > d->hi)
		return lw_error_set(err, ERANGE, "%s: %u is out of range %u..%u %s",
				    name_of(d, names), v, d->lo, d->hi, d->unit);
	return 0;
}

int lw_threshold_check(enum lw_threshold_id id, uint32_t v, struct lw_error *err)
{
	return lw_threshold_check_named(id, v, LW_TH_NAMES_OBJECT, err);
}

int lw_thresholds_consistent_named(const struct lw_thresholds *t, enum lw_threshold_names names,
				   enum lw_threshold_id *bad, struct lw_error *err)
{
	uint32_t window = t->v[LW_TH_LEAK_WINDOW];
	const char *window_name = name_of(&defs[LW_TH_LEAK_WINDOW], names);
	const char *warmup_name = name_of(&defs[LW_TH_LEAK_WARMUP], names);

	/* The detector closes ten steps a window: whole seconds each. */
	if (window % 10 != 0) {
		*bad = LW_TH_LEAK_WINDOW;
		return lw_error_set(err, EDOM, "%s: %u is not a multiple of 10 seconds",
				    window_name, window);
	}
	/* A verdict needs one whole window of floors after the warm-up ends. */
	if (t->v[LW_TH_LEAK_WARMUP] != 0 && t->v[LW_TH_LEAK_WARMUP] < window) {
		*bad = (t->set_mask >> LW_TH_LEAK_WARMUP) & 1 ? LW_TH_LEAK_WARMUP : LW_TH_LEAK_WINDOW;
		return lw_error_set(err, EINVAL,
				    "%s %u s is shorter than %s %u s (0 or at least one window)",
				    warmup_name, t->v[LW_TH_LEAK_WARMUP], window_name, window);
	}
	return 0;
}

int lw_thresholds_consistent(const struct lw_thresholds *t, enum lw_threshold_id *bad,
			     struct lw_error *err)
{
	return lw_thresholds_consistent_named(t, LW_TH_NAMES_OBJECT, bad, err);
}

int lw_thresholds_save(const char *path, const struct lw_thresholds *t, struct lw_error *err)
{
	char tmp[1100];
	FILE *f;
	int fd, e = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* Private like every state file (leakwatchd.conf(5), state_dir); rename keeps the mode. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return lw_error_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	f = fdopen(fd, "w");
	if (f == NULL) {
		e = errno;
		close(fd);
		unlink(tmp);
		return lw_error_set(err, e, "cannot write %s: %s", tmp, strerror(e));
	}
	fprintf(f, "# leakwatchd: thresholds set over SNMP; they win over leakwatchd.conf\n");
	for (int i = 0; i < LW_TH_COUNT; i++)
		if ((t->set_mask >> i) & 1u)
			fprintf(f, "%s %u\n", defs[i].directive, t->v[i]);
	/* Data on disk before the rename makes it visible, so a crash keeps one whole file. */
	if (fflush(f) != 0 || fsync(fd) != 0)
		e = errno;
	if (fclose(f) != 0 && e == 0)
		e = errno;
	if (e == 0 && rename(tmp, path) != 0)
		e = errno;
	if (e != 0) {
		unlink(tmp);
		return lw_error_set(err, e, "cannot write %s: %s", path, strerror(e));
	}
	return 0;
}

/* One "directive value" line into next; 0, or -1 with "PATH:LINE: ..." in err. */
static int load_line(const char *path, unsigned line, const char *text, size_t len,
		     struct lw_thresholds *next, struct lw_error *err)
{
	char name[64];
	const char *tok;
	size_t n;
	uint64_t v;
	struct lw_scan s;
	int id;

	lw_scan_init(&s, text, len);
	lw_scan_blanks(&s);
	if (lw_scan_eof(&s) || *s.p == '#' || *s.p == '\n')
		return 0;
	n = lw_scan_token(&s, 0, &tok);
	if (n == 0 || n >= sizeof(name))
		return lw_error_set(err, EINVAL, "%s:%u: not a threshold line", path, line);
	memcpy(name, tok, n);
	name[n] = '\0';
	id = lw_threshold_by_directive(name);
	if (id < 0)
		return lw_error_set(err, EINVAL, "%s:%u: unknown threshold '%s'", path, line, name);
	lw_scan_blanks(&s);
	if (!lw_scan_u64(&s, &v) || v > UINT32_MAX)
		return lw_error_set(err, EINVAL, "%s:%u: %s: not a number", path, line, name);
	lw_scan_blanks(&s);
	if (!lw_scan_eof(&s) && *s.p != '\n')
		return lw_error_set(err, EINVAL, "%s:%u: %s: one value expected", path, line, name);
	if (lw_threshold_check_named((enum lw_threshold_id)id, (uint32_t)v, LW_TH_NAMES_DIRECTIVE,
				     err)) {
		char why[LW_ERROR_TEXT_MAX];

		snprintf(why, sizeof(why), "%s", err->text);
		return lw_error_set(err, ERANGE, "%s:%u: %s", path, line, why);
	}
	next->v[id] = (uint32_t)v;
	next->set_mask |= 1u << id;
	return 0;
}

int lw_thresholds_parse(const char *path, const char *buf, size_t len, struct lw_thresholds *t,
			struct lw_error *err)
{
	struct lw_thresholds next = *t;
	enum lw_threshold_id bad;
	unsigned line = 0;
	const char *p, *end;
	int rc = 0;

	for (p = buf, end = buf + len; p < end && rc == 0;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		rc = load_line(path, ++line, p, n, &next, err);
		p += n + 1;
	}
	if (rc == 0 && lw_thresholds_consistent_named(&next, LW_TH_NAMES_DIRECTIVE, &bad, err)) {
		char why[LW_ERROR_TEXT_MAX];

		snprintf(why, sizeof(why), "%s", err->text);
		rc = lw_error_set(err, EINVAL, "%s: %s", path, why);
	}
	if (rc == 0)
		*t = next;
	return rc;
}

int lw_thresholds_load(const char *path, struct lw_thresholds *t, struct lw_error *err)
{
	struct lw_filebuf fb = { 0 };
	int rc;

	if (lw_read_file_grow_at(AT_FDCWD, path, &fb, 1u << 20, err)) {
		if (err->code == ENOENT) {
			lw_error_clear(err);
			return 0;
		}
		return -1;
	}
	rc = lw_thresholds_parse(path, fb.data, fb.len, t, err);
	lw_filebuf_free(&fb);
	return rc;
}
