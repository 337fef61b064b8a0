/* history_size.c: the history store's disk and CPU on a simulated 10k-process host vs `ps aux`. */
/* SPDX-License-Identifier: ISC */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "history/history.h"

extern char **environ;

/*
 * The simulated host (every figure an option). A 10,000-process host is mostly idle: daemons
 * and worker pools asleep between requests. Per 60 s cycle:
 *   - active (default 5 %, a fixed set): RSS moves by up to ±64 KiB (anon with it), CPU grows
 *     by 1..600 ticks, the descriptor count moves in one cycle out of ten, VSZ in one out of
 *     ten (an mmap or munmap: malloc arenas, thread stacks);
 *   - idle (the rest): each cycle, 2 % of them wake long enough for 1..3 ticks of CPU; a quarter
 *     of those also touch a page (RSS ±4 KiB), a tenth open or close a descriptor;
 *   - churn: 2 processes a minute exit and are replaced by new ones (cron jobs, workers
 *     recycled): a new pid and start time, a new series;
 *   - 300 process names (60 % of the processes in 10 worker pools), so 300 groups;
 *   - 200 slab caches, 30 % of which change each cycle; every system field, changing but the
 *     totals and limits;
 *   - each process's extras (kind 6): sockets a quarter of its descriptors, threads and swap
 *     still.
 */
struct model {
	unsigned procs;
	double active_pct, idle_change_pct;
	unsigned churn_per_min;
	unsigned names, slabs;
	double slab_change_pct;
	unsigned hours;
	uint32_t max_mb, bound_mb;
	unsigned ps_runs;
	long spawn;                 /* idle processes for ps aux; -1: up to `procs` on the host */
	const char *dir;
	int keep;
	const char *out;            /* -o: only write the history to this file (bench/run-report.py) */
	unsigned leakers;           /* -L: processes whose RSS grows steadily, for a report to find */
};

struct sim_proc {
	uint32_t pid;
	int64_t start;
	uint64_t rss, vsz, cpu;
	uint32_t fds;
	uint16_t name;
	uint8_t active;
	uint16_t leak_kb;           /* RSS added every cycle (anon with it): a leak */
};

struct sim {
	struct model m;
	uint64_t rng;
	uint32_t next_pid;
	int64_t t;
	struct sim_proc *p;
	struct lw_hist_proc *rec_procs;
	struct lw_hist_group *rec_groups;
	struct lw_hist_slab *rec_slabs;
	char (*names)[64];
};

static uint64_t next_u64(struct sim *s)
{
	/* xorshift64*: fast and good enough to pick who changes. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ull;
}

static uint64_t below(struct sim *s, uint64_t n)
{
	return n ? next_u64(s) % n : 0;
}

static bool chance(struct sim *s, double pct)
{
	return (double)(next_u64(s) % 1000000) < pct * 10000.0;
}

static void new_process(struct sim *s, struct sim_proc *p, unsigned index, int64_t start)
{
	unsigned pools = s->m.names < 10 ? s->m.names : 10;

	p->pid = s->next_pid++;
	if (s->next_pid > 4000000)
		s->next_pid = 300;
	p->start = start;
	p->rss = 2000 + below(s, 200000);
	p->vsz = p->rss * 3 + 100000;
	p->cpu = below(s, 10000000);
	p->fds = 5 + (uint32_t)below(s, 200);
	/* 60 % in ten worker pools, the rest spread over the other names. */
	if (index < s->m.procs * 6 / 10 || s->m.names <= pools)
		p->name = (uint16_t)(index % pools);
	else
		p->name = (uint16_t)(pools + index % (s->m.names - pools));
}

static int sim_init(struct sim *s, const struct model *m, int64_t t0)
{
	memset(s, 0, sizeof(*s));
	s->m = *m;
	s->rng = 0x9e3779b97f4a7c15ull;
	s->next_pid = 300;
	s->t = t0;
	s->p = calloc(m->procs, sizeof(*s->p));
	s->rec_procs = calloc(m->procs, sizeof(*s->rec_procs));
	s->rec_groups = calloc(m->names, sizeof(*s->rec_groups));
	s->rec_slabs = calloc(m->slabs, sizeof(*s->rec_slabs));
	s->names = calloc(m->names, sizeof(*s->names));
	if (!s->p || !s->rec_procs || !s->rec_groups || !s->rec_slabs || !s->names)
		return -1;
	for (unsigned i = 0; i < m->names; i++)
		snprintf(s->names[i], sizeof(s->names[i]), i < 10 ? "pool-worker-%u" : "daemon-%u", i);
	for (unsigned i = 0; i < m->procs; i++) {
		new_process(s, &s->p[i], i, t0 - (int64_t)below(s, 30 * 86400));
		s->p[i].active = i % 100 < m->active_pct;
		/* Leakers among the active ones, never replaced by churn: 16..496 KiB a cycle. */
		if (i < m->leakers) {
			s->p[i].active = 1;
			s->p[i].leak_kb = (uint16_t)(16 + 32 * (i % 16));
		}
	}
	for (unsigned i = 0; i < m->slabs; i++) {
		struct lw_hist_slab *sl = &s->rec_slabs[i];

		snprintf(sl->name, sizeof(sl->name), "cache-%u", i);
		sl->active_bytes = 4096 * (1 + below(s, 5000));
		sl->total_bytes = sl->active_bytes + 4096 * below(s, 100);
	}
	return 0;
}

static void sim_free(struct sim *s)
{
	free(s->p);
	free(s->rec_procs);
	free(s->rec_groups);
	free(s->rec_slabs);
	free(s->names);
}

static void step_process(struct sim *s, struct sim_proc *p)
{
	if (p->active) {
		p->rss = p->rss + below(s, 129) > 64 ? p->rss + below(s, 129) - 64 : p->rss;
		p->rss += p->leak_kb;
		p->cpu += 1 + below(s, 600);
		if (chance(s, 10))
			p->fds = p->fds + (uint32_t)below(s, 5) > 2 ? p->fds + (uint32_t)below(s, 5) - 2 : 1;
		if (chance(s, 10))
			p->vsz = p->rss * 3 + 100000;
		return;
	}
	if (!chance(s, s->m.idle_change_pct))
		return;
	p->cpu += 1 + below(s, 3);
	if (chance(s, 25))
		p->rss = chance(s, 50) ? p->rss + 4 : (p->rss > 4 ? p->rss - 4 : p->rss);
	if (chance(s, 10))
		p->fds = chance(s, 50) ? p->fds + 1 : (p->fds > 1 ? p->fds - 1 : p->fds);
}

/* Advances the host by one interval and fills the record the sampler would build. */
static void sim_cycle(struct sim *s, struct lw_history_cycle *c, int64_t interval)
{
	const struct model *m = &s->m;

	s->t += interval;
	for (unsigned k = 0; k < m->churn_per_min * interval / 60; k++) {
		unsigned i = (unsigned)below(s, m->procs);

		if (!s->p[i].active)
			new_process(s, &s->p[i], i, s->t - (int64_t)below(s, (uint64_t)interval));
	}
	memset(s->rec_groups, 0, m->names * sizeof(*s->rec_groups));
	for (unsigned i = 0; i < m->procs; i++) {
		struct sim_proc *p = &s->p[i];
		struct lw_hist_proc *r = &s->rec_procs[i];
		struct lw_hist_group *g = &s->rec_groups[p->name];

		step_process(s, p);
		r->pid = p->pid;
		r->start_time = p->start;
		memcpy(r->name, s->names[p->name], sizeof(r->name));
		r->rss_kb = p->rss;
		r->anon_kb = p->rss * 6 / 10;
		r->vsz_kb = p->vsz;
		r->fds = p->fds;
		r->cpu_ticks = p->cpu;
		/* kind 6: sockets follow the descriptors, swap and threads hold still, as on a
		 * host without memory pressure */
		r->sockets = p->fds / 4;
		r->threads = 1 + p->pid % 8;
		r->fd_limit = 1024;
		r->swap_kb = p->pid % 16 == 0 ? 128 : 0;
		g->count++;
		g->fds += p->fds;
		g->rss_kb += p->rss;
	}
	for (unsigned i = 0; i < m->names; i++)
		memcpy(s->rec_groups[i].name, s->names[i], sizeof(s->rec_groups[i].name));
	for (unsigned i = 0; i < m->slabs; i++) {
		struct lw_hist_slab *sl = &s->rec_slabs[i];

		if (!chance(s, m->slab_change_pct))
			continue;
		sl->active_bytes = sl->active_bytes + 4096 * below(s, 9) > 4 * 4096 ?
					   sl->active_bytes + 4096 * below(s, 9) - 4 * 4096 : 4096;
		if (sl->total_bytes < sl->active_bytes || chance(s, 30))
			sl->total_bytes = sl->active_bytes + 4096 * below(s, 100);
	}
	memset(c, 0, sizeof(*c));
	c->t = s->t;
	c->procs = s->rec_procs;
	c->nprocs = m->procs;
	c->groups = s->rec_groups;
	c->ngroups = m->names;
	c->slabs = s->rec_slabs;
	c->nslabs = m->slabs;
	for (int f = 0; f < LW_HSYS_COUNT; f++) {
		/* Totals and limits hold still; free memory, loads and socket counts move. */
		bool moves = f != LW_HSYS_MEM_TOTAL_KB && f != LW_HSYS_TCP_SYN_RECV &&
			     f != LW_HSYS_SWAP_TOTAL_KB && f != LW_HSYS_FILES_MAX &&
			     (f < LW_HSYS_TCP_MEM_MIN_PAGES || f > LW_HSYS_TCP_MAX_ORPHANS);

		c->sys[f] = moves ? 1000000 + below(s, 1000) : 16000000;
		c->sys_present |= 1ull << f;
	}
}

/* --- the operator's tool: ps aux from cron every minute ------------------------------------- */

struct tool_run {
	uint64_t out_bytes;
	double cpu_us, wall_us;
	char *out;                  /* kept when asked */
	size_t out_cap;
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* Runs argv with `in` on its stdin, counting (and, if keep, keeping) its stdout; its CPU is
 * the child's rusage. */
static int run_tool(char *const argv[], const char *in, size_t in_len, int keep,
		    struct tool_run *r)
{
	posix_spawn_file_actions_t fa;
	int out[2], inp[2] = { -1, -1 }, status;
	size_t in_off = 0;
	struct rusage ru;
	double t0;
	pid_t pid;
	char buf[65536];

	memset(r, 0, sizeof(*r));
	if (pipe(out) != 0 || (in != NULL && pipe(inp) != 0))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_addclose(&fa, out[0]);
	if (in != NULL) {
		posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
		posix_spawn_file_actions_addclose(&fa, inp[1]);
	}
	t0 = now_us();
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(out[1]);
	if (in != NULL)
		close(inp[0]);
	for (;;) {
		struct pollfd p[2] = { { .fd = out[0], .events = POLLIN },
				       { .fd = in != NULL && in_off < in_len ? inp[1] : -1,
					 .events = POLLOUT } };
		ssize_t n;

		if (in != NULL && in_off >= in_len && inp[1] >= 0) {
			close(inp[1]);
			inp[1] = -1;
		}
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents & (POLLOUT | POLLERR)) {
			n = write(inp[1], in + in_off, in_len - in_off);
			if (n > 0)
				in_off += (size_t)n;
			else
				in_off = in_len;
		}
		if (p[0].revents & (POLLIN | POLLHUP)) {
			n = read(out[0], buf, sizeof(buf));
			if (n <= 0)
				break;
			if (keep) {
				if (r->out_bytes + (size_t)n > r->out_cap) {
					r->out_cap = (r->out_bytes + (size_t)n) * 2;
					r->out = realloc(r->out, r->out_cap);
					if (r->out == NULL)
						return -1;
				}
				memcpy(r->out + r->out_bytes, buf, (size_t)n);
			}
			r->out_bytes += (uint64_t)n;
		}
	}
	close(out[0]);
	if (inp[1] >= 0)
		close(inp[1]);
	if (wait4(pid, &status, 0, &ru) != pid)
		return -1;
	r->wall_us = now_us() - t0;
	r->cpu_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec +
		    (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long count_host_processes(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	closedir(d);
	return n;
}

/* Idle processes so ps aux lists a host of the simulated size; they die with the bench. */
static pid_t *spawn_idle(long n)
{
	pid_t *kids = calloc((size_t)(n > 0 ? n : 1), sizeof(*kids));

	for (long i = 0; kids != NULL && i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			for (;;)
				pause();
		}
		kids[i] = pid > 0 ? pid : 0;
		if (pid < 0) {
			fprintf(stderr, "history_size: fork %ld: %s\n", i, strerror(errno));
			break;
		}
	}
	return kids;
}

static void reap_idle(pid_t *kids, long n)
{
	for (long i = 0; kids != NULL && i < n; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGKILL);
	for (long i = 0; kids != NULL && i < n; i++)
		if (kids[i] > 0)
			waitpid(kids[i], NULL, 0);
	free(kids);
}

struct ps_figures {
	long host_processes, lines;
	double bytes, gzip_bytes, cpu_us, wall_us;
};

static int measure_ps(const struct model *m, struct ps_figures *out)
{
	char *ps_argv[] = { "ps", "aux", NULL }, *gzip_argv[] = { "gzip", "-6", NULL };
	long spawn = m->spawn, host = count_host_processes();
	double cpu[64], wall[64];
	unsigned runs = m->ps_runs > 64 ? 64 : m->ps_runs;
	struct tool_run r, g;
	pid_t *kids;
	int rc = 0;

	if (spawn < 0)
		spawn = host >= 0 && host < (long)m->procs ? (long)m->procs - host : 0;
	kids = spawn_idle(spawn);
	usleep(200000);
	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < runs && rc == 0; i++) {
		rc = run_tool(ps_argv, NULL, 0, i == 0, &r);
		cpu[i] = r.cpu_us;
		wall[i] = r.wall_us;
		if (i == 0) {
			out->bytes = (double)r.out_bytes;
			for (uint64_t k = 0; k < r.out_bytes; k++)
				out->lines += r.out[k] == '\n';
			if (rc == 0 && run_tool(gzip_argv, r.out, r.out_bytes, 0, &g) == 0)
				out->gzip_bytes = (double)g.out_bytes;
			free(r.out);
		}
	}
	reap_idle(kids, spawn);
	if (rc != 0 || runs == 0)
		return -1;
	qsort(cpu, runs, sizeof(cpu[0]), cmp_double);
	qsort(wall, runs, sizeof(wall[0]), cmp_double);
	out->cpu_us = cpu[runs / 2];
	out->wall_us = wall[runs / 2];
	out->host_processes = out->lines - 1;
	return 0;
}

/* --- the store ------------------------------------------------------------------------------ */

struct table_bytes {
	uint64_t sample, cycle, win, win_cycle, ident, other, free_pages;
};

static int db_table_bytes(const char *path, struct table_bytes *tb)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	memset(tb, 0, sizeof(*tb));
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT name, sum(pgsize) FROM dbstat GROUP BY name", -1, &st,
			       NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		uint64_t bytes = (uint64_t)sqlite3_column_int64(st, 1);

		if (strcmp(name, "sample") == 0)
			tb->sample = bytes;
		else if (strcmp(name, "cycle") == 0)
			tb->cycle = bytes;
		else if (strcmp(name, "win") == 0)
			tb->win = bytes;
		else if (strcmp(name, "win_cycle") == 0)
			tb->win_cycle = bytes;
		else if (strncmp(name, "ident", 5) == 0 || strstr(name, "autoindex_ident") != NULL)
			tb->ident += bytes;
		else
			tb->other += bytes;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(db, "PRAGMA freelist_count", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		tb->free_pages = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

static int64_t db_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

struct store {
	char path[512];
	struct lw_history *h;
	uint64_t peak_bytes;
	uint32_t max_mb;
	bool failed;
};

static int store_open(struct store *s, const char *dir, const char *name, uint32_t max_mb)
{
	struct lw_history_settings cfg;
	struct lw_error err = { 0 };

	memset(s, 0, sizeof(*s));
	lw_history_settings_default(&cfg);
	snprintf(s->path, sizeof(s->path), "%s/%s", dir, name);
	snprintf(cfg.path, sizeof(cfg.path), "%s", s->path);
	cfg.max_mb = max_mb;
	s->max_mb = max_mb;
	if (lw_history_open(&s->h, &cfg, &err) != 0) {
		fprintf(stderr, "history_size: %s\n", err.text);
		return -1;
	}
	return 0;
}

static void store_after_cycle(struct store *s, struct lw_history_status *st)
{
	struct stat sb;
	char wal[600];
	uint64_t bytes = 0;

	lw_history_flush(s->h);
	lw_history_status(s->h, st);
	if (!st->ok && !s->failed) {
		fprintf(stderr, "history_size: %s: %s\n", s->path, st->error);
		s->failed = true;
	}
	/* The files as the file system sees them, after every cycle and its upkeep. */
	if (stat(s->path, &sb) == 0)
		bytes += (uint64_t)sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", s->path);
	if (stat(wal, &sb) == 0)
		bytes += (uint64_t)sb.st_size;
	if (bytes > s->peak_bytes)
		s->peak_bytes = bytes;
}

static void store_remove(const struct store *s)
{
	char p[600];

	unlink(s->path);
	snprintf(p, sizeof(p), "%s-wal", s->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", s->path);
	unlink(p);
}

/* VmRSS or VmHWM of this process, KiB. */
static long status_kib(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, key, len) == 0 && line[len] == ':')
			v = strtol(line + len + 1, NULL, 10);
	if (f != NULL)
		fclose(f);
	return v;
}

static int count_point(void *arg, const struct lw_hist_point *p)
{
	uint64_t *n = arg;

	(void)p;
	(*n)++;
	return 0;
}

/* A restart: open the file again and replay from since_s, as the detectors do at start. */
static int time_replay(const char *path, uint32_t max_mb, int64_t since_s, uint64_t *points,
		       double *ms)
{
	struct lw_history_settings cfg;
	struct lw_error err = { 0 };
	struct lw_history *h;
	double t0 = now_us();
	int rc;

	lw_history_settings_default(&cfg);
	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	cfg.max_mb = max_mb;
	*points = 0;
	if (lw_history_open(&h, &cfg, &err) != 0)
		return -1;
	rc = lw_history_replay(h, since_s, count_point, points, &err);
	*ms = (now_us() - t0) / 1e3;
	lw_history_close(h);
	return rc;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: history_size [-p PROCS] [-a ACTIVE_PCT] [-i IDLE_CHANGE_PCT] [-c CHURN_PER_MIN]\n"
		"                    [-n NAMES] [-s SLABS] [-H HOURS] [-m MAX_MB] [-b BOUND_MB]\n"
		"                    [-r PS_RUNS] [-S SPAWN] [-d DIR] [-k] [-L LEAKERS] [-o FILE]\n"
		"defaults: -p 10000 -a 5 -i 2 -c 2 -n 300 -s 200 -H 792 -m 1024 -b 64 -r 5\n"
		"          -S -1 (top the host up to PROCS for ps aux) -d /var/tmp -L 0\n"
		"-o FILE: only write the simulated history to FILE (no ps aux, no bounded file),\n"
		"         e.g. -H 48 -L 20 -o FILE for the report's benchmark (bench/run-report.py)\n");
}

static int parse_args(int argc, char **argv, struct model *m)
{
	int opt;

	*m = (struct model){ .procs = 10000, .active_pct = 5, .idle_change_pct = 2,
			     .churn_per_min = 2, .names = 300, .slabs = 200, .slab_change_pct = 30,
			     .hours = 792, .max_mb = 1024, .bound_mb = 64, .ps_runs = 5,
			     .spawn = -1, .dir = "/var/tmp" };
	while ((opt = getopt(argc, argv, "p:a:i:c:n:s:H:m:b:r:S:d:kL:o:h")) != -1) {
		switch (opt) {
		case 'p': m->procs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'a': m->active_pct = strtod(optarg, NULL); break;
		case 'i': m->idle_change_pct = strtod(optarg, NULL); break;
		case 'c': m->churn_per_min = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'n': m->names = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': m->slabs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'H': m->hours = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'm': m->max_mb = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'b': m->bound_mb = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'r': m->ps_runs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'S': m->spawn = strtol(optarg, NULL, 10); break;
		case 'd': m->dir = optarg; break;
		case 'k': m->keep = 1; break;
		case 'L': m->leakers = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'o': m->out = optarg; break;
		default: usage(); return -1;
		}
	}
	if (m->procs == 0 || m->names == 0 || m->names > 65535 || m->hours == 0 || m->max_mb == 0 ||
	    m->ps_runs == 0) {
		usage();
		return -1;
	}
	return 0;
}

/* -o: the simulated history alone, into a file another program reads (the report's bench). */
static int write_only(const struct model *m, uint64_t cycles, int64_t interval, int64_t t0)
{
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_error err = { 0 };
	struct lw_history *h;
	struct sim sim;

	lw_history_settings_default(&cfg);
	snprintf(cfg.path, sizeof(cfg.path), "%s", m->out);
	cfg.max_mb = m->max_mb;
	if (sim_init(&sim, m, t0) != 0) {
		fprintf(stderr, "history_size: out of memory\n");
		return 1;
	}
	if (lw_history_open(&h, &cfg, &err) != 0) {
		fprintf(stderr, "history_size: %s\n", err.text);
		return 1;
	}
	for (uint64_t i = 0; i < cycles; i++) {
		struct lw_history_cycle c;

		sim_cycle(&sim, &c, interval);
		lw_history_submit(h, &c);
		/* One cycle at a time, as a daemon's 60 s apart would be: the queue never drops. */
		lw_history_flush(h);
	}
	lw_history_status(h, &st);
	lw_history_close(h);
	sim_free(&sim);
	printf("history.path: %s\n", m->out);
	printf("history.cycles_written: %" PRIu64 "\n", st.cycles_written);
	printf("history.cycles_dropped: %" PRIu64 "\n", st.cycles_dropped);
	printf("history.first_t: %" PRId64 "\n", t0 + interval);
	printf("history.last_t: %" PRId64 "\n", st.newest_t);
	printf("history.file_bytes: %" PRIu64 "\n", st.file_bytes);
	return st.ok && st.cycles_dropped == 0 ? 0 : 1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const int64_t interval = 60, t0 = 1800000000;
	struct model m;
	struct ps_figures ps;
	struct sim sim;
	struct store main_store, bound_store;
	struct lw_history_status st, bst;
	struct table_bytes tb;
	char dir[512];
	uint64_t cycles, full_cycles, written;
	uint32_t *wall;
	double full_days, win_days, full_per_day, win_per_day, steady, per_day_ps, cpu_per_cycle;
	int64_t sample_rows;
	bool measured_steady;
	uint64_t replay_points, replay_all_points;
	long rss_before, rss_after, hwm;
	double replay_ms, replay_all_ms;

	if (parse_args(argc, argv, &m) != 0)
		return 2;
	cycles = (uint64_t)m.hours * 3600 / (uint64_t)interval;
	if (m.out != NULL)
		return write_only(&m, cycles, interval, t0);

	if (measure_ps(&m, &ps) != 0) {
		fprintf(stderr, "history_size: could not run ps aux and gzip\n");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/lw-history-size-XXXXXX", m.dir);
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "history_size: mkdtemp %s: %s\n", dir, strerror(errno));
		return 1;
	}
	if (sim_init(&sim, &m, t0) != 0 || (wall = calloc(cycles, sizeof(*wall))) == NULL) {
		fprintf(stderr, "history_size: out of memory\n");
		return 1;
	}
	rss_before = status_kib("VmRSS");
	if (store_open(&main_store, dir, "history.db", m.max_mb) != 0 ||
	    (m.bound_mb > 0 && store_open(&bound_store, dir, "bounded.db", m.bound_mb) != 0))
		return 1;
	for (uint64_t i = 0; i < cycles; i++) {
		struct lw_history_cycle c;

		sim_cycle(&sim, &c, interval);
		lw_history_submit(main_store.h, &c);
		if (m.bound_mb > 0)
			lw_history_submit(bound_store.h, &c);
		store_after_cycle(&main_store, &st);
		wall[i] = st.last_write_us;
		if (m.bound_mb > 0)
			store_after_cycle(&bound_store, &bst);
		if (i > 0 && i % (24 * 60) == 0)
			fprintf(stderr, "history_size: day %" PRIu64 ": %.1f MB\n", i / 1440,
				(double)st.file_bytes / 1e6);
	}
	rss_after = status_kib("VmRSS");
	hwm = status_kib("VmHWM");
	lw_history_status(main_store.h, &st);
	written = st.cycles_written;
	cpu_per_cycle = written ? (double)st.total_cpu_us / (double)written : 0;
	lw_history_close(main_store.h);
	if (m.bound_mb > 0) {
		lw_history_status(bound_store.h, &bst);
		lw_history_close(bound_store.h);
	}
	qsort(wall, cycles, sizeof(*wall), cmp_u32);
	/* The detectors' default horizon: a 600 s window times (64 / 10 + 2) floors. */
	if (time_replay(main_store.path, m.max_mb, st.newest_t - 5040, &replay_points, &replay_ms) != 0 ||
	    time_replay(main_store.path, m.max_mb, 0, &replay_all_points, &replay_all_ms) != 0) {
		fprintf(stderr, "history_size: replay failed\n");
		return 1;
	}

	if (db_table_bytes(main_store.path, &tb) != 0) {
		fprintf(stderr, "history_size: dbstat on %s failed\n", main_store.path);
		return 1;
	}
	full_cycles = (uint64_t)db_int(main_store.path, "SELECT count(*) FROM cycle");
	sample_rows = db_int(main_store.path, "SELECT count(*) FROM sample");
	full_days = (double)full_cycles * (double)interval / 86400.0;
	win_days = (double)db_int(main_store.path, "SELECT coalesce(sum(span_s), 0) FROM win_cycle") /
		   86400.0;
	full_per_day = full_days > 0 ? (double)(tb.sample + tb.cycle) / full_days : 0;
	win_per_day = win_days > 0 ? (double)(tb.win + tb.win_cycle) / win_days : 0;
	/* Steady state: 48 h (+ the hour of retention slack) of cycles, 30 days of windows. */
	measured_steady = m.hours >= 48 + 1 + 30 * 24 + 1;
	steady = measured_steady ? (double)st.file_bytes :
				   full_per_day * 49.0 / 24.0 + win_per_day * 30.0 + (double)tb.ident +
					   (double)tb.other;
	per_day_ps = ps.bytes * 1440.0;

	printf("model.processes: %u\n", m.procs);
	printf("model.interval_s: %" PRId64 "\n", interval);
	printf("model.active_pct: %.1f\n", m.active_pct);
	printf("model.idle_change_pct: %.1f\n", m.idle_change_pct);
	printf("model.churn_per_min: %u\n", m.churn_per_min);
	printf("model.names: %u\n", m.names);
	printf("model.slabs: %u\n", m.slabs);
	printf("sim.hours: %u\n", m.hours);
	printf("sim.cycles: %" PRIu64 "\n", cycles);
	printf("history.cycles_written: %" PRIu64 "\n", written);
	printf("history.cycles_dropped: %" PRIu64 "\n", st.cycles_dropped);
	printf("history.status: %s\n", main_store.failed ? "ERROR (see stderr)" : "ok");
	printf("history.full.rows_per_cycle: %.1f\n",
	       full_cycles ? (double)sample_rows / (double)full_cycles : 0);
	printf("history.full.bytes_per_cycle: %.0f\n",
	       full_cycles ? (double)(tb.sample + tb.cycle) / (double)full_cycles : 0);
	printf("history.full.bytes_per_day: %.0f\n", full_per_day);
	printf("history.full.mb_per_day: %.1f\n", full_per_day / 1e6);
	printf("history.windows.days_held: %.2f\n", win_days);
	printf("history.windows.bytes_per_day: %.0f\n", win_per_day);
	printf("history.windows.mb_per_day: %.2f\n", win_per_day / 1e6);
	printf("history.ident_bytes: %" PRIu64 "\n", tb.ident);
	printf("history.free_pages: %" PRIu64 "\n", tb.free_pages);
	printf("history.file_bytes_end: %" PRIu64 "\n", st.file_bytes);
	printf("history.peak_file_bytes: %" PRIu64 "\n", main_store.peak_bytes);
	printf("history.steady_state_bytes: %.0f\n", steady);
	printf("history.steady_state_mb: %.1f\n", steady / 1e6);
	printf("history.steady_state: %s\n", measured_steady ? "measured (32 days simulated)" :
							       "estimated from the per-day rates");
	printf("history.steady_state_within_max_mb: %s\n",
	       steady <= (double)m.max_mb * 1048576.0 ? "yes" : "no: oldest windows deleted");
	printf("writer.cpu_us_per_cycle: %.0f\n", cpu_per_cycle);
	printf("writer.pct_core_at_60s: %.4f\n", cpu_per_cycle / 60e6 * 100.0);
	printf("writer.wall_us_p50: %u\n", wall[cycles / 2]);
	printf("writer.wall_us_p99: %u\n", wall[cycles * 99 / 100]);
	printf("writer.wall_us_max: %u\n", wall[cycles - 1]);
	printf("memory.stores: %d\n", m.bound_mb > 0 ? 2 : 1);
	printf("memory.vmrss_growth_kib: %ld\n", rss_after - rss_before);
	printf("memory.vmhwm_kib: %ld\n", hwm);
	printf("replay.last_84_min.points: %" PRIu64 "\n", replay_points);
	printf("replay.last_84_min.ms: %.0f\n", replay_ms);
	printf("replay.all_full_resolution.points: %" PRIu64 "\n", replay_all_points);
	printf("replay.all_full_resolution.ms: %.0f\n", replay_all_ms);
	if (m.bound_mb > 0) {
		printf("bound.max_mb: %u\n", m.bound_mb);
		printf("bound.peak_file_bytes: %" PRIu64 "\n", bound_store.peak_bytes);
		printf("bound.cycles_written: %" PRIu64 "\n", bst.cycles_written);
		printf("bound.history_kept_h: %.1f\n",
		       (double)(bst.newest_t - bst.oldest_t) / 3600.0);
		printf("bound.full_resolution_kept_h: %.1f\n",
		       (double)(bst.newest_t - bst.full_oldest_t) / 3600.0);
		printf("bound.held: %s\n",
		       bound_store.peak_bytes <= (uint64_t)m.bound_mb * 1048576 && !bound_store.failed ?
			       "yes" : "NO");
	}
	printf("ps.host_processes: %ld\n", ps.host_processes);
	printf("ps.bytes_per_run: %.0f\n", ps.bytes);
	printf("ps.bytes_per_day: %.0f\n", per_day_ps);
	printf("ps.mb_per_day: %.1f\n", per_day_ps / 1e6);
	printf("ps.gzip_mb_per_day: %.1f\n", ps.gzip_bytes * 1440.0 / 1e6);
	printf("ps.cpu_us_per_run: %.0f\n", ps.cpu_us);
	printf("ps.wall_us_per_run: %.0f\n", ps.wall_us);
	printf("ps.mb_30_days: %.0f\n", per_day_ps * 30.0 / 1e6);
	printf("ratio.ps_bytes_over_history_full: %.1f\n",
	       full_per_day > 0 ? per_day_ps / full_per_day : 0);
	printf("ratio.ps_gzip_bytes_over_history_full: %.1f\n",
	       full_per_day > 0 ? ps.gzip_bytes * 1440.0 / full_per_day : 0);
	printf("ratio.ps_30_days_over_history_steady: %.1f\n",
	       steady > 0 ? per_day_ps * 30.0 / steady : 0);
	printf("ratio.ps_cpu_over_writer_cpu: %.1f\n",
	       cpu_per_cycle > 0 ? ps.cpu_us / cpu_per_cycle : 0);

	if (!m.keep) {
		store_remove(&main_store);
		if (m.bound_mb > 0)
			store_remove(&bound_store);
		rmdir(dir);
	} else {
		printf("files: %s\n", dir);
	}
	free(wall);
	sim_free(&sim);
	return main_store.failed ? 1 : 0;
}
