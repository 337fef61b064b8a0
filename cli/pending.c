/* pending.c: the subcommands not built yet, each answering so; removed as each one lands. */
#include <stdio.h>

#include "commands.h"

static int pending(const char *name)
{
	fprintf(stderr, "leakwatch: %s is not built in this version\n", name);
	return LW_EXIT_FAILED;
}

/* status: cli/cmd_status.c replaces this */
int lw_cmd_status(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

/* show: cli/cmd_show.c replaces this */
int lw_cmd_show(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

/* collect: cli/cmd_collect.c replaces this */
int lw_cmd_collect(int argc, char **argv)
{
	(void)argc;
	return pending(argv[0]);
}

/* end */
