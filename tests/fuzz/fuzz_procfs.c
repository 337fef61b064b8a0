/* fuzz_procfs.c: libFuzzer target for every /proc parser; the first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>

#include "cpus.h"
#include "filenr.h"
#include "loadavg.h"
#include "meminfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_error err;
	const char *buf = (const char *)data + 1;
	size_t len;

	if (size == 0)
		return 0;
	len = size - 1;
	switch (data[0] % 4) {
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
	default: {
		uint32_t n;
		(void)lw_cpulist_parse(buf, len, &n, &err);
		break;
	}
	}
	return 0;
}
