/* proc_floor.h: the bare system calls a process sample needs, timed, as this machine's floor. */
#ifndef LW_BENCH_PROC_FLOOR_H
#define LW_BENCH_PROC_FLOOR_H

struct proc_floor {
	unsigned processes;     /* sampled in the last round */
	unsigned kept;          /* of which stat and statm stayed open */
	double cpu_us_per_process;
	double null_syscall_us; /* getppid(), the machine's cheapest system call */
};

/*
 * Under root's proc: opens stat and statm of every process (as many as the descriptor limit
 * less 512 allows, as the collector does), then times rounds of readdir + two preads +
 * fstatat(PID/fd), with open/read/close for the rest. No parsing, no tables: what no collector
 * of these columns can go below. -1 when proc cannot be opened.
 */
int proc_floor_measure(const char *root, int rounds, struct proc_floor *out);

#endif
