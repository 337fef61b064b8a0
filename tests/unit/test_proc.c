/* test_proc.c: process parsers, escaping, the process collector on fixtures, groups and top-N. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <inttypes.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "base/escape.h"
#include "fixture.h"
#include "proc/proccollect.h"
#include "proc/procpid.h"
#include "proc/procsummary.h"
#include "base/readfile.h"

#define FIXTURE_BTIME UINT64_C(1795561123)

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
static const struct {
	const char *path, *target;
} fd_links[] = {
	{ "proc/1/fd/0", "socket:[4242]" },     { "proc/1/fd/1", "pipe:[77]" },
	{ "proc/1/fd/2", "../../loadavg" },     { "proc/1/fd/3", "anon_inode:[eventfd]" },
	{ "proc/1/fd/4", "socket:[4243]" },     { "proc/77/fd/0", "socket:[1]" },
	{ "proc/77/fd/1", "socket:[2]" },
};

/* A writable copy of the captured tree with the fd links added; returns its root fd. */
static int fixture_copy(char *dir)
{
	char src[4096], cmd[8192];
	struct lw_error err;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -a '%s'/. '%s' && mkdir -p '%s'/proc/1/fd '%s'/proc/77/fd",
		 lw_fixture_path(LW_FIXTURE_KERNEL, src, sizeof(src)), dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(lw_root_open(dir, &fd, &err), 0);
	for (size_t i = 0; i < sizeof(fd_links) / sizeof(fd_links[0]); i++)
		assert_int_equal(symlinkat(fd_links[i].target, fd, fd_links[i].path), 0);
	return fd;
}

static void remove_copy(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static struct lw_proc_table collect_fixture(const struct lw_proc_config *cfg, uint32_t *all,
					    char *notice, size_t cap)
{
	char dir[] = "/tmp/lwfixture-XXXXXX";
	struct lw_proc_collector *pc;
	struct lw_proc_table t;
	struct lw_error err;
	int root = fixture_copy(dir);

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

static void collector_on_fixture(void **state)
{
	struct lw_proc_config cfg = defaults();
	uint64_t page_kb = (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	uint64_t hz = (uint64_t)sysconf(_SC_CLK_TCK);
	char notice[256];
	uint32_t all;
	struct lw_proc_table t = collect_fixture(&cfg, &all, notice, sizeof(notice));
	const struct lw_proc *p1 = lw_proc_find(&t, 1), *p77 = lw_proc_find(&t, 77);
	const struct lw_proc *zombie = lw_proc_find(&t, 4242), *kthread = lw_proc_find(&t, 2);

	(void)state;
	assert_int_equal(all, 4);
	assert_int_equal(t.count, 4);
	assert_string_equal(notice, "");
	/* pid 1, captured from this kernel */
	assert_string_equal(lw_proc_str(&t, p1->name), "process_api");
	assert_int_equal(p1->ppid, 0);
	assert_int_equal(p1->threads, 13);
	assert_int_equal(p1->cpu_ticks, 1042 + 2236);
	assert_int_equal(p1->start_time, FIXTURE_BTIME + 19 / hz);
	assert_int_equal(p1->vsz_kb, 10238 * page_kb);
	assert_int_equal(p1->rss_kb, 2911 * page_kb);
	assert_int_equal(p1->anon_kb, (2911 - 1634) * page_kb);
	assert_int_equal(p1->fd_limit, 32768);
	assert_int_equal(p1->fds, 5);
	assert_int_equal(p1->sockets, 2);
	assert_int_equal(p1->state, LW_PS_SLEEPING);
	assert_int_equal(p1->cpu_hundredths, 0);  /* first sample: no interval yet */
	/* the hostile one */
	assert_string_equal(lw_proc_str(&t, p77->name), "a) b (c\\x0ad\\\\e");
	assert_string_equal(lw_proc_str(&t, p77->cmdline), "hostile --flag \\xff\\xfe");
	assert_int_equal(p77->start_time, FIXTURE_BTIME + 12345 / hz);
	assert_int_equal(p77->rss_kb, 1024 * page_kb);
	assert_int_equal(p77->anon_kb, 768 * page_kb);
	assert_int_equal(p77->fd_limit, 4321);
	assert_int_equal(p77->fds, 2);
	assert_int_equal(p77->sockets, 2);
	/* kernel thread and zombie */
	assert_string_equal(lw_proc_str(&t, kthread->cmdline), "");
	assert_int_equal(kthread->rss_kb, 0);
	assert_int_equal(zombie->state, LW_PS_ZOMBIE);
	assert_int_equal(zombie->fd_limit, UINT32_MAX);
	assert_null(lw_proc_find(&t, 3));
	/* Top by fds: pid 1 (5), 77 (2), then 2 and 4242 with 0, by pid. */
	assert_int_equal(t.ntop[LW_TOP_FDS], 4);
	assert_int_equal(t.top[LW_TOP_FDS][0].pid, 1);
	assert_int_equal(t.top[LW_TOP_FDS][0].value, 5);
	assert_int_equal(t.top[LW_TOP_FDS][1].pid, 77);
	assert_int_equal(t.top[LW_TOP_RSS][0].pid, 1);
	assert_int_equal(t.ntop[LW_TOP_RSS_GROWTH], 0);  /* nothing grew: first sample */
	/* Descriptor types of the top processes by fds. */
	assert_int_not_equal(p1->in_fd_top, 0);
	{
		const struct lw_fd_types *f = &p1->types;

		assert_int_equal(f->sockets, 2);
		assert_int_equal(f->pipes, 1);
		assert_int_equal(f->files, 1);
		assert_int_equal(f->anon, 1);
		assert_int_equal(f->other, 0);
	}
	/* One group per name, index = FNV-1a 31. */
	assert_int_equal(t.ngroups, 4);
	for (size_t i = 0; i < t.ngroups; i++) {
		assert_int_equal(t.groups[i].index,
				 lw_proc_group_index(lw_proc_str(&t, t.groups[i].name)));
		assert_int_equal(t.groups[i].count, 1);
	}
	assert_int_equal(lw_proc_group_index("process_api"), 1034979829);
	lw_proc_table_release(&t);
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
	t = collect_fixture(&cfg, &all, notice, sizeof(notice));
	assert_int_equal(all, 4);  /* lwProcessCount counts everything */
	assert_int_equal(t.count, 2);
	assert_non_null(lw_proc_find(&t, 1));
	assert_non_null(lw_proc_find(&t, 4242));
	lw_proc_table_release(&t);

	cfg = defaults();
	cfg.min_rss_kb = 1;  /* drops the kernel thread and the zombie */
	t = collect_fixture(&cfg, &all, notice, sizeof(notice));
	assert_int_equal(t.count, 2);
	lw_proc_table_release(&t);

	cfg = defaults();
	cfg.max_rows = 1;
	cfg.top_n = 2;
	t = collect_fixture(&cfg, &all, notice, sizeof(notice));
	assert_int_equal(t.count, 1);
	assert_int_equal(t.rows[0].pid, 1);  /* the largest RSS stays */
	assert_int_equal(t.dropped, 3);
	assert_string_equal(notice, "row cap 1 reached: 4 processes, 3 not published in lwProcTable");
	assert_int_equal(t.ntop[LW_TOP_RSS], 2);
	assert_int_equal(t.ngroups, 4);  /* groups and top-N are computed before the cap */
	lw_proc_table_release(&t);
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
static void collector_on_itself(void **state)
{
	struct lw_proc_config cfg = defaults();
	struct lw_proc_collector_stats st;
	struct lw_proc_collector *pc;
	struct lw_proc before, after;
	struct lw_error err;
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
	assert_true(after.fds >= before.fds + 40);  /* stat and statm of each child, kept */
	assert_int_equal(after.types.files - before.types.files, after.fds - before.fds);
	lw_proc_collector_stats(pc, &st);
	assert_int_equal(st.own_fd_lists, 1);
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
		cmocka_unit_test(filters_and_cap),
		cmocka_unit_test(groups_top_and_collisions),
		cmocka_unit_test(top_n_matches_full_sort),
		cmocka_unit_test(collector_on_itself),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
