/* fuzz_procfs.c: libFuzzer target for every /proc parser; the first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>

#include "cpus.h"
#include "filenr.h"
#include "loadavg.h"
#include "meminfo.h"
#include "netstat.h"
#include "procpid.h"
#include "sockstat.h"
#include "sysctlnum.h"

/* Parsers reachable through the first byte; corpus_driver.c tries each. */
#define LW_FUZZ_PARSERS 15

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The ratios on whatever tcp_mem parsed: min <= max must never come out above 100%. */
static void check_ratios(const struct lw_tcp_limits *lim)
{
	struct lw_sockstat ss = { .present = UINT64_C(1) << LW_SS_TCP_MEM };
	struct lw_sockmem_pct pct;
	uint32_t v;

	ss.v[LW_SS_TCP_MEM] = lim->v[LW_TL_MEM_MIN];
	lw_sockmem_percents(&ss, lim, &pct);
	if (lw_ratio_hundredths(lim->v[LW_TL_MEM_MIN], lim->v[LW_TL_MEM_MAX], &v) &&
	    lim->v[LW_TL_MEM_MIN] <= lim->v[LW_TL_MEM_MAX] && v > 10000)
		__builtin_trap();
}

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
	case 8: {
		uint64_t v;
		(void)lw_stat_btime_parse(buf, len, &v, &err);
		break;
	}
	case 9: {
		struct lw_sockstat ss = { .present = 0 };
		(void)lw_sockstat_parse(buf, len, &ss, &err);
		break;
	}
	case 10: {
		struct lw_sockstat ss = { .present = 0 };
		(void)lw_sockstat6_parse(buf, len, &ss, &err);
		break;
	}
	case 11: {
		struct lw_netstat n = { .present = 0 };
		(void)lw_net_snmp_parse(buf, len, &n, &err);
		break;
	}
	case 12: {
		struct lw_netstat n = { .present = 0 };
		(void)lw_netstat_parse(buf, len, &n, &err);
		break;
	}
	case 13: {
		struct lw_tcp_limits lim = { .present = 0 };
		if (lw_tcp_mem_parse(buf, len, &lim, &err) == 0)
			check_ratios(&lim);
		break;
	}
	default: {
		struct lw_tcp_limits lim = { .present = 0 };
		(void)lw_tcp_limit_parse(buf, len, LW_TL_MAX_ORPHANS, &lim, &err);
		break;
	}
	}
	return 0;
}
