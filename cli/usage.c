/* usage.c: the one form of a usage error, shared by leakwatch's subcommands. */
/* SPDX-License-Identifier: ISC */
#include "usage.h"

#include <stdarg.h>
#include <stdio.h>

#include "commands.h"

int lw_cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "leakwatch %s: ", command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see leakwatch %s --help)\n", command);
	return LW_EXIT_USAGE;
}
