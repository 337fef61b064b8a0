/* commands.h: the subcommands of leakwatch(1), each in its own file under cli/. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_COMMANDS_H
#define LW_CLI_COMMANDS_H

/*
 * Each takes the arguments after its name (argv[0] is the subcommand's name) and returns the
 * process's exit status: 0 done, 1 it could not be done (an agent unreachable, a database
 * unreadable: one line on stderr says why), 2 a usage error (one line, then "see leakwatch
 * COMMAND --help").
 */
int lw_cmd_status(int argc, char **argv);   /* cmd_status.c: one screen from any agent */
int lw_cmd_show(int argc, char **argv);     /* cmd_show.c: one table, readable, --json, --csv */
int lw_cmd_report(int argc, char **argv);   /* cmd_report.c: the support report from a history */
int lw_cmd_collect(int argc, char **argv);  /* cmd_collect.c: collect without the daemon, report */

#define LW_EXIT_OK 0
#define LW_EXIT_FAILED 1
#define LW_EXIT_USAGE 2
/* status and show (cli/snmp_client.c): why an agent could not be read, one status per cause */
#define LW_EXIT_NO_ANSWER 3  /* no answer: host down or unreachable, wrong port or community */
#define LW_EXIT_AUTH 4       /* refused: SNMPv3 user, password or level, or access control */
#define LW_EXIT_NO_MIB 5     /* an SNMP agent without LEAKWATCH-MIB (no leakwatchd behind it) */

#endif
