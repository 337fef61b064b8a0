/* leakwatch.c: leakwatch(1)'s entry point: picks the subcommand, answers --help and --version. */
/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <string.h>

#include "commands.h"

#ifndef LW_VERSION
#define LW_VERSION "unknown"
#endif

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "status", lw_cmd_status, "one screen from a leakwatch agent: health, alarms, suspects, tops" },
	{ "show", lw_cmd_show, "one table of a leakwatch agent, readable, or --json, --csv" },
	{ "report", lw_cmd_report, "the support report (HTML, CSV, JSON, tarball) from the history" },
	{ "collect", lw_cmd_collect, "collect for a while without the daemon, then the report" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: leakwatch COMMAND [OPTIONS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n`leakwatch COMMAND --help` for a command's options; leakwatch(1) for more.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return LW_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return LW_EXIT_OK;
	}
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("leakwatch %s\n", LW_VERSION);
		return LW_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "leakwatch: unknown command '%s' (status, show, report, collect; see"
		" leakwatch --help)\n", argv[1]);
	return LW_EXIT_USAGE;
}
