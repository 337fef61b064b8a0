/* collect_opts.c: leakwatch collect's options, checked before anything runs (exit 2, one line). */
/* SPDX-License-Identifier: ISC */
#include "collect_opts.h"

#include <ctype.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "usage.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: leakwatch collect --duration SPAN [--interval SPAN] [-o FILE.tar.gz|DIR]\n"
		"                         [--db FILE.db] [--config FILE]\n"
		"  --duration SPAN   how long to collect: 90s, 10m, 1h, 2d, 1h30m (at most 30d)\n"
		"  --interval SPAN   time between samples, at least 1s (default %ds)\n"
		"  -o FILE.tar.gz    the report (default leakwatch-collect-HOST-DATE-TIME.tar.gz;\n"
		"                    a name not ending in .tar.gz is a directory)\n"
		"  --db FILE.db      the history, written as it goes (default: the report's name\n"
		"                    with .db); must not exist. After a crash: leakwatch report --db\n"
		"  --config FILE     leakwatchd.conf: process_*, tcp_*, mcast_*, thresholds, root\n"
		"Ctrl-C or SIGTERM stops early and still writes the report; a second one skips it.\n",
		COLLECT_DEFAULT_INTERVAL_S);
}

/* One form for every subcommand (cli/usage.c). */
#define usage_error(...) lw_cli_usage_error("collect", __VA_ARGS__)

int collect_parse_duration(const char *s, uint32_t *out, char *why, size_t why_cap)
{
	/* Plain seconds as the whole span only: in "1h30" a missing unit is more likely a typo. */
	bool plain = *s != '\0' && strspn(s, "0123456789") == strlen(s);
	uint64_t total = 0;
	const char *p = s;

	if (*p == '\0') {
		snprintf(why, why_cap, "empty");
		return -1;
	}
	while (*p != '\0') {
		uint64_t n = 0, unit;

		if (!isdigit((unsigned char)*p)) {
			snprintf(why, why_cap, "a number was expected at '%s'", p);
			return -1;
		}
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (uint64_t)(*p++ - '0');
			if (n > COLLECT_MAX_DURATION_S) {
				snprintf(why, why_cap, "more than 30 days");
				return -1;
			}
		}
		switch (*p) {
		case 's': unit = 1; p++; break;
		case 'm': unit = 60; p++; break;
		case 'h': unit = 3600; p++; break;
		case 'd': unit = 86400; p++; break;
		case '\0':
			if (plain) {
				unit = 1;
				break;
			}
			snprintf(why, why_cap, "a unit (s, m, h or d) is missing after %llu",
				 (unsigned long long)n);
			return -1;
		default:
			snprintf(why, why_cap, "unknown unit '%c' (s, m, h or d)", *p);
			return -1;
		}
		total += n * unit;
		if (total > COLLECT_MAX_DURATION_S) {
			snprintf(why, why_cap, "more than 30 days");
			return -1;
		}
	}
	*out = (uint32_t)total;
	return 0;
}

void collect_format_span(char *buf, size_t cap, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s >= 86400)
		snprintf(buf, cap, "%lldd %lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, cap, "%lldh %02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, cap, "%lldm %02llds", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, cap, "%llds", (long long)s);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The default report name: which host, and when the collection started. */
static void default_out(char *buf, size_t cap)
{
	char host[64] = "host";
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "host");
	host[sizeof(host) - 1] = '\0';
	for (char *c = host; *c != '\0'; c++)
		if (*c == '/' || isspace((unsigned char)*c))
			*c = '_';
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, cap, "leakwatch-collect-%s-%s.tar.gz", host, when);
}

/* FILE.tar.gz -> FILE.db, DIR/ -> DIR.db: beside the report, where the engineer looks. */
static int db_beside(const char *out, char *db, size_t cap)
{
	size_t n = strlen(out);

	if (ends_with(out, ".tar.gz"))
		n -= strlen(".tar.gz");
	else
		while (n > 1 && out[n - 1] == '/')
			n--;
	return snprintf(db, cap, "%.*s.db", (int)n, out) >= (int)cap ? -1 : 0;
}

static int copy_name(char *dst, size_t cap, const char *src, const char *what)
{
	if (*src == '\0')
		return usage_error("%s: an empty name", what);
	if (snprintf(dst, cap, "%s", src) >= (int)cap)
		return usage_error("%s: the name is too long", what);
	return 0;
}

int collect_parse_args(int argc, char **argv, struct collect_opts *o)
{
	enum { OPT_DURATION = 1000, OPT_INTERVAL, OPT_CONFIG, OPT_DB };
	static const struct option longopts[] = {
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "output", required_argument, NULL, 'o' },
		{ "db", required_argument, NULL, OPT_DB },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *db = NULL;
	bool have_duration = false;
	char why[128];
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->interval_s = COLLECT_DEFAULT_INTERVAL_S;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":ho:", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DURATION:
			if (collect_parse_duration(optarg, &o->duration_s, why, sizeof(why)))
				return usage_error("--duration '%s': %s", optarg, why);
			if (o->duration_s < 1)
				return usage_error("--duration '%s': at least 1s", optarg);
			have_duration = true;
			break;
		case OPT_INTERVAL:
			if (collect_parse_duration(optarg, &o->interval_s, why, sizeof(why)))
				return usage_error("--interval '%s': %s", optarg, why);
			if (o->interval_s < 1)
				return usage_error("--interval '%s': at least 1s", optarg);
			if (o->interval_s > COLLECT_MAX_INTERVAL_S)
				return usage_error("--interval '%s': at most 1d", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_CONFIG:
			o->config_path = optarg;
			break;
		case 'h':
			usage(stdout);
			o->help = 1;
			return 0;
		case ':':
			return usage_error("%s needs a value", argv[optind - 1]);
		default:
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (!have_duration)
		return usage_error("--duration is required (e.g. --duration 1h)");
	if (o->duration_s < o->interval_s)
		return usage_error("--duration (%us) is shorter than --interval (%us)",
				   o->duration_s, o->interval_s);
	if (out == NULL)
		default_out(o->out, sizeof(o->out));
	else if ((rc = copy_name(o->out, sizeof(o->out), out, "-o")) != 0)
		return rc;
	if (db != NULL) {
		if ((rc = copy_name(o->db, sizeof(o->db), db, "--db")) != 0)
			return rc;
	} else if (db_beside(o->out, o->db, sizeof(o->db))) {
		return usage_error("-o: the name is too long");
	}
	if (strcmp(o->db, o->out) == 0)
		return usage_error("--db and -o name the same file '%s'", o->db);
	if (o->config_path != NULL && *o->config_path == '\0')
		return usage_error("--config: an empty name");
	return 0;
}
