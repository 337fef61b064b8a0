/* benchutil.h: clocks, CPU accounting, medians, child tools and stop signals the benches share. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_BENCH_BENCHUTIL_H
#define LW_BENCH_BENCHUTIL_H

#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>

/* clk in seconds (CLOCK_MONOTONIC for wall time, a CPU-time clock for CPU). */
double bench_clock_s(clockid_t clk);

/* CLOCK_MONOTONIC in microseconds and in seconds: the wall clock every timed run reads. */
double bench_now_us(void);
double bench_now_s(void);

double bench_tv_us(struct timeval tv);

/* This process's user and system CPU so far (getrusage), microseconds. */
void bench_self_cpu_us(double *user_us, double *sys_us);

/* The median of n values; sorts v, so v[0] is then the minimum. */
double bench_median(double *v, int n);

/*
 * Runs argv (looked up in PATH) with its stdout on /dev/null and waits for it; ru, unless NULL,
 * gets the child's usage. 0 when it exited 0, the posix_spawn error number when it could not
 * start, -1 when it failed otherwise.
 */
int bench_run_quiet(char *const argv[], struct rusage *ru);

/* What bench_run_read hands each chunk of the child's output to. */
typedef void bench_chunk_fn(void *arg, const char *p, size_t n);

/*
 * As bench_run_quiet, but stdout goes to a pipe read to its end in chunks of up to cap bytes
 * into buf, each passed to chunk(arg, ...) (NULL: read and dropped), so a tool pays for its
 * whole output as it does on a terminal.
 */
int bench_run_read(char *const argv[], char *buf, size_t cap, bench_chunk_fn *chunk, void *arg,
		   struct rusage *ru);

/* The signal SIGINT, SIGTERM or SIGHUP that asked a long-running bench to stop; 0 until then. */
extern volatile sig_atomic_t bench_stop_sig;

/* Catches those three into bench_stop_sig, without SA_RESTART, so blocking calls return. */
void bench_catch_stop(void);

/* Closes descriptors 3 and up left open by whoever started us, so children do not inherit them. */
void bench_close_inherited(void);

#endif
