/* cpus.c: counts CPUs in a range list ("0-3,5,7-8" is 7); the cpu/online collector. */
/* SPDX-License-Identifier: ISC */
#include "sys/cpus.h"

#include <errno.h>

#include "base/readfile.h"
#include "base/scan.h"
#include "cycle/collector.h"

/* Linux's NR_CPUS ceiling; a larger id means the file is not a CPU list. */
#define LW_CPU_ID_MAX 65535u

int lw_cpulist_parse(const char *buf, size_t len, uint32_t *count, struct lw_error *err)
{
	struct lw_scan s;
	uint32_t n = 0;

	lw_scan_init(&s, buf, len);
	do {
		uint64_t lo, hi;

		if (!lw_scan_u64(&s, &lo))
			return lw_error_set(err, EINVAL, "cpu list: expected a CPU number");
		hi = lo;
		if (lw_scan_char(&s, '-') && !lw_scan_u64(&s, &hi))
			return lw_error_set(err, EINVAL, "cpu list: bad range end");
		if (hi < lo || hi > LW_CPU_ID_MAX)
			return lw_error_set(err, EINVAL, "cpu list: bad range %llu-%llu",
					    (unsigned long long)lo, (unsigned long long)hi);
		n += (uint32_t)(hi - lo + 1);
		if (n > LW_CPU_ID_MAX + 1)
			return lw_error_set(err, EINVAL, "cpu list: more CPUs than CPU ids");
	} while (lw_scan_char(&s, ','));
	if (!lw_scan_at_eol(&s))
		return lw_error_set(err, EINVAL, "cpu list: trailing data");
	*count = n;
	return 0;
}

/* A range list is short, but one id per CPU on a fragmented host with thousands of them fits. */
#define CPULIST_FILE_CAP 16384

static int collect(const struct lw_collector_ctx *ctx, struct lw_error *err)
{
	char buf[CPULIST_FILE_CAP];
	size_t len;

	if (lw_read_file_at(ctx->rootfd, "sys/devices/system/cpu/online", buf, sizeof(buf), &len,
			    err))
		return -1;
	return lw_cpulist_parse(buf, len, ctx->part, err);
}

const struct lw_collector lw_cpus_online_collector = { sizeof(uint32_t), collect, NULL };
