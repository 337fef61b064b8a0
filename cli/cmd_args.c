/* cmd_args.c: the command line of status and show, split between leakwatch and net-snmp. */
/* SPDX-License-Identifier: ISC */
#include <stdlib.h>
#include <string.h>

#include "cmd_args.h"

/* net-snmp's options that take an argument (snmpcmd(1), snmp_parse_args.c's optstring):
 * after "-c", the next word is the community, not the agent. */
static int takes_arg(char letter)
{
	return strchr("YmMOIPvrtcZeEnulxXaApTLsSkK3", letter) != NULL;
}

int lw_cmd_args_parse(int argc, char **argv, struct lw_cmd_args *a)
{
	memset(a, 0, sizeof(*a));
	a->color = -1;
	a->snmp_argv = calloc((size_t)argc + 2, sizeof(char *));
	if (!a->snmp_argv) {
		a->bad = "out of memory";
		return -1;
	}
	a->snmp_argv[a->snmp_argc++] = argv[0];
	int positional = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--json") == 0)
			a->format = LW_FMT_JSON;
		else if (strcmp(s, "--csv") == 0)
			a->format = LW_FMT_CSV;
		else if (strcmp(s, "--all") == 0)
			a->all = 1;
		else if (strcmp(s, "--color") == 0)
			a->color = 1;
		else if (strcmp(s, "--no-color") == 0)
			a->color = 0;
		else if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)
			a->help = 1;
		else if (strcmp(s, "--sort") == 0 || strcmp(s, "--rows") == 0 || strcmp(s, "--top") == 0) {
			if (i + 1 >= argc) {
				a->bad = "an option needs a value";
				return -1;
			}
			const char *v = argv[++i];
			if (s[2] == 's') {
				a->sort = v;
			} else {
				char *end;
				a->rows = strtol(v, &end, 10);
				if (*end || a->rows < 1 || a->rows > 1000000) {
					a->bad = "--rows and --top take a number from 1 to 1000000";
					return -1;
				}
			}
		} else if (strncmp(s, "--", 2) == 0 && s[2] && strchr(s, '=') == NULL) {
			a->bad = "unknown option";
			return -1;
		} else {
			a->snmp_argv[a->snmp_argc++] = argv[i];
			if (s[0] == '-' && s[1] && s[1] != '-' && takes_arg(s[1]) && !s[2] && i + 1 < argc)
				a->snmp_argv[a->snmp_argc++] = argv[++i];
			else if (s[0] != '-')
				positional++;
		}
	}
	if (positional == 0)
		a->snmp_argv[a->snmp_argc++] = "localhost";
	return 0;
}

void lw_cmd_args_free(struct lw_cmd_args *a)
{
	free(a->snmp_argv);
	a->snmp_argv = NULL;
}

int lw_cmd_args_words(int argc, char **argv, int *pos, int max)
{
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--sort") == 0 || strcmp(s, "--rows") == 0 || strcmp(s, "--top") == 0)
			i++;
		else if (s[0] == '-' && s[1] && s[1] != '-' && takes_arg(s[1]) && !s[2])
			i++;
		else if (s[0] != '-') {
			if (n < max)
				pos[n] = i;
			n++;
		}
	}
	return n;
}
