/* fuzz_config.c: libFuzzer target for the leakwatchd.conf parser. */
/* SPDX-License-Identifier: ISC */
#include <stddef.h>
#include <stdint.h>

#include "config/lw_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_config cfg;
	struct lw_error err;

	lw_config_defaults(&cfg);
	(void)lw_config_parse("fuzz.conf", (const char *)data, size, &cfg, &err);
	return 0;
}
