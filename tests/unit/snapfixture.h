/* snapfixture.h: a struct lw_agent around an in-memory snapshot of known values, for agent/ unit tests. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TEST_SNAPFIXTURE_H
#define LW_TEST_SNAPFIXTURE_H

#include "agent_ctx.h"

/*
 * What the fixture builds, so that tests name the rows instead of repeating numbers. Every
 * collector succeeds except LW_FIX_FAILED_COLLECTOR (its objects have no value) and every
 * kernel field is present except the ones named LW_FIX_ABSENT_*.
 */
#define LW_FIX_FAILED_COLLECTOR LW_COL_FILENR
#define LW_FIX_FAILED_TEXT "/proc/sys/fs/file-nr: Permission denied"
#define LW_FIX_NOTICE_COLLECTOR LW_COL_PROCESSES
#define LW_FIX_NOTICE_TEXT "process_max_rows 4 reached: 3 processes left out"
#define LW_FIX_ABSENT_MEMINFO LW_MI_PERCPU         /* a 4.x kernel without Percpu */
#define LW_FIX_ABSENT_VMSTAT LW_VM_OOM_KILL        /* before 4.13 */
#define LW_FIX_ABSENT_SOCKSTAT LW_SS_UDPLITE6_INUSE
#define LW_FIX_UNKNOWN_PCT LW_PCT_TCP_TW           /* tcp_max_tw_buckets was 0 */

/* Processes (sorted by pid); the hostile one's name and command line hold control bytes,
 * invalid UTF-8, a quote and a percent sign, which the agent must serve byte for byte. */
#define LW_FIX_NPROCS 4
#define LW_FIX_HOSTILE_PID 42
#define LW_FIX_HOSTILE_NAME "ev\x01l\xff\"%s\n"
#define LW_FIX_HOSTILE_CMDLINE "/tmp/\x1b[31mx\xfe\xc3( --a='%n' \t\x7f"
#define LW_FIX_MISSING_PID 2       /* between two rows */
#define LW_FIX_LAST_PID 65000

/* The multicast interface that captures (ifIndex 2) and one configured but never seen. */
#define LW_FIX_MCAST_IFINDEX 2

/* Trends: SUnreclaim and TCP memory are known, the other two have no row. */

/* The full fixture; aborts the test run when it cannot be built. thresholds_path is a file in a
 * new temporary directory that does not exist yet. */
struct lw_agent *lw_fixture_agent(void);

/* The daemon before its first cycle: configuration defaults, no snapshot, no capture. */
struct lw_agent *lw_fixture_empty_agent(void);

/* Frees the snapshot, the captures and the temporary directory with what is in it. */
void lw_fixture_agent_free(struct lw_agent *agent);

#endif
