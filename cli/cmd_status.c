/* cmd_status.c: `leakwatch status`: the one screen an operator reads in ten seconds, from any
 * leakwatch agent, without walking the process table (the top, group, slab, trend and alarm
 * tables carry what it needs). */
/* SPDX-License-Identifier: ISC */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_args.h"
#include "commands.h"
#include "human.h"
#include "status_view.h"
#include "snmp_client.h"

static void help(FILE *f)
{
	fprintf(f, "usage: leakwatch status [SNMP OPTIONS] [AGENT] [--top N] [--json] [--color |"
		" --no-color]\n\n"
		"SNMP OPTIONS and AGENT as for snmpget(1): -v 1|2c|3, -c COMMUNITY, -u USER, -l LEVEL,\n"
		"-a PROTOCOL, -A PASSPHRASE, -x PROTOCOL, -X PASSPHRASE, -t SECONDS, -r RETRIES,\n"
		"[udp:|tcp:]HOST[:PORT] (default localhost).\n\n"
		"  --top N      N processes per ranking, N remotes per TCP state (default 5, 3)\n"
		"  --json       the values the screen is made of, raw, as one JSON object\n"
		"  --color      colour even when not on a terminal; --no-color never, nor with NO_COLOR\n");
}

/* The tables and scalars the screen is made of, each read once. */
static const char *const collector_cols[] = { "lwCollectorName", "lwCollectorErrors",
	"lwCollectorLastError", NULL };
static const char *const top_cols[] = { "lwProcTopPid", "lwProcTopName", "lwProcTopValue", NULL };
static const char *const state_cols[] = { "lwTcpStateCount", NULL };
static const char *const remote_cols[] = { "lwTcpTopRemoteAddrText", "lwTcpTopRemoteCount",
	NULL };
static const char *const group_cols[] = { "lwProcGroupName", "lwProcGroupCount",
	"lwProcGroupRssKB", "lwProcGroupFds", "lwProcGroupLeakState", "lwProcGroupRssSlope",
	"lwProcGroupFdLeakState", "lwProcGroupFdSlope", "lwProcGroupTimeToExhaustion", NULL };
static const char *const slab_cols[] = { "lwSlabName", "lwSlabTotalKB", "lwSlabLeakState",
	"lwSlabSlope", "lwSlabTimeToExhaustion", NULL };
static const char *const mcast_cols[] = { "lwMcastIfName", "lwMcastIfCaptureState",
	"lwMcastIfPps10", "lwMcastIfBps10", "lwMcastIfGroups", "lwMcastIfLastError", NULL };

/* The scalars, by group and name: their OIDs come from the compiled-in MIB (mib_objects.c). */
static const struct { const char *group, *name; } scalar_names[LW_S_COUNT] = {
	[LW_S_VERSION] = { "lwAgent", "lwAgentVersion" },
	[LW_S_INTERVAL] = { "lwAgent", "lwSampleInterval" },
	[LW_S_START] = { "lwAgent", "lwAgentStartTimeUnix" },
	[LW_S_SNAPSHOT] = { "lwAgent", "lwAgentSnapshotTimeUnix" },
	[LW_S_LOAD1] = { "lwSystem", "lwLoad1" },
	[LW_S_LOAD5] = { "lwSystem", "lwLoad5" },
	[LW_S_LOAD15] = { "lwSystem", "lwLoad15" },
	[LW_S_CPUS] = { "lwSystem", "lwCpuCount" },
	[LW_S_MEMTOTAL] = { "lwSystem", "lwMemTotalKB" },
	[LW_S_MEMAVAIL] = { "lwSystem", "lwMemAvailableKB" },
	[LW_S_SWAPTOTAL] = { "lwSystem", "lwSwapTotalKB" },
	[LW_S_SWAPFREE] = { "lwSystem", "lwSwapFreeKB" },
	[LW_S_FILES] = { "lwSystem", "lwFilesAllocated" },
	[LW_S_FILESMAX] = { "lwSystem", "lwFilesMax" },
	[LW_S_PROCS] = { "lwSystem", "lwProcessCount" },
	[LW_S_THREADS] = { "lwSystem", "lwThreadCount" },
	[LW_S_TCPSOCKETS] = { "lwTcp", "lwTcpSockets" },
	[LW_S_ORPHANS] = { "lwSockstat", "lwSockstatTcpOrphan" },
	[LW_S_TCPMEM] = { "lwSockstat", "lwSockstatTcpMemPages" },
	[LW_S_TCPMEMPRESSURE] = { "lwTcpLimits", "lwTcpMemPressurePages" },
	[LW_S_TCPMEMMAX] = { "lwTcpLimits", "lwTcpMemMaxPages" },
	[LW_S_MAXORPHANS] = { "lwTcpLimits", "lwTcpMaxOrphans" },
	[LW_S_ORPHANPCT] = { "lwTcpLimits", "lwTcpOrphanPercent" },
	[LW_S_TCPMEMPCT] = { "lwTcpLimits", "lwTcpMemMaxPercent" },
	[LW_S_SLAB] = { "lwKernelMemory", "lwSlabKB" },
	[LW_S_SUNRECLAIM] = { "lwKernelMemory", "lwSUnreclaimKB" },
	[LW_S_ALARMS] = { "lwAlarms", "lwAlarmCount" },
	[LW_S_TOPN] = { "lwProcesses", "lwProcTopN" },
};

static int read_scalars(struct lw_client *c, struct lw_val *vals, struct lw_error *err)
{
	unsigned oids[LW_S_COUNT][16];
	const unsigned *ptrs[LW_S_COUNT];
	size_t lens[LW_S_COUNT];
	for (size_t i = 0; i < LW_S_COUNT; i++) {
		const struct lw_obj_group *g = lw_obj_group_find(scalar_names[i].group);
		const struct lw_obj *o = g ? lw_obj_find(g, scalar_names[i].name) : NULL;
		if (!o)
			return lw_error_set(err, 22, "internal: no object %s", scalar_names[i].name),
				LW_EXIT_FAILED;
		memcpy(oids[i], g->oid, g->oid_len * sizeof(unsigned));
		oids[i][g->oid_len] = o->sub;
		oids[i][g->oid_len + 1] = 0;
		ptrs[i] = oids[i];
		lens[i] = g->oid_len + 2;
	}
	return lw_client_get(c, ptrs, lens, LW_S_COUNT, NULL, vals, err);
}

static int read_table(struct lw_client *c, const char *group, const char *const *cols,
		      struct lw_table *t, struct lw_error *err)
{
	return lw_client_table(c, lw_obj_group_find(group), cols, 0, t, err);
}

/* The leak columns of the processes in the top table: one GET, not a walk of lwProcTable. */
static int read_top_pids(struct lw_client *c, struct lw_status *s, struct lw_error *err)
{
	static const char *const names[LW_PID_COLS] = { "lwProcLeakState", "lwProcRssSlope",
		"lwProcFdLeakState", "lwProcFdSlope", "lwProcTimeToExhaustion", "lwProcRssKB",
		"lwProcFds" };
	const struct lw_obj_group *g = lw_obj_group_find("lwProcTable");
	int pc = lw_table_col(&s->top, "lwProcTopPid");
	s->npids = 0;
	for (size_t r = 0; r < s->top.nrows && s->npids < LW_MAX_PIDS; r++) {
		unsigned pid = (unsigned)lw_val_num(&s->top.rows[r].vals[pc]);
		int seen = 0;
		for (size_t i = 0; i < s->npids; i++)
			seen |= s->pids[i] == pid;
		if (pid && !seen)
			s->pids[s->npids++] = pid;
	}
	size_t n = s->npids * LW_PID_COLS;
	if (n == 0)
		return 0;
	unsigned (*oids)[16] = calloc(n, sizeof(*oids));
	const unsigned **ptrs = calloc(n, sizeof(*ptrs));
	size_t *lens = calloc(n, sizeof(*lens));
	int rc = LW_EXIT_FAILED;
	if (oids && ptrs && lens) {
		for (size_t p = 0; p < s->npids; p++)
			for (size_t k = 0; k < LW_PID_COLS; k++) {
				size_t i = p * LW_PID_COLS + k;
				memcpy(oids[i], g->oid, g->oid_len * sizeof(unsigned));
				oids[i][g->oid_len] = lw_obj_find(g, names[k])->sub;
				oids[i][g->oid_len + 1] = s->pids[p];
				ptrs[i] = oids[i];
				lens[i] = g->oid_len + 2;
			}
		rc = lw_client_get(c, ptrs, lens, n, NULL, &s->pidvals[0][0], err);
	} else {
		lw_error_set(err, 12, "out of memory");
	}
	free(oids);
	free(ptrs);
	free(lens);
	return rc;
}

static int gather(struct lw_client *c, struct lw_status *s, struct lw_error *err)
{
	int rc = read_scalars(c, s->sc, err);
	if (rc)
		return rc;
	if (s->sc[LW_S_VERSION].kind != LW_V_TEXT) {
		lw_error_set(err, 2, "%s answers but serves no LEAKWATCH-MIB (no lwAgentVersion.0):"
			     " is leakwatchd running, and connected to this snmpd over AgentX?",
			     lw_client_peer(c));
		return LW_EXIT_NO_MIB;
	}
	if ((rc = read_table(c, "lwCollectorTable", collector_cols, &s->collectors, err)) ||
	    (rc = lw_client_table_all(c, lw_obj_group_find("lwAlarmTable"), 0, &s->alarms, err)) ||
	    (rc = lw_client_table_all(c, lw_obj_group_find("lwTrendTable"), 0, &s->trends, err)) ||
	    (rc = read_table(c, "lwProcTopTable", top_cols, &s->top, err)) ||
	    (rc = read_top_pids(c, s, err)) ||
	    (rc = read_table(c, "lwTcpStateTable", state_cols, &s->states, err)) ||
	    (rc = read_table(c, "lwTcpTopRemoteTable", remote_cols, &s->remotes, err)) ||
	    (rc = read_table(c, "lwProcGroupTable", group_cols, &s->groups, err)) ||
	    (rc = read_table(c, "lwSlabTable", slab_cols, &s->slabs, err)) ||
	    (rc = read_table(c, "lwMcastIfTable", mcast_cols, &s->mcast, err)))
		return rc;
	return 0;
}

static void status_free(struct lw_status *s)
{
	for (size_t i = 0; i < LW_S_COUNT; i++)
		lw_val_free(&s->sc[i]);
	for (size_t p = 0; p < s->npids; p++)
		for (size_t k = 0; k < LW_PID_COLS; k++)
			lw_val_free(&s->pidvals[p][k]);
	lw_table_free(&s->collectors);
	lw_table_free(&s->alarms);
	lw_table_free(&s->trends);
	lw_table_free(&s->top);
	lw_table_free(&s->states);
	lw_table_free(&s->remotes);
	lw_table_free(&s->groups);
	lw_table_free(&s->slabs);
	lw_table_free(&s->mcast);
}

int lw_cmd_status(int argc, char **argv)
{
	struct lw_cmd_args a;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			help(stdout);
			return LW_EXIT_OK;
		}
	if (lw_cmd_args_parse(argc, argv, &a) < 0 || a.format == LW_FMT_CSV || a.all || a.sort) {
		fprintf(stderr, "leakwatch status: %s (see leakwatch status --help)\n",
			a.bad ? a.bad : "--csv, --all and --sort are options of show");
		lw_cmd_args_free(&a);
		return LW_EXIT_USAGE;
	}
	struct lw_error err = { 0 };
	int rest = 0, rc = 0;
	struct lw_client *c = lw_client_open(a.snmp_argc, a.snmp_argv, &rest, &rc, &err);
	if (!c) {
		if (err.text[0] && rc != LW_EXIT_OK)
			fprintf(stderr, "leakwatch status: %s\n", err.text);
		lw_cmd_args_free(&a);
		return rc;
	}
	if (rest < a.snmp_argc) {
		fprintf(stderr, "leakwatch status: unexpected '%s' after the agent (see leakwatch"
			" status --help)\n", a.snmp_argv[rest]);
		lw_client_close(c);
		lw_cmd_args_free(&a);
		return LW_EXIT_USAGE;
	}
	struct lw_status *s = calloc(1, sizeof(*s));
	if (!s) {
		lw_client_close(c);
		lw_cmd_args_free(&a);
		return LW_EXIT_FAILED;
	}
	snprintf(s->peer, sizeof(s->peer), "%s", lw_client_peer(c));
	rc = gather(c, s, &err);
	lw_client_close(c);
	if (rc) {
		fprintf(stderr, "leakwatch status: %s\n", err.text);
	} else {
		struct lw_view_opts vo = {
			.top = a.rows ? (size_t)a.rows : 5,
			.remotes = a.rows ? (size_t)a.rows : 3,
			/* NO_COLOR (no-color.org) wins over everything, --color included */
			.color = getenv("NO_COLOR") && *getenv("NO_COLOR") ? 0 :
				a.color >= 0 ? a.color : isatty(STDOUT_FILENO),
			.now = time(NULL),
		};
		if (a.format == LW_FMT_JSON)
			lw_status_json(stdout, s);
		else
			lw_status_print(stdout, s, &vo);
	}
	status_free(s);
	free(s);
	lw_cmd_args_free(&a);
	return rc;
}
