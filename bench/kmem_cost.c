/* kmem_cost.c: one kernel-memory collection vs `cat` of its files, `vmstat -m`, the bare reads. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "benchutil.h"
#include "cycle/registry.h"
#include "cycle/snapshot.h"
#include "kmem/kmem.h"
#include "base/readfile.h"

#define BUF_CAP (4u << 20)   /* the floor's and the pipes' buffer; the files are tens of KiB */
#define WARM_SPIN_MS 5       /* before each measurement: see settle() */
#define COLD_SLEEP_MS 50
#define SPLIT_S 0.5          /* per unit of the user/sys split: about 125 ticks at HZ=250 */

extern char **environ;

enum { LW, LW_STAGED, FLOOR, FLOOR_ALL, CAT, VMSTAT_M, METHODS };
static const char *const method_name[METHODS] = { "leakwatch", "leakwatch_staged", "floor",
						  "floor_all", "cat", "vmstat_m" };

/* One kernel-memory collection: the five collectors in the daemon's (id) order, then the copy. */
enum { ST_MEMINFO, ST_SLABINFO, ST_ZONEINFO, ST_BUDDYINFO, ST_VMSTAT, ST_COPY, STAGES };
#define NCOLL ST_COPY
static const enum lw_collector_id coll_id[NCOLL] = { LW_COL_MEMINFO, LW_COL_SLABINFO,
						     LW_COL_ZONEINFO, LW_COL_BUDDYINFO,
						     LW_COL_VMSTAT };
static const char *const stage_name[STAGES] = { "meminfo", "slabinfo", "zoneinfo", "buddyinfo",
						"vmstat", "copy" };

/* The floor: the files cat prints, and the files the collection reads (in the stages' order). */
static const char *const floor_files[] = { "proc/slabinfo", "proc/zoneinfo", "proc/buddyinfo" };
static const char *const floor_all_files[NCOLL] = { "proc/meminfo", "proc/slabinfo",
						    "proc/zoneinfo", "proc/buddyinfo",
						    "proc/vmstat" };
#define NFLOOR 3
#define NFLOOR_ALL NCOLL

static char *cat_argv[] = { "cat", "/proc/slabinfo", "/proc/zoneinfo", "/proc/buddyinfo", NULL };
static char *vmstat_argv[] = { "vmstat", "-m", NULL };

struct sample {
	double wall_us, cpu_us;
};

struct bench {
	int rootfd;
	struct lw_snapshot work;         /* kept across collections, as lw_collect_state keeps it */
	struct lw_filebuf filebuf;
	char notice[LW_ERROR_TEXT_MAX];
	struct sample stage[STAGES];     /* the last collection, per stage */
	size_t copy_bytes;
	char *buf;
	int count_lines;                 /* untimed runs only: counting is work the others skip */
	size_t file_bytes[NFLOOR_ALL], file_lines[NFLOOR_ALL];  /* the last floor_all run */
	uint64_t tool_bytes[METHODS], tool_lines[METHODS];
	uint64_t tool_headers[METHODS];  /* lines starting "Cache ": vmstat -m repeats its header */
};

/*
 * This thread's CPU from the scheduler's runtime (ns). getrusage's user/sys split is sampled
 * at each tick (this kernel: TICK_CPU_ACCOUNTING, HZ=250), far coarser than one collection;
 * the split is measured apart, over long loops (split()).
 */
static double cpu_us(void)
{
	return bench_clock_s(CLOCK_THREAD_CPUTIME_ID) * 1e6;
}

static size_t count_lines(const char *p, size_t n)
{
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

/* Lines and header lines of a pipe read in chunks; *col carries a line's start across them. */
static void count_tool_lines(const char *p, size_t n, int *col, uint64_t *lines,
			     uint64_t *headers)
{
	static const char header[] = "Cache ";

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			++*lines;
			*col = 0;
		} else if (*col >= 0) {
			*col = p[i] == header[*col] ? *col + 1 : -1;
			if (*col == (int)sizeof(header) - 1) {
				++*headers;
				*col = -1;
			}
		}
	}
}

/*
 * The collectors through the registry, as collect.c's run_collector() calls them, then the
 * copy. Staged, each stage is timed too: that costs a CLOCK_THREAD_CPUTIME_ID system call per stage (1.6 µs here,
 * with PTI), so the headline figure is the unstaged run, timed from outside like the others.
 */
static int run_leakwatch(struct bench *b, int staged)
{
	struct lw_collector_ctx ctx = {
		.rootfd = b->rootfd, .filebuf = &b->filebuf,
		.notice = b->notice, .notice_cap = sizeof(b->notice),
	};
	double w[STAGES + 1], c[STAGES + 1];
	struct lw_kmem copy;
	struct lw_error err;

	if (staged) {
		w[0] = bench_now_us();
		c[0] = cpu_us();
	}
	for (int i = 0; i < NCOLL; i++) {
		const struct lw_collector_def *def = lw_collector_def(coll_id[i]);

		lw_error_clear(&err);
		b->notice[0] = '\0';
		lw_collector_bind(coll_id[i], &b->work, &ctx);
		if (def->collector->run(&ctx, &err)) {
			fprintf(stderr, "kmem_cost: collector %s: %s\n", def->name, err.text);
			return -1;
		}
		if (staged) {
			w[i + 1] = bench_now_us();
			c[i + 1] = cpu_us();
		}
	}
	/* what lw_collect_cycle pays per snapshot, and lw_snapshot_free when it is dropped */
	lw_kmem_init(&copy);
	if (lw_kmem_copy(&copy, &b->work.kmem)) {
		fprintf(stderr, "kmem_cost: lw_kmem_copy: out of memory\n");
		return -1;
	}
	b->copy_bytes = copy.slabs.n * sizeof(*copy.slabs.rows) +
			copy.zones.n * sizeof(*copy.zones.rows) +
			copy.buddies.n * sizeof(*copy.buddies.rows);
	lw_kmem_free(&copy);
	if (!staged)
		return 0;
	w[STAGES] = bench_now_us();
	c[STAGES] = cpu_us();
	for (int i = 0; i < STAGES; i++) {
		b->stage[i].wall_us = w[i + 1] - w[i];
		b->stage[i].cpu_us = c[i + 1] - c[i];
	}
	return 0;
}

/* One stage alone, for the split: the collector (or the copy) with the kept buffers. */
static int run_stage(struct bench *b, int s)
{
	struct lw_collector_ctx ctx = {
		.rootfd = b->rootfd, .filebuf = &b->filebuf,
		.notice = b->notice, .notice_cap = sizeof(b->notice),
	};
	struct lw_kmem copy;
	struct lw_error err;

	if (s < NCOLL) {
		lw_collector_bind(coll_id[s], &b->work, &ctx);
		return lw_collector_def(coll_id[s])->collector->run(&ctx, &err);
	}
	lw_kmem_init(&copy);
	if (lw_kmem_copy(&copy, &b->work.kmem))
		return -1;
	lw_kmem_free(&copy);
	return 0;
}

/* open + read to EOF + close, the syscalls leakwatch cannot do without; nothing parsed. */
static int read_whole(struct bench *b, const char *rel, size_t *len)
{
	int fd = openat(b->rootfd, rel, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	*len = 0;
	if (fd < 0) {
		fprintf(stderr, "kmem_cost: open /%s: %s\n", rel, strerror(errno));
		return -1;
	}
	while ((n = read(fd, b->buf + *len, BUF_CAP - *len)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			*len += (size_t)n;
	close(fd);
	if (n < 0 || *len == BUF_CAP) {
		fprintf(stderr, "kmem_cost: read /%s: %s\n", rel,
			n < 0 ? strerror(errno) : "larger than the buffer");
		return -1;
	}
	return 0;
}

static int run_floor(struct bench *b, int all)
{
	size_t len;

	for (int i = 0; i < (all ? NFLOOR_ALL : NFLOOR); i++) {
		if (read_whole(b, all ? floor_all_files[i] : floor_files[i], &len))
			return -1;
		if (all) {
			b->file_bytes[i] = len;
			b->file_lines[i] = b->count_lines ? count_lines(b->buf, len) : 0;
		}
	}
	return 0;
}

/* Where count_tool_lines keeps its place between the chunks of one tool's output. */
struct tool_count {
	struct bench *b;
	int m, col;
};

static void tool_chunk(void *arg, const char *p, size_t n)
{
	struct tool_count *tc = arg;
	struct bench *b = tc->b;

	b->tool_bytes[tc->m] += (uint64_t)n;
	if (b->count_lines)
		count_tool_lines(p, n, &tc->col, &b->tool_lines[tc->m], &b->tool_headers[tc->m]);
}

/*
 * argv spawned with its stdout on a pipe read to the end, bytes and lines counted: wall from
 * spawn to reap, CPU = the child's (wait4) + ours (spawning, reading the pipe).
 */
static int run_tool(struct bench *b, int m, char *const argv[], double *child_cpu_us)
{
	struct tool_count tc = { .b = b, .m = m, .col = 0 };
	struct rusage ru;
	int rc;

	b->tool_bytes[m] = b->tool_lines[m] = b->tool_headers[m] = 0;
	rc = bench_run_read(argv, b->buf, BUF_CAP, tool_chunk, &tc, &ru);
	if (rc > 0)
		fprintf(stderr, "kmem_cost: spawn %s: %s\n", argv[0], strerror(rc));
	if (rc < 0)
		fprintf(stderr, "kmem_cost: %s %s failed\n", argv[0], argv[1]);
	if (rc != 0)
		return -1;
	*child_cpu_us = bench_tv_us(ru.ru_utime) + bench_tv_us(ru.ru_stime);
	return 0;
}

static int run(struct bench *b, int m, struct sample *s)
{
	double w0, c0, child = 0;
	int rc;

	w0 = bench_now_us();
	c0 = cpu_us();
	rc = m == LW || m == LW_STAGED ? run_leakwatch(b, m == LW_STAGED)
	   : m == FLOOR ? run_floor(b, 0)
	   : m == FLOOR_ALL ? run_floor(b, 1)
	   : run_tool(b, m, m == CAT ? cat_argv : vmstat_argv, &child);
	s->wall_us = bench_now_us() - w0;
	s->cpu_us = cpu_us() - c0 + child;
	return rc;
}

/*
 * The user/sys split, apart from the rounds: a forked child runs one unit in a loop for
 * `seconds`, and its lifetime rusage (wait4) is almost only that loop, so the tick samples
 * that decide user against sys are that unit's (at 125 ticks the share is known to a few
 * points). The loop runs back to back, so this is the split of a warm run.
 * Units: 0..STAGES-1 the stages, STAGES the whole collection, STAGES+1 and +2 the floors.
 */
struct split {
	double user_us, sys_us, iterations;
};

static int split(struct bench *b, int unit, double seconds, struct split *out)
{
	struct rusage ru;
	long iterations = 0;
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		double end = bench_now_us() + seconds * 1e6;
		int rc = 0;

		close(p[0]);
		while (rc == 0 && bench_now_us() < end) {
			rc = unit < STAGES ? run_stage(b, unit)
			   : unit == STAGES ? run_leakwatch(b, 0)
			   : run_floor(b, unit == STAGES + 2);
			iterations++;
		}
		if (rc != 0 || write(p[1], &iterations, sizeof(iterations)) != sizeof(iterations))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &iterations, sizeof(iterations)) != sizeof(iterations))
		iterations = 0;
	close(p[0]);
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    iterations == 0)
		return -1;
	out->iterations = (double)iterations;
	out->user_us = bench_tv_us(ru.ru_utime) / (double)iterations;
	out->sys_us = bench_tv_us(ru.ru_stime) / (double)iterations;
	return 0;
}

/* The k-th method of round r: rows 0, 1, n-1, 2, n-2, ... shifted by r, mirrored every other n. */
static int williams(int n, int r, int k)
{
	int j = (n % 2 && (r / n) % 2) ? n - 1 - k : k;
	int base = j == 0 ? 0 : j % 2 ? (j + 1) / 2 : n - j / 2;

	return (base + r) % n;
}

/* Median and minimum of n values (v is sorted). */
static double median(double *v, int n, double *min)
{
	double med = bench_median(v, n);

	*min = v[0];
	return med;
}

static void print_loadavg(const char *key)
{
	char line[128] = "";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	line[strcspn(line, "\n")] = '\0';
	printf("%s: %s\n", key, line);
}

/* `vmstat -V`'s line, when vmstat is procps's: busybox's has no -m. */
static int procps_vmstat(struct bench *b, char *version, size_t cap)
{
	char *argv[] = { "vmstat", "-V", NULL };
	posix_spawn_file_actions_t fa;
	int p[2], status, rc;
	ssize_t n, have = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return 0;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		snprintf(version, cap, "not installed");
		return 0;
	}
	while ((n = read(p[0], b->buf + have, 4096 - (size_t)have)) > 0 && have < 4095)
		have += n;
	close(p[0]);
	b->buf[have] = '\0';
	b->buf[strcspn(b->buf, "\n")] = '\0';
	snprintf(version, cap, "%s", b->buf);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return 0;
	return strstr(version, "procps") != NULL;
}

static void ratio(const char *phase, const double *wall, const double *cpu, const char *a,
		  int ia, const char *b, int ib, const char *why)
{
	printf("%s.ratio_%s_over_%s.wall: %.2f%s%s\n", phase, a, b, wall[ia] / wall[ib],
	       *why ? "  # " : "", why);
	printf("%s.ratio_%s_over_%s.cpu: %.2f\n", phase, a, b, cpu[ia] / cpu[ib]);
}

enum { WARM, COLD, PHASES };
static const char *const phase_name[PHASES] = { "warm", "cold" };

/*
 * Before each measurement. The cost of generating slabinfo depends on whether the kernel's slab
 * metadata is in this CPU's cache: here the first read after 10 ms or more asleep took about
 * 1.4 ms and the read right after it 0.3 ms, and with the other CPU busy even 5 ms of spinning
 * made the next read slow again. Cold sleeps, as leakwatchd sleeps a whole interval between
 * collections: what the daemon and an operator pay. Warm spins first, so that the work a
 * spawned tool's exit leaves (RCU callbacks, run in softirq and charged to whatever task is on
 * the CPU: back to back, the method after a spawn ran 2-4 times slower) is done outside the
 * timing, then reads the five files once, untimed: the kernel's data is in cache, what is left
 * is each method's own work.
 */
static void settle(struct bench *b, int phase, int ms)
{
	if (phase == COLD) {
		struct timespec nap = { ms / 1000, ms % 1000 * 1000000L };

		nanosleep(&nap, NULL);
	} else {
		double end = bench_now_us() + ms * 1e3;

		while (bench_now_us() < end)
			;
		run_floor(b, 1);
	}
}

static void report(int ph, struct sample (*rounds)[METHODS], struct sample (*stages)[STAGES],
		   int n, int nmethods, double *v)
{
	const char *p = phase_name[ph];
	double wall[METHODS + 2], cpu[METHODS + 2], mn;

	for (int m = 0; m < nmethods; m++) {
		for (int r = 0; r < n; r++)
			v[r] = rounds[r][m].wall_us;
		wall[m] = median(v, n, &mn);
		printf("%s.%s.wall_us.median: %.1f\n%s.%s.wall_us.min: %.1f\n", p, method_name[m],
		       wall[m], p, method_name[m], mn);
		for (int r = 0; r < n; r++)
			v[r] = rounds[r][m].cpu_us;
		cpu[m] = median(v, n, &mn);
		printf("%s.%s.cpu_us.median: %.1f\n%s.%s.cpu_us.min: %.1f\n", p, method_name[m],
		       cpu[m], p, method_name[m], mn);
	}
	for (int i = 0; i < STAGES; i++) {
		for (int r = 0; r < n; r++)
			v[r] = stages[r][i].wall_us;
		printf("%s.stage.%s.wall_us.median: %.1f\n", p, stage_name[i], median(v, n, &mn));
		printf("%s.stage.%s.wall_us.min: %.1f\n", p, stage_name[i], mn);
		for (int r = 0; r < n; r++)
			v[r] = stages[r][i].cpu_us;
		printf("%s.stage.%s.cpu_us.median: %.1f\n", p, stage_name[i], median(v, n, &mn));
	}
	/* the slabinfo collector alone (vmstat -m's file) and the three files cat prints */
	for (int r = 0; r < n; r++)
		v[r] = stages[r][ST_SLABINFO].wall_us;
	wall[METHODS] = median(v, n, &mn);
	for (int r = 0; r < n; r++)
		v[r] = stages[r][ST_SLABINFO].cpu_us;
	cpu[METHODS] = median(v, n, &mn);
	for (int r = 0; r < n; r++)
		v[r] = stages[r][ST_SLABINFO].wall_us + stages[r][ST_ZONEINFO].wall_us +
		       stages[r][ST_BUDDYINFO].wall_us;
	wall[METHODS + 1] = median(v, n, &mn);
	printf("%s.stage.three_files.wall_us.median: %.1f\n", p, wall[METHODS + 1]);
	printf("%s.stage.three_files.wall_us.min: %.1f\n", p, mn);
	for (int r = 0; r < n; r++)
		v[r] = stages[r][ST_SLABINFO].cpu_us + stages[r][ST_ZONEINFO].cpu_us +
		       stages[r][ST_BUDDYINFO].cpu_us;
	cpu[METHODS + 1] = median(v, n, &mn);
	printf("%s.stage.three_files.cpu_us.median: %.1f\n", p, cpu[METHODS + 1]);

	ratio(p, wall, cpu, "cat", CAT, "leakwatch", LW,
	      "the issue's comparison: cat of 3 files (spawn, no parsing) vs all 5 collected");
	ratio(p, wall, cpu, "cat", CAT, "stage_three_files", METHODS + 1,
	      "the same three files on both sides");
	if (nmethods > VMSTAT_M) {
		ratio(p, wall, cpu, "vmstat_m", VMSTAT_M, "leakwatch", LW,
		      "vmstat -m reads and formats slabinfo only");
		ratio(p, wall, cpu, "vmstat_m", VMSTAT_M, "stage_slabinfo", METHODS,
		      "the same file on both sides");
	}
	ratio(p, wall, cpu, "leakwatch", LW, "floor", FLOOR,
	      "all 5 collected vs the bare reads of cat's 3 files");
	ratio(p, wall, cpu, "leakwatch", LW, "floor_all", FLOOR_ALL,
	      "what parsing, tables and the copy add to the reads of the same 5 files");
	ratio(p, wall, cpu, "cat", CAT, "floor", FLOOR, "what spawning cat adds to the reads");
	printf("%s.leakwatch.cpu_pct_core_at_60s: %.5f  # interval and kernel_interval default to "
	       "60 s\n", p, cpu[LW] / 60e6 * 100);
}

/*
 * Rounds run every method once, so all see the same kernel state and machine (this VM's speed
 * drifts within minutes); the figures are medians (and minimums) over the rounds. The order is
 * not a plain rotation, which gives each method the same predecessor every round (a
 * collection right after `vmstat -m` ran 30 % slower than after another collection), but a
 * Williams design: over n rounds (2n for an odd n) every method runs first equally often and
 * right after each other method equally often. All rounds run warm, then all cold (settle()):
 * interleaved, a warm round right after a cold one started cold.
 */
int main(int argc, char **argv)
{
	struct sample (*rounds[PHASES])[METHODS], (*stages[PHASES])[STAGES], s;
	double *v, split_s = SPLIT_S, t0, rounds_s;
	int nrounds = 51, nmethods = METHODS, verbose = 0, opt;
	int settle_ms[PHASES] = { WARM_SPIN_MS, COLD_SLEEP_MS }, phases;
	char vmstat_version[256];
	struct bench b = { 0 };
	struct lw_error err;
	struct utsname un;

	while ((opt = getopt(argc, argv, "m:w:c:s:v")) != -1) {
		if (opt == 'm')
			nrounds = atoi(optarg);
		else if (opt == 'w')
			settle_ms[WARM] = atoi(optarg);
		else if (opt == 'c')
			settle_ms[COLD] = atoi(optarg);
		else if (opt == 's')
			split_s = atof(optarg);
		else if (opt == 'v')
			verbose = 1;
		else
			break;
	}
	if (opt != -1 || nrounds < 1 || settle_ms[WARM] < 0 || settle_ms[COLD] < 0 || split_s < 0 ||
	    optind != argc) {
		fprintf(stderr, "usage: kmem_cost [-m ROUNDS] [-w WARM_SPIN_MS] [-c COLD_SLEEP_MS] "
			"[-s SPLIT_SECONDS] [-v]\n  defaults 51, %d, %d (0: no cold phase), %.1f "
			"(0: no user/sys split); -v prints every round\n", WARM_SPIN_MS,
			COLD_SLEEP_MS, SPLIT_S);
		return 2;
	}
	phases = settle_ms[COLD] > 0 ? PHASES : COLD;
	print_loadavg("loadavg_at_start");
	v = calloc((size_t)nrounds, sizeof(*v));
	b.buf = malloc(BUF_CAP);
	if (!v || !b.buf) {
		perror("kmem_cost");
		return 1;
	}
	for (int ph = 0; ph < phases; ph++) {
		rounds[ph] = calloc((size_t)nrounds, sizeof(*rounds[ph]));
		stages[ph] = calloc((size_t)nrounds, sizeof(*stages[ph]));
		if (!rounds[ph] || !stages[ph]) {
			perror("kmem_cost");
			return 1;
		}
	}
	if (lw_root_open("/", &b.rootfd, &err)) {
		fprintf(stderr, "kmem_cost: %s\n", err.text);
		return 1;
	}
	if (faccessat(b.rootfd, "proc/slabinfo", R_OK, AT_EACCESS) != 0) {
		fprintf(stderr, "kmem_cost: /proc/slabinfo: %s (it is 0400: run as root)\n",
			strerror(errno));
		return 1;
	}
	lw_snapshot_init(&b.work);
	b.count_lines = 1;
	if (!procps_vmstat(&b, vmstat_version, sizeof(vmstat_version)))
		nmethods = VMSTAT_M; /* the last method: the rounds leave it out */

	/* warm-up, untimed: the buffer and lists grow to size, as after a daemon's first cycle */
	for (int m = 0; m < nmethods; m++)
		if (run(&b, m, &s))
			return 1;
	b.count_lines = 0;
	t0 = bench_now_us();
	for (int ph = 0; ph < phases; ph++)
		for (int r = 0; r < nrounds; r++)
			for (int k = 0; k < nmethods; k++) {
				int m = williams(nmethods, r, k);

				settle(&b, ph, settle_ms[ph]);
				if (run(&b, m, &rounds[ph][r][m]))
					return 1;
				if (m == LW_STAGED)
					memcpy(stages[ph][r], b.stage, sizeof(b.stage));
			}
	rounds_s = (bench_now_us() - t0) / 1e6;
	for (int ph = 0; verbose && ph < phases; ph++)
		for (int r = 0; r < nrounds; r++) { /* in the round's order: wall/cpu */
			printf("round.%d.%s:", r, phase_name[ph]);
			for (int k = 0; k < nmethods; k++) {
				int m = williams(nmethods, r, k);

				printf(" %s %.0f/%.0f", method_name[m], rounds[ph][r][m].wall_us,
				       rounds[ph][r][m].cpu_us);
			}
			printf("\n");
		}

	/* once more, untimed, for what each saw: lines counted, bytes next to each other */
	b.count_lines = 1;
	for (int m = 0; m < nmethods; m++)
		if (run(&b, m, &s))
			return 1;
	uname(&un);
	printf("kernel: %s %s\ncpus_online: %ld\n", un.release, un.version,
	       sysconf(_SC_NPROCESSORS_ONLN));
	printf("rounds: %d\nrounds_s: %.2f\n", nrounds, rounds_s);
	printf("warm.before_each: spin %d ms, read the 5 files\n", settle_ms[WARM]);
	printf("cold.before_each: sleep %d ms%s\n", settle_ms[COLD],
	       phases > COLD ? "" : " (skipped)");
	printf("page_size: %" PRIu64 "\n", b.work.kmem.page_size);
	printf("cat.command: cat /proc/slabinfo /proc/zoneinfo /proc/buddyinfo\n");
	printf("vmstat_m.command: %s\n", nmethods > VMSTAT_M ? "vmstat -m" : "skipped");
	printf("vmstat_m.version: %s\n", vmstat_version);
	/* what each saw in the untimed run: the files change between reads, by a few bytes */
	for (int i = 0; i < NFLOOR_ALL; i++)
		printf("file.%s.bytes: %zu\nfile.%s.lines: %zu\n", floor_all_files[i] + 5,
		       b.file_bytes[i], floor_all_files[i] + 5, b.file_lines[i]);
	/* less the version line and the "# name" header */
	printf("file.slabinfo.caches: %zu\n", b.file_lines[ST_SLABINFO] - 2);
	printf("floor.bytes: %zu\ncat.bytes: %" PRIu64 "\ncat.lines: %" PRIu64 "\n",
	       b.file_bytes[ST_SLABINFO] + b.file_bytes[ST_ZONEINFO] + b.file_bytes[ST_BUDDYINFO],
	       b.tool_bytes[CAT],
	       b.tool_lines[CAT]);
	if (nmethods > VMSTAT_M)
		printf("vmstat_m.bytes: %" PRIu64 "\nvmstat_m.lines: %" PRIu64 " (%" PRIu64
		       " of them its header, repeated)\nvmstat_m.caches: %" PRIu64 "\n",
		       b.tool_bytes[VMSTAT_M], b.tool_lines[VMSTAT_M], b.tool_headers[VMSTAT_M],
		       b.tool_lines[VMSTAT_M] - b.tool_headers[VMSTAT_M]);
	printf("leakwatch.slab_caches: %zu\nleakwatch.slabs_dropped: %zu\n", b.work.kmem.slabs.n,
	       b.work.kmem.slabs_dropped);
	printf("leakwatch.zones: %zu\nleakwatch.buddy_lines: %zu\n", b.work.kmem.zones.n,
	       b.work.kmem.buddies.n);
	printf("leakwatch.meminfo_fields: %d of %d\nleakwatch.vmstat_fields: %d of %d\n",
	       __builtin_popcountll(b.work.sys.meminfo.present), LW_MI_COUNT,
	       __builtin_popcountll(b.work.sys.vmstat.present), LW_VM_COUNT);
	printf("leakwatch.filebuf_cap: %zu\nleakwatch.copy_bytes: %zu\n", b.filebuf.cap,
	       b.copy_bytes);
	/* one stage boundary: each stage figure carries about one, leakwatch_staged 5 more */
	t0 = bench_now_us();
	for (int i = 0; i < 1000; i++) {
		bench_now_us();
		cpu_us();
	}
	printf("stage.clock_us: %.2f\n", (bench_now_us() - t0) / 1000);
	for (int ph = 0; ph < phases; ph++)
		report(ph, rounds[ph], stages[ph], nrounds, nmethods, v);

	b.count_lines = 0;
	if (split_s > 0) {
		static const char *const unit_name[STAGES + 3] = {
			"meminfo", "slabinfo", "zoneinfo", "buddyinfo", "vmstat", "copy",
			"leakwatch", "floor", "floor_all" };

		printf("split.seconds_per_unit: %.2f\n", split_s);
		for (int u = 0; u < STAGES + 3; u++) {
			struct split sp;

			if (split(&b, u, split_s, &sp)) {
				fprintf(stderr, "kmem_cost: the split of %s failed\n",
					unit_name[u]);
				return 1;
			}
			printf("split.%s: user_us %.1f sys_us %.1f sys_pct %.0f iterations %.0f\n",
			       unit_name[u], sp.user_us, sp.sys_us,
			       100 * sp.sys_us / (sp.user_us + sp.sys_us), sp.iterations);
		}
	}
	print_loadavg("loadavg_at_end");
	lw_snapshot_release(&b.work);
	lw_filebuf_free(&b.filebuf);
	close(b.rootfd);
	free(b.buf);
	for (int ph = 0; ph < phases; ph++) {
		free(rounds[ph]);
		free(stages[ph]);
	}
	free(v);
	return 0;
}
