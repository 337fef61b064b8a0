/* cmd_report.c: `leakwatch report`: the support report (HTML, CSV, JSON, tarball) from a history database. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_report_time.h"
#include "commands.h"
#include "usage.h"
#include "config/lw_config.h"
#include "report/report.h"

#ifndef LW_DEFAULT_CONFIG
#define LW_DEFAULT_CONFIG "/etc/leakwatch/leakwatchd.conf"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: leakwatch report [--db FILE] [--last DURATION | --from TIME --to TIME]\n"
		"                        [--config FILE] [--thresholds FILE] [-o FILE.tar.gz | -o DIR]\n"
		"\n"
		"The support report from leakwatchd's history: index.html, csv/, report.json,\n"
		"system/, the window's history.db and SHA256SUMS, in a directory or a tarball.\n"
		"\n"
		"  --db FILE          the history (default: the daemon's, state_dir/history.db of\n"
		"                     --config, else of %s)\n"
		"  --last DURATION    the last 48h, 30m, 2d... up to the history's last sample\n"
		"  --from TIME        ISO 8601 (2026-12-07T17:00:00Z, or with +02:00) or epoch seconds\n"
		"  --to TIME          default: the whole history\n"
		"  --config FILE      leakwatchd.conf: the database, the thresholds, and a copy in the\n"
		"                     report (default: the configuration the history's run recorded)\n"
		"  --thresholds FILE  thresholds set over SNMP (default: state_dir/thresholds)\n"
		"  -o OUT             FILE.tar.gz, or a directory (default:\n"
		"                     leakwatch-report-HOST-YYYYmmddTHHMMZ.tar.gz)\n"
		"\nleakwatch(1), docs/REPORT.md: what the report holds and how to read it.\n",
		LW_DEFAULT_CONFIG);
}

/* One form for every subcommand (cli/usage.c). */
#define usage_error(...) lw_cli_usage_error("report", __VA_ARGS__)

int lw_cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "last", required_argument, NULL, 'l' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "config", required_argument, NULL, 'c' },
		{ "thresholds", required_argument, NULL, 'T' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lw_report_opts o = { 0 };
	char out[4096], db[1024], thresholds[1024], host[256] = "host", stamp[32];
	const char *cfg_path = NULL;
	struct lw_config *cfg = NULL;
	struct lw_report *r = NULL;
	struct lw_error err = { 0 };
	int c, rc = LW_EXIT_OK;

	optind = 0;
	opterr = 0;  /* getopt's own message would name "report", not "leakwatch report" */
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.db_path = optarg; break;
		case 'l':
			if (lw_parse_duration(optarg, &o.last_s) != 0)
				return usage_error("--last '%s': a duration like 48h, 30m, 2d or 3600",
						   optarg);
			break;
		case 'f':
			if (lw_parse_time(optarg, &o.from) != 0)
				return usage_error("--from '%s': an ISO 8601 time or epoch seconds",
						   optarg);
			break;
		case 't':
			if (lw_parse_time(optarg, &o.to) != 0)
				return usage_error("--to '%s': an ISO 8601 time or epoch seconds",
						   optarg);
			break;
		case 'c': cfg_path = optarg; break;
		case 'T': o.thresholds_path = optarg; break;
		case 'o': o.out = optarg; break;
		case 'h': usage(stdout); return LW_EXIT_OK;
		case ':': return usage_error("%s needs a value", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (o.last_s > 0 && (o.from || o.to))
		return usage_error("%s", "--last goes without --from and --to");
	if (o.from && o.to && o.from > o.to)
		return usage_error("%s", "--from is after --to");
	/* The daemon's configuration tells where its history and thresholds are. */
	if (cfg_path == NULL && o.db_path == NULL && access(LW_DEFAULT_CONFIG, R_OK) == 0)
		cfg_path = LW_DEFAULT_CONFIG;
	if (cfg_path != NULL && lw_config_load(cfg_path, &cfg, &err) != 0) {
		fprintf(stderr, "leakwatch report: %s\n", err.text);
		return LW_EXIT_FAILED;
	}
	o.config_path = cfg_path;
	if (o.db_path == NULL) {
		snprintf(db, sizeof(db), "%s", cfg ? cfg->history.path : LW_DEFAULT_STATE_DIR "/history.db");
		if (db[0] == '\0')
			snprintf(db, sizeof(db), "%s/history.db",
				 cfg ? cfg->state_dir : LW_DEFAULT_STATE_DIR);
		o.db_path = db;
	}
	if (o.thresholds_path == NULL && cfg != NULL) {
		snprintf(thresholds, sizeof(thresholds), "%s/thresholds", cfg->state_dir);
		if (access(thresholds, R_OK) == 0)
			o.thresholds_path = thresholds;
	}
	lw_config_unref(cfg);
	if (o.out == NULL) {
		time_t now = time(NULL);
		struct tm tm;

		gethostname(host, sizeof(host) - 1);
		for (char *p = host; *p; p++)
			if (*p == '/' || *p == ' ')
				*p = '_';
		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%MZ", &tm);
		snprintf(out, sizeof(out), "leakwatch-report-%s-%s.tar.gz", host, stamp);
		o.out = out;
	}
	if (lw_report_build(&r, &o, &err) != 0) {
		fprintf(stderr, "leakwatch report: %s\n", err.text);
		return LW_EXIT_FAILED;
	}
	if (lw_report_write(r, &o, &err) != 0) {
		fprintf(stderr, "leakwatch report: %s\n", err.text);
		rc = LW_EXIT_FAILED;
	} else {
		printf("%s: %zu series, %zu samples, %zu gaps, %zu suspects\n", o.out, r->nseries,
		       r->cycles + r->windows, r->ngaps, r->nsuspects);
	}
	lw_report_free(r);
	return rc;
}
