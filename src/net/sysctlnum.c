/* sysctlnum.c: one-or-few-integer sysctl files; the collector of the TCP limits. */
/* SPDX-License-Identifier: ISC */
#include "net/sysctlnum.h"

#include <errno.h>

#include "base/scan.h"
#include <stdio.h>
#include <string.h>
#include "base/readfile.h"
#include "cycle/collector.h"

static const char *const limit_names[LW_TL_COUNT] = {
	[LW_TL_MEM_MIN] = "tcp_mem",
	[LW_TL_MEM_PRESSURE] = "tcp_mem",
	[LW_TL_MEM_MAX] = "tcp_mem",
	[LW_TL_MAX_ORPHANS] = "tcp_max_orphans",
	[LW_TL_MAX_TW_BUCKETS] = "tcp_max_tw_buckets",
};

const char *lw_tcp_limit_name(enum lw_tcp_limit f)
{
	return (unsigned)f < LW_TL_COUNT ? limit_names[f] : "?";
}

/* After the numbers: blanks, one newline, nothing else, so two values in a one-value file fail. */
static bool only_newline_left(struct lw_scan *s)
{
	if (!lw_scan_at_eol(s))
		return false;
	lw_scan_next_line(s);
	return lw_scan_eof(s);
}

int lw_sysctl_u64_parse(const char *buf, size_t len, const char *name, uint64_t *out,
			struct lw_error *err)
{
	struct lw_scan s;
	uint64_t v;

	lw_scan_init(&s, buf, len);
	lw_scan_blanks(&s);
	if (!lw_scan_u64(&s, &v))
		return lw_error_set(err, EINVAL, "%s: expected an unsigned integer", name);
	if (!only_newline_left(&s))
		return lw_error_set(err, EINVAL, "%s: trailing data", name);
	*out = v;
	return 0;
}

int lw_tcp_mem_parse(const char *buf, size_t len, struct lw_tcp_limits *out, struct lw_error *err)
{
	static const char *const what[3] = { "minimum", "pressure", "maximum" };
	struct lw_scan s;
	uint64_t v[3];

	lw_scan_init(&s, buf, len);
	for (int i = 0; i < 3; i++) {
		lw_scan_blanks(&s);
		if (!lw_scan_u64(&s, &v[i]))
			return lw_error_set(err, EINVAL, "tcp_mem: bad %s", what[i]);
	}
	if (!only_newline_left(&s))
		return lw_error_set(err, EINVAL, "tcp_mem: trailing data");
	for (int i = 0; i < 3; i++) {
		out->v[LW_TL_MEM_MIN + i] = v[i];
		out->present |= UINT64_C(1) << (LW_TL_MEM_MIN + i);
	}
	return 0;
}

int lw_tcp_limit_parse(const char *buf, size_t len, enum lw_tcp_limit f,
		       struct lw_tcp_limits *out, struct lw_error *err)
{
	uint64_t v;

	/* tcp_mem holds three numbers: lw_tcp_mem_parse reads it. */
	if (f != LW_TL_MAX_ORPHANS && f != LW_TL_MAX_TW_BUCKETS)
		return lw_error_set(err, EINVAL, "limit %d is not a single-integer file", (int)f);
	if (lw_sysctl_u64_parse(buf, len, limit_names[f], &v, err))
		return -1;
	out->v[f] = v;
	out->present |= UINT64_C(1) << f;
	return 0;
}

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	static const enum lw_tcp_limit files[] = { LW_TL_MEM_MIN, LW_TL_MAX_ORPHANS,
						   LW_TL_MAX_TW_BUCKETS };
	struct lw_tcp_limits lim = { 0 };
	char absent[128] = "";

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		const char *name = lw_tcp_limit_name(files[i]);
		char path[64], buf[256];
		size_t len;
		bool missing;
		int rc;

		snprintf(path, sizeof(path), "proc/sys/net/ipv4/%s", name);
		if (lw_read_optional_at(ctx->rootfd, path, buf, sizeof(buf), &len, &missing, err))
			return -1;
		if (missing) {
			/* tcp_mem and tcp_max_orphans are host-wide: a child namespace has neither. */
			size_t used = strlen(absent);

			snprintf(absent + used, sizeof(absent) - used, "%s%s", used ? ", " : "", name);
			continue;
		}
		rc = files[i] == LW_TL_MEM_MIN ? lw_tcp_mem_parse(buf, len, &lim, err)
					       : lw_tcp_limit_parse(buf, len, files[i], &lim, err);
		if (rc)
			return -1;
	}
	if (lim.present == 0)
		return lw_error_set(err, ENOENT, "no TCP limit under proc/sys/net/ipv4 (%s)", absent);
	if (absent[0] != '\0')
		snprintf(ctx->notice, ctx->notice_cap,
			 "%s not visible (a network namespace other than the host's)", absent);
	*(struct lw_tcp_limits *)ctx->part = lim;
	return 0;
}

const struct lw_collector lw_tcp_sysctl_collector = { sizeof(struct lw_tcp_limits), collect,
						      NULL };
