/* test_snapshot.c: the snapshot mailbox, one sampler cycle on fixtures, and the sampler thread. */
/* SPDX-License-Identifier: ISC */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "base/readfile.h"
#include "cycle/collect.h"
#include "cycle/sampler.h"
#include "cycle/snapshot.h"

static struct lw_snapshot *make(uint64_t seq)
{
	struct lw_snapshot *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	s->seq = seq;
	return s;
}

static int readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) == 1;
}

static void mailbox_hand_over(void **state)
{
	struct lw_mailbox mb;
	struct lw_error err;
	struct lw_snapshot *got;

	(void)state;
	assert_int_equal(lw_mailbox_init(&mb, &err), 0);
	assert_null(lw_mailbox_take(&mb));
	assert_false(readable(mb.eventfd, 0));

	lw_mailbox_publish(&mb, make(1));
	assert_true(readable(mb.eventfd, 0));
	got = lw_mailbox_take(&mb);
	assert_non_null(got);
	assert_int_equal(got->seq, 1);
	/* Taking drains the eventfd, so the agent loop does not spin. */
	assert_false(readable(mb.eventfd, 0));
	lw_snapshot_free(got);

	/* Two publishes before a take: only the newest is handed over, the older is freed. */
	lw_mailbox_publish(&mb, make(2));
	lw_mailbox_publish(&mb, make(3));
	got = lw_mailbox_take(&mb);
	assert_int_equal(got->seq, 3);
	assert_int_equal(atomic_load(&mb.displaced), 1);
	lw_snapshot_free(got);
	assert_null(lw_mailbox_take(&mb));

	/* Destroy frees a snapshot nobody took (ASan/valgrind would report it otherwise). */
	lw_mailbox_publish(&mb, make(4));
	lw_mailbox_destroy(&mb);
}

#define STRESS_COUNT 200000

static void *producer(void *arg)
{
	struct lw_mailbox *mb = arg;

	for (uint64_t i = 1; i <= STRESS_COUNT; i++)
		lw_mailbox_publish(mb, make(i));
	return NULL;
}

static void mailbox_threads(void **state)
{
	struct lw_mailbox mb;
	struct lw_error err;
	pthread_t t;
	uint64_t last = 0, taken = 0;

	(void)state;
	assert_int_equal(lw_mailbox_init(&mb, &err), 0);
	assert_int_equal(pthread_create(&t, NULL, producer, &mb), 0);
	while (last < STRESS_COUNT) {
		struct lw_snapshot *s;

		if (!readable(mb.eventfd, 5000))
			fail_msg("no wake-up after seq %llu", (unsigned long long)last);
		s = lw_mailbox_take(&mb);
		if (s == NULL)
			continue;
		/* Snapshots arrive in order, each at most once. */
		assert_true(s->seq > last);
		last = s->seq;
		taken++;
		lw_snapshot_free(s);
	}
	pthread_join(t, NULL);
	assert_int_equal(taken + atomic_load(&mb.displaced), STRESS_COUNT);
	lw_mailbox_destroy(&mb);
}

static struct lw_snapshot *one_cycle(const char *root, uint32_t interval, int cycles)
{
	struct lw_collect_state *st;
	struct lw_snapshot *snap = NULL;
	struct lw_config *cfg;
	struct lw_error err;

	cfg = lw_config_new();
	assert_non_null(cfg);
	cfg->interval_s = interval;
	assert_int_equal(lw_collect_state_new(root, cfg, &st, &err), 0);
	for (int i = 0; i < cycles; i++) {
		lw_snapshot_free(snap);
		snap = lw_collect_cycle(st, NULL);
		assert_non_null(snap);
	}
	lw_collect_state_free(st);
	lw_config_unref(cfg);
	return snap;
}

static void cycle_on_fixture(void **state)
{
	char path[4096];
	struct lw_snapshot *work;

	(void)state;
	work = one_cycle(lw_fixture_path(LW_FIXTURE_KERNEL, path, sizeof(path)), 60, 2);
	assert_int_equal(work->seq, 2);
	for (int i = 0; i < LW_COL_COUNT; i++) {
		const struct lw_collector_def *def = lw_collector_def((enum lw_collector_id)i);

		assert_true(work->collectors[i].ok);
		/* two cycles back to back: a kernel_interval collector was not due again */
		assert_int_equal(work->collectors[i].runs,
				 def->cadence == LW_CADENCE_KERNEL ? 1 : 2);
		assert_int_equal(work->collectors[i].errors, 0);
		assert_string_equal(work->collectors[i].last_error, "");
		assert_int_equal(work->collectors[i].interval_s, 60);
		assert_true(work->collectors[i].last_run.tv_sec > 0);
	}
	assert_int_equal(work->sys.loadavg.load15, 8);
	assert_int_equal(work->sys.meminfo.kb[LW_MI_MEM_TOTAL], 24683620);
	assert_int_equal(work->sys.filenr.max, 2466160);
	assert_int_equal(work->sys.cpus, 2);
	/* 1, 2, 77, 4242 (self and net are not processes) */
	assert_int_equal(work->sys.processes, 4);
	assert_int_equal(work->procs.count, 4);
	/* Socket memory from the fixture's sockstat, tcp_mem and limits, snmp and netstat. */
	assert_int_equal(work->sys.sock.sockstat.v[LW_SS_SOCKETS_USED], 10);
	assert_int_equal(work->sys.sock.sockstat.v[LW_SS_TCP_ALLOC], 1);
	assert_true(lw_sockstat_has(&work->sys.sock.sockstat, LW_SS_FRAG6_MEMORY));
	assert_int_equal(work->sys.sock.limits.v[LW_TL_MEM_PRESSURE], 383865);
	assert_int_equal(work->sys.sock.limits.v[LW_TL_MAX_ORPHANS], 131072);
	assert_int_equal(work->sys.sock.counters.v[LW_NS_TCP_ACTIVE_OPENS], 118);
	assert_int_equal(work->sys.sock.counters.v[LW_NS_TCP_ATTEMPT_FAILS], 97);
	assert_true(lw_sockmem_pct_known(&work->sys.sock.pct, LW_PCT_TCP_MEM_MAX));
	assert_int_equal(work->sys.sock.pct.v[LW_PCT_TCP_MEM_MAX], 0);
	/* kernel memory: 232 caches, 5 zones of node 0, 3 buddyinfo lines, vmstat sums */
	assert_int_equal(work->kmem.slabs.n, 232);
	assert_int_equal(work->kmem.zones.n, 5);
	assert_int_equal(work->kmem.buddies.n, 3);
	assert_int_equal(work->kmem.buddies.rows[0].free[10], 3);
	assert_int_equal(work->sys.vmstat.v[LW_VM_PGFAULT], 161113107);
	for (size_t i = 0; i < work->kmem.slabs.n; i++) {
		const struct lw_slab *c = &work->kmem.slabs.rows[i];

		if (strcmp(c->name, "dentry") == 0)
			assert_int_equal(lw_slab_total_bytes(c, work->kmem.page_size), 7229 * 4096);
		if (i > 0)  /* the SNMP table's order */
			assert_true(work->kmem.slabs.rows[i - 1].index < c->index);
	}
	/* tcp dumps this process's own network namespace, not the fixture: it ran and counted. */
	assert_int_equal(work->tcp.top_n, LW_CONFIG_DEFAULT_TCP_TOP);
	assert_string_equal(work->collectors[LW_COL_TCP_LIMITS].notice, "");
	lw_snapshot_free(work);
}

/* Every collector, on every kernel root: all run without an error and read that root's files. */
static const struct {
	const char *tree;
	uint32_t load15, processes, cpus;
	uint64_t mem_total_kb;
	size_t slabs, zones, buddies;
} cycle_roots[LW_FIXTURE_NKERNELS] = {
	{ LW_FIXTURE_KERNEL, 8, 4, 2, 24683620, 232, 5, 3 },
	{ "linux-4.x", 3, 3, 2, 3871596, 36, 5, 3 },
	{ "linux-5.x", 66, 4, 8, 8141728, 40, 10, 4 },
};

static void cycle_on_every_root(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		char path[4096];
		struct lw_snapshot *work;

		assert_string_equal(cycle_roots[r].tree, lw_fixture_kernels[r]);
		work = one_cycle(lw_fixture_path(cycle_roots[r].tree, path, sizeof(path)), 60, 1);
		for (int i = 0; i < LW_COL_COUNT; i++) {
			if (!work->collectors[i].ok || work->collectors[i].errors != 0)
				fail_msg("%s: collector %d: %s", cycle_roots[r].tree, i,
					 work->collectors[i].last_error);
			assert_string_equal(work->collectors[i].last_error, "");
		}
		assert_int_equal(work->sys.loadavg.load15, cycle_roots[r].load15);
		assert_true(work->sys.meminfo.kb[LW_MI_MEM_TOTAL] == cycle_roots[r].mem_total_kb);
		assert_int_equal(work->sys.cpus, cycle_roots[r].cpus);
		assert_int_equal(work->sys.processes, cycle_roots[r].processes);
		assert_int_equal(work->procs.count, cycle_roots[r].processes);
		assert_int_equal(work->kmem.slabs.n, cycle_roots[r].slabs);
		assert_int_equal(work->kmem.zones.n, cycle_roots[r].zones);
		assert_int_equal(work->kmem.buddies.n, cycle_roots[r].buddies);
		lw_snapshot_free(work);
	}
}

/* kernel_interval collectors run on their own clock; between runs the data stays. */
static void kernel_interval_cadence(void **state)
{
	char path[4096];
	struct lw_collect_state *st;
	struct lw_snapshot *a, *b, *c;
	struct lw_config *cfg, *next;
	struct lw_error err;
	struct timespec pause = { 1, 600000000 };

	(void)state;
	cfg = lw_config_new();
	assert_non_null(cfg);
	cfg->interval_s = 1;
	cfg->kernel_interval_s = 2;
	assert_int_equal(lw_collect_state_new(lw_fixture_path(LW_FIXTURE_KERNEL, path,
								sizeof(path)), cfg, &st, &err), 0);
	a = lw_collect_cycle(st, NULL);
	b = lw_collect_cycle(st, NULL);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(b->collectors[LW_COL_LOADAVG].runs, 2);
	assert_int_equal(b->collectors[LW_COL_SLABINFO].runs, 1);
	assert_int_equal(b->collectors[LW_COL_SLABINFO].interval_s, 2);
	assert_int_equal(b->collectors[LW_COL_LOADAVG].interval_s, 1);
	assert_memory_equal(&a->collectors[LW_COL_ZONEINFO].last_run,
			    &b->collectors[LW_COL_ZONEINFO].last_run, sizeof(struct timespec));
	/* the second snapshot still carries (its own copy of) the last run's tables */
	assert_int_equal(b->kmem.slabs.n, 232);
	assert_true(b->kmem.slabs.rows != a->kmem.slabs.rows);
	/* 2 s minus half a sampling interval after the first run: due again */
	nanosleep(&pause, NULL);
	c = lw_collect_cycle(st, NULL);
	assert_int_equal(c->collectors[LW_COL_SLABINFO].runs, 2);
	assert_int_equal(c->collectors[LW_COL_BUDDYINFO].runs, 2);
	assert_int_equal(c->kmem.buddies.n, 3);
	/* a kernel_interval below the sampling interval cannot make them run more often; a new
	 * TCP setting (a new TCP collector) leaves the kernel tables alone */
	next = lw_config_dup(cfg);
	assert_non_null(next);
	next->kernel_interval_s = 1;
	next->interval_s = 5;
	next->tcp.top_n = 7;
	lw_collect_set_config(st, next);
	lw_config_unref(next);
	lw_snapshot_free(c);
	c = lw_collect_cycle(st, NULL);
	assert_int_equal(c->collectors[LW_COL_SLABINFO].interval_s, 5);
	assert_int_equal(c->collectors[LW_COL_SLABINFO].runs, 2);
	assert_int_equal(c->kmem.slabs.n, 232);
	assert_int_equal(c->tcp.top_n, 7);
	lw_snapshot_free(a);
	lw_snapshot_free(b);
	lw_snapshot_free(c);
	lw_collect_state_free(st);
	lw_config_unref(cfg);
}

/* The registry: lwCollectorIndex and lwCollectorName as the MIB has them; each row's part fits. */
static void registry_rows(void **state)
{
	static const char *const names[LW_COL_COUNT] = {
		"loadavg", "meminfo", "file-nr", "cpus", "processes", "tcp", "sockstat",
		"tcp-limits", "tcp-counters", "slabinfo", "zoneinfo", "buddyinfo", "vmstat",
		"mcast-members", "detector", "history",
	};

	(void)state;
	for (int i = 0; i < LW_COL_COUNT; i++) {
		const struct lw_collector_def *def = lw_collector_def((enum lw_collector_id)i);

		assert_string_equal(def->name, names[i]);
		assert_true(def->source[0] != '\0');
		assert_non_null(def->fills.name);
		/* the two stages have no collector: the cycle runs them after every collector */
		if (i == LW_COL_DETECTOR || i == LW_COL_HISTORY) {
			assert_null(def->collector);
			continue;
		}
		assert_non_null(def->collector);
		assert_int_equal(def->collector->part_size, def->fills.size);
		assert_true(def->fills.offset + def->fills.size <= sizeof(struct lw_snapshot));
		assert_true(def->reads.name == NULL ||
			    def->reads.offset + def->reads.size <= sizeof(struct lw_snapshot));
	}
	assert_null(lw_collector_def(LW_COL_COUNT));
}

/* A cycle state over the kernel fixture, with the default settings. */
static struct lw_collect_state *fixture_state(void)
{
	char path[4096];
	struct lw_collect_state *st = NULL;
	struct lw_config *cfg = lw_config_new();  /* on the heap: the state keeps a reference */
	struct lw_error err;

	assert_non_null(cfg);
	lw_fixture_path(LW_FIXTURE_KERNEL, path, sizeof(path));
	if (lw_collect_state_new(path, cfg, &st, &err) != 0)
		fail_msg("lw_collect_state_new: %s", err.text);
	lw_config_unref(cfg);
	return st;
}

/* Two snapshots of one cycle state share no table: each frees alone, in either order. */
static void snapshots_share_nothing(void **state)
{
	struct lw_collect_state *st = fixture_state();
	struct lw_snapshot *a = lw_collect_cycle(st, NULL), *b = lw_collect_cycle(st, NULL);

	(void)state;
	lw_collect_state_free(st);  /* the snapshots outlive the cycle that made them */
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->procs.count, 4);
	assert_true(a->procs.rows != b->procs.rows);
	assert_true(a->procs.arena != b->procs.arena);
	assert_true(a->kmem.slabs.rows != b->kmem.slabs.rows);
	assert_true(a->kmem.zones.rows != b->kmem.zones.rows);
	assert_true(a->tcp.nports == 0 || a->tcp.ports != b->tcp.ports);
	lw_snapshot_free(a);
	/* b is whole after a is gone: its strings and rows are its own */
	assert_int_equal(b->procs.count, 4);
	assert_true(strlen(lw_proc_str(&b->procs, b->procs.rows[0].name)) > 0);
	assert_int_equal(b->kmem.slabs.n, 232);
	assert_int_equal(b->sys.processes, b->procs.seen);
	lw_snapshot_free(b);
}

static void write_file(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* What a leakwatchd in a container's network namespace sees: no IPv6, no host-wide limits. */
static void cycle_in_child_namespace(void **state)
{
	char dir[] = "/tmp/lwroot-XXXXXX";
	char cmd[512];
	struct lw_snapshot *work;
	const struct lw_sockmem *m;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/proc/net %s/proc/sys/net/ipv4", dir, dir);
	assert_int_equal(system(cmd), 0);
	write_file(dir, "proc/net/sockstat",
		   "sockets: used 7\nTCP: inuse 3 orphan 2 tw 50 alloc 4 mem 9\n"
		   "UDP: inuse 0 mem 0\n");
	write_file(dir, "proc/sys/net/ipv4/tcp_max_tw_buckets", "200\n");
	work = one_cycle(dir, 60, 1);
	m = &work->sys.sock;
	assert_true(work->collectors[LW_COL_SOCKSTAT].ok);
	assert_string_equal(work->collectors[LW_COL_SOCKSTAT].notice,
			    "no /proc/net/sockstat6 (kernel without IPv6)");
	assert_int_equal(m->sockstat.v[LW_SS_TCP_TW], 50);
	assert_false(lw_sockstat_has(&m->sockstat, LW_SS_TCP6_INUSE));
	assert_true(work->collectors[LW_COL_TCP_LIMITS].ok);
	assert_string_equal(work->collectors[LW_COL_TCP_LIMITS].notice,
			    "tcp_mem, tcp_max_orphans not visible (a network namespace other "
			    "than the host's)");
	assert_false(lw_tcp_limits_has(&m->limits, LW_TL_MEM_MAX));
	/* tw 50 of 200 buckets = 25.00 %; the others lack their limit. */
	assert_true(lw_sockmem_pct_known(&m->pct, LW_PCT_TCP_TW));
	assert_int_equal(m->pct.v[LW_PCT_TCP_TW], 2500);
	assert_false(lw_sockmem_pct_known(&m->pct, LW_PCT_TCP_ORPHAN));
	assert_false(lw_sockmem_pct_known(&m->pct, LW_PCT_TCP_MEM_PRESSURE));
	assert_false(work->collectors[LW_COL_TCP_COUNTERS].ok);
	assert_string_equal(work->collectors[LW_COL_TCP_COUNTERS].last_error,
			    "open proc/net/snmp: No such file or directory");
	lw_snapshot_free(work);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void cycle_with_missing_file(void **state)
{
	char dir[] = "/tmp/lwroot-XXXXXX";
	char cmd[512];
	struct lw_snapshot *work;

	(void)state;
	assert_non_null(mkdtemp(dir));
	/* A root with loadavg only: every other collector must fail with a text naming its file. */
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/proc && echo '1.00 2.00 3.00 4/5 6' > %s/proc/loadavg",
		 dir, dir);
	assert_int_equal(system(cmd), 0);
	work = one_cycle(dir, 60, 1);
	assert_true(work->collectors[LW_COL_LOADAVG].ok);
	assert_int_equal(work->sys.loadavg.load5, 200);
	assert_false(work->collectors[LW_COL_MEMINFO].ok);
	assert_int_equal(work->collectors[LW_COL_MEMINFO].errors, 1);
	assert_string_equal(work->collectors[LW_COL_MEMINFO].last_error,
			    "open proc/meminfo: No such file or directory");
	assert_false(work->collectors[LW_COL_FILENR].ok);
	assert_false(work->collectors[LW_COL_CPUS].ok);
	/* /proc exists but has no process directory: zero is a valid count. */
	assert_true(work->collectors[LW_COL_PROCESSES].ok);
	assert_int_equal(work->sys.processes, 0);
	assert_false(work->collectors[LW_COL_SOCKSTAT].ok);
	assert_string_equal(work->collectors[LW_COL_SOCKSTAT].last_error,
			    "open proc/net/sockstat: No such file or directory");
	assert_false(work->collectors[LW_COL_TCP_LIMITS].ok);
	assert_string_equal(work->collectors[LW_COL_TCP_LIMITS].last_error,
			    "no TCP limit under proc/sys/net/ipv4 (tcp_mem, tcp_max_orphans, "
			    "tcp_max_tw_buckets)");
	assert_false(work->collectors[LW_COL_SLABINFO].ok);
	assert_string_equal(work->collectors[LW_COL_SLABINFO].last_error,
			    "open proc/slabinfo: No such file or directory");
	assert_int_equal(work->kmem.slabs.n, 0);
	assert_false(work->collectors[LW_COL_ZONEINFO].ok);
	assert_false(work->collectors[LW_COL_BUDDYINFO].ok);
	assert_false(work->collectors[LW_COL_VMSTAT].ok);
	/* Percentages need both runs to have succeeded. */
	assert_int_equal(work->sys.sock.pct.known, 0);
	lw_snapshot_free(work);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

static void sampler_thread(void **state)
{
	char path[4096];
	struct lw_mailbox mb;
	struct lw_sampler *s;
	struct lw_config *cfg, *next;
	struct lw_error err;
	struct lw_snapshot *snap;

	(void)state;
	cfg = lw_config_new();
	assert_non_null(cfg);
	cfg->interval_s = 1;
	strcpy(cfg->root, lw_fixture_path(LW_FIXTURE_KERNEL, path, sizeof(path)));
	assert_int_equal(lw_mailbox_init(&mb, &err), 0);
	assert_int_equal(lw_sampler_start(&s, cfg, &mb, &err), 0);
	/* The first cycle runs at once. */
	assert_true(readable(mb.eventfd, 2000));
	snap = lw_mailbox_take(&mb);
	assert_non_null(snap);
	assert_int_equal(snap->seq, 1);
	assert_int_equal(snap->interval_s, 1);
	lw_snapshot_free(snap);
	/* The next one follows one interval later. */
	assert_true(readable(mb.eventfd, 3000));
	snap = lw_mailbox_take(&mb);
	assert_int_equal(snap->seq, 2);
	lw_snapshot_free(snap);
	/* A long interval then stop: stopping must not wait for the interval to pass. */
	next = lw_config_dup(cfg);
	assert_non_null(next);
	next->interval_s = 3600;
	lw_sampler_configure(s, next);
	lw_config_unref(next);
	assert_int_equal(lw_sampler_stop(s, 2000, NULL), 0);
	lw_mailbox_destroy(&mb);
	strcpy(cfg->root, "/nonexistent-root");
	assert_int_equal(lw_sampler_start(&s, cfg, &mb, &err), -1);
	assert_non_null(strstr(err.text, "/nonexistent-root"));
	lw_config_unref(cfg);
}

static void sampler_stop_with_blocked_collector(void **state)
{
	char dir[] = "/tmp/lwroot-XXXXXX";
	char path[512];
	const char *stuck = NULL;
	struct lw_config *cfg;
	struct lw_mailbox mb;
	struct lw_sampler *s;
	struct lw_error err;
	struct lw_snapshot *snap;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	/* A FIFO blocks open() until a writer comes: a /proc read that does not return. */
	snprintf(path, sizeof(path), "%s/proc/meminfo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(lw_mailbox_init(&mb, &err), 0);
	cfg = lw_config_new();
	assert_non_null(cfg);
	cfg->interval_s = 1;
	strcpy(cfg->root, dir);
	assert_int_equal(lw_sampler_start(&s, cfg, &mb, &err), 0);
	/* A non-blocking writer open succeeds only once the sampler waits on the other end; the
	 * sampler then blocks in read() instead, until the data comes. */
	for (int tries = 0; (fd = open(path, O_WRONLY | O_NONBLOCK)) < 0; tries++) {
		struct timespec ms = { 0, 1000000 };

		assert_true(tries < 5000);
		nanosleep(&ms, NULL);
	}
	assert_int_equal(lw_sampler_stop(s, 300, &stuck), -1);
	assert_string_equal(stuck, "meminfo");
	/* Unblock it: the cycle completes, the thread sees the stop, a second stop joins. */
	assert_int_equal(write(fd, "MemTotal: 5 kB\n", 15), 15);
	close(fd);
	assert_int_equal(lw_sampler_stop(s, 5000, &stuck), 0);
	snap = lw_mailbox_take(&mb);
	assert_non_null(snap);
	assert_true(snap->collectors[LW_COL_MEMINFO].ok);
	assert_int_equal(snap->sys.meminfo.kb[LW_MI_MEM_TOTAL], 5);
	lw_snapshot_free(snap);
	lw_config_unref(cfg);
	lw_mailbox_destroy(&mb);
	unlink(path);
	snprintf(path, sizeof(path), "%s/proc", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mailbox_hand_over),
		cmocka_unit_test(mailbox_threads),
		cmocka_unit_test(cycle_on_fixture),
		cmocka_unit_test(cycle_on_every_root),
		cmocka_unit_test(cycle_with_missing_file),
		cmocka_unit_test(cycle_in_child_namespace),
		cmocka_unit_test(kernel_interval_cadence),
		cmocka_unit_test(registry_rows),
		cmocka_unit_test(snapshots_share_nothing),
		cmocka_unit_test(sampler_thread),
		cmocka_unit_test(sampler_stop_with_blocked_collector),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
