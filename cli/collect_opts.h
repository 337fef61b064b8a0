/* collect_opts.h: leakwatch collect's command line: durations, the output and database names. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_COLLECT_OPTS_H
#define LW_CLI_COLLECT_OPTS_H

#include <stddef.h>
#include <stdint.h>

#define COLLECT_DEFAULT_INTERVAL_S 10
/* A month: longer runs are the daemon's job, and the history keeps the whole collection at full
 * resolution (history_full_hours), whose bound is a year. */
#define COLLECT_MAX_DURATION_S (30 * 86400)
/* leakwatchd.conf's bound for interval (src/config/lw_config.c). */
#define COLLECT_MAX_INTERVAL_S 86400

struct collect_opts {
	uint32_t duration_s;
	uint32_t interval_s;
	const char *config_path;     /* --config: leakwatchd.conf; NULL: the defaults */
	char out[4096];              /* -o: FILE.tar.gz or a directory */
	char db[4096];               /* --db, else next to out: FILE.db */
	int help;                    /* --help asked: usage printed, nothing to run */
};

/*
 * Parses "90s", "10m", "1h", "2d", "1h30m" or plain seconds into *out. Returns 0, or -1 with
 * why in why (a phrase for "--duration: ...").
 */
int collect_parse_duration(const char *s, uint32_t *out, char *why, size_t why_cap);

/* Parses argv (argv[0] is "collect"); on a usage error prints one line and returns
 * LW_EXIT_USAGE; prints the usage for --help (o->help set). Returns 0 when there is work. */
int collect_parse_args(int argc, char **argv, struct collect_opts *o);

/* "1h 0m", "2m 05s", "45s": a span for people. */
void collect_format_span(char *buf, size_t cap, int64_t s);

#endif
