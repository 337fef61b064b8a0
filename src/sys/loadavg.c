/* loadavg.c: parses "0.32 0.18 0.07 1/79 3069" without floating point; its collector. */
/* SPDX-License-Identifier: ISC */
#include "sys/loadavg.h"

#include <errno.h>

#include "base/readfile.h"
#include "base/scan.h"
#include "cycle/collector.h"

int lw_loadavg_parse(const char *buf, size_t len, struct lw_loadavg *out, struct lw_error *err)
{
	struct lw_scan s;
	struct lw_loadavg v;

	lw_scan_init(&s, buf, len);
	lw_scan_blanks(&s);
	if (!lw_scan_hundredths(&s, &v.load1))
		return lw_error_set(err, EINVAL, "loadavg: bad 1-minute load");
	lw_scan_blanks(&s);
	if (!lw_scan_hundredths(&s, &v.load5))
		return lw_error_set(err, EINVAL, "loadavg: bad 5-minute load");
	lw_scan_blanks(&s);
	if (!lw_scan_hundredths(&s, &v.load15))
		return lw_error_set(err, EINVAL, "loadavg: bad 15-minute load");
	lw_scan_blanks(&s);
	if (!lw_scan_u64(&s, &v.running) || !lw_scan_char(&s, '/') || !lw_scan_u64(&s, &v.tasks))
		return lw_error_set(err, EINVAL, "loadavg: bad running/total task field");
	*out = v;
	return 0;
}

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	char buf[256];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/loadavg", buf, sizeof(buf), &len, err))
		return -1;
	return lw_loadavg_parse(buf, len, ctx->part, err);
}

const struct lw_collector lw_loadavg_collector = { sizeof(struct lw_loadavg), collect, NULL };
