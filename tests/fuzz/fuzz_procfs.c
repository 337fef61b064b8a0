/* fuzz_procfs.c: libFuzzer target for every /proc parser; the first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>

#include "cpus.h"
#include "filenr.h"
#include "loadavg.h"
#include "meminfo.h"
#include "procpid.h"

/* Parsers reachable through the first byte; corpus_driver.c tries each. */
#define LW_FUZZ_PARSERS 9

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_error err;
	const char *buf = (const char *)data + 1;
	size_t len;

	if (size == 0)
		return 0;
	len = size - 1;
	switch (data[0] % LW_FUZZ_PARSERS) {
	case 0: {
		struct lw_meminfo m;
		(void)lw_meminfo_parse(buf, len, &m, &err);
		break;
	}
	case 1: {
		struct lw_loadavg l;
		(void)lw_loadavg_parse(buf, len, &l, &err);
		break;
	}
	case 2: {
		struct lw_filenr f;
		(void)lw_filenr_parse(buf, len, &f, &err);
		break;
	}
	case 3: {
		uint32_t n;
		(void)lw_cpulist_parse(buf, len, &n, &err);
		break;
	}
	case 4: {
		struct lw_pid_stat st;
		(void)lw_pid_stat_parse(buf, len, &st, &err);
		break;
	}
	case 5: {
		struct lw_pid_statm m;
		(void)lw_pid_statm_parse(buf, len, &m, &err);
		break;
	}
	case 6: {
		uint64_t v;
		(void)lw_pid_status_swap_parse(buf, len, &v, &err);
		break;
	}
	case 7: {
		uint64_t v;
		(void)lw_pid_limits_nofile_parse(buf, len, &v, &err);
		break;
	}
	default: {
		uint64_t v;
		(void)lw_stat_btime_parse(buf, len, &v, &err);
		break;
	}
	}
	return 0;
}
