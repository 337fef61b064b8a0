/* cmd_args.h: the command line of status and show: leakwatch's own options, then snmpget's. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_CMD_ARGS_H
#define LW_CLI_CMD_ARGS_H

#include "render.h"

struct lw_cmd_args {
	enum lw_format format;  /* --json, --csv */
	int all;                /* --all: every column in text */
	const char *sort;       /* --sort COLUMN */
	long rows;              /* --rows N (show), --top N (status); 0: default */
	int help;               /* -h, --help */
	int color;              /* --color / --no-color; -1: on a terminal without NO_COLOR */
	int snmp_argc;          /* what is left for snmp_parse_args, argv[0] first */
	char **snmp_argv;       /* with "localhost" appended when no agent was given */
	const char *bad;        /* a usage error, for the one-line message */
};

/* Takes leakwatch's long options out of ARGV (anywhere on the line) and leaves the rest, in
 * order, for net-snmp. Returns 0, or -1 with A->bad set. */
int lw_cmd_args_parse(int argc, char **argv, struct lw_cmd_args *a);
void lw_cmd_args_free(struct lw_cmd_args *a);

/* The positions in ARGV of the words that are no option nor an option's value (the agent, a
 * table name), at most MAX of them in POS; returns how many there are. */
int lw_cmd_args_words(int argc, char **argv, int *pos, int max);

#endif
