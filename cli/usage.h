/* usage.h: the one form of a usage error, shared by leakwatch's subcommands. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_USAGE_H
#define LW_CLI_USAGE_H

/* Prints "leakwatch COMMAND: MESSAGE (see leakwatch COMMAND --help)" on stderr, one line,
 * and returns LW_EXIT_USAGE (commands.h). */
int lw_cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
