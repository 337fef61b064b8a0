/* proctable.h: the immutable per-cycle process tables a snapshot carries (rows, groups, top-N). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_PROCTABLE_H
#define LW_PROCTABLE_H

#include <stddef.h>
#include <stdint.h>

enum lw_proc_state {
	LW_PS_RUNNING = 1,
	LW_PS_SLEEPING,
	LW_PS_DISK_SLEEP,
	LW_PS_STOPPED,
	LW_PS_TRACING_STOP,
	LW_PS_ZOMBIE,
	LW_PS_DEAD,
	LW_PS_IDLE,
	LW_PS_OTHER,
};

enum lw_top_metric { LW_TOP_RSS = 1, LW_TOP_CPU, LW_TOP_FDS, LW_TOP_RSS_GROWTH, LW_TOP_COUNT = 4 };

/* Descriptor types; published for the top-N processes by descriptor count. */
struct lw_fd_types {
	uint32_t sockets, pipes, files, anon, other;
};

/*
 * What could not be read about a process (struct lw_proc.unknown): its cells are absent from
 * the MIB (noSuchInstance), never a made-up 0, and the detector and the history skip them.
 */
#define LW_PROC_FDS_UNKNOWN 1u    /* the descriptor count: fds (and so the types) */
#define LW_PROC_TYPES_UNKNOWN 2u  /* the descriptor types: sockets and types */

struct lw_proc {
	uint32_t pid, ppid, uid;
	uint32_t threads, fds, fd_limit, sockets;
	uint32_t cpu_hundredths;      /* hundredths of a percent of one CPU, last interval */
	uint32_t name, cmdline;       /* offsets into the table's string arena */
	struct lw_fd_types types;     /* as sampled; they add up to fds */
	uint8_t unknown;              /* LW_PROC_*_UNKNOWN: those fields are 0 and mean nothing */
	uint8_t state;                /* enum lw_proc_state */
	uint8_t in_fd_top;            /* 1: in the top-N by fds, so lwProcFdTable shows types */
	uint64_t start_time;          /* seconds since the epoch */
	uint64_t rss_kb, vsz_kb, anon_kb, swap_kb;
	uint64_t cpu_ticks;
	int64_t rss_growth_kb;        /* since the previous sample of this identity */
	/* The leak detector's verdicts on this identity (src/detect/watch.c). */
	uint8_t leak_state, fd_leak_state;   /* enum lw_leak_state */
	int64_t rss_slope_kb_h, fd_slope_h;
	uint64_t time_to_exhaustion;  /* seconds, the sooner of memory and descriptors; 0 none */
};

struct lw_proc_group {
	uint32_t index;               /* FNV-1a of the name, stable across restarts */
	uint32_t name;                /* arena offset */
	uint32_t count;
	uint32_t fds;                 /* meaningless when fds_unknown */
	uint8_t fds_unknown;          /* some member's count is unknown: no sum is given */
	uint32_t cpu_hundredths;
	uint64_t rss_kb, max_rss_kb, vsz_kb;
	/* The leak detector's verdicts on the name's processes together (src/detect/watch.c). */
	uint8_t leak_state, fd_leak_state;
	int64_t rss_slope_kb_h, fd_slope_h;
	uint64_t time_to_exhaustion;  /* seconds, memory; 0 none */
};

struct lw_proc_top {
	uint32_t pid;
	uint32_t name;                /* arena offset */
	uint64_t value;
};

struct lw_proc_table {
	size_t count;                 /* rows, sorted by pid */
	struct lw_proc *rows;
	size_t ngroups;               /* sorted by index */
	struct lw_proc_group *groups;
	unsigned top_n;
	size_t ntop[LW_TOP_COUNT + 1];          /* rows per metric (1-based) */
	struct lw_proc_top *top[LW_TOP_COUNT + 1];
	uint32_t dropped;             /* left out by process_max_rows */
	uint32_t seen;                /* every process the collector saw, before filters */
	uint8_t cmdline_published;    /* 0: process_cmdline no, every cmdline is "" and not served */
	char *arena;                  /* NUL-terminated strings */
	size_t arena_len;
};

static inline const char *lw_proc_str(const struct lw_proc_table *t, uint32_t off)
{
	return t->arena + off;
}

/* Orders rows by pid (qsort/bsearch comparator). */
int lw_proc_pid_cmp(const void *a, const void *b);

/* The row for pid, or NULL (binary search). */
const struct lw_proc *lw_proc_find(const struct lw_proc_table *t, uint32_t pid);

/* Frees the table's arrays (not the struct itself, which a snapshot embeds). */
void lw_proc_table_release(struct lw_proc_table *t);

/* FNV-1a 32 of name with the top bit cleared and 0 mapped to 1: lwProcGroupIndex. */
uint32_t lw_proc_group_index(const char *name);

#endif
