/* proc_floor.h: the bare system calls a process sample needs, timed in a helper, as a floor. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_BENCH_PROC_FLOOR_H
#define LW_BENCH_PROC_FLOOR_H

#include <sys/types.h>

/*
 * A child process that has opened stat and statm of every process under root's proc (as many
 * as its descriptor limit less 512 allows, as the collector does) and, on each request, times
 * one round of readdir + two preads + fstatat(PID/fd) per process, with open/read/close for the
 * rest. No parsing, no tables: what no collector of these columns can go below. A child of its
 * own, so its descriptors do not compete with the collector's and rounds can be interleaved.
 */
struct proc_floor {
	pid_t pid;
	int to_child, from_child;
	unsigned processes;     /* opened at start */
	unsigned kept;          /* of which stat and statm stayed open */
	double null_syscall_us; /* getppid(), the machine's cheapest system call */
};

int proc_floor_start(const char *root, struct proc_floor *f);

/* One timed round: CPU microseconds per process. -1 if the helper failed. */
int proc_floor_round(struct proc_floor *f, double *cpu_us_per_process);

void proc_floor_stop(struct proc_floor *f);

#endif
