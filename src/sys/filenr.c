/* filenr.c: parses the three numbers of /proc/sys/fs/file-nr; its collector. */
/* SPDX-License-Identifier: ISC */
#include "sys/filenr.h"

#include <errno.h>

#include "base/readfile.h"
#include "base/scan.h"
#include "cycle/collector.h"

int lw_filenr_parse(const char *buf, size_t len, struct lw_filenr *out, struct lw_error *err)
{
	struct lw_scan s;
	struct lw_filenr v;

	lw_scan_init(&s, buf, len);
	lw_scan_blanks(&s);
	if (!lw_scan_u64(&s, &v.allocated))
		return lw_error_set(err, EINVAL, "file-nr: bad allocated count");
	lw_scan_blanks(&s);
	if (!lw_scan_u64(&s, &v.unused))
		return lw_error_set(err, EINVAL, "file-nr: bad unused count");
	lw_scan_blanks(&s);
	if (!lw_scan_u64(&s, &v.max))
		return lw_error_set(err, EINVAL, "file-nr: bad maximum");
	if (!lw_scan_at_eol(&s))
		return lw_error_set(err, EINVAL, "file-nr: trailing data");
	*out = v;
	return 0;
}

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	char buf[256];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "proc/sys/fs/file-nr", buf, sizeof(buf), &len, err))
		return -1;
	return lw_filenr_parse(buf, len, ctx->part, err);
}

const struct lw_collector lw_filenr_collector = { sizeof(struct lw_filenr), collect, NULL };
