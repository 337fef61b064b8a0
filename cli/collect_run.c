/* collect_run.c: leakwatch collect's run row: program, version, interval, its configuration. */
/* SPDX-License-Identifier: ISC */
#include "collect_run.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_redact.h"
#include "history/history.h"

#ifndef LW_VERSION
#define LW_VERSION "unknown"
#endif

/* The text: a comment saying how the collection ran, the file, then the command's interval,
 * which wins over the file's (the last directive is the one in force). */
static char *config_text(uint32_t duration_s, uint32_t interval_s, const char *path,
			 struct lw_error *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len), *in = NULL;

	if (out == NULL) {
		lw_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	fprintf(out, "# leakwatch collect --duration %us --interval %us%s%s\n", duration_s,
		interval_s, path != NULL ? " --config " : "", path != NULL ? path : "");
	if (path != NULL && (in = fopen(path, "re")) != NULL) {
		lw_config_redact(in, out);
		fclose(in);
	}
	fprintf(out, "# the command line's interval\ninterval %u\n", interval_s);
	if (fclose(out) != 0) {
		free(buf);
		lw_error_set(err, ENOMEM, "out of memory");
		return NULL;
	}
	return buf;
}

int collect_set_run(struct lw_history *h, uint32_t duration_s, uint32_t interval_s,
		    const char *config_path, struct lw_error *err)
{
	char *config = config_text(duration_s, interval_s, config_path, err);
	struct lw_history_run_info run = {
		.program = "leakwatch collect", .version = LW_VERSION, .interval_s = interval_s,
		.config = config,
	};
	int rc;

	if (config == NULL)
		return -1;
	rc = lw_history_set_run(h, &run, err);
	free(config);
	return rc;
}
