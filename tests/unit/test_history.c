/* test_history.c: the history store: round trip, identities, retention, size bound, failures. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "history/history.h"

#define T0 1800000000              /* a multiple of 600 and of 3600: windows start at T0 */
#define MIB (1024ull * 1024ull)

/* --- building records ------------------------------------------------------------------- */

static void cycle_init(struct lw_history_cycle *c, int64_t t)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
}

static void *grow(void *p, size_t n, size_t size)
{
	p = realloc(p, (n + 1) * size);
	assert_non_null(p);
	return p;
}

static void add_proc(struct lw_history_cycle *c, uint32_t pid, int64_t start, const char *name,
		     uint64_t rss, uint32_t fds, uint64_t cpu)
{
	struct lw_hist_proc *p;

	c->procs = grow(c->procs, c->nprocs, sizeof(*c->procs));
	p = &c->procs[c->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->start_time = start;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->rss_kb = rss;
	p->anon_kb = rss / 2;
	p->vsz_kb = rss * 4;
	p->fds = fds;
	p->cpu_ticks = cpu;
	/* kind 6 (process_ext): changes when rss or fds do */
	p->swap_kb = rss / 8;
	p->sockets = fds == LW_HIST_UNKNOWN ? LW_HIST_UNKNOWN : fds / 2;
	p->fd_limit = 1024;
	p->threads = 1 + (uint32_t)(rss % 7);
}

static void add_group(struct lw_history_cycle *c, const char *name, uint32_t count, uint32_t fds,
		      uint64_t rss)
{
	struct lw_hist_group *g;

	c->groups = grow(c->groups, c->ngroups, sizeof(*c->groups));
	g = &c->groups[c->ngroups++];
	memset(g, 0, sizeof(*g));
	snprintf(g->name, sizeof(g->name), "%s", name);
	g->count = count;
	g->fds = fds;
	g->rss_kb = rss;
}

static void add_slab(struct lw_history_cycle *c, const char *name, uint64_t total, uint64_t active)
{
	struct lw_hist_slab *s;

	c->slabs = grow(c->slabs, c->nslabs, sizeof(*c->slabs));
	s = &c->slabs[c->nslabs++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->total_bytes = total;
	s->active_bytes = active;
}

static void add_mcast(struct lw_history_cycle *c, const char *ifname, uint64_t packets)
{
	struct lw_hist_mcast *m;

	c->mcast = grow(c->mcast, c->nmcast, sizeof(*c->mcast));
	m = &c->mcast[c->nmcast++];
	memset(m, 0, sizeof(*m));
	snprintf(m->ifname, sizeof(m->ifname), "%s", ifname);
	m->packets = packets;
	m->octets = packets * 1000;
	m->pps10 = packets % 97;
	m->bps10 = packets % 89;
}

static void set_sys(struct lw_history_cycle *c, enum lw_hist_sys_field f, uint64_t v)
{
	c->sys[f] = v;
	c->sys_present |= 1ull << f;
}

/* --- points: what replay gives, and what it should give --------------------------------- */

struct point {
	int64_t t;
	int series;
	uint32_t pid;
	int64_t start_time;
	char name[64];
	int field;
	uint64_t value;
};

struct points {
	struct point *p;
	size_t n, cap;
	int64_t last_t;
	bool out_of_order;
};

static void points_add(struct points *ps, const struct point *p)
{
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 1024;
		ps->p = realloc(ps->p, ps->cap * sizeof(*ps->p));
		assert_non_null(ps->p);
	}
	ps->p[ps->n++] = *p;
}

static int collect_point(void *arg, const struct lw_hist_point *hp)
{
	struct points *ps = arg;
	struct point p = { .t = hp->t, .series = hp->series, .pid = hp->pid,
			   .start_time = hp->start_time, .field = hp->field, .value = hp->value };

	if (ps->n > 0 && hp->t < ps->last_t)
		ps->out_of_order = true;
	ps->last_t = hp->t;
	if (hp->series == LW_HS_SYS)
		p.field = hp->field;
	else
		p.field = 0;
	if (hp->series == LW_HS_PROC_RSS || hp->series == LW_HS_PROC_FDS ||
	    hp->series == LW_HS_GROUP_RSS || hp->series == LW_HS_GROUP_FDS ||
	    hp->series == LW_HS_SLAB_KB)
		snprintf(p.name, sizeof(p.name), "%s", hp->name);
	points_add(ps, &p);
	return 0;
}

/* The points a cycle should replay as (history.h: which series, which values). */
static void expect_cycle(struct points *ps, const struct lw_history_cycle *c)
{
	struct point p;

	for (size_t i = 0; i < c->nprocs; i++) {
		const struct lw_hist_proc *pr = &c->procs[i];

		p = (struct point){ .t = c->t, .series = LW_HS_PROC_RSS, .pid = pr->pid,
				    .start_time = pr->start_time, .value = pr->rss_kb };
		snprintf(p.name, sizeof(p.name), "%s", pr->name);
		points_add(ps, &p);
		p.series = LW_HS_PROC_FDS;
		p.value = pr->fds;
		points_add(ps, &p);
	}
	for (size_t i = 0; i < c->ngroups; i++) {
		p = (struct point){ .t = c->t, .series = LW_HS_GROUP_RSS,
				    .value = c->groups[i].rss_kb };
		snprintf(p.name, sizeof(p.name), "%s", c->groups[i].name);
		points_add(ps, &p);
		p.series = LW_HS_GROUP_FDS;
		p.value = c->groups[i].fds;
		points_add(ps, &p);
	}
	for (size_t i = 0; i < c->nslabs; i++) {
		p = (struct point){ .t = c->t, .series = LW_HS_SLAB_KB,
				    .value = c->slabs[i].total_bytes / 1024 };
		snprintf(p.name, sizeof(p.name), "%s", c->slabs[i].name);
		points_add(ps, &p);
	}
	for (int f = 0; f < LW_HSYS_COUNT; f++) {
		if (!(c->sys_present & (1ull << f)))
			continue;
		p = (struct point){ .t = c->t, .series = LW_HS_SYS, .field = f, .value = c->sys[f] };
		points_add(ps, &p);
	}
}

static int point_cmp(const void *a, const void *b)
{
	const struct point *x = a, *y = b;
	int c;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->series != y->series)
		return x->series < y->series ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	if (x->start_time != y->start_time)
		return x->start_time < y->start_time ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	return x->value < y->value ? -1 : x->value > y->value;
}

static void assert_same_points(struct points *got, struct points *want)
{
	assert_false(got->out_of_order);
	qsort(got->p, got->n, sizeof(*got->p), point_cmp);
	qsort(want->p, want->n, sizeof(*want->p), point_cmp);
	for (size_t i = 0; i < got->n && i < want->n; i++) {
		if (point_cmp(&got->p[i], &want->p[i]) != 0)
			fail_msg("point %zu: got t=%lld series %d pid %u start %lld '%s' field %d = %llu;"
				 " want t=%lld series %d pid %u start %lld '%s' field %d = %llu", i,
				 (long long)got->p[i].t, got->p[i].series, got->p[i].pid,
				 (long long)got->p[i].start_time, got->p[i].name, got->p[i].field,
				 (unsigned long long)got->p[i].value, (long long)want->p[i].t,
				 want->p[i].series, want->p[i].pid, (long long)want->p[i].start_time,
				 want->p[i].name, want->p[i].field, (unsigned long long)want->p[i].value);
	}
	assert_int_equal(got->n, want->n);
}

static void points_free(struct points *ps)
{
	free(ps->p);
	memset(ps, 0, sizeof(*ps));
}

/* --- files ------------------------------------------------------------------------------- */

struct fixture {
	char dir[64];
	char path[128];
};

static int dir_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/lw-hist-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/history.db", f->dir);
	*state = f;
	return 0;
}

static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			remove_tree(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static int dir_teardown(void **state)
{
	struct fixture *f = *state;

	remove_tree(f->dir);
	free(f);
	return 0;
}

static void config_for(struct lw_history_settings *cfg, const char *path, uint32_t full_hours,
		       uint32_t window_s, uint32_t days, uint32_t max_mb)
{
	lw_history_settings_default(cfg);
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	cfg->full_hours = full_hours;
	cfg->window_s = window_s;
	cfg->days = days;
	cfg->max_mb = max_mb;
}

static struct lw_history *open_history(const struct lw_history_settings *cfg)
{
	struct lw_history *h = NULL;
	struct lw_error err = { 0 };

	if (lw_history_open(&h, cfg, &err) != 0)
		fail_msg("lw_history_open: %s", err.text);
	return h;
}

static void submit_flush(struct lw_history *h, const struct lw_history_cycle *c)
{
	assert_int_equal(lw_history_submit(h, c), 0);
	lw_history_flush(h);
}

static void assert_status_ok(struct lw_history *h)
{
	struct lw_history_status st;

	lw_history_status(h, &st);
	if (!st.ok)
		fail_msg("history status not ok: %s", st.error);
}

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fail_msg("sqlite3_open %s: %s", path, sqlite3_errmsg(db));
	return db;
}

/* The first column of the first row of sql (printf-style), NULL as `none`. */
static int64_t __attribute__((format(printf, 3, 4))) db_int(sqlite3 *db, int64_t none,
							     const char *fmt, ...)
{
	char sql[512];
	sqlite3_stmt *st;
	int64_t v = none;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void assert_integrity(sqlite3 *db)
{
	sqlite3_stmt *st;
	const unsigned char *res;

	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	res = sqlite3_column_text(st, 0);
	if (res == NULL || strcmp((const char *)res, "ok") != 0)
		fail_msg("integrity_check: %s", res != NULL ? (const char *)res : "(null)");
	sqlite3_finalize(st);
}

static struct points replay_all(struct lw_history *h, int64_t since)
{
	struct points got = { 0 };
	struct lw_error err = { 0 };

	if (lw_history_replay(h, since, collect_point, &got, &err) != 0)
		fail_msg("replay: %s", err.text);
	return got;
}

/* --- round trip -------------------------------------------------------------------------- */

/*
 * Cycle i of a small host: a steady process, a growing one, one with gaps (absent every fifth
 * cycle), a short-lived one, groups, slabs only every other cycle (kernel_interval), a system
 * field now and then missing, and a multicast interface (stored, not replayed).
 */
static void mixed_cycle(struct lw_history_cycle *c, int i)
{
	cycle_init(c, T0 + 60 * i);
	add_proc(c, 10, 1000, "steady", 5000, 12, 77);
	add_proc(c, 11, 1001, "grower", 1000 + (uint64_t)i * 3, 20, 100 + (uint64_t)i);
	if (i % 5 != 2)
		add_proc(c, 12, 1002, "flicker", 800, 5 + (uint32_t)(i / 10), 9);
	if (i >= 5 && i < 15)
		add_proc(c, 13, 1003, "short", 300 + (uint64_t)i, 3, (uint64_t)i);
	add_proc(c, 14, 1004, "fd\\x01odd", 2000, 30 + (uint32_t)(i / 3), 0);
	add_group(c, "steady", 1, 12, 5000);
	add_group(c, "grower", 1, 20, 1000 + (uint64_t)i * 3);
	if (i % 2 == 0) {
		add_slab(c, "dentry", 4096ull * 100 + (uint64_t)(i / 4) * 4096, 4096ull * 90);
		add_slab(c, "kmalloc-64", 65536, 60000 + (uint64_t)i);
	}
	set_sys(c, LW_HSYS_MEM_AVAILABLE_KB, 8000000 - (uint64_t)i * 10);
	set_sys(c, LW_HSYS_MEM_TOTAL_KB, 16000000);
	if (i % 7 != 0)
		set_sys(c, LW_HSYS_LOAD1, (uint64_t)(i % 13) * 10);
	add_mcast(c, "eth0", (uint64_t)i * 1000);
}

#define MIXED_CYCLES 40
#define MIXED_REOPEN_AT 20

static void round_trip(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct points want = { 0 }, want_late = { 0 }, got;
	struct lw_history *h;
	sqlite3 *db;
	int64_t steady_id;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	assert_status_ok(h);
	for (int i = 0; i < MIXED_CYCLES; i++) {
		struct lw_history_cycle c;

		if (i == MIXED_REOPEN_AT) {
			/* A restart: the writer forgets what it stored and writes a keyframe. */
			lw_history_close(h);
			h = open_history(&cfg);
		}
		mixed_cycle(&c, i);
		submit_flush(h, &c);
		assert_status_ok(h);
		expect_cycle(&want, &c);
		if (c.t >= T0 + 60 * 25)
			expect_cycle(&want_late, &c);
		lw_history_cycle_free(&c);
	}
	lw_history_status(h, &st);
	assert_int_equal(st.cycles_written, MIXED_CYCLES - MIXED_REOPEN_AT);
	assert_int_equal(st.cycles_dropped, 0);
	assert_int_equal(st.newest_t, T0 + 60 * (MIXED_CYCLES - 1));
	assert_int_equal(st.full_oldest_t, T0);
	lw_history_close(h);

	/* Reopened: every point submitted comes back, in cycle order. */
	h = open_history(&cfg);
	got = replay_all(h, 0);
	assert_same_points(&got, &want);
	points_free(&got);
	/* From the middle: exactly the cycles from there (the expansion starts at a keyframe). */
	got = replay_all(h, T0 + 60 * 25);
	assert_same_points(&got, &want_late);
	points_free(&got);
	lw_history_close(h);

	/* Change-only: the steady process has a row at its first cycle and at the restart only. */
	db = db_open(f->path);
	assert_integrity(db);
	assert_int_equal(db_int(db, -1, "PRAGMA user_version"), 3);
	/* auto_vacuum INCREMENTAL (2), set before the first table. */
	assert_int_equal(db_int(db, -1, "PRAGMA auto_vacuum"), 2);
	steady_id = db_int(db, -1, "SELECT id FROM ident WHERE kind = 1 AND pid = 10");
	assert_true(steady_id > 0);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample WHERE id = %lld",
				(long long)steady_id), 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM cycle WHERE keyframe = 1"), 2);
	/* Far fewer rows than one per series per cycle. */
	assert_true(db_int(db, -1, "SELECT count(*) FROM sample") < MIXED_CYCLES * 10);
	/* Slabs not sampled every other cycle are carried, never ended; the flickering process
	 * is ended at each of its gaps (i % 5 == 2: 8 of them). */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample s JOIN ident i ON i.id = s.id"
				" WHERE i.kind = 3 AND s.v0 IS NULL AND s.v1 IS NULL"), 0);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample s JOIN ident i ON i.id = s.id"
				" WHERE i.pid = 12 AND i.kind = 1 AND s.v0 IS NULL AND s.v1 IS NULL"
				" AND s.v2 IS NULL AND s.v3 IS NULL AND s.v4 IS NULL"), 8);
	/* The multicast interface is stored. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE kind = 4"), 1);
	sqlite3_close(db);
	points_free(&want);
	points_free(&want_late);
}

static int stop_after_ten(void *arg, const struct lw_hist_point *p)
{
	int *n = arg;

	(void)p;
	return ++*n >= 10;
}

static void replay_stops_when_asked(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_error err = { 0 };
	struct lw_history *h;
	int n = 0;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	for (int i = 0; i < 5; i++) {
		struct lw_history_cycle c;

		mixed_cycle(&c, i);
		assert_int_equal(lw_history_submit(h, &c), 0);
		lw_history_cycle_free(&c);
	}
	/* No flush: replay waits for the queue itself. */
	assert_int_equal(lw_history_replay(h, 0, stop_after_ten, &n, &err), 0);
	assert_int_equal(n, 10);
	lw_history_close(h);
}

/*
 * A descriptor count that could not be read is stored as LW_HIST_UNKNOWN, not 0: replay gives
 * no fds point for that cycle (the rss point stays), and a window over it has it unknown.
 */
static void unknown_fds(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct points got;
	struct lw_history *h;
	size_t fds_points = 0, rss_points = 0, group_fds = 0;
	int64_t id, w0;
	sqlite3 *db;

	config_for(&cfg, f->path, 1, 600, 1, 64);
	h = open_history(&cfg);
	for (int i = 0; i < 130; i++) {  /* one a minute: the first hour's windows are folded */
		struct lw_history_cycle c;
		bool unknown = i == 5;

		cycle_init(&c, T0 + 60 * i);
		add_proc(&c, 1, 100, "p", 1000, unknown ? LW_HIST_UNKNOWN : 7, 0);
		add_group(&c, "p", 1, unknown ? LW_HIST_UNKNOWN : 7, 1000);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
	}
	assert_status_ok(h);
	got = replay_all(h, 0);
	for (size_t i = 0; i < got.n; i++) {
		fds_points += got.p[i].series == LW_HS_PROC_FDS;
		rss_points += got.p[i].series == LW_HS_PROC_RSS;
		group_fds += got.p[i].series == LW_HS_GROUP_FDS;
		if (got.p[i].series == LW_HS_PROC_FDS || got.p[i].series == LW_HS_GROUP_FDS)
			assert_int_equal(got.p[i].value, 7);
	}
	assert_true(rss_points > 0);
	assert_int_equal(fds_points, rss_points);  /* the unknown cycle is folded already */
	assert_int_equal(group_fds, rss_points);
	points_free(&got);
	lw_history_close(h);

	db = db_open(f->path);
	assert_integrity(db);
	id = db_int(db, -1, "SELECT id FROM ident WHERE kind = 1");
	w0 = T0;  /* the window of cycles 0..9 holds the unknown one */
	assert_int_equal(db_int(db, -1, "SELECT max3 FROM win WHERE t = %lld AND id = %lld",
				(long long)w0, (long long)id), LW_HIST_UNKNOWN);
	assert_int_equal(db_int(db, -1, "SELECT avg3 FROM win WHERE t = %lld AND id = %lld",
				(long long)w0, (long long)id), LW_HIST_UNKNOWN);
	/* rss of that window is whole, and the next window's fds are known again */
	assert_int_equal(db_int(db, -1, "SELECT max0 FROM win WHERE t = %lld AND id = %lld",
				(long long)w0, (long long)id), 1000);
	assert_int_equal(db_int(db, -1, "SELECT max3 FROM win WHERE t = %lld AND id = %lld",
				(long long)w0 + 600, (long long)id), 7);
	sqlite3_close(db);
}

/* A replay of a cycle holding an unknown count: no fds point for it. */
static void unknown_fds_replay(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct points got;
	struct lw_history *h;
	size_t fds_at_1 = 0, rss_at_1 = 0;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	for (int i = 0; i < 3; i++) {
		struct lw_history_cycle c;

		cycle_init(&c, T0 + 60 * i);
		add_proc(&c, 1, 100, "p", 1000, i == 1 ? LW_HIST_UNKNOWN : 7, 0);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
	}
	got = replay_all(h, 0);
	for (size_t i = 0; i < got.n; i++) {
		if (got.p[i].t != T0 + 60)
			continue;
		fds_at_1 += got.p[i].series == LW_HS_PROC_FDS;
		rss_at_1 += got.p[i].series == LW_HS_PROC_RSS;
	}
	assert_int_equal(rss_at_1, 1);
	assert_int_equal(fds_at_1, 0);
	assert_int_equal(got.n, 6 - 1);
	points_free(&got);
	lw_history_close(h);
}

/* --- identities -------------------------------------------------------------------------- */

static void identity_is_pid_and_start(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct points got, want = { 0 };
	struct lw_history *h;
	sqlite3 *db;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	for (int i = 0; i < 10; i++) {
		struct lw_history_cycle c;

		cycle_init(&c, T0 + 60 * i);
		/* pid 100 exits after cycle 4 and the kernel gives the pid to a new process. */
		add_proc(&c, 100, i < 5 ? 1000 : 2000, "worker", 4000, 8, 1);
		/* pid 101 execs: same pid and start time, a new name. */
		add_proc(&c, 101, 1500, i < 5 ? "sh" : "python3", 4000, 8, 1);
		submit_flush(h, &c);
		expect_cycle(&want, &c);
		lw_history_cycle_free(&c);
	}
	assert_status_ok(h);
	got = replay_all(h, 0);
	assert_same_points(&got, &want);
	for (size_t i = 0; i < got.n; i++)
		if (got.p[i].pid == 100)
			assert_int_equal(got.p[i].start_time, got.p[i].t < T0 + 300 ? 1000 : 2000);
	points_free(&got);
	points_free(&want);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE pid = 100 AND kind = 1"), 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE pid = 101 AND kind = 1"), 2);
	/* ... and their extras (kind 6) the same way. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE pid = 100 AND kind = 6"), 2);
	/* The old identities ended at the switch: an all-NULL row each (kinds 1 and 6). */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample WHERE t = %d AND v0 IS NULL"
				" AND v1 IS NULL AND v2 IS NULL AND v3 IS NULL AND v4 IS NULL",
				T0 + 300), 4);
	sqlite3_close(db);
}

/* --- the queue ------------------------------------------------------------------------- */

struct queue_probe {
	struct lw_history *h;
	bool submitted;
};

/* Runs while the writer is paused: five cycles into a queue of three. */
static int submit_during_replay(void *arg, const struct lw_hist_point *p)
{
	struct queue_probe *q = arg;

	(void)p;
	if (q->submitted)
		return 0;
	q->submitted = true;
	for (int i = 0; i < 5; i++) {
		struct lw_history_cycle c;

		mixed_cycle(&c, 10 + i);
		if (lw_history_submit(q->h, &c) != 0)
			return 1;
		lw_history_cycle_free(&c);
	}
	return 0;
}

static void queue_drops_oldest(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_error err = { 0 };
	struct queue_probe q = { 0 };
	struct lw_history_cycle c;
	struct points got;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	q.h = open_history(&cfg);
	mixed_cycle(&c, 0);
	submit_flush(q.h, &c);
	lw_history_cycle_free(&c);
	assert_int_equal(lw_history_replay(q.h, 0, submit_during_replay, &q, &err), 0);
	lw_history_flush(q.h);
	lw_history_status(q.h, &st);
	assert_int_equal(st.cycles_dropped, 2);
	assert_int_equal(st.cycles_written, 4);
	/* The newest three were kept: cycles 12, 13, 14. */
	got = replay_all(q.h, T0 + 60);
	assert_true(got.n > 0);
	assert_int_equal(got.p[0].t, T0 + 60 * 12);
	assert_int_equal(got.p[got.n - 1].t, T0 + 60 * 14);
	points_free(&got);
	lw_history_close(q.h);
}

/* --- retention and downsampling -------------------------------------------------------- */

#define DS_CYCLES (36 * 60)         /* 36 h at 60 s: windows of 10 cycles */
#define DS_SHORT_BASE (DS_CYCLES - 720)  /* a window 12 h before the end */

static void downsampling_cycle(struct lw_history_cycle *c, int i)
{
	cycle_init(c, T0 + 60 * i);
	add_proc(c, 1, 100, "grower", (uint64_t)i, 1, (uint64_t)i * 2);
	add_proc(c, 2, 100, "idle", 500, 7, 3);
	/* Four cycles of one window: n = 4 there. */
	if (i >= DS_SHORT_BASE + 3 && i < DS_SHORT_BASE + 7)
		add_proc(c, 3, 100, "short", 42, (uint32_t)i, 0);
	set_sys(c, LW_HSYS_MEM_AVAILABLE_KB, 1000000);
}

static void downsampling_and_days(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct points got;
	struct lw_history *h;
	int64_t newest = T0 + 60 * (DS_CYCLES - 1), grower, idle, shortid, oldest_win, w;
	sqlite3 *db;

	config_for(&cfg, f->path, 1, 600, 1, 64);
	h = open_history(&cfg);
	for (int i = 0; i < DS_CYCLES; i++) {
		struct lw_history_cycle c;

		downsampling_cycle(&c, i);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
	}
	assert_status_ok(h);
	lw_history_status(h, &st);
	/* Full resolution covers full_hours, and at most an hour (the retention slack) more. */
	assert_true(st.full_oldest_t <= newest - 3600);
	assert_true(st.full_oldest_t >= newest - 3600 - 3600 - 600);
	/* Windows: a day, plus at most the slack. */
	assert_true(st.oldest_t <= newest - 86400 + 600);
	assert_true(st.oldest_t >= newest - 86400 - 3600 - 600);
	/* Replay gives the full-resolution cycles only, each exact. */
	got = replay_all(h, 0);
	assert_int_equal(got.p[0].t, st.full_oldest_t);
	for (size_t i = 0; i < got.n; i++)
		if (got.p[i].pid == 1 && got.p[i].series == LW_HS_PROC_RSS)
			assert_int_equal(got.p[i].value, (got.p[i].t - T0) / 60);
	points_free(&got);
	lw_history_close(h);

	db = db_open(f->path);
	assert_integrity(db);
	grower = db_int(db, -1, "SELECT id FROM ident WHERE pid = 1");
	idle = db_int(db, -1, "SELECT id FROM ident WHERE pid = 2");
	shortid = db_int(db, -1, "SELECT id FROM ident WHERE pid = 3");
	oldest_win = db_int(db, -1, "SELECT min(t) FROM win_cycle");
	assert_int_equal(oldest_win, st.oldest_t);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM cycle WHERE t < %lld",
				(long long)st.full_oldest_t), 0);
	/* No window overlaps the cycles still at full resolution. */
	assert_true(db_int(db, -1, "SELECT max(t) FROM win_cycle") < st.full_oldest_t);
	/* The growing process: a window of ten cycles i0..i0+9 is min i0, max i0+9, avg i0+5
	 * (4.5 rounded half up); n unchanged since the window before is stored as NULL. */
	w = T0 + 600 * ((DS_SHORT_BASE + 100) / 10);
	assert_int_equal(db_int(db, -1, "SELECT min0 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)grower), (w - T0) / 60);
	assert_int_equal(db_int(db, -1, "SELECT max0 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)grower), (w - T0) / 60 + 9);
	assert_int_equal(db_int(db, -1, "SELECT avg0 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)grower), (w - T0) / 60 + 5);
	assert_int_equal(db_int(db, 10, "SELECT n FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)grower), 10);
	/* cpu_ticks is a counter: only its value at the window's end, min and avg NULL. */
	assert_int_equal(db_int(db, -1, "SELECT max4 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)grower), ((w - T0) / 60 + 9) * 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM win WHERE min4 IS NOT NULL"
				" OR avg4 IS NOT NULL"), 0);
	/* The idle process: one window row (the oldest window, a keyframe), one cycle row. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM win WHERE id = %lld",
				(long long)idle), 1);
	assert_int_equal(db_int(db, -1, "SELECT t FROM win WHERE id = %lld", (long long)idle),
			 oldest_win);
	assert_int_equal(db_int(db, -1, "SELECT n FROM win WHERE id = %lld", (long long)idle), 10);
	assert_int_equal(db_int(db, -1, "SELECT avg0 FROM win WHERE id = %lld", (long long)idle),
			 500);
	assert_int_equal(db_int(db, -1, "SELECT max4 FROM win WHERE id = %lld", (long long)idle), 3);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample WHERE id = %lld",
				(long long)idle), 1);
	/* The short-lived process: one window, four cycles, fds i..i+3; ended in the next. */
	w = T0 + 60 * DS_SHORT_BASE;
	assert_true(shortid > 0);
	assert_int_equal(db_int(db, -1, "SELECT n FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)shortid), 4);
	assert_int_equal(db_int(db, -1, "SELECT min3 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)shortid), DS_SHORT_BASE + 3);
	assert_int_equal(db_int(db, -1, "SELECT max3 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)shortid), DS_SHORT_BASE + 6);
	assert_int_equal(db_int(db, -1, "SELECT avg3 FROM win WHERE t = %lld AND id = %lld",
				(long long)w, (long long)shortid), DS_SHORT_BASE + 5);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM win WHERE t = %lld AND id = %lld"
				" AND n IS NULL AND min0 IS NULL AND avg4 IS NULL",
				(long long)w + 600, (long long)shortid), 1);
	/* Identities nothing refers to any more are pruned: the first day's are gone with it. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE id NOT IN"
				" (SELECT id FROM sample) AND id NOT IN (SELECT id FROM win)"), 0);
	sqlite3_close(db);
}

/* --- the size bound ---------------------------------------------------------------------- */

static void busy_cycle(struct lw_history_cycle *c, int i, int nprocs)
{
	cycle_init(c, T0 + 60 * i);
	for (int p = 0; p < nprocs; p++)
		add_proc(c, 1000 + (uint32_t)p, 500 + p, "busy", 10000 + (uint64_t)(i * 7 + p) % 5000,
			 (uint32_t)(i + p) % 300, (uint64_t)i * 3 + (uint64_t)p);
	set_sys(c, LW_HSYS_MEM_AVAILABLE_KB, 5000000 + (uint64_t)i);
}

static uint64_t file_bytes(const char *path)
{
	char wal[256];
	struct stat sb;
	uint64_t n = 0;

	if (stat(path, &sb) == 0)
		n += (uint64_t)sb.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &sb) == 0)
		n += (uint64_t)sb.st_size;
	return n;
}

static void size_bound_windows_first(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history *h;
	int64_t first_window = -1, newest = 0;
	uint64_t peak = 0;

	config_for(&cfg, f->path, 1, 600, 30, 1);
	h = open_history(&cfg);
	for (int i = 0; i < 25 * 60; i++) {
		struct lw_history_cycle c;

		busy_cycle(&c, i, 100);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
		lw_history_status(h, &st);
		if (!st.ok)
			fail_msg("cycle %d: %s", i, st.error);
		if (file_bytes(f->path) > peak)
			peak = file_bytes(f->path);
		assert_true(st.file_bytes <= 1 * MIB);
		if (first_window < 0 && st.oldest_t < st.full_oldest_t)
			first_window = st.oldest_t;
		newest = st.newest_t;
	}
	print_message("size bound 1 MiB, 100 busy processes, 25 h: peak %llu bytes\n",
		      (unsigned long long)peak);
	assert_true(peak <= 1 * MIB);
	lw_history_status(h, &st);
	/* Windows went first: the oldest window is much newer than the first one written, and
	 * full resolution still covers full_hours. */
	assert_true(first_window > 0);
	assert_true(st.oldest_t > first_window + 3600);
	assert_true(st.oldest_t < st.full_oldest_t);
	assert_true(st.full_oldest_t <= newest - 3600);
	assert_non_null(strstr(st.notice, "max_mb 1 reached"));
	lw_history_close(h);
}

static void size_bound_full_resolution(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct points got, want = { 0 };
	struct lw_history *h;
	const int cycles = 400;

	config_for(&cfg, f->path, 48, 600, 30, 1);
	h = open_history(&cfg);
	for (int i = 0; i < cycles; i++) {
		struct lw_history_cycle c;

		busy_cycle(&c, i, 300);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
		lw_history_status(h, &st);
		if (!st.ok)
			fail_msg("cycle %d: %s", i, st.error);
		assert_true(st.file_bytes <= 1 * MIB);
		assert_true(file_bytes(f->path) <= 1 * MIB);
	}
	lw_history_status(h, &st);
	assert_true(st.full_oldest_t > T0 + 60 * 100);
	assert_int_equal(st.newest_t, T0 + 60 * (cycles - 1));
	/* What is left replays exactly: the cuts rolled every series forward whole. */
	for (int i = (int)((st.full_oldest_t - T0) / 60); i < cycles; i++) {
		struct lw_history_cycle c;

		busy_cycle(&c, i, 300);
		expect_cycle(&want, &c);
		lw_history_cycle_free(&c);
	}
	got = replay_all(h, 0);
	assert_same_points(&got, &want);
	points_free(&got);
	points_free(&want);
	lw_history_close(h);
}

/*
 * Everything at once against the oracle: processes born and exiting, values changing now and
 * then, cycles where the process or slab collector did not run (carried series), system fields
 * missing, restarts, and a size bound cutting the oldest cycles all along. Whatever is left
 * replays exactly as submitted.
 */
#define CHURN_SLOTS 150
#define CHURN_CYCLES 700

struct churn_proc {
	bool alive;
	int64_t start;
	uint64_t rss, cpu;
	uint32_t fds;
};

static uint32_t churn_random(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void churn_cycle(struct lw_history_cycle *c, struct churn_proc *procs, int i, uint32_t *seed)
{
	bool procs_ran = churn_random(seed) % 20 != 0, slabs_ran = i % 3 == 0;

	cycle_init(c, T0 + 60 * i);
	for (int p = 0; p < CHURN_SLOTS; p++) {
		struct churn_proc *pr = &procs[p];

		if (pr->alive && churn_random(seed) % 100 < 3)
			pr->alive = false;
		else if (!pr->alive && churn_random(seed) % 100 < 4)
			*pr = (struct churn_proc){ true, c->t, 1000 + churn_random(seed) % 1000, 0,
						   churn_random(seed) % 50 };
		if (!pr->alive)
			continue;
		if (churn_random(seed) % 5 == 0)
			pr->rss += churn_random(seed) % 64;
		if (churn_random(seed) % 3 == 0)
			pr->cpu++;
		if (churn_random(seed) % 11 == 0)
			pr->fds = churn_random(seed) % 50;
		if (procs_ran)
			add_proc(c, 20000 + (uint32_t)p, pr->start, p % 7 ? "worker" : "cron", pr->rss,
				 pr->fds, pr->cpu);
	}
	if (procs_ran) {
		add_group(c, "worker", (uint32_t)c->nprocs, 1, (uint64_t)i / 10);
		add_group(c, "cron", 1, 2, 3);
	}
	if (slabs_ran) {
		add_slab(c, "even-cache", 4096ull * (uint64_t)(i / 50), 0);
		add_slab(c, "odd-cache", 4096ull * (uint64_t)(i / 70 + 1), 0);
	}
	for (int f = 0; f < LW_HSYS_COUNT; f++)
		if (churn_random(seed) % 10 != 0)
			set_sys(c, (enum lw_hist_sys_field)f, churn_random(seed) % 4 == 0 ?
							     (uint64_t)i : 7);
}

static void churn_restarts_and_cuts(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct churn_proc procs[CHURN_SLOTS] = { 0 };
	struct points got, want = { 0 }, kept = { 0 };
	struct lw_history *h;
	uint32_t seed = 99;
	int restarts = 0;
	sqlite3 *db;

	config_for(&cfg, f->path, 48, 600, 30, 1);
	h = open_history(&cfg);
	for (int i = 0; i < CHURN_CYCLES; i++) {
		struct lw_history_cycle c;

		if (churn_random(&seed) % 50 == 0) {
			lw_history_close(h);
			h = open_history(&cfg);
			restarts++;
		}
		churn_cycle(&c, procs, i, &seed);
		submit_flush(h, &c);
		assert_status_ok(h);
		expect_cycle(&want, &c);
		lw_history_cycle_free(&c);
	}
	lw_history_status(h, &st);
	print_message("churn: %d restarts, full resolution kept from cycle %lld of %d\n", restarts,
		      (long long)(st.full_oldest_t - T0) / 60, CHURN_CYCLES);
	assert_true(restarts > 3);
	assert_true(st.full_oldest_t > T0 + 60 * 50);
	for (size_t i = 0; i < want.n; i++)
		if (want.p[i].t >= st.full_oldest_t)
			points_add(&kept, &want.p[i]);
	got = replay_all(h, 0);
	assert_same_points(&got, &kept);
	points_free(&got);
	points_free(&want);
	points_free(&kept);
	lw_history_close(h);
	db = db_open(f->path);
	assert_integrity(db);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE id NOT IN"
				" (SELECT id FROM sample) AND id NOT IN (SELECT id FROM win)"), 0);
	sqlite3_close(db);
}

/*
 * Issue 14, item 7: leakwatchd's RSS grew for hours under process churn, held, not lost. It was
 * SQLite's page cache filling with the ident and sample pages each cycle touched, up to
 * cache_size (1 MiB) plus overhead. The writer now empties the cache after each cycle, so the
 * memory SQLite holds between cycles is the same after 400 cycles of churn (200 new processes
 * a cycle: about 80,000 idents, far more pages than the cache holds) as after the first 20.
 * sqlite3_memory_used() counts every SQLite allocation of this process, and only the writer
 * has a database open here; after lw_history_flush the writer is idle between two cycles.
 */
#define HOLD_CYCLES 400
#define HOLD_NEW_PER_CYCLE 200
#define HOLD_SLACK_KIB 64   /* statement and schema memory may settle; the cache was 1 MiB */

static void hold_cycle(struct lw_history_cycle *c, int i)
{
	cycle_init(c, T0 + 60 * i);
	/* a few long-lived processes, and a fresh generation of short-lived ones each cycle */
	for (int p = 0; p < 20; p++)
		add_proc(c, 100 + (uint32_t)p, 50, "daemon", 5000 + (uint64_t)p, 10, (uint64_t)i);
	for (int p = 0; p < HOLD_NEW_PER_CYCLE; p++)
		add_proc(c, 1000 + (uint32_t)((i * HOLD_NEW_PER_CYCLE + p) % 4000000), T0 + 60 * i,
			 p % 2 ? "sh" : "make", 1000 + (uint64_t)p, 3, 1);
	add_group(c, "daemon", 20, 200, (uint64_t)i);
	set_sys(c, LW_HSYS_MEM_AVAILABLE_KB, 5000000 + (uint64_t)i);
}

static void memory_held_between_cycles_is_bounded(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history *h;
	int64_t early = 0, late;

	config_for(&cfg, f->path, 48, 600, 30, 1024);
	h = open_history(&cfg);
	for (int i = 0; i < HOLD_CYCLES; i++) {
		struct lw_history_cycle c;

		hold_cycle(&c, i);
		submit_flush(h, &c);
		assert_status_ok(h);
		lw_history_cycle_free(&c);
		if (i == 19)
			early = sqlite3_memory_used();
	}
	late = sqlite3_memory_used();
	print_message("sqlite memory between cycles: %lld KiB after 20 cycles, %lld KiB after %d\n",
		      (long long)early / 1024, (long long)late / 1024, HOLD_CYCLES);
	lw_history_close(h);
	if (early == 0)
		skip();  /* SQLite built without memory statistics: nothing to compare */
	assert_true(late <= early + HOLD_SLACK_KIB * 1024);
}

/* A small step back drops cycles until the clock catches up; a large one starts afresh. */
static void clock_goes_back(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history_cycle c;
	struct lw_history *h;
	struct points got;
	DIR *d;
	struct dirent *e;
	int moved = 0;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	for (int i = 0; i < 10; i++) {
		mixed_cycle(&c, i);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
	}
	mixed_cycle(&c, 5);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	lw_history_status(h, &st);
	assert_true(st.ok);
	assert_int_equal(st.cycles_dropped, 1);
	assert_int_equal(st.cycles_written, 10);
	assert_non_null(strstr(st.notice, "the clock went back, cycle dropped"));

	mixed_cycle(&c, -100);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	lw_history_status(h, &st);
	assert_true(st.ok);
	assert_int_equal(st.cycles_written, 11);
	assert_non_null(strstr(st.notice, "the clock went back 6540 s"));
	assert_non_null(strstr(st.notice, ".clock-"));
	got = replay_all(h, 0);
	assert_true(got.n > 0);
	assert_int_equal(got.p[0].t, T0 - 6000);
	assert_int_equal(got.p[got.n - 1].t, T0 - 6000);
	points_free(&got);
	lw_history_close(h);
	d = opendir(f->dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		moved += strstr(e->d_name, "history.db.clock-") != NULL;
	closedir(d);
	assert_int_equal(moved, 1);
}

/* --- files that cannot be used ----------------------------------------------------------- */

static void newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history_cycle c;
	struct lw_history *h;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE future (x); PRAGMA user_version = 99;",
				      NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	lw_history_status(h, &st);
	assert_false(st.ok);
	assert_non_null(strstr(st.error, f->path));
	assert_non_null(strstr(st.error, "schema version 99 is newer"));
	mixed_cycle(&c, 0);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	lw_history_status(h, &st);
	assert_false(st.ok);
	assert_int_equal(st.cycles_dropped, 1);
	assert_int_equal(st.cycles_written, 0);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "PRAGMA user_version"), 99);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sqlite_master"), 1);
	sqlite3_close(db);
}

static int count_corrupt_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".corrupt-") != NULL && strstr(e->d_name, "-wal") == NULL &&
		    strstr(e->d_name, "-shm") == NULL)
			n++;
	closedir(d);
	return n;
}

static void corrupt_file_moved_aside(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history_cycle c;
	struct lw_history *h;
	char garbage[8192];
	FILE *out;

	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)(i * 7919 % 251);
	out = fopen(f->path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(garbage, 1, sizeof(garbage), out), sizeof(garbage));
	fclose(out);

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	lw_history_status(h, &st);
	if (!st.ok)
		fail_msg("a new file should have been started: %s", st.error);
	print_message("notice: %s\n", st.notice);
	assert_non_null(strstr(st.notice, "was corrupt"));
	assert_non_null(strstr(st.notice, ".corrupt-"));
	assert_int_equal(count_corrupt_files(f->dir), 1);
	mixed_cycle(&c, 0);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	assert_status_ok(h);
	lw_history_close(h);
}

/* Garbage over the pages of the sample table: open works, the first write finds it. */
static void corrupt_during_write(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history *h;
	sqlite3 *db;
	sqlite3_stmt *q;
	char garbage[4096];
	int fd, pages = 0;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	for (int i = 0; i < 30; i++) {
		struct lw_history_cycle c;

		busy_cycle(&c, i, 50);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
	}
	lw_history_close(h);

	memset(garbage, 0xa5, sizeof(garbage));
	db = db_open(f->path);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT pageno FROM dbstat WHERE name = 'sample'",
					    -1, &q, NULL), SQLITE_OK);
	fd = open(f->path, O_WRONLY);
	assert_true(fd >= 0);
	while (sqlite3_step(q) == SQLITE_ROW) {
		off_t at = (off_t)(sqlite3_column_int64(q, 0) - 1) * 4096;

		assert_int_equal(pwrite(fd, garbage, sizeof(garbage), at), sizeof(garbage));
		pages++;
	}
	close(fd);
	sqlite3_finalize(q);
	sqlite3_close(db);
	assert_true(pages > 0);

	h = open_history(&cfg);
	for (int i = 30; i < 32; i++) {
		struct lw_history_cycle c;

		busy_cycle(&c, i, 50);
		submit_flush(h, &c);
		lw_history_cycle_free(&c);
	}
	lw_history_status(h, &st);
	if (!st.ok)
		fail_msg("writing should go on in a new file: %s", st.error);
	print_message("notice: %s\n", st.notice);
	assert_non_null(strstr(st.notice, "was corrupt"));
	assert_non_null(strstr(st.notice, "while writing the cycle"));
	assert_int_equal(count_corrupt_files(f->dir), 1);
	assert_true(st.cycles_written >= 1);
	lw_history_close(h);
	db = db_open(f->path);
	assert_integrity(db);
	sqlite3_close(db);
}

static void missing_directory_then_created(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history_cycle c;
	struct lw_history *h;
	char dir[160], path[200];

	snprintf(dir, sizeof(dir), "%s/later", f->dir);
	snprintf(path, sizeof(path), "%s/history.db", dir);
	config_for(&cfg, path, 48, 600, 30, 64);
	h = open_history(&cfg);
	lw_history_status(h, &st);
	assert_false(st.ok);
	assert_non_null(strstr(st.error, path));
	assert_non_null(strstr(st.error, "cannot open"));
	mixed_cycle(&c, 0);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	assert_int_equal(mkdir(dir, 0700), 0);
	mixed_cycle(&c, 1);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	lw_history_status(h, &st);
	assert_true(st.ok);
	assert_int_equal(st.cycles_written, 1);
	assert_int_equal(st.cycles_dropped, 1);
	assert_true(st.errors >= 2);
	lw_history_close(h);
}

static bool exists(const char *path, const char *suffix)
{
	char p[200];

	snprintf(p, sizeof(p), "%s%s", path, suffix);
	return access(p, F_OK) == 0;
}

/* A read-only reader (a report) leaves -wal and -shm behind; lw_history_tidy removes them and
 * changes nothing else; a missing file is an error and is not made. */
static void tidy_removes_what_readers_left(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_history_cycle c;
	struct lw_error err = { 0 };
	struct lw_history *h;
	char uri[200], missing[160];
	sqlite3 *ro;

	config_for(&cfg, f->path, 48, 600, 30, 64);
	h = open_history(&cfg);
	mixed_cycle(&c, 0);
	submit_flush(h, &c);
	lw_history_cycle_free(&c);
	lw_history_close(h);
	assert_false(exists(f->path, "-wal"));
	snprintf(uri, sizeof(uri), "file:%s?mode=ro", f->path);
	assert_int_equal(sqlite3_open_v2(uri, &ro, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_exec(ro, "SELECT count(*) FROM cycle", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(ro);
	assert_true(exists(f->path, "-wal") && exists(f->path, "-shm"));
	assert_int_equal(lw_history_tidy(f->path, &err), 0);
	assert_false(exists(f->path, "-wal") || exists(f->path, "-shm"));
	ro = db_open(f->path);
	assert_int_equal(db_int(ro, -1, "SELECT count(*) FROM cycle"), 1);
	sqlite3_close(ro);
	snprintf(missing, sizeof(missing), "%s/none.db", f->dir);
	assert_int_equal(lw_history_tidy(missing, &err), -1);
	assert_non_null(strstr(err.text, missing));
	assert_false(exists(missing, ""));
}

static void bad_settings_refused(void **state)
{
	struct fixture *f = *state;
	struct lw_history_settings cfg;
	struct lw_error err = { 0 };
	struct lw_history *h = NULL;

	config_for(&cfg, f->path, 0, 600, 30, 64);
	assert_int_equal(lw_history_open(&h, &cfg, &err), -1);
	assert_null(h);
	assert_int_equal(err.code, EINVAL);
	lw_history_close(NULL);
}

/* --- a read-only and a full file system, in a private mount namespace --------------------- */

#define CHILD_CHECK(cond, ...)                                                   \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "child: line %d: ", __LINE__);            \
			fprintf(stderr, __VA_ARGS__);                            \
			fputc('\n', stderr);                                     \
			_exit(1);                                                \
		}                                                                \
	} while (0)

#define CHILD_NO_NAMESPACE 77

/* A tmpfs of its own, invisible to the rest of the host; dies with the child. */
static void child_private_tmpfs(const char *dir, const char *options)
{
	if (unshare(CLONE_NEWNS) != 0) {
		fprintf(stderr, "unshare(CLONE_NEWNS): %s\n", strerror(errno));
		_exit(CHILD_NO_NAMESPACE);
	}
	/* Source and type are ignored for these flags; named anyway, for valgrind's checks. */
	CHILD_CHECK(mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) == 0,
		    "making / private: %s", strerror(errno));
	CHILD_CHECK(mount("tmpfs", dir, "tmpfs", 0, options) == 0, "mount tmpfs: %s",
		    strerror(errno));
}

static void run_in_namespace(void (*body)(const char *dir), const char *dir)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		body(dir);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_NO_NAMESPACE)
		fail_msg("unshare(CLONE_NEWNS) is not permitted here: this test needs root with"
			 " CAP_SYS_ADMIN to mount a private tmpfs (as root, file modes do not stop"
			 " writes)");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("the child failed (status 0x%x): see its message above", status);
}

static struct lw_history *child_open(const char *path, struct lw_history_status *st)
{
	struct lw_history_settings cfg;
	struct lw_history *h = NULL;
	struct lw_error err = { 0 };

	config_for(&cfg, path, 48, 600, 30, 64);
	CHILD_CHECK(lw_history_open(&h, &cfg, &err) == 0, "open: %s", err.text);
	lw_history_status(h, st);
	return h;
}

static void child_submit(struct lw_history *h, int i, int nprocs, struct lw_history_status *st)
{
	struct lw_history_cycle c;

	busy_cycle(&c, i, nprocs);
	CHILD_CHECK(lw_history_submit(h, &c) == 0, "submit");
	lw_history_cycle_free(&c);
	lw_history_flush(h);
	lw_history_status(h, st);
}

static void read_only_body(const char *dir)
{
	struct lw_history_status st;
	struct lw_history *h;
	char path[160];

	child_private_tmpfs(dir, "size=8m");
	snprintf(path, sizeof(path), "%s/history.db", dir);
	h = child_open(path, &st);
	for (int i = 0; i < 3; i++)
		child_submit(h, i, 20, &st);
	CHILD_CHECK(st.ok && st.cycles_written == 3, "writing before: %s", st.error);
	lw_history_close(h);

	CHILD_CHECK(mount("tmpfs", dir, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) == 0,
		    "remount read-only: %s", strerror(errno));
	h = child_open(path, &st);
	CHILD_CHECK(!st.ok, "opening a read-only file succeeded");
	CHILD_CHECK(strstr(st.error, "read-only") != NULL && strstr(st.error, path) != NULL,
		    "the error should say read-only and name the file: %s", st.error);
	child_submit(h, 3, 20, &st);
	CHILD_CHECK(!st.ok && st.cycles_dropped == 1 && st.cycles_written == 0,
		    "while read-only: ok %d dropped %llu written %llu", st.ok,
		    (unsigned long long)st.cycles_dropped, (unsigned long long)st.cycles_written);

	CHILD_CHECK(mount("tmpfs", dir, "tmpfs", MS_REMOUNT, NULL) == 0, "remount read-write: %s",
		    strerror(errno));
	child_submit(h, 4, 20, &st);
	CHILD_CHECK(st.ok && st.cycles_written == 1, "after the remount: %s", st.error);
	lw_history_close(h);
}

static void read_only_file_system(void **state)
{
	struct fixture *f = *state;

	run_in_namespace(read_only_body, f->dir);
}

static void full_disk_body(const char *dir)
{
	struct lw_history_status st;
	struct lw_history *h;
	char path[160], filler[160], block[65536];
	uint64_t written_before;
	int fd, i;
	sqlite3 *db;
	sqlite3_stmt *check;
	const char *result;

	child_private_tmpfs(dir, "size=2m");
	snprintf(path, sizeof(path), "%s/history.db", dir);
	snprintf(filler, sizeof(filler), "%s/filler", dir);
	h = child_open(path, &st);
	for (i = 0; i < 5; i++)
		child_submit(h, i, 200, &st);
	CHILD_CHECK(st.ok && st.cycles_written == 5, "writing before: %s", st.error);

	memset(block, 'x', sizeof(block));
	fd = open(filler, O_WRONLY | O_CREAT, 0600);
	CHILD_CHECK(fd >= 0, "filler: %s", strerror(errno));
	for (;;) {
		ssize_t n = write(fd, block, sizeof(block));

		if (n <= 0)
			break;
	}
	/* The last few bytes a short write left. */
	while (write(fd, block, 1) == 1)
		;
	close(fd);

	for (; i < 200 && st.ok; i++)
		child_submit(h, i, 200, &st);
	CHILD_CHECK(!st.ok, "200 cycles of 200 processes fitted in a full 2 MiB file system");
	CHILD_CHECK(strstr(st.error, "disk full") != NULL && strstr(st.error, path) != NULL,
		    "the error should say disk full and name the file: %s", st.error);
	CHILD_CHECK(st.cycles_dropped >= 1, "no cycle counted as dropped");
	child_submit(h, i++, 200, &st);
	CHILD_CHECK(!st.ok, "still full, yet ok");

	written_before = st.cycles_written;
	CHILD_CHECK(unlink(filler) == 0, "unlink filler: %s", strerror(errno));
	child_submit(h, i++, 200, &st);
	CHILD_CHECK(st.ok, "after freeing space: %s", st.error);
	CHILD_CHECK(st.cycles_written == written_before + 1, "the cycle after was not written");
	lw_history_close(h);

	CHILD_CHECK(sqlite3_open(path, &db) == SQLITE_OK, "sqlite3_open");
	CHILD_CHECK(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &check, NULL) == SQLITE_OK &&
		    sqlite3_step(check) == SQLITE_ROW, "integrity_check: %s", sqlite3_errmsg(db));
	result = (const char *)sqlite3_column_text(check, 0);
	CHILD_CHECK(result != NULL && strcmp(result, "ok") == 0, "integrity_check: %s",
		    result != NULL ? result : "(null)");
	sqlite3_finalize(check);
	sqlite3_close(db);
}

static void full_file_system(void **state)
{
	struct fixture *f = *state;

	run_in_namespace(full_disk_body, f->dir);
}

/* --- crash safety: kill -9 at random moments -------------------------------------------- */

#define CRASH_ROUNDS 30
#define CRASH_PROCS 50
#define CRASH_STEP 300              /* fake seconds between cycles: retention runs often */
#define CRASH_ROWS (2 * CRASH_PROCS + LW_HSYS_COUNT)  /* kinds 1 and 6, and the system */

/* Every value of every series changes each cycle, so each cycle has CRASH_ROWS whole rows. */
static void crash_cycle(struct lw_history_cycle *c, int64_t t)
{
	cycle_init(c, t);
	for (int p = 0; p < CRASH_PROCS; p++)
		add_proc(c, 7000 + (uint32_t)p, 1, "crash", (uint64_t)t + (uint64_t)p,
			 (uint32_t)(t / CRASH_STEP) + (uint32_t)p, (uint64_t)t);
	for (int f = 0; f < LW_HSYS_COUNT; f++)
		set_sys(c, (enum lw_hist_sys_field)f, (uint64_t)t + (uint64_t)f);
}

/* Writes cycles as fast as it can, reporting each one the writer has committed. */
static void crash_child(const char *path, int report_fd, int64_t t)
{
	struct lw_history_settings cfg;
	struct lw_history_status st;
	struct lw_history *h = NULL;
	struct lw_error err = { 0 };

	config_for(&cfg, path, 1, 600, 1, 64);
	CHILD_CHECK(lw_history_open(&h, &cfg, &err) == 0, "open: %s", err.text);
	for (uint64_t written = 0;; t += CRASH_STEP) {
		struct lw_history_cycle c;

		crash_cycle(&c, t);
		CHILD_CHECK(lw_history_submit(h, &c) == 0, "submit");
		lw_history_cycle_free(&c);
		lw_history_flush(h);
		lw_history_status(h, &st);
		CHILD_CHECK(st.ok && st.cycles_written == written + 1, "cycle at %lld: %s",
			    (long long)t, st.error);
		written++;
		CHILD_CHECK(write(report_fd, &t, sizeof(t)) == sizeof(t), "report");
	}
}

static uint32_t next_random(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Reads reports until `want` have come (or the child is gone); returns the last one. */
static int64_t read_reports(int fd, int want, int64_t last, int *got)
{
	int64_t t;

	while (*got < want) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (poll(&p, 1, 60000) <= 0)
			fail_msg("the crash child reported nothing for 60 s");
		if (read(fd, &t, sizeof(t)) != sizeof(t))
			break;
		last = t;
		(*got)++;
	}
	return last;
}

static void check_crashed_file(const char *path, int64_t reported, int64_t *newest)
{
	sqlite3 *db = db_open(path);
	sqlite3_stmt *q;
	int64_t prev = -1, oldest, t;

	assert_integrity(db);
	/* Killed before its schema or its first cycle was committed: nothing more to check. */
	if (db_int(db, 0, "SELECT count(*) FROM sqlite_master WHERE name = 'cycle'") == 0 ||
	    (t = db_int(db, -1, "SELECT max(t) FROM cycle")) < 0) {
		assert_true(reported <= 0 && *newest <= 0);
		sqlite3_close(db);
		return;
	}
	/* Every reported cycle is there; the one in flight may be too, nothing else. */
	if (reported > 0 && t != reported && t != reported + CRASH_STEP)
		fail_msg("newest cycle %lld, last reported %lld", (long long)t, (long long)reported);
	if (reported <= 0 && *newest > 0 && t != *newest && t != *newest + CRASH_STEP)
		fail_msg("newest cycle %lld after %lld, none reported", (long long)t,
			 (long long)*newest);
	*newest = t;
	oldest = db_int(db, -1, "SELECT min(t) FROM cycle");
	/* Contiguous, and each cycle whole: its rows all there, none half-written. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM cycle"),
			 (t - oldest) / CRASH_STEP + 1);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT c.t, c.rows, (SELECT count(*) FROM sample s"
					    " WHERE s.t = c.t) FROM cycle c ORDER BY c.t", -1, &q,
					    NULL), SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		int64_t ct = sqlite3_column_int64(q, 0);

		if (sqlite3_column_int64(q, 1) != CRASH_ROWS || sqlite3_column_int64(q, 2) != CRASH_ROWS)
			fail_msg("cycle %lld: %lld rows recorded, %lld stored, %d expected",
				 (long long)ct, (long long)sqlite3_column_int64(q, 1),
				 (long long)sqlite3_column_int64(q, 2), CRASH_ROWS);
		assert_true(ct > prev);
		prev = ct;
	}
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT c.t, c.rows, (SELECT count(*) FROM win w"
					    " WHERE w.t = c.t) FROM win_cycle c", -1, &q, NULL),
			 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW)
		if (sqlite3_column_int64(q, 1) != CRASH_ROWS || sqlite3_column_int64(q, 2) != CRASH_ROWS)
			fail_msg("window %lld: %lld rows recorded, %lld stored",
				 (long long)sqlite3_column_int64(q, 0),
				 (long long)sqlite3_column_int64(q, 1),
				 (long long)sqlite3_column_int64(q, 2));
	sqlite3_finalize(q);
	/* The newest cycle's values are the ones submitted. */
	assert_int_equal(db_int(db, -1, "SELECT s.v0 FROM sample s JOIN ident i ON i.id = s.id"
				" WHERE s.t = %lld AND i.pid = 7003", (long long)t), t + 3);
	sqlite3_close(db);
}

static void crash_safety_kill9(void **state)
{
	struct fixture *f = *state;
	uint32_t seed = 20261207;
	int64_t newest = 0, start = T0;
	int total_reports = 0;

	for (int round = 0; round < CRASH_ROUNDS; round++) {
		int fds[2], got = 0, want = (int)(next_random(&seed) % 40), status;
		int64_t reported = 0;
		pid_t pid;

		assert_int_equal(pipe(fds), 0);
		fflush(NULL);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			crash_child(f->path, fds[1], start);
			_exit(0);
		}
		close(fds[1]);
		/* Somewhere between before the open and a few dozen cycles in, then a random
		 * number of microseconds more: kill -9 lands in open, a write, a fold or a cut. */
		reported = read_reports(fds[0], want, 0, &got);
		usleep(next_random(&seed) % 20000);
		kill(pid, SIGKILL);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status))
			fail_msg("the crash child ended by itself (status 0x%x)", status);
		reported = read_reports(fds[0], INT32_MAX, reported, &got);
		close(fds[0]);
		total_reports += got;
		if (got == 0 && newest == 0) {
			struct stat sb;

			/* Killed before it created the file. */
			if (stat(f->path, &sb) != 0)
				continue;
		}
		check_crashed_file(f->path, got > 0 ? reported : 0, &newest);
		start = newest > 0 ? newest + CRASH_STEP : T0;
	}
	print_message("kill -9: %d rounds, %d cycles committed and reported\n", CRASH_ROUNDS,
		      total_reports);
	assert_true(total_reports > CRASH_ROUNDS);
	/* The kills also hit the upkeep: cycles were folded into windows and windows dropped. */
	if (newest - T0 > 86400 + 2 * 3600) {
		sqlite3 *db = db_open(f->path);

		assert_true(db_int(db, 0, "SELECT count(*) FROM win_cycle") > 0);
		assert_true(db_int(db, 0, "SELECT min(t) FROM cycle") > T0 + 3600);
		assert_true(db_int(db, 0, "SELECT min(t) FROM win_cycle") > T0 + 3600);
		sqlite3_close(db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(replay_stops_when_asked, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(unknown_fds, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(unknown_fds_replay, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(identity_is_pid_and_start, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(queue_drops_oldest, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(downsampling_and_days, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(size_bound_windows_first, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(size_bound_full_resolution, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(churn_restarts_and_cuts, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(memory_held_between_cycles_is_bounded, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(clock_goes_back, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(newer_schema_refused, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(corrupt_file_moved_aside, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(corrupt_during_write, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(missing_directory_then_created, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(tidy_removes_what_readers_left, dir_setup,
						dir_teardown),
		cmocka_unit_test_setup_teardown(bad_settings_refused, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(read_only_file_system, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(full_file_system, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(crash_safety_kill9, dir_setup, dir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
