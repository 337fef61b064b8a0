/* test_proc.c: process parsers, escaping, the process collector on every kernel root (both fd-count paths), groups and top-N. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "base/escape.h"
#include "proc/cmdmask.h"
#include "proc/fdtypes.h"
#include "fixture.h"
#include "proc/proccollect.h"
#include "proc/procpid.h"
#include "proc/procsummary.h"
#include "base/readfile.h"

static void escaping(void **state)
{
	char out[LW_DISPLAY_MAX + 1], big[400];
	char small[8];

	(void)state;
	assert_int_equal(lw_escape("a) b (c\nd\\e", 11, false, out, sizeof(out)), 15);
	assert_string_equal(out, "a) b (c\\x0ad\\\\e");
	lw_escape("x\0y\0\0", 5, true, out, sizeof(out));
	assert_string_equal(out, "x y");
	lw_escape("\xff\x7f", 2, false, out, sizeof(out));
	assert_string_equal(out, "\\xff\\x7f");
	/* Cut at LW_DISPLAY_MAX without splitting an escape: 63 escapes fit, 64 would not. */
	memset(big, '\x01', sizeof(big));
	assert_int_equal(lw_escape(big, sizeof(big), false, out, sizeof(out)), 252);
	assert_int_equal(lw_escape("abcdefghij", 10, false, small, sizeof(small)), 7);
	assert_string_equal(small, "abcdefg");
}

static void stat_parser(void **state)
{
	const char *hostile = "77 (a) b (c\nd\\e) S 1 77 77 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 "
			      "12345 10485760 256\n";
	struct lw_pid_stat st;
	struct lw_error err;

	(void)state;
	assert_int_equal(lw_pid_stat_parse(hostile, strlen(hostile), &st, &err), 0);
	assert_int_equal(st.comm_len, 11);
	assert_memory_equal(st.comm, "a) b (c\nd\\e", 11);
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.utime, 250);
	assert_int_equal(st.stime, 50);
	assert_int_equal(st.threads, 3);
	assert_int_equal(st.starttime, 12345);
	/* Truncated after the state, no parentheses, a ')' only: errors, never a crash. */
	assert_int_equal(lw_pid_stat_parse("1 (x) S", 7, &st, &err), -1);
	assert_int_equal(lw_pid_stat_parse("1 x S 1", 7, &st, &err), -1);
	assert_int_equal(lw_pid_stat_parse(")(", 2, &st, &err), -1);
	assert_int_equal(lw_pid_stat_parse("1 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18", 52,
					   &st, &err), -1);
}

static void small_parsers(void **state)
{
	struct lw_pid_statm m;
	struct lw_error err;
	uint64_t v;
	const char *limits = "Limit   Soft Limit   Hard Limit   Units\n"
			     "Max open files            1024                 524288               files\n";
	const char *unlimited = "Max open files            unlimited            unlimited  files\n";
	const char *status = "Name:\tx\nVmRSS:\t   100 kB\nVmSwap:\t    12 kB\n";

	(void)state;
	assert_int_equal(lw_pid_statm_parse("10 4 1 0 0 3 0\n", 15, &m, &err), 0);
	assert_int_equal(m.size, 10);
	assert_int_equal(m.resident, 4);
	assert_int_equal(m.shared, 1);
	assert_int_equal(lw_pid_statm_parse("10 1 4 0", 8, &m, &err), -1);  /* shared > resident */
	assert_int_equal(lw_pid_statm_parse("10", 2, &m, &err), -1);
	assert_int_equal(lw_pid_limits_nofile_parse(limits, strlen(limits), &v, &err), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(lw_pid_limits_nofile_parse(unlimited, strlen(unlimited), &v, &err), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(lw_pid_limits_nofile_parse("Max cpu time 1 1\n", 17, &v, &err), -1);
	assert_int_equal(lw_pid_status_swap_parse(status, strlen(status), &v, &err), 0);
	assert_int_equal(v, 12);
	assert_int_equal(lw_pid_status_swap_parse("Name:\tkthreadd\n", 15, &v, &err), 0);
	assert_int_equal(v, 0);
	{
		const char *st = "Name:\tx\nUid:\t1000\t0\t0\t0\nGid:\t5\n";
		uint32_t uid = 0;

		assert_int_equal(lw_pid_status_uid_parse(st, strlen(st), &uid, &err), 0);
		assert_int_equal(uid, 1000);  /* the real uid, not the effective one */
		assert_int_equal(lw_pid_status_uid_parse("Name:\tx\n", 8, &uid, &err), -1);
	}
	assert_int_equal(lw_stat_btime_parse("cpu 1 2\nbtime 99\nprocesses 3\n", 29, &v, &err), 0);
	assert_int_equal(v, 99);
	assert_int_equal(lw_stat_btime_parse("cpu 1 2\n", 8, &v, &err), -1);
}

/* Descriptor links of the fixture processes (the repository holds no symlinks: `make dist`
 * archives with tar -h, which follows them). Path links point inside the copy. */
struct fd_link {
	const char *path, *target;
};

static const struct fd_link links_618[] = {
	{ "proc/1/fd/0", "socket:[4242]" },     { "proc/1/fd/1", "pipe:[77]" },
	{ "proc/1/fd/2", "../../loadavg" },     { "proc/1/fd/3", "anon_inode:[eventfd]" },
	{ "proc/1/fd/4", "socket:[4243]" },     { "proc/77/fd/0", "socket:[1]" },
	{ "proc/77/fd/1", "socket:[2]" },       { NULL, NULL },
};

static const struct fd_link links_4x[] = {
	{ "proc/1/fd/0", "socket:[10001]" },        { "proc/1/fd/1", "socket:[10002]" },
	{ "proc/1/fd/2", "pipe:[300]" },            { "proc/1/fd/3", "anon_inode:[eventfd]" },
	{ "proc/1/fd/4", "../../meminfo" },         { "proc/1/fd/5", "anon_inode:[timerfd]" },
	{ "proc/25731/fd/0", "pipe:[301]" },        { "proc/25731/fd/1", "pipe:[302]" },
	{ "proc/25731/fd/2", "socket:[10003]" },    { "proc/25951/fd/0", "socket:[10004]" },
	{ "proc/25951/fd/1", "socket:[10005]" },    { "proc/25951/fd/2", "socket:[10006]" },
	{ "proc/25951/fd/3", "../../stat" },        { NULL, NULL },
};

static const struct fd_link links_5x[] = {
	{ "proc/1/fd/0", "socket:[20001]" },        { "proc/1/fd/1", "socket:[20002]" },
	{ "proc/1/fd/2", "anon_inode:inotify" },    { "proc/1309/fd/0", "socket:[20003]" },
	{ "proc/1309/fd/1", "pipe:[400]" },         { "proc/214983/fd/0", "socket:[20004]" },
	{ "proc/214983/fd/1", "socket:[20005]" },   { "proc/214983/fd/2", "socket:[20006]" },
	{ "proc/214983/fd/3", "anon_inode:[eventfd]" }, { "proc/214983/fd/4", "../../meminfo" },
	{ "proc/291591/fd/0", "../../loadavg" },    { "proc/291591/fd/1", "pipe:[401]" },
	{ NULL, NULL },
};

/* One process of a root: its files' numbers (pages and ticks as printed) and its fd links. */
struct want_proc {
	uint32_t pid, ppid, uid, threads;
	const char *name, *cmdline;  /* escaped; cmdline NULL: not checked (longer than shown) */
	uint8_t state;
	uint64_t ticks, start, vsz, rss, shared;
	uint32_t fd_limit;
	struct lw_fd_types types;    /* sockets, pipes, files, anon, other */
};

#define PROCS_MAX 4

/* What each kernel root holds (one row per lw_fixture_kernels[] entry, same order). */
static const struct want_kernel {
	const char *tree;
	bool fd_size_zero;           /* before 6.2: stat of /proc/PID/fd gives st_size 0 */
	uint64_t btime;
	const struct fd_link *links;
	size_t nprocs, ngroups;
	struct want_proc procs[PROCS_MAX];
	uint32_t top_fds[PROCS_MAX]; /* pids by descriptors, ties by pid */
} kernels[LW_FIXTURE_NKERNELS] = {
	{ LW_FIXTURE_KERNEL, false, UINT64_C(1795561123), links_618, 4, 4,
	  { { 1, 0, 0, 13, "process_api", NULL, LW_PS_SLEEPING, 1042 + 2236, 19, 10238, 2911,
	      1634, 32768, { 2, 1, 1, 1, 0 } },
	    { 2, 0, 0, 1, "kthreadd", "", LW_PS_SLEEPING, 0, 19, 0, 0, 0, 1024, { 0 } },
	    /* the hostile one: no status file, so uid 0 */
	    { 77, 1, 0, 3, "a) b (c\\x0ad\\\\e", "hostile --flag \\xff\\xfe", LW_PS_SLEEPING,
	      250 + 50, 12345, 2560, 1024, 256, 4321, { 2, 0, 0, 0, 0 } },
	    { 4242, 77, 0, 1, "zombie", "", LW_PS_ZOMBIE, 0, 99999, 0, 0, 0, UINT32_MAX,
	      { 0 } } },
	  { 1, 77, 2, 4242 } },
	/* 4.18.13 processes (limits hand-written, see the README) */
	{ "linux-4.x", true, UINT64_C(1548375789), links_4x, 3, 3,
	  { { 1, 0, 0, 1, "systemd",
	      "/usr/lib/systemd/systemd --switched-root --system --deserialize 32",
	      LW_PS_SLEEPING, 3281 + 6622, 1, 60006, 2823, 1478, 1024, { 2, 1, 1, 2, 0 } },
	    { 25731, 20821, 0, 21, "podman", "podman run -p 9091:9090 prom/prometheus",
	      LW_PS_SLEEPING, 1354 + 87, 25903659, 416900, 4595, 3504, 1048576,
	      { 1, 2, 0, 0, 0 } },
	    { 25951, 25939, 65534, 27, "prometheus", NULL, LW_PS_SLEEPING, 20078 + 2097,
	      25903720, 37798, 6782, 1929, 1048576, { 3, 0, 1, 0, 0 } } },
	  { 1, 25951, 25731 } },
	/* 5.5.7 processes: two named systemd make one group of 2 */
	{ "linux-5.x", true, UINT64_C(1634694864), links_5x, 4, 3,
	  { { 1, 0, 0, 1, "systemd",
	      "/usr/lib/systemd/systemd --switched-root --system --deserialize 29",
	      LW_PS_SLEEPING, 8226 + 16406, 24, 43520, 2635, 1121, 1024, { 2, 0, 0, 1, 0 } },
	    { 1309, 1, 1000, 1, "systemd", "/usr/lib/systemd/systemd --user", LW_PS_SLEEPING,
	      93 + 165, 1415, 5117, 1256, 942, 1024, { 1, 1, 0, 0, 0 } },
	    { 214983, 1309, 1000, 4, "gnome-terminal-", "/usr/libexec/gnome-terminal-server",
	      LW_PS_SLEEPING, 141715 + 12616, 24929473, 181792, 42743, 10860, 1024,
	      { 3, 0, 1, 1, 0 } },
	    { 291591, 214983, 1000, 1, "bash", "bash", LW_PS_SLEEPING, 38 + 29, 31743970, 57243,
	      1160, 592, 1024, { 0, 1, 1, 0, 0 } } },
	  { 214983, 1, 1309, 291591 } },
};

/* How proc/self/fd, where the collector learns the kernel's behaviour, looks in a copy. */
enum self_fd {
	SELF_FD_NONE,   /* absent: as in the trees */
	SELF_FD_ZERO,   /* st_size 0, what kernels before 6.2 report (an empty file: a directory
			 * on a disk filesystem does not reliably have size 0) */
	SELF_FD_SIZED,  /* a directory, st_size > 0, as from 6.2 on */
};

/* A writable copy of a root with the fd links added; returns its root fd. */
static int fixture_copy(const struct want_kernel *k, enum self_fd self_fd, char *dir)
{
	char src[4096], cmd[8192];
	struct lw_error err;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a '%s'/. '%s'", lw_fixture_path(k->tree, src, sizeof(src)),
		 dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(lw_root_open(dir, &fd, &err), 0);
	for (const struct fd_link *l = k->links; l->path != NULL; l++) {
		char fddir[64];

		snprintf(fddir, sizeof(fddir), "%.*s", (int)(strrchr(l->path, '/') - l->path),
			 l->path);
		assert_true(mkdirat(fd, fddir, 0755) == 0 || errno == EEXIST);
		assert_int_equal(symlinkat(l->target, fd, l->path), 0);
	}
	if (self_fd == SELF_FD_ZERO) {
		int f = openat(fd, "proc/self/fd", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

		assert_true(f >= 0);
		close(f);
	} else if (self_fd == SELF_FD_SIZED) {
		struct stat st;
		int f;

		/* With an entry: an empty directory has size 0 on some filesystems (btrfs). */
		assert_int_equal(mkdirat(fd, "proc/self/fd", 0755), 0);
		f = openat(fd, "proc/self/fd/0", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		assert_true(f >= 0);
		close(f);
		assert_int_equal(fstatat(fd, "proc/self/fd", &st, 0), 0);
		assert_true(st.st_size > 0);
	}
	return fd;
}

static void remove_copy(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* One sample of a root's copy (proc/self/fd as the kernel generation has it). */
static struct lw_proc_table collect_fixture(const struct want_kernel *k,
					    const struct lw_proc_config *cfg, uint32_t *all,
					    char *notice, size_t cap)
{
	char dir[] = "/tmp/lwfixture-XXXXXX";
	struct lw_proc_collector *pc;
	struct lw_proc_table t;
	struct lw_error err;
	int root = fixture_copy(k, k->fd_size_zero ? SELF_FD_ZERO : SELF_FD_NONE, dir);

	assert_int_equal(lw_proc_collector_new(root, &pc, &err), 0);
	assert_int_equal(lw_proc_collect(pc, cfg, 0, &t, all, notice, cap, &err), 0);
	lw_proc_collector_free(pc);
	close(root);
	remove_copy(dir);
	return t;
}

static struct lw_proc_config defaults(void)
{
	struct lw_config c;

	lw_config_defaults(&c);
	return c.proc;
}

static void check_proc(const struct lw_proc_table *t, const struct want_kernel *k,
		       const struct want_proc *w)
{
	uint64_t page_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	uint64_t hz = (uint64_t)sysconf(_SC_CLK_TCK);
	const struct lw_proc *p = lw_proc_find(t, w->pid);

	assert_non_null(p);
	assert_string_equal(lw_proc_str(t, p->name), w->name);
	if (w->cmdline != NULL)
		assert_string_equal(lw_proc_str(t, p->cmdline), w->cmdline);
	assert_int_equal(p->ppid, w->ppid);
	assert_int_equal(p->uid, w->uid);
	assert_int_equal(p->threads, w->threads);
	assert_int_equal(p->state, w->state);
	assert_true(p->cpu_ticks == w->ticks);
	assert_true(p->start_time == k->btime + w->start / hz);
	assert_true(p->vsz_kb == w->vsz * page_kb);
	assert_true(p->rss_kb == w->rss * page_kb);
	assert_true(p->anon_kb == (w->rss - w->shared) * page_kb);
	assert_int_equal(p->fd_limit, w->fd_limit);
	assert_int_equal(p->fds, lw_fd_types_total(&w->types));
	assert_int_equal(p->sockets, w->types.sockets);
	assert_memory_equal(&p->types, &w->types, sizeof(w->types));
	assert_int_equal(p->cpu_hundredths, 0);  /* first sample: no interval yet */
}

static void collector_on_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_kernel *k = &kernels[r];
		struct lw_proc_config cfg = defaults();
		char notice[256];
		uint32_t all, grouped = 0;
		struct lw_proc_table t;

		assert_string_equal(k->tree, lw_fixture_kernels[r]);
		t = collect_fixture(k, &cfg, &all, notice, sizeof(notice));
		assert_int_equal(all, k->nprocs);
		assert_int_equal(t.count, k->nprocs);
		assert_string_equal(notice, "");
		for (size_t i = 0; i < k->nprocs; i++)
			check_proc(&t, k, &k->procs[i]);
		assert_null(lw_proc_find(&t, 3));
		/* Top by fds, ties by pid; the top ones carry their descriptor types. */
		assert_int_equal(t.ntop[LW_TOP_FDS], k->nprocs);
		for (size_t i = 0; i < k->nprocs; i++)
			assert_int_equal(t.top[LW_TOP_FDS][i].pid, k->top_fds[i]);
		assert_int_not_equal(lw_proc_find(&t, k->top_fds[0])->in_fd_top, 0);
		{
			const struct want_proc *big = &k->procs[0];

			for (size_t i = 1; i < k->nprocs; i++)
				if (k->procs[i].rss > big->rss)
					big = &k->procs[i];
			assert_int_equal(t.top[LW_TOP_RSS][0].pid, big->pid);
		}
		assert_int_equal(t.ntop[LW_TOP_RSS_GROWTH], 0);  /* nothing grew: first sample */
		/* One group per name, index = FNV-1a 31. */
		assert_int_equal(t.ngroups, k->ngroups);
		for (size_t i = 0; i < t.ngroups; i++) {
			assert_int_equal(t.groups[i].index,
					 lw_proc_group_index(lw_proc_str(&t, t.groups[i].name)));
			grouped += t.groups[i].count;
		}
		assert_int_equal(grouped, k->nprocs);
		lw_proc_table_release(&t);
	}
	assert_int_equal(lw_proc_group_index("process_api"), 1034979829);
}

/*
 * Before Linux 6.2 st_size of /proc/PID/fd is 0 and the count comes from listing the directory
 * (src/proc/proccollect.c). Two samples of one collector: the second lists again only the
 * process whose count moved, which only a readdir count can see here.
 */
static void fd_count_by_readdir(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_kernel *k = &kernels[r];
		const struct want_proc *top = &k->procs[0];
		struct lw_proc_config cfg = defaults();
		struct lw_proc_collector_stats st;
		char dir[] = "/tmp/lwfixture-XXXXXX";
		struct lw_proc_collector *pc;
		struct lw_proc_table t;
		struct lw_error err;
		char notice[256], link[64];
		uint32_t all;
		int root;

		if (!k->fd_size_zero)
			continue;
		root = fixture_copy(k, SELF_FD_ZERO, dir);
		assert_int_equal(lw_proc_collector_new(root, &pc, &err), 0);
		assert_int_equal(lw_proc_collect(pc, &cfg, 0, &t, &all, notice, sizeof(notice),
						 &err), 0);
		for (size_t i = 0; i < k->nprocs; i++)
			assert_int_equal(lw_proc_find(&t, k->procs[i].pid)->fds,
					 lw_fd_types_total(&k->procs[i].types));
		lw_proc_table_release(&t);
		lw_proc_collector_stats(pc, &st);
		assert_int_equal(st.fd_lists, k->nprocs);  /* every new identity is listed */

		/* One more socket for the first process. */
		snprintf(link, sizeof(link), "proc/%u/fd/99", (unsigned)top->pid);
		assert_int_equal(symlinkat("socket:[99999]", root, link), 0);
		assert_int_equal(lw_proc_collect(pc, &cfg, 0, &t, &all, notice, sizeof(notice),
						 &err), 0);
		assert_int_equal(lw_proc_find(&t, top->pid)->fds, lw_fd_types_total(&top->types) + 1);
		assert_int_equal(lw_proc_find(&t, top->pid)->sockets, top->types.sockets + 1);
		for (size_t i = 1; i < k->nprocs; i++)
			assert_int_equal(lw_proc_find(&t, k->procs[i].pid)->fds,
					 lw_fd_types_total(&k->procs[i].types));
		lw_proc_table_release(&t);
		lw_proc_collector_stats(pc, &st);
		assert_int_equal(st.fd_lists, k->nprocs + 1);  /* that one only */
		lw_proc_collector_free(pc);
		close(root);
		remove_copy(dir);
	}
}

/*
 * The other branch: with proc/self/fd of non-zero size (6.2 on) the size of each fd directory is
 * taken as the count. A disk directory's size is no descriptor count, so here every process
 * with an fd directory is listed again on the second sample: the count came from st_size.
 */
static void fd_count_by_size(void **state)
{
	const struct want_kernel *k = &kernels[0];
	struct lw_proc_config cfg = defaults();
	struct lw_proc_collector_stats st;
	char dir[] = "/tmp/lwfixture-XXXXXX";
	struct lw_proc_collector *pc;
	struct lw_proc_table t;
	struct lw_error err;
	char notice[256];
	uint32_t all, with_fds = 0;
	int root = fixture_copy(k, SELF_FD_SIZED, dir);

	(void)state;
	for (size_t i = 0; i < k->nprocs; i++)
		with_fds += lw_fd_types_total(&k->procs[i].types) > 0;
	assert_int_equal(lw_proc_collector_new(root, &pc, &err), 0);
	for (int sample = 0; sample < 2; sample++) {
		assert_int_equal(lw_proc_collect(pc, &cfg, 0, &t, &all, notice, sizeof(notice),
						 &err), 0);
		/* The listing, newer than the count, still gives the row its figures. */
		for (size_t i = 0; i < k->nprocs; i++)
			assert_int_equal(lw_proc_find(&t, k->procs[i].pid)->fds,
					 lw_fd_types_total(&k->procs[i].types));
		lw_proc_table_release(&t);
	}
	lw_proc_collector_stats(pc, &st);
	/* Twice each with a directory; one without (kthreadd, the zombie: a test tree has none)
	 * has nothing open and nothing to list. */
	assert_int_equal(st.fd_lists, 2 * with_fds);
	lw_proc_collector_free(pc);
	close(root);
	remove_copy(dir);
}

static void filters_and_cap(void **state)
{
	struct lw_proc_config cfg = defaults();
	char notice[256];
	uint32_t all;
	struct lw_proc_table t;

	(void)state;
	strcpy(cfg.include[cfg.ninclude++], "*e*");     /* all four names have an 'e' */
	strcpy(cfg.exclude[cfg.nexclude++], "kthread?");
	strcpy(cfg.exclude[cfg.nexclude++], "a)*");
	t = collect_fixture(&kernels[0], &cfg, &all, notice, sizeof(notice));
	assert_int_equal(all, 4);  /* lwProcessCount counts everything */
	assert_int_equal(t.count, 2);
	assert_non_null(lw_proc_find(&t, 1));
	assert_non_null(lw_proc_find(&t, 4242));
	lw_proc_table_release(&t);

	cfg = defaults();
	cfg.min_rss_kb = 1;  /* drops the kernel thread and the zombie */
	t = collect_fixture(&kernels[0], &cfg, &all, notice, sizeof(notice));
	assert_int_equal(t.count, 2);
	lw_proc_table_release(&t);

	cfg = defaults();
	cfg.max_rows = 1;
	cfg.top_n = 2;
	t = collect_fixture(&kernels[0], &cfg, &all, notice, sizeof(notice));
	assert_int_equal(t.count, 1);
	assert_int_equal(t.rows[0].pid, 1);  /* the largest RSS stays */
	assert_int_equal(t.dropped, 3);
	assert_string_equal(notice, "row cap 1 reached: 4 processes, 3 not published in lwProcTable");
	assert_int_equal(t.ntop[LW_TOP_RSS], 2);
	assert_int_equal(t.ngroups, 4);  /* groups and top-N are computed before the cap */
	lw_proc_table_release(&t);
}

/*
 * A process whose fd directory may not be read (mode 0 here; another user's process for a
 * daemon without capabilities): on a kernel that counts by listing, its count and types are
 * unknown, never 0: flagged, left out of the fd top-N, its group has no sum, and the notice
 * says how many and why. Read again once readable. Runs the collector as nobody when the test
 * is root (root reads a mode 0 directory).
 */
static void unreadable_descriptors(void **state)
{
	const struct want_kernel *k = &kernels[2];  /* linux-5.x: two systemd, one group */
	struct lw_proc_config cfg = defaults();
	char dir[] = "/tmp/lwfixture-XXXXXX";
	struct lw_proc_collector *pc;
	struct lw_proc_table t;
	const struct lw_proc *p;
	const struct lw_proc_group *g = NULL;
	struct lw_error err;
	char notice[256];
	uint32_t all;
	int root, rc;

	(void)state;
	assert_string_equal(k->tree, "linux-5.x");
	root = fixture_copy(k, SELF_FD_ZERO, dir);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(fchmodat(root, "proc/1309/fd", 0, 0), 0);
	assert_int_equal(lw_proc_collector_new(root, &pc, &err), 0);
	if (geteuid() == 0)
		assert_int_equal(seteuid(65534), 0);
	rc = lw_proc_collect(pc, &cfg, 0, &t, &all, notice, sizeof(notice), &err);
	if (getuid() == 0)
		assert_int_equal(seteuid(0), 0);
	assert_int_equal(rc, 0);
	assert_int_equal(t.count, k->nprocs);
	p = lw_proc_find(&t, 1309);
	assert_non_null(p);
	assert_int_equal(p->unknown, LW_PROC_FDS_UNKNOWN | LW_PROC_TYPES_UNKNOWN);
	/* the others are whole */
	assert_int_equal(lw_proc_find(&t, 1)->unknown, 0);
	assert_int_equal(lw_proc_find(&t, 1)->sockets, k->procs[0].types.sockets);
	for (size_t i = 0; i < t.ntop[LW_TOP_FDS]; i++)
		assert_int_not_equal(t.top[LW_TOP_FDS][i].pid, 1309);
	for (size_t i = 0; i < t.ngroups; i++)
		if (strcmp(lw_proc_str(&t, t.groups[i].name), "systemd") == 0)
			g = &t.groups[i];
	assert_non_null(g);
	assert_int_equal(g->count, 2);
	assert_int_equal(g->fds_unknown, 1);  /* a sum over an unknown would be too low */
	assert_string_equal(notice, "descriptors of 1 processes not readable: permission denied "
				    "(no CAP_DAC_READ_SEARCH/CAP_SYS_PTRACE): no lwProcSockets nor "
				    "lwProcFdTable row for them, no lwProcFds either for 1");
	lw_proc_table_release(&t);

	/* Readable again: the true count and types at the next sample. */
	assert_int_equal(fchmodat(root, "proc/1309/fd", 0755, 0), 0);
	assert_int_equal(lw_proc_collect(pc, &cfg, 0, &t, &all, notice, sizeof(notice), &err), 0);
	p = lw_proc_find(&t, 1309);
	assert_int_equal(p->unknown, 0);
	assert_int_equal(p->fds, lw_fd_types_total(&k->procs[1].types));
	assert_memory_equal(&p->types, &k->procs[1].types, sizeof(p->types));
	assert_string_equal(notice, "");
	lw_proc_table_release(&t);
	lw_proc_collector_free(pc);
	close(root);
	remove_copy(dir);
}

/* process_cmdline mask (src/proc/cmdmask.h): one case a row, argv with \0 separators. */
static void cmdline_masking(void **state)
{
	static const struct {
		const char *in;
		size_t len;  /* 0: strlen(in) + 1 (with the last NUL) */
		const char *want;
	} cases[] = {
#define ARGV(s) s, sizeof(s) - 1
		/* rule 1: --NAME=VALUE, --NAME VALUE, -NAME VALUE, case, parts, camelCase */
		{ ARGV("app\0--password=hunter2\0--user\0bob\0"), "app --password=*** --user bob" },
		{ ARGV("app\0--PassWord=x\0"), "app --PassWord=***" },
		{ ARGV("app\0--token\0abc\0next\0"), "app --token *** next" },
		{ ARGV("app\0--api-key\0abc\0--key-file\0/k\0"), "app --api-key *** --key-file /k" },
		{ ARGV("app\0--db_password=x\0--clientSecret=y\0"),
		  "app --db_password=*** --clientSecret=***" },
		{ ARGV("keytool\0-storepass\0changeit\0-alias\0a\0"),
		  "keytool -storepass *** -alias a" },
		{ ARGV("app\0-password\0x\0"), "app -password ***" },
		{ ARGV("pg_dump\0--no-password\0db\0"), "pg_dump --no-password db" },
		{ ARGV("app\0--password=\0x\0"), "app --password= x" },
		{ ARGV("app\0--password-file\0/run/pw\0"), "app --password-file /run/pw" },
		{ ARGV("app\0--password\0"), "app --password" },  /* no value: nothing to hide */
		/* rule 2: -pVALUE always, -p VALUE unless a port */
		{ ARGV("mysql\0-uroot\0-pSECRET\0db\0"), "mysql -uroot -p*** db" },
		{ ARGV("sshpass\0-p\0s3cr3t\0ssh\0"), "sshpass -p *** ssh" },
		{ ARGV("ssh\0-p\0" "22\0host\0"), "ssh -p 22 host" },
		{ ARGV("podman\0run\0-p\09091:9090\0img\0"), "podman run -p 9091:9090 img" },
		{ ARGV("docker\0-p\0" "127.0.0.1:53:53/udp\0"), "docker -p 127.0.0.1:53:53/udp" },
		{ ARGV("x\0-p\0-v\0"), "x -p ***" },
		{ ARGV("x\0--password\0-p\0y\0"), "x --password *** y" },
		{ ARGV("x\0--password\0" "22\0"), "x --password ***" },  /* a port only after -p */
		/* rule 3: WORD=VALUE anywhere in an argument, to its end */
		{ ARGV("app\0token=abc\0user=bob\0"), "app token=*** user=bob" },
		{ ARGV("env\0DB_PASSWORD=x y\0"), "env DB_PASSWORD=***" },
		{ ARGV("curl\0https://h/x?a=1&api_key=k&b=2\0"), "curl https://h/x?a=1&api_key=***" },
		{ ARGV("app\0-Djavax.net.ssl.keyStorePassword=pw\0"),
		  "app -Djavax.net.ssl.keyStorePassword=***" },
		{ ARGV("app\0monkey=1\0compass=n\0hotkey=F1\0"), "app monkey=1 compass=n hotkey=F1" },
		{ ARGV("app\0sort.key=name\0pwd=x\0"), "app sort.key=*** pwd=***" },
		{ ARGV("app\0=x\0a==b\0"), "app =x a==b" },
		/* rule 4: URL passwords */
		{ ARGV("psql\0postgres://u:pw@h:5432/db\0"), "psql postgres://u:***@h:5432/db" },
		{ ARGV("x\0http://u:p@ss@h/\0"), "x http://u:***@h/" },
		{ ARGV("x\0http://u@h:80/\0ftp://h/a:b@c\0"), "x http://u@h:80/ ftp://h/a:b@c" },
		/* hostile: no terminator, NULs in a row, an empty argv, UTF-8 and high octets kept */
		{ ARGV("app\0--token"), "app --token" },
		{ ARGV("app\0-p"), "app -p" },
		{ ARGV("app\0--secret=x"), "app --secret=***" },
		{ ARGV("app\0\0\0--token\0\0tok\0"), "app   --token  tok" },
		{ "", 0, "" },
		{ ARGV("caf\xc3\xa9\0p\xc3\xa4ss=\xe2\x82\xac\0--token\0\xff\xfe\0"),
		  "caf\\xc3\\xa9 p\\xc3\\xa4ss=\\xe2\\x82\\xac --token ***" },
#undef ARGV
	};
	char out[512], esc[LW_DISPLAY_MAX + 1], big[4096], huge[3 * sizeof(big)];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = lw_cmdline_mask(cases[i].in, cases[i].len, out, sizeof(out));
		lw_escape(out, n, true, esc, sizeof(esc));
		if (strcmp(esc, cases[i].want) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, esc, cases[i].want);
	}
	/* Very long: every value hidden, the output cut at cap, never past it. */
	for (size_t i = 0; i + 4 <= sizeof(big); i += 4)
		memcpy(big + i, "-px", 4);  /* "-px\0" each */
	n = lw_cmdline_mask(big, sizeof(big), huge, sizeof(huge));
	assert_int_equal(n, sizeof(big) / 4 * 6);  /* "-p***\0" each */
	assert_null(memmem(huge, n, "x", 1));
	memset(out, 'Z', sizeof(out));
	n = lw_cmdline_mask(big, sizeof(big), out, 7);
	assert_int_equal(n, 7);
	assert_memory_equal(out, "-p***\0-", 7);
	assert_int_equal(out[7], 'Z');
	assert_int_equal(lw_cmdline_mask("--token=abc", 11, out, 0), 0);
}

static struct lw_proc row(uint32_t pid, uint64_t rss, int64_t growth)
{
	struct lw_proc p;

	memset(&p, 0, sizeof(p));
	p.pid = pid;
	p.rss_kb = rss;
	p.rss_growth_kb = growth;
	p.fds = pid;
	return p;
}

static void groups_top_and_collisions(void **state)
{
	struct lw_proc_config cfg = defaults();
	struct lw_summary_builder b;
	struct lw_proc_table t;
	struct lw_error err;
	char notice[256];
	struct lw_proc r;

	(void)state;
	assert_int_equal(lw_summary_begin(&b, &err), 0);
	r = row(10, 100, 5);
	assert_int_equal(lw_summary_add(&b, &r, "worker", ""), 0);
	r = row(11, 300, 0);
	assert_int_equal(lw_summary_add(&b, &r, "worker", ""), 0);
	r = row(12, 300, 50);
	assert_int_equal(lw_summary_add(&b, &r, "g260618", ""), 0);
	r = row(13, 1, -7);
	assert_int_equal(lw_summary_add(&b, &r, "g808496", ""), 0);
	assert_int_equal(lw_summary_finish(&b, &cfg, &t, notice, sizeof(notice), &err), 0);
	/* Ties in value rank the lower pid first; growth lists only positive growth. */
	assert_int_equal(t.top[LW_TOP_RSS][0].pid, 11);
	assert_int_equal(t.top[LW_TOP_RSS][1].pid, 12);
	assert_int_equal(t.ntop[LW_TOP_RSS_GROWTH], 2);
	assert_int_equal(t.top[LW_TOP_RSS_GROWTH][0].pid, 12);
	assert_int_equal(t.top[LW_TOP_RSS_GROWTH][0].value, 50);
	assert_int_equal(t.ngroups, 3);
	for (size_t i = 0; i < t.ngroups; i++) {
		const char *name = lw_proc_str(&t, t.groups[i].name);

		if (strcmp(name, "worker") == 0) {
			assert_int_equal(t.groups[i].count, 2);
			assert_int_equal(t.groups[i].rss_kb, 400);
			assert_int_equal(t.groups[i].max_rss_kb, 300);
			assert_int_equal(t.groups[i].fds, 21);
		} else if (strcmp(name, "g260618") == 0) {
			/* g260618 and g808496 share FNV index 862399749: the first by name keeps it. */
			assert_int_equal(t.groups[i].index, 862399749);
		} else {
			assert_string_equal(name, "g808496");
			assert_int_equal(t.groups[i].index, 862399750);
		}
		if (i > 0)
			assert_true(t.groups[i - 1].index < t.groups[i].index);
	}
	assert_string_equal(notice, "1 group index collisions resolved by name order");
	lw_proc_table_release(&t);
}

static int desc_then_pid(const void *a, const void *b)
{
	const struct lw_proc_top *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The bounded ranking agrees with a full sort, ties (lower pid first) included. */
static void top_n_matches_full_sort(void **state)
{
	static const unsigned sizes[] = { 1, 10, 999, LW_CONFIG_MAX_TOP };
	uint32_t seed = 12345;

	(void)state;
	for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
		struct lw_proc_config cfg = defaults();
		struct lw_proc_top *want = calloc(3000, sizeof(*want));
		struct lw_summary_builder b;
		struct lw_proc_table t;
		struct lw_error err;
		char notice[256];
		size_t k = 0;

		assert_non_null(want);
		cfg.top_n = sizes[z];
		assert_int_equal(lw_summary_begin(&b, &err), 0);
		for (uint32_t pid = 1; pid <= 3000; pid++) {
			struct lw_proc r;

			seed = seed * 1103515245u + 12345u;
			r = row(pid, (seed >> 16) % 500, 0);  /* many ties */
			assert_int_equal(lw_summary_add(&b, &r, "p", ""), 0);
			want[k++] = (struct lw_proc_top){ .pid = pid, .value = r.rss_kb };
		}
		qsort(want, k, sizeof(*want), desc_then_pid);
		assert_int_equal(lw_summary_finish(&b, &cfg, &t, notice, sizeof(notice), &err), 0);
		assert_int_equal(t.ntop[LW_TOP_RSS], sizes[z] < k ? sizes[z] : k);
		for (size_t i = 0; i < t.ntop[LW_TOP_RSS]; i++) {
			assert_int_equal(t.top[LW_TOP_RSS][i].pid, want[i].pid);
			assert_int_equal(t.top[LW_TOP_RSS][i].value, want[i].value);
		}
		lw_proc_table_release(&t);
		free(want);
	}
}

/* This process's descriptors as `ls -l /proc/self/fd` shows them, less the listing's own. */
static void own_descriptors(uint32_t *total, uint32_t *sockets)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	assert_non_null(d);
	*total = *sockets = 0;
	while ((de = readdir(d)) != NULL) {
		char link[64];
		ssize_t n;

		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		n = readlinkat(dirfd(d), de->d_name, link, sizeof(link));
		*total += 1;
		*sockets += n > 7 && memcmp(link, "socket:", 7) == 0;
	}
	closedir(d);
}

/*
 * Samples until this process's row matches its descriptors (a process on the host that exits
 * mid-cycle holds kept descriptors until the cycle ends); fails after 10 tries.
 */
static struct lw_proc self_sample(struct lw_proc_collector *pc, const struct lw_proc_config *cfg)
{
	for (int i = 0; i < 10; i++) {
		struct lw_proc_table t;
		struct lw_error err;
		const struct lw_proc *p;
		struct lw_proc row;
		uint32_t all, total, sockets;
		char notice[256];

		assert_int_equal(lw_proc_collect(pc, cfg, 0, &t, &all, notice, sizeof(notice), &err), 0);
		p = lw_proc_find(&t, (uint32_t)getpid());
		assert_non_null(p);
		row = *p;
		lw_proc_table_release(&t);
		own_descriptors(&total, &sockets);
		assert_int_equal(row.sockets, sockets);
		assert_int_equal(row.types.sockets, sockets);
		assert_int_equal(row.types.sockets + row.types.pipes + row.types.files +
				 row.types.anon + row.types.other, row.fds);
		if (row.fds == total)
			return row;
	}
	fail_msg("the collector's own row never matched /proc/self/fd");
	abort();  /* fail_msg does not return */
}

/*
 * The collector keeps two /proc descriptors per process, so its own count moves with every
 * process born or gone. Its own fd directory must be listed again only when other descriptors
 * come or go, and its row must still match /proc/self/fd.
 */
/* Every child is a row of a new collection (and so kept: a row's stat and statm stay open). */
static void assert_children_listed(struct lw_proc_collector *pc, const struct lw_proc_config *cfg,
				   const pid_t *kids, size_t n)
{
	struct lw_proc_table t;
	struct lw_error err;
	uint32_t all;
	char notice[256];

	assert_int_equal(lw_proc_collect(pc, cfg, 0, &t, &all, notice, sizeof(notice), &err), 0);
	for (size_t i = 0; i < n; i++)
		if (lw_proc_find(&t, (uint32_t)kids[i]) == NULL)
			fail_msg("child %d is not in the process table", (int)kids[i]);
	lw_proc_table_release(&t);
}

static void collector_on_itself(void **state)
{
	struct lw_proc_config cfg = defaults();
	struct lw_proc_collector_stats st;
	struct lw_proc_collector *pc;
	struct lw_proc before, after;
	struct lw_error err;
	uint64_t kept_before;
	pid_t kids[20];
	int socks[3];
	int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	(void)state;
	assert_true(root >= 0);
	assert_int_equal(lw_proc_collector_new(root, &pc, &err), 0);
	before = self_sample(pc, &cfg);
	lw_proc_collector_stats(pc, &st);
	assert_int_equal(st.own_fd_lists, 1);
	if (st.kept + 40 > st.kept_budget)
		fail_msg("%" PRIu64 " processes on this host leave no descriptor budget (%" PRIu64
			 ") to keep 20 more: run this test on a quieter host", st.kept, st.kept_budget);
	for (size_t i = 0; i < 20; i++) {
		char *argv[] = { "sleep", "60", NULL };

		assert_int_equal(posix_spawn(&kids[i], "/bin/sleep", NULL, NULL, argv, NULL), 0);
	}
	after = self_sample(pc, &cfg);
	/*
	 * stat and statm of every process are kept open: the growth is two descriptors per kept
	 * process more. Other processes of a busy host come and go between the samples, so the
	 * growth is checked against the collector's own count of kept processes, and the children
	 * against the table.
	 */
	kept_before = st.kept;
	lw_proc_collector_stats(pc, &st);
	assert_int_equal(after.fds - before.fds, 2 * (st.kept - kept_before));
	assert_int_equal(after.types.files - before.types.files, after.fds - before.fds);
	assert_int_equal(st.own_fd_lists, 1);
	assert_children_listed(pc, &cfg, kids, 20);
	lw_proc_collector_stats(pc, &st);
	for (size_t i = 0; i < 3; i++)
		assert_true((socks[i] = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) >= 0);
	after = self_sample(pc, &cfg);
	assert_int_equal(after.sockets, before.sockets + 3);
	lw_proc_collector_stats(pc, &st);
	assert_int_equal(st.own_fd_lists, 2);
	for (size_t i = 0; i < 20; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
	for (size_t i = 0; i < 3; i++)
		close(socks[i]);
	lw_proc_collector_free(pc);
	close(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(stat_parser),
		cmocka_unit_test(small_parsers),
		cmocka_unit_test(collector_on_fixture),
		cmocka_unit_test(fd_count_by_readdir),
		cmocka_unit_test(fd_count_by_size),
		cmocka_unit_test(filters_and_cap),
		cmocka_unit_test(unreadable_descriptors),
		cmocka_unit_test(cmdline_masking),
		cmocka_unit_test(groups_top_and_collisions),
		cmocka_unit_test(top_n_matches_full_sort),
		cmocka_unit_test(collector_on_itself),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
